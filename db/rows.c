/*
 * rows.c — the two ways the store reads rows: exactly one (a get by key)
 * and a loop handing each row to the caller's callback. The stepping, the
 * reset and the error mapping live here once.
 */
#include <stdarg.h>
#include <stdio.h>

#include "db-internal.h"

int
db_read_one(struct db *db, sqlite3_stmt *st, db_row_fn row, void *out, struct tt_err *err,
            const char *where, const char *what, const char *missing_fmt, ...)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        row(st, out);
        db_done(st);
        return 0;
    }
    if (rc == SQLITE_DONE) {
        char missing[sizeof err->msg];
        va_list ap;

        db_done(st);
        va_start(ap, missing_fmt);
        vsnprintf(missing, sizeof missing, missing_fmt, ap);
        va_end(ap);
        return tt_err_set(err, TT_ENOTFOUND, where, "%s", missing);
    }
    return db_rows_end(db, st, rc, 0, where, what, err);
}

int
db_read_int64(struct db *db, const char *sql, int64_t *out, const char *where, const char *what,
              struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, sql, err);
    int rc;

    *out = 0;
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_DONE;
    }
    return db_rows_end(db, st, rc, 0, where, what, err);
}

int
db_rows_end(struct db *db, sqlite3_stmt *st, int rc, int stop, const char *where, const char *what,
            struct tt_err *err)
{
    char msg[96];

    if (stop != 0 || rc == SQLITE_DONE) {
        db_done(st);
        return stop;
    }
    /* Before the reset: it would replace the extended code and the message. */
    rc = sqlite3_extended_errcode(db->sql);
    snprintf(msg, sizeof msg, "reading %s failed", what);
    rc = db_fail(db, rc, err, where, msg);
    db_done(st);
    return rc;
}
