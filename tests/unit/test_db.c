/*
 * test_db.c — the store's tables and rules: opening (WAL, version, safe
 * mode), settings, operators, places, products, lots, counters, the audit
 * trail and explicit transactions. Every bad input must give a clear error
 * and leave nothing behind.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "db-test-util.h"

static void
open_creates_wal_database_at_current_version(void **state)
{
    struct tdb *t = tdb_new();
    char id[64];

    (void)state;
    assert_int_equal(db_schema_version(t->db), DB_SCHEMA_VERSION);
    assert_int_equal(db_safe_mode(t->db), 0);
    assert_string_equal(db_safe_mode_reason(t->db), "");
    assert_int_equal(tdb_count(t->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    OK(db_setting_get(t->db, "station.id", id, sizeof id, NULL));
    assert_int_equal(strncmp(id, "st-", 3), 0); /* a random id was given at creation */
    assert_int_equal(strlen(id), 11);
    OK(db_integrity_check(t->db, NULL));
    tdb_free(t);
}

static void
open_refuses_missing_and_foreign_files(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db *db = (struct db *)1;
    char path[400];
    int fd;

    (void)state;
    snprintf(path, sizeof path, "%s/none.db", t->dir);
    assert_int_equal(db_open(path, 0, &db, &err), TT_ENOTFOUND);
    assert_null(db);
    assert_non_null(strstr(err.msg, "tramtem init"));
    snprintf(path, sizeof path, "%s/text.db", t->dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(write(fd, "this is not a database, just some text!\n", 41), 41);
    close(fd);
    assert_int_equal(db_open(path, 0, &db, &err), TT_ECORRUPT);
    assert_null(db);
    assert_non_null(strstr(err.msg, "not a tramtem database"));
    assert_int_equal(db_open("", 0, &db, &err), TT_EUSAGE);
    db_close(NULL);
    tdb_free(t);
}

/* Overwrites the middle of the file's last pages, the way a bad disk does. */
static void
damage_file(const char *path)
{
    struct stat st;
    char junk[4096];
    int fd = open(path, O_WRONLY);

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    memset(junk, 0x5a, sizeof junk);
    for (off_t off = 4096 * 2; off + 4096 <= st.st_size; off += 4096 * 3) {
        assert_int_equal(pwrite(fd, junk + 0, 1000, off + 8), 1000);
    }
    close(fd);
}

static void
damaged_file_opens_in_read_only_safe_mode(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db *db = NULL;
    struct db_product p;

    (void)state;
    tdb_fill(t);
    db_close(t->db);
    t->db = NULL;
    /* The last close folded the WAL into the main file: the damage lands on real pages. */
    damage_file(t->path);
    assert_int_equal(db_open(t->path, 0, &db, &err), 0);
    assert_non_null(db);
    assert_int_equal(db_safe_mode(db), 1);
    assert_non_null(strstr(db_safe_mode_reason(db), "integrity check failed"));
    memset(&p, 0, sizeof p);
    snprintf(p.gtin, sizeof p.gtin, "09528930000033");
    snprintf(p.name_vi, sizeof p.name_vi, "Gạo");
    assert_int_equal(db_product_add(db, &p, NULL, &err), TT_EROFS);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(db_setting_set(db, "coop.name", "x", &err), TT_EROFS);
    assert_int_equal(db_tx_begin(db, &err), TT_EROFS);
    db_close(db);
    tdb_free(t);
}

static void
newer_schema_opens_in_safe_mode(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db *db = NULL;
    char cmd[512];

    (void)state;
    db_close(t->db);
    t->db = NULL;
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA user_version = %d'", t->path,
             DB_SCHEMA_VERSION + 1);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(db_open(t->path, 0, &db, &err), 0);
    assert_int_equal(db_safe_mode(db), 1);
    assert_non_null(strstr(db_safe_mode_reason(db), "newer tramtem"));
    assert_int_equal(db_counter_raise(db, "x", 1, &err), TT_EROFS);
    db_close(db);
    tdb_free(t);
}

