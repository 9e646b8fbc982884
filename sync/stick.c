/*
 * stick.c — finding USB sticks and writing bundles to them safely
 * (stick.h; reference/sync.md §3). Every file operation on the stick goes
 * through the fio_* wrappers so that tests can inject ENOSPC, EIO or a pull
 * at any step.
 */
#include "stick.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define COPY_CHUNK   (1024 * 1024)
#define DIRECT_ALIGN 4096

/* --- fault injection -------------------------------------------------------- */

static enum stick_fault fault_kind;
static long fault_nth, fault_ops, fault_delay_ms;

void
stick_fault_set(enum stick_fault kind, long nth)
{
    fault_kind = kind;
    fault_nth = nth;
    fault_ops = 0;
}

void
stick_fault_delay(long ms)
{
    fault_delay_ms = ms > 0 ? ms : 0;
}

long
stick_fault_ops(void)
{
    return fault_ops;
}

int
stick_fault_parse(const char *spec, enum stick_fault *kind, long *nth)
{
    const char *colon = strchr(spec, ':');
    char *end;
    long n;

    if (colon == NULL)
        return TT_EPARSE;
    n = strtol(colon + 1, &end, 10);
    if (*end != '\0' || n < 1)
        return TT_EPARSE;
    if (strncmp(spec, "eio:", 4) == 0)
        *kind = STICK_FAULT_EIO;
    else if (strncmp(spec, "enospc:", 7) == 0)
        *kind = STICK_FAULT_ENOSPC;
    else if (strncmp(spec, "pull:", 5) == 0)
        *kind = STICK_FAULT_PULL;
    else
        return TT_EPARSE;
    *nth = n;
    return 0;
}

/* Returns 0 to go ahead, or -1 with errno set when this operation must fail. */
static int
fault_point(void)
{
    fault_ops++;
    if (fault_delay_ms > 0) { /* a slow stick, so progress can be watched */
        struct timespec ts = {fault_delay_ms / 1000, fault_delay_ms % 1000 * 1000000};

        nanosleep(&ts, NULL);
    }
    if (fault_kind == STICK_FAULT_NONE)
        return 0;
    if (fault_ops == fault_nth || (fault_kind == STICK_FAULT_PULL && fault_ops > fault_nth)) {
        errno = fault_kind == STICK_FAULT_ENOSPC ? ENOSPC : EIO;
        return -1;
    }
    return 0;
}

static int
fio_open(const char *path, int flags, mode_t mode)
{
    return fault_point() != 0 ? -1 : open(path, flags, mode);
}

static ssize_t
fio_write(int fd, const void *buf, size_t len)
{
    return fault_point() != 0 ? -1 : write(fd, buf, len);
}

static ssize_t
fio_read(int fd, void *buf, size_t len)
{
    return fault_point() != 0 ? -1 : read(fd, buf, len);
}

static int
fio_fsync(int fd)
{
    return fault_point() != 0 ? -1 : fsync(fd);
}

static int
fio_close(int fd)
{
    /* A pulled stick still "closes" fine (reference/sync.md §3.2): count, never fail. */
    fault_ops++;
    return close(fd);
}

static int
fio_unlink(const char *path)
{
    return fault_point() != 0 ? -1 : unlink(path);
}

static int
fio_mkdir(const char *path)
{
    return fault_point() != 0 ? -1 : mkdir(path, 0755);
}

static int
fio_syncfs(int fd)
{
    return fault_point() != 0 ? -1 : syncfs(fd);
}

static int
io_err(struct tt_err *err, const char *what, const char *path)
{
    int e = errno;

    return tt_err_set(err,
                      e == ENOSPC  ? TT_ENOSPC
                      : e == EROFS ? TT_EROFS
                                   : TT_EIO,
                      "stick", "%s %s: %s", what, path, strerror(e));
}

/* --- discovery -------------------------------------------------------------- */

