/* test_gs1_keys.c — check digits, GTIN forms, SSCC and the PTI voice pick code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../gs1/gs1.h"

static void
check_digit_public_vectors(void **state)
{
    (void)state;
    /* reference/gs1.md §2.1 */
    assert_int_equal(gs1_check_digit("0952012345678", 13), 8);
    assert_int_equal(gs1_check_digit("1234567890123", 13), 1);
    assert_int_equal(gs1_check_digit("9501234567890", 13), 3);
    assert_int_equal(gs1_check_digit("211223378965", 12), 7);
    assert_int_equal(gs1_check_digit("41600033610", 11), 8);
    assert_int_equal(gs1_check_digit("0234568", 7), 0);
    assert_int_equal(gs1_check_digit("37610425002123456", 17), 9);
    assert_int_equal(gs1_check_digit("893123456789", 12), 7);
}

static void
check_digit_rejects_non_digits(void **state)
{
    (void)state;
    assert_int_equal(gs1_check_digit("12a4", 4), -1);
    assert_int_equal(gs1_check_digit("", 0), -1);
    assert_int_equal(gs1_check_digit(NULL, 3), -1);
    assert_int_equal(gs1_check_digit("12 4", 4), -1);
}

static void
gtin_normalise_all_lengths(void **state)
{
    char out[15];
    struct tt_err err;

    (void)state;
    assert_int_equal(gs1_gtin_normalise("02345680", out, &err), 0);
    assert_string_equal(out, "00000002345680");
    assert_int_equal(gs1_gtin_normalise("416000336108", out, &err), 0);
    assert_string_equal(out, "00416000336108");
    assert_int_equal(gs1_gtin_normalise("2112233789657", out, &err), 0);
    assert_string_equal(out, "02112233789657");
    assert_int_equal(gs1_gtin_normalise("09520123456788", out, &err), 0);
    assert_string_equal(out, "09520123456788");
}

static void
gtin_normalise_errors(void **state)
{
    char out[15];
    struct tt_err err;

    (void)state;
    assert_int_equal(gs1_gtin_normalise("09520123456789", out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_CHECK_DIGIT);
    assert_string_equal(out, "");
    assert_int_equal(gs1_gtin_normalise("0952012345678X", out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_BAD_CHAR);
    assert_int_equal(gs1_gtin_normalise("1234567", out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_TOO_SHORT);
    assert_int_equal(gs1_gtin_normalise("12345678901", out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_TOO_SHORT);
    assert_int_equal(gs1_gtin_normalise("123456789012345", out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_TOO_LONG);
}

static void
sscc_make_vectors(void **state)
{
    char out[19];
    struct tt_err err;

    (void)state;
    /* zint vector: 3 7610425 002123456 9 */
    assert_int_equal(gs1_sscc_make(3, "7610425", 2123456ULL, out, &err), 0);
    assert_string_equal(out, "376104250021234569");
    assert_int_equal(gs1_sscc_make(0, "893123456", 1ULL, out, &err), 0);
    assert_int_equal(strlen(out), 18);
    assert_memory_equal(out, "0893123456000000", 16);
    assert_int_equal(out[17] - '0', gs1_check_digit(out, 17));
}

static void
sscc_make_errors(void **state)
{
    char out[19];
    struct tt_err err;

    (void)state;
    /* 12-digit prefix leaves 4 serial digits: 9999 fits, 10000 does not. */
    assert_int_equal(gs1_sscc_make(1, "893123456789", 9999ULL, out, &err), 0);
    assert_int_equal(gs1_sscc_make(1, "893123456789", 10000ULL, out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_TOO_LONG);
    assert_int_equal(gs1_sscc_make(10, "8931234", 1ULL, out, &err), TT_EINVAL);
    assert_int_equal(gs1_sscc_make(-1, "8931234", 1ULL, out, &err), TT_EINVAL);
    assert_int_equal(gs1_sscc_make(0, "89312", 1ULL, out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_TOO_SHORT);
    assert_int_equal(gs1_sscc_make(0, "8931234567890", 1ULL, out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_TOO_LONG);
    assert_int_equal(gs1_sscc_make(0, "89312a4", 1ULL, out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_BAD_CHAR);
    assert_string_equal(out, "");
}

static void
vpc_public_vectors(void **state)
{
    char out[5];
    struct tt_err err;

    (void)state;
    /* reference/gs1.md §4 */
    assert_int_equal(gs1_vpc("10850510002011", "46587443HG234", NULL, out, &err), 0);
    assert_string_equal(out, "6359");
    assert_int_equal(gs1_vpc("10850510002011", "46587443HG234", "", out, &err), 0);
    assert_string_equal(out, "6359");
    assert_int_equal(gs1_vpc("65457886676767", "2", "100126", out, &err), 0);
    assert_string_equal(out, "5836");
    assert_int_equal(gs1_vpc("12345678901244", "LOT123", "030102", out, &err), 0);
    assert_string_equal(out, "6991");
    assert_int_equal(gs1_vpc("61414100734933", "32ABCD", "010101", out, &err), 0);
    assert_string_equal(out, "1085");
    assert_int_equal(gs1_vpc("61414100734933", "32abcd", "030102", out, &err), 0);
    assert_string_equal(out, "8079");
}

static void
vpc_errors(void **state)
{
    char out[5];
    struct tt_err err;

    (void)state;
    assert_int_equal(gs1_vpc("1085051000201", "L1", NULL, out, &err), TT_EINVAL);
    assert_int_equal(gs1_vpc("1085051000201X", "L1", NULL, out, &err), TT_EINVAL);
    assert_int_equal(gs1_vpc("10850510002011", "", NULL, out, &err), TT_EINVAL);
    assert_int_equal(gs1_vpc("10850510002011", "L1", "2601", out, &err), TT_EINVAL);
    assert_int_equal(err.detail, GS1_E_DATE);
    assert_int_equal(gs1_vpc("10850510002011", "L1", "261301", out, &err), TT_EINVAL);
    assert_int_equal(gs1_vpc("10850510002011", "L1", "260100", out, &err), TT_EINVAL);
    assert_string_equal(out, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_digit_public_vectors),
        cmocka_unit_test(check_digit_rejects_non_digits),
        cmocka_unit_test(gtin_normalise_all_lengths),
        cmocka_unit_test(gtin_normalise_errors),
        cmocka_unit_test(sscc_make_vectors),
        cmocka_unit_test(sscc_make_errors),
        cmocka_unit_test(vpc_public_vectors),
        cmocka_unit_test(vpc_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
