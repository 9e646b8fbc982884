/*
 * epcis-hash.c — the CBV 2.0 "EPCIS Event Hash ID" (reference/gs1.md §5.3):
 * a canonical pre-hash string built from one JSON-LD event, hashed with
 * SHA-256 and written as ni:///sha-256;<hex>?ver=CBV2.0.
 *
 * The pre-hash string takes the fields in the canonical order, writes
 * key=value pairs without separators, sorts list members and extension
 * substrings by byte order, expands bare CBV words and CURIEs to their web
 * URIs, converts EPC URNs to canonical GS1 Digital Link URIs and reduces DL
 * URIs to id.gs1.org with only the finest key level, and writes times in
 * UTC with three fractional digits (rounded half up). Extension and ILMD
 * keys become {namespace}localName using the event's @context.
 *
 * Not supported (refused with TT_EINVAL rather than hashed wrongly):
 * sensorElementList, which the station never writes.
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "db-internal.h"

/* A growable string; `oom` sticks once an allocation failed. */
struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

static void
sb_addn(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;

        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void
sb_add(struct sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

/* A list of owned strings, sorted and joined at the end. */
struct slist {
    char **v;
    size_t n, cap;
    int oom;
};

static void
sl_push(struct slist *l, struct sbuf *b)
{
    if (b->oom || l->oom) {
        l->oom = 1;
        free(b->p);
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);

        if (v == NULL) {
            l->oom = 1;
            free(b->p);
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = b->p != NULL ? b->p : calloc(1, 1);
    if (l->v[l->n - 1] == NULL)
        l->oom = 1;
}

static int
cmp_bytes(const void *a, const void *b)
{
    /* strcmp compares as unsigned char: UTF-8 byte order, as the rules ask. */
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts, appends every member to `out`, frees the list. */
static void
sl_flush(struct slist *l, struct sbuf *out)
{
    if (l->oom)
        out->oom = 1;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_bytes);
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i] != NULL)
            sb_add(out, l->v[i]);
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- values ------------------------------------------------------------------ */

/* Trims leading and trailing white space into b. */
static void
sb_add_trimmed(struct sbuf *b, const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    sb_addn(b, s, n);
}

/* Numbers without trailing zeros: the shortest text that reads back the same. */
static void
sb_add_number(struct sbuf *b, json_t *v)
{
    char t[64];

    if (json_is_integer(v)) {
        snprintf(t, sizeof t, "%lld", (long long)json_integer_value(v));
    } else {
        double d = json_real_value(v);
        char *end;

        /* Plain decimal notation, the fewest digits that read back the same. */
        for (int prec = 0; prec <= 17; prec++) {
            snprintf(t, sizeof t, "%.*f", prec, d);
            if (strtod(t, NULL) == d)
                break;
        }
        end = t + strlen(t);
        if (strchr(t, '.') != NULL) {
            while (end > t && end[-1] == '0')
                *--end = '\0';
            if (end > t && end[-1] == '.')
                *--end = '\0';
        }
    }
    sb_add(b, t);
}

static int
digits_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

/* Appends `digits` (n of them) and their mod-10 check digit. */
static int
add_with_check(struct sbuf *b, const char *digits, size_t n)
{
    int c = gs1_check_digit(digits, n);
    char d = (char)('0' + c);

    if (c < 0)
        return -1;
    sb_addn(b, digits, n);
    sb_addn(b, &d, 1);
    return 0;
}

/*
 * EPC URN -> canonical Digital Link (TDS 2.x): the indicator / extension
 * digit moves in front of the company prefix, a check digit is added.
 * Returns 0 when converted.
 */
static int
urn_to_dl(const char *urn, struct sbuf *b)
{
    static const struct {
        const char *prefix, *ai, *qual;
        int parts, lead_digit;
    } kinds[] = {
        {"urn:epc:id:sgtin:", "01", "21", 3, 1},    {"urn:epc:class:lgtin:", "01", "10", 3, 1},
        {"urn:epc:idpat:sgtin:", "01", NULL, 3, 1}, {"urn:epc:id:sscc:", "00", NULL, 2, 1},
        {"urn:epc:id:sgln:", "414", "254", 3, 0},   {"urn:epc:id:pgln:", "417", NULL, 2, 0},
        {"urn:epc:id:gdti:", "253", "", 3, 0},      {"urn:epc:id:grai:", "8003", "", 3, 2},
    };
    char key[32];

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t pl = strlen(kinds[k].prefix), cpl, rl;
        const char *cp, *ref, *rest = NULL, *dot1, *dot2 = NULL;
        size_t n = 0;

        if (strncmp(urn, kinds[k].prefix, pl) != 0)
            continue;
        cp = urn + pl;
        dot1 = strchr(cp, '.');
        if (dot1 == NULL)
            return -1;
        ref = dot1 + 1;
        if (kinds[k].parts == 3) {
            dot2 = strchr(ref, '.');
            if (dot2 == NULL)
                return -1;
            rest = dot2 + 1;
        }
        cpl = (size_t)(dot1 - cp);
        rl = dot2 != NULL ? (size_t)(dot2 - ref) : strlen(ref);
        if (!digits_only(cp, cpl) || !digits_only(ref, rl) || cpl + rl >= sizeof key - 2)
            return -1;
        if (kinds[k].lead_digit == 2)
            key[n++] = '0'; /* GRAI: a leading zero before the company prefix */
        if (kinds[k].lead_digit == 1) {
            key[n++] = ref[0];
            memcpy(key + n, cp, cpl);
            n += cpl;
            memcpy(key + n, ref + 1, rl - 1);
            n += rl - 1;
        } else {
            memcpy(key + n, cp, cpl);
            n += cpl;
            memcpy(key + n, ref, rl);
            n += rl;
        }
        sb_add(b, "https://id.gs1.org/");
        sb_add(b, kinds[k].ai);
        sb_add(b, "/");
        if (add_with_check(b, key, n) != 0)
            return -1;
        if (kinds[k].qual != NULL && kinds[k].qual[0] == '\0') {
            sb_add(b, rest); /* GDTI / GRAI: serial follows the key directly */
        } else if (kinds[k].qual != NULL && rest != NULL && strcmp(rest, "*") != 0 &&
                   !(strcmp(kinds[k].ai, "414") == 0 && strcmp(rest, "0") == 0)) {
            sb_add(b, "/");
            sb_add(b, kinds[k].qual);
            sb_add(b, "/");
            sb_add(b, rest);
        }
        return 0;
    }
    return -1;
}

static int
is_primary_key(const char *s, size_t n)
{
    static const char *const keys[] = {"00",  "01",   "253",  "255",  "401",  "402",  "414",
                                       "417", "8003", "8004", "8006", "8010", "8017", "8018"};

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i]) == n && memcmp(keys[i], s, n) == 0)
            return 1;
    return 0;
}

