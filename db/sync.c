/*
 * sync.c — what the store remembers about sync (reference/sync.md): the
 * bundles written (exports, a hash chain numbered by the "bundle"
 * counter), their copies on sticks, and the portal's receipts, whose
 * numbers only go up. Nothing here reads or writes files; sync/ does.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db-internal.h"

#define EXPORT_COLS                                                                                \
    "SELECT bundle_seq, first_seq, last_seq, n_events, prev_b2, payload_b2, payload_size,"         \
    " file_name, created, clock_trusted, recorded_ms, coalesce(acked_by, 0) FROM exports"

static void
export_row(sqlite3_stmt *st, void *out)
{
    struct db_export *e = out;

    e->bundle_seq = sqlite3_column_int64(st, 0);
    e->first_seq = sqlite3_column_int64(st, 1);
    e->last_seq = sqlite3_column_int64(st, 2);
    e->n_events = sqlite3_column_int64(st, 3);
    db_col_text(st, 4, e->prev_b2, sizeof e->prev_b2);
    db_col_text(st, 5, e->payload_b2, sizeof e->payload_b2);
    e->payload_size = sqlite3_column_int64(st, 6);
    db_col_text(st, 7, e->file_name, sizeof e->file_name);
    db_col_text(st, 8, e->created, sizeof e->created);
    e->clock_trusted = sqlite3_column_int(st, 9);
    e->recorded_ms = sqlite3_column_int64(st, 10);
    e->acked_by = sqlite3_column_int64(st, 11);
    e->acked = e->acked_by > 0;
}

/* The newest export, or a zeroed one (bundle_seq 0) when none. */
static int
last_export(struct db *db, struct db_export *e, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, EXPORT_COLS " ORDER BY bundle_seq DESC LIMIT 1", err);
    int rc;

    memset(e, 0, sizeof *e);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        export_row(st, e);
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : db_fail(db, rc, err, "db_export", "reading the last export failed");
}

int
db_export_plan(struct db *db, struct db_export *out, struct tt_err *err)
{
    struct db_export last;
    int64_t counter = 0, newest = 0;
    int rc = last_export(db, &last, err);

    memset(out, 0, sizeof *out);
    if (rc == 0)
        rc = db_counter_peek(db, "bundle", &counter, err);
    if (rc == 0)
        rc = db_event_last_seq(db, &newest, err);
    if (rc != 0)
        return rc;
    /* The counter may be ahead of the table after a restore: numbers are never reused. */
    out->bundle_seq = (counter > last.bundle_seq ? counter : last.bundle_seq) + 1;
    snprintf(out->prev_b2, sizeof out->prev_b2, "%s", last.payload_b2);
    out->first_seq = last.last_seq + 1;
    out->last_seq = newest;
    out->n_events = newest >= out->first_seq ? newest - out->first_seq + 1 : 0;
    snprintf(out->file_name, sizeof out->file_name, "b-%08lld.ndjson.gz",
             (long long)out->bundle_seq);
    return 0;
}

static int
is_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

static int
export_insert(struct db *db, const struct db_export *e, struct tt_err *err)
{
    sqlite3_stmt *st =
        db_stmt(db,
                "INSERT INTO exports(bundle_seq, first_seq, last_seq, n_events, prev_b2,"
                " payload_b2, payload_size, file_name, created, clock_trusted, recorded_ms)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                err);

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, e->bundle_seq);
    sqlite3_bind_int64(st, 2, e->first_seq);
    sqlite3_bind_int64(st, 3, e->last_seq);
    sqlite3_bind_int64(st, 4, e->n_events);
    db_bind_text(st, 5, e->prev_b2);
    db_bind_text(st, 6, e->payload_b2);
    sqlite3_bind_int64(st, 7, e->payload_size);
    db_bind_text(st, 8, e->file_name);
    db_bind_text(st, 9, e->created);
    sqlite3_bind_int(st, 10, e->clock_trusted ? 1 : 0);
    sqlite3_bind_int64(st, 11, db_now_ms(db));
    return db_exec_stmt(db, st, err, "db_export_record");
}

