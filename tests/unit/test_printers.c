/*
 * test_printers.c — templates (parsing and the errors a trainer sees),
 * fields and filters, raster properties (1-bit, whole-dot modules), ZPL
 * compression read back, PDF page size, the Vietnamese glyph check, and
 * the file printer / job object without CUPS.
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

#include "../../printers/label.h"
#include "../../printers/printer.h"
#include "printers-test-util.h"

#define VI_TEXT "Bưởi Luận Văn – Thọ Xuân, Thanh Hóa"

static const char good_tpl[] = "# a comment\n"
                               "label  t1\n"
                               "title  \"Test label\"\n"
                               "size   100 50\n"
                               "dpi    203\n"
                               "text   x=3 y=2 w=60 h=8 font=\"Noto Sans Bold 12\" "
                               "text=\"{product.name}\\nLô {lot}\"\n"
                               "barcode x=2 y=20 w=96 h=15 type=gs1-128 xdim=0.375 "
                               "xdim-min=0.25 data=\"(01){gtin}(10){lot}\"  # trailing comment\n"
                               "line x1=1 y1=1 x2=99 y2=1 line=0.3\n"
                               "box x=0 y=0 w=100 h=50\n";

static struct label_tpl *
parse(const char *text, struct tt_err *err)
{
    struct label_tpl *t = NULL;

    label_tpl_parse("t.label", text, strlen(text), &t, err);
    return t;
}

static void
tpl_parses_good_template(void **state)
{
    struct tt_err err = {0};
    struct label_tpl *t = parse(good_tpl, &err);

    (void)state;
    assert_non_null(t);
    assert_string_equal(label_tpl_name(t), "t1");
    assert_string_equal(label_tpl_title(t), "Test label");
    assert_true(label_tpl_width_mm(t) == 100.0 && label_tpl_height_mm(t) == 50.0);
    assert_int_equal(label_tpl_dpi(t), 203);
    assert_string_equal(label_tpl_carriers(t), "gs1-128");
    label_tpl_free(t);
    label_tpl_free(NULL);
}

/* Each bad line gives "t.label:LINE: <words>" naming the problem. */
static void
tpl_errors_name_file_line_problem(void **state)
{
    static const struct {
        const char *body;
        int line;
        const char *words;
    } cases[] = {
        {"label a\nsize 100 50\ntxet x=1 y=1 w=5 text=\"a\"\n", 3, "unknown word 'txet'"},
        {"label a\nsize 100 50\ntext x=1 y=1 w=5 colour=red text=\"a\"\n", 3,
         "unknown setting 'colour'"},
        {"label a\nsize 100 50\ntext x=1 y=1 w=5 text=\"abc\n", 3, "not closed"},
        {"label a\nsize 100 50\ntext x=1,5 y=1 w=5 text=a\n", 3, "not a number"},
        {"label a\nsize 100 50\nbarcode x=1 y=1 h=5 type=ean99 xdim=0.3 data=\"(01){gtin}\"\n", 3,
         "unknown barcode type 'ean99'"},
        {"label a\nsize 100 50\nbarcode x=1 y=1 h=5 type=gs1-128 xdim=0.3 data=\"(0X){gtin}\"\n", 3,
         "only digits"},
        {"label a\nsize 100 50\nbarcode x=1 y=1 h=5 type=gs1-128 xdim=0.3 data=\"01{gtin}\"\n", 3,
         "start with an AI"},
        {"label a\nsize 100 50\nbarcode x=1 y=1 h=5 type=gs1-128 xdim=0.3 data=\"(01)\"\n", 3,
         "has no value"},
        {"label a\nsize 100 50\nbarcode x=1 y=1 type=gs1-128 xdim=0.3 data=\"(01){gtin}\"\n", 3,
         "needs h="},
        {"label a\nsize 100 50\ntext x=1 y=1 w=5 text=\"{weight|kilo}\"\n", 3,
         "unknown filter '|kilo'"},
        {"label a\nsize 100 50\ntext x=1 y=1 w=5 text=\"{lot\"\n", 3, "without a closing"},
        {"label a\nsize 100 50\ntext x=1 y=1 text=\"a\"\n", 3, "needs w="},
        {"label a\nsize 100 50\ntext x=120 y=1 w=5 text=\"a\"\n", 3, "outside the label"},
        {"label a\nsize 100 50\ntext x=90 y=1 w=20 text=\"a\"\n", 3, "wider than the label"},
        {"label a\ntext x=1 y=1 w=5 text=\"a\"\n", 2, "put 'size W H' before"},
        {"label a\nsize 100\n", 2, "size WIDTH HEIGHT"},
        {"size 100 50\n", 1, "no 'label NAME' line"},
        {"label a\nsize 100 50\ndpi 20\n", 3, "printer's resolution"},
        {"label a\nsize 100 50\nbox x=1 y=1 w=5 h=5 fill=maybe\n", 3, "write yes or no"},
        {"label a\nsize 100 50\nbox x=1 y=1 w=5 h=5 stray\n", 3, "'stray' is not a setting"},
        {"label a\nsize 100 50\nline x1=1 y1=1 x2=200 y2=1\n", 3, "line ends outside"},
        {"label a\nsize 100 50\ntext x=1 y=1 w=5 text=\"[a[{lot}]]\"\n", 3, "nested [ ]"},
        {"label a\nsize 100 50\ntext x=1 y=1 w=5 text=\"[{lot}\"\n", 3, "'[' without ']'"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tt_err err = {0};
        struct label_tpl *t = parse(cases[i].body, &err);
        char where[32];

        snprintf(where, sizeof where, "t.label:%d: ", cases[i].line);
        if (t != NULL || strstr(err.msg, where) == NULL || strstr(err.msg, cases[i].words) == NULL)
            fail_msg("case %zu: got \"%s\", want \"%s...%s\"", i, err.msg, where, cases[i].words);
        assert_int_equal(err.code, TT_EPARSE);
        assert_int_equal(err.detail, LABEL_E_SYNTAX);
    }
}

static void
tpl_builtins_all_load(void **state)
{
    static const char *const names[] = {"produce-58x40",  "case-100x50",  "pti-100x50",
                                        "pallet-100x150", "retail-58x40", "dl-qr-50x50"};
    struct tt_err err = {0};
    struct label_tpl *t;

    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (label_tpl_find("data/labels", names[i], &t, &err) != 0)
            fail_msg("%s: %s", names[i], err.msg);
        assert_string_equal(label_tpl_name(t), names[i]);
        label_tpl_free(t);
    }
    assert_int_equal(label_tpl_find("data/labels", "nope", &t, &err), TT_ENOTFOUND);
    assert_int_equal(err.detail, LABEL_E_NO_TEMPLATE);
    assert_null(t);
    assert_int_equal(label_tpl_find("data/labels", "../etc", &t, &err), TT_ENOTFOUND);
}