/* Which qualifier (if any) survives for a key: the finest identification level. */
static const char *const *
kept_qualifiers(const char *key)
{
    static const char *const q01[] = {"21", "10", "235", NULL};
    static const char *const q414[] = {"254", NULL};
    static const char *const q8006[] = {"21", "10", NULL};
    static const char *const q8010[] = {"8011", NULL};
    static const char *const none[] = {NULL};

    if (strcmp(key, "01") == 0)
        return q01;
    if (strcmp(key, "414") == 0)
        return q414;
    if (strcmp(key, "8006") == 0)
        return q8006;
    if (strcmp(key, "8010") == 0)
        return q8010;
    return none;
}

#define DL_SEGS 32

/* A GS1 Digital Link URI on any domain -> constrained canonical form. 0 when converted. */
static int
dl_canonical(const char *uri, struct sbuf *b)
{
    const char *p = strstr(uri, "://"), *seg[DL_SEGS];
    size_t len[DL_SEGS], n = 0, end, key = DL_SEGS;
    char keyname[8];

    if (p == NULL || (strncmp(uri, "http", 4) != 0 && strncmp(uri, "HTTP", 4) != 0))
        return -1;
    p = strchr(p + 3, '/');
    if (p == NULL)
        return -1;
    end = strcspn(p, "?#");
    for (size_t i = 0; i < end && n < DL_SEGS;) {
        size_t l;

        i++; /* the slash */
        l = strcspn(p + i, "/?#");
        if (i + l > end)
            l = end - i;
        seg[n] = p + i;
        len[n++] = l;
        i += l;
    }
    if (n < 2 || n == DL_SEGS)
        return -1;
    /* Pairs aligned from the end; the rightmost primary key wins. */
    for (size_t i = n % 2; i + 1 < n; i += 2)
        if (is_primary_key(seg[i], len[i]))
            key = i;
    if (key == DL_SEGS || len[key] >= sizeof keyname)
        return -1;
    memcpy(keyname, seg[key], len[key]);
    keyname[len[key]] = '\0';
    sb_add(b, "https://id.gs1.org/");
    sb_add(b, keyname);
    sb_add(b, "/");
    if (strcmp(keyname, "01") == 0 && len[key + 1] < 14 && digits_only(seg[key + 1], len[key + 1]))
        sb_addn(b, "00000000000000", 14 - len[key + 1]);
    sb_addn(b, seg[key + 1], len[key + 1]);
    for (const char *const *q = kept_qualifiers(keyname); *q != NULL; q++) {
        for (size_t i = key + 2; i + 1 < n; i += 2) {
            if (strlen(*q) == len[i] && memcmp(*q, seg[i], len[i]) == 0) {
                sb_add(b, "/");
                sb_add(b, *q);
                sb_add(b, "/");
                sb_addn(b, seg[i + 1], len[i + 1]);
                return 0;
            }
        }
    }
    return 0;
}

