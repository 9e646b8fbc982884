/*
 * kiosk-print.c — carries out the core's CORE_FX_PRINT: fills a stored
 * label's fields, renders it with its template and hands it to the printer
 * module, then follows each job and reports its states to the core
 * (sent, printed, failed with the printer's reason).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/db.h"
#include "../gs1/gs1.h"
#include "../printers/label.h"
#include "../printers/printer.h"
#include "core.h"
#include "kiosk.h"

#define KP_JOBS_MAX 16  /* jobs followed at once (each holds a CUPS connection) */
#define KP_WAIT_MAX 256 /* labels waiting for a free slot */
#define KP_TPLS_MAX 8

struct kp_job {
    struct printer_job *job;
    int64_t label_id;
    int told_sent;
};

struct kiosk_printer {
    struct db *db;
    char dest[512];
    int use_default; /* dest NULL: the CUPS default queue */
    enum label_format fmt;
    char labels_dir[512];
    struct label_tpl *tpl[KP_TPLS_MAX];
    int n_tpl;
    struct kp_job jobs[KP_JOBS_MAX];
    int n_jobs;
    int64_t waiting[KP_WAIT_MAX]; /* FIFO of label ids not yet submitted */
    int n_waiting;
};

int
kiosk_printer_new(struct db *db, const char *dest, const char *labels_dir,
                  struct kiosk_printer **out, struct tt_err *err)
{
    struct kiosk_printer *kp = xcalloc(1, sizeof *kp);
    struct printer_info info;

    (void)err;
    kp->db = db;
    kp->use_default = dest == NULL;
    snprintf(kp->dest, sizeof kp->dest, "%s", dest != NULL ? dest : "");
    snprintf(kp->labels_dir, sizeof kp->labels_dir, "%s", labels_dir);
    kp->fmt = LABEL_FMT_PDF;
    /* A Zebra queue takes raw ZPL; everything else PDF. Unknown now: PDF, told later. */
    if (strncmp(kp->dest, "file:", 5) != 0 &&
        printer_get(kp->use_default ? NULL : kp->dest, &info, NULL) == 0)
        kp->fmt = printer_format_for(&info);
    *out = kp;
    return 0;
}

void
kiosk_printer_free(struct kiosk_printer *kp)
{
    if (kp == NULL)
        return;
    for (int i = 0; i < kp->n_jobs; i++)
        printer_job_free(kp->jobs[i].job);
    for (int i = 0; i < kp->n_tpl; i++)
        label_tpl_free(kp->tpl[i]);
    free(kp);
}

const char *
kiosk_printer_dest(const struct kiosk_printer *kp)
{
    return kp->use_default ? "CUPS" : kp->dest;
}

static const struct label_tpl *
template_for(struct kiosk_printer *kp, const char *name, struct tt_err *err)
{
    struct label_tpl *t;

    for (int i = 0; i < kp->n_tpl; i++)
        if (strcmp(label_tpl_name(kp->tpl[i]), name) == 0)
            return kp->tpl[i];
    if (label_tpl_find(kp->labels_dir, name, &t, err) != 0)
        return NULL;
    if (kp->n_tpl == KP_TPLS_MAX) {
        label_tpl_free(kp->tpl[0]);
        memmove(&kp->tpl[0], &kp->tpl[1], sizeof kp->tpl[0] * (KP_TPLS_MAX - 1));
        kp->n_tpl--;
    }
    kp->tpl[kp->n_tpl++] = t;
    return t;
}

struct agg_find {
    const char *parent;
    int count;
};

static int
agg_event(void *ctx, const struct db_event_row *row)
{
    struct agg_find *a = ctx;
    json_t *ev, *kids;
    const char *parent;

    if (strcmp(row->type, "AggregationEvent") != 0)
        return 0;
    ev = json_loadb(row->json, row->json_len, 0, NULL);
    parent = json_string_value(json_object_get(ev, "parentID"));
    kids = json_object_get(ev, "childEPCs");
    if (parent != NULL && strcmp(parent, a->parent) == 0 && json_is_array(kids))
        a->count = (int)json_array_size(kids);
    json_decref(ev);
    return a->count > 0;
}

/*
 * The number of cases on a pallet: its AggregationEvent is recorded right
 * after the SSCC label, so it is among the next few events.
 */
