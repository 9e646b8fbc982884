/*
 * events.c — the append-only EPCIS event log: appending (with the clock
 * sanity check recorded on each event), walking events after a seq in
 * constant memory (callback or cursor), and the clock check itself.
 *
 * seq is assigned as max(seq)+1 inside the write transaction (which holds
 * SQLite's write lock), so it is gap-free and monotonic; the triggers of
 * schema v3 make UPDATE and DELETE on events fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db-internal.h"

#define CLOCK_FLOOR "clock.floor_ms"

static const char *const event_type_names[] = {"ObjectEvent", "AggregationEvent",
                                               "TransformationEvent"};

/* Time floor = max(build floor, newest event time seen, receipt portal time). */
static int
time_floor(struct db *db, int64_t *floor_out, struct tt_err *err)
{
    int64_t v = 0;
    int rc = db_counter_peek(db, CLOCK_FLOOR, &v, err);

    *floor_out = v > DB_BUILD_FLOOR_MS ? v : DB_BUILD_FLOOR_MS;
    return rc;
}

int
db_clock_check(struct db *db, struct db_clock_state *out, struct tt_err *err)
{
    int rc = time_floor(db, &out->floor_ms, err);

    out->now_ms = db_now_ms(db);
    out->ok = out->now_ms >= out->floor_ms;
    return rc;
}

static int
next_seq(struct db *db, int64_t *seq, struct tt_err *err)
{
    return db_read_int64(db, "SELECT coalesce(max(seq), 0) + 1 FROM events", seq, __func__,
                         "the last event", err);
}

/* The station's default read point: its coop GLN. */
static void
default_location(const struct db_settings *s, char out[64])
{
    out[0] = '\0';
    if (s->coop_gln[0] != '\0')
        snprintf(out, 64, "https://id.gs1.org/414/%s", s->coop_gln);
}

static int
store_event(struct db *db, int64_t seq, const struct db_event_new *ev, int64_t now, int clock_ok,
            const char *json, const char *event_id, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "INSERT INTO events(seq, event_id, type, biz_step, event_time_ms,"
                               " clock_ok, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                               err);
    int rc;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, seq);
    db_bind_text(st, 2, event_id);
    db_bind_text(st, 3, event_type_names[ev->type]);
    db_bind_text(st, 4, ev->biz_step);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int(st, 6, clock_ok);
    sqlite3_bind_text(st, 7, json, -1, SQLITE_STATIC);
    rc = db_exec_stmt(db, st, err, "db_event_append");
    if (rc == TT_EEXIST)
        tt_err_set(err, rc, "db_event_append", "an event with id %s is already stored", event_id);
    return rc;
}

int
db_event_append_locked(struct db *db, const struct db_event_new *ev, struct db_event_info *out,
                       struct tt_err *err)
{
    struct db_settings s;
    struct db_event_ctx ctx;
    struct db_event_new local = *ev;
    char where[64], event_id[96];
    int64_t floor_ms, seq = 0, now = db_now_ms(db);
    char *json = NULL;
    int rc;

    rc = db_settings_get(db, &s, err);
    if (rc == 0)
        rc = time_floor(db, &floor_ms, err);
    if (rc == 0)
        rc = next_seq(db, &seq, err);
    if (rc != 0)
        return rc;
    default_location(&s, where);
    if (local.read_point == NULL)
        local.read_point = where;
    if (local.biz_location == NULL)
        local.biz_location = where;
    ctx.seq = seq;
    ctx.time_ms = now;
    ctx.tz_minutes = s.tz_minutes;
    ctx.tz = s.tz;
    ctx.station_id = s.station_id;
    /* Below the floor: either before this software existed, or before the newest event. */
    ctx.clock = now >= floor_ms                ? "ok"
                : floor_ms > DB_BUILD_FLOOR_MS ? "backwards"
                                               : "before-floor";
    if (now < DB_BUILD_FLOOR_MS)
        ctx.clock = "before-floor";
    rc = db_epcis_build(&local, &ctx, &json, event_id, err);
    if (rc == 0)
        rc = store_event(db, seq, &local, now, now >= floor_ms, json, event_id, err);
    free(json);
    /* A trusted clock raises the floor; a wrong one must not drag it along. */
    if (rc == 0 && now >= floor_ms)
        rc = db_counter_raise_locked(db, CLOCK_FLOOR, now, err);
    if (rc == 0 && out != NULL) {
        out->seq = seq;
        snprintf(out->event_id, sizeof out->event_id, "%s", event_id);
        out->clock_ok = now >= floor_ms;
    }
    return rc;
}

