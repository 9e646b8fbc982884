/*
 * labels.c — label allocation and its state machine.
 *
 * db_label_allocate is the one place serials are issued: in one
 * transaction it advances the counter, builds and validates the GS1 data,
 * appends the commissioning event and writes the label row `queued`. If
 * power goes at any point, either all of it is on disk or none of it, so a
 * serial is never issued twice and a printed label always has its row and
 * its event. After a restart, `queued` rows are the labels that may or may
 * not have reached the printer: the station offers them for reprint or void.
 */
#include <stdio.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "db-internal.h"

static const char *const state_names[] = {"queued", "sent", "printed", "failed", "void"};

const char *
db_label_state_name(enum db_label_state state)
{
    return (unsigned)state <= DB_LABEL_VOID ? state_names[state] : "?";
}

static enum db_label_state
state_from(const char *s)
{
    for (int i = 0; i <= DB_LABEL_VOID; i++)
        if (strcmp(s, state_names[i]) == 0)
            return (enum db_label_state)i;
    return DB_LABEL_VOID;
}

/* Everything the allocation needs to know before it writes anything. */
struct alloc_ctx {
    struct db_settings s;
    struct db_lot lot;
    struct db_product prod;
    struct db_label *out;
};

static int
alloc_check(struct db *db, const struct db_label_new *req, struct alloc_ctx *a, struct tt_err *err)
{
    int rc = db_settings_get(db, &a->s, err);

    if (rc == 0)
        rc = db_lot_get(db, req->lot_id, &a->lot, err);
    if (rc == 0)
        rc = db_product_get(db, a->lot.product_id, &a->prod, err);
    if (rc != 0)
        return rc;
    if (a->lot.closed)
        return tt_err_set(err, TT_ESTATE, "db_label_allocate",
                          "lot %s is closed; open a new lot to print more labels", a->lot.code);
    if (a->prod.demo && a->s.mode == DB_MODE_PRODUCTION)
        return tt_err_set(err, TT_ESTATE, "db_label_allocate",
                          "GTIN %s is a demo number (prefix 952); it may be printed only in demo "
                          "or training mode; register the product with your own GS1 Vietnam "
                          "(893) number",
                          a->prod.gtin);
    if (!a->prod.active)
        return tt_err_set(err, TT_ESTATE, "db_label_allocate", "product %s is withdrawn",
                          a->prod.gtin);
    if (a->prod.variable && (req->net_weight_g <= 0 || req->net_weight_g > 999999))
        return tt_err_set(err, TT_EINVAL, "db_label_allocate",
                          "product %s is sold by weight: give a weight between 0.001 and "
                          "999.999 kg",
                          a->prod.gtin);
    if (!a->prod.variable && req->net_weight_g != 0)
        return tt_err_set(err, TT_EINVAL, "db_label_allocate",
                          "product %s has a fixed measure; it takes no weight", a->prod.gtin);
    if (req->sscc && a->s.coop_prefix[0] == '\0')
        return tt_err_set(err, TT_ESTATE, "db_label_allocate",
                          "an SSCC needs the cooperative's GS1 company prefix (setting "
                          "coop.prefix)");
    return 0;
}

/* Expiry = production date (first harvest day, else today) + shelf life. */
static void
expiry_date(struct db *db, const struct alloc_ctx *a, char out[11])
{
    int64_t y, days;
    unsigned m, d;
    char today[11];

    out[0] = '\0';
    if (a->prod.shelf_life_days <= 0)
        return;
    db_format_date(db_now_ms(db), a->s.tz_minutes, today);
    const char *base = a->lot.harvest_from[0] != '\0' ? a->lot.harvest_from : today;
    int by, bm, bd;

    sscanf(base, "%d-%d-%d", &by, &bm, &bd);
    days = db_days_from_civil(by, (unsigned)bm, (unsigned)bd) + a->prod.shelf_life_days;
    db_civil_from_days(days, &y, &m, &d);
    db_format_ymd(y, m, d, out);
}

