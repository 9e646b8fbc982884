/*
 * people.c — operators (with PINs kept only as libsodium crypto_pwhash
 * strings) and places (farms, plots, packhouses) with their EPCIS location
 * identifiers.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "db-internal.h"

static const char *const role_names[] = {"operator", "manager", "trainer"};
static const char *const kind_names[] = {"farm", "plot", "packhouse", "store"};

static int
role_from(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return 0;
}

static int
check_pin(const char *pin, struct tt_err *err)
{
    size_t n = pin != NULL ? strlen(pin) : 0;

    if (n < 4 || n > 12)
        return tt_err_set(err, TT_EINVAL, "db_operator", "a PIN has 4 to 12 digits");
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)pin[i]))
            return tt_err_set(err, TT_EINVAL, "db_operator", "a PIN has only digits");
    return 0;
}

static int
hash_pin(const char *pin, char out[crypto_pwhash_STRBYTES], struct tt_err *err)
{
    if (crypto_pwhash_str(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return tt_err_set(err, TT_ENOMEM, "db_operator",
                          "hashing the PIN needs 64 MiB of memory; close other programs");
    return 0;
}

int
db_operator_add(struct db *db, const char *name, enum db_role role, const char *pin,
                int64_t *id_out, struct tt_err *err)
{
    char hash[crypto_pwhash_STRBYTES];
    struct db_write w;
    sqlite3_stmt *st;
    int rc;

    if (id_out != NULL)
        *id_out = 0;
    if (name == NULL || *name == '\0' || strlen(name) >= sizeof((struct db_operator *)0)->name)
        return tt_err_set(err, TT_EINVAL, __func__, "an operator needs a name (up to 127 bytes)");
    if (!db_utf8_ok(name))
        return tt_err_set(err, TT_EINVAL, __func__, "the operator's name is not valid UTF-8");
    if ((unsigned)role > DB_ROLE_TRAINER)
        return tt_err_set(err, TT_EINVAL, __func__, "unknown operator role");
    rc = check_pin(pin, err);
    if (rc == 0)
        rc = hash_pin(pin, hash, err);
    if (rc == 0)
        rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    st = db_stmt(
        db, "INSERT INTO operators(name, role, pin_hash, created_ms) VALUES (?1, ?2, ?3, ?4)", err);
    if (st == NULL) {
        rc = err != NULL ? err->code : TT_EIO;
    } else {
        db_bind_text(st, 1, name);
        db_bind_text(st, 2, role_names[role]);
        db_bind_text(st, 3, hash);
        sqlite3_bind_int64(st, 4, db_now_ms(db));
        rc = db_exec_stmt(db, st, err, __func__);
        if (rc == TT_EEXIST)
            tt_err_set(err, rc, __func__, "there is already an operator named '%s'", name);
    }
    sodium_memzero(hash, sizeof hash);
    if (rc == 0 && id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(db->sql);
    if (rc == 0)
        rc = db_audit_write(db, "operator.add", name, role_names[role], err);
    return db_write_end(db, &w, rc, err);
}

int
db_operator_check_pin(struct db *db, int64_t id, const char *pin, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT pin_hash, active FROM operators WHERE id = ?1", err);
    char hash[crypto_pwhash_STRBYTES];
    int rc, active = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        db_col_text(st, 0, hash, sizeof hash);
        active = sqlite3_column_int(st, 1);
    }
    db_done(st);
    if (rc == SQLITE_DONE)
        return tt_err_set(err, TT_ENOTFOUND, __func__, "no operator with id %lld", (long long)id);
    if (rc != SQLITE_ROW)
        return db_fail(db, rc, err, __func__, "reading the operator failed");
    if (!active)
        return tt_err_set(err, TT_EACCESS, __func__, "operator %lld is disabled", (long long)id);
    if (pin == NULL || crypto_pwhash_str_verify(hash, pin, strlen(pin)) != 0)
        return tt_err_set(err, TT_EACCESS, __func__, "wrong PIN");
    return 0;
}

static int
operator_update(struct db *db, int64_t id, const char *sql, const char *text, int num,
                const char *action, struct tt_err *err)
{
    struct db_write w;
    sqlite3_stmt *st;
    char subject[32];
    int rc = db_write_begin(db, &w, err);

    if (rc != 0)
        return rc;
    st = db_stmt(db, sql, err);
    if (st == NULL) {
        rc = err != NULL ? err->code : TT_EIO;
    } else {
        sqlite3_bind_int64(st, 1, id);
        if (text != NULL)
            db_bind_text(st, 2, text);
        else
            sqlite3_bind_int(st, 2, num);
        rc = db_exec_stmt(db, st, err, action);
        if (rc == 0 && sqlite3_changes(db->sql) == 0)
            rc = tt_err_set(err, TT_ENOTFOUND, action, "no operator with id %lld", (long long)id);
    }
    snprintf(subject, sizeof subject, "%lld", (long long)id);
    if (rc == 0)
        rc = db_audit_write(db, action, subject, text != NULL ? "" : (num ? "on" : "off"), err);
    return db_write_end(db, &w, rc, err);
}

int
db_operator_set_pin(struct db *db, int64_t id, const char *pin, struct tt_err *err)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc = check_pin(pin, err);

    if (rc == 0)
        rc = hash_pin(pin, hash, err);
    if (rc == 0)
        rc = operator_update(db, id, "UPDATE operators SET pin_hash = ?2 WHERE id = ?1", hash, 0,
                             "operator.pin", err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int
db_operator_set_active(struct db *db, int64_t id, int active, struct tt_err *err)
{
    return operator_update(db, id, "UPDATE operators SET active = ?2 WHERE id = ?1", NULL,
                           active ? 1 : 0, "operator.active", err);
}

static void
operator_row(sqlite3_stmt *st, void *out)
{
    struct db_operator *op = out;
    char role[16];

    op->id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, op->name, sizeof op->name);
    db_col_text(st, 2, role, sizeof role);
    op->role = (enum db_role)role_from(role);
    op->active = sqlite3_column_int(st, 3);
}

int
db_operator_get(struct db *db, int64_t id, struct db_operator *out, struct tt_err *err)
{
    sqlite3_stmt *st =
        db_stmt(db, "SELECT id, name, role, active FROM operators WHERE id = ?1", err);

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    return db_read_one(db, st, operator_row, out, err, __func__, "the operator",
                       "no operator with id %lld", (long long)id);
}

int
db_operator_list(struct db *db, int (*cb)(void *ctx, const struct db_operator *op), void *ctx,
                 struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT id, name, role, active FROM operators ORDER BY id", err);
    struct db_operator op;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        operator_row(st, &op);
        stop = cb(ctx, &op);
    }
    return db_rows_end(db, st, rc, stop, __func__, "operators", err);
}

/* ---- places ----------------------------------------------------------------- */

