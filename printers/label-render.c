/*
 * label-render.c — draws a filled template with cairo: text through pango
 * (pinned font, every glyph checked), barcodes through libzint's vector
 * output after gs1/ validated the data.
 *
 * Raster output (PNG, ZPL) is drawn at the printer's resolution into an
 * 8-bit coverage surface: barcodes with antialiasing off at whole-dot
 * module edges, text antialiased and then thresholded at 50 %, so the
 * result is pure black and white without grey fringes on bars (printing.md
 * §4.2). PDF output uses the same module size in millimetres, so a PDF
 * rasterised by the queue at the template's dpi lands on the same dots.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zint.h>

#include "label-int.h"

#define DEFAULT_FONT     "Noto Sans 9"
#define DEFAULT_HRI_FONT "Noto Sans 7"
#define TEXT_MAX         2048
#define MIN_FONT_PT      4.0

struct label_doc {
    enum label_format fmt;
    int dpi; /* 0: each template's */
    int finished;
    int n_pages;
    struct label_buf out;
    /* PDF */
    cairo_surface_t *pdf;
    cairo_t *pdf_cr;
    PangoContext *pdf_pango;
};

/* One barcode prepared for drawing. */
struct prepared {
    const struct label_el *el;
    struct zint_symbol *sym;
    struct label_barcode_info info;
};

int
label_format_parse(const char *name)
{
    if (strcmp(name, "pdf") == 0)
        return LABEL_FMT_PDF;
    if (strcmp(name, "png") == 0)
        return LABEL_FMT_PNG;
    if (strcmp(name, "zpl") == 0)
        return LABEL_FMT_ZPL;
    return -1;
}

const char *
label_format_mime(enum label_format fmt)
{
    switch (fmt) {
    case LABEL_FMT_PDF:
        return "application/pdf";
    case LABEL_FMT_PNG:
        return "image/png";
    case LABEL_FMT_ZPL:
        return "application/vnd.cups-raw";
    }
    return "application/octet-stream";
}

/* ---- fonts ---- */

/*
 * fontconfig silently substitutes a missing family, and the substitute may
 * lack Vietnamese: check once per font string that the family we asked for
 * is the one we got.
 */
static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;
static char font_ok[16][96];
static size_t n_font_ok;

static int
font_check(PangoContext *pc, const char *font, struct tt_err *err)
{
    PangoFontDescription *want;
    PangoFont *got;
    int rc = 0;

    pthread_mutex_lock(&font_lock);
    for (size_t i = 0; i < n_font_ok; i++) {
        if (strcmp(font_ok[i], font) == 0) {
            pthread_mutex_unlock(&font_lock);
            return 0;
        }
    }
    want = pango_font_description_from_string(font);
    got = pango_context_load_font(pc, want);
    if (got == NULL) {
        rc = tt_err_setd(err, TT_ENOTFOUND, LABEL_E_FONT, __func__,
                         "font '%s' cannot be loaded: install fonts-noto-core", font);
    } else {
        PangoFontDescription *d = pango_font_describe(got);
        const char *fam = pango_font_description_get_family(d);
        const char *wfam = pango_font_description_get_family(want);

        if (wfam != NULL && (fam == NULL || strcasecmp(fam, wfam) != 0))
            rc = tt_err_setd(err, TT_ENOTFOUND, LABEL_E_FONT, __func__,
                             "font '%s' is not installed (got '%s'): install fonts-noto-core", wfam,
                             fam != NULL ? fam : "?");
        pango_font_description_free(d);
        g_object_unref(got);
    }
    pango_font_description_free(want);
    if (rc == 0 && n_font_ok < sizeof font_ok / sizeof font_ok[0] &&
        strlen(font) < sizeof font_ok[0])
        snprintf(font_ok[n_font_ok++], sizeof font_ok[0], "%s", font);
    pthread_mutex_unlock(&font_lock);
    return rc;
}

/* A pango context for `cr`, whose user units are millimetres. */
static PangoContext *
pango_for(cairo_t *cr, int raster)
{
    PangoContext *pc = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();

    /* 1 inch = 25.4 user units (mm), so point sizes come out right. */
    pango_cairo_context_set_resolution(pc, 25.4);
    /* Glyph positions rounded to whole user units (mm!) would wreck the spacing. */
    pango_context_set_round_glyph_positions(pc, FALSE);
    /* No hinting: the same layout on paper at any dpi and in the PDF. */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, raster ? CAIRO_ANTIALIAS_GRAY : CAIRO_ANTIALIAS_DEFAULT);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    return pc;
}

