/*
 * settings.c — station settings (validated key/value pairs), named
 * counters for serials and bundle numbers, the audit trail, and the date
 * and time helpers the other db files share.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "db-internal.h"

/* ---- dates and times -------------------------------------------------------- */

int64_t
db_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void
db_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void
db_format_time(int64_t ms, int tz_minutes, char out[40])
{
    int64_t local = ms + (int64_t)tz_minutes * 60000;
    int64_t days = floor_div(local, 86400000), rem = local - days * 86400000, y;
    unsigned m, d;
    int tz = tz_minutes < 0 ? -tz_minutes : tz_minutes;

    char t[96];

    db_civil_from_days(days, &y, &m, &d);
    /* Years outside 0-9999 cannot come from a clock; the modulo keeps the width fixed. */
    snprintf(t, sizeof t, "%04lld-%02u-%02uT%02d:%02d:%02d.%03d%c%02d:%02d",
             (long long)((y % 10000 + 10000) % 10000), m % 100, d % 100, (int)(rem / 3600000),
             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000),
             tz_minutes < 0 ? '-' : '+', (tz / 60) % 100, tz % 60);
    memcpy(out, t, 29);
    out[29] = '\0';
}

void
db_format_date(int64_t ms, int tz_minutes, char out[11])
{
    int64_t days = floor_div(ms + (int64_t)tz_minutes * 60000, 86400000), y;
    unsigned m, d;

    db_civil_from_days(days, &y, &m, &d);
    db_format_ymd(y, m, d, out);
}

void
db_format_ymd(int64_t y, unsigned m, unsigned d, char out[11])
{
    char t[40];

    snprintf(t, sizeof t, "%04lld-%02u-%02u", (long long)(y % 10000), m % 100, d % 100);
    memcpy(out, t, 10);
    out[10] = '\0';
}

int
db_utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL)
        return 1;
    while (*p != 0) {
        int n = *p < 0x80             ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;
        unsigned cp;

        if (n < 0 || (n == 1 && *p < 0xc2))
            return 0;
        cp = n == 0 ? *p : (unsigned)(*p & (0x3f >> n));
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (*p & 0x3fu);
        }
        /* No overlong forms, surrogates or values past U+10FFFF. */
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
    }
    return 1;
}

int
db_check_date(const char *s, const char *what, struct tt_err *err)
{
    int y, m, d;
    int64_t days, yy;
    unsigned mm, dd;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || !isdigit((unsigned char)s[9]))
        return tt_err_set(err, TT_EINVAL, __func__, "%s '%s' is not a date; write YYYY-MM-DD", what,
                          s != NULL ? s : "");
    days = db_days_from_civil(y, (unsigned)m, (unsigned)d);
    db_civil_from_days(days, &yy, &mm, &dd);
    if (m < 1 || m > 12 || d < 1 || yy != y || (int)mm != m || (int)dd != d || y < 2000)
        return tt_err_set(err, TT_EINVAL, __func__, "%s %s is not a real date", what, s);
    return 0;
}

/* ---- settings --------------------------------------------------------------- */

static int
is_code_char(int c)
{
    return isalnum(c) || c == '-';
}

static int
valid_code(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_code_char((unsigned char)s[i]))
            return 0;
    return 1;
}

static int
parse_tz(const char *s, int *minutes)
{
    int h, m;

    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
        !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
        !isdigit((unsigned char)s[4]) || !isdigit((unsigned char)s[5]))
        return -1;
    h = (s[1] - '0') * 10 + (s[2] - '0');
    m = (s[4] - '0') * 10 + (s[5] - '0');
    if (h > 14 || m > 59)
        return -1;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