static int
check_place(const struct db_place *p, struct tt_err *err)
{
    size_t n = strlen(p->code);

    if (n == 0 || n > 20)
        return tt_err_set(err, TT_EINVAL, "db_place_add", "a place code has 1 to 20 characters");
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)p->code[i]) && p->code[i] != '-')
            return tt_err_set(err, TT_EINVAL, "db_place_add",
                              "place code '%s' may hold only letters, digits and -", p->code);
    if (p->name[0] == '\0')
        return tt_err_set(err, TT_EINVAL, "db_place_add", "place %s needs a name", p->code);
    if (!db_utf8_ok(p->name) || !db_utf8_ok(p->commune) || !db_utf8_ok(p->province))
        return tt_err_set(err, TT_EINVAL, "db_place_add", "place %s: text is not valid UTF-8",
                          p->code);
    if ((unsigned)p->kind > DB_PLACE_STORE)
        return tt_err_set(err, TT_EINVAL, "db_place_add", "unknown kind of place");
    if (p->gln[0] != '\0' &&
        (strlen(p->gln) != 13 || gs1_check_digit(p->gln, 12) != p->gln[12] - '0'))
        return tt_err_set(err, TT_EINVAL, "db_place_add",
                          "GLN '%s' of place %s is not 13 digits with a right check digit", p->gln,
                          p->code);
    return 0;
}