struct list_seen {
    int good, bad;
    char last_err[256];
};

static int
list_cb(void *ctx, const char *path, const struct label_tpl *tpl, const struct tt_err *perr)
{
    struct list_seen *seen = ctx;

    (void)path;
    if (tpl != NULL) {
        seen->good++;
    } else {
        seen->bad++;
        snprintf(seen->last_err, sizeof seen->last_err, "%s", perr->msg);
    }
    return 0;
}

/* label list: every built-in parses; a broken file is reported, not fatal. */
static void
tpl_list_reports_each_file(void **state)
{
    char dir[] = "/tmp/tt-tpllist.XXXXXX", path[64];
    struct list_seen seen = {0};
    struct tt_err err = {0};
    FILE *fp;

    (void)state;
    assert_int_equal(label_tpl_list("data/labels", list_cb, &seen, &err), 0);
    assert_int_equal(seen.good, 6);
    assert_int_equal(seen.bad, 0);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/broken.label", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("label broken\nsize 50 50\nbarcode x=1 y=1 type=qr\n", fp);
    fclose(fp);
    memset(&seen, 0, sizeof seen);
    assert_int_equal(label_tpl_list(dir, list_cb, &seen, &err), 0);
    assert_int_equal(seen.bad, 1);
    assert_non_null(strstr(seen.last_err, "broken.label:3: barcode needs data="));
    unlink(path);
    rmdir(dir);
    assert_int_equal(label_tpl_list("/nonexistent/labels", list_cb, &seen, &err), TT_ENOTFOUND);
}

