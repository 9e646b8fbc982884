/*
 * gs1-lint.c — the component checks of the Syntax Dictionary ("linters"):
 * character sets, check digits, dates and times, ISO codes and the
 * structural rules of the rarer components. Each check returns a GS1_E_*
 * code and the offset of the first offending character, so that errors can
 * point into the input. Pure functions over (pointer, length).
 */
#include <string.h>

#include "gs1-int.h"

/* Character classes: 1 digit, 2 CSET 82, 4 CSET 39, 8 base64url (ASCII only). */
static const unsigned char char_class[128] = {
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  2,  2,  4,  0,  2,  2,  2,  2,  2,  2,  2,
    2,  14, 2,  6,  15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 2,  2,  2,  2,  2,  2,  0,  14,
    14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14,
    14, 14, 14, 0,  0,  0,  0,  10, 0,  10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0,  0,  0,  0,  0,
};

int
gs1_cset82(unsigned char c)
{
    return c < 128 && (char_class[c] & 2);
}

int
gs1_cset39(unsigned char c)
{
    return c < 128 && (char_class[c] & 4);
}

int
gs1_cset64(unsigned char c)
{
    return c < 128 && (char_class[c] & 8);
}

static int
two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int
gs1_days_in_month(int year, int month)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

int
gs1_century_year(int yy, int now_year)
{
    int now_yy = now_year % 100, century = now_year - now_yy;
    int diff = yy - now_yy;

    if (diff >= 51)
        return century - 100 + yy;
    if (diff <= -50)
        return century + 100 + yy;
    return century + yy;
}

/*
 * YYMMDD. The century does not matter for validity: the window covers
 * 1951-2100 at most and among its century years only 2000 is one, a leap
 * year like every other YY divisible by 4 (2100 is outside any window we
 * use before 2050).
 */
static int
check_yymmdd(const char *s, int day_zero_ok, size_t *pos, const char **what)
{
    int yy = two(s), mm = two(s + 2), dd = two(s + 4);

    if (mm < 1 || mm > 12) {
        *pos = 2;
        *what = "month must be 01-12";
        return GS1_E_DATE;
    }
    if (dd == 0) {
        if (day_zero_ok)
            return 0;
        *pos = 4;
        *what = "day 00 is not allowed for this AI";
        return GS1_E_DAY_ZERO;
    }
    if (dd > gs1_days_in_month(2000 + yy, mm)) {
        *pos = 4;
        *what = "no such day in that month";
        return GS1_E_DATE;
    }
    return 0;
}

static int
check_yyyymmdd(const char *s, size_t *pos, const char **what)
{
    int year = two(s) * 100 + two(s + 2), mm = two(s + 4), dd = two(s + 6);

    if (mm < 1 || mm > 12) {
        *pos = 4;
        *what = "month must be 01-12";
        return GS1_E_DATE;
    }
    if (dd < 1 || dd > gs1_days_in_month(year, mm)) {
        *pos = 6;
        *what = dd == 0 ? "day 00 is not allowed for this AI" : "no such day in that month";
        return dd == 0 ? GS1_E_DAY_ZERO : GS1_E_DATE;
    }
    return 0;
}

static int
is_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
is_upper_alnum(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    return 1;
}

static int
is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* GS1 check character pair (General Specifications §7.9.5), for GMN. */
static int
check_csumalpha(const char *s, size_t len, size_t *pos)
{
    static const char cset82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
                                 "abcdefghijklmnopqrstuvwxyz";
    static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    static const unsigned char primes[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37,
                                           41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83};
    unsigned sum = 0;

    if (len < 3 || len - 2 > sizeof primes) {
        *pos = 0;
        return GS1_E_TOO_SHORT;
    }
    for (size_t i = 0; i < len - 2; i++) {
        const char *p = strchr(cset82, s[len - 3 - i]);

        if (p == NULL || s[len - 3 - i] == '\0') {
            *pos = len - 3 - i;
            return GS1_E_BAD_CHAR;
        }
        sum += (unsigned)(p - cset82) * primes[i];
    }
    sum %= 1021;
    if (s[len - 2] != cset32[sum >> 5] || s[len - 1] != cset32[sum & 31]) {
        *pos = len - 2;
        return GS1_E_CHECK_DIGIT;
    }
    return 0;
}

