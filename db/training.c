/*
 * training.c — trainee sign-in and per-exercise attempts in a training
 * sandbox. The tables live only in files whose station.mode is training
 * (created here with IF NOT EXISTS, not by a schema migration): scores
 * are class-room data that a reset throws away with the whole sandbox.
 */
#include <string.h>

#include "db-internal.h"
#include "training.h"

static const char training_schema[] =
    "CREATE TABLE IF NOT EXISTS training_trainees("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL, class TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL, UNIQUE(name, class));"
    "CREATE TABLE IF NOT EXISTS training_attempts("
    " id INTEGER PRIMARY KEY, trainee_id INTEGER NOT NULL REFERENCES training_trainees(id),"
    " lesson TEXT NOT NULL, exercise TEXT NOT NULL, answer TEXT NOT NULL,"
    " correct INTEGER NOT NULL CHECK (correct IN (0, 1)), at_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS training_attempts_by_trainee"
    " ON training_attempts(trainee_id, lesson, exercise, id);";

int
db_training_prepare(struct db *db, struct tt_err *err)
{
    struct db_settings s;
    struct db_write w;
    int rc = db_settings_get(db, &s, err);

    if (rc != 0)
        return rc;
    if (s.mode != DB_MODE_TRAINING)
        return tt_err_set(err, TT_ESTATE, __func__,
                          "not a training sandbox (station.mode is not training)");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    if (sqlite3_exec(db->sql, training_schema, NULL, NULL, NULL) != SQLITE_OK)
        rc = db_fail(db, sqlite3_errcode(db->sql), err, __func__, "creating the training tables");
    return db_write_end(db, &w, rc, err);
}

/* Trims blanks in place into out; 0 or TT_EINVAL. */
static int
clean_text(const char *in, char out[DB_TRAINING_NAME_MAX], const char *what, struct tt_err *err)
{
    size_t a = 0, b = in != NULL ? strlen(in) : 0;

    while (a < b && (in[a] == ' ' || in[a] == '\t'))
        a++;
    while (b > a && (in[b - 1] == ' ' || in[b - 1] == '\t' || in[b - 1] == '\n'))
        b--;
    if (b == a || b - a >= DB_TRAINING_NAME_MAX)
        return tt_err_set(err, TT_EINVAL, "db_training", "the %s must be 1 to %d bytes", what,
                          DB_TRAINING_NAME_MAX - 1);
    memcpy(out, in + a, b - a);
    out[b - a] = '\0';
    if (!db_utf8_ok(out))
        return tt_err_set(err, TT_EINVAL, "db_training", "the %s is not valid UTF-8", what);
    return 0;
}

static int
find_trainee(struct db *db, const char *name, const char *cls, int64_t *id, struct tt_err *err)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT id FROM training_trainees WHERE name = ?1 AND class = ?2", err);
    int rc;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, cls);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = TT_ENOTFOUND;
    } else {
        rc = db_fail(db, rc, err, __func__, "looking up a trainee");
    }
    db_done(st);
    return rc;
}

int
db_training_signin(struct db *db, const char *name, const char *class_name, int64_t *id_out,
                   struct tt_err *err)
{
    char n[DB_TRAINING_NAME_MAX], c[DB_TRAINING_NAME_MAX];
    struct db_write w;
    sqlite3_stmt *st;
    int64_t id = 0;
    int rc = clean_text(name, n, "trainee's name", err);

    if (rc == 0)
        rc = clean_text(class_name, c, "class", err);
    if (rc == 0)
        rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = find_trainee(db, n, c, &id, err);
    if (rc == TT_ENOTFOUND) {
        st = db_stmt(
            db, "INSERT INTO training_trainees(name, class, created_ms) VALUES (?1, ?2, ?3)", err);
        rc = st == NULL ? (err != NULL ? err->code : TT_EIO) : 0;
        if (rc == 0) {
            db_bind_text(st, 1, n);
            db_bind_text(st, 2, c);
            sqlite3_bind_int64(st, 3, db_now_ms(db));
            rc = db_exec_stmt(db, st, err, __func__);
            id = sqlite3_last_insert_rowid(db->sql);
        }
        if (rc == 0)
            rc = db_audit_write(db, "training.trainee", n, c, err);
    }
    rc = db_write_end(db, &w, rc, err);
    if (rc == 0 && id_out != NULL)
        *id_out = id;
    return rc;
}

