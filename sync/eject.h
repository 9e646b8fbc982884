/*
 * eject.h — releasing a USB stick after a verified export, so that it can
 * be pulled out safely (reference/sync.md §3.3, §3.5 step 8).
 *
 * Only a stick that stick_find() returned is ever released, and only when
 * it is still mounted exactly as found: the mount table lists it once, at
 * that mount point, with that device, the device is still removable (or on
 * USB), and the mount point really is the root of a mount of that device
 * (statx: device number and STATX_ATTR_MOUNT_ROOT), which also rules out
 * stale or test mount tables. A folder given with --to is
 * never passed here.
 *
 * How, in order of preference:
 *   udisks2  when `udisksctl` is on PATH and the stick is mounted where
 *            udisks mounts (/media/..., /run/media/...): `udisksctl unmount`
 *            then `udisksctl power-off` (the desktop's "safely remove");
 *   umount   when the process may unmount (CAP_SYS_ADMIN, e.g. root):
 *            syncfs, then umount2() of the mount point;
 *   nothing  otherwise: the data was flushed and read back already, so the
 *            stick is safe to pull; the caller says so.
 * A failed udisks unmount falls back to umount2() when allowed. Nothing
 * here waits for a person (udisksctl runs with --no-user-interaction).
 *
 * Needs only common/ and stick.h. Words for the operator are the caller's.
 */
#ifndef TT_SYNC_EJECT_H
#define TT_SYNC_EJECT_H

#include "../common/tt.h"
#include "stick.h"

enum eject_how {
    EJECT_HOW_NONE,   /* leave it mounted (see enum eject_why) */
    EJECT_HOW_UDISKS, /* udisksctl unmount + power-off */
    EJECT_HOW_UMOUNT, /* syncfs + umount2 */
};

/* Why a stick is left mounted (EJECT_HOW_NONE), for logs and tests. */
enum eject_why {
    EJECT_WHY_NONE,      /* it can be released */
    EJECT_WHY_NOT_STICK, /* not a removable FAT stick, or the mount point is "/" */
    EJECT_WHY_GONE,      /* no longer mounted as it was found (or the table is not the kernel's) */
    EJECT_WHY_SHARED,    /* the device is mounted more than once: unmounting one is not enough */
    EJECT_WHY_NO_RIGHT,  /* no udisks and no CAP_SYS_ADMIN */
};

enum eject_outcome {
    EJECT_KEPT,        /* still mounted; the caller says "safe to remove" */
    EJECT_UNMOUNTED,   /* unmounted; the device may still have power */
    EJECT_POWERED_OFF, /* unmounted and powered off by udisks */
};

/* Where to look; NULL fields mean the real system. */
struct eject_env {
    const char *mountinfo;  /* NULL: /proc/self/mountinfo */
    const char *sysfs_root; /* NULL: /sys */
    const char *udisksctl;  /* NULL: search PATH; "" : there is none */
    int may_unmount;        /* -1: ask the kernel (CapEff), else 0 or 1 */
};

/* Decides how `s` (from stick_find, borrowed) would be released; *why says why not. */
int eject_plan(const struct stick *s, const struct eject_env *env, enum eject_how *how,
               enum eject_why *why, struct tt_err *err);

/*
 * Releases `s` by eject_plan's choice. Returns 0 with *out set (EJECT_KEPT
 * when the plan was to leave it), or TT_EBUSY / TT_EIO when an unmount was
 * tried and refused (then *out is EJECT_KEPT and err says why).
 */
int eject_release(const struct stick *s, const struct eject_env *env, enum eject_outcome *out,
                  struct tt_err *err);

/* 1 when CapEff in the /proc status file `status` (NULL: /proc/self/status) has CAP_SYS_ADMIN. */
int eject_may_unmount(const char *status);

#endif