/* An identifier value: EPC URN or DL to canonical DL, anything else trimmed. */
static void
sb_add_id(struct sbuf *b, const char *v)
{
    size_t mark = b->len;

    while (isspace((unsigned char)*v))
        v++;
    if (strncmp(v, "urn:epc:", 8) == 0 && urn_to_dl(v, b) == 0)
        return;
    b->len = mark;
    if (b->p != NULL)
        b->p[mark] = '\0';
    if (dl_canonical(v, b) == 0)
        return;
    b->len = mark;
    if (b->p != NULL)
        b->p[mark] = '\0';
    sb_add_trimmed(b, v);
}

/* A CBV vocabulary value: bare word, urn:epcglobal:cbv:… or CURIE -> web URI. */
static void
sb_add_vocab(struct sbuf *b, const char *v, const char *kind, const char *urn_part)
{
    char urn[64];

    while (isspace((unsigned char)*v))
        v++;
    snprintf(urn, sizeof urn, "urn:epcglobal:cbv:%s:", urn_part);
    if (strncmp(v, urn, strlen(urn)) == 0) {
        v += strlen(urn);
    } else if (strncmp(v, "cbv:", 4) == 0) {
        sb_add(b, "https://ref.gs1.org/cbv/");
        sb_add_trimmed(b, v + 4);
        return;
    } else if (strncmp(v, "gs1:", 4) == 0) {
        sb_add(b, "https://ref.gs1.org/voc/");
        sb_add_trimmed(b, v + 4);
        return;
    } else if (strchr(v, ':') != NULL) {
        sb_add_trimmed(b, v); /* already a URI (standard or private vocabulary) */
        return;
    }
    sb_add(b, "https://ref.gs1.org/cbv/");
    sb_add(b, kind);
    sb_add(b, "-");
    sb_add_trimmed(b, v);
}

/* ---- time ---------------------------------------------------------------------- */

/*
 * xsd:dateTime with offset -> ms since the epoch; fractions beyond ms are
 * rounded half up. Returns 0 on success.
 */
static int
parse_time(const char *s, int64_t *ms_out)
{
    int y, mo, d, h, mi, sec, n = 0;
    int64_t ms = 0, frac_ms = 0;
    const char *p;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
        return -1;
    p = s + 19;
    if (*p == '.') {
        int digits = 0;

        p++;
        while (isdigit((unsigned char)*p)) {
            if (digits < 3)
                frac_ms = frac_ms * 10 + (*p - '0');
            else if (digits == 3 && *p >= '5')
                frac_ms++;
            digits++;
            p++;
        }
        for (; digits < 3; digits++)
            frac_ms *= 10;
    }
    ms = (db_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) *
             1000 +
         frac_ms;
    if (*p == 'Z' && p[1] == '\0') {
        *ms_out = ms;
        return 0;
    }
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
        int64_t off = ((int64_t)oh * 60 + om) * 60000;

        *ms_out = *p == '+' ? ms - off : ms + off;
        return 0;
    }
    return -1;
}

