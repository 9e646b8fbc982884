/*
 * products.c — products (GTIN validated by gs1/, names in Vietnamese and
 * English, fixed or variable measure) and lots (opened with their
 * commissioning event carrying the lot master data, closed when done).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "db-internal.h"

int
db_gtin_is_demo(const char *gtin14)
{
    /* GS1 prefix 952 is reserved for demonstrations and examples (GS1 GenSpecs). */
    return gtin14 != NULL && strlen(gtin14) == 14 && strncmp(gtin14 + 1, "952", 3) == 0;
}

static int
valid_unit(const char *u)
{
    return strcmp(u, "KGM") == 0 || strcmp(u, "GRM") == 0 || strcmp(u, "LTR") == 0 ||
           strcmp(u, "H87") == 0;
}

static int
check_product(const struct db_product *p, struct db_product *n, struct tt_err *err)
{
    int rc;

    *n = *p;
    rc = gs1_gtin_normalise(p->gtin, n->gtin, err);
    if (rc != 0)
        return rc;
    if (p->name_vi[0] == '\0')
        return tt_err_set(err, TT_EINVAL, "db_product_add", "product %s needs a name", n->gtin);
    if (!db_utf8_ok(p->name_vi) || !db_utf8_ok(p->name_en) || !db_utf8_ok(p->template) ||
        !db_utf8_ok(p->image_path))
        return tt_err_set(err, TT_EINVAL, "db_product_add",
                          "product %s: a name or path is not valid UTF-8 text", n->gtin);
    if (n->unit[0] == '\0')
        snprintf(n->unit, sizeof n->unit, "%s", p->variable ? "KGM" : "H87");
    if (!valid_unit(n->unit))
        return tt_err_set(err, TT_EINVAL, "db_product_add",
                          "unit '%s' is not one of KGM, GRM, LTR, H87 (piece)", n->unit);
    if (p->variable && strcmp(n->unit, "KGM") != 0 && strcmp(n->unit, "GRM") != 0)
        return tt_err_set(err, TT_EINVAL, "db_product_add",
                          "a product sold by weight needs unit KGM or GRM, not %s", n->unit);
    if (p->variable && n->gtin[0] != '9')
        return tt_err_set(err, TT_EINVAL, "db_product_add",
                          "GTIN %s: a variable-measure product needs a GTIN-14 starting with 9",
                          n->gtin);
    if (!p->variable && n->gtin[0] == '9')
        return tt_err_set(err, TT_EINVAL, "db_product_add",
                          "GTIN %s starts with 9 (variable measure); add it with --variable",
                          n->gtin);
    if (p->shelf_life_days < 0 || p->shelf_life_days > 3650)
        return tt_err_set(err, TT_EINVAL, "db_product_add",
                          "shelf life must be 0 to 3650 days, not %d", p->shelf_life_days);
    if (n->template[0] == '\0')
        snprintf(n->template, sizeof n->template, "produce-58x40");
    return 0;
}

