/*
 * core-scan.c — the scanning half of the workflow (DESIGN.md §2 steps 3-5):
 * scan-back verification of printed labels, building a pallet (cases →
 * SSCC label + AggregationEvent packing), receiving incoming goods
 * (ObjectEvent receiving, explained), the recovery list after a crash and
 * the daily totals.
 */
#include "core-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gs1/gs1.h"

/* ---- helpers -------------------------------------------------------------- */

/* 1 when both messages hold the same AIs with the same values (order aside). */
static int
msg_same(const struct gs1_msg *a, const struct gs1_msg *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const char *v = gs1_msg_get(b, a->el[i].ai);

        if (v == NULL || strcmp(v, a->el[i].value) != 0)
            return 0;
    }
    return 1;
}

/* The DL URI of one key (+ its qualifier) of msg: 00, or 01+21, or 01+10. */
static int
key_uri(const struct gs1_msg *msg, const char *ai1, const char *ai2, char *out, size_t len)
{
    struct gs1_msg k;
    const char *v1 = gs1_msg_get(msg, ai1), *v2 = ai2 != NULL ? gs1_msg_get(msg, ai2) : NULL;

    if (v1 == NULL || (ai2 != NULL && v2 == NULL))
        return TT_ENOTFOUND;
    gs1_msg_init(&k);
    if (gs1_msg_add(&k, ai1, v1, NULL) != 0 || (v2 != NULL && gs1_msg_add(&k, ai2, v2, NULL) != 0))
        return TT_EINVAL;
    return gs1_dl_uri(&k, NULL, out, len, NULL);
}

static int
parse_scan(struct core *c, const char *data, size_t len, struct gs1_msg *msg)
{
    struct tt_err err = {0};

    if (gs1_parse(data, len, msg, &err) != 0) {
        core_msg(c, CORE_MSG_SCAN_INVALID, CORE_LVL_WARN, err.msg);
        return -1;
    }
    return 0;
}

/* ---- scan-back --------------------------------------------------------------- */

void
core_wait_add(struct core *c, const struct db_label *l)
{
    for (int i = 0; i < c->n_wait; i++)
        if (c->wait[i].label_id == l->id)
            return;                   /* a reprint of a label already waiting */
    if (c->n_wait == CORE_WAIT_MAX) { /* nobody scans: forget the oldest */
        memmove(&c->wait[0], &c->wait[1], sizeof c->wait[0] * (CORE_WAIT_MAX - 1));
        c->n_wait--;
    }
    c->wait[c->n_wait].label_id = l->id;
    core_copy(c->wait[c->n_wait].gs1, sizeof c->wait[0].gs1, l->gs1);
    c->n_wait++;
}

static void
wait_remove(struct core *c, int i)
{
    memmove(&c->wait[i], &c->wait[i + 1], sizeof c->wait[0] * (size_t)(c->n_wait - i - 1));
    c->n_wait--;
}

/*
 * The scanned label is the waiting one with the same GTIN and serial, else
 * the oldest waiting one (the label the operator should have in hand). Its
 * AIs must equal what was sent; otherwise the label is flagged.
 */
static void
scan_back(struct core *c, const struct gs1_msg *got, const char *data)
{
    struct gs1_msg sent;
    struct db_label l;
    char id[24], detail[600];
    int i, found = -1;

    for (i = 0; i < c->n_wait && found < 0; i++) {
        const char *g = gs1_msg_get(got, "01"), *s = gs1_msg_get(got, "21");

        if (gs1_parse(c->wait[i].gs1, strlen(c->wait[i].gs1), &sent, NULL) != 0)
            continue;
        if (g != NULL && s != NULL && gs1_msg_get(&sent, "01") != NULL &&
            strcmp(g, gs1_msg_get(&sent, "01")) == 0 && gs1_msg_get(&sent, "21") != NULL &&
            strcmp(s, gs1_msg_get(&sent, "21")) == 0)
            found = i;
    }
    if (found < 0)
        found = 0;
    if (gs1_parse(c->wait[found].gs1, strlen(c->wait[found].gs1), &sent, NULL) != 0)
        memset(&sent, 0, sizeof sent);
    snprintf(id, sizeof id, "%" PRId64, c->wait[found].label_id);
    if (db_label_get(c->db, c->wait[found].label_id, &l, NULL) == 0) {
        c->v.last = l; /* F3/F4 now act on the label in hand */
        c->v.has_last = 1;
    }
    if (msg_same(&sent, got)) {
        db_audit_add(c->db, "label.verified", id, c->wait[found].gs1, NULL);
        core_msg(c, CORE_MSG_SCAN_OK, CORE_LVL_OK, l.serial);
    } else {
        snprintf(detail, sizeof detail, "sent %s scanned %.300s", c->wait[found].gs1, data);
        db_audit_add(c->db, "label.mismatch", id, detail, NULL);
        core_msg(c, CORE_MSG_SCAN_MISMATCH, CORE_LVL_ERROR, c->wait[found].gs1);
    }
    wait_remove(c, found);
}

