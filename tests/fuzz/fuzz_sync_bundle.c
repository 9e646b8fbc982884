/*
 * fuzz_sync_bundle.c — libFuzzer target for everything that reads a stick:
 * the bundle payload parser (as raw gzip bytes, and as NDJSON text that the
 * target gzips itself so the fuzzer reaches the line checks), the .minisig
 * parser, the event checker, receipts and master data.
 *
 * The first byte picks the reader. Invariants: no crash, no leak, and a
 * bundle that parses reports exactly the events it delivered, in strictly
 * increasing seq order, within the declared range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../sync/bundle.h"
#include "../../sync/epcis-check.h"
#include "../../sync/receipt.h"
#include "../../sync/sig.h"

struct seen {
    uint64_t n, last;
};

static int
on_event(void *ctx, uint64_t seq, const char *json, size_t len, struct tt_err *err)
{
    struct seen *s = ctx;

    (void)err;
    if ((s->n > 0 && seq <= s->last) || len == 0 || json[0] != '{')
        abort();
    s->n++;
    s->last = seq;
    return 0;
}

static void
parse_payload(const uint8_t *p, size_t n)
{
    struct seen s = {0};
    struct bundle_info info;
    struct tt_err e;

    if (bundle_parse_mem(p, n, NULL, NULL, on_event, NULL, &s, &info, &e) == 0) {
        if (s.n != info.header.event_count || s.last != info.header.last_event_seq)
            abort();
        if (s.n == 0 || info.header.first_event_seq > info.header.last_event_seq)
            abort();
    }
}

/* Gzips the input first, so the line parser sees fuzzed text. */
static void
parse_text(const uint8_t *p, size_t n)
{
    uLongf cap = compressBound((uLong)n) + 64;
    unsigned char *out = malloc(cap);
    z_stream z;

    if (out == NULL)
        return;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
        z.next_in = (Bytef *)(uintptr_t)p;
        z.avail_in = (uInt)n;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        if (deflate(&z, Z_FINISH) == Z_STREAM_END)
            parse_payload(out, cap - z.avail_out);
        deflateEnd(&z);
    }
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data + 1;
    size_t n = size - 1;

    if (size < 1)
        return 0;
    switch (data[0] % 6) {
    case 0:
        parse_payload(data + 1, n);
        break;
    case 1:
        parse_text(data + 1, n);
        break;
    case 2: {
        struct sig_file sf;

        sig_file_parse(text, n, &sf, NULL);
        break;
    }
    case 3:
        epcis_check_event(text, n, NULL);
        break;
    case 4: {
        struct receipt *r = NULL;

        if (receipt_parse(text, n, NULL, &r, NULL) == 0 && r == NULL)
            abort();
        receipt_free(r);
        break;
    }
    default: {
        struct masterdata *md = NULL;

        if (masterdata_parse(text, n, NULL, &md, NULL) == 0 && md == NULL)
            abort();
        masterdata_free(md);
        break;
    }
    }
    return 0;
}