void
stick_unescape(char *s)
{
    char *o = s;

    for (; *s != '\0'; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

static int
read_sys_int(const char *path)
{
    FILE *f = fopen(path, "re");
    int v = -1;

    if (f == NULL)
        return -1;
    if (fscanf(f, "%d", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* removable=1 on the disk (or the partition's parent), or a USB bus in the device path. */
static int
is_removable(const char *sysfs_root, const char *devnum)
{
    char link[PATH_MAX], real[PATH_MAX], attr[PATH_MAX + 32];

    snprintf(link, sizeof link, "%s/dev/block/%s", sysfs_root, devnum);
    if (realpath(link, real) == NULL)
        return 0;
    if (strstr(real, "/usb") != NULL)
        return 1;
    snprintf(attr, sizeof attr, "%s/removable", real);
    if (read_sys_int(attr) == 1)
        return 1;
    snprintf(attr, sizeof attr, "%s/../removable", real); /* a partition: ask its disk */
    return read_sys_int(attr) == 1;
}

static int
fat_like(const char *fstype)
{
    return strcmp(fstype, "vfat") == 0 || strcmp(fstype, "exfat") == 0 ||
           strcmp(fstype, "fuseblk") == 0 || strcmp(fstype, "msdos") == 0;
}

/* Parses one mountinfo line into s; returns 1 when it is a FAT-like mount. */
static int
parse_mountinfo_line(char *line, struct stick *s)
{
    char *fields[12], *save = NULL, *tok, *dash;
    size_t n = 0;

    /* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
    dash = strstr(line, " - ");
    if (dash == NULL)
        return 0;
    *dash = '\0';
    for (tok = strtok_r(line, " ", &save); tok != NULL && n < 6; tok = strtok_r(NULL, " ", &save))
        fields[n++] = tok;
    if (n < 6)
        return 0;
    save = NULL;
    fields[6] = strtok_r(dash + 3, " \n", &save);
    fields[7] = fields[6] != NULL ? strtok_r(NULL, " \n", &save) : NULL;
    if (fields[6] == NULL || fields[7] == NULL || !fat_like(fields[6]))
        return 0;
    memset(s, 0, sizeof *s);
    snprintf(s->devnum, sizeof s->devnum, "%s", fields[2]);
    stick_unescape(fields[4]);
    snprintf(s->mount, sizeof s->mount, "%s", fields[4]);
    snprintf(s->fstype, sizeof s->fstype, "%s", fields[6]);
    stick_unescape(fields[7]);
    snprintf(s->source, sizeof s->source, "%s", fields[7]);
    s->read_only = strncmp(fields[5], "ro", 2) == 0 && (fields[5][2] == ',' || !fields[5][2]);
    return 1;
}

int
stick_find(const char *mountinfo, const char *sysfs_root, struct stick *out, size_t max,
           size_t *n_out, struct tt_err *err)
{
    FILE *f = fopen(mountinfo != NULL ? mountinfo : "/proc/self/mountinfo", "re");
    char line[4096];
    size_t n = 0;

    *n_out = 0;
    if (f == NULL)
        return tt_err_set(err, TT_EIO, "stick_find", "cannot read the mount table: %s",
                          strerror(errno));
    while (fgets(line, sizeof line, f) != NULL && n < max) {
        struct stick s;

        if (!parse_mountinfo_line(line, &s))
            continue;
        s.removable = is_removable(sysfs_root != NULL ? sysfs_root : "/sys", s.devnum);
        if (s.removable)
            out[n++] = s;
    }
    fclose(f);
    *n_out = n;
    return 0;
}

/* --- writing ---------------------------------------------------------------- */

int
stick_check_space(const char *dir, uint64_t need, struct tt_err *err)
{
    struct statvfs vfs;

    if (statvfs(dir, &vfs) != 0)
        return tt_err_set(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, "stick_check_space",
                          "cannot use %s: %s", dir, strerror(errno));
    if ((vfs.f_flag & ST_RDONLY) != 0 || access(dir, W_OK) != 0)
        return tt_err_set(err, TT_EROFS, "stick_check_space",
                          "%s is read-only: slide the stick's lock switch off or use another", dir);
    if ((uint64_t)vfs.f_bavail * vfs.f_frsize < need)
        return tt_err_set(err, TT_ENOSPC, "stick_check_space",
                          "%s has %" PRIu64 " bytes free, the bundles need %" PRIu64
                          ": free some space or use another stick",
                          dir, (uint64_t)vfs.f_bavail * vfs.f_frsize, need);
    return 0;
}

int
stick_station_dir(const char *dir, const char *station, char *out, size_t out_len)
{
    int n = snprintf(out, out_len, "%s/tramtem/%s", dir, station);

    return n < 0 || (size_t)n >= out_len ? TT_EINVAL : 0;
}

/* A new folder's entry lives in its parent: flush the parent (vfat writes it then). */
static int
fsync_parent(const char *path, struct tt_err *err)
{
    char parent[4096];
    char *slash;
    int fd, rc = 0;

    snprintf(parent, sizeof parent, "%s", path);
    slash = strrchr(parent, '/');
    if (slash == NULL)
        return 0;
    *slash = '\0';
    fd = fio_open(parent[0] != '\0' ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0)
        return io_err(err, "cannot open", parent);
    if (fio_fsync(fd) != 0 && errno != EINVAL)
        rc = io_err(err, "cannot flush the folder", parent);
    fio_close(fd);
    return rc;
}

static int
ensure_dir(const char *path, struct tt_err *err)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        return tt_err_set(err, TT_EINVAL, "stick", "%s on the stick is not a folder", path);
    }
    if (fio_mkdir(path) != 0 && errno != EEXIST)
        return io_err(err, "cannot create the folder", path);
    return fsync_parent(path, err);
}

static const char readme[] =
    "tramtem bundles / goi du lieu tramtem\r\n"
    "\r\n"
    "Each b-NNNNNNNN.ndjson.gz is signed by its .minisig file. Check one with\r\n"
    "  minisign -Vm b-00000001.ndjson.gz -p station.pub\r\n"
    "A bundle without its .minisig, or one that fails the check, does not count.\r\n";

/* Writes small text to dir/name if missing (best effort, not part of any bundle). */
static void
write_readme(const char *dir)
{
    char path[4200];
    int fd;

    snprintf(path, sizeof path, "%s/README.TXT", dir);
    fd = fio_open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (fio_write(fd, readme, sizeof readme - 1) < 0 || fio_fsync(fd) != 0) {
        fio_close(fd);
        unlink(path);
        return;
    }
    fio_close(fd);
}

/*
 * Progress counts payload bytes twice, once written and once read back, so
 * that 100% is reached only when everything was checked; signatures are too
 * small to count.
 */
struct prog {
    uint64_t done, total;
    stick_progress_fn fn;
    void *ctx;
};

static void
prog_add(struct prog *p, uint64_t n)
{
    if (p == NULL)
        return;
    p->done += n;
    if (p->fn != NULL)
        p->fn(p->ctx, p->done, p->total);
}

/* Copies src to dst by the protocol: new file, write all, fsync, close. */
static int
copy_file(const char *src, const char *dst, unsigned char *buf, struct prog *prog,
          struct tt_err *err)
{
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out;
    int rc = 0;

    if (in < 0)
        return tt_err_set(err, TT_EIO, "stick", "cannot read the spool copy %s: %s", src,
                          strerror(errno));
    out = fio_open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (out < 0) {
        rc = io_err(err, "cannot create", dst);
        close(in);
        return rc;
    }
    for (;;) {
        ssize_t r = read(in, buf, COPY_CHUNK), off = 0;

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = tt_err_set(err, TT_EIO, "stick", "cannot read %s: %s", src, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        while (off < r && rc == 0) {
            ssize_t w = fio_write(out, buf + off, (size_t)(r - off));

            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                rc = io_err(err, "cannot write", dst);
            else
                off += w;
        }
        if (rc != 0)
            break;
        prog_add(prog, (uint64_t)r);
    }
    if (rc == 0 && fio_fsync(out) != 0)
        rc = io_err(err, "cannot flush", dst);
    fio_close(out);
    close(in);
    return rc;
}

/* Reads a file back past the page cache and hashes it. */
static int
read_back(const char *path, uint8_t hash[SIG_HASH_LEN], struct prog *prog, struct tt_err *err)
{
    int fd = fio_open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_DIRECT, 0);
    void *buf = NULL;
    crypto_generichash_state st;
    int rc = 0;

    if (fd < 0 && errno == EINVAL) /* no O_DIRECT on this filesystem (tmpfs, some FUSE) */
        fd = fio_open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0)
        return io_err(err, "cannot read back", path);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (posix_memalign(&buf, DIRECT_ALIGN, COPY_CHUNK) != 0) {
        fio_close(fd);
        return tt_err_set(err, TT_ENOMEM, "stick", "no memory");
    }
    crypto_generichash_init(&st, NULL, 0, SIG_HASH_LEN);
    for (;;) {
        ssize_t r = fio_read(fd, buf, COPY_CHUNK);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = io_err(err, "cannot read back", path);
            break;
        }
        if (r == 0)
            break;
        crypto_generichash_update(&st, buf, (size_t)r);
        prog_add(prog, (uint64_t)r);
    }
    crypto_generichash_final(&st, hash, SIG_HASH_LEN);
    free(buf);
    fio_close(fd);
    return rc;
}

/* 1 when dst already holds exactly the spool payload and signature. */
static int
already_there(const char *dst, const char *dst_sig, const struct stick_bundle *b,
              const struct sig_pubkey *pub)
{
    struct stat st;
    uint8_t h[SIG_HASH_LEN];
    struct sig_file *sf;
    int ok;

    if (lstat(dst, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != b->size ||
        lstat(dst_sig, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (read_back(dst, h, NULL, NULL) != 0 || sodium_memcmp(h, b->hash512, SIG_HASH_LEN) != 0)
        return 0;
    if ((sf = malloc(sizeof *sf)) == NULL)
        return 0;
    ok = sig_file_read(dst_sig, sf, NULL) == 0 && sig_verify_hash(pub, sf, h, NULL) == 0;
    free(sf);
    return ok;
}

static int
write_one(const char *sdir, const struct stick_bundle *b, unsigned char *buf, struct prog *prog,
          struct tt_err *err)
{
    char src[4200], dst[4200], src_sig[4200], dst_sig[4200];
    int rc;

    snprintf(src, sizeof src, "%s/%s", b->spool_dir, b->name);
    snprintf(src_sig, sizeof src_sig, "%s/%s.minisig", b->spool_dir, b->name);
    snprintf(dst, sizeof dst, "%s/%s", sdir, b->name);
    snprintf(dst_sig, sizeof dst_sig, "%s/%s.minisig", sdir, b->name);
    /* An old attempt: the signature goes first, so no stale pair ever verifies. */
    if (fio_unlink(dst_sig) != 0 && errno != ENOENT)
        return io_err(err, "cannot remove", dst_sig);
    if (fio_unlink(dst) != 0 && errno != ENOENT)
        return io_err(err, "cannot remove", dst);
    if ((rc = copy_file(src, dst, buf, prog, err)) != 0)
        return rc;
    return copy_file(src_sig, dst_sig, buf, NULL, err);
}

static int
verify_one(const char *sdir, const struct stick_bundle *b, const struct sig_pubkey *pub,
           struct prog *prog, struct tt_err *err)
{
    char dst[4200], dst_sig[4200];
    uint8_t h[SIG_HASH_LEN];
    struct sig_file *sf = malloc(sizeof *sf);
    int rc;

    if (sf == NULL)
        return tt_err_set(err, TT_ENOMEM, "stick", "no memory");
    snprintf(dst, sizeof dst, "%s/%s", sdir, b->name);
    snprintf(dst_sig, sizeof dst_sig, "%s/%s.minisig", sdir, b->name);
    rc = read_back(dst, h, prog, err);
    if (rc == 0 && sodium_memcmp(h, b->hash512, SIG_HASH_LEN) != 0)
        rc = tt_err_set(err, TT_EIO, "stick",
                        "%s read back different from what was written: the stick is "
                        "unreliable (fake capacity?)",
                        dst);
    if (rc == 0 && fault_point() != 0)
        rc = io_err(err, "cannot read back", dst_sig);
    if (rc == 0 && (rc = sig_file_read(dst_sig, sf, err)) == 0)
        rc = sig_verify_hash(pub, sf, h, err);
    free(sf);
    return rc;
}

int
stick_write_bundles(const char *dir, const char *station, const struct stick_bundle *b, size_t n,
                    const struct sig_pubkey *pub, int *copied, stick_progress_fn progress,
                    void *ctx, struct tt_err *err)
{
    char top[4096], sdir[4096];
    unsigned char *buf;
    struct prog prog = {.fn = progress, .ctx = ctx};
    int rc = 0, dfd;
    int *skip = calloc(n + 1, sizeof *skip);

    for (size_t i = 0; i < n; i++) {
        copied[i] = 0;
        prog.total += 2 * b[i].size;
    }
    buf = malloc(COPY_CHUNK);
    if (buf == NULL || skip == NULL) {
        free(buf);
        free(skip);
        return tt_err_set(err, TT_ENOMEM, "stick", "no memory");
    }
    snprintf(top, sizeof top, "%s/tramtem", dir);
    if (stick_station_dir(dir, station, sdir, sizeof sdir) != 0)
        rc = tt_err_set(err, TT_EINVAL, "stick", "path too long");
    if (rc == 0 && (rc = ensure_dir(top, err)) == 0 && (rc = ensure_dir(sdir, err)) == 0)
        write_readme(top);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char dst[4200], dst_sig[4200];

        snprintf(dst, sizeof dst, "%s/%s", sdir, b[i].name);
        snprintf(dst_sig, sizeof dst_sig, "%s/%s.minisig", sdir, b[i].name);
        if (already_there(dst, dst_sig, &b[i], pub)) {
            skip[i] = 1;
            prog_add(&prog, 2 * b[i].size);
            continue;
        }
        rc = write_one(sdir, &b[i], buf, &prog, err);
    }
    free(buf);
    /* Flush the folder entries and every dirty inode (rename/size window, §3.2). */
    if (rc == 0) {
        dfd = fio_open(sdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (dfd < 0)
            rc = io_err(err, "cannot open", sdir);
        else {
            if (fio_fsync(dfd) != 0 && errno != EINVAL)
                rc = io_err(err, "cannot flush the folder", sdir);
            if (rc == 0 && fio_syncfs(dfd) != 0)
                rc = io_err(err, "cannot flush the stick", sdir);
            fio_close(dfd);
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = skip[i] ? 0 : verify_one(sdir, &b[i], pub, &prog, err);
        if (rc == 0)
            copied[i] = 1;
    }
    free(skip);
    return rc;
}

static int
inbox_name_ok(const char *name)
{
    size_t i;

    if ((name[0] != 'r' && name[0] != 'm') || name[1] != '-')
        return 0;
    for (i = 2; i < 10; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    return strcmp(name + 10, ".json") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
stick_list_inbox(const char *station_dir, int (*cb)(void *ctx, const char *name), void *ctx,
                 struct tt_err *err)
{
    DIR *d = opendir(station_dir);
    struct dirent *de;
    char *names[512];
    size_t n = 0;
    int rc = 0;

    if (d == NULL)
        return errno == ENOENT ? 0
                               : tt_err_set(err, TT_EIO, "stick", "cannot list %s: %s", station_dir,
                                            strerror(errno));
    while ((de = readdir(d)) != NULL && n < sizeof names / sizeof names[0]) {
        char path[4400], sig[4420];
        struct stat st;

        if (!inbox_name_ok(de->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", station_dir, de->d_name);
        snprintf(sig, sizeof sig, "%s.minisig", path);
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || lstat(sig, &st) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = cb(ctx, names[i]);
        free(names[i]);
    }
    return rc;
}
