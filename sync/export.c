/*
 * export.c — the station side of sync (export.h): key files, bundles made
 * from the store into the spool, copies to sticks, receipts and master
 * data imported back. The store is changed only after a step fully
 * succeeded, and never for a stick copy that did not read back.
 */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ZERO_B2 "0000000000000000000000000000000000000000000000000000000000000000"

int
sync_paths_for_db(const char *db_path, struct sync_paths *out, struct tt_err *err)
{
    const char *slash = strrchr(db_path, '/');
    int dlen = slash == NULL ? 1 : slash == db_path ? 1 : (int)(slash - db_path);
    const char *dir = slash == NULL ? "." : db_path;
    /* cppcheck reads `sizeof out->keydir` as a use of *out; out is only written. */
    // cppcheck-suppress ctuuninitvar
    int a = snprintf(out->keydir, sizeof out->keydir, "%.*s/keys", dlen, dir);
    int b = snprintf(out->spool, sizeof out->spool, "%.*s/spool", dlen, dir);

    if (a < 0 || b < 0 || (size_t)a >= sizeof out->keydir || (size_t)b >= sizeof out->spool)
        return tt_err_set(err, TT_EINVAL, "sync_paths", "database path too long");
    return 0;
}

static int
mkdir_p(const char *path, mode_t mode, struct tt_err *err)
{
    if (mkdir(path, mode) != 0 && errno != EEXIST)
        return tt_err_set(err, TT_EIO, "sync", "cannot create %s: %s", path, strerror(errno));
    return 0;
}

static void
key_path(const struct sync_paths *p, const char *name, char out[4200])
{
    snprintf(out, 4200, "%s/%s", p->keydir, name);
}

int
sync_key_init(const struct sync_paths *p, struct sig_pubkey *pub, struct tt_err *err)
{
    char skp[4200], pkp[4200];
    struct sig_seckey *sk = NULL;
    int rc;

    key_path(p, "station.key", skp);
    key_path(p, "station.pub", pkp);
    if (access(skp, F_OK) == 0)
        return tt_err_set(err, TT_EEXIST, "sync_key_init",
                          "a station key already exists (%s); it is never replaced", skp);
    if ((rc = mkdir_p(p->keydir, 0700, err)) != 0 || (rc = sig_key_generate(&sk, pub, err)) != 0)
        return rc;
    rc = sig_seckey_write(skp, sk, err);
    sig_seckey_free(sk);
    if (rc == 0)
        rc = sig_pubkey_write(pkp, pub, err);
    return rc;
}

int
sync_key_public(const struct sync_paths *p, struct sig_pubkey *pub, struct tt_err *err)
{
    char pkp[4200];
    int rc;

    key_path(p, "station.pub", pkp);
    rc = sig_pubkey_read(pkp, pub, err);
    if (rc == TT_ENOTFOUND)
        return tt_err_set(err, TT_ENOTFOUND, "sync_key_public",
                          "no station key yet: run 'tramtem key init'");
    return rc;
}

int
sync_key_pin_portal(const struct sync_paths *p, const char *pub_file, struct tt_err *err)
{
    struct sig_pubkey pub;
    char path[4200];
    int rc;

    if ((rc = sig_pubkey_read(pub_file, &pub, err)) != 0 ||
        (rc = mkdir_p(p->keydir, 0700, err)) != 0)
        return rc;
    key_path(p, "portal.pub", path);
    return sig_pubkey_write(path, &pub, err);
}

int
sync_key_revoked(const struct sync_paths *p, const char *key_id_hex)
{
    char path[4200], line[64];
    FILE *f;
    int found = 0;

    key_path(p, "revoked.txt", path);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        found = strcmp(line, key_id_hex) == 0;
    }
    fclose(f);
    return found;
}

int
sync_station_id(struct db *db, const struct sig_pubkey *pub, char out[BUNDLE_STATION_MAX],
                struct tt_err *err)
{
    char id[64] = "";
    int rc = db_setting_get(db, "station.id", id, sizeof id, err);

    if (rc != 0)
        return rc;
    if (id[0] != '\0' && strlen(id) < BUNDLE_STATION_MAX) {
        memcpy(out, id, strlen(id) + 1);
    } else {
        bundle_station_id(pub->key_id, out);
    }
    return 0;
}

/* "2026-11-25T20:17:33+07:00" for a time in ms and a zone offset in minutes. */
static void
format_created(int64_t now_ms, int tz_minutes, char out[40])
{
    time_t t = (time_t)(now_ms / 1000) + (time_t)tz_minutes * 60;
    struct tm tm;
    int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;

    gmtime_r(&t, &tm);
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (tm.tm_year + 1900) % 10000,
             (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
             tm.tm_sec % 100, tz_minutes < 0 ? '-' : '+', (off / 60) % 100, off % 60);
}

