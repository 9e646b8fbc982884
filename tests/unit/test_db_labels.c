/*
 * test_db_labels.c — label allocation (serials from counters, GS1 data,
 * the event in the same transaction, the demo-GTIN rule), the label state
 * machine, the event log (append, iteration, cursor, append-only), clock
 * sanity, and the sync records (exports, receipts).
 */
#include "db-test-util.h"

static void
allocation_issues_consecutive_serials_with_events(void **state)
{
    struct tdb *t = tdb_new();
    struct db_label_new req = {0};
    struct db_label a, b, w, got;

    (void)state;
    tdb_fill(t);
    req.lot_id = t->lot_id;
    OK(db_label_allocate(t->db, &req, &a, NULL));
    OK(db_label_allocate(t->db, &req, &b, NULL));
    assert_string_equal(a.serial, "1");
    assert_string_equal(b.serial, "2");
    assert_int_equal(a.state, DB_LABEL_QUEUED);
    assert_string_equal(a.expiry, "2026-11-29"); /* harvest 11-24 + 5 days */
    assert_string_equal(a.gs1, "(01)09528930000026(17)261129(10)NEM-01(21)1");
    assert_string_equal(a.dl_uri, "https://id.gs1.org/01/09528930000026/10/NEM-01/21/1?17=261129");
    assert_string_equal(a.template, "produce-58x40");
    assert_true(b.event_seq == a.event_seq + 1);
    /* Another GTIN has its own counter; weighed items carry AI 3103 and a KGM quantity. */
    req.lot_id = t->wlot_id;
    req.net_weight_g = 1534;
    req.template = "retail-58x40";
    OK(db_label_allocate(t->db, &req, &w, NULL));
    assert_string_equal(w.serial, "1");
    assert_string_equal(w.gs1, "(01)99528930000012(3103)001534(10)LV-2611(21)1");
    assert_string_equal(w.template, "retail-58x40");
    assert_int_equal(tdb_count(t->path, "SELECT json_extract(json, '$.quantityList[0].quantity') "
                                        "= 1.534 AND json_extract(json, '$.epcList[0]') = "
                                        "'https://id.gs1.org/01/99528930000012/21/1' FROM events "
                                        "ORDER BY seq DESC LIMIT 1"),
                     1);
    OK(db_label_get(t->db, w.id, &got, NULL));
    assert_string_equal(got.gs1, w.gs1);
    assert_int_equal(got.net_weight_g, 1534);
    assert_int_equal(got.event_seq, w.event_seq);
    /* Every label row has its event. */
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM labels l JOIN events e ON e.seq = "
                                        "l.event_seq AND e.biz_step = 'commissioning'"),
                     3);
    tdb_free(t);
}

static void
refused_allocations_leave_nothing(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_label l;
    int64_t events, serial;

    (void)state;
    tdb_fill(t);
    events = tdb_count(t->path, "SELECT count(*) FROM events");
    req.lot_id = t->wlot_id; /* sold by weight: a weight is required */
    assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "sold by weight"));
    req.net_weight_g = 1000000;
    assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_EINVAL);
    req.lot_id = t->lot_id; /* fixed measure: no weight */
    req.net_weight_g = 500;
    assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_EINVAL);
    req.net_weight_g = 0;
    req.lot_id = 999;
    assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_ENOTFOUND);
    /* Demo GTINs outside demo/training mode. */
    req.lot_id = t->lot_id;
    OK(db_setting_set(t->db, "station.mode", "production", NULL));
    assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_ESTATE);
    assert_non_null(strstr(err.msg, "demo number"));
    OK(db_setting_set(t->db, "station.mode", "training", NULL));
    OK(db_label_allocate(t->db, &req, &l, NULL));
    assert_string_equal(l.serial, "1");
    /* A setting changed by another process is seen at once (no stale cache). */
    {
        struct db *other = NULL;

        OK(db_open(t->path, 0, &other, NULL));
        OK(db_setting_set(other, "station.mode", "production", NULL));
        assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_ESTATE);
        OK(db_setting_set(other, "station.mode", "training", NULL));
        db_close(other);
    }
    /* A closed lot. */
    OK(db_lot_close(t->db, t->lot_id, NULL));
    assert_int_equal(db_label_allocate(t->db, &req, &l, &err), TT_ESTATE);
    assert_non_null(strstr(err.msg, "closed"));
    assert_int_equal(l.id, 0);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events"), events + 1);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM labels"), 1);
    OK(db_counter_peek(t->db, "serial:09528930000026", &serial, NULL));
    assert_int_equal(serial, 1);
    tdb_free(t);
}

