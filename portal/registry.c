/*
 * registry.c — station keys in PostgreSQL (see registry.h). Key ids are
 * stored as minisign shows them (16 uppercase hex), public keys as bytea.
 */
#include "registry.h"

#include "../sync/bundle.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
portal_station_id_ok(const char *id)
{
    size_t n = 0;

    if (id == NULL || id[0] == '\0' || id[0] == '-')
        return 0;
    for (; id[n] != '\0'; n++)
        if (!(isascii((unsigned char)id[n]) && (isalnum((unsigned char)id[n]) || id[n] == '-')))
            return 0;
    return n <= PORTAL_STATION_ID_MAX;
}

void
portal_station_id_for_key(const struct sig_pubkey *pub, char out[PORTAL_STATION_ID_MAX + 1])
{
    char id[BUNDLE_STATION_MAX];

    /* The station names itself the same way (sync/bundle.h). */
    bundle_station_id(pub->key_id, id);
    snprintf(out, PORTAL_STATION_ID_MAX + 1, "%.31s", id);
}

const char *
portal_key_status_name(enum portal_key_status s)
{
    switch (s) {
    case PORTAL_KEY_ROTATED:
        return "rotated";
    case PORTAL_KEY_REVOKED:
        return "revoked";
    default:
        return "active";
    }
}

static enum portal_key_status
status_of(const char *s)
{
    if (strcmp(s, "rotated") == 0)
        return PORTAL_KEY_ROTATED;
    if (strcmp(s, "revoked") == 0)
        return PORTAL_KEY_REVOKED;
    return PORTAL_KEY_ACTIVE;
}

int
portal_registry_add(struct portal_store *st, const char *station_id, const char *name,
                    const struct sig_pubkey *pub, int64_t from_bundle, struct tt_err *err)
{
    char kid[17], pkhex[2 * SIG_PK_LEN + 3], from[24];
    const char *p_station[2] = {station_id, name != NULL ? name : ""};
    const char *p_rotate[2] = {station_id, from};
    const char *p_key[4] = {kid, station_id, pkhex, from};
    int rc;

    if (!portal_station_id_ok(station_id))
        return tt_err_set(err, TT_EINVAL, "portal_registry_add",
                          "bad station id '%.40s': use 1-32 letters, digits or '-'",
                          station_id != NULL ? station_id : "");
    if (from_bundle < 1)
        return tt_err_set(err, TT_EINVAL, "portal_registry_add",
                          "the first bundle a key signs is numbered 1 or more");
    sig_keyid_hex(pub->key_id, kid);
    memcpy(pkhex, "\\x", 2);
    sig_hex(pub->pk, SIG_PK_LEN, pkhex + 2);
    snprintf(from, sizeof from, "%" PRId64, from_bundle);
    rc = portal_store_begin(st, err);
    if (rc == 0)
        rc = portal_store_exec(st,
                               "INSERT INTO stations (station_id, name) VALUES ($1, $2)"
                               " ON CONFLICT (station_id) DO UPDATE SET name ="
                               " CASE WHEN $2 = '' THEN stations.name ELSE $2 END",
                               2, p_station, NULL, err);
    if (rc == 0)
        rc = portal_store_exec(st,
                               "UPDATE station_keys SET status = 'rotated',"
                               " valid_until_bundle = $2::bigint - 1"
                               " WHERE station_id = $1 AND status = 'active'",
                               2, p_rotate, NULL, err);
    if (rc == 0) {
        rc = portal_store_exec(st,
                               "INSERT INTO station_keys (key_id, station_id, public_key,"
                               " valid_from_bundle) VALUES ($1, $2, $3::bytea, $4)",
                               4, p_key, NULL, err);
        if (rc == TT_EEXIST)
            tt_err_set(err, rc, "portal_registry_add", "key %s is already enrolled", kid);
    }
    if (rc == 0)
        rc = portal_store_commit(st, err);
    if (rc < 0)
        portal_store_rollback(st);
    return rc;
}

int
portal_registry_revoke(struct portal_store *st, const char *who, int64_t after_bundle,
                       const char *reason, struct tt_err *err)
{
    char after[24];
    const char *params[3] = {who, after_bundle >= 0 ? after : NULL, reason ? reason : ""};
    PGresult *res;
    int rc, n;

    snprintf(after, sizeof after, "%" PRId64, after_bundle);
    rc = portal_store_exec(
        st,
        "UPDATE station_keys k SET status = 'revoked', revoked_at = now(), reason = $3,"
        " valid_until_bundle = least(coalesce(k.valid_until_bundle, 9223372036854775807),"
        "  coalesce($2::bigint, (SELECT s.head_seq FROM stations s"
        "   WHERE s.station_id = k.station_id)))"
        " WHERE (k.key_id = upper($1) OR k.station_id = $1) AND k.status <> 'revoked'"
        " RETURNING k.key_id",
        3, params, &res, err);
    if (rc < 0)
        return rc;
    n = PQntuples(res);
    PQclear(res);
    if (n == 0)
        return tt_err_set(err, TT_ENOTFOUND, "portal_registry_revoke",
                          "no enrolled, unrevoked key or station '%.40s'; see 'station list'", who);
    return 0;
}