int
db_training_attempt(struct db *db, int64_t trainee_id, const char *lesson, const char *exercise,
                    const char *answer, int correct, struct tt_err *err)
{
    struct db_write w;
    sqlite3_stmt *st;
    int rc;

    if (lesson == NULL || *lesson == '\0' || exercise == NULL || *exercise == '\0' ||
        strlen(lesson) >= DB_TRAINING_ID_MAX || strlen(exercise) >= DB_TRAINING_ID_MAX)
        return tt_err_set(err, TT_EINVAL, __func__, "lesson and exercise ids are 1-63 bytes");
    if (answer == NULL || !db_utf8_ok(answer) || strlen(answer) > 1024)
        return tt_err_set(err, TT_EINVAL, __func__, "the answer must be UTF-8, at most 1 KiB");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    st = db_stmt(db,
                 "INSERT INTO training_attempts(trainee_id, lesson, exercise, answer, correct,"
                 " at_ms) SELECT id, ?2, ?3, ?4, ?5, ?6 FROM training_trainees WHERE id = ?1",
                 err);
    rc = st == NULL ? (err != NULL ? err->code : TT_EIO) : 0;
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, trainee_id);
        db_bind_text(st, 2, lesson);
        db_bind_text(st, 3, exercise);
        db_bind_text(st, 4, answer);
        sqlite3_bind_int(st, 5, correct != 0);
        sqlite3_bind_int64(st, 6, db_now_ms(db));
        rc = db_exec_stmt(db, st, err, __func__);
        if (rc == 0 && sqlite3_changes(db->sql) == 0)
            rc = tt_err_set(err, TT_ENOTFOUND, __func__, "no trainee %lld", (long long)trainee_id);
    }
    return db_write_end(db, &w, rc, err);
}

int
db_training_results(struct db *db, const char *class_name,
                    int (*cb)(void *ctx, const struct db_training_result *r), void *ctx,
                    struct tt_err *err)
{
    sqlite3_stmt *st =
        db_stmt(db,
                "SELECT t.id, t.name, t.class, a.lesson, a.exercise, count(*), max(a.correct),"
                " (SELECT f.correct FROM training_attempts f WHERE f.trainee_id = t.id"
                "   AND f.lesson = a.lesson AND f.exercise = a.exercise ORDER BY f.id LIMIT 1),"
                " max(a.at_ms)"
                " FROM training_attempts a JOIN training_trainees t ON t.id = a.trainee_id"
                " WHERE ?1 IS NULL OR t.class = ?1"
                " GROUP BY t.id, a.lesson, a.exercise ORDER BY t.class, t.name, t.id, a.lesson,"
                " a.exercise",
                err);
    int rc = 0, step = SQLITE_DONE;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, class_name != NULL && *class_name != '\0' ? class_name : NULL);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct db_training_result r = {
            .trainee_id = sqlite3_column_int64(st, 0),
            .name = (const char *)sqlite3_column_text(st, 1),
            .class_name = (const char *)sqlite3_column_text(st, 2),
            .lesson = (const char *)sqlite3_column_text(st, 3),
            .exercise = (const char *)sqlite3_column_text(st, 4),
            .attempts = sqlite3_column_int(st, 5),
            .correct = sqlite3_column_int(st, 6),
            .first_try = sqlite3_column_int(st, 7),
            .last_ms = sqlite3_column_int64(st, 8),
        };
        rc = cb(ctx, &r);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_fail(db, step, err, __func__, "reading training results");
    db_done(st);
    return rc;
}