static void
sscc_labels_use_the_company_prefix(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_label a, b;

    (void)state;
    tdb_fill(t);
    req.lot_id = t->lot_id;
    req.sscc = 1;
    OK(db_label_allocate(t->db, &req, &a, NULL));
    OK(db_label_allocate(t->db, &req, &b, NULL));
    assert_string_equal(a.sscc, "095289300000000019");
    assert_string_equal(b.sscc, "095289300000000026");
    assert_string_equal(a.serial, "");
    assert_string_equal(a.gs1, "(00)095289300000000019");
    assert_string_equal(a.dl_uri, "https://id.gs1.org/00/095289300000000019");
    OK(db_setting_set(t->db, "coop.prefix", "", NULL));
    assert_int_equal(db_label_allocate(t->db, &req, &a, &err), TT_ESTATE);
    assert_non_null(strstr(err.msg, "coop.prefix"));
    tdb_free(t);
}

static void
label_states_follow_the_rules(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_label_mark m = {"office", "42", NULL};
    struct db_label l, got;
    int64_t events;

    (void)state;
    tdb_fill(t);
    req.lot_id = t->lot_id;
    OK(db_label_allocate(t->db, &req, &l, NULL));
    OK(db_label_mark(t->db, l.id, DB_LABEL_SENT, &m, NULL));
    OK(db_label_mark(t->db, l.id, DB_LABEL_PRINTED, NULL, NULL));
    OK(db_label_get(t->db, l.id, &got, NULL));
    assert_int_equal(got.state, DB_LABEL_PRINTED);
    assert_string_equal(got.printer, "office");
    assert_string_equal(got.job_id, "42");
    assert_int_equal(db_label_mark(t->db, l.id, DB_LABEL_QUEUED, NULL, &err), TT_ESTATE);
    assert_non_null(strstr(err.msg, "is printed; it cannot become queued"));
    events = tdb_count(t->path, "SELECT count(*) FROM events");
    /* A reprint needs a reason and is an event. */
    assert_int_equal(db_label_mark(t->db, l.id, DB_LABEL_SENT, NULL, &err), TT_EINVAL);
    m.reason = "nhãn bị nhòe";
    m.job_id = "43";
    OK(db_label_mark(t->db, l.id, DB_LABEL_SENT, &m, NULL));
    assert_int_equal(tdb_count(t->path,
                               "SELECT count(*) FROM events WHERE biz_step = 'encoding' "
                               "AND json_extract(json, '$.\"tt:reason\"') = 'nhãn bị nhòe'"),
                     1);
    OK(db_label_mark(t->db, l.id, DB_LABEL_FAILED, NULL, NULL));
    /* Void needs a reason, records decommissioning, and is final. */
    m.reason = NULL;
    assert_int_equal(db_label_mark(t->db, l.id, DB_LABEL_VOID, &m, &err), TT_EINVAL);
    m.reason = "máy in hết giấy";
    OK(db_label_mark(t->db, l.id, DB_LABEL_VOID, &m, NULL));
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events"), events + 2);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events WHERE biz_step = "
                                        "'decommissioning' AND json_extract(json, '$.action') = "
                                        "'DELETE'"),
                     1);
    assert_int_equal(db_label_mark(t->db, l.id, DB_LABEL_SENT, &m, &err), TT_ESTATE);
    assert_int_equal(db_label_mark(t->db, 999, DB_LABEL_SENT, &m, &err), TT_ENOTFOUND);
    assert_string_equal(db_label_state_name(DB_LABEL_VOID), "void");
    tdb_free(t);
}

