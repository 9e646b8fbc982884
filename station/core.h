/*
 * core.h — the labelling workflow of DESIGN.md §2 as a state machine, with
 * no curses and no clock of its own (STYLE.md §6).
 *
 * The kiosk loop (or a test) feeds events: keys, scale readings, scans,
 * print-job updates, device state and timer ticks, each carrying the time
 * (now_ms). core_handle() changes state, writes to the store and queues
 * effects for the driver: print a label, beep, zero the scale, quit.
 *
 * Why the core talks to the store itself: every step of the workflow
 * depends on the store's answer (the PIN is right, the lot is open, the
 * serial was allocated), and the rule "allocate serial + label row `queued`
 * + event in one transaction before a job is sent" is enforced here, by
 * queueing CORE_FX_PRINT only after db_label_allocate() returned 0. What
 * lies outside the process (printer, scale, speaker) is an effect.
 *
 * The view (struct core_view) is what the UI draws: it is rebuilt after
 * every event and holds no pointers. Words shown to the user are message
 * ids (enum core_msg) that station/ui translates; the core carries only
 * data (names, codes, numbers).
 *
 * Ownership: core_new() borrows `db` (valid until core_free) and returns an
 * owned core; core_free(NULL) is a no-op. One thread.
 */
#ifndef TT_STATION_CORE_H
#define TT_STATION_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"
#include "../db/db.h"
#include "progress.h"

struct core;

/* ---- events ------------------------------------------------------------- */

/* Keys the kiosk understands; the UI maps terminal keys onto these. */
enum core_key {
    CORE_KEY_NONE,
    CORE_KEY_CHAR, /* a printable character in `ch` (Unicode code point) */
    CORE_KEY_ENTER,
    CORE_KEY_ESC,
    CORE_KEY_BACKSPACE,
    CORE_KEY_TAB,
    CORE_KEY_UP,
    CORE_KEY_DOWN,
    CORE_KEY_LEFT,
    CORE_KEY_RIGHT,
    CORE_KEY_F1,
    CORE_KEY_F2,
    CORE_KEY_F3,
    CORE_KEY_F4,
    CORE_KEY_F5,
    CORE_KEY_F6,
    CORE_KEY_F7,
    CORE_KEY_F8,
    CORE_KEY_F9,
    CORE_KEY_F10,
};

/* The scale's state as the core needs it (from scanners' enum scale_state). */
enum core_weight_state {
    CORE_W_NONE,   /* no reading yet */
    CORE_W_MOTION, /* changing */
    CORE_W_STABLE, /* stable (the detector's verdict), zero included */
    CORE_W_UNDER,  /* below zero */
    CORE_W_OVER,   /* over capacity */
    CORE_W_FAULT,  /* device fault / needs calibration */
};

enum core_device { CORE_DEV_SCALE, CORE_DEV_SCANNER, CORE_DEV_PRINTER, CORE_DEV_COUNT };

enum core_dev_state {
    CORE_DEV_NONE,      /* not configured */
    CORE_DEV_OK,        /* ready */
    CORE_DEV_GONE,      /* unplugged / not answering */
    CORE_DEV_PAPER_OUT, /* printer: media empty */
    CORE_DEV_STOPPED,   /* printer: stopped / paused queue */
    CORE_DEV_ERROR,     /* other fault */
};

/* A print job's outcome, reported by the driver for a CORE_FX_PRINT. */
enum core_job_state {
    CORE_JOB_SENT,    /* the printer accepted the job (job_id known) */
    CORE_JOB_PRINTED, /* completed (or the file was written) */
    CORE_JOB_FAILED,  /* canceled / aborted / could not be sent */
};

enum core_event_kind {
    CORE_EV_KEY,
    CORE_EV_WEIGHT,
    CORE_EV_SCAN,
    CORE_EV_JOB,
    CORE_EV_DEVICE,
    CORE_EV_TICK,
    CORE_EV_EXPORT,          /* the export to the USB stick ended */
    CORE_EV_EXPORT_PROGRESS, /* the export wrote or read back more bytes */
};

