/*
 * test_scanners_decode.c — the pure scale decoders with the frames of
 * reference/devices.md and malformed frames of every kind (short, bad
 * checksum, wrong unit, negative, overflow): the right reading or a clear
 * error, never a wrong weight.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../scanners/decode.h"

#define G  1000000LL /* one gram in µg */
#define KG (1000 * G)

/* Decodes a C string frame with `proto`; returns the code. */
static int
dec(enum scale_proto proto, const char *frame, struct weight *w)
{
    struct tt_err err;

    tt_err_clear(&err);
    memset(w, 0x5A, sizeof *w); /* garbage in: the decoder must set everything */
    int rc = scale_decode(proto, (const uint8_t *)frame, strlen(frame), w, &err);
    if (rc != 0) {
        assert_int_equal(err.code, rc);
        assert_true(strlen(err.msg) > 10); /* a clear message */
        assert_false(w->has_value);        /* and never a weight */
        assert_int_equal(w->ug, 0);
    }
    return rc;
}

static int
hid(const uint8_t *r, size_t len, struct weight *w)
{
    struct tt_err err;
    int rc;

    tt_err_clear(&err);
    memset(w, 0x5A, sizeof *w);
    rc = hidpos_decode(r, len, w, &err);
    if (rc != 0) {
        assert_true(strlen(err.msg) > 10);
        assert_false(w->has_value);
    }
    return rc;
}

