/*
 * label-fields.c — the data a label is filled with: a small key/value set,
 * the {key|filter} expansion used by templates, and the mapping from a
 * GS1 message to fields (for `tramtem label render --data`). Values are
 * strings so that what is printed is exactly what was given: weights stay
 * "1.250", not a float that prints as 1.2499999.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label.h"

struct kv {
    char *key;
    char *val;
};

struct label_fields {
    struct kv *kv;
    size_t n, cap;
};

struct label_fields *
label_fields_new(void)
{
    return xcalloc(1, sizeof(struct label_fields));
}

void
label_fields_free(struct label_fields *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->kv[i].key);
        free(f->kv[i].val);
    }
    free(f->kv);
    free(f);
}

int
label_fields_set(struct label_fields *f, const char *key, const char *value, struct tt_err *err)
{
    char *v;

    if (key == NULL || *key == '\0' || strpbrk(key, "{}|") != NULL)
        return tt_err_setd(err, TT_EINVAL, LABEL_E_FIELD, __func__,
                           "field name '%s' is empty or holds { } |", key != NULL ? key : "");
    v = strdup(value != NULL ? value : "");
    if (v == NULL)
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->kv[i].key, key) == 0) {
            free(f->kv[i].val);
            f->kv[i].val = v;
            return 0;
        }
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct kv *kv = realloc(f->kv, cap * sizeof *kv);

        if (kv == NULL) {
            free(v);
            return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
        }
        f->kv = kv;
        f->cap = cap;
    }
    f->kv[f->n].key = xstrdup(key);
    f->kv[f->n].val = v;
    f->n++;
    return 0;
}

const char *
label_fields_get(const struct label_fields *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->kv[i].key, key) == 0)
            return f->kv[i].val;
    return NULL;
}

/* Days in a month (Gregorian). */
static int
month_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* "YYYY-MM-DD" -> y m d; 0 on success. */
static int
parse_date(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return -1;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    if (*y < 1951 || *y > 2050 || *m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
        return -1;
    return 0;
}

/*
 * A decimal string ("1.25", "1,25", "3") to an integer scaled by 10^n
 * with exact digits (no floating point). -1 when not a number, has more
 * decimals than n, or overflows `digits` digits.
 */
static long long
scaled_decimal(const char *s, int n, int digits)
{
    long long v = 0, limit = 1;
    int decimals = -1;

    for (int i = 0; i < digits; i++)
        limit *= 10;
    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s == '.' || *s == ',') {
            if (decimals >= 0)
                return -1;
            decimals = 0;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            return -1;
        if (decimals >= 0 && ++decimals > n)
            return -1;
        v = v * 10 + (*s - '0');
        if (v >= limit)
            return -1;
    }
    for (int i = decimals < 0 ? 0 : decimals; i < n; i++) {
        v *= 10;
        if (v >= limit)
            return -1;
    }
    return v;
}

