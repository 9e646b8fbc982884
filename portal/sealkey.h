/*
 * sealkey.h — the portal's seal key: the X25519 pair stations seal bundles
 * to when a cooperative wants its payloads encrypted (sync/seal.h). It is
 * kept beside the receipt key and never in the database:
 *
 *   <key>.seal       the secret, mode 0600 (escrow a copy: without it,
 *                    sealed bundles can never be read)
 *   <key>.seal.pub   the public file the cooperative copies to its stations
 *
 * where <key> is the receipt key's path (--key). Ingest loads the secret
 * once per process (portal_sealkey_load); the reader gets it through
 * portal_seal_key(). Nothing here prints.
 */
#ifndef PORTAL_SEALKEY_H
#define PORTAL_SEALKEY_H

#include <stdint.h>

#include "../common/tt.h"
#include "../sync/seal.h"

#define PORTAL_SEALKEY_PATH_MAX 4200

/* The two file names for the receipt key at key_path. */
void portal_sealkey_paths(const char *key_path, char secret[PORTAL_SEALKEY_PATH_MAX],
                          char pub[PORTAL_SEALKEY_PATH_MAX]);

/* Creates the pair (folders 0700 as needed); TT_EEXIST when one exists: it is never replaced. */
int portal_sealkey_init(const char *key_path, uint8_t pk_out[SEAL_PK_LEN], struct tt_err *err);

/* The public half, read from the secret file (so the two cannot disagree); TT_ENOTFOUND: none. */
int portal_sealkey_public(const char *key_path, uint8_t pk_out[SEAL_PK_LEN], struct tt_err *err);

/*
 * Loads the secret for this process's ingests. No file is not an error
 * (*loaded = 0: sealed bundles are then refused with the reason); a file
 * that cannot be used is (TT_EACCESS when others may read it, TT_EPARSE).
 */
int portal_sealkey_load(const char *key_path, int *loaded, struct tt_err *err);

/* The loaded key (borrowed until portal_sealkey_unload), or NULL. */
const struct seal_key *portal_seal_key(void);

/* Wipes and forgets the loaded key. */
void portal_sealkey_unload(void);

#endif
