/*
 * sig.c — minisign key files and prehashed ("ED") Ed25519 signatures with
 * libsodium. Layouts follow minisign 0.11 (src/minisign.h) as measured in
 * reference/sync.md §2; the stock minisign verifies what we sign.
 */
#include "sig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PK_BLOB_LEN      (2 + SIG_KEYID_LEN + SIG_PK_LEN)                   /* 42 */
#define SIG_BLOB_LEN     (2 + SIG_KEYID_LEN + SIG_LEN)                      /* 74 */
#define SK_BLOB_LEN      (2 + 2 + 2 + 32 + 8 + 8 + SIG_KEYID_LEN + 64 + 32) /* 158 */
#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX   "trusted comment: "

struct sig_seckey {
    uint8_t key_id[SIG_KEYID_LEN];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

int
sig_init(struct tt_err *err)
{
    if (sodium_init() < 0)
        return tt_err_set(err, TT_EINVAL, "sig_init", "libsodium could not start");
    return 0;
}

static struct sig_seckey *
seckey_alloc(void)
{
    struct sig_seckey *sk = sodium_malloc(sizeof *sk);

    if (sk != NULL)
        sodium_memzero(sk, sizeof *sk);
    return sk;
}

void
sig_seckey_free(struct sig_seckey *sk)
{
    if (sk == NULL)
        return;
    sodium_memzero(sk, sizeof *sk);
    sodium_free(sk);
}

int
sig_key_generate(struct sig_seckey **out, struct sig_pubkey *pub, struct tt_err *err)
{
    struct sig_seckey *sk;
    int rc;

    *out = NULL;
    if ((rc = sig_init(err)) != 0)
        return rc;
    if ((sk = seckey_alloc()) == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_key_generate", "no memory for the secret key");
    randombytes_buf(sk->key_id, sizeof sk->key_id);
    crypto_sign_keypair(pub->pk, sk->sk);
    memcpy(pub->key_id, sk->key_id, SIG_KEYID_LEN);
    *out = sk;
    return 0;
}

void
sig_seckey_pubkey(const struct sig_seckey *sk, struct sig_pubkey *pub)
{
    memcpy(pub->key_id, sk->key_id, SIG_KEYID_LEN);
    crypto_sign_ed25519_sk_to_pk(pub->pk, sk->sk);
}

void
sig_keyid_hex(const uint8_t key_id[SIG_KEYID_LEN], char out[17])
{
    static const char digits[] = "0123456789ABCDEF";

    /* minisign prints the 8 bytes as a little-endian uint64. */
    for (int i = 0; i < SIG_KEYID_LEN; i++) {
        uint8_t b = key_id[SIG_KEYID_LEN - 1 - i];

        out[2 * i] = digits[b >> 4];
        out[2 * i + 1] = digits[b & 15];
    }
    out[16] = '\0';
}

void
sig_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
sig_unhex(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hexval(hex[2 * i]), lo;

        if (hi < 0)
            return TT_EPARSE;
        lo = hexval(hex[2 * i + 1]);
        if (lo < 0)
            return TT_EPARSE;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

void
sig_fingerprint(const struct sig_pubkey *pub, char out[80])
{
    uint8_t h[16];
    char hex[33];
    size_t o = 0;

    crypto_generichash(h, sizeof h, pub->pk, sizeof pub->pk, NULL, 0);
    sig_hex(h, sizeof h, hex);
    for (int i = 0; i < 32; i += 4) {
        if (i > 0)
            out[o++] = ' ';
        memcpy(out + o, hex + i, 4);
        o += 4;
    }
    out[o] = '\0';
}

/* Decodes standard padded base64 into exactly `want` bytes. */
static int
b64_decode(const char *b64, size_t b64_len, uint8_t *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;

    if (sodium_base642bin(out, want, b64, b64_len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return TT_EPARSE;
    if (got != want || end != b64 + b64_len)
        return TT_EPARSE;
    return 0;
}

int
sig_pubkey_format(const struct sig_pubkey *pub, char *buf, size_t buf_len)
{
    uint8_t blob[PK_BLOB_LEN];
    char b64[sodium_base64_ENCODED_LEN(PK_BLOB_LEN, sodium_base64_VARIANT_ORIGINAL)];
    char kid[17];
    int n;

    blob[0] = 'E';
    blob[1] = 'd';
    memcpy(blob + 2, pub->key_id, SIG_KEYID_LEN);
    memcpy(blob + 2 + SIG_KEYID_LEN, pub->pk, SIG_PK_LEN);
    sodium_bin2base64(b64, sizeof b64, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    sig_keyid_hex(pub->key_id, kid);
    n = snprintf(buf, buf_len, "untrusted comment: minisign public key %s\n%s\n", kid, b64);
    return n < 0 || (size_t)n >= buf_len ? TT_EINVAL : 0;
}

/* Splits text into lines (LF; a last line without LF counts). Returns the count. */
static size_t
split_lines(const char *text, size_t len, const char **starts, size_t *lens, size_t max)
{
    size_t n = 0, pos = 0;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

        if (n < max) {
            starts[n] = text + pos;
            lens[n] = l;
        }
        n++;
        pos += l + 1;
    }
    return n;
}

int
sig_pubkey_parse(const char *text, size_t len, struct sig_pubkey *out, struct tt_err *err)
{
    const char *starts[3];
    size_t lens[3], n = split_lines(text, len, starts, lens, 3);
    const char *b64;
    size_t b64_len;
    uint8_t blob[PK_BLOB_LEN];

    if (n == 1) {
        b64 = starts[0];
        b64_len = lens[0];
    } else if (n == 2 && lens[0] >= strlen(UNTRUSTED_PREFIX) &&
               memcmp(starts[0], UNTRUSTED_PREFIX, strlen(UNTRUSTED_PREFIX)) == 0) {
        b64 = starts[1];
        b64_len = lens[1];
    } else {
        return tt_err_setd(err, TT_EPARSE, SIG_D_FORMAT, "sig_pubkey_parse",
                           "not a minisign public key: expected 2 lines, the second base64");
    }
    if (b64_decode(b64, b64_len, blob, sizeof blob) != 0 || blob[0] != 'E' || blob[1] != 'd')
        return tt_err_setd(err, TT_EPARSE, SIG_D_FORMAT, "sig_pubkey_parse",
                           "not a minisign Ed25519 public key (bad base64 or algorithm)");
    memcpy(out->key_id, blob + 2, SIG_KEYID_LEN);
    memcpy(out->pk, blob + 2 + SIG_KEYID_LEN, SIG_PK_LEN);
    return 0;
}

/* Reads a small regular file (no symlink) into buf; *len_out without NUL. */
static int
read_small(const char *path, char *buf, size_t cap, size_t *len_out, struct tt_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    size_t got = 0;

    if (fd < 0)
        return tt_err_set(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, "read_small",
                          "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return tt_err_set(err, TT_EINVAL, "read_small", "%s is not a regular file", path);
    }
    if (st.st_size < 0 || (size_t)st.st_size >= cap) {
        close(fd);
        return tt_err_set(err, TT_EINVAL, "read_small", "%s is too large (%lld bytes)", path,
                          (long long)st.st_size);
    }
    for (;;) {
        ssize_t r = read(fd, buf + got, cap - 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;

            close(fd);
            return tt_err_set(err, TT_EIO, "read_small", "cannot read %s: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (got >= cap - 1) {
            close(fd);
            return tt_err_set(err, TT_EINVAL, "read_small", "%s grew while reading", path);
        }
    }
    close(fd);
    buf[got] = '\0';
    *len_out = got;
    return 0;
}

int
sig_pubkey_read(const char *path, struct sig_pubkey *out, struct tt_err *err)
{
    char buf[4096];
    size_t len;
    int rc = read_small(path, buf, sizeof buf, &len, err);

    return rc != 0 ? rc : sig_pubkey_parse(buf, len, out, err);
}

/* Writes all of buf to fd, retrying short writes. */
static int
write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Creates path with O_EXCL and `mode`, writes text, fsyncs. */
static int
write_new_file(const char *path, const char *text, size_t len, mode_t mode, struct tt_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

    if (fd < 0)
        return tt_err_set(err, errno == EEXIST ? TT_EEXIST : TT_EIO, "write_new_file",
                          "cannot create %s: %s", path, strerror(errno));
    if (write_all(fd, text, len) != 0 || fsync(fd) != 0) {
        int e = errno;

        close(fd);
        unlink(path);
        return tt_err_set(err, e == ENOSPC ? TT_ENOSPC : TT_EIO, "write_new_file",
                          "cannot write %s: %s", path, strerror(e));
    }
    if (close(fd) != 0) {
        unlink(path);
        return tt_err_set(err, TT_EIO, "write_new_file", "cannot close %s", path);
    }
    return 0;
}

int
sig_pubkey_write(const char *path, const struct sig_pubkey *pub, struct tt_err *err)
{
    char text[256], tmp[4096];
    int rc;

    sig_pubkey_format(pub, text, sizeof text);
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return tt_err_set(err, TT_EINVAL, "sig_pubkey_write", "path too long: %s", path);
    unlink(tmp);
    if ((rc = write_new_file(tmp, text, strlen(text), 0644, err)) != 0)
        return rc;
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return tt_err_set(err, TT_EIO, "sig_pubkey_write", "cannot rename %s: %s", tmp,
                          strerror(errno));
    }
    return 0;
}

/* chk = BLAKE2b-256("Ed" ‖ key_id ‖ sk), as minisign stores it. */
static void
seckey_checksum(const struct sig_seckey *sk, uint8_t chk[32])
{
    crypto_generichash_state st;

    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const unsigned char *)"Ed", 2);
    crypto_generichash_update(&st, sk->key_id, SIG_KEYID_LEN);
    crypto_generichash_update(&st, sk->sk, sizeof sk->sk);
    crypto_generichash_final(&st, chk, 32);
}

int
sig_seckey_write(const char *path, const struct sig_seckey *sk, struct tt_err *err)
{
    /* The blob and its base64 hold the key: both in guarded, wiped memory. */
    size_t b64_cap = sodium_base64_ENCODED_LEN(SK_BLOB_LEN, sodium_base64_VARIANT_ORIGINAL);
    size_t text_cap = 64 + b64_cap;
    uint8_t *blob = sodium_malloc(SK_BLOB_LEN + text_cap);
    char *text;
    size_t o = 0;
    int rc;

    if (blob == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_seckey_write", "no memory");
    text = (char *)blob + SK_BLOB_LEN;
    memset(blob, 0, SK_BLOB_LEN);
    memcpy(blob, "Ed", 2);
    /* kdf "\0\0" = not encrypted (minisign -W); then "B2", salt, ops, mem stay zero. */
    memcpy(blob + 4, "B2", 2);
    o = 6 + 32 + 8 + 8;
    memcpy(blob + o, sk->key_id, SIG_KEYID_LEN);
    memcpy(blob + o + SIG_KEYID_LEN, sk->sk, sizeof sk->sk);
    seckey_checksum(sk, blob + o + SIG_KEYID_LEN + sizeof sk->sk);
    strcpy(text, "untrusted comment: minisign secret key\n");
    o = strlen(text);
    sodium_bin2base64(text + o, b64_cap, blob, SK_BLOB_LEN, sodium_base64_VARIANT_ORIGINAL);
    o += strlen(text + o);
    text[o++] = '\n';
    rc = write_new_file(path, text, o, 0600, err);
    sodium_memzero(blob, SK_BLOB_LEN + text_cap);
    sodium_free(blob);
    return rc;
}

static int
seckey_decode(const char *buf, size_t len, struct sig_seckey *sk, struct tt_err *err)
{
    const char *starts[3];
    size_t lens[3], n = split_lines(buf, len, starts, lens, 3);
    uint8_t *blob = sodium_malloc(SK_BLOB_LEN);
    uint8_t chk[32];
    int rc = 0;
    size_t o = 6 + 32 + 8 + 8;

    if (blob == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_seckey_read", "no memory");
    if (n != 2 || b64_decode(starts[1], lens[1], blob, SK_BLOB_LEN) != 0 ||
        memcmp(blob, "Ed", 2) != 0 || memcmp(blob + 4, "B2", 2) != 0) {
        rc = tt_err_setd(err, TT_EPARSE, SIG_D_FORMAT, "sig_seckey_read",
                         "not a minisign secret key file");
    } else if (blob[2] != 0 || blob[3] != 0) {
        rc = tt_err_set(err, TT_EINVAL, "sig_seckey_read",
                        "the secret key is password-protected; tramtem needs one made by "
                        "'tramtem key init' (or minisign -G -W)");
    } else {
        memcpy(sk->key_id, blob + o, SIG_KEYID_LEN);
        memcpy(sk->sk, blob + o + SIG_KEYID_LEN, sizeof sk->sk);
        seckey_checksum(sk, chk);
        if (sodium_memcmp(chk, blob + o + SIG_KEYID_LEN + sizeof sk->sk, 32) != 0)
            rc = tt_err_setd(err, TT_ECORRUPT, SIG_D_FORMAT, "sig_seckey_read",
                             "the secret key file is damaged (checksum mismatch)");
    }
    sodium_memzero(blob, SK_BLOB_LEN);
    sodium_free(blob);
    return rc;
}

int
sig_seckey_read(const char *path, struct sig_seckey **out, struct tt_err *err)
{
    struct stat st;
    char *buf;
    size_t len = 0;
    struct sig_seckey *sk;
    int rc;

    *out = NULL;
    if ((rc = sig_init(err)) != 0)
        return rc;
    if (lstat(path, &st) != 0)
        return tt_err_set(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, "sig_seckey_read",
                          "cannot read the station key %s: %s", path, strerror(errno));
    if ((st.st_mode & 077) != 0)
        return tt_err_setd(err, TT_EACCESS, SIG_D_PERM, "sig_seckey_read",
                           "%s may be read by other users; run 'chmod 600 %s'", path, path);
    if ((buf = sodium_malloc(1024)) == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_seckey_read", "no memory");
    rc = read_small(path, buf, 1024, &len, err);
    if (rc == 0 && (sk = seckey_alloc()) == NULL)
        rc = tt_err_set(err, TT_ENOMEM, "sig_seckey_read", "no memory");
    if (rc == 0) {
        rc = seckey_decode(buf, len, sk, err);
        if (rc == 0)
            *out = sk;
        else
            sig_seckey_free(sk);
    }
    sodium_memzero(buf, 1024);
    sodium_free(buf);
    return rc;
}

void
sig_hasher_init(struct sig_hasher *h)
{
    crypto_generichash_init(&h->st512, NULL, 0, SIG_HASH_LEN);
    crypto_generichash_init(&h->st256, NULL, 0, SIG_B2_256_LEN);
}

void
sig_hasher_update(struct sig_hasher *h, const void *data, size_t len)
{
    crypto_generichash_update(&h->st512, data, len);
    crypto_generichash_update(&h->st256, data, len);
}

void
sig_hasher_final(struct sig_hasher *h, uint8_t hash512[SIG_HASH_LEN],
                 uint8_t b2_256[SIG_B2_256_LEN])
{
    uint8_t tmp[SIG_HASH_LEN];

    crypto_generichash_final(&h->st512, hash512 != NULL ? hash512 : tmp, SIG_HASH_LEN);
    crypto_generichash_final(&h->st256, b2_256 != NULL ? b2_256 : tmp, SIG_B2_256_LEN);
}

int
sig_hash_fd(int fd, uint8_t hash512[SIG_HASH_LEN], uint8_t b2_256[SIG_B2_256_LEN],
            struct tt_err *err)
{
    enum { BLOCK = 256 * 1024 };
    unsigned char *buf = malloc(BLOCK);
    crypto_generichash_state s512, s256;

    if (buf == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_hash_fd", "no memory");

    crypto_generichash_init(&s512, NULL, 0, SIG_HASH_LEN);
    crypto_generichash_init(&s256, NULL, 0, SIG_B2_256_LEN);
    for (;;) {
        ssize_t r = read(fd, buf, BLOCK);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;

            free(buf);
            return tt_err_set(err, TT_EIO, "sig_hash_fd", "read failed: %s", strerror(e));
        }
        if (r == 0)
            break;
        if (hash512 != NULL)
            crypto_generichash_update(&s512, buf, (size_t)r);
        if (b2_256 != NULL)
            crypto_generichash_update(&s256, buf, (size_t)r);
    }
    free(buf);
    if (hash512 != NULL)
        crypto_generichash_final(&s512, hash512, SIG_HASH_LEN);
    if (b2_256 != NULL)
        crypto_generichash_final(&s256, b2_256, SIG_B2_256_LEN);
    return 0;
}

/* A comment line is one line of printable bytes without trailing blanks. */
static int
comment_ok(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n > max || (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\0')
            return 0;
    return 1;
}

int
sig_sign_hash(const struct sig_seckey *sk, const uint8_t hash[SIG_HASH_LEN], const char *trusted,
              const char *untrusted, char *buf, size_t buf_len, struct tt_err *err)
{
    uint8_t blob[SIG_BLOB_LEN];
    size_t tlen = strlen(trusted);
    uint8_t *msg;
    uint8_t gsig[SIG_LEN];
    char b64a[sodium_base64_ENCODED_LEN(SIG_BLOB_LEN, sodium_base64_VARIANT_ORIGINAL)];
    char b64b[sodium_base64_ENCODED_LEN(SIG_LEN, sodium_base64_VARIANT_ORIGINAL)];
    int n;

    if (!comment_ok(trusted, SIG_TRUSTED_MAX) || !comment_ok(untrusted, 900))
        return tt_err_set(err, TT_EINVAL, "sig_sign_hash",
                          "a signature comment must be one line without trailing blanks");
    blob[0] = 'E';
    blob[1] = 'D';
    memcpy(blob + 2, sk->key_id, SIG_KEYID_LEN);
    crypto_sign_detached(blob + 2 + SIG_KEYID_LEN, NULL, hash, SIG_HASH_LEN, sk->sk);
    if ((msg = malloc(SIG_LEN + tlen)) == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_sign_hash", "no memory");
    memcpy(msg, blob + 2 + SIG_KEYID_LEN, SIG_LEN);
    memcpy(msg + SIG_LEN, trusted, tlen);
    crypto_sign_detached(gsig, NULL, msg, SIG_LEN + tlen, sk->sk);
    free(msg);
    sodium_bin2base64(b64a, sizeof b64a, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64b, sizeof b64b, gsig, sizeof gsig, sodium_base64_VARIANT_ORIGINAL);
    n = snprintf(buf, buf_len, "%s%s\n%s\n%s%s\n%s\n", UNTRUSTED_PREFIX, untrusted, b64a,
                 TRUSTED_PREFIX, trusted, b64b);
    if (n < 0 || (size_t)n >= buf_len)
        return tt_err_set(err, TT_EINVAL, "sig_sign_hash", "signature buffer too small");
    return 0;
}

int
sig_file_parse(const char *text, size_t len, struct sig_file *out, struct tt_err *err)
{
    const char *starts[5];
    size_t lens[5], n = split_lines(text, len, starts, lens, 5);
    uint8_t blob[SIG_BLOB_LEN];
    size_t up = strlen(UNTRUSTED_PREFIX), tp = strlen(TRUSTED_PREFIX);

    memset(out, 0, sizeof *out);
    if (n != 4)
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "the signature file must have exactly 4 lines, it has %zu", n);
    if (lens[0] < up || memcmp(starts[0], UNTRUSTED_PREFIX, up) != 0 || lens[0] > 1024)
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "line 1 of the signature file is not an untrusted comment");
    if (b64_decode(starts[1], lens[1], blob, sizeof blob) != 0)
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "line 2 of the signature file is not a minisign signature");
    if (blob[0] == 'E' && blob[1] == 'd')
        return tt_err_setd(err, TT_ESIG, SIG_D_LEGACY, "sig_file_parse",
                           "legacy (non-prehashed) signature: re-sign with minisign 0.11 defaults");
    if (blob[0] != 'E' || blob[1] != 'D')
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "unknown signature algorithm");
    if (lens[2] < tp || memcmp(starts[2], TRUSTED_PREFIX, tp) != 0 ||
        lens[2] - tp > SIG_TRUSTED_MAX)
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "line 3 of the signature file is not a trusted comment");
    if (b64_decode(starts[3], lens[3], out->global_sig, SIG_LEN) != 0)
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "line 4 of the signature file is not a comment signature");
    memcpy(out->alg, blob, 2);
    memcpy(out->key_id, blob + 2, SIG_KEYID_LEN);
    memcpy(out->sig, blob + 2 + SIG_KEYID_LEN, SIG_LEN);
    memcpy(out->trusted, starts[2] + tp, lens[2] - tp);
    out->trusted[lens[2] - tp] = '\0';
    if (strlen(out->trusted) != lens[2] - tp)
        return tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_parse",
                           "the trusted comment contains a NUL byte");
    return 0;
}

int
sig_file_read(const char *path, struct sig_file *out, struct tt_err *err)
{
    char *buf = malloc(SIG_FILE_MAX);
    size_t len;
    int rc;

    if (buf == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_file_read", "no memory");
    rc = read_small(path, buf, SIG_FILE_MAX, &len, err);
    if (rc == TT_ENOTFOUND)
        rc = tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_read",
                         "no signature file %s: an unsigned payload does not count", path);
    else if (rc == TT_EINVAL)
        rc = tt_err_setd(err, TT_ESIG, SIG_D_FORMAT, "sig_file_read", "%s", err ? err->msg : "");
    if (rc == 0)
        rc = sig_file_parse(buf, len, out, err);
    free(buf);
    return rc;
}

int
sig_verify_hash(const struct sig_pubkey *pub, const struct sig_file *sf,
                const uint8_t hash[SIG_HASH_LEN], struct tt_err *err)
{
    size_t tlen = strlen(sf->trusted);
    uint8_t *msg;
    int ok;
    char want[17], got[17];

    if (memcmp(sf->key_id, pub->key_id, SIG_KEYID_LEN) != 0) {
        sig_keyid_hex(pub->key_id, want);
        sig_keyid_hex(sf->key_id, got);
        return tt_err_setd(err, TT_ESIG, SIG_D_KEYID, "sig_verify_hash",
                           "signed with key %s, expected key %s (another station or key)", got,
                           want);
    }
    if (crypto_sign_verify_detached(sf->sig, hash, SIG_HASH_LEN, pub->pk) != 0)
        return tt_err_setd(err, TT_ESIG, SIG_D_BAD, "sig_verify_hash",
                           "signature verification failed: the file was changed, truncated "
                           "or belongs to another signature");
    if ((msg = malloc(SIG_LEN + tlen)) == NULL)
        return tt_err_set(err, TT_ENOMEM, "sig_verify_hash", "no memory");
    memcpy(msg, sf->sig, SIG_LEN);
    memcpy(msg + SIG_LEN, sf->trusted, tlen);
    ok = crypto_sign_verify_detached(sf->global_sig, msg, SIG_LEN + tlen, pub->pk) == 0;
    free(msg);
    if (!ok)
        return tt_err_setd(err, TT_ESIG, SIG_D_COMMENT, "sig_verify_hash",
                           "the trusted comment was changed (comment signature fails)");
    return 0;
}
