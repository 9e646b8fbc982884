/*
 * test_gs1_lint.c — the rarer component checks of the Syntax Dictionary,
 * each with a value it accepts and values it refuses (so that no check
 * silently accepts garbage).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../gs1/gs1-int.h"

#define GTIN "(01)09520123456788"
#define SSCC "(00)376104250021234569"
#define GSRN "(8018)123456789012345675"

static int
detail_of(const char *s)
{
    struct gs1_msg m;
    struct tt_err e;

    tt_err_clear(&e);
    if (gs1_parse(s, strlen(s), &m, &e) != 0)
        return e.detail;
    return 0;
}

static void
ok(const char *s)
{
    int d = detail_of(s);

    if (d != 0)
        print_error("'%s' refused: %s\n", s, gs1_error_name(d));
    assert_int_equal(d, 0);
}

static void
refused(const char *s, int want)
{
    int d = detail_of(s);

    if (d != want)
        print_error("'%s': %s, expected %s\n", s, gs1_error_name(d), gs1_error_name(want));
    assert_int_equal(d, want);
}

static void
coupons(void **state)
{
    (void)state;
    ok("(8110)106141416543213500110000310123196000");
    refused("(8110)10614141654321350011000031012319600", GS1_E_COMPONENT);  /* short field 9 */
    refused("(8110)106141416543213500110000410123310123", GS1_E_COMPONENT); /* 4 before 3 */
    refused("(8110)706141416543213500110000", GS1_E_COMPONENT);             /* VLI 7 */
    refused("(8110)1061414165432135001100007", GS1_E_COMPONENT);            /* field 7 */
    refused("(8110)10614141654321350011000A", GS1_E_BAD_CHAR);
    ok("(8110)106141416543213500110000101100009"); /* field 1, no second company prefix */
    ok("(8110)1061414165432135001100002101000106141413101231");
    refused("(8110)1061414165432135001100001511000", GS1_E_COMPONENT); /* rules code 5 */
    ok("(8112)006141416543213123456789");
    refused("(8112)206141416543213123456789", GS1_E_COMPONENT);  /* format 2 */
    refused("(8112)0061414165432131234567890", GS1_E_COMPONENT); /* data left over */
    refused("(8112)00614141654321312345678", GS1_E_COMPONENT);   /* serial short */
}

static void
people_and_media(void **state)
{
    (void)state;
    ok(GSRN "(7259)Nguyen(7258)1/2");
    refused(GSRN "(7259)Nguyen(7258)3/2", GS1_E_COMPONENT);
    refused(GSRN "(7259)Nguyen(7258)1-2", GS1_E_COMPONENT);
    refused(GSRN "(7259)Nguyen(7258)0/2", GS1_E_COMPONENT);
    ok(GSRN "(7252)2");
    refused(GSRN "(7252)3", GS1_E_COMPONENT);
    ok(GSRN "(7241)01");
    refused(GSRN "(7241)11", GS1_E_COMPONENT);
    refused(GSRN "(7241)00", GS1_E_COMPONENT);
    ok(GSRN "(7250)20240229");
    refused(GSRN "(7250)20230229", GS1_E_DATE);
    refused(GSRN "(7250)20230200", GS1_E_DAY_ZERO);
    refused(GSRN "(7251)202302011260", GS1_E_TIME);
    refused(GSRN "(7250)20231301", GS1_E_DATE);
}

static void
logistics(void **state)
{
    (void)state;
    ok(SSCC "(7041)BX");
    refused(SSCC "(7041)bx", GS1_E_COMPONENT);
    refused(SSCC "(7041)BOXES", GS1_E_TOO_LONG);
    ok(SSCC "(4300)Hop%20tac%20xa");
    refused(SSCC "(4300)ABC%2", GS1_E_COMPONENT);
    refused(SSCC "(4300)ABC%G0", GS1_E_COMPONENT);
    ok(SSCC "(4321)1(4322)0(4323)1");
    refused(SSCC "(4323)7", GS1_E_COMPONENT);
    ok(SSCC "(4324)2601001200"); /* yymmd0: day 00 allowed */
    refused(SSCC "(4324)2601011275", GS1_E_TIME);
    ok(SSCC "(4307)VN");
    ok("(8010)0614141ABC-#/(8011)12");
    ok("(8010)0614141ABC(8011)0");
    refused("(8010)0614141ABC(8011)012", GS1_E_COMPONENT);
    refused("(8010)0614141abc(8011)12", GS1_E_BAD_CHAR);
}

