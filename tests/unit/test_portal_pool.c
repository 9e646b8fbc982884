/*
 * test_portal_pool.c — serve's connection pool against a real PostgreSQL
 * (started by tests/rig/pg.sh for this binary, stopped at the end).
 *
 * Covers: lazy connections and reuse, waiting for a free slot and giving
 * up, serve's session settings, a killed session made again in place
 * (what a PostgreSQL restart does to a borrowed connection), an
 * unreachable server answered at once and not retried within the second,
 * and closing: borrowers refused, a running query cancelled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../portal/pool.h"
#include "../../portal/store.h"
#include "support/clock.h"
#include "support/pg-rig.h"

static int
setup(void **state)
{
    (void)state;
    return pg_rig_start("-c fsync=off");
}

static int
teardown(void **state)
{
    (void)state;
    return pg_rig_stop();
}

/* The first column of the first row of `sql` on st, into out. */
static int
query1(struct portal_store *st, const char *sql, char *out, size_t len)
{
    PGresult *res = NULL;
    int rc = portal_store_exec(st, sql, 0, NULL, &res, NULL);

    if (rc == 0)
        snprintf(out, len, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return rc;
}

static void
test_reuse_wait_and_settings(void **state)
{
    struct portal_pool *p = NULL;
    struct portal_store *a = NULL, *b = NULL, *c = NULL;
    struct tt_err err = {0};
    char v[64], pid_a[32], pid_again[32];
    double t0;

    (void)state;
    assert_int_equal(portal_pool_new(NULL, 0, &p, &err), TT_EUSAGE);
    assert_null(p);
    assert_int_equal(portal_pool_new(NULL, 2, &p, &err), 0);
    assert_int_equal(portal_pool_get(p, 1000, &a, &err), 0);
    assert_int_equal(query1(a, "SELECT pg_backend_pid()", pid_a, sizeof pid_a), 0);
    /* serve's sessions: read-only, bounded statements, no JIT. */
    assert_int_equal(query1(a, "SHOW default_transaction_read_only", v, sizeof v), 0);
    assert_string_equal(v, "on");
    assert_int_equal(query1(a, "SHOW statement_timeout", v, sizeof v), 0);
    assert_string_equal(v, "20s");
    assert_int_equal(query1(a, "SHOW jit", v, sizeof v), 0);
    assert_string_equal(v, "off");
    assert_int_equal(portal_store_exec(a, "CREATE TABLE x (i int)", 0, NULL, NULL, &err), TT_EIO);
    assert_int_equal(portal_pool_get(p, 1000, &b, &err), 0);
    assert_ptr_not_equal(a, b);
    /* Both slots busy: the third borrower waits, then gives up. */
    t0 = now_s();
    assert_int_equal(portal_pool_get(p, 300, &c, &err), TT_EBUSY);
    assert_null(c);
    assert_true(now_s() - t0 >= 0.25);
    /* A slot given back is borrowed again, with the same session (no new connection). */
    portal_pool_put(p, a);
    assert_int_equal(portal_pool_get(p, 1000, &c, &err), 0);
    assert_ptr_equal(c, a);
    assert_int_equal(query1(c, "SELECT pg_backend_pid()", pid_again, sizeof pid_again), 0);
    assert_string_equal(pid_again, pid_a);
    portal_pool_put(p, b);
    portal_pool_put(p, c);
    portal_pool_put(p, NULL);
    portal_pool_free(p);
    portal_pool_free(NULL);
}

static void
test_revive_after_the_session_died(void **state)
{
    struct portal_pool *p = NULL;
    struct portal_store *a = NULL, *killer = NULL;
    struct tt_err err = {0};
    char pid[32], pid2[32], sql[96];

    (void)state;
    assert_int_equal(portal_pool_new(NULL, 1, &p, &err), 0);
    assert_int_equal(portal_pool_get(p, 1000, &a, &err), 0);
    assert_int_equal(portal_pool_revive(p, a, &err), 0); /* fine: nothing to do */
    assert_int_equal(query1(a, "SELECT pg_backend_pid()", pid, sizeof pid), 0);
    /* What a restart does to an idle session: the server ends it. */
    assert_int_equal(portal_store_open(NULL, &killer, &err), 0);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%s)", pid);
    assert_int_equal(query1(killer, sql, pid2, sizeof pid2), 0);
    portal_store_close(killer);
    usleep(100 * 1000);
    assert_true(query1(a, "SELECT 1", pid2, sizeof pid2) < 0);
    assert_int_equal(portal_pool_revive(p, a, &err), 1);
    assert_int_equal(query1(a, "SELECT pg_backend_pid()", pid2, sizeof pid2), 0);
    assert_string_not_equal(pid2, pid);
    assert_int_equal(query1(a, "SHOW default_transaction_read_only", pid2, sizeof pid2), 0);
    assert_string_equal(pid2, "on");
    portal_pool_put(p, a);
    portal_pool_free(p);
}

static void
test_unreachable_is_quick(void **state)
{
    struct portal_pool *p = NULL;
    struct portal_store *a = NULL;
    struct tt_err err = {0};
    double t0;

    (void)state;
    assert_int_equal(portal_pool_new("host=/nonexistent-tt-socket-dir", 2, &p, &err), 0);
    t0 = now_s();
    assert_int_equal(portal_pool_get(p, 1000, &a, &err), TT_EDEVICE);
    assert_null(a);
    /* A slot that failed does not try again within the second: the next answers are at once. */
    assert_int_equal(portal_pool_get(p, 1000, &a, &err), TT_EDEVICE);
    assert_int_equal(portal_pool_get(p, 1000, &a, &err), TT_EDEVICE);
    assert_true(now_s() - t0 < 1.0);
    portal_pool_free(p);
}

struct sleeper {
    struct portal_pool *p;
    struct portal_store *st;
    int rc;
};

static void *
sleep_query(void *arg)
{
    struct sleeper *s = arg;

    s->rc = portal_store_exec(s->st, "SELECT pg_sleep(30)", 0, NULL, NULL, NULL);
    return NULL;
}

static void
test_close_cancels_and_refuses(void **state)
{
    struct sleeper s = {0};
    struct portal_store *b = NULL;
    struct tt_err err = {0};
    pthread_t t;
    double t0;

    (void)state;
    assert_int_equal(portal_pool_new(NULL, 2, &s.p, &err), 0);
    assert_int_equal(portal_pool_get(s.p, 1000, &s.st, &err), 0);
    assert_int_equal(pthread_create(&t, NULL, sleep_query, &s), 0);
    usleep(300 * 1000);
    t0 = now_s();
    portal_pool_close(s.p);
    pthread_join(t, NULL);
    assert_true(now_s() - t0 < 5.0);
    assert_int_equal(s.rc, TT_EBUSY); /* cancelled: 57014 */
    assert_int_equal(portal_pool_get(s.p, 1000, &b, &err), TT_EBUSY);
    portal_pool_put(s.p, s.st);
    portal_pool_free(s.p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_wait_and_settings),
        cmocka_unit_test(test_revive_after_the_session_died),
        cmocka_unit_test(test_unreachable_is_quick),
        cmocka_unit_test(test_close_cancels_and_refuses),
    };

    return cmocka_run_group_tests_name("portal pool (PostgreSQL)", tests, setup, teardown);
}