static void
fields_filters(void **state)
{
    static const struct {
        const char *tmpl, *want;
    } ok[] = {
        {"{harvest|yymmdd}", "261125"}, {"{harvest|dmy}", "25/11/2026"},
        {"{weight|3103}", "001250"},    {"{weight|3102}", "000125"},
        {"{weight|kg}", "1,250"},       {"{price|vnd}", "1.234.567 ₫"},
        {"{price|3920}", "1234567"},    {"{lot|upper}", "AB-12"},
        {"x{missing}y", "xy"},          {"{lot}/{lot}", "ab-12/ab-12"},
        {"{expiry|dmy}", "29/02/2028"}, {"a[ b{missing}c]d", "ad"},
        {"a[ b{lot}c]d", "a bab-12cd"}, {"[{missing}][{lot}]", "ab-12"},
    };
    static const char *const bad[] = {"{weight|3101}", "{harvest|dmy}x{bad|dmy}",
                                      "{price|vnd}{lot|3103}", "{unclosed", "[{lot}"};
    struct label_fields *f = label_fields_new();
    struct tt_err err = {0};
    char out[128];

    (void)state;
    assert_int_equal(label_fields_set(f, "harvest", "2026-11-25", &err), 0);
    assert_int_equal(label_fields_set(f, "weight", "1.25", &err), 0);
    assert_int_equal(label_fields_set(f, "price", "1234567", &err), 0);
    assert_int_equal(label_fields_set(f, "lot", "ab-12", &err), 0);
    assert_int_equal(label_fields_set(f, "expiry", "2028-02-29", &err), 0);
    assert_int_equal(label_fields_set(f, "bad", "2026-02-30", &err), 0);
    assert_int_equal(label_fields_set(f, "a{b", "x", &err), TT_EINVAL);
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (label_fields_expand(f, ok[i].tmpl, out, sizeof out, &err) != 0)
            fail_msg("%s: %s", ok[i].tmpl, err.msg);
        assert_string_equal(out, ok[i].want);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(label_fields_expand(f, bad[i], out, sizeof out, &err), TT_EINVAL);
    assert_int_equal(label_fields_expand(f, "{lot}{lot}{lot}", out, 8, &err), TT_ENOMEM);
    label_fields_free(f);
    label_fields_free(NULL);
}

static void
fields_derived(void **state)
{
    struct label_fields *f = label_fields_new();
    struct tt_err err = {0};
    char out[256], vpc[5];

    (void)state;
    label_fields_set(f, "gtin", "99506000134355", &err);
    label_fields_set(f, "lot", "LOT1/2", &err);
    label_fields_set(f, "harvest", "2026-11-25", &err);
    label_fields_set(f, "weight", "1.25", &err);
    label_fields_set(f, "price.kg", "45000", &err);
    label_fields_set(f, "serial", "17", &err);
    assert_int_equal(gs1_vpc("99506000134355", "LOT1/2", "261125", vpc, NULL), 0);
    assert_int_equal(label_fields_expand(f, "{vpc}|{vpc.hi}|{vpc.lo}", out, sizeof out, &err), 0);
    {
        char want[32];

        snprintf(want, sizeof want, "%s|%.2s|%s", vpc, vpc, vpc + 2);
        assert_string_equal(out, want);
    }
    assert_int_equal(label_fields_expand(f, "{price}", out, sizeof out, &err), 0);
    assert_string_equal(out, "56250"); /* 1.25 kg x 45 000 đ */
    assert_int_equal(label_fields_expand(f, "{dl}", out, sizeof out, &err), 0);
    assert_string_equal(out, "https://id.gs1.org/01/99506000134355/10/LOT1%2F2/21/17");
    label_fields_free(f);
}

static void
fields_from_gs1_message(void **state)
{
    struct gs1_msg msg;
    struct tt_err err = {0};
    struct label_fields *f = label_fields_new();
    const char *in = "(01)99506000134355(3103)001250(13)261100(15)270131(10)A1(21)9(3922)123456";

    (void)state;
    assert_int_equal(gs1_parse(in, strlen(in), &msg, &err), 0);
    assert_int_equal(label_fields_from_gs1(f, &msg, &err), 0);
    assert_string_equal(label_fields_get(f, "gtin"), "99506000134355");
    assert_string_equal(label_fields_get(f, "weight"), "1.250");
    assert_string_equal(label_fields_get(f, "harvest"), "2026-11-30"); /* day 00: month end */
    assert_string_equal(label_fields_get(f, "expiry"), "2027-01-31");
    assert_string_equal(label_fields_get(f, "lot"), "A1");
    assert_string_equal(label_fields_get(f, "serial"), "9");
    assert_string_equal(label_fields_get(f, "price"), "1234.56");
    label_fields_free(f);
}