static int
sb_add_utc(struct sbuf *b, const char *s)
{
    int64_t ms;
    char t[40];

    if (parse_time(s, &ms) != 0)
        return -1;
    db_format_time(ms, 0, t);
    memcpy(t + 23, "Z", 2); /* "+00:00" -> "Z" */
    sb_add(b, t);
    return 0;
}

/* ---- extensions ---------------------------------------------------------------- */

#define NS_MAX 16

struct ns_map {
    size_t n;
    const char *prefix[NS_MAX];
    const char *iri[NS_MAX];
};

static void
ns_add(struct ns_map *m, const char *prefix, const char *iri)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->prefix[i], prefix) == 0) {
            m->iri[i] = iri;
            return;
        }
    if (m->n < NS_MAX) {
        m->prefix[m->n] = prefix;
        m->iri[m->n++] = iri;
    }
}

static void
ns_from_context(struct ns_map *m, json_t *ctx)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_array(ctx)) {
        for (i = 0; i < json_array_size(ctx) && (v = json_array_get(ctx, i)) != NULL; i++)
            ns_from_context(m, v);
    } else if (json_is_object(ctx)) {
        for (void *it_ = json_object_iter(ctx);
             it_ != NULL && (k = json_object_iter_key(it_)) != NULL &&
             (v = json_object_iter_value(it_)) != NULL;
             it_ = json_object_iter_next(ctx, it_)) {
            if (json_is_string(v))
                ns_add(m, k, json_string_value(v));
        }
    }
}

/* "prefix:local" -> "{iri}local" when the prefix is known, else the key as it is. */
static void
sb_add_key(struct sbuf *b, const struct ns_map *m, const char *key)
{
    const char *colon = strchr(key, ':');

    if (colon != NULL) {
        for (size_t i = 0; i < m->n; i++) {
            if (strlen(m->prefix[i]) == (size_t)(colon - key) &&
                strncmp(key, m->prefix[i], (size_t)(colon - key)) == 0) {
                sb_add(b, "{");
                sb_add(b, m->iri[i]);
                sb_add(b, "}");
                sb_add(b, colon + 1);
                return;
            }
        }
    }
    sb_add(b, key);
}

static void ext_collect(struct slist *out, const struct ns_map *m, const char *key, json_t *v);

/* One extension element: key=value, or key + its sorted children. */
static void
ext_object(struct slist *out, const struct ns_map *m, const char *key, json_t *v)
{
    struct sbuf b = {0};
    struct slist kids = {0};
    json_t *text = json_object_get(v, "#text");
    const char *k;
    json_t *c;

    sb_add_key(&b, m, key);
    if (json_is_string(text)) {
        sb_add(&b, "=");
        sb_add_id(&b, json_string_value(text));
        sl_push(out, &b);
        return;
    }
    for (void *it_ = json_object_iter(v); it_ != NULL && (k = json_object_iter_key(it_)) != NULL &&
                                          (c = json_object_iter_value(it_)) != NULL;
         it_ = json_object_iter_next(v, it_)) {
        if (k[0] != '@' && k[0] != '#')
            ext_collect(&kids, m, k, c);
    }
    sl_flush(&kids, &b);
    sl_push(out, &b);
}

static void
ext_collect(struct slist *out, const struct ns_map *m, const char *key, json_t *v)
{
    struct sbuf b = {0};
    size_t i;
    json_t *el;

    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v) && (el = json_array_get(v, i)) != NULL; i++)
            ext_collect(out, m, key, el);
        return;
    }
    if (json_is_object(v)) {
        ext_object(out, m, key, v);
        return;
    }
    sb_add_key(&b, m, key);
    if (json_is_string(v)) {
        sb_add(&b, "=");
        sb_add_id(&b, json_string_value(v));
    } else if (json_is_number(v)) {
        sb_add(&b, "=");
        sb_add_number(&b, v);
    } else if (json_is_boolean(v)) {
        sb_add(&b, json_is_true(v) ? "=true" : "=false");
    }
    sl_push(out, &b);
}