struct core_event {
    enum core_event_kind kind;
    int64_t now_ms; /* the time of the event, milliseconds since the epoch */
    union {
        struct {
            enum core_key key;
            uint32_t ch;
        } key;
        struct {
            enum core_weight_state state;
            int64_t grams_milli; /* weight in mg (exact) */
        } weight;
        struct {
            const char *data; /* borrowed: raw scan data (AIM prefix, GS) */
            size_t len;
        } scan;
        struct {
            int64_t label_id;
            enum core_job_state state;
            const char *printer;     /* borrowed, may be NULL */
            const char *job_id;      /* borrowed, may be NULL */
            enum core_dev_state why; /* for FAILED: paper out, gone … */
            const char *detail;      /* borrowed, may be NULL: the printer's words */
        } job;
        struct {
            enum core_device dev;
            enum core_dev_state state;
        } device;
        struct {
            int code;                      /* 0, TT_EDEVICE (no stick) or another TT_E* */
            const char *detail;            /* borrowed, may be NULL: what the exporter said */
            enum progress_release release; /* code 0: what became of the stick */
            enum progress_error why;       /* code != 0: the exporter's reason, if it said */
            uint64_t done, total;          /* CORE_EV_EXPORT_PROGRESS: bytes so far */
        } export;
    } u;
};

/* ---- effects ------------------------------------------------------------ */

enum core_fx_kind {
    CORE_FX_PRINT,  /* render and send label `label_id` */
    CORE_FX_BEEP,   /* `arg` 0: attention, 1: error */
    CORE_FX_ZERO,   /* zero the scale */
    CORE_FX_QUIT,   /* a manager allowed leaving the kiosk */
    CORE_FX_EXPORT, /* write the signed bundles to the USB stick; answer with CORE_EV_EXPORT */
};

struct core_fx {
    enum core_fx_kind kind;
    int64_t label_id;
    int arg;
};

/* ---- the view ----------------------------------------------------------- */

enum core_screen {
    CORE_SCR_SIGNIN,  /* choose operator, type PIN */
    CORE_SCR_RECOVER, /* labels left queued/sent/failed (after a crash) */
    CORE_SCR_PRODUCT, /* choose product */
    CORE_SCR_LOT,     /* choose an open lot or open a new one */
    CORE_SCR_WEIGH,   /* weigh and label */
    CORE_SCR_REASON,  /* reason for a reprint or void */
    CORE_SCR_PALLET,  /* scan cases onto a pallet */
    CORE_SCR_RECEIVE, /* scan incoming labels, explained */
    CORE_SCR_SUMMARY, /* daily totals */
    CORE_SCR_QUIT,    /* manager PIN to leave */
    CORE_SCR_CONFIRM, /* yes/no (close lot) */
    CORE_SCR_COUNT,
};

