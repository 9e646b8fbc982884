/*
 * cli-kiosk.c — `tramtem` (the kiosk on the configured database),
 * `tramtem demo` (a fresh demo database, simulated scale and scanner,
 * labels to the CUPS default printer or to PDF files) and `tramtem report
 * daily` (kg per product per day as text, CSV or a PNG bar chart).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/i18n.h"
#include "../db/db.h"
#include "../printers/printer.h"
#include "cli.h"
#include "core.h"
#include "intl.h"
#include "kiosk.h"

static int
kiosk_fail(const struct tt_err *e)
{
    if (e->code == TT_ENOTFOUND && strstr(e->msg, "tramtem init") != NULL)
        return cli_fail(e->code, "%s (%s)",
                        _("There is no station database yet: create it with 'tramtem init'."),
                        e->msg);
    return cli_fail(e->code, "%s (%s)", cli_code_text(e->code), e->msg);
}

static int
need_terminal(void)
{
    if (isatty(0) && isatty(1))
        return 0;
    return cli_fail(TT_EUSAGE, "%s", _("The kiosk needs a terminal (run it on a console)."));
}

static char *
labels_dir(void)
{
    static char dir[PATH_MAX];

    snprintf(dir, sizeof dir, "%s/labels", tt_datadir());
    return dir;
}

static const char *
env_or(const char *value, const char *name)
{
    const char *e = getenv(name);

    return value != NULL ? value : (e != NULL && *e != '\0' ? e : NULL);
}

/* ---- tramtem (kiosk) -------------------------------------------------------- */

int
cli_kiosk(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"scale", required_argument, NULL, 's'},
        {"scanner", required_argument, NULL, 'c'},
        {"printer", required_argument, NULL, 'p'},
        {"auto", no_argument, NULL, 'a'},
        {"scan-back", no_argument, NULL, 'b'},
        {"export-to", required_argument, NULL, 'e'},
        {NULL, 0, NULL, 0},
    };
    struct kiosk_opts o = {0};
    struct tt_err err = {0};
    int c, scan_back = 0;

    optind = 0; /* also when main() runs the kiosk as the default command */
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            o.scale_spec = optarg;
            break;
        case 'c':
            o.scanner_spec = optarg;
            break;
        case 'p':
            o.printer = optarg;
            break;
        case 'a':
            o.auto_print = 1;
            break;
        case 'b':
            scan_back = 1;
            break;
        case 'e':
            o.export_to = optarg;
            break;
        default:
            return cli_usage_error(
                "kiosk", "%s",
                _("options: --scale SPEC --scanner SPEC --printer QUEUE|file:DIR "
                  "--auto --scan-back --export-to DIR"));
        }
    }
    o.db_path = ctx->db_path;
    o.scale_spec = env_or(o.scale_spec, "TRAMTEM_SCALE");
    o.scanner_spec = env_or(o.scanner_spec, "TRAMTEM_SCANNER");
    o.printer = env_or(o.printer, "TRAMTEM_PRINTER");
    o.export_to = env_or(o.export_to, "TRAMTEM_EXPORT_TO");
    o.labels_dir = labels_dir();
    o.lang_en = ctx->lang == TT_LANG_EN;
    o.scan_back = scan_back || o.scanner_spec != NULL;
    if (need_terminal() != 0)
        return TT_EXIT_USAGE;
    if (kiosk_run(&o, &err) != 0)
        return kiosk_fail(&err);
    return TT_EXIT_OK;
}

/* ---- tramtem demo ------------------------------------------------------------ */

static int
mkdir_p(const char *path)
{
    char buf[PATH_MAX];

    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p != '\0'; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void
demo_default_dir(char *out, size_t len)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

    if (xdg != NULL && *xdg == '/')
        snprintf(out, len, "%s/tramtem/demo", xdg);
    else if (home != NULL && *home == '/')
        snprintf(out, len, "%s/.local/state/tramtem/demo", home);
    else
        snprintf(out, len, "/tmp/tramtem-demo-%u", (unsigned)getuid());
}

/* "Name, PIN 1234" of the demo cooperative's first manager, from coop.json. */
static void
demo_hint(const char *demo_dir, char *out, size_t len)
{
    char path[PATH_MAX + 16];
    json_t *root, *ops;
    size_t i;
    json_t *op;

    out[0] = '\0';
    snprintf(path, sizeof path, "%s/coop.json", demo_dir);
    root = json_load_file(path, 0, NULL);
    ops = json_object_get(root, "operators");
    json_array_foreach(ops, i, op)
    {
        const char *role = json_string_value(json_object_get(op, "role"));
        const char *name = json_string_value(json_object_get(op, "name"));
        const char *pin = json_string_value(json_object_get(op, "pin"));

        if (role != NULL && name != NULL && pin != NULL && strcmp(role, "manager") == 0) {
            snprintf(out, len, "%s, PIN %s", name, pin);
            break;
        }
    }
    json_decref(root);
}

