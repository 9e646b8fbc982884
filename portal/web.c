/*
 * web.c — Digital Link pages and the EPCIS query subset (see web.h).
 *
 * Pages are small, self-contained HTML (no scripts, no external assets)
 * so they load on a cheap phone over a slow link; every value printed is
 * HTML-escaped, every JSON string escaped.
 */
#include "web.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "../sync/epcis-check.h"
#include "epcis.h"
#include "trace.h"

#define PER_PAGE_DEFAULT 30
#define PER_PAGE_MAX     1000

void
web_buf_free(struct web_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void
web_reply_free(struct web_reply *r)
{
    web_buf_free(&r->body);
}

static void web_add(struct web_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
web_add(struct web_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (int pass = 0; pass < 2 && !b->failed; pass++) {
        size_t room = b->cap - b->len;

        va_start(ap, fmt);
        n = vsnprintf(b->s != NULL ? b->s + b->len : NULL, b->s != NULL ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
        } else if (b->s != NULL && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        } else {
            size_t cap = b->cap ? b->cap : 8192;
            char *p;

            while (cap < b->len + (size_t)n + 1)
                cap *= 2;
            p = realloc(b->s, cap);
            if (p == NULL)
                b->failed = 1;
            else {
                b->s = p;
                b->cap = cap;
            }
        }
    }
}

/* Text into HTML. */
static void
web_html(struct web_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<':
            web_add(b, "&lt;");
            break;
        case '>':
            web_add(b, "&gt;");
            break;
        case '&':
            web_add(b, "&amp;");
            break;
        case '"':
            web_add(b, "&quot;");
            break;
        case '\'':
            web_add(b, "&#39;");
            break;
        default:
            web_add(b, "%c", *s);
        }
    }
}

/* A JSON string with its quotes. */
static void
web_json(struct web_buf *b, const char *s)
{
    web_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            web_add(b, "\\%c", *p);
        else if (*p < 0x20)
            web_add(b, "\\u%04x", *p);
        else if (*p == '<')
            web_add(b, "\\u003c"); /* never "</script>" in a JSON answer */
        else
            web_add(b, "%c", *p);
    }
    web_add(b, "\"");
}

/* The words of the pages, Vietnamese then English. */
enum msg {
    M_TITLE_LOT,
    M_TITLE_SSCC,
    M_PRODUCT,
    M_LOT,
    M_COOP,
    M_HARVEST,
    M_HISTORY,
    M_WHEN,
    M_WHERE,
    M_WHAT,
    M_BAD,
    M_UNKNOWN,
    M_OTHER_LANG,
    M_NOT_FOUND,
    M_CUT_1,
    M_CUT_2,
    M_CUT_3,
    M_UNAVAILABLE,
    M_UNAVAILABLE_WHY,
    M_N
};
static const char *const msgs[M_N][2] = {
    {"Truy xuất nguồn gốc lô hàng", "Lot traceability"},
    {"Truy xuất nguồn gốc pallet", "Pallet traceability"},
    {"Sản phẩm", "Product"},
    {"Lô", "Lot"},
    {"Hợp tác xã", "Cooperative"},
    {"Thu hoạch / ghi nhận", "Harvested / recorded"},
    {"Lịch sử", "History"},
    {"Thời gian", "When"},
    {"Nơi", "Where"},
    {"Công đoạn", "Step"},
    {"Yêu cầu không hợp lệ", "Bad request"},
    {"Chưa có dữ liệu cho mã này.", "Nothing is known about this code yet."},
    {"English", "Tiếng Việt"},
    {"Không tìm thấy", "Not found"},
    /* "Showing the first N of at least M events." around the two numbers. */
    {"Chỉ hiển thị ", "Showing the first "},
    {" sự kiện đầu tiên trong số ít nhất ", " of at least "},
    {" sự kiện.", " events."},
    {"Tạm thời không phục vụ được", "Temporarily unavailable"},
    {"Hệ thống đang bận hoặc chưa kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.",
     "The service is busy or cannot reach its database. Please try again in a minute."},
};