static struct label_fields *
case_fields(void)
{
    struct label_fields *f = label_fields_new();

    label_fields_set(f, "product.name", VI_TEXT, NULL);
    label_fields_set(f, "gtin", "99506000134355", NULL);
    label_fields_set(f, "lot", "261125-1", NULL);
    label_fields_set(f, "weight", "1.25", NULL);
    label_fields_set(f, "harvest", "2026-11-25", NULL);
    label_fields_set(f, "expiry", "2026-12-05", NULL);
    label_fields_set(f, "serial", "17", NULL);
    return f;
}

/* Runs of equal pixels along row y inside [x0, x1): every run length must be a multiple of m. */
static void
assert_whole_dot_runs(const struct grey *g, int y, int x0, int x1, int m)
{
    int run = 1;

    for (int x = x0 + 1; x <= x1; x++) {
        if (x < x1 && g->px[(size_t)y * g->w + x] == g->px[(size_t)y * g->w + x - 1]) {
            run++;
            continue;
        }
        if (run % m != 0)
            fail_msg("row %d: a run of %d dots at x=%d is not a multiple of %d", y, run, x, m);
        run = 1;
    }
}

static void
raster_is_1bit_with_whole_dot_modules(void **state)
{
    static const int dpis[] = {203, 300};
    struct tt_err err = {0};
    struct label_tpl *t;
    struct label_fields *f = case_fields();

    (void)state;
    assert_int_equal(label_tpl_find("data/labels", "case-100x50", &t, &err), 0);
    for (size_t i = 0; i < 2; i++) {
        unsigned char *png;
        size_t len;
        struct label_info info;
        struct grey g;
        const struct label_barcode_info *b;

        if (label_render(t, f, LABEL_FMT_PNG, dpis[i], &png, &len, &info, &err) != 0)
            fail_msg("%s", err.msg);
        assert_int_equal(png[24], 1); /* IHDR bit depth */
        assert_int_equal(png[25], 0); /* greyscale */
        assert_int_equal(grey_from_png(png, len, &g), 0);
        assert_int_equal(g.non_bw, 0);
        assert_int_equal(g.w, info.width_dots);
        assert_int_equal(g.w, dpis[i] == 203 ? 799 : 1181);
        assert_int_equal(info.n_barcodes, 2);
        b = &info.barcode[1]; /* the GS1-128 */
        assert_int_equal(b->carrier, GS1_CARRIER_GS1_128);
        assert_true(b->module_dots >= 2);
        assert_whole_dot_runs(&g, b->y + b->h / 2, b->x, b->x + b->w, b->module_dots);
        free(g.px);
        free(png);
    }
    label_tpl_free(t);
    label_fields_free(f);
}

/* The ZPL graphic, unpacked, is exactly the PNG's image. */
static void
zpl_graphic_matches_png(void **state)
{
    struct tt_err err = {0};
    struct label_tpl *t;
    struct label_fields *f = case_fields();
    unsigned char *png, *zpl, *bits = NULL;
    size_t png_len, zpl_len;
    struct grey g = {0};
    int bpr, rows;

    (void)state;
    assert_int_equal(label_tpl_find("data/labels", "case-100x50", &t, &err), 0);
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 0, &png, &png_len, NULL, &err), 0);
    assert_int_equal(label_render(t, f, LABEL_FMT_ZPL, 0, &zpl, &zpl_len, NULL, &err), 0);
    zpl = realloc(zpl, zpl_len + 1);
    zpl[zpl_len] = '\0';
    assert_non_null(strstr((char *)zpl, "^XA"));
    assert_non_null(strstr((char *)zpl, "^PW799"));
    assert_non_null(strstr((char *)zpl, "^LL400"));
    assert_non_null(strstr((char *)zpl, "^PQ1"));
    assert_non_null(strstr((char *)zpl, "^XZ"));
    assert_true(zpl_len < 40000); /* compressed: far below 2 x 40 000 hex digits */
    rows = zpl_unpack((char *)zpl, &bits, &bpr);
    assert_non_null(bits);
    assert_int_equal(grey_from_png(png, png_len, &g), 0);
    assert_int_equal(rows, g.h);
    assert_int_equal(bpr, (g.w + 7) / 8);
    for (int y = 0; y < g.h; y++)
        for (int x = 0; x < g.w; x++) {
            int black = (bits[(size_t)y * bpr + x / 8] >> (7 - x % 8)) & 1;

            if (black != (g.px[(size_t)y * g.w + x] == 0))
                fail_msg("pixel %d,%d differs between ZPL and PNG", x, y);
        }
    free(bits);
    free(g.px);
    free(png);
    free(zpl);
    label_tpl_free(t);
    label_fields_free(f);
}

