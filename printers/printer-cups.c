/*
 * printer-cups.c — the CUPS side: queue listing, job submission with the
 * streaming "dest" API on the worker's own connection, and following the
 * job and its printer through IPP Get-Job-Attributes / Get-Printer-
 * Attributes (printing.md §2). Every call here blocks, which is why it
 * only ever runs in a job's worker thread or in a CLI command.
 */
#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "printer-int.h"

static http_t *
connect_cups(void)
{
    /* 5 s to connect, 10 s per read or write: a dead server must not hang a worker
     * (printer_job_free joins it) or the CLI for long. */
    http_t *http =
        httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1, 5000, NULL);

    if (http != NULL)
        httpSetTimeout(http, 10.0, NULL, NULL);
    return http;
}

/* printer-state-reasons keywords to flags (RFC 8011 §5.4.12, PWG 5100.9); suffixes ignored. */
unsigned
printer_reasons_parse(const char *const *kw, size_t n)
{
    static const struct {
        const char *prefix;
        unsigned flag;
    } map[] = {
        {"offline", PRINTER_R_OFFLINE},         {"connecting-to-device", PRINTER_R_OFFLINE},
        {"timed-out", PRINTER_R_OFFLINE},       {"shutdown", PRINTER_R_OFFLINE},
        {"media-empty", PRINTER_R_MEDIA_EMPTY}, {"media-needed", PRINTER_R_MEDIA_EMPTY},
        {"media-jam", PRINTER_R_JAM},           {"door-open", PRINTER_R_DOOR_OPEN},
        {"cover-open", PRINTER_R_DOOR_OPEN},    {"paused", PRINTER_R_STOPPED},
    };
    unsigned r = 0;

    for (size_t i = 0; i < n; i++) {
        if (kw[i] == NULL)
            continue;
        for (size_t j = 0; j < sizeof map / sizeof map[0]; j++)
            if (strncmp(kw[i], map[j].prefix, strlen(map[j].prefix)) == 0)
                r |= map[j].flag;
    }
    return r;
}

static unsigned
reasons_of(ipp_attribute_t *attr)
{
    const char *kw[32];
    size_t n = 0;

    for (int i = 0; attr != NULL && i < ippGetCount(attr) && n < 32; i++)
        kw[n++] = ippGetString(attr, i, NULL);
    return printer_reasons_parse(kw, n);
}

