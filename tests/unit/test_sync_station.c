/*
 * test_sync_station.c — the station side of sync against a real store:
 * export to a folder, keep-until-acknowledged, chained bundles, receipts
 * and master data (replays, ranges never sent, other stations and keys),
 * faults at every stick step, and clock faults.
 */
#include "db-test-util.h"

#include "../../sync/export.h"
#include "sync-test-util.h"

struct st {
    struct tdb *t;
    struct sync_paths p;
    struct sig_pubkey pub;
    struct sig_seckey *portal;
    struct sig_pubkey portal_pub;
    char *stick;
    char portal_pub_path[300];
};

static void
add_events(struct tdb *t, int n)
{
    for (int i = 0; i < n; i++) {
        char epc[128];
        const char *epcs[1] = {epc};
        struct db_event_new ev = {0};
        struct tt_err e = {0};

        snprintf(epc, sizeof epc, "https://id.gs1.org/01/09528930000026/21/T%d-%d", i, rand());
        ev.type = DB_EVENT_OBJECT;
        ev.action = DB_ACTION_OBSERVE;
        ev.biz_step = "inspecting";
        ev.epcs = epcs;
        ev.n_epcs = 1;
        if (db_event_append(t->db, &ev, NULL, &e) != 0)
            fail_msg("db_event_append: %s", e.msg);
    }
}

static int
setup(void **state)
{
    struct st *s = calloc(1, sizeof *s);
    struct tt_err e = {0};

    s->t = tdb_new();
    tdb_fill(s->t);
    add_events(s->t, 20);
    OK(sync_paths_for_db(s->t->path, &s->p, &e));
    if (sync_key_init(&s->p, &s->pub, &e) != 0)
        fail_msg("key init: %s", e.msg);
    OK(sig_key_generate(&s->portal, &s->portal_pub, &e));
    snprintf(s->portal_pub_path, sizeof s->portal_pub_path, "%s/portal-given.pub", s->t->dir);
    OK(sig_pubkey_write(s->portal_pub_path, &s->portal_pub, &e));
    OK(sync_key_pin_portal(&s->p, s->portal_pub_path, &e));
    s->stick = stu_tmpdir();
    stick_fault_set(STICK_FAULT_NONE, 0);
    *state = s;
    return 0;
}

static int
teardown(void **state)
{
    struct st *s = *state;

    sig_seckey_free(s->portal);
    stu_rmrf(s->stick);
    tdb_free(s->t);
    free(s);
    return 0;
}

static int export(struct st *s, struct sync_export_result *r)
{
    struct tt_err e = {0};
    int rc = sync_export(s->t->db, &s->p, s->stick, "test-stick", -1, NULL, NULL, r, &e);

    if (rc != 0)
        print_message("export: %s\n", e.msg);
    return rc;
}

static void
stick_path(struct st *s, uint64_t n, char *out, size_t len)
{
    char name[32];

    bundle_file_name(n, name);
    snprintf(out, len, "%s/tramtem/st-test/%s", s->stick, name);
}

static int
verify_on_stick(struct st *s, uint64_t n, const char *prev, struct bundle_info *bi)
{
    char path[4200], name[32];
    struct bundle_expect ex = {.station = "st-test", .bundle_seq = n, .prev_b2 = prev};
    struct tt_err e = {0};
    int rc;

    bundle_file_name(n, name);
    ex.file_name = name;
    stick_path(s, n, path, sizeof path);
    rc = bundle_verify_file(path, NULL, &s->pub, &ex, NULL, NULL, NULL, bi, &e);
    if (rc != 0 && e.detail != BUNDLE_P_SIGNATURE && e.detail != BUNDLE_P_FILE)
        print_message("verify: %s\n", e.msg); /* only the unexpected kinds */
    return rc;
}