/* The label's GS1 element string and Digital Link URI. */
static int
label_data(const struct db_label_new *req, struct alloc_ctx *a, struct tt_err *err)
{
    struct db_label *l = a->out;
    struct gs1_msg msg;
    char v[32];
    int rc;

    gs1_msg_init(&msg);
    if (req->sscc) {
        rc = gs1_msg_add(&msg, "00", l->sscc, err);
    } else {
        rc = gs1_msg_add(&msg, "01", l->gtin, err);
        if (rc == 0 && l->net_weight_g > 0) {
            snprintf(v, sizeof v, "%06lld", (long long)l->net_weight_g);
            rc = gs1_msg_add(&msg, "3103", v, err);
        }
        if (rc == 0 && l->expiry[0] != '\0') {
            snprintf(v, sizeof v, "%.2s%.2s%.2s", l->expiry + 2, l->expiry + 5, l->expiry + 8);
            rc = gs1_msg_add(&msg, "17", v, err);
        }
        if (rc == 0)
            rc = gs1_msg_add(&msg, "10", l->lot_code, err);
        if (rc == 0)
            rc = gs1_msg_add(&msg, "21", l->serial, err);
    }
    if (rc == 0)
        rc = gs1_validate(&msg, err);
    if (rc == 0)
        rc = gs1_format(&msg, GS1_SYNTAX_PARENS, GS1_CARRIER_NONE, l->gs1, sizeof l->gs1, err);
    if (rc == 0)
        rc = gs1_dl_uri(&msg, NULL, l->dl_uri, sizeof l->dl_uri, err);
    return rc;
}

/* Serial from the counter: per GTIN for AI 21, station-wide for SSCC. */
static int
allocate_serial(struct db *db, const struct db_label_new *req, struct alloc_ctx *a,
                struct tt_err *err)
{
    struct db_label *l = a->out;
    char name[32];
    int64_t n = 0;
    int rc;

    if (req->sscc) {
        rc = db_counter_advance(db, "sscc", &n, err);
        if (rc == 0)
            rc =
                gs1_sscc_make(a->s.sscc_ext, a->s.coop_prefix, (unsigned long long)n, l->sscc, err);
        return rc;
    }
    snprintf(name, sizeof name, "serial:%s", l->gtin);
    rc = db_counter_advance(db, name, &n, err);
    if (rc == 0)
        snprintf(l->serial, sizeof l->serial, "%s%lld", a->s.serial_prefix, (long long)n);
    return rc;
}

/* ObjectEvent ADD commissioning of the labelled item (or logistic unit). */
static int
label_event(struct db *db, const struct alloc_ctx *a, struct db_event_info *info,
            struct tt_err *err)
{
    const struct db_label *l = a->out;
    char epc[128], cls[256];
    const char *epcs[1] = {epc};
    struct db_kv ilmd[4];
    struct db_quantity q = {cls, l->net_weight_g, 1, "KGM"};
    struct db_event_new ev = {0};
    struct gs1_msg msg;
    size_t n = 0;
    int rc = 0;

