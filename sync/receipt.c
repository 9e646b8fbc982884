/*
 * receipt.c — portal receipts and master data: signed JSON files, verified
 * over their exact bytes before jansson sees them (receipt.h).
 */
#include "receipt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
receipt_file_name(uint64_t seq, char out[32])
{
    snprintf(out, 32, "r-%08" PRIu64 ".json", seq);
}

void
masterdata_file_name(uint64_t version, char out[32])
{
    snprintf(out, 32, "m-%08" PRIu64 ".json", version);
}

static int
read_capped(const char *path, size_t cap, char **out, size_t *len, struct tt_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *buf;
    size_t got = 0;

    if (fd < 0)
        return tt_err_set(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, "receipt_read",
                          "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > cap) {
        close(fd);
        return tt_err_setd(err, TT_EINVAL, RECEIPT_P_FORMAT, "receipt_read",
                           "%s is not a regular file of at most %zu bytes", path, cap);
    }
    if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
        close(fd);
        return tt_err_set(err, TT_ENOMEM, "receipt_read", "no memory");
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        free(buf);
        return tt_err_set(err, TT_EIO, "receipt_read", "cannot read all of %s", path);
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int
receipt_read_signed(const char *path, const struct sig_pubkey *portal, int *kind_out, char **text,
                    size_t *len, char *trusted, struct tt_err *err)
{
    struct sig_file *sf = malloc(sizeof *sf);
    char sp[4096];
    uint8_t hash[SIG_HASH_LEN];
    int rc, kind = 0;

    *text = NULL;
    if (sf == NULL)
        return tt_err_set(err, TT_ENOMEM, "receipt_read", "no memory");
    snprintf(sp, sizeof sp, "%s.minisig", path);
    if ((rc = sig_init(err)) != 0 || (rc = sig_file_read(sp, sf, err)) != 0) {
        if (err != NULL && rc == TT_ESIG)
            err->detail = RECEIPT_P_SIGNATURE;
        free(sf);
        return rc;
    }
    if (strncmp(sf->trusted, "tramtem-receipt/", 16) == 0)
        kind = 'r';
    else if (strncmp(sf->trusted, "tramtem-masterdata/", 19) == 0)
        kind = 'm';
    if (kind == 0) {
        free(sf);
        return tt_err_setd(err, TT_EINVAL, RECEIPT_P_FORMAT, "receipt_read",
                           "%s is neither a receipt nor master data (trusted comment)", path);
    }
    rc = read_capped(path, kind == 'r' ? RECEIPT_FILE_MAX : MASTERDATA_FILE_MAX, text, len, err);
    if (rc == 0) {
        crypto_generichash(hash, sizeof hash, (const unsigned char *)*text, *len, NULL, 0);
        rc = sig_verify_hash(portal, sf, hash, err);
        if (rc != 0) {
            if (err != NULL)
                err->detail = RECEIPT_P_SIGNATURE;
            free(*text);
            *text = NULL;
        }
    }
    if (rc == 0) {
        strcpy(trusted, sf->trusted);
        *kind_out = kind;
    }
    free(sf);
    return rc;
}

static int
fmt_err(struct tt_err *err, const char *what)
{
    return tt_err_setd(err, TT_EINVAL, RECEIPT_P_FORMAT, "receipt_parse",
                       "malformed receipt or master data: %s", what);
}

static int
copy_str(char *dst, size_t cap, json_t *v)
{
    const char *s = json_string_value(v);

    if (s == NULL || strlen(s) >= cap)
        return -1;
    strcpy(dst, s);
    return 0;
}

static int
kind_is(json_t *root, const char *kind)
{
    const char *k = json_string_value(json_object_get(root, "kind"));

    return k != NULL && strcmp(k, kind) == 0;
}

static int
get_u64(json_t *obj, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* Appends the items of one list in the receipt; `kind` tells their layout. */
static int
items_add(struct receipt *r, json_t *list, enum receipt_item_kind kind)
{
    size_t i;
    json_t *v;

    if (!json_is_array(list))
        return -1;
    if (json_array_size(list) > 100000)
        return -1;
    json_array_foreach(list, i, v)
    {
        struct receipt_item *it, *grown;

        grown = realloc(r->items, (r->n_items + 1) * sizeof *r->items);
        if (grown == NULL)
            return -1;
        r->items = grown;
        it = &r->items[r->n_items];
        memset(it, 0, sizeof *it);
        it->kind = kind;
        if (kind == RECEIPT_GAP) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                return -1;
            it->bundle_seq = (uint64_t)json_integer_value(v);
        } else if (kind == RECEIPT_CONFLICT) {
            if (copy_str(it->event_id, sizeof it->event_id, json_object_get(v, "event_id")) ||
                copy_str(it->reason, sizeof it->reason, json_object_get(v, "reason")))
                return -1;
        } else {
            if (get_u64(v, "seq", &it->bundle_seq) != 0 ||
                copy_str(it->b2, sizeof it->b2, json_object_get(v, "b2")) != 0)
                return -1;
            if (kind == RECEIPT_REJECTED &&
                copy_str(it->reason, sizeof it->reason, json_object_get(v, "reason")) != 0)
                return -1;
        }
        r->n_items++;
    }
    return 0;
}

static int
receipt_fill(struct receipt *r, json_t *root)
{
    uint64_t fmt;

    if (get_u64(root, "format", &fmt) != 0 || fmt != 1 || !kind_is(root, "receipt"))
        return -1;
    if (copy_str(r->station, sizeof r->station, json_object_get(root, "station")) ||
        copy_str(r->station_key_id, sizeof r->station_key_id,
                 json_object_get(root, "station_key_id")) ||
        get_u64(root, "receipt_seq", &r->receipt_seq) ||
        copy_str(r->portal_time, sizeof r->portal_time, json_object_get(root, "portal_time")) ||
        get_u64(root, "acked_through_bundle", &r->acked_through_bundle) ||
        get_u64(root, "acked_through_event", &r->acked_through_event) ||
        get_u64(root, "master_data_version", &r->master_data_version) ||
        copy_str(r->station_key_status, sizeof r->station_key_status,
                 json_object_get(root, "station_key_status")))
        return -1;
    if (r->receipt_seq == 0)
        return -1;
    if (items_add(r, json_object_get(root, "accepted"), RECEIPT_ACCEPTED) ||
        items_add(r, json_object_get(root, "duplicates"), RECEIPT_DUPLICATE) ||
        items_add(r, json_object_get(root, "rejected"), RECEIPT_REJECTED) ||
        items_add(r, json_object_get(root, "gaps"), RECEIPT_GAP) ||
        items_add(r, json_object_get(root, "event_conflicts"), RECEIPT_CONFLICT))
        return -1;
    return 0;
}

static void
receipt_comment(const struct receipt *r, char *out, size_t len)
{
    snprintf(out, len, "tramtem-receipt/1 st=%s rseq=%" PRIu64 " acked=%" PRIu64 " ev=%" PRIu64,
             r->station, r->receipt_seq, r->acked_through_bundle, r->acked_through_event);
}

int
receipt_parse(const char *json, size_t len, const char *trusted, struct receipt **out,
              struct tt_err *err)
{
    json_error_t jerr;
    json_t *root;
    struct receipt *r;
    char comment[256];
    int rc = 0;

    *out = NULL;
    if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
        return fmt_err(err, "not JSON");
    if ((r = calloc(1, sizeof *r)) == NULL) {
        json_decref(root);
        return tt_err_set(err, TT_ENOMEM, "receipt_parse", "no memory");
    }
    if (!json_is_object(root) || receipt_fill(r, root) != 0)
        rc = fmt_err(err, "a field is missing or has the wrong type");
    json_decref(root);
    if (rc == 0 && trusted != NULL) {
        receipt_comment(r, comment, sizeof comment);
        if (strcmp(comment, trusted) != 0)
            rc = tt_err_setd(err, TT_EINVAL, RECEIPT_P_FORMAT, "receipt_parse",
                             "the receipt does not match its signed trusted comment");
    }
    if (rc != 0) {
        receipt_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void
receipt_free(struct receipt *r)
{
    if (r == NULL)
        return;
    free(r->items);
    free(r);
}

int
receipt_check_station(const struct receipt *r, const char *station, const char *key_id_hex,
                      uint64_t last_receipt_seq, uint64_t highest_bundle_sent,
                      uint64_t highest_event_sent, struct tt_err *err)
{
    if (strcmp(r->station, station) != 0 || strcmp(r->station_key_id, key_id_hex) != 0)
        return tt_err_setd(err, TT_EINVAL, RECEIPT_P_STATION, "receipt_check",
                           "the receipt is for station %s key %s, not this station (%s, %s)",
                           r->station, r->station_key_id, station, key_id_hex);
    if (r->receipt_seq <= last_receipt_seq)
        return tt_err_setd(err, TT_ESTATE, RECEIPT_P_REPLAY, "receipt_check",
                           "receipt %" PRIu64 " is not newer than receipt %" PRIu64
                           " already imported (old or replayed): nothing changed",
                           r->receipt_seq, last_receipt_seq);
    if (r->acked_through_bundle > highest_bundle_sent ||
        r->acked_through_event > highest_event_sent)
        return tt_err_setd(err, TT_EINVAL, RECEIPT_P_RANGE, "receipt_check",
                           "the receipt acknowledges bundle %" PRIu64 " / event %" PRIu64
                           " but this station only sent up to bundle %" PRIu64 " / event %" PRIu64,
                           r->acked_through_bundle, r->acked_through_event, highest_bundle_sent,
                           highest_event_sent);
    for (size_t i = 0; i < r->n_items; i++)
        if (r->items[i].bundle_seq > highest_bundle_sent && r->items[i].kind != RECEIPT_GAP)
            return tt_err_setd(err, TT_EINVAL, RECEIPT_P_RANGE, "receipt_check",
                               "the receipt lists bundle %" PRIu64 ", which was never sent",
                               r->items[i].bundle_seq);
    return 0;
}

static int
md_products(struct masterdata *md, json_t *list)
{
    size_t i;
    json_t *v;

    if (!json_is_array(list) || json_array_size(list) > 1000000)
        return -1;
    md->products = calloc(json_array_size(list) + 1, sizeof *md->products);
    if (md->products == NULL)
        return -1;
    json_array_foreach(list, i, v)
    {
        struct md_product *p = &md->products[i];
        json_t *var = json_object_get(v, "variable");

        if (copy_str(p->gtin, sizeof p->gtin, json_object_get(v, "gtin")) ||
            copy_str(p->name_vi, sizeof p->name_vi, json_object_get(v, "name_vi")) ||
            copy_str(p->unit, sizeof p->unit, json_object_get(v, "unit")) ||
            (var != NULL && !json_is_boolean(var)))
            return -1;
        if (json_object_get(v, "name_en") != NULL &&
            copy_str(p->name_en, sizeof p->name_en, json_object_get(v, "name_en")))
            return -1;
        p->variable = json_is_true(var);
        md->n_products++;
    }
    return 0;
}

static int
md_revoked(struct masterdata *md, json_t *list)
{
    size_t i;
    json_t *v;

    if (list == NULL)
        return 0;
    if (!json_is_array(list) || json_array_size(list) > 100000)
        return -1;
    md->revoked_keys = calloc(json_array_size(list) + 1, sizeof *md->revoked_keys);
    if (md->revoked_keys == NULL)
        return -1;
    json_array_foreach(list, i, v)
    {
        if (copy_str(md->revoked_keys[i], 17, v) != 0 || strlen(md->revoked_keys[i]) != 16)
            return -1;
        md->n_revoked++;
    }
    return 0;
}

int
masterdata_parse(const char *json, size_t len, const char *trusted, struct masterdata **out,
                 struct tt_err *err)
{
    json_error_t jerr;
    json_t *root;
    struct masterdata *md;
    uint64_t fmt;
    char comment[64];
    int rc = 0;

    *out = NULL;
    if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
        return fmt_err(err, "not JSON");
    if ((md = calloc(1, sizeof *md)) == NULL) {
        json_decref(root);
        return tt_err_set(err, TT_ENOMEM, "masterdata_parse", "no memory");
    }
    if (!json_is_object(root) || get_u64(root, "format", &fmt) || fmt != 1 ||
        !kind_is(root, "masterdata") || get_u64(root, "version", &md->version) ||
        md->version == 0 ||
        copy_str(md->portal_time, sizeof md->portal_time, json_object_get(root, "portal_time")) ||
        md_products(md, json_object_get(root, "products")) ||
        md_revoked(md, json_object_get(root, "revoked_keys")))
        rc = fmt_err(err, "a field is missing or has the wrong type");
    json_decref(root);
    if (rc == 0 && trusted != NULL) {
        snprintf(comment, sizeof comment, "tramtem-masterdata/1 ver=%" PRIu64, md->version);
        if (strcmp(comment, trusted) != 0)
            rc = tt_err_setd(err, TT_EINVAL, RECEIPT_P_FORMAT, "masterdata_parse",
                             "the master data does not match its signed trusted comment");
    }
    if (rc != 0) {
        masterdata_free(md);
        return rc;
    }
    *out = md;
    return 0;
}

void
masterdata_free(struct masterdata *md)
{
    if (md == NULL)
        return;
    free(md->products);
    free(md->revoked_keys);
    free(md);
}

/* Writes text to dir/name then its signature (last), both new and fsynced. */
static int
write_signed(const char *dir, const char *name, const char *text, const char *trusted,
             const struct sig_seckey *sk, struct tt_err *err)
{
    char path[4096], sigtext[SIG_TRUSTED_MAX + 1200];
    uint8_t hash[SIG_HASH_LEN];
    size_t len = strlen(text);
    int rc = 0;

    crypto_generichash(hash, sizeof hash, (const unsigned char *)text, len, NULL, 0);
    if ((rc = sig_sign_hash(sk, hash, trusted, "signature from the tramtem portal", sigtext,
                            sizeof sigtext, err)) != 0)
        return rc;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        const char *body = pass == 0 ? text : sigtext;
        int fd;

        snprintf(path, sizeof path, "%s/%s%s", dir, name, pass == 0 ? "" : ".minisig");
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            return tt_err_set(err, errno == EEXIST ? TT_EEXIST : TT_EIO, "receipt_write",
                              "cannot create %s: %s", path, strerror(errno));
        if (write(fd, body, strlen(body)) != (ssize_t)strlen(body) || fsync(fd) != 0)
            rc = tt_err_set(err, TT_EIO, "receipt_write", "cannot write %s", path);
        if (close(fd) != 0 && rc == 0)
            rc = tt_err_set(err, TT_EIO, "receipt_write", "cannot close %s", path);
    }
    return rc;
}

static json_t *
items_json(const struct receipt *r, enum receipt_item_kind kind)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->n_items; i++) {
        const struct receipt_item *it = &r->items[i];

        if (it->kind != kind)
            continue;
        if (kind == RECEIPT_GAP)
            json_array_append_new(a, json_integer((json_int_t)it->bundle_seq));
        else if (kind == RECEIPT_CONFLICT)
            json_array_append_new(
                a, json_pack("{s:s,s:s}", "event_id", it->event_id, "reason", it->reason));
        else if (kind == RECEIPT_REJECTED)
            json_array_append_new(a, json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)it->bundle_seq,
                                               "b2", it->b2, "reason", it->reason));
        else
            json_array_append_new(
                a, json_pack("{s:I,s:s}", "seq", (json_int_t)it->bundle_seq, "b2", it->b2));
    }
    return a;
}

