/*
 * demo.c — loads the demo cooperative (data/demo/coop.json) into a station
 * database in one transaction: settings (mode "demo"), places, operators
 * and products with demo GTINs (GS1 prefix 952, see data/demo/README).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "db-internal.h"

static const char *
str_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s != NULL ? s : "";
}

static int
load_settings(struct db *db, json_t *settings, struct tt_err *err)
{
    const char *key;
    json_t *v;
    int rc = 0;

    for (void *it_ = json_object_iter(settings);
         it_ != NULL && (key = json_object_iter_key(it_)) != NULL &&
         (v = json_object_iter_value(it_)) != NULL;
         it_ = json_object_iter_next(settings, it_)) {
        if (rc == 0)
            rc = db_setting_set(db, key, json_string_value(v) != NULL ? json_string_value(v) : "",
                                err);
    }
    return rc;
}

static int
place_kind(const char *s)
{
    static const char *const kinds[] = {"farm", "plot", "packhouse", "store"};

    for (int i = 0; i < 4; i++)
        if (strcmp(s, kinds[i]) == 0)
            return i;
    return -1;
}

static int
load_places(struct db *db, json_t *places, struct tt_err *err)
{
    size_t i;
    json_t *p;
    int rc = 0;

    for (i = 0; i < json_array_size(places) && (p = json_array_get(places, i)) != NULL; i++) {
        struct db_place pl = {0};
        int kind = place_kind(str_of(p, "kind"));

        if (rc != 0)
            break;
        if (kind < 0)
            return tt_err_set(err, TT_EINVAL, "db_demo_load", "place %zu: unknown kind '%s'", i,
                              str_of(p, "kind"));
        snprintf(pl.code, sizeof pl.code, "%s", str_of(p, "code"));
        snprintf(pl.name, sizeof pl.name, "%s", str_of(p, "name"));
        snprintf(pl.gln, sizeof pl.gln, "%s", str_of(p, "gln"));
        snprintf(pl.commune, sizeof pl.commune, "%s", str_of(p, "commune"));
        snprintf(pl.province, sizeof pl.province, "%s", str_of(p, "province"));
        pl.kind = (enum db_place_kind)kind;
        if (*str_of(p, "parent") != '\0') {
            struct db_place parent;

            rc = db_place_find(db, str_of(p, "parent"), &parent, err);
            pl.parent_id = parent.id;
        }
        if (rc == 0)
            rc = db_place_add(db, &pl, NULL, err);
    }
    return rc;
}

static int
load_operators(struct db *db, json_t *ops, struct tt_err *err)
{
    size_t i;
    json_t *o;
    int rc = 0;

    for (i = 0; i < json_array_size(ops) && (o = json_array_get(ops, i)) != NULL; i++) {
        const char *role = str_of(o, "role");
        enum db_role r = strcmp(role, "manager") == 0   ? DB_ROLE_MANAGER
                         : strcmp(role, "trainer") == 0 ? DB_ROLE_TRAINER
                                                        : DB_ROLE_OPERATOR;

        if (rc == 0)
            rc = db_operator_add(db, str_of(o, "name"), r, str_of(o, "pin"), NULL, err);
    }
    return rc;
}

static int
load_products(struct db *db, json_t *products, struct tt_err *err)
{
    size_t i;
    json_t *p;
    int rc = 0;

    for (i = 0; i < json_array_size(products) && (p = json_array_get(products, i)) != NULL; i++) {
        struct db_product pr = {0};

        if (rc != 0)
            break;
        snprintf(pr.gtin, sizeof pr.gtin, "%s", str_of(p, "gtin"));
        snprintf(pr.name_vi, sizeof pr.name_vi, "%s", str_of(p, "name_vi"));
        snprintf(pr.name_en, sizeof pr.name_en, "%s", str_of(p, "name_en"));
        snprintf(pr.unit, sizeof pr.unit, "%s", str_of(p, "unit"));
        snprintf(pr.template, sizeof pr.template, "%s", str_of(p, "template"));
        pr.variable = json_is_true(json_object_get(p, "variable"));
        pr.shelf_life_days = (int)json_integer_value(json_object_get(p, "shelf_life_days"));
        rc = db_product_add(db, &pr, NULL, err);
    }
    return rc;
}

int
db_demo_load(struct db *db, const char *dir, struct tt_err *err)
{
    char path[4096];
    json_error_t jerr;
    json_t *root;
    struct db_write w;
    int rc;

    snprintf(path, sizeof path, "%s/coop.json", dir);
    root = json_load_file(path, 0, &jerr);
    if (root == NULL)
        return tt_err_set(err, TT_EIO, __func__, "cannot read the demo data %s: %s (line %d)", path,
                          jerr.text, jerr.line);
    rc = db_write_begin(db, &w, err);
    if (rc == 0) {
        rc = load_settings(db, json_object_get(root, "settings"), err);
        if (rc == 0)
            rc = load_places(db, json_object_get(root, "places"), err);
        if (rc == 0)
            rc = load_operators(db, json_object_get(root, "operators"), err);
        if (rc == 0)
            rc = load_products(db, json_object_get(root, "products"), err);
        rc = db_write_end(db, &w, rc, err);
    }
    json_decref(root);
    return rc;
}
