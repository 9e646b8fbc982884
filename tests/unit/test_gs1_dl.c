/*
 * test_gs1_dl.c — GS1 Digital Link URIs in and out: hosts and stems, the
 * rightmost key, qualifier order, query attributes, percent-encoding, and
 * the vectors of reference/gs1.md §3.4 (Syntax Engine, DL standard).
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
#define ID   "https://id.gs1.org"

static int
parse(const char *s, struct gs1_msg *m, struct tt_err *e)
{
    tt_err_clear(e);
    return gs1_parse(s, strlen(s), m, e);
}

static void
expect_fail(const char *s, int rc, int detail)
{
    struct gs1_msg m;
    struct tt_err e;
    int got = parse(s, &m, &e);

    if (got != rc || e.detail != detail)
        print_error("input '%s': rc %d detail %d (%s)\n", s, got, e.detail, e.msg);
    assert_int_equal(got, rc);
    assert_int_equal(e.detail, detail);
}

/* Parses a URI and expects the HRI form of its elements in order. */
static void
expect_elements(const char *uri, const char *want)
{
    struct gs1_msg m;
    struct tt_err e;
    char got[512] = "";
    size_t n = 0;

    if (parse(uri, &m, &e) != 0)
        print_error("input '%s': %s\n", uri, e.msg);
    assert_int_equal(m.form, GS1_FORM_DL);
    assert_int_equal(e.code, 0);
    for (size_t i = 0; i < m.n; i++)
        n += (size_t)snprintf(got + n, sizeof got - n, "(%s)%s", m.el[i].ai, m.el[i].value);
    assert_string_equal(got, want);
}

static void
dl_parse_vectors(void **state)
{
    (void)state;
    expect_elements(ID "/01/" GTIN "/10/ABC1/21/12345?17=180426",
                    "(01)" GTIN "(10)ABC1(21)12345(17)180426");
    expect_elements("https://brand.example/some/stem/01/" GTIN "/10/L%2B1?3103=000195",
                    "(01)" GTIN "(10)L+1(3103)000195");
    expect_elements("HTTPS://ID.GS1.ORG/01/" GTIN, "(01)" GTIN);
    expect_elements("http://example.com/01/" GTIN "/22/V1/10/L1/21/S1",
                    "(01)" GTIN "(22)V1(10)L1(21)S1");
    expect_elements(ID "/01/" GTIN "/235/TPX1", "(01)" GTIN "(235)TPX1");
    /* the rightmost primary key wins (SE) */
    expect_elements("https://example.com/00/faux/00/006141411234567890", "(00)006141411234567890");
    /* other parameters and singletons are not data; fragments are ignored */
    expect_elements(ID "/01/" GTIN "?linkType=gs1:pip&foo=bar&solo&15=260301#top",
                    "(01)" GTIN "(15)260301");
    /* zero-suppressed GTIN-13 in the path is padded to 14 digits */
    expect_elements(ID "/01/2112345678900", "(01)02112345678900");
    expect_elements(ID "/414/5412345678908/254/Field%2F7", "(414)5412345678908(254)Field/7");
    expect_elements(ID "/8004/0614141ABC/7040/1A1A", "(8004)0614141ABC(7040)1A1A");
}

