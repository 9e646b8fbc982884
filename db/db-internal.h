/*
 * db-internal.h — what the files of db/ share and nobody else sees: the
 * struct db, the statement cache, the write-transaction helper, SQLite
 * error mapping and the event builder used by lots and labels.
 */
#ifndef TT_DB_INTERNAL_H
#define TT_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "db.h"

#define DB_STMT_CACHE 64

/*
 * Clocks on cheap PCs can be reset to the firmware date; no event can be
 * older than this software, so this is the lowest credible time
 * (2026-01-01T00:00:00Z).
 */
#define DB_BUILD_FLOOR_MS INT64_C(1767225600000)

struct db_stmt_slot {
    const char *sql; /* static string: the cache key is its address */
    sqlite3_stmt *st;
};

struct db {
    sqlite3 *sql;
    char *path;
    int safe_mode;
    int readonly;
    char safe_reason[256];
    int64_t (*now_fn)(void *ctx);
    void *now_ctx;
    int64_t operator_id;
    int n_stmts;
    struct db_stmt_slot stmts[DB_STMT_CACHE];
    int cursors_open;
    /* Settings are read by every event append: cached until this handle writes one or
     * PRAGMA data_version says another connection committed something. */
    struct db_settings settings;
    int settings_ok;
    int64_t settings_version;
};

/* Maps a SQLite result code to TT_E* and fills err with `what` + SQLite's words. */
int db_fail(struct db *db, int src, struct tt_err *err, const char *where, const char *what);

/*
 * A cached, reset and unbound statement for the static string `sql`.
 * Borrowed: valid until db_close; callers must sqlite3_reset it when done
 * (db_done does).
 */
sqlite3_stmt *db_stmt(struct db *db, const char *sql, struct tt_err *err);
void db_done(sqlite3_stmt *st);

/* Copies the current row of a statement into a struct of the caller's. */
typedef void (*db_row_fn)(sqlite3_stmt *st, void *out);

/*
 * Steps st once, then resets it: a row is copied into out by `row` (0);
 * no row is TT_ENOTFOUND with the message missing_fmt; a failure says
 * "reading <what> failed".
 */
int db_read_one(struct db *db, sqlite3_stmt *st, db_row_fn row, void *out, struct tt_err *err,
                const char *where, const char *what, const char *missing_fmt, ...)
    __attribute__((format(printf, 8, 9)));

/*
 * The first column of the one row of `sql` (a static string, no
 * parameters), or 0 when it gave none; a failure says "reading <what> failed".
 */
int db_read_int64(struct db *db, const char *sql, int64_t *out, const char *where, const char *what,
                  struct tt_err *err);

/*
 * Ends a `while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)`
 * loop: resets st and returns the callback's stop value, or the error
 * when the loop ended on one ("reading <what> failed").
 */
int db_rows_end(struct db *db, sqlite3_stmt *st, int rc, int stop, const char *where,
                const char *what, struct tt_err *err);

/* Runs a statement that returns no row (or whose rows are ignored). */
int db_exec_stmt(struct db *db, sqlite3_stmt *st, struct tt_err *err, const char *where);

/* Binds text, or NULL when `s` is NULL. */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Copies column text into a fixed buffer ("" for NULL). */
void db_col_text(sqlite3_stmt *st, int col, char *out, size_t out_len);

/*
 * Write scope: BEGIN IMMEDIATE when no transaction is open, else a
 * savepoint, so every public write is atomic and may also run inside a
 * caller's db_tx_begin. TT_EROFS in safe / read-only mode.
 */
struct db_write {
    int own_tx;
};
int db_write_begin(struct db *db, struct db_write *w, struct tt_err *err);
/* Commits (rc == 0) or undoes everything since db_write_begin; returns rc or the commit error. */
int db_write_end(struct db *db, struct db_write *w, int rc, struct tt_err *err);

int64_t db_now_ms(struct db *db);

/* Appends an audit row under the current operator (inside the caller's write). */
int db_audit_write(struct db *db, const char *action, const char *subject, const char *detail,
                   struct tt_err *err);

/* Counter helpers inside an open write. */
int db_counter_advance(struct db *db, const char *name, int64_t *value_out, struct tt_err *err);
int db_counter_raise_locked(struct db *db, const char *name, int64_t min, struct tt_err *err);

/* Formats ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmm+07:00" at tz_minutes. */
void db_format_time(int64_t ms, int tz_minutes, char out[40]);

/* "YYYY-MM-DD" of ms at tz_minutes (the station's local date). */
void db_format_date(int64_t ms, int tz_minutes, char out[11]);

/* "YYYY-MM-DD" of a civil date. */
void db_format_ymd(int64_t y, unsigned m, unsigned d, char out[11]);

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithm). */
int64_t db_days_from_civil(int64_t y, unsigned m, unsigned d);
void db_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* 1 when s is well-formed UTF-8 (NULL counts as well-formed: "not given"). */
int db_utf8_ok(const char *s);

/* Validates "YYYY-MM-DD" (a real calendar date); 0 or TT_EINVAL. */
int db_check_date(const char *s, const char *what, struct tt_err *err);

/* Schema (schema.c): applies migrations from the file's version up to `target`. */
int db_schema_migrate(sqlite3 *sql, int target, struct tt_err *err);

/* ---- the event builder (epcis.c) ---- */

/* What the builder needs from the store besides the caller's event. */
struct db_event_ctx {
    int64_t seq;
    int64_t time_ms;
    int tz_minutes;
    const char *tz;         /* "+07:00" */
    const char *station_id; /* tt:station */
    const char *clock;      /* "ok", "backwards", "before-floor" */
};

/*
 * Builds the complete event JSON (compact, one line) with its eventID.
 * Returns owned *json_out (free()). TT_EINVAL for an ill-formed event.
 */
int db_epcis_build(const struct db_event_new *ev, const struct db_event_ctx *ctx, char **json_out,
                   char event_id[96], struct tt_err *err);

/* The event hash of an already parsed event (or document); see db_epcis_hash. */
typedef struct json_t json_t;
int db_epcis_hash_json(json_t *root, char out[96], struct tt_err *err);

/* 1 when `word` is a CBV 2.0 bizStep / disposition (bare form). */
int db_cbv_is_bizstep(const char *word);
int db_cbv_is_disposition(const char *word);

/* Event append inside an open write (labels, lots). */
int db_event_append_locked(struct db *db, const struct db_event_new *ev, struct db_event_info *out,
                           struct tt_err *err);

#endif