static int
count_label(void *ctx, const struct db_label *l)
{
    (void)l;
    (*(int *)ctx)++;
    return 0;
}

static void
queued_labels_are_listed_after_a_crash(void **state)
{
    struct tdb *t = tdb_new();
    struct db_label_new req = {0};
    struct db_label l;
    int n = 0;

    (void)state;
    tdb_fill(t);
    req.lot_id = t->lot_id;
    for (int i = 0; i < 3; i++)
        OK(db_label_allocate(t->db, &req, &l, NULL));
    OK(db_label_mark(t->db, l.id, DB_LABEL_PRINTED, NULL, NULL));
    OK(db_label_list_state(t->db, DB_LABEL_QUEUED, count_label, &n, NULL));
    assert_int_equal(n, 2);
    /* Labels are never deleted and never change identity, whatever writes to the file. */
    {
        static const char *const attempts[] = {"DELETE FROM labels", "DELETE FROM lots",
                                               "UPDATE labels SET serial = '99'",
                                               "UPDATE labels SET event_seq = 1"};
        char cmd[512];

        for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
            snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"%s\" 2>/dev/null", t->path, attempts[i]);
            assert_true(system(cmd) != 0);
        }
    }
    assert_int_equal(
        tdb_count(t->path, "SELECT count(*) FROM labels WHERE serial IN ('1','2','3')"), 3);
    tdb_free(t);
}

struct walk {
    int n;
    int64_t last;
    int64_t stop_at;
};

static int
walk_cb(void *ctx, const struct db_event_row *row)
{
    struct walk *w = ctx;

    assert_true(row->seq > w->last);
    assert_int_equal(row->json_len, strlen(row->json));
    w->last = row->seq;
    w->n++;
    return w->stop_at != 0 && row->seq == w->stop_at ? 7 : 0;
}

struct writer_walk {
    struct db *db;
    int n;
};

/* Writes (an audit row) from inside a walk, as sync does when it records what it sent. */
static int
write_during_walk(void *ctx, const struct db_event_row *row)
{
    struct writer_walk *w = ctx;
    struct tt_err err = {0};

    if (db_audit_add(w->db, "test.walk", row->event_id, "", &err) != 0)
        fail_msg("write inside a walk: %s", err.msg);
    w->n++;
    return 0;
}

