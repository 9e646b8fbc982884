/*
 * test_station_core.c — the workflow state machine driven through whole
 * shifts by events, without a terminal or a clock, against a real store
 * (a temporary SQLite file with the demo cooperative). Each test checks
 * what the store holds afterwards: labels, their states and serials,
 * events and audit rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../db/db.h"
#include "../../station/core.h"

#define OK(x) assert_int_equal((x), 0)

struct t {
    char dir[64];
    char path[128];
    struct db *db;
    struct core *core;
    struct core_config cfg;
    int64_t now;
    int64_t printed[128]; /* label ids the fake printer completed */
    int n_printed;
    int answer_jobs; /* 0: the printer never answers (power cut) */
    unsigned seed;
};

static struct t *
t_new(void)
{
    struct t *t = calloc(1, sizeof *t);
    struct tt_err err = {0};

    assert_non_null(t);
    snprintf(t->dir, sizeof t->dir, "/tmp/tt-core-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/station.db", t->dir);
    OK(db_open(t->path, DB_OPEN_CREATE, &t->db, &err));
    if (db_demo_load(t->db, "data/demo", &err) != 0)
        fail_msg("demo data: %s", err.msg);
    t->now = 1795650000000LL; /* 2026-11-25, after the build's time floor */
    t->answer_jobs = 1;
    t->seed = 7;
    core_config_default(&t->cfg);
    OK(core_new(t->db, &t->cfg, t->now, &t->core, &err));
    return t;
}

static void
t_restart(struct t *t)
{
    struct tt_err err = {0};

    core_free(t->core);
    db_close(t->db);
    OK(db_open(t->path, 0, &t->db, &err));
    OK(core_new(t->db, &t->cfg, t->now, &t->core, &err));
}