/* ---- the standard fields ---------------------------------------------------------- */

static void
add_plain(struct sbuf *b, json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);

    if (json_is_string(v)) {
        sb_add(b, key);
        sb_add(b, "=");
        sb_add_trimmed(b, json_string_value(v));
    }
}

static void
add_idfield(struct sbuf *b, json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);

    if (json_is_string(v)) {
        sb_add(b, key);
        sb_add(b, "=");
        sb_add_id(b, json_string_value(v));
    }
}

static void
add_epc_list(struct sbuf *b, json_t *ev, const char *key)
{
    json_t *list = json_object_get(ev, key);
    struct slist l = {0};
    size_t i;
    json_t *v;

    if (!json_is_array(list) || json_array_size(list) == 0)
        return;
    sb_add(b, key);
    for (i = 0; i < json_array_size(list) && (v = json_array_get(list, i)) != NULL; i++) {
        struct sbuf e = {0};

        if (!json_is_string(v))
            continue;
        sb_add(&e, "epc=");
        sb_add_id(&e, json_string_value(v));
        sl_push(&l, &e);
    }
    sl_flush(&l, b);
}

static void
add_quantity_list(struct sbuf *b, json_t *ev, const char *key)
{
    json_t *list = json_object_get(ev, key);
    struct slist l = {0};
    size_t i;
    json_t *q;

    if (!json_is_array(list) || json_array_size(list) == 0)
        return;
    sb_add(b, key);
    for (i = 0; i < json_array_size(list) && (q = json_array_get(list, i)) != NULL; i++) {
        struct sbuf e = {0};
        json_t *cls = json_object_get(q, "epcClass");
        json_t *qty = json_object_get(q, "quantity");
        json_t *uom = json_object_get(q, "uom");

        sb_add(&e, "quantityElement");
        if (json_is_string(cls)) {
            sb_add(&e, "epcClass=");
            sb_add_id(&e, json_string_value(cls));
        }
        if (json_is_number(qty)) {
            sb_add(&e, "quantity=");
            sb_add_number(&e, qty);
        }
        if (json_is_string(uom)) {
            sb_add(&e, "uom=");
            sb_add_trimmed(&e, json_string_value(uom));
        }
        sl_push(&l, &e);
    }
    sl_flush(&l, b);
}

static void
add_vocab_field(struct sbuf *b, json_t *ev, const char *key, const char *kind, const char *urn_part)
{
    json_t *v = json_object_get(ev, key);

    if (json_is_string(v)) {
        sb_add(b, key);
        sb_add(b, "=");
        sb_add_vocab(b, json_string_value(v), kind, urn_part);
    }
}

static void
add_persistent_disposition(struct sbuf *b, json_t *ev)
{
    json_t *pd = json_object_get(ev, "persistentDisposition");
    static const char *const parts[] = {"set", "unset"};

    if (!json_is_object(pd))
        return;
    sb_add(b, "persistentDisposition");
    for (int p = 0; p < 2; p++) {
        json_t *list = json_object_get(pd, parts[p]);
        struct slist l = {0};
        size_t i;
        json_t *v;

        for (i = 0; i < json_array_size(list) && (v = json_array_get(list, i)) != NULL; i++) {
            struct sbuf e = {0};

            if (!json_is_string(v))
                continue;
            sb_add(&e, parts[p]);
            sb_add(&e, "=");
            sb_add_vocab(&e, json_string_value(v), "Disp", "disp");
            sl_push(&l, &e);
        }
        sl_flush(&l, b);
    }
}

/* readPoint / bizLocation: "readPointid=…"; extensions inside go to `trailing` (CBV 2.0). */
static void
add_location(struct sbuf *b, json_t *ev, const char *key, const struct ns_map *m,
             struct sbuf *trailing)
{
    json_t *loc = json_object_get(ev, key);
    json_t *id = json_object_get(loc, "id");
    struct slist ext = {0};
    const char *k;
    json_t *v;

