/*
 * sync-test-util.h — helpers shared by the sync unit tests and the sync
 * bench: EPCIS test events, writing a signed bundle into a folder, temp
 * folders. Header-only (static) so each test binary stays self-contained.
 */
#ifndef TT_SYNC_TEST_UTIL_H
#define TT_SYNC_TEST_UTIL_H

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sync/bundle.h"
#include "../../sync/sig.h"

/* One valid EPCIS 2.0 ObjectEvent (about 600 bytes), different for each i. */
static inline int
stu_event(uint64_t i, char *buf, size_t len)
{
    return snprintf(
        buf, len,
        "{\"@context\":[\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"],"
        "\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-25T%02d:%02d:%02d.000+07:00\","
        "\"eventTimeZoneOffset\":\"+07:00\",\"eventID\":\"ni:///sha-256;%064" PRIx64
        "?ver=CBV2.0\",\"action\":\"ADD\",\"bizStep\":\"commissioning\","
        "\"disposition\":\"active\",\"epcList\":[\"https://id.gs1.org/01/09520123456788/21/"
        "TH%08" PRIu64 "\"],\"quantityList\":[{\"epcClass\":\"https://id.gs1.org/01/"
        "09520123456788/10/L%04" PRIu64 "\",\"quantity\":%" PRIu64 ".%03" PRIu64
        ",\"uom\":\"KGM\"}],\"readPoint\":{\"id\":\"https://id.gs1.org/414/9520123456789\"},"
        "\"bizLocation\":{\"id\":\"https://id.gs1.org/414/9520123456789\"},"
        "\"tt:station\":\"st-test\",\"tt:seq\":%" PRIu64 "}",
        (int)(i / 3600 % 24), (int)(i / 60 % 60), (int)(i % 60), i * 2654435761u, i, i / 100,
        1 + i % 20, i * 37 % 1000, i);
}

static inline void
stu_header(struct bundle_header *h, const struct sig_pubkey *pub, uint64_t bundle_seq,
           const char *prev_hex, uint64_t first, uint64_t count)
{
    memset(h, 0, sizeof *h);
    h->format = BUNDLE_FORMAT;
    bundle_station_id(pub->key_id, h->station);
    sig_keyid_hex(pub->key_id, h->key_id);
    h->bundle_seq = bundle_seq;
    snprintf(h->prev_b2, sizeof h->prev_b2, "%s",
             prev_hex != NULL ? prev_hex
                              : "0000000000000000000000000000000000000000000000000000000000000000");
    h->first_event_seq = first;
    h->last_event_seq = first + count - 1;
    h->event_count = count;
    snprintf(h->created, sizeof h->created, "2026-11-25T17:00:00+07:00");
    h->clock_trusted = 1;
}

/*
 * Writes dir/b-N.ndjson.gz and its .minisig for header h with events
 * first..last; fills info (hashes, size). Returns 0 or a TT_E* code.
 */
static inline int
stu_write_bundle(const char *dir, const struct sig_seckey *sk, const struct bundle_header *h,
                 struct bundle_info *info, struct tt_err *err)
{
    char name[32], path[4200], comment[512], sigtext[SIG_TRUSTED_MAX + 1200], ev[2048];
    struct bundle_writer *w = NULL;
    FILE *f;
    int fd, rc;

    memset(info, 0, sizeof *info);
    info->header = *h;
    bundle_file_name(h->bundle_seq, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return TT_EIO;
    rc = bundle_writer_new(fd, h, &w, err);
    for (uint64_t s = h->first_event_seq; rc == 0 && s <= h->last_event_seq; s++) {
        int n = stu_event(s, ev, sizeof ev);

        rc = bundle_writer_event(w, s, ev, (size_t)n, err);
    }
    if (rc == 0)
        rc = bundle_writer_finish(w, info->hash512, info->b2_256, &info->payload_bytes, err);
    bundle_writer_free(w);
    close(fd);
    if (rc != 0)
        return rc;
    bundle_trusted_comment(h, comment, sizeof comment);
    rc = sig_sign_hash(sk, info->hash512, comment, "test bundle", sigtext, sizeof sigtext, err);
    if (rc != 0)
        return rc;
    snprintf(path, sizeof path, "%s/%s.minisig", dir, name);
    if ((f = fopen(path, "w")) == NULL)
        return TT_EIO;
    fputs(sigtext, f);
    return fclose(f) == 0 ? 0 : TT_EIO;
}

static inline char *
stu_tmpdir(void)
{
    char tmpl[] = "/tmp/tt-sync-XXXXXX";
    char *d = mkdtemp(tmpl);

    return d != NULL ? strdup(d) : NULL;
}

static inline void
stu_rmrf(char *dir)
{
    char cmd[4200];

    if (dir == NULL)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}

/* Reads a whole file into a malloc'd buffer. */
static inline unsigned char *
stu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        if (*len != (size_t)n) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static inline int
stu_spit(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL)
        return -1;
    ok = fwrite(buf, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    return ok ? 0 : -1;
}

#endif