static int
pallet_count(struct db *db, const struct db_label *l)
{
    char parent[64];
    struct agg_find a = {parent, 0};

    snprintf(parent, sizeof parent, "https://id.gs1.org/00/%s", l->sscc);
    db_events_after(db, l->event_seq, 64, agg_event, &a, NULL);
    return a.count;
}

/* The fields of a stored label: product, lot, place and cooperative around it. */
static int
fields_of(struct db *db, const struct db_label *l, struct label_fields *f, struct tt_err *err)
{
    struct db_product prod;
    struct db_lot lot;
    struct db_place place;
    struct db_settings set;
    char w[32];
    int rc = db_product_get(db, l->product_id, &prod, err);

    if (rc == 0)
        rc = db_lot_get(db, l->lot_id, &lot, err);
    if (rc == 0)
        rc = db_settings_get(db, &set, err);
    if (rc != 0)
        return rc;
    if (lot.place_id != 0 && db_place_get(db, lot.place_id, &place, NULL) == 0)
        label_fields_set(f, "place.name", place.name, NULL);
    label_fields_set(f, "place.province", set.coop_province, NULL);
    label_fields_set(f, "product.name", prod.name_vi, NULL);
    label_fields_set(f, "product.name_en", prod.name_en, NULL);
    label_fields_set(f, "coop.name", set.coop_name, NULL);
    label_fields_set(f, "gtin", l->gtin, NULL);
    label_fields_set(f, "lot", l->lot_code, NULL);
    label_fields_set(f, "serial", l->serial, NULL);
    label_fields_set(f, "sscc", l->sscc, NULL);
    label_fields_set(f, "expiry", l->expiry, NULL);
    label_fields_set(f, "harvest", lot.harvest_from, NULL);
    if (l->sscc[0] != '\0') {
        snprintf(w, sizeof w, "%d", pallet_count(db, l));
        label_fields_set(f, "count", w, NULL);
    }
    if (l->net_weight_g > 0) {
        snprintf(w, sizeof w, "%lld.%03lld", (long long)(l->net_weight_g / 1000),
                 (long long)(l->net_weight_g % 1000));
        label_fields_set(f, "weight", w, NULL);
    }
    return 0;
}

static void
tell(struct core *core, int64_t label_id, enum core_job_state st, enum core_dev_state why,
     const char *printer, const char *job_id, const char *detail, int64_t now_ms)
{
    struct core_event ev = {.kind = CORE_EV_JOB, .now_ms = now_ms};

    ev.u.job.detail = detail;
    ev.u.job.label_id = label_id;
    ev.u.job.state = st;
    ev.u.job.why = why;
    ev.u.job.printer = printer;
    ev.u.job.job_id = job_id;
    core_handle(core, &ev);
}

static int
submit(struct kiosk_printer *kp, struct core *core, int64_t label_id, int64_t now_ms)
{
    struct tt_err err = {0};
    struct db_label l;
    const struct label_tpl *tpl = NULL;
    struct label_fields *f = label_fields_new();
    struct printer_job_req req = {0};
    unsigned char *doc = NULL;
    size_t len = 0;
    int rc = db_label_get(kp->db, label_id, &l, &err);

    if (rc == 0 && (tpl = template_for(kp, l.template, &err)) == NULL)
        rc = err.code != 0 ? err.code : TT_ENOTFOUND;
    if (rc == 0)
        rc = fields_of(kp->db, &l, f, &err);
    if (rc == 0)
        rc = label_render(tpl, f, kp->fmt, 0, &doc, &len, NULL, &err);
    if (rc == 0) {
        req.dest = kp->use_default ? NULL : kp->dest;
        req.doc = doc;
        req.len = len;
        req.fmt = kp->fmt;
        req.title = l.serial[0] != '\0' ? l.serial : l.sscc;
        req.copies = 1;
        req.width_mm = label_tpl_width_mm(tpl);
        req.height_mm = label_tpl_height_mm(tpl);
        req.follow = 1;
        rc = printer_job_start(&req, &kp->jobs[kp->n_jobs].job, &err);
    }
    free(doc);
    label_fields_free(f);
    if (rc != 0) {
        tell(core, label_id, CORE_JOB_FAILED, CORE_DEV_ERROR, NULL, NULL, err.msg, now_ms);
        return rc;
    }
    kp->jobs[kp->n_jobs].label_id = label_id;
    kp->jobs[kp->n_jobs].told_sent = 0;
    kp->n_jobs++;
    return 0;
}