/* Groups an integer's digits with `sep` every three ("45000" -> "45.000"). */
static void
group_digits(long long v, char sep, char *out, size_t out_len)
{
    char digits[32], buf[48];
    size_t n = (size_t)snprintf(digits, sizeof digits, "%lld", v), j = 0;

    for (size_t i = 0; i < n && j + 2 < sizeof buf; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[j++] = sep;
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    snprintf(out, out_len, "%s", buf);
}

static int
bad_value(struct tt_err *err, const char *key, const char *filter, const char *v, const char *why)
{
    return tt_err_setd(err, TT_EINVAL, LABEL_E_FIELD, "label_fields_expand", "{%s|%s}: '%s' %s",
                       key, filter, v, why);
}

/* Applies one filter to v into out. */
static int
apply_filter(const char *key, const char *filter, const char *v, char *out, size_t out_len,
             struct tt_err *err)
{
    int y, m, d;

    if (*v == '\0') {
        out[0] = '\0';
        return 0;
    }
    if (strcmp(filter, "yymmdd") == 0 || strcmp(filter, "dmy") == 0) {
        if (parse_date(v, &y, &m, &d) != 0)
            return bad_value(err, key, filter, v, "is not a date YYYY-MM-DD");
        if (filter[0] == 'y')
            snprintf(out, out_len, "%02d%02d%02d", y % 100, m, d);
        else
            snprintf(out, out_len, "%02d/%02d/%04d", d, m, y);
        return 0;
    }
    if (strcmp(filter, "upper") == 0) {
        snprintf(out, out_len, "%s", v);
        for (char *s = out; *s != '\0'; s++)
            *s = (char)toupper((unsigned char)*s);
        return 0;
    }
    if (strcmp(filter, "kg") == 0) {
        long long g = scaled_decimal(v, 3, 9);

        if (g < 0)
            return bad_value(err, key, filter, v, "is not a weight in kg with at most 3 decimals");
        snprintf(out, out_len, "%lld,%03lld", g / 1000, g % 1000);
        return 0;
    }
    if (strcmp(filter, "vnd") == 0) {
        long long p = scaled_decimal(v, 0, 15);
        char g[48];

        if (p < 0)
            return bad_value(err, key, filter, v, "is not a whole number of đồng");
        group_digits(p, '.', g, sizeof g);
        snprintf(out, out_len, "%s ₫", g);
        return 0;
    }
    if (strlen(filter) == 4 && isdigit((unsigned char)filter[3])) {
        int n = filter[3] - '0';
        int fixed = strncmp(filter, "392", 3) != 0; /* 310n/320n: N6; 392n: N..15 */
        long long x = scaled_decimal(v, n, fixed ? 6 : 15);

        if (x < 0)
            return bad_value(err, key, filter, v,
                             fixed ? "does not fit six digits with that many decimals"
                                   : "does not fit 15 digits with that many decimals");
        snprintf(out, out_len, fixed ? "%06lld" : "%lld", x);
        return 0;
    }
    return bad_value(err, key, filter, v, "unknown filter");
}

/* Fields computed from others when not given (see label.h). */
static const char *
derive(const struct label_fields *f, const char *key, char *buf, size_t buf_len)
{
    const char *gtin = label_fields_get(f, "gtin"), *lot = label_fields_get(f, "lot");

    if (strncmp(key, "vpc", 3) == 0 && gtin != NULL && lot != NULL) {
        const char *h = label_fields_get(f, "harvest");
        char yymmdd[16] = "", vpc[5];

        if (h != NULL && *h != '\0' &&
            apply_filter("harvest", "yymmdd", h, yymmdd, sizeof yymmdd, NULL) != 0)
            return NULL;
        if (gs1_vpc(gtin, lot, yymmdd, vpc, NULL) != 0)
            return NULL;
        if (strcmp(key, "vpc") == 0)
            snprintf(buf, buf_len, "%s", vpc);
        else if (strcmp(key, "vpc.hi") == 0)
            snprintf(buf, buf_len, "%.2s", vpc);
        else if (strcmp(key, "vpc.lo") == 0)
            snprintf(buf, buf_len, "%s", vpc + 2);
        else
            return NULL;
        return buf;
    }
    if (strcmp(key, "dl") == 0) {
        static const char *const keys[][2] = {
            {"00", "sscc"}, {"01", "gtin"}, {"10", "lot"}, {"21", "serial"}};
        const char *base = label_fields_get(f, "dl.base");
        struct gs1_msg msg;

        gs1_msg_init(&msg);
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const char *v = label_fields_get(f, keys[i][1]);

            if (v != NULL && *v != '\0' && gs1_msg_add(&msg, keys[i][0], v, NULL) != 0)
                return NULL;
        }
        if (gs1_dl_uri(&msg, base != NULL && *base != '\0' ? base : NULL, buf, buf_len, NULL) != 0)
            return NULL;
        return buf;
    }
    if (strcmp(key, "price") == 0) {
        const char *w = label_fields_get(f, "weight"), *pk = label_fields_get(f, "price.kg");
        long long g, per_kg;

        if (w == NULL || pk == NULL || (g = scaled_decimal(w, 3, 9)) < 0 ||
            (per_kg = scaled_decimal(pk, 0, 12)) < 0)
            return NULL;
        snprintf(buf, buf_len, "%lld", (g * per_kg + 500) / 1000); /* rounded to the đồng */
        return buf;
    }
    return NULL;
}

/* Expands one placeholder "{name|filter}" starting at s into val (borrowed or in piece). */
static int
expand_one(const struct label_fields *f, const char *s, const char *tmpl, const char **end_out,
           char *piece, size_t piece_len, const char **val_out, struct tt_err *err)
{
    char name[64], derived[300];
    const char *end = strchr(s, '}'), *val, *bar;
    size_t len = end != NULL ? (size_t)(end - s - 1) : 0;

    if (end == NULL || len == 0 || len >= sizeof name)
        return tt_err_setd(err, TT_EINVAL, LABEL_E_FIELD, "label_fields_expand",
                           "bad placeholder in '%s'", tmpl);
    memcpy(name, s + 1, len);
    name[len] = '\0';
    bar = strchr(name, '|');
    if (bar != NULL)
        name[bar - name] = '\0';
    val = label_fields_get(f, name);
    if (val == NULL)
        val = derive(f, name, derived, sizeof derived);
    if (val == NULL)
        val = "";
    if (bar != NULL) {
        int rc = apply_filter(name, name + (bar - name) + 1, val, piece, piece_len, err);

        if (rc != 0)
            return rc;
        val = piece;
    } else if (val == derived) {
        snprintf(piece, piece_len, "%s", derived);
        val = piece;
    }
    *end_out = end + 1;
    *val_out = val;
    return 0;
}

/*
 * Text in [brackets] is an optional part: it is left out, brackets and all,
 * when a placeholder inside it expands to nothing ("Lô: {lot}[ · {place.name}]").
 */