static void
t_free(struct t *t)
{
    char cmd[128];

    core_free(t->core);
    db_close(t->db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
    free(t);
}

static const struct core_view *
V(struct t *t)
{
    return core_view(t->core);
}

/* Runs the effects the way the kiosk driver does: the printer completes each job. */
static int
drain(struct t *t)
{
    struct core_fx fx;
    int quit = 0;

    while (core_next_fx(t->core, &fx)) {
        if (fx.kind == CORE_FX_QUIT)
            quit = 1;
        if (fx.kind != CORE_FX_PRINT || !t->answer_jobs)
            continue;
        struct core_event ev = {.kind = CORE_EV_JOB, .now_ms = t->now};
        char job[32];

        snprintf(job, sizeof job, "test-%lld", (long long)fx.label_id);
        ev.u.job.label_id = fx.label_id;
        ev.u.job.state = CORE_JOB_SENT;
        ev.u.job.printer = "file:/tmp/x";
        ev.u.job.job_id = job;
        core_handle(t->core, &ev);
        ev.u.job.state = CORE_JOB_PRINTED;
        core_handle(t->core, &ev);
        if (t->n_printed < 128)
            t->printed[t->n_printed++] = fx.label_id;
    }
    return quit;
}

static int
key(struct t *t, enum core_key k)
{
    struct core_event ev = {.kind = CORE_EV_KEY};
    int r;

    t->now += 300;
    ev.now_ms = t->now;
    ev.u.key.key = k;
    r = core_handle(t->core, &ev);
    return r | (drain(t) ? CORE_QUIT : 0);
}

static void
type(struct t *t, const char *s)
{
    for (; *s; s++) {
        struct core_event ev = {.kind = CORE_EV_KEY, .now_ms = t->now};

        ev.u.key.key = CORE_KEY_CHAR;
        ev.u.key.ch = (unsigned char)*s;
        core_handle(t->core, &ev);
    }
}

static void
weigh(struct t *t, enum core_weight_state st, int64_t mg)
{
    struct core_event ev = {.kind = CORE_EV_WEIGHT};

    t->now += 100;
    ev.now_ms = t->now;
    ev.u.weight.state = st;
    ev.u.weight.grams_milli = mg;
    core_handle(t->core, &ev);
    drain(t);
}

static void
scan(struct t *t, const char *data)
{
    struct core_event ev = {.kind = CORE_EV_SCAN, .now_ms = t->now};

    ev.u.scan.data = data;
    ev.u.scan.len = strlen(data);
    core_handle(t->core, &ev);
    drain(t);
}

static int
rnd(struct t *t, int n)
{
    t->seed = t->seed * 1103515245u + 12345u;
    return (int)((t->seed >> 16) % (unsigned)n);
}

/* Signs in operator number `who` (0: the demo manager) and opens a new lot of product 0. */
static void
sign_in(struct t *t, int who, const char *pin)
{
    assert_int_equal(V(t)->screen, CORE_SCR_SIGNIN);
    for (int i = 0; i < who; i++)
        key(t, CORE_KEY_DOWN);
    type(t, pin);
    key(t, CORE_KEY_ENTER);
}

static void
open_lot(struct t *t)
{
    assert_int_equal(V(t)->screen, CORE_SCR_PRODUCT);
    assert_true(V(t)->n_items >= 1);
    key(t, CORE_KEY_ENTER); /* the first product: a weighed one (pomelo) */
    assert_int_equal(V(t)->screen, CORE_SCR_LOT);
    key(t, CORE_KEY_ENTER); /* row 0: a new lot with a generated code */
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    assert_true(V(t)->lot_id > 0);
    assert_true(strlen(V(t)->lot_code) > 0);
}

/* A placement: motion with noise, then stable readings that wobble within tolerance. */
static void
place(struct t *t, int64_t mg)
{
    for (int i = 0; i < 4; i++)
        weigh(t, CORE_W_MOTION, mg + (rnd(t, 400000) - 200000));
    for (int i = 0; i < 3; i++)
        weigh(t, CORE_W_STABLE, mg + (rnd(t, 10000) - 5000));
}

static void
empty_scale(struct t *t)
{
    weigh(t, CORE_W_MOTION, 300000);
    weigh(t, CORE_W_STABLE, 0);
}

struct count {
    enum db_label_state state;
    int n;
    char serials[128][21];
};

static int
count_label(void *ctx, const struct db_label *l)
{
    struct count *c = ctx;

    if (c->n < 128)
        memcpy(c->serials[c->n], l->serial, sizeof c->serials[0]);
    c->n++;
    return 0;
}

static int
n_labels(struct t *t, enum db_label_state s)
{
    struct count c = {.state = s};

    OK(db_label_list_state(t->db, s, count_label, &c, NULL));
    return c.n;
}

struct ev_count {
    const char *type, *step;
    int n;
};

static int
count_event(void *ctx, const struct db_event_row *row)
{
    struct ev_count *c = ctx;

    if ((c->type == NULL || strcmp(row->type, c->type) == 0) &&
        (c->step == NULL || strcmp(row->biz_step, c->step) == 0))
        c->n++;
    return 0;
}

static int
n_events(struct t *t, const char *type, const char *step)
{
    struct ev_count c = {type, step, 0};

    OK(db_events_after(t->db, 0, 0, count_event, &c, NULL));
    return c.n;
}

struct audit_count {
    const char *action;
    int n;
};

static int
count_audit(void *ctx, const struct db_audit_row *row)
{
    struct audit_count *c = ctx;

    if (strcmp(row->action, c->action) == 0)
        c->n++;
    return 0;
}

static int
n_audit(struct t *t, const char *action)
{
    struct audit_count c = {action, 0};

    OK(db_audit_list(t->db, 0, count_audit, &c, NULL));
    return c.n;
}

/* ---- tests ---------------------------------------------------------------- */

static void
whole_shift_fifty_weighings(void **state)
{
    struct t *t = t_new();
    struct count printed = {0};
    struct db_label l, lab[50];
    int commissioning_before;

    (void)state;
    sign_in(t, 0, "1234");
    open_lot(t);
    commissioning_before = n_events(t, "ObjectEvent", "commissioning");
    for (int i = 0; i < 50; i++) {
        int64_t mg = 800000 + rnd(t, 2000000); /* 0.8 – 2.8 kg */

        place(t, mg);
        assert_true(V(t)->armed);
        key(t, CORE_KEY_F2);
        assert_true(V(t)->has_last);
        lab[i] = V(t)->last;
        /* Still on the scale and stable: no second label for this placement. */
        weigh(t, CORE_W_STABLE, mg + 3000);
        key(t, CORE_KEY_F2);
        assert_int_equal(V(t)->msg, CORE_MSG_REMOVE_FIRST);
        assert_int_equal(V(t)->last.id, lab[i].id);
        /* Scan the label back; the 17th comes back with another weight (misprint). */
        if (i == 16) {
            char bad[256];
            char *w = strstr(lab[i].gs1, "(3103)");

            assert_non_null(w);
            snprintf(bad, sizeof bad, "%.*s(3103)000001%s", (int)(w - lab[i].gs1), lab[i].gs1,
                     w + 12);
            scan(t, bad);
            assert_int_equal(V(t)->msg, CORE_MSG_SCAN_MISMATCH);
        } else {
            scan(t, lab[i].gs1);
            assert_int_equal(V(t)->msg, CORE_MSG_SCAN_OK);
        }
        empty_scale(t);
    }
    assert_int_equal(t->n_printed, 50);
    OK(db_label_list_state(t->db, DB_LABEL_PRINTED, count_label, &printed, NULL));
    assert_int_equal(printed.n, 50);
    for (int i = 0; i < 50; i++) /* serials 1..50, each once */
        for (int j = i + 1; j < 50; j++)
            assert_string_not_equal(printed.serials[i], printed.serials[j]);
    assert_int_equal(n_events(t, "ObjectEvent", "commissioning") - commissioning_before, 50);
    assert_int_equal(n_audit(t, "label.verified"), 49);
    assert_int_equal(n_audit(t, "label.mismatch"), 1);
    assert_int_equal(V(t)->shift_labels, 50);

    /* Reprint the mismatching label with a reason. */
    scan(t, lab[20].gs1); /* nothing waits any more: unknown */
    assert_int_equal(V(t)->msg, CORE_MSG_SCAN_UNKNOWN);
    key(t, CORE_KEY_F3);
    assert_int_equal(V(t)->screen, CORE_SCR_REASON);
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    assert_int_equal(t->printed[t->n_printed - 1], lab[49].id);
    OK(db_label_get(t->db, lab[49].id, &l, NULL));
    assert_int_equal(l.state, DB_LABEL_PRINTED);
    assert_string_equal(l.reason, "label damaged");
    assert_int_equal(n_events(t, "ObjectEvent", "commissioning") - commissioning_before, 50);
    assert_int_equal(V(t)->shift_labels, 50); /* a reprint is not a new item */

    /* Void it (the manager may). */
    key(t, CORE_KEY_F4);
    assert_int_equal(V(t)->screen, CORE_SCR_REASON);
    key(t, CORE_KEY_DOWN);
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->msg, CORE_MSG_VOIDED);
    OK(db_label_get(t->db, lab[49].id, &l, NULL));
    assert_int_equal(l.state, DB_LABEL_VOID);
    assert_string_equal(l.reason, "printer jam");
    assert_int_equal(n_labels(t, DB_LABEL_VOID), 1);
    assert_int_equal(n_events(t, "ObjectEvent", "decommissioning"), 1);

    /* A pallet of three cases: SSCC label + AggregationEvent packing. */
    key(t, CORE_KEY_F5);
    assert_int_equal(V(t)->screen, CORE_SCR_PALLET);
    scan(t, lab[0].gs1);
    scan(t, lab[1].gs1);
    scan(t, lab[1].gs1);
    assert_int_equal(V(t)->msg, CORE_MSG_CASE_TWICE);
    scan(t, lab[2].gs1);
    assert_int_equal(V(t)->n_items, 3);
    key(t, CORE_KEY_F2);
    if (V(t)->msg != CORE_MSG_PRINTED)
        fail_msg("pallet: msg %d %s", V(t)->msg, V(t)->msg_detail);
    OK(db_label_get(t->db, t->printed[t->n_printed - 1], &l, NULL));
    assert_int_equal(strlen(l.sscc), 18);
    assert_int_equal(l.state, DB_LABEL_PRINTED);
    assert_int_equal(n_events(t, "AggregationEvent", "packing"), 1);
    key(t, CORE_KEY_ESC);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);

    /* Daily totals: 50 items today, less the void one. */
    key(t, CORE_KEY_F7);
    assert_int_equal(V(t)->screen, CORE_SCR_SUMMARY);
    assert_int_equal(V(t)->summary.n_products, 1);
    assert_int_equal(V(t)->summary.labels[0][CORE_DAYS - 1], 49);
    t_free(t);
}