static void
dl_parse_errors(void **state)
{
    (void)state;
    expect_fail("HtTps://id.gs1.org/01/" GTIN, TT_EPARSE, GS1_E_SYNTAX);
    expect_fail("ftp://id.gs1.org/01/" GTIN, TT_EPARSE, GS1_E_SYNTAX);
    expect_fail(ID "/01/" GTIN "/", TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail(ID "//01/" GTIN, TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail("https:///01/" GTIN, TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail("https://id gs1.org/01/" GTIN, TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail(ID "/01/" GTIN "/10/A B", TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail(ID "/gtin/" GTIN, TT_EINVAL, GS1_E_DL_NO_KEY); /* legacy short names */
    expect_fail(ID, TT_EINVAL, GS1_E_DL_NO_KEY);
    expect_fail(ID "/10/ABC", TT_EINVAL, GS1_E_DL_NO_KEY);
    expect_fail(ID "/01/" GTIN "/21/S/10/L", TT_EINVAL, GS1_E_DL_ORDER);
    expect_fail(ID "/01/" GTIN "/10/L/235/T", TT_EINVAL, GS1_E_DL_ORDER);
    expect_fail(ID "/01/" GTIN "/254/X", TT_EINVAL, GS1_E_DL_ORDER);
    expect_fail(ID "/00/006141411234567890/10/L", TT_EINVAL, GS1_E_DL_ORDER);
    expect_fail(ID "/01/" GTIN "/lot/L", TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail(ID "/01/" GTIN "?10=ABC123", TT_EINVAL, GS1_E_DL_ATTRIBUTE); /* SE */
    expect_fail(ID "/01/" GTIN "?8200=http://x", TT_EINVAL, GS1_E_DL_ATTRIBUTE);
    expect_fail(ID "/01/" GTIN "?01=" GTIN, TT_EINVAL, GS1_E_DL_ATTRIBUTE);
    expect_fail(ID "/01/" GTIN "?999=faux", TT_EINVAL, GS1_E_UNKNOWN_AI); /* SE */
    expect_fail(ID "/01/" GTIN "?15=260101&15=260101", TT_EINVAL, GS1_E_DUPLICATE);
    expect_fail(ID "/01/" GTIN "?98=XYZ+987", TT_EINVAL, GS1_E_BAD_CHAR); /* SE: '+' is space */
    expect_fail(ID "/01/" GTIN "/10/A%2", TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail(ID "/01/" GTIN "/10/A%G1", TT_EPARSE, GS1_E_DL_SYNTAX);
    expect_fail(ID "/01/" GTIN "/10/A%00", TT_EINVAL, GS1_E_BAD_CHAR);
    expect_fail(ID "/01/" GTIN "?15=", TT_EINVAL, GS1_E_TOO_SHORT);
    expect_fail(ID "/01/" GTIN "/10/ABCDEFGHIJKLMNOPQRSTU", TT_EINVAL, GS1_E_TOO_LONG);
    expect_fail(ID "/01/09520123456789", TT_EINVAL, GS1_E_CHECK_DIGIT);
    expect_fail(ID "/01/" GTIN "?17=261340", TT_EINVAL, GS1_E_DATE);
}

static int
uri_of(const char *data, const char *base, char *out, size_t len, struct tt_err *e)
{
    struct gs1_msg m;

    assert_int_equal(parse(data, &m, e), 0);
    return gs1_dl_uri(&m, base, out, len, e);
}

static void
dl_generate_vectors(void **state)
{
    char uri[512];
    struct tt_err e;

    (void)state;
    assert_int_equal(uri_of("(01)12312312312326(21)abc123", NULL, uri, sizeof uri, &e), 0);
    assert_string_equal(uri, ID "/01/12312312312326/21/abc123"); /* SE */
    assert_int_equal(
        uri_of("(21)XYZ(01)12312312312333(10)ABC123(99)XYZ", NULL, uri, sizeof uri, &e), 0);
    assert_string_equal(uri, ID "/01/12312312312333/10/ABC123/21/XYZ?99=XYZ"); /* SE */
    assert_int_equal(uri_of("(01)" GTIN "(10)ABC+123", NULL, uri, sizeof uri, &e), 0);
    assert_string_equal(uri, ID "/01/" GTIN "/10/ABC%2B123"); /* SE */
    assert_int_equal(uri_of("(01)" GTIN "(10)ABC1(21)12345(17)180426", "https://tx.example/", uri,
                            sizeof uri, &e),
                     0);
    assert_string_equal(uri, "https://tx.example/01/" GTIN "/10/ABC1/21/12345?17=180426");
    assert_int_equal(uri_of("(00)376104250021234569(02)" GTIN "(37)24", NULL, uri, sizeof uri, &e),
                     0);
    assert_string_equal(uri, ID "/00/376104250021234569?02=" GTIN "&37=24");
    assert_int_equal(uri_of("(01)" GTIN "(235)T1", NULL, uri, sizeof uri, &e), 0);
    assert_string_equal(uri, ID "/01/" GTIN "/235/T1");
    assert_int_equal(uri_of("(01)" GTIN "(10)A(10)A", NULL, uri, sizeof uri, &e), 0);
    assert_string_equal(uri, ID "/01/" GTIN "/10/A");
}

static void
dl_generate_errors(void **state)
{
    char uri[512], tiny[20];
    struct tt_err e;
    struct gs1_msg m;

    (void)state;
    assert_int_equal(uri_of("(01)" GTIN "(8200)http://x", NULL, uri, sizeof uri, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_DL_ATTRIBUTE); /* SE refuses 8200 in a URI */
    assert_int_equal(uri_of("(01)" GTIN "(10)A(235)T", NULL, uri, sizeof uri, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_DL_ORDER);
    assert_int_equal(uri_of("(400)PO123", NULL, uri, sizeof uri, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_DL_NO_KEY);
    assert_int_equal(uri_of("(01)" GTIN "(10)ABC", NULL, tiny, sizeof tiny, &e), TT_ENOMEM);
    assert_string_equal(tiny, "");
    gs1_msg_init(&m);
    assert_int_equal(gs1_msg_add(&m, "01", "09520123456789", &e), 0);
    assert_int_equal(gs1_dl_uri(&m, NULL, uri, sizeof uri, &e), TT_EINVAL);
    assert_int_equal(e.detail, GS1_E_CHECK_DIGIT);
}

static void
dl_key_paths(void **state)
{
    (void)state;
    assert_string_equal(gs1_dl_key_paths("01"), "22,10,21|235");
    assert_string_equal(gs1_dl_key_paths("00"), "");
    assert_string_equal(gs1_dl_key_paths("414"), "254|7040");
    assert_null(gs1_dl_key_paths("10"));
    assert_null(gs1_dl_key_paths("12345"));
    assert_null(gs1_dl_key_paths(NULL));
}

static void
dl_round_trip(void **state)
{
    static const char *const uris[] = {
        ID "/01/" GTIN "/10/ABC1/21/12345?17=180426",
        ID "/01/" GTIN "/22/V%2F1/10/L%25%26?3103=000195&15=260200&422=704",
        ID "/00/376104250021234569?02=" GTIN "&37=24",
        ID "/414/5412345678908/254/F%2F7",
        ID "/8003/05412345678908ABC",
    };
    char uri[512];
    struct tt_err e;

    (void)state;
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        assert_int_equal(uri_of(uris[i], NULL, uri, sizeof uri, &e), 0);
        assert_string_equal(uri, uris[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dl_parse_vectors),    cmocka_unit_test(dl_parse_errors),
        cmocka_unit_test(dl_generate_vectors), cmocka_unit_test(dl_generate_errors),
        cmocka_unit_test(dl_round_trip),       cmocka_unit_test(dl_key_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