    if (l->sscc[0] != '\0') {
        snprintf(epc, sizeof epc, "https://id.gs1.org/00/%s", l->sscc);
    } else {
        /* The instance identifier: GTIN + serial only (the finest DL level). */
        gs1_msg_init(&msg);
        rc = gs1_msg_add(&msg, "01", l->gtin, err);
        if (rc == 0)
            rc = gs1_msg_add(&msg, "21", l->serial, err);
        if (rc == 0)
            rc = gs1_dl_uri(&msg, NULL, epc, sizeof epc, err);
        gs1_msg_init(&msg);
        if (rc == 0)
            rc = gs1_msg_add(&msg, "01", l->gtin, err);
        if (rc == 0)
            rc = gs1_msg_add(&msg, "10", l->lot_code, err);
        if (rc == 0)
            rc = gs1_dl_uri(&msg, NULL, cls, sizeof cls, err);
        if (rc != 0)
            return rc;
        ilmd[n++] = (struct db_kv){"cbvmda:lotNumber", l->lot_code};
        if (l->expiry[0] != '\0')
            ilmd[n++] = (struct db_kv){"cbvmda:itemExpirationDate", l->expiry};
        if (a->lot.harvest_from[0] != '\0')
            ilmd[n++] = (struct db_kv){"cbvmda:harvestStartDate", a->lot.harvest_from};
        ilmd[n++] = (struct db_kv){"cbvmda:countryOfOrigin", "VN"};
    }
    ev.type = DB_EVENT_OBJECT;
    ev.action = DB_ACTION_ADD;
    ev.biz_step = "commissioning";
    ev.disposition = "active";
    ev.epcs = epcs;
    ev.n_epcs = 1;
    /* A quantity needs a class (GTIN + lot); a logistic unit (SSCC) has none, and
     * its contents' weights are on the cases' own events. */
    if (l->net_weight_g > 0 && l->sscc[0] == '\0') {
        ev.quantities = &q;
        ev.n_quantities = 1;
    }
    ev.ilmd = ilmd;
    ev.n_ilmd = n;
    return db_event_append_locked(db, &ev, info, err);
}

static int
label_insert(struct db *db, struct db_label *l, struct tt_err *err)
{
    sqlite3_stmt *st =
        db_stmt(db,
                "INSERT INTO labels(lot_id, gtin, serial, sscc, expiry, net_weight_g, gs1, dl_uri,"
                " template, state, operator_id, created_ms, updated_ms, event_seq)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10, ?11, ?11, ?12)",
                err);
    int rc;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, l->lot_id);
    db_bind_text(st, 2, l->gtin);
    db_bind_text(st, 3, l->serial[0] != '\0' ? l->serial : NULL);
    db_bind_text(st, 4, l->sscc[0] != '\0' ? l->sscc : NULL);
    db_bind_text(st, 5, l->expiry);
    sqlite3_bind_int64(st, 6, l->net_weight_g);
    db_bind_text(st, 7, l->gs1);
    db_bind_text(st, 8, l->dl_uri);
    db_bind_text(st, 9, l->template);
    if (l->operator_id > 0)
        sqlite3_bind_int64(st, 10, l->operator_id);
    sqlite3_bind_int64(st, 11, l->created_ms);
    sqlite3_bind_int64(st, 12, l->event_seq);
    rc = db_exec_stmt(db, st, err, "db_label_allocate");
    if (rc == TT_EEXIST)
        tt_err_set(err, rc, "db_label_allocate",
                   "serial %s%s is already used; the counter is behind the labels (database "
                   "restored from an old copy?)",
                   l->serial, l->sscc);
    l->id = rc == 0 ? sqlite3_last_insert_rowid(db->sql) : 0;
    return rc;
}

int
db_label_allocate(struct db *db, const struct db_label_new *req, struct db_label *out,
                  struct tt_err *err)
{
    struct alloc_ctx a;
    struct db_event_info info;
    struct db_write w;
    char subject[32];
    int rc;

    memset(out, 0, sizeof *out);
    if (req == NULL)
        return tt_err_set(err, TT_EUSAGE, __func__, "no label request");
    a.out = out;
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = alloc_check(db, req, &a, err);
    if (rc == 0) {
        out->lot_id = a.lot.id;
        out->product_id = a.prod.id;
        snprintf(out->gtin, sizeof out->gtin, "%s", a.prod.gtin);
        snprintf(out->lot_code, sizeof out->lot_code, "%s", a.lot.code);
        snprintf(out->template, sizeof out->template, "%s",
                 req->template != NULL && *req->template != '\0' ? req->template : a.prod.template);
        out->net_weight_g = req->net_weight_g;
        out->state = DB_LABEL_QUEUED;
        out->operator_id = db->operator_id;
        out->created_ms = db_now_ms(db);
        if (!req->sscc)
            expiry_date(db, &a, out->expiry);
        rc = allocate_serial(db, req, &a, err);
    }
    if (rc == 0)
        rc = label_data(req, &a, err);
    if (rc == 0)
        rc = label_event(db, &a, &info, err);
    if (rc == 0) {
        out->event_seq = info.seq;
        rc = label_insert(db, out, err);
    }
    snprintf(subject, sizeof subject, "%lld", (long long)out->id);
    if (rc == 0)
        rc = db_audit_write(db, "label.allocate", subject, out->gs1, err);
    rc = db_write_end(db, &w, rc, err);
    if (rc != 0) {
        int64_t lot_id = req->lot_id;

        memset(out, 0, sizeof *out);
        out->lot_id = lot_id;
    }
    return rc;
}

