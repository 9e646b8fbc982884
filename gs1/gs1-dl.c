/*
 * gs1-dl.c — GS1 Digital Link URIs (reference/gs1.md §3.4): parsing any
 * host and stem, the rightmost primary key with its qualifiers in a valid
 * order, query attributes, percent-encoding; and generating the URI of a
 * message. Decisions where implementations differ: doc/gs1-decisions.md.
 */
#include <string.h>

#include "gs1-int.h"

#define DL_SEGMENTS_MAX 128
#define DL_ALTS_MAX     4
#define DL_QUALS_MAX    4

/* A key's qualifier paths: "22,10,21|235" -> {{22,10,21},{235}}. */
struct dl_paths {
    int n;
    int len[DL_ALTS_MAX];
    char q[DL_ALTS_MAX][DL_QUALS_MAX][GS1_AI_LEN_MAX + 1];
};

static void
dl_paths_of(const char *spec, struct dl_paths *p)
{
    memset(p, 0, sizeof *p);
    if (spec == NULL || *spec == '\0')
        return;
    p->n = 1;
    while (*spec != '\0') {
        size_t n = strcspn(spec, ",|");

        if (n <= GS1_AI_LEN_MAX && p->len[p->n - 1] < DL_QUALS_MAX) {
            memcpy(p->q[p->n - 1][p->len[p->n - 1]], spec, n);
            p->len[p->n - 1]++;
        }
        spec += n;
        if (*spec == '|' && p->n < DL_ALTS_MAX)
            p->n++;
        if (*spec != '\0')
            spec++;
    }
}

/* Index of ai in alternative a, or -1. */
static int
dl_path_index(const struct dl_paths *p, int a, const char *ai)
{
    for (int k = 0; k < p->len[a]; k++)
        if (strcmp(p->q[a][k], ai) == 0)
            return k;
    return -1;
}

static int
dl_is_qualifier(const struct dl_paths *p, const char *ai)
{
    for (int a = 0; a < p->n; a++)
        if (dl_path_index(p, a, ai) >= 0)
            return 1;
    return 0;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int
gs1_pct_decode(const char *src, size_t len, char *out, size_t out_len, int plus_is_space)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        char c = src[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= len)
                return -1;
            hi = hexval(src[i + 1]);
            lo = hexval(src[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (n >= out_len)
            return -2;
        out[n++] = c;
    }
    return (int)n;
}

static int
all_digits(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Decodes one value and appends (def, value) to msg. */
static int
dl_add(struct gs1_msg *msg, size_t *vpos, const struct gs1_ai_def *def, const char *s, size_t len,
       size_t pos, int query, struct tt_err *err)
{
    char v[GS1_VALUE_LEN_MAX + 1];
    int n = gs1_pct_decode(s, len, v, GS1_VALUE_LEN_MAX, query);
    struct gs1_element *el;

    if (n == -1)
        return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, def->info.ai, pos,
                        "bad percent-encoding ('%%' must be followed by two hex digits)");
    if (n < 0 || (size_t)n > def->max_len)
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_LONG, def->info.ai, pos,
                        "value longer than %u characters", def->max_len);
    if (n == 0)
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_SHORT, def->info.ai, pos,
                        "the AI has no value");
    if (memchr(v, '\0', (size_t)n) != NULL)
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_BAD_CHAR, def->info.ai, pos,
                        "a NUL byte in the value");
    /* Zero-suppressed GTIN-8/12/13 in the path: accepted, written as 14 digits. */
    if (strcmp(def->info.ai, "01") == 0 && (n == 8 || n == 12 || n == 13) &&
        all_digits(v, (size_t)n)) {
        memmove(v + 14 - n, v, (size_t)n);
        memset(v, '0', (size_t)(14 - n));
        n = 14;
    }
    if (msg->n >= GS1_ELEMENTS_MAX)
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_MANY, def->info.ai, pos,
                        "more than %d elements", GS1_ELEMENTS_MAX);
    vpos[msg->n] = pos;
    el = &msg->el[msg->n++];
    strcpy(el->ai, def->info.ai);
    memcpy(el->value, v, (size_t)n);
    el->value[n] = '\0';
    return 0;
}

struct dl_seg {
    size_t off, len;
};