static void
copy_str(char *dst, size_t len, ipp_t *ipp, const char *name)
{
    ipp_attribute_t *a = ippFindAttribute(ipp, name, IPP_TAG_ZERO);
    const char *s = a != NULL ? ippGetString(a, 0, NULL) : NULL;

    snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* Fills info from a Get-Printer-Attributes / CUPS-Get-Printers group. */
static void
info_from_ipp(ipp_t *ipp, struct printer_info *p)
{
    ipp_attribute_t *a;

    copy_str(p->name, sizeof p->name, ipp, "printer-name");
    copy_str(p->make_model, sizeof p->make_model, ipp, "printer-make-and-model");
    copy_str(p->uri, sizeof p->uri, ipp, "device-uri");
    copy_str(p->message, sizeof p->message, ipp, "printer-state-message");
    a = ippFindAttribute(ipp, "printer-state", IPP_TAG_ENUM);
    p->state = a != NULL ? ippGetInteger(a, 0) : 0;
    a = ippFindAttribute(ipp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
    p->accepting = a != NULL ? ippGetBoolean(a, 0) : 1;
    p->reasons = reasons_of(ippFindAttribute(ipp, "printer-state-reasons", IPP_TAG_KEYWORD));
    if (p->state == IPP_PSTATE_STOPPED)
        p->reasons |= PRINTER_R_STOPPED;
    if (!p->accepting)
        p->reasons |= PRINTER_R_REJECTING;
    p->zpl = strstr(p->make_model, "ZPL") != NULL || strcasestr(p->make_model, "zebra") != NULL;
    a = ippFindAttribute(ipp, "printer-resolution-default", IPP_TAG_RESOLUTION);
    if (a != NULL) {
        ipp_res_t units;
        int yres, xres = ippGetResolution(a, 0, &yres, &units);

        p->dpi = units == IPP_RES_PER_CM ? (int)(xres * 2.54 + 0.5) : xres;
    }
}

static const char *const printer_attrs[] = {
    "printer-name",
    "printer-make-and-model",
    "device-uri",
    "printer-state-message",
    "printer-state",
    "printer-is-accepting-jobs",
    "printer-state-reasons",
    "printer-resolution-default",
};

/* Get-Printer-Attributes on one queue; TT_ENOTFOUND when it does not exist. */
static int
query_printer(http_t *http, const char *name, struct printer_info *out, struct tt_err *err)
{
    char uri[HTTP_MAX_URI];
    ipp_t *req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES), *resp;

    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0,
                     "/printers/%s", name);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof printer_attrs / sizeof printer_attrs[0]), NULL, printer_attrs);
    resp = cupsDoRequest(http, req, "/");
    if (resp == NULL || ippGetStatusCode(resp) > IPP_STATUS_OK_CONFLICTING) {
        int nf = cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND;

        ippDelete(resp);
        return tt_err_set(err, nf ? TT_ENOTFOUND : TT_EDEVICE, __func__, "queue %s: %s", name,
                          cupsLastErrorString());
    }
    memset(out, 0, sizeof *out);
    info_from_ipp(resp, out);
    ippDelete(resp);
    return 0;
}

int
printer_get(const char *name, struct printer_info *out, struct tt_err *err)
{
    http_t *http = connect_cups();
    const char *def;
    int rc;

    memset(out, 0, sizeof *out);
    if (http == NULL)
        return tt_err_set(err, TT_EDEVICE, __func__, "cannot reach the CUPS server %s:%d",
                          cupsServer(), ippPort());
    def = cupsGetDefault2(http);
    if (name == NULL)
        name = def;
    if (name == NULL) {
        httpClose(http);
        return tt_err_set(err, TT_ENOTFOUND, __func__, "no default printer queue is set");
    }
    rc = query_printer(http, name, out, err);
    if (rc == 0)
        out->is_default = def != NULL && strcmp(def, name) == 0;
    httpClose(http);
    return rc;
}

int
printer_list(int (*cb)(void *ctx, const struct printer_info *p), void *ctx, struct tt_err *err)
{
    http_t *http = connect_cups();
    cups_dest_t *dests = NULL;
    int n, rc = 0;

    if (http == NULL)
        return tt_err_set(err, TT_EDEVICE, __func__, "cannot reach the CUPS server %s:%d",
                          cupsServer(), ippPort());
    n = cupsGetDests2(http, &dests);
    if (n == 0 && cupsLastError() > IPP_STATUS_OK_CONFLICTING &&
        cupsLastError() != IPP_STATUS_ERROR_NOT_FOUND) {
        httpClose(http);
        return tt_err_set(err, TT_EDEVICE, __func__, "CUPS: %s", cupsLastErrorString());
    }
    for (int i = 0; i < n && rc == 0; i++) {
        struct printer_info p;

        if (dests[i].instance != NULL || query_printer(http, dests[i].name, &p, NULL) != 0)
            continue;
        p.is_default = dests[i].is_default;
        rc = cb(ctx, &p);
    }
    cupsFreeDests(n, dests);
    httpClose(http);
    return rc;
}

enum label_format
printer_format_for(const struct printer_info *p)
{
    return p->zpl ? LABEL_FMT_ZPL : LABEL_FMT_PDF;
}

/* ---- jobs ---- */

