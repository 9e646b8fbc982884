/*
 * training-sandbox.c — the training sandbox: its own folder with its own
 * database (training mode, the demo cooperative, a small scenario of lots
 * and labels to trace), its own signing key and spool. It never opens the
 * station's database or key: a folder that is (or holds) the station's is
 * refused, and the reset removes only the names the sandbox creates.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../db/db.h"
#include "../db/training.h"
#include "../sync/export.h"
#include "intl.h"
#include "training.h"

#define SANDBOX_DB "training.db"

struct training_sandbox {
    char dir[PATH_MAX];
    char db_path[PATH_MAX + 16];
    struct db *db;
};

void
training_default_dir(char *out, size_t len)
{
    const char *env = getenv("TRAMTEM_TRAINING_DIR");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");

    if (env != NULL && *env != '\0')
        snprintf(out, len, "%s", env);
    else if (xdg != NULL && *xdg != '\0')
        snprintf(out, len, "%s/tramtem/training", xdg);
    else
        snprintf(out, len, "%s/.local/share/tramtem/training", home != NULL ? home : ".");
}

static int
mkdir_p(const char *path, struct tt_err *err)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf)
        return tt_err_set(err, TT_EINVAL, "training_sandbox", "bad folder name");
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return tt_err_set(err, TT_EIO, "training_sandbox", "cannot create %s: %s", buf,
                              strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return tt_err_set(err, TT_EIO, "training_sandbox", "cannot create %s: %s", buf,
                          strerror(errno));
    return 0;
}

/*
 * Refuses a sandbox folder that is the station database's folder (its key
 * and spool live there) or that holds the station database itself.
 */
static int
check_apart(const char *dir, const char *station_db, struct tt_err *err)
{
    char rdir[PATH_MAX], rst[PATH_MAX], sdir[PATH_MAX + 16], probe[PATH_MAX + 16];
    const char *slash;
    struct stat st;

    if (realpath(dir, rdir) == NULL)
        return tt_err_set(err, TT_EIO, "training_sandbox", "%s: %s", dir, strerror(errno));
    snprintf(probe, sizeof probe, "%s/station.db", rdir);
    if (stat(probe, &st) == 0)
        return tt_err_set(err, TT_EUSAGE, "training_sandbox",
                          "%s holds a station database: choose another training folder", rdir);
    if (station_db == NULL || *station_db == '\0')
        return 0;
    slash = strrchr(station_db, '/');
    snprintf(sdir, sizeof sdir, "%.*s", slash == NULL ? 1 : (int)(slash - station_db),
             slash == NULL ? "." : station_db);
    if (sdir[0] == '\0')
        snprintf(sdir, sizeof sdir, "/");
    if (realpath(sdir, rst) != NULL && strcmp(rst, rdir) == 0)
        return tt_err_set(err, TT_EUSAGE, "training_sandbox",
                          "%s is the station's folder: training needs a folder of its own", rdir);
    return 0;
}

/* Opens a lot of the seed product and makes `n` labels with the weights given. */
static int
seed_lot(struct db *db, int64_t product, int64_t place, const char *code, const char *harvest,
         const int64_t *grams, size_t n, struct tt_err *err)
{
    struct db_lot lot = {.product_id = product, .place_id = place}, got;
    struct db_label label;
    struct db_label_mark m = {.printer = "file:training", .job_id = "seed"};
    int rc;

    snprintf(lot.code, sizeof lot.code, "%s", code);
    snprintf(lot.harvest_from, sizeof lot.harvest_from, "%s", harvest);
    rc = db_lot_open(db, &lot, &got, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct db_label_new req = {.lot_id = got.id, .net_weight_g = grams[i]};

        rc = db_label_allocate(db, &req, &label, err);
        if (rc == 0)
            rc = db_label_mark(db, label.id, DB_LABEL_PRINTED, &m, err);
    }
    return rc;
}