/* "http://" or "https://", all lower or all upper case; returns the authority's offset. */
static size_t
dl_scheme(const char *s, size_t len)
{
    if (len >= 8 && (memcmp(s, "https://", 8) == 0 || memcmp(s, "HTTPS://", 8) == 0))
        return 8;
    if (len >= 7 && (memcmp(s, "http://", 7) == 0 || memcmp(s, "HTTP://", 7) == 0))
        return 7;
    return 0;
}

/* Splits the path into segments; fails on empty segments or a trailing '/'. */
static int
dl_split(const char *s, size_t from, size_t end, size_t base, struct dl_seg *seg, size_t *n_seg,
         struct gs1_msg *msg, struct tt_err *err)
{
    size_t i = from;

    *n_seg = 0;
    while (i < end) {
        size_t start = ++i; /* skip '/' */

        while (i < end && s[i] != '/')
            i++;
        if (i == start)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base + start,
                            "empty path segment or trailing '/'");
        if (*n_seg >= DL_SEGMENTS_MAX)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base + start,
                            "too many path segments");
        seg[*n_seg].off = start;
        seg[(*n_seg)++].len = i - start;
    }
    return 0;
}

/* The path qualifiers after the key at segment k: valid AIs in one path's order. */
static int
dl_qualifiers(const char *s, const struct dl_seg *seg, size_t n_seg, size_t k, size_t base,
              const struct gs1_ai_def *key, struct gs1_msg *msg, size_t *vpos, struct tt_err *err)
{
    struct dl_paths p;
    int alive[DL_ALTS_MAX], last[DL_ALTS_MAX];

    dl_paths_of(key->dlpkey, &p);
    for (int a = 0; a < DL_ALTS_MAX; a++) {
        alive[a] = a < p.n;
        last[a] = -1;
    }
    for (size_t i = k + 2; i + 1 < n_seg; i += 2) {
        const struct gs1_ai_def *q =
            all_digits(s + seg[i].off, seg[i].len) ? gs1_ai_find(s + seg[i].off, seg[i].len) : NULL;
        int any = 0, rc;

        if (q == NULL)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base + seg[i].off,
                            "'%.*s' is not an AI; after the primary key only qualifier AIs "
                            "may follow in the path",
                            (int)(seg[i].len > 8 ? 8 : seg[i].len), s + seg[i].off);
        for (int a = 0; a < p.n; a++) {
            int idx = alive[a] ? dl_path_index(&p, a, q->info.ai) : -1;

            alive[a] = idx > last[a];
            if (alive[a]) {
                last[a] = idx;
                any = 1;
            }
        }
        if (!any)
            return gs1_fail(msg, err, TT_EINVAL, GS1_E_DL_ORDER, q->info.ai, base + seg[i].off,
                            "not a qualifier of key (%s) here; allowed paths: %s", key->info.ai,
                            key->dlpkey[0] != '\0' ? key->dlpkey : "none");
        rc =
            dl_add(msg, vpos, q, s + seg[i + 1].off, seg[i + 1].len, base + seg[i + 1].off, 0, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Query "k=v&…": numeric keys must be DL attribute AIs; other keys are ignored. */
static int
dl_query(const char *s, size_t from, size_t end, size_t base, const struct gs1_ai_def *key,
         struct gs1_msg *msg, size_t *vpos, struct tt_err *err)
{
    struct dl_paths p;

    dl_paths_of(key->dlpkey, &p);
    for (size_t i = from; i < end;) {
        size_t plen = 0, klen, start = i;
        const struct gs1_ai_def *def;
        const char *eq;
        int rc;

        while (i + plen < end && s[i + plen] != '&')
            plen++;
        i += plen + 1;
        eq = memchr(s + start, '=', plen);
        klen = eq != NULL ? (size_t)(eq - (s + start)) : plen;
        if (eq == NULL || !all_digits(s + start, klen))
            continue; /* singletons and non-AI parameters (linkType=…) are not data */
        def = gs1_ai_find(s + start, klen);
        if (def == NULL)
            return gs1_fail(msg, err, TT_EINVAL, GS1_E_UNKNOWN_AI, "", base + start,
                            "query parameter '%.*s' is numeric but not an AI",
                            (int)(klen > 8 ? 8 : klen), s + start);
        if (!def->info.dl || dl_is_qualifier(&p, def->info.ai) ||
            strcmp(def->info.ai, key->info.ai) == 0)
            return gs1_fail(msg, err, TT_EINVAL, GS1_E_DL_ATTRIBUTE, def->info.ai, base + start,
                            "not allowed as a Digital Link query attribute%s",
                            dl_is_qualifier(&p, def->info.ai) ? " (it belongs in the path)" : "");
        for (size_t j = 0; j < msg->n; j++)
            if (strcmp(msg->el[j].ai, def->info.ai) == 0)
                return gs1_fail(msg, err, TT_EINVAL, GS1_E_DUPLICATE, def->info.ai, base + start,
                                "given twice in the URI");
        rc = dl_add(msg, vpos, def, eq + 1, plen - klen - 1, base + start + klen + 1, 1, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int
gs1_dl_parse(const char *s, size_t len, size_t base, struct gs1_msg *msg, size_t *vpos,
             struct tt_err *err)
{
    struct dl_seg seg[DL_SEGMENTS_MAX];
    size_t auth = dl_scheme(s, len), path, qmark, end, n_seg, k = 0;
    const struct gs1_ai_def *key = NULL;
    const char *hash = memchr(s, '#', len);
    int rc;

    msg->form = GS1_FORM_DL;
    end = hash != NULL ? (size_t)(hash - s) : len;
    if (auth == 0)
        return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base,
                        "a Digital Link URI starts with http:// or https://");
    for (path = auth; path < end && s[path] != '/' && s[path] != '?'; path++)
        if (!gs1_cset82((unsigned char)s[path]) && s[path] != '~' && s[path] != '[' &&
            s[path] != ']' && s[path] != '@')
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base + path,
                            "character not allowed in the host name");
    if (path == auth)
        return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base + auth, "no host name");
    for (qmark = path; qmark < end && s[qmark] != '?'; qmark++)
        if ((unsigned char)s[qmark] <= ' ' || (unsigned char)s[qmark] >= 127)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_DL_SYNTAX, "", base + qmark,
                            "character not allowed in a URI path");
    rc = dl_split(s, path, qmark, base, seg, &n_seg, msg, err);
    if (rc != 0)
        return rc;
    /* The rightmost primary key with an even number of segments from it wins. */
    for (size_t j = n_seg; key == NULL && j >= 2; j -= 2) {
        const struct gs1_ai_def *def = all_digits(s + seg[j - 2].off, seg[j - 2].len)
                                           ? gs1_ai_find(s + seg[j - 2].off, seg[j - 2].len)
                                           : NULL;

        if (def != NULL && def->dlpkey != NULL) {
            key = def;
            k = j - 2;
        }
    }
    if (key == NULL)
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_DL_NO_KEY, "", base + path,
                        "no GS1 primary key (such as /01/ followed by a GTIN) in the path");
    rc = dl_add(msg, vpos, key, s + seg[k + 1].off, seg[k + 1].len, base + seg[k + 1].off, 0, err);
    if (rc == 0)
        rc = dl_qualifiers(s, seg, n_seg, k, base, key, msg, vpos, err);
    if (rc == 0 && qmark < end)
        rc = dl_query(s, qmark + 1, end, base, key, msg, vpos, err);
    return rc;
}

