/*
 * bench/sync.c — figures for sync bundles: export of N events (default one
 * million) from a real store into a signed bundle (time, peak RSS of the
 * exporting process), full verify of that bundle (time, RSS), and the
 * signature check alone side by side with the stock `minisign -V` on the
 * same file in the same run. Prints figures; not a test.
 *
 *   bench-sync [N]        (TT_BENCH_KEEP=1 keeps the folder)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../db/db.h"
#include "../sync/bundle.h"
#include "../sync/export.h"
#include "../sync/sig.h"
#include "../tests/unit/support/clock.h"

static void
die(const char *what, const struct tt_err *e)
{
    fprintf(stderr, "bench-sync: %s: %s\n", what, e != NULL ? e->msg : "");
    exit(1);
}

/* Appends n events, 20,000 per transaction. */
static void
fill(struct db *db, long n)
{
    struct tt_err e = {0};
    char epc[128];
    const char *epcs[1] = {epc};
    struct db_quantity q = {.epc_class = "https://id.gs1.org/01/99528930000012/10/261125-1",
                            .amount_milli = 1250,
                            .has_amount = 1,
                            .uom = "KGM"};

    for (long i = 0; i < n; i++) {
        struct db_event_new ev = {0};

        if (i % 20000 == 0 && (i > 0 ? db_tx_commit(db, &e) : 0) != 0)
            die("commit", &e);
        if (i % 20000 == 0 && db_tx_begin(db, &e) != 0)
            die("begin", &e);
        snprintf(epc, sizeof epc, "https://id.gs1.org/01/09528930000026/21/TH%09ld", i);
        ev.type = DB_EVENT_OBJECT;
        ev.action = DB_ACTION_ADD;
        ev.biz_step = "commissioning";
        ev.disposition = "active";
        ev.epcs = epcs;
        ev.n_epcs = 1;
        ev.quantities = &q;
        ev.n_quantities = 1;
        if (db_event_append(db, &ev, NULL, &e) != 0)
            die("append", &e);
    }
    if (db_tx_commit(db, &e) != 0)
        die("commit", &e);
}

/* Runs fn in a child process; returns its wall time and peak RSS (KiB). */
static double
in_child(int (*fn)(void *), void *arg, long *rss_kib)
{
    double t0 = now_s();
    struct rusage ru;
    int status = 0;
    pid_t pid;

    fflush(stdout);
    pid = fork();

    if (pid == 0)
        _exit(fn(arg) == 0 ? 0 : 1);
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        die("child failed", NULL);
    *rss_kib = ru.ru_maxrss;
    return now_s() - t0;
}

struct job {
    const char *db_path;
    struct sync_paths p;
    char bundle[4200];
    struct sig_pubkey pub;
};

static int
do_export(void *arg)
{
    struct job *j = arg;
    struct db *db = NULL;
    struct sync_export_result r;
    struct tt_err e = {0};
    double t0 = now_s(), t1 = 0;
    int rc = db_open(j->db_path, 0, &db, &e);

    /* db_open runs PRAGMA quick_check over the whole file: timed apart. */
    if (rc == 0) {
        t1 = now_s();
        rc = sync_make_bundles(db, &j->p, -1, &r, &e);
    }
    if (rc != 0)
        fprintf(stderr, "export: %s\n", e.msg);
    else
        printf("  bundles %" PRIu64 "-%" PRIu64 ", %" PRIu64 " events; opening the store (its "
               "quick_check) %.2f s, making the bundle %.2f s\n",
               r.first_new_bundle, r.last_new_bundle, r.new_events, t1 - t0, now_s() - t1);
    fflush(stdout);
    db_close(db);
    return rc;
}

static int
do_verify(void *arg)
{
    struct job *j = arg;
    struct tt_err e = {0};
    struct bundle_info bi;
    int rc = bundle_verify_file(j->bundle, NULL, &j->pub, NULL, NULL, NULL, NULL, &bi, &e);

    if (rc != 0)
        fprintf(stderr, "verify: %s\n", e.msg);
    return rc;
}