int
db_product_add(struct db *db, const struct db_product *p, int64_t *id_out, struct tt_err *err)
{
    struct db_product n;
    struct db_write w;
    sqlite3_stmt *st;
    int rc;

    if (id_out != NULL)
        *id_out = 0;
    rc = check_product(p, &n, err);
    if (rc == 0)
        rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    st = db_stmt(db,
                 "INSERT INTO products(gtin, name_vi, name_en, variable, unit, shelf_life_days,"
                 " template, image_path, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                 err);
    if (st == NULL) {
        rc = err != NULL ? err->code : TT_EIO;
    } else {
        db_bind_text(st, 1, n.gtin);
        db_bind_text(st, 2, n.name_vi);
        db_bind_text(st, 3, n.name_en);
        sqlite3_bind_int(st, 4, n.variable ? 1 : 0);
        db_bind_text(st, 5, n.unit);
        sqlite3_bind_int(st, 6, n.shelf_life_days);
        db_bind_text(st, 7, n.template);
        db_bind_text(st, 8, n.image_path);
        sqlite3_bind_int64(st, 9, db_now_ms(db));
        rc = db_exec_stmt(db, st, err, __func__);
        if (rc == TT_EEXIST)
            tt_err_set(err, rc, __func__, "product %s is already registered", n.gtin);
    }
    if (rc == 0 && id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(db->sql);
    if (rc == 0)
        rc = db_audit_write(db, "product.add", n.gtin, n.name_vi, err);
    return db_write_end(db, &w, rc, err);
}

#define PRODUCT_COLS                                                                               \
    "SELECT id, gtin, name_vi, name_en, variable, unit, shelf_life_days, template, image_path,"    \
    " active FROM products"

static void
product_row(sqlite3_stmt *st, void *out)
{
    struct db_product *p = out;

    p->id = sqlite3_column_int64(st, 0);
    db_col_text(st, 1, p->gtin, sizeof p->gtin);
    db_col_text(st, 2, p->name_vi, sizeof p->name_vi);
    db_col_text(st, 3, p->name_en, sizeof p->name_en);
    p->variable = sqlite3_column_int(st, 4);
    db_col_text(st, 5, p->unit, sizeof p->unit);
    p->shelf_life_days = sqlite3_column_int(st, 6);
    db_col_text(st, 7, p->template, sizeof p->template);
    db_col_text(st, 8, p->image_path, sizeof p->image_path);
    p->active = sqlite3_column_int(st, 9);
    p->demo = db_gtin_is_demo(p->gtin);
}

int
db_product_get(struct db *db, int64_t id, struct db_product *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, PRODUCT_COLS " WHERE id = ?1", err);
    char what[32];

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return db_read_one(db, st, product_row, out, err, "db_product", "a product",
                       "no product %s; add it with 'tramtem product add'", what);
}

int
db_product_find(struct db *db, const char *gtin, struct db_product *out, struct tt_err *err)
{
    char g14[15];
    sqlite3_stmt *st;
    int rc;

    memset(out, 0, sizeof *out);
    rc = gs1_gtin_normalise(gtin, g14, err);
    if (rc != 0)
        return rc;
    st = db_stmt(db, PRODUCT_COLS " WHERE gtin = ?1", err);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    db_bind_text(st, 1, g14);
    return db_read_one(db, st, product_row, out, err, "db_product", "a product",
                       "no product %s; add it with 'tramtem product add'", g14);
}

int
db_product_list(struct db *db, int (*cb)(void *ctx, const struct db_product *p), void *ctx,
                struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, PRODUCT_COLS " ORDER BY id", err);
    struct db_product p;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        product_row(st, &p);
        stop = cb(ctx, &p);
    }
    return db_rows_end(db, st, rc, stop, __func__, "products", err);
}

/* ---- lots -------------------------------------------------------------------- */

/* AI 10: 1-20 characters of GS1 CSET 82 (printable ASCII except space " # $ @ [ \ ] ^ ` { | } ~).
 */
static int
check_lot_code(const char *code, struct tt_err *err)
{
    size_t n = strlen(code);

    if (n == 0 || n > 20)
        return tt_err_set(err, TT_EINVAL, "db_lot_open", "a lot code has 1 to 20 characters");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];

        if (c < 0x21 || c > 0x7a || strchr("\"#$@[\\]^`", c) != NULL)
            return tt_err_set(err, TT_EINVAL, "db_lot_open",
                              "lot code '%s': character '%c' is not allowed in GS1 AI 10; use "
                              "letters, digits and - . / _",
                              code, c >= 0x20 && c < 0x7f ? c : '?');
    }
    return 0;
}

static int
check_lot(struct db *db, const struct db_lot *l, struct db_product *prod, struct db_place *place,
          struct tt_err *err)
{
    int rc = db_product_get(db, l->product_id, prod, err);

    if (rc != 0)
        return rc;
    if (l->code[0] != '\0' && (rc = check_lot_code(l->code, err)) != 0)
        return rc;
    if (l->harvest_from[0] != '\0' && (rc = db_check_date(l->harvest_from, "harvest date", err)))
        return rc;
    if (l->harvest_to[0] != '\0') {
        if (l->harvest_from[0] == '\0')
            return tt_err_set(err, TT_EINVAL, "db_lot_open",
                              "a harvest range needs its first day too");
        if ((rc = db_check_date(l->harvest_to, "last harvest date", err)) != 0)
            return rc;
        if (strcmp(l->harvest_to, l->harvest_from) < 0)
            return tt_err_set(err, TT_EINVAL, "db_lot_open",
                              "the harvest range ends (%s) before it starts (%s)", l->harvest_to,
                              l->harvest_from);
    }
    if (l->quantity_g < 0)
        return tt_err_set(err, TT_EINVAL, "db_lot_open", "a quantity cannot be negative");
    memset(place, 0, sizeof *place);
    if (l->place_id > 0)
        return db_place_get(db, l->place_id, place, err);
    return 0;
}