/* Bounded output: every write checks room; `over` records truncation. */
struct out_buf {
    char *p;
    size_t len, n;
    int over;
};

static void
put(struct out_buf *o, const char *s, size_t len)
{
    if (o->over || o->n + len >= o->len) {
        o->over = 1;
        return;
    }
    memcpy(o->p + o->n, s, len);
    o->n += len;
    o->p[o->n] = '\0';
}

/* RFC 3986 unreserved characters pass; everything else is %XX. */
static void
put_pct(struct out_buf *o, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *v != '\0'; v++) {
        unsigned char c = (unsigned char)*v;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            put(o, v, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};

            put(o, e, 3);
        }
    }
}

/* Which qualifier path to use: the one holding most of the qualifiers present. */
static int
dl_pick_path(const struct gs1_msg *msg, const struct dl_paths *p, size_t key_i, const char **bad)
{
    int best = 0, best_n = -1;

    *bad = NULL;
    for (int a = 0; a < p->n; a++) {
        int n = 0;

        for (size_t i = 0; i < msg->n; i++)
            if (i != key_i && dl_path_index(p, a, msg->el[i].ai) >= 0)
                n++;
        if (n > best_n) {
            best_n = n;
            best = a;
        }
    }
    for (size_t i = 0; i < msg->n; i++)
        if (i != key_i && dl_is_qualifier(p, msg->el[i].ai) &&
            dl_path_index(p, best, msg->el[i].ai) < 0)
            *bad = msg->el[i].ai;
    return best;
}

