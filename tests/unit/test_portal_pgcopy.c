/*
 * test_portal_pgcopy.c — binary COPY encoding and the RFC 3339 reader
 * (portal/pgcopy.h). That PostgreSQL reads the rows back as the same
 * values is test_portal_ingest's test_binary_rows_match_postgres.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "../../portal/pgcopy.h"

static void
expect_bytes(const struct pgcopy *b, size_t from, const void *want, size_t n)
{
    assert_true(b->len >= from + n);
    assert_memory_equal(b->buf + from, want, n);
}

static void
test_header_and_trailer(void **state)
{
    struct pgcopy b = {0};
    static const unsigned char head[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n',
                                           0,   0,   0,   0,   0,   0,   0,    0,    0};

    (void)state;
    pgcopy_header(&b);
    assert_int_equal(b.len, 19);
    expect_bytes(&b, 0, head, sizeof head);
    pgcopy_trailer(&b);
    expect_bytes(&b, 19, "\xff\xff", 2);
    assert_false(pgcopy_failed(&b));
    pgcopy_reset(&b);
    assert_int_equal(b.len, 0);
    pgcopy_free(&b);
}

static void
test_fields(void **state)
{
    struct pgcopy b = {0};
    static const char keys[2][8] = {"ab", "c"};

    (void)state;
    pgcopy_tuple(&b, 3);
    expect_bytes(&b, 0, "\x00\x03", 2);
    pgcopy_text_or_null(&b, "");
    pgcopy_text_or_null(&b, NULL);
    expect_bytes(&b, 2, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    pgcopy_reset(&b);
    pgcopy_text_or_null(&b, "Bưởi");
    expect_bytes(&b, 0,
                 "\x00\x00\x00\x07"
                 "Bưởi",
                 11);
    pgcopy_reset(&b);
    pgcopy_int8(&b, -2);
    expect_bytes(&b, 0, "\x00\x00\x00\x08\xff\xff\xff\xff\xff\xff\xff\xfe", 12);
    pgcopy_reset(&b);
    pgcopy_jsonb(&b, "{}", 2);
    expect_bytes(&b, 0, "\x00\x00\x00\x03\x01{}", 7);
    pgcopy_reset(&b);
    pgcopy_bytea(&b, "\x00\x01", 2);
    expect_bytes(&b, 0, "\x00\x00\x00\x02\x00\x01", 6);
    pgcopy_reset(&b);
    /* text[]: length, 1 dimension, no NULLs, text's OID 25, 2 elements from 1 */
    pgcopy_text_array(&b, keys[0], sizeof keys[0], 2);
    expect_bytes(&b, 0,
                 "\x00\x00\x00\x1f"
                 "\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x19"
                 "\x00\x00\x00\x02\x00\x00\x00\x01"
                 "\x00\x00\x00\x02"
                 "ab"
                 "\x00\x00\x00\x01"
                 "c",
                 35);
    assert_int_equal(b.len, 35);
    pgcopy_reset(&b);
    /* the empty array has no dimensions */
    pgcopy_text_array(&b, keys[0], sizeof keys[0], 0);
    expect_bytes(&b, 0, "\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x19", 16);
    assert_int_equal(b.len, 16);
    pgcopy_free(&b);
}

/* Microseconds since 2000-01-01 UTC. */
#define US(s) ((int64_t)(s)*1000000)

static void
test_times(void **state)
{
    static const struct {
        const char *text;
        int64_t us;
    } good[] = {
        {"2000-01-01T00:00:00Z", 0},
        {"2000-01-01T07:00:00+07:00", 0},
        {"1999-12-31T23:59:59.5z", -500000},
        {"2000-01-01t00:00:00.0000005+00:00", 0}, /* tie: rint to even */
        {"2000-01-01T00:00:00.0000015Z", 2},      /* tie: to even, up */
        {"2000-01-01T00:00:00.123456789-00:00", 123457},
        {"2000-03-01T00:00:00Z", US(60 * 86400)}, /* 2000 is a leap year */
        {"2001-01-01T00:00:00Z", US(366 * 86400)},
        {"1970-01-01T00:00:00Z", -US(946684800)},
        {"2026-11-25T08:00:00.000+07:00", US(848883600)},
        {"2016-12-31T23:59:60Z", US(536544000)}, /* a leap second rolls over */
        {"2026-11-25T01:00:00+14:00", US(848833200)},
        {"2026-11-25T01:00:00-12:30", US(848928600)},
    };
    static const char *const bad[] = {
        "",
        "2026-11-25",
        "2026-11-25T08:00:00",  /* no offset */
        "2026-02-29T00:00:00Z", /* not a leap year */
        "1900-02-29T00:00:00Z", /* nor is 1900 */
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-11-00T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2026-11-25T24:00:00Z",
        "2026-11-25T08:60:00Z",
        "2026-11-25T08:00:61Z",
        "2026-11-25T08:00:00.Z",
        "2026-11-25T08:00:00+15:00",
        "2026-11-25T08:00:00+14:30",
        "2026-11-25T08:00:00+07:60",
        "2026-11-25T08:00:00+0700",
        "2026-11-25T08:00:00Z ",
        "2026-11-25 08:00:00Z",
        "2026-1-25T08:00:00Z",
        "+026-11-25T08:00:00Z",
    };
    int64_t us;

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        us = -1;
        if (pgcopy_parse_time(good[i].text, &us) != 0 || us != good[i].us)
            fail_msg("%s: got %lld, want %lld", good[i].text, (long long)us, (long long)good[i].us);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pgcopy_parse_time(bad[i], &us) != -1)
            fail_msg("accepted %s", bad[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_trailer),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_times),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
