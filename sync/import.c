/*
 * import.c — receipts and master data from the portal, on the station
 * (export.h). Order as TUF teaches: verify the signature, parse, check
 * every rule against the stored state, and only then store the new state
 * in one transaction. A replayed or older file changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "epcis-check.h"
#include "export.h"

/* Milliseconds since the epoch of an RFC 3339 time, or 0 when it does not parse. */
static int64_t
parse_time_ms(const char *s)
{
    struct tm tm;
    int off = 0;
    const char *p = s + 19;

    if (epcis_check_time(s) != 0)
        return 0;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (*p == '.')
        while (*++p >= '0' && *p <= '9')
            ;
    if (*p == '+' || *p == '-')
        off = ((p[1] - '0') * 10 + (p[2] - '0')) * 60 + (p[4] - '0') * 10 + (p[5] - '0');
    if (*p == '-')
        off = -off;
    return ((int64_t)timegm(&tm) - (int64_t)off * 60) * 1000;
}

static int
portal_key(const struct sync_paths *p, struct sig_pubkey *pub, struct tt_err *err)
{
    char path[4200];
    int rc;

    snprintf(path, sizeof path, "%s/portal.pub", p->keydir);
    rc = sig_pubkey_read(path, pub, err);
    if (rc == TT_ENOTFOUND)
        return tt_err_set(err, TT_ENOTFOUND, "sync_import",
                          "no portal key is pinned: run 'tramtem key portal PORTAL.pub' first");
    return rc;
}

/* What this station has sent: the highest bundle made and its last event. */
static int
sent_so_far(struct db *db, uint64_t *bundle, uint64_t *event, struct tt_err *err)
{
    int64_t n = 0;
    struct db_export e;
    int rc = db_counter_peek(db, "bundle", &n, err);

    *bundle = 0;
    *event = 0;
    if (rc != 0 || n <= 0)
        return rc;
    *bundle = (uint64_t)n;
    rc = db_export_get(db, n, &e, err);
    if (rc == 0)
        *event = (uint64_t)e.last_seq;
    else if (rc == TT_ENOTFOUND) /* numbers raised past a backup: nothing sent under them */
        rc = 0;
    return rc;
}

static const char *
item_kind_name(enum receipt_item_kind k)
{
    switch (k) {
    case RECEIPT_DUPLICATE:
        return "duplicate";
    case RECEIPT_REJECTED:
        return "rejected";
    case RECEIPT_GAP:
        return "gap";
    case RECEIPT_CONFLICT:
        return "conflict";
    default:
        return "accepted";
    }
}

static int
store_receipt(struct db *db, const struct receipt *r, const char *text, size_t len,
              struct tt_err *err)
{
    struct db_receipt dr;
    struct db_receipt_item *items = calloc(r->n_items + 1, sizeof *items);
    uint8_t b2[SIG_B2_256_LEN];
    size_t n = 0;
    int rc;

    if (items == NULL)
        return tt_err_set(err, TT_ENOMEM, "sync_import", "no memory");
    memset(&dr, 0, sizeof dr);
    dr.receipt_seq = (int64_t)r->receipt_seq;
    snprintf(dr.portal_time, sizeof dr.portal_time, "%s", r->portal_time);
    dr.portal_time_ms = parse_time_ms(r->portal_time);
    dr.acked_through_bundle = (int64_t)r->acked_through_bundle;
    dr.acked_through_event = (int64_t)r->acked_through_event;
    dr.master_data_version = (int64_t)r->master_data_version;
    snprintf(dr.station_key_status, sizeof dr.station_key_status, "%s", r->station_key_status);
    crypto_generichash(b2, sizeof b2, (const unsigned char *)text, len, NULL, 0);
    sig_hex(b2, sizeof b2, dr.payload_b2);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct receipt_item *it = &r->items[i];

        if (it->kind == RECEIPT_ACCEPTED)
            continue; /* acceptance is the acked_through mark itself */
        items[n].bundle_seq = (int64_t)it->bundle_seq;
        snprintf(items[n].event_id, sizeof items[n].event_id, "%s", it->event_id);
        snprintf(items[n].kind, sizeof items[n].kind, "%s", item_kind_name(it->kind));
        snprintf(items[n].reason, sizeof items[n].reason, "%s", it->reason);
        n++;
    }
    rc = db_receipt_record(db, &dr, items, n, err);
    free(items);
    return rc;
}

