/*
 * test_db_crash.c — power-cut and concurrency proofs for the store.
 *
 * Crash: a child process allocates labels (counter + row + event in one
 * transaction) and marks them in a loop; the parent kills it with SIGKILL
 * at a random moment, 10 times (100 with TT_FULL=1). After each kill:
 * PRAGMA integrity_check is ok, no serial appears twice, every label row
 * has its commissioning event naming that serial, seqs have no gaps, and
 * the next allocation continues the sequence.
 *
 * Disk full: a child whose files may not grow (RLIMIT_FSIZE, the way a full
 * disk or USB-backed storage fails writes) labels until a write fails; the
 * failure is a clean TT_ENOSPC/TT_EIO and leaves no half-written label.
 *
 * Concurrency: two processes write labels and read events on the same file
 * at the same time (kiosk + CLI): neither sees an error, nothing is lost.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "db-test-util.h"

static int
touch_event(void *ctx, const struct db_event_row *row)
{
    (void)ctx;
    return row->json_len > 0 && row->json[0] == '{' ? 0 : 1;
}

/* Child: allocate and mark labels until killed (or `n` labels when n > 0). */
static int
label_loop(const char *path, int64_t lot_a, int64_t lot_b, int n, int read_events)
{
    struct tt_err err = {0};
    struct db *db = NULL;
    struct db_label_new req = {0};
    struct db_label l;

    if (db_open(path, 0, &db, &err) != 0) {
        fprintf(stderr, "child open: %s\n", err.msg);
        return 1;
    }
    for (int i = 0; n == 0 || i < n; i++) {
        req.lot_id = (i & 1) ? lot_b : lot_a;
        req.net_weight_g = (i & 1) ? 1000 + i % 900 : 0;
        if (db_label_allocate(db, &req, &l, &err) != 0 ||
            db_label_mark(db, l.id, (i % 3) ? DB_LABEL_PRINTED : DB_LABEL_SENT, NULL, &err) != 0) {
            fprintf(stderr, "child %d: %s\n", (int)getpid(), err.msg);
            db_close(db);
            return 1;
        }
        if (read_events) {
            int64_t last = 0;

            if (db_event_last_seq(db, &last, &err) != 0 ||
                db_events_after(db, last > 5 ? last - 5 : 0, 0, touch_event, NULL, &err) != 0) {
                fprintf(stderr, "child read: %s\n", err.msg);
                db_close(db);
                return 1;
            }
        }
    }
    db_close(db);
    return 0;
}

static void
check_store(struct tdb *t)
{
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_label l;
    int64_t labels, count_nem;

    if (db_integrity_check(t->db, &err) != 0)
        fail_msg("integrity: %s", err.msg);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM (SELECT gtin, serial FROM labels "
                                        "GROUP BY gtin, serial HAVING count(*) > 1)"),
                     0);
    labels = tdb_count(t->path, "SELECT count(*) FROM labels");
    /* Every label has its event, and that event names the label's serial. */
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM labels l JOIN events e ON e.seq = "
                                        "l.event_seq WHERE json_extract(e.json, '$.epcList[0]') = "
                                        "'https://id.gs1.org/01/' || l.gtin || '/21/' || l.serial"),
                     labels);
    /* seq is gap-free; counters equal the serials issued (no serial lost or reused). */
    assert_int_equal(tdb_count(t->path, "SELECT max(seq) = count(*) FROM events"), 1);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM counters c WHERE c.name LIKE "
                                        "'serial:%' AND c.value <> (SELECT max(CAST(serial AS "
                                        "INTEGER)) FROM labels WHERE gtin = substr(c.name, 8))"),
                     0);
    count_nem = tdb_count(t->path, "SELECT count(*) FROM labels WHERE gtin = '09528930000026'");
    req.lot_id = t->lot_id;
    OK(db_label_allocate(t->db, &req, &l, NULL));
    assert_int_equal(strtoll(l.serial, NULL, 10), count_nem + 1);
}

static void
sigkill_during_labelling_loses_nothing(void **state)
{
    struct tdb *t = tdb_new();
    const char *full = getenv("TT_FULL");
    int rounds = full != NULL && strcmp(full, "1") == 0 ? 100 : 10;
    unsigned seed = (unsigned)time(NULL);
    int64_t before;

    (void)state;
    db_set_clock(t->db, NULL, NULL);
    tdb_fill(t);
    srand(seed);
    fprintf(stderr, "crash test: %d rounds, seed %u\n", rounds, seed);
    for (int r = 0; r < rounds; r++) {
        pid_t pid;
        int status;
        struct timespec ts = {0, (long)(5 + rand() % 120) * 1000000L};

        before = tdb_count(t->path, "SELECT count(*) FROM labels");
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(label_loop(t->path, t->lot_id, t->wlot_id, 0, 0));
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("round %d: the child stopped by itself (status %d)", r, status);
        check_store(t);
        assert_true(tdb_count(t->path, "SELECT count(*) FROM labels") >= before + 1);
    }
    tdb_free(t);
}

static void
two_processes_write_at_once(void **state)
{
    struct tdb *t = tdb_new();
    pid_t pids[2];
    int status, per_child = 150;
    int64_t labels_before;

    (void)state;
    db_set_clock(t->db, NULL, NULL);
    tdb_fill(t);
    labels_before = tdb_count(t->path, "SELECT count(*) FROM labels");
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(label_loop(t->path, t->lot_id, t->wlot_id, per_child, 1));
    }
    /* The parent reads meanwhile, like a CLI listing events during the kiosk's work. */
    for (int i = 0; i < 50; i++) {
        int64_t last = 0;

        OK(db_event_last_seq(t->db, &last, NULL));
        OK(db_lot_get(t->db, t->lot_id, &(struct db_lot){0}, NULL));
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0); /* no error reached either "user" */
    }
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM labels"),
                     labels_before + 2 * per_child);
    check_store(t);
    tdb_free(t);
}

static off_t
file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Child: labels until a write fails; exit 0 if that failure was a clean I/O error. */
static int
fill_disk(const char *path, int64_t lot_id)
{
    char wal[400];
    struct rlimit rl;
    struct tt_err err = {0};
    struct db *db = NULL;
    struct db_label_new req = {0};
    struct db_label l;
    int rc = 0, n = 0;

    snprintf(wal, sizeof wal, "%s-wal", path);
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
    if (db_open(path, 0, &db, &err) != 0)
        return 2;
    rl.rlim_cur = rl.rlim_max =
        (rlim_t)(file_size(path) > file_size(wal) ? file_size(path) : file_size(wal)) + 200 * 1024;
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return 3;
    req.lot_id = lot_id;
    while (n < 100000 && (rc = db_label_allocate(db, &req, &l, &err)) == 0)
        n++;
    db_close(db);
    fprintf(stderr, "disk full after %d labels: %s\n", n, err.msg);
    return (rc == TT_ENOSPC || rc == TT_EIO) && n > 0 && n < 100000 ? 0 : 4;
}

static void
full_disk_fails_cleanly(void **state)
{
    struct tdb *t = tdb_new();
    int status;
    pid_t pid;

    (void)state;
    db_set_clock(t->db, NULL, NULL);
    tdb_fill(t);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fill_disk(t->path, t->lot_id));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    check_store(t); /* consistent, and labelling continues once there is room */
    tdb_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigkill_during_labelling_loses_nothing),
        cmocka_unit_test(two_processes_write_at_once),
        cmocka_unit_test(full_disk_fails_cleanly),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
