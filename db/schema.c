/*
 * schema.c — opening the store: pragmas, the integrity check and read-only
 * safe mode, forward-only schema migrations (PRAGMA user_version), the
 * statement cache, write transactions and SQLite error mapping.
 *
 * Migrations are a list of SQL scripts, one per version, never edited once
 * released: a file at version N runs scripts N+1.. in one transaction. The
 * test keeps SQL dumps of databases made at every earlier version
 * (tests/data/db-schema-v*.sql) and migrates them.
 */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db-internal.h"

#define BUSY_TIMEOUT_MS 10000

/* Version 1: the station's core tables. */
static const char schema_v1[] =
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE operators(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('operator','manager','trainer')),"
    " pin_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),"
    " created_ms INTEGER NOT NULL);"
    "CREATE TABLE places(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('farm','plot','packhouse','store')),"
    " gln TEXT NOT NULL DEFAULT '', commune TEXT NOT NULL DEFAULT '',"
    " province TEXT NOT NULL DEFAULT '', parent_id INTEGER REFERENCES places(id));"
    "CREATE TABLE products(id INTEGER PRIMARY KEY,"
    " gtin TEXT NOT NULL UNIQUE CHECK (length(gtin) = 14), name_vi TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '', variable INTEGER NOT NULL DEFAULT 0,"
    " unit TEXT NOT NULL, shelf_life_days INTEGER NOT NULL DEFAULT 0 CHECK (shelf_life_days >= 0),"
    " template TEXT NOT NULL, image_path TEXT NOT NULL DEFAULT '',"
    " active INTEGER NOT NULL DEFAULT 1, created_ms INTEGER NOT NULL);"
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,"
    " type TEXT NOT NULL, biz_step TEXT NOT NULL, event_time_ms INTEGER NOT NULL,"
    " clock_ok INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE TABLE lots(id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL REFERENCES products(id),"
    " code TEXT NOT NULL, harvest_from TEXT NOT NULL DEFAULT '',"
    " harvest_to TEXT NOT NULL DEFAULT '', place_id INTEGER REFERENCES places(id),"
    " operator_id INTEGER REFERENCES operators(id), quantity_g INTEGER NOT NULL DEFAULT 0,"
    " closed INTEGER NOT NULL DEFAULT 0, opened_ms INTEGER NOT NULL, closed_ms INTEGER,"
    " open_event_seq INTEGER REFERENCES events(seq), UNIQUE (product_id, code));"
    "CREATE TABLE labels(id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES lots(id),"
    " gtin TEXT NOT NULL, serial TEXT, sscc TEXT UNIQUE, expiry TEXT NOT NULL DEFAULT '',"
    " net_weight_g INTEGER NOT NULL DEFAULT 0, gs1 TEXT NOT NULL, dl_uri TEXT NOT NULL,"
    " template TEXT NOT NULL, printer TEXT NOT NULL DEFAULT '', job_id TEXT NOT NULL DEFAULT '',"
    " state TEXT NOT NULL CHECK (state IN ('queued','sent','printed','failed','void')),"
    " reason TEXT NOT NULL DEFAULT '', operator_id INTEGER REFERENCES operators(id),"
    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    " event_seq INTEGER NOT NULL REFERENCES events(seq), UNIQUE (gtin, serial));"
    "CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE audit(id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, operator_id INTEGER,"
    " action TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');";