static void
auto_print_once_per_placement(void **state)
{
    struct t *t = t_new();

    (void)state;
    t->cfg.auto_print = 1;
    t_restart(t);
    sign_in(t, 1, "2468"); /* an operator */
    open_lot(t);
    assert_int_equal(V(t)->auto_print, 1);
    place(t, 1500000);
    assert_int_equal(t->n_printed, 1);
    for (int i = 0; i < 20; i++) /* it stays there, wobbling a little */
        weigh(t, i % 3 ? CORE_W_STABLE : CORE_W_MOTION, 1500000 + (i % 5) * 2000);
    assert_int_equal(t->n_printed, 1);
    /* Something is added: a different, new placement. */
    place(t, 2600000);
    assert_int_equal(t->n_printed, 2);
    /* Below the minimum: nothing. */
    empty_scale(t);
    place(t, 5000);
    assert_int_equal(t->n_printed, 2);
    /* Motion never prints. */
    empty_scale(t);
    for (int i = 0; i < 10; i++)
        weigh(t, CORE_W_MOTION, 900000 + i * 10000);
    assert_int_equal(t->n_printed, 2);
    assert_int_equal(n_labels(t, DB_LABEL_PRINTED), 2);
    /* An operator may not void. */
    key(t, CORE_KEY_F4);
    assert_int_equal(V(t)->msg, CORE_MSG_NOT_ALLOWED);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    t_free(t);
}