/* A fresh sandbox: demo cooperative in training mode and a scenario to trace. */
static int
seed(struct db *db, const char *demo_dir, struct tt_err *err)
{
    static const int64_t a[] = {1250, 980, 1430}, b[] = {1105, 1320};
    struct db_product prod;
    struct db_place place;
    int rc = db_demo_load(db, demo_dir, err);

    if (rc == 0)
        rc = db_setting_set(db, "station.mode", "training", err);
    if (rc == 0)
        rc = db_setting_set(db, "station.id", "st-training", err);
    if (rc == 0)
        rc = db_product_find(db, TRAINING_SEED_GTIN, &prod, err);
    if (rc == 0)
        rc = db_place_find(db, "LV-LO01", &place, err);
    if (rc == 0)
        rc = seed_lot(db, prod.id, place.id, TRAINING_SEED_LOT_A, "2026-11-20", a, 3, err);
    if (rc == 0)
        rc = seed_lot(db, prod.id, place.id, TRAINING_SEED_LOT_B, "2026-11-21", b, 2, err);
    return rc;
}

int
training_sandbox_open(const char *dir, const char *station_db, const char *demo_dir,
                      struct training_sandbox **out, struct tt_err *err)
{
    struct training_sandbox *sb;
    char mode[DB_SETTING_VALUE_MAX] = "";
    int rc;

    *out = NULL;
    if (strlen(dir) >= PATH_MAX - 32)
        return tt_err_set(err, TT_EINVAL, __func__, "training folder name too long");
    rc = mkdir_p(dir, err);
    if (rc == 0)
        rc = check_apart(dir, station_db, err);
    if (rc != 0)
        return rc;
    sb = xcalloc(1, sizeof *sb);
    snprintf(sb->dir, sizeof sb->dir, "%s", dir);
    snprintf(sb->db_path, sizeof sb->db_path, "%s/%s", dir, SANDBOX_DB);
    rc = db_open(sb->db_path, DB_OPEN_CREATE, &sb->db, err);
    if (rc == 0)
        rc = db_setting_get(sb->db, "station.mode", mode, sizeof mode, err);
    if (rc == 0 && mode[0] == '\0')
        rc = seed(sb->db, demo_dir, err);
    else if (rc == 0 && strcmp(mode, "training") != 0)
        rc = tt_err_set(err, TT_ESTATE, __func__,
                        "%s is not a training database (mode %s): refusing to use it", sb->db_path,
                        mode);
    if (rc == 0)
        rc = db_training_prepare(sb->db, err);
    if (rc != 0) {
        training_sandbox_close(sb);
        return rc;
    }
    *out = sb;
    return 0;
}

void
training_sandbox_close(struct training_sandbox *sb)
{
    if (sb == NULL)
        return;
    db_close(sb->db);
    free(sb);
}

struct db *
training_sandbox_db(struct training_sandbox *sb)
{
    return sb->db;
}

const char *
training_sandbox_dir(const struct training_sandbox *sb)
{
    return sb->dir;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        return rmdir(path) != 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) != 0 && errno != ENOENT ? -1 : 0;
}

int
training_sandbox_reset(const char *dir, const char *station_db, struct tt_err *err)
{
    static const char *const files[] = {SANDBOX_DB, SANDBOX_DB "-wal", SANDBOX_DB "-shm",
                                        SANDBOX_DB "-journal"};
    static const char *const dirs[] = {"keys", "spool", "labels", "tampered"};
    char path[PATH_MAX + 64];
    struct stat st;
    int rc;

    if (stat(dir, &st) != 0)
        return errno == ENOENT ? 0
                               : tt_err_set(err, TT_EIO, __func__, "%s: %s", dir, strerror(errno));
    rc = check_apart(dir, station_db, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            return tt_err_set(err, TT_EIO, __func__, "cannot remove %s: %s", path, strerror(errno));
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, dirs[i]);
        if (lstat(path, &st) == 0 && nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
            return tt_err_set(err, TT_EIO, __func__, "cannot remove %s: %s", path, strerror(errno));
    }
    return 0;
}

/* ---- the bundle demonstration ------------------------------------------------------ */

static int
copy_file(const char *from, const char *to, struct tt_err *err)
{
    FILE *in = fopen(from, "rb"), *out = in != NULL ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int rc = 0;

    if (in == NULL || out == NULL)
        rc =
            tt_err_set(err, TT_EIO, "training_bundle", "cannot copy %s: %s", from, strerror(errno));
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = tt_err_set(err, TT_EIO, "training_bundle", "cannot write %s", to);
    if (in != NULL)
        fclose(in);
    if (out != NULL && fclose(out) != 0 && rc == 0)
        rc = tt_err_set(err, TT_EIO, "training_bundle", "cannot write %s", to);
    return rc;
}

