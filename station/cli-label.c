/*
 * cli-label.c — `tramtem label render|list`, `tramtem print` and
 * `tramtem printer list|test` (DESIGN.md §3, §5): the words around
 * printers/. Printing with --lot allocates the label in the store first
 * (serial, row `queued`, event: one transaction), then sends, then records
 * sent / printed / failed with the job id, so a failed job is reprinted
 * with --label ID and never gets a second serial.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/i18n.h"
#include "../db/db.h"
#include "../gs1/gs1.h"
#include "../printers/label.h"
#include "../printers/printer.h"
#include "cli.h"
#include "intl.h"

/* The inputs shared by `label render` and `print`. */
struct label_args {
    const char *tpl_name;
    const char *data;
    const char *lot;
    const char *label_id;
    const char *weight;
    const char *out;
    const char *printer;
    const char *reason;
    int format; /* -1: not given */
    int copies;
    int dpi;
    int json;
    int wait_s;
    char *sets[32];
    size_t n_sets;
};

/* Words for a label error the user can act on; the English detail follows. */
static const char *
label_error_text(const struct tt_err *e)
{
    switch (e->detail) {
    case LABEL_E_SYNTAX:
        return _("The label template has a mistake.");
    case LABEL_E_FIELD:
        return _("A value for the label is not in the right form.");
    case LABEL_E_GS1:
        return _("The barcode data breaks a GS1 rule.");
    case LABEL_E_ZINT:
        return _("The barcode library refused the data.");
    case LABEL_E_FIT:
        return _("The barcode does not fit on the label.");
    case LABEL_E_GLYPHS:
        return _("The font cannot draw some characters of the text.");
    case LABEL_E_FONT:
        return _("The label font is not installed (package fonts-noto-core).");
    case LABEL_E_NO_TEMPLATE:
        return _("There is no label template with that name. See 'tramtem label list'.");
    default:
        return cli_code_text(e->code);
    }
}

static int
fail_err(const struct tt_err *e)
{
    return cli_fail(e->code, "%s (%s)", label_error_text(e), e->msg);
}

static char *
templates_dir(void)
{
    static char dir[PATH_MAX];

    snprintf(dir, sizeof dir, "%s/labels", tt_datadir());
    return dir;
}

/* --set KEY=VALUE and --weight into fields. */
static int
apply_sets(struct label_fields *f, const struct label_args *a, struct tt_err *err)
{
    int rc = 0;

    if (a->weight != NULL)
        rc = label_fields_set(f, "weight", a->weight, err);
    for (size_t i = 0; i < a->n_sets && rc == 0; i++) {
        char *eq = strchr(a->sets[i], '=');

        if (eq == NULL)
            return tt_err_setd(err, TT_EUSAGE, LABEL_E_FIELD, __func__, "--set %s: write KEY=VALUE",
                               a->sets[i]);
        *eq = '\0';
        rc = label_fields_set(f, a->sets[i], eq + 1, err);
        *eq = '=';
    }
    return rc;
}