int
label_text_unknown_glyphs(const char *font, const char *text, struct tt_err *err)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 8, 8);
    cairo_t *cr = cairo_create(s);
    PangoContext *pc = pango_for(cr, 1);
    PangoLayout *lay = pango_layout_new(pc);
    PangoFontDescription *d = pango_font_description_from_string(font);
    int rc = font_check(pc, font, err);

    if (rc == 0) {
        pango_layout_set_font_description(lay, d);
        pango_layout_set_text(lay, text, -1);
        rc = pango_layout_get_unknown_glyphs_count(lay);
    }
    pango_font_description_free(d);
    g_object_unref(lay);
    g_object_unref(pc);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}

/*
 * fontconfig keeps a few bytes for the life of the process that no public
 * call frees safely (FcFini asserts while cairo still caches patterns).
 * LeakSanitizer reads this hook in ASan builds of every program that links
 * the renderer; elsewhere it is never called.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ... and quietly: tests compare what tramtem writes on stderr. */
const char *__lsan_default_options(void);
const char *
__lsan_default_options(void)
{
    return "print_suppressions=0";
}

void
label_shutdown(void)
{
    pthread_mutex_lock(&font_lock);
    n_font_ok = 0;
    pthread_mutex_unlock(&font_lock);
    /*
     * Only the font map: cairo_debug_reset_static_data() and FcFini() assert
     * when cairo's font caches still hold patterns, which they may.
     */
    pango_cairo_font_map_set_default(NULL);
}

/* ---- text ---- */

