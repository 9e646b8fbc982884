/*
 * acks.c — receipts and master data for the stations (see acks.h). The
 * JSON and the signatures are sync/receipt.c's; this file decides what
 * goes in, numbers it, and keeps numbers going up only on change.
 */
#include "acks.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A growing text buffer for the state fingerprint. */
struct text {
    char *s;
    size_t len, cap;
    int failed;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->failed)
        return;
    for (;;) {
        size_t room = t->cap - t->len;

        va_start(ap, fmt);
        n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if (t->s != NULL && (size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 4096;

        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);

        if (p == NULL) {
            t->failed = 1;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
}

static int
add_item(struct receipt *r, enum receipt_item_kind kind, uint64_t seq, const char *b2,
         const char *event_id, const char *reason)
{
    struct receipt_item *it;

    if (r->n_items % 32 == 0) {
        struct receipt_item *p = realloc(r->items, (r->n_items + 32) * sizeof *p);

        if (p == NULL)
            return TT_ENOMEM;
        r->items = p;
    }
    it = &r->items[r->n_items++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->bundle_seq = seq;
    snprintf(it->b2, sizeof it->b2, "%s", b2 != NULL ? b2 : "");
    snprintf(it->event_id, sizeof it->event_id, "%s", event_id != NULL ? event_id : "");
    snprintf(it->reason, sizeof it->reason, "%s", reason != NULL ? reason : "");
    return 0;
}

/* Runs one listing query for `station` and adds its rows as items of `kind`. */
static int
add_items(struct portal_store *st, const char *station, enum receipt_item_kind kind,
          const char *sql, struct receipt *r, struct text *t, struct tt_err *err)
{
    const char *params[1] = {station};
    PGresult *res;
    int rc = portal_store_exec(st, sql, 1, params, &res, err);

    for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
        uint64_t seq = strtoull(PQgetvalue(res, i, 0), NULL, 10);
        const char *b2 = PQgetvalue(res, i, 1), *ev = PQgetvalue(res, i, 2);
        const char *why = PQgetvalue(res, i, 3);

        rc = add_item(r, kind, seq, b2, ev, why);
        text_add(t, "%d|%" PRIu64 "|%s|%s|%s\n", (int)kind, seq, b2, ev, why);
    }
    if (rc == TT_ENOMEM)
        tt_err_set(err, rc, "portal_receipt_issue", "out of memory");
    PQclear(res);
    return rc;
}

#define LIMIT " LIMIT 64"

/* Fills r (all but seq and time) from the database and its fingerprint into t. */
static int
receipt_state(struct portal_store *st, const char *station, struct receipt *r, struct text *t,
              struct tt_err *err)
{
    const char *params[1] = {station};
    PGresult *res;
    int rc;

    rc = portal_store_exec(
        st,
        "SELECT s.head_seq, s.head_event_seq, coalesce(k.key_id, ''), coalesce(k.status, ''),"
        " (SELECT coalesce(max(version), 0) FROM masterdata)"
        " FROM stations s LEFT JOIN LATERAL (SELECT key_id, status FROM station_keys"
        "  WHERE station_id = s.station_id ORDER BY valid_from_bundle DESC, enrolled_at DESC"
        "  LIMIT 1) k ON true WHERE s.station_id = $1",
        1, params, &res, err);
    if (rc < 0)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return tt_err_set(err, TT_ENOTFOUND, "portal_receipt_issue",
                          "no station '%.40s'; see 'station list'", station);
    }
    snprintf(r->station, sizeof r->station, "%s", station);
    r->acked_through_bundle = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    r->acked_through_event = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
    snprintf(r->station_key_id, sizeof r->station_key_id, "%s", PQgetvalue(res, 0, 2));
    snprintf(r->station_key_status, sizeof r->station_key_status, "%s", PQgetvalue(res, 0, 3));
    r->master_data_version = strtoull(PQgetvalue(res, 0, 4), NULL, 10);
    PQclear(res);
    text_add(t, "%s|%" PRIu64 "|%" PRIu64 "|%s|%s|%" PRIu64 "\n", station, r->acked_through_bundle,
             r->acked_through_event, r->station_key_id, r->station_key_status,
             r->master_data_version);
    rc = add_items(st, station, RECEIPT_ACCEPTED,
                   "SELECT bundle_seq, encode(hash, 'hex'), '', '' FROM bundles"
                   " WHERE station_id = $1 AND status IN ('accepted','pending')"
                   " ORDER BY bundle_seq DESC" LIMIT,
                   r, t, err);
    if (rc == 0)
        rc = add_items(st, station, RECEIPT_REJECTED,
                       "SELECT * FROM (SELECT bundle_seq, encode(hash, 'hex'), '',"
                       "  'fork: same bundle number, other content' FROM bundles"
                       "  WHERE station_id = $1 AND status = 'fork'"
                       " UNION ALL SELECT coalesce(bundle_seq, 0), '', '', reason"
                       "  FROM rejections WHERE station_id = $1) x"
                       " ORDER BY 1 DESC, 2, 4" LIMIT,
                       r, t, err);
    if (rc == 0)
        rc = add_items(st, station, RECEIPT_GAP,
                       "SELECT bundle_seq, '', '', '' FROM gaps WHERE station_id = $1"
                       " AND filled_at IS NULL ORDER BY bundle_seq" LIMIT,
                       r, t, err);
    if (rc == 0)
        rc = add_items(st, station, RECEIPT_CONFLICT,
                       "SELECT 0, '', event_id, reason FROM event_conflicts"
                       " WHERE station_id = $1 ORDER BY event_id, bundle_seq" LIMIT,
                       r, t, err);
    if (rc == 0 && t->failed)
        rc = tt_err_set(err, TT_ENOMEM, "portal_receipt_issue", "out of memory");
    return rc;
}

#define ISO_UTC "to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Numbers the receipt: the last one again when the state is the same, else the next. */
static int
receipt_number(struct portal_store *st, struct receipt *r, const char *state, int *is_new,
               struct tt_err *err)
{
    char acked[24], ev[24];
    const char *p1[2] = {r->station, state};
    const char *p2[4] = {r->station, acked, ev, state};
    PGresult *res;
    int rc;

    rc = portal_store_exec(st,
                           "SELECT r.receipt_seq, " ISO_UTC " FROM receipts r JOIN stations s"
                           " USING (station_id) WHERE r.station_id = $1"
                           " AND r.receipt_seq = s.receipt_seq AND r.payload = $2",
                           2, p1, &res, err);
    if (rc < 0)
        return rc;
    *is_new = PQntuples(res) == 0;
    if (!*is_new) {
        r->receipt_seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
        snprintf(r->portal_time, sizeof r->portal_time, "%s", PQgetvalue(res, 0, 1));
        PQclear(res);
        return 0;
    }
    PQclear(res);
    snprintf(acked, sizeof acked, "%" PRIu64, r->acked_through_bundle);
    snprintf(ev, sizeof ev, "%" PRIu64, r->acked_through_event);
    rc = portal_store_exec(st,
                           "WITH s AS (UPDATE stations SET receipt_seq = receipt_seq + 1"
                           " WHERE station_id = $1 RETURNING receipt_seq)"
                           " INSERT INTO receipts (station_id, receipt_seq, acked_through_bundle,"
                           " acked_through_event, issued_at, payload)"
                           " SELECT $1, s.receipt_seq, $2, $3, date_trunc('second', now()), $4"
                           " FROM s RETURNING receipt_seq, " ISO_UTC,
                           4, p2, &res, err);
    if (rc < 0)
        return rc;
    r->receipt_seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(r->portal_time, sizeof r->portal_time, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    return 0;
}

int
portal_receipt_issue(struct portal_store *st, const char *station, struct receipt **out,
                     int *is_new, struct tt_err *err)
{
    const char *params[1] = {station};
    struct receipt *r = calloc(1, sizeof *r);
    struct text t = {0};
    int rc;

    *out = NULL;
    if (r == NULL)
        return tt_err_set(err, TT_ENOMEM, "portal_receipt_issue", "out of memory");
    rc = portal_store_begin(st, err);
    /* The row lock orders receipts against ingests of the same station. */
    if (rc == 0)
        rc = portal_store_exec(st, "SELECT 1 FROM stations WHERE station_id = $1 FOR UPDATE", 1,
                               params, NULL, err);
    if (rc == 0)
        rc = receipt_state(st, station, r, &t, err);
    if (rc == 0)
        rc = receipt_number(st, r, t.s, is_new, err);
    if (rc == 0)
        rc = portal_store_commit(st, err);
    free(t.s);
    if (rc < 0) {
        portal_store_rollback(st);
        receipt_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* Products and revoked keys into md, fingerprint into t. */
static int
masterdata_state(struct portal_store *st, struct masterdata *md, struct text *t, struct tt_err *err)
{
    PGresult *res;
    int rc = portal_store_exec(st,
                               "SELECT gtin, name, coalesce(name_en, ''), coalesce(unit, '')"
                               " FROM products ORDER BY gtin",
                               0, NULL, &res, err);
    int n;

    if (rc < 0)
        return rc;
    n = PQntuples(res);
    md->products = calloc((size_t)n + 1, sizeof *md->products);
    for (int i = 0; md->products != NULL && i < n; i++) {
        struct md_product *p = &md->products[i];

        snprintf(p->gtin, sizeof p->gtin, "%s", PQgetvalue(res, i, 0));
        snprintf(p->name_vi, sizeof p->name_vi, "%s", PQgetvalue(res, i, 1));
        snprintf(p->name_en, sizeof p->name_en, "%s", PQgetvalue(res, i, 2));
        snprintf(p->unit, sizeof p->unit, "%s", PQgetvalue(res, i, 3));
        p->variable = strcmp(p->unit, "KGM") == 0;
        text_add(t, "p|%s|%s|%s|%s\n", p->gtin, p->name_vi, p->name_en, p->unit);
    }
    md->n_products = (size_t)n;
    PQclear(res);
    if (md->products == NULL)
        return tt_err_set(err, TT_ENOMEM, "portal_masterdata_issue", "out of memory");
    rc = portal_store_exec(st,
                           "SELECT key_id FROM station_keys WHERE status = 'revoked'"
                           " ORDER BY key_id",
                           0, NULL, &res, err);
    if (rc < 0)
        return rc;
    n = PQntuples(res);
    md->revoked_keys = calloc((size_t)n + 1, sizeof *md->revoked_keys);
    for (int i = 0; md->revoked_keys != NULL && i < n; i++) {
        snprintf(md->revoked_keys[i], sizeof md->revoked_keys[i], "%s", PQgetvalue(res, i, 0));
        text_add(t, "k|%s\n", md->revoked_keys[i]);
    }
    md->n_revoked = (size_t)n;
    PQclear(res);
    if (md->revoked_keys == NULL || t->failed)
        return tt_err_set(err, TT_ENOMEM, "portal_masterdata_issue", "out of memory");
    return 0;
}

#define MD_TIME "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

int
portal_masterdata_issue(struct portal_store *st, struct masterdata **out, int *is_new,
                        struct tt_err *err)
{
    struct masterdata *md = calloc(1, sizeof *md);
    struct text t = {0};
    const char *params[1];
    PGresult *res = NULL;
    int rc;

    *out = NULL;
    if (md == NULL)
        return tt_err_set(err, TT_ENOMEM, "portal_masterdata_issue", "out of memory");
    rc = portal_store_begin(st, err);
    if (rc == 0)
        rc = portal_store_exec(st, "LOCK TABLE masterdata IN EXCLUSIVE MODE", 0, NULL, NULL, err);
    if (rc == 0)
        rc = masterdata_state(st, md, &t, err);
    params[0] = t.s != NULL ? t.s : "";
    if (rc == 0)
        rc = portal_store_exec(st,
                               "SELECT version, " MD_TIME " FROM masterdata WHERE version ="
                               " (SELECT max(version) FROM masterdata) AND payload = $1",
                               1, params, &res, err);
    if (rc == 0 && (*is_new = PQntuples(res) == 0)) {
        PQclear(res);
        rc = portal_store_exec(st,
                               "INSERT INTO masterdata (version, created_at, payload)"
                               " SELECT coalesce(max(version), 0) + 1, date_trunc('second',"
                               " now()), $1 FROM masterdata RETURNING version, " MD_TIME,
                               1, params, &res, err);
    }
    if (rc == 0) {
        md->version = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
        snprintf(md->portal_time, sizeof md->portal_time, "%s", PQgetvalue(res, 0, 1));
        rc = portal_store_commit(st, err);
    }
    PQclear(res);
    free(t.s);
    if (rc < 0) {
        portal_store_rollback(st);
        masterdata_free(md);
        return rc;
    }
    *out = md;
    return 0;
}

/* The file is already there: same number means same content, leave it. */
static int
exists_in(const char *dir, const char *name)
{
    char path[4200];
    struct stat sb;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &sb) == 0;
}

int
portal_receipt_put(const char *dir, const struct receipt *r, const struct sig_seckey *key,
                   int *written, struct tt_err *err)
{
    char name[32];

    *written = 0;
    receipt_file_name(r->receipt_seq, name);
    if (exists_in(dir, name))
        return 0;
    if (receipt_write(dir, r, key, err) < 0)
        return err != NULL ? err->code : TT_EIO;
    *written = 1;
    return 0;
}

int
portal_masterdata_put(const char *dir, const struct masterdata *md, const struct sig_seckey *key,
                      int *written, struct tt_err *err)
{
    char name[32];

    *written = 0;
    masterdata_file_name(md->version, name);
    if (exists_in(dir, name))
        return 0;
    if (masterdata_write(dir, md, key, err) < 0)
        return err != NULL ? err->code : TT_EIO;
    *written = 1;
    return 0;
}
