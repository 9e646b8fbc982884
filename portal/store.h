/*
 * store.h — the portal's PostgreSQL connection and its schema.
 *
 * The connection string comes from --db (any libpq conninfo or URI); when
 * it is NULL or empty, libpq's own environment applies (PGSERVICE, PGHOST,
 * PGDATABASE, PGUSER ...). Every statement the portal runs is parameterised
 * (PQexecParams); no value from a stick, a URL or the command line is ever
 * pasted into SQL text.
 *
 * Schema migrations are forward-only: the database records its version in
 * portal_schema; portal_store_migrate() applies the missing steps in order,
 * each in its own transaction under an advisory lock (two `init`s at once
 * are fine), and refuses a database newer than this program.
 *
 * Partitioning and Citus: see doc/portal.md. In short, every table that
 * grows with the data (events, bundles, event_conflicts, gaps, receipts)
 * carries station_id and has it first in its primary key, and events is
 * declared PARTITION BY HASH (station_id). With Citus the same tables
 * become distributed tables on station_id, co-located, while stations,
 * station_keys, products and masterdata are reference tables.
 */
#ifndef PORTAL_STORE_H
#define PORTAL_STORE_H

#include <libpq-fe.h>

#include "../common/tt.h"

/* The schema version this program writes (the number of migrations). */
int portal_store_schema_version(void);

struct portal_store;

/*
 * Connects with `conninfo` (NULL or "" = libpq environment). On success
 * *out is owned (portal_store_close). TT_EDEVICE when the server cannot be
 * reached, with libpq's reason in err.
 */
int portal_store_open(const char *conninfo, struct portal_store **out, struct tt_err *err);

/* Closes the connection; NULL is a no-op. */
void portal_store_close(struct portal_store *st);

/* The libpq connection (borrowed, valid until portal_store_close). */
PGconn *portal_store_conn(struct portal_store *st);

/*
 * Brings the schema up to date. *from_out / *to_out (optional) receive the
 * version found and the version left. TT_ESTATE if the database is newer
 * than this program.
 */
int portal_store_migrate(struct portal_store *st, int *from_out, int *to_out, struct tt_err *err);

/*
 * TT_ESTATE with a hint to run `tramtem-portal init` unless the schema is
 * exactly at this program's version.
 */
int portal_store_check(struct portal_store *st, struct tt_err *err);

/*
 * Runs `sql` with text parameters (NULL = SQL NULL) and returns the result
 * (owned: PQclear) in *out, or NULL when out is NULL (the result is freed).
 * Any status other than COMMAND_OK / TUPLES_OK is TT_EIO with the server's
 * message; unique violations are TT_EEXIST, foreign-key ones TT_ENOTFOUND.
 */
int portal_store_exec(struct portal_store *st, const char *sql, int n_params,
                      const char *const *params, PGresult **out, struct tt_err *err);

/* Like portal_store_exec on a bare connection. */
int portal_pg_exec(PGconn *conn, const char *sql, int n_params, const char *const *params,
                   PGresult **out, struct tt_err *err);

/* BEGIN / COMMIT / ROLLBACK (ROLLBACK never fails the caller). */
int portal_store_begin(struct portal_store *st, struct tt_err *err);
int portal_store_commit(struct portal_store *st, struct tt_err *err);
void portal_store_rollback(struct portal_store *st);

#endif