static int
import_receipt(struct db *db, const struct sync_paths *p, const char *text, size_t len,
               const char *trusted, struct sync_import_result *res, struct tt_err *err)
{
    struct receipt *r = NULL;
    struct sig_pubkey pub;
    struct db_receipt last;
    char station[BUNDLE_STATION_MAX], kid[17];
    uint64_t last_seq = 0, sent_bundle, sent_event;
    int rc;

    if ((rc = receipt_parse(text, len, trusted, &r, err)) != 0)
        return rc;
    if ((rc = sync_key_public(p, &pub, err)) == 0 &&
        (rc = sync_station_id(db, &pub, station, err)) == 0) {
        sig_keyid_hex(pub.key_id, kid);
        rc = db_receipt_last(db, &last, err);
        if (rc == 0)
            last_seq = (uint64_t)last.receipt_seq;
        else if (rc == TT_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0)
        rc = sent_so_far(db, &sent_bundle, &sent_event, err);
    if (rc == 0)
        rc = receipt_check_station(r, station, kid, last_seq, sent_bundle, sent_event, err);
    if (rc == 0 && (rc = store_receipt(db, r, text, len, err)) != 0 && rc == TT_ESTATE &&
        err != NULL)
        err->detail = RECEIPT_P_REPLAY; /* another process stored a newer one meanwhile */
    if (rc == 0) {
        res->seq = r->receipt_seq;
        res->acked_through = r->acked_through_bundle;
        for (size_t i = 0; i < r->n_items; i++)
            res->n_items += r->items[i].kind != RECEIPT_ACCEPTED;
    }
    receipt_free(r);
    return rc;
}

static int
write_revoked(const struct sync_paths *p, const struct masterdata *md, struct tt_err *err)
{
    char path[4200], tmp[4300];
    FILE *f;
    int ok;

    snprintf(path, sizeof path, "%s/revoked.txt", p->keydir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if ((f = fopen(tmp, "we")) == NULL)
        return tt_err_set(err, TT_EIO, "sync_import", "cannot write %s: %s", tmp, strerror(errno));
    for (size_t i = 0; i < md->n_revoked; i++)
        fprintf(f, "%s\n", md->revoked_keys[i]);
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return tt_err_set(err, TT_EIO, "sync_import", "cannot write %s", path);
    }
    return 0;
}

static int
add_products(struct db *db, const struct masterdata *md, size_t *added, struct tt_err *err)
{
    for (size_t i = 0; i < md->n_products; i++) {
        const struct md_product *mp = &md->products[i];
        struct db_product prod;
        int rc = db_product_find(db, mp->gtin, &prod, NULL);

        if (rc == 0)
            continue; /* known: the station's own record stays */
        memset(&prod, 0, sizeof prod);
        snprintf(prod.gtin, sizeof prod.gtin, "%s", mp->gtin);
        snprintf(prod.name_vi, sizeof prod.name_vi, "%s", mp->name_vi);
        snprintf(prod.name_en, sizeof prod.name_en, "%s", mp->name_en);
        snprintf(prod.unit, sizeof prod.unit, "%s", mp->unit);
        prod.variable = mp->variable;
        prod.active = 1;
        if ((rc = db_product_add(db, &prod, NULL, err)) != 0)
            return rc;
        (*added)++;
    }
    return 0;
}

static int
import_masterdata(struct db *db, const struct sync_paths *p, const char *text, size_t len,
                  const char *trusted, struct sync_import_result *res, struct tt_err *err)
{
    struct masterdata *md = NULL;
    int64_t have = 0;
    int rc;

    if ((rc = masterdata_parse(text, len, trusted, &md, err)) != 0)
        return rc;
    if ((rc = db_counter_peek(db, "masterdata", &have, err)) == 0 && md->version <= (uint64_t)have)
        rc = tt_err_setd(err, TT_ESTATE, RECEIPT_P_REPLAY, "sync_import",
                         "master data version %" PRIu64 " is not newer than version %" PRId64
                         " already imported: nothing changed",
                         md->version, have);
    if (rc == 0 && (rc = db_tx_begin(db, err)) == 0) {
        rc = add_products(db, md, &res->n_products, err);
        if (rc == 0)
            rc = db_counter_raise(db, "masterdata", (int64_t)md->version, err);
        if (rc == 0)
            rc = write_revoked(p, md, err);
        if (rc == 0)
            rc = db_tx_commit(db, err);
        else
            db_tx_rollback(db);
    }
    if (rc == 0)
        res->seq = md->version;
    masterdata_free(md);
    return rc;
}

int
sync_import(struct db *db, const struct sync_paths *p, const char *file,
            struct sync_import_result *res, struct tt_err *err)
{
    struct sync_import_result local;
    struct sig_pubkey portal;
    char *text = NULL, *trusted = malloc(SIG_TRUSTED_MAX + 1);
    size_t len = 0;
    int kind = 0, rc;

    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    if (trusted == NULL)
        return tt_err_set(err, TT_ENOMEM, "sync_import", "no memory");
    if ((rc = portal_key(p, &portal, err)) == 0 &&
        (rc = receipt_read_signed(file, &portal, &kind, &text, &len, trusted, err)) == 0) {
        res->kind = kind;
        if (kind == 'r')
            rc = import_receipt(db, p, text, len, trusted, res, err);
        else
            rc = import_masterdata(db, p, text, len, trusted, res, err);
    }
    free(text);
    free(trusted);
    return rc;
}
