/*
 * test_gs1_parse.c — the three input forms (bracketed, raw scan data with
 * AIM prefixes and GS, Digital Link in test_gs1_dl.c), validation of every
 * rule with the error code, AI and position, and the public vectors of
 * reference/gs1.md (Syntax Engine, biip, zint).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../gs1/gs1.h"

#define GTIN "09520123456788"

static int
parse(const char *s, struct gs1_msg *m, struct tt_err *e)
{
    tt_err_clear(e);
    return gs1_parse(s, strlen(s), m, e);
}

/* Expects failure with `detail` at AI `ai` and input position `pos`. */
static void
expect_fail(const char *s, int rc, int detail, const char *ai, size_t pos)
{
    struct gs1_msg m;
    struct tt_err e;
    int got = parse(s, &m, &e);

    if (got != rc || e.detail != detail || strcmp(m.err_ai, ai) != 0 || m.err_pos != pos)
        print_error("input '%s': rc %d detail %d ai '%s' pos %zu (%s)\n", s, got, e.detail,
                    m.err_ai, m.err_pos, e.msg);
    assert_int_equal(got, rc);
    assert_int_equal(e.detail, detail);
    assert_string_equal(m.err_ai, ai);
    assert_int_equal(m.err_pos, pos);
    assert_true(strlen(e.msg) > 10);
}

