/*
 * test_gs1_format.c — element strings out (HRI, zint brackets, raw with
 * FNC1 as GS), carrier limits, round trips, and gs1_explain().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../gs1/gs1-int.h"

#define GTIN "09520123456788"

static void
must_parse(const char *s, struct gs1_msg *m)
{
    struct tt_err e;

    tt_err_clear(&e);
    if (gs1_parse(s, strlen(s), m, &e) != 0)
        print_error("input '%s': %s\n", s, e.msg);
    assert_int_equal(e.code, 0);
}

static void
format_three_syntaxes(void **state)
{
    struct gs1_msg m;
    struct tt_err e;
    char out[256];

    (void)state;
    must_parse("(10)L1(01)" GTIN "(21)S9(3103)000195", &m);
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_PARENS, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
    assert_string_equal(out, "(01)" GTIN "(3103)000195(10)L1(21)S9");
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_BRACKETS, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
    assert_string_equal(out, "[01]" GTIN "[3103]000195[10]L1[21]S9");
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
    /* GS only after a variable-length value that is not last */
    assert_string_equal(out, "01" GTIN "3103000195"
                             "10L1\x1d"
                             "21S9");
    must_parse("[01]" GTIN "[10]A(B", &m);
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_PARENS, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
    assert_string_equal(out, "(01)" GTIN "(10)A\\(B"); /* "(" escaped so it parses back */
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_HRI, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
    assert_string_equal(out, "(01)" GTIN "(10)A(B"); /* for people: no escape */
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_BRACKETS, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
    assert_string_equal(out, "[01]" GTIN "[10]A(B");
}

static void
format_limits(void **state)
{
    struct gs1_msg m;
    struct tt_err e;
    char out[256], tiny[10];

    (void)state;
    /* 16 + 20 + 18 = 54 data characters: too many for GS1-128 */
    must_parse("(01)" GTIN "(00)376104250021234569(10)ABCDEFGHIJKLMNOP", &m);
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_GS1_128, out, sizeof out, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_CARRIER_LENGTH);
    must_parse("(01)" GTIN "(15)260101(10)ABCDEFGHIJKLMNOPQR(21)1234", &m);
    /* 16 + 8 + 20 + FNC1 + 6 = 51 > 48 */
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_GS1_128, out, sizeof out, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_CARRIER_LENGTH);
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_DATAMATRIX, out, sizeof out, &e),
                     0);
    must_parse("(01)" GTIN "(15)260101(10)ABCDEFGHIJKLMNOPQ(21)12", &m);
    /* 16 + 8 + 19 + FNC1 + 4 = 48 */
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_GS1_128, out, sizeof out, &e), 0);
    assert_int_equal(strlen(out), 48);
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_NONE, tiny, sizeof tiny, &e),
                     TT_ENOMEM);
    assert_string_equal(tiny, "");
    gs1_msg_init(&m);
    assert_int_equal(gs1_format(&m, GS1_SYNTAX_RAW, GS1_CARRIER_NONE, out, sizeof out, &e),
                     TT_EINVAL);
}

static void
round_trip_every_syntax(void **state)
{
    static const char *const inputs[] = {
        "(01)" GTIN "(3103)000195(15)260200(10)L1(422)704",
        "(00)376104250021234569(02)" GTIN "(37)24(400)PO-1",
        "(01)" GTIN "(10)A\\(B)C(21)X/Y",
        "(01)95012345678903(3922)4500(3103)001250(17)261231",
    };
    (void)state;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        for (int syn = GS1_SYNTAX_PARENS; syn <= GS1_SYNTAX_RAW; syn++) {
            struct gs1_msg a, b;
            struct tt_err e;
            char out[256];

            must_parse(inputs[i], &a);
            assert_int_equal(
                gs1_format(&a, (enum gs1_syntax)syn, GS1_CARRIER_NONE, out, sizeof out, &e), 0);
            must_parse(out, &b);
            assert_int_equal(a.n, b.n);
            for (size_t k = 0; k < a.n; k++)
                assert_string_equal(gs1_msg_get(&b, a.el[k].ai), a.el[k].value);
        }
}

static void
explain(const char *ai, const char *value, struct gs1_explanation *x)
{
    struct gs1_element el;
    struct tt_err e;

    snprintf(el.ai, sizeof el.ai, "%s", ai);
    snprintf(el.value, sizeof el.value, "%s", value);
    assert_int_equal(gs1_explain(&el, 2026, x, &e), 0);
}

