/*
 * pg-rig.h — a private PostgreSQL for the C tests and the portal bench:
 * tests/rig/pg.sh (initdb + pg_ctl in a temporary folder, Unix socket
 * only) started and stopped from C. Run from the source tree.
 */
#ifndef TT_TEST_PG_RIG_H
#define TT_TEST_PG_RIG_H

/*
 * Starts a server with extra settings `opts` (PG_RIG_OPTS, e.g.
 * "-c fsync=off"; NULL keeps the environment's) and points libpq's
 * PGHOST, PGUSER and PGDATABASE at it. The rig's watchdog stops the
 * server when this process dies. 0, or -1 when no server could start
 * (PostgreSQL not installed: callers skip).
 */
int pg_rig_start(const char *opts);

/* Stops the server and removes its folder; 0, or -1. Does nothing when none was started. */
int pg_rig_stop(void);

/* The rig's folder ("" before a start). */
const char *pg_rig_dir(void);

#endif