static void
hid_reference_frames(void **state)
{
    static const uint8_t g300[] = {0x03, 0x04, 0x02, 0x00, 0x2C, 0x01};
    static const uint8_t oz26[] = {0x03, 0x04, 0x0B, 0xFF, 0x1A, 0x00};
    static const uint8_t zero[] = {0x03, 0x02, 0x02, 0x00, 0x00, 0x00};
    static const uint8_t motion[] = {0x03, 0x03, 0x02, 0xFF, 0x64, 0x00};
    static const uint8_t kg_pad[] = {0x04, 0x04, 0x03, 0xFE, 0x39, 0x30, 0x00, 0x00};
    struct weight w;

    (void)state;
    assert_int_equal(hid(g300, 6, &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);
    assert_true(w.has_value);
    assert_int_equal(w.ug, 300 * G);
    assert_int_equal(w.resolution_ug, G);
    /* 2.6 oz = 26 × 28.349523125 g / 10 = 73.708760125 g */
    assert_int_equal(hid(oz26, 6, &w), 0);
    assert_int_equal(w.ug, 73708760);
    assert_int_equal(w.resolution_ug, 2834952);
    assert_int_equal(hid(zero, 6, &w), 0);
    assert_int_equal(w.state, SCALE_ZERO);
    assert_int_equal(w.ug, 0);
    assert_int_equal(hid(motion, 6, &w), 0);
    assert_int_equal(w.state, SCALE_MOTION);
    assert_int_equal(w.ug, 10 * G);
    /* 8-byte packet, report id 4, 12345 × 10^-2 kg = 123.45 kg */
    assert_int_equal(hid(kg_pad, 8, &w), 0);
    assert_int_equal(w.ug, 12345 * 10 * G);
    assert_int_equal(w.resolution_ug, 10 * G);
}

static void
hid_states_without_weight(void **state)
{
    uint8_t r[6] = {0x03, 0, 0x02, 0x00, 0x10, 0x00};
    static const enum scale_state want[9] = {0,
                                             SCALE_FAULT,
                                             SCALE_ZERO,
                                             SCALE_MOTION,
                                             SCALE_STABLE,
                                             SCALE_UNDER_ZERO,
                                             SCALE_OVER_CAPACITY,
                                             SCALE_NEEDS_CALIBRATION,
                                             SCALE_NEEDS_CALIBRATION};
    struct weight w;

    (void)state;
    for (uint8_t s = 1; s <= 8; s++) {
        r[1] = s;
        assert_int_equal(hid(r, 6, &w), 0);
        assert_int_equal(w.state, want[s]);
        /* no sign bit exists: under zero, over, fault carry no weight */
        assert_int_equal(w.has_value, s >= 2 && s <= 4);
    }
}

static void
hid_malformed(void **state)
{
    uint8_t r[6] = {0x03, 0x04, 0x02, 0x00, 0x2C, 0x01};
    struct weight w;

    (void)state;
    assert_int_equal(hid(r, 5, &w), TT_EPARSE); /* short */
    assert_int_equal(hid(r, 0, &w), TT_EPARSE);
    r[0] = 0x05;
    assert_int_equal(hid(r, 6, &w), TT_EPARSE); /* not a data report */
    r[0] = 0x03;
    r[1] = 0;
    assert_int_equal(hid(r, 6, &w), TT_EPARSE); /* unknown status */
    r[1] = 9;
    assert_int_equal(hid(r, 6, &w), TT_EPARSE);
    r[1] = 4;
    r[2] = 0;
    assert_int_equal(hid(r, 6, &w), TT_EPARSE); /* no unit */
    r[2] = 5;
    assert_int_equal(hid(r, 6, &w), TT_EPARSE); /* tael: ambiguous */
    r[2] = 13;
    assert_int_equal(hid(r, 6, &w), TT_EPARSE); /* unit out of table */
    r[2] = 2;
    r[3] = 10;
    assert_int_equal(hid(r, 6, &w), TT_EINVAL); /* exponent out of range */
    r[3] = 0x80;
    assert_int_equal(hid(r, 6, &w), TT_EINVAL);
    r[1] = 2; /* zero, in avoirdupois tons with 10^8: the step alone overflows */
    r[2] = 9;
    r[3] = 8;
    r[4] = r[5] = 0;
    assert_int_equal(hid(r, 6, &w), TT_EINVAL);
    r[1] = 4;
    r[2] = 8; /* metric ton */
    r[3] = 9;
    r[4] = r[5] = 0xFF; /* 65535e9 t: overflow */
    assert_int_equal(hid(r, 6, &w), TT_EINVAL);
}

/* An A12 frame from its first 11 bytes, with a correct checksum. */
static void
a12(char out[16], const char *body11, bool good_sum)
{
    unsigned x = 0;

    for (int i = 0; i < 11; i++)
        x ^= (unsigned char)body11[i];
    if (!good_sum)
        x ^= 1;
    snprintf(out, 16, "%.11s%02X\r\n", body11, x);
}

static void
xk3190_a12_frames(void **state)
{
    struct weight w;
    char f[16];

    (void)state;
    /* the manual's example, checksum 0x3D */
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "WG004.139kg3D\r\n", &w), 0);
    assert_int_equal(w.ug, 4139 * G);
    assert_int_equal(w.resolution_ug, G);
    assert_true(w.no_status);
    assert_false(w.net);
    a12(f, "WN-04.139kg", true);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_int_equal(w.ug, -4139 * G);
    assert_true(w.net);
    a12(f, "WG004139 kg", true); /* no decimal point: trailing blank */
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), 0);
    assert_int_equal(w.ug, 4139 * KG);
    assert_int_equal(w.resolution_ug, KG);
    a12(f, "wn-0000.1kg", true); /* lower-case firmware */
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), 0);
    assert_int_equal(w.ug, -100 * G);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "         OL23\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_OVER_CAPACITY);
    assert_false(w.has_value);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "         LO23\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_false(w.has_value);
}

static void
xk3190_a12_malformed(void **state)
{
    struct weight w;
    char f[16];

    (void)state;
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "WG004.139kg3E\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "WG004.139kg3D\r", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "WG004.139kg3D\n\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "WG004.139kg3\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "", &w), TT_EPARSE);
    /* damaged digit: the checksum catches it */
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, "WG005.139kg3D\r\n", &w), TT_EPARSE);
    a12(f, "WG004.139lb", true); /* right checksum, wrong unit */
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), TT_EPARSE);
    a12(f, "WG00A.139kg", true);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), TT_EPARSE);
    a12(f, "WG0.4.139kg", true);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), TT_EPARSE);
    a12(f, "XG004.139kg", true);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), TT_EPARSE);
    a12(f, "         XX", true);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), TT_EPARSE);
    a12(f, "WG004.139kg", false);
    assert_int_equal(dec(SCALE_PROTO_XK3190_A12, f, &w), TT_EPARSE);
}