static void
events_append_and_walk_in_seq_order(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    const char *children[] = {"https://id.gs1.org/01/09528930000026/21/1",
                              "https://id.gs1.org/01/09528930000026/21/2"};
    struct db_event_new ev = {0};
    struct db_event_info info;
    struct db_event_cursor *cur = NULL;
    struct db_event_row row;
    struct walk w = {0};
    int64_t last;
    int rc;

    (void)state;
    tdb_fill(t);
    ev.type = DB_EVENT_AGGREGATION;
    ev.action = DB_ACTION_ADD;
    ev.biz_step = "packing";
    ev.parent_id = "https://id.gs1.org/00/095289300000000019";
    ev.epcs = children;
    ev.n_epcs = 2;
    OK(db_event_append(t->db, &ev, &info, NULL));
    assert_int_equal(info.seq, 3);
    assert_int_equal(info.clock_ok, 1);
    assert_int_equal(strncmp(info.event_id, "ni:///sha-256;", 14), 0);
    assert_int_equal(tdb_count(t->path, "SELECT json_extract(json, '$.childEPCs[1]') LIKE "
                                        "'%/21/2' AND json_extract(json, '$.parentID') LIKE "
                                        "'%/00/095289300000000019' FROM events WHERE seq = 3"),
                     1);
    /* Bad events. */
    ev.biz_step = "dancing";
    assert_int_equal(db_event_append(t->db, &ev, NULL, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "CBV 2.0 business step"));
    ev.biz_step = "packing";
    ev.disposition = "happy";
    assert_int_equal(db_event_append(t->db, &ev, NULL, &err), TT_EINVAL);
    ev.disposition = NULL;
    ev.parent_id = NULL;
    assert_int_equal(db_event_append(t->db, &ev, NULL, &err), TT_EINVAL);
    ev.type = DB_EVENT_TRANSFORMATION;
    assert_int_equal(db_event_append(t->db, &ev, NULL, &err), TT_EINVAL);
    ev.type = DB_EVENT_AGGREGATION;
    ev.parent_id = "https://id.gs1.org/00/095289300000000019";
    ev.reason = "\xc3\x28";
    assert_int_equal(db_event_append(t->db, &ev, NULL, &err), TT_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-8"));
    ev.reason = NULL;
    ev.type = DB_EVENT_OBJECT;
    ev.n_epcs = 0;
    assert_int_equal(db_event_append(t->db, &ev, NULL, &err), TT_EINVAL);
    /* A TransformationEvent: bulk lot in, packed items out, with lot master data. */
    {
        const char *outs[] = {"https://id.gs1.org/01/09528930000026/21/900"};
        struct db_quantity in = {"https://id.gs1.org/01/99528930000012/10/LV-2611", 12500, 1,
                                 "KGM"};
        struct db_kv ilmd[] = {{"cbvmda:itemExpirationDate", "2026-12-01"}};
        struct db_event_new tr = {0};

        tr.type = DB_EVENT_TRANSFORMATION;
        tr.biz_step = "repackaging";
        tr.quantities = &in;
        tr.n_quantities = 1;
        tr.out_epcs = outs;
        tr.n_out_epcs = 1;
        tr.ilmd = ilmd;
        tr.n_ilmd = 1;
        tr.action = DB_ACTION_ADD;
        assert_int_equal(db_event_append(t->db, &tr, NULL, &err), TT_EINVAL); /* no action */
        tr.action = DB_ACTION_NONE;
        OK(db_event_append(t->db, &tr, &info, NULL));
        assert_int_equal(tdb_count(t->path, "SELECT json_extract(json, '$.inputQuantityList[0]."
                                            "quantity') = 12.5 AND json_extract(json, "
                                            "'$.outputEPCList[0]') LIKE '%/21/900' AND "
                                            "json_extract(json, '$.action') IS NULL FROM events "
                                            "ORDER BY seq DESC LIMIT 1"),
                         1);
    }
    OK(db_event_last_seq(t->db, &last, NULL));
    assert_int_equal(last, 4);
    /* Walks: all, after a seq, with a limit, stopped by the callback. */
    OK(db_events_after(t->db, 0, 0, walk_cb, &w, NULL));
    assert_int_equal(w.n, 4);
    memset(&w, 0, sizeof w);
    w.last = 1;
    OK(db_events_after(t->db, 1, 1, walk_cb, &w, NULL));
    assert_int_equal(w.n, 1);
    memset(&w, 0, sizeof w);
    w.stop_at = 2;
    assert_int_equal(db_events_after(t->db, 0, 0, walk_cb, &w, NULL), 7);
    assert_int_equal(w.n, 2);
    {
        struct writer_walk ww = {t->db, 0};

        OK(db_events_after(t->db, 0, 0, write_during_walk, &ww, NULL));
        assert_int_equal(ww.n, 4);
        assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM audit WHERE action='test.walk'"),
                         4);
    }
    OK(db_event_cursor_open(t->db, 1, &cur, NULL));
    assert_int_equal(db_event_cursor_next(cur, &row, NULL), 1);
    assert_int_equal(row.seq, 2);
    assert_int_equal(db_event_cursor_next(cur, &row, NULL), 1);
    assert_string_equal(row.type, "AggregationEvent");
    assert_int_equal(db_event_cursor_next(cur, &row, NULL), 1);
    assert_string_equal(row.type, "TransformationEvent");
    assert_int_equal(db_event_cursor_next(cur, &row, NULL), 0);
    db_event_cursor_free(cur);
    db_event_cursor_free(NULL);
    /* Append-only: the file refuses changes to events. */
    {
        char cmd[512];

        snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE events SET json = '{}'\" 2>/dev/null",
                 t->path);
        rc = system(cmd);
        assert_true(rc != 0);
    }
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events WHERE json = '{}'"), 0);
    tdb_free(t);
}