/* What the operator is told; station/ui holds the words (with what to do). */
enum core_msg {
    CORE_MSG_NONE,
    CORE_MSG_WELCOME,
    CORE_MSG_PIN_WRONG,
    CORE_MSG_PIN_SHORT,
    CORE_MSG_NOT_STABLE,
    CORE_MSG_TOO_LIGHT,
    CORE_MSG_REMOVE_FIRST, /* already labelled: take it off first */
    CORE_MSG_QUEUED,       /* label allocated, printing */
    CORE_MSG_PRINTED,
    CORE_MSG_PRINT_FAILED,
    CORE_MSG_PAPER_OUT,
    CORE_MSG_PRINTER_GONE,
    CORE_MSG_PRINTER_STOPPED,
    CORE_MSG_PRINTER_SLOW, /* no answer from the printer for a while */
    CORE_MSG_SCALE_GONE,
    CORE_MSG_SCALE_FAULT,
    CORE_MSG_SCALE_OVER,
    CORE_MSG_SCANNER_GONE,
    CORE_MSG_SCAN_OK, /* scan-back matched */
    CORE_MSG_SCAN_MISMATCH,
    CORE_MSG_SCAN_UNKNOWN, /* not a label we are waiting for */
    CORE_MSG_SCAN_INVALID, /* not GS1 data */
    CORE_MSG_CLOCK_WRONG,
    CORE_MSG_LOT_OPENED,
    CORE_MSG_LOT_CLOSED,
    CORE_MSG_LOT_BAD, /* the lot code/date was refused */
    CORE_MSG_NO_LOT,
    CORE_MSG_NO_LABEL, /* nothing to reprint / void */
    CORE_MSG_REPRINTING,
    CORE_MSG_VOIDED,
    CORE_MSG_NOT_ALLOWED, /* role does not allow it */
    CORE_MSG_CASE_ADDED,
    CORE_MSG_CASE_TWICE,
    CORE_MSG_CASE_NOT_ITEM,
    CORE_MSG_PALLET_EMPTY,
    CORE_MSG_PALLET_DONE,
    CORE_MSG_RECEIVED,
    CORE_MSG_STORE_ERROR, /* detail: English text from the store */
    CORE_MSG_DEMO_GTIN,   /* demo product in production mode */
    CORE_MSG_EXPORTING,
    CORE_MSG_EXPORTED,
    CORE_MSG_EXPORT_NO_STICK,
    CORE_MSG_EXPORT_FAILED,
    CORE_MSG_EXPORTED_UNMOUNTED, /* written, checked, unmounted: pull it out */
    CORE_MSG_EXPORTED_EJECTED,   /* written, checked, unmounted and powered off */
    CORE_MSG_EXPORT_PULLED,      /* a write or read-back failed mid-way */
    CORE_MSG_EXPORT_READ_ONLY,
    CORE_MSG_EXPORT_FULL,
    CORE_MSG_EXPORT_NO_KEY,
    CORE_MSG_COUNT,
};

enum core_level { CORE_LVL_INFO, CORE_LVL_OK, CORE_LVL_WARN, CORE_LVL_ERROR };

#define CORE_ITEMS_MAX    64
#define CORE_TEXT_MAX     160
#define CORE_INPUT_MAX    64
#define CORE_DAYS         7
#define CORE_PRODUCTS_MAX 8

struct core_item {
    int64_t id;
    char text[CORE_TEXT_MAX];
    char right[48]; /* right-aligned column: weight, state, date */
    int flag;       /* screen-specific: 1 = highlighted (mismatch, queued …) */
};

/* Daily totals: kg per product per day, for the bar chart and the report. */
struct core_summary {
    int n_days;
    char day[CORE_DAYS][11]; /* YYYY-MM-DD, oldest first */
    int n_products;
    char product[CORE_PRODUCTS_MAX][128];
    int64_t grams[CORE_PRODUCTS_MAX][CORE_DAYS];
    int64_t labels[CORE_PRODUCTS_MAX][CORE_DAYS];
};

/* Pending actions the reason screen and the confirm screen complete. */
enum core_pending { CORE_PEND_NONE, CORE_PEND_REPRINT, CORE_PEND_VOID, CORE_PEND_CLOSE_LOT };

struct core_view {
    enum core_screen screen;
    int demo;
    int lang_en;

    /* header: always visible */
    char operator_name[128];
    int role; /* enum db_role, -1 when nobody is signed in */
    char product_name[128];
    char gtin[15];
    char lot_code[21];
    int64_t lot_id;

    /* weight */
    enum core_weight_state wstate;
    int64_t grams_milli;
    int armed;    /* stable, heavy enough, not yet labelled: F2 prints */
    int labelled; /* this placement has its label */
    int auto_print;
    int64_t min_grams;

    /* devices */
    enum core_dev_state dev[CORE_DEV_COUNT];
    int clock_ok;

    /* message line */
    enum core_msg msg;
    enum core_level level;
    char msg_detail[CORE_TEXT_MAX];

    /* list screens (operators, products, lots, labels, cases; on the receive
     * screen each item is one scanned element: text = AI, right = value) */
    int n_items;
    int sel;
    struct core_item items[CORE_ITEMS_MAX];

    /* typed text (PIN shows as dots; lot code; scan typed by hand) */
    char input[CORE_INPUT_MAX];
    int input_secret;
    int field; /* lot screen: 0 code, 1 harvest date */
    char input2[CORE_INPUT_MAX];
    int64_t place_id; /* lot screen: where a new lot is harvested (0: none) */
    char place_name[128];

