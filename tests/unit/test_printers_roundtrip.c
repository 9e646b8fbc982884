/*
 * test_printers_roundtrip.c — the proof that a printed label scans back to
 * the data it was made from: for every built-in template and carrier,
 * generated inputs (weights, lots drawing on every CSET 82 character class,
 * dates, serials, SSCCs, prices) are rendered to a 1-bit PNG at 203 and
 * 300 dpi, each barcode is decoded with zbar (GS1-128, DataBar Expanded,
 * QR) or libdmtx (DataMatrix), parsed with gs1_parse, and compared AI by AI
 * with values computed here from the inputs (not from the renderer).
 * TT_FULL=1 runs ten times as many inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../printers/label.h"
#include "printers-test-util.h"

/* GS1 AI encodable character set 82, by class (GS1 General Specifications §7.11). */
static const char *const cset82[] = {
    "0123456789",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "abcdefghijklmnopqrstuvwxyz",
    "!\"%&'()*+,-./:;<=>?_",
};

static unsigned long long rng = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
    rng ^= rng << 13; /* xorshift64: the same inputs on every run */
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void
gen_gtin(char out[15], char indicator)
{
    out[0] = indicator;
    memcpy(out + 1, "950600", 6); /* GS1 952/950 example-style prefix */
    for (int i = 7; i < 13; i++)
        out[i] = (char)('0' + rnd(10));
    out[13] = (char)('0' + gs1_check_digit(out, 13));
    out[14] = '\0';
}

/* A lot of 1..max_len characters; the class rotates with `k` so every class is used. */
static void
gen_lot(char *out, int max_len, unsigned k)
{
    int len = 1 + (int)rnd((unsigned)max_len);

    for (int i = 0; i < len; i++) {
        const char *cls = cset82[(k + (unsigned)i) % 4];

        out[i] = cls[rnd((unsigned)strlen(cls))];
    }
    out[len] = '\0';
}

static void
gen_date(char iso[11], char yymmdd[7])
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 2024 + (int)rnd(7), m = 1 + (int)rnd(12), d = 1 + (int)rnd((unsigned)days[m - 1]);
    char tmp[32];

    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(iso, tmp, 11);
    snprintf(tmp, sizeof tmp, "%02d%02d%02d", y % 100, m, d);
    memcpy(yymmdd, tmp, 7);
}

/* One generated input and the element values it must scan back as. */
struct input {
    struct label_fields *f;
    char gtin[15], lot[21], serial[21], sscc[19], count[9];
    char harvest[11], harvest6[7], expiry[11], expiry6[7];
    char w3103[7], price3920[24];
};

static void
gen_input(struct input *in, const char *tpl, unsigned k, int lot_max)
{
    unsigned grams = 1 + rnd(99999), price_kg = 1000 + rnd(499000);
    char buf[64];
    int pallet = strcmp(tpl, "pallet-100x150") == 0;

    memset(in, 0, sizeof *in);
    in->f = label_fields_new();
    gen_gtin(in->gtin, pallet ? '1' : '9');
    gen_lot(in->lot, lot_max, k);
    gen_date(in->harvest, in->harvest6);
    gen_date(in->expiry, in->expiry6);
    snprintf(in->serial, sizeof in->serial, "%u", 1 + rnd(999999));
    snprintf(in->count, sizeof in->count, "%u", 1 + rnd(9999));
    assert_int_equal(gs1_sscc_make(0, "9506000", 1 + rnd(999999999), in->sscc, NULL), 0);
    snprintf(in->w3103, sizeof in->w3103, "%06u", grams);
    snprintf(in->price3920, sizeof in->price3920, "%llu",
             ((unsigned long long)grams * price_kg + 500) / 1000);
    snprintf(buf, sizeof buf, "%u.%03u", grams / 1000, grams % 1000);
    label_fields_set(in->f, "weight", buf, NULL);
    snprintf(buf, sizeof buf, "%u", price_kg);
    label_fields_set(in->f, "price.kg", buf, NULL);
    label_fields_set(in->f, "gtin", in->gtin, NULL);
    label_fields_set(in->f, "lot", in->lot, NULL);
    label_fields_set(in->f, "harvest", in->harvest, NULL);
    label_fields_set(in->f, "expiry", in->expiry, NULL);
    label_fields_set(in->f, "serial", in->serial, NULL);
    label_fields_set(in->f, "sscc", in->sscc, NULL);
    label_fields_set(in->f, "count", in->count, NULL);
    label_fields_set(in->f, "product.name", "Bưởi Luận Văn – Thọ Xuân, Thanh Hóa", NULL);
    label_fields_set(in->f, "place.name", "Thọ Xuân", NULL);
    label_fields_set(in->f, "place.province", "Thanh Hóa", NULL);
    label_fields_set(in->f, "coop.name", "HTX Nông nghiệp Luận Văn", NULL);
}

