/*
 * sig.h — minisign-compatible Ed25519 signatures with libsodium
 * (reference/sync.md §2).
 *
 * Signatures are minisign's prehashed "ED" kind: Ed25519 (crypto_sign_detached)
 * over the BLAKE2b-512 of the file, plus a global signature over
 * sig ‖ trusted comment. NOT crypto_sign_init/update/final (that is Ed25519ph,
 * which minisign rejects). The stock `minisign -Vm FILE -p KEY.pub` verifies
 * every file this module signs.
 *
 * Files:
 *   public key  2 lines: "untrusted comment: minisign public key <KEYID>",
 *               base64("Ed" ‖ key_id[8] ‖ pk[32])
 *   secret key  2 lines, minisign's unencrypted layout ("Ed", kdf 0 0, "B2",
 *               salt, ops, mem, key_id ‖ sk ‖ chk), mode 0600
 *   .minisig    4 lines (untrusted comment, sig, trusted comment, global sig)
 *
 * This file needs only common/ and libsodium: the portal links it too.
 * Secret keys live in sodium_malloc memory and are wiped by sig_seckey_free().
 * Nothing here prints.
 */
#ifndef TT_SYNC_SIG_H
#define TT_SYNC_SIG_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "../common/tt.h"

#define SIG_KEYID_LEN   8
#define SIG_PK_LEN      32
#define SIG_LEN         64
#define SIG_HASH_LEN    64    /* BLAKE2b-512: what minisign "ED" signs */
#define SIG_B2_256_LEN  32    /* BLAKE2b-256: our content ids (prev chain) */
#define SIG_TRUSTED_MAX 8000  /* trusted comment bytes, minisign's line cap minus prefix */
#define SIG_FILE_MAX    16384 /* a .minisig larger than this is refused unread */

/* Detail codes in tt_err.detail for signature failures. */
enum sig_detail {
    SIG_D_NONE = 0,
    SIG_D_FORMAT,  /* the .minisig or key file is malformed */
    SIG_D_LEGACY,  /* "Ed" legacy signature: refused, only prehashed "ED" accepted */
    SIG_D_KEYID,   /* signed by another key */
    SIG_D_BAD,     /* the signature over the file does not verify */
    SIG_D_COMMENT, /* the trusted comment's global signature does not verify */
    SIG_D_PERM,    /* secret key file readable by others */
};

struct sig_pubkey {
    uint8_t key_id[SIG_KEYID_LEN];
    uint8_t pk[SIG_PK_LEN];
};

/* A parsed .minisig. */
struct sig_file {
    uint8_t alg[2];
    uint8_t key_id[SIG_KEYID_LEN];
    uint8_t sig[SIG_LEN];
    char trusted[SIG_TRUSTED_MAX + 1]; /* NUL-terminated, without the prefix */
    uint8_t global_sig[SIG_LEN];
};

struct sig_seckey; /* opaque; sodium_malloc memory */

/* Streaming hash of a payload: BLAKE2b-512 (signed) and BLAKE2b-256 (chain id) at once. */
struct sig_hasher {
    crypto_generichash_state st512;
    crypto_generichash_state st256;
};

/* Initialises libsodium once; returns 0 or TT_EINVAL. */
int sig_init(struct tt_err *err);

/* Makes a new key pair. *out is owned: free with sig_seckey_free(). */
int sig_key_generate(struct sig_seckey **out, struct sig_pubkey *pub, struct tt_err *err);

/* Wipes and frees; NULL is a no-op. */
void sig_seckey_free(struct sig_seckey *sk);

/* The public half of a secret key. */
void sig_seckey_pubkey(const struct sig_seckey *sk, struct sig_pubkey *pub);

/*
 * Writes the secret key to `path` (created 0600 with O_EXCL: an existing
 * key is never overwritten, TT_EEXIST) and fsyncs it.
 */
int sig_seckey_write(const char *path, const struct sig_seckey *sk, struct tt_err *err);