static const char *
msg(enum msg m, enum words_lang lang)
{
    return msgs[m][lang == WORDS_EN];
}

static void
page_head(struct web_buf *b, const char *title, enum words_lang lang, const char *self)
{
    web_add(b,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>",
            lang == WORDS_EN ? "en" : "vi");
    web_html(b, title);
    web_add(b, "</title><style>body{font-family:'Noto Sans',DejaVu Sans,sans-serif;margin:1em;"
               "max-width:48em}table{border-collapse:collapse;width:100%%}td,th{border-bottom:"
               "1px solid #ccc;padding:.3em;text-align:left;vertical-align:top}"
               "dt{font-weight:bold}</style></head><body>\n<p style=\"text-align:right\">"
               "<a href=\"");
    web_html(b, self);
    web_add(b, "?lang=%s\">%s</a></p>\n<h1>", lang == WORDS_EN ? "vi" : "en",
            msg(M_OTHER_LANG, lang));
    web_html(b, title);
    web_add(b, "</h1>\n");
}

/* 1 if s is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static int
utf8_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
        size_t n = *p < 0x80                  ? 0
                   : *p >= 0xC2 && *p <= 0xDF ? 1
                   : *p >= 0xE0 && *p <= 0xEF ? 2
                   : *p >= 0xF0 && *p <= 0xF4 ? 3
                                              : 9;
        unsigned cp = *p & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);

        if (n == 9)
            return 0;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += n + 1;
    }
    return 1;
}

static void
reply_error(struct web_reply *r, int status, int json, enum words_lang lang, const char *given)
{
    char why[300];

    /* The message may quote the request: broken UTF-8 there must not break the answer. */
    snprintf(why, sizeof why, "%s", given);
    if (!utf8_ok(why))
        for (char *c = why; *c != '\0'; c++)
            if ((unsigned char)*c >= 0x80)
                *c = '?';
    web_buf_free(&r->body);
    r->status = status;
    if (json) {
        r->type = "application/json";
        web_add(&r->body, "{\"type\":\"%s\",\"title\":",
                status == 400   ? "epcisException:QueryParameterException"
                : status == 503 ? "epcisException:ImplementationException"
                                : "epcisException:NoSuchResourceException");
        web_json(&r->body, why);
        web_add(&r->body, ",\"status\":%d}\n", status);
        return;
    }
    r->type = "text/html; charset=utf-8";
    page_head(&r->body,
              msg(status == 400   ? M_BAD
                  : status == 503 ? M_UNAVAILABLE
                                  : M_NOT_FOUND,
                  lang),
              lang, "/");
    web_add(&r->body, "<p>");
    web_html(&r->body, why);
    web_add(&r->body, "</p></body></html>\n");
}

/* What a page collects while the trace runs. */
struct page {
    struct web_buf rows; /* HTML rows or JSON array items */
    int json;
    enum words_lang lang;
    size_t n;
    char coop[128];
    char harvest[48];
};

/* "2026-11-20T07:00:00.000+07:00" as "2026-11-20 07:00 +07:00"; anything else as given. */
static void
web_time(struct web_buf *b, const char *t)
{
    size_t n = strlen(t);

    if (n >= 22 && t[10] == 'T' && t[13] == ':' && (t[n - 6] == '+' || t[n - 6] == '-')) {
        web_add(b, "%.10s %.5s %s", t, t + 11, t + n - 6);
        return;
    }
    web_html(b, t);
}

/* The harvest date of a commissioning event's ilmd, if it says one. */
static void
harvest_of(const char *doc, char out[48])
{
    json_t *ev = json_loads(doc, 0, NULL);
    const char *h =
        json_string_value(json_object_get(json_object_get(ev, "ilmd"), "cbvmda:harvestStartDate"));

    if (h != NULL && out[0] == '\0')
        snprintf(out, 48, "%s", h);
    json_decref(ev);
}