int
db_export_record(struct db *db, const struct db_export *e, struct tt_err *err)
{
    struct db_export plan;
    struct db_write w;
    char subject[32];
    int rc;

    if (!is_hex(e->payload_b2, 64) || (e->prev_b2[0] != '\0' && !is_hex(e->prev_b2, 64)))
        return tt_err_set(err, TT_EINVAL, __func__,
                          "bundle hashes must be 64 lowercase hex digits (BLAKE2b-256)");
    if (e->file_name[0] == '\0' || e->n_events < 0 || e->last_seq < e->first_seq - 1)
        return tt_err_set(err, TT_EINVAL, __func__, "bundle %lld: bad file name or event range",
                          (long long)e->bundle_seq);
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = db_export_plan(db, &plan, err);
    if (rc == 0 && (e->bundle_seq != plan.bundle_seq || strcmp(e->prev_b2, plan.prev_b2) != 0 ||
                    e->first_seq != plan.first_seq))
        rc = tt_err_set(err, TT_ESTATE, __func__,
                        "bundle %lld does not follow the last one (expected bundle %lld from "
                        "event %lld); plan the export again",
                        (long long)e->bundle_seq, (long long)plan.bundle_seq,
                        (long long)plan.first_seq);
    if (rc == 0 && e->last_seq > plan.last_seq)
        rc = tt_err_set(err, TT_EINVAL, __func__, "bundle %lld ends after the newest event",
                        (long long)e->bundle_seq);
    if (rc == 0)
        rc = export_insert(db, e, err);
    if (rc == 0)
        rc = db_counter_raise_locked(db, "bundle", e->bundle_seq, err);
    snprintf(subject, sizeof subject, "%lld", (long long)e->bundle_seq);
    if (rc == 0)
        rc = db_audit_write(db, "export.record", subject, e->file_name, err);
    return db_write_end(db, &w, rc, err);
}

int
db_export_copied(struct db *db, int64_t bundle_seq, const char *volume, struct tt_err *err)
{
    struct db_write w;
    sqlite3_stmt *st;
    int rc = db_write_begin(db, &w, err);

    if (rc != 0)
        return rc;
    st = db_stmt(db, "INSERT INTO export_copies(bundle_seq, volume, at_ms) VALUES (?1, ?2, ?3)",
                 err);
    if (st == NULL) {
        rc = err != NULL ? err->code : TT_EIO;
    } else {
        sqlite3_bind_int64(st, 1, bundle_seq);
        db_bind_text(st, 2, volume != NULL ? volume : "");
        sqlite3_bind_int64(st, 3, db_now_ms(db));
        rc = db_exec_stmt(db, st, err, __func__);
        if (rc == TT_EINVAL)
            tt_err_set(err, TT_ENOTFOUND, __func__, "no bundle %lld", (long long)bundle_seq);
        if (rc == TT_EINVAL)
            rc = TT_ENOTFOUND;
    }
    return db_write_end(db, &w, rc, err);
}

int
db_export_get(struct db *db, int64_t bundle_seq, struct db_export *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, EXPORT_COLS " WHERE bundle_seq = ?1", err);

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, bundle_seq);
    return db_read_one(db, st, export_row, out, err, __func__, "a bundle", "no bundle %lld",
                       (long long)bundle_seq);
}

int
db_export_list_unacked(struct db *db, int (*cb)(void *ctx, const struct db_export *e), void *ctx,
                       struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, EXPORT_COLS " WHERE acked_by IS NULL ORDER BY bundle_seq", err);
    struct db_export e;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        export_row(st, &e);
        stop = cb(ctx, &e);
    }
    return db_rows_end(db, st, rc, stop, __func__, "bundles", err);
}

/* ---- receipts ------------------------------------------------------------------ */

static int
receipt_insert(struct db *db, const struct db_receipt *r, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "INSERT INTO receipts(receipt_seq, portal_time, portal_time_ms,"
                               " acked_through_bundle, acked_through_event, master_data_version,"
                               " station_key_status, payload_b2, recorded_ms)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                               err);

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, r->receipt_seq);
    db_bind_text(st, 2, r->portal_time);
    sqlite3_bind_int64(st, 3, r->portal_time_ms);
    sqlite3_bind_int64(st, 4, r->acked_through_bundle);
    sqlite3_bind_int64(st, 5, r->acked_through_event);
    sqlite3_bind_int64(st, 6, r->master_data_version);
    db_bind_text(st, 7, r->station_key_status);
    db_bind_text(st, 8, r->payload_b2);
    sqlite3_bind_int64(st, 9, db_now_ms(db));
    return db_exec_stmt(db, st, err, "db_receipt_record");
}

