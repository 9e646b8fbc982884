/*
 * seal.c — sealed (encrypted) bundle payloads: a random secretstream key
 * sealed to the portal's X25519 key, then XChaCha20-Poly1305 chunks
 * (seal.h). The key lives in sodium_malloc memory and is wiped.
 */
#include "seal.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC          "TTSEAL01"
#define MAGIC_LEN      8
#define SEALED_KEY_LEN (crypto_secretstream_xchacha20poly1305_KEYBYTES + crypto_box_SEALBYTES)
#define CT_CHUNK       (SEAL_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)

int
seal_is_sealed(const uint8_t *head, size_t len)
{
    return len >= MAGIC_LEN && memcmp(head, MAGIC, MAGIC_LEN) == 0;
}

int
seal_keypair(uint8_t pk[SEAL_PK_LEN], uint8_t sk[SEAL_SK_LEN], struct tt_err *err)
{
    if (sodium_init() < 0)
        return tt_err_set(err, TT_EINVAL, "seal_keypair", "libsodium could not start");
    crypto_box_keypair(pk, sk);
    return 0;
}

static int
write_all(int fd, const void *buf, size_t len, struct tt_err *err)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return tt_err_set(err, errno == ENOSPC ? TT_ENOSPC : TT_EIO, "seal", "cannot write: %s",
                              strerror(errno));
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Reads up to len bytes (fewer only at the end of the file). */
static ssize_t
read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t r = read(fd, (unsigned char *)buf + got, len - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

struct bufs {
    unsigned char *plain, *cipher, *key; /* key: sodium_malloc */
};

static int
bufs_new(struct bufs *b, struct tt_err *err)
{
    b->plain = malloc(SEAL_CHUNK);
    b->cipher = malloc(CT_CHUNK);
    b->key = sodium_malloc(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (b->plain == NULL || b->cipher == NULL || b->key == NULL)
        return tt_err_set(err, TT_ENOMEM, "seal", "no memory");
    return 0;
}

static void
bufs_free(struct bufs *b)
{
    free(b->plain);
    free(b->cipher);
    if (b->key != NULL) {
        sodium_memzero(b->key, crypto_secretstream_xchacha20poly1305_KEYBYTES);
        sodium_free(b->key);
    }
}

int
seal_fd(int in, int out, const uint8_t portal_pk[SEAL_PK_LEN], struct tt_err *err)
{
    struct bufs b = {0};
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES], sealed[SEALED_KEY_LEN];
    int rc;

    if (sodium_init() < 0)
        return tt_err_set(err, TT_EINVAL, "seal_fd", "libsodium could not start");
    if ((rc = bufs_new(&b, err)) != 0)
        goto done;
    crypto_secretstream_xchacha20poly1305_keygen(b.key);
    crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, b.key);
    if (crypto_box_seal(sealed, b.key, crypto_secretstream_xchacha20poly1305_KEYBYTES, portal_pk) !=
        0) {
        rc = tt_err_set(err, TT_EINVAL, "seal_fd", "the portal encryption key is not valid");
        goto done;
    }
    if ((rc = write_all(out, MAGIC, MAGIC_LEN, err)) != 0 ||
        (rc = write_all(out, sealed, sizeof sealed, err)) != 0 ||
        (rc = write_all(out, hdr, sizeof hdr, err)) != 0)
        goto done;
    /* A short (possibly empty) chunk ends the stream and carries TAG_FINAL. */
    for (;;) {
        ssize_t n = read_full(in, b.plain, SEAL_CHUNK);
        unsigned long long clen = 0;
        int last = n < SEAL_CHUNK;

        if (n < 0) {
            rc = tt_err_set(err, TT_EIO, "seal_fd", "cannot read: %s", strerror(errno));
            break;
        }
        crypto_secretstream_xchacha20poly1305_push(
            &st, b.cipher, &clen, b.plain, (unsigned long long)n, NULL, 0,
            last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
        if ((rc = write_all(out, b.cipher, (size_t)clen, err)) != 0 || last)
            break;
    }
done:
    sodium_memzero(&st, sizeof st);
    bufs_free(&b);
    return rc;
}

/* Hands the opened bytes to a file: seal_open_fd() on top of seal_open_stream(). */
static int
sink_fd(void *ctx, const uint8_t *buf, size_t len, struct tt_err *err)
{
    return write_all(*(const int *)ctx, buf, len, err);
}

int
seal_open_fd(int in, int out, const uint8_t pk[SEAL_PK_LEN], const uint8_t sk[SEAL_SK_LEN],
             struct tt_err *err)
{
    return seal_open_stream(in, pk, sk, NULL, sink_fd, &out, err);
}

/* Reads what the stream needs and shows every byte read to on_sealed. */
static ssize_t
read_seen(int in, void *buf, size_t len, seal_sink_fn on_sealed, void *ctx, int *rc,
          struct tt_err *err)
{
    ssize_t n = read_full(in, buf, len);

    if (n > 0 && on_sealed != NULL)
        *rc = on_sealed(ctx, buf, (size_t)n, err);
    return n;
}

int
seal_open_stream(int in, const uint8_t pk[SEAL_PK_LEN], const uint8_t sk[SEAL_SK_LEN],
                 seal_sink_fn on_sealed, seal_sink_fn on_plain, void *ctx, struct tt_err *err)
{
    struct bufs b = {0};
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char
        head[MAGIC_LEN + SEALED_KEY_LEN + crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    int rc, final = 0;

    if (sodium_init() < 0)
        return tt_err_set(err, TT_EINVAL, "seal_open", "libsodium could not start");
    if ((rc = bufs_new(&b, err)) != 0)
        goto done;
    if (read_seen(in, head, sizeof head, on_sealed, ctx, &rc, err) != (ssize_t)sizeof head ||
        !seal_is_sealed(head, sizeof head)) {
        if (rc == 0)
            rc = tt_err_set(err, TT_ECORRUPT, "seal_open", "not a sealed payload");
        goto done;
    }
    if (rc != 0)
        goto done;
    if (crypto_box_seal_open(b.key, head + MAGIC_LEN, SEALED_KEY_LEN, pk, sk) != 0) {
        rc = tt_err_set(err, TT_ESIG, "seal_open", "the payload was sealed to another portal key");
        goto done;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, head + MAGIC_LEN + SEALED_KEY_LEN,
                                                        b.key) != 0) {
        rc = tt_err_set(err, TT_ECORRUPT, "seal_open", "bad stream header");
        goto done;
    }
    while (rc == 0) {
        ssize_t n = read_seen(in, b.cipher, CT_CHUNK, on_sealed, ctx, &rc, err);
        unsigned long long plen = 0;
        unsigned char tag = 0;

        if (n < 0) {
            rc = tt_err_set(err, TT_EIO, "seal_open", "cannot read: %s", strerror(errno));
            break;
        }
        if (n == 0 || rc != 0)
            break;
        if (final ||
            crypto_secretstream_xchacha20poly1305_pull(&st, b.plain, &plen, &tag, b.cipher,
                                                       (unsigned long long)n, NULL, 0) != 0) {
            rc = tt_err_set(err, TT_ECORRUPT, "seal_open",
                            "the sealed payload was changed (or has data after its end)");
            break;
        }
        final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        rc = on_plain(ctx, b.plain, (size_t)plen, err);
    }
    if (rc == 0 && !final)
        rc = tt_err_set(err, TT_ECORRUPT, "seal_open", "the sealed payload is cut short");
done:
    sodium_memzero(&st, sizeof st);
    bufs_free(&b);
    return rc;
}
