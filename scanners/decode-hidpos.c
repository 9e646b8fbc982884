/*
 * decode-hidpos.c — USB HID Point-of-Sale reports: the scale's 6-byte Scale
 * Data report (usage page 0x8D) and the barcode scanner's 64-byte input
 * report (usage page 0x8C). Byte layouts: reference/devices.md §1.2, §2.1.
 */
#include <ctype.h>
#include <string.h>

#include "decode-int.h"
#include "decode.h"

/*
 * Scale Data report, HID Usage Tables "Scales page" (0x8D):
 *   [0] report id: 0x03 Scale Data Report (0x04 seen on some scales)
 *   [1] status = usage − 0x70: 1 fault, 2 stable at centre of zero,
 *       3 in motion, 4 weight stable, 5 under zero, 6 over weight limit,
 *       7 requires calibration, 8 requires re-zeroing
 *   [2] unit = usage − 0x50 (index into unit_ng below)
 *   [3] data scaling: signed 8-bit power of ten
 *   [4] weight low byte, [5] weight high byte (unsigned; no sign bit:
 *       negative weights come as status 5)
 */
static const int64_t hid_unit_ng[13] = {
    0,                  /* 0 none: refused */
    1000000LL,          /* 1 milligram */
    1000000000LL,       /* 2 gram */
    1000000000000LL,    /* 3 kilogram */
    200000000LL,        /* 4 carat */
    0,                  /* 5 tael: refused, its size differs by country */
    64798910LL,         /* 6 grain */
    1555173840LL,       /* 7 pennyweight */
    1000000000000000LL, /* 8 metric ton */
    907184740000000LL,  /* 9 avoirdupois ton */
    31103476800LL,      /* 10 troy ounce */
    28349523125LL,      /* 11 ounce */
    453592370000LL,     /* 12 pound */
};

/* Status byte to state, and whether the report's weight field means anything. */
static int
hid_status(uint8_t status, enum scale_state *state, bool *valued)
{
    static const enum scale_state map[9] = {
        SCALE_NO_READING,
        SCALE_FAULT,
        SCALE_ZERO,
        SCALE_MOTION,
        SCALE_STABLE,
        SCALE_UNDER_ZERO,
        SCALE_OVER_CAPACITY,
        SCALE_NEEDS_CALIBRATION,
        SCALE_NEEDS_CALIBRATION,
    };

    if (status < 1 || status > 8)
        return TT_EPARSE;
    *state = map[status];
    *valued = status >= 2 && status <= 4;
    return 0;
}

int
hidpos_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    enum scale_state state;
    bool valued;
    int exp10;
    int64_t mant, ng;
    __int128 v, res;

    if (len < 6)
        return decode_fail(out, err, TT_EPARSE, "hidpos_decode",
                           "HID scale report shorter than 6 bytes");
    if (buf[0] != 0x03 && buf[0] != 0x04)
        return decode_fail(out, err, TT_EPARSE, "hidpos_decode",
                           "not a HID Scale Data report (report id is not 3 or 4)");
    if (hid_status(buf[1], &state, &valued) != 0)
        return decode_fail(out, err, TT_EPARSE, "hidpos_decode",
                           "HID scale report has an unknown status byte");
    memset(out, 0, sizeof *out);
    out->state = state;
    if (!valued)
        return 0; /* fault, under zero, over capacity, calibration: no weight */
    if (buf[2] >= sizeof hid_unit_ng / sizeof hid_unit_ng[0] || hid_unit_ng[buf[2]] == 0)
        return decode_fail(out, err, TT_EPARSE, "hidpos_decode",
                           "HID scale report has no mass unit we can convert (none or tael)");
    ng = hid_unit_ng[buf[2]];
    exp10 = (int8_t)buf[3];
    if (exp10 < -9 || exp10 > 9)
        return decode_fail(out, err, TT_EINVAL, "hidpos_decode",
                           "HID scale report has a power of ten outside -9..9");
    mant = (int64_t)buf[4] | (int64_t)buf[5] << 8;
    /* µg = mant × 10^exp × ng / 1000, computed exactly then rounded. */
    v = (__int128)mant * ng;
    res = ng;
    for (int i = 0; i < exp10; i++) {
        v *= 10;
        res *= 10;
    }
    {
        __int128 den = 1000;
        for (int i = 0; i > exp10; i--)
            den *= 10;
        v = (v + den / 2) / den;
        res = (res + den / 2) / den;
    }
    if (v > WEIGHT_MAX_UG || res > WEIGHT_MAX_UG)
        return decode_fail(out, err, TT_EINVAL, "hidpos_decode",
                           "HID scale weight out of range (over 1000 t)");
    out->ug = (int64_t)v;
    out->resolution_ug = (int64_t)res;
    out->has_value = true;
    return 0;
}

/* --- HID POS barcode scanner -------------------------------------------------- */
/*
 * Input report (Honeywell layout, WebHidBarcodeScanner parses the same):
 *   [0] report id 0x02
 *   [1] valid data bytes in this packet (≤ 56)
 *   [2..4] AIM symbology identifier ("]C1"), zero bytes when AIM is off
 *   [5..60] data, zero padded
 *   [61] vendor code id, [62] reserved
 *   [63] continuation: non-zero when more packets of this barcode follow
 */
#define HIDPOS_SCAN_DATA_OFF 5
#define HIDPOS_SCAN_DATA_MAX 56
#define HIDPOS_SCAN_CONT_OFF 63

void
hidpos_scan_init(struct hidpos_scan_asm *a)
{
    memset(a, 0, sizeof *a);
}

int
hidpos_scan_feed(struct hidpos_scan_asm *a, const uint8_t *report, size_t len, struct tt_err *err)
{
    size_t n;
    bool more;

    if (len < HIDPOS_SCAN_DATA_OFF || report[0] != 0x02) {
        a->in_progress = false;
        return tt_err_set(err, TT_EPARSE, "hidpos_scan_feed",
                          "not a HID POS scanner report (report id 2, at least 5 bytes)");
    }
    n = report[1];
    if (n > HIDPOS_SCAN_DATA_MAX || HIDPOS_SCAN_DATA_OFF + n > len) {
        a->in_progress = false;
        return tt_err_set(err, TT_EPARSE, "hidpos_scan_feed",
                          "HID POS scanner report claims %zu data bytes; it holds fewer", n);
    }
    if (!a->in_progress) {
        memset(&a->scan, 0, sizeof a->scan);
        if (report[2] == ']') {
            if (!isalpha(report[3]) || !isalnum(report[4]))
                return tt_err_set(err, TT_EPARSE, "hidpos_scan_feed",
                                  "HID POS scanner report has a malformed AIM identifier");
            memcpy(a->scan.aim, report + 2, 3);
        }
        a->in_progress = true;
    }
    if (a->scan.len + n > SCAN_DATA_MAX) {
        a->in_progress = false;
        return tt_err_set(err, TT_EINVAL, "hidpos_scan_feed",
                          "barcode longer than %d bytes: dropped", SCAN_DATA_MAX);
    }
    memcpy(a->scan.data + a->scan.len, report + HIDPOS_SCAN_DATA_OFF, n);
    a->scan.len += n;
    more = len > HIDPOS_SCAN_CONT_OFF && report[HIDPOS_SCAN_CONT_OFF] != 0;
    if (more)
        return 0;
    a->in_progress = false;
    return 1;
}