int
db_place_add(struct db *db, const struct db_place *p, int64_t *id_out, struct tt_err *err)
{
    struct db_write w;
    sqlite3_stmt *st;
    int rc = check_place(p, err);

    if (id_out != NULL)
        *id_out = 0;
    if (rc == 0)
        rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    st = db_stmt(db,
                 "INSERT INTO places(code, name, kind, gln, commune, province, parent_id)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 err);
    if (st == NULL) {
        rc = err != NULL ? err->code : TT_EIO;
    } else {
        db_bind_text(st, 1, p->code);
        db_bind_text(st, 2, p->name);
        db_bind_text(st, 3, kind_names[p->kind]);
        db_bind_text(st, 4, p->gln);
        db_bind_text(st, 5, p->commune);
        db_bind_text(st, 6, p->province);
        if (p->parent_id > 0)
            sqlite3_bind_int64(st, 7, p->parent_id);
        rc = db_exec_stmt(db, st, err, __func__);
        if (rc == TT_EEXIST)
            tt_err_set(err, rc, __func__, "there is already a place with code '%s'", p->code);
        else if (rc == TT_EINVAL)
            tt_err_set(err, rc, __func__, "parent place %lld does not exist",
                       (long long)p->parent_id);
    }
    if (rc == 0 && id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(db->sql);
    if (rc == 0)
        rc = db_audit_write(db, "place.add", p->code, p->name, err);
    return db_write_end(db, &w, rc, err);
}

#define PLACE_COLS "SELECT id, code, name, kind, gln, commune, province, coalesce(parent_id, 0)"

static void
place_row(sqlite3_stmt *st, void *out)
{
    struct db_place *p = out;
    char kind[16];

    p->id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, p->code, sizeof p->code);
    db_col_text(st, 2, p->name, sizeof p->name);
    db_col_text(st, 3, kind, sizeof kind);
    p->kind = DB_PLACE_FARM;
    for (int i = 0; i < 4; i++)
        if (strcmp(kind, kind_names[i]) == 0)
            p->kind = (enum db_place_kind)i;
    db_col_text(st, 4, p->gln, sizeof p->gln);
    db_col_text(st, 5, p->commune, sizeof p->commune);
    db_col_text(st, 6, p->province, sizeof p->province);
    p->parent_id = sqlite3_column_int64(st, 7);
}

int
db_place_get(struct db *db, int64_t id, struct db_place *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, PLACE_COLS " FROM places WHERE id = ?1", err);
    char what[32];

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return db_read_one(db, st, place_row, out, err, "db_place", "a place", "no place %s", what);
}

int
db_place_find(struct db *db, const char *code, struct db_place *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, PLACE_COLS " FROM places WHERE code = ?1", err);
    char what[64];

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, code);
    snprintf(what, sizeof what, "with code '%.40s'", code);
    return db_read_one(db, st, place_row, out, err, "db_place", "a place", "no place %s", what);
}

int
db_place_list(struct db *db, int (*cb)(void *ctx, const struct db_place *p), void *ctx,
              struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, PLACE_COLS " FROM places ORDER BY id", err);
    struct db_place p;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        place_row(st, &p);
        stop = cb(ctx, &p);
    }
    return db_rows_end(db, st, rc, stop, __func__, "places", err);
}

int
db_place_location_uri(struct db *db, const struct db_place *p, char *out, size_t out_len,
                      struct tt_err *err)
{
    char gln[DB_SETTING_VALUE_MAX];
    int rc;

    out[0] = '\0';
    if (p->gln[0] != '\0') {
        snprintf(out, out_len, "https://id.gs1.org/414/%s", p->gln);
        return 0;
    }
    rc = db_setting_get(db, "coop.gln", gln, sizeof gln, err);
    if (rc == 0 && gln[0] != '\0')
        snprintf(out, out_len, "https://id.gs1.org/414/%s/254/%s", gln, p->code);
    return rc;
}
