/*
 * export.h — the station side of sync: the station key, making bundles
 * from the store into the spool, putting every unacknowledged bundle on a
 * stick, and importing the portal's receipts and master data.
 *
 * This is the only part of sync/ that uses the station's store (db/); the
 * portal must not link it (it uses sig.h, bundle.h, receipt.h, stick.h).
 *
 * Files beside the database (`dirname(db)`):
 *   keys/station.key   the secret key, minisign format, mode 0600, never in
 *                      the database; read only while signing, then wiped
 *   keys/station.pub   the public key to register with the portal
 *   keys/portal.pub    the portal's key, pinned at install (`key portal`)
 *   keys/revoked.txt   key ids the portal revoked (from master data)
 *   spool/             every bundle made, kept until a receipt covers it,
 *                      byte for byte as it goes on the stick (sealed when
 *                      sealing was on); a lost or damaged copy is made again
 *                      from the store and checked against the record
 *
 * Sealing (seal.h, off by default): with the setting sync.seal_key (or a
 * key given for one export) new bundles are sealed to the portal's seal
 * key before they are signed. The exports table keeps the plain payload's
 * hash and size (the bundle's id, the next bundle's prev_b2), whether the
 * spool copy is sealed or not.
 *
 * State lives in the store: exports (bundles made, copied, acked), receipts
 * (monotonic receipt_seq), the counters "bundle" and "masterdata".
 * Nothing here changes the store unless the whole step succeeded.
 */
#ifndef TT_SYNC_EXPORT_H
#define TT_SYNC_EXPORT_H

#include <stdint.h>

#include "../common/tt.h"
#include "../db/db.h"
#include "bundle.h"
#include "receipt.h"
#include "seal.h"
#include "sig.h"
#include "stick.h"

#define SYNC_BUNDLE_EVENTS_MAX 1000000 /* events per bundle: keeps files far below 1 GiB */

struct sync_paths {
    char keydir[4096];
    char spool[4096];
};

/* The key and spool folders for the database at db_path. */
int sync_paths_for_db(const char *db_path, struct sync_paths *out, struct tt_err *err);

/* Creates keys/station.key (0600) and keys/station.pub; TT_EEXIST when a key exists. */
int sync_key_init(const struct sync_paths *p, struct sig_pubkey *pub, struct tt_err *err);

/* Reads keys/station.pub; TT_ENOTFOUND when `key init` was not run. */
int sync_key_public(const struct sync_paths *p, struct sig_pubkey *pub, struct tt_err *err);

/* Pins the portal's public key (copies and checks the file) as keys/portal.pub. */
int sync_key_pin_portal(const struct sync_paths *p, const char *pub_file, struct tt_err *err);

/* 1 when the key id (16 hex) is in keys/revoked.txt. */
int sync_key_revoked(const struct sync_paths *p, const char *key_id_hex);

/* The station id for bundles: the setting station.id, else "st-" + 8 hex of the key id. */
int sync_station_id(struct db *db, const struct sig_pubkey *pub, char out[BUNDLE_STATION_MAX],
                    struct tt_err *err);

/* The portal seal key from the setting sync.seal_key; *on = 0 when sealing is off. */
int sync_seal_key_get(struct db *db, uint8_t pk[SEAL_PK_LEN], int *on, struct tt_err *err);

/*
 * Turns sealing on with the seal public key file `pub_file` (its key goes
 * to pk_out), or off when pub_file is NULL. Audited like every setting.
 */
int sync_seal_key_set(struct db *db, const char *pub_file, uint8_t pk_out[SEAL_PK_LEN],
                      struct tt_err *err);

struct sync_export_result {
    uint64_t first_new_bundle, last_new_bundle; /* 0, 0 when nothing new */
    uint64_t new_events;
    int clock_trusted; /* 0 when the clock was behind the time floor */
    size_t n_unacked;  /* bundles that had to go on the stick */
    size_t n_copied;   /* of those, copied and read back */
    size_t n_imported; /* receipts / master data imported from the stick */
    size_t n_refused;  /* portal files refused (reasons in the audit trail) */
};

/*
 * Makes bundles of all events not yet exported into the spool (signed,
 * recorded in the store), at most SYNC_BUNDLE_EVENTS_MAX events each.
 * `now_ms` < 0 reads the clock. res may be NULL.
 */
int sync_make_bundles(struct db *db, const struct sync_paths *p, int64_t now_ms,
                      struct sync_export_result *res, struct tt_err *err);

/*
 * The whole export to `dir` (a stick's mount point or a folder): import the
 * receipts and master data found in the station's folder there (so what the
 * portal already has is not carried again), make new bundles, write every
 * unacknowledged bundle by the stick protocol and record the copies that
 * read back. `volume` names the medium in the record. New bundles are
 * sealed when the setting sync.seal_key is set. A spool copy that is lost
 * or damaged is made again first (the same bytes for a plain bundle;
 * sealed anew for a sealed one, never in plain text): TT_ECORRUPT or
 * TT_ESTATE, with nothing written, when that cannot be done.
 */
int sync_export(struct db *db, const struct sync_paths *p, const char *dir, const char *volume,
                int64_t now_ms, stick_progress_fn progress, void *ctx,
                struct sync_export_result *res, struct tt_err *err);

/* sync_export() sealing new bundles to seal_pk (borrowed), whatever the setting; NULL: as set. */
int sync_export_sealed(struct db *db, const struct sync_paths *p, const char *dir,
                       const char *volume, int64_t now_ms, const uint8_t *seal_pk,
                       stick_progress_fn progress, void *ctx, struct sync_export_result *res,
                       struct tt_err *err);

struct sync_import_result {
    int kind;               /* 'r' receipt, 'm' master data */
    uint64_t seq;           /* receipt_seq or master-data version */
    uint64_t acked_through; /* receipts: bundles acknowledged up to */
    size_t n_items;         /* receipts: gaps, rejections, conflicts kept */
    size_t n_products;      /* master data: products added */
};

/*
 * Imports one receipt or master-data file (with FILE.minisig beside it),
 * signed by the pinned portal key. Refused (tt_err.detail a RECEIPT_P_*):
 * another key, another station, receipt_seq or version not above the
 * stored one (replay: nothing changes), acknowledging bundles never sent.
 */
int sync_import(struct db *db, const struct sync_paths *p, const char *file,
                struct sync_import_result *res, struct tt_err *err);

#endif