/* Changes one byte in the middle of the file, as a forger or a bad stick would. */
static int
flip_byte(const char *path, struct tt_err *err)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    struct stat st;
    unsigned char c = 0;
    off_t at;
    int rc = 0;

    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 2)
        rc = tt_err_set(err, TT_EIO, "training_bundle", "cannot change %s", path);
    at = rc == 0 ? st.st_size / 2 : 0;
    if (rc == 0 && pread(fd, &c, 1, at) != 1)
        rc = tt_err_set(err, TT_EIO, "training_bundle", "cannot read %s", path);
    c ^= 0x01;
    if (rc == 0 && pwrite(fd, &c, 1, at) != 1)
        rc = tt_err_set(err, TT_EIO, "training_bundle", "cannot write %s", path);
    if (fd >= 0)
        close(fd);
    return rc;
}

static const char *
problem_words(int problem)
{
    switch (problem) {
    case BUNDLE_P_SIGNATURE:
        return _("the signature does not match the file: it was changed after signing");
    case BUNDLE_P_GZIP:
        return _("the file is damaged (compression check failed)");
    case BUNDLE_P_CHANGED:
        return _("the file changed while it was being read");
    default:
        return _("the bundle failed a check");
    }
}

static int
latest_bundle(struct training_sandbox *sb, const struct sync_paths *p, struct sig_pubkey *pub,
              char *payload, size_t len, struct tt_err *err)
{
    struct db_export plan;
    char name[32];
    int rc = sig_init(err);

    if (rc == 0) {
        rc = sync_key_public(p, pub, err);
        if (rc == TT_ENOTFOUND)
            rc = sync_key_init(p, pub, err);
    }
    if (rc == 0)
        rc = sync_make_bundles(sb->db, p, -1, NULL, err);
    if (rc == 0)
        rc = db_export_plan(sb->db, &plan, err);
    if (rc == 0 && plan.bundle_seq < 2)
        rc = tt_err_set(err, TT_ESTATE, "training_bundle", "no bundle could be made");
    if (rc != 0)
        return rc;
    bundle_file_name((uint64_t)plan.bundle_seq - 1, name);
    snprintf(payload, len, "%s/%s", p->spool, name);
    return 0;
}

int
training_bundle_demo(struct training_sandbox *sb, struct training_bundle_demo *out,
                     struct tt_err *err)
{
    struct sync_paths p;
    struct sig_pubkey pub;
    struct tt_err e1, e2;
    char sig[4416], tsig[4416], tdir[PATH_MAX + 16];
    int rc;

    memset(out, 0, sizeof *out);
    rc = sync_paths_for_db(sb->db_path, &p, err);
    if (rc == 0)
        rc = latest_bundle(sb, &p, &pub, out->payload, sizeof out->payload, err);
    if (rc != 0)
        return rc;
    snprintf(tdir, sizeof tdir, "%s/tampered", sb->dir);
    snprintf(out->tampered, sizeof out->tampered, "%s/%s", tdir, strrchr(out->payload, '/') + 1);
    snprintf(sig, sizeof sig, "%s.minisig", out->payload);
    snprintf(tsig, sizeof tsig, "%s.minisig", out->tampered);
    rc = mkdir_p(tdir, err);
    if (rc == 0)
        rc = copy_file(out->payload, out->tampered, err);
    if (rc == 0)
        rc = copy_file(sig, tsig, err);
    if (rc == 0)
        rc = flip_byte(out->tampered, err);
    if (rc != 0)
        return rc;
    out->intact_rc =
        bundle_verify_file(out->payload, NULL, &pub, NULL, NULL, NULL, NULL, NULL, &e1);
    out->tampered_rc =
        bundle_verify_file(out->tampered, NULL, &pub, NULL, NULL, NULL, NULL, NULL, &e2);
    snprintf(out->why, sizeof out->why, "%s",
             out->tampered_rc != 0 ? problem_words(e2.detail) : "");
    return 0;
}
