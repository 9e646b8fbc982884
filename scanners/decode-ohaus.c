/*
 * decode-ohaus.c — Ohaus balances (Scout Pro, Navigator, Valor, Courier),
 * reference/devices.md §3.5: weight right-justified, blank, unit, then
 * " ?" when unstable and optional G / NET / T / C fields, CR LF.
 */
#include <string.h>

#include "decode-int.h"
#include "decode.h"

int
ohaus_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "ohaus_decode";
    const uint8_t *tok[6];
    size_t tl[6];
    int n = 0;
    size_t i = 0;
    bool unstable = false, net = false;
    int64_t ng;
    int rc;

    decode_trim_eol(buf, &len);
    while (i < len) {
        while (i < len && buf[i] == ' ')
            i++;
        if (i == len)
            break;
        if (n == 6)
            return decode_fail(out, err, TT_EPARSE, where, "Ohaus line has too many fields");
        tok[n] = buf + i;
        while (i < len && buf[i] != ' ')
            i++;
        tl[n] = (size_t)(buf + i - tok[n]);
        n++;
    }
    if (n == 1 && tl[0] == 2 && memcmp(tok[0], "ES", 2) == 0)
        return decode_fail(out, err, TT_EINVAL, where,
                           "the balance refused the command (ES): check the protocol");
    if (n < 2)
        return decode_fail(out, err, TT_EPARSE, where, "Ohaus line is not 'weight unit'");
    for (int k = 2; k < n; k++) {
        if (tl[k] == 1 && tok[k][0] == '?')
            unstable = true;
        else if ((tl[k] == 3 && memcmp(tok[k], "NET", 3) == 0) || (tl[k] == 1 && tok[k][0] == 'N'))
            net = true;
        else if (!(tl[k] == 1 && (tok[k][0] == 'G' || tok[k][0] == 'C' || tok[k][0] == 'T')))
            return decode_fail(out, err, TT_EPARSE, where, "Ohaus line has an unknown field");
    }
    if (weight_unit_ng((const char *)tok[1], tl[1], &ng) != 0)
        return decode_fail(out, err, TT_EPARSE, where, "Ohaus unit is not a mass unit");
    rc = weight_from_decimal((const char *)tok[0], tl[0], ng, out, err);
    if (rc != 0)
        return rc;
    out->net = net;
    decode_sign_state(out, unstable ? SCALE_MOTION : SCALE_STABLE);
    return 0;
}