/* ---- pallet ---------------------------------------------------------------------- */

static void
pallet_list(struct core *c)
{
    c->v.n_items = 0;
    for (int i = 0; i < c->n_cases; i++)
        core_item_add(c, i + 1, c->cases[i], NULL);
    c->v.sel = c->v.n_items > 0 ? c->v.n_items - 1 : 0;
}

void
core_pallet_enter(struct core *c)
{
    pallet_list(c);
}

/* Net weight in grams from AI 310n (kg with n decimals), 0 when absent. */
static int64_t
msg_grams(const struct gs1_msg *msg)
{
    for (size_t i = 0; i < msg->n; i++) {
        const char *ai = msg->el[i].ai;
        int64_t v;
        int n;

        if (strncmp(ai, "310", 3) != 0 || ai[3] < '0' || ai[3] > '5')
            continue;
        v = strtoll(msg->el[i].value, NULL, 10);
        for (n = ai[3] - '0'; n > 3; n--)
            v /= 10;
        for (; n < 3; n++)
            v *= 10;
        return v;
    }
    return 0;
}

static void
pallet_scan(struct core *c, const struct gs1_msg *msg)
{
    char uri[128];

    if (key_uri(msg, "01", "21", uri, sizeof uri) != 0) {
        core_msg(c, CORE_MSG_CASE_NOT_ITEM, CORE_LVL_WARN, NULL);
        return;
    }
    for (int i = 0; i < c->n_cases; i++)
        if (strcmp(c->cases[i], uri) == 0) {
            core_msg(c, CORE_MSG_CASE_TWICE, CORE_LVL_WARN, uri);
            return;
        }
    if (c->n_cases == CORE_CASES_MAX) {
        core_msg(c, CORE_MSG_NOT_ALLOWED, CORE_LVL_WARN, NULL);
        return;
    }
    core_copy(c->cases[c->n_cases++], sizeof c->cases[0], uri);
    c->pallet_grams += msg_grams(msg);
    pallet_list(c);
    core_msg(c, CORE_MSG_CASE_ADDED, CORE_LVL_OK, uri);
}

/*
 * The SSCC comes from the store in the same transaction as its label row;
 * the AggregationEvent follows at once, because the cases are physically
 * on the pallet now, whatever happens to the printer.
 */
