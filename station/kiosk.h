/*
 * kiosk.h — the kiosk: one poll() loop that joins the workflow core, the
 * terminal UI, the scale, the scanner and the printer. It turns device
 * readings and keys into core events (with the wall-clock time) and carries
 * out the core's effects (render + print a label, beep, quit).
 *
 * Kiosk safety: the terminal is in raw mode (Ctrl-C, Ctrl-Z, Ctrl-\ are
 * keys that do nothing), SIGINT/SIGQUIT/SIGTSTP are ignored as well, no
 * shell is ever started; the loop ends only after a manager's PIN, or on
 * SIGTERM/SIGHUP (the service manager or a lost terminal).
 */
#ifndef TT_STATION_KIOSK_H
#define TT_STATION_KIOSK_H

#include <stdint.h>

#include "../common/tt.h"

struct kiosk_opts {
    const char *db_path;
    const char *scale_spec;   /* NULL: no scale; "sim:" keys change the weight */
    const char *scanner_spec; /* NULL: none (a keyboard-wedge scanner types into the kiosk) */
    const char *printer;      /* CUPS queue, "file:DIR", or NULL: the CUPS default queue */
    const char *labels_dir;   /* label templates */
    const char *demo_hint;    /* sign-in hint in demo mode, or NULL */
    const char *export_to;    /* export into this folder instead of the USB stick, or NULL */
    int demo;
    int lang_en;
    int auto_print;
    int scan_back;
};

/* Runs the kiosk until a manager quits it. 0, or a TT_E* code when it cannot start. */
int kiosk_run(const struct kiosk_opts *o, struct tt_err *err);

/*
 * Printing of stored labels, used by the kiosk loop and the benchmark:
 * renders label `label_id` with its template and starts a printer job.
 */
struct kiosk_printer;
struct db;
struct core;

int kiosk_printer_new(struct db *db, const char *dest, const char *labels_dir,
                      struct kiosk_printer **out, struct tt_err *err);
void kiosk_printer_free(struct kiosk_printer *kp);

/* Renders and submits; failures to render become a CORE_JOB_FAILED for the core. */
int kiosk_print(struct kiosk_printer *kp, struct core *core, int64_t label_id, int64_t now_ms);

/* Adds the descriptors of the jobs in flight to fds (at most max); returns how many. */
int kiosk_printer_fds(const struct kiosk_printer *kp, int *fds, int max);

/* Reads job states and feeds them to the core; returns 1 when anything changed. */
int kiosk_printer_poll(struct kiosk_printer *kp, struct core *core, int64_t now_ms);

/* Jobs still followed. */
int kiosk_printer_busy(const struct kiosk_printer *kp);

/* Where labels go ("file:DIR", a queue name), borrowed. */
const char *kiosk_printer_dest(const struct kiosk_printer *kp);

#endif
