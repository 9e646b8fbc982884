/*
 * epcis.c — the indexed view of an EPCIS 2.0 event (see epcis.h). The whole
 * event is kept as jsonb anyway; this only pulls out what queries and
 * traces need, so an unknown field is never an error here.
 */
#include "epcis.h"

#include "../sync/json-scan.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int
epcis_pct_decode(const char *in, size_t in_len, char *out, size_t out_len)
{
    size_t o = 0;

    for (size_t i = 0; i < in_len; i++) {
        int c = (unsigned char)in[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= in_len)
                return TT_EPARSE;
            hi = hexval((unsigned char)in[i + 1]);
            lo = hexval((unsigned char)in[i + 2]);
            if (hi < 0 || lo < 0)
                return TT_EPARSE;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || o + 1 >= out_len)
            return TT_EPARSE;
        out[o++] = (char)c;
    }
    if (o >= out_len)
        return TT_EPARSE;
    out[o] = '\0';
    return 0;
}

/* Copies the percent-decoded segment [s, e) into out; TT_EPARSE if empty or too long. */
static int
take_segment(const char *s, const char *e, char *out, size_t out_len)
{
    if (e == s)
        return TT_EPARSE;
    return epcis_pct_decode(s, (size_t)(e - s), out, out_len);
}

static int
all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int
epcis_dl_ids(const char *uri, char gtin[15], char lot[21], char serial[21], char sscc[19])
{
    const char *p = uri, *q;
    int found = 0;

    gtin[0] = lot[0] = serial[0] = sscc[0] = '\0';
    if (strncmp(p, "https://", 8) == 0 || strncmp(p, "http://", 7) == 0) {
        p = strchr(p + 8 - (p[4] == ':'), '/');
        if (p == NULL)
            return TT_EPARSE;
    }
    q = strpbrk(p, "?#");
    if (q == NULL)
        q = p + strlen(p);
    /* Walk AI/value pairs; a custom path prefix before the first known AI is skipped. */
    while (p < q && *p == '/') {
        const char *ai = p + 1, *ai_end = memchr(ai, '/', (size_t)(q - ai));
        const char *v_end;
        char aibuf[5], val[91];

        if (ai_end == NULL)
            break;
        v_end = memchr(ai_end + 1, '/', (size_t)(q - ai_end - 1));
        if (v_end == NULL)
            v_end = q;
        if (ai_end - ai > 4 || ai_end == ai)
            return found ? 0 : TT_EPARSE;
        memcpy(aibuf, ai, (size_t)(ai_end - ai));
        aibuf[ai_end - ai] = '\0';
        if (take_segment(ai_end + 1, v_end, val, sizeof val) < 0)
            return TT_EPARSE;
        if (strcmp(aibuf, "01") == 0 && all_digits(val, 14)) {
            memcpy(gtin, val, 15);
            found = 1;
        } else if (strcmp(aibuf, "00") == 0 && all_digits(val, 18)) {
            memcpy(sscc, val, 19);
            found = 1;
        } else if (strcmp(aibuf, "10") == 0 && gtin[0] != '\0' && strlen(val) <= 20) {
            memcpy(lot, val, strlen(val) + 1);
        } else if (strcmp(aibuf, "21") == 0 && gtin[0] != '\0' && strlen(val) <= 20) {
            memcpy(serial, val, strlen(val) + 1);
        } else if (found) {
            return TT_EPARSE;
        }
        p = v_end;
    }
    return found ? 0 : TT_EPARSE;
}

/* Below this many keys duplicates are found by looking; above, by sorting once at the end. */
#define KEYS_LINEAR 32

