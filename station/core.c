/*
 * core.c — the labelling workflow as a state machine (DESIGN.md §2): sign-in,
 * product and lot, weighing with one label per stable placement, printing
 * through effects, reprint and void with a reason, closing a lot, quitting
 * with a manager PIN. Scans, pallets, receiving and totals are in
 * core-scan.c. No curses and no clock here: the time comes with each event.
 */
#include "core-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void core_place_next(struct core *c);

/* One table for every key: the core acts on it and the UI draws hints from it. */
static const struct core_binding bindings[] = {
    {CORE_SCR_SIGNIN, CORE_KEY_ENTER, CORE_ACT_OK},
    {CORE_SCR_SIGNIN, CORE_KEY_F10, CORE_ACT_QUIT},
    {CORE_SCR_RECOVER, CORE_KEY_ENTER, CORE_ACT_REPRINT},
    {CORE_SCR_RECOVER, CORE_KEY_F4, CORE_ACT_VOID},
    {CORE_SCR_RECOVER, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_PRODUCT, CORE_KEY_ENTER, CORE_ACT_OK},
    {CORE_SCR_PRODUCT, CORE_KEY_F5, CORE_ACT_EXPORT},
    {CORE_SCR_PRODUCT, CORE_KEY_F7, CORE_ACT_SUMMARY},
    {CORE_SCR_PRODUCT, CORE_KEY_F9, CORE_ACT_SIGN_OUT},
    {CORE_SCR_PRODUCT, CORE_KEY_F10, CORE_ACT_QUIT},
    {CORE_SCR_LOT, CORE_KEY_ENTER, CORE_ACT_OK},
    {CORE_SCR_LOT, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_LOT, CORE_KEY_F3, CORE_ACT_PLACE},
    {CORE_SCR_WEIGH, CORE_KEY_F1, CORE_ACT_AUTO},
    {CORE_SCR_WEIGH, CORE_KEY_F2, CORE_ACT_PRINT},
    {CORE_SCR_WEIGH, CORE_KEY_ENTER, CORE_ACT_PRINT},
    {CORE_SCR_WEIGH, CORE_KEY_F3, CORE_ACT_REPRINT},
    {CORE_SCR_WEIGH, CORE_KEY_F4, CORE_ACT_VOID},
    {CORE_SCR_WEIGH, CORE_KEY_F5, CORE_ACT_PALLET},
    {CORE_SCR_WEIGH, CORE_KEY_F6, CORE_ACT_RECEIVE},
    {CORE_SCR_WEIGH, CORE_KEY_F7, CORE_ACT_SUMMARY},
    {CORE_SCR_WEIGH, CORE_KEY_F8, CORE_ACT_CLOSE_LOT},
    {CORE_SCR_WEIGH, CORE_KEY_F9, CORE_ACT_SIGN_OUT},
    {CORE_SCR_WEIGH, CORE_KEY_F10, CORE_ACT_QUIT},
    {CORE_SCR_WEIGH, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_REASON, CORE_KEY_ENTER, CORE_ACT_OK},
    {CORE_SCR_REASON, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_PALLET, CORE_KEY_F2, CORE_ACT_FINISH},
    {CORE_SCR_PALLET, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_RECEIVE, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_SUMMARY, CORE_KEY_F5, CORE_ACT_EXPORT},
    {CORE_SCR_SUMMARY, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_QUIT, CORE_KEY_ENTER, CORE_ACT_OK},
    {CORE_SCR_QUIT, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_CONFIRM, CORE_KEY_ENTER, CORE_ACT_OK},
    {CORE_SCR_CONFIRM, CORE_KEY_ESC, CORE_ACT_BACK},
    {CORE_SCR_COUNT, CORE_KEY_NONE, CORE_ACT_NONE},
};

/* Reasons offered for a reprint or a void; stored in English, shown translated. */
static const char *const reasons[] = {
    "label damaged",
    "printer jam",
    "scan-back failed",
    "wrong weight or product",
    "other",
    "not printed before a restart", /* not offered: used by the recovery screen */
};
#define N_REASONS_OFFERED 5
#define REASON_RESTART    5

const struct core_binding *
core_bindings(void)
{
    return bindings;
}

void
core_config_default(struct core_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->scan_back = 1;
    cfg->min_grams = 20;
    cfg->zero_grams = 10;
    cfg->change_grams = 20;
    cfg->job_timeout_ms = 20000;
}

void
core_format_kg(int64_t grams_milli, char *out, size_t out_len)
{
    int64_t g = grams_milli < 0 ? -grams_milli : grams_milli;

    g = (g + 500) / 1000; /* to whole grams */
    snprintf(out, out_len, "%s%" PRId64 ".%03" PRId64, grams_milli < 0 ? "-" : "", g / 1000,
             g % 1000);
}

/* ---- small helpers ------------------------------------------------------ */

