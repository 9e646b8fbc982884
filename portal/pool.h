/*
 * pool.h — a fixed set of PostgreSQL connections shared by serve's worker
 * threads.
 *
 * libpq connections must not be used by two threads at once, so each
 * request borrows one connection (portal_pool_get) and gives it back
 * (portal_pool_put); a mutex and a condition variable hand them out. Slots
 * connect lazily, and a slot whose connection broke (PostgreSQL restarted
 * or went away) is closed on return and connects again on its next use.
 * While the server cannot be reached, a slot tries again at most once a
 * second, so an outage costs each request a quick "unavailable" instead of
 * a connection attempt.
 *
 * Every function is safe to call from any thread.
 */
#ifndef PORTAL_POOL_H
#define PORTAL_POOL_H

#include "../common/tt.h"
#include "store.h"

struct portal_pool;

/*
 * A pool of `size` (1-64) connections to `conninfo` (copied; NULL = the
 * libpq environment). Nothing connects yet. *out is owned
 * (portal_pool_free).
 */
int portal_pool_new(const char *conninfo, unsigned size, struct portal_pool **out,
                    struct tt_err *err);

/*
 * Borrows a connected store into *out (valid until portal_pool_put),
 * waiting up to wait_ms for a free slot. TT_EBUSY when none came free in
 * time or the pool is closing, TT_EDEVICE when PostgreSQL cannot be
 * reached now.
 */
int portal_pool_get(struct portal_pool *p, int wait_ms, struct portal_store **out,
                    struct tt_err *err);

/*
 * Tries the borrowed connection again after a failed query: when libpq
 * says it is broken (a restart killed the session), reconnects it in place.
 * Returns 1 if it did (the caller may run its read-only work again), 0 if
 * the connection was fine, TT_EDEVICE if the server is still away.
 */
int portal_pool_revive(struct portal_pool *p, struct portal_store *st, struct tt_err *err);

/* Gives a borrowed store back (a broken one is closed); NULL is a no-op. */
void portal_pool_put(struct portal_pool *p, struct portal_store *st);

/*
 * Refuses new borrowers (TT_EBUSY) and asks the server to cancel the
 * queries running now, so a shutdown does not wait for a slow trace.
 */
void portal_pool_close(struct portal_pool *p);

/* Closes every connection; nothing may be borrowed. NULL is a no-op. */
void portal_pool_free(struct portal_pool *p);

#endif