/* ISO 13616 IBAN: country, two check digits, mod 97 of the rearranged text is 1. */
static int
check_iban(const char *s, size_t len, size_t *pos)
{
    char cc[3];
    unsigned rem = 0;

    *pos = 0;
    if (len < 5 || !is_upper_alnum(s, len))
        return GS1_E_COMPONENT;
    memcpy(cc, s, 2);
    cc[2] = '\0';
    if (gs1_country_by_alpha2(cc) == NULL)
        return GS1_E_COUNTRY;
    if (!is_digits(s + 2, 2)) {
        *pos = 2;
        return GS1_E_CHECK_DIGIT;
    }
    for (size_t k = 0; k < len; k++) {
        char c = s[(k + 4) % len];

        if (c >= 'A' && c <= 'Z')
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
        else
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
    }
    if (rem != 1) {
        *pos = 2;
        return GS1_E_CHECK_DIGIT;
    }
    return 0;
}

/* Reads a 1-digit length indicator then that many (+ add) digits; 0 on success. */
static int
vli_field(const char *s, size_t len, size_t *i, int lo, int hi, int add)
{
    int n;

    if (*i >= len || s[*i] < '0' + lo || s[*i] > '0' + hi)
        return -1;
    n = s[*i] - '0' + add;
    (*i)++;
    if (len - *i < (size_t)n)
        return -1;
    *i += (size_t)n;
    return 0;
}

static int
fixed_field(size_t len, size_t *i, size_t n)
{
    if (len - *i < n)
        return -1;
    *i += n;
    return 0;
}

/* A purchase requirement block of AI 8110: VLI+value, code, family code. */
static int
coupon_purchase(const char *s, size_t len, size_t *i)
{
    if (vli_field(s, len, i, 1, 5, 0) != 0 || fixed_field(len, i, 1) != 0)
        return -1;
    if (strchr("012349", s[*i - 1]) == NULL)
        return -1;
    return fixed_field(len, i, 3);
}

/* GCP VLI 0-6 (or 9: no company prefix) and the prefix itself. */
static int
coupon_gcp(const char *s, size_t len, size_t *i)
{
    if (*i < len && s[*i] == '9') {
        (*i)++;
        return 0;
    }
    return vli_field(s, len, i, 0, 6, 6);
}

/*
 * AI 8110, the North American coupon code (GS1 US coupon guideline):
 * mandatory head, then optional fields with indicators 1-6 and 9 in
 * increasing order.
 */
static int
check_couponcode(const char *s, size_t len, size_t *pos)
{
    size_t i = 0;
    int last = 0;

    *pos = 0;
    if (!is_digits(s, len))
        return GS1_E_BAD_CHAR;
    if (vli_field(s, len, &i, 0, 6, 6) != 0 || fixed_field(len, &i, 6) != 0 ||
        vli_field(s, len, &i, 1, 5, 0) != 0 || coupon_purchase(s, len, &i) != 0)
        goto bad;
    while (i < len) {
        int f = s[i] - '0';

        *pos = i;
        if (f <= last || (f > 6 && f != 9))
            return GS1_E_COMPONENT;
        last = f;
        i++;
        if ((f == 1 && (fixed_field(len, &i, 1) != 0 || s[i - 1] > '3' ||
                        coupon_purchase(s, len, &i) != 0 || coupon_gcp(s, len, &i) != 0)) ||
            (f == 2 && (coupon_purchase(s, len, &i) != 0 || coupon_gcp(s, len, &i) != 0)) ||
            ((f == 3 || f == 4) && fixed_field(len, &i, 6) != 0) ||
            (f == 5 && vli_field(s, len, &i, 0, 9, 6) != 0) ||
            (f == 6 && vli_field(s, len, &i, 1, 7, 6) != 0) ||
            (f == 9 && fixed_field(len, &i, 4) != 0))
            goto bad;
    }
    return 0;
bad:
    *pos = i < len ? i : len;
    return GS1_E_COMPONENT;
}

/* AI 8112: format 0/1, funder VLI + ID, offer code, serial VLI + serial, nothing more. */
static int
check_couponposoffer(const char *s, size_t len, size_t *pos)
{
    size_t i = 1;

    *pos = 0;
    if (!is_digits(s, len))
        return GS1_E_BAD_CHAR;
    if (len < 1 || (s[0] != '0' && s[0] != '1'))
        return GS1_E_COMPONENT;
    if (vli_field(s, len, &i, 0, 6, 6) != 0 || fixed_field(len, &i, 6) != 0 ||
        vli_field(s, len, &i, 0, 9, 6) != 0 || i != len) {
        *pos = i < len ? i : len;
        return GS1_E_COMPONENT;
    }
    return 0;
}

static int
check_country(const char *s, int allow_999, size_t *pos)
{
    unsigned n = (unsigned)(two(s) * 10 + (s[2] - '0'));

    *pos = 0;
    if (allow_999 && n == 999)
        return 0;
    return gs1_country_by_num(n) != NULL ? 0 : GS1_E_COUNTRY;
}

