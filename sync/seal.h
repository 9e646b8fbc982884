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
 *
 * Key files (seal-key.c), the portal's X25519 "seal" pair:
 *   public  2 lines: "untrusted comment: tramtem seal public key <FP>",
 *           base64("TS" ‖ pk[32]) (48 characters; the station stores this line)
 *   secret  2 lines: "untrusted comment: tramtem seal secret key <FP> ...",
 *           base64("TS" ‖ pk[32] ‖ sk[32]), mode 0600, never overwritten
 * <FP> is the fingerprint: 16 upper-case hex digits of BLAKE2b-256(pk).
 * The secret half lives in sodium_malloc memory, wiped by seal_key_free().
 */
#ifndef TT_SYNC_SEAL_H
#define TT_SYNC_SEAL_H

#include <stddef.h>
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

/* Gets bytes in order; a non-zero TT_E* return stops the stream with that code. */
typedef int (*seal_sink_fn)(void *ctx, const uint8_t *buf, size_t len, struct tt_err *err);

/*
 * seal_open_fd() with callbacks instead of an output file: on_sealed (may
 * be NULL) sees every byte read from `in`, on_plain each chunk once its
 * tag verified. Each chunk is authentic when on_plain sees it, but a cut
 * stream shows only at the end: unless this returns 0, callers treat what
 * they were given as void.
 */
int seal_open_stream(int in, const uint8_t pk[SEAL_PK_LEN], const uint8_t sk[SEAL_SK_LEN],
                     seal_sink_fn on_sealed, seal_sink_fn on_plain, void *ctx, struct tt_err *err);

/* --- key files (seal-key.c) ------------------------------------------------ */

#define SEAL_B64_LEN 48 /* base64("TS" ‖ pk), the public key's second line */
#define SEAL_FP_LEN  17 /* 16 hex digits and the NUL */

struct seal_key {
    uint8_t pk[SEAL_PK_LEN];
    uint8_t sk[SEAL_SK_LEN];
};

/* A new pair; *out is owned (sodium_malloc): free with seal_key_free(). */
int seal_key_generate(struct seal_key **out, struct tt_err *err);

/* Wipes and frees; NULL is a no-op. */
void seal_key_free(struct seal_key *k);

/*
 * Writes the secret file (created 0600 with O_EXCL: TT_EEXIST when one is
 * there; it is never replaced) and then the public file (0644).
 */
int seal_key_write(const char *secret_path, const char *public_path, const struct seal_key *k,
                   struct tt_err *err);

/*
 * Reads a secret file; refuses one that group or others may read
 * (TT_EACCESS) and one whose halves do not belong together (TT_EPARSE).
 * *out is owned: seal_key_free().
 */
int seal_key_read(const char *path, struct seal_key **out, struct tt_err *err);

/* The 2-line public file text; out needs 128 bytes. */
void seal_pub_format(const uint8_t pk[SEAL_PK_LEN], char *out, size_t out_len);

/* The base64 line alone (SEAL_B64_LEN characters and the NUL). */
void seal_pub_b64(const uint8_t pk[SEAL_PK_LEN], char out[SEAL_B64_LEN + 1]);

/*
 * Parses a public file's text, or its base64 line alone. A station or
 * portal signing key (minisign format) is refused with a message saying so.
 */
int seal_pub_parse(const char *text, size_t len, uint8_t pk[SEAL_PK_LEN], struct tt_err *err);

/* Reads (≤ 4 KiB, regular file) and parses a public file. */
int seal_pub_read(const char *path, uint8_t pk[SEAL_PK_LEN], struct tt_err *err);

/* 16 upper-case hex digits of BLAKE2b-256(pk), to compare by eye or phone. */
void seal_fingerprint(const uint8_t pk[SEAL_PK_LEN], char out[SEAL_FP_LEN]);

#endif
