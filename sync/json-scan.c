/*
 * json-scan.c — strict JSON validation without building a tree
 * (json-scan.h). Recursive descent over RFC 8259 with a depth limit;
 * duplicate keys are found by comparing each key with the earlier keys of
 * the same object (objects are small: at most 128 keys).
 */
#include "json-scan.h"

#include <string.h>

#define MAX_DEPTH 64
#define MAX_KEYS  128

struct scan {
    const unsigned char *p, *end;
    const char *why;
    int depth;
};

static int
fail(struct scan *s, const char *why)
{
    if (s->why == NULL)
        s->why = why;
    return -1;
}

static void
skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int
hex4(const unsigned char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int c = p[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One UTF-8 sequence starting at a byte ≥ 0x80 (RFC 3629: no overlongs, no surrogates). */
static int
utf8_seq(struct scan *s)
{
    const unsigned char *p = s->p;
    size_t left = (size_t)(s->end - p);
    unsigned c = p[0];
    int n;
    unsigned min, cp;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000, cp = c & 0x07;
    else
        return fail(s, "invalid UTF-8");
    if (left < (size_t)n)
        return fail(s, "invalid UTF-8");
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return fail(s, "invalid UTF-8");
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return fail(s, "invalid UTF-8");
    s->p += n;
    return 0;
}

/* A string; s->p at the opening quote. Sets content start/length and escape flag. */
static int
scan_string(struct scan *s, const char **out, size_t *out_len, int *esc)
{
    const unsigned char *start = ++s->p;

    *esc = 0;
    while (s->p < s->end) {
        unsigned c = *s->p;

        if (c == '"') {
            *out = (const char *)start;
            *out_len = (size_t)(s->p - start);
            s->p++;
            return 0;
        }
        if (c < 0x20)
            return fail(s, "control character in a string");
        if (c == '\\') {
            *esc = 1;
            if (s->end - s->p < 2)
                break;
            c = s->p[1];
            if (c == 'u') {
                int v;

                if (s->end - s->p < 6 || (v = hex4(s->p + 2)) < 0)
                    return fail(s, "bad \\u escape");
                s->p += 6;
                continue;
            }
            if (strchr("\"\\/bfnrt", (int)c) == NULL || c == 0)
                return fail(s, "bad escape in a string");
            s->p += 2;
            continue;
        }
        if (c >= 0x80) {
            if (utf8_seq(s) != 0)
                return -1;
            continue;
        }
        s->p++;
    }
    return fail(s, "unterminated string");
}

static int
scan_number(struct scan *s)
{
    const unsigned char *p = s->p;

    if (p < s->end && *p == '-')
        p++;
    if (p >= s->end)
        return fail(s, "bad number");
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < s->end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return fail(s, "bad number");
    }
    if (p < s->end && *p == '.') {
        const unsigned char *d = ++p;

        while (p < s->end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return fail(s, "bad number");
    }
    if (p < s->end && (*p == 'e' || *p == 'E')) {
        const unsigned char *d;

        p++;
        if (p < s->end && (*p == '+' || *p == '-'))
            p++;
        d = p;
        while (p < s->end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return fail(s, "bad number");
    }
    s->p = p;
    return 0;
}

static int scan_value(struct scan *s, struct jscan_member *m,
                      int (*cb)(void *, const struct jscan_member *), void *ctx, int top);

static int
literal(struct scan *s, const char *word, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, "unexpected character");
    s->p += n;
    return 0;
}

/* An object; at top level, reports each member to cb. */
static int
scan_object(struct scan *s, struct jscan_member *self,
            int (*cb)(void *, const struct jscan_member *), void *ctx, int top)
{
    const char *keys[MAX_KEYS];
    size_t key_lens[MAX_KEYS], n = 0;

    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        self->n_items = 0;
        return 0;
    }
    for (;;) {
        struct jscan_member m = {0};
        int rc;

        skip_ws(s);
        if (s->p >= s->end || *s->p != '"')
            return fail(s, "expected a key");
        if (scan_string(s, &m.key, &m.key_len, &m.has_escape) != 0)
            return -1;
        if (n == MAX_KEYS)
            return fail(s, "too many keys in an object");
        for (size_t i = 0; i < n; i++)
            if (key_lens[i] == m.key_len && memcmp(keys[i], m.key, m.key_len) == 0)
                return fail(s, "duplicate key");
        keys[n] = m.key;
        key_lens[n++] = m.key_len;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return fail(s, "expected ':'");
        s->p++;
        skip_ws(s);
        if ((rc = scan_value(s, &m, cb, ctx, 0)) != 0)
            return rc;
        if (top && cb != NULL && (rc = cb(ctx, &m)) != 0)
            return rc;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            self->n_items = n;
            return 0;
        }
        return fail(s, "expected ',' or '}'");
    }
}

static int
scan_array(struct scan *s, struct jscan_member *self)
{
    size_t n = 0;

    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        self->n_items = 0;
        return 0;
    }
    for (;;) {
        struct jscan_member m = {0};
        int rc;

        skip_ws(s);
        if ((rc = scan_value(s, &m, NULL, NULL, 0)) != 0)
            return rc;
        n++;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            self->n_items = n;
            return 0;
        }
        return fail(s, "expected ',' or ']'");
    }
}

static int
scan_value(struct scan *s, struct jscan_member *m, int (*cb)(void *, const struct jscan_member *),
           void *ctx, int top)
{
    const unsigned char *start = s->p;
    int rc;

    if (s->p >= s->end)
        return fail(s, "unexpected end");
    if (++s->depth > MAX_DEPTH)
        return fail(s, "nested too deeply");
    switch (*s->p) {
    case '{':
        m->type = JS_OBJECT;
        rc = scan_object(s, m, cb, ctx, top);
        break;
    case '[':
        m->type = JS_ARRAY;
        rc = scan_array(s, m);
        break;
    case '"':
        m->type = JS_STRING;
        rc = scan_string(s, &m->val, &m->val_len, &m->has_escape);
        s->depth--;
        return rc;
    case 't':
        m->type = JS_TRUE;
        rc = literal(s, "true", 4);
        break;
    case 'f':
        m->type = JS_FALSE;
        rc = literal(s, "false", 5);
        break;
    case 'n':
        m->type = JS_NULL;
        rc = literal(s, "null", 4);
        break;
    default:
        m->type = JS_NUMBER;
        rc = scan_number(s);
        break;
    }
    s->depth--;
    m->val = (const char *)start;
    m->val_len = (size_t)(s->p - start);
    return rc;
}

int
jscan_object(const char *json, size_t len, int (*cb)(void *ctx, const struct jscan_member *m),
             void *ctx, const char **why)
{
    struct scan s = {(const unsigned char *)json, (const unsigned char *)json + len, NULL, 0};
    struct jscan_member top = {0};
    int rc;

    skip_ws(&s);
    rc = scan_value(&s, &top, cb, ctx, 1);
    if (rc == 0) {
        skip_ws(&s);
        if (s.p != s.end)
            rc = fail(&s, "data after the JSON value");
    }
    if (why != NULL)
        *why = s.why;
    if (rc != 0)
        return rc;
    return top.type == JS_OBJECT ? 0 : 1;
}