static int
draw_text(cairo_t *cr, PangoContext *pc, const struct label_el *e,
          const struct label_fields *fields, const struct label_tpl *tpl, struct tt_err *err)
{
    static const PangoAlignment al[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT};
    const char *font = e->font != NULL ? e->font : DEFAULT_FONT;
    char text[TEXT_MAX];
    PangoLayout *lay;
    PangoFontDescription *d;
    int rc = font_check(pc, font, err), unknown;
    double size;

    if (rc == 0)
        rc = label_fields_expand(fields, e->text, text, sizeof text, err);
    if (rc != 0)
        return rc;
    if (text[0] == '\0')
        return 0;
    lay = pango_layout_new(pc);
    d = pango_font_description_from_string(font);
    size = pango_font_description_get_size(d) / (double)PANGO_SCALE;
    pango_layout_set_text(lay, text, -1);
    pango_layout_set_width(lay, (int)(e->w * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(lay, al[e->align]);
    if (!e->wrap)
        pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
    for (;;) {
        int lw, lh;

        pango_layout_set_font_description(lay, d);
        pango_layout_get_size(lay, &lw, &lh);
        if (e->h <= 0 || !e->shrink || lh <= e->h * PANGO_SCALE || size <= MIN_FONT_PT)
            break;
        size *= 0.92; /* shrink until the text fits its box */
        pango_font_description_set_size(d, (int)(size * PANGO_SCALE));
    }
    if (e->h > 0) {
        pango_layout_set_height(lay, (int)(e->h * PANGO_SCALE));
        pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
    }
    unknown = pango_layout_get_unknown_glyphs_count(lay);
    if (unknown > 0) {
        rc = tt_err_setd(err, TT_EINVAL, LABEL_E_GLYPHS, __func__,
                         "%s:%d: %d character(s) of \"%.60s\" are missing from font '%s'",
                         tpl->file, e->line, unknown, text, font);
    } else {
        cairo_move_to(cr, e->x, e->y);
        pango_cairo_show_layout(cr, lay);
    }
    pango_font_description_free(d);
    g_object_unref(lay);
    return rc;
}

/* ---- barcodes ---- */

static enum gs1_carrier
carrier_of(enum label_bc_type t)
{
    switch (t) {
    case LABEL_BC_GS1_128:
        return GS1_CARRIER_GS1_128;
    case LABEL_BC_DATABAR_EXP:
    case LABEL_BC_DATABAR_EXPSTK:
        return GS1_CARRIER_DATABAR_EXP;
    case LABEL_BC_DATAMATRIX:
        return GS1_CARRIER_DATAMATRIX;
    case LABEL_BC_QR:
    case LABEL_BC_QR_DL:
        return GS1_CARRIER_QR;
    }
    return GS1_CARRIER_NONE;
}

static int
zint_symbology(enum label_bc_type t)
{
    static const int sym[] = {BARCODE_GS1_128,    BARCODE_DBAR_EXP, BARCODE_DBAR_EXPSTK,
                              BARCODE_DATAMATRIX, BARCODE_QRCODE,   BARCODE_QRCODE};

    return sym[t];
}

static int
is_linear(enum label_bc_type t)
{
    return t == LABEL_BC_GS1_128 || t == LABEL_BC_DATABAR_EXP || t == LABEL_BC_DATABAR_EXPSTK;
}

/* Fills the element's AIs into msg; AIs whose value is empty are left out. */
static int
fill_msg(const struct label_el *e, const struct label_fields *fields, const char *file,
         struct gs1_msg *msg, struct tt_err *err)
{
    gs1_msg_init(msg);
    for (size_t i = 0; i < e->n_parts; i++) {
        char v[GS1_VALUE_LEN_MAX * 2];
        int rc = label_fields_expand(fields, e->part[i].value, v, sizeof v, err);

        if (rc == 0 && v[0] != '\0')
            rc = gs1_msg_add(msg, e->part[i].ai, v, err);
        if (rc != 0) {
            char m[sizeof err->msg];

            snprintf(m, sizeof m, "%s", err != NULL ? err->msg : "");
            return tt_err_setd(err, rc, LABEL_E_GS1, __func__, "%s:%d: AI (%s): %s", file, e->line,
                               e->part[i].ai, m);
        }
    }
    return 0;
}

static int
gs1_fail(struct tt_err *err, int rc, const char *file, int line)
{
    char m[sizeof err->msg];

    snprintf(m, sizeof m, "%s", err != NULL ? err->msg : "");
    return tt_err_setd(err, rc, LABEL_E_GS1, "label_render", "%s:%d: barcode data: %s", file, line,
                       m);
}

/* Encodes with zint for a module size; TT_EINVAL on any zint warning or error. */
static int
zint_encode(struct prepared *p, int dots, int cols, double dpmm, const char *file,
            struct tt_err *err)
{
    const struct label_el *e = p->el;
    struct zint_symbol *s = p->sym;
    int rc;

    ZBarcode_Clear(s);
    s->symbology = zint_symbology(e->bc);
    s->input_mode = e->bc == LABEL_BC_QR_DL ? DATA_MODE : GS1_MODE;
    s->warn_level = WARN_FAIL_ALL;
    s->output_options = BARCODE_QUIET_ZONES;
    s->show_hrt = 0;
    s->scale = 0.5f; /* vector units = modules */
    s->option_2 = e->bc == LABEL_BC_DATABAR_EXPSTK ? cols : 0;
    s->option_3 = e->bc == LABEL_BC_DATAMATRIX ? DM_SQUARE : 0; /* the usual square form */
    if (is_linear(e->bc))
        s->height = (float)(e->h * dpmm / dots);
    rc = ZBarcode_Encode(s, (const unsigned char *)p->info.data, 0);
    if (rc == 0)
        rc = ZBarcode_Buffer_Vector(s, 0);
    if (rc != 0)
        return tt_err_setd(err, TT_EINVAL, LABEL_E_ZINT, __func__, "%s:%d: zint: %s", file, e->line,
                           s->errtxt);
    return 0;
}

/* Data rows of the encoded symbol (stacked DataBar: 3 separator rows between rows). */
static int
data_rows(const struct prepared *p)
{
    if (p->el->bc != LABEL_BC_DATABAR_EXPSTK)
        return 1;
    return (p->sym->rows + 3) / 4;
}

/*
 * Chooses the largest whole-dot X-dimension between xdim and xdim-min (and,
 * for stacked DataBar, the fewest columns giving at most rows-max rows)
 * whose symbol fits the element's width.
 */
static int
fit_symbol(struct prepared *p, const struct label_tpl *tpl, double dpmm, struct tt_err *err)
{
    const struct label_el *e = p->el;
    double avail_mm = e->w > 0 ? e->w : tpl->w_mm - e->x;
    int avail = (int)floor(avail_mm * dpmm + 1e-6);
    int hi = (int)lround(e->xdim * dpmm), lo = (int)lround(e->xdim_min * dpmm);
    int need = 0, too_many_rows = 0;

    if (hi < 1)
        hi = 1;
    if (lo < 1)
        lo = 1;
    for (int dots = hi; dots >= lo; dots--) {
        int c0 = e->bc == LABEL_BC_DATABAR_EXPSTK ? (e->cols > 0 ? e->cols : 2) : 0;
        int c1 = e->bc == LABEL_BC_DATABAR_EXPSTK ? 11 : 0;

        for (int cols = c0; cols <= c1; cols++) {
            int rc = zint_encode(p, dots, cols, dpmm, tpl->file, err), w;

            if (rc != 0)
                return rc;
            w = (int)lround(p->sym->vector->width) * dots;
            if (w > avail) {
                need = need == 0 || w < need ? w : need;
                break;
            }
            if (data_rows(p) > e->rows_max) {
                too_many_rows = 1;
                continue;
            }
            p->info.module_dots = dots;
            p->info.rows = data_rows(p);
            p->info.w = w;
            p->info.h = (int)lround(p->sym->vector->height * dots);
            return 0;
        }
    }
    if (too_many_rows)
        return tt_err_setd(err, TT_EINVAL, LABEL_E_FIT, __func__,
                           "%s:%d: the data needs more than %d rows of DataBar Expanded Stacked "
                           "within %.1f mm; shorten the lot code or use a wider label",
                           tpl->file, e->line, e->rows_max, avail_mm);
    return tt_err_setd(err, TT_EINVAL, LABEL_E_FIT, __func__,
                       "%s:%d: the barcode is %.1f mm wide with its quiet zones at the smallest "
                       "X-dimension (%.2f mm) but only %.1f mm are free; shorten the data "
                       "(lot code) or use a wider label",
                       tpl->file, e->line, need / dpmm, lo / dpmm, avail_mm);
}

/* Validates and encodes every barcode of the label (before anything is drawn). */
static int
prepare_barcodes(const struct label_tpl *tpl, const struct label_fields *fields, double dpmm,
                 struct prepared *pb, size_t *n_out, struct label_info *info, struct tt_err *err)
{
    const struct gs1_msg *msgs[LABEL_BARCODES_MAX];
    size_t n = 0, n_gs1 = 0;
    int rc = 0;

    for (size_t i = 0; i < tpl->n_el && rc == 0; i++) {
        const struct label_el *e = &tpl->el[i];
        struct prepared *p = &pb[n];
        struct gs1_msg *msg = &info->msg[n];
        enum gs1_carrier car = carrier_of(e->bc);

        if (e->kind != LABEL_EL_BARCODE)
            continue;
        if (n == LABEL_BARCODES_MAX)
            return tt_err_setd(err, TT_EINVAL, LABEL_E_SYNTAX, __func__,
                               "%s:%d: more than %d barcodes", tpl->file, e->line,
                               LABEL_BARCODES_MAX);
        memset(p, 0, sizeof *p);
        p->el = e;
        p->info.carrier = car;
        p->info.dl = e->bc == LABEL_BC_QR_DL;
        rc = fill_msg(e, fields, tpl->file, msg, err);
        if (rc == 0 && p->info.dl) {
            const char *base = label_fields_get(fields, "dl.base");

            rc = gs1_dl_uri(msg, base != NULL && *base != '\0' ? base : NULL, p->info.data,
                            sizeof p->info.data, err);
            if (rc == 0)
                snprintf(p->info.hri, sizeof p->info.hri, "%s", p->info.data);
            else
                rc = gs1_fail(err, rc, tpl->file, e->line);
        } else if (rc == 0) {
            msgs[n_gs1++] = msg;
        }
        n++;
    }
    *n_out = n;
    /*
     * A logistic label spreads its AIs over several barcodes ((02)+(37) in
     * one, (00) in the other), so association rules apply to the label as
     * a whole; a label with one GS1 barcode is validated as one message.
     */
    if (rc == 0 && n_gs1 > 0) {
        rc = n_gs1 == 1 ? gs1_validate(msgs[0], err) : gs1_validate_label(msgs, n_gs1, err);
        if (rc != 0)
            rc = gs1_fail(err, rc, tpl->file, n_gs1 == 1 ? pb[0].el->line : 0);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct prepared *p = &pb[i];

        if (!p->info.dl) {
            rc = gs1_format(&info->msg[i], GS1_SYNTAX_BRACKETS, p->info.carrier, p->info.data,
                            sizeof p->info.data, err);
            if (rc == 0)
                rc = gs1_format(&info->msg[i], GS1_SYNTAX_HRI, p->info.carrier, p->info.hri,
                                sizeof p->info.hri, err);
            if (rc != 0)
                rc = gs1_fail(err, rc, tpl->file, p->el->line);
        }
        if (rc == 0) {
            p->sym = ZBarcode_Create();
            if (p->sym == NULL)
                return tt_err_set(err, TT_ENOMEM, __func__, "out of memory (zint)");
            rc = fit_symbol(p, tpl, dpmm, err);
        }
    }
    return rc;
}

/* Left edge of a barcode of width w (dots) in its box, per its alignment. */
static int
bc_origin_x(const struct prepared *p, const struct label_tpl *tpl, double dpmm)
{
    const struct label_el *e = p->el;
    int x0 = (int)lround(e->x * dpmm);
    int avail = (int)floor((e->w > 0 ? e->w : tpl->w_mm - e->x) * dpmm + 1e-6);

    if (e->align == LABEL_ALIGN_CENTER)
        return x0 + (avail - p->info.w) / 2;
    if (e->align == LABEL_ALIGN_RIGHT)
        return x0 + avail - p->info.w;
    return x0;
}

/*
 * Draws the symbol on a raster surface (device space, one unit = one dot),
 * rectangle by rectangle with antialiasing off, module edges on whole dots.
 */
static void
draw_symbol_raster(cairo_t *cr, const struct prepared *p, double unit)
{
    int dots = p->info.module_dots;

    cairo_save(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (struct zint_vector_rect *r = p->sym->vector->rectangles; r != NULL; r = r->next) {
        long x0 = lround(r->x * dots), x1 = lround((r->x + r->width) * dots);
        long y0 = lround(r->y * dots), y1 = lround((r->y + r->height) * dots);

        if (r->colour > 0 && r->colour != 1)
            continue; /* only foreground (-1/1) rectangles are bars */
        cairo_rectangle(cr, (p->info.x + x0) * unit, (p->info.y + y0) * unit,
                        (double)(x1 - x0) * unit, (double)(y1 - y0) * unit);
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

/*
 * The symbol as a 1-bit stencil: one pixel per module across, one per
 * printer dot down (the same rounding as the raster path). In a PDF this is
 * one small image mask instead of hundreds of rectangle operators (a GS1
 * DataMatrix has ~400), which makes a page several times cheaper to write
 * and to rasterise, and it lands on whole dots at the template's dpi.
 */
static cairo_surface_t *
symbol_stencil(const struct prepared *p, int *row_dots)
{
    int dots = p->info.module_dots;
    /* Pixel height: one module for 2D symbols, the whole bar for one-row
     * linear symbols, one dot for stacked DataBar (rows of unequal height). */
    int per =
        p->el->bc == LABEL_BC_DATAMATRIX || p->el->bc == LABEL_BC_QR || p->el->bc == LABEL_BC_QR_DL
            ? dots
        : p->el->bc == LABEL_BC_DATABAR_EXPSTK ? 1
                                               : (int)lround(p->sym->vector->height * dots);
    int w = (int)lround(p->sym->vector->width);
    int h = (int)lround(p->sym->vector->height * dots / per);
    cairo_surface_t *m = cairo_image_surface_create(CAIRO_FORMAT_A1, w > 0 ? w : 1, h > 0 ? h : 1);
    unsigned char *data = cairo_image_surface_get_data(m);
    int stride = cairo_image_surface_get_stride(m);

    *row_dots = per > 0 ? per : 1;
    if (data == NULL)
        return m;
    for (struct zint_vector_rect *r = p->sym->vector->rectangles; r != NULL; r = r->next) {
        long x0 = lround(r->x), x1 = lround(r->x + r->width);
        long y0 = lround(r->y * dots / *row_dots),
             y1 = lround((r->y + r->height) * dots / *row_dots);

        if (r->colour > 0 && r->colour != 1)
            continue;
        for (long y = y0 < 0 ? 0 : y0; y < y1 && y < h; y++) {
            uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);

            /* A1 packs pixels into native 32-bit words; on little-endian the
             * leftmost pixel is the lowest bit (cairo.h, CAIRO_FORMAT_A1). */
            for (long x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                row[x >> 5] |= (uint32_t)1 << (x & 31);
#else
                row[x >> 5] |= (uint32_t)0x80000000u >> (x & 31);
#endif
        }
    }
    cairo_surface_mark_dirty(m);
    return m;
}

/* Draws the symbol into a vector surface whose user unit is `unit` per dot away (mm). */
static void
draw_symbol_vector(cairo_t *cr, const struct prepared *p, double unit)
{
    int row_dots;
    cairo_surface_t *m = symbol_stencil(p, &row_dots);
    cairo_pattern_t *pat = cairo_pattern_create_for_surface(m);

    cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
    cairo_save(cr);
    cairo_translate(cr, p->info.x * unit, p->info.y * unit);
    cairo_scale(cr, p->info.module_dots * unit, row_dots * unit);
    cairo_mask(cr, pat);
    cairo_restore(cr);
    cairo_pattern_destroy(pat);
    cairo_surface_destroy(m);
}

static int
draw_hri(cairo_t *cr, PangoContext *pc, const struct prepared *p, double dpmm, struct tt_err *err)
{
    const char *font = p->el->hri_font != NULL ? p->el->hri_font : DEFAULT_HRI_FONT;
    PangoLayout *lay;
    PangoFontDescription *d;
    int rc = font_check(pc, font, err), lw, lh;
    double size;

    if (rc != 0)
        return rc;
    lay = pango_layout_new(pc);
    d = pango_font_description_from_string(font);
    size = pango_font_description_get_size(d) / (double)PANGO_SCALE;
    pango_layout_set_text(lay, p->info.hri, -1);
    for (;;) {
        pango_layout_set_font_description(lay, d);
        pango_layout_get_size(lay, &lw, &lh);
        if (lw <= p->info.w / dpmm * PANGO_SCALE || size <= MIN_FONT_PT)
            break;
        size *= 0.92;
        pango_font_description_set_size(d, (int)(size * PANGO_SCALE));
    }
    cairo_move_to(cr, (p->info.x + p->info.w / 2.0) / dpmm - lw / 2.0 / PANGO_SCALE,
                  (p->info.y + p->info.h) / dpmm + 0.3);
    pango_cairo_show_layout(cr, lay);
    pango_font_description_free(d);
    g_object_unref(lay);
    return 0;
}

static void
draw_shape(cairo_t *cr, const struct label_el *e)
{
    cairo_set_line_width(cr, e->stroke);
    if (e->kind == LABEL_EL_LINE) {
        cairo_move_to(cr, e->x, e->y);
        cairo_line_to(cr, e->x2, e->y2);
        cairo_stroke(cr);
    } else if (e->fill) {
        cairo_rectangle(cr, e->x, e->y, e->w, e->h);
        cairo_fill(cr);
    } else {
        /* Keep the stroke inside the box, so a frame at the label edge is whole. */
        cairo_rectangle(cr, e->x + e->stroke / 2, e->y + e->stroke / 2, e->w - e->stroke,
                        e->h - e->stroke);
        cairo_stroke(cr);
    }
}

/*
 * Images go through a coverage mask (darkness x alpha), because an A8
 * surface keeps only alpha: an opaque white pixel would otherwise print
 * black.
 */
static int
draw_image(cairo_t *cr, const struct label_el *e, const char *file, struct tt_err *err)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(e->file), *mask;
    int w, h, is, ms, rgb;
    const unsigned char *src;
    unsigned char *dst;

    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return tt_err_setd(err, TT_ENOTFOUND, LABEL_E_SYNTAX, __func__,
                           "%s:%d: image %s cannot be read (a PNG file is needed)", file, e->line,
                           e->file);
    }
    w = cairo_image_surface_get_width(img);
    h = cairo_image_surface_get_height(img);
    mask = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_surface_flush(img);
    src = cairo_image_surface_get_data(img);
    dst = cairo_image_surface_get_data(mask);
    is = cairo_image_surface_get_stride(img);
    ms = cairo_image_surface_get_stride(mask);
    rgb = cairo_image_surface_get_format(img) == CAIRO_FORMAT_RGB24;
    for (int y = 0; y < h && src != NULL && dst != NULL; y++) {
        for (int x = 0; x < w; x++) {
            /* cairo loads PNGs as RGB24 or premultiplied ARGB32 */
            uint32_t px = *(const uint32_t *)(const void *)(src + (size_t)y * is + 4 * x);
            unsigned a = rgb ? 255 : px >> 24;
            unsigned lum =
                (((px >> 16) & 255) * 299 + ((px >> 8) & 255) * 587 + (px & 255) * 114) / 1000;

            dst[(size_t)y * ms + x] = (unsigned char)(a > lum ? a - lum : 0);
        }
    }
    cairo_surface_mark_dirty(mask);
    cairo_save(cr);
    cairo_translate(cr, e->x, e->y);
    cairo_scale(cr, e->w / w, e->h / h);
    cairo_mask_surface(cr, mask, 0, 0);
    cairo_restore(cr);
    cairo_surface_destroy(mask);
    cairo_surface_destroy(img);
    return 0;
}

/*
 * Draws every element in file order. `cr` has user units of mm; dpmm is
 * render dots per mm; `dot` is one dot in cr's device units (raster: 1).
 */
static int
draw_all(cairo_t *cr, PangoContext *pc, const struct label_tpl *tpl,
         const struct label_fields *fields, struct prepared *pb, double dpmm, int vector,
         struct tt_err *err)
{
    size_t bi = 0;
    int rc = 0;

    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < tpl->n_el && rc == 0; i++) {
        const struct label_el *e = &tpl->el[i];

        switch (e->kind) {
        case LABEL_EL_TEXT:
            rc = draw_text(cr, pc, e, fields, tpl, err);
            break;
        case LABEL_EL_BARCODE: {
            struct prepared *p = &pb[bi++];

            p->info.x = bc_origin_x(p, tpl, dpmm);
            p->info.y = (int)lround(e->y * dpmm);
            if (vector)
                draw_symbol_vector(cr, p, 1.0 / dpmm);
            else
                draw_symbol_raster(cr, p, 1.0 / dpmm);
            if (e->hri && is_linear(e->bc))
                rc = draw_hri(cr, pc, p, dpmm, err);
            break;
        }
        case LABEL_EL_LINE:
        case LABEL_EL_BOX:
            draw_shape(cr, e);
            break;
        case LABEL_EL_IMAGE:
            rc = draw_image(cr, e, tpl->file, err);
            break;
        }
    }
    return rc;
}

/* ---- raster ---- */

/* Thresholds 8-bit coverage at 50 % into 1-bit rows (1 = black). */
static int
threshold(cairo_surface_t *s, struct label_bits *out, struct tt_err *err)
{
    const unsigned char *a = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);

    out->w = cairo_image_surface_get_width(s);
    out->h = cairo_image_surface_get_height(s);
    out->stride = (out->w + 7) / 8;
    out->bits = calloc((size_t)out->stride, (size_t)out->h);
    if (out->bits == NULL)
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory for a %dx%d label", out->w,
                          out->h);
    for (int y = 0; y < out->h; y++) {
        const unsigned char *row = a + (size_t)y * (size_t)stride;
        unsigned char *o = out->bits + (size_t)y * (size_t)out->stride;

        for (int x = 0; x < out->w; x++)
            if (row[x] >= 128)
                o[x >> 3] |= (unsigned char)(0x80 >> (x & 7));
    }
    return 0;
}