static void
pdf_has_page_size_and_font(void **state)
{
    struct tt_err err = {0};
    struct label_tpl *t;
    struct label_fields *f = case_fields();
    unsigned char *pdf;
    size_t len;

    (void)state;
    assert_int_equal(label_tpl_find("data/labels", "case-100x50", &t, &err), 0);
    assert_int_equal(label_render(t, f, LABEL_FMT_PDF, 0, &pdf, &len, NULL, &err), 0);
    assert_memory_equal(pdf, "%PDF-", 5);
    /* 100 x 50 mm = 283.46 x 141.73 pt */
    assert_non_null(memmem(pdf, len, "/MediaBox [ 0 0 283.46", 22));
    assert_non_null(memmem(pdf, len, "NotoSans", 8));
    free(pdf);
    label_tpl_free(t);
    label_fields_free(f);
}

static void
vietnamese_glyphs_all_present(void **state)
{
    struct tt_err err = {0};
    struct label_tpl *t;
    struct label_fields *f = case_fields();
    unsigned char *png;
    size_t len;

    (void)state;
    assert_int_equal(label_text_unknown_glyphs("Noto Sans Bold 12", VI_TEXT, &err), 0);
    assert_int_equal(label_text_unknown_glyphs("Noto Sans 8", "ắẳểộự Đắk Lắk ₫", &err), 0);
    /* the check can fail: a private-use character has no glyph anywhere */
    assert_true(label_text_unknown_glyphs("Noto Sans 8", "x\xee\x80\x80y", &err) > 0);
    assert_int_equal(label_text_unknown_glyphs("No Such Font 8", "x", &err), TT_ENOTFOUND);
    assert_int_equal(err.detail, LABEL_E_FONT);
    /* and the renderer refuses a label that would print a missing-glyph box */
    assert_int_equal(label_tpl_find("data/labels", "case-100x50", &t, &err), 0);
    label_fields_set(f, "product.name", "Bưởi \xee\x80\x80", NULL);
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 0, &png, &len, NULL, &err), TT_EINVAL);
    assert_int_equal(err.detail, LABEL_E_GLYPHS);
    assert_non_null(strstr(err.msg, "case-100x50.label:"));
    label_tpl_free(t);
    label_fields_free(f);
}

static void
render_refuses_bad_data(void **state)
{
    struct tt_err err = {0};
    struct label_tpl *t;
    struct label_fields *f = case_fields();
    unsigned char *out;
    size_t len;

    (void)state;
    assert_int_equal(label_tpl_find("data/labels", "case-100x50", &t, &err), 0);
    label_fields_set(f, "gtin", "99506000134356", NULL); /* wrong check digit */
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 0, &out, &len, NULL, &err), TT_EINVAL);
    assert_int_equal(err.detail, LABEL_E_GS1);
    assert_null(out);
    label_fields_set(f, "gtin", "99506000134355", NULL);
    label_fields_set(f, "lot", "ABCDEFGHIJKLMNOPQRST", NULL); /* 20 chars: GS1-128 too wide */
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 0, &out, &len, NULL, &err), TT_EINVAL);
    assert_int_equal(err.detail, LABEL_E_FIT);
    assert_non_null(strstr(err.msg, "mm wide"));
    label_fields_set(f, "lot", "LÔ1", NULL); /* not CSET 82 */
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 0, &out, &len, NULL, &err), TT_EINVAL);
    assert_int_equal(err.detail, LABEL_E_GS1);
    label_tpl_free(t);
    label_fields_free(f);
}