    if (!json_is_object(loc))
        return;
    sb_add(b, key);
    if (json_is_string(id)) {
        sb_add(b, "id=");
        sb_add_id(b, json_string_value(id));
    }
    for (void *it_ = json_object_iter(loc);
         it_ != NULL && (k = json_object_iter_key(it_)) != NULL &&
         (v = json_object_iter_value(it_)) != NULL;
         it_ = json_object_iter_next(loc, it_)) {
        if (strchr(k, ':') != NULL)
            ext_collect(&ext, m, k, v);
    }
    if (ext.n > 0) {
        sb_add(trailing, key);
        sl_flush(&ext, trailing);
    } else {
        sl_flush(&ext, trailing);
    }
}

/* bizTransactionList / sourceList / destinationList: "type=…" before the value. */
static void
add_typed_list(struct sbuf *b, json_t *ev, const char *key, const char *member, const char *kind,
               const char *urn_part)
{
    json_t *list = json_object_get(ev, key);
    struct slist l = {0};
    size_t i;
    json_t *el;

    if (!json_is_array(list) || json_array_size(list) == 0)
        return;
    sb_add(b, key);
    for (i = 0; i < json_array_size(list) && (el = json_array_get(list, i)) != NULL; i++) {
        struct sbuf e = {0};
        json_t *type = json_object_get(el, "type");
        json_t *val = json_object_get(el, member);

        if (json_is_string(type)) {
            sb_add(&e, "type=");
            sb_add_vocab(&e, json_string_value(type), kind, urn_part);
        }
        if (json_is_string(val)) {
            sb_add(&e, member);
            sb_add(&e, "=");
            sb_add_id(&e, json_string_value(val));
        }
        sl_push(&l, &e);
    }
    sl_flush(&l, b);
}

static int
is_standard_key(const char *k)
{
    static const char *const std[] = {
        "type",
        "isA",
        "eventID",
        "eventTime",
        "eventTimeZoneOffset",
        "recordTime",
        "epcList",
        "parentID",
        "inputEPCList",
        "childEPCs",
        "quantityList",
        "childQuantityList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "action",
        "transformationID",
        "bizStep",
        "disposition",
        "persistentDisposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "ilmd",
        "certificationInfo",
        "errorDeclaration",
        "@context",
        "id",
        "@id",
    };

    for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
        if (strcmp(k, std[i]) == 0)
            return 1;
    return 0;
}

static int
build_prehash(json_t *ev, const struct ns_map *m, struct sbuf *b, struct tt_err *err)
{
    json_t *type = json_object_get(ev, "type"), *time = json_object_get(ev, "eventTime");
    struct sbuf trailing = {0};
    struct slist ext = {0};
    const char *k;
    json_t *v;

    if (!json_is_string(type))
        type = json_object_get(ev, "isA");
    if (!json_is_string(type) || !json_is_string(time))
        return tt_err_set(err, TT_EINVAL, "db_epcis_prehash",
                          "not an EPCIS event: it needs \"type\" and \"eventTime\"");
    if (json_object_get(ev, "sensorElementList") != NULL)
        return tt_err_set(err, TT_EINVAL, "db_epcis_prehash",
                          "events with sensorElementList are not supported");
    sb_add(b, "eventType=");
    sb_add(b, json_string_value(type));
    sb_add(b, "eventTime=");
    if (sb_add_utc(b, json_string_value(time)) != 0)
        return tt_err_set(err, TT_EINVAL, "db_epcis_prehash",
                          "eventTime '%.40s' is not a date-time", json_string_value(time));
    add_plain(b, ev, "eventTimeZoneOffset");
    add_epc_list(b, ev, "epcList");
    add_idfield(b, ev, "parentID");
    add_epc_list(b, ev, "inputEPCList");
    add_epc_list(b, ev, "childEPCs");
    add_quantity_list(b, ev, "quantityList");
    add_quantity_list(b, ev, "childQuantityList");
    add_quantity_list(b, ev, "inputQuantityList");
    add_epc_list(b, ev, "outputEPCList");
    add_quantity_list(b, ev, "outputQuantityList");
    add_plain(b, ev, "action");
    add_idfield(b, ev, "transformationID");
    add_vocab_field(b, ev, "bizStep", "BizStep", "bizstep");
    add_vocab_field(b, ev, "disposition", "Disp", "disp");
    add_persistent_disposition(b, ev);
    add_location(b, ev, "readPoint", m, &trailing);
    add_location(b, ev, "bizLocation", m, &trailing);
    add_typed_list(b, ev, "bizTransactionList", "bizTransaction", "BTT", "btt");
    add_typed_list(b, ev, "sourceList", "source", "SDT", "sdt");
    add_typed_list(b, ev, "destinationList", "destination", "SDT", "sdt");
    if (json_is_object(json_object_get(ev, "ilmd"))) {
        sb_add(b, "ilmd");
        for (void *it_ = json_object_iter(json_object_get(ev, "ilmd"));
             it_ != NULL && (k = json_object_iter_key(it_)) != NULL &&
             (v = json_object_iter_value(it_)) != NULL;
             it_ = json_object_iter_next(json_object_get(ev, "ilmd"), it_))
            ext_collect(&ext, m, k, v);
        sl_flush(&ext, b);
    }
    if (trailing.p != NULL)
        sb_add(b, trailing.p);
    free(trailing.p);
    for (void *it_ = json_object_iter(ev); it_ != NULL && (k = json_object_iter_key(it_)) != NULL &&
                                           (v = json_object_iter_value(it_)) != NULL;
         it_ = json_object_iter_next(ev, it_)) {
        if (!is_standard_key(k) && strchr(k, ':') != NULL)
            ext_collect(&ext, m, k, v);
    }
    sl_flush(&ext, b);
    if (b->oom || trailing.oom)
        return tt_err_set(err, TT_ENOMEM, "db_epcis_prehash", "out of memory");
    return 0;
}

