/*
 * quarantine.c — the copy-first step of ingest (see quarantine.h).
 *
 * Why so strict: the stick is hostile. It may hold symlinks (ext4), FIFOs
 * that block a reader, huge files, names with "../" or control bytes. We
 * only ever open names that passed quarantine_name_ok() or the station id
 * check, relative to a directory fd, with O_NOFOLLOW|O_NONBLOCK, and copy at
 * most the cap, whatever the size claimed.
 */
#include "quarantine.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../sync/bundle.h"
#include "../sync/sig.h"
#include "ingest.h"
#include "registry.h"

int
quarantine_name_ok(const char *name)
{
    static const char tail[] = ".ndjson.gz";
    size_t n = strlen(name);

    if (n != 20 && n != 28)
        return 0;
    if (name[0] != 'b' || name[1] != '-')
        return 0;
    for (int i = 2; i < 10; i++)
        if (!isdigit((unsigned char)name[i]))
            return 0;
    if (memcmp(name + 10, tail, sizeof tail - 1) != 0)
        return 0;
    return n == 20 || strcmp(name + 20, ".minisig") == 0;
}

static int
mkdir_p(const char *path, mode_t mode)
{
    char buf[4096];

    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -1;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    return 0;
}

static int
add_file(struct quarantine *q, const char *station_dir, const char *name)
{
    struct quarantine_file *f;

    if (q->n_files >= INGEST_FILES_MAX)
        return TT_EINVAL;
    if (q->files == NULL) {
        q->files = calloc(INGEST_FILES_MAX, sizeof *q->files);
        if (q->files == NULL)
            return TT_ENOMEM;
    }
    f = &q->files[q->n_files++];
    memset(f, 0, sizeof *f);
    /* Both were checked by the caller: station id <= 32, bundle name <= 28 bytes. */
    memcpy(f->station_dir, station_dir, strnlen(station_dir, sizeof f->station_dir - 1));
    memcpy(f->name, name, strnlen(name, sizeof f->name - 1));
    return 0;
}

/* Copies one file; on refusal fills f->refused and returns 0; TT_EIO if the copy fails. */
static int
copy_one(int src_dfd, const char *dst_dir, struct quarantine_file *f)
{
    unsigned long long cap = strstr(f->name, ".minisig") ? SIG_FILE_MAX : BUNDLE_FILE_MAX;
    unsigned long long done = 0;
    struct stat sb;
    char buf[65536];
    int in, out, rc = 0;

    in = openat(src_dfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (in < 0) {
        snprintf(f->refused, sizeof f->refused, "cannot open (%s): a symlink or unreadable",
                 strerror(errno));
        return 0;
    }
    if (fstat(in, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        snprintf(f->refused, sizeof f->refused, "not a regular file");
        close(in);
        return 0;
    }
    if ((unsigned long long)sb.st_size > cap) {
        snprintf(f->refused, sizeof f->refused, "too large: %lld bytes, the limit is %llu",
                 (long long)sb.st_size, cap);
        close(in);
        return 0;
    }
    snprintf(f->path, sizeof f->path, "%s/%s", dst_dir, f->name);
    out = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        f->path[0] = '\0';
        return TT_EIO;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);

        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (done += (unsigned long long)n) > cap) {
            snprintf(f->refused, sizeof f->refused,
                     n < 0 ? "read error on the stick" : "file grew past the limit");
            break;
        }
        if (write(out, buf, (size_t)n) != n) {
            rc = TT_EIO;
            break;
        }
    }
    if (rc == 0 && f->refused[0] == '\0' && fsync(out) < 0)
        rc = TT_EIO;
    close(in);
    close(out);
    if (rc < 0 || f->refused[0] != '\0') {
        unlink(f->path);
        f->path[0] = '\0';
    }
    return rc;
}