/* Linters on date, time and code-list components. */
static int
lint_codes(int lint, const char *s, size_t len, size_t *pos, const char **what)
{
    char a2[3];

    switch (lint) {
    case GS1_L_YYMMD0:
    case GS1_L_YYMMDD:
        return check_yymmdd(s, lint == GS1_L_YYMMD0, pos, what);
    case GS1_L_YYYYMMDD:
        return check_yyyymmdd(s, pos, what);
    case GS1_L_HHMI:
        *what = "time must be HHMM with hour 00-23 and minute 00-59";
        *pos = two(s) > 23 ? 0 : 2;
        return (two(s) > 23 || two(s + 2) > 59) ? GS1_E_TIME : 0;
    case GS1_L_HH:
        *what = "hour must be 00-23";
        return two(s) > 23 ? GS1_E_TIME : 0;
    case GS1_L_MI:
    case GS1_L_SS:
        *what = lint == GS1_L_MI ? "minute must be 00-59" : "second must be 00-59";
        return two(s) > 59 ? GS1_E_TIME : 0;
    case GS1_L_ISO3166:
    case GS1_L_ISO3166999:
        *what = "not an ISO 3166 numeric country code";
        return check_country(s, lint == GS1_L_ISO3166999, pos);
    case GS1_L_ISO3166ALPHA2:
        *what = "not an ISO 3166 two-letter country code";
        memcpy(a2, s, 2);
        a2[2] = '\0';
        return gs1_country_by_alpha2(a2) != NULL ? 0 : GS1_E_COUNTRY;
    case GS1_L_ISO4217:
        *what = "not an ISO 4217 numeric currency code";
        return gs1_currency_by_num((unsigned)(two(s) * 10 + (s[2] - '0'))) != NULL ? 0
                                                                                   : GS1_E_CURRENCY;
    default:
        (void)len;
        return -1; /* not one of these */
    }
}

/* Linters on structure and small code sets. */
static int
lint_struct(int lint, const char *s, size_t len, size_t *pos, const char **what)
{
    switch (lint) {
    case GS1_L_CSUM:
        *what = "wrong check digit";
        *pos = len - 1;
        return gs1_check_digit(s, len - 1) == s[len - 1] - '0' ? 0 : GS1_E_CHECK_DIGIT;
    case GS1_L_CSUMALPHA:
        *what = "wrong check character pair";
        return check_csumalpha(s, len, pos);
    case GS1_L_GCPPOS1:
    case GS1_L_GCPPOS2: {
        /* The shortest GS1 company prefix is 4 digits: it must be there. */
        size_t at = lint == GS1_L_GCPPOS2 ? 1 : 0;

        *what = "must start with a GS1 company prefix (digits)";
        for (size_t i = at; i < at + 4; i++)
            if (i >= len || s[i] < '0' || s[i] > '9') {
                *pos = i < len ? i : len;
                return GS1_E_COMPONENT;
            }
        return 0;
    }
    case GS1_L_PCENC:
        *what = "bad percent-encoding (% must be followed by two hex digits)";
        for (size_t i = 0; i < len; i++)
            if (s[i] == '%' && (i + 2 >= len || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))) {
                *pos = i;
                return GS1_E_COMPONENT;
            }
        return 0;
    case GS1_L_IBAN:
        *what = "not a valid IBAN";
        return check_iban(s, len, pos);
    case GS1_L_COUPONCODE:
        *what = "not a valid North American coupon code";
        return check_couponcode(s, len, pos);
    case GS1_L_COUPONPOSOFFER:
        *what = "not a valid positive offer file coupon code";
        return check_couponposoffer(s, len, pos);
    default:
        return -1;
    }
}