static int
all_digits(const char *s)
{
    for (; *s != '\0'; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/*
 * The form of a portal seal public key line (sync/seal.h): 48 base64
 * characters of 34 bytes ("TS" and 32 key bytes). sync/ checks the bytes
 * when it uses the key; the store only keeps text that can be one.
 */
static int
seal_key_form(const char *v)
{
    if (strlen(v) != 48 || strncmp(v, "VF", 2) != 0 || strcmp(v + 46, "==") != 0)
        return 0;
    for (size_t i = 0; i < 46; i++)
        if (!isalnum((unsigned char)v[i]) && v[i] != '+' && v[i] != '/')
            return 0;
    return 1;
}

static const char *const known_keys[] = {
    "coop.name",     "coop.commune", "coop.province", "coop.prefix",         "coop.gln",
    "station.id",    "station.mode", "station.tz",    "label.serial_prefix", "label.sscc_ext",
    "sync.seal_key",
};

static int
known_key(const char *key)
{
    for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
        if (strcmp(key, known_keys[i]) == 0)
            return 1;
    return 0;
}

static int
check_setting(const char *key, const char *v, struct tt_err *err)
{
    size_t n = strlen(v);
    int tz;

    if (n >= DB_SETTING_VALUE_MAX)
        return tt_err_set(err, TT_EINVAL, "db_setting_set", "%s is too long (%zu bytes, max %d)",
                          key, n, DB_SETTING_VALUE_MAX - 1);
    if (!db_utf8_ok(v))
        return tt_err_set(err, TT_EINVAL, "db_setting_set", "%s is not valid UTF-8 text", key);
    if (strcmp(key, "coop.name") == 0 || strcmp(key, "coop.commune") == 0 ||
        strcmp(key, "coop.province") == 0)
        return 0;
    if (strcmp(key, "coop.prefix") == 0) {
        if (n == 0 || (n >= 6 && n <= 12 && all_digits(v)))
            return 0;
        return tt_err_set(err, TT_EINVAL, "db_setting_set",
                          "GS1 company prefix '%s' must be 6 to 12 digits", v);
    }
    if (strcmp(key, "coop.gln") == 0) {
        if (n == 0)
            return 0;
        if (n != 13 || !all_digits(v))
            return tt_err_set(err, TT_EINVAL, "db_setting_set", "GLN '%s' must be 13 digits", v);
        if (gs1_check_digit(v, 12) != v[12] - '0')
            return tt_err_set(err, TT_EINVAL, "db_setting_set",
                              "GLN %s: the check digit should be %d", v, gs1_check_digit(v, 12));
        return 0;
    }
    if (strcmp(key, "station.id") == 0)
        return valid_code(v, 32)
                   ? 0
                   : tt_err_set(err, TT_EINVAL, "db_setting_set",
                                "station id '%s' must be 1-32 letters, digits or -", v);
    if (strcmp(key, "station.mode") == 0)
        return strcmp(v, "production") == 0 || strcmp(v, "demo") == 0 || strcmp(v, "training") == 0
                   ? 0
                   : tt_err_set(err, TT_EINVAL, "db_setting_set",
                                "station mode '%s' must be production, demo or training", v);
    if (strcmp(key, "station.tz") == 0)
        return parse_tz(v, &tz) == 0 ? 0
                                     : tt_err_set(err, TT_EINVAL, "db_setting_set",
                                                  "time-zone offset '%s' must look like +07:00", v);
    if (strcmp(key, "label.serial_prefix") == 0)
        return n == 0 || valid_code(v, 10)
                   ? 0
                   : tt_err_set(err, TT_EINVAL, "db_setting_set",
                                "serial prefix '%s' must be up to 10 letters, digits or -", v);
    if (strcmp(key, "label.sscc_ext") == 0)
        return n == 1 && isdigit((unsigned char)v[0])
                   ? 0
                   : tt_err_set(err, TT_EINVAL, "db_setting_set",
                                "SSCC extension digit '%s' must be one digit 0-9", v);
    if (strcmp(key, "sync.seal_key") == 0)
        return n == 0 || seal_key_form(v)
                   ? 0
                   : tt_err_set(err, TT_EINVAL, "db_setting_set",
                                "the portal seal key must be the 48-character base64 line of "
                                "its public key file, or empty (off)");
    return tt_err_set(err, TT_EINVAL, "db_setting_set", "unknown setting '%s'", key);
}

int
db_setting_get(struct db *db, const char *key, char *out, size_t out_len, struct tt_err *err)
{
    sqlite3_stmt *st;
    int rc;

    out[0] = '\0';
    if (!known_key(key))
        return tt_err_set(err, TT_EINVAL, __func__, "unknown setting '%s'", key);
    st = db_stmt(db, "SELECT value FROM settings WHERE key = ?1", err);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        db_col_text(st, 0, out, out_len);
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, rc, err, __func__, "reading a setting failed");
    return 0;
}

int
db_setting_set(struct db *db, const char *key, const char *value, struct tt_err *err)
{
    struct db_write w;
    sqlite3_stmt *st;
    int rc;

    if (key == NULL || value == NULL)
        return tt_err_set(err, TT_EUSAGE, __func__, "no setting key or value");
    rc = check_setting(key, value, err);
    if (rc != 0)
        return rc;
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    db->settings_ok = 0;
    st = db_stmt(db,
                 "INSERT INTO settings(key, value) VALUES (?1, ?2)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 err);
    if (st == NULL)
        rc = err != NULL ? err->code : TT_EIO;
    else {
        db_bind_text(st, 1, key);
        db_bind_text(st, 2, value);
        rc = db_exec_stmt(db, st, err, __func__);
    }
    if (rc == 0)
        rc = db_audit_write(db, "setting.set", key, value, err);
    return db_write_end(db, &w, rc, err);
}

static int
settings_load(struct db *db, struct db_settings *out, struct tt_err *err)
{
    char v[DB_SETTING_VALUE_MAX];
    int rc;

    memset(out, 0, sizeof *out);
    rc = db_setting_get(db, "coop.name", out->coop_name, sizeof out->coop_name, err);
    if (rc == 0)
        rc = db_setting_get(db, "coop.commune", out->coop_commune, sizeof out->coop_commune, err);
    if (rc == 0)
        rc =
            db_setting_get(db, "coop.province", out->coop_province, sizeof out->coop_province, err);
    if (rc == 0)
        rc = db_setting_get(db, "coop.prefix", out->coop_prefix, sizeof out->coop_prefix, err);
    if (rc == 0)
        rc = db_setting_get(db, "coop.gln", out->coop_gln, sizeof out->coop_gln, err);
    if (rc == 0)
        rc = db_setting_get(db, "station.id", out->station_id, sizeof out->station_id, err);
    if (rc == 0)
        rc = db_setting_get(db, "label.serial_prefix", out->serial_prefix,
                            sizeof out->serial_prefix, err);
    if (rc == 0)
        rc = db_setting_get(db, "station.mode", v, sizeof v, err);
    if (rc != 0)
        return rc;
    out->mode = strcmp(v, "demo") == 0       ? DB_MODE_DEMO
                : strcmp(v, "training") == 0 ? DB_MODE_TRAINING
                                             : DB_MODE_PRODUCTION;
    rc = db_setting_get(db, "station.tz", v, sizeof v, err);
    if (rc != 0)
        return rc;
    if (v[0] == '\0' || parse_tz(v, &out->tz_minutes) != 0) {
        snprintf(out->tz, sizeof out->tz, "+07:00");
        out->tz_minutes = 420;
    } else {
        memcpy(out->tz, v, 7); /* parse_tz accepted exactly "±HH:MM" */
    }
    rc = db_setting_get(db, "label.sscc_ext", v, sizeof v, err);
    out->sscc_ext = v[0] >= '0' && v[0] <= '9' ? v[0] - '0' : 0;
    return rc;
}

static int
data_version(struct db *db, int64_t *v, struct tt_err *err)
{
    return db_read_int64(db, "PRAGMA data_version", v, __func__, "the data version", err);
}

int
db_settings_get(struct db *db, struct db_settings *out, struct tt_err *err)
{
    int64_t v = 0;
    int rc = data_version(db, &v, err);

    if (rc != 0)
        return rc;
    if (db->settings_ok && v == db->settings_version) {
        *out = db->settings;
        return 0;
    }
    rc = settings_load(db, out, err);
    if (rc == 0) {
        db->settings = *out;
        db->settings_version = v;
        db->settings_ok = 1;
    }
    return rc;
}

/* ---- counters --------------------------------------------------------------- */

int
db_counter_advance(struct db *db, const char *name, int64_t *value_out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "INSERT INTO counters(name, value) VALUES (?1, 1)"
                               " ON CONFLICT(name) DO UPDATE SET value = value + 1"
                               " RETURNING value",
                               err);
    int rc;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value_out = sqlite3_column_int64(st, 0);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE)
        return db_fail(db, sqlite3_extended_errcode(db->sql), err, __func__,
                       "advancing a counter failed");
    return 0;
}

