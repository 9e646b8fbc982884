/*
 * decode-toledo.c — the Toledo 8217 protocol of Mettler Toledo retail
 * scales (reference/devices.md §3.4, as Odoo's SerialScaleDriver uses it):
 * 9600 7E1, host sends 'W'; reply STX [blanks] weight [N] CR, or
 * STX '?' status CR when no stable weight can be given.
 */
#include <string.h>

#include "decode-int.h"
#include "decode.h"

#define KG_NG 1000000000000LL

/* Status byte bits of the '?' reply. */
enum {
    T8217_MOTION = 0x01,
    T8217_OVER = 0x02,
    T8217_UNDER = 0x04,
    T8217_OUT_OF_ZERO = 0x08, /* outside the zero capture range */
    T8217_CENTRE_ZERO = 0x10,
    T8217_NET = 0x20,
};

int
toledo8217_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "toledo8217_decode";
    uint8_t m[SCALE_FRAME_MAX];
    size_t i = 1, end;
    uint8_t s;
    int rc;

    /* 7E1 read as 8 bits (or a pty, which keeps bit 7): mask every byte. */
    if (len > sizeof m)
        return decode_fail(out, err, TT_EPARSE, where, "Toledo 8217 reply is too long");
    for (size_t k = 0; k < len; k++)
        m[k] = buf[k] & 0x7F;
    buf = m;
    if (len < 3 || (buf[0] & 0x7F) != 0x02 || (buf[len - 1] & 0x7F) != '\r')
        return decode_fail(out, err, TT_EPARSE, where, "Toledo 8217 reply is not STX ... CR");
    end = len - 1;
    if ((buf[1] & 0x7F) == '?') {
        if (len != 4)
            return decode_fail(out, err, TT_EPARSE, where, "Toledo 8217 status reply not 4 bytes");
        s = buf[2] & 0x7F;
        memset(out, 0, sizeof *out);
        if (s & T8217_OVER)
            out->state = SCALE_OVER_CAPACITY;
        else if (s & T8217_UNDER)
            out->state = SCALE_UNDER_ZERO;
        else if (s & T8217_OUT_OF_ZERO)
            out->state = SCALE_NEEDS_CALIBRATION;
        else if (s & T8217_MOTION)
            out->state = SCALE_MOTION;
        else
            out->state = SCALE_NO_READING;
        out->net = (s & T8217_NET) != 0;
        return 0;
    }
    if ((buf[end - 1] & 0x7F) == 'N')
        end--;
    for (size_t k = i; k < end; k++) {
        uint8_t c = buf[k] & 0x7F;
        if (c != ' ' && c != '.' && (c < '0' || c > '9'))
            return decode_fail(out, err, TT_EPARSE, where, "Toledo 8217 weight is not digits");
    }
    /* The 8217 weight has no unit; these scales are set to kg here. */
    rc = weight_from_decimal((const char *)buf + i, end - i, KG_NG, out, err);
    if (rc != 0)
        return rc;
    out->net = (buf[len - 2] & 0x7F) == 'N';
    out->state = SCALE_STABLE; /* the scale answers a weight only when stable */
    return 0;
}