static void
explain_dates(void **state)
{
    struct gs1_explanation x;

    (void)state;
    explain("15", "200200", &x); /* biip: 2020-02-29 */
    assert_int_equal(x.kind, GS1_KIND_DATE);
    assert_int_equal(x.date[0].year, 2020);
    assert_int_equal(x.date[0].month, 2);
    assert_int_equal(x.date[0].day, 29);
    assert_int_equal(x.date[0].last_day, 1);
    explain("15", "210200", &x);
    assert_int_equal(x.date[0].day, 28);
    explain("17", "211200", &x);
    assert_int_equal(x.date[0].day, 31);
    explain("7007", "251120251205", &x);
    assert_int_equal(x.n_dates, 2);
    assert_int_equal(x.date[1].month, 12);
    assert_int_equal(x.date[1].day, 5);
    explain("7003", "2601011430", &x);
    assert_int_equal(x.has_time, 1);
    assert_int_equal(x.hour, 14);
    assert_int_equal(x.minute, 30);
    explain("8008", "26010114", &x);
    assert_int_equal(x.has_time, 1);
    assert_int_equal(x.has_seconds, 0);
    explain("7250", "19991231", &x);
    assert_int_equal(x.date[0].year, 1999);
    /* GS1 General Specifications 7.12 sliding window, in 2026 */
    explain("11", "490101", &x);
    assert_int_equal(x.date[0].year, 2049);
    explain("11", "760101", &x);
    assert_int_equal(x.date[0].year, 2076);
    explain("11", "770101", &x);
    assert_int_equal(x.date[0].year, 1977);
    assert_int_equal(gs1_century_year(0, 2026), 2000);
    assert_int_equal(gs1_century_year(0, 2060), 2100);
    assert_int_equal(gs1_century_year(99, 2000), 1999);
}

static void
explain_numbers(void **state)
{
    struct gs1_explanation x;

    (void)state;
    explain("3103", "000195", &x); /* biip: 0.195 kg */
    assert_int_equal(x.kind, GS1_KIND_MEASURE);
    assert_int_equal(x.mantissa, 195);
    assert_int_equal(x.decimals, 3);
    assert_string_equal(x.unit, "kg");
    assert_string_equal(x.unit_code, "KGM");
    explain("3102", "001250", &x); /* 12.50 kg */
    assert_int_equal(x.mantissa, 1250);
    assert_int_equal(x.decimals, 2);
    explain("3300", "000450", &x);
    assert_string_equal(x.unit, "kg");
    explain("3153", "001500", &x);
    assert_string_equal(x.unit_code, "LTR");
    explain("3922", "0299", &x); /* biip: 2.99 */
    assert_int_equal(x.kind, GS1_KIND_AMOUNT);
    assert_int_equal(x.mantissa, 299);
    assert_int_equal(x.decimals, 2);
    assert_int_equal(x.currency, 0);
    explain("3932", "7101230", &x); /* biip: ZAR 12.30 */
    assert_int_equal(x.currency, 710);
    assert_string_equal(x.currency_alpha3, "ZAR");
    assert_int_equal(x.mantissa, 1230);
    explain("3920", "45000", &x);
    assert_int_equal(x.decimals, 0);
    explain("4331", "000250-", &x);
    assert_int_equal(x.negative, 1);
    assert_int_equal(x.mantissa, 250);
    assert_string_equal(x.unit, "°C");
    explain("37", "24", &x);
    assert_int_equal(x.kind, GS1_KIND_COUNT);
    assert_int_equal(x.mantissa, 24);
}

static void
explain_keys_and_countries(void **state)
{
    struct gs1_explanation x;
    struct gs1_element el = {"01", "09520123456789"};
    struct tt_err e;

    (void)state;
    explain("01", "08931234567897", &x);
    assert_int_equal(x.kind, GS1_KIND_KEY);
    assert_int_equal(x.indicator, 0);
    assert_string_equal(x.prefix, "893");
    assert_string_equal(x.prefix_org, "GS1 Vietnam");
    explain("01", "95012345678903", &x);
    assert_int_equal(x.variable_measure, 1);
    explain("01", "02112233789657", &x);
    assert_string_equal(x.prefix_org, "restricted circulation (in-store numbers)");
    explain("422", "704", &x);
    assert_int_equal(x.kind, GS1_KIND_COUNTRIES);
    assert_string_equal(x.country[0].alpha2, "VN");
    assert_string_equal(x.country[0].name_vi, "Việt Nam");
    explain("423", "704418764", &x);
    assert_int_equal(x.n_countries, 3);
    assert_string_equal(x.country[2].alpha2, "TH");
    explain("7030", "704ABC-123", &x);
    assert_int_equal(x.kind, GS1_KIND_COUNTRY_TEXT);
    assert_string_equal(x.text, "ABC-123");
    explain("10", "LOT1", &x);
    assert_int_equal(x.kind, GS1_KIND_TEXT);
    assert_string_equal(x.info->title_en, "Batch or lot number");
    assert_int_equal(gs1_explain(&el, 2026, &x, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_CHECK_DIGIT);
    snprintf(el.ai, sizeof el.ai, "14");
    assert_int_equal(gs1_explain(&el, 2026, &x, &e), TT_EINVAL);
    assert_string_equal(gs1_error_name(GS1_E_CHECK_DIGIT), "check_digit");
    assert_string_equal(gs1_error_name(GS1_E_AIM), "aim");
    assert_string_equal(gs1_error_name(-3), "unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_three_syntaxes),   cmocka_unit_test(format_limits),
        cmocka_unit_test(round_trip_every_syntax), cmocka_unit_test(explain_dates),
        cmocka_unit_test(explain_numbers),         cmocka_unit_test(explain_keys_and_countries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