/* Many labels at once (a burst, a slow printer): they wait their turn, in order. */
int
kiosk_print(struct kiosk_printer *kp, struct core *core, int64_t label_id, int64_t now_ms)
{
    if (kp->n_jobs < KP_JOBS_MAX && kp->n_waiting == 0)
        return submit(kp, core, label_id, now_ms);
    if (kp->n_waiting == KP_WAIT_MAX) {
        tell(core, label_id, CORE_JOB_FAILED, CORE_DEV_ERROR, NULL, NULL,
             "too many labels waiting for the printer", now_ms);
        return TT_EBUSY;
    }
    kp->waiting[kp->n_waiting++] = label_id;
    return 0;
}

static void
submit_waiting(struct kiosk_printer *kp, struct core *core, int64_t now_ms)
{
    while (kp->n_waiting > 0 && kp->n_jobs < KP_JOBS_MAX) {
        int64_t id = kp->waiting[0];

        memmove(&kp->waiting[0], &kp->waiting[1], sizeof kp->waiting[0] * (size_t)--kp->n_waiting);
        submit(kp, core, id, now_ms);
    }
}

int
kiosk_printer_fds(const struct kiosk_printer *kp, int *fds, int max)
{
    int n = 0;

    for (int i = 0; i < kp->n_jobs && n < max; i++)
        fds[n++] = printer_job_fd(kp->jobs[i].job);
    return n;
}

int
kiosk_printer_busy(const struct kiosk_printer *kp)
{
    return kp->n_jobs + kp->n_waiting;
}

static enum core_dev_state
why_of(const struct printer_status *st)
{
    if (st->reasons & PRINTER_R_MEDIA_EMPTY)
        return CORE_DEV_PAPER_OUT;
    if (st->reasons & (PRINTER_R_OFFLINE | PRINTER_R_REMOVED) || st->code == TT_EDEVICE)
        return CORE_DEV_GONE;
    if (st->reasons & (PRINTER_R_STOPPED | PRINTER_R_JAM | PRINTER_R_DOOR_OPEN))
        return CORE_DEV_STOPPED;
    return CORE_DEV_ERROR;
}

/* One job's news; returns 1 when the job is over. */
static int
job_news(struct kiosk_printer *kp, struct kp_job *j, struct core *core, int64_t now_ms)
{
    struct printer_status st;
    const char *dest = kiosk_printer_dest(kp);

    if (!printer_job_status(j->job, &st))
        return 0;
    if (!j->told_sent && st.job_id != 0 && st.state != PRINTER_JOB_SUBMITTING &&
        st.state != PRINTER_JOB_FAILED) {
        j->told_sent = 1;
        tell(core, j->label_id, CORE_JOB_SENT, CORE_DEV_OK, dest, st.job_ref, NULL, now_ms);
    }
    if (!st.final && st.reasons != 0) { /* waiting: tell the operator why */
        struct core_event ev = {.kind = CORE_EV_DEVICE, .now_ms = now_ms};

        ev.u.device.dev = CORE_DEV_PRINTER;
        ev.u.device.state = why_of(&st);
        core_handle(core, &ev);
    }
    if (!st.final)
        return 0;
    if (st.state == PRINTER_JOB_COMPLETED)
        tell(core, j->label_id, CORE_JOB_PRINTED, CORE_DEV_OK, dest, st.job_ref, NULL, now_ms);
    else
        tell(core, j->label_id, CORE_JOB_FAILED, why_of(&st), dest, st.job_ref, st.message, now_ms);
    return 1;
}

int
kiosk_printer_poll(struct kiosk_printer *kp, struct core *core, int64_t now_ms)
{
    int changed = 0;

    for (int i = 0; i < kp->n_jobs;) {
        if (job_news(kp, &kp->jobs[i], core, now_ms)) {
            printer_job_free(kp->jobs[i].job);
            kp->jobs[i] = kp->jobs[--kp->n_jobs];
            changed = 1;
            continue;
        }
        i++;
    }
    submit_waiting(kp, core, now_ms);
    return changed;
}