static void
settings_are_validated(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_settings s;
    char v[64];

    (void)state;
    OK(db_settings_get(t->db, &s, NULL));
    assert_string_equal(s.tz, "+07:00"); /* Vietnam's offset unless set */
    assert_int_equal(s.tz_minutes, 420);
    assert_int_equal(s.mode, DB_MODE_PRODUCTION);
    assert_int_equal(db_setting_set(t->db, "coop.gln", "9528930000003", &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "check digit should be 2"));
    assert_int_equal(db_setting_set(t->db, "coop.gln", "95289300", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "coop.prefix", "12345", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "coop.prefix", "89312a4", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "station.tz", "7", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "station.tz", "+25:00", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "station.mode", "play", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "station.id", "a b", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "label.sscc_ext", "12", &err), TT_EINVAL);
    assert_int_equal(db_setting_set(t->db, "coop.name", "H\xe1\xbb", &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-8"));
    assert_int_equal(db_setting_set(t->db, "colour", "red", &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "unknown setting"));
    assert_int_equal(db_setting_get(t->db, "colour", v, sizeof v, &err), TT_EINVAL);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM settings"), 1); /* station.id */
    OK(db_setting_set(t->db, "station.tz", "+05:30", NULL));
    OK(db_setting_set(t->db, "station.mode", "training", NULL));
    OK(db_setting_set(t->db, "coop.name", "Hợp tác xã Thọ Xương", NULL));
    OK(db_setting_set(t->db, "coop.gln", "9528930000002", NULL));
    OK(db_settings_get(t->db, &s, NULL));
    assert_int_equal(s.tz_minutes, 330);
    assert_int_equal(s.mode, DB_MODE_TRAINING);
    assert_string_equal(s.coop_name, "Hợp tác xã Thọ Xương");
    assert_string_equal(s.coop_gln, "9528930000002");
    tdb_free(t);
}

static void
operators_keep_only_pin_hashes(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_operator op;
    int64_t id = 0, id2 = 0;

    (void)state;
    OK(db_operator_add(t->db, "Nguyễn Văn Minh", DB_ROLE_OPERATOR, "2468", &id, NULL));
    assert_true(id > 0);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM operators WHERE pin_hash LIKE "
                                        "'$argon2id$%' AND instr(pin_hash, '2468') = 0"),
                     1);
    assert_int_equal(db_operator_add(t->db, "Nguyễn Văn Minh", DB_ROLE_MANAGER, "1111", &id2, &err),
                     TT_EEXIST);
    assert_int_equal(id2, 0);
    assert_int_equal(db_operator_add(t->db, "Lan", DB_ROLE_OPERATOR, "12", &id2, &err), TT_EINVAL);
    assert_int_equal(db_operator_add(t->db, "Lan", DB_ROLE_OPERATOR, "12a4", &id2, &err),
                     TT_EINVAL);
    assert_int_equal(db_operator_add(t->db, "", DB_ROLE_OPERATOR, "1234", &id2, &err), TT_EINVAL);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM operators"), 1);
    OK(db_operator_check_pin(t->db, id, "2468", NULL));
    assert_int_equal(db_operator_check_pin(t->db, id, "2469", &err), TT_EACCESS);
    assert_int_equal(db_operator_check_pin(t->db, id + 99, "2468", &err), TT_ENOTFOUND);
    OK(db_operator_set_pin(t->db, id, "97531", NULL));
    assert_int_equal(db_operator_check_pin(t->db, id, "2468", &err), TT_EACCESS);
    OK(db_operator_check_pin(t->db, id, "97531", NULL));
    OK(db_operator_set_active(t->db, id, 0, NULL));
    assert_int_equal(db_operator_check_pin(t->db, id, "97531", &err), TT_EACCESS);
    assert_non_null(strstr(err.msg, "disabled"));
    OK(db_operator_get(t->db, id, &op, NULL));
    assert_string_equal(op.name, "Nguyễn Văn Minh");
    assert_int_equal(op.active, 0);
    assert_int_equal(db_operator_set_active(t->db, 999, 1, &err), TT_ENOTFOUND);
    tdb_free(t);
}