/* Lists one folder's bundle names (station_dir "" = the folder itself). */
static int
scan_dir(struct quarantine *q, int dfd, const char *station_dir, int allow_subdirs)
{
    DIR *d = fdopendir(dup(dfd));
    struct dirent *de;
    int rc = 0;

    if (d == NULL)
        return TT_EIO;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        struct stat sb;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (quarantine_name_ok(de->d_name)) {
            rc = add_file(q, station_dir, de->d_name);
            continue;
        }
        if (allow_subdirs && portal_station_id_ok(de->d_name) &&
            fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode)) {
            int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

            if (sub >= 0) {
                rc = scan_dir(q, sub, de->d_name, 0);
                close(sub);
                continue;
            }
        }
        q->n_ignored++;
    }
    closedir(d);
    return rc;
}

static int
cmp_file(const void *a, const void *b)
{
    const struct quarantine_file *x = a, *y = b;
    int c = strcmp(x->station_dir, y->station_dir);

    return c != 0 ? c : strcmp(x->name, y->name);
}

/* Copies every listed file into q->dir/<station folder or "_">/. */
static int
copy_all(struct quarantine *q, int root_dfd, struct tt_err *err)
{
    for (size_t i = 0; i < q->n_files; i++) {
        struct quarantine_file *f = &q->files[i];
        char dst[4200];
        int src = root_dfd, rc;

        snprintf(dst, sizeof dst, "%s/%s", q->dir, f->station_dir[0] ? f->station_dir : "_");
        if (mkdir(dst, 0700) < 0 && errno != EEXIST)
            return tt_err_set(err, TT_EIO, "quarantine_copy", "cannot create %s: %s", dst,
                              strerror(errno));
        if (f->station_dir[0] != '\0')
            src = openat(root_dfd, f->station_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (src < 0) {
            snprintf(f->refused, sizeof f->refused, "station folder vanished");
            continue;
        }
        rc = copy_one(src, dst, f);
        if (src != root_dfd)
            close(src);
        if (rc < 0)
            return tt_err_set(err, TT_EIO, "quarantine_copy", "cannot write the copy of %s in %s",
                              f->name, dst);
    }
    return 0;
}

int
quarantine_copy(const char *src, const char *root, struct quarantine *q, struct tt_err *err)
{
    static unsigned counter;
    int dfd, sub, rc;
    time_t now = time(NULL);
    struct tm tm;

    memset(q, 0, sizeof *q);
    dfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return tt_err_set(err, TT_EIO, "quarantine_copy", "cannot open the folder %s: %s", src,
                          strerror(errno));
    /* The stick's root holds tramtem/<station>/; accept that folder given directly too. */
    sub = openat(dfd, "tramtem", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub >= 0) {
        close(dfd);
        dfd = sub;
    }
    gmtime_r(&now, &tm);
    snprintf(q->dir, sizeof q->dir, "%s/%04d%02d%02dT%02d%02d%02dZ-%ld-%u", root, tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid(),
             counter++);
    if (mkdir_p(q->dir, 0700) < 0) {
        close(dfd);
        return tt_err_set(err, TT_EIO, "quarantine_copy", "cannot create the quarantine %s: %s",
                          q->dir, strerror(errno));
    }
    rc = scan_dir(q, dfd, "", 1);
    if (rc == TT_EINVAL)
        rc = tt_err_set(err, TT_EINVAL, "quarantine_copy",
                        "more than %d bundle files on the stick; nothing taken", INGEST_FILES_MAX);
    else if (rc < 0)
        rc = tt_err_set(err, rc, "quarantine_copy", "cannot list %s", src);
    if (rc == 0 && q->n_files > 0) {
        qsort(q->files, q->n_files, sizeof *q->files, cmp_file);
        rc = copy_all(q, dfd, err);
    }
    close(dfd);
    if (rc < 0)
        quarantine_free(q);
    return rc;
}

void
quarantine_free(struct quarantine *q)
{
    if (q == NULL)
        return;
    free(q->files);
    q->files = NULL;
    q->n_files = 0;
}