static int
transition_ok(enum db_label_state from, enum db_label_state to)
{
    switch (from) {
    case DB_LABEL_QUEUED:
        return to == DB_LABEL_SENT || to == DB_LABEL_PRINTED || to == DB_LABEL_FAILED ||
               to == DB_LABEL_VOID;
    case DB_LABEL_SENT:
        return to == DB_LABEL_PRINTED || to == DB_LABEL_FAILED || to == DB_LABEL_VOID;
    case DB_LABEL_FAILED:
        return to == DB_LABEL_SENT || to == DB_LABEL_VOID;
    case DB_LABEL_PRINTED:
        return to == DB_LABEL_SENT || to == DB_LABEL_VOID;
    default:
        return 0;
    }
}

/* Void: ObjectEvent DELETE decommissioning; reprint: ObjectEvent OBSERVE with the reason. */
static int
mark_event(struct db *db, const struct db_label *l, enum db_label_state to, const char *reason,
           struct tt_err *err)
{
    char epc[128];
    const char *epcs[1] = {epc};
    struct db_event_new ev = {0};
    struct gs1_msg msg;
    int rc = 0;

    if (l->sscc[0] != '\0') {
        snprintf(epc, sizeof epc, "https://id.gs1.org/00/%s", l->sscc);
    } else {
        gs1_msg_init(&msg);
        rc = gs1_msg_add(&msg, "01", l->gtin, err);
        if (rc == 0)
            rc = gs1_msg_add(&msg, "21", l->serial, err);
        if (rc == 0)
            rc = gs1_dl_uri(&msg, NULL, epc, sizeof epc, err);
        if (rc != 0)
            return rc;
    }
    ev.type = DB_EVENT_OBJECT;
    ev.epcs = epcs;
    ev.n_epcs = 1;
    ev.reason = reason;
    if (to == DB_LABEL_VOID) {
        ev.action = DB_ACTION_DELETE;
        ev.biz_step = "decommissioning";
        ev.disposition = "inactive";
    } else {
        ev.action = DB_ACTION_OBSERVE;
        ev.biz_step = "encoding"; /* the identifier written to a new label */
        ev.disposition = "active";
    }
    return db_event_append_locked(db, &ev, NULL, err);
}

static int
mark_update(struct db *db, int64_t id, enum db_label_state to, const struct db_label_mark *m,
            struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "UPDATE labels SET state = ?2, printer = coalesce(?3, printer),"
                               " job_id = coalesce(?4, job_id), reason = coalesce(?5, reason),"
                               " updated_ms = ?6 WHERE id = ?1",
                               err);

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, state_names[to]);
    db_bind_text(st, 3, m != NULL ? m->printer : NULL);
    db_bind_text(st, 4, m != NULL ? m->job_id : NULL);
    db_bind_text(st, 5, m != NULL ? m->reason : NULL);
    sqlite3_bind_int64(st, 6, db_now_ms(db));
    return db_exec_stmt(db, st, err, "db_label_mark");
}