static int
parse_label_args(const char *cmd, int argc, char **argv, struct label_args *a)
{
    static const struct option opts[] = {
        {"template", required_argument, NULL, 't'},
        {"data", required_argument, NULL, 'd'},
        {"lot", required_argument, NULL, 'l'},
        {"label", required_argument, NULL, 'L'},
        {"weight", required_argument, NULL, 'w'},
        {"set", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"printer", required_argument, NULL, 'p'},
        {"copies", required_argument, NULL, 'c'},
        {"dpi", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},
        {"wait", required_argument, NULL, 'W'},
        {"reason", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(a, 0, sizeof *a);
    a->format = -1;
    a->copies = 1;
    a->wait_s = 60;
    while ((c = getopt_long(argc, argv, "t:d:l:w:s:f:o:p:c:", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            a->tpl_name = optarg;
            break;
        case 'd':
            a->data = optarg;
            break;
        case 'l':
            a->lot = optarg;
            break;
        case 'L':
            a->label_id = optarg;
            break;
        case 'w':
            a->weight = optarg;
            break;
        case 's':
            if (a->n_sets == sizeof a->sets / sizeof a->sets[0])
                return cli_usage_error(cmd, _("too many --set options"));
            a->sets[a->n_sets++] = optarg;
            break;
        case 'f':
            a->format = label_format_parse(optarg);
            if (a->format < 0)
                return cli_usage_error(cmd, _("--format must be pdf, png or zpl"));
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'p':
            a->printer = optarg;
            break;
        case 'c':
            a->copies = atoi(optarg);
            if (a->copies < 1 || a->copies > 999)
                return cli_usage_error(cmd, _("--copies must be between 1 and 999"));
            break;
        case 'r':
            a->dpi = atoi(optarg);
            if (a->dpi < 72 || a->dpi > 1200)
                return cli_usage_error(cmd, _("--dpi must be between 72 and 1200"));
            break;
        case 'j':
            a->json = 1;
            break;
        case 'W':
            a->wait_s = atoi(optarg);
            if (a->wait_s < 0 || a->wait_s > 3600)
                return cli_usage_error(cmd, _("--wait must be between 0 and 3600 seconds"));
            break;
        case 'R':
            a->reason = optarg;
            break;
        default:
            return TT_EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, _("unexpected argument '%s' (options start with --)"),
                               argv[optind]);
    if ((a->data != NULL) + (a->lot != NULL) + (a->label_id != NULL) != 1)
        return cli_usage_error(cmd, _("give exactly one of --data GS1, --lot ID or --label ID"));
    return 0;
}

/*
 * Fields from --data: the GS1 message's AIs, then --set values on top.
 * The template comes from --template.
 */
static int
fields_from_data(const struct label_args *a, struct label_fields *f, struct tt_err *err)
{
    struct gs1_msg msg;
    int rc = gs1_parse(a->data, strlen(a->data), &msg, err);

    if (rc != 0) {
        err->detail = LABEL_E_GS1;
        return rc;
    }
    rc = label_fields_from_gs1(f, &msg, err);
    return rc != 0 ? rc : apply_sets(f, a, err);
}

/* Writes s as a JSON string (quotes, backslashes and control characters escaped). */
static void
json_str(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static int
write_file(const char *path, const unsigned char *data, size_t len, struct tt_err *err)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    int ok;

    if (fp == NULL)
        return tt_err_set(err, TT_EIO, __func__, "%s: %s", path, strerror(errno));
    ok = fwrite(data, 1, len, fp) == len;
    ok = (fp == stdout ? fflush(fp) : fclose(fp)) == 0 && ok;
    return ok ? 0 : tt_err_set(err, TT_EIO, __func__, "%s: write failed", path);
}

static int fields_from_lot(struct db *db, const struct label_args *a, struct label_fields *f,
                           char *tpl, size_t tpl_len, struct tt_err *err);

/* A preview from a lot: nothing is recorded and no serial is taken. */
static int
render_fields_from_lot(struct cli_ctx *ctx, const struct label_args *a, struct label_fields *f,
                       char *tpl, size_t tpl_len, struct tt_err *err)
{
    struct db *db = NULL;
    int rc = db_open(ctx->db_path, DB_OPEN_READONLY, &db, err);

    if (rc == 0)
        rc = fields_from_lot(db, a, f, tpl, tpl_len, err);
    db_close(db);
    return rc;
}

static int
label_render_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
    struct label_args a;
    struct label_tpl *tpl = NULL;
    struct label_fields *f = label_fields_new();
    struct tt_err err = {0};
    struct label_info info;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = parse_label_args("label render", argc, argv, &a);

    char tpl_name[LABEL_NAME_MAX] = "";

    if (rc == 0 && (a.out == NULL || a.format < 0 || (a.data != NULL && a.tpl_name == NULL)))
        rc = cli_usage_error("label render", _("--template, --format and -o FILE are needed"));
    if (rc == 0 && a.label_id != NULL)
        rc = cli_usage_error("label render", _("label render takes --data or --lot"));
    if (rc != 0) {
        label_fields_free(f);
        return rc;
    }
    if (a.tpl_name != NULL)
        snprintf(tpl_name, sizeof tpl_name, "%s", a.tpl_name);
    if (a.data != NULL)
        rc = fields_from_data(&a, f, &err);
    else
        rc = render_fields_from_lot(ctx, &a, f, tpl_name, sizeof tpl_name, &err);
    if (rc == 0)
        rc = label_tpl_find(templates_dir(), tpl_name, &tpl, &err);
    if (rc == 0)
        rc = label_render(tpl, f, (enum label_format)a.format, a.dpi, &data, &len, &info, &err);
    if (rc == 0)
        rc = write_file(a.out, data, len, &err);
    if (rc == 0 && a.json) {
        printf("{\"template\":");
        json_str(label_tpl_name(tpl));
        printf(",\"dpi\":%d,\"width\":%d,\"height\":%d,\"barcodes\":[", info.dpi, info.width_dots,
               info.height_dots);
        for (size_t i = 0; i < info.n_barcodes; i++) {
            printf("%s{\"hri\":", i > 0 ? "," : "");
            json_str(info.barcode[i].dl ? info.barcode[i].data : info.barcode[i].hri);
            printf(",\"module_dots\":%d,\"rows\":%d}", info.barcode[i].module_dots,
                   info.barcode[i].rows);
        }
        printf("]}\n");
    }
    free(data);
    label_tpl_free(tpl);
    label_fields_free(f);
    return rc == 0 ? TT_EXIT_OK : fail_err(&err);
}

static int
list_one(void *ctx, const char *path, const struct label_tpl *tpl, const struct tt_err *perr)
{
    int *bad = ctx;

    if (tpl == NULL) {
        fprintf(stderr, _("tramtem: %s cannot be used: %s\n"), path, perr->msg);
        *bad = 1;
        return 0;
    }
    printf("%-16s %5.0f x %-5.0f mm  %4d dpi  %-34s %s\n", label_tpl_name(tpl),
           label_tpl_width_mm(tpl), label_tpl_height_mm(tpl), label_tpl_dpi(tpl),
           label_tpl_carriers(tpl), label_tpl_title(tpl));
    return 0;
}

static int
label_list_cmd(void)
{
    struct tt_err err = {0};
    int bad = 0;

    if (label_tpl_list(templates_dir(), list_one, &bad, &err) != 0)
        return cli_fail(err.code, "%s (%s)", cli_code_text(err.code), err.msg);
    return bad ? TT_EXIT_DATAERR : TT_EXIT_OK;
}

/* ---- print ---- */

/* "1.25" kg -> 1250 g, digits only; -1 when not a weight. */
static long long
grams_of(const char *kg)
{
    long long g = 0;
    int dec = -1;

    if (kg == NULL || *kg == '\0')
        return -1;
    for (const char *s = kg; *s != '\0'; s++) {
        if ((*s == '.' || *s == ',') && dec < 0) {
            dec = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || (dec >= 0 && ++dec > 3) || g > 100000000)
            return -1;
        g = g * 10 + (*s - '0');
    }
    for (int i = dec < 0 ? 0 : dec; i < 3; i++)
        g *= 10;
    return g;
}

/* Fields of a stored label: product, lot, place and cooperative around it. */
static int
fields_from_label(struct db *db, const struct db_label *l, struct label_fields *f,
                  struct tt_err *err)
{
    struct db_product prod = {0};
    struct db_lot lot = {0};
    struct db_place place = {0};
    struct db_settings set = {0};
    char w[32];
    int rc = db_product_get(db, l->product_id, &prod, err);

    if (rc == 0)
        rc = db_lot_get(db, l->lot_id, &lot, err);
    if (rc == 0)
        rc = db_settings_get(db, &set, err);
    if (rc == 0 && lot.place_id != 0 && db_place_get(db, lot.place_id, &place, NULL) == 0) {
        label_fields_set(f, "place.name", place.name, NULL);
        label_fields_set(f, "place.province",
                         place.province[0] != '\0' ? place.province : set.coop_province, NULL);
    } else if (rc == 0) {
        label_fields_set(f, "place.province", set.coop_province, NULL);
    }
    if (rc != 0)
        return rc;
    snprintf(w, sizeof w, "%lld.%03lld", (long long)(l->net_weight_g / 1000),
             (long long)(l->net_weight_g % 1000));
    label_fields_set(f, "product.name", prod.name_vi, NULL);
    label_fields_set(f, "product.name_en", prod.name_en, NULL);
    label_fields_set(f, "coop.name", set.coop_name, NULL);
    label_fields_set(f, "gtin", l->gtin, NULL);
    label_fields_set(f, "lot", l->lot_code, NULL);
    label_fields_set(f, "serial", l->serial, NULL);
    label_fields_set(f, "sscc", l->sscc, NULL);
    label_fields_set(f, "expiry", l->expiry, NULL);
    label_fields_set(f, "harvest", lot.harvest_from, NULL);
    if (l->net_weight_g > 0)
        label_fields_set(f, "weight", w, NULL);
    return 0;
}

/* YYYY-MM-DD plus `days` into out (11 bytes); "" when the date is not one. */
static void
date_add(const char *ymd, int days, char out[11])
{
    struct tm tm = {0};
    time_t t;

    out[0] = '\0';
    if (strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    t = timegm(&tm) + (time_t)days * 86400;
    if (gmtime_r(&t, &tm) != NULL)
        strftime(out, 11, "%Y-%m-%d", &tm);
}

/*
 * Fields of an open lot for a preview (label render --lot): no serial, the
 * expiry from the product's shelf life counted from the harvest.
 */
static int
fields_from_lot(struct db *db, const struct label_args *a, struct label_fields *f, char *tpl,
                size_t tpl_len, struct tt_err *err)
{
    struct db_label l;
    struct db_product prod = {0};
    struct db_lot lot = {0};
    long long g = a->weight != NULL ? grams_of(a->weight) : 0;
    int rc;

    if (g < 0)
        return tt_err_setd(err, TT_EINVAL, LABEL_E_FIELD, __func__,
                           "--weight %s is not a weight in kg", a->weight);
    rc = db_lot_get(db, strtoll(a->lot, NULL, 10), &lot, err);
    if (rc == 0)
        rc = db_product_get(db, lot.product_id, &prod, err);
    if (rc != 0)
        return rc;
    memset(&l, 0, sizeof l);
    l.lot_id = lot.id;
    l.product_id = prod.id;
    l.net_weight_g = g;
    snprintf(l.gtin, sizeof l.gtin, "%s", prod.gtin);
    snprintf(l.lot_code, sizeof l.lot_code, "%s", lot.code);
    if (prod.shelf_life_days > 0)
        date_add(lot.harvest_from, prod.shelf_life_days, l.expiry);
    if (tpl[0] == '\0')
        snprintf(tpl, tpl_len, "%s", prod.template);
    rc = fields_from_label(db, &l, f, err);
    return rc != 0 ? rc : apply_sets(f, a, err);
}

/*
 * Renders the label once with a stand-in serial and SSCC before anything
 * is allocated, so that a mistake in the data or the template (a lot too
 * long for the barcode, a pallet without a count) costs no serial number.
 */
static int
preflight(struct db *db, const struct label_args *a, struct tt_err *err)
{
    struct label_fields *f = label_fields_new();
    struct label_tpl *tpl = NULL;
    char name[LABEL_NAME_MAX] = "", sscc[19];
    unsigned char *out = NULL;
    size_t len = 0;
    int rc;

    if (a->tpl_name != NULL)
        snprintf(name, sizeof name, "%s", a->tpl_name);
    rc = fields_from_lot(db, a, f, name, sizeof name, err);
    if (rc == 0)
        rc = gs1_sscc_make(0, "0000000", 999999999ULL, sscc, err);
    if (rc == 0) {
        label_fields_set(f, "serial", "999999", NULL);
        label_fields_set(f, "sscc", sscc, NULL);
        rc = label_tpl_find(templates_dir(), name, &tpl, err);
    }
    if (rc == 0)
        rc = label_render(tpl, f, LABEL_FMT_PNG, 0, &out, &len, NULL, err);
    free(out);
    label_tpl_free(tpl);
    label_fields_free(f);
    return rc;
}

/* Allocates (--lot) or loads (--label) the label row; fills fields and the template name. */
static int
prepare_record(struct db *db, const struct label_args *a, struct db_label *l,
               struct label_fields *f, struct tt_err *err)
{
    int rc;

    if (a->lot != NULL) {
        struct db_label_new req = {0};
        long long g = a->weight != NULL ? grams_of(a->weight) : 0;

        if (g < 0)
            return tt_err_setd(err, TT_EINVAL, LABEL_E_FIELD, __func__,
                               "--weight %s is not a weight in kg", a->weight);
        req.lot_id = strtoll(a->lot, NULL, 10);
        req.net_weight_g = g;
        req.template = a->tpl_name;
        req.sscc = a->tpl_name != NULL && strncmp(a->tpl_name, "pallet", 6) == 0;
        rc = db_label_allocate(db, &req, l, err);
    } else {
        rc = db_label_get(db, strtoll(a->label_id, NULL, 10), l, err);
        if (rc == 0 && l->state == DB_LABEL_VOID)
            rc = tt_err_set(err, TT_ESTATE, __func__, "label %s is void", a->label_id);
        if (rc == 0 && l->state == DB_LABEL_PRINTED && a->reason == NULL)
            rc = tt_err_set(err, TT_ESTATE, __func__,
                            "label %s was printed; a reprint needs --reason", a->label_id);
    }
    if (rc == 0)
        rc = fields_from_label(db, l, f, err);
    return rc != 0 ? rc : apply_sets(f, a, err);
}

/* The operator's words for what the printer reports. */
static void
tell_printer(const struct printer_status *st, const char *queue)
{
    if (st->reasons & PRINTER_R_REMOVED)
        fprintf(stderr, _("Printer %s has been removed.\n"), queue);
    else if (st->reasons & PRINTER_R_MEDIA_EMPTY)
        fprintf(stderr, _("Printer %s is out of labels: load a new roll.\n"), queue);
    else if (st->reasons & PRINTER_R_OFFLINE)
        fprintf(stderr, _("Printer %s is offline: check its cable and power.\n"), queue);
    else if (st->reasons & (PRINTER_R_JAM | PRINTER_R_DOOR_OPEN))
        fprintf(stderr, _("Printer %s is jammed or open: clear it and close the cover.\n"), queue);
    else if (st->reasons & PRINTER_R_STOPPED)
        fprintf(stderr, _("Printer %s is stopped; the label waits in its queue.\n"), queue);
    if (st->state == PRINTER_JOB_HELD)
        fprintf(stderr, _("The print job is held in the queue.\n"));
}

static const char *
outcome_text(const struct printer_status *st)
{
    switch (st->state) {
    case PRINTER_JOB_COMPLETED:
        return _("Printed.");
    case PRINTER_JOB_CANCELED:
        return _("The print job was cancelled.");
    case PRINTER_JOB_ABORTED:
        return _("The printer gave up on the job.");
    case PRINTER_JOB_GONE:
        return _("The print job disappeared from the queue (was the printer removed?).");
    case PRINTER_JOB_FAILED:
        return _("The label could not be sent to the printer.");
    default:
        return _("The label is still waiting at the printer.");
    }
}

/* Records the job's progress on the label row (when there is one). */
static void
record(struct db *db, const struct db_label *l, enum db_label_state state, const char *queue,
       const struct printer_status *st)
{
    /* The reason is kept for failures (a reprint shows why); success needs none. */
    struct db_label_mark m = {
        .printer = queue,
        .job_id = st->job_ref,
        .reason = state == DB_LABEL_FAILED && st->message[0] != '\0' ? st->message : NULL};
    struct tt_err err = {0};

    if (db == NULL)
        return;
    if (db_label_mark(db, l->id, state, &m, &err) != 0)
        fprintf(stderr, _("tramtem: the label record could not be updated: %s\n"), err.msg);
}

/*
 * Waits for the job: records `sent` once cupsd took it, then `printed` or
 * `failed`. A stopped / offline / empty printer is told at once and the
 * command returns with the label left `sent` (the job stays queued).
 */
static int
follow_job(struct printer_job *job, struct db *db, const struct db_label *l, const char *queue,
           int wait_s, int json)
{
    /* Conditions that keep the job waiting until someone acts on the printer. */
    const unsigned blocking = PRINTER_R_STOPPED | PRINTER_R_MEDIA_EMPTY | PRINTER_R_JAM |
                              PRINTER_R_DOOR_OPEN | PRINTER_R_REMOVED;
    struct printer_status st = {0};
    int sent = 0, told_offline = 0, rc = TT_ETIMEOUT;

    for (int waited = 0; waited <= wait_s * 10; waited++) {
        rc = printer_job_wait(job, 100, &st);
        if (!sent && st.job_id > 0 && st.state != PRINTER_JOB_FAILED) {
            record(db, l, DB_LABEL_SENT, queue, &st);
            sent = 1;
        }
        if (rc == 0 || (sent && (st.reasons & blocking) != 0) || st.state == PRINTER_JOB_STOPPED ||
            st.state == PRINTER_JOB_HELD)
            break;
        /* "connecting-to-device" also shows briefly on every socket job: say it, keep waiting */
        if (sent && (st.reasons & PRINTER_R_OFFLINE) && waited >= 30 && !told_offline) {
            tell_printer(&st, queue);
            told_offline = 1;
        }
    }
    if (json) {
        printf("{\"label\":%" PRId64 ",\"state\":\"%s\",\"job\":", db != NULL ? l->id : (int64_t)0,
               printer_job_state_name(st.state));
        json_str(st.job_ref);
        printf(",\"message\":");
        json_str(st.message);
        printf("}\n");
    }
    if (st.state == PRINTER_JOB_COMPLETED) {
        record(db, l, DB_LABEL_PRINTED, queue, &st);
        fprintf(stderr, "%s %s\n", outcome_text(&st), st.job_ref);
        return TT_EXIT_OK;
    }
    if (st.final) {
        record(db, l, DB_LABEL_FAILED, queue, &st);
        return cli_fail(st.code != 0 ? st.code : TT_EDEVICE, "%s (%s)", outcome_text(&st),
                        st.message);
    }
    tell_printer(&st, queue);
    return cli_fail(TT_EDEVICE, _("The label is not printed yet (job %s, %s)."), st.job_ref,
                    printer_job_state_name(st.state));
}

/*
 * Picks the format for the destination (PDF for files, ZPL for Zebra
 * queues) and, for a raster format, the queue's resolution into *dpi when
 * --dpi was not given: a ZPL graphic must be drawn at the head's dots.
 */
static int
format_for_dest(const struct label_args *a, const char *dest, int *dpi, struct tt_err *err)
{
    struct printer_info pi;
    int rc;

    *dpi = a->dpi;
    if (dest != NULL && strncmp(dest, "file:", 5) == 0)
        return a->format >= 0 ? a->format : LABEL_FMT_PDF;
    rc = printer_get(dest, &pi, err);
    if (rc != 0)
        return rc;
    if (*dpi == 0 && pi.dpi >= 150 && pi.dpi <= 600)
        *dpi = pi.dpi;
    return a->format >= 0 ? a->format : (int)printer_format_for(&pi);
}

static int
print_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
    struct label_args a;
    struct label_tpl *tpl = NULL;
    struct label_fields *f = label_fields_new();
    struct tt_err err = {0};
    struct db *db = NULL;
    struct db_label l;
    struct printer_job *job = NULL;
    unsigned char *doc = NULL;
    size_t len = 0;
    char title[64];
    int rc = parse_label_args("print", argc, argv, &a), fmt = 0, dpi = 0;

    if (rc == 0 && a.data != NULL && a.tpl_name == NULL)
        rc = cli_usage_error("print", _("--data needs --template NAME"));
    if (rc != 0) {
        label_fields_free(f);
        return rc;
    }
    memset(&l, 0, sizeof l);
    /* The queue first: a missing printer must not cost a serial number. */
    if ((fmt = format_for_dest(&a, a.printer, &dpi, &err)) < 0) {
        label_fields_free(f);
        if (fmt == TT_ENOTFOUND)
            return cli_fail(TT_EDEVICE,
                            _("There is no printer queue '%s'. See 'tramtem printer list'."),
                            a.printer != NULL ? a.printer : "(default)");
        return cli_fail(fmt, "%s (%s)", cli_code_text(fmt), err.msg);
    }
    if (rc == 0 && a.data != NULL) {
        rc = fields_from_data(&a, f, &err);
    } else if (rc == 0) {
        rc = db_open(ctx->db_path, 0, &db, &err);
        if (rc == 0 && a.lot != NULL)
            rc = preflight(db, &a, &err);
        if (rc == 0)
            rc = prepare_record(db, &a, &l, f, &err);
    }
    if (rc == 0)
        rc = label_tpl_find(templates_dir(), a.tpl_name != NULL ? a.tpl_name : l.template, &tpl,
                            &err);
    if (rc == 0)
        rc = label_render(tpl, f, (enum label_format)fmt, fmt == LABEL_FMT_PDF ? a.dpi : dpi, &doc,
                          &len, NULL, &err);
    if (l.id > 0)
        snprintf(title, sizeof title, "label-%" PRId64, l.id);
    else
        snprintf(title, sizeof title, "%s", a.tpl_name != NULL ? a.tpl_name : "label");
    if (rc == 0) {
        struct printer_job_req req = {.dest = a.printer,
                                      .doc = doc,
                                      .len = len,
                                      .fmt = (enum label_format)fmt,
                                      .title = title,
                                      .copies = a.copies,
                                      .width_mm = label_tpl_width_mm(tpl),
                                      .height_mm = label_tpl_height_mm(tpl),
                                      .follow = 1};

        rc = printer_job_start(&req, &job, &err);
    }
    if (rc != 0) {
        if (db != NULL && l.id > 0) {
            struct printer_status st = {.state = PRINTER_JOB_FAILED};

            snprintf(st.message, sizeof st.message, "%s", err.msg);
            record(db, &l, DB_LABEL_FAILED, a.printer, &st);
        }
        rc = err.detail != 0 ? fail_err(&err)
                             : cli_fail(err.code, "%s (%s)", cli_code_text(err.code), err.msg);
    } else {
        if (l.id > 0)
            printf("%" PRId64 "\n", l.id);
        rc = follow_job(job, db, &l, a.printer != NULL ? a.printer : "", a.wait_s, a.json);
    }
    printer_job_free(job);
    free(doc);
    label_tpl_free(tpl);
    label_fields_free(f);
    db_close(db);
    return rc;
}

int
cli_print(struct cli_ctx *ctx, int argc, char **argv)
{
    int rc = print_cmd(ctx, argc, argv);

    label_shutdown(); /* the command ends here: leave no font caches to the leak checker */
    return rc;
}

/* ---- printer list | test ---- */

static const char *
printer_state_text(const struct printer_info *p)
{
    if (p->reasons & PRINTER_R_MEDIA_EMPTY)
        return _("out of labels");
    if (p->reasons & PRINTER_R_OFFLINE)
        return _("printer offline");
    if (p->reasons & PRINTER_R_STOPPED)
        return _("printer stopped");
    if (p->reasons & PRINTER_R_REJECTING)
        return _("not accepting jobs");
    if (p->state == 4)
        return _("printing a job");
    return _("ready to print");
}

static int
list_printer(void *ctx, const struct printer_info *p)
{
    int *n = ctx;

    (*n)++;
    printf("%s%-20s %-18s %-4s %s  %s\n", p->is_default ? "*" : " ", p->name, printer_state_text(p),
           p->zpl ? "ZPL" : "PDF", p->make_model, p->uri);
    return 0;
}

static int
printer_test_cmd(int argc, char **argv)
{
    char *pargv[16];
    int n = 0;
    struct cli_ctx none = {0};
    static char a0[] = "print", t[] = "--template", tn[] = "case-100x50", d[] = "--data",
                dv[] = "(01)09506000134352(3103)001250(13)261125(10)TEST-1", pr[] = "--printer",
                st[] = "--set", sv[] = "product.name=Bưởi Luận Văn – Thọ Xuân, Thanh Hóa (TEST)";

    pargv[n++] = a0;
    pargv[n++] = t;
    pargv[n++] = tn;
    pargv[n++] = d;
    pargv[n++] = dv;
    pargv[n++] = st;
    pargv[n++] = sv;
    if (argc > 2) {
        pargv[n++] = pr;
        pargv[n++] = argv[2];
    }
    pargv[n] = NULL;
    optind = 0;
    return print_cmd(&none, n, pargv);
}

int
cli_printer(struct cli_ctx *ctx, int argc, char **argv)
{
    struct tt_err err = {0};
    int n = 0;

    (void)ctx;
    if (argc < 2)
        return cli_usage_error("printer", _("use: printer list | printer test [QUEUE]"));
    if (strcmp(argv[1], "list") == 0) {
        if (printer_list(list_printer, &n, &err) != 0)
            return cli_fail(err.code, "%s (%s)", cli_code_text(err.code), err.msg);
        if (n == 0)
            fprintf(stderr,
                    _("No printer queue. Labels can go to PDF files: --printer file:DIR\n"));
        return TT_EXIT_OK;
    }
    if (strcmp(argv[1], "test") == 0) {
        int rc = printer_test_cmd(argc, argv);

        label_shutdown();
        return rc;
    }
    return cli_usage_error("printer", _("unknown subcommand '%s' (use list or test)"), argv[1]);
}

int
cli_label(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("label", _("use: label render ... | label list"));
    if (strcmp(argv[1], "render") == 0) {
        int rc = label_render_cmd(ctx, argc - 1, argv + 1);

        label_shutdown();
        return rc;
    }
    if (strcmp(argv[1], "list") == 0)
        return label_list_cmd();
    return cli_usage_error("label", _("unknown subcommand '%s' (use render or list)"), argv[1]);
}