static void
clock_problems_are_recorded_on_events(void **state)
{
    struct tdb *t = tdb_new();
    struct db_clock_state cs;
    struct db_label_new req = {0};
    struct db_label l;

    (void)state;
    tdb_fill(t);
    OK(db_clock_check(t->db, &cs, NULL));
    assert_int_equal(cs.ok, 1);
    /* The clock jumps back an hour (someone set it wrong). */
    t->clock.now -= 3600 * 1000;
    OK(db_clock_check(t->db, &cs, NULL));
    assert_int_equal(cs.ok, 0);
    req.lot_id = t->lot_id;
    OK(db_label_allocate(t->db, &req, &l, NULL));
    assert_int_equal(tdb_count(t->path, "SELECT clock_ok = 0 AND json_extract(json, "
                                        "'$.\"tt:clock\"') = 'backwards' FROM events ORDER BY seq "
                                        "DESC LIMIT 1"),
                     1);
    /* A dead RTC: the year 2000. The floor does not follow a wrong clock down. */
    t->clock.now = INT64_C(946684800000);
    OK(db_label_allocate(t->db, &req, &l, NULL));
    assert_int_equal(tdb_count(t->path, "SELECT json_extract(json, '$.\"tt:clock\"') FROM events "
                                        "ORDER BY seq DESC LIMIT 1") != -1,
                     1);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM events WHERE json_extract(json, "
                                        "'$.\"tt:clock\"') = 'before-floor' AND clock_ok = 0"),
                     1);
    OK(db_clock_check(t->db, &cs, NULL));
    assert_true(cs.floor_ms >= T0_MS);
    /* Order is by seq, never by time: the walk still sees them in recording order. */
    assert_int_equal(tdb_count(t->path, "SELECT max(seq) FROM events"), 4);
    /* The clock is set right again. */
    t->clock.now = T0_MS + 86400000;
    OK(db_label_allocate(t->db, &req, &l, NULL));
    assert_int_equal(tdb_count(t->path, "SELECT clock_ok FROM events ORDER BY seq DESC LIMIT 1"),
                     1);
    tdb_free(t);
}

static void
fill_export(struct db_export *e, char hexdigit)
{
    memset(e->payload_b2, hexdigit, 64);
    e->payload_b2[64] = '\0';
    e->payload_size = 1234;
    e->clock_trusted = 1;
    snprintf(e->created, sizeof e->created, "2026-11-25T17:00:00.000+07:00");
}

static int
count_export(void *ctx, const struct db_export *e)
{
    (void)e;
    (*(int *)ctx)++;
    return 0;
}