static int
dl_key_index(const struct gs1_msg *msg, size_t *key_i)
{
    for (size_t i = 0; i < msg->n; i++) {
        const struct gs1_ai_def *def = gs1_ai_find(msg->el[i].ai, strlen(msg->el[i].ai));

        if (def != NULL && def->dlpkey != NULL) {
            *key_i = i;
            return 0;
        }
    }
    return -1;
}

int
gs1_dl_uri(const struct gs1_msg *msg, const char *base, char *out, size_t out_len,
           struct tt_err *err)
{
    struct out_buf o = {out, out_len, 0, 0};
    struct dl_paths p;
    const struct gs1_ai_def *key;
    const char *bad, *sep = "?";
    size_t key_i, blen;
    int alt, rc;

    if (out == NULL || out_len == 0 || msg == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no message or buffer");
    out[0] = '\0';
    rc = gs1_validate(msg, err);
    if (rc != 0)
        return rc;
    if (dl_key_index(msg, &key_i) != 0)
        return tt_err_setd(err, TT_EINVAL, GS1_E_DL_NO_KEY, __func__,
                           "no Digital Link primary key (such as a GTIN (01) or SSCC (00))");
    key = gs1_ai_find(msg->el[key_i].ai, strlen(msg->el[key_i].ai));
    dl_paths_of(key->dlpkey, &p);
    alt = dl_pick_path(msg, &p, key_i, &bad);
    if (bad != NULL)
        return tt_err_setd(err, TT_EINVAL, GS1_E_DL_ORDER, __func__,
                           "AI (%s) cannot be a qualifier of (%s) together with the others", bad,
                           key->info.ai);
    base = base != NULL && *base != '\0' ? base : "https://id.gs1.org";
    blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    put(&o, base, blen);
    put(&o, "/", 1);
    put(&o, key->info.ai, strlen(key->info.ai));
    put(&o, "/", 1);
    put_pct(&o, msg->el[key_i].value);
    for (int k = 0; p.n > 0 && k < p.len[alt]; k++) {
        const char *v = gs1_msg_get(msg, p.q[alt][k]);

        if (v == NULL)
            continue;
        put(&o, "/", 1);
        put(&o, p.q[alt][k], strlen(p.q[alt][k]));
        put(&o, "/", 1);
        put_pct(&o, v);
    }
    for (size_t i = 0; i < msg->n; i++) {
        const struct gs1_element *el = &msg->el[i];
        const struct gs1_ai_def *def = gs1_ai_find(el->ai, strlen(el->ai));

        if (strcmp(el->ai, msg->el[key_i].ai) == 0 ||
            (p.n > 0 && dl_path_index(&p, alt, el->ai) >= 0) ||
            gs1_msg_get(msg, el->ai) != el->value)
            continue; /* in the path, or a repeat with the same value */
        if (def == NULL || !def->info.dl)
            return tt_err_setd(err, TT_EINVAL, GS1_E_DL_ATTRIBUTE, __func__,
                               "AI (%s) is not allowed in a Digital Link URI", el->ai);
        put(&o, sep, 1);
        sep = "&";
        put(&o, el->ai, strlen(el->ai));
        put(&o, "=", 1);
        put_pct(&o, el->value);
    }
    if (o.over) {
        out[0] = '\0';
        return tt_err_setd(err, TT_ENOMEM, GS1_E_NONE, __func__,
                           "the output buffer of %zu bytes is too small for the URI", out_len);
    }
    return 0;
}

const char *
gs1_dl_key_paths(const char *ai)
{
    const struct gs1_ai_def *def = ai != NULL ? gs1_ai_find(ai, strlen(ai)) : NULL;

    return def != NULL ? def->dlpkey : NULL;
}
