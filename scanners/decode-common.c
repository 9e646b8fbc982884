/*
 * decode-common.c — what every scale decoder shares: units, exact decimal
 * to microgram conversion, protocol names, the dispatcher and the framer
 * that cuts a serial byte stream into frames (reference/devices.md §3.6).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "decode-int.h"
#include "decode.h"

double
weight_grams(const struct weight *w)
{
    return (double)w->ug / 1e6;
}

const char *
scale_state_name(enum scale_state state)
{
    static const char *const names[] = {
        [SCALE_NO_READING] = "no reading",
        [SCALE_STABLE] = "stable",
        [SCALE_MOTION] = "in motion",
        [SCALE_ZERO] = "zero",
        [SCALE_UNDER_ZERO] = "under zero",
        [SCALE_OVER_CAPACITY] = "over capacity",
        [SCALE_NEEDS_CALIBRATION] = "needs calibration",
        [SCALE_FAULT] = "fault",
        [SCALE_DISCONNECTED] = "disconnected",
    };

    if ((unsigned)state >= sizeof names / sizeof names[0])
        return "unknown";
    return names[state];
}

/* Unit sizes in nanograms; ounce and pound are exact by definition (1959). */
static const struct {
    const char *name;
    int64_t ng;
} units[] = {
    {"mg", 1000000LL},         {"g", 1000000000LL},    {"kg", 1000000000000LL},
    {"t", 1000000000000000LL}, {"ct", 200000000LL},    {"oz", 28349523125LL},
    {"lb", 453592370000LL},    {"ozt", 31103476800LL}, {"dwt", 1555173840LL},
    {"gn", 64798910LL},
};

int
weight_unit_ng(const char *unit, size_t len, int64_t *ng_out)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].name) == len && strncasecmp(units[i].name, unit, len) == 0) {
            *ng_out = units[i].ng;
            return 0;
        }
    }
    return TT_EPARSE;
}

static int64_t
pow10_i64(int n)
{
    int64_t p = 1;

    while (n-- > 0)
        p *= 10;
    return p;
}

/* mantissa × unit_ng / (1000 × 10^decimals), rounded half away from zero. */
static int
weight_set(int64_t mantissa, int decimals, int64_t unit_ng, struct weight *out, struct tt_err *err)
{
    __int128 num = (__int128)mantissa * unit_ng;
    __int128 den = (__int128)1000 * pow10_i64(decimals);
    __int128 q = (num + (num < 0 ? -den / 2 : den / 2)) / den;

    __int128 res = ((__int128)unit_ng + den / 2) / den;

    if (q > WEIGHT_MAX_UG || q < -WEIGHT_MAX_UG || res > WEIGHT_MAX_UG)
        return tt_err_set(err, TT_EINVAL, "weight_set",
                          "weight out of range (over 1000 t): the frame is corrupt");
    out->ug = (int64_t)q;
    out->resolution_ug = (int64_t)res;
    out->has_value = true;
    return 0;
}

int
decode_fail(struct weight *out, struct tt_err *err, int code, const char *where, const char *what)
{
    memset(out, 0, sizeof *out);
    return tt_err_set(err, code, where, "%s", what);
}

int
weight_from_decimal(const char *s, size_t len, int64_t unit_ng, struct weight *out,
                    struct tt_err *err)
{
    size_t i = 0, end = len;
    int64_t mant = 0;
    int digits = 0, decimals = -1;
    bool neg = false;

