/*
 * sealkey.c — where the portal's seal key lives and the one copy loaded
 * for ingest (sealkey.h). One process ingests for one portal, so the key
 * is held here rather than threaded through every ingest call.
 */
#include "sealkey.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct seal_key *loaded_key;

void
portal_sealkey_paths(const char *key_path, char secret[PORTAL_SEALKEY_PATH_MAX],
                     char pub[PORTAL_SEALKEY_PATH_MAX])
{
    snprintf(secret, PORTAL_SEALKEY_PATH_MAX, "%s.seal", key_path);
    snprintf(pub, PORTAL_SEALKEY_PATH_MAX, "%s.seal.pub", key_path);
}

/* mkdir -p of the folder that holds `path`, 0700: it holds secret keys. */
static int
make_parent_dirs(const char *path, struct tt_err *err)
{
    char buf[PORTAL_SEALKEY_PATH_MAX];

    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return tt_err_set(err, TT_EIO, "seal-key", "cannot create %s: %s", buf,
                              strerror(errno));
        *p = '/';
    }
    return 0;
}

int
portal_sealkey_init(const char *key_path, uint8_t pk_out[SEAL_PK_LEN], struct tt_err *err)
{
    char secret[PORTAL_SEALKEY_PATH_MAX], pub[PORTAL_SEALKEY_PATH_MAX];
    struct seal_key *k = NULL;
    int rc;

    portal_sealkey_paths(key_path, secret, pub);
    if (access(secret, F_OK) == 0)
        return tt_err_set(err, TT_EEXIST, "seal-key",
                          "a seal key already exists (%s); it is never replaced", secret);
    if ((rc = make_parent_dirs(secret, err)) != 0 || (rc = seal_key_generate(&k, err)) != 0)
        return rc;
    rc = seal_key_write(secret, pub, k, err);
    if (rc == 0)
        memcpy(pk_out, k->pk, SEAL_PK_LEN);
    seal_key_free(k);
    return rc;
}

int
portal_sealkey_public(const char *key_path, uint8_t pk_out[SEAL_PK_LEN], struct tt_err *err)
{
    char secret[PORTAL_SEALKEY_PATH_MAX], pub[PORTAL_SEALKEY_PATH_MAX];
    struct seal_key *k = NULL;
    int rc;

    portal_sealkey_paths(key_path, secret, pub);
    if ((rc = seal_key_read(secret, &k, err)) != 0)
        return rc;
    memcpy(pk_out, k->pk, SEAL_PK_LEN);
    seal_key_free(k);
    return 0;
}

int
portal_sealkey_load(const char *key_path, int *loaded, struct tt_err *err)
{
    char secret[PORTAL_SEALKEY_PATH_MAX], pub[PORTAL_SEALKEY_PATH_MAX];
    int rc;

    *loaded = 0;
    portal_sealkey_unload();
    portal_sealkey_paths(key_path, secret, pub);
    rc = seal_key_read(secret, &loaded_key, err);
    if (rc == TT_ENOTFOUND) {
        if (err != NULL)
            tt_err_clear(err);
        return 0;
    }
    *loaded = rc == 0;
    return rc;
}

const struct seal_key *
portal_seal_key(void)
{
    return loaded_key;
}

void
portal_sealkey_unload(void)
{
    seal_key_free(loaded_key); /* wiped */
    loaded_key = NULL;
}