int
core_pallet_finish(struct core *c)
{
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_event_new ev = {0};
    const char *epcs[CORE_CASES_MAX];
    char parent[64];
    struct db_label l;

    if (!c->has_lot) {
        core_msg(c, CORE_MSG_NO_LOT, CORE_LVL_WARN, NULL);
        return TT_ESTATE;
    }
    if (c->n_cases == 0) {
        core_msg(c, CORE_MSG_PALLET_EMPTY, CORE_LVL_WARN, NULL);
        return TT_ESTATE;
    }
    req.lot_id = c->lot.id;
    req.sscc = 1;
    req.net_weight_g = c->product.variable ? c->pallet_grams : 0;
    req.template = "pallet-100x150";
    if (db_label_allocate(c->db, &req, &l, &err) != 0) {
        core_store_fail(c, &err);
        return err.code;
    }
    for (int i = 0; i < c->n_cases; i++)
        epcs[i] = c->cases[i];
    snprintf(parent, sizeof parent, "https://id.gs1.org/00/%s", l.sscc);
    ev.type = DB_EVENT_AGGREGATION;
    ev.action = DB_ACTION_ADD;
    ev.biz_step = "packing";
    ev.disposition = "in_progress";
    ev.parent_id = parent;
    ev.epcs = epcs;
    ev.n_epcs = (size_t)c->n_cases;
    if (db_event_append(c->db, &ev, NULL, &err) != 0) {
        core_store_fail(c, &err);
        return err.code;
    }
    c->v.last = l;
    c->v.has_last = 1;
    c->pallet_label_id = l.id;
    c->n_cases = 0;
    c->pallet_grams = 0;
    pallet_list(c);
    core_label_send(c, l.id);
    core_msg(c, CORE_MSG_PALLET_DONE, CORE_LVL_OK, l.sscc);
    return 0;
}

void
core_pallet_printed(struct core *c, int64_t label_id)
{
    if (label_id == c->pallet_label_id)
        c->pallet_label_id = 0;
}

/* ---- receiving ------------------------------------------------------------------- */

void
core_receive_enter(struct core *c)
{
    c->v.n_items = 0;
}

static void
receive_scan(struct core *c, const struct gs1_msg *msg)
{
    struct tt_err err = {0};
    struct db_event_new ev = {0};
    struct db_quantity q = {0};
    char uri[128], cls[128];
    const char *epc = uri;

    /* Each element as (AI, value); the UI explains it in the user's words. */
    c->v.n_items = 0;
    for (size_t i = 0; i < msg->n; i++)
        core_item_add(c, (int64_t)i, msg->el[i].ai, msg->el[i].value);
    ev.type = DB_EVENT_OBJECT;
    ev.action = DB_ACTION_OBSERVE;
    ev.biz_step = "receiving";
    ev.disposition = "in_progress";
    if (key_uri(msg, "00", NULL, uri, sizeof uri) == 0 ||
        key_uri(msg, "01", "21", uri, sizeof uri) == 0) {
        ev.epcs = &epc;
        ev.n_epcs = 1;
    } else if (key_uri(msg, "01", "10", cls, sizeof cls) == 0 ||
               key_uri(msg, "01", NULL, cls, sizeof cls) == 0) {
        q.epc_class = cls;
        ev.quantities = &q;
        ev.n_quantities = 1;
    } else {
        core_msg(c, CORE_MSG_CASE_NOT_ITEM, CORE_LVL_WARN, NULL);
        return;
    }
    if (db_event_append(c->db, &ev, NULL, &err) != 0) {
        core_store_fail(c, &err);
        return;
    }
    core_msg(c, CORE_MSG_RECEIVED, CORE_LVL_OK, ev.n_epcs ? uri : cls);
}

/* ---- every scan comes here ----------------------------------------------------------- */

void
core_scan_event(struct core *c, const char *data, size_t len)
{
    struct gs1_msg msg;
    char copy[600];

    if (c->v.dev[CORE_DEV_SCANNER] == CORE_DEV_GONE || c->v.dev[CORE_DEV_SCANNER] == CORE_DEV_NONE)
        c->v.dev[CORE_DEV_SCANNER] = CORE_DEV_OK;
    if (c->v.role < 0)
        return; /* nobody signed in: scans are ignored */
    snprintf(copy, sizeof copy, "%.*s", (int)(len < 599 ? len : 599), data);
    if (parse_scan(c, data, len, &msg) != 0)
        return;
    switch (c->v.screen) {
    case CORE_SCR_PALLET:
        pallet_scan(c, &msg);
        break;
    case CORE_SCR_RECEIVE:
        receive_scan(c, &msg);
        break;
    default:
        if (c->n_wait > 0)
            scan_back(c, &msg, copy);
        else
            core_msg(c, CORE_MSG_SCAN_UNKNOWN, CORE_LVL_WARN, copy);
        break;
    }
}

/* ---- recovery after a crash --------------------------------------------------------------- */