/* An image element prints its dark pixels black and its white or transparent ones not at all. */
static void
image_element_thresholds(void **state)
{
    char dir[] = "/tmp/tt-tplimg.XXXXXX", logo[64], tpl_path[64];
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 20);
    cairo_t *cr = cairo_create(img);
    struct label_tpl *t;
    struct label_fields *f = label_fields_new();
    struct tt_err err = {0};
    unsigned char *png;
    size_t len;
    struct grey g = {0};
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    /* left half opaque white, right half black; the top row transparent */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, 20, 20);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, 20, 0, 20, 20);
    cairo_fill(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_rectangle(cr, 0, 0, 40, 2);
    cairo_fill(cr);
    cairo_destroy(cr);
    snprintf(logo, sizeof logo, "%s/logo.png", dir);
    assert_int_equal(cairo_surface_write_to_png(img, logo), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(img);
    snprintf(tpl_path, sizeof tpl_path, "%s/img.label", dir);
    fp = fopen(tpl_path, "w");
    assert_non_null(fp);
    /* the 40 x 20 px image stretched to 40 x 20 mm at (5, 5) on a 50 x 30 mm label */
    fputs("label img\nsize 50 30\nimage x=5 y=5 w=40 h=20 file=logo.png\n", fp);
    fclose(fp);
    assert_int_equal(label_tpl_load(tpl_path, &t, &err), 0);
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 203, &png, &len, NULL, &err), 0);
    assert_int_equal(grey_from_png(png, len, &g), 0);
    /* mm -> dots at 203 dpi: x = mm * 7.99 */
    assert_int_equal(g.px[(size_t)(15 * 8) * g.w + 15 * 8], 255);    /* white half: not printed */
    assert_int_equal(g.px[(size_t)(15 * 8) * g.w + 35 * 8], 0);      /* black half: black */
    assert_int_equal(g.px[(size_t)(5 * 8 + 2) * g.w + 35 * 8], 255); /* transparent top row */
    assert_int_equal(g.px[(size_t)(2 * 8) * g.w + 35 * 8], 255);     /* outside the image */
    free(g.px);
    free(png);
    label_tpl_free(t);
    unlink(logo);
    /* a missing image file is an error naming the template line */
    assert_int_equal(label_tpl_load(tpl_path, &t, &err), 0);
    assert_int_equal(label_render(t, f, LABEL_FMT_PNG, 203, &png, &len, NULL, &err), TT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "img.label:3: image"));
    label_tpl_free(t);
    unlink(tpl_path);
    rmdir(dir);
    label_fields_free(f);
}

