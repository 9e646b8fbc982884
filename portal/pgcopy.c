/*
 * pgcopy.c — binary COPY rows (see pgcopy.h).
 */
#include "pgcopy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_OID 25 /* pg_type.oid of text: fixed since PostgreSQL's first catalogs */

static int
reserve(struct pgcopy *b, size_t more)
{
    size_t cap;
    char *p;

    if (b->oom)
        return -1;
    if (b->len + more <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64 * 1024;
    while (cap < b->len + more)
        cap *= 2;
    p = realloc(b->buf, cap);
    if (p == NULL) {
        b->oom = 1;
        return -1;
    }
    b->buf = p;
    b->cap = cap;
    return 0;
}

static void
put_bytes(struct pgcopy *b, const void *p, size_t n)
{
    if (reserve(b, n) == 0) {
        memcpy(b->buf + b->len, p, n);
        b->len += n;
    }
}

static void
put_be(struct pgcopy *b, uint64_t v, int bytes)
{
    char out[8];

    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        out[i] = (char)(v & 0xff);
    put_bytes(b, out, (size_t)bytes);
}

void
pgcopy_header(struct pgcopy *b)
{
    static const char magic[11] = "PGCOPY\n\377\r\n";

    put_bytes(b, magic, sizeof magic); /* its 11th byte is the NUL */
    put_be(b, 0, 4);
    put_be(b, 0, 4);
}

void
pgcopy_trailer(struct pgcopy *b)
{
    put_be(b, 0xffff, 2);
}

void
pgcopy_tuple(struct pgcopy *b, uint16_t n)
{
    put_be(b, n, 2);
}

void
pgcopy_null(struct pgcopy *b)
{
    put_be(b, 0xffffffffu, 4);
}

static void
put_field(struct pgcopy *b, const void *p, size_t n)
{
    if (n > INT32_MAX) { /* cannot happen below the bundle's line cap */
        b->oom = 1;
        return;
    }
    put_be(b, n, 4);
    put_bytes(b, p, n);
}

void
pgcopy_text_or_null(struct pgcopy *b, const char *s)
{
    if (s == NULL || s[0] == '\0')
        pgcopy_null(b);
    else
        put_field(b, s, strlen(s));
}

void
pgcopy_int8(struct pgcopy *b, int64_t v)
{
    put_be(b, 8, 4);
    put_be(b, (uint64_t)v, 8);
}

void
pgcopy_timestamptz(struct pgcopy *b, int64_t us)
{
    pgcopy_int8(b, us);
}

void
pgcopy_bytea(struct pgcopy *b, const void *p, size_t n)
{
    put_field(b, p, n);
}

void
pgcopy_jsonb(struct pgcopy *b, const char *json, size_t n)
{
    if (n + 1 > INT32_MAX) {
        b->oom = 1;
        return;
    }
    put_be(b, n + 1, 4);
    put_be(b, 1, 1); /* jsonb's binary format version */
    put_bytes(b, json, n);
}

void
pgcopy_text_array(struct pgcopy *b, const char *elems, size_t stride, size_t n)
{
    size_t total = n > 0 ? 20 : 12;

    for (size_t i = 0; i < n; i++)
        total += 4 + strlen(elems + i * stride);
    if (total > INT32_MAX) {
        b->oom = 1;
        return;
    }
    put_be(b, total, 4);
    put_be(b, n > 0 ? 1 : 0, 4); /* dimensions: an empty array has none */
    put_be(b, 0, 4);             /* no NULL elements */
    put_be(b, TEXT_OID, 4);
    if (n == 0)
        return;
    put_be(b, n, 4); /* length of the one dimension */
    put_be(b, 1, 4); /* its lower bound */
    for (size_t i = 0; i < n; i++)
        put_field(b, elems + i * stride, strlen(elems + i * stride));
}

int
pgcopy_failed(const struct pgcopy *b)
{
    return b->oom;
}

void
pgcopy_reset(struct pgcopy *b)
{
    b->len = 0;
    b->oom = 0;
}

void
pgcopy_free(struct pgcopy *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

/* --- RFC 3339 date-times ------------------------------------------------- */

static int
num(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int
month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

int
pgcopy_parse_time(const char *s, int64_t *out)
{
    /* 2000-01-01 is day 10957 after 1970-01-01. */
    static const int64_t pg_epoch_days = 10957;
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    int64_t us = 0;
    size_t i = 19;

    if (strlen(s) < 20 || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
        num(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || num(s + 11, 2, &h) || s[13] != ':' ||
        num(s + 14, 2, &mi) || s[16] != ':' || num(s + 17, 2, &sec))
        return -1;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
        sec > 60)
        return -1;
    if (s[i] == '.') {
        /*
         * PostgreSQL reads the fraction with strtod and rounds with rint;
         * m / 10^n is that same correctly rounded double while both are
         * exact (n <= 15), so ties round the same way on both sides.
         */
        int64_t m = 0;
        int digits = 0;
        double pow10 = 1;

        for (i++; s[i] >= '0' && s[i] <= '9'; i++, digits++)
            if (digits < 15) {
                m = m * 10 + (s[i] - '0');
                pow10 *= 10;
            }
        if (digits == 0)
            return -1;
        us = (int64_t)rint((double)m / pow10 * 1000000.0);
    }
    if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0') {
        sign = 0;
    } else if ((s[i] == '+' || s[i] == '-') && num(s + i + 1, 2, &oh) == 0 && s[i + 3] == ':' &&
               num(s + i + 4, 2, &om) == 0 && s[i + 6] == '\0' && oh <= 14 && om <= 59 &&
               (oh < 14 || om == 0)) {
        sign = s[i] == '+' ? 1 : -1;
    } else {
        return -1;
    }
    int64_t secs = (days_from_civil(y, mo, d) - pg_epoch_days) * 86400 + h * 3600 + mi * 60 + sec -
                   sign * (oh * 3600 + om * 60);

    *out = secs * 1000000 + us;
    return 0;
}
