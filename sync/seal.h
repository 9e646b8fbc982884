/*
 * seal.h — optional encryption of a bundle payload to the portal, for
 * cooperatives whose events carry personal data (reference/sync.md §2.4).
 * Off by default: traceability data is meant to be shared.
 *
 * A sealed payload is a stream, encrypted with a fresh random key:
 *
 *   "TTSEAL01" (8 bytes)
 *   crypto_box_seal(key) to the portal's X25519 public key (32 + 48 bytes)
 *   crypto_secretstream_xchacha20poly1305 header (24 bytes)
 *   chunks: up to 64 KiB of plaintext + 17 bytes each, the last one tagged
 *   FINAL (so a truncated file is detected, not just a damaged one)
 *
 * The minisign signature is made over the sealed file, so a stick can still
 * be checked with `minisign -V` and no secret; only the portal, holding the
 * X25519 secret key (escrow it!), can open the payload, and then verifies
 * it as a normal bundle. Encryption says nothing about who sent a file:
 * that stays the signature's job. Streams in constant memory.
 * Needs only common/ and libsodium.
 */
#ifndef TT_SYNC_SEAL_H
#define TT_SYNC_SEAL_H

#include <stdint.h>

#include "../common/tt.h"

#define SEAL_PK_LEN 32
#define SEAL_SK_LEN 32
#define SEAL_CHUNK  (64 * 1024)

/* A new X25519 key pair for the portal. */
int seal_keypair(uint8_t pk[SEAL_PK_LEN], uint8_t sk[SEAL_SK_LEN], struct tt_err *err);

/* Encrypts everything readable from `in` (to its end) onto `out` (both borrowed fds). */
int seal_fd(int in, int out, const uint8_t portal_pk[SEAL_PK_LEN], struct tt_err *err);

/*
 * Decrypts a sealed stream from `in` onto `out`. TT_ECORRUPT when it was
 * changed or cut short (nothing after the FINAL chunk is allowed either),
 * TT_ESIG when it was sealed to another key.
 */
int seal_open_fd(int in, int out, const uint8_t pk[SEAL_PK_LEN], const uint8_t sk[SEAL_SK_LEN],
                 struct tt_err *err);

/* 1 when the first bytes of a file are the sealed-payload magic. */
int seal_is_sealed(const uint8_t *head, size_t len);

#endif