static int
add_unfinished(void *ctx, const struct db_label *l)
{
    struct core *c = ctx;
    char text[CORE_TEXT_MAX];
    struct core_item *it;

    snprintf(text, sizeof text, "%s %s", l->serial[0] ? l->serial : l->sscc, l->lot_code);
    it = core_item_add(c, l->id, text, db_label_state_name(l->state));
    if (it != NULL)
        it->flag = 1;
    return 0;
}

void
core_recover_load(struct core *c)
{
    struct tt_err err = {0};

    c->v.n_items = 0;
    if (db_label_list_state(c->db, DB_LABEL_QUEUED, add_unfinished, c, &err) != 0 ||
        db_label_list_state(c->db, DB_LABEL_SENT, add_unfinished, c, &err) != 0 ||
        db_label_list_state(c->db, DB_LABEL_FAILED, add_unfinished, c, &err) != 0)
        core_store_fail(c, &err);
}

/* ---- daily totals ------------------------------------------------------------------------- */

static int64_t
days_from_civil(int y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t days, char out[11])
{
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;

    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(yoe + era * 400 + (m <= 2)) % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u);
}

struct sum_ctx {
    struct db *db;
    struct core_summary *s;
    int64_t first_day;
    int tz_minutes;
    int lang_en;
    int64_t ids[CORE_PRODUCTS_MAX];
};

static int
sum_label(void *ctx, const struct db_label *l)
{
    struct sum_ctx *x = ctx;
    struct core_summary *s = x->s;
    int64_t day = (l->created_ms + (int64_t)x->tz_minutes * 60000) / 86400000 - x->first_day;
    int p;

    if (day < 0 || day >= s->n_days || l->sscc[0] != '\0')
        return 0;
    for (p = 0; p < s->n_products && x->ids[p] != l->product_id; p++)
        ;
    if (p == s->n_products) {
        struct db_product prod;

        if (p == CORE_PRODUCTS_MAX)
            return 0; /* more products than the chart shows */
        x->ids[p] = l->product_id;
        if (db_product_get(x->db, l->product_id, &prod, NULL) == 0)
            core_copy(s->product[p], sizeof s->product[p],
                      x->lang_en && prod.name_en[0] ? prod.name_en : prod.name_vi);
        else
            core_copy(s->product[p], sizeof s->product[p], l->gtin);
        s->n_products++;
    }
    s->grams[p][day] += l->net_weight_g;
    s->labels[p][day]++;
    return 0;
}

int
core_summary_load(struct db *db, const char *day, int n_days, int64_t now_ms, int lang_en,
                  struct core_summary *out, struct tt_err *err)
{
    struct db_settings st;
    struct sum_ctx x = {0};
    int64_t last;
    int y, m, d, rc;

    memset(out, 0, sizeof *out);
    if (n_days < 1 || n_days > CORE_DAYS)
        n_days = CORE_DAYS;
    rc = db_settings_get(db, &st, err);
    if (rc != 0)
        return rc;
    if (day != NULL) {
        if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
            return tt_err_set(err, TT_EINVAL, "core_summary_load", "'%s' is not YYYY-MM-DD", day);
        last = days_from_civil(y, m, d);
    } else {
        last = (now_ms + (int64_t)st.tz_minutes * 60000) / 86400000;
    }
    out->n_days = n_days;
    for (int i = 0; i < n_days; i++)
        civil_from_days(last - n_days + 1 + i, out->day[i]);
    x.db = db;
    x.s = out;
    x.first_day = last - n_days + 1;
    x.tz_minutes = st.tz_minutes;
    x.lang_en = lang_en;
    rc = db_label_list_state(db, DB_LABEL_PRINTED, sum_label, &x, err);
    if (rc == 0)
        rc = db_label_list_state(db, DB_LABEL_SENT, sum_label, &x, err);
    return rc;
}

void
core_summary_enter(struct core *c)
{
    struct tt_err err = {0};

    if (core_summary_load(c->db, NULL, CORE_DAYS, c->now_ms, c->cfg.lang_en, &c->v.summary, &err) !=
        0)
        core_store_fail(c, &err);
}