struct walk {
    struct bundle_writer *w;
    struct tt_err *err;
    uint64_t n, last;
    uint64_t n_md, md_max; /* master-data lines written, and the most to write */
};

static int
walk_event(void *ctx, const struct db_event_row *row)
{
    struct walk *wk = ctx;
    int rc = bundle_writer_event(wk->w, (uint64_t)row->seq, row->json, row->json_len, wk->err);

    if (rc == 0) {
        wk->n++;
        wk->last = (uint64_t)row->seq;
    }
    return rc;
}

static int
count_event(void *ctx, const struct db_event_row *row)
{
    struct walk *wk = ctx;

    wk->n++;
    wk->last = (uint64_t)row->seq;
    return 0;
}

/*
 * The station's products as EPCIS master data, one vocabulary a line, so the
 * portal can name the GTINs the events refer to (CBV descriptionShort).
 */
static int
walk_product(void *ctx, const struct db_product *p)
{
    struct walk *wk = ctx;
    char id[64], *text;
    json_t *v;
    int rc;

    /* Products are listed by id and never deleted: the first n_md are those a bundle had. */
    if (wk->n_md >= wk->md_max)
        return 0;
    snprintf(id, sizeof id, "https://id.gs1.org/01/%s", p->gtin);
    v = json_pack("{s:s,s:[{s:s,s:[{s:s,s:s}]}]}", "type", "urn:epcglobal:epcis:vtype:EPCClass",
                  "vocabularyElementList", "id", id, "attributes", "id",
                  "urn:epcglobal:cbv:mda#descriptionShort", "attribute", p->name_vi);
    text = v != NULL ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    if (text == NULL)
        return tt_err_set(wk->err, TT_ENOMEM, "sync", "no memory for master data");
    rc = bundle_writer_masterdata(wk->w, text, strlen(text), wk->err);
    free(text);
    if (rc == 0)
        wk->n_md++;
    return rc;
}

/*
 * Writes one payload to `fd` for the header's events, with at most md_max
 * master-data lines; TT_EINVAL when the store differs.
 */
static int
write_payload(struct db *db, int fd, const struct bundle_header *h, uint64_t md_max,
              struct bundle_info *out, struct tt_err *err)
{
    struct walk wk = {.err = err, .md_max = md_max};
    int rc;

    if ((rc = bundle_writer_new(fd, h, &wk.w, err)) != 0)
        return rc;
    rc = db_product_list(db, walk_product, &wk, err);
    if (rc == 0)
        rc = db_events_after(db, (int64_t)h->first_event_seq - 1, (int64_t)h->event_count,
                             walk_event, &wk, err);
    if (rc == 0)
        rc = bundle_writer_finish(wk.w, out->hash512, out->b2_256, &out->payload_bytes, err);
    out->n_masterdata = wk.n_md;
    bundle_writer_free(wk.w);
    return rc;
}