static int
count_place(void *ctx, const struct db_place *row)
{
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

static int
count_lot(void *ctx, const struct db_lot *row)
{
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

static void
places_and_their_location_ids(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_place p = {0}, got;
    int64_t farm = 0, plot = 0;
    char uri[128];
    int n = 0;

    (void)state;
    snprintf(p.code, sizeof p.code, "VUON-LV");
    snprintf(p.name, sizeof p.name, "Vườn bưởi Luận Văn");
    snprintf(p.commune, sizeof p.commune, "xã Thọ Xương");
    snprintf(p.province, sizeof p.province, "Thanh Hóa");
    OK(db_place_add(t->db, &p, &farm, NULL));
    assert_int_equal(db_place_add(t->db, &p, NULL, &err), TT_EEXIST);
    snprintf(p.code, sizeof p.code, "LO 1");
    assert_int_equal(db_place_add(t->db, &p, NULL, &err), TT_EINVAL);
    snprintf(p.code, sizeof p.code, "LO-1");
    p.kind = DB_PLACE_PLOT;
    p.parent_id = 777;
    assert_int_equal(db_place_add(t->db, &p, NULL, &err), TT_EINVAL);
    p.parent_id = farm;
    snprintf(p.gln, sizeof p.gln, "9528930000010");
    assert_int_equal(db_place_add(t->db, &p, NULL, &err), TT_EINVAL);
    p.gln[0] = '\0';
    OK(db_place_add(t->db, &p, &plot, NULL));
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM places"), 2);
    OK(db_place_find(t->db, "LO-1", &got, NULL));
    assert_int_equal(got.parent_id, farm);
    assert_int_equal(got.kind, DB_PLACE_PLOT);
    assert_int_equal(db_place_find(t->db, "NOPE", &p, &err), TT_ENOTFOUND);
    /* No GLN anywhere: no location id. */
    OK(db_place_location_uri(t->db, &got, uri, sizeof uri, NULL));
    assert_string_equal(uri, "");
    OK(db_setting_set(t->db, "coop.gln", "9528930000002", NULL));
    OK(db_place_location_uri(t->db, &got, uri, sizeof uri, NULL));
    assert_string_equal(uri, "https://id.gs1.org/414/9528930000002/254/LO-1");
    snprintf(got.gln, sizeof got.gln, "9528930000019");
    OK(db_place_location_uri(t->db, &got, uri, sizeof uri, NULL));
    assert_string_equal(uri, "https://id.gs1.org/414/9528930000019");
    OK(db_place_list(t->db, count_place, &n, NULL));
    assert_int_equal(n, 2);
    tdb_free(t);
}

static void
products_need_valid_gtins(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_product p = {0}, got;
    int64_t id = 0;

    (void)state;
    snprintf(p.gtin, sizeof p.gtin, "9528930000033"); /* GTIN-13 is padded to 14 */
    snprintf(p.name_vi, sizeof p.name_vi, "Gạo thơm Thiệu Hóa");
    OK(db_product_add(t->db, &p, &id, NULL));
    OK(db_product_find(t->db, "09528930000033", &got, NULL));
    assert_int_equal(got.id, id);
    assert_string_equal(got.unit, "H87");
    assert_string_equal(got.template, "produce-58x40");
    assert_int_equal(got.demo, 1);
    OK(db_product_find(t->db, "9528930000033", &got, NULL));
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EEXIST);
    assert_non_null(strstr(err.msg, "already registered"));
    snprintf(p.gtin, sizeof p.gtin, "9528930000034");
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "check digit"));
    snprintf(p.gtin, sizeof p.gtin, "95289300x0033");
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    snprintf(p.gtin, sizeof p.gtin, "09528930000057");
    snprintf(p.name_vi, sizeof p.name_vi, "M\xe1\xba\x2dt ong"); /* broken UTF-8 */
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-8"));
    p.name_vi[0] = '\0';
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    snprintf(p.name_vi, sizeof p.name_vi, "Mật ong");
    snprintf(p.unit, sizeof p.unit, "BOX");
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    p.unit[0] = '\0';
    p.variable = 1; /* a variable-measure item needs indicator 9 */
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "starting with 9"));
    p.variable = 0;
    snprintf(p.gtin, sizeof p.gtin, "99528930000012");
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "--variable"));
    p.variable = 1;
    snprintf(p.unit, sizeof p.unit, "H87");
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    p.unit[0] = '\0';
    p.shelf_life_days = -1;
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EINVAL);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM products"), 1);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM audit WHERE action='product.add'"),
                     1);
    p.shelf_life_days = 0;
    OK(db_product_add(t->db, &p, NULL, NULL));
    OK(db_product_find(t->db, "99528930000012", &got, NULL));
    assert_int_equal(got.variable, 1);
    assert_string_equal(got.unit, "KGM");
    assert_int_equal(db_product_find(t->db, "09528930000057", &got, &err), TT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "product add"));
    assert_int_equal(db_product_get(t->db, 4242, &got, &err), TT_ENOTFOUND);
    tdb_free(t);
}