/* Version 2: the record of sync bundles, their copies on sticks, and portal receipts. */
static const char schema_v2[] =
    "CREATE TABLE exports(bundle_seq INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL,"
    " last_seq INTEGER NOT NULL, n_events INTEGER NOT NULL, prev_b2 TEXT NOT NULL,"
    " payload_b2 TEXT NOT NULL UNIQUE, payload_size INTEGER NOT NULL, file_name TEXT NOT NULL,"
    " created TEXT NOT NULL, clock_trusted INTEGER NOT NULL, recorded_ms INTEGER NOT NULL,"
    " acked_by INTEGER);"
    "CREATE TABLE export_copies(id INTEGER PRIMARY KEY,"
    " bundle_seq INTEGER NOT NULL REFERENCES exports(bundle_seq), volume TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL);"
    "CREATE TABLE receipts(receipt_seq INTEGER PRIMARY KEY, portal_time TEXT NOT NULL,"
    " portal_time_ms INTEGER NOT NULL, acked_through_bundle INTEGER NOT NULL,"
    " acked_through_event INTEGER NOT NULL, master_data_version INTEGER NOT NULL,"
    " station_key_status TEXT NOT NULL, payload_b2 TEXT NOT NULL, recorded_ms INTEGER NOT NULL);"
    "CREATE TABLE receipt_items(id INTEGER PRIMARY KEY,"
    " receipt_seq INTEGER NOT NULL REFERENCES receipts(receipt_seq),"
    " bundle_seq INTEGER NOT NULL DEFAULT 0, event_id TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');";

/* Version 3: append-only events and audit, undeletable labels and lots, enforced by the
 * file itself; list indexes. */
static const char schema_v3[] =
    "CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER labels_keep_d BEFORE DELETE ON labels"
    " BEGIN SELECT RAISE(ABORT, 'labels are never deleted; void them'); END;"
    "CREATE TRIGGER labels_keep_identity BEFORE UPDATE OF lot_id, gtin, serial, sscc, gs1,"
    " event_seq ON labels BEGIN SELECT RAISE(ABORT, 'a label''s identity never changes'); END;"
    "CREATE TRIGGER lots_keep_d BEFORE DELETE ON lots"
    " BEGIN SELECT RAISE(ABORT, 'lots are never deleted; close them'); END;"
    "CREATE INDEX labels_by_state ON labels(state, id);"
    "CREATE INDEX lots_by_state ON lots(closed, id);";

static const char *const migrations[] = {NULL, schema_v1, schema_v2, schema_v3};

int
db_fail(struct db *db, int src, struct tt_err *err, const char *where, const char *what)
{
    const char *msg = db != NULL && db->sql != NULL ? sqlite3_errmsg(db->sql) : sqlite3_errstr(src);
    int code;

    switch (src & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = TT_EBUSY;
        return tt_err_set(err, code, where,
                          "%s: the database is busy (another tramtem is writing); try again", what);
    case SQLITE_FULL:
        return tt_err_set(err, TT_ENOSPC, where, "%s: the disk is full; free some space", what);
    case SQLITE_IOERR:
        return tt_err_set(err, TT_EIO, where,
                          "%s: %s; the disk may be full or failing, nothing was saved", what, msg);
    case SQLITE_CANTOPEN:
        code = TT_EIO;
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        code = TT_ECORRUPT;
        break;
    case SQLITE_READONLY:
        code = TT_EROFS;
        break;
    case SQLITE_PERM:
    case SQLITE_AUTH:
        code = TT_EACCESS;
        break;
    case SQLITE_NOMEM:
        code = TT_ENOMEM;
        break;
    case SQLITE_CONSTRAINT:
        code = src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY ? TT_EEXIST
                                                                                      : TT_EINVAL;
        break;
    default:
        code = TT_EIO;
        break;
    }
    return tt_err_set(err, code, where, "%s: %s", what, msg);
}

sqlite3_stmt *
db_stmt(struct db *db, const char *sql, struct tt_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    for (int i = 0; i < db->n_stmts; i++)
        if (db->stmts[i].sql == sql)
            return db->stmts[i].st;
    rc = sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        db_fail(db, rc, err, "db_stmt", "preparing a query failed");
        return NULL;
    }
    if (db->n_stmts < DB_STMT_CACHE) {
        db->stmts[db->n_stmts].sql = sql;
        db->stmts[db->n_stmts].st = st;
        db->n_stmts++;
    } else {
        /* Cannot happen with the fixed set of queries; keep the handle alive anyway. */
        db->stmts[DB_STMT_CACHE - 1].sql = NULL;
        sqlite3_finalize(db->stmts[DB_STMT_CACHE - 1].st);
        db->stmts[DB_STMT_CACHE - 1].sql = sql;
        db->stmts[DB_STMT_CACHE - 1].st = st;
    }
    return st;
}