static int
page_event(void *ctx, const struct trace_event *ev)
{
    struct page *p = ctx;
    const char *where = ev->station_name[0] ? ev->station_name : ev->station;

    if (p->coop[0] == '\0')
        snprintf(p->coop, sizeof p->coop, "%s", where);
    if (strcmp(ev->biz_step, "commissioning") == 0)
        harvest_of(ev->doc, p->harvest);
    if (p->json) {
        web_add(&p->rows, "%s{\"station\":", p->n ? "," : "");
        web_json(&p->rows, ev->station);
        web_add(&p->rows, ",\"station_name\":");
        web_json(&p->rows, ev->station_name);
        web_add(&p->rows, ",\"biz_step\":");
        web_json(&p->rows, ev->biz_step);
        web_add(&p->rows, ",\"event\":%s}", ev->doc);
    } else {
        web_add(&p->rows, "<tr><td>");
        web_time(&p->rows, ev->event_time);
        web_add(&p->rows, "</td><td>");
        web_html(&p->rows, where);
        web_add(&p->rows, "</td><td>");
        web_html(&p->rows, words_biz_step(ev->biz_step, p->lang));
        if (ev->sscc[0] != '\0') {
            web_add(&p->rows, " — SSCC ");
            web_html(&p->rows, ev->sscc);
        }
        web_add(&p->rows, "</td></tr>\n");
    }
    p->n++;
    return p->rows.failed ? TT_ENOMEM : 0;
}

/* The product's name in the page language, or "" when the portal has none. */
static int
product_name(struct portal_store *st, const char *gtin14, enum words_lang lang, char *out,
             size_t len)
{
    const char *params[1] = {gtin14};
    PGresult *res = NULL;
    int rc = portal_store_exec(st,
                               "SELECT name, coalesce(nullif(name_en, ''), name) FROM products"
                               " WHERE gtin = $1",
                               1, params, &res, NULL);

    out[0] = '\0';
    if (rc == 0 && PQntuples(res) == 1)
        snprintf(out, len, "%s", PQgetvalue(res, 0, lang == WORDS_EN));
    PQclear(res);
    return rc;
}

/* "Showing the first N of at least M events." when the trace was cut. */
static void
page_cut(struct web_buf *b, const struct trace_count *c, enum words_lang lang)
{
    if (!c->truncated)
        return;
    web_add(b, "<p><strong>%s%zu%s%zu%s</strong></p>\n", msg(M_CUT_1, lang), c->n,
            msg(M_CUT_2, lang), c->n_found, msg(M_CUT_3, lang));
}

static void
page_json(struct web_reply *r, const struct page *p, const struct trace_count *c,
          const char *gtin14, const char *lot, const char *sscc, const char *product)
{
    r->type = "application/json";
    web_add(&r->body, "{");
    if (gtin14 != NULL) {
        web_add(&r->body, "\"gtin\":\"%s\",\"lot\":", gtin14);
        web_json(&r->body, lot);
        web_add(&r->body, ",\"product\":");
        web_json(&r->body, product);
    } else {
        web_add(&r->body, "\"sscc\":\"%s\"", sscc);
    }
    web_add(&r->body, ",\"cooperative\":");
    web_json(&r->body, p->coop);
    web_add(&r->body, ",\"harvest\":");
    web_json(&r->body, p->harvest);
    web_add(&r->body, ",\"truncated\":%s", c->truncated ? "true" : "false");
    if (c->truncated)
        web_add(&r->body, ",\"events_found_at_least\":%zu", c->n_found);
    web_add(&r->body, ",\"events\":[%s]}\n", p->rows.s);
}