#define KEY_COLUMNS                                                                                \
    "k.station_id, k.key_id, encode(k.public_key, 'hex'), k.status, k.valid_from_bundle,"          \
    " coalesce(k.valid_until_bundle, -1), s.name"

static int
key_from_row(const PGresult *res, int row, struct portal_key *k)
{
    memset(k, 0, sizeof *k);
    snprintf(k->station_id, sizeof k->station_id, "%s", PQgetvalue(res, row, 0));
    snprintf(k->key_id, sizeof k->key_id, "%s", PQgetvalue(res, row, 1));
    if (sig_unhex(PQgetvalue(res, row, 2), k->pub.pk, SIG_PK_LEN) < 0)
        return TT_ECORRUPT;
    for (int i = 0; i < SIG_KEYID_LEN; i++) {
        /* minisign shows the id little-endian: hex digit pair i is byte 7-i. */
        unsigned v;

        if (sscanf(k->key_id + 2 * i, "%2x", &v) != 1)
            return TT_ECORRUPT;
        k->pub.key_id[SIG_KEYID_LEN - 1 - i] = (uint8_t)v;
    }
    k->status = status_of(PQgetvalue(res, row, 3));
    k->valid_from = strtoll(PQgetvalue(res, row, 4), NULL, 10);
    k->valid_until = strtoll(PQgetvalue(res, row, 5), NULL, 10);
    snprintf(k->name, sizeof k->name, "%s", PQgetvalue(res, row, 6));
    return 0;
}

int
portal_registry_lookup(struct portal_store *st, const uint8_t key_id[SIG_KEYID_LEN],
                       struct portal_key *out, struct tt_err *err)
{
    char kid[17];
    const char *params[1] = {kid};
    PGresult *res;
    int rc;

    sig_keyid_hex(key_id, kid);
    rc = portal_store_exec(st,
                           "SELECT " KEY_COLUMNS " FROM station_keys k"
                           " JOIN stations s USING (station_id) WHERE k.key_id = $1",
                           1, params, &res, err);
    if (rc < 0)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return tt_err_set(err, TT_ENOTFOUND, "portal_registry_lookup",
                          "unregistered station key %s: enrol it with 'station add'", kid);
    }
    rc = key_from_row(res, 0, out);
    PQclear(res);
    if (rc < 0)
        return tt_err_set(err, rc, "portal_registry_lookup", "stored key %s is damaged", kid);
    return 0;
}

int
portal_registry_list(struct portal_store *st, int (*cb)(void *ctx, const struct portal_key *k),
                     void *ctx, struct tt_err *err)
{
    PGresult *res;
    int rc = portal_store_exec(st,
                               "SELECT " KEY_COLUMNS " FROM station_keys k"
                               " JOIN stations s USING (station_id)"
                               " ORDER BY k.station_id, k.valid_from_bundle, k.enrolled_at",
                               0, NULL, &res, err);

    if (rc < 0)
        return rc;
    for (int i = 0; i < PQntuples(res); i++) {
        struct portal_key k;

        if (key_from_row(res, i, &k) < 0)
            continue;
        if (cb(ctx, &k) != 0)
            break;
    }
    PQclear(res);
    return 0;
}

int
portal_registry_stations(struct portal_store *st, int active_only,
                         int (*cb)(void *ctx, const char *station_id), void *ctx,
                         struct tt_err *err)
{
    PGresult *res;
    int rc =
        portal_store_exec(st,
                          active_only ? "SELECT station_id FROM stations s WHERE EXISTS (SELECT 1"
                                        " FROM bundles b WHERE b.station_id = s.station_id) OR"
                                        " EXISTS (SELECT 1 FROM rejections r WHERE r.station_id ="
                                        " s.station_id) ORDER BY station_id"
                                      : "SELECT station_id FROM stations ORDER BY station_id",
                          0, NULL, &res, err);

    if (rc < 0)
        return rc;
    for (int i = 0; rc == 0 && i < PQntuples(res); i++)
        rc = cb(ctx, PQgetvalue(res, i, 0));
    PQclear(res);
    return rc;
}