void
db_done(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

int
db_exec_stmt(struct db *db, sqlite3_stmt *st, struct tt_err *err, const char *where)
{
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        rc = sqlite3_extended_errcode(db->sql);
        db_done(st);
        return db_fail(db, rc, err, where, "writing to the database failed");
    }
    db_done(st);
    return 0;
}

void
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

void
db_col_text(sqlite3_stmt *st, int col, char *out, size_t out_len)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    snprintf(out, out_len, "%s", t != NULL ? (const char *)t : "");
}

static int
exec_simple(struct db *db, const char *sql, struct tt_err *err, const char *what)
{
    int rc = sqlite3_exec(db->sql, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0
                           : db_fail(db, sqlite3_extended_errcode(db->sql), err, __func__, what);
}

int
db_write_begin(struct db *db, struct db_write *w, struct tt_err *err)
{
    w->own_tx = 0;
    if (db->safe_mode || db->readonly)
        return tt_err_set(err, TT_EROFS, __func__, "the database is open read-only%s%s",
                          db->safe_mode ? " (safe mode: " : "",
                          db->safe_mode ? "its check failed; restore a backup)" : "");
    if (sqlite3_get_autocommit(db->sql)) {
        w->own_tx = 1;
        return exec_simple(db, "BEGIN IMMEDIATE", err, "starting a write");
    }
    return exec_simple(db, "SAVEPOINT tt_write", err, "starting a write");
}

int
db_write_end(struct db *db, struct db_write *w, int rc, struct tt_err *err)
{
    if (rc == 0) {
        rc = exec_simple(db, w->own_tx ? "COMMIT" : "RELEASE tt_write", err, "saving");
        if (rc == 0)
            return 0;
    }
    db->settings_ok = 0; /* the cache may hold a value that was just undone */
    if (w->own_tx) {
        if (!sqlite3_get_autocommit(db->sql))
            sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    } else {
        sqlite3_exec(db->sql, "ROLLBACK TO tt_write; RELEASE tt_write", NULL, NULL, NULL);
    }
    return rc;
}

int
db_tx_begin(struct db *db, struct tt_err *err)
{
    if (db->safe_mode || db->readonly)
        return tt_err_set(err, TT_EROFS, __func__, "the database is open read-only");
    if (!sqlite3_get_autocommit(db->sql))
        return tt_err_set(err, TT_EUSAGE, __func__, "a transaction is already open");
    return exec_simple(db, "BEGIN IMMEDIATE", err, "starting a transaction");
}

int
db_tx_commit(struct db *db, struct tt_err *err)
{
    int rc;

    if (sqlite3_get_autocommit(db->sql))
        return tt_err_set(err, TT_EUSAGE, __func__, "no transaction is open");
    rc = exec_simple(db, "COMMIT", err, "saving the transaction");
    if (rc != 0)
        db_tx_rollback(db);
    return rc;
}

void
db_tx_rollback(struct db *db)
{
    if (db != NULL)
        db->settings_ok = 0;
    if (db != NULL && !sqlite3_get_autocommit(db->sql))
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

static int64_t
system_now_ms(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
db_now_ms(struct db *db)
{
    return db->now_fn(db->now_ctx);
}

void
db_set_clock(struct db *db, int64_t (*now_ms)(void *ctx), void *ctx)
{
    db->now_fn = now_ms != NULL ? now_ms : system_now_ms;
    db->now_ctx = now_ms != NULL ? ctx : NULL;
}

static int
user_version(sqlite3 *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

int
db_schema_migrate(sqlite3 *sql, int target, struct tt_err *err)
{
    int version = 0, rc;
    char pragma[64];

    rc = sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = user_version(sql, &version);
    for (int v = version + 1; rc == SQLITE_OK && v <= target; v++) {
        rc = sqlite3_exec(sql, migrations[v], NULL, NULL, NULL);
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(sql, pragma, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        int ext = sqlite3_extended_errcode(sql);

        tt_err_set(err, (ext & 0xff) == SQLITE_BUSY ? TT_EBUSY : TT_EIO, __func__,
                   "updating the database from version %d to %d failed: %s", version, target,
                   sqlite3_errmsg(sql));
        sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
        return err != NULL ? err->code : TT_EIO;
    }
    return 0;
}

/* Creates the folder of `path` (one level, as XDG_DATA_HOME/tramtem). */
static void
make_parent_dir(const char *path)
{
    char dir[PATH_MAX];
    char *slash;

    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0700) != 0 && errno == ENOENT) {
        make_parent_dir(dir);
        mkdir(dir, 0700);
    }
}

/* PRAGMA quick_check: "" when ok, else the first problem in `out`. */
static int
quick_check(sqlite3 *sql, char *out, size_t out_len)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sql, "PRAGMA quick_check(1)", -1, &st, NULL);

    out[0] = '\0';
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);

        if (t == NULL || strcmp(t, "ok") != 0)
            snprintf(out, out_len, "%s", t != NULL ? t : "no answer");
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        snprintf(out, out_len, "%s", sqlite3_errmsg(sql));
    sqlite3_finalize(st);
    return rc;
}