static void
page_html(struct web_reply *r, const struct page *p, const struct trace_count *c,
          const char *gtin14, const char *lot, const char *sscc, const char *product,
          const char *self)
{
    enum words_lang lang = p->lang;

    r->type = "text/html; charset=utf-8";
    page_head(&r->body, msg(gtin14 ? M_TITLE_LOT : M_TITLE_SSCC, lang), lang, self);
    web_add(&r->body, "<dl>");
    if (gtin14 != NULL) {
        web_add(&r->body, "<dt>%s</dt><dd>", msg(M_PRODUCT, lang));
        web_html(&r->body, product);
        web_add(&r->body, " (GTIN %s)</dd><dt>%s</dt><dd>", gtin14, msg(M_LOT, lang));
        web_html(&r->body, lot);
    } else {
        web_add(&r->body, "<dt>SSCC</dt><dd>%s", sscc);
    }
    web_add(&r->body, "</dd><dt>%s</dt><dd>", msg(M_COOP, lang));
    web_html(&r->body, p->coop);
    web_add(&r->body, "</dd><dt>%s</dt><dd>", msg(M_HARVEST, lang));
    web_html(&r->body, p->harvest);
    web_add(&r->body, "</dd></dl>\n<h2>%s</h2>\n", msg(M_HISTORY, lang));
    page_cut(&r->body, c, lang);
    web_add(&r->body,
            "<table><tr><th>%s</th><th>%s</th><th>%s</th></tr>\n%s</table>\n</body></html>\n",
            msg(M_WHEN, lang), msg(M_WHERE, lang), msg(M_WHAT, lang), p->rows.s);
}

/* The lot or pallet page: gtin14+lot, or sscc; at most `limit` events. */
static int
key_page(struct portal_store *st, const char *gtin14, const char *lot, const char *sscc,
         const char *self, size_t limit, int json, enum words_lang lang, struct web_reply *r)
{
    struct page p = {.json = json, .lang = lang};
    struct trace_count c;
    struct tt_err err = {0};
    char product[256] = "";
    int rc = portal_trace_limit(st, gtin14, lot, sscc, limit, page_event, &p, &c, &err);

    if (rc < 0 || p.rows.failed) {
        web_buf_free(&p.rows);
        if (rc == TT_EINVAL) {
            reply_error(r, 400, json, lang, err.msg);
            return 0;
        }
        return rc < 0 ? rc : TT_ENOMEM;
    }
    if (c.n == 0) {
        web_buf_free(&p.rows);
        reply_error(r, 404, json, lang, msg(M_UNKNOWN, lang));
        return 0;
    }
    if (gtin14 != NULL)
        rc = product_name(st, gtin14, lang, product, sizeof product);
    r->status = 200;
    if (rc == 0 && json)
        page_json(r, &p, &c, gtin14, lot, sscc, product);
    else if (rc == 0)
        page_html(r, &p, &c, gtin14, lot, sscc, product, self);
    web_buf_free(&p.rows);
    return rc < 0 ? rc : r->body.failed ? TT_ENOMEM : 0;
}

/* Splits "/a/b/c/d" into at most max decoded segments; -1 if too many, -2 on a bad escape. */
static int
split_path(const char *path, char seg[][96], int max)
{
    int n = 0;

    if (*path != '/')
        return -1;
    while (*path == '/' && path[1] != '\0') {
        const char *s = path + 1, *e = strchr(s, '/');

        if (e == NULL)
            e = s + strlen(s);
        if (n == max || e == s)
            return -1;
        if (epcis_pct_decode(s, (size_t)(e - s), seg[n], 96) < 0)
            return -2;
        n++;
        path = e;
    }
    return *path == '\0' || strcmp(path, "/") == 0 ? n : -1;
}

/* ---- GET /events: the EPCIS 2.0 query subset ---------------------------------- */

/* A query under construction: SQL text from fixed fragments, values as parameters. */
struct query {
    struct web_buf sql;
    const char *values[12];
    char *owned[12];
    int n;
};