/* "YYMMDD-N": the station's local date and the day's running number. */
static int
generate_lot_code(struct db *db, char code[21], struct tt_err *err)
{
    struct db_settings s;
    char date[11], name[24];
    int64_t n = 0;
    int rc = db_settings_get(db, &s, err);

    if (rc != 0)
        return rc;
    db_format_date(db_now_ms(db), s.tz_minutes, date);
    snprintf(name, sizeof name, "lot:%.2s%.2s%.2s", date + 2, date + 5, date + 8);
    rc = db_counter_advance(db, name, &n, err);
    if (rc == 0)
        snprintf(code, 21, "%.2s%.2s%.2s-%lld", date + 2, date + 5, date + 8, (long long)n);
    return rc;
}

static int
lot_insert(struct db *db, struct db_lot *l, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db,
                               "INSERT INTO lots(product_id, code, harvest_from, harvest_to,"
                               " place_id, operator_id, quantity_g, opened_ms)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                               err);
    int rc;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, l->product_id);
    db_bind_text(st, 2, l->code);
    db_bind_text(st, 3, l->harvest_from);
    db_bind_text(st, 4, l->harvest_to);
    if (l->place_id > 0)
        sqlite3_bind_int64(st, 5, l->place_id);
    if (db->operator_id > 0)
        sqlite3_bind_int64(st, 6, db->operator_id);
    sqlite3_bind_int64(st, 7, l->quantity_g);
    sqlite3_bind_int64(st, 8, l->opened_ms);
    rc = db_exec_stmt(db, st, err, "db_lot_open");
    if (rc == TT_EEXIST)
        tt_err_set(err, rc, "db_lot_open", "this product already has a lot '%s'", l->code);
    l->id = rc == 0 ? sqlite3_last_insert_rowid(db->sql) : 0;
    return rc;
}

/* The lot's commissioning event: quantityList with the lot class, ilmd with harvest data. */
static int
lot_event(struct db *db, const struct db_lot *l, const struct db_product *p,
          const struct db_place *place, struct db_event_info *info, struct tt_err *err)
{
    struct gs1_msg msg;
    char cls[256], where[256] = "";
    struct db_kv ilmd[4];
    struct db_quantity q = {cls, l->quantity_g, l->quantity_g > 0, NULL};
    struct db_event_new ev = {0};
    size_t n = 0;
    int rc;

    gs1_msg_init(&msg);
    rc = gs1_msg_add(&msg, "01", p->gtin, err);
    if (rc == 0)
        rc = gs1_msg_add(&msg, "10", l->code, err);
    if (rc == 0)
        rc = gs1_dl_uri(&msg, NULL, cls, sizeof cls, err);
    if (rc == 0 && place->id > 0)
        rc = db_place_location_uri(db, place, where, sizeof where, err);
    if (rc != 0)
        return rc;
    if (strcmp(p->unit, "KGM") == 0 || strcmp(p->unit, "GRM") == 0)
        q.uom = "KGM";
    else
        q.has_amount = 0; /* a count of pieces is not known when the lot opens */
    ilmd[n++] = (struct db_kv){"cbvmda:countryOfOrigin", "VN"};
    if (l->harvest_from[0] != '\0')
        ilmd[n++] = (struct db_kv){"cbvmda:harvestStartDate", l->harvest_from};
    if (l->harvest_to[0] != '\0')
        ilmd[n++] = (struct db_kv){"cbvmda:harvestEndDate", l->harvest_to};
    ev.type = DB_EVENT_OBJECT;
    ev.action = DB_ACTION_ADD;
    ev.biz_step = "commissioning";
    ev.disposition = "active";
    ev.quantities = &q;
    ev.n_quantities = 1;
    ev.ilmd = ilmd;
    ev.n_ilmd = n;
    if (where[0] != '\0')
        ev.biz_location = where;
    return db_event_append_locked(db, &ev, info, err);
}

static int
lot_link_event(struct db *db, int64_t lot_id, int64_t seq, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, "UPDATE lots SET open_event_seq = ?2 WHERE id = ?1", err);

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, lot_id);
    sqlite3_bind_int64(st, 2, seq);
    return db_exec_stmt(db, st, err, "db_lot_open");
}