static void
manual_print_needs_stable_weight(void **state)
{
    struct t *t = t_new();

    (void)state;
    sign_in(t, 0, "1234");
    open_lot(t);
    weigh(t, CORE_W_MOTION, 1200000);
    key(t, CORE_KEY_F2);
    assert_int_equal(V(t)->msg, CORE_MSG_NOT_STABLE);
    weigh(t, CORE_W_STABLE, 8000);
    key(t, CORE_KEY_F2);
    assert_int_equal(V(t)->msg, CORE_MSG_TOO_LIGHT);
    assert_int_equal(n_labels(t, DB_LABEL_QUEUED) + n_labels(t, DB_LABEL_PRINTED), 0);
    t_free(t);
}

/* kill -9 between allocation and the printer's answer: restart offers the label again. */
static void
crash_restart_offers_queued_label(void **state)
{
    struct t *t = t_new();
    struct db_label before, after, next;
    int64_t lot_id;

    (void)state;
    sign_in(t, 1, "2468");
    open_lot(t);
    lot_id = V(t)->lot_id;
    t->answer_jobs = 0;
    place(t, 1100000);
    key(t, CORE_KEY_F2);
    before = V(t)->last;
    assert_int_equal(before.state, DB_LABEL_QUEUED);
    assert_int_equal(n_labels(t, DB_LABEL_QUEUED), 1);
    t_restart(t); /* the process died; the store survived */
    t->answer_jobs = 1;
    sign_in(t, 1, "2468");
    assert_int_equal(V(t)->screen, CORE_SCR_RECOVER);
    assert_int_equal(V(t)->n_items, 1);
    assert_int_equal(V(t)->items[0].id, before.id);
    assert_int_equal(V(t)->lot_id, lot_id); /* back on the same lot */
    key(t, CORE_KEY_ENTER);                 /* reprint it */
    assert_int_equal(t->printed[t->n_printed - 1], before.id);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    OK(db_label_get(t->db, before.id, &after, NULL));
    assert_int_equal(after.state, DB_LABEL_PRINTED);
    assert_string_equal(after.serial, before.serial);
    /* The next label gets a new serial: none is reused. */
    empty_scale(t);
    place(t, 1300000);
    key(t, CORE_KEY_F2);
    next = V(t)->last;
    assert_int_not_equal(next.id, before.id);
    assert_string_not_equal(next.serial, before.serial);
    assert_int_equal(atoll(next.serial) > atoll(before.serial), 1);
    t_free(t);
}