/* Adds " AND <pre>$n<post>" with `value` as parameter n (taken: freed with the query). */
static void
query_cond(struct query *q, const char *pre, const char *post, char *value)
{
    q->owned[q->n] = value;
    q->values[q->n] = value;
    q->n++;
    web_add(&q->sql, " AND %s$%d%s", pre, q->n, post);
}

/* Appends one element to a text[] literal being built. */
static void
array_add(struct web_buf *a, const char *v)
{
    web_add(a, "%s\"", a->len > 1 ? "," : "");
    for (; *v != '\0'; v++)
        web_add(a, *v == '"' || *v == '\\' ? "\\%c" : "%c", *v);
    web_add(a, "\"");
}

static int
word_ok(const char *s)
{
    if (*s == '\0' || strlen(s) > 64)
        return 0;
    for (; *s != '\0'; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

/* A comma list into a text[] literal; check() says which items are fine. */
static char *
list_literal(const char *list, int (*check)(char *item), const char **bad)
{
    struct web_buf a = {0};
    char *copy = strdup(list), *save = NULL, *item;

    if (copy == NULL)
        return NULL;
    web_add(&a, "{");
    for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        if (!check(item)) {
            *bad = list;
            free(copy);
            web_buf_free(&a);
            return NULL;
        }
        array_add(&a, item);
    }
    free(copy);
    web_add(&a, "}");
    if (a.failed || a.len <= 2) {
        *bad = list;
        web_buf_free(&a);
        return NULL;
    }
    return a.s;
}

static int
check_type(char *t)
{
    static const char *const types[] = {"ObjectEvent", "AggregationEvent", "TransactionEvent",
                                        "TransformationEvent", "AssociationEvent"};

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t, types[i]) == 0)
            return 1;
    return 0;
}

static int
check_step(char *s)
{
    static const char prefix[] = "https://ref.gs1.org/cbv/BizStep-";

    if (strncmp(s, prefix, sizeof prefix - 1) == 0)
        memmove(s, s + sizeof prefix - 1, strlen(s + sizeof prefix - 1) + 1);
    return word_ok(s);
}

/* A Digital Link URI into the key the events are indexed by. */
static int
check_epc(char *uri)
{
    char g[15], l[21], ser[21], sscc[19];

    if (strlen(uri) > 200 || epcis_dl_ids(uri, g, l, ser, sscc) < 0)
        return 0;
    if (sscc[0] != '\0')
        sprintf(uri, "sscc:%s", sscc);
    else if (ser[0] != '\0')
        sprintf(uri, "sgtin:%s:%s", g, ser);
    else if (l[0] != '\0')
        sprintf(uri, "lot:%s:%s", g, l);
    else
        return 0;
    return 1;
}

static char *
time_value(const char *t, const char **bad)
{
    if (strlen(t) > 40 || epcis_check_time(t) != 0) {
        *bad = t;
        return NULL;
    }
    return strdup(t);
}

/* Percent-encodes s into b (for the next page's link). */
static void
url_add(struct web_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        web_add(b, isalnum(*p) || strchr("-._~", *p) ? "%c" : "%%%02X", *p);
}