static int
render_raster(struct label_doc *doc, const struct label_tpl *tpl, const struct label_fields *fields,
              int dpi, int copies, struct prepared *pb, struct tt_err *err)
{
    double dpmm = dpi / 25.4;
    int w = (int)lround(tpl->w_mm * dpmm), h = (int)lround(tpl->h_mm * dpmm);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_t *cr = cairo_create(s);
    PangoContext *pc;
    struct label_bits bits = {0};
    int rc;

    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(s);
        return tt_err_set(err, TT_ENOMEM, __func__, "cannot make a %dx%d image", w, h);
    }
    cairo_scale(cr, dpmm, dpmm);
    pc = pango_for(cr, 1);
    rc = draw_all(cr, pc, tpl, fields, pb, dpmm, 0, err);
    g_object_unref(pc);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (rc == 0)
        rc = threshold(s, &bits, err);
    cairo_surface_destroy(s);
    if (rc == 0 && doc->fmt == LABEL_FMT_PNG)
        rc = label_png_write(&bits, dpi, &doc->out, err);
    else if (rc == 0)
        label_zpl_write(&bits, copies, &doc->out);
    free(bits.bits);
    if (rc == 0 && doc->out.oom)
        rc = tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    return rc;
}

/* ---- PDF ---- */

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct label_doc *doc = closure;

    label_buf_add(&doc->out, data, len);
    return doc->out.oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static int
