/*
 * registry.h — the station registry: which public keys may sign bundles
 * for which station, and for which bundle numbers.
 *
 * Keys are enrolled out of band (the officer copies the station's
 * `tramtem key show` file or checks its fingerprint); a key is never taken
 * from a stick. A key has a status (active, rotated, revoked) and a range
 * of bundle numbers it may sign: valid_from_bundle .. valid_until_bundle
 * (-1 = open ended). Enrolling a new key for a station rotates the old one:
 * it stays valid for the bundles before the new key's first bundle.
 */
#ifndef PORTAL_REGISTRY_H
#define PORTAL_REGISTRY_H

#include <stdint.h>

#include "../common/tt.h"
#include "../sync/sig.h"
#include "store.h"

#define PORTAL_STATION_ID_MAX 32

enum portal_key_status { PORTAL_KEY_ACTIVE, PORTAL_KEY_ROTATED, PORTAL_KEY_REVOKED };

struct portal_key {
    char station_id[PORTAL_STATION_ID_MAX + 1];
    char key_id[17]; /* 16 uppercase hex, as minisign shows it */
    struct sig_pubkey pub;
    enum portal_key_status status;
    int64_t valid_from;  /* first bundle number it may sign */
    int64_t valid_until; /* last bundle number it may sign, -1 = no end */
    char name[128];      /* the station's display name (cooperative) */
};

/* 1 when `id` is a well-formed station id ([A-Za-z0-9-]{1,32}, not starting with '-'). */
int portal_station_id_ok(const char *id);

/* The default station id for a key: "st-" + the first 8 key-id hex digits, lower case. */
void portal_station_id_for_key(const struct sig_pubkey *pub, char out[PORTAL_STATION_ID_MAX + 1]);

/*
 * Enrols `pub` for `station_id` (created with `name` when new; name may be
 * NULL). The key signs bundles from `from_bundle` (≥ 1) on; the station's
 * other active keys become rotated with valid_until = from_bundle - 1.
 * TT_EEXIST when the key is already enrolled; TT_EINVAL for a bad id.
 */
int portal_registry_add(struct portal_store *st, const char *station_id, const char *name,
                        const struct sig_pubkey *pub, int64_t from_bundle, struct tt_err *err);

/*
 * Revokes a key, named by its key id (16 hex) or by its station id (all of
 * the station's keys that are not revoked). Bundles numbered above
 * `after_bundle` signed by it are refused; after_bundle < 0 means "after the
 * last bundle accepted so far". TT_ENOTFOUND when nothing matched.
 */
int portal_registry_revoke(struct portal_store *st, const char *who, int64_t after_bundle,
                           const char *reason, struct tt_err *err);

/*
 * Looks a key up by its key id. TT_ENOTFOUND for an unknown key.
 */
int portal_registry_lookup(struct portal_store *st, const uint8_t key_id[SIG_KEYID_LEN],
                           struct portal_key *out, struct tt_err *err);

/* Calls cb for every key, by station then enrolment; a non-zero cb return stops. */
int portal_registry_list(struct portal_store *st, int (*cb)(void *ctx, const struct portal_key *k),
                         void *ctx, struct tt_err *err);

/*
 * Calls cb with each station id (all, or with active_only those that sent
 * anything); a negative cb return stops and is returned.
 */
int portal_registry_stations(struct portal_store *st, int active_only,
                             int (*cb)(void *ctx, const char *station_id), void *ctx,
                             struct tt_err *err);

/* "active", "rotated", "revoked". */
const char *portal_key_status_name(enum portal_key_status s);

#endif
