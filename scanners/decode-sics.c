/*
 * decode-sics.c — Mettler Toledo MT-SICS replies (reference/devices.md
 * §3.3): "<cmd> <status> <weight> <unit>" CR LF, e.g. "S S   100.00 g".
 */
#include <string.h>

#include "decode-int.h"
#include "decode.h"

/* Splits on blanks; returns the number of tokens (at most `max`). */
static int
sics_tokens(const uint8_t *buf, size_t len, const uint8_t **tok, size_t *tok_len, int max)
{
    int n = 0;
    size_t i = 0;

    while (i < len) {
        while (i < len && buf[i] == ' ')
            i++;
        if (i == len)
            break;
        if (n == max)
            return max + 1;
        tok[n] = buf + i;
        while (i < len && buf[i] != ' ')
            i++;
        tok_len[n] = (size_t)(buf + i - tok[n]);
        n++;
    }
    return n;
}

static bool
tok_is(const uint8_t *tok, size_t len, const char *s)
{
    return strlen(s) == len && memcmp(tok, s, len) == 0;
}

/* "S S w u", "S D w u" (SI only), "S I" busy, "S +" over, "S -" under. */
static int
sics_weight(const uint8_t **tok, const size_t *tl, int n, struct weight *out, struct tt_err *err)
{
    static const char *const where = "sics_decode";
    enum scale_state st;
    int64_t ng;
    int rc;

    memset(out, 0, sizeof *out);
    if (n == 2 && tok_is(tok[1], tl[1], "I"))
        return 0; /* not executable now (busy, or not stable in time) */
    if (n == 2 && tok_is(tok[1], tl[1], "+")) {
        out->state = SCALE_OVER_CAPACITY;
        return 0;
    }
    if (n == 2 && tok_is(tok[1], tl[1], "-")) {
        out->state = SCALE_UNDER_ZERO;
        return 0;
    }
    if (n != 4)
        return decode_fail(out, err, TT_EPARSE, where, "MT-SICS weight reply is not 'S S w unit'");
    if (tok_is(tok[1], tl[1], "S"))
        st = SCALE_STABLE;
    else if (tok_is(tok[1], tl[1], "D"))
        st = SCALE_MOTION;
    else
        return decode_fail(out, err, TT_EPARSE, where, "MT-SICS status is not S, D, I, + or -");
    if (weight_unit_ng((const char *)tok[3], tl[3], &ng) != 0)
        return decode_fail(out, err, TT_EPARSE, where, "MT-SICS unit is not a mass unit");
    rc = weight_from_decimal((const char *)tok[2], tl[2], ng, out, err);
    if (rc != 0)
        return rc;
    decode_sign_state(out, st);
    return 0;
}

int
sics_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "sics_decode";
    const uint8_t *tok[5];
    size_t tl[5];
    int n;

    decode_trim_eol(buf, &len);
    n = sics_tokens(buf, len, tok, tl, 4);
    if (n == 0 || n > 4)
        return decode_fail(out, err, TT_EPARSE, where, "not an MT-SICS reply");
    if (tok_is(tok[0], tl[0], "S") || tok_is(tok[0], tl[0], "SI") || tok_is(tok[0], tl[0], "SIR"))
        return sics_weight(tok, tl, n, out, err);
    if (tok_is(tok[0], tl[0], "ES") || tok_is(tok[0], tl[0], "ET") || tok_is(tok[0], tl[0], "EL"))
        return decode_fail(out, err, TT_EINVAL, where,
                           "the balance refused the command (ES/ET/EL): check the protocol");
    if (tok_is(tok[0], tl[0], "Z") || tok_is(tok[0], tl[0], "T") || tok_is(tok[0], tl[0], "@") ||
        tok_is(tok[0], tl[0], "I4")) {
        memset(out, 0, sizeof *out); /* acknowledgement: no weight */
        return 0;
    }
    return decode_fail(out, err, TT_EPARSE, where, "not an MT-SICS reply");
}