render_pdf(struct label_doc *doc, const struct label_tpl *tpl, const struct label_fields *fields,
           int dpi, int copies, struct prepared *pb, struct tt_err *err)
{
    double w_pt = tpl->w_mm * 72 / 25.4, h_pt = tpl->h_mm * 72 / 25.4;
    int rc;

    if (doc->pdf == NULL) {
        doc->pdf = cairo_pdf_surface_create_for_stream(pdf_write, doc, w_pt, h_pt);
        doc->pdf_cr = cairo_create(doc->pdf);
        if (cairo_status(doc->pdf_cr) != CAIRO_STATUS_SUCCESS)
            return tt_err_set(err, TT_ENOMEM, __func__, "cannot start a PDF");
        cairo_pdf_surface_set_metadata(doc->pdf, CAIRO_PDF_METADATA_CREATOR, "tramtem");
        cairo_scale(doc->pdf_cr, 72 / 25.4, 72 / 25.4);
        doc->pdf_pango = pango_for(doc->pdf_cr, 0);
    } else {
        cairo_pdf_surface_set_size(doc->pdf, w_pt, h_pt);
    }
    rc = draw_all(doc->pdf_cr, doc->pdf_pango, tpl, fields, pb, dpi / 25.4, 1, err);
    for (int i = 1; rc == 0 && i < copies; i++)
        cairo_copy_page(doc->pdf_cr);
    cairo_show_page(doc->pdf_cr);
    if (rc == 0 && cairo_status(doc->pdf_cr) != CAIRO_STATUS_SUCCESS)
        rc = tt_err_set(err, TT_ENOMEM, __func__, "cairo: %s",
                        cairo_status_to_string(cairo_status(doc->pdf_cr)));
    return rc;
}