int
db_label_mark(struct db *db, int64_t label_id, enum db_label_state state,
              const struct db_label_mark *m, struct tt_err *err)
{
    const char *reason = m != NULL ? m->reason : NULL;
    struct db_label l;
    struct db_write w;
    char subject[32];
    int rc, reprint;

    if ((unsigned)state > DB_LABEL_VOID)
        return tt_err_set(err, TT_EUSAGE, __func__, "unknown label state");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = db_label_get(db, label_id, &l, err);
    reprint = rc == 0 && l.state == DB_LABEL_PRINTED && state == DB_LABEL_SENT;
    if (rc == 0 && !transition_ok(l.state, state))
        rc = tt_err_set(err, TT_ESTATE, __func__, "label %lld is %s; it cannot become %s",
                        (long long)label_id, state_names[l.state], state_names[state]);
    if (rc == 0 && (state == DB_LABEL_VOID || reprint) && (reason == NULL || *reason == '\0'))
        rc = tt_err_set(err, TT_EINVAL, __func__, "%s a label needs a reason",
                        reprint ? "reprinting" : "voiding");
    if (rc == 0)
        rc = mark_update(db, label_id, state, m, err);
    if (rc == 0 && (state == DB_LABEL_VOID || reprint))
        rc = mark_event(db, &l, state, reason, err);
    snprintf(subject, sizeof subject, "%lld", (long long)label_id);
    if (rc == 0)
        rc = db_audit_write(db, reprint ? "label.reprint" : "label.mark", subject,
                            reason != NULL ? reason : state_names[state], err);
    return db_write_end(db, &w, rc, err);
}

#define LABEL_COLS                                                                                 \
    "SELECT l.id, l.lot_id, t.product_id, l.gtin, t.code, coalesce(l.serial, ''),"                 \
    " coalesce(l.sscc, ''), l.expiry, l.net_weight_g, l.gs1, l.dl_uri, l.template, l.printer,"     \
    " l.job_id, l.state, l.reason, coalesce(l.operator_id, 0), l.created_ms, l.event_seq"          \
    " FROM labels l JOIN lots t ON t.id = l.lot_id"

static void
label_row(sqlite3_stmt *st, void *out)
{
    struct db_label *l = out;
    char state[16];

    l->id = sqlite3_column_int64(st, 0);
    l->lot_id = sqlite3_column_int64(st, 1);
    l->product_id = sqlite3_column_int64(st, 2);
    db_col_text(st, 3, l->gtin, sizeof l->gtin);
    db_col_text(st, 4, l->lot_code, sizeof l->lot_code);
    db_col_text(st, 5, l->serial, sizeof l->serial);
    db_col_text(st, 6, l->sscc, sizeof l->sscc);
    db_col_text(st, 7, l->expiry, sizeof l->expiry);
    l->net_weight_g = sqlite3_column_int64(st, 8);
    db_col_text(st, 9, l->gs1, sizeof l->gs1);
    db_col_text(st, 10, l->dl_uri, sizeof l->dl_uri);
    db_col_text(st, 11, l->template, sizeof l->template);
    db_col_text(st, 12, l->printer, sizeof l->printer);
    db_col_text(st, 13, l->job_id, sizeof l->job_id);
    db_col_text(st, 14, state, sizeof state);
    l->state = state_from(state);
    db_col_text(st, 15, l->reason, sizeof l->reason);
    l->operator_id = sqlite3_column_int64(st, 16);
    l->created_ms = sqlite3_column_int64(st, 17);
    l->event_seq = sqlite3_column_int64(st, 18);
}

int
db_label_get(struct db *db, int64_t id, struct db_label *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, LABEL_COLS " WHERE l.id = ?1", err);

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    return db_read_one(db, st, label_row, out, err, __func__, "a label", "no label with id %lld",
                       (long long)id);
}

int
db_label_list_state(struct db *db, enum db_label_state state,
                    int (*cb)(void *ctx, const struct db_label *l), void *ctx, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, LABEL_COLS " WHERE l.state = ?1 ORDER BY l.id", err);
    struct db_label l;
    int rc, stop = 0;

    if ((unsigned)state > DB_LABEL_VOID)
        return tt_err_set(err, TT_EUSAGE, __func__, "unknown label state");
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, state_names[state]);
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        label_row(st, &l);
        stop = cb(ctx, &l);
    }
    return db_rows_end(db, st, rc, stop, __func__, "labels", err);
}