static void
expect_ok(const char *s, size_t n)
{
    struct gs1_msg m;
    struct tt_err e;
    int rc = parse(s, &m, &e);

    if (rc != 0)
        print_error("input '%s': %s\n", s, e.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(m.n, n);
}

static void
brackets_parse_into_elements(void **state)
{
    struct gs1_msg m;
    struct tt_err e;

    (void)state;
    assert_int_equal(parse("(01)" GTIN "(3103)000195(15)260200(10)LOT-7", &m, &e), 0);
    assert_int_equal(m.form, GS1_FORM_BRACKETS);
    assert_int_equal(m.n, 4);
    assert_string_equal(m.el[0].ai, "01");
    assert_string_equal(m.el[0].value, GTIN);
    assert_string_equal(m.el[1].ai, "3103");
    assert_string_equal(gs1_msg_get(&m, "10"), "LOT-7");
    assert_string_equal(gs1_msg_get(&m, "15"), "260200");
    assert_null(gs1_msg_get(&m, "17"));
    assert_string_equal(m.aim, "");
    assert_int_equal(parse("[01]" GTIN "[10]A(B)C", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "10"), "A(B)C");
    /* "\(" is a literal parenthesis in the "(..)" form */
    assert_int_equal(parse("(01)" GTIN "(10)AB\\(C\\)(21)X", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "10"), "AB(C)");
    assert_string_equal(gs1_msg_get(&m, "21"), "X");
}

static void
public_vectors_valid(void **state)
{
    (void)state;
    expect_ok("(01)12345678901231", 1);
    expect_ok("(01)95012345678903(3103)000123", 2);            /* SE: variable measure */
    expect_ok("(01)12345678901231(3925)12599(3100)654321", 3); /* SE */
    expect_ok("(01)" GTIN "(10)ABC1(21)12345(17)180426", 4);   /* DL spec example */
    expect_ok("(15)200200(01)" GTIN, 2);                       /* biip: DD=00 */
    expect_ok("(15)210200(01)" GTIN, 2);
    expect_ok("(17)211200(01)" GTIN, 2);
    expect_ok("(00)376104250021234569", 1);                   /* zint SSCC */
    expect_ok("(00)376104250021234569(02)" GTIN "(37)24", 3); /* mixed pallet */
    expect_ok("(01)" GTIN "(7007)251120", 2);
    expect_ok("(01)" GTIN "(7007)251120251205", 2); /* harvest range */
    expect_ok("(01)" GTIN "(7030)999APPROVAL1", 2); /* 999 allowed in 703n */
    expect_ok("(01)" GTIN "(422)704(427)TH", 3);
    expect_ok("(01)" GTIN "(3932)7101230(3103)000500", 3); /* biip: ZAR 12.30 */
    expect_ok("(01)" GTIN "(10)A(10)A", 3);                /* same value twice is fine */
    expect_ok("(8013)1987654Ad4X4bL5ttr2310c2K", 1);       /* GMN check pair */
    expect_ok("(8007)GB82WEST12345698765432(415)5412345678908(8020)REF1", 3); /* IBAN */
    expect_ok("(4309)02790858483015297971(00)376104250021234569", 2);
    expect_ok("(4330)000440-(00)376104250021234569", 2);
}

static void
raw_scan_data(void **state)
{
    struct gs1_msg m;
    struct tt_err e;

    (void)state;
    /* biip: without GS the best-before date is swallowed into the lot */
    assert_int_equal(parse("]C1010703206980498810032915210526", &m, &e), 0);
    assert_string_equal(m.aim, "]C1");
    assert_int_equal(m.form, GS1_FORM_RAW);
    assert_int_equal(m.n, 2);
    assert_string_equal(gs1_msg_get(&m, "10"), "032915210526");
    assert_int_equal(parse("]C101070320698049881003290\x1d"
                           "15210526",
                           &m, &e),
                     0);
    assert_int_equal(m.n, 3);
    assert_string_equal(gs1_msg_get(&m, "10"), "03290");
    assert_string_equal(gs1_msg_get(&m, "15"), "210526");
    /* leading FNC1, redundant GS after a predefined AI, trailing GS */
    assert_int_equal(parse("\x1d"
                           "01" GTIN "\x1d"
                           "10ABC\x1d",
                           &m, &e),
                     0);
    assert_int_equal(m.n, 2);
    assert_string_equal(gs1_msg_get(&m, "10"), "ABC");
    assert_int_equal(parse("01" GTIN "3103000195", &m, &e), 0);
    assert_int_equal(m.n, 2);
    /* each GS1 symbology identifier */
    assert_int_equal(parse("]e001" GTIN "3103000195", &m, &e), 0);
    assert_int_equal(parse("]d201" GTIN "10X", &m, &e), 0);
    assert_int_equal(parse("]Q301" GTIN "10X", &m, &e), 0);
    assert_int_equal(parse("]J101" GTIN, &m, &e), 0);
    assert_string_equal(m.aim, "]J1");
    assert_string_equal(gs1_symbology_name(m.aim), "GS1 DotCode");
    assert_int_equal(parse("]E09520123456788", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "01"), "09520123456788");
    assert_int_equal(parse("]E402345680", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "01"), "00000002345680");
    assert_int_equal(parse("]I1" GTIN, &m, &e), 0);
    /* bare EAN/UPC/ITF-14 digits from a scanner without AIM identifiers */
    assert_int_equal(parse("8931234567897", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "01"), "08931234567897");
    assert_string_equal(m.aim, "");
    assert_int_equal(parse("416000336108", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "01"), "00416000336108");
    assert_int_equal(parse("02345680", &m, &e), 0);
    assert_int_equal(parse(GTIN, &m, &e), 0);
    assert_int_equal(m.n, 1);
    /* a wrong check digit is not taken for a GTIN: (90) followed by 11 digits */
    assert_int_equal(parse("9012345678901", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "90"), "12345678901");
    assert_int_equal(parse("]Q1https://id.gs1.org/01/" GTIN, &m, &e), 0);
    assert_int_equal(m.form, GS1_FORM_DL);
    assert_string_equal(gs1_symbology_name("]C1"), "GS1-128");
    assert_null(gs1_symbology_name(""));
    assert_null(gs1_symbology_name("]X9"));
}

static void
syntax_errors(void **state)
{
    (void)state;
    expect_fail("", TT_EPARSE, GS1_E_EMPTY, "", 0);
    expect_fail("hello", TT_EPARSE, GS1_E_SYNTAX, "", 0);
    expect_fail("(01" GTIN, TT_EPARSE, GS1_E_SYNTAX, "01", 3);
    expect_fail("(1)23", TT_EPARSE, GS1_E_SYNTAX, "", 1);
    expect_fail("(01)" GTIN "X(10)", TT_EINVAL, GS1_E_TOO_LONG, "01", 18);
    expect_fail("(01)", TT_EINVAL, GS1_E_TOO_SHORT, "01", 4);
    expect_fail("01" GTIN "\x1d\x1d"
                "10A",
                TT_EPARSE, GS1_E_SYNTAX, "", 17);
    expect_fail("\x1d", TT_EPARSE, GS1_E_EMPTY, "", 1);
}

static void
nul_byte_is_refused(void **state)
{
    static const char data[] = "(01)" GTIN "(10)A\0B";
    struct gs1_msg m;
    struct tt_err e;

    (void)state;
    assert_int_equal(gs1_parse(data, sizeof data - 1, &m, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_BAD_CHAR);
    assert_int_equal(m.err_pos, 23);
}

static void
aim_errors(void **state)
{
    (void)state;
    expect_fail("]C0ABC", TT_EPARSE, GS1_E_AIM, "", 0);
    expect_fail("]C", TT_EPARSE, GS1_E_AIM, "", 0);
    expect_fail("]E0123", TT_EINVAL, GS1_E_TOO_SHORT, "01", 3);
    expect_fail("]E09520123456789", TT_EINVAL, GS1_E_CHECK_DIGIT, "01", 15);
    expect_fail("]E412345610", TT_EINVAL, GS1_E_CHECK_DIGIT, "01", 10);
    expect_fail("]I10952012345678X", TT_EINVAL, GS1_E_BAD_CHAR, "01", 16);
    expect_fail("]d1(01)" GTIN, TT_EPARSE, GS1_E_DL_SYNTAX, "", 3);
}

static void
element_errors(void **state)
{
    (void)state;
    expect_fail("(14)123456", TT_EINVAL, GS1_E_UNKNOWN_AI, "14", 1);
    expect_fail("(04)1234567890123456", TT_EINVAL, GS1_E_UNKNOWN_AI, "04", 1);
    expect_fail("(3106)000100", TT_EINVAL, GS1_E_UNKNOWN_AI, "3106", 1);
    expect_fail("(01)123", TT_EINVAL, GS1_E_TOO_SHORT, "01", 7);
    expect_fail("(01)0952012345678X", TT_EINVAL, GS1_E_BAD_CHAR, "01", 17);
    expect_fail("(01)09520123456789", TT_EINVAL, GS1_E_CHECK_DIGIT, "01", 17);
    expect_fail("(01)" GTIN "(10)123456789012345678901", TT_EINVAL, GS1_E_TOO_LONG, "10", 42);
    expect_fail("(01)" GTIN "(10) ", TT_EINVAL, GS1_E_BAD_CHAR, "10", 22); /* SE: space */
    expect_fail("(01)" GTIN "(10)A~B", TT_EINVAL, GS1_E_BAD_CHAR, "10", 23);
    expect_fail("(01)" GTIN "(10)\xc3\xa1", TT_EINVAL, GS1_E_BAD_CHAR, "10", 22);
    expect_fail("(8010)ABC!", TT_EINVAL, GS1_E_BAD_CHAR, "8010", 9); /* CSET 39 */
    expect_fail("(8030)ab+c", TT_EINVAL, GS1_E_BAD_CHAR, "8030", 8); /* base64url */
}

static void
date_and_time_errors(void **state)
{
    (void)state;
    expect_fail("(01)" GTIN "(16)000000", TT_EINVAL, GS1_E_DATE, "16", 24); /* zint */
    expect_fail("(01)" GTIN "(15)261301", TT_EINVAL, GS1_E_DATE, "15", 24);
    expect_fail("(01)" GTIN "(15)990229", TT_EINVAL, GS1_E_DATE, "15", 26); /* biip */
    expect_fail("(01)" GTIN "(11)120230", TT_EINVAL, GS1_E_DATE, "11", 26); /* biip */
    expect_fail("(01)" GTIN "(17)260431", TT_EINVAL, GS1_E_DATE, "17", 26);
    expect_fail("(01)" GTIN "(7006)200100", TT_EINVAL, GS1_E_DAY_ZERO, "7006", 28); /* zint */
    expect_fail("(01)" GTIN "(7007)260200", TT_EINVAL, GS1_E_DAY_ZERO, "7007", 28);
    expect_fail("(01)" GTIN "(7007)2601012601", TT_EINVAL, GS1_E_TOO_SHORT, "7007", 34);
    expect_fail("(00)376104250021234569(4326)201200", TT_EINVAL, GS1_E_DAY_ZERO, "4326", 32);
    expect_fail("(01)" GTIN "(7003)2601012360", TT_EINVAL, GS1_E_TIME, "7003", 32);
    expect_fail("(01)" GTIN "(7003)2601012400", TT_EINVAL, GS1_E_TIME, "7003", 30);
    expect_fail("(01)" GTIN "(8008)26010112619", TT_EINVAL, GS1_E_TIME, "8008", 32);
    expect_fail("(8018)123456789012345678(7250)20250230", TT_EINVAL, GS1_E_CHECK_DIGIT, "8018", 23);
    /* an optional component cut short (8008: date, hour, [minute], [second]) */
    expect_fail("(01)" GTIN "(8008)260101121", TT_EINVAL, GS1_E_TOO_SHORT, "8008", 33);
    expect_ok("(01)" GTIN "(8008)26010112", 2);
    expect_ok("(01)" GTIN "(8008)2601011230", 2);
    expect_ok("(01)" GTIN "(15)240229", 2); /* leap year */
    expect_ok("(01)" GTIN "(7003)2601012359", 2);
}

static void
code_list_errors(void **state)
{
    (void)state;
    expect_fail("(01)" GTIN "(422)999", TT_EINVAL, GS1_E_COUNTRY, "422", 23);
    expect_fail("(01)" GTIN "(423)704000", TT_EINVAL, GS1_E_COUNTRY, "423", 26);
    expect_fail("(01)" GTIN "(3932)0001230(3103)000500", TT_EINVAL, GS1_E_CURRENCY, "3932", 24);
    expect_fail("(00)376104250021234569(4307)XX", TT_EINVAL, GS1_E_COUNTRY, "4307", 28);
    expect_fail("(00)376104250021234569(4321)2", TT_EINVAL, GS1_E_COMPONENT, "4321", 28);
    expect_fail("(01)" GTIN "(8001)00001000010019", TT_EINVAL, GS1_E_COMPONENT, "8001", 24);
    expect_fail("(01)" GTIN "(8001)12341000010059", TT_EINVAL, GS1_E_COMPONENT, "8001", 36);
    expect_fail("(8006)" GTIN "0302", TT_EINVAL, GS1_E_COMPONENT, "8006", 20);
    expect_fail("(8013)1987654Ad4X4bL5ttr2310c2X", TT_EINVAL, GS1_E_CHECK_DIGIT, "8013", 29);
    expect_fail("(8007)GB82WEST12345698765433(415)5412345678908", TT_EINVAL, GS1_E_CHECK_DIGIT,
                "8007", 8);
    expect_fail("(4330)000440+(00)376104250021234569", TT_EINVAL, GS1_E_COMPONENT, "4330", 12);
    expect_fail("(8010)12AB(8011)0123", TT_EINVAL, GS1_E_COMPONENT, "8010", 8);
    expect_fail("(8010)1234AB(8011)0123", TT_EINVAL, GS1_E_COMPONENT, "8011", 18);
    expect_fail("(00)376104250021234569(4309)18000000013600000001", TT_EINVAL, GS1_E_COMPONENT,
                "4309", 28);
}

static void
association_errors(void **state)
{
    (void)state;
    expect_fail("(02)" GTIN, TT_EINVAL, GS1_E_REQUIRES, "02", 4);
    expect_fail("(00)376104250021234569(37)12", TT_EINVAL, GS1_E_REQUIRES, "37", 26);
    expect_fail("(10)ABC", TT_EINVAL, GS1_E_REQUIRES, "10", 4);
    expect_fail("(01)12345678901231(3925)12599", TT_EINVAL, GS1_E_REQUIRES, "3925", 24); /* SE */
    expect_fail("(01)" GTIN "(02)" GTIN "(37)5", TT_EINVAL, GS1_E_EXCLUDES, "01", 4);
    expect_fail("(01)" GTIN "(21)1(235)X", TT_EINVAL, GS1_E_EXCLUDES, "21", 22);
    expect_fail("(01)" GTIN "(422)704(426)704", TT_EINVAL, GS1_E_EXCLUDES, "422", 23);
    expect_fail("(01)12345678901231(3102)001250(3103)000195", TT_EINVAL, GS1_E_EXCLUDES, "3102",
                24);
    expect_fail("(01)" GTIN "(10)A(10)B", TT_EINVAL, GS1_E_DUPLICATE, "10", 27);
    expect_fail("(01)" GTIN "(01)12345678901231", TT_EINVAL, GS1_E_DUPLICATE, "01", 22);
    expect_fail("(01)" GTIN "(7004)12", TT_EINVAL, GS1_E_REQUIRES, "7004", 24); /* 01+10 */
    expect_ok("(01)" GTIN "(10)L(7004)12", 3);
}

static void
too_many_elements(void **state)
{
    char big[2048];
    size_t n = (size_t)snprintf(big, sizeof big, "(01)%s", GTIN);
    struct gs1_msg m;
    struct tt_err e;

    (void)state;
    for (int i = 0; i < GS1_ELEMENTS_MAX; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "(10)A");
    assert_int_equal(parse(big, &m, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_TOO_MANY);
    assert_int_equal(m.n, GS1_ELEMENTS_MAX);
}

static void
validate_built_messages(void **state)
{
    struct gs1_msg m;
    struct tt_err e;

    (void)state;
    gs1_msg_init(&m);
    assert_int_equal(gs1_validate(&m, &e), TT_EPARSE);
    assert_int_equal(e.detail, GS1_E_EMPTY);
    assert_int_equal(gs1_msg_add(&m, "01", GTIN, &e), 0);
    assert_int_equal(gs1_msg_add(&m, "10", "ABC", &e), 0);
    assert_int_equal(gs1_validate(&m, &e), 0);
    assert_int_equal(gs1_msg_add(&m, "15", "261399", &e), 0);
    assert_int_equal(gs1_validate(&m, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_DATE);
    assert_non_null(strstr(e.msg, "(15)"));
    assert_int_equal(gs1_msg_add(&m, "1", "x", &e), TT_EINVAL);
    assert_int_equal(gs1_msg_add(&m, "1a", "x", &e), TT_EINVAL);
    assert_int_equal(gs1_msg_add(&m, "10", "", &e), TT_EINVAL);
    assert_int_equal(gs1_msg_add(NULL, "10", "x", &e), TT_EUSAGE);
    m.n = 1;
    assert_int_equal(gs1_msg_add(&m, "99", "x", &e), 0);
    assert_int_equal(gs1_msg_add(&m, "9999", "x", &e), 0);
    assert_int_equal(gs1_validate(&m, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_UNKNOWN_AI);
}

static void
label_rules_span_barcodes(void **state)
{
    struct gs1_msg a, b, c;
    struct tt_err e;
    const struct gs1_msg *label[3] = {&a, &b, &c};

    (void)state;
    /* A logistic label: SSCC in one barcode, content and count in another. */
    assert_int_equal(parse("(00)376104250021234569", &a, &e), 0);
    assert_int_equal(parse("(02)" GTIN "(37)24", &b, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_REQUIRES);
    assert_int_equal(gs1_validate_label(label, 2, &e), 0);
    assert_int_equal(parse("(00)376104250021234569(10)L2", &c, &e), TT_EINVAL);
    assert_int_equal(gs1_validate_label(label, 3, &e), 0);
    gs1_msg_init(&c);
    assert_int_equal(gs1_msg_add(&c, "00", "006141411234567890", &e), 0);
    assert_int_equal(gs1_validate_label(label, 3, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_DUPLICATE);
    assert_int_equal(gs1_validate_label(label, 1, &e), 0);
    assert_int_equal(gs1_validate_label(NULL, 0, &e), TT_EUSAGE);
    gs1_msg_init(&c);
    assert_int_equal(gs1_validate_label(label, 3, &e), TT_EPARSE); /* an empty barcode */
    assert_int_equal(e.detail, GS1_E_EMPTY);
}

static void
configurable_separators(void **state)
{
    static const char scan[] = "]C10109520123456788100329|15210526";
    struct gs1_msg m;
    struct tt_err e;

    (void)state;
    assert_int_equal(gs1_parse_sep(scan, strlen(scan), "|~", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "10"), "0329");
    assert_string_equal(gs1_msg_get(&m, "15"), "210526");
    /* without the separator set '|' is just a bad character */
    assert_int_equal(gs1_parse_sep(scan, strlen(scan), NULL, &m, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_BAD_CHAR);
    /* brackets and Digital Link keep their characters */
    assert_int_equal(gs1_parse_sep("(01)" GTIN "(10)A-B", 25, "-", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "10"), "A-B");
    assert_int_equal(gs1_parse_sep("]Q1https://id.gs1.org/01/" GTIN "/10/A-B", 46, "-", &m, &e), 0);
    assert_string_equal(gs1_msg_get(&m, "10"), "A-B");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(brackets_parse_into_elements),
        cmocka_unit_test(public_vectors_valid),
        cmocka_unit_test(raw_scan_data),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(nul_byte_is_refused),
        cmocka_unit_test(aim_errors),
        cmocka_unit_test(element_errors),
        cmocka_unit_test(date_and_time_errors),
        cmocka_unit_test(code_list_errors),
        cmocka_unit_test(association_errors),
        cmocka_unit_test(too_many_elements),
        cmocka_unit_test(validate_built_messages),
        cmocka_unit_test(label_rules_span_barcodes),
        cmocka_unit_test(configurable_separators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