static void
quit_needs_manager_pin(void **state)
{
    struct t *t = t_new();

    (void)state;
    assert_int_equal(key(t, CORE_KEY_F10) & CORE_QUIT, 0);
    assert_int_equal(V(t)->screen, CORE_SCR_QUIT);
    type(t, "2468"); /* an operator's PIN is not enough */
    assert_int_equal(key(t, CORE_KEY_ENTER) & CORE_QUIT, 0);
    assert_int_equal(V(t)->msg, CORE_MSG_PIN_WRONG);
    key(t, CORE_KEY_ESC);
    assert_int_equal(V(t)->screen, CORE_SCR_SIGNIN);
    key(t, CORE_KEY_F10);
    type(t, "1234");
    assert_int_not_equal(key(t, CORE_KEY_ENTER) & CORE_QUIT, 0);
    assert_int_equal(n_audit(t, "kiosk.quit"), 1);
    t_free(t);
}

static void
wrong_pin_and_sign_out(void **state)
{
    struct t *t = t_new();

    (void)state;
    sign_in(t, 0, "9999");
    assert_int_equal(V(t)->screen, CORE_SCR_SIGNIN);
    assert_int_equal(V(t)->msg, CORE_MSG_PIN_WRONG);
    type(t, "12");
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->msg, CORE_MSG_PIN_SHORT);
    type(t, "34");
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_PRODUCT);
    assert_string_equal(V(t)->operator_name, "Lê Thị Hoa");
    key(t, CORE_KEY_F9);
    assert_int_equal(V(t)->screen, CORE_SCR_SIGNIN);
    assert_int_equal(V(t)->role, -1);
    t_free(t);
}

static void
receiving_explains_and_records(void **state)
{
    struct t *t = t_new();
    int before;

    (void)state;
    sign_in(t, 0, "1234");
    key(t, CORE_KEY_ENTER);
    key(t, CORE_KEY_ENTER); /* a lot: receiving needs none, but it is a normal path */
    key(t, CORE_KEY_F6);
    assert_int_equal(V(t)->screen, CORE_SCR_RECEIVE);
    before = n_events(t, "ObjectEvent", "receiving");
    scan(t, "]C1010952893000005710ABC123\x1d"
            "17271231");
    assert_int_equal(V(t)->msg, CORE_MSG_RECEIVED);
    assert_int_equal(V(t)->n_items, 3);
    assert_string_equal(V(t)->items[1].text, "10");
    assert_string_equal(V(t)->items[1].right, "ABC123");
    assert_int_equal(n_events(t, "ObjectEvent", "receiving"), before + 1);
    scan(t, "not a barcode");
    assert_int_equal(V(t)->msg, CORE_MSG_SCAN_INVALID);
    assert_int_equal(n_events(t, "ObjectEvent", "receiving"), before + 1);
    t_free(t);
}

static void
printer_failure_is_told_and_kept(void **state)
{
    struct t *t = t_new();
    struct core_event ev = {.kind = CORE_EV_JOB};
    struct db_label l;

    (void)state;
    sign_in(t, 0, "1234");
    open_lot(t);
    t->answer_jobs = 0;
    place(t, 1000000);
    key(t, CORE_KEY_F2);
    ev.now_ms = t->now;
    ev.u.job.label_id = V(t)->last.id;
    ev.u.job.state = CORE_JOB_FAILED;
    ev.u.job.why = CORE_DEV_PAPER_OUT;
    core_handle(t->core, &ev);
    assert_int_equal(V(t)->msg, CORE_MSG_PAPER_OUT);
    assert_int_equal(V(t)->dev[CORE_DEV_PRINTER], CORE_DEV_PAPER_OUT);
    OK(db_label_get(t->db, ev.u.job.label_id, &l, NULL));
    assert_int_equal(l.state, DB_LABEL_FAILED);
    /* Paper back in: reprint the same label, same serial. */
    t->answer_jobs = 1;
    key(t, CORE_KEY_F3);
    key(t, CORE_KEY_ENTER);
    OK(db_label_get(t->db, ev.u.job.label_id, &l, NULL));
    assert_int_equal(l.state, DB_LABEL_PRINTED);
    assert_int_equal(n_labels(t, DB_LABEL_PRINTED), 1);
    t_free(t);
}

