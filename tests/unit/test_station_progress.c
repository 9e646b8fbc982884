/*
 * test_station_progress.c — the export's progress channel (station/progress.h)
 * without a terminal: every message round-trips through format and parse,
 * malformed or over-long lines are skipped, lines split across reads are
 * joined, and the bar never shows 100% before the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../station/progress.h"

static void
messages_round_trip(void **state)
{
    const struct progress_msg msgs[] = {
        {.kind = PROGRESS_BYTES, .done = 0, .total = 0},
        {.kind = PROGRESS_BYTES, .done = 123456789012ULL, .total = 9999999999999999999ULL},
        {.kind = PROGRESS_RELEASE, .release = PROGRESS_KEPT},
        {.kind = PROGRESS_RELEASE, .release = PROGRESS_UNMOUNTED},
        {.kind = PROGRESS_RELEASE, .release = PROGRESS_EJECTED},
        {.kind = PROGRESS_ERROR, .error = PROGRESS_E_IO},
        {.kind = PROGRESS_ERROR, .error = PROGRESS_E_ROFS},
        {.kind = PROGRESS_ERROR, .error = PROGRESS_E_NOSPC},
        {.kind = PROGRESS_ERROR, .error = PROGRESS_E_NOKEY},
        {.kind = PROGRESS_ERROR, .error = PROGRESS_E_NOSTICK},
        {.kind = PROGRESS_ERROR, .error = PROGRESS_E_OTHER},
    };
    char line[96];

    (void)state;
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        struct progress_msg back;
        int n = progress_format(&msgs[i], line, sizeof line);

        assert_true(n > 0);
        assert_int_equal(line[n - 1], '\n');
        assert_int_equal(progress_parse(line, &back), 0);
        assert_int_equal(back.kind, msgs[i].kind);
        assert_true(back.done == msgs[i].done && back.total == msgs[i].total);
        assert_int_equal(back.release, msgs[i].release);
        assert_int_equal(back.error, msgs[i].error);
    }
    assert_int_equal(progress_format(&msgs[1], line, 10), -1); /* does not fit */
}

static void
the_wire_format_is_fixed(void **state)
{
    struct progress_msg m;
    char line[96];

    (void)state;
    m = (struct progress_msg){.kind = PROGRESS_BYTES, .done = 42, .total = 100};
    progress_format(&m, line, sizeof line);
    assert_string_equal(line, "progress 42 100\n");
    m = (struct progress_msg){.kind = PROGRESS_RELEASE, .release = PROGRESS_EJECTED};
    progress_format(&m, line, sizeof line);
    assert_string_equal(line, "release ejected\n");
    m = (struct progress_msg){.kind = PROGRESS_ERROR, .error = PROGRESS_E_NOSPC};
    progress_format(&m, line, sizeof line);
    assert_string_equal(line, "error enospc\n");
}

static void
malformed_lines_are_skipped(void **state)
{
    static const char *const bad[] = {
        "",
        "progress",
        "progress 1",
        "progress 1 2 3",
        "progress -1 2",
        "progress 1 x",
        "progress 12345678901234567890 1", /* 20 digits: could overflow */
        "release",
        "release gone",
        "error",
        "error EIO",
        "PROGRESS 1 2",
        "hello world",
    };
    struct progress_msg m;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (progress_parse(bad[i], &m) == 0)
            fail_msg("accepted: '%s'", bad[i]);
        assert_int_equal(m.kind, PROGRESS_NONE);
    }
    /* extra spaces are only separators: still exactly two numbers */
    assert_int_equal(progress_parse("progress 1  2 ", &m), 0);
    assert_true(m.done == 1 && m.total == 2);
}

struct seen {
    struct progress_msg m[16];
    int n;
};

static void
collect(void *ctx, const struct progress_msg *m)
{
    struct seen *s = ctx;

    if (s->n < 16)
        s->m[s->n++] = *m;
}

static void
lines_split_across_reads_are_joined(void **state)
{
    const char *stream = "progress 10 100\nprogress 5";
    const char *rest = "0 100\ngarbage\nrelease unmounted\n";
    struct progress_reader r = {0};
    struct seen s = {0};

    (void)state;
    progress_feed(&r, stream, strlen(stream), collect, &s);
    assert_int_equal(s.n, 1);
    assert_true(s.m[0].done == 10);
    progress_feed(&r, rest, strlen(rest), collect, &s);
    assert_int_equal(s.n, 3);
    assert_true(s.m[1].done == 50 && s.m[1].total == 100);
    assert_int_equal(s.m[2].kind, PROGRESS_RELEASE);
    assert_int_equal(s.m[2].release, PROGRESS_UNMOUNTED);
    /* byte by byte gives the same */
    s.n = 0;
    for (const char *p = "error eio\n"; *p != '\0'; p++)
        progress_feed(&r, p, 1, collect, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.m[0].error, PROGRESS_E_IO);
}

static void
overlong_lines_are_dropped_whole(void **state)
{
    char big[600];
    struct progress_reader r = {0};
    struct seen s = {0};

    (void)state;
    /* 500 digits ending in a valid-looking tail: none of it may be taken */
    memset(big, '7', sizeof big);
    memcpy(big + 500, "progress 1 2\n", 13);
    progress_feed(&r, big, 513, collect, &s);
    assert_int_equal(s.n, 0);
    progress_feed(&r, "progress 3 4\n", 13, collect, &s);
    assert_int_equal(s.n, 1);
    assert_true(s.m[0].done == 3 && s.m[0].total == 4);
}

static void
the_bar(void **state)
{
    char bar[64];

    (void)state;
    progress_bar(0, 1000, 10, bar, sizeof bar);
    assert_string_equal(bar, "[..........]   0%");
    progress_bar(420, 1000, 10, bar, sizeof bar);
    assert_string_equal(bar, "[####......]  42%");
    progress_bar(999, 1000, 10, bar, sizeof bar);
    assert_string_equal(bar, "[#########.]  99%"); /* never full before the end */
    progress_bar(1000, 1000, 10, bar, sizeof bar);
    assert_string_equal(bar, "[##########] 100%");
    progress_bar(2000, 1000, 10, bar, sizeof bar); /* more than announced: still 100 */
    assert_string_equal(bar, "[##########] 100%");
    progress_bar(0, 0, 4, bar, sizeof bar); /* nothing to copy is done */
    assert_string_equal(bar, "[####] 100%");
    assert_int_equal(progress_percent(UINT64_MAX - 1, UINT64_MAX), 99);
    assert_int_equal(progress_percent(UINT64_MAX / 2, UINT64_MAX), 50);
    progress_bar(1, 2, 40, bar, 8); /* a short buffer is cut, never overrun */
    assert_int_equal(strlen(bar), 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(messages_round_trip),
        cmocka_unit_test(the_wire_format_is_fixed),
        cmocka_unit_test(malformed_lines_are_skipped),
        cmocka_unit_test(lines_split_across_reads_are_joined),
        cmocka_unit_test(overlong_lines_are_dropped_whole),
        cmocka_unit_test(the_bar),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
