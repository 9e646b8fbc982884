/*
 * fuzz_scanners_scale.c — every serial scale decoder and the framer, on
 * arbitrary bytes. Invariants: a decoder either fails with nothing in the
 * reading or returns a weight within range whose state fits it; and a weight
 * written as an XK3190-A12 or MT-SICS frame decodes back to itself.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../scanners/decode.h"

static void
check(int rc, const struct weight *w)
{
    if (rc != 0) {
        assert(!w->has_value && w->ug == 0);
        return;
    }
    assert(w->ug <= WEIGHT_MAX_UG && w->ug >= -WEIGHT_MAX_UG);
    assert(w->resolution_ug >= 0);
    if (w->has_value)
        assert(w->state == SCALE_STABLE || w->state == SCALE_MOTION || w->state == SCALE_ZERO ||
               w->state == SCALE_UNDER_ZERO);
    if (w->ug < 0)
        assert(w->state == SCALE_UNDER_ZERO);
    if (!w->has_value)
        assert(w->ug == 0);
}

/* A value from the input, written as frames, must decode to the same µg. */
static void
round_trip(const uint8_t *data, size_t size)
{
    uint32_t v = 0;
    char body[16], frame[32];
    unsigned x = 0;
    struct weight w;

    if (size < 4)
        return;
    memcpy(&v, data, 4);
    v %= 1000000; /* six digits, three decimals: 0.000 .. 999.999 kg */
    snprintf(body, sizeof body, "WG%03u.%03ukg", v / 1000, v % 1000);
    for (int i = 0; i < 11; i++)
        x ^= (unsigned char)body[i];
    snprintf(frame, sizeof frame, "%s%02X\r\n", body, x);
    assert(xk3190_a12_decode((const uint8_t *)frame, 15, &w, NULL) == 0);
    assert(w.ug == (int64_t)v * 1000000);
    snprintf(frame, sizeof frame, "S S %10u.%03u kg\r\n", v / 1000, v % 1000);
    assert(sics_decode((const uint8_t *)frame, strlen(frame), &w, NULL) == 0);
    assert(w.ug == (int64_t)v * 1000000 && w.state == SCALE_STABLE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scale_framer f;
    struct weight w;
    enum scale_proto p;
    size_t pos = 0;

    if (size < 1)
        return 0;
    p = (enum scale_proto)(1 + data[0] % (SCALE_PROTO_COUNT - 1));
    data++;
    size--;
    round_trip(data, size);
    /* the whole input as one frame, for every protocol */
    for (int q = 1; q < SCALE_PROTO_COUNT; q++) {
        memset(&w, 0x55, sizeof w);
        check(scale_decode((enum scale_proto)q, data, size, &w, NULL), &w);
    }
    memset(&w, 0x55, sizeof w);
    check(hidpos_decode(data, size, &w, NULL), &w);
    /* as a stream through the framer of the chosen protocol */
    scale_framer_init(&f, p);
    while (pos < size) {
        const uint8_t *frame;
        size_t flen, used = scale_framer_feed(&f, data + pos, size - pos, &frame, &flen);
        assert(used > 0 && used <= size - pos);
        pos += used;
        if (flen > 0) {
            assert(flen <= SCALE_FRAME_MAX);
            memset(&w, 0x55, sizeof w);
            check(scale_decode(p, frame, flen, &w, NULL), &w);
        }
    }
    return 0;
}