static void
device(struct t *t, enum core_device d, enum core_dev_state s)
{
    struct core_event ev = {.kind = CORE_EV_DEVICE, .now_ms = t->now};

    ev.u.device.dev = d;
    ev.u.device.state = s;
    core_handle(t->core, &ev);
}

static void
tick(struct t *t, int64_t ms)
{
    struct core_event ev = {.kind = CORE_EV_TICK};

    t->now += ms;
    ev.now_ms = t->now;
    core_handle(t->core, &ev);
}

static void
devices_are_told_in_words(void **state)
{
    struct t *t = t_new();

    (void)state;
    sign_in(t, 0, "1234");
    open_lot(t);
    device(t, CORE_DEV_SCALE, CORE_DEV_GONE);
    assert_int_equal(V(t)->msg, CORE_MSG_SCALE_GONE);
    assert_int_equal(V(t)->level, CORE_LVL_ERROR);
    assert_int_equal(V(t)->wstate, CORE_W_NONE);
    key(t, CORE_KEY_F2);
    assert_int_equal(V(t)->msg, CORE_MSG_NOT_STABLE);
    weigh(t, CORE_W_STABLE, 0); /* it is back */
    assert_int_equal(V(t)->dev[CORE_DEV_SCALE], CORE_DEV_OK);
    device(t, CORE_DEV_SCANNER, CORE_DEV_GONE);
    assert_int_equal(V(t)->msg, CORE_MSG_SCANNER_GONE);
    device(t, CORE_DEV_PRINTER, CORE_DEV_STOPPED);
    assert_int_equal(V(t)->msg, CORE_MSG_PRINTER_STOPPED);
    device(t, CORE_DEV_PRINTER, CORE_DEV_OK);
    assert_int_equal(V(t)->msg, CORE_MSG_NONE); /* the error is over */
    weigh(t, CORE_W_OVER, 0);
    assert_int_equal(V(t)->msg, CORE_MSG_SCALE_OVER);
    weigh(t, CORE_W_FAULT, 0);
    assert_int_equal(V(t)->msg, CORE_MSG_SCALE_FAULT);
    /* A printer that never answers is noticed. */
    t->answer_jobs = 0;
    place(t, 1000000);
    key(t, CORE_KEY_F2);
    assert_int_equal(V(t)->msg, CORE_MSG_QUEUED);
    tick(t, 5000);
    assert_int_equal(V(t)->msg, CORE_MSG_QUEUED);
    tick(t, 20000);
    assert_int_equal(V(t)->msg, CORE_MSG_PRINTER_SLOW);
    /* Good news fades, warnings stay. */
    weigh(t, CORE_W_STABLE, 0);
    tick(t, 60000);
    assert_int_equal(V(t)->msg, CORE_MSG_PRINTER_SLOW);
    t_free(t);
}

/* A new lot records where it was harvested: the first farm/plot, or the one F3 moves to. */
static int
count_fields(void *ctx, const struct db_place *p)
{
    int *n = ctx;

    if (p->kind == DB_PLACE_FARM || p->kind == DB_PLACE_PLOT)
        (*n)++;
    return 0;
}

static void
new_lot_records_the_chosen_place(void **state)
{
    struct t *t = t_new();
    struct db_lot lot;
    struct db_place first, second;
    int n_fields = 0;

    (void)state;
    OK(db_place_list(t->db, count_fields, &n_fields, NULL));
    assert_true(n_fields >= 2); /* the demo cooperative has several farms and plots */
    sign_in(t, 1, "2468");
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_LOT);
    assert_true(V(t)->place_id > 0);
    OK(db_place_get(t->db, V(t)->place_id, &first, NULL));
    assert_string_equal(V(t)->place_name, first.name);
    key(t, CORE_KEY_F3);
    assert_true(V(t)->place_id > 0 && V(t)->place_id != first.id);
    OK(db_place_get(t->db, V(t)->place_id, &second, NULL));
    assert_true(second.kind == DB_PLACE_FARM || second.kind == DB_PLACE_PLOT);
    for (int i = 1; i < n_fields; i++) /* F3 wraps round to the first again */
        key(t, CORE_KEY_F3);
    assert_int_equal(V(t)->place_id, first.id);
    key(t, CORE_KEY_F3);
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    OK(db_lot_get(t->db, V(t)->lot_id, &lot, NULL));
    assert_int_equal(lot.place_id, second.id);
    t_free(t);
}