static void
lot_open_records_commissioning_event(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_lot l = {0}, out;
    struct db_place p = {0};
    int64_t events;

    (void)state;
    tdb_fill(t);
    snprintf(p.code, sizeof p.code, "LO-1");
    snprintf(p.name, sizeof p.name, "Lô 1");
    OK(db_place_add(t->db, &p, &p.id, NULL));
    l.product_id = t->weighed_id;
    l.place_id = p.id;
    l.quantity_g = 1250500;
    snprintf(l.harvest_from, sizeof l.harvest_from, "2026-11-20");
    snprintf(l.harvest_to, sizeof l.harvest_to, "2026-11-22");
    OK(db_lot_open(t->db, &l, &out, NULL));
    assert_true(out.open_event_seq > 0);
    assert_int_equal(out.closed, 0);
    assert_int_equal(strlen(out.code), 8); /* generated "YYMMDD-N" */
    assert_string_equal(out.code, "261125-1");
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events e JOIN lots l ON "
                                        "l.open_event_seq = e.seq WHERE e.biz_step = "
                                        "'commissioning' AND json_extract(e.json, "
                                        "'$.ilmd.\"cbvmda:harvestEndDate\"') = '2026-11-22' AND "
                                        "json_extract(e.json, '$.quantityList[0].quantity') = "
                                        "1250.5 AND json_extract(e.json, '$.bizLocation.id') = "
                                        "'https://id.gs1.org/414/9528930000002/254/LO-1'"),
                     1);
    OK(db_lot_open(t->db, &l, &out, NULL));
    assert_string_equal(out.code, "261125-2");
    events = tdb_count(t->path, "SELECT count(*) FROM events");
    /* Bad input: nothing written, not even an event or a counter step. */
    snprintf(l.code, sizeof l.code, "LV-2611");
    assert_int_equal(db_lot_open(t->db, &l, &out, &err), TT_EEXIST);
    assert_non_null(strstr(err.msg, "already has a lot 'LV-2611'"));
    snprintf(l.code, sizeof l.code, "LOT#1");
    assert_int_equal(db_lot_open(t->db, &l, &out, &err), TT_EINVAL);
    l.code[0] = '\0';
    l.product_id = 999;
    assert_int_equal(db_lot_open(t->db, &l, &out, &err), TT_ENOTFOUND);
    l.product_id = t->weighed_id;
    l.place_id = 999;
    assert_int_equal(db_lot_open(t->db, &l, &out, &err), TT_ENOTFOUND);
    l.place_id = 0;
    snprintf(l.harvest_from, sizeof l.harvest_from, "2026-02-30");
    assert_int_equal(db_lot_open(t->db, &l, &out, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "not a real date"));
    snprintf(l.harvest_from, sizeof l.harvest_from, "2026-11-23");
    snprintf(l.harvest_to, sizeof l.harvest_to, "2026-11-21");
    assert_int_equal(db_lot_open(t->db, &l, &out, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "before it starts"));
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events"), events);
    assert_int_equal(tdb_count(t->path, "SELECT value FROM counters WHERE name='lot:261125'"), 2);
    tdb_free(t);
}

static void
lot_close_is_final(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_lot l;
    int n = 0;

    (void)state;
    tdb_fill(t);
    OK(db_lot_close(t->db, t->lot_id, NULL));
    OK(db_lot_get(t->db, t->lot_id, &l, NULL));
    assert_int_equal(l.closed, 1);
    assert_true(l.closed_ms > 0);
    assert_int_equal(db_lot_close(t->db, t->lot_id, &err), TT_ESTATE);
    assert_non_null(strstr(err.msg, "already closed"));
    assert_int_equal(db_lot_close(t->db, 999, &err), TT_ENOTFOUND);
    OK(db_lot_list(t->db, 1, count_lot, &n, NULL));
    assert_int_equal(n, 1);
    n = 0;
    OK(db_lot_list(t->db, 0, count_lot, &n, NULL));
    assert_int_equal(n, 2);
    OK(db_lot_find(t->db, t->product_id, "NEM-01", &l, NULL));
    assert_int_equal(l.id, t->lot_id);
    tdb_free(t);
}

static void
counters_only_go_up(void **state)
{
    struct tdb *t = tdb_new();
    int64_t v = 0;

    (void)state;
    OK(db_counter_peek(t->db, "bundle", &v, NULL));
    assert_int_equal(v, 0);
    OK(db_counter_next(t->db, "bundle", &v, NULL));
    assert_int_equal(v, 1);
    OK(db_counter_next(t->db, "bundle", &v, NULL));
    assert_int_equal(v, 2);
    OK(db_counter_raise(t->db, "bundle", 40, NULL));
    OK(db_counter_raise(t->db, "bundle", 7, NULL));
    OK(db_counter_peek(t->db, "bundle", &v, NULL));
    assert_int_equal(v, 40);
    OK(db_counter_next(t->db, "bundle", &v, NULL));
    assert_int_equal(v, 41);
    assert_int_equal(db_counter_next(t->db, "", &v, NULL), TT_EUSAGE);
    tdb_free(t);
}