int
db_lot_open(struct db *db, const struct db_lot *lot, struct db_lot *out, struct tt_err *err)
{
    struct db_product prod;
    struct db_place place;
    struct db_event_info info;
    struct db_lot l = *lot;
    struct db_write w;
    char subject[32];
    int rc;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    rc = check_lot(db, &l, &prod, &place, err);
    if (rc == 0)
        rc = db_write_begin(db, &w, err);
    if (rc != 0)
        return rc;
    l.opened_ms = db_now_ms(db);
    l.closed = 0;
    l.operator_id = db->operator_id;
    if (l.code[0] == '\0')
        rc = generate_lot_code(db, l.code, err);
    if (rc == 0)
        rc = lot_insert(db, &l, err);
    if (rc == 0)
        rc = lot_event(db, &l, &prod, &place, &info, err);
    if (rc == 0)
        rc = lot_link_event(db, l.id, info.seq, err);
    snprintf(subject, sizeof subject, "%lld", (long long)l.id);
    if (rc == 0)
        rc = db_audit_write(db, "lot.open", subject, l.code, err);
    rc = db_write_end(db, &w, rc, err);
    if (rc == 0 && out != NULL)
        rc = db_lot_get(db, l.id, out, err);
    return rc;
}

int
db_lot_close(struct db *db, int64_t lot_id, struct tt_err *err)
{
    struct db_lot l;
    struct db_write w;
    sqlite3_stmt *st;
    char subject[32];
    int rc = db_write_begin(db, &w, err);

    if (rc != 0)
        return rc;
    rc = db_lot_get(db, lot_id, &l, err);
    if (rc == 0 && l.closed)
        rc = tt_err_set(err, TT_ESTATE, __func__, "lot %s (%lld) is already closed", l.code,
                        (long long)lot_id);
    if (rc == 0) {
        st = db_stmt(db, "UPDATE lots SET closed = 1, closed_ms = ?2 WHERE id = ?1", err);
        if (st == NULL) {
            rc = err != NULL ? err->code : TT_EIO;
        } else {
            sqlite3_bind_int64(st, 1, lot_id);
            sqlite3_bind_int64(st, 2, db_now_ms(db));
            rc = db_exec_stmt(db, st, err, __func__);
        }
    }
    snprintf(subject, sizeof subject, "%lld", (long long)lot_id);
    if (rc == 0)
        rc = db_audit_write(db, "lot.close", subject, l.code, err);
    return db_write_end(db, &w, rc, err);
}

#define LOT_COLS                                                                                   \
    "SELECT id, product_id, code, harvest_from, harvest_to, coalesce(place_id, 0),"                \
    " coalesce(operator_id, 0), quantity_g, closed, opened_ms, coalesce(closed_ms, 0),"            \
    " coalesce(open_event_seq, 0) FROM lots"

static void
lot_row(sqlite3_stmt *st, void *out)
{
    struct db_lot *l = out;

    l->id = sqlite3_column_int64(st, 0);
    l->product_id = sqlite3_column_int64(st, 1);
    db_col_text(st, 2, l->code, sizeof l->code);
    db_col_text(st, 3, l->harvest_from, sizeof l->harvest_from);
    db_col_text(st, 4, l->harvest_to, sizeof l->harvest_to);
    l->place_id = sqlite3_column_int64(st, 5);
    l->operator_id = sqlite3_column_int64(st, 6);
    l->quantity_g = sqlite3_column_int64(st, 7);
    l->closed = sqlite3_column_int(st, 8);
    l->opened_ms = sqlite3_column_int64(st, 9);
    l->closed_ms = sqlite3_column_int64(st, 10);
    l->open_event_seq = sqlite3_column_int64(st, 11);
}

int
db_lot_get(struct db *db, int64_t id, struct db_lot *out, struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, LOT_COLS " WHERE id = ?1", err);
    char what[32];

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, id);
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return db_read_one(db, st, lot_row, out, err, "db_lot", "a lot",
                       "no lot %s; see 'tramtem lot list'", what);
}

int
db_lot_find(struct db *db, int64_t product_id, const char *code, struct db_lot *out,
            struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, LOT_COLS " WHERE product_id = ?1 AND code = ?2", err);
    char what[48];

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int64(st, 1, product_id);
    db_bind_text(st, 2, code);
    snprintf(what, sizeof what, "'%.20s'", code);
    return db_read_one(db, st, lot_row, out, err, "db_lot", "a lot",
                       "no lot %s; see 'tramtem lot list'", what);
}

int
db_lot_list(struct db *db, int open_only, int (*cb)(void *ctx, const struct db_lot *l), void *ctx,
            struct tt_err *err)
{
    sqlite3_stmt *st = db_stmt(db, LOT_COLS " WHERE closed = 0 OR ?1 = 0 ORDER BY id DESC", err);
    struct db_lot l;
    int rc, stop = 0;

    if (st == NULL)
        return err != NULL ? err->code : TT_EIO;
    sqlite3_bind_int(st, 1, open_only ? 1 : 0);
    while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        lot_row(st, &l);
        stop = cb(ctx, &l);
    }
    return db_rows_end(db, st, rc, stop, __func__, "lots", err);
}