int
db_counter_next(struct db *db, const char *name, int64_t *value_out, struct tt_err *err)
{
    struct db_write w;
    int rc;

    if (name == NULL || *name == '\0')
        return tt_err_set(err, TT_EUSAGE, __func__, "no counter name");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = db_counter_advance(db, name, value_out, err);
    return db_write_end(db, &w, rc, err);
}

int
db_counter_peek(struct db *db, const char *name, int64_t *value_out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, "SELECT value FROM counters WHERE name = ?1", err);
    int rc;

    *value_out = 0;
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value_out = sqlite3_column_int64(st, 0);
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, rc, err, __func__, "reading a counter failed");
    return 0;
}

int
db_counter_raise_locked(struct db *db, const char *name, int64_t min, struct tt_err *err)
{
    sqlite3_stmt *st =
        db_stmt(db,
                "INSERT INTO counters(name, value) VALUES (?1, ?2)"
                " ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)",
                err);

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, min);
    return db_exec_stmt(db, st, err, "db_counter_raise");
}

int
db_counter_raise(struct db *db, const char *name, int64_t min, struct tt_err *err)
{
    struct db_write w;
    int rc = db_write_begin(db, &w, err);

    if (rc != 0)
        return rc;
    rc = db_counter_raise_locked(db, name, min, err);
    return db_write_end(db, &w, rc, err);
}