/* Linters that compare against one value or a small range. */
static int
lint_small(int lint, const char *s, size_t len, size_t *pos, const char **what)
{
    unsigned long long v = 0;

    for (size_t i = 0; i < len && i < 19 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    *pos = 0;
    switch (lint) {
    case GS1_L_YESNO:
        *what = "must be 0 (no) or 1 (yes)";
        return (s[0] == '0' || s[0] == '1') ? 0 : GS1_E_COMPONENT;
    case GS1_L_HYPHEN:
        *what = "must be '-' (a negative temperature)";
        return s[0] == '-' ? 0 : GS1_E_COMPONENT;
    case GS1_L_ZERO:
        *what = "must be 0";
        return s[0] == '0' ? 0 : GS1_E_COMPONENT;
    case GS1_L_WINDING:
        *what = "winding direction must be 0, 1 or 9";
        return strchr("019", s[0]) != NULL ? 0 : GS1_E_COMPONENT;
    case GS1_L_ISO5218:
        *what = "sex must be 0, 1, 2 or 9 (ISO 5218)";
        return strchr("0129", s[0]) != NULL ? 0 : GS1_E_COMPONENT;
    case GS1_L_LATITUDE:
        *what = "latitude must be 0-1800000000 (degrees + 90, 7 decimals)";
        return v <= 1800000000ULL ? 0 : GS1_E_COMPONENT;
    case GS1_L_LONGITUDE:
        *what = "longitude must be 0-3600000000 (degrees + 180, 7 decimals)";
        return v <= 3600000000ULL ? 0 : GS1_E_COMPONENT;
    case GS1_L_MEDIATYPE:
        *what = "AIDC media type must be 01-10";
        return (v >= 1 && v <= 10) ? 0 : GS1_E_COMPONENT;
    case GS1_L_NONZERO:
        *what = "must not be zero";
        return v != 0 ? 0 : GS1_E_COMPONENT;
    case GS1_L_PIECEOFTOTAL:
        *what = "piece number must be 01 to the total number of pieces";
        return (two(s) >= 1 && two(s + 2) >= 1 && two(s) <= two(s + 2)) ? 0 : GS1_E_COMPONENT;
    case GS1_L_NOZEROPREFIX:
        *what = "must not start with 0";
        return (len > 1 && s[0] == '0') ? GS1_E_COMPONENT : 0;
    case GS1_L_HASNONDIGIT:
        *what = "must contain a character that is not a digit";
        return is_digits(s, len) ? GS1_E_COMPONENT : 0;
    case GS1_L_IMPORTERIDX:
        *what = "importer index must be a letter, digit, '-' or '_'";
        return (gs1_cset64((unsigned char)s[0])) ? 0 : GS1_E_COMPONENT;
    case GS1_L_PACKAGETYPE:
        *what = "package type must be a UN/ECE Rec 21 code (2-3 capitals or digits)";
        return (len >= 2 && len <= 3 && is_upper_alnum(s, len)) ? 0 : GS1_E_COMPONENT;
    case GS1_L_POSINSEQSLASH:
        *what = "must be N/M with 1 <= N <= M <= 9";
        return (s[1] == '/' && s[0] >= '1' && s[0] <= '9' && s[2] >= '1' && s[2] <= '9' &&
                s[0] <= s[2])
                   ? 0
                   : GS1_E_COMPONENT;
    default:
        *what = "unknown component rule";
        return GS1_E_COMPONENT; /* never accept what we cannot check */
    }
}

static int
run_lint(int lint, const char *s, size_t len, size_t *pos, const char **what)
{
    int rc;

    *pos = 0;
    rc = lint_codes(lint, s, len, pos, what);
    if (rc < 0)
        rc = lint_struct(lint, s, len, pos, what);
    if (rc < 0)
        rc = lint_small(lint, s, len, pos, what);
    return rc;
}

/* The characters of one component; returns 0 or GS1_E_BAD_CHAR with *pos. */
static int
check_cset(char cset, const char *s, size_t len, size_t *pos, const char **what)
{
    unsigned char mask = cset == 'N' ? 1 : cset == 'X' ? 2 : cset == 'Y' ? 4 : 8;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 128 || !(char_class[c] & mask)) {
            *pos = i;
            *what = cset == 'N'   ? "digit expected"
                    : cset == 'X' ? "character not allowed (GS1 CSET 82)"
                    : cset == 'Y' ? "character not allowed (GS1 CSET 39)"
                                  : "character not allowed (base64url)";
            return GS1_E_BAD_CHAR;
        }
    }
    return 0;
}

int
gs1_check_value(const struct gs1_ai_def *def, const char *value, size_t len, size_t *pos,
                const char **what)
{
    size_t at = 0;

    *what = "";
    if (len < def->min_len) {
        *pos = len;
        *what = "value too short";
        return GS1_E_TOO_SHORT;
    }
    if (len > def->max_len) {
        *pos = def->max_len;
        *what = "value too long";
        return GS1_E_TOO_LONG;
    }
    for (unsigned i = 0; i < def->n_comp; i++) {
        const struct gs1_comp *c = &def->comp[i];
        size_t left = len - at, take = left < c->max ? left : c->max;
        size_t p = 0;
        int rc;

        if (left == 0 && c->opt)
            break;
        if (take < c->min) {
            *pos = len;
            *what = "value too short";
            return GS1_E_TOO_SHORT;
        }
        rc = check_cset(c->cset, value + at, take, &p, what);
        for (unsigned k = 0; rc == 0 && k < GS1_COMP_LINTS && c->lint[k] != GS1_L_NONE; k++)
            rc = run_lint(c->lint[k], value + at, take, &p, what);
        if (rc != 0) {
            *pos = at + p;
            return rc;
        }
        at += take;
    }
    if (at < len) {
        *pos = at;
        *what = "value too long";
        return GS1_E_TOO_LONG;
    }
    return 0;
}
