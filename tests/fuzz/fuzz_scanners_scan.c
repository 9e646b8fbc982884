/*
 * fuzz_scanners_scan.c — the scanner decoders on arbitrary input: HID POS
 * report assembly (64-byte reports), evdev key events through every layout,
 * and the typing-or-scan timing rule. Invariants: lengths stay in bounds,
 * a scan's AIM is empty or "]" + 2 characters, and the bytes of a HID POS
 * scan are exactly the data bytes of its reports.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../../scanners/decode.h"

static void
check_scan(const struct scan *s)
{
    assert(s->len <= SCAN_DATA_MAX);
    assert(s->aim[3] == '\0');
    assert(s->aim[0] == '\0' || (s->aim[0] == ']' && strlen(s->aim) == 3));
}

static void
hidpos(const uint8_t *data, size_t size)
{
    struct hidpos_scan_asm a;
    size_t expect = 0;

    hidpos_scan_init(&a);
    for (size_t pos = 0; pos < size; pos += 64) {
        size_t n = size - pos < 64 ? size - pos : 64;
        int rc = hidpos_scan_feed(&a, data + pos, n, NULL);
        if (rc < 0) {
            expect = 0;
            continue;
        }
        expect += data[pos + 1];
        if (rc == 1) {
            check_scan(&a.scan);
            assert(a.scan.len == expect);
            expect = 0;
        }
    }
}

static void
keys(const uint8_t *data, size_t size, enum wedge_layout layout)
{
    struct wedge_keys k;
    struct scan s;

    wedge_keys_init(&k, layout);
    k.tab_ends_scan = size > 0 && data[0] & 1;
    for (size_t i = 0; i + 1 < size; i += 2) {
        int rc = wedge_keys_feed(&k, data[i], data[i + 1] % 3, &s, NULL);
        assert(rc == 0 || rc == 1 || rc == TT_EINVAL);
        if (rc == 1)
            check_scan(&s);
        assert(k.len <= SCAN_DATA_MAX);
    }
}

static void
timing(const uint8_t *data, size_t size)
{
    struct wedge_timing t;
    struct scan s;
    int64_t now = 0;

    wedge_timing_init(&t);
    for (size_t i = 0; i + 1 < size; i += 2) {
        int v;
        now += data[i + 1];
        v = wedge_timing_feed(&t, data[i], now, &s, NULL);
        assert(v == WEDGE_MORE || v == WEDGE_SCAN || v == WEDGE_TYPED || v == TT_EINVAL);
        if (v == WEDGE_SCAN || v == WEDGE_TYPED)
            check_scan(&s);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan s;

    hidpos(data, size);
    for (int l = WEDGE_LAYOUT_US; l <= WEDGE_LAYOUT_FR; l++)
        keys(data, size, (enum wedge_layout)l);
    timing(data, size);
    if (scan_from_bytes(data, size, &s, NULL) == 0) {
        check_scan(&s);
        assert(s.len + strlen(s.aim) == size);
        assert(memcmp(s.data, data + strlen(s.aim), s.len) == 0); /* unchanged, GS kept */
    }
    return 0;
}