static void
keys_and_assets(void **state)
{
    (void)state;
    refused("(8007)XX82WEST12345698765432(415)5412345678908(8020)R", GS1_E_COUNTRY);
    refused("(8007)GBX2WEST12345698765432(415)5412345678908(8020)R", GS1_E_CHECK_DIGIT);
    refused("(8007)GB82west12345698765432(415)5412345678908(8020)R", GS1_E_COMPONENT);
    ok("(8003)05412345678908ABC");
    refused("(8003)15412345678908ABC", GS1_E_COMPONENT); /* leading zero digit */
    refused("(8003)05412345678909ABC", GS1_E_CHECK_DIGIT);
    ok("(8004)0614141ABC");
    refused("(8004)061A4141", GS1_E_COMPONENT); /* no company prefix */
    ok("(8013)1987654Ad4X4bL5ttr2310c2K");
    ok(GTIN "(21)1(8014)0614141MUDI7N8");
    refused(GTIN "(21)1(8014)0614141100000067", GS1_E_COMPONENT); /* digits only */
    ok("(8006)"
       "09520123456788"
       "0102"
       "(10)L");
    refused("(8006)"
            "09520123456788"
            "0300(10)L",
            GS1_E_COMPONENT);
    ok(GTIN "(8001)12341000010019");
    ok("(7040)1A1_");
    refused("(7040)1A1!", GS1_E_COMPONENT);
    refused("(7040)AA1A", GS1_E_BAD_CHAR);
}

static void
char_sets(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        int in82 = c > 32 && c < 127 && strchr("#$@[\\]^`{|}~ ", c) == NULL;
        int in39 =
            (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '#' || c == '-' || c == '/';
        int in64 = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                   c == '-' || c == '_';

        assert_int_equal(gs1_cset82((unsigned char)c) != 0, in82);
        assert_int_equal(gs1_cset39((unsigned char)c) != 0, in39);
        assert_int_equal(gs1_cset64((unsigned char)c) != 0, in64);
    }
}

/* The reference: does day dd of month mm in 20yy exist (libc's calendar)? */
static int
real_day(int yy, int mm, int dd)
{
    struct tm tm = {0};
    time_t t;

    tm.tm_year = 100 + yy;
    tm.tm_mon = mm - 1;
    tm.tm_mday = dd;
    tm.tm_hour = 12;
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    return mm >= 1 && mm <= 12 && dd >= 1 && tm.tm_mon == mm - 1 && tm.tm_mday == dd;
}

/* Every one of the million YYMMDD values, for a yymmd0 and a yymmdd AI. */
static void
dates_exhaustive(void **state)
{
    const struct gs1_ai_def *d0 = gs1_ai_find("15", 2), *dd = gs1_ai_find("7006", 4);
    char v[12]; /* room for any int, so -O1 sees no truncation */

    (void)state;
    for (int n = 0; n < 1000000; n++) {
        int yy = n / 10000, mm = n / 100 % 100, day = n % 100, real = real_day(yy, mm, day);
        size_t pos;
        const char *what;

        snprintf(v, sizeof v, "%06d", n);
        if ((gs1_check_value(d0, v, 6, &pos, &what) == 0) !=
            (real || (day == 0 && mm >= 1 && mm <= 12)))
            fail_msg("(15)%s", v);
        if ((gs1_check_value(dd, v, 6, &pos, &what) == 0) != real)
            fail_msg("(7006)%s", v);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coupons),   cmocka_unit_test(people_and_media),
        cmocka_unit_test(logistics), cmocka_unit_test(keys_and_assets),
        cmocka_unit_test(char_sets), cmocka_unit_test(dates_exhaustive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