static void
xk3190_tf0_frames(void **state)
{
    struct weight w;

    (void)state;
    assert_int_equal(dec(SCALE_PROTO_XK3190_TF0, "\x02+00152031E\x03", &w), 0);
    assert_int_equal(w.ug, 1520 * G);
    assert_int_equal(w.resolution_ug, G);
    /* "-0015203": XOR differs from '+' by 0x06 -> 0x18 */
    assert_int_equal(dec(SCALE_PROTO_XK3190_TF0, "\x02-001520318\x03", &w), 0);
    assert_int_equal(w.ug, -1520 * G);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_int_equal(dec(SCALE_PROTO_XK3190_TF0, "\x02+00152031F\x03", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_XK3190_TF0, "\x02+0015203\x03", &w), TT_EPARSE);
    /* decimals '5' (out of 0..4): '3'^'5' = 0x06 -> XOR 0x18 */
    assert_int_equal(dec(SCALE_PROTO_XK3190_TF0, "\x02+001520518\x03", &w), TT_EPARSE);
    /* sign ' ' : XOR 0x1E ^ '+' ^ ' ' = 0x15 */
    assert_int_equal(dec(SCALE_PROTO_XK3190_TF0, "\x02 001520315\x03", &w), TT_EPARSE);
}

static void
rev_eq_frames(void **state)
{
    struct weight w;

    (void)state;
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=000.3000", &w), 0); /* manual: 3.000 */
    assert_int_equal(w.ug, 3 * KG);
    assert_false(w.net); /* every field set, none left from before */
    assert_int_equal(w.resolution_ug, G);
    assert_true(w.no_status);
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=00.1000-", &w), 0); /* manual: -1.00 */
    assert_int_equal(w.ug, -1 * KG);
    assert_int_equal(w.resolution_ug, 10 * G);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=005.1000", &w), 0);
    assert_int_equal(w.ug, 1500 * G);                                       /* "0001.500" */
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=000.300", &w), TT_EPARSE);   /* short */
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=000.30000", &w), TT_EPARSE); /* long */
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=0.0.3000", &w), TT_EPARSE);  /* two points */
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=000.3X00", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "=000.300+", &w), TT_EPARSE); /* sign pos */
    assert_int_equal(dec(SCALE_PROTO_REV_EQ, "-000.3000", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_EQ, "=0003.000", &w), 0);
    assert_int_equal(w.ug, 3 * KG);
    assert_int_equal(dec(SCALE_PROTO_EQ, "=-001.000", &w), 0);
    assert_int_equal(w.ug, -1 * KG);
    assert_int_equal(dec(SCALE_PROTO_EQ, "=+001.000", &w), TT_EPARSE);
}

static void
cas_frames(void **state)
{
    struct weight w;

    (void)state;
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST,GS,1\xC0,  +13.50 kg\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);
    assert_false(w.no_status);
    assert_false(w.net);
    assert_int_equal(w.ug, 13500 * G);
    assert_int_equal(w.resolution_ug, 10 * G);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "US,NT,1\x80,  -0.250 kg\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_int_equal(w.ug, -250 * G);
    assert_true(w.net);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "US,GS,1\x80,   0.250 kg\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_MOTION);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "OL,GS,1\x80,  ------ kg\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_OVER_CAPACITY);
    assert_false(w.has_value);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST,GS,1\xC0,000013.5  g\r\n", &w), 0);
    assert_int_equal(w.ug, 13500000);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST,GS,1\xC0,  +13.50 pc\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST;GS,1\xC0,  +13.50 kg\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "XX,GS,1\xC0,  +13.50 kg\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST,XX,1\xC0,  +13.50 kg\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST,GS,1\xC0, +13.50 kg\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS22, "ST,GS,1\xC0,  +1x.50 kg\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,GS,+0001.520kg\r\n", &w), 0);
    assert_int_equal(w.ug, 1520 * G);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,GS,+0001.520 kg\r\n", &w), 0);
    assert_int_equal(w.ug, 1520 * G);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,NT,-001.520kg\r\n", &w), 0);
    assert_int_equal(w.ug, -1520 * G);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,GS,+0001.520\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,GS,+0001.520kg", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,GS,+0001.52Okg\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_CAS18, "ST,GS,+0001.520pcs\r\n", &w), TT_EPARSE);
}

