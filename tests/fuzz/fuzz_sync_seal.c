/*
 * fuzz_sync_seal.c — libFuzzer target for what a portal reads of a sealed
 * bundle before it trusts it: the sealed stream (magic, the sealed stream
 * key, secretstream chunks, the FINAL tag, anything after it) opened with
 * a fixed portal key, and the seal public-key text.
 *
 * The first byte picks the reader. The seeds hold a valid stream sealed
 * to the fixed key (see the seed note below), so mutations past the key
 * box reach the chunk handling. Invariants: no crash, no leak; a stream
 * that opens delivered its plaintext in whole chunks ending in FINAL, so
 * an open that succeeds gave at most the input's length in plaintext.
 *
 * Seed note: tests/fuzz/fuzz_sync_seal/sealed-* were made by seal_fd()
 * to the key crypto_box_seed_keypair(seed = 32 bytes of 0x5e).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../sync/seal.h"

static uint8_t pk[SEAL_PK_LEN], sk[SEAL_SK_LEN];

struct count {
    size_t sealed, plain;
};

static int
on_sealed(void *ctx, const uint8_t *buf, size_t len, struct tt_err *err)
{
    (void)buf;
    (void)err;
    ((struct count *)ctx)->sealed += len;
    return 0;
}

static int
on_plain(void *ctx, const uint8_t *buf, size_t len, struct tt_err *err)
{
    (void)buf;
    (void)err;
    ((struct count *)ctx)->plain += len;
    return 0;
}

static void
open_stream(const uint8_t *p, size_t n)
{
    struct count c = {0};
    struct tt_err e;
    int fd = memfd_create("sealed", MFD_CLOEXEC);

    if (fd < 0)
        return;
    if (write(fd, p, n) == (ssize_t)n && lseek(fd, 0, SEEK_SET) == 0) {
        int rc = seal_open_stream(fd, pk, sk, on_sealed, on_plain, &c, &e);

        if (c.sealed > n || (rc == 0 && c.plain >= n))
            abort();
    }
    close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    uint8_t key[SEAL_PK_LEN];
    struct tt_err e;

    if (!ready) {
        uint8_t seed[crypto_box_SEEDBYTES];

        if (sodium_init() < 0)
            abort();
        memset(seed, 0x5e, sizeof seed);
        crypto_box_seed_keypair(pk, sk, seed);
        ready = 1;
    }
    if (size < 1)
        return 0;
    if (data[0] & 1)
        seal_pub_parse((const char *)data + 1, size - 1, key, &e);
    else
        open_stream(data + 1, size - 1);
    return 0;
}