static int
set_pragmas(struct db *db, struct tt_err *err)
{
    int rc = sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);

    if (rc != SQLITE_OK)
        return db_fail(db, rc, err, __func__, "setting the busy timeout failed");
    sqlite3_extended_result_codes(db->sql, 1);
    if (!db->readonly) {
        rc = exec_simple(db, "PRAGMA journal_mode=WAL", err, "switching to WAL");
        if (rc != 0)
            return rc;
    }
    /* FULL: a commit is on disk when it returns; power cuts lose nothing acknowledged. */
    rc = exec_simple(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err,
                     "setting durability");
    if (rc == 0)
        rc = exec_simple(db, "PRAGMA trusted_schema=OFF", err, "setting trusted_schema");
    /* 16 MiB of page cache: the eventID index takes random inserts; no mmap, because an
     * I/O error on a mapped page is a SIGBUS instead of an error code. */
    if (rc == 0)
        rc = exec_simple(db, "PRAGMA cache_size=-16384", err, "setting the cache size");
    return rc;
}

/* Reopens read-only after a failed check; the reason stays for the station to show. */
static int
enter_safe_mode(struct db *db, const char *why, struct tt_err *err)
{
    int rc;

    snprintf(db->safe_reason, sizeof db->safe_reason, "%s", why);
    db->safe_mode = 1;
    db->readonly = 1;
    sqlite3_close_v2(db->sql);
    db->sql = NULL;
    rc = sqlite3_open_v2(db->path, &db->sql, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK)
        return db_fail(db, rc, err, __func__, "reopening the damaged database read-only failed");
    sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
    sqlite3_exec(db->sql, "PRAGMA query_only=ON", NULL, NULL, NULL);
    return 0;
}

