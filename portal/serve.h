/*
 * serve.h — the portal's read-only HTTP server (libmicrohttpd): Digital
 * Link pages and GET /events (answers made by web.c).
 *
 * One internal polling thread answers every request in turn on one
 * PostgreSQL connection (libpq connections are not shared across threads);
 * a page is a few indexed queries, so this keeps up with a district's
 * shoppers and inspectors. Only GET and HEAD; anything else is 405. No
 * request body is ever read.
 */
#ifndef PORTAL_SERVE_H
#define PORTAL_SERVE_H

#include "../common/tt.h"
#include "store.h"

struct portal_server;

/*
 * Listens on `listen` ("ADDR:PORT", IPv4 or [IPv6]; port 0 = any free
 * port) and answers from `st` (borrowed until portal_serve_stop). *out is
 * owned. TT_EUSAGE for a malformed address, TT_EDEVICE if it cannot bind.
 */
int portal_serve_start(struct portal_store *st, const char *listen, struct portal_server **out,
                       struct tt_err *err);

/* The port actually bound. */
unsigned portal_serve_port(const struct portal_server *srv);

/* Stops and frees; NULL is a no-op. */
void portal_serve_stop(struct portal_server *srv);

#endif
