/*
 * pool.c — PostgreSQL connections for serve's worker threads (see pool.h).
 *
 * Connecting happens outside the lock (it can take a while over a network)
 * on a slot already marked busy, so no other thread touches it meanwhile.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_MAX 64
/* After a failed connect a slot waits this long before trying again. */
#define RETRY_S 1.0

/*
 * Settings of every serve session: a runaway query cannot hold a worker
 * for long, and the web side can never write, whatever a bug might try.
 * The first two repeat portal_store_open's, which a PQreset would lose.
 */
static const char *const session_sql[] = {
    "SET client_min_messages = warning",
    "SET jit = off",
    "SET statement_timeout = '20s'",
    "SET default_transaction_read_only = on",
};

struct slot {
    struct portal_store *st; /* NULL until connected */
    PGcancel *cancel;        /* while busy with a connection */
    int busy;
    double retry_at; /* monotonic seconds; 0 = may connect now */
};

struct portal_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *conninfo;
    int closing;
    unsigned n;
    struct slot slots[POOL_MAX];
};

static double
mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
portal_pool_new(const char *conninfo, unsigned size, struct portal_pool **out, struct tt_err *err)
{
    struct portal_pool *p;
    pthread_condattr_t ca;

    *out = NULL;
    if (size < 1 || size > POOL_MAX)
        return tt_err_set(err, TT_EUSAGE, "portal_pool_new", "pool size %u not in 1-%d", size,
                          POOL_MAX);
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return tt_err_set(err, TT_ENOMEM, "portal_pool_new", "out of memory");
    p->conninfo = strdup(conninfo != NULL ? conninfo : "");
    if (p->conninfo == NULL) {
        free(p);
        return tt_err_set(err, TT_ENOMEM, "portal_pool_new", "out of memory");
    }
    p->n = size;
    pthread_mutex_init(&p->lock, NULL);
    /* Waits are timed on the monotonic clock: a clock change must not stretch them. */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->freed, &ca);
    pthread_condattr_destroy(&ca);
    *out = p;
    return 0;
}

static int
session_set(struct portal_store *st, struct tt_err *err)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < sizeof session_sql / sizeof session_sql[0]; i++)
        rc = portal_store_exec(st, session_sql[i], 0, NULL, NULL, err);
    return rc < 0 ? tt_err_set(err, TT_EDEVICE, "portal_pool", "PostgreSQL is not reachable") : 0;
}

/* A new session with serve's settings, or TT_EDEVICE. */
static int
session_open(const char *conninfo, struct portal_store **out, struct tt_err *err)
{
    int rc = portal_store_open(conninfo, out, err);

    if (rc == 0)
        rc = session_set(*out, err);
    if (rc < 0) {
        portal_store_close(*out);
        *out = NULL;
        return tt_err_set(err, TT_EDEVICE, "portal_pool", "PostgreSQL is not reachable");
    }
    return 0;
}

/*
 * Connects a busy slot if needed, without the lock held while connecting.
 * Only the borrowing thread writes s->st, under the lock, because
 * slot_of() in other threads reads it.
 */
static int
slot_connect(struct portal_pool *p, struct slot *s, struct tt_err *err)
{
    struct portal_store *st = NULL;
    double now = mono_s();
    int rc;

    if (s->st != NULL)
        return 0;
    if (now < s->retry_at)
        return tt_err_set(err, TT_EDEVICE, "portal_pool", "PostgreSQL is not reachable");
    rc = session_open(p->conninfo, &st, err);
    pthread_mutex_lock(&p->lock);
    s->st = st;
    s->retry_at = rc < 0 ? now + RETRY_S : 0;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

static struct slot *
slot_of(struct portal_pool *p, const struct portal_store *st)
{
    for (unsigned i = 0; i < p->n; i++)
        if (p->slots[i].busy && p->slots[i].st == st)
            return &p->slots[i];
    return NULL;
}

/* The cancel handle of a slot's connection, replaced under the lock. */
static void
slot_set_cancel(struct portal_pool *p, struct slot *s)
{
    PGcancel *c = s->st != NULL ? PQgetCancel(portal_store_conn(s->st)) : NULL;

    pthread_mutex_lock(&p->lock);
    if (s->cancel != NULL)
        PQfreeCancel(s->cancel);
    s->cancel = c;
    pthread_mutex_unlock(&p->lock);
}

int
portal_pool_get(struct portal_pool *p, int wait_ms, struct portal_store **out, struct tt_err *err)
{
    struct timespec until;
    struct slot *s = NULL;
    int rc = 0;

    *out = NULL;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->lock);
    while (s == NULL && rc == 0 && !p->closing) {
        /* Prefer a slot already connected: no connect, no retry wait. */
        for (unsigned i = 0; i < p->n; i++)
            if (!p->slots[i].busy && (s == NULL || (s->st == NULL && p->slots[i].st != NULL)))
                s = &p->slots[i];
        if (s == NULL && pthread_cond_timedwait(&p->freed, &p->lock, &until) == ETIMEDOUT)
            rc = TT_EBUSY;
    }
    if (s != NULL && !p->closing)
        s->busy = 1;
    else
        s = NULL;
    pthread_mutex_unlock(&p->lock);
    if (s == NULL)
        return tt_err_set(err, TT_EBUSY, "portal_pool", "every database connection is busy");
    rc = slot_connect(p, s, err);
    if (rc < 0) {
        pthread_mutex_lock(&p->lock);
        s->busy = 0;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
        return rc;
    }
    slot_set_cancel(p, s);
    *out = s->st;
    return 0;
}

int
portal_pool_revive(struct portal_pool *p, struct portal_store *st, struct tt_err *err)
{
    PGconn *conn = portal_store_conn(st);
    struct slot *s;

    pthread_mutex_lock(&p->lock);
    s = slot_of(p, st);
    pthread_mutex_unlock(&p->lock);
    if (s == NULL || PQstatus(conn) != CONNECTION_BAD)
        return 0;
    /* In place, so the caller's store stays valid; the settings are made again. */
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK || session_set(st, err) < 0)
        return tt_err_set(err, TT_EDEVICE, "portal_pool", "PostgreSQL is not reachable");
    slot_set_cancel(p, s);
    return 1;
}

void
portal_pool_put(struct portal_pool *p, struct portal_store *st)
{
    struct slot *s;

    if (st == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    s = slot_of(p, st);
    if (s != NULL) {
        if (s->cancel != NULL)
            PQfreeCancel(s->cancel);
        s->cancel = NULL;
        if (PQstatus(portal_store_conn(st)) == CONNECTION_BAD) {
            portal_store_close(st);
            s->st = NULL;
        }
        s->busy = 0;
        pthread_cond_signal(&p->freed);
    }
    pthread_mutex_unlock(&p->lock);
}

void
portal_pool_close(struct portal_pool *p)
{
    char why[256];

    pthread_mutex_lock(&p->lock);
    p->closing = 1;
    for (unsigned i = 0; i < p->n; i++)
        if (p->slots[i].busy && p->slots[i].cancel != NULL)
            PQcancel(p->slots[i].cancel, why, (int)sizeof why);
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void
portal_pool_free(struct portal_pool *p)
{
    if (p == NULL)
        return;
    for (unsigned i = 0; i < p->n; i++) {
        if (p->slots[i].cancel != NULL)
            PQfreeCancel(p->slots[i].cancel);
        portal_store_close(p->slots[i].st);
    }
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    free(p->conninfo);
    free(p);
}