static void
sics_frames(void **state)
{
    struct weight w;

    (void)state;
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S      100.00 g\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);
    assert_false(w.no_status);
    assert_false(w.net);
    assert_int_equal(w.ug, 100 * G);
    assert_int_equal(w.resolution_ug, 10000);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S D      12.350 kg\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_MOTION);
    assert_int_equal(w.ug, 12350 * G);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S     -1.2345 g\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_int_equal(w.ug, -1234500);
    assert_int_equal(w.resolution_ug, 100);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S I\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_NO_READING);
    assert_false(w.has_value);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S +\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_OVER_CAPACITY);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S -\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_false(w.has_value);
    assert_int_equal(dec(SCALE_PROTO_SICS, "Z A\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_NO_READING);
    assert_int_equal(dec(SCALE_PROTO_SICS, "ES\r\n", &w), TT_EINVAL);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S      100.00 pcs\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S X      100.00 g\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S      100.00\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S 1 g extra\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_SICS, "\r\n", &w), TT_EPARSE);
    /* overflow: more than 1000 t, and more than 15 digits */
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S 99999999 kg\r\n", &w), TT_EINVAL);
    assert_int_equal(dec(SCALE_PROTO_SICS, "S S 1234567890123456 mg\r\n", &w), TT_EINVAL);
}

static void
toledo_ohaus_frames(void **state)
{
    struct weight w;

    (void)state;
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02  1.234\r", &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);
    assert_int_equal(w.ug, 1234 * G);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217,
                         "\x02"
                         "1.234N\r",
                         &w),
                     0);
    assert_true(w.net);
    /* parity bit set on every byte (7E1 read as 8 bits): masked */
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x82\xb1.234\x8d", &w), 0);
    assert_int_equal(w.ug, 1234 * G);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02?\x21\r", &w), 0);
    assert_int_equal(w.state, SCALE_MOTION);
    assert_true(w.net);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02?\x42\r", &w), 0);
    assert_int_equal(w.state, SCALE_OVER_CAPACITY);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02?\x44\r", &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02 1.2a3\r", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02\r", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, "\x02-1.234\r", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_TOLEDO8217, " 1.234\r", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "     192.21 g\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);
    assert_int_equal(w.ug, 192210000);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "       0.01 g ?\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_MOTION);
    assert_int_equal(w.ug, 10000);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "    -0.50 kg NET\r\n", &w), 0);
    assert_int_equal(w.state, SCALE_UNDER_ZERO);
    assert_true(w.net);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "ES\r\n", &w), TT_EINVAL);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "  12.5 pcs\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "  1.2.3 g\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "  12.5 g !\r\n", &w), TT_EPARSE);
    assert_int_equal(dec(SCALE_PROTO_OHAUS, "12.5\r\n", &w), TT_EPARSE);
}

/* Feeds a stream through a framer and decodes every frame. */
static int
stream(enum scale_proto p, const char *bytes, size_t len, struct weight *ws, int max, int *bad)
{
    struct scale_framer f;
    size_t pos = 0;
    int n = 0;

    *bad = 0;
    scale_framer_init(&f, p);
    while (pos < len) {
        const uint8_t *frame;
        size_t flen;
        pos += scale_framer_feed(&f, (const uint8_t *)bytes + pos, len - pos, &frame, &flen);
        if (flen == 0)
            continue;
        if (n < max && scale_decode(p, frame, flen, &ws[n], NULL) == 0)
            n++;
        else
            (*bad)++;
    }
    return n;
}