/* ---- documents ---- */

int
label_doc_new(enum label_format fmt, int dpi, struct label_doc **out, struct tt_err *err)
{
    struct label_doc *doc;

    *out = NULL;
    if ((int)fmt < LABEL_FMT_PDF || fmt > LABEL_FMT_ZPL || (dpi != 0 && (dpi < 72 || dpi > 1200)))
        return tt_err_set(err, TT_EUSAGE, __func__, "bad format or dpi %d (72-1200)", dpi);
    doc = xcalloc(1, sizeof *doc);
    doc->fmt = fmt;
    doc->dpi = dpi;
    *out = doc;
    return 0;
}

int
label_doc_add(struct label_doc *doc, const struct label_tpl *tpl, const struct label_fields *fields,
              int copies, struct label_info *info, struct tt_err *err)
{
    struct prepared pb[LABEL_BARCODES_MAX];
    struct label_info local = {0};
    struct label_info *li = info != NULL ? info : &local;
    int dpi = doc->dpi != 0 ? doc->dpi : tpl->dpi;
    double dpmm = dpi / 25.4;
    size_t n = 0;
    int rc;

    if (doc->finished || (doc->fmt == LABEL_FMT_PNG && doc->n_pages > 0))
        return tt_err_set(err, TT_EUSAGE, __func__, "a PNG holds one label; doc finished?");
    memset(li, 0, sizeof *li);
    li->dpi = dpi;
    li->width_dots = (int)lround(tpl->w_mm * dpmm);
    li->height_dots = (int)lround(tpl->h_mm * dpmm);
    rc = prepare_barcodes(tpl, fields, dpmm, pb, &n, li, err);
    if (rc == 0 && doc->fmt == LABEL_FMT_PDF)
        rc = render_pdf(doc, tpl, fields, dpi, copies, pb, err);
    else if (rc == 0)
        rc = render_raster(doc, tpl, fields, dpi, copies, pb, err);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            li->barcode[i] = pb[i].info;
        if (pb[i].sym != NULL)
            ZBarcode_Delete(pb[i].sym);
    }
    if (rc == 0) {
        li->n_barcodes = n;
        doc->n_pages++;
    }
    return rc;
}

