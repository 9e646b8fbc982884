/*
 * eject.c — releasing the stick after a verified export (eject.h). The
 * checks before an unmount are deliberately many: unmounting the wrong
 * filesystem on a kiosk is worse than leaving a stick mounted, because the
 * data on the stick was already flushed and read back.
 */
#include "eject.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAP_SYS_ADMIN_BIT 21    /* linux/capability.h */
#define UDISKS_WAIT_MS    30000 /* power-off flushes the drive's cache: give it time */

int
eject_may_unmount(const char *status)
{
    FILE *f = fopen(status != NULL ? status : "/proc/self/status", "re");
    char line[256];
    unsigned long long caps = 0;
    int found = 0;

    if (f == NULL)
        return 0;
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = sscanf(line, "CapEff: %llx", &caps) == 1;
    fclose(f);
    return found && (caps >> CAP_SYS_ADMIN_BIT & 1) != 0;
}

/* The udisksctl to run, or NULL: env's choice, else the first on PATH. */
static const char *
find_udisksctl(const struct eject_env *env, char *buf, size_t len)
{
    const char *path = getenv("PATH");

    if (env->udisksctl != NULL)
        return env->udisksctl[0] != '\0' && access(env->udisksctl, X_OK) == 0 ? env->udisksctl
                                                                              : NULL;
    while (path != NULL && *path != '\0') {
        const char *colon = strchr(path, ':');
        size_t n = colon != NULL ? (size_t)(colon - path) : strlen(path);
        int w = snprintf(buf, len, "%.*s/udisksctl", (int)n, path);

        if (n > 0 && w > 0 && (size_t)w < len && access(buf, X_OK) == 0)
            return buf;
        path = colon != NULL ? colon + 1 : NULL;
    }
    return NULL;
}

/* Where udisks2 puts its mounts (/media/<user>/<label> on Debian, /run/media elsewhere). */
static int
udisks_place(const char *mount)
{
    return strncmp(mount, "/media/", 7) == 0 || strncmp(mount, "/run/media/", 11) == 0;
}

/*
 * 1 when `mount` (or the open folder fd) is the root of a mount of device
 * "maj:min". A folder that merely lives on that device is not enough, and a
 * kernel that cannot tell (no STATX_ATTR_MOUNT_ROOT, before Linux 5.8) gets 0.
 */
static int
same_device(const char *mount, const char *devnum, int fd)
{
    unsigned maj, min;
    struct statx stx;
    int rc = fd >= 0 ? statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, &stx)
                     : statx(AT_FDCWD, mount, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx);

    if (rc != 0 || sscanf(devnum, "%u:%u", &maj, &min) != 2)
        return 0;
    return S_ISDIR(stx.stx_mode) && stx.stx_dev_major == maj && stx.stx_dev_minor == min &&
           (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
           (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

int
eject_plan(const struct stick *s, const struct eject_env *env, enum eject_how *how,
           enum eject_why *why, struct tt_err *err)
{
    static const struct eject_env real = {.may_unmount = -1};
    struct stick now[STICK_MAX];
    size_t n = 0, mounts = 0;
    int found = 0, rc, may;
    char buf[PATH_MAX];

    *how = EJECT_HOW_NONE;
    *why = EJECT_WHY_NONE;
    if (env == NULL)
        env = &real;
    if (!s->removable || s->read_only || s->mount[0] != '/' || strcmp(s->mount, "/") == 0) {
        *why = EJECT_WHY_NOT_STICK;
        return 0;
    }
    if ((rc = stick_find(env->mountinfo, env->sysfs_root, now, STICK_MAX, &n, err)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(now[i].devnum, s->devnum) != 0)
            continue;
        mounts++;
        found |= strcmp(now[i].mount, s->mount) == 0 && strcmp(now[i].source, s->source) == 0;
    }
    if (!found || !same_device(s->mount, s->devnum, -1)) {
        *why = EJECT_WHY_GONE;
        return 0;
    }
    if (mounts > 1) {
        *why = EJECT_WHY_SHARED;
        return 0;
    }
    may = env->may_unmount >= 0 ? env->may_unmount : eject_may_unmount(NULL);
    if (udisks_place(s->mount) && s->source[0] == '/' &&
        find_udisksctl(env, buf, sizeof buf) != NULL)
        *how = EJECT_HOW_UDISKS;
    else if (may)
        *how = EJECT_HOW_UMOUNT;
    else
        *why = EJECT_WHY_NO_RIGHT;
    return 0;
}

/*
 * Runs `udisksctl VERB --no-user-interaction -b DEV` quietly; returns its
 * exit status, or -1. It gets none of our descriptors (the kiosk's progress
 * pipe must close when we exit), and at most UDISKS_WAIT_MS: a D-Bus that
 * never answers must not hold the export.
 */
static int
run_udisksctl(const char *prog, const char *verb, const char *dev)
{
    char *argv[] = {(char *)(uintptr_t)prog,
                    (char *)(uintptr_t)verb,
                    (char *)(uintptr_t) "--no-user-interaction",
                    (char *)(uintptr_t) "-b",
                    (char *)(uintptr_t)dev,
                    NULL};
    struct timespec tick = {0, 50 * 1000000};
    int status = 0, waited = 0;
    pid_t pid = fork(), r;

    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);

        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(nul, 2);
        }
        close_range(3, ~0U, 0);
        execv(prog, argv);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    while ((r = waitpid(pid, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
        if (waited >= UDISKS_WAIT_MS) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        nanosleep(&tick, NULL);
        waited += 50;
    }
    return r == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* syncfs, then umount2 of exactly that mount point, checked once more on an open folder. */
static int
unmount_stick(const struct stick *s, enum eject_outcome *out, struct tt_err *err)
{
    int fd = open(s->mount, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0 || !same_device(s->mount, s->devnum, fd)) {
        if (fd >= 0)
            close(fd);
        return 0; /* gone meanwhile: nothing to release */
    }
    syncfs(fd);
    close(fd);
    if (umount2(s->mount, UMOUNT_NOFOLLOW) == 0) {
        *out = EJECT_UNMOUNTED;
        return 0;
    }
    if (errno == EPERM)
        return 0; /* not allowed after all: the caller says "safe to remove" */
    return tt_err_set(err, errno == EBUSY ? TT_EBUSY : TT_EIO, "eject", "cannot unmount %s: %s",
                      s->mount, strerror(errno));
}

int
eject_release(const struct stick *s, const struct eject_env *env, enum eject_outcome *out,
              struct tt_err *err)
{
    static const struct eject_env real = {.may_unmount = -1};
    enum eject_how how;
    enum eject_why why;
    char buf[PATH_MAX];
    const char *prog;
    int rc;

    *out = EJECT_KEPT;
    if (env == NULL)
        env = &real;
    if ((rc = eject_plan(s, env, &how, &why, err)) != 0 || how == EJECT_HOW_NONE)
        return rc;
    if (how == EJECT_HOW_UDISKS && (prog = find_udisksctl(env, buf, sizeof buf)) != NULL) {
        if (run_udisksctl(prog, "unmount", s->source) == 0) {
            *out = run_udisksctl(prog, "power-off", s->source) == 0 ? EJECT_POWERED_OFF
                                                                    : EJECT_UNMOUNTED;
            return 0;
        }
        /* udisks did not manage it (or polkit said no): unmount ourselves when allowed. */
        if (!(env->may_unmount >= 0 ? env->may_unmount : eject_may_unmount(NULL)))
            return tt_err_set(err, TT_EBUSY, "eject", "udisksctl could not unmount %s", s->source);
    }
    return unmount_stick(s, out, err);
}
