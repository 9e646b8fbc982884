/*
 * decode-cas.c — CAS indicators (CI-200A, CI-400, CI-600, NT-200) and the
 * many "CAS-compatible" Chinese indicators: the 22-byte and the 18-byte
 * data formats (reference/devices.md §3.2, CAS manuals' "Data format").
 */
#include <string.h>

#include "decode-int.h"
#include "decode.h"

/* H1 "ST"/"US"/"OL" and H2 "GS"/"NT" of both formats. */
static int
cas_header(const uint8_t *buf, struct weight *out, struct tt_err *err, const char *where)
{
    enum scale_state st;
    bool net;

    if (memcmp(buf, "ST", 2) == 0)
        st = SCALE_STABLE;
    else if (memcmp(buf, "US", 2) == 0)
        st = SCALE_MOTION;
    else if (memcmp(buf, "OL", 2) == 0)
        st = SCALE_OVER_CAPACITY;
    else
        return decode_fail(out, err, TT_EPARSE, where, "CAS header is not ST, US or OL");
    if (buf[2] != ',' || buf[5] != ',')
        return decode_fail(out, err, TT_EPARSE, where, "CAS frame: comma missing after header");
    if (memcmp(buf + 3, "GS", 2) == 0)
        net = false;
    else if (memcmp(buf + 3, "NT", 2) == 0)
        net = true;
    else
        return decode_fail(out, err, TT_EPARSE, where, "CAS frame: second field is not GS or NT");
    memset(out, 0, sizeof *out);
    out->state = st;
    out->net = net;
    return 0;
}

/* The weight field and the unit (trimmed); over capacity carries no value. */
static int
cas_value(const uint8_t *data, size_t data_len, const uint8_t *unit, size_t unit_len,
          struct weight *out, struct tt_err *err, const char *where)
{
    enum scale_state st = out->state;
    bool net = out->net;
    int64_t ng;
    int rc;

    while (unit_len > 0 && unit[0] == ' ') {
        unit++;
        unit_len--;
    }
    while (unit_len > 0 && unit[unit_len - 1] == ' ')
        unit_len--;
    if (weight_unit_ng((const char *)unit, unit_len, &ng) != 0)
        return decode_fail(out, err, TT_EPARSE, where, "CAS frame: unit is not a mass unit");
    if (st == SCALE_OVER_CAPACITY)
        return 0;
    rc = weight_from_decimal((const char *)data, data_len, ng, out, err);
    if (rc != 0)
        return rc;
    out->net = net;
    decode_sign_state(out, st);
    return 0;
}

/*
 * 22 bytes:  [0..1] H1  [2] ','  [3..4] H2  [5] ','  [6] device id (ASCII)
 *   [7] lamp byte (binary: bit6 stable, bit2 gross, bit1 tare, bit0 zero)
 *   [8] ','  [9..16] data: 8 chars with sign and point  [17] ' '
 *   [18..19] unit ("kg", " g", " t", "lb")  [20] CR [21] LF
 */
int
cas22_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "cas22_decode";
    int rc;

    if (len != 22)
        return decode_fail(out, err, TT_EPARSE, where, "CAS 22-byte frame has the wrong length");
    if (buf[20] != '\r' || buf[21] != '\n' || buf[8] != ',' || buf[17] != ' ')
        return decode_fail(out, err, TT_EPARSE, where, "CAS 22-byte frame: separators wrong");
    rc = cas_header(buf, out, err, where);
    if (rc != 0)
        return rc;
    return cas_value(buf + 9, 8, buf + 18, 2, out, err, where);
}

/*
 * 18 bytes: "ST,GS," + data(8) + unit(2) + CR LF. Indicators sold as
 * CAS-compatible vary the data width by one and may put a blank before the
 * unit ("ST,GS,+0001.520 kg"), so the data is everything between the second
 * comma and the trailing unit letters; every byte is still checked.
 */
int
cas18_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err)
{
    static const char *const where = "cas18_decode";
    size_t end = len, u;
    int rc;

    if (len < 12 || len > 24)
        return decode_fail(out, err, TT_EPARSE, where, "CAS 18-byte frame has the wrong length");
    if (buf[len - 2] != '\r' || buf[len - 1] != '\n')
        return decode_fail(out, err, TT_EPARSE, where, "CAS 18-byte frame does not end in CR LF");
    end = len - 2;
    rc = cas_header(buf, out, err, where);
    if (rc != 0)
        return rc;
    u = end;
    while (u > 6 &&
           ((buf[u - 1] >= 'a' && buf[u - 1] <= 'z') || (buf[u - 1] >= 'A' && buf[u - 1] <= 'Z')))
        u--;
    if (u == end || end - u > 3)
        return decode_fail(out, err, TT_EPARSE, where, "CAS 18-byte frame has no unit");
    return cas_value(buf + 6, u - 6, buf + u, end - u, out, err, where);
}