static void
export_round_trip_keeps_until_acked(void **state)
{
    struct st *s = *state;
    struct sync_export_result r;
    struct bundle_info b1, b2;
    char prev[65], sp[4200], kp[4200];
    unsigned char *a, *b;
    size_t la = 0, lb = 0;

    assert_int_equal(export(s, &r), 0);
    assert_int_equal(r.first_new_bundle, 1);
    assert_int_equal(r.new_events, 22);
    assert_int_equal(r.n_unacked, 1);
    assert_int_equal(r.n_copied, 1);
    assert_int_equal(verify_on_stick(s, 1, NULL, &b1), 0);
    assert_int_equal(b1.header.event_count, 22);
    assert_int_equal(b1.header.first_event_seq, 1);
    /* the stick copy is byte for byte the spool copy */
    stick_path(s, 1, kp, sizeof kp);
    snprintf(sp, sizeof sp, "%s/b-00000001.ndjson.gz", s->p.spool);
    a = stu_slurp(sp, &la);
    b = stu_slurp(kp, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    /* nothing new: the unacknowledged bundle goes on the stick again */
    assert_int_equal(export(s, &r), 0);
    assert_int_equal(r.first_new_bundle, 0);
    assert_int_equal(r.n_unacked, 1);
    assert_int_equal(r.n_copied, 1);
    /* new events: bundle 2 chained to bundle 1 */
    add_events(s->t, 5);
    assert_int_equal(export(s, &r), 0);
    assert_int_equal(r.first_new_bundle, 2);
    assert_int_equal(r.n_unacked, 2);
    sig_hex(b1.b2_256, SIG_B2_256_LEN, prev);
    assert_int_equal(verify_on_stick(s, 2, prev, &b2), 0);
    assert_int_equal(b2.header.first_event_seq, 23);
    assert_int_equal(b2.header.event_count, 5);
}

static void
write_receipt(struct st *s, const char *dir, uint64_t rseq, uint64_t acked, uint64_t acked_ev,
              const char *station)
{
    struct receipt r;
    struct receipt_item gap = {.kind = RECEIPT_REJECTED, .bundle_seq = acked};
    struct tt_err e = {0};

    memset(&r, 0, sizeof r);
    snprintf(r.station, sizeof r.station, "%s", station);
    sig_keyid_hex(s->pub.key_id, r.station_key_id);
    r.receipt_seq = rseq;
    snprintf(r.portal_time, sizeof r.portal_time, "2026-11-25T16:00:00+07:00");
    r.acked_through_bundle = acked;
    r.acked_through_event = acked_ev;
    snprintf(r.station_key_status, sizeof r.station_key_status, "active");
    snprintf(gap.reason, sizeof gap.reason, "test rejection");
    snprintf(gap.b2, sizeof gap.b2, "00");
    r.items = &gap;
    r.n_items = acked > 0 ? 1 : 0;
    if (receipt_write(dir, &r, s->portal, &e) != 0)
        fail_msg("receipt_write: %s", e.msg);
}

static int
import(struct st *s, const char *dir, const char *name, int *detail)
{
    char path[4200];
    struct tt_err e = {0};
    int rc;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    rc = sync_import(s->t->db, &s->p, path, NULL, &e);
    if (detail != NULL)
        *detail = e.detail;
    return rc;
}

static int64_t
last_receipt(struct st *s)
{
    struct db_receipt r;

    return db_receipt_last(s->t->db, &r, NULL) == 0 ? r.receipt_seq : 0;
}

static void
receipts_go_only_forward(void **state)
{
    struct st *s = *state;
    struct sync_export_result r;
    char *in = stu_tmpdir();
    int detail = 0;

    assert_int_equal(export(s, &r), 0); /* bundle 1: events 1..22 */
    add_events(s->t, 3);
    assert_int_equal(export(s, &r), 0); /* bundle 2: events 23..25 */
    write_receipt(s, in, 1, 1, 22, "st-test");
    write_receipt(s, in, 2, 2, 25, "st-test");
    write_receipt(s, in, 3, 9, 99, "st-test");  /* a range never sent */
    write_receipt(s, in, 4, 1, 22, "st-other"); /* another station */
    /* receipt 2 first, then the older receipt 1: changes nothing */
    assert_int_equal(import(s, in, "r-00000002.json", NULL), 0);
    assert_int_equal(last_receipt(s), 2);
    assert_int_equal(import(s, in, "r-00000001.json", &detail), TT_ESTATE);
    assert_int_equal(detail, RECEIPT_P_REPLAY);
    assert_int_equal(import(s, in, "r-00000002.json", &detail), TT_ESTATE); /* replayed */
    assert_int_equal(detail, RECEIPT_P_REPLAY);
    assert_int_equal(import(s, in, "r-00000003.json", &detail), TT_EINVAL);
    assert_int_equal(detail, RECEIPT_P_RANGE);
    assert_int_equal(import(s, in, "r-00000004.json", &detail), TT_EINVAL);
    assert_int_equal(detail, RECEIPT_P_STATION);
    assert_int_equal(last_receipt(s), 2);
    /* everything acknowledged: nothing left to carry */
    assert_int_equal(export(s, &r), 0);
    assert_int_equal(r.n_unacked, 0);
    stu_rmrf(in);
}

static void
receipt_signed_by_another_key_is_refused(void **state)
{
    struct st *s = *state;
    struct sync_export_result r;
    char *in = stu_tmpdir();
    struct sig_seckey *real = s->portal;
    struct sig_pubkey fake_pub;
    int detail = 0;

    assert_int_equal(export(s, &r), 0);
    OK(sig_key_generate(&s->portal, &fake_pub, NULL));
    write_receipt(s, in, 1, 1, 22, "st-test");
    assert_int_equal(import(s, in, "r-00000001.json", &detail), TT_ESIG);
    assert_int_equal(detail, RECEIPT_P_SIGNATURE);
    assert_int_equal(last_receipt(s), 0);
    sig_seckey_free(s->portal);
    s->portal = real;
    stu_rmrf(in);
}

static void
receipts_on_the_stick_are_imported_by_export(void **state)
{
    struct st *s = *state;
    struct sync_export_result r;
    char dir[4200];

    assert_int_equal(export(s, &r), 0);
    snprintf(dir, sizeof dir, "%s/tramtem/st-test", s->stick);
    write_receipt(s, dir, 1, 1, 22, "st-test");
    assert_int_equal(export(s, &r), 0);
    assert_int_equal(r.n_imported, 1);
    assert_int_equal(r.n_refused, 0);
    assert_int_equal(last_receipt(s), 1);
    /* the same receipt stays on the stick: seen again, skipped quietly */
    assert_int_equal(export(s, &r), 0);
    assert_int_equal(r.n_imported, 0);
    assert_int_equal(r.n_refused, 0);
    assert_int_equal(r.n_unacked, 0);
}

static void
masterdata_adds_products_once(void **state)
{
    struct st *s = *state;
    char *in = stu_tmpdir();
    struct md_product prod = {"09528930000033", "Chè lam Phủ Quảng", "Che lam", "H87", 0};
    char revoked[1][17] = {"0123456789ABCDEF"};
    struct masterdata md = {
        .version = 2, .products = &prod, .n_products = 1, .revoked_keys = revoked, .n_revoked = 1};
    struct db_product got;
    int detail = 0;

    snprintf(md.portal_time, sizeof md.portal_time, "2026-11-25T16:00:00+07:00");
    OK(masterdata_write(in, &md, s->portal, NULL));
    assert_int_equal(import(s, in, "m-00000002.json", NULL), 0);
    assert_int_equal(db_product_find(s->t->db, "09528930000033", &got, NULL), 0);
    assert_string_equal(got.name_vi, "Chè lam Phủ Quảng");
    assert_true(sync_key_revoked(&s->p, "0123456789ABCDEF"));
    assert_false(sync_key_revoked(&s->p, "FEDCBA9876543210"));
    assert_int_equal(import(s, in, "m-00000002.json", &detail), TT_ESTATE);
    assert_int_equal(detail, RECEIPT_P_REPLAY);
    stu_rmrf(in);
}

/* A pull at every stick step: nothing half-written verifies, the store keeps its state. */
static void
pull_at_every_export_step(void **state)
{
    struct st *s = *state;
    struct sync_export_result r;
    struct sync_paths probe_paths = s->p;
    long steps;
    const enum stick_fault kinds[] = {STICK_FAULT_PULL, STICK_FAULT_ENOSPC, STICK_FAULT_EIO};

    (void)probe_paths;
    assert_int_equal(export(s, &r), 0); /* bundle 1 made and copied */
    add_events(s->t, 4);
    assert_int_equal(sync_make_bundles(s->t->db, &s->p, -1, NULL, NULL), 0); /* bundle 2 */
    stu_rmrf(s->stick);
    s->stick = stu_tmpdir();
    stick_fault_set(STICK_FAULT_NONE, 0);
    assert_int_equal(export(s, &r), 0);
    steps = stick_fault_ops();
    assert_true(steps > 10);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (long nth = 1; nth <= steps; nth++) {
            struct tt_err e = {0};
            int rc;

            stu_rmrf(s->stick);
            s->stick = stu_tmpdir();
            stick_fault_set(kinds[k], nth);
            rc = sync_export(s->t->db, &s->p, s->stick, "test", -1, NULL, NULL, &r, &e);
            stick_fault_set(STICK_FAULT_NONE, 0);
            if (rc != 0) {
                /* no new bundle, no receipt: the station's record is as it was */
                assert_int_equal(r.first_new_bundle, 0);
                assert_int_equal(last_receipt(s), 0);
            }
            /* whatever is on the stick either verifies whole or not at all */
            for (uint64_t n = 1; n <= 2; n++) {
                struct bundle_info bi;
                int ok = verify_on_stick(s, n, NULL, &bi) == 0;

                if (ok)
                    assert_int_equal(bi.header.bundle_seq, n);
            }
            assert_int_equal(export(s, &r), 0); /* re-export succeeds */
            assert_int_equal(r.n_copied, 2);
            assert_int_equal(r.first_new_bundle, 0);
        }
    }
}

static void
clock_behind_is_recorded_and_never_reorders(void **state)
{
    struct st *s = *state;
    struct sync_export_result r;
    struct bundle_info bi;
    char path[4200];
    struct tt_err e = {0};

    /* the clock jumps back a day at every reading */
    s->t->clock.step = -INT64_C(86400000);
    add_events(s->t, 5);
    assert_int_equal(export(s, &r), 0);
    assert_false(r.clock_trusted);
    stick_path(s, 1, path, sizeof path);
    assert_int_equal(bundle_verify_file(path, NULL, &s->pub, NULL, NULL, NULL, NULL, &bi, &e), 0);
    assert_false(bi.header.clock_trusted);
    assert_int_equal(bi.header.first_event_seq, 1);
    assert_int_equal(bi.header.last_event_seq, 27);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(export_round_trip_keeps_until_acked, setup, teardown),
        cmocka_unit_test_setup_teardown(receipts_go_only_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(receipt_signed_by_another_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(receipts_on_the_stick_are_imported_by_export, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(masterdata_adds_products_once, setup, teardown),
        cmocka_unit_test_setup_teardown(pull_at_every_export_step, setup, teardown),
        cmocka_unit_test_setup_teardown(clock_behind_is_recorded_and_never_reorders, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