static void
fail(struct printer_job *job, int code, const char *what)
{
    struct printer_status st = job->st;

    st.state = PRINTER_JOB_FAILED;
    st.final = 1;
    st.code = code;
    snprintf(st.message, sizeof st.message, "%s", what);
    printer_job_publish(job, &st);
}

/*
 * The media for the label: the queue's own size within 1 mm if it has one
 * (cupsGetDestMediaBySize is fuzzy, so width and length are checked), else
 * a self-describing PWG custom size.
 */
static void
pick_media(http_t *http, cups_dest_t *dest, cups_dinfo_t *info, const struct printer_job_req *r,
           char *out, size_t out_len)
{
    cups_size_t size;
    int w = (int)(r->width_mm * 100 + 0.5), h = (int)(r->height_mm * 100 + 0.5);

    if (cupsGetDestMediaBySize(http, dest, info, w, h, CUPS_MEDIA_FLAGS_DEFAULT, &size) &&
        abs(size.width - w) <= 100 && abs(size.length - h) <= 100) {
        snprintf(out, out_len, "%s", size.media);
        return;
    }
    snprintf(out, out_len, "custom_%gx%gmm_%gx%gmm", r->width_mm, r->height_mm, r->width_mm,
             r->height_mm);
}

/* Creates the job and streams the document; returns the job id or 0 (job->st says why). */
static int
submit(struct printer_job *job, http_t *http, cups_dest_t *dest, cups_dinfo_t *info)
{
    const struct printer_job_req *r = &job->req;
    const char *format = r->fmt == LABEL_FMT_ZPL   ? CUPS_FORMAT_RAW
                         : r->fmt == LABEL_FMT_PNG ? "image/png"
                                                   : CUPS_FORMAT_PDF;
    cups_option_t *opts = NULL;
    int n_opts = 0, job_id = 0;
    char copies[16], media[128];
    size_t off = 0;

    snprintf(copies, sizeof copies, "%d", r->copies);
    n_opts = cupsAddOption(CUPS_COPIES, copies, n_opts, &opts);
    if (r->fmt != LABEL_FMT_ZPL && r->width_mm > 0) {
        pick_media(http, dest, info, r, media, sizeof media);
        n_opts = cupsAddOption(CUPS_MEDIA, media, n_opts, &opts);
        /* The label is drawn at its size: never scale it to another page. */
        n_opts = cupsAddOption("print-scaling", "none", n_opts, &opts);
    }
    if (cupsCreateDestJob(http, dest, info, &job_id, r->title, n_opts, opts) >
        IPP_STATUS_OK_CONFLICTING) {
        cupsFreeOptions(n_opts, opts);
        fail(job, TT_EDEVICE, cupsLastErrorString());
        return 0;
    }
    cupsFreeOptions(n_opts, opts);
    if (cupsStartDestDocument(http, dest, info, job_id, r->title, format, 0, NULL, 1) !=
        HTTP_STATUS_CONTINUE) {
        fail(job, TT_EDEVICE, cupsLastErrorString());
        return 0;
    }
    while (off < r->len) {
        size_t n = r->len - off > 65536 ? 65536 : r->len - off;

        if (cupsWriteRequestData(http, (const char *)r->doc + off, n) != HTTP_STATUS_CONTINUE)
            break;
        off += n;
    }
    if (cupsFinishDestDocument(http, dest, info) > IPP_STATUS_OK_CONFLICTING || off < r->len) {
        fail(job, TT_EDEVICE, cupsLastErrorString());
        cupsCancelDestJob(http, dest, job_id);
        return 0;
    }
    return job_id;
}

static enum printer_job_state
state_of(int ipp_state)
{
    switch (ipp_state) {
    case IPP_JSTATE_PENDING:
        return PRINTER_JOB_PENDING;
    case IPP_JSTATE_HELD:
        return PRINTER_JOB_HELD;
    case IPP_JSTATE_PROCESSING:
        return PRINTER_JOB_PROCESSING;
    case IPP_JSTATE_STOPPED:
        return PRINTER_JOB_STOPPED;
    case IPP_JSTATE_CANCELED:
        return PRINTER_JOB_CANCELED;
    case IPP_JSTATE_ABORTED:
        return PRINTER_JOB_ABORTED;
    case IPP_JSTATE_COMPLETED:
        return PRINTER_JOB_COMPLETED;
    default:
        return PRINTER_JOB_PENDING;
    }
}

