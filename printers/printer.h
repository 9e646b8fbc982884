/*
 * printer.h — sending rendered labels to a printer without blocking the
 * kiosk, and following the job until the printer says what became of it.
 *
 * Destinations: a CUPS queue name (NULL = the CUPS default queue), or
 * "file:DIR", the file printer (each job becomes DIR/<title>-<n>.pdf, written
 * to a temporary name and renamed, so a folder watcher never sees half a
 * file). libcups has no asynchronous API, so every job runs in its own
 * worker thread with its own connection (printing.md §2.2); the caller
 * poll()s printer_job_fd() and reads the latest state with
 * printer_job_status(). Only job-state "completed" means printed.
 *
 * The CUPS server is libcups' choice (CUPS_SERVER, ~/.cups/client.conf,
 * the local socket).
 */
#ifndef TT_PRINTER_H
#define TT_PRINTER_H

#include <stddef.h>

#include "../common/tt.h"
#include "label.h"

enum printer_job_state {
    PRINTER_JOB_SUBMITTING, /* connecting to CUPS / sending the document */
    PRINTER_JOB_PENDING,    /* accepted by cupsd, waiting for the printer */
    PRINTER_JOB_HELD,       /* held (job-hold-until, authentication ...) */
    PRINTER_JOB_PROCESSING, /* printing */
    PRINTER_JOB_STOPPED,    /* processing-stopped: the printer stopped mid-job */
    PRINTER_JOB_COMPLETED,  /* printed (file printer: the file is written) */
    PRINTER_JOB_CANCELED,   /* cancelled by someone, or the queue was deleted */
    PRINTER_JOB_ABORTED,    /* the printer or a filter gave up */
    PRINTER_JOB_FAILED,     /* never accepted: no queue, CUPS down, document refused */
    PRINTER_JOB_GONE,       /* cupsd no longer knows the job */
};

/* Printer conditions (bit flags), from printer-state and printer-state-reasons. */
enum printer_reason {
    PRINTER_R_STOPPED = 1 << 0,     /* printer-state stopped (paused by an admin, or error) */
    PRINTER_R_OFFLINE = 1 << 1,     /* offline-report, connecting-to-device, timed out */
    PRINTER_R_MEDIA_EMPTY = 1 << 2, /* media-empty / media-needed */
    PRINTER_R_JAM = 1 << 3,         /* media-jam */
    PRINTER_R_DOOR_OPEN = 1 << 4,   /* door-open / cover-open */
    PRINTER_R_REJECTING = 1 << 5,   /* not accepting jobs */
    PRINTER_R_REMOVED = 1 << 6,     /* the queue no longer exists */
};

struct printer_status {
    enum printer_job_state state;
    int final;         /* 1: the state will not change any more */
    int job_id;        /* CUPS job id (file printer: a counter), 0 before acceptance */
    unsigned reasons;  /* enum printer_reason flags of the job's printer */
    int code;          /* TT_E* when FAILED, else 0 */
    char job_ref[512]; /* "QUEUE-ID" for CUPS, the file's path for the file printer */
    char message[256]; /* printer / job state message or the error, English or the printer's */
};

struct printer_job_req {
    const char *dest;         /* queue, "file:DIR", or NULL for the default queue */
    const unsigned char *doc; /* the document (copied by printer_job_start) */
    size_t len;
    enum label_format fmt;      /* PDF/PNG go through filters; ZPL is sent raw */
    const char *title;          /* job name / file name stem; NULL: "label" */
    int copies;                 /* 0 or 1: one */
    double width_mm, height_mm; /* label size: picks the queue's media */
    int follow;                 /* 1: follow until final; 0: stop once cupsd accepted it */
    int poll_ms;                /* job/printer polling interval; 0: 250 ms */
};

struct printer_job;

/*
 * Starts a job in a worker thread. Returns owned *out (printer_job_free);
 * fails only when the thread cannot start or the request is malformed —
 * every printer problem arrives later as a status.
 */
int printer_job_start(const struct printer_job_req *req, struct printer_job **out,
                      struct tt_err *err);

/* Readable whenever the status changed (for poll()); borrowed until printer_job_free. */
int printer_job_fd(const struct printer_job *job);

/* Copies the latest status; drains the fd. Returns 1 when it changed since the last call. */
int printer_job_status(struct printer_job *job, struct printer_status *out);

/* Waits up to timeout_ms (-1: for ever) for a final state; 0 when final, TT_ETIMEOUT if not. */
int printer_job_wait(struct printer_job *job, int timeout_ms, struct printer_status *out);

/* Asks the worker to cancel the job at cupsd (asynchronously). */
void printer_job_cancel(struct printer_job *job);

/* Stops following (the CUPS job itself goes on), joins the worker, frees. NULL is fine. */
void printer_job_free(struct printer_job *job);

/* "pending", "completed" ... (static, English, for logs and --json). */
const char *printer_job_state_name(enum printer_job_state state);

/* ---- queues ---- */

struct printer_info {
    char name[128];
    int is_default;
    int state;        /* IPP printer-state: 3 idle, 4 processing, 5 stopped */
    unsigned reasons; /* enum printer_reason */
    int accepting;
    int zpl; /* the queue speaks ZPL (Zebra driver): send raw ZPL */
    int dpi; /* printer-resolution-default, 0 when not given */
    char make_model[128];
    char uri[256];     /* device-uri */
    char message[256]; /* printer-state-message */
};

/* Calls cb for each CUPS queue; TT_EDEVICE when the CUPS server cannot be reached. */
int printer_list(int (*cb)(void *ctx, const struct printer_info *p), void *ctx, struct tt_err *err);

/* One queue (NULL: the default). TT_ENOTFOUND when there is no such queue. */
int printer_get(const char *name, struct printer_info *out, struct tt_err *err);

/*
 * printer-state-reasons keywords ("media-empty-error", "offline-report" ...)
 * to enum printer_reason flags; NULL entries are skipped.
 */
unsigned printer_reasons_parse(const char *const *kw, size_t n);

/* The document format to send to a queue: raw ZPL for Zebra queues, else PDF. */
enum label_format printer_format_for(const struct printer_info *p);

#endif
