/*
 * db-test-util.h — helpers shared by the db unit tests: a private temporary
 * folder per test, a fresh station database with an injected clock, and a
 * demo-like product/lot set-up. Static functions: each test binary gets its
 * own copy.
 */
#ifndef TT_DB_TEST_UTIL_H
#define TT_DB_TEST_UTIL_H

#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../db/db.h"

/* 2026-11-25T08:00:00Z: after the build floor. */
#define T0_MS INT64_C(1795593600000)

struct fake_clock {
    int64_t now;
    int64_t step; /* added after every reading */
};

static int64_t __attribute__((unused)) fake_now(void *ctx)
{
    struct fake_clock *c = ctx;
    int64_t t = c->now;

    c->now += c->step;
    return t;
}

struct tdb {
    char dir[256];
    char path[300];
    struct db *db;
    struct fake_clock clock;
    int64_t product_id; /* a fixed-measure demo product */
    int64_t weighed_id; /* a variable-measure demo product */
    int64_t lot_id;     /* an open lot of product_id */
    int64_t wlot_id;    /* an open lot of weighed_id */
};

static void __attribute__((unused)) tdb_rm(const char *dir)
{
    char cmd[400];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* A new empty database in a new temp folder, clock at T0 stepping 1 s. */
static struct tdb *__attribute__((unused)) tdb_new(void)
{
    struct tdb *t = calloc(1, sizeof *t);
    struct tt_err err = {0};

    assert_non_null(t);
    snprintf(t->dir, sizeof t->dir, "/tmp/tt-dbtest-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/station.db", t->dir);
    if (db_open(t->path, DB_OPEN_CREATE, &t->db, &err) != 0)
        fail_msg("db_open: %s", err.msg);
    t->clock.now = T0_MS;
    t->clock.step = 1000;
    db_set_clock(t->db, fake_now, &t->clock);
    return t;
}

static void __attribute__((unused)) tdb_free(struct tdb *t)
{
    if (t == NULL)
        return;
    db_close(t->db);
    tdb_rm(t->dir);
    free(t);
}

#define OK(call)                                                                                   \
    do {                                                                                           \
        struct tt_err e_ = {0};                                                                    \
        int rc_ = (call);                                                                          \
        (void)e_;                                                                                  \
        if (rc_ != 0)                                                                              \
            fail_msg("%s -> %d", #call, rc_);                                                      \
    } while (0)

/* Settings, two demo products and an open lot of each (demo mode). */
static void __attribute__((unused)) tdb_fill(struct tdb *t)
{
    struct tt_err err = {0};
    struct db_product p = {0};
    struct db_lot l = {0}, out;

    if (db_setting_set(t->db, "coop.name", "HTX Thọ Xương", &err) != 0 ||
        db_setting_set(t->db, "coop.province", "Thanh Hóa", &err) != 0 ||
        db_setting_set(t->db, "coop.prefix", "9528930", &err) != 0 ||
        db_setting_set(t->db, "coop.gln", "9528930000002", &err) != 0 ||
        db_setting_set(t->db, "station.id", "st-test", &err) != 0 ||
        db_setting_set(t->db, "station.mode", "demo", &err) != 0)
        fail_msg("settings: %s", err.msg);
    snprintf(p.gtin, sizeof p.gtin, "09528930000026");
    snprintf(p.name_vi, sizeof p.name_vi, "Nem chua Thanh Hóa");
    p.shelf_life_days = 5;
    if (db_product_add(t->db, &p, &t->product_id, &err) != 0)
        fail_msg("product: %s", err.msg);
    memset(&p, 0, sizeof p);
    snprintf(p.gtin, sizeof p.gtin, "99528930000012");
    snprintf(p.name_vi, sizeof p.name_vi, "Bưởi Luận Văn");
    p.variable = 1;
    if (db_product_add(t->db, &p, &t->weighed_id, &err) != 0)
        fail_msg("product: %s", err.msg);
    l.product_id = t->product_id;
    snprintf(l.code, sizeof l.code, "NEM-01");
    snprintf(l.harvest_from, sizeof l.harvest_from, "2026-11-24");
    if (db_lot_open(t->db, &l, &out, &err) != 0)
        fail_msg("lot: %s", err.msg);
    t->lot_id = out.id;
    memset(&l, 0, sizeof l);
    l.product_id = t->weighed_id;
    snprintf(l.code, sizeof l.code, "LV-2611");
    if (db_lot_open(t->db, &l, &out, &err) != 0)
        fail_msg("lot: %s", err.msg);
    t->wlot_id = out.id;
}

/* Runs one SQL query returning a single integer, on its own connection (inspection only). */
static int64_t __attribute__((unused)) tdb_count(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "tdb_count(%s): %s\n", sql, sqlite3_errmsg(h));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

#endif