static int
receipt_items(struct db *db, int64_t receipt_seq, const struct db_receipt_item *items, size_t n,
              struct tt_err *err)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_stmt *st = db_stmt(db,
                                   "INSERT INTO receipt_items(receipt_seq, bundle_seq, event_id,"
                                   " kind, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   err);

        if (st == NULL)
            return err != NULL ? err->code : TT_EIO;
        sqlite3_bind_int64(st, 1, receipt_seq);
        sqlite3_bind_int64(st, 2, items[i].bundle_seq);
        db_bind_text(st, 3, items[i].event_id);
        db_bind_text(st, 4, items[i].kind);
        db_bind_text(st, 5, items[i].reason);
        rc = db_exec_stmt(db, st, err, "db_receipt_record");
    }
    return rc;
}

static int
receipt_ack(struct db *db, const struct db_receipt *r, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "UPDATE exports SET acked_by = ?1"
                               " WHERE bundle_seq <= ?2 AND acked_by IS NULL",
                               err);
    int rc;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, r->receipt_seq);
    sqlite3_bind_int64(st, 2, r->acked_through_bundle);
    rc = db_exec_stmt(db, st, err, "db_receipt_record");
    /* Never reuse a number the portal has seen, even after restoring an old database. */
    if (rc == 0)
        rc = db_counter_raise_locked(db, "bundle", r->acked_through_bundle, err);
    if (rc == 0 && r->portal_time_ms > 0)
        rc = db_counter_raise_locked(db, "clock.floor_ms", r->portal_time_ms, err);
    return rc;
}

int
db_receipt_record(struct db *db, const struct db_receipt *r, const struct db_receipt_item *items,
                  size_t n_items, struct tt_err *err)
{
    struct db_receipt last;
    struct db_write w;
    char subject[32];
    int rc;

    if (r->receipt_seq <= 0 || r->acked_through_bundle < 0 || r->acked_through_event < 0)
        return tt_err_set(err, TT_EINVAL, __func__, "receipt numbers must be positive");
    if (n_items > 0 && items == NULL)
        return tt_err_set(err, TT_EUSAGE, __func__, "receipt items missing");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = db_receipt_last(db, &last, NULL);
    if (rc == TT_ENOTFOUND) {
        rc = 0;
    } else if (rc == 0 && r->receipt_seq <= last.receipt_seq) {
        rc = tt_err_set(err, TT_ESTATE, __func__,
                        "receipt %lld is not newer than receipt %lld already stored (an old "
                        "receipt replayed?); ignored",
                        (long long)r->receipt_seq, (long long)last.receipt_seq);
    }
    if (rc == 0)
        rc = receipt_insert(db, r, err);
    if (rc == 0)
        rc = receipt_items(db, r->receipt_seq, items, n_items, err);
    if (rc == 0)
        rc = receipt_ack(db, r, err);
    snprintf(subject, sizeof subject, "%lld", (long long)r->receipt_seq);
    if (rc == 0)
        rc = db_audit_write(db, "receipt.record", subject, r->portal_time, err);
    return db_write_end(db, &w, rc, err);
}

int
db_receipt_last(struct db *db, struct db_receipt *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "SELECT receipt_seq, portal_time, portal_time_ms,"
                               " acked_through_bundle, acked_through_event, master_data_version,"
                               " station_key_status, payload_b2 FROM receipts"
                               " ORDER BY receipt_seq DESC LIMIT 1",
                               err);
    int rc;

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->receipt_seq = sqlite3_column_int64(st, 0);
        db_col_text(st, 1, out->portal_time, sizeof out->portal_time);
        out->portal_time_ms = sqlite3_column_int64(st, 2);
        out->acked_through_bundle = sqlite3_column_int64(st, 3);
        out->acked_through_event = sqlite3_column_int64(st, 4);
        out->master_data_version = sqlite3_column_int64(st, 5);
        db_col_text(st, 6, out->station_key_status, sizeof out->station_key_status);
        db_col_text(st, 7, out->payload_b2, sizeof out->payload_b2);
    }
    db_done(st);
    if (rc == SQLITE_DONE)
        return tt_err_set(err, TT_ENOTFOUND, __func__, "no receipt from the portal yet");
    return rc == SQLITE_ROW ? 0 : db_fail(db, rc, err, __func__, "reading receipts failed");
}