static int
demo_fresh_db(const char *db_path, const char *demo_dir, struct tt_err *err)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char p[PATH_MAX + 8];
    struct db *db = NULL;
    int rc;

    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            return tt_err_set(err, TT_EIO, "demo", "cannot remove %s: %s", p, strerror(errno));
    }
    rc = db_open(db_path, DB_OPEN_CREATE, &db, err);
    if (rc == 0)
        rc = db_demo_load(db, demo_dir, err);
    db_close(db);
    return rc;
}

int
cli_demo(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"printer", required_argument, NULL, 'p'},
        {"keep", no_argument, NULL, 'k'},
        {"auto", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    char dir[PATH_MAX - 64], db_path[PATH_MAX], out_dir[PATH_MAX], printer[PATH_MAX + 8];
    char demo_dir[PATH_MAX], hint[300];
    struct kiosk_opts o = {0};
    struct tt_err err = {0};
    struct stat st;
    int c, keep = 0;

    demo_default_dir(dir, sizeof dir);
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            snprintf(dir, sizeof dir, "%s", optarg);
            break;
        case 'p':
            o.printer = optarg;
            break;
        case 'k':
            keep = 1;
            break;
        case 'a':
            o.auto_print = 1;
            break;
        default:
            return cli_usage_error("demo", "%s",
                                   _("options: --dir DIR --printer QUEUE|file:DIR --keep --auto"));
        }
    }
    if (need_terminal() != 0)
        return TT_EXIT_USAGE;
    snprintf(db_path, sizeof db_path, "%s/station.db", dir);
    snprintf(out_dir, sizeof out_dir, "%s/labels", dir);
    snprintf(demo_dir, sizeof demo_dir, "%s/demo", tt_datadir());
    if (o.printer != NULL && strncmp(o.printer, "file:", 5) == 0 && mkdir_p(o.printer + 5) != 0)
        return cli_fail(TT_EIO, _("Cannot create the demo folder %s (%s)."), o.printer + 5,
                        strerror(errno));
    if (mkdir_p(dir) != 0 || mkdir_p(out_dir) != 0)
        return cli_fail(TT_EIO, _("Cannot create the demo folder %s (%s)."), dir, strerror(errno));
    if ((!keep || stat(db_path, &st) != 0) && demo_fresh_db(db_path, demo_dir, &err) != 0)
        return kiosk_fail(&err);
    if (o.printer == NULL && printer_get(NULL, &(struct printer_info){0}, NULL) != 0) {
        snprintf(printer, sizeof printer, "file:%s", out_dir);
        o.printer = printer; /* no CUPS printer here: PDF files in the demo folder */
    }
    demo_hint(demo_dir, hint, sizeof hint);
    o.db_path = db_path;
    o.scale_spec = "sim:";
    o.scanner_spec = "sim:";
    o.labels_dir = labels_dir();
    o.demo_hint = hint[0] != '\0' ? hint : NULL;
    o.demo = 1;
    o.scan_back = 1;
    o.lang_en = ctx->lang == TT_LANG_EN;
    if (kiosk_run(&o, &err) != 0)
        return kiosk_fail(&err);
    fprintf(stderr, _("Demo database: %s\n"), db_path);
    fprintf(stderr, _("Labels: %s\n"),
            o.printer != NULL ? o.printer : _("the CUPS default printer"));
    return TT_EXIT_OK;
}

/* ---- tramtem report daily ------------------------------------------------------ */

/* Prints s left-aligned in `width` terminal columns (Vietnamese letters are multibyte). */
static void
put_padded(FILE *out, const char *s, int width)
{
    int cols = (int)mbstowcs(NULL, s, 0);

    fputs(s, out);
    for (int i = cols < 0 ? (int)strlen(s) : cols; i < width; i++)
        fputc(' ', out);
}

static void
report_txt(const struct core_summary *s, FILE *out)
{
    char kg[32];
    int rows = 0;

    fprintf(out, _("Daily totals from %s to %s (printed labels)\n"), s->day[0],
            s->day[s->n_days - 1]);
    put_padded(out, _("Date"), 12);
    put_padded(out, _("Product"), 44);
    fprintf(out, "%8s %12s\n", _("Labels"), "kg");
    for (int d = 0; d < s->n_days; d++)
        for (int p = 0; p < s->n_products; p++) {
            if (s->labels[p][d] == 0)
                continue;
            core_format_kg(s->grams[p][d] * 1000, kg, sizeof kg);
            put_padded(out, s->day[d], 12);
            put_padded(out, s->product[p], 44);
            fprintf(out, "%8lld %12s\n", (long long)s->labels[p][d], kg);
            rows++;
        }
    if (rows == 0)
        fprintf(out, "%s\n", _("No labels in these days."));
}

