/*
 * gs1-keys.c — the GS1 mod-10 check digit, GTIN normalisation, SSCC
 * construction and the PTI voice pick code (reference/gs1.md §2, §4).
 * Pure arithmetic over caller-owned buffers.
 */
#include <string.h>

#include "gs1.h"

int
gs1_check_digit(const char *digits, size_t len)
{
    unsigned sum = 0;

    if (digits == NULL || len == 0)
        return -1;
    /* Weights 3,1,3,... starting from the rightmost digit. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)digits[len - 1 - i];

        if (c < '0' || c > '9')
            return -1;
        sum += (unsigned)(c - '0') * ((i & 1) ? 1u : 3u);
    }
    return (int)((10 - sum % 10) % 10);
}

static int
all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int
gs1_gtin_normalise(const char *gtin, char out[15], struct tt_err *err)
{
    size_t len = gtin != NULL ? strlen(gtin) : 0;

    if (out != NULL)
        out[0] = '\0';
    if (gtin == NULL || out == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no GTIN given");
    if (!all_digits(gtin, len))
        return tt_err_setd(err, TT_EINVAL, GS1_E_BAD_CHAR, __func__,
                           "GTIN '%.20s' has a character that is not a digit; a GTIN is "
                           "8, 12, 13 or 14 digits",
                           gtin);
    if (len != 8 && len != 12 && len != 13 && len != 14)
        return tt_err_setd(err, TT_EINVAL, len < 14 ? GS1_E_TOO_SHORT : GS1_E_TOO_LONG, __func__,
                           "GTIN '%.20s' has %zu digits; a GTIN has 8, 12, 13 or 14", gtin, len);
    if (gs1_check_digit(gtin, len - 1) != gtin[len - 1] - '0')
        return tt_err_setd(err, TT_EINVAL, GS1_E_CHECK_DIGIT, __func__,
                           "GTIN %s: the check digit should be %d; retype the number", gtin,
                           gs1_check_digit(gtin, len - 1));
    memset(out, '0', 14 - len);
    memcpy(out + 14 - len, gtin, len + 1);
    return 0;
}

int
gs1_sscc_make(int extension, const char *company_prefix, unsigned long long serial, char out[19],
              struct tt_err *err)
{
    size_t plen = company_prefix != NULL ? strlen(company_prefix) : 0;
    size_t room;
    unsigned long long limit = 1;

    if (out != NULL)
        out[0] = '\0';
    if (out == NULL || company_prefix == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no company prefix given");
    if (extension < 0 || extension > 9)
        return tt_err_setd(err, TT_EINVAL, GS1_E_COMPONENT, __func__,
                           "SSCC extension digit %d is not 0-9", extension);
    if (!all_digits(company_prefix, plen) || plen < 6 || plen > 12)
        return tt_err_setd(err, TT_EINVAL,
                           !all_digits(company_prefix, plen) ? GS1_E_BAD_CHAR
                           : plen < 6                        ? GS1_E_TOO_SHORT
                                                             : GS1_E_TOO_LONG,
                           __func__, "company prefix '%.20s' must be 6 to 12 digits",
                           company_prefix);
    room = 16 - plen; /* 18 = extension + prefix + serial reference + check digit */
    for (size_t i = 0; i < room; i++)
        limit *= 10;
    if (serial >= limit)
        return tt_err_setd(err, TT_EINVAL, GS1_E_TOO_LONG, __func__,
                           "serial %llu does not fit in the %zu digits left after company "
                           "prefix %s; use a smaller serial or a shorter prefix",
                           serial, room, company_prefix);
    out[0] = (char)('0' + extension);
    memcpy(out + 1, company_prefix, plen);
    for (size_t i = 0; i < room; i++) {
        out[16 - i] = (char)('0' + serial % 10);
        serial /= 10;
    }
    out[17] = (char)('0' + gs1_check_digit(out, 17));
    out[18] = '\0';
    return 0;
}

/* CRC-16/ARC: reflected poly 0x8005 (0xA001), init 0, no final XOR. */
static unsigned
crc16_arc(unsigned crc, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned char)s[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xA001u : crc >> 1;
    }
    return crc & 0xFFFFu;
}

int
gs1_vpc(const char *gtin14, const char *lot, const char *yymmdd, char out[5], struct tt_err *err)
{
    size_t dlen = yymmdd != NULL ? strlen(yymmdd) : 0;
    unsigned crc;

    if (out != NULL)
        out[0] = '\0';
    if (gtin14 == NULL || lot == NULL || out == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "GTIN and lot are needed");
    /*
     * Published PTI vectors carry GTINs with wrong check digits, and the
     * code is a CRC of the text, so only the shape is checked here.
     */
    if (strlen(gtin14) != 14 || !all_digits(gtin14, 14))
        return tt_err_setd(err, TT_EINVAL, GS1_E_BAD_CHAR, __func__,
                           "GTIN '%.20s' must be 14 digits for a voice pick code", gtin14);
    if (lot[0] == '\0' || strlen(lot) > 20)
        return tt_err_setd(err, TT_EINVAL, lot[0] == '\0' ? GS1_E_TOO_SHORT : GS1_E_TOO_LONG,
                           __func__, "the lot must be 1 to 20 characters");
    if (dlen != 0) {
        int mm, dd;

        if (dlen != 6 || !all_digits(yymmdd, 6))
            return tt_err_setd(err, TT_EINVAL, GS1_E_DATE, __func__,
                               "date '%.12s' must be YYMMDD (6 digits)", yymmdd);
        mm = (yymmdd[2] - '0') * 10 + (yymmdd[3] - '0');
        dd = (yymmdd[4] - '0') * 10 + (yymmdd[5] - '0');
        if (mm < 1 || mm > 12 || dd < 1 || dd > 31)
            return tt_err_setd(err, TT_EINVAL, GS1_E_DATE, __func__,
                               "date %s is not a real YYMMDD date", yymmdd);
    }
    crc = crc16_arc(0, gtin14, 14);
    crc = crc16_arc(crc, lot, strlen(lot));
    crc = crc16_arc(crc, yymmdd != NULL ? yymmdd : "", dlen);
    crc %= 10000u;
    out[0] = (char)('0' + crc / 1000);
    out[1] = (char)('0' + crc / 100 % 10);
    out[2] = (char)('0' + crc / 10 % 10);
    out[3] = (char)('0' + crc % 10);
    out[4] = '\0';
    return 0;
}