int
db_event_append(struct db *db, const struct db_event_new *ev, struct db_event_info *out,
                struct tt_err *err)
{
    struct db_write w;
    int rc;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (ev == NULL)
        return tt_err_set(err, TT_EUSAGE, __func__, "no event given");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = db_event_append_locked(db, ev, out, err);
    return db_write_end(db, &w, rc, err);
}

static void
event_row(sqlite3_stmt *st, struct db_event_row *row)
{
    row->seq = sqlite3_column_int64(st, 0);
    row->event_id = (const char *)sqlite3_column_text(st, 1);
    row->type = (const char *)sqlite3_column_text(st, 2);
    row->biz_step = (const char *)sqlite3_column_text(st, 3);
    row->event_time_ms = sqlite3_column_int64(st, 4);
    row->clock_ok = sqlite3_column_int(st, 5);
    row->json = (const char *)sqlite3_column_text(st, 6);
    row->json_len = (size_t)sqlite3_column_bytes(st, 6);
}

#define EVENT_WALK                                                                                 \
    "SELECT seq, event_id, type, biz_step, event_time_ms, clock_ok, json FROM events"              \
    " WHERE seq > ?1 ORDER BY seq LIMIT ?2"

int
db_events_after(struct db *db, int64_t after_seq, int64_t limit,
                int (*cb)(void *ctx, const struct db_event_row *row), void *ctx, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, EVENT_WALK, err);
    struct db_event_row row;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, after_seq);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
    /* One statement = one read snapshot; rows stream, nothing accumulates. */
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        event_row(st, &row);
        stop = cb(ctx, &row);
    }
    return db_rows_end(db, st, rc, stop, __func__, "events", err);
}

struct db_event_cursor {
    struct db *db;
    sqlite3_stmt *st; /* its own statement: several cursors may be open */
};

int
db_event_cursor_open(struct db *db, int64_t after_seq, struct db_event_cursor **out,
                     struct tt_err *err)
{
    struct db_event_cursor *c;
    int rc;

    *out = NULL;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    rc = sqlite3_prepare_v2(db->sql, EVENT_WALK, -1, &c->st, NULL);
    if (rc != SQLITE_OK) {
        free(c);
        return db_fail(db, rc, err, __func__, "preparing the event walk failed");
    }
    sqlite3_bind_int64(c->st, 1, after_seq);
    sqlite3_bind_int64(c->st, 2, -1);
    c->db = db;
    db->cursors_open++;
    *out = c;
    return 0;
}

int
db_event_cursor_next(struct db_event_cursor *cur, struct db_event_row *row, struct tt_err *err)
{
    int rc = sqlite3_step(cur->st);

    if (rc == SQLITE_ROW) {
        event_row(cur->st, row);
        return 1;
    }
    if (rc == SQLITE_DONE)
        return 0;
    return db_fail(cur->db, sqlite3_extended_errcode(cur->db->sql), err, __func__,
                   "reading events failed");
}

void
db_event_cursor_free(struct db_event_cursor *cur)
{
    if (cur == NULL)
        return;
    sqlite3_finalize(cur->st);
    cur->db->cursors_open--;
    free(cur);
}

int
db_event_last_seq(struct db *db, int64_t *seq_out, struct tt_err *err)
{
    return db_read_int64(db, "SELECT coalesce(max(seq), 0) FROM events", seq_out, __func__,
                         "the last event", err);
}
