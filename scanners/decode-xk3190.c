/*
 * decode-xk3190.c — Yaohua XK3190 indicators (A9, A12, A12E, A23P, A26 ...):
 * the A12/A12E 15-byte frame and the "tF" continuous formats 0, 1 (the
 * reversed '=' format) and 2. Byte layouts: reference/devices.md §3.1, from
 * the A12(E) manual p.13 and the A26 / A23P manuals.
 */
#include <string.h>

#include "decode-int.h"
#include "decode.h"

#define KG_NG 1000000000000LL

/*
 * A12 / A12E, 15 bytes:
 *   [0] 'W'  [1] 'G' gross / 'N' net   (lower case on some firmware)
 *   [2..8] 7 chars: weight with decimal point, '-' first when negative,
 *          a trailing blank when there is no decimal point
 *   [9..10] "kg"
 *   [11..12] XOR of bytes 0..10 as two ASCII hex digits, high nibble first
 *   [13] CR [14] LF
 * Overload: nine blanks "OL" "23" CR LF; below −20 d: nine blanks "LO" "23".
 */
int
xk3190_a12_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "xk3190_a12_decode";
    uint8_t x = 0;
    int hi, lo;
    int rc;

    if (len != 15)
        return decode_fail(out, err, TT_EPARSE, where, "XK3190-A12 frame is not 15 bytes long");
    if (buf[13] != '\r' || buf[14] != '\n')
        return decode_fail(out, err, TT_EPARSE, where, "XK3190-A12 frame does not end in CR LF");
    for (int i = 0; i < 11; i++)
        x ^= buf[i];
    hi = decode_hex_digit(buf[11]);
    lo = decode_hex_digit(buf[12]);
    if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != x)
        return decode_fail(out, err, TT_EPARSE, where,
                           "XK3190-A12 checksum does not match: frame damaged on the line");
    if (memcmp(buf, "         ", 9) == 0) {
        memset(out, 0, sizeof *out);
        if (buf[9] == 'O' && buf[10] == 'L')
            out->state = SCALE_OVER_CAPACITY;
        else if (buf[9] == 'L' && buf[10] == 'O')
            out->state = SCALE_UNDER_ZERO;
        else
            return decode_fail(out, err, TT_EPARSE, where,
                               "XK3190-A12 status frame is neither OL nor LO");
        out->no_status = true;
        return 0;
    }
    if ((buf[0] != 'W' && buf[0] != 'w') ||
        (buf[1] != 'G' && buf[1] != 'g' && buf[1] != 'N' && buf[1] != 'n'))
        return decode_fail(out, err, TT_EPARSE, where, "XK3190-A12 frame does not start WG/WN");
    if ((buf[9] != 'k' && buf[9] != 'K') || (buf[10] != 'g' && buf[10] != 'G'))
        return decode_fail(out, err, TT_EPARSE, where, "XK3190-A12 unit is not kg");
    rc = weight_from_decimal((const char *)buf + 2, 7, KG_NG, out, err);
    if (rc != 0)
        return rc;
    out->net = buf[1] == 'N' || buf[1] == 'n';
    out->no_status = true; /* the A12 frame has no stable flag */
    decode_sign_state(out, SCALE_MOTION);
    return 0;
}

/*
 * tF format 0, 12 bytes:
 *   [0] STX  [1] '+' or '-'  [2..7] six digits, high digit first, no point
 *   [8] number of decimals '0'..'4'
 *   [9..10] XOR of bytes 1..8 as ASCII hex, high nibble first  [11] ETX
 */
int
xk3190_tf0_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "xk3190_tf0_decode";
    char num[10];
    uint8_t x = 0;
    int hi, lo, dec;

    if (len != 12 || buf[0] != 0x02 || buf[11] != 0x03)
        return decode_fail(out, err, TT_EPARSE, where,
                           "XK3190 tF0 frame is not STX + 10 bytes + ETX");
    for (int i = 1; i <= 8; i++)
        x ^= buf[i];
    hi = decode_hex_digit(buf[9]);
    lo = decode_hex_digit(buf[10]);
    if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != x)
        return decode_fail(out, err, TT_EPARSE, where,
                           "XK3190 tF0 checksum does not match: frame damaged on the line");
    if (buf[1] != '+' && buf[1] != '-')
        return decode_fail(out, err, TT_EPARSE, where, "XK3190 tF0 sign is not + or -");
    if (buf[8] < '0' || buf[8] > '4')
        return decode_fail(out, err, TT_EPARSE, where, "XK3190 tF0 decimals not 0..4");
    dec = buf[8] - '0';
    for (int i = 2; i <= 7; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return decode_fail(out, err, TT_EPARSE, where, "XK3190 tF0 weight is not 6 digits");
    }
    /* Rebuild "+0015.20" so the exact decimal path does the rest. */
    num[0] = (char)buf[1];
    memcpy(num + 1, buf + 2, (size_t)(6 - dec));
    num[1 + 6 - dec] = '.';
    memcpy(num + 2 + 6 - dec, buf + 2 + 6 - dec, (size_t)dec);
    if (weight_from_decimal(num, 8, KG_NG, out, err) != 0)
        return TT_EPARSE;
    out->no_status = true;
    decode_sign_state(out, SCALE_MOTION);
    return 0;
}

/* Checks the 8 displayed characters of the '=' formats: sign pos + 7 chars. */
static int
eq_value(const char *v, struct weight *out, struct tt_err *err, const char *where)
{
    int points = 0;

    if (v[0] != '0' && v[0] != '-')
        return decode_fail(out, err, TT_EPARSE, where, "'=' frame: sign position not '0' or '-'");
    for (int i = 1; i < 8; i++) {
        if (v[i] == '.')
            points++;
        else if (v[i] < '0' || v[i] > '9')
            return decode_fail(out, err, TT_EPARSE, where, "'=' frame holds a non-digit");
    }
    if (points > 1)
        return decode_fail(out, err, TT_EPARSE, where, "'=' frame has two decimal points");
    if (weight_from_decimal(v, 8, KG_NG, out, err) != 0)
        return TT_EPARSE;
    out->no_status = true; /* formats 1 and 2 carry no stable flag */
    decode_sign_state(out, SCALE_MOTION);
    return 0;
}

/*
 * tF format 1, "the reversed '=' format", 9 bytes, repeated back to back:
 *   [0] '='  [1..7] displayed value lowest digit first (point included)
 *   [8] sign position: '0' or '-'
 * "=000.3000" is 3.000 kg, "=00.1000-" is −1.00 kg: reverse bytes 1..8.
 */
int
rev_eq_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    char v[8];

    if (len != 9 || buf[0] != '=')
        return decode_fail(out, err, TT_EPARSE, "rev_eq_decode",
                           "reversed '=' frame is not '=' + 8 bytes");
    for (int i = 0; i < 8; i++)
        v[i] = (char)buf[8 - i];
    return eq_value(v, out, err, "rev_eq_decode");
}

/* tF format 2: '=' then sign position and 7 chars high digit first. */
int
eq_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    if (len != 9 || buf[0] != '=')
        return decode_fail(out, err, TT_EPARSE, "eq_decode", "'=' frame is not '=' + 8 bytes");
    return eq_value((const char *)buf + 1, out, err, "eq_decode");
}