int
receipt_write(const char *dir, const struct receipt *r, const struct sig_seckey *portal,
              struct tt_err *err)
{
    json_t *root =
        json_pack("{s:i,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:I,s:s}", "format", 1,
                  "kind", "receipt", "station", r->station, "station_key_id", r->station_key_id,
                  "receipt_seq", (json_int_t)r->receipt_seq, "portal_time", r->portal_time,
                  "acked_through_bundle", (json_int_t)r->acked_through_bundle,
                  "acked_through_event", (json_int_t)r->acked_through_event, "accepted",
                  items_json(r, RECEIPT_ACCEPTED), "duplicates", items_json(r, RECEIPT_DUPLICATE),
                  "rejected", items_json(r, RECEIPT_REJECTED), "gaps", items_json(r, RECEIPT_GAP),
                  "event_conflicts", items_json(r, RECEIPT_CONFLICT), "master_data_version",
                  (json_int_t)r->master_data_version, "station_key_status", r->station_key_status);
    char *text, name[32], comment[256];
    int rc;

    if (root == NULL)
        return tt_err_set(err, TT_EINVAL, "receipt_write", "cannot build the receipt");
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL)
        return tt_err_set(err, TT_ENOMEM, "receipt_write", "no memory");
    receipt_file_name(r->receipt_seq, name);
    receipt_comment(r, comment, sizeof comment);
    rc = write_signed(dir, name, text, comment, portal, err);
    free(text);
    return rc;
}