/* The value an AI must have, from the generated input. */
static const char *
want_value(const struct input *in, const char *ai)
{
    static const struct {
        const char *ai;
        size_t off;
    } map[] = {
        {"01", offsetof(struct input, gtin)},     {"02", offsetof(struct input, gtin)},
        {"10", offsetof(struct input, lot)},      {"21", offsetof(struct input, serial)},
        {"00", offsetof(struct input, sscc)},     {"37", offsetof(struct input, count)},
        {"13", offsetof(struct input, harvest6)}, {"15", offsetof(struct input, expiry6)},
        {"3103", offsetof(struct input, w3103)},  {"3920", offsetof(struct input, price3920)},
    };

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].ai, ai) == 0)
            return (const char *)in + map[i].off;
    return NULL;
}

/* Decodes barcode `b` of the image into GS1 scan data with its AIM prefix. */
static int
decode_one(const struct grey *g, const struct label_barcode_info *b, char *out, size_t out_len)
{
    struct grey c = grey_crop(g, b->x, b->y, b->w, b->h, 4 * b->module_dots);
    char data[512];
    int ok = 0;

    if (b->carrier == GS1_CARRIER_DATAMATRIX) {
        ok = dmtx_decode(&c, data, sizeof data);
        /* libdmtx shows the leading FNC1 as GS too: the AIM prefix says GS1 instead */
        if (ok)
            snprintf(out, out_len, "]d2%s", data[0] == 0x1d ? data + 1 : data);
    } else {
        zbar_symbol_type_t t = b->carrier == GS1_CARRIER_GS1_128       ? ZBAR_CODE128
                               : b->carrier == GS1_CARRIER_DATABAR_EXP ? ZBAR_DATABAR_EXP
                                                                       : ZBAR_QRCODE;

        ok = zbar_decode(&c, t, data, sizeof data) != 0;
        if (ok && b->dl)
            snprintf(out, out_len, "%s", data);
        else if (ok)
            snprintf(out, out_len, "%s%s",
                     t == ZBAR_CODE128       ? "]C1"
                     : t == ZBAR_DATABAR_EXP ? "]e0"
                                             : "]Q3",
                     data);
    }
    free(c.px);
    return ok;
}

/* Every AI the renderer sent must scan back with the value computed from the input. */
static void
compare(const char *tpl_name, int dpi, const struct input *in, const struct gs1_msg *sent,
        const struct gs1_msg *got, const char *scan)
{
    for (size_t j = 0; j < sent->n; j++) {
        const char *ai = sent->el[j].ai, *v = gs1_msg_get(got, ai), *w = want_value(in, ai);

        if (w == NULL)
            fail_msg("%s: AI (%s) not expected by the test", tpl_name, ai);
        if (v == NULL || strcmp(v, w) != 0)
            fail_msg("%s at %d dpi: AI (%s) scanned as '%s', input was '%s' (scan '%s')", tpl_name,
                     dpi, ai, v != NULL ? v : "(missing)", w, scan);
    }
}

/*
 * Each barcode must decode to exactly the bytes gs1_format gives for its
 * message (so separators are right); each label's AIs must then parse, as
 * a scanner-fed station would combine them (a logistic label's AIs only
 * validate together), and equal the input.
 */