static void
lots_typed_closed_and_roles(void **state)
{
    struct t *t = t_new();
    struct db_lot lot;

    (void)state;
    sign_in(t, 1, "2468"); /* an operator */
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_LOT);
    type(t, "LV-01");
    key(t, CORE_KEY_TAB);
    for (int i = 0; i < 10; i++)
        key(t, CORE_KEY_BACKSPACE);
    type(t, "2026-02-30"); /* no such day */
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_LOT);
    assert_int_equal(V(t)->msg, CORE_MSG_LOT_BAD);
    for (int i = 0; i < 2; i++)
        key(t, CORE_KEY_BACKSPACE);
    type(t, "20");
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    assert_string_equal(V(t)->lot_code, "LV-01");
    OK(db_lot_get(t->db, V(t)->lot_id, &lot, NULL));
    assert_string_equal(lot.harvest_from, "2026-02-20");
    /* The same code again is refused; the open lot is listed instead. */
    key(t, CORE_KEY_ESC);
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->n_items, 2);
    assert_string_equal(V(t)->items[1].text, "LV-01");
    type(t, "LV-01");
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->msg, CORE_MSG_LOT_BAD);
    key(t, CORE_KEY_DOWN);
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    /* An operator may not close it; a manager may. */
    key(t, CORE_KEY_F8);
    assert_int_equal(V(t)->msg, CORE_MSG_NOT_ALLOWED);
    key(t, CORE_KEY_F9);
    sign_in(t, 0, "1234");
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH); /* back on the lot in use */
    key(t, CORE_KEY_F8);
    assert_int_equal(V(t)->screen, CORE_SCR_CONFIRM);
    key(t, CORE_KEY_ESC);
    assert_int_equal(V(t)->screen, CORE_SCR_WEIGH);
    key(t, CORE_KEY_F8);
    key(t, CORE_KEY_ENTER);
    assert_int_equal(V(t)->msg, CORE_MSG_LOT_CLOSED);
    assert_int_equal(V(t)->screen, CORE_SCR_PRODUCT);
    OK(db_lot_get(t->db, lot.id, &lot, NULL));
    assert_int_equal(lot.closed, 1);
    t_free(t);
}

static void
export_is_an_effect_with_an_answer(void **state)
{
    struct t *t = t_new();
    struct core_event ev = {.kind = CORE_EV_EXPORT};
    struct core_fx fx;
    int n = 0;

    (void)state;
    sign_in(t, 1, "2468");
    assert_int_equal(V(t)->screen, CORE_SCR_PRODUCT);
    t->answer_jobs = 0;
    {
        struct core_event k = {.kind = CORE_EV_KEY, .now_ms = t->now};

        k.u.key.key = CORE_KEY_F5;
        core_handle(t->core, &k);
        core_handle(t->core, &k); /* pressed twice: still one export */
    }
    while (core_next_fx(t->core, &fx))
        n += fx.kind == CORE_FX_EXPORT;
    assert_int_equal(n, 1);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORTING);
    ev.now_ms = t->now;
    ev.u.export.code = TT_EDEVICE;
    ev.u.export.detail = "No USB stick found.";
    core_handle(t->core, &ev);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORT_NO_STICK);
    assert_string_equal(V(t)->msg_detail, "No USB stick found.");
    key(t, CORE_KEY_F5);
    ev.u.export.code = 0;
    ev.u.export.detail = NULL;
    core_handle(t->core, &ev);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORTED);
    assert_int_equal(n_audit(t, "kiosk.export"), 2);
    t_free(t);
}