static int
write_text_file(const char *path, const char *text, struct tt_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    size_t len = strlen(text);
    int rc = 0;

    if (fd < 0)
        return tt_err_set(err, TT_EIO, "sync", "cannot create %s: %s", path, strerror(errno));
    if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
        rc = tt_err_set(err, errno == ENOSPC ? TT_ENOSPC : TT_EIO, "sync", "cannot write %s: %s",
                        path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot close %s", path);
    return rc;
}

/* Fills the header of the next bundle from the plan and the store. */
static int
plan_header(struct db *db, const struct sig_pubkey *pub, const struct db_export *plan,
            int64_t now_ms, struct bundle_header *h, struct tt_err *err)
{
    struct db_settings st;
    struct db_clock_state clk;
    struct db_receipt last;
    int64_t mdv = 0;
    int rc;

    memset(h, 0, sizeof *h);
    h->format = BUNDLE_FORMAT;
    if ((rc = sync_station_id(db, pub, h->station, err)) != 0 ||
        (rc = db_settings_get(db, &st, err)) != 0 || (rc = db_clock_check(db, &clk, err)) != 0)
        return rc;
    sig_keyid_hex(pub->key_id, h->key_id);
    h->bundle_seq = (uint64_t)plan->bundle_seq;
    snprintf(h->prev_b2, sizeof h->prev_b2, "%s", plan->prev_b2[0] ? plan->prev_b2 : ZERO_B2);
    h->first_event_seq = (uint64_t)plan->first_seq;
    h->last_event_seq = (uint64_t)plan->last_seq;
    h->event_count = (uint64_t)(plan->last_seq - plan->first_seq + 1);
    if (h->event_count > SYNC_BUNDLE_EVENTS_MAX) {
        h->event_count = SYNC_BUNDLE_EVENTS_MAX;
        h->last_event_seq = h->first_event_seq + SYNC_BUNDLE_EVENTS_MAX - 1;
    }
    /* The clock is recorded as it is, never used to order anything. */
    format_created(now_ms >= 0 ? now_ms : clk.now_ms, st.tz_minutes, h->created);
    h->clock_trusted = now_ms >= 0 ? now_ms >= clk.floor_ms : clk.ok;
    rc = db_receipt_last(db, &last, err);
    if (rc == 0)
        h->last_receipt_seq_seen = (uint64_t)last.receipt_seq;
    else if (rc != TT_ENOTFOUND)
        return rc;
    if (err != NULL)
        tt_err_clear(err);
    if ((rc = db_counter_peek(db, "masterdata", &mdv, err)) != 0)
        return rc;
    h->master_data_version = (uint64_t)mdv;
    return 0;
}

/* Seqs may have holes: count exactly what lies in [first, first+max). */
static int
exact_range(struct db *db, struct bundle_header *h, int64_t newest, struct tt_err *err)
{
    struct walk wk = {.err = err};
    int64_t cap = (int64_t)SYNC_BUNDLE_EVENTS_MAX;
    int rc = db_events_after(db, (int64_t)h->first_event_seq - 1, cap, count_event, &wk, err);

    if (rc != 0)
        return rc;
    if (wk.n == 0 || (int64_t)wk.last > newest)
        return tt_err_set(err, TT_ESTATE, "sync_make_bundles", "the events changed meanwhile");
    h->event_count = wk.n;
    h->last_event_seq = wk.last;
    return 0;
}

/* fsync of a folder, so renames in it last. */
static int
sync_dir(const char *dir, struct tt_err *err)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

    if (dfd < 0 || fsync(dfd) != 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot flush %s", dir);
    if (dfd >= 0)
        close(dfd);
    return rc;
}

/*
 * Seals the plain payload at `plain` into `sealed` (a new file) and gives
 * the sealed file's BLAKE2b-512 (what the signature signs) and size.
 */
static int
seal_payload(const char *plain, const char *sealed, const uint8_t seal_pk[SEAL_PK_LEN],
             uint8_t hash512[SIG_HASH_LEN], uint64_t *size_out, struct tt_err *err)
{
    int in = open(plain, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int out = open(sealed, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    struct stat st;
    int rc = 0;

    if (in < 0 || out < 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot open %s or %s: %s", plain, sealed,
                        strerror(errno));
    if (rc == 0)
        rc = seal_fd(in, out, seal_pk, err);
    if (rc == 0 && fsync(out) != 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot flush %s", sealed);
    if (rc == 0 && lseek(out, 0, SEEK_SET) != 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot rewind %s", sealed);
    if (rc == 0)
        rc = sig_hash_fd(out, hash512, NULL, err);
    if (rc == 0 && fstat(out, &st) != 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot stat %s", sealed);
    if (rc == 0)
        *size_out = (uint64_t)st.st_size;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return rc;
}

/*
 * Puts a plain payload written to `tmp` into the spool under its number:
 * sealed to seal_pk first when that is not NULL, then signed (over the
 * bytes as they will be on the stick), payload renamed, signature last.
 * The temporary files are gone afterwards, whatever happened.
 */
static int
spool_commit(const struct sync_paths *p, const struct sig_seckey *sk, const struct bundle_info *bi,
             const char *tmp, const uint8_t *seal_pk, struct tt_err *err)
{
    const struct bundle_header *h = &bi->header;
    char name[32], stmp[4200], sealed[4200], fin[4200], sfin[4200], comment[512];
    char untrusted[160], fp[SEAL_FP_LEN], *sigtext = malloc(SIG_TRUSTED_MAX + 1200);
    uint8_t hash512[SIG_HASH_LEN];
    uint64_t size = bi->payload_bytes;
    const char *payload = tmp;
    int rc = 0;

    bundle_file_name(h->bundle_seq, name);
    snprintf(stmp, sizeof stmp, "%s/.%s.minisig.tmp", p->spool, name);
    snprintf(sealed, sizeof sealed, "%s/.%s.sealed.tmp", p->spool, name);
    snprintf(fin, sizeof fin, "%s/%s", p->spool, name);
    snprintf(sfin, sizeof sfin, "%s/%s.minisig", p->spool, name);
    memcpy(hash512, bi->hash512, sizeof hash512);
    snprintf(untrusted, sizeof untrusted, "tramtem bundle %s from station %s", name, h->station);
    if (sigtext == NULL)
        rc = tt_err_set(err, TT_ENOMEM, "sync", "no memory");
    if (rc == 0 && seal_pk != NULL) {
        /* Only the sealed bytes go into the spool: the stick never sees the plain payload. */
        rc = seal_payload(tmp, sealed, seal_pk, hash512, &size, err);
        payload = sealed;
        seal_fingerprint(seal_pk, fp);
        snprintf(untrusted, sizeof untrusted, "tramtem bundle %s from station %s, sealed to %s",
                 name, h->station, fp);
    }
    if (rc == 0 && size > BUNDLE_FILE_MAX)
        rc = tt_err_set(err, TT_EINVAL, "sync", "bundle larger than 1 GiB");
    if (rc == 0 && (rc = bundle_trusted_comment(h, comment, sizeof comment)) != 0)
        tt_err_set(err, rc, "sync", "the trusted comment is too long");
    if (rc == 0)
        rc = sig_sign_hash(sk, hash512, comment, untrusted, sigtext, SIG_TRUSTED_MAX + 1200, err);
    if (rc == 0)
        rc = write_text_file(stmp, sigtext, err);
    /* Payload first, signature last: the signature is the commit record. */
    if (rc == 0 && (rename(payload, fin) != 0 || rename(stmp, sfin) != 0))
        rc = tt_err_set(err, TT_EIO, "sync", "cannot rename in %s: %s", p->spool, strerror(errno));
    if (rc == 0)
        rc = sync_dir(p->spool, err);
    free(sigtext);
    unlink(tmp);
    unlink(sealed);
    if (rc != 0)
        unlink(stmp);
    return rc;
}

static int
spool_one(struct db *db, const struct sync_paths *p, const struct sig_seckey *sk,
          const struct bundle_header *h0, const uint8_t *seal_pk, struct bundle_info *bi,
          struct tt_err *err)
{
    struct bundle_header h = *h0;
    char name[32], tmp[4200];
    int fd, rc;

    bundle_file_name(h.bundle_seq, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", p->spool, name);
    for (int attempt = 0;; attempt++) {
        fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            return tt_err_set(err, TT_EIO, "sync", "cannot create %s: %s", tmp, strerror(errno));
        rc = write_payload(db, fd, &h, UINT64_MAX, bi, err);
        if (rc == 0 && fsync(fd) != 0)
            rc = tt_err_set(err, TT_EIO, "sync", "cannot flush %s", tmp);
        close(fd);
        if (rc != TT_EINVAL || attempt > 0)
            break;
        /* Holes in the seqs: the fast plan did not match; count and write again. */
        if ((rc = exact_range(db, &h, (int64_t)h0->last_event_seq, err)) != 0)
            break;
    }
    bi->header = h;
    if (rc == 0 && bi->payload_bytes > BUNDLE_FILE_MAX)
        rc = tt_err_set(err, TT_EINVAL, "sync", "bundle larger than 1 GiB");
    if (rc == 0)
        return spool_commit(p, sk, bi, tmp, seal_pk, err);
    unlink(tmp);
    return rc;
}

static int
record_export(struct db *db, const struct bundle_info *bi, const uint8_t *seal_pk,
              struct tt_err *err)
{
    const struct bundle_header *h = &bi->header;
    struct db_export e;
    char detail[192], fp[SEAL_FP_LEN];
    int rc;

    memset(&e, 0, sizeof e);
    e.bundle_seq = (int64_t)h->bundle_seq;
    e.first_seq = (int64_t)h->first_event_seq;
    e.last_seq = (int64_t)h->last_event_seq;
    e.n_events = (int64_t)h->event_count;
    snprintf(e.prev_b2, sizeof e.prev_b2, "%s", h->bundle_seq == 1 ? "" : h->prev_b2);
    sig_hex(bi->b2_256, SIG_B2_256_LEN, e.payload_b2);
    e.payload_size = (int64_t)bi->payload_bytes;
    bundle_file_name(h->bundle_seq, e.file_name);
    snprintf(e.created, sizeof e.created, "%s", h->created);
    e.clock_trusted = h->clock_trusted;
    if ((rc = db_tx_begin(db, err)) != 0)
        return rc;
    rc = db_export_record(db, &e, err);
    /* The header fields the exports table lacks, so the bundle can be made again byte for byte. */
    snprintf(detail, sizeof detail,
             "last_receipt_seq_seen=%" PRIu64 " master_data_version=%" PRIu64 " md=%" PRIu64
             " st=%s",
             h->last_receipt_seq_seen, h->master_data_version, bi->n_masterdata, h->station);
    if (seal_pk != NULL) {
        /* Which bundles were sealed: a lost copy of one is never remade in plain text. */
        seal_fingerprint(seal_pk, fp);
        snprintf(detail + strlen(detail), sizeof detail - strlen(detail), " sealed=%s", fp);
    }
    if (rc == 0)
        rc = db_audit_add(db, "sync.export", e.file_name, detail, err);
    if (rc == 0)
        rc = db_tx_commit(db, err);
    else
        db_tx_rollback(db);
    return rc;
}

static int
spool_lock(const struct sync_paths *p, int *fd_out, struct tt_err *err)
{
    char path[4200];
    int rc, fd;

    if ((rc = mkdir_p(p->spool, 0755, err)) != 0)
        return rc;
    snprintf(path, sizeof path, "%s/.lock", p->spool);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return tt_err_set(err, TT_EIO, "sync", "cannot open %s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return tt_err_set(err, TT_EBUSY, "sync", "another export is running; wait for it");
    }
    *fd_out = fd;
    return 0;
}

int
sync_seal_key_get(struct db *db, uint8_t pk[SEAL_PK_LEN], int *on, struct tt_err *err)
{
    char line[DB_SETTING_VALUE_MAX];
    int rc = db_setting_get(db, "sync.seal_key", line, sizeof line, err);

    *on = 0;
    if (rc != 0 || line[0] == '\0')
        return rc;
    if ((rc = seal_pub_parse(line, strlen(line), pk, err)) != 0)
        return rc;
    *on = 1;
    return 0;
}

int
sync_seal_key_set(struct db *db, const char *pub_file, uint8_t pk_out[SEAL_PK_LEN],
                  struct tt_err *err)
{
    char line[SEAL_B64_LEN + 1] = "";
    int rc;

    if (pub_file != NULL) {
        if ((rc = seal_pub_read(pub_file, pk_out, err)) != 0)
            return rc;
        seal_pub_b64(pk_out, line);
    }
    return db_setting_set(db, "sync.seal_key", line, err);
}

/* The key new bundles are sealed to: the caller's, else the setting's, else none (NULL). */
static int
seal_key_now(struct db *db, const uint8_t *given, uint8_t buf[SEAL_PK_LEN], const uint8_t **out,
             struct tt_err *err)
{
    int on = 0, rc = 0;

    *out = given;
    if (given == NULL && (rc = sync_seal_key_get(db, buf, &on, err)) == 0 && on)
        *out = buf;
    return rc;
}

static int
make_bundles_locked(struct db *db, const struct sync_paths *p, int64_t now_ms,
                    const uint8_t *seal_pk, struct sync_export_result *res, struct tt_err *err)
{
    struct sig_seckey *sk = NULL;
    struct sig_pubkey pub;
    char skp[4200];
    int rc;

    key_path(p, "station.key", skp);
    if ((rc = sync_key_public(p, &pub, err)) != 0)
        return rc;
    for (;;) {
        struct db_export plan;
        struct bundle_header h;
        struct bundle_info bi;

        if ((rc = db_export_plan(db, &plan, err)) != 0)
            break;
        if (plan.last_seq < plan.first_seq || plan.first_seq <= 0)
            break; /* nothing new */
        if (sk == NULL && (rc = sig_seckey_read(skp, &sk, err)) != 0)
            break;
        if ((rc = plan_header(db, &pub, &plan, now_ms, &h, err)) != 0 ||
            (rc = spool_one(db, p, sk, &h, seal_pk, &bi, err)) != 0 ||
            (rc = record_export(db, &bi, seal_pk, err)) != 0)
            break;
        if (res->first_new_bundle == 0)
            res->first_new_bundle = bi.header.bundle_seq;
        res->last_new_bundle = bi.header.bundle_seq;
        res->new_events += bi.header.event_count;
        res->clock_trusted = bi.header.clock_trusted;
    }
    sig_seckey_free(sk); /* wiped */
    return rc;
}

int
sync_make_bundles(struct db *db, const struct sync_paths *p, int64_t now_ms,
                  struct sync_export_result *res, struct tt_err *err)
{
    struct sync_export_result local;
    uint8_t buf[SEAL_PK_LEN];
    const uint8_t *seal_pk;
    int lock, rc;

    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    res->clock_trusted = 1;
    if ((rc = seal_key_now(db, NULL, buf, &seal_pk, err)) != 0 ||
        (rc = spool_lock(p, &lock, err)) != 0)
        return rc;
    rc = make_bundles_locked(db, p, now_ms, seal_pk, res, err);
    close(lock);
    return rc;
}

struct unacked {
    struct stick_bundle *b;
    struct db_export *e;
    size_t n, cap;
};

static int
collect_unacked(void *ctx, const struct db_export *e)
{
    struct unacked *u = ctx;

    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 16;
        struct stick_bundle *nb = realloc(u->b, cap * sizeof *nb);
        struct db_export *ne;

        if (nb == NULL)
            return TT_ENOMEM;
        u->b = nb;
        if ((ne = realloc(u->e, cap * sizeof *ne)) == NULL)
            return TT_ENOMEM;
        u->e = ne;
        u->cap = cap;
    }
    u->e[u->n++] = *e;
    return 0;
}

/* The header of a recorded bundle, as far as the exports table knows it. */
static void
recorded_header(const struct db_export *e, const struct sig_pubkey *pub, const char *station,
                struct bundle_header *h)
{
    memset(h, 0, sizeof *h);
    h->format = BUNDLE_FORMAT;
    snprintf(h->station, sizeof h->station, "%s", station);
    sig_keyid_hex(pub->key_id, h->key_id);
    h->bundle_seq = (uint64_t)e->bundle_seq;
    snprintf(h->prev_b2, sizeof h->prev_b2, "%s", e->prev_b2[0] ? e->prev_b2 : ZERO_B2);
    h->first_event_seq = (uint64_t)e->first_seq;
    h->last_event_seq = (uint64_t)e->last_seq;
    h->event_count = (uint64_t)e->n_events;
    snprintf(h->created, sizeof h->created, "%s", e->created);
    h->clock_trusted = e->clock_trusted;
}

/*
 * The station id a bundle was signed under, from its verified trusted
 * comment (station.id may have been set since); `fallback` when absent.
 */
static const char *
comment_station(const char *trusted, const char *fallback, char out[BUNDLE_STATION_MAX])
{
    const char *p = strstr(trusted, " st=");
    size_t n = p != NULL ? strcspn(p + 4, " ") : 0;

    if (n == 0 || n >= BUNDLE_STATION_MAX)
        return fallback;
    memcpy(out, p + 4, n);
    out[n] = '\0';
    return out;
}

/*
 * 0 when the spool holds bundle e as recorded: a plain payload whose hash
 * is the recorded one, or a sealed one (whose plain hash only the portal
 * can see) — and, either way, a signature by this station's key over the
 * file with the trusted comment the record gives. Fills b for the stick.
 */
static int
spool_check(const struct sync_paths *p, const struct db_export *e, const struct sig_pubkey *pub,
            const char *station, struct stick_bundle *b, struct tt_err *err)
{
    struct sig_file *sf = malloc(sizeof *sf);
    struct bundle_header h;
    char path[4200], hex[65], comment[512], st_id[BUNDLE_STATION_MAX];
    uint8_t b2[SIG_B2_256_LEN] = {0}, head[8];
    struct stat st;
    int fd = -1, rc = 0, sealed = 0, sig_bad = 0;

    snprintf(path, sizeof path, "%s/%s", p->spool, e->file_name);
    if (sf == NULL)
        return tt_err_set(err, TT_ENOMEM, "sync", "no memory");
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0)
        rc = tt_err_set(err, TT_ENOTFOUND, "sync", "the spool copy of %s is missing: %s",
                        e->file_name, strerror(errno));
    if (rc == 0) {
        sealed = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
                 seal_is_sealed(head, sizeof head);
        b->size = (uint64_t)st.st_size;
        rc = sig_hash_fd(fd, b->hash512, b2, err);
    }
    sig_hex(b2, sizeof b2, hex);
    if (rc == 0 && !sealed && strcmp(hex, e->payload_b2) != 0)
        rc = tt_err_set(err, TT_ECORRUPT, "sync",
                        "the spool copy of %s is damaged (hash differs from the record)",
                        e->file_name);
    snprintf(path, sizeof path, "%s/%s.minisig", p->spool, e->file_name);
    if (rc == 0)
        sig_bad =
            sig_file_read(path, sf, NULL) != 0 || sig_verify_hash(pub, sf, b->hash512, NULL) != 0;
    if (rc == 0 && !sig_bad) {
        /* Signed by us, so its station field is the one the bundle was made under. */
        recorded_header(e, pub, comment_station(sf->trusted, station, st_id), &h);
        sig_bad = bundle_trusted_comment(&h, comment, sizeof comment) != 0 ||
                  strcmp(comment, sf->trusted) != 0;
    }
    if (rc == 0 && sig_bad)
        rc = tt_err_set(err, TT_ECORRUPT, "sync",
                        "the spool signature of %s is missing or does not match the record",
                        e->file_name);
    if (fd >= 0)
        close(fd);
    free(sf);
    return rc;
}

/* What record_export() kept of a bundle beside the exports table. */
struct export_note {
    const char *file_name;
    int found;
    uint64_t receipt_seen, md_version, n_md;
    int has_md, sealed;
    char station[BUNDLE_STATION_MAX]; /* "" for bundles made before it was noted */
};

static int
find_note(void *ctx, const struct db_audit_row *row)
{
    struct export_note *n = ctx;
    const char *md, *d = row->detail != NULL ? row->detail : "";

    if (strcmp(row->action, "sync.export") != 0 || strcmp(row->subject, n->file_name) != 0)
        return 0;
    if (sscanf(d, "last_receipt_seq_seen=%" SCNu64 " master_data_version=%" SCNu64,
               &n->receipt_seen, &n->md_version) != 2)
        return 0;
    md = strstr(d, " md=");
    n->has_md = md != NULL && sscanf(md, " md=%" SCNu64, &n->n_md) == 1;
    n->sealed = strstr(d, " sealed=") != NULL;
    n->station[0] = '\0';
    comment_station(d, NULL, n->station);
    n->found = 1;
    return 0;
}

/*
 * Makes a lost or damaged spool copy of bundle e again from the store. The
 * writer is deterministic, so a plain bundle comes out byte for byte as it
 * was — checked against the recorded hash before anything is renamed into
 * the spool; a different result is refused, never written under the
 * number. A sealed bundle cannot come out the same (its key was random):
 * its plain payload is remade and checked the same way, then sealed anew
 * to the portal seal key in use now and signed; with none, it is refused
 * rather than written in plain text.
 */
static int
spool_rebuild(struct db *db, const struct sync_paths *p, const struct db_export *e,
              const struct sig_pubkey *pub, const char *station, const uint8_t *seal_pk,
              struct tt_err *err)
{
    struct export_note note = {.file_name = e->file_name};
    struct sig_seckey *sk = NULL;
    struct bundle_info bi;
    char tmp[4200], skp[4200], hex[65];
    int fd, rc;

    if ((rc = db_audit_list(db, 0, find_note, &note, err)) != 0)
        return rc;
    if (!note.found)
        return tt_err_set(err, TT_ECORRUPT, "sync",
                          "%s is lost from the spool and the record to make it again is missing",
                          e->file_name);
    if (note.sealed && seal_pk == NULL)
        return tt_err_set(err, TT_ESTATE, "sync",
                          "%s was sealed and its spool copy is lost; it is never remade in plain "
                          "text: set the portal seal key again to seal it anew",
                          e->file_name);
    memset(&bi, 0, sizeof bi);
    recorded_header(e, pub, note.station[0] != '\0' ? note.station : station, &bi.header);
    bi.header.last_receipt_seq_seen = note.receipt_seen;
    bi.header.master_data_version = note.md_version;
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", p->spool, e->file_name);
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return tt_err_set(err, TT_EIO, "sync", "cannot create %s: %s", tmp, strerror(errno));
    rc = write_payload(db, fd, &bi.header, note.has_md ? note.n_md : UINT64_MAX, &bi, err);
    if (rc == 0 && fsync(fd) != 0)
        rc = tt_err_set(err, TT_EIO, "sync", "cannot flush %s", tmp);
    close(fd);
    sig_hex(bi.b2_256, sizeof bi.b2_256, hex);
    if (rc == 0 && strcmp(hex, e->payload_b2) != 0)
        rc = tt_err_set(err, TT_ECORRUPT, "sync",
                        "%s cannot be made again the same from the store (its hash differs from "
                        "the record); nothing was written under its number",
                        e->file_name);
    else if (rc != 0) {
        char why[256];

        snprintf(why, sizeof why, "%s", err != NULL ? err->msg : "the store changed");
        rc = tt_err_set(err, TT_ECORRUPT, "sync",
                        "%s cannot be made again from the store (%s); nothing was written under "
                        "its number",
                        e->file_name, why);
    }
    key_path(p, "station.key", skp);
    if (rc == 0 && (rc = sig_seckey_read(skp, &sk, err)) == 0)
        rc = spool_commit(p, sk, &bi, tmp, note.sealed ? seal_pk : NULL, err);
    sig_seckey_free(sk);
    unlink(tmp);
    if (rc == 0)
        db_audit_add(db, "sync.spool.remade", e->file_name,
                     note.sealed ? "sealed anew" : "same bytes", NULL);
    return rc;
}

/*
 * Checks each spool copy against the store before it goes anywhere, and
 * remakes the ones that are lost or damaged (spool_rebuild).
 */
static int
prepare_unacked(struct db *db, const struct sync_paths *p, struct unacked *u,
                const struct sig_pubkey *pub, const char *station, const uint8_t *seal_pk,
                struct tt_err *err)
{
    for (size_t i = 0; i < u->n; i++) {
        struct stick_bundle *b = &u->b[i];
        int rc;

        memset(b, 0, sizeof *b);
        b->bundle_seq = (uint64_t)u->e[i].bundle_seq;
        b->spool_dir = p->spool;
        b->name = u->e[i].file_name;
        if (spool_check(p, &u->e[i], pub, station, b, NULL) == 0)
            continue;
        if ((rc = spool_rebuild(db, p, &u->e[i], pub, station, seal_pk, err)) != 0 ||
            (rc = spool_check(p, &u->e[i], pub, station, b, err)) != 0)
            return rc;
    }
    return 0;
}

static int
copy_unacked(struct db *db, const struct sync_paths *p, const char *dir, const char *volume,
             const char *station, const uint8_t *seal_pk, stick_progress_fn progress, void *ctx,
             struct sync_export_result *res, struct tt_err *err)
{
    struct unacked u = {0};
    struct sig_pubkey pub;
    uint64_t need = 0;
    int *copied = NULL, rc;

    if ((rc = sync_key_public(p, &pub, err)) != 0 ||
        (rc = db_export_list_unacked(db, collect_unacked, &u, err)) != 0)
        goto done;
    res->n_unacked = u.n;
    if (u.n == 0)
        goto done;
    if ((copied = calloc(u.n, sizeof *copied)) == NULL) {
        rc = tt_err_set(err, TT_ENOMEM, "sync", "no memory");
        goto done;
    }
    if ((rc = prepare_unacked(db, p, &u, &pub, station, seal_pk, err)) != 0)
        goto done;
    for (size_t i = 0; i < u.n; i++)
        need += u.b[i].size + 65536;
    if ((rc = stick_check_space(dir, need, err)) != 0)
        goto done;
    rc = stick_write_bundles(dir, station, u.b, u.n, &pub, copied, progress, ctx, err);
    for (size_t i = 0; i < u.n; i++) {
        if (!copied[i])
            continue;
        /* Recorded only after the read-back verified; a failure here loses nothing. */
        if (db_export_copied(db, (int64_t)u.b[i].bundle_seq, volume, NULL) == 0)
            res->n_copied++;
    }
done:
    free(copied);
    free(u.b);
    free(u.e);
    return rc;
}

struct inbox {
    struct db *db;
    const struct sync_paths *p;
    const char *sdir;
    struct sync_export_result *res;
};

static int
inbox_file(void *ctx, const char *name)
{
    struct inbox *in = ctx;
    char path[4200], detail[300];
    struct tt_err e;

    tt_err_clear(&e);
    snprintf(path, sizeof path, "%s/%s", in->sdir, name);
    if (sync_import(in->db, in->p, path, NULL, &e) == 0) {
        in->res->n_imported++;
    } else if (e.detail != RECEIPT_P_REPLAY) {
        /* Old receipts stay on sticks and are skipped quietly; others are noted. */
        in->res->n_refused++;
        snprintf(detail, sizeof detail, "%s", e.msg);
        db_audit_add(in->db, "sync.import.refused", name, detail, NULL);
    }
    return 0;
}

int
sync_export(struct db *db, const struct sync_paths *p, const char *dir, const char *volume,
            int64_t now_ms, stick_progress_fn progress, void *ctx, struct sync_export_result *res,
            struct tt_err *err)
{
    return sync_export_sealed(db, p, dir, volume, now_ms, NULL, progress, ctx, res, err);
}

int
sync_export_sealed(struct db *db, const struct sync_paths *p, const char *dir, const char *volume,
                   int64_t now_ms, const uint8_t *seal_pk, stick_progress_fn progress, void *ctx,
                   struct sync_export_result *res, struct tt_err *err)
{
    struct sync_export_result local;
    struct sig_pubkey pub;
    char station[BUNDLE_STATION_MAX], sdir[4096];
    uint8_t buf[SEAL_PK_LEN];
    struct inbox in;
    int lock, rc;

    if (res == NULL)
        res = &local;
    memset(res, 0, sizeof *res);
    res->clock_trusted = 1;
    if ((rc = sync_key_public(p, &pub, err)) != 0 ||
        (rc = sync_station_id(db, &pub, station, err)) != 0 ||
        (rc = seal_key_now(db, seal_pk, buf, &seal_pk, err)) != 0)
        return rc;
    if ((rc = stick_check_space(dir, 0, err)) != 0 || (rc = spool_lock(p, &lock, err)) != 0)
        return rc;
    /* Receipts first: what the portal already has need not be carried again. */
    stick_station_dir(dir, station, sdir, sizeof sdir);
    in = (struct inbox){.db = db, .p = p, .sdir = sdir, .res = res};
    rc = stick_list_inbox(sdir, inbox_file, &in, err);
    if (rc == 0)
        rc = make_bundles_locked(db, p, now_ms, seal_pk, res, err);
    if (rc == 0)
        rc = copy_unacked(db, p, dir, volume, station, seal_pk, progress, ctx, res, err);
    close(lock);
    return rc;
}