/* One Get-Job-Attributes + Get-Printer-Attributes round; fills st. */
static void
poll_once(http_t *http, const char *queue, int job_id, struct printer_status *st)
{
    static const char *const attrs[] = {"job-state", "job-state-reasons",
                                        "job-printer-state-message"};
    char uri[HTTP_MAX_URI];
    ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES), *resp;
    struct printer_info p;

    snprintf(uri, sizeof uri, "ipp://localhost/jobs/%d", job_id);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 3, NULL, attrs);
    resp = cupsDoRequest(http, req, "/");
    if (resp != NULL && ippGetStatusCode(resp) <= IPP_STATUS_OK_CONFLICTING) {
        ipp_attribute_t *a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);

        st->state = state_of(a != NULL ? ippGetInteger(a, 0) : IPP_JSTATE_PENDING);
        copy_str(st->message, sizeof st->message, resp, "job-printer-state-message");
    } else if (cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND) {
        st->state = PRINTER_JOB_GONE;
        snprintf(st->message, sizeof st->message, "CUPS no longer knows job %d", job_id);
    }
    ippDelete(resp);
    if (st->state >= PRINTER_JOB_COMPLETED)
        st->final = 1;
    if (query_printer(http, queue, &p, NULL) == 0) {
        st->reasons = p.reasons;
        if (p.message[0] != '\0' && !st->final)
            snprintf(st->message, sizeof st->message, "%s", p.message);
    } else {
        st->reasons = PRINTER_R_REMOVED;
    }
}

/* Follows the job until it is final, the caller stops us, or cancels it. */
static void
follow(struct printer_job *job, http_t *http, cups_dest_t *dest, int job_id)
{
    struct printer_status st = job->st;

    while (!st.final) {
        struct printer_status prev = st;

        if (printer_job_take_cancel(job))
            cupsCancelDestJob(http, dest, job_id);
        poll_once(http, dest->name, job_id, &st);
        if (st.state != prev.state || st.reasons != prev.reasons || st.final ||
            strcmp(st.message, prev.message) != 0)
            printer_job_publish(job, &st);
        if (!st.final && printer_job_sleep(job, job->req.poll_ms))
            break;
    }
}

void
printer_cups_run(struct printer_job *job)
{
    http_t *http = connect_cups();
    cups_dest_t *dest;
    cups_dinfo_t *info;
    struct printer_status st;
    int job_id;

    if (http == NULL) {
        char m[256];

        snprintf(m, sizeof m, "cannot reach the CUPS server %s:%d", cupsServer(), ippPort());
        fail(job, TT_EDEVICE, m);
        return;
    }
    dest = cupsGetNamedDest(http, job->req.dest, NULL);
    if (dest == NULL) {
        char m[256];

        snprintf(m, sizeof m, "no printer queue '%s'", job->req.dest ? job->req.dest : "(default)");
        fail(job, TT_ENOTFOUND, m);
        httpClose(http);
        return;
    }
    info = cupsCopyDestInfo(http, dest);
    job_id = submit(job, http, dest, info);
    if (job_id > 0) {
        st = job->st;
        st.state = PRINTER_JOB_PENDING;
        st.job_id = job_id;
        snprintf(st.job_ref, sizeof st.job_ref, "%s-%d", dest->name, job_id);
        printer_job_publish(job, &st);
        if (job->req.follow)
            follow(job, http, dest, job_id);
    }
    cupsFreeDestInfo(info);
    cupsFreeDests(1, dest);
    httpClose(http);
}