int
masterdata_write(const char *dir, const struct masterdata *md, const struct sig_seckey *portal,
                 struct tt_err *err)
{
    json_t *products = json_array(), *revoked = json_array(), *root;
    char *text, name[32], comment[64];
    int rc;

    for (size_t i = 0; i < md->n_products; i++) {
        const struct md_product *p = &md->products[i];

        json_array_append_new(products, json_pack("{s:s,s:s,s:s,s:s,s:b}", "gtin", p->gtin,
                                                  "name_vi", p->name_vi, "name_en", p->name_en,
                                                  "unit", p->unit, "variable", p->variable));
    }
    for (size_t i = 0; i < md->n_revoked; i++)
        json_array_append_new(revoked, json_string(md->revoked_keys[i]));
    root = json_pack("{s:i,s:s,s:I,s:s,s:o,s:o}", "format", 1, "kind", "masterdata", "version",
                     (json_int_t)md->version, "portal_time", md->portal_time, "products", products,
                     "revoked_keys", revoked);
    if (root == NULL)
        return tt_err_set(err, TT_EINVAL, "masterdata_write", "cannot build the master data");
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL)
        return tt_err_set(err, TT_ENOMEM, "masterdata_write", "no memory");
    masterdata_file_name(md->version, name);
    snprintf(comment, sizeof comment, "tramtem-masterdata/1 ver=%" PRIu64, md->version);
    rc = write_signed(dir, name, text, comment, portal, err);
    free(text);
    return rc;
}
