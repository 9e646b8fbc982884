/*
 * core-int.h — the inside of the workflow state machine, shared by
 * core.c (sign-in, product, lot, weighing, printing) and core-scan.c
 * (scan-back, pallet, receiving, daily totals). Not for the UI.
 */
#ifndef TT_STATION_CORE_INT_H
#define TT_STATION_CORE_INT_H

#include "core.h"

#define CORE_FX_MAX    32
#define CORE_WAIT_MAX  64 /* printed labels waiting to be scanned back */
#define CORE_CASES_MAX CORE_ITEMS_MAX
#define CORE_PIN_MIN   4
#define CORE_BAR_CELLS 40 /* the export's bar: fits 80 columns with its percentage */

struct core_wait {
    int64_t label_id;
    char gs1[256]; /* element string as sent */
};

struct core {
    struct db *db;
    struct core_config cfg;
    struct core_view v;
    struct db_settings settings;
    int64_t now_ms;

    /* signed-in operator and the chosen product / lot */
    struct db_operator op;
    struct db_product product;
    struct db_lot lot;
    int has_lot;

    /* weighing: one label per placement */
    int64_t placed_mg; /* weight the current placement was labelled at, -1: none */
    int64_t stable_mg; /* last stable weight */

    /* printing: the one job in flight */
    int64_t job_label_id;
    int64_t job_since_ms;
    int job_warned;

    /* pending reprint/void target */
    int64_t pend_label_id;
    enum core_screen back_to;

    /* scan-back */
    int n_wait;
    struct core_wait wait[CORE_WAIT_MAX];

    /* pallet: case DL URIs */
    int n_cases;
    char cases[CORE_CASES_MAX][128];
    int64_t pallet_grams;    /* sum of the cases' net weights (AI 310n) */
    int64_t pallet_label_id; /* SSCC label being printed, for the aggregation */

    int64_t msg_until_ms;
    int exporting; /* a CORE_FX_EXPORT is out, no answer yet */

    struct core_fx fx[CORE_FX_MAX];
    int fx_head, n_fx;
};

/* core.c */
/* Copies src (NULL: "") into dst, truncated at a UTF-8 boundary. */
void core_copy(char *dst, size_t size, const char *src);
struct core_item *core_item_add(struct core *c, int64_t id, const char *text, const char *right);
void core_msg(struct core *c, enum core_msg m, enum core_level lvl, const char *detail);
void core_store_fail(struct core *c, const struct tt_err *err);
void core_push_fx(struct core *c, enum core_fx_kind kind, int64_t label_id, int arg);
void core_go(struct core *c, enum core_screen s);
int core_label_send(struct core *c, int64_t label_id);

/* core-scan.c */
void core_scan_event(struct core *c, const char *data, size_t len);
void core_wait_add(struct core *c, const struct db_label *l);
void core_pallet_enter(struct core *c);
int core_pallet_finish(struct core *c);
void core_pallet_printed(struct core *c, int64_t label_id);
void core_receive_enter(struct core *c);
void core_summary_enter(struct core *c);
void core_recover_load(struct core *c);

#endif