static int
first_use(struct db *db, struct tt_err *err)
{
    unsigned char rnd[4];
    char id[16];
    sqlite3_stmt *st;

    randombytes_buf(rnd, sizeof rnd);
    snprintf(id, sizeof id, "st-%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    st = db_stmt(db, "INSERT OR IGNORE INTO settings(key, value) VALUES ('station.id', ?1)", err);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, id);
    return db_exec_stmt(db, st, err, __func__);
}

static int
open_checked(struct db *db, unsigned flags, struct tt_err *err)
{
    int oflags = (flags & DB_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    char problem[200];
    int rc, version = 0;

    if ((flags & DB_OPEN_CREATE) && !(flags & DB_OPEN_READONLY)) {
        oflags |= SQLITE_OPEN_CREATE;
        make_parent_dir(db->path);
    }
    rc = sqlite3_open_v2(db->path, &db->sql, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (!(flags & DB_OPEN_CREATE) && rc == SQLITE_CANTOPEN)
            return tt_err_set(err, TT_ENOTFOUND, "db_open",
                              "no station database at %s; run 'tramtem init' first", db->path);
        return db_fail(db, rc, err, "db_open", "opening the database failed");
    }
    rc = set_pragmas(db, err);
    if (rc == TT_ECORRUPT || (rc != 0 && user_version(db->sql, &version) == SQLITE_NOTADB))
        return tt_err_set(err, TT_ECORRUPT, "db_open",
                          "%s is not a tramtem database (not SQLite, or badly damaged); "
                          "restore a backup or move it away and run 'tramtem init'",
                          db->path);
    if (rc != 0)
        return rc;
    if (quick_check(db->sql, problem, sizeof problem) != SQLITE_OK || problem[0] != '\0') {
        char why[256];

        if (sqlite3_extended_errcode(db->sql) == SQLITE_NOTADB)
            return tt_err_set(err, TT_ECORRUPT, "db_open", "%s is not a tramtem database",
                              db->path);
        snprintf(why, sizeof why, "integrity check failed: %s", problem);
        return enter_safe_mode(db, why, err);
    }
    if (user_version(db->sql, &version) != SQLITE_OK)
        return db_fail(db, sqlite3_extended_errcode(db->sql), err, "db_open",
                       "reading the schema version failed");
    if (version > DB_SCHEMA_VERSION) {
        char why[256];

        snprintf(why, sizeof why,
                 "the database was made by a newer tramtem (schema %d, this one knows %d); "
                 "update tramtem",
                 version, DB_SCHEMA_VERSION);
        return enter_safe_mode(db, why, err);
    }
    if (db->readonly)
        return 0;
    if (version < DB_SCHEMA_VERSION) {
        rc = db_schema_migrate(db->sql, DB_SCHEMA_VERSION, err);
        if (rc != 0)
            return rc;
    }
    return first_use(db, err);
}

int
db_open(const char *path, unsigned flags, struct db **out, struct tt_err *err)
{
    struct db *db;
    int rc;

    *out = NULL;
    if (path == NULL || *path == '\0')
        return tt_err_set(err, TT_EUSAGE, __func__, "no database path given");
    if (sodium_init() < 0)
        return tt_err_set(err, TT_EIO, __func__, "libsodium could not start");
    db = calloc(1, sizeof *db);
    if (db == NULL)
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    db->path = strdup(path);
    db->readonly = (flags & DB_OPEN_READONLY) != 0;
    db_set_clock(db, NULL, NULL);
    if (db->path == NULL) {
        free(db);
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    }
    rc = open_checked(db, flags, err);
    if (rc != 0) {
        db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

void
db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->n_stmts; i++)
        sqlite3_finalize(db->stmts[i].st);
    if (db->sql != NULL)
        sqlite3_close_v2(db->sql);
    free(db->path);
    free(db);
}

int
db_safe_mode(const struct db *db)
{
    return db->safe_mode;
}

const char *
db_safe_mode_reason(const struct db *db)
{
    return db->safe_reason;
}

int
db_schema_version(const struct db *db)
{
    int v = 0;

    user_version(db->sql, &v);
    return v;
}

int
db_integrity_check(struct db *db, struct tt_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->sql, "PRAGMA integrity_check(1)", -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);

        if (t == NULL || strcmp(t, "ok") != 0) {
            tt_err_set(err, TT_ECORRUPT, __func__, "integrity check: %s", t != NULL ? t : "?");
            sqlite3_finalize(st);
            return TT_ECORRUPT;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : db_fail(db, rc, err, __func__, "integrity check failed");
}