static void
add_key(struct epcis_row *r, const char *kind, const char *a, const char *b)
{
    char key[EPCIS_KEY_LEN];
    int n = b != NULL ? snprintf(key, sizeof key, "%s:%s:%s", kind, a, b)
                      : snprintf(key, sizeof key, "%s:%s", kind, a);

    if (n < 0 || (size_t)n >= sizeof key || r->keys_oom)
        return;
    if (r->n_keys < KEYS_LINEAR)
        for (size_t i = 0; i < r->n_keys; i++)
            if (strcmp(r->keys[i], key) == 0)
                return;
    if (r->n_keys == r->keys_cap) {
        size_t cap = r->keys_cap ? r->keys_cap * 2 : 16;
        char(*p)[EPCIS_KEY_LEN] = realloc(r->keys, cap * sizeof *p);

        if (p == NULL) {
            r->keys_oom = 1;
            return;
        }
        r->keys = p;
        r->keys_cap = cap;
    }
    memcpy(r->keys[r->n_keys++], key, (size_t)n + 1);
}

struct key_ref {
    const char *key;
    size_t at;
};

static int
cmp_key_ref(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/* Drops repeated keys of a big event, keeping the first of each in place. */
static void
dedupe_keys(struct epcis_row *r)
{
    struct key_ref *refs;
    unsigned char *drop;
    size_t out = 0;

    if (r->n_keys <= KEYS_LINEAR)
        return;
    refs = malloc(r->n_keys * sizeof *refs);
    drop = calloc(r->n_keys, 1);
    if (refs == NULL || drop == NULL) {
        free(refs);
        free(drop);
        r->keys_oom = 1;
        return;
    }
    for (size_t i = 0; i < r->n_keys; i++)
        refs[i] = (struct key_ref){r->keys[i], i};
    qsort(refs, r->n_keys, sizeof *refs, cmp_key_ref);
    for (size_t i = 1; i < r->n_keys; i++)
        if (strcmp(refs[i].key, refs[i - 1].key) == 0)
            drop[refs[i].at] = 1;
    for (size_t i = 0; i < r->n_keys; i++)
        if (!drop[i]) {
            if (out != i)
                memcpy(r->keys[out], r->keys[i], EPCIS_KEY_LEN);
            out++;
        }
    r->n_keys = out;
    free(refs);
    free(drop);
}

void
epcis_row_free(struct epcis_row *r)
{
    free(r->keys);
    r->keys = NULL;
    r->n_keys = r->keys_cap = 0;
}

/* Empties the row for the next event, keeping its key array. */
static void
row_clear(struct epcis_row *r)
{
    char(*keys)[EPCIS_KEY_LEN] = r->keys;
    size_t cap = r->keys_cap;

    memset(r, 0, sizeof *r);
    r->keys = keys;
    r->keys_cap = cap;
}

/* Indexes one identifier URI. */
static void
add_uri(struct epcis_row *r, const char *uri)
{
    char gtin[15], lot[21], serial[21], sscc[19];

    if (uri == NULL || epcis_dl_ids(uri, gtin, lot, serial, sscc) < 0)
        return;
    if (sscc[0] != '\0') {
        add_key(r, "sscc", sscc, NULL);
        if (r->sscc[0] == '\0')
            memcpy(r->sscc, sscc, sizeof sscc);
    }
    if (gtin[0] == '\0')
        return;
    if (r->gtin[0] == '\0')
        memcpy(r->gtin, gtin, sizeof gtin);
    if (lot[0] != '\0') {
        add_key(r, "lot", gtin, lot);
        if (r->lot[0] == '\0')
            memcpy(r->lot, lot, sizeof lot);
    }
    if (serial[0] != '\0') {
        add_key(r, "sgtin", gtin, serial);
        if (r->serial[0] == '\0')
            memcpy(r->serial, serial, sizeof serial);
    }
}

/* epcList-like arrays of strings, and quantityList-like arrays of {epcClass}. */
static void
add_list(struct epcis_row *r, json_t *ev, const char *field, const char *member)
{
    json_t *arr = json_object_get(ev, field), *item;
    size_t i;

    if (!json_is_array(arr))
        return;
    json_array_foreach(arr, i, item)
    {
        if (member == NULL)
            add_uri(r, json_string_value(item));
        else if (json_is_object(item))
            add_uri(r, json_string_value(json_object_get(item, member)));
    }
}

static int
copy_str(json_t *obj, const char *field, char *out, size_t out_len)
{
    const char *s = json_string_value(json_object_get(obj, field));

    out[0] = '\0';
    if (s == NULL)
        return 0;
    if (strlen(s) >= out_len)
        return TT_EINVAL;
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

/* bizStep may be a bare CBV word or a URI; the index keeps the bare word. */
static void
bare_cbv(char *s, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(s, prefix, n) == 0)
        memmove(s, s + n, strlen(s + n) + 1);
}

/* The lot of a commissioning event's ilmd (cbvmda:lotNumber), paired with its GTIN. */
static void
add_ilmd_lot(struct epcis_row *r, json_t *ev)
{
    json_t *ilmd = json_object_get(ev, "ilmd");
    const char *lot;

    if (!json_is_object(ilmd) || r->gtin[0] == '\0')
        return;
    lot = json_string_value(json_object_get(ilmd, "cbvmda:lotNumber"));
    if (lot != NULL && strlen(lot) <= 20) {
        add_key(r, "lot", r->gtin, lot);
        if (r->lot[0] == '\0')
            snprintf(r->lot, sizeof r->lot, "%s", lot);
    }
}

/* The general path: a jansson tree (any escapes). */
static int
row_from_tree(const char *json, size_t len, struct epcis_row *out, struct tt_err *err)
{
    json_error_t jerr;
    json_t *ev = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = 0;

    row_clear(out);
    if (!json_is_object(ev)) {
        json_decref(ev);
        return tt_err_set(err, TT_EPARSE, "epcis_row_from_json", "event is not a JSON object");
    }
    rc |= copy_str(ev, "eventID", out->event_id, sizeof out->event_id);
    rc |= copy_str(ev, "type", out->type, sizeof out->type);
    rc |= copy_str(ev, "action", out->action, sizeof out->action);
    rc |= copy_str(ev, "bizStep", out->biz_step, sizeof out->biz_step);
    rc |= copy_str(ev, "disposition", out->disposition, sizeof out->disposition);
    rc |= copy_str(ev, "eventTime", out->event_time, sizeof out->event_time);
    rc |= copy_str(ev, "eventTimeZoneOffset", out->event_tz, sizeof out->event_tz);
    rc |= copy_str(json_object_get(ev, "readPoint"), "id", out->read_point, sizeof out->read_point);
    rc |= copy_str(json_object_get(ev, "bizLocation"), "id", out->biz_location,
                   sizeof out->biz_location);
    if (rc != 0 || out->event_id[0] == '\0' || out->type[0] == '\0' || out->event_time[0] == '\0') {
        json_decref(ev);
        return tt_err_set(err, TT_EINVAL, "epcis_row_from_json",
                          "event without eventID, type or eventTime, or a field too long");
    }
    bare_cbv(out->biz_step, "https://ref.gs1.org/cbv/BizStep-");
    bare_cbv(out->disposition, "https://ref.gs1.org/cbv/Disp-");
    add_uri(out, json_string_value(json_object_get(ev, "parentID")));
    add_list(out, ev, "epcList", NULL);
    add_list(out, ev, "childEPCs", NULL);
    add_list(out, ev, "inputEPCList", NULL);
    add_list(out, ev, "outputEPCList", NULL);
    add_list(out, ev, "quantityList", "epcClass");
    add_list(out, ev, "childQuantityList", "epcClass");
    add_list(out, ev, "inputQuantityList", "epcClass");
    add_list(out, ev, "outputQuantityList", "epcClass");
    add_ilmd_lot(out, ev);
    json_decref(ev);
    return 0;
}

/* ---- the fast path: sync/'s allocation-free scanner ---------------------- */

/* Where the members the index needs sit in the event text (borrowed). */
struct scan {
    struct {
        const char *v;
        size_t len;
        enum jscan_type type;
        int esc;
    } f[20];
};

enum field {
    F_ID,
    F_TYPE,
    F_ACTION,
    F_STEP,
    F_DISP,
    F_TIME,
    F_TZ,
    F_RP,
    F_BL,
    F_PARENT,
    F_EPCS,
    F_CHILD,
    F_IN,
    F_OUT,
    F_QTY,
    F_CQTY,
    F_IQTY,
    F_OQTY,
    F_ILMD,
    F_N
};
static const char *const field_names[F_N] = {
    "eventID",
    "type",
    "action",
    "bizStep",
    "disposition",
    "eventTime",
    "eventTimeZoneOffset",
    "readPoint",
    "bizLocation",
    "parentID",
    "epcList",
    "childEPCs",
    "inputEPCList",
    "outputEPCList",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
    "ilmd",
};

static int
on_member(void *ctx, const struct jscan_member *m)
{
    struct scan *sc = ctx;

    for (int i = 0; i < F_N; i++) {
        if (m->key_len == strlen(field_names[i]) &&
            memcmp(m->key, field_names[i], m->key_len) == 0) {
            sc->f[i].v = m->val;
            sc->f[i].len = m->val_len;
            sc->f[i].type = m->type;
            sc->f[i].esc = m->type == JS_STRING && m->has_escape;
            break;
        }
    }
    return 0;
}

/* Copies a raw (escape-free) string field; -1 if it does not fit. */
static int
raw_copy(const struct scan *sc, enum field f, char *out, size_t out_len)
{
    out[0] = '\0';
    if (sc->f[f].v == NULL || sc->f[f].type != JS_STRING)
        return 0;
    if (sc->f[f].len >= out_len)
        return -1;
    memcpy(out, sc->f[f].v, sc->f[f].len);
    out[sc->f[f].len] = '\0';
    return 0;
}

/* A string element or value ("..."), escape-free, into a NUL-terminated buffer. */
static int
raw_string(const char *v, size_t len, char *out, size_t out_len)
{
    if (len < 2 || v[0] != '"' || v[len - 1] != '"' || len - 2 >= out_len ||
        memchr(v, '\\', len) != NULL)
        return -1;
    memcpy(out, v + 1, len - 2);
    out[len - 2] = '\0';
    return 0;
}

struct member_pick {
    const char *key;
    char *out;
    size_t out_len;
    int bad;
};

/* Picks one string member of an object (id, epcClass, cbvmda:lotNumber). */
static int
pick_member(void *ctx, const struct jscan_member *m)
{
    struct member_pick *p = ctx;

    if (m->key_len != strlen(p->key) || memcmp(m->key, p->key, m->key_len) != 0 ||
        m->type != JS_STRING)
        return 0;
    if (m->has_escape || m->val_len >= p->out_len) {
        p->bad = 1;
        return 1;
    }
    memcpy(p->out, m->val, m->val_len);
    p->out[m->val_len] = '\0';
    return 0;
}

static int
pick(const char *obj, size_t len, const char *key, char *out, size_t out_len)
{
    struct member_pick p = {key, out, out_len, 0};
    const char *why;

    out[0] = '\0';
    jscan_object(obj, len, pick_member, &p, &why);
    return p.bad ? -1 : 0;
}

/* Indexes each element of an already validated array: DL strings, or objects' `member`. */
static int
array_each(const char *v, size_t len, struct epcis_row *r, const char *member)
{
    size_t start = 1, depth = 0;
    int in_str = 0;

    if (len < 2 || v[0] != '[')
        return 0;
    for (size_t i = 1; i < len; i++) {
        char c = v[i];

        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == ',' && depth == 0) || (c == ']' && depth == 0)) {
            const char *e = v + start;
            size_t n = i - start;
            char buf[256];

            while (n > 0 && (*e == ' ' || *e == '\n' || *e == '\t' || *e == '\r'))
                e++, n--;
            while (n > 0 &&
                   (e[n - 1] == ' ' || e[n - 1] == '\n' || e[n - 1] == '\t' || e[n - 1] == '\r'))
                n--;
            if (n > 0 && member == NULL && *e == '"') {
                if (raw_string(e, n, buf, sizeof buf) < 0)
                    return -1; /* escapes or a long string: the general path */
                add_uri(r, buf);
            } else if (n > 0 && member != NULL && *e == '{') {
                if (pick(e, n, member, buf, sizeof buf) < 0)
                    return -1;
                add_uri(r, buf);
            }
            start = i + 1;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

static int
row_from_scan(const char *json, size_t len, struct epcis_row *out, struct tt_err *err)
{
    static const enum field strings[] = {F_ID, F_TYPE, F_ACTION, F_STEP, F_DISP, F_TIME, F_TZ};
    struct scan sc;
    const char *why = NULL;
    char buf[256], lot[64];
    int rc = 0;

    memset(&sc, 0, sizeof sc);
    if (jscan_object(json, len, on_member, &sc, &why) != 0)
        return row_from_tree(json, len, out, err); /* not an object, or invalid: its message */
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (sc.f[strings[i]].esc)
            return row_from_tree(json, len, out, err);
    row_clear(out);
    rc |= raw_copy(&sc, F_ID, out->event_id, sizeof out->event_id);
    rc |= raw_copy(&sc, F_TYPE, out->type, sizeof out->type);
    rc |= raw_copy(&sc, F_ACTION, out->action, sizeof out->action);
    rc |= raw_copy(&sc, F_STEP, out->biz_step, sizeof out->biz_step);
    rc |= raw_copy(&sc, F_DISP, out->disposition, sizeof out->disposition);
    rc |= raw_copy(&sc, F_TIME, out->event_time, sizeof out->event_time);
    rc |= raw_copy(&sc, F_TZ, out->event_tz, sizeof out->event_tz);
    out->read_point[0] = out->biz_location[0] = '\0';
    if (sc.f[F_RP].type == JS_OBJECT && sc.f[F_RP].v != NULL)
        rc |= pick(sc.f[F_RP].v, sc.f[F_RP].len, "id", out->read_point, sizeof out->read_point);
    if (sc.f[F_BL].type == JS_OBJECT && sc.f[F_BL].v != NULL)
        rc |= pick(sc.f[F_BL].v, sc.f[F_BL].len, "id", out->biz_location, sizeof out->biz_location);
    if (rc != 0 || sc.f[F_PARENT].esc)
        return row_from_tree(json, len, out, err); /* escapes or lengths: the careful path */
    if (out->event_id[0] == '\0' || out->type[0] == '\0' || out->event_time[0] == '\0')
        return tt_err_set(err, TT_EINVAL, "epcis_row_from_json",
                          "event without eventID, type or eventTime, or a field too long");
    bare_cbv(out->biz_step, "https://ref.gs1.org/cbv/BizStep-");
    bare_cbv(out->disposition, "https://ref.gs1.org/cbv/Disp-");
    if (sc.f[F_PARENT].type == JS_STRING && raw_copy(&sc, F_PARENT, buf, sizeof buf) == 0)
        add_uri(out, buf);
    for (int f = F_EPCS; f <= F_OQTY; f++)
        if (sc.f[f].type == JS_ARRAY && sc.f[f].v != NULL &&
            array_each(sc.f[f].v, sc.f[f].len, out, f >= F_QTY ? "epcClass" : NULL) < 0)
            return row_from_tree(json, len, out, err);
    if (sc.f[F_ILMD].type == JS_OBJECT && sc.f[F_ILMD].v != NULL && out->gtin[0] != '\0') {
        if (pick(sc.f[F_ILMD].v, sc.f[F_ILMD].len, "cbvmda:lotNumber", lot, sizeof lot) < 0)
            return row_from_tree(json, len, out, err);
        if (lot[0] != '\0' && strlen(lot) <= 20) {
            add_key(out, "lot", out->gtin, lot);
            if (out->lot[0] == '\0')
                memcpy(out->lot, lot, strlen(lot) + 1); /* <= 20 bytes, checked above */
        }
    }
    return 0;
}

int
epcis_row_from_json(const char *json, size_t len, struct epcis_row *out, struct tt_err *err)
{
    int rc = row_from_scan(json, len, out, err);

    if (rc == 0)
        dedupe_keys(out);
    if (rc == 0 && out->keys_oom)
        rc = tt_err_set(err, TT_ENOMEM, "epcis_row_from_json", "out of memory");
    return rc;
}