static void
doc_many_pages_and_png_once(void **state)
{
    struct tt_err err = {0};
    struct label_tpl *t;
    struct label_fields *f = case_fields();
    struct label_doc *doc;
    unsigned char *out;
    size_t len;

    (void)state;
    assert_int_equal(label_tpl_find("data/labels", "case-100x50", &t, &err), 0);
    assert_int_equal(label_doc_new(LABEL_FMT_PDF, 0, &doc, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(label_doc_add(doc, t, f, 1, NULL, &err), 0);
    assert_int_equal(label_doc_finish(doc, &out, &len, &err), 0);
    assert_non_null(memmem(out, len, "/Count 3", 8));
    assert_int_equal(label_doc_add(doc, t, f, 1, NULL, &err), TT_EUSAGE);
    free(out);
    label_doc_free(doc);
    assert_int_equal(label_doc_new(LABEL_FMT_PNG, 0, &doc, &err), 0);
    assert_int_equal(label_doc_add(doc, t, f, 1, NULL, &err), 0);
    assert_int_equal(label_doc_add(doc, t, f, 1, NULL, &err), TT_EUSAGE);
    label_doc_free(doc);
    label_doc_free(NULL);
    label_tpl_free(t);
    label_fields_free(f);
}

static void
file_printer_writes_each_job(void **state)
{
    char dir[] = "/tmp/tt-fileprn.XXXXXX";
    struct printer_job_req req = {0};
    struct printer_job *job;
    struct printer_status st;
    struct tt_err err = {0};
    char dest[64], path[128];
    FILE *fp;
    char buf[16];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(dest, sizeof dest, "file:%s", dir);
    req.dest = dest;
    req.doc = (const unsigned char *)"%PDF-1.5 test";
    req.len = 13;
    req.fmt = LABEL_FMT_PDF;
    req.title = "lot 7/A";
    for (int n = 1; n <= 2; n++) {
        assert_int_equal(printer_job_start(&req, &job, &err), 0);
        assert_true(printer_job_fd(job) >= 0);
        assert_int_equal(printer_job_wait(job, 5000, &st), 0);
        assert_int_equal(st.state, PRINTER_JOB_COMPLETED);
        assert_int_equal(st.job_id, n);
        snprintf(path, sizeof path, "%s/lot_7_A-%d.pdf", dir, n);
        assert_string_equal(st.job_ref, path);
        fp = fopen(path, "rb");
        assert_non_null(fp);
        assert_int_equal(fread(buf, 1, sizeof buf, fp), 13);
        fclose(fp);
        printer_job_free(job);
    }
    for (int n = 1; n <= 2; n++) {
        snprintf(path, sizeof path, "%s/lot_7_A-%d.pdf", dir, n);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0); /* no temporary file was left behind */
    /* a missing folder fails with a reason, it does not hang */
    assert_int_equal(printer_job_start(&req, &job, &err), 0);
    assert_int_equal(printer_job_wait(job, 5000, &st), 0);
    assert_int_equal(st.state, PRINTER_JOB_FAILED);
    assert_int_equal(st.code, TT_ENOTFOUND);
    assert_non_null(strstr(st.message, dir));
    printer_job_free(job);
    printer_job_free(NULL);
    req.len = 0;
    assert_int_equal(printer_job_start(&req, &job, &err), TT_EUSAGE);
}

static void
cups_unreachable_fails_fast(void **state)
{
    struct printer_job_req req = {0};
    struct printer_job *job;
    struct printer_status st;
    struct tt_err err = {0};
    struct printer_info pi;

    (void)state;
    setenv("CUPS_SERVER", "127.0.0.1:9", 1); /* discard port: nothing listens */
    req.dest = "nosuch";
    req.doc = (const unsigned char *)"x";
    req.len = 1;
    req.follow = 1;
    assert_int_equal(printer_job_start(&req, &job, &err), 0);
    assert_int_equal(printer_job_wait(job, 10000, &st), 0);
    assert_int_equal(st.state, PRINTER_JOB_FAILED);
    assert_int_equal(st.code, TT_EDEVICE);
    assert_non_null(strstr(st.message, "CUPS"));
    printer_job_free(job);
    assert_int_equal(printer_get("nosuch", &pi, &err), TT_EDEVICE);
    unsetenv("CUPS_SERVER");
}

static void
printer_reasons_words(void **state)
{
    static const char *const kw[] = {"media-empty-error", "offline-report", NULL, "none",
                                     "cover-open-warning"};
    static const char *const k2[] = {"paused", "media-jam-error", "connecting-to-device"};
    static const char *const k3[] = {"none", "toner-low-report", "media-low-warning"};

    (void)state;
    assert_int_equal(printer_reasons_parse(kw, 5),
                     PRINTER_R_MEDIA_EMPTY | PRINTER_R_OFFLINE | PRINTER_R_DOOR_OPEN);
    assert_int_equal(printer_reasons_parse(k2, 3),
                     PRINTER_R_STOPPED | PRINTER_R_JAM | PRINTER_R_OFFLINE);
    assert_int_equal(printer_reasons_parse(k3, 3), 0); /* warnings that need no action */
    assert_int_equal(printer_reasons_parse(NULL, 0), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tpl_parses_good_template),
        cmocka_unit_test(tpl_errors_name_file_line_problem),
        cmocka_unit_test(tpl_builtins_all_load),
        cmocka_unit_test(tpl_list_reports_each_file),
        cmocka_unit_test(fields_filters),
        cmocka_unit_test(fields_derived),
        cmocka_unit_test(fields_from_gs1_message),
        cmocka_unit_test(raster_is_1bit_with_whole_dot_modules),
        cmocka_unit_test(zpl_graphic_matches_png),
        cmocka_unit_test(pdf_has_page_size_and_font),
        cmocka_unit_test(vietnamese_glyphs_all_present),
        cmocka_unit_test(render_refuses_bad_data),
        cmocka_unit_test(image_element_thresholds),
        cmocka_unit_test(doc_many_pages_and_png_once),
        cmocka_unit_test(file_printer_writes_each_job),
        cmocka_unit_test(cups_unreachable_fails_fast),
        cmocka_unit_test(printer_reasons_words),
    };

    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    label_shutdown();
    return rc;
}
