/*
 * stick.h — USB sticks: finding mounted removable media and copying
 * bundles onto them by the safe write protocol of reference/sync.md §3.5.
 *
 * Layout on a stick (DESIGN.md §6): tramtem/<station>/ holds the bundles
 * b-NNNNNNNN.ndjson.gz + .minisig (station → portal) and the portal's
 * r-NNNNNNNN.json and m-NNNNNNNN.json + .minisig (portal → station), plus
 * a README.TXT saying how to check a bundle with minisign.
 *
 * Protocol per bundle, oldest first: remove an old signature then an old
 * payload of that name; create the payload (O_CREAT|O_EXCL|O_NOFOLLOW),
 * write, fsync, close; then the signature the same way (the signature is
 * the commit record: a payload without it does not exist). Then fsync the
 * folder, syncfs the filesystem, drop the cache and read every file back
 * (O_DIRECT where the filesystem allows), compare its BLAKE2b-512 with the
 * spool copy and verify the signature with the station's own key. Only a
 * bundle that read back correctly counts as copied.
 *
 * Every file operation goes through a fault-injection point (stick_fault_*),
 * in the manner of SQLite's test VFS, so tests can make the Nth operation
 * fail with ENOSPC or EIO, or "pull" the stick (every operation from the
 * Nth on fails with EIO).
 *
 * Needs only common/ and sync/sig.h.
 */
#ifndef TT_SYNC_STICK_H
#define TT_SYNC_STICK_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"
#include "sig.h"

#define STICK_MAX 8

struct stick {
    char mount[1024]; /* mount point */
    char fstype[16];  /* vfat, exfat, fuseblk, msdos */
    char source[256]; /* /dev/sdb1 */
    char devnum[24];  /* "8:17" */
    int read_only;    /* mounted ro */
    int removable;    /* sysfs removable=1 or on a USB bus */
};

/*
 * Lists mounted FAT/exFAT filesystems on removable (or USB) devices from
 * `mountinfo` (NULL: /proc/self/mountinfo) and the sysfs tree at
 * `sysfs_root` (NULL: /sys). Fills up to `max` entries and *n_out.
 */
int stick_find(const char *mountinfo, const char *sysfs_root, struct stick *out, size_t max,
               size_t *n_out, struct tt_err *err);

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
void stick_unescape(char *s);

/* One bundle to put on a stick, from the station's spool. */
struct stick_bundle {
    uint64_t bundle_seq;
    const char *spool_dir;         /* folder of the spool copy */
    const char *name;              /* "b-00000042.ndjson.gz" */
    uint8_t hash512[SIG_HASH_LEN]; /* of the spool payload */
    uint64_t size;                 /* payload bytes */
};

/*
 * Progress: `done` of `total` bytes, where every payload byte counts twice
 * (written, then read back), so done == total only once all was checked.
 * Bundles already on the stick count at once. Signatures are not counted.
 */
typedef void (*stick_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/*
 * Checks that `dir` (a stick's mount point, or any folder for --to) is
 * writable and has room for `need` bytes: TT_EROFS for a read-only
 * filesystem, TT_ENOSPC when too full, TT_ENOTFOUND when missing.
 */
int stick_check_space(const char *dir, uint64_t need, struct tt_err *err);

/*
 * Copies `n` bundles into `dir`/tramtem/<station>/ by the protocol above,
 * verifying each read-back signature with `pub`. copied[i] is set to 1 for
 * each bundle that read back correctly (the caller records those). Returns
 * 0 when all were copied, else the first error (the remaining bundles are
 * not tried; what was written stays harmless: no partial bundle verifies).
 */
int stick_write_bundles(const char *dir, const char *station, const struct stick_bundle *b,
                        size_t n, const struct sig_pubkey *pub, int *copied,
                        stick_progress_fn progress, void *ctx, struct tt_err *err);

/* The station's folder on a stick: `dir`/tramtem/<station>; out needs 4096 bytes. */
int stick_station_dir(const char *dir, const char *station, char *out, size_t out_len);

/*
 * Lists the portal files in a station folder: names matching exactly
 * r-NNNNNNNN.json or m-NNNNNNNN.json that are regular files (no symlinks)
 * with a .minisig beside them, sorted. Anything else is ignored. Calls cb
 * with each name; a non-zero return stops and is returned.
 */
int stick_list_inbox(const char *station_dir, int (*cb)(void *ctx, const char *name), void *ctx,
                     struct tt_err *err);

/* Fault injection (tests only). */
enum stick_fault { STICK_FAULT_NONE, STICK_FAULT_ENOSPC, STICK_FAULT_EIO, STICK_FAULT_PULL };

/* The `nth` file operation from now (1 = the next) fails; PULL: that and all later ones. */
void stick_fault_set(enum stick_fault kind, long nth);

/* Every file operation from now on first sleeps `ms` (a slow stick; 0 turns it off). */
void stick_fault_delay(long ms);

/* File operations done since the last stick_fault_set (to enumerate every step). */
long stick_fault_ops(void);

/* Parses "eio:N", "enospc:N", "pull:N"; returns 0 or TT_EPARSE. */
int stick_fault_parse(const char *spec, enum stick_fault *kind, long *nth);

#endif