/* Progress from the exporter fills the bar; the outcome picks the words. */
static void
export_shows_progress_then_what_became_of_the_stick(void **state)
{
    struct t *t = t_new();
    struct core_event p = {.kind = CORE_EV_EXPORT_PROGRESS};
    struct core_event end = {.kind = CORE_EV_EXPORT};

    (void)state;
    sign_in(t, 1, "2468");
    /* progress without an export running is ignored */
    p.u.export.done = 5;
    p.u.export.total = 10;
    core_handle(t->core, &p);
    assert_string_equal(V(t)->export_bar, "");
    key(t, CORE_KEY_F5);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORTING);
    assert_non_null(strstr(V(t)->export_bar, "   0%"));
    p.now_ms = t->now;
    p.u.export.done = 420;
    p.u.export.total = 1000;
    core_handle(t->core, &p);
    assert_string_equal(V(t)->export_bar, "[################........................]  42%");
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORTING);
    end.now_ms = t->now;
    end.u.export.release = PROGRESS_EJECTED;
    core_handle(t->core, &end);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORTED_EJECTED);
    assert_int_equal(V(t)->level, CORE_LVL_OK);
    assert_non_null(strstr(V(t)->export_bar, "] 100%"));
    tick(t, 7000); /* the good news fades, and the bar with it */
    assert_int_equal(V(t)->msg, CORE_MSG_NONE);
    assert_string_equal(V(t)->export_bar, "");

    key(t, CORE_KEY_F5);
    end.u.export.release = PROGRESS_UNMOUNTED;
    core_handle(t->core, &end);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORTED_UNMOUNTED);

    /* mid-way failure: the reason replaces the bar and stays */
    key(t, CORE_KEY_F5);
    p.u.export.done = 300;
    core_handle(t->core, &p);
    end.u.export.code = TT_EIO;
    end.u.export.why = PROGRESS_E_IO;
    end.u.export.detail = "Ghi vào /media/usb thất bại";
    core_handle(t->core, &end);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORT_PULLED);
    assert_int_equal(V(t)->level, CORE_LVL_ERROR);
    assert_string_equal(V(t)->msg_detail, "Ghi vào /media/usb thất bại");
    assert_string_equal(V(t)->export_bar, "");
    tick(t, 60000);
    assert_int_equal(V(t)->msg, CORE_MSG_EXPORT_PULLED);

    static const struct {
        enum progress_error why;
        int code;
        enum core_msg msg;
    } reasons[] = {
        {PROGRESS_E_ROFS, TT_EIO, CORE_MSG_EXPORT_READ_ONLY},
        {PROGRESS_E_NOSPC, TT_EIO, CORE_MSG_EXPORT_FULL},
        {PROGRESS_E_NOKEY, TT_EIO, CORE_MSG_EXPORT_NO_KEY},
        {PROGRESS_E_NOSTICK, TT_EDEVICE, CORE_MSG_EXPORT_NO_STICK},
        {PROGRESS_E_OTHER, TT_EIO, CORE_MSG_EXPORT_FAILED},
    };
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        key(t, CORE_KEY_F5);
        end.u.export.code = reasons[i].code;
        end.u.export.why = reasons[i].why;
        core_handle(t->core, &end);
        assert_int_equal(V(t)->msg, reasons[i].msg);
    }
    t_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_shift_fifty_weighings),
        cmocka_unit_test(auto_print_once_per_placement),
        cmocka_unit_test(manual_print_needs_stable_weight),
        cmocka_unit_test(crash_restart_offers_queued_label),
        cmocka_unit_test(quit_needs_manager_pin),
        cmocka_unit_test(wrong_pin_and_sign_out),
        cmocka_unit_test(receiving_explains_and_records),
        cmocka_unit_test(printer_failure_is_told_and_kept),
        cmocka_unit_test(devices_are_told_in_words),
        cmocka_unit_test(lots_typed_closed_and_roles),
        cmocka_unit_test(new_lot_records_the_chosen_place),
        cmocka_unit_test(export_is_an_effect_with_an_answer),
        cmocka_unit_test(export_shows_progress_then_what_became_of_the_stick),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