    memset(out, 0, sizeof *out); /* callers set state, net, no_status after */
    while (i < end && s[i] == ' ')
        i++;
    while (end > i && s[end - 1] == ' ')
        end--;
    if (i < end && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (; i < end; i++) {
        if (s[i] == '.' && decimals < 0) {
            decimals = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (digits >= 15)
                return decode_fail(out, err, TT_EINVAL, "weight_from_decimal",
                                   "weight has too many digits: the frame is corrupt");
            mant = mant * 10 + (s[i] - '0');
            digits++;
            if (decimals >= 0)
                decimals++;
        } else {
            return decode_fail(out, err, TT_EPARSE, "weight_from_decimal",
                               "weight field holds a character that is not a digit");
        }
    }
    if (digits == 0)
        return decode_fail(out, err, TT_EPARSE, "weight_from_decimal",
                           "weight field holds no digits");
    if (decimals < 0)
        decimals = 0;
    if (weight_set(neg ? -mant : mant, decimals, unit_ng, out, err) != 0) {
        memset(out, 0, sizeof *out);
        return TT_EINVAL;
    }
    return 0;
}

void
decode_sign_state(struct weight *w, enum scale_state positive)
{
    w->state = w->ug < 0 ? SCALE_UNDER_ZERO : positive;
}

static const char *const proto_names[SCALE_PROTO_COUNT] = {
    [SCALE_PROTO_NONE] = "none",
    [SCALE_PROTO_XK3190_A12] = "xk3190-a12",
    [SCALE_PROTO_XK3190_TF0] = "xk3190-tf0",
    [SCALE_PROTO_REV_EQ] = "rev-eq",
    [SCALE_PROTO_EQ] = "eq",
    [SCALE_PROTO_CAS22] = "cas22",
    [SCALE_PROTO_CAS18] = "cas18",
    [SCALE_PROTO_SICS] = "mt-sics",
    [SCALE_PROTO_TOLEDO8217] = "toledo8217",
    [SCALE_PROTO_OHAUS] = "ohaus",
};

const char *
scale_proto_name(enum scale_proto proto)
{
    if ((unsigned)proto >= SCALE_PROTO_COUNT)
        return "none";
    return proto_names[proto];
}

enum scale_proto
scale_proto_parse(const char *name)
{
    for (int p = 1; p < SCALE_PROTO_COUNT; p++) {
        if (strcasecmp(name, proto_names[p]) == 0)
            return (enum scale_proto)p;
    }
    /* Aliases people type from the manuals. */
    if (strcasecmp(name, "xk3190-a12e") == 0 || strcasecmp(name, "a12") == 0)
        return SCALE_PROTO_XK3190_A12;
    if (strcasecmp(name, "xk3190-tf1") == 0)
        return SCALE_PROTO_REV_EQ;
    if (strcasecmp(name, "xk3190-tf2") == 0)
        return SCALE_PROTO_EQ;
    if (strcasecmp(name, "sics") == 0)
        return SCALE_PROTO_SICS;
    if (strcasecmp(name, "8217") == 0)
        return SCALE_PROTO_TOLEDO8217;
    return SCALE_PROTO_NONE;
}

bool
scale_proto_polled(enum scale_proto proto)
{
    return proto == SCALE_PROTO_SICS || proto == SCALE_PROTO_TOLEDO8217;
}

bool
scale_proto_7bit(enum scale_proto proto)
{
    return proto == SCALE_PROTO_TOLEDO8217;
}

int
scale_decode(enum scale_proto proto, const uint8_t *buf, size_t len, struct weight *out,
             struct tt_err *err)
{
    switch (proto) {
    case SCALE_PROTO_XK3190_A12:
        return xk3190_a12_decode(buf, len, out, err);
    case SCALE_PROTO_XK3190_TF0:
        return xk3190_tf0_decode(buf, len, out, err);
    case SCALE_PROTO_REV_EQ:
        return rev_eq_decode(buf, len, out, err);
    case SCALE_PROTO_EQ:
        return eq_decode(buf, len, out, err);
    case SCALE_PROTO_CAS22:
        return cas22_decode(buf, len, out, err);
    case SCALE_PROTO_CAS18:
        return cas18_decode(buf, len, out, err);
    case SCALE_PROTO_SICS:
        return sics_decode(buf, len, out, err);
    case SCALE_PROTO_TOLEDO8217:
        return toledo8217_decode(buf, len, out, err);
    case SCALE_PROTO_OHAUS:
        return ohaus_decode(buf, len, out, err);
    default:
        return decode_fail(out, err, TT_EUSAGE, "scale_decode", "no protocol chosen");
    }
}

/* --- framer ----------------------------------------------------------------- */

enum frame_kind { FRAME_LINE, FRAME_STX_ETX, FRAME_STX_CR, FRAME_EQ9 };

static enum frame_kind
frame_kind_of(enum scale_proto proto)
{
    switch (proto) {
    case SCALE_PROTO_XK3190_TF0:
        return FRAME_STX_ETX;
    case SCALE_PROTO_TOLEDO8217:
        return FRAME_STX_CR;
    case SCALE_PROTO_REV_EQ:
    case SCALE_PROTO_EQ:
        return FRAME_EQ9;
    default:
        return FRAME_LINE;
    }
}

void
scale_framer_init(struct scale_framer *f, enum scale_proto proto)
{
    memset(f, 0, sizeof *f);
    f->proto = proto;
}

/* Adds one byte; returns true when it completed a frame. */
static bool
framer_push(struct scale_framer *f, uint8_t c)
{
    enum frame_kind kind = frame_kind_of(f->proto);

    if (scale_proto_7bit(f->proto))
        c &= 0x7F;
    switch (kind) {
    case FRAME_STX_ETX:
    case FRAME_STX_CR:
        if (c == 0x02)
            f->len = 0; /* a new frame start always resynchronises */
        else if (f->len == 0)
            return false;
        break;
    case FRAME_EQ9:
        if (c == '=')
            f->len = 0;
        else if (f->len == 0)
            return false;
        break;
    case FRAME_LINE:
        break;
    }
    if (f->len == SCALE_FRAME_MAX) {
        /* Too long for any frame: drop it and wait for the next start. */
        f->len = 0;
        return false;
    }
    f->buf[f->len++] = c;
    switch (kind) {
    case FRAME_LINE:
        return c == '\n';
    case FRAME_STX_ETX:
        return c == 0x03;
    case FRAME_STX_CR:
        return c == '\r';
    case FRAME_EQ9:
        return f->len == 9;
    }
    return false;
}

size_t
scale_framer_feed(struct scale_framer *f, const uint8_t *bytes, size_t n, const uint8_t **frame_out,
                  size_t *frame_len_out)
{
    *frame_len_out = 0;
    *frame_out = NULL;
    for (size_t i = 0; i < n; i++) {
        if (framer_push(f, bytes[i])) {
            /* The bytes stay in buf until the next call; len restarts. */
            *frame_out = f->buf;
            *frame_len_out = f->len;
            f->len = 0;
            return i + 1;
        }
    }
    return n;
}

/* --- scans ------------------------------------------------------------------ */

int
scan_from_bytes(const uint8_t *buf, size_t len, struct scan *out, struct tt_err *err)
{
    size_t skip = 0;

    memset(out->aim, 0, sizeof out->aim);
    out->len = 0;
    if (len >= 3 && buf[0] == ']' && isalpha(buf[1]) && isalnum(buf[2])) {
        memcpy(out->aim, buf, 3);
        skip = 3;
    }
    if (len - skip > SCAN_DATA_MAX)
        return tt_err_set(err, TT_EINVAL, "scan_from_bytes",
                          "scan of %zu bytes is longer than %d: dropped", len - skip,
                          SCAN_DATA_MAX);
    memcpy(out->data, buf + skip, len - skip);
    out->len = len - skip;
    return 0;
}

int
decode_hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void
decode_trim_eol(const uint8_t *buf, size_t *len)
{
    while (*len > 0 && (buf[*len - 1] == '\n' || buf[*len - 1] == '\r'))
        (*len)--;
}