void
core_copy(char *dst, size_t size, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;

    if (n >= size) { /* cut at a UTF-8 character boundary */
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void
core_msg(struct core *c, enum core_msg m, enum core_level lvl, const char *detail)
{
    c->v.msg = m;
    c->v.level = lvl;
    core_copy(c->v.msg_detail, sizeof c->v.msg_detail, detail != NULL ? detail : "");
    /* Errors stay until something else is said; news fades after a while. */
    c->msg_until_ms = lvl >= CORE_LVL_WARN ? 0 : c->now_ms + 6000;
    if (lvl == CORE_LVL_ERROR)
        core_push_fx(c, CORE_FX_BEEP, 0, 1);
}

void
core_store_fail(struct core *c, const struct tt_err *err)
{
    core_msg(c, CORE_MSG_STORE_ERROR, CORE_LVL_ERROR, err != NULL ? err->msg : "");
}

void
core_push_fx(struct core *c, enum core_fx_kind kind, int64_t label_id, int arg)
{
    struct core_fx *fx;

    if (c->n_fx == CORE_FX_MAX) /* a driver that never drains: drop the oldest beep-like noise */
        return;
    fx = &c->fx[(c->fx_head + c->n_fx) % CORE_FX_MAX];
    fx->kind = kind;
    fx->label_id = label_id;
    fx->arg = arg;
    c->n_fx++;
}

int
core_next_fx(struct core *c, struct core_fx *out)
{
    if (c->n_fx == 0)
        return 0;
    *out = c->fx[c->fx_head];
    c->fx_head = (c->fx_head + 1) % CORE_FX_MAX;
    c->n_fx--;
    return 1;
}

static void
items_clear(struct core *c)
{
    c->v.n_items = 0;
    c->v.sel = 0;
}

struct core_item *
core_item_add(struct core *c, int64_t id, const char *text, const char *right)
{
    struct core_item *it;

    if (c->v.n_items == CORE_ITEMS_MAX)
        return NULL;
    it = &c->v.items[c->v.n_items++];
    memset(it, 0, sizeof *it);
    it->id = id;
    core_copy(it->text, sizeof it->text, text);
    core_copy(it->right, sizeof it->right, right != NULL ? right : "");
    return it;
}

static void
input_clear(struct core *c)
{
    c->v.input[0] = '\0';
    c->v.input2[0] = '\0';
    c->v.field = 0;
}

static const char *
product_name(const struct core *c, const struct db_product *p)
{
    return c->cfg.lang_en && p->name_en[0] != '\0' ? p->name_en : p->name_vi;
}

/* "YYYY-MM-DD" of now in the station's time zone. */
static void
today(const struct core *c, char out[11])
{
    int64_t days = (c->now_ms + (int64_t)c->settings.tz_minutes * 60000) / 86400000;
    /* civil_from_days (H. Hinnant's algorithm), valid for any day after 1970 */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);

    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* ---- screens: entering each one loads its list ----------------------------- */

static int
add_operator(void *ctx, const struct db_operator *op)
{
    struct core *c = ctx;
    static const char *const roles[] = {"operator", "manager", "trainer"};

    if (op->active)
        core_item_add(c, op->id, op->name, roles[op->role <= DB_ROLE_TRAINER ? op->role : 0]);
    return 0;
}

static int
add_product(void *ctx, const struct db_product *p)
{
    struct core *c = ctx;

    if (p->active)
        core_item_add(c, p->id, product_name(c, p), p->gtin);
    return 0;
}

static int
add_lot(void *ctx, const struct db_lot *l)
{
    struct core *c = ctx;

    if (l->product_id == c->product.id && !l->closed)
        core_item_add(c, l->id, l->code, l->harvest_from);
    return 0;
}

void
core_go(struct core *c, enum core_screen s)
{
    struct tt_err err = {0};
    int rc = 0;

    c->v.screen = s;
    c->v.input_secret = 0;
    items_clear(c);
    input_clear(c);
    switch (s) {
    case CORE_SCR_SIGNIN:
        c->v.input_secret = 1;
        rc = db_operator_list(c->db, add_operator, c, &err);
        break;
    case CORE_SCR_QUIT:
        c->v.input_secret = 1;
        break;
    case CORE_SCR_RECOVER:
        core_recover_load(c);
        break;
    case CORE_SCR_PRODUCT:
        rc = db_product_list(c->db, add_product, c, &err);
        break;
    case CORE_SCR_LOT:
        core_item_add(c, 0, "", NULL); /* row 0: a new lot, with the typed code and date */
        rc = db_lot_list(c->db, 1, add_lot, c, &err);
        today(c, c->v.input2);
        c->v.place_id = 0;
        core_place_next(c);
        break;
    case CORE_SCR_REASON:
        for (size_t i = 0; i < N_REASONS_OFFERED; i++)
            core_item_add(c, (int64_t)i, reasons[i], NULL);
        break;
    case CORE_SCR_PALLET:
        core_pallet_enter(c);
        break;
    case CORE_SCR_RECEIVE:
        core_receive_enter(c);
        break;
    case CORE_SCR_SUMMARY:
        core_summary_enter(c);
        break;
    default:
        break;
    }
    if (rc != 0)
        core_store_fail(c, &err);
}

/* ---- sign-in, quit ----------------------------------------------------------- */

static void
choose_lot(struct core *c, const struct db_lot *lot)
{
    struct tt_err err = {0};
    char id[24];

    c->lot = *lot;
    c->has_lot = 1;
    core_copy(c->v.lot_code, sizeof c->v.lot_code, lot->code);
    c->v.lot_id = lot->id;
    c->placed_mg = -1;
    snprintf(id, sizeof id, "%" PRId64, lot->id);
    /* Remembered so that a restart after a crash comes back to this lot. */
    if (db_audit_add(c->db, "kiosk.lot", id, lot->code, &err) != 0)
        core_store_fail(c, &err);
    core_go(c, CORE_SCR_WEIGH);
}

static void
choose_product(struct core *c, const struct db_product *p)
{
    c->product = *p;
    core_copy(c->v.product_name, sizeof c->v.product_name, product_name(c, p));
    core_copy(c->v.gtin, sizeof c->v.gtin, p->gtin);
    c->has_lot = 0;
    c->v.lot_code[0] = '\0';
    c->v.lot_id = 0;
}

static int
find_last_lot(void *ctx, const struct db_audit_row *row)
{
    int64_t *id = ctx;

    if (strcmp(row->action, "kiosk.lot") == 0)
        *id = strtoll(row->subject, NULL, 10);
    return 0;
}

/* After sign-in: unfinished labels first, then the lot of the last session if open. */
static void
after_signin(struct core *c)
{
    struct db_lot lot;
    struct db_product p;
    int64_t lot_id = 0;

    if (!c->has_lot && db_audit_list(c->db, 0, find_last_lot, &lot_id, NULL) == 0 && lot_id > 0 &&
        db_lot_get(c->db, lot_id, &lot, NULL) == 0 && !lot.closed &&
        db_product_get(c->db, lot.product_id, &p, NULL) == 0) {
        choose_product(c, &p);
        choose_lot(c, &lot);
    }
    core_go(c, CORE_SCR_RECOVER);
    if (c->v.n_items > 0)
        return;
    core_go(c, c->has_lot ? CORE_SCR_WEIGH : CORE_SCR_PRODUCT);
}

static void
do_signin(struct core *c)
{
    struct tt_err err = {0};
    const struct core_item *it;

    if (c->v.n_items == 0)
        return;
    it = &c->v.items[c->v.sel];
    if (strlen(c->v.input) < CORE_PIN_MIN) {
        core_msg(c, CORE_MSG_PIN_SHORT, CORE_LVL_WARN, NULL);
        return;
    }
    if (db_operator_check_pin(c->db, it->id, c->v.input, &err) != 0 ||
        db_operator_get(c->db, it->id, &c->op, &err) != 0) {
        c->v.input[0] = '\0';
        core_msg(c, CORE_MSG_PIN_WRONG, CORE_LVL_WARN, NULL);
        return;
    }
    db_set_operator(c->db, c->op.id);
    db_audit_add(c->db, "kiosk.signin", c->op.name, "", NULL);
    core_copy(c->v.operator_name, sizeof c->v.operator_name, c->op.name);
    c->v.role = (int)c->op.role;
    core_msg(c, CORE_MSG_WELCOME, CORE_LVL_OK, c->op.name);
    after_signin(c);
}

static void
sign_out(struct core *c)
{
    db_audit_add(c->db, "kiosk.signout", c->op.name, "", NULL);
    db_set_operator(c->db, 0);
    memset(&c->op, 0, sizeof c->op);
    c->v.operator_name[0] = '\0';
    c->v.role = -1;
    core_go(c, CORE_SCR_SIGNIN);
}

struct pin_try {
    struct core *c;
    const char *pin;
    int ok;
};

static int
try_manager(void *ctx, const struct db_operator *op)
{
    struct pin_try *t = ctx;

    if (op->active && op->role == DB_ROLE_MANAGER &&
        db_operator_check_pin(t->c->db, op->id, t->pin, NULL) == 0) {
        t->ok = 1;
        return 1;
    }
    return 0;
}

static int
do_quit(struct core *c)
{
    struct pin_try t = {c, c->v.input, 0};

    db_operator_list(c->db, try_manager, &t, NULL);
    c->v.input[0] = '\0';
    if (!t.ok) {
        core_msg(c, CORE_MSG_PIN_WRONG, CORE_LVL_WARN, NULL);
        return CORE_REDRAW;
    }
    db_audit_add(c->db, "kiosk.quit", "", "", NULL);
    core_push_fx(c, CORE_FX_QUIT, 0, 0);
    return CORE_REDRAW | CORE_QUIT;
}

/* ---- lots ------------------------------------------------------------------- */

/* Walks the farms and plots to find the one after `after` (the first when none follows). */
struct place_walk {
    int64_t after;
    int seen_after;
    struct db_place first, next;
};

static int
next_place(void *ctx, const struct db_place *p)
{
    struct place_walk *w = ctx;

    if (p->kind != DB_PLACE_PLOT && p->kind != DB_PLACE_FARM)
        return 0;
    if (w->first.id == 0)
        w->first = *p;
    if (w->seen_after && w->next.id == 0)
        w->next = *p;
    if (p->id == w->after)
        w->seen_after = 1;
    return 0;
}

/* The lot screen offers the first farm/plot; F3 moves on to the next one. */
static void
core_place_next(struct core *c)
{
    struct place_walk w;

    memset(&w, 0, sizeof w);
    w.after = c->v.place_id;
    db_place_list(c->db, next_place, &w, NULL);
    if (w.next.id == 0)
        w.next = w.first;
    c->v.place_id = w.next.id;
    core_copy(c->v.place_name, sizeof c->v.place_name, w.next.name);
}

static void
do_lot(struct core *c)
{
    struct tt_err err = {0};
    struct db_lot req, lot;

    if (c->v.n_items == 0)
        return;
    if (c->v.sel > 0) {
        if (db_lot_get(c->db, c->v.items[c->v.sel].id, &lot, &err) != 0) {
            core_store_fail(c, &err);
            return;
        }
        choose_lot(c, &lot);
        return;
    }
    memset(&req, 0, sizeof req);
    req.product_id = c->product.id;
    core_copy(req.code, sizeof req.code, c->v.input);
    core_copy(req.harvest_from, sizeof req.harvest_from, c->v.input2);
    req.operator_id = c->op.id;
    req.place_id = c->v.place_id;
    if (db_lot_open(c->db, &req, &lot, &err) != 0) {
        core_msg(c, err.code == TT_ESTATE ? CORE_MSG_DEMO_GTIN : CORE_MSG_LOT_BAD, CORE_LVL_WARN,
                 err.msg);
        return;
    }
    choose_lot(c, &lot);
    core_msg(c, CORE_MSG_LOT_OPENED, CORE_LVL_OK, lot.code);
}

static void
do_close_lot(struct core *c)
{
    struct tt_err err = {0};

    if (db_lot_close(c->db, c->lot.id, &err) != 0) {
        core_store_fail(c, &err);
        core_go(c, CORE_SCR_WEIGH);
        return;
    }
    core_msg(c, CORE_MSG_LOT_CLOSED, CORE_LVL_OK, c->lot.code);
    c->has_lot = 0;
    c->v.lot_code[0] = '\0';
    c->v.lot_id = 0;
    core_go(c, CORE_SCR_PRODUCT);
}

/* ---- printing ------------------------------------------------------------------ */

int
core_label_send(struct core *c, int64_t label_id)
{
    core_push_fx(c, CORE_FX_PRINT, label_id, 0);
    c->job_label_id = label_id;
    c->job_since_ms = c->now_ms;
    c->job_warned = 0;
    return 0;
}

static void
set_last(struct core *c, const struct db_label *l)
{
    c->v.last = *l;
    c->v.has_last = 1;
}

static void
do_print(struct core *c)
{
    struct tt_err err = {0};
    struct db_label_new req = {0};
    struct db_label l;
    int64_t mg = c->v.grams_milli;

    if (!c->has_lot) {
        core_msg(c, CORE_MSG_NO_LOT, CORE_LVL_WARN, NULL);
        return;
    }
    if (c->product.variable) {
        if (c->v.wstate != CORE_W_STABLE) {
            core_msg(c, CORE_MSG_NOT_STABLE, CORE_LVL_WARN, NULL);
            return;
        }
        if (mg < c->cfg.min_grams * 1000) {
            core_msg(c, CORE_MSG_TOO_LIGHT, CORE_LVL_WARN, NULL);
            return;
        }
        if (c->placed_mg >= 0) {
            core_msg(c, CORE_MSG_REMOVE_FIRST, CORE_LVL_WARN, NULL);
            return;
        }
        req.net_weight_g = (mg + 500) / 1000;
    }
    req.lot_id = c->lot.id;
    if (db_label_allocate(c->db, &req, &l, &err) != 0) {
        core_msg(c, err.code == TT_ESTATE ? CORE_MSG_DEMO_GTIN : CORE_MSG_STORE_ERROR,
                 CORE_LVL_ERROR, err.msg);
        return;
    }
    /* The placement has its label even if the printer fails: a reprint, never a new serial. */
    c->placed_mg = c->product.variable ? mg : -1;
    c->v.armed = 0;
    c->v.labelled = c->product.variable;
    set_last(c, &l);
    core_label_send(c, l.id);
    core_msg(c, CORE_MSG_QUEUED, CORE_LVL_INFO, l.serial[0] ? l.serial : l.sscc);
}

/* Reprint or void of c->pend_label_id with reasons[reason]. */
static void
do_reason(struct core *c, size_t reason)
{
    struct tt_err err = {0};
    struct db_label l;
    struct db_label_mark m = {0};
    int rc;

    m.reason = reasons[reason];
    rc = db_label_get(c->db, c->pend_label_id, &l, &err);
    if (rc == 0 && c->v.pending == CORE_PEND_VOID) {
        rc = db_label_mark(c->db, l.id, DB_LABEL_VOID, &m, &err);
        if (rc == 0)
            core_msg(c, CORE_MSG_VOIDED, CORE_LVL_OK, l.serial[0] ? l.serial : l.sscc);
    } else if (rc == 0) {
        /* A job whose outcome was lost (crash while sent) is failed first, then sent again. */
        if (l.state == DB_LABEL_SENT)
            rc = db_label_mark(c->db, l.id, DB_LABEL_FAILED, &m, &err);
        if (rc == 0)
            rc = db_label_mark(c->db, l.id, DB_LABEL_SENT, &m, &err);
        if (rc == 0) {
            core_label_send(c, l.id);
            core_msg(c, CORE_MSG_REPRINTING, CORE_LVL_INFO, l.serial[0] ? l.serial : l.sscc);
        }
    }
    if (rc != 0)
        core_store_fail(c, &err);
    else if (db_label_get(c->db, l.id, &l, NULL) == 0 && c->v.has_last && c->v.last.id == l.id)
        set_last(c, &l);
    c->v.pending = CORE_PEND_NONE;
    core_go(c, c->back_to);
    for (int i = 0; c->back_to == CORE_SCR_RECOVER && i < c->v.n_items; i++)
        if (c->v.items[i].id == l.id) { /* dealt with, even while its job is still out */
            memmove(&c->v.items[i], &c->v.items[i + 1],
                    sizeof c->v.items[0] * (size_t)(c->v.n_items - i - 1));
            c->v.n_items--;
        }
    if (c->back_to == CORE_SCR_RECOVER && c->v.n_items == 0)
        core_go(c, c->has_lot ? CORE_SCR_WEIGH : CORE_SCR_PRODUCT);
}

static void
ask_reason(struct core *c, enum core_pending what, int64_t label_id)
{
    if (label_id <= 0) {
        core_msg(c, CORE_MSG_NO_LABEL, CORE_LVL_WARN, NULL);
        return;
    }
    c->back_to = c->v.screen;
    c->pend_label_id = label_id;
    core_go(c, CORE_SCR_REASON);
    c->v.pending = what;
}

static void
job_update(struct core *c, const struct core_event *ev)
{
    struct tt_err err = {0};
    struct db_label_mark m = {ev->u.job.printer, ev->u.job.job_id, NULL};
    struct db_label l;
    enum db_label_state to;
    int rc;

    if (db_label_get(c->db, ev->u.job.label_id, &l, &err) != 0) {
        core_store_fail(c, &err);
        return;
    }
    to = ev->u.job.state == CORE_JOB_SENT      ? DB_LABEL_SENT
         : ev->u.job.state == CORE_JOB_PRINTED ? DB_LABEL_PRINTED
                                               : DB_LABEL_FAILED;
    if (l.state == to || l.state == DB_LABEL_VOID)
        return; /* a repeated update, or voided meanwhile */
    rc = db_label_mark(c->db, l.id, to, &m, &err);
    if (rc != 0) {
        core_store_fail(c, &err);
        return;
    }
    db_label_get(c->db, l.id, &l, NULL);
    if (c->v.has_last && c->v.last.id == l.id)
        set_last(c, &l);
    if (l.id == c->job_label_id && to != DB_LABEL_SENT)
        c->job_label_id = 0;
    if (to == DB_LABEL_PRINTED) {
        c->v.dev[CORE_DEV_PRINTER] = CORE_DEV_OK;
        if (l.reason[0] == '\0') { /* first print: counts; a reprint does not */
            c->v.shift_labels++;
            c->v.shift_grams += l.net_weight_g;
        }
        if (l.sscc[0] != '\0')
            core_pallet_printed(c, l.id);
        else if (c->cfg.scan_back)
            core_wait_add(c, &l);
        core_msg(c, CORE_MSG_PRINTED, CORE_LVL_OK, l.serial[0] ? l.serial : l.sscc);
    } else if (to == DB_LABEL_FAILED) {
        enum core_dev_state why = ev->u.job.why;
        char detail[CORE_TEXT_MAX];

        snprintf(detail, sizeof detail, "%s %.100s", l.serial[0] ? l.serial : l.sscc,
                 ev->u.job.detail != NULL ? ev->u.job.detail : "");
        if (why != CORE_DEV_NONE && why != CORE_DEV_OK)
            c->v.dev[CORE_DEV_PRINTER] = why;
        core_msg(c,
                 why == CORE_DEV_PAPER_OUT ? CORE_MSG_PAPER_OUT
                 : why == CORE_DEV_GONE    ? CORE_MSG_PRINTER_GONE
                 : why == CORE_DEV_STOPPED ? CORE_MSG_PRINTER_STOPPED
                                           : CORE_MSG_PRINT_FAILED,
                 CORE_LVL_ERROR, detail);
    }
}

/* ---- weight ------------------------------------------------------------------ */

static void
weight_update(struct core *c, const struct core_event *ev)
{
    int64_t mg = ev->u.weight.grams_milli;
    enum core_weight_state st = ev->u.weight.state;
    int64_t d;

    c->v.wstate = st;
    c->v.grams_milli = mg;
    if (c->v.dev[CORE_DEV_SCALE] != CORE_DEV_OK) {
        c->v.dev[CORE_DEV_SCALE] = CORE_DEV_OK;
        if (c->v.msg == CORE_MSG_SCALE_GONE)
            core_msg(c, CORE_MSG_NONE, CORE_LVL_INFO, NULL);
    }
    if (st == CORE_W_OVER && c->v.msg != CORE_MSG_SCALE_OVER)
        core_msg(c, CORE_MSG_SCALE_OVER, CORE_LVL_WARN, NULL);
    if (st == CORE_W_FAULT && c->v.msg != CORE_MSG_SCALE_FAULT)
        core_msg(c, CORE_MSG_SCALE_FAULT, CORE_LVL_ERROR, NULL);
    /* The placement ends when the scale is emptied, or settles at another weight. */
    if (mg <= c->cfg.zero_grams * 1000 || st == CORE_W_UNDER)
        c->placed_mg = -1;
    if (st == CORE_W_STABLE && c->placed_mg >= 0) {
        d = mg - c->placed_mg;
        if (d > c->cfg.change_grams * 1000 || d < -c->cfg.change_grams * 1000)
            c->placed_mg = -1;
    }
    c->v.labelled = c->placed_mg >= 0;
    c->v.armed = st == CORE_W_STABLE && mg >= c->cfg.min_grams * 1000 && c->placed_mg < 0 &&
                 c->has_lot && c->product.variable;
    if (c->v.armed && c->v.auto_print && c->v.screen == CORE_SCR_WEIGH)
        do_print(c);
}

static void
device_update(struct core *c, const struct core_event *ev)
{
    static const enum core_msg gone[CORE_DEV_COUNT] = {CORE_MSG_SCALE_GONE, CORE_MSG_SCANNER_GONE,
                                                       CORE_MSG_PRINTER_GONE};
    enum core_device d = ev->u.device.dev;
    enum core_dev_state s = ev->u.device.state;

    if ((unsigned)d >= CORE_DEV_COUNT || c->v.dev[d] == s)
        return;
    c->v.dev[d] = s;
    if (s == CORE_DEV_GONE) {
        core_msg(c, gone[d], CORE_LVL_ERROR, NULL);
        if (d == CORE_DEV_SCALE) {
            c->v.wstate = CORE_W_NONE;
            c->v.armed = 0;
        }
    } else if (s == CORE_DEV_PAPER_OUT) {
        core_msg(c, CORE_MSG_PAPER_OUT, CORE_LVL_ERROR, NULL);
    } else if (s == CORE_DEV_STOPPED) {
        core_msg(c, CORE_MSG_PRINTER_STOPPED, CORE_LVL_ERROR, NULL);
    } else if (s == CORE_DEV_OK && c->v.level == CORE_LVL_ERROR) {
        core_msg(c, CORE_MSG_NONE, CORE_LVL_INFO, NULL);
    }
}

static void
tick(struct core *c)
{
    if (c->msg_until_ms != 0 && c->now_ms >= c->msg_until_ms) {
        c->v.msg = CORE_MSG_NONE;
        c->v.msg_detail[0] = '\0';
        c->msg_until_ms = 0;
        if (!c->exporting)
            c->v.export_bar[0] = '\0'; /* the bar goes with the news of the export */
    }
    if (c->job_label_id != 0 && !c->job_warned &&
        c->now_ms - c->job_since_ms >= c->cfg.job_timeout_ms) {
        c->job_warned = 1;
        core_msg(c, CORE_MSG_PRINTER_SLOW, CORE_LVL_WARN, NULL);
    }
}

/* ---- export to the USB stick --------------------------------------------------- */

/* What the operator is told when the export stopped, from the exporter's reason. */
static enum core_msg
export_failed_msg(const struct core_event *ev)
{
    if (ev->u.export.code == TT_EDEVICE || ev->u.export.why == PROGRESS_E_NOSTICK)
        return CORE_MSG_EXPORT_NO_STICK;
    switch (ev->u.export.why) {
    case PROGRESS_E_IO:
        return CORE_MSG_EXPORT_PULLED;
    case PROGRESS_E_ROFS:
        return CORE_MSG_EXPORT_READ_ONLY;
    case PROGRESS_E_NOSPC:
        return CORE_MSG_EXPORT_FULL;
    case PROGRESS_E_NOKEY:
        return CORE_MSG_EXPORT_NO_KEY;
    default:
        return CORE_MSG_EXPORT_FAILED;
    }
}

static void
export_ended(struct core *c, const struct core_event *ev)
{
    static const enum core_msg done[] = {[PROGRESS_KEPT] = CORE_MSG_EXPORTED,
                                         [PROGRESS_UNMOUNTED] = CORE_MSG_EXPORTED_UNMOUNTED,
                                         [PROGRESS_EJECTED] = CORE_MSG_EXPORTED_EJECTED};
    enum progress_release r = ev->u.export.release;

    c->exporting = 0;
    if (ev->u.export.code != 0) {
        /* The reason replaces the bar: it is what the operator must act on. */
        c->v.export_bar[0] = '\0';
        core_msg(c, export_failed_msg(ev), CORE_LVL_ERROR, ev->u.export.detail);
        return;
    }
    progress_bar(1, 1, CORE_BAR_CELLS, c->v.export_bar, sizeof c->v.export_bar);
    core_msg(c, (size_t)r < sizeof done / sizeof done[0] ? done[r] : CORE_MSG_EXPORTED, CORE_LVL_OK,
             ev->u.export.detail);
}

/* ---- keys -------------------------------------------------------------------- */

static int
allowed(struct core *c, enum core_action a)
{
    /* Voiding and closing a lot change the record: managers only. */
    if ((a == CORE_ACT_VOID || a == CORE_ACT_CLOSE_LOT) && c->op.role != DB_ROLE_MANAGER) {
        core_msg(c, CORE_MSG_NOT_ALLOWED, CORE_LVL_WARN, NULL);
        return 0;
    }
    return 1;
}

static int
do_back(struct core *c)
{
    switch (c->v.screen) {
    case CORE_SCR_RECOVER:
    case CORE_SCR_PALLET:
    case CORE_SCR_RECEIVE:
    case CORE_SCR_SUMMARY:
        core_go(c, c->has_lot ? CORE_SCR_WEIGH : CORE_SCR_PRODUCT);
        break;
    case CORE_SCR_LOT:
    case CORE_SCR_WEIGH:
        core_go(c, CORE_SCR_PRODUCT);
        break;
    case CORE_SCR_REASON:
    case CORE_SCR_CONFIRM:
    case CORE_SCR_QUIT:
        c->v.pending = CORE_PEND_NONE;
        core_go(c, c->back_to);
        break;
    default:
        break;
    }
    return CORE_REDRAW;
}

static int
do_ok(struct core *c)
{
    switch (c->v.screen) {
    case CORE_SCR_SIGNIN:
        do_signin(c);
        break;
    case CORE_SCR_PRODUCT:
        if (c->v.n_items > 0) {
            struct db_product p;
            struct tt_err err = {0};

            if (db_product_get(c->db, c->v.items[c->v.sel].id, &p, &err) != 0) {
                core_store_fail(c, &err);
                break;
            }
            choose_product(c, &p);
            core_go(c, CORE_SCR_LOT);
        }
        break;
    case CORE_SCR_LOT:
        do_lot(c);
        break;
    case CORE_SCR_REASON:
        if (c->v.n_items > 0)
            do_reason(c, (size_t)c->v.items[c->v.sel].id);
        break;
    case CORE_SCR_CONFIRM:
        if (c->v.pending == CORE_PEND_CLOSE_LOT) {
            c->v.pending = CORE_PEND_NONE;
            do_close_lot(c);
        }
        break;
    case CORE_SCR_QUIT:
        return do_quit(c);
    default:
        break;
    }
    return CORE_REDRAW;
}

static int
do_action(struct core *c, enum core_action a)
{
    int64_t sel_id = c->v.n_items > 0 ? c->v.items[c->v.sel].id : 0;

    if (!allowed(c, a))
        return CORE_REDRAW;
    switch (a) {
    case CORE_ACT_OK:
        return do_ok(c);
    case CORE_ACT_BACK:
        return do_back(c);
    case CORE_ACT_PRINT:
        do_print(c);
        break;
    case CORE_ACT_REPRINT:
        if (c->v.screen == CORE_SCR_RECOVER) {
            c->v.pending = CORE_PEND_REPRINT;
            c->pend_label_id = sel_id;
            c->back_to = CORE_SCR_RECOVER;
            do_reason(c, REASON_RESTART);
        } else {
            ask_reason(c, CORE_PEND_REPRINT, c->v.has_last ? c->v.last.id : 0);
        }
        break;
    case CORE_ACT_VOID:
        ask_reason(c, CORE_PEND_VOID,
                   c->v.screen == CORE_SCR_RECOVER ? sel_id : (c->v.has_last ? c->v.last.id : 0));
        break;
    case CORE_ACT_PALLET:
        core_go(c, CORE_SCR_PALLET);
        break;
    case CORE_ACT_RECEIVE:
        core_go(c, CORE_SCR_RECEIVE);
        break;
    case CORE_ACT_SUMMARY:
        core_go(c, CORE_SCR_SUMMARY);
        break;
    case CORE_ACT_CLOSE_LOT:
        c->back_to = c->v.screen;
        core_go(c, CORE_SCR_CONFIRM);
        c->v.pending = CORE_PEND_CLOSE_LOT;
        break;
    case CORE_ACT_SIGN_OUT:
        sign_out(c);
        break;
    case CORE_ACT_QUIT:
        c->back_to = c->v.screen;
        core_go(c, CORE_SCR_QUIT);
        break;
    case CORE_ACT_AUTO:
        c->v.auto_print = !c->v.auto_print;
        break;
    case CORE_ACT_ZERO:
        core_push_fx(c, CORE_FX_ZERO, 0, 0);
        break;
    case CORE_ACT_FINISH:
        core_pallet_finish(c);
        break;
    case CORE_ACT_PLACE:
        core_place_next(c);
        break;
    case CORE_ACT_EXPORT:
        if (c->exporting)
            break; /* one export at a time */
        c->exporting = 1;
        db_audit_add(c->db, "kiosk.export", "", "", NULL);
        core_push_fx(c, CORE_FX_EXPORT, 0, 0);
        core_msg(c, CORE_MSG_EXPORTING, CORE_LVL_WARN, NULL);
        progress_bar(0, 1, CORE_BAR_CELLS, c->v.export_bar, sizeof c->v.export_bar);
        break;
    default:
        break;
    }
    return CORE_REDRAW;
}

/* Typing: digits for PINs, lot codes and dates, scans typed or wedged in. */
static void
type_char(struct core *c, uint32_t ch)
{
    char *buf = c->v.field == 1 ? c->v.input2 : c->v.input;
    size_t n = strlen(buf);

    if (ch < 0x20 || ch > 0x7e || n + 1 >= CORE_INPUT_MAX)
        return; /* GS1 data, PINs and lot codes are ASCII */
    if ((c->v.screen == CORE_SCR_SIGNIN || c->v.screen == CORE_SCR_QUIT) && (ch < '0' || ch > '9'))
        return;
    if (c->v.screen == CORE_SCR_LOT && c->v.sel != 0)
        c->v.sel = 0; /* typing starts a new lot */
    buf[n] = (char)ch;
    buf[n + 1] = '\0';
}

static int
handle_key(struct core *c, enum core_key key, uint32_t ch)
{
    char *buf = c->v.field == 1 ? c->v.input2 : c->v.input;
    int text = c->v.screen == CORE_SCR_WEIGH || c->v.screen == CORE_SCR_PALLET ||
               c->v.screen == CORE_SCR_RECEIVE;

    /* Enter after typed text on a scanning screen is a scan (keyboard-wedge scanners). */
    if (key == CORE_KEY_ENTER && text && c->v.input[0] != '\0') {
        char data[CORE_INPUT_MAX];

        core_copy(data, sizeof data, c->v.input);
        c->v.input[0] = '\0';
        core_scan_event(c, data, strlen(data));
        return CORE_REDRAW;
    }
    for (const struct core_binding *b = bindings; b->key != CORE_KEY_NONE; b++)
        if (b->screen == c->v.screen && b->key == key)
            return do_action(c, b->action);
    switch (key) {
    case CORE_KEY_CHAR:
        type_char(c, ch);
        break;
    case CORE_KEY_BACKSPACE:
        if (buf[0] != '\0')
            buf[strlen(buf) - 1] = '\0';
        break;
    case CORE_KEY_UP:
        if (c->v.sel > 0)
            c->v.sel--;
        break;
    case CORE_KEY_DOWN:
        if (c->v.sel + 1 < c->v.n_items)
            c->v.sel++;
        break;
    case CORE_KEY_TAB:
        if (c->v.screen == CORE_SCR_LOT)
            c->v.field = !c->v.field;
        break;
    default:
        return CORE_HANDLED;
    }
    return CORE_REDRAW;
}

/* ---- life cycle ------------------------------------------------------------------ */

static int64_t
core_clock(void *ctx)
{
    const struct core *c = ctx;

    return c->now_ms;
}

int
core_new(struct db *db, const struct core_config *cfg, int64_t now_ms, struct core **out,
         struct tt_err *err)
{
    struct core *c;
    struct db_clock_state clk;
    int rc;

    *out = NULL;
    c = xcalloc(1, sizeof *c);
    c->db = db;
    if (cfg != NULL)
        c->cfg = *cfg;
    else
        core_config_default(&c->cfg);
    c->now_ms = now_ms;
    c->placed_mg = -1;
    c->v.role = -1;
    c->v.demo = c->cfg.demo;
    c->v.lang_en = c->cfg.lang_en;
    c->v.auto_print = c->cfg.auto_print;
    c->v.min_grams = c->cfg.min_grams;
    c->v.clock_ok = 1;
    rc = db_settings_get(db, &c->settings, err);
    if (rc != 0) {
        free(c);
        return rc;
    }
    db_set_clock(db, core_clock, c);
    if (db_clock_check(db, &clk, NULL) == 0 && !clk.ok) {
        c->v.clock_ok = 0;
        core_msg(c, CORE_MSG_CLOCK_WRONG, CORE_LVL_WARN, NULL);
    }
    if (db_safe_mode(db)) /* damaged file opened read-only: say so before anything fails */
        core_msg(c, CORE_MSG_STORE_ERROR, CORE_LVL_ERROR, db_safe_mode_reason(db));
    core_go(c, CORE_SCR_SIGNIN);
    *out = c;
    return 0;
}

void
core_free(struct core *c)
{
    if (c == NULL)
        return;
    db_set_clock(c->db, NULL, NULL);
    free(c);
}

const struct core_view *
core_view(const struct core *c)
{
    return &c->v;
}

int
core_handle(struct core *c, const struct core_event *ev)
{
    if (ev->now_ms > 0)
        c->now_ms = ev->now_ms;
    c->v.n_waiting_scan = c->n_wait;
    switch (ev->kind) {
    case CORE_EV_KEY: {
        int r = handle_key(c, ev->u.key.key, ev->u.key.ch);

        c->v.n_waiting_scan = c->n_wait;
        return r;
    }
    case CORE_EV_WEIGHT:
        weight_update(c, ev);
        break;
    case CORE_EV_SCAN:
        core_scan_event(c, ev->u.scan.data, ev->u.scan.len);
        break;
    case CORE_EV_JOB:
        job_update(c, ev);
        break;
    case CORE_EV_DEVICE:
        device_update(c, ev);
        break;
    case CORE_EV_TICK:
        tick(c);
        break;
    case CORE_EV_EXPORT:
        export_ended(c, ev);
        break;
    case CORE_EV_EXPORT_PROGRESS:
        if (c->exporting)
            progress_bar(ev->u.export.done, ev->u.export.total, CORE_BAR_CELLS, c->v.export_bar,
                         sizeof c->v.export_bar);
        break;
    }
    c->v.n_waiting_scan = c->n_wait;
    return CORE_REDRAW;
}