int
label_fields_expand(const struct label_fields *f, const char *tmpl, char *out, size_t out_len,
                    struct tt_err *err)
{
    size_t o = 0, group = 0;
    int in_group = 0, group_empty = 0;

    for (const char *s = tmpl; *s != '\0';) {
        char piece[512];
        const char *val = NULL;
        size_t len;
        int rc;

        if (*s == '[' && !in_group) {
            in_group = 1;
            group_empty = 0;
            group = o;
            s++;
            continue;
        }
        if (*s == ']' && in_group) {
            if (group_empty)
                o = group; /* drop the whole optional part */
            in_group = 0;
            s++;
            continue;
        }
        if (*s != '{') {
            if (o + 1 >= out_len)
                return tt_err_set(err, TT_ENOMEM, __func__, "expanded text too long");
            out[o++] = *s++;
            continue;
        }
        rc = expand_one(f, s, tmpl, &s, piece, sizeof piece, &val, err);
        if (rc != 0)
            return rc;
        len = strlen(val);
        group_empty |= len == 0;
        if (o + len >= out_len)
            return tt_err_set(err, TT_ENOMEM, __func__, "expanded text too long");
        memcpy(out + o, val, len);
        o += len;
    }
    if (in_group)
        return tt_err_setd(err, TT_EINVAL, LABEL_E_FIELD, __func__, "'[' without ']' in '%s'",
                           tmpl);
    if (o >= out_len)
        return tt_err_set(err, TT_ENOMEM, __func__, "expanded text too long");
    out[o] = '\0';
    return 0;
}

/* "YYMMDD" (GS1 date, century by the GS1 sliding window around 2000-2050) to YYYY-MM-DD. */
static void
gs1_date(const char *v, char out[11])
{
    int yy = (v[0] - '0') * 10 + (v[1] - '0');
    int mm = (v[2] - '0') * 10 + (v[3] - '0');
    int dd = (v[4] - '0') * 10 + (v[5] - '0');
    int y = yy >= 51 ? 1900 + yy : 2000 + yy;

    if (mm >= 1 && mm <= 12 && dd == 0)
        dd = month_days(y, mm); /* GS1: day 00 means the end of the month */
    char tmp[40];

    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, mm, dd);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

/* A 310n/392n value with n decimals to "1.25"-style text (digits only, no float). */
static void
decimal_text(const char *v, int n, char *out, size_t out_len)
{
    size_t len = strlen(v), i = 0, o = 0, int_len = len > (size_t)n ? len - (size_t)n : 0;

    while (i + 1 < int_len && v[i] == '0')
        i++; /* leading zeros of the whole part */
    if (int_len == 0 && o + 1 < out_len)
        out[o++] = '0';
    for (; i < int_len && o + 1 < out_len; i++)
        out[o++] = v[i];
    if (n > 0 && o + 1 < out_len)
        out[o++] = '.';
    for (int k = 0; k < n && o + 1 < out_len; k++) {
        size_t idx = len >= (size_t)(n - k) ? len - (size_t)(n - k) : (size_t)-1;

        out[o++] = idx == (size_t)-1 ? '0' : v[idx];
    }
    out[o] = '\0';
}

int
label_fields_from_gs1(struct label_fields *f, const struct gs1_msg *msg, struct tt_err *err)
{
    int rc = 0;

    for (size_t i = 0; i < msg->n && rc == 0; i++) {
        const char *ai = msg->el[i].ai, *v = msg->el[i].value;
        char buf[64];

        if (strcmp(ai, "01") == 0 || strcmp(ai, "02") == 0)
            rc = label_fields_set(f, "gtin", v, err);
        else if (strcmp(ai, "10") == 0)
            rc = label_fields_set(f, "lot", v, err);
        else if (strcmp(ai, "21") == 0)
            rc = label_fields_set(f, "serial", v, err);
        else if (strcmp(ai, "00") == 0)
            rc = label_fields_set(f, "sscc", v, err);
        else if (strncmp(ai, "310", 3) == 0 && strlen(v) == 6) {
            decimal_text(v, ai[3] - '0', buf, sizeof buf);
            rc = label_fields_set(f, "weight", buf, err);
        } else if (strncmp(ai, "392", 3) == 0) {
            decimal_text(v, ai[3] - '0', buf, sizeof buf);
            rc = label_fields_set(f, "price", buf, err);
        } else if ((strcmp(ai, "13") == 0 || strcmp(ai, "11") == 0) && strlen(v) == 6) {
            gs1_date(v, buf);
            if (strcmp(ai, "13") == 0 || label_fields_get(f, "harvest") == NULL)
                rc = label_fields_set(f, "harvest", buf, err);
        } else if ((strcmp(ai, "17") == 0 || strcmp(ai, "15") == 0) && strlen(v) == 6) {
            gs1_date(v, buf);
            rc = label_fields_set(f, "expiry", buf, err);
        } else if (strcmp(ai, "37") == 0) {
            rc = label_fields_set(f, "count", v, err);
        }
    }
    return rc;
}
