/*
 * test_db_migrate.c — forward-only migrations: every earlier schema version
 * has a SQL dump of a station database made at that version
 * (tests/data/db-schema-v<N>.sql). Each is loaded into a fresh file,
 * opened (which migrates it), and must keep all its data and work like a
 * new database afterwards: serials continue, sync tables exist, events
 * become append-only.
 */
#include <glob.h>

#include "db-test-util.h"

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void
load_dump(const char *dump, const char *db_path)
{
    sqlite3 *h = NULL;
    char *sql = slurp(dump), *errmsg = NULL;

    assert_int_equal(sqlite3_open(db_path, &h), SQLITE_OK);
    if (sqlite3_exec(h, sql, NULL, NULL, &errmsg) != SQLITE_OK)
        fail_msg("%s: %s", dump, errmsg);
    sqlite3_close(h);
    free(sql);
}

static void
migrate_one(const char *dump, int version)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_label l;
    struct db_lot lot;
    struct db_product p;
    struct db_export e;
    int64_t events, last;
    char cmd[512];

    db_close(t->db);
    t->db = NULL;
    unlink(t->path);
    load_dump(dump, t->path);
    assert_int_equal(tdb_count(t->path, "PRAGMA user_version"), version);
    events = tdb_count(t->path, "SELECT count(*) FROM events");
    assert_true(events > 0);
    if (db_open(t->path, 0, &t->db, &err) != 0)
        fail_msg("%s: %s", dump, err.msg);
    db_set_clock(t->db, fake_now, &t->clock);
    assert_int_equal(db_safe_mode(t->db), 0);
    assert_int_equal(db_schema_version(t->db), DB_SCHEMA_VERSION);
    OK(db_integrity_check(t->db, NULL));
    /* Everything that was there is still there. */
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events"), events);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM labels"), 3);
    OK(db_operator_check_pin(t->db, 1, "1234", NULL));
    OK(db_product_find(t->db, "09528930000026", &p, NULL));
    snprintf(cmd, sizeof cmd, "NEM-%d", version);
    OK(db_lot_find(t->db, p.id, cmd, &lot, NULL));
    /* And it works like a new one: the serial continues, the sync tables exist. */
    req.lot_id = lot.id;
    OK(db_label_allocate(t->db, &req, &l, NULL));
    assert_string_equal(l.serial, "3");
    OK(db_event_last_seq(t->db, &last, NULL));
    assert_int_equal(last, events + 1);
    OK(db_export_plan(t->db, &e, NULL));
    assert_int_equal(e.bundle_seq, version >= 2 ? 2 : 1);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'DELETE FROM events' 2>/dev/null", t->path);
    assert_true(system(cmd) != 0);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events"), events + 1);
    /* Opening again changes nothing. */
    db_close(t->db);
    OK(db_open(t->path, 0, &t->db, NULL));
    assert_int_equal(db_schema_version(t->db), DB_SCHEMA_VERSION);
    tdb_free(t);
}

static void
every_earlier_version_migrates(void **state)
{
    int seen[DB_SCHEMA_VERSION] = {0};
    glob_t g;

    (void)state;
    assert_int_equal(glob("tests/data/db-schema-v*.sql", 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        int v = atoi(strstr(g.gl_pathv[i], "-v") + 2);

        assert_true(v >= 1 && v < DB_SCHEMA_VERSION);
        migrate_one(g.gl_pathv[i], v);
        seen[v] = 1;
    }
    globfree(&g);
    /* A new schema version must come with a dump of the one before it. */
    for (int v = 1; v < DB_SCHEMA_VERSION; v++)
        if (!seen[v])
            fail_msg("no tests/data/db-schema-v%d.sql: keep a dump of every earlier version", v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_earlier_version_migrates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