/* The filters of one parameter; 1 = handled, 0 = unknown name, -1 = bad value. */
static int
query_param(struct query *q, const struct web_param *p, long *per_page, const char **bad)
{
    char *v = NULL;

    *bad = NULL;
    if (strcmp(p->name, "eventType") == 0) {
        if ((v = list_literal(p->value, check_type, bad)) != NULL)
            query_cond(q, "event_type = ANY (", "::text[])", v);
    } else if (strcmp(p->name, "EQ_bizStep") == 0) {
        if ((v = list_literal(p->value, check_step, bad)) != NULL)
            query_cond(q, "biz_step = ANY (", "::text[])", v);
    } else if (strcmp(p->name, "GE_eventTime") == 0) {
        if ((v = time_value(p->value, bad)) != NULL)
            query_cond(q, "event_time >= ", "::timestamptz", v);
    } else if (strcmp(p->name, "LT_eventTime") == 0) {
        if ((v = time_value(p->value, bad)) != NULL)
            query_cond(q, "event_time < ", "::timestamptz", v);
    } else if (strcmp(p->name, "MATCH_epc") == 0 || strcmp(p->name, "MATCH_anyEPC") == 0 ||
               strcmp(p->name, "MATCH_epcClass") == 0) {
        if ((v = list_literal(p->value, check_epc, bad)) != NULL)
            query_cond(q, "keys && ", "::text[]", v);
    } else if (strcmp(p->name, "perPage") == 0) {
        char *end;

        *per_page = strtol(p->value, &end, 10);
        if (*end != '\0' || *per_page < 1 || *per_page > PER_PAGE_MAX)
            *bad = p->value;
        return *bad != NULL ? -1 : 1;
    } else if (strcmp(p->name, "nextPageToken") == 0) {
        return 1; /* handled by the caller: it must come last in the SQL */
    } else {
        return 0;
    }
    if (v == NULL && *bad == NULL)
        q->sql.failed = 1;
    return *bad != NULL ? -1 : 1;
}

/* nextPageToken "<station>.<seq>" into the keyset condition. */
static int
query_token(struct query *q, const char *token)
{
    const char *dot = strrchr(token, '.');
    char *station, *seq, *end;

    if (dot == NULL || dot == token || dot - token > 32 || dot[1] == '\0')
        return -1;
    strtoull(dot + 1, &end, 10);
    if (*end != '\0' || !isdigit((unsigned char)dot[1]))
        return -1;
    station = strndup(token, (size_t)(dot - token));
    seq = strdup(dot + 1);
    if (station == NULL || seq == NULL) {
        free(station);
        free(seq);
        q->sql.failed = 1;
        return 0;
    }
    for (const char *c = station; *c != '\0'; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-')) {
            free(station);
            free(seq);
            return -1;
        }
    /* Keyset paging: strictly after the last row of the previous page. */
    query_cond(q, "(station_id, seq) > (", "", station);
    q->owned[q->n] = seq;
    q->values[q->n] = seq;
    q->n++;
    web_add(&q->sql, ", $%d::bigint)", q->n);
    return 0;
}

static void
query_free(struct query *q)
{
    for (int i = 0; i < q->n; i++)
        free(q->owned[i]);
    web_buf_free(&q->sql);
}

/* Writes the EPCISQueryDocument and the next page's query string. */
static int
events_reply(struct portal_store *st, struct query *q, long per_page,
             const struct web_param *params, size_t n_params, struct web_reply *r)
{
    PGresult *res = NULL;
    int rows, rc;

    web_add(&q->sql, " ORDER BY station_id, seq LIMIT %ld", per_page + 1);
    if (q->sql.failed)
        return TT_ENOMEM;
    rc = portal_store_exec(st, q->sql.s, q->n, q->values, &res, NULL);
    if (rc < 0)
        return rc;
    rows = PQntuples(res);
    r->status = 200;
    r->type = "application/json";
    web_add(&r->body,
            "{\"@context\":[\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"],"
            "\"type\":\"EPCISQueryDocument\",\"schemaVersion\":\"2.0\","
            "\"epcisBody\":{\"queryResults\":{\"queryName\":\"SimpleEventQuery\","
            "\"resultsBody\":{\"eventList\":[");
    for (int i = 0; i < rows && i < per_page; i++)
        web_add(&r->body, "%s%s", i ? "," : "", PQgetvalue(res, i, 2));
    web_add(&r->body, "]}}}}\n");
    if (rows > per_page) {
        struct web_buf next = {0};

        for (size_t i = 0; i < n_params; i++) {
            if (strcmp(params[i].name, "nextPageToken") == 0)
                continue;
            url_add(&next, params[i].name);
            web_add(&next, "=");
            url_add(&next, params[i].value);
            web_add(&next, "&");
        }
        web_add(&next, "nextPageToken=");
        url_add(&next, PQgetvalue(res, (int)per_page - 1, 0));
        web_add(&next, ".%s", PQgetvalue(res, (int)per_page - 1, 1));
        if (!next.failed)
            snprintf(r->next, sizeof r->next, "%s", next.s);
        web_buf_free(&next);
    }
    PQclear(res);
    return r->body.failed ? TT_ENOMEM : 0;
}