static void
exports_chain_and_receipts_only_go_up(void **state)
{
    struct tdb *t = tdb_new();
    struct tt_err err = {0};
    struct db_export e, e2, got;
    struct db_receipt r = {0}, last;
    struct db_receipt_item item = {2, "", "rejected", "chữ ký sai"};
    int n = 0;

    (void)state;
    tdb_fill(t);
    OK(db_export_plan(t->db, &e, NULL));
    assert_int_equal(e.bundle_seq, 1);
    assert_int_equal(e.first_seq, 1);
    assert_int_equal(e.last_seq, 2);
    assert_int_equal(e.n_events, 2);
    assert_string_equal(e.prev_b2, "");
    assert_string_equal(e.file_name, "b-00000001.ndjson.gz");
    fill_export(&e, 'a');
    OK(db_export_record(t->db, &e, NULL));
    assert_int_equal(db_export_record(t->db, &e, &err), TT_ESTATE); /* same number twice */
    OK(db_export_plan(t->db, &e2, NULL));
    assert_int_equal(e2.bundle_seq, 2);
    assert_int_equal(e2.first_seq, 3);
    assert_int_equal(e2.n_events, 0);
    assert_string_equal(e2.prev_b2, e.payload_b2);
    fill_export(&e2, 'b');
    snprintf(e2.prev_b2, sizeof e2.prev_b2, "%s", "");
    assert_int_equal(db_export_record(t->db, &e2, &err), TT_ESTATE); /* broken chain */
    memset(e2.prev_b2, 'a', 64);
    e2.prev_b2[64] = '\0';
    e2.payload_b2[0] = 'B';
    assert_int_equal(db_export_record(t->db, &e2, &err), TT_EINVAL); /* not lowercase hex */
    e2.payload_b2[0] = 'b';
    OK(db_export_record(t->db, &e2, NULL));
    OK(db_export_copied(t->db, 2, "USB 1A2B-3C4D", NULL));
    assert_int_equal(db_export_copied(t->db, 9, "x", &err), TT_ENOTFOUND);
    OK(db_export_list_unacked(t->db, count_export, &n, NULL));
    assert_int_equal(n, 2);
    /* A receipt acknowledges bundle 1. */
    assert_int_equal(db_receipt_last(t->db, &last, &err), TT_ENOTFOUND);
    r.receipt_seq = 5;
    r.acked_through_bundle = 1;
    r.acked_through_event = 2;
    r.portal_time_ms = T0_MS + 7 * 86400000LL;
    snprintf(r.portal_time, sizeof r.portal_time, "2026-12-02T08:00:00Z");
    snprintf(r.station_key_status, sizeof r.station_key_status, "active");
    OK(db_receipt_record(t->db, &r, &item, 1, NULL));
    n = 0;
    OK(db_export_list_unacked(t->db, count_export, &n, NULL));
    assert_int_equal(n, 1);
    OK(db_export_get(t->db, 1, &got, NULL));
    assert_int_equal(got.acked, 1);
    assert_int_equal(got.acked_by, 5);
    OK(db_receipt_last(t->db, &last, NULL));
    assert_int_equal(last.receipt_seq, 5);
    assert_int_equal(tdb_count(t->path, "SELECT count(*) FROM receipt_items WHERE reason = "
                                        "'chữ ký sai'"),
                     1);
    /* Replayed or older receipts change nothing. */
    r.acked_through_bundle = 2;
    assert_int_equal(db_receipt_record(t->db, &r, NULL, 0, &err), TT_ESTATE);
    r.receipt_seq = 4;
    assert_int_equal(db_receipt_record(t->db, &r, NULL, 0, &err), TT_ESTATE);
    OK(db_export_get(t->db, 2, &got, NULL));
    assert_int_equal(got.acked, 0);
    /* The portal's time raises the clock floor: a clock before it is wrong. */
    {
        struct db_clock_state cs;

        OK(db_clock_check(t->db, &cs, NULL));
        assert_int_equal(cs.ok, 0);
    }
    /* A receipt mentioning a bundle this (restored) station never made: never reuse numbers. */
    r.receipt_seq = 6;
    r.acked_through_bundle = 40;
    OK(db_receipt_record(t->db, &r, NULL, 0, NULL));
    OK(db_export_plan(t->db, &e, NULL));
    assert_int_equal(e.bundle_seq, 41);
    tdb_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocation_issues_consecutive_serials_with_events),
        cmocka_unit_test(refused_allocations_leave_nothing),
        cmocka_unit_test(sscc_labels_use_the_company_prefix),
        cmocka_unit_test(label_states_follow_the_rules),
        cmocka_unit_test(queued_labels_are_listed_after_a_crash),
        cmocka_unit_test(events_append_and_walk_in_seq_order),
        cmocka_unit_test(clock_problems_are_recorded_on_events),
        cmocka_unit_test(exports_chain_and_receipts_only_go_up),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