/* ---- audit ------------------------------------------------------------------ */

void
db_set_operator(struct db *db, int64_t operator_id)
{
    db->operator_id = operator_id;
}

int
db_audit_write(struct db *db, const char *action, const char *subject, const char *detail,
               struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "INSERT INTO audit(at_ms, operator_id, action, subject, detail)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)",
                               err);

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, db_now_ms(db));
    if (db->operator_id > 0)
        sqlite3_bind_int64(st, 2, db->operator_id);
    else
        sqlite3_bind_null(st, 2);
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, subject != NULL ? subject : "");
    db_bind_text(st, 5, detail != NULL ? detail : "");
    return db_exec_stmt(db, st, err, __func__);
}

int
db_audit_add(struct db *db, const char *action, const char *subject, const char *detail,
             struct tt_err *err)
{
    struct db_write w;
    int rc;

    if (action == NULL || *action == '\0')
        return tt_err_set(err, TT_EUSAGE, __func__, "no audit action");
    rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    rc = db_audit_write(db, action, subject, detail, err);
    return db_write_end(db, &w, rc, err);
}

int
db_audit_list(struct db *db, int64_t after_id, int (*cb)(void *ctx, const struct db_audit_row *row),
              void *ctx, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "SELECT id, at_ms, coalesce(operator_id, 0), action, subject, detail"
                               " FROM audit WHERE id > ?1 ORDER BY id",
                               err);
    struct db_audit_row row;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, after_id);
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        row.id = sqlite3_column_int64(st, 0);
        row.at_ms = sqlite3_column_int64(st, 1);
        row.operator_id = sqlite3_column_int64(st, 2);
        row.action = (const char *)sqlite3_column_text(st, 3);
        row.subject = (const char *)sqlite3_column_text(st, 4);
        row.detail = (const char *)sqlite3_column_text(st, 5);
        stop = cb(ctx, &row);
    }
    return db_rows_end(db, st, rc, stop, __func__, "the audit trail", err);
}