static int
web_events(struct portal_store *st, const struct web_param *params, size_t n_params,
           struct web_reply *r)
{
    struct query q = {0};
    long per_page = PER_PAGE_DEFAULT;
    const char *token = NULL, *bad = NULL;
    int rc = 0;

    web_add(&q.sql, "SELECT station_id, seq, doc::text FROM events WHERE true");
    for (size_t i = 0; rc == 0 && i < n_params; i++) {
        int h = q.n >= 9 ? -2 : query_param(&q, &params[i], &per_page, &bad);

        if (h == 0 || h == -2) {
            char why[160];

            snprintf(why, sizeof why,
                     h == 0 ? "unknown query parameter '%.60s'" : "too many filters ('%.60s')",
                     params[i].name);
            reply_error(r, 400, 1, WORDS_EN, why);
            rc = 1;
        } else if (h < 0) {
            char why[200];

            snprintf(why, sizeof why, "bad value for %.40s: '%.80s'", params[i].name,
                     bad != NULL ? bad : "");
            reply_error(r, 400, 1, WORDS_EN, why);
            rc = 1;
        } else if (strcmp(params[i].name, "nextPageToken") == 0) {
            token = params[i].value;
        }
    }
    if (rc == 0 && token != NULL && query_token(&q, token) < 0) {
        reply_error(r, 400, 1, WORDS_EN, "bad nextPageToken");
        rc = 1;
    }
    if (rc == 0)
        rc = events_reply(st, &q, per_page, params, n_params, r);
    query_free(&q);
    return rc > 0 ? 0 : rc;
}

void
web_unavailable(struct web_reply *r, int json, enum words_lang lang)
{
    reply_error(r, 503, json, lang, msg(M_UNAVAILABLE_WHY, lang));
    r->next[0] = '\0';
}

int
web_answer(struct portal_store *st, const char *path, const struct web_param *params,
           size_t n_params, size_t limit, int json, enum words_lang lang, struct web_reply *out)
{
    char seg[6][96], g14[15];
    int n;

    memset(out, 0, sizeof *out);
    if (strcmp(path, "/events") == 0)
        return web_events(st, params, n_params, out);
    n = split_path(path, seg, 6);
    if (n == -2) {
        reply_error(out, 400, json, lang, "bad percent-encoding in the path");
        return 0;
    }
    if (n == 4 && strcmp(seg[0], "01") == 0 && strcmp(seg[2], "10") == 0) {
        if (gs1_gtin_normalise(seg[1], g14, NULL) < 0) {
            reply_error(out, 400, json, lang, "not a valid GTIN (check digit or length)");
            return 0;
        }
        if (!portal_lot_ok(seg[3])) {
            reply_error(out, 400, json, lang, "not a valid lot: 1-20 characters of GS1 CSET 82");
            return 0;
        }
        return key_page(st, g14, seg[3], NULL, path, limit, json, lang, out);
    }
    if (n == 2 && strcmp(seg[0], "00") == 0) {
        if (!portal_sscc_ok(seg[1])) {
            reply_error(out, 400, json, lang, "not a valid SSCC: 18 digits with its check digit");
            return 0;
        }
        return key_page(st, NULL, NULL, seg[1], path, limit, json, lang, out);
    }
    reply_error(out, 404, json, lang, msg(M_NOT_FOUND, lang));
    return 0;
}