/*
 * Reads a secret key file. Refuses (TT_EACCESS, SIG_D_PERM) a file that
 * group or others may read, and password-protected keys (TT_EINVAL).
 * *out is owned: free with sig_seckey_free().
 */
int sig_seckey_read(const char *path, struct sig_seckey **out, struct tt_err *err);

/* Formats the 2-line public key file into buf (NUL-terminated); needs ≥ 128 bytes. */
int sig_pubkey_format(const struct sig_pubkey *pub, char *buf, size_t buf_len);

/* Parses a public key file's text, or its base64 line alone. */
int sig_pubkey_parse(const char *text, size_t len, struct sig_pubkey *out, struct tt_err *err);

/* Reads and parses a public key file (≤ 4 KiB). */
int sig_pubkey_read(const char *path, struct sig_pubkey *out, struct tt_err *err);

/* Writes the public key file (mode 0644, replaced atomically, fsynced). */
int sig_pubkey_write(const char *path, const struct sig_pubkey *pub, struct tt_err *err);

/* The key id as minisign shows it: 16 uppercase hex digits (bytes little-endian). */
void sig_keyid_hex(const uint8_t key_id[SIG_KEYID_LEN], char out[17]);

/* A fingerprint to read aloud or compare: BLAKE2b-256 of the public key, 4-hex groups. */
void sig_fingerprint(const struct sig_pubkey *pub, char out[80]);

void sig_hasher_init(struct sig_hasher *h);
void sig_hasher_update(struct sig_hasher *h, const void *data, size_t len);
void sig_hasher_final(struct sig_hasher *h, uint8_t hash512[SIG_HASH_LEN],
                      uint8_t b2_256[SIG_B2_256_LEN]);

/*
 * Hashes an open file from its current offset to the end. Either output
 * may be NULL. Reads in 256 KiB blocks; constant memory.
 */
int sig_hash_fd(int fd, uint8_t hash512[SIG_HASH_LEN], uint8_t b2_256[SIG_B2_256_LEN],
                struct tt_err *err);

/*
 * Makes the 4-line .minisig text for a payload whose BLAKE2b-512 is `hash`.
 * `trusted` must be one line (no CR/LF, no trailing blank, ≤ SIG_TRUSTED_MAX);
 * `untrusted` likewise (≤ 900 bytes). Ed25519 is deterministic: the same
 * key, hash and comments give the same bytes. buf needs ≥ 1200 + strlen(trusted).
 */
int sig_sign_hash(const struct sig_seckey *sk, const uint8_t hash[SIG_HASH_LEN],
                  const char *trusted, const char *untrusted, char *buf, size_t buf_len,
                  struct tt_err *err);

/*
 * Parses .minisig text strictly: exactly four LF-terminated lines (a last
 * line without LF is accepted, as minisign does), standard base64, "ED"
 * only (legacy "Ed" → TT_ESIG with SIG_D_LEGACY). Nothing is verified yet.
 */
int sig_file_parse(const char *text, size_t len, struct sig_file *out, struct tt_err *err);

/* Reads (≤ SIG_FILE_MAX, regular file, no symlink) and parses a .minisig. */
int sig_file_read(const char *path, struct sig_file *out, struct tt_err *err);

/*
 * Checks, in minisign's order: key id, the signature over `hash`, then the
 * global signature over sig ‖ trusted comment. TT_ESIG with a SIG_D_* detail.
 */
int sig_verify_hash(const struct sig_pubkey *pub, const struct sig_file *sf,
                    const uint8_t hash[SIG_HASH_LEN], struct tt_err *err);

/* Lower-case hex of `len` bytes into out (2*len+1 bytes). */
void sig_hex(const uint8_t *bytes, size_t len, char *out);

/* Parses exactly 2*len hex digits; returns 0 or TT_EPARSE. */
int sig_unhex(const char *hex, uint8_t *out, size_t len);

#endif