/* The signature check alone: what minisign -V does (prehash, two Ed25519 verifies). */
static int
do_sigcheck(void *arg)
{
    struct job *j = arg;
    char sp[4300];
    struct sig_file sf;
    uint8_t h[SIG_HASH_LEN];
    FILE *f;
    int rc;

    snprintf(sp, sizeof sp, "%s.minisig", j->bundle);
    if (sig_file_read(sp, &sf, NULL) != 0 || (f = fopen(j->bundle, "rb")) == NULL)
        return 1;
    rc = sig_hash_fd(fileno(f), h, NULL, NULL);
    fclose(f);
    return rc != 0 ? rc : sig_verify_hash(&j->pub, &sf, h, NULL);
}

static int
do_minisign(void *arg)
{
    struct job *j = arg;
    char pub[4300], cmd[9000];

    snprintf(pub, sizeof pub, "%s/station.pub", j->p.keydir);
    snprintf(cmd, sizeof cmd, "minisign -Vm '%s' -p '%s' -q", j->bundle, pub);
    return system(cmd);
}

static double
best_of(int runs, int (*fn)(void *), void *arg, long *rss)
{
    double best = 1e9;

    for (int i = 0; i < runs; i++) {
        double t = in_child(fn, arg, rss);

        if (t < best)
            best = t;
    }
    return best;
}

int
main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char dir[] = "/tmp/tt-bench-sync-XXXXXX", dbp[256], cmd[300];
    struct job j;
    struct db *db = NULL;
    struct tt_err e = {0};
    double t;
    long rss = 0;
    off_t size;
    FILE *f;

    if (mkdtemp(dir) == NULL)
        die("mkdtemp", NULL);
    snprintf(dbp, sizeof dbp, "%s/station.db", dir);
    memset(&j, 0, sizeof j);
    j.db_path = dbp;
    if (db_open(dbp, DB_OPEN_CREATE, &db, &e) != 0 ||
        db_setting_set(db, "coop.gln", "9528930000002", &e) != 0 ||
        db_setting_set(db, "station.id", "st-bench", &e) != 0)
        die("db", &e);
    t = now_s();
    fill(db, n);
    printf("setup: %ld events appended to the store in %.1f s\n", n, now_s() - t);
    db_close(db);
    if (sync_paths_for_db(dbp, &j.p, &e) != 0 || sync_key_init(&j.p, &j.pub, &e) != 0)
        die("key", &e);

    printf("export of %ld events (store -> signed bundle in the spool):\n", n);
    t = in_child(do_export, &j, &rss);
    snprintf(j.bundle, sizeof j.bundle, "%s/b-00000001.ndjson.gz", j.p.spool);
    f = fopen(j.bundle, "rb");
    if (f == NULL)
        die("no bundle", NULL);
    fseeko(f, 0, SEEK_END);
    size = ftello(f);
    fclose(f);
    printf("  %.2f s, peak RSS %.1f MB, bundle %.1f MB (targets: <= 10 s, <= 64 MB)\n", t,
           (double)rss / 1024, (double)size / 1e6);

    t = best_of(3, do_verify, &j, &rss);
    printf("verify (signature, then every line and event): %.2f s, peak RSS %.1f MB "
           "(target <= 10 s)\n",
           t, (double)rss / 1024);

    t = best_of(5, do_sigcheck, &j, &rss);
    printf("signature check, tramtem: %.3f s (RSS %.1f MB)\n", t, (double)rss / 1024);
    t = best_of(5, do_minisign, &j, &rss);
    printf("signature check, minisign -V: %.3f s (same file, same run)\n", t);

    if (getenv("TT_BENCH_KEEP") == NULL) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    } else {
        printf("kept %s\n", dir);
    }
    return 0;
}
