/*
 * serve.h — the portal's read-only HTTP server (libmicrohttpd): Digital
 * Link pages and GET /events (answers made by web.c).
 *
 * A pool of worker threads (libmicrohttpd's thread pool) answers; each
 * request borrows one PostgreSQL connection of a pool of the same size
 * (pool.h), so a slow trace holds one worker while the others go on.
 * When PostgreSQL is away a request gets a 503 and the connection is made
 * again once it is back. Only GET and HEAD; anything else is 405. No
 * request body is ever read. Limits: SERVE_CONN_MAX connections,
 * SERVE_PER_IP_MAX per client address, SERVE_IDLE_S seconds of silence,
 * SERVE_REQUEST_MAX bytes of request line and headers (414/431 beyond).
 */
#ifndef PORTAL_SERVE_H
#define PORTAL_SERVE_H

#include "../common/tt.h"

#define SERVE_THREADS_MAX 64
#define SERVE_CONN_MAX    256
#define SERVE_PER_IP_MAX  32
#define SERVE_IDLE_S      15
#define SERVE_REQUEST_MAX (32 * 1024)

struct portal_server;

/* The default number of workers: twice the CPUs (they mostly wait on PostgreSQL), 2-16. */
unsigned portal_serve_threads_default(void);

struct portal_serve_opts {
    const char *conninfo; /* NULL = the libpq environment */
    const char *listen;   /* "ADDR:PORT", IPv4 or [IPv6]; port 0 = any free port */
    unsigned threads;     /* workers, 1-SERVE_THREADS_MAX; 0 = the default */
    size_t limit;         /* events on a lot or pallet page; 0 = TRACE_LIMIT_DEFAULT */
};

/*
 * Listens and answers; each request runs on a connection to o->conninfo
 * (made when first needed). The strings are copied or used before return.
 * *out is owned. TT_EUSAGE for a malformed address, thread count or limit,
 * TT_EDEVICE if it cannot bind.
 */
int portal_serve_start(const struct portal_serve_opts *o, struct portal_server **out,
                       struct tt_err *err);

/* The port actually bound. */
unsigned portal_serve_port(const struct portal_server *srv);

/*
 * Cancels the queries running now, waits for the workers to finish and
 * frees; NULL is a no-op.
 */
void portal_serve_stop(struct portal_server *srv);

#endif
