/*
 * bench/db.c — figures for the store (printed, never pass/fail):
 *   1. latency of one durable label record (db_label_allocate: counter,
 *      row and event in one synchronous=FULL transaction), p50/p99;
 *   2. events/s appending 1 million complete EPCIS events (built, hashed,
 *      stored), in transactions of 1,000, and one event per transaction;
 *   3. walking all of them with db_events_after, with the resident memory
 *      sampled along the way (it must stay flat).
 * TT_BENCH_EVENTS overrides the million; TT_BENCH_DIR the folder (default
 * a fresh one under /tmp, removed at the end).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../db/db.h"
#include "../tests/unit/support/clock.h"

/* Resident set size now, in KiB (from /proc/self/statm). */
static long
rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
die(const char *what, const struct tt_err *e)
{
    fprintf(stderr, "bench/db: %s: %s\n", what, e->msg);
    exit(1);
}

static int64_t
setup(struct db *db)
{
    struct tt_err e = {0};
    struct db_product p = {0};
    struct db_lot l = {0}, out;

    if (db_setting_set(db, "station.mode", "demo", &e) != 0 ||
        db_setting_set(db, "coop.gln", "9528930000002", &e) != 0)
        die("settings", &e);
    snprintf(p.gtin, sizeof p.gtin, "09528930000026");
    snprintf(p.name_vi, sizeof p.name_vi, "Nem chua Thanh Hóa");
    p.shelf_life_days = 5;
    if (db_product_add(db, &p, &l.product_id, &e) != 0)
        die("product", &e);
    snprintf(l.code, sizeof l.code, "BENCH-1");
    if (db_lot_open(db, &l, &out, &e) != 0)
        die("lot", &e);
    return out.id;
}

static void
bench_label_latency(struct db *db, int64_t lot_id, int n)
{
    struct db_label_new req = {0};
    struct db_label l;
    struct tt_err e = {0};
    double *lat = malloc(sizeof *lat * (size_t)n), total = 0;

    if (lat == NULL)
        exit(1);
    req.lot_id = lot_id;
    for (int i = 0; i < n; i++) {
        double t0 = now_s();

        if (db_label_allocate(db, &req, &l, &e) != 0)
            die("label", &e);
        lat[i] = now_s() - t0;
        total += lat[i];
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    printf("durable label record (allocate: serial+row+event, synchronous=FULL), %d labels:\n"
           "  p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%.0f labels/s)\n",
           n, lat[n / 2] * 1e3, lat[n * 99 / 100] * 1e3, lat[n - 1] * 1e3, n / total);
    free(lat);
}

static void
bench_append(struct db *db, long n, long batch)
{
    static const char *epcs[1];
    char epc[96];
    struct db_event_new ev = {0};
    struct tt_err e = {0};
    double t0 = now_s(), dt;

    ev.type = DB_EVENT_OBJECT;
    ev.action = DB_ACTION_OBSERVE;
    ev.biz_step = "inspecting";
    ev.disposition = "active";
    ev.epcs = epcs;
    ev.n_epcs = 1;
    epcs[0] = epc;
    for (long i = 0; i < n; i++) {
        if (batch > 1 && i % batch == 0 && db_tx_begin(db, &e) != 0)
            die("begin", &e);
        snprintf(epc, sizeof epc, "https://id.gs1.org/01/09528930000026/21/%ld", i + 1);
        if (db_event_append(db, &ev, NULL, &e) != 0)
            die("append", &e);
        if (batch > 1 && (i % batch == batch - 1 || i == n - 1) && db_tx_commit(db, &e) != 0)
            die("commit", &e);
    }
    dt = now_s() - t0;
    printf("append %ld events, %ld per transaction: %.1f s, %.0f events/s\n", n, batch, dt,
           (double)n / dt);
}

struct walk {
    long n;
    size_t bytes;
    long rss_min, rss_max;
};

static int
walk_cb(void *ctx, const struct db_event_row *row)
{
    struct walk *w = ctx;

    w->bytes += row->json_len;
    if (++w->n % 10000 == 0) {
        long r = rss_kib();

        if (r < w->rss_min || w->rss_min == 0)
            w->rss_min = r;
        if (r > w->rss_max)
            w->rss_max = r;
    }
    return 0;
}

static void
bench_walk(const char *path)
{
    struct tt_err e = {0};
    struct db *db = NULL;
    struct walk w = {0};
    long rss0;
    double t0, dt;

    t0 = now_s();
    if (db_open(path, 0, &db, &e) != 0)
        die("reopen", &e);
    printf("open with PRAGMA quick_check: %.2f s\n", now_s() - t0);
    rss0 = rss_kib();
    t0 = now_s();
    if (db_events_after(db, 0, 0, walk_cb, &w, &e) != 0)
        die("walk", &e);
    dt = now_s() - t0;
    printf("walk %ld events (%.0f MB of JSON): %.1f s, %.0f events/s\n", w.n, w.bytes / 1e6, dt,
           (double)w.n / dt);
    printf("  RSS after open %ld KiB; during the walk (every 10k events) %ld..%ld KiB\n", rss0,
           w.rss_min, w.rss_max);
    db_close(db);
}

int
main(void)
{
    const char *env_n = getenv("TT_BENCH_EVENTS"), *env_dir = getenv("TT_BENCH_DIR");
    long n = env_n != NULL ? atol(env_n) : 1000000;
    char dir[256], path[300], cmd[600];
    struct tt_err e = {0};
    struct db *db = NULL;
    int64_t lot;

    snprintf(dir, sizeof dir, "%s/tt-bench-XXXXXX", env_dir != NULL ? env_dir : "/tmp");
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof path, "%s/station.db", dir);
    if (db_open(path, DB_OPEN_CREATE, &db, &e) != 0)
        die("open", &e);
    lot = setup(db);
    bench_label_latency(db, lot, 1000);
    bench_append(db, 2000, 1);
    bench_append(db, n, 1000);
    db_close(db);
    bench_walk(path);
    snprintf(cmd, sizeof cmd, "du -h '%s' | tail -1; rm -rf '%s'", dir, dir);
    return system(cmd) == 0 ? 0 : 1;
}