/* The event inside `root`: the object itself, or the first event of an EPCISDocument. */
static json_t *
find_event(json_t *root, struct ns_map *m)
{
    json_t *list;

    ns_add(m, "cbv", "https://ref.gs1.org/cbv/");
    ns_add(m, "gs1", "https://ref.gs1.org/voc/");
    ns_add(m, "cbvmda", "urn:epcglobal:cbv:mda:");
    ns_from_context(m, json_object_get(root, "@context"));
    list = json_object_get(json_object_get(root, "epcisBody"), "eventList");
    if (json_is_array(list)) {
        json_t *ev = json_array_get(list, 0);

        ns_from_context(m, json_object_get(ev, "@context"));
        return ev;
    }
    return root;
}

/* Pre-hash string of the event in `root` (parsed JSON); owned *out. */
static int
prehash_of(json_t *root, char **out, struct tt_err *err)
{
    struct ns_map m = {0};
    struct sbuf b = {0};
    json_t *ev = find_event(root, &m);
    int rc;

    *out = NULL;
    if (!json_is_object(ev))
        return tt_err_set(err, TT_EINVAL, "db_epcis_prehash", "no EPCIS event found");
    rc = build_prehash(ev, &m, &b, err);
    if (rc != 0) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    return 0;
}

int
db_epcis_prehash(const char *json, size_t len, char **out, struct tt_err *err)
{
    json_error_t jerr;
    json_t *root;
    int rc;

    *out = NULL;
    root = json_loadb(json, len, JSON_DECODE_ANY, &jerr);
    if (root == NULL)
        return tt_err_set(err, TT_EPARSE, __func__, "not JSON: %s (line %d)", jerr.text, jerr.line);
    rc = prehash_of(root, out, err);
    json_decref(root);
    return rc;
}

int
db_epcis_hash_json(json_t *root, char out[96], struct tt_err *err)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    char *pre = NULL;
    int rc;

    out[0] = '\0';
    rc = prehash_of(root, &pre, err);
    if (rc != 0)
        return rc;
    crypto_hash_sha256(digest, (const unsigned char *)pre, strlen(pre));
    free(pre);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    snprintf(out, 96, "ni:///sha-256;%s?ver=CBV2.0", hex);
    return 0;
}

int
db_epcis_hash(const char *json, size_t len, char out[96], struct tt_err *err)
{
    json_error_t jerr;
    json_t *root;
    int rc;

    out[0] = '\0';
    root = json_loadb(json, len, JSON_DECODE_ANY, &jerr);
    if (root == NULL)
        return tt_err_set(err, TT_EPARSE, __func__, "not JSON: %s (line %d)", jerr.text, jerr.line);
    rc = db_epcis_hash_json(root, out, err);
    json_decref(root);
    return rc;
}