static void
csv_field(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void
report_csv(const struct core_summary *s, FILE *out)
{
    char kg[32];

    fputs("date,product,labels,kg\n", out);
    for (int d = 0; d < s->n_days; d++)
        for (int p = 0; p < s->n_products; p++) {
            if (s->labels[p][d] == 0)
                continue;
            core_format_kg(s->grams[p][d] * 1000, kg, sizeof kg);
            fprintf(out, "%s,", s->day[d]);
            csv_field(out, s->product[p]);
            fprintf(out, ",%lld,%s\n", (long long)s->labels[p][d], kg);
        }
}

static void
png_text(cairo_t *cr, double x, double y, const char *font, const char *text)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);

    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, text, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
}

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* A stacked bar per day, one grey per product (legible in black and white). */
static int
report_png(const struct core_summary *s, FILE *out)
{
    const int w = 800, h = 480, left = 80, top = 60, bottom = 380;
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(sf);
    int64_t max = 1;
    char buf[64];
    cairo_status_t st;

    for (int d = 0; d < s->n_days; d++) {
        int64_t t = 0;

        for (int p = 0; p < s->n_products; p++)
            t += s->grams[p][d];
        max = t > max ? t : max;
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    png_text(cr, 20, 15, "Noto Sans Bold 14", _("kg per product per day (printed labels)"));
    for (int d = 0; d < s->n_days; d++) {
        double x = left + d * ((w - left - 20) / (double)s->n_days), y = bottom, t = 0;

        for (int p = 0; p < s->n_products; p++) {
            double bh = (double)s->grams[p][d] * (bottom - top) / (double)max;
            double g = 0.15 + 0.7 * p / (s->n_products > 1 ? s->n_products - 1 : 1);

            cairo_set_source_rgb(cr, g, g, g);
            cairo_rectangle(cr, x, y - bh, 60, bh);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_stroke(cr);
            y -= bh;
            t += (double)s->grams[p][d];
        }
        png_text(cr, x, bottom + 5, "Noto Sans 10", s->day[d] + 5);
        snprintf(buf, sizeof buf, "%.1f", t / 1000.0);
        png_text(cr, x, y - 18, "Noto Sans 10", buf);
    }
    for (int p = 0; p < s->n_products; p++) {
        double g = 0.15 + 0.7 * p / (s->n_products > 1 ? s->n_products - 1 : 1);

        cairo_set_source_rgb(cr, g, g, g);
        cairo_rectangle(cr, 20, 405 + p * 18, 12, 12);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        png_text(cr, 40, 402 + p * 18, "Noto Sans 10", s->product[p]);
    }
    cairo_destroy(cr);
    st = cairo_surface_write_to_png_stream(sf, png_write, out);
    cairo_surface_destroy(sf);
    return st == CAIRO_STATUS_SUCCESS ? 0 : TT_EIO;
}

int
cli_report(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"days", required_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const char *date = NULL, *format = "txt", *output = NULL;
    struct core_summary s;
    struct tt_err err = {0};
    struct db *db = NULL;
    struct timespec ts;
    FILE *out = stdout;
    int c, days = 7, rc;

    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            date = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'n':
            days = atoi(optarg);
            break;
        case 'o':
            output = optarg;
            break;
        default:
            goto usage;
        }
    }
    if (optind >= argc || strcmp(argv[optind], "daily") != 0 || days < 1 || days > CORE_DAYS ||
        (strcmp(format, "txt") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "png") != 0))
        goto usage;
    if (db_open(ctx->db_path, DB_OPEN_READONLY, &db, &err) != 0)
        return kiosk_fail(&err);
    clock_gettime(CLOCK_REALTIME, &ts);
    rc = core_summary_load(db, date, days, (int64_t)ts.tv_sec * 1000, ctx->lang == TT_LANG_EN, &s,
                           &err);
    db_close(db);
    if (rc == TT_EINVAL)
        return cli_usage_error("report", _("--date wants YYYY-MM-DD (%s)"), err.msg);
    if (rc != 0)
        return kiosk_fail(&err);
    if (output != NULL && (out = fopen(output, "wb")) == NULL)
        return cli_fail(TT_EIO, _("Cannot write %s (%s)."), output, strerror(errno));
    if (strcmp(format, "csv") == 0)
        report_csv(&s, out);
    else if (strcmp(format, "png") == 0)
        rc = report_png(&s, out);
    else
        report_txt(&s, out);
    if (fflush(out) != 0 || ferror(out))
        rc = TT_EIO;
    if (out != stdout && fclose(out) != 0)
        rc = TT_EIO;
    if (rc != 0)
        return cli_fail(TT_EIO, _("Cannot write %s (%s)."), output != NULL ? output : "-",
                        strerror(errno));
    return TT_EXIT_OK;
usage:
    return cli_usage_error("report", "%s",
                           _("report daily [--date YYYY-MM-DD] [--days 1-7] [--format txt|csv|png] "
                             "[-o FILE]"));
}