static void
check_label(const char *tpl_name, const struct label_tpl *tpl, const struct input *in, int dpi,
            int *n_decoded)
{
    struct tt_err err = {0};
    struct label_info info;
    unsigned char *png;
    size_t len;
    struct grey g = {0};
    char all[2048] = "";
    struct gs1_msg got;
    size_t n_gs1 = 0;

    if (label_render(tpl, in->f, LABEL_FMT_PNG, dpi, &png, &len, &info, &err) != 0)
        fail_msg("%s lot '%s' at %d dpi: %s", tpl_name, in->lot, dpi, err.msg);
    assert_int_equal(grey_from_png(png, len, &g), 0);
    assert_int_equal(g.non_bw, 0);
    for (size_t i = 0; i < info.n_barcodes; i++) {
        const struct label_barcode_info *b = &info.barcode[i];
        char scan[600], raw[600];

        if (!decode_one(&g, b, scan, sizeof scan))
            fail_msg("%s barcode %zu (%s) not decoded at %d dpi", tpl_name, i, b->hri, dpi);
        (*n_decoded)++;
        if (b->dl) {
            if (gs1_parse(scan, strlen(scan), &got, &err) != 0)
                fail_msg("%s: scanned '%s' does not parse: %s", tpl_name, scan, err.msg);
            compare(tpl_name, dpi, in, &info.msg[i], &got, scan);
            continue;
        }
        assert_int_equal(
            gs1_format(&info.msg[i], GS1_SYNTAX_RAW, b->carrier, raw, sizeof raw, &err), 0);
        if (strcmp(scan + 3, raw) != 0)
            fail_msg("%s at %d dpi: barcode %zu scanned '%s', sent '%s'", tpl_name, dpi, i,
                     scan + 3, raw);
        if (n_gs1++ == 0)
            snprintf(all, sizeof all, "%s", scan);
        else
            snprintf(all + strlen(all), sizeof all - strlen(all), "\x1d%s", scan + 3);
    }
    if (n_gs1 > 0) {
        if (gs1_parse(all, strlen(all), &got, &err) != 0)
            fail_msg("%s: scanned '%s' does not parse: %s", tpl_name, all, err.msg);
        for (size_t i = 0; i < info.n_barcodes; i++)
            if (!info.barcode[i].dl)
                compare(tpl_name, dpi, in, &info.msg[i], &got, all);
    }
    free(g.px);
    free(png);
}

static void
roundtrip(const char *tpl_name, int lot_max)
{
    int n = getenv("TT_FULL") != NULL ? 120 : 12, decoded = 0;
    struct label_tpl *tpl;
    struct tt_err err = {0};

    if (label_tpl_find("data/labels", tpl_name, &tpl, &err) != 0)
        fail_msg("%s", err.msg);
    for (int i = 0; i < n; i++) {
        struct input in;

        gen_input(&in, tpl_name, (unsigned)i, lot_max);
        check_label(tpl_name, tpl, &in, i % 3 == 2 ? 300 : 203, &decoded);
        label_fields_free(in.f);
    }
    assert_true(decoded >= n);
    label_tpl_free(tpl);
}

/*
 * Lot lengths are what each label's barcodes hold at their smallest
 * X-dimension; longer lots are refused with LABEL_E_FIT (test_printers.c).
 */
static void
rt_produce(void **state)
{
    (void)state;
    roundtrip("produce-58x40", 6);
}

static void
rt_case(void **state)
{
    (void)state;
    roundtrip("case-100x50", 12);
}

static void
rt_pti(void **state)
{
    (void)state;
    roundtrip("pti-100x50", 10);
}

static void
rt_pallet(void **state)
{
    (void)state;
    roundtrip("pallet-100x150", 20);
}

static void
rt_retail(void **state)
{
    (void)state;
    roundtrip("retail-58x40", 20);
}

static void
rt_dl_qr(void **state)
{
    (void)state;
    roundtrip("dl-qr-50x50", 20);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rt_produce), cmocka_unit_test(rt_case),   cmocka_unit_test(rt_pti),
        cmocka_unit_test(rt_pallet),  cmocka_unit_test(rt_retail), cmocka_unit_test(rt_dl_qr),
    };

    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    label_shutdown();
    return rc;
}
