/*
 * seal-key.c — the portal's X25519 seal key files (seal.h): a small text
 * public file the cooperative copies to its stations, and a 0600 secret
 * file that stays with the portal (and its escrow copy). The layout
 * follows minisign's key files (a comment line, a base64 line) so people
 * recognise them, with a "TS" tag so a signing key is never taken for one.
 */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAG         "TS"
#define PUB_BLOB    (2 + SEAL_PK_LEN)
#define SEC_BLOB    (2 + SEAL_PK_LEN + SEAL_SK_LEN)
#define SEC_B64_CAP sodium_base64_ENCODED_LEN(SEC_BLOB, sodium_base64_VARIANT_ORIGINAL)
#define FILE_MAX    4096
#define PUB_COMMENT "untrusted comment: tramtem seal public key "
#define SEC_COMMENT "untrusted comment: tramtem seal secret key "
#define SEC_ADVICE  " - keep it secret; keep an escrow copy offline"

void
seal_fingerprint(const uint8_t pk[SEAL_PK_LEN], char out[SEAL_FP_LEN])
{
    uint8_t h[32];

    crypto_generichash(h, sizeof h, pk, SEAL_PK_LEN, NULL, 0);
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02X", h[i]);
}

int
seal_key_generate(struct seal_key **out, struct tt_err *err)
{
    struct seal_key *k;
    int rc;

    *out = NULL;
    if (sodium_init() < 0)
        return tt_err_set(err, TT_EINVAL, "seal_key_generate", "libsodium could not start");
    if ((k = sodium_malloc(sizeof *k)) == NULL)
        return tt_err_set(err, TT_ENOMEM, "seal_key_generate", "no memory");
    if ((rc = seal_keypair(k->pk, k->sk, err)) != 0) {
        seal_key_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

void
seal_key_free(struct seal_key *k)
{
    if (k == NULL)
        return;
    sodium_memzero(k, sizeof *k);
    sodium_free(k);
}

void
seal_pub_b64(const uint8_t pk[SEAL_PK_LEN], char out[SEAL_B64_LEN + 1])
{
    uint8_t blob[PUB_BLOB];

    memcpy(blob, TAG, 2);
    memcpy(blob + 2, pk, SEAL_PK_LEN);
    sodium_bin2base64(out, SEAL_B64_LEN + 1, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
}

void
seal_pub_format(const uint8_t pk[SEAL_PK_LEN], char *out, size_t out_len)
{
    char b64[SEAL_B64_LEN + 1], fp[SEAL_FP_LEN];

    seal_pub_b64(pk, b64);
    seal_fingerprint(pk, fp);
    snprintf(out, out_len, PUB_COMMENT "%s\n%s\n", fp, b64);
}

/* The second line of a 2-line key text, or the whole text when it is one line. */
static int
key_line(const char *text, size_t len, const char **line, size_t *line_len)
{
    const char *nl = memchr(text, '\n', len);

    if (nl != NULL && strncmp(text, "untrusted comment:", 18) == 0) {
        len -= (size_t)(nl + 1 - text);
        text = nl + 1;
        nl = memchr(text, '\n', len);
    }
    if (nl != NULL) {
        if ((size_t)(nl + 1 - text) != len)
            return -1; /* more lines than a key file has */
        len = (size_t)(nl - text);
    }
    *line = text;
    *line_len = len;
    return 0;
}

int
seal_pub_parse(const char *text, size_t len, uint8_t pk[SEAL_PK_LEN], struct tt_err *err)
{
    uint8_t blob[64]; /* room for a minisign key too, to name that mistake */
    const char *line, *end;
    size_t line_len, got = 0;

    if (key_line(text, len, &line, &line_len) != 0 ||
        sodium_base642bin(blob, sizeof blob, line, line_len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != line + line_len)
        return tt_err_set(err, TT_EPARSE, "seal_pub_parse", "not a tramtem seal public key file");
    if (got >= 2 && memcmp(blob, "Ed", 2) == 0)
        return tt_err_set(err, TT_EPARSE, "seal_pub_parse",
                          "this is a signing key (minisign), not the portal's seal key; "
                          "use the file 'tramtem-portal seal-key show' prints");
    if (got != PUB_BLOB || memcmp(blob, TAG, 2) != 0)
        return tt_err_set(err, TT_EPARSE, "seal_pub_parse", "not a tramtem seal public key file");
    memcpy(pk, blob + 2, SEAL_PK_LEN);
    return 0;
}

/* Reads a small regular file (no symlink) into buf; NUL-terminated. */
static int
read_small(const char *path, char *buf, size_t cap, size_t *len, struct tt_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    size_t got = 0;

    if (fd < 0)
        return tt_err_set(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, "seal_key",
                          "cannot read %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size >= cap) {
        close(fd);
        return tt_err_set(err, TT_EPARSE, "seal_key", "%s is not a small regular file", path);
    }
    while (got + 1 < cap) {
        ssize_t r = read(fd, buf + got, cap - 1 - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *len = got;
    return 0;
}

int
seal_pub_read(const char *path, uint8_t pk[SEAL_PK_LEN], struct tt_err *err)
{
    char buf[FILE_MAX];
    size_t len;
    int rc = read_small(path, buf, sizeof buf, &len, err);

    return rc != 0 ? rc : seal_pub_parse(buf, len, pk, err);
}

/* Creates path with O_EXCL and the given mode, writes, fsyncs. */
static int
write_new(const char *path, const char *text, size_t len, mode_t mode, struct tt_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    int rc = 0;

    if (fd < 0)
        return tt_err_set(err, errno == EEXIST ? TT_EEXIST : TT_EIO, "seal_key_write",
                          "cannot create %s: %s", path, strerror(errno));
    if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0)
        rc =
            tt_err_set(err, TT_EIO, "seal_key_write", "cannot write %s: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = tt_err_set(err, TT_EIO, "seal_key_write", "cannot close %s", path);
    if (rc != 0)
        unlink(path);
    return rc;
}

int
seal_key_write(const char *secret_path, const char *public_path, const struct seal_key *k,
               struct tt_err *err)
{
    /* The blob and its text hold the secret: guarded memory, wiped. */
    size_t text_cap = 160 + SEC_B64_CAP;
    uint8_t *blob = sodium_malloc(SEC_BLOB + text_cap);
    char *text, fp[SEAL_FP_LEN], pub[128];
    size_t o;
    int rc;

    if (blob == NULL)
        return tt_err_set(err, TT_ENOMEM, "seal_key_write", "no memory");
    text = (char *)blob + SEC_BLOB;
    memcpy(blob, TAG, 2);
    memcpy(blob + 2, k->pk, SEAL_PK_LEN);
    memcpy(blob + 2 + SEAL_PK_LEN, k->sk, SEAL_SK_LEN);
    seal_fingerprint(k->pk, fp);
    snprintf(text, text_cap, SEC_COMMENT "%s" SEC_ADVICE "\n", fp);
    o = strlen(text);
    sodium_bin2base64(text + o, text_cap - o, blob, SEC_BLOB, sodium_base64_VARIANT_ORIGINAL);
    o += strlen(text + o);
    text[o++] = '\n';
    rc = write_new(secret_path, text, o, 0600, err);
    sodium_memzero(blob, SEC_BLOB + text_cap);
    sodium_free(blob);
    if (rc != 0)
        return rc;
    seal_pub_format(k->pk, pub, sizeof pub);
    unlink(public_path); /* the public half may be written again from the secret */
    return write_new(public_path, pub, strlen(pub), 0644, err);
}

static int
seckey_decode(const char *buf, size_t len, struct seal_key *k, struct tt_err *err)
{
    uint8_t *blob = sodium_malloc(SEC_BLOB + 1);
    uint8_t check[SEAL_PK_LEN];
    const char *line, *end;
    size_t line_len, got = 0;
    int rc = 0;

    if (blob == NULL)
        return tt_err_set(err, TT_ENOMEM, "seal_key_read", "no memory");
    if (key_line(buf, len, &line, &line_len) != 0 ||
        sodium_base642bin(blob, SEC_BLOB + 1, line, line_len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != line + line_len || got != SEC_BLOB || memcmp(blob, TAG, 2) != 0) {
        rc = tt_err_set(err, TT_EPARSE, "seal_key_read", "not a tramtem seal secret key file");
    } else {
        memcpy(k->pk, blob + 2, SEAL_PK_LEN);
        memcpy(k->sk, blob + 2 + SEAL_PK_LEN, SEAL_SK_LEN);
        /* A damaged file must not silently open nothing: the halves must agree. */
        if (crypto_scalarmult_base(check, k->sk) != 0 ||
            sodium_memcmp(check, k->pk, SEAL_PK_LEN) != 0)
            rc = tt_err_set(err, TT_EPARSE, "seal_key_read",
                            "the seal secret key file is damaged (its halves do not match)");
    }
    sodium_memzero(blob, SEC_BLOB + 1);
    sodium_free(blob);
    return rc;
}

int
seal_key_read(const char *path, struct seal_key **out, struct tt_err *err)
{
    struct seal_key *k = NULL;
    struct stat st;
    char *buf;
    size_t len = 0;
    int rc;

    *out = NULL;
    if (sodium_init() < 0)
        return tt_err_set(err, TT_EINVAL, "seal_key_read", "libsodium could not start");
    if (lstat(path, &st) != 0)
        return tt_err_set(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, "seal_key_read",
                          "cannot read the seal key %s: %s", path, strerror(errno));
    if ((st.st_mode & 077) != 0)
        return tt_err_set(err, TT_EACCESS, "seal_key_read",
                          "%s may be read by other users; run 'chmod 600 %s'", path, path);
    if ((buf = sodium_malloc(FILE_MAX)) == NULL)
        return tt_err_set(err, TT_ENOMEM, "seal_key_read", "no memory");
    rc = read_small(path, buf, FILE_MAX, &len, err);
    if (rc == 0 && (k = sodium_malloc(sizeof *k)) == NULL)
        rc = tt_err_set(err, TT_ENOMEM, "seal_key_read", "no memory");
    if (rc == 0)
        rc = seckey_decode(buf, len, k, err);
    if (rc == 0)
        *out = k;
    else
        seal_key_free(k);
    sodium_memzero(buf, FILE_MAX);
    sodium_free(buf);
    return rc;
}