static void
framer_resynchronises(void **state)
{
    static const char eq[] = "0.3000=000.3000=00.1000-=00";
    static const char a12s[] = "garbage\r\nWG004.139kg3D\r\nWG004.1";
    static const char tf0[] = "\x02+00\x02+00152031E\x03xx\x02";
    struct weight w[4];
    int bad;

    (void)state;
    assert_int_equal(stream(SCALE_PROTO_REV_EQ, eq, sizeof eq - 1, w, 4, &bad), 2);
    assert_int_equal(w[0].ug, 3 * KG);
    assert_int_equal(w[1].ug, -1 * KG);
    assert_int_equal(bad, 0);
    assert_int_equal(stream(SCALE_PROTO_XK3190_A12, a12s, sizeof a12s - 1, w, 4, &bad), 1);
    assert_int_equal(w[0].ug, 4139 * G);
    assert_int_equal(bad, 1); /* "garbage\r\n" refused, not mis-read */
    assert_int_equal(stream(SCALE_PROTO_XK3190_TF0, tf0, sizeof tf0 - 1, w, 4, &bad), 1);
    assert_int_equal(w[0].ug, 1520 * G);
}

static void
framer_drops_overlong_lines(void **state)
{
    char buf[200];
    struct weight w[2];
    int bad;

    (void)state;
    memset(buf, 'x', 150);
    memcpy(buf + 150, "\nS S 1.000 kg\r\n", 15);
    assert_int_equal(stream(SCALE_PROTO_SICS, buf, 165, w, 2, &bad), 1);
    assert_int_equal(w[0].ug, KG);
}

static void
units_and_names(void **state)
{
    int64_t ng;

    (void)state;
    assert_int_equal(weight_unit_ng("KG", 2, &ng), 0);
    assert_int_equal(ng, 1000000000000LL);
    assert_int_equal(weight_unit_ng("lb", 2, &ng), 0);
    assert_int_equal(ng, 453592370000LL);
    assert_int_equal(weight_unit_ng("pcs", 3, &ng), TT_EPARSE);
    assert_int_equal(weight_unit_ng("%", 1, &ng), TT_EPARSE);
    for (int p = 1; p < SCALE_PROTO_COUNT; p++)
        assert_int_equal(scale_proto_parse(scale_proto_name((enum scale_proto)p)), p);
    assert_int_equal(scale_proto_parse("xk3190-a12e"), SCALE_PROTO_XK3190_A12);
    assert_int_equal(scale_proto_parse("bogus"), SCALE_PROTO_NONE);
    assert_string_equal(scale_state_name(SCALE_OVER_CAPACITY), "over capacity");
    assert_true(scale_proto_polled(SCALE_PROTO_SICS));
    assert_true(scale_proto_7bit(SCALE_PROTO_TOLEDO8217));
    assert_int_equal(
        scale_decode(SCALE_PROTO_NONE, (const uint8_t *)"x", 1, &(struct weight){0}, NULL),
        TT_EUSAGE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hid_reference_frames),  cmocka_unit_test(hid_states_without_weight),
        cmocka_unit_test(hid_malformed),         cmocka_unit_test(xk3190_a12_frames),
        cmocka_unit_test(xk3190_a12_malformed),  cmocka_unit_test(xk3190_tf0_frames),
        cmocka_unit_test(rev_eq_frames),         cmocka_unit_test(cas_frames),
        cmocka_unit_test(sics_frames),           cmocka_unit_test(toledo_ohaus_frames),
        cmocka_unit_test(framer_resynchronises), cmocka_unit_test(framer_drops_overlong_lines),
        cmocka_unit_test(units_and_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