struct audit_seen {
    int n;
    char last_action[64];
    int64_t last_operator;
};

static int
audit_cb(void *ctx, const struct db_audit_row *row)
{
    struct audit_seen *s = ctx;

    s->n++;
    snprintf(s->last_action, sizeof s->last_action, "%s", row->action);
    s->last_operator = row->operator_id;
    return 0;
}

static void
audit_trail_names_who_did_what(void **state)
{
    struct tdb *t = tdb_new();
    struct audit_seen seen = {0};
    struct tt_err err = {0};
    int64_t op = 0;

    (void)state;
    OK(db_operator_add(t->db, "Lê Thị Hoa", DB_ROLE_MANAGER, "1234", &op, NULL));
    db_set_operator(t->db, op);
    OK(db_audit_add(t->db, "session.signin", "Lê Thị Hoa", "", NULL));
    OK(db_audit_list(t->db, 0, audit_cb, &seen, NULL));
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.last_action, "session.signin");
    assert_int_equal(seen.last_operator, op);
    assert_int_equal(db_audit_add(t->db, "", "", "", &err), TT_EUSAGE);
    /* The trail is append-only, enforced by the file itself. */
    {
        char cmd[512];

        snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'DELETE FROM audit' 2>/dev/null", t->path);
        assert_true(system(cmd) != 0);
    }
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM audit"), 2);
    tdb_free(t);
}

static void
explicit_transaction_rolls_back_everything(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_product p = {0};
    int64_t v;

    (void)state;
    OK(db_tx_begin(t->db, NULL));
    assert_int_equal(db_tx_begin(t->db, &err), TT_EUSAGE);
    snprintf(p.gtin, sizeof p.gtin, "09528930000057");
    snprintf(p.name_vi, sizeof p.name_vi, "Mật ong rừng Pù Luông");
    OK(db_product_add(t->db, &p, NULL, NULL));
    OK(db_counter_next(t->db, "bundle", &v, NULL));
    /* A failing write inside undoes only itself. */
    assert_int_equal(db_product_add(t->db, &p, NULL, &err), TT_EEXIST);
    OK(db_product_find(t->db, "09528930000057", &p, NULL));
    db_tx_rollback(t->db);
    assert_int_equal(db_product_find(t->db, "09528930000057", &p, &err), TT_ENOTFOUND);
    OK(db_counter_peek(t->db, "bundle", &v, NULL));
    assert_int_equal(v, 0);
    assert_int_equal(db_tx_commit(t->db, &err), TT_EUSAGE);
    tdb_free(t);
}

static void
demo_data_loads_completely(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_settings s;
    struct db_product p;

    (void)state;
    if (db_demo_load(t->db, "data/demo", &err) != 0)
        fail_msg("demo: %s", err.msg);
    OK(db_settings_get(t->db, &s, NULL));
    assert_int_equal(s.mode, DB_MODE_DEMO);
    assert_string_equal(s.coop_province, "Thanh Hóa");
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM products"), 5);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM places"), 7);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM operators"), 3);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM products WHERE substr(gtin, 2, 3) "
                                        "<> '952'"),
                     0);
    OK(db_product_find(t->db, "99528930000012", &p, NULL));
    assert_string_equal(p.name_vi, "Bưởi Luận Văn");
    /* All or nothing: loading twice fails on the first duplicate and adds nothing. */
    assert_int_equal(db_demo_load(t->db, "data/demo", &err), TT_EEXIST);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM places"), 7);
    assert_int_equal(db_demo_load(t->db, "/nonexistent", &err), TT_EIO);
    tdb_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_creates_wal_database_at_current_version),
        cmocka_unit_test(open_refuses_missing_and_foreign_files),
        cmocka_unit_test(damaged_file_opens_in_read_only_safe_mode),
        cmocka_unit_test(newer_schema_opens_in_safe_mode),
        cmocka_unit_test(settings_are_validated),
        cmocka_unit_test(operators_keep_only_pin_hashes),
        cmocka_unit_test(places_and_their_location_ids),
        cmocka_unit_test(products_need_valid_gtins),
        cmocka_unit_test(lot_open_records_commissioning_event),
        cmocka_unit_test(lot_close_is_final),
        cmocka_unit_test(counters_only_go_up),
        cmocka_unit_test(audit_trail_names_who_did_what),
        cmocka_unit_test(explicit_transaction_rolls_back_everything),
        cmocka_unit_test(demo_data_loads_completely),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