    /* last label and shift counters */
    struct db_label last;
    int has_last;
    int n_waiting_scan; /* printed labels not yet scanned back */
    int64_t shift_labels;
    int64_t shift_grams;

    enum core_pending pending;
    struct core_summary summary;

    /* the export's bar ("[####....]  42%") while it runs and after it succeeded, else "" */
    char export_bar[64];
};

/* ---- configuration and life cycle ----------------------------------------- */

struct core_config {
    int demo;             /* show the demo hint, simulated devices */
    int lang_en;          /* product names in English */
    int auto_print;       /* print on stable weight without a key */
    int scan_back;        /* expect each printed label to be scanned back */
    int64_t min_grams;    /* lightest weight that can be labelled [20 g] */
    int64_t zero_grams;   /* "back near zero" below this [10 g] */
    int64_t change_grams; /* a different placement differs by more [20 g] */
    int job_timeout_ms;   /* warn when a job has no outcome [20000] */
};

/* Defaults in brackets above. */
void core_config_default(struct core_config *cfg);

/*
 * Makes a core on `db` (borrowed), reads products/operators, and looks for
 * labels left queued/sent/failed (shown after sign-in for reprint or void).
 * `now_ms` is the start time. The store's clock is tied to the event time
 * (db_set_clock) until core_free.
 */
int core_new(struct db *db, const struct core_config *cfg, int64_t now_ms, struct core **out,
             struct tt_err *err);
void core_free(struct core *c);

/* What a handler tells the loop (htop's HandlerResult). */
enum core_result {
    CORE_HANDLED = 0, /* nothing visible changed */
    CORE_REDRAW = 1 << 0,
    CORE_QUIT = 1 << 1, /* leave the loop (after the manager PIN) */
};

/* Feeds one event. Returns CORE_* flags. Never fails: errors become messages. */
int core_handle(struct core *c, const struct core_event *ev);

/* The view to draw (borrowed, valid until the next core_handle). */
const struct core_view *core_view(const struct core *c);

/* Takes the next queued effect into *out; 0 when there is none. */
int core_next_fx(struct core *c, struct core_fx *out);

/* ---- key bindings (one table; the UI draws the hints from it) ------------ */

enum core_action {
    CORE_ACT_NONE,
    CORE_ACT_OK,   /* Enter: confirm / sign in / choose */
    CORE_ACT_BACK, /* Esc */
    CORE_ACT_PRINT,
    CORE_ACT_REPRINT,
    CORE_ACT_VOID,
    CORE_ACT_PALLET,
    CORE_ACT_RECEIVE,
    CORE_ACT_SUMMARY,
    CORE_ACT_CLOSE_LOT,
    CORE_ACT_SIGN_OUT,
    CORE_ACT_QUIT,
    CORE_ACT_AUTO, /* toggle automatic printing */
    CORE_ACT_ZERO,
    CORE_ACT_NEW_LOT,
    CORE_ACT_FINISH, /* pallet: print the SSCC label */
    CORE_ACT_EXPORT, /* day's end: bundles to the USB stick */
    CORE_ACT_PLACE,  /* lot screen: the next farm or plot for a new lot */
    CORE_ACT_COUNT,
};

struct core_binding {
    enum core_screen screen;
    enum core_key key;
    enum core_action action;
};

/* The bindings, ended by a CORE_KEY_NONE entry (static). */
const struct core_binding *core_bindings(void);

/* Formats grams (mg precision) as "1,250 kg" style digits "1.250" into out. */
void core_format_kg(int64_t grams_milli, char *out, size_t out_len);

/*
 * Daily totals of the store: printed (and re-sent) labels, by product and
 * local day (station.tz), for the `n_days` days ending with `day`
 * ("YYYY-MM-DD"; NULL = the day of now_ms). Used by the summary screen and
 * `tramtem report daily`.
 */
int core_summary_load(struct db *db, const char *day, int n_days, int64_t now_ms, int lang_en,
                      struct core_summary *out, struct tt_err *err);

#endif