int
label_doc_finish(struct label_doc *doc, unsigned char **data, size_t *len, struct tt_err *err)
{
    *data = NULL;
    *len = 0;
    if (doc->finished || doc->n_pages == 0)
        return tt_err_set(err, TT_EUSAGE, __func__, "nothing rendered, or finished twice");
    doc->finished = 1;
    if (doc->pdf != NULL) {
        g_object_unref(doc->pdf_pango);
        doc->pdf_pango = NULL;
        cairo_destroy(doc->pdf_cr);
        doc->pdf_cr = NULL;
        cairo_surface_finish(doc->pdf);
        if (cairo_surface_status(doc->pdf) != CAIRO_STATUS_SUCCESS)
            return tt_err_set(err, TT_ENOMEM, __func__, "PDF could not be finished");
    }
    if (doc->out.oom)
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    *data = doc->out.p;
    *len = doc->out.len;
    doc->out.p = NULL;
    doc->out.len = doc->out.cap = 0;
    return 0;
}

void
label_doc_free(struct label_doc *doc)
{
    if (doc == NULL)
        return;
    if (doc->pdf_pango != NULL)
        g_object_unref(doc->pdf_pango);
    if (doc->pdf_cr != NULL)
        cairo_destroy(doc->pdf_cr);
    if (doc->pdf != NULL)
        cairo_surface_destroy(doc->pdf);
    free(doc->out.p);
    free(doc);
}

int
label_render(const struct label_tpl *tpl, const struct label_fields *fields, enum label_format fmt,
             int dpi, unsigned char **data, size_t *len, struct label_info *info,
             struct tt_err *err)
{
    struct label_doc *doc;
    int rc = label_doc_new(fmt, dpi, &doc, err);

    *data = NULL;
    *len = 0;
    if (rc == 0)
        rc = label_doc_add(doc, tpl, fields, 1, info, err);
    if (rc == 0)
        rc = label_doc_finish(doc, data, len, err);
    label_doc_free(doc);
    return rc;
}
