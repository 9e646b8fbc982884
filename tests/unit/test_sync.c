/*
 * test_sync.c — signatures, the bundle format and its verifier, tampering,
 * receipts and master data, stick discovery and the stick write protocol
 * under injected faults. No database here (test_sync_station.c has that).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../../sync/bundle.h"
#include "../../sync/epcis-check.h"
#include "../../sync/receipt.h"
#include "../../sync/seal.h"
#include "../../sync/sig.h"
#include "../../sync/stick.h"
#include "sync-test-util.h"

struct fx {
    char *dir;
    struct sig_seckey *sk;
    struct sig_pubkey pub;
    struct bundle_header h;
    struct bundle_info info;
    char payload[4200], sig[4300];
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct tt_err e;

    assert_non_null(f);
    f->dir = stu_tmpdir();
    assert_non_null(f->dir);
    assert_int_equal(sig_key_generate(&f->sk, &f->pub, &e), 0);
    stu_header(&f->h, &f->pub, 1, NULL, 1, 50);
    assert_int_equal(stu_write_bundle(f->dir, f->sk, &f->h, &f->info, &e), 0);
    snprintf(f->payload, sizeof f->payload, "%s/b-00000001.ndjson.gz", f->dir);
    snprintf(f->sig, sizeof f->sig, "%s.minisig", f->payload);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sig_seckey_free(f->sk);
    stu_rmrf(f->dir);
    free(f);
    return 0;
}

/* ---- signatures ----------------------------------------------------------- */

static void
pubkey_file_round_trip(void **state)
{
    struct fx *f = *state;
    struct sig_pubkey back;
    char text[256], kid[17];
    struct tt_err e;

    assert_int_equal(sig_pubkey_format(&f->pub, text, sizeof text), 0);
    sig_keyid_hex(f->pub.key_id, kid);
    assert_non_null(strstr(text, kid));
    assert_int_equal(strncmp(text, "untrusted comment: minisign public key ", 39), 0);
    assert_int_equal(sig_pubkey_parse(text, strlen(text), &back, &e), 0);
    assert_memory_equal(&back, &f->pub, sizeof back);
    /* the base64 line alone works too (minisign -P) */
    assert_int_equal(
        sig_pubkey_parse(strchr(text, '\n') + 1, strlen(strchr(text, '\n') + 1), &back, &e), 0);
    assert_int_equal(sig_pubkey_parse("hello\nworld\n", 12, &back, &e), TT_EPARSE);
}

static void
keyid_is_little_endian_hex(void **state)
{
    uint8_t id[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xAB};
    char hex[17];

    (void)state;
    sig_keyid_hex(id, hex);
    assert_string_equal(hex, "AB07060504030201");
}

static void
seckey_file_is_private_and_round_trips(void **state)
{
    struct fx *f = *state;
    char path[4200];
    struct sig_seckey *back = NULL;
    struct sig_pubkey pub;
    struct stat st;
    struct tt_err e;

    snprintf(path, sizeof path, "%s/station.key", f->dir);
    assert_int_equal(sig_seckey_write(path, f->sk, &e), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(sig_seckey_write(path, f->sk, &e), TT_EEXIST); /* never overwritten */
    assert_int_equal(sig_seckey_read(path, &back, &e), 0);
    sig_seckey_pubkey(back, &pub);
    assert_memory_equal(&pub, &f->pub, sizeof pub);
    sig_seckey_free(back);
    chmod(path, 0644);
    assert_int_equal(sig_seckey_read(path, &back, &e), TT_EACCESS);
    assert_null(back);
    assert_int_equal(e.detail, SIG_D_PERM);
    sig_seckey_free(NULL);
}

static void
signature_checks_key_hash_and_comment(void **state)
{
    struct fx *f = *state;
    uint8_t hash[SIG_HASH_LEN];
    char text[SIG_TRUSTED_MAX + 1200];
    struct sig_file sf;
    struct sig_seckey *other;
    struct sig_pubkey other_pub;
    struct tt_err e;

    memset(hash, 7, sizeof hash);
    assert_int_equal(sig_sign_hash(f->sk, hash, "hello world", "u", text, sizeof text, &e), 0);
    assert_int_equal(sig_file_parse(text, strlen(text), &sf, &e), 0);
    assert_string_equal(sf.trusted, "hello world");
    assert_int_equal(sig_verify_hash(&f->pub, &sf, hash, &e), 0);
    hash[3] ^= 1;
    assert_int_equal(sig_verify_hash(&f->pub, &sf, hash, &e), TT_ESIG);
    assert_int_equal(e.detail, SIG_D_BAD);
    hash[3] ^= 1;
    strcpy(sf.trusted, "hello worle");
    assert_int_equal(sig_verify_hash(&f->pub, &sf, hash, &e), TT_ESIG);
    assert_int_equal(e.detail, SIG_D_COMMENT);
    assert_int_equal(sig_key_generate(&other, &other_pub, &e), 0);
    assert_int_equal(sig_file_parse(text, strlen(text), &sf, &e), 0);
    assert_int_equal(sig_verify_hash(&other_pub, &sf, hash, &e), TT_ESIG);
    assert_int_equal(e.detail, SIG_D_KEYID);
    sig_seckey_free(other);
    /* comments must be one line without trailing blanks */
    assert_int_equal(sig_sign_hash(f->sk, hash, "a\nb", "u", text, sizeof text, &e), TT_EINVAL);
    assert_int_equal(sig_sign_hash(f->sk, hash, "a ", "u", text, sizeof text, &e), TT_EINVAL);
}

static void
signature_file_is_parsed_strictly(void **state)
{
    struct fx *f = *state;
    uint8_t hash[SIG_HASH_LEN] = {0};
    char text[SIG_TRUSTED_MAX + 1200], bad[SIG_TRUSTED_MAX + 1300];
    struct sig_file sf;
    struct tt_err e;
    char *line2;

    assert_int_equal(sig_sign_hash(f->sk, hash, "c", "u", text, sizeof text, &e), 0);
    /* three lines */
    snprintf(bad, sizeof bad, "%.*s", (int)(strrchr(text, '\n') - text), text);
    *strrchr(bad, '\n') = '\0';
    assert_int_equal(sig_file_parse(bad, strlen(bad), &sf, &e), TT_ESIG);
    /* five lines */
    snprintf(bad, sizeof bad, "%sextra\n", text);
    assert_int_equal(sig_file_parse(bad, strlen(bad), &sf, &e), TT_ESIG);
    /* legacy "Ed" algorithm: base64 of 'E','d' starts "RW", of 'E','D' "RU" */
    strcpy(bad, text);
    line2 = strchr(bad, '\n') + 1;
    assert_int_equal(strncmp(line2, "RU", 2), 0);
    line2[1] = 'W';
    assert_int_equal(sig_file_parse(bad, strlen(bad), &sf, &e), TT_ESIG);
    assert_int_equal(e.detail, SIG_D_LEGACY);
    /* bad base64 */
    strcpy(bad, text);
    line2 = strchr(bad, '\n') + 1;
    line2[5] = '*';
    assert_int_equal(sig_file_parse(bad, strlen(bad), &sf, &e), TT_ESIG);
    assert_int_equal(e.detail, SIG_D_FORMAT);
    /* no final newline is accepted, as minisign does */
    strcpy(bad, text);
    bad[strlen(bad) - 1] = '\0';
    assert_int_equal(sig_file_parse(bad, strlen(bad), &sf, &e), 0);
}

static void
signatures_are_deterministic(void **state)
{
    struct fx *f = *state;
    uint8_t hash[SIG_HASH_LEN];
    char a[SIG_TRUSTED_MAX + 1200], b[SIG_TRUSTED_MAX + 1200];

    memset(hash, 9, sizeof hash);
    assert_int_equal(sig_sign_hash(f->sk, hash, "t", "u", a, sizeof a, NULL), 0);
    assert_int_equal(sig_sign_hash(f->sk, hash, "t", "u", b, sizeof b, NULL), 0);
    assert_string_equal(a, b);
}

/* ---- bundles -------------------------------------------------------------- */

struct seen {
    uint64_t n, last;
    int bad_order;
};

static int
count_events(void *ctx, uint64_t seq, const char *json, size_t len, struct tt_err *err)
{
    struct seen *s = ctx;

    (void)json;
    (void)len;
    (void)err;
    if (s->n > 0 && seq != s->last + 1)
        s->bad_order = 1;
    s->n++;
    s->last = seq;
    return 0;
}

static void
bundle_round_trip(void **state)
{
    struct fx *f = *state;
    struct bundle_info bi;
    struct seen s = {0};
    struct bundle_expect ex = {
        .station = f->h.station, .bundle_seq = 1, .file_name = "b-00000001.ndjson.gz"};
    struct tt_err e;

    tt_err_clear(&e);
    assert_int_equal(
        bundle_verify_file(f->payload, NULL, &f->pub, &ex, count_events, NULL, &s, &bi, &e), 0);
    assert_int_equal(s.n, 50);
    assert_int_equal(s.last, 50);
    assert_false(s.bad_order);
    assert_int_equal(bi.header.event_count, 50);
    assert_string_equal(bi.header.station, f->h.station);
    assert_memory_equal(bi.b2_256, f->info.b2_256, SIG_B2_256_LEN);
    assert_memory_equal(bi.hash512, f->info.hash512, SIG_HASH_LEN);
}

static void
same_bundle_number_gives_same_bytes(void **state)
{
    struct fx *f = *state;
    char *d2 = stu_tmpdir(), p2[4200];
    struct bundle_info bi;
    unsigned char *a, *b;
    size_t la = 0, lb = 0;

    assert_int_equal(stu_write_bundle(d2, f->sk, &f->h, &bi, NULL), 0);
    snprintf(p2, sizeof p2, "%s/b-00000001.ndjson.gz", d2);
    a = stu_slurp(f->payload, &la);
    b = stu_slurp(p2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    strcat(p2, ".minisig");
    a = stu_slurp(f->sig, &la);
    b = stu_slurp(p2, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    stu_rmrf(d2);
}

static int
verify_problem(struct fx *f, const struct sig_pubkey *pub, const struct bundle_expect *ex)
{
    struct tt_err e;

    tt_err_clear(&e);
    if (bundle_verify_file(f->payload, NULL, pub, ex, NULL, NULL, NULL, NULL, &e) == 0)
        return 0;
    assert_true(e.detail != 0);
    return e.detail;
}

static void
thousands_of_bit_flips_are_rejected(void **state)
{
    struct fx *f = *state;
    size_t len = 0;
    unsigned char *orig = stu_slurp(f->payload, &len);
    const char *full = getenv("TT_FULL");
    int rounds = full != NULL && *full == '1' ? 20000 : 3000;

    assert_non_null(orig);
    srand(42);
    for (int i = 0; i < rounds; i++) {
        size_t pos = (size_t)rand() % len;
        int bit = rand() % 8;

        orig[pos] ^= (unsigned char)(1 << bit);
        assert_int_equal(stu_spit(f->payload, orig, len), 0);
        assert_int_equal(verify_problem(f, &f->pub, NULL), BUNDLE_P_SIGNATURE);
        orig[pos] ^= (unsigned char)(1 << bit);
    }
    assert_int_equal(stu_spit(f->payload, orig, len), 0);
    assert_int_equal(verify_problem(f, &f->pub, NULL), 0);
    free(orig);
}

static void
truncations_are_rejected(void **state)
{
    struct fx *f = *state;
    size_t len = 0;
    unsigned char *orig = stu_slurp(f->payload, &len);

    assert_non_null(orig);
    for (size_t cut = 0; cut < len; cut += (cut < 64 || len - cut < 64) ? 1 : 37) {
        assert_int_equal(stu_spit(f->payload, orig, cut), 0);
        assert_int_equal(verify_problem(f, &f->pub, NULL), BUNDLE_P_SIGNATURE);
    }
    /* a truncated signature file */
    assert_int_equal(stu_spit(f->payload, orig, len), 0);
    {
        size_t sl = 0;
        unsigned char *s = stu_slurp(f->sig, &sl);

        for (size_t cut = 0; cut + 1 < sl; cut += 7) {
            assert_int_equal(stu_spit(f->sig, s, cut), 0);
            assert_int_equal(verify_problem(f, &f->pub, NULL), BUNDLE_P_SIGNATURE);
        }
        assert_int_equal(stu_spit(f->sig, s, sl), 0);
        free(s);
    }
    assert_int_equal(verify_problem(f, &f->pub, NULL), 0);
    free(orig);
}

static void
swapped_signature_files_are_rejected(void **state)
{
    struct fx *f = *state;
    struct bundle_header h2;
    struct bundle_info bi2;
    char prev[65], p2[4200];
    size_t la = 0, lb = 0;
    unsigned char *a, *b;

    sig_hex(f->info.b2_256, SIG_B2_256_LEN, prev);
    stu_header(&h2, &f->pub, 2, prev, 51, 10);
    assert_int_equal(stu_write_bundle(f->dir, f->sk, &h2, &bi2, NULL), 0);
    snprintf(p2, sizeof p2, "%s/b-00000002.ndjson.gz.minisig", f->dir);
    a = stu_slurp(f->sig, &la);
    b = stu_slurp(p2, &lb);
    assert_int_equal(stu_spit(f->sig, b, lb), 0); /* bundle 1 with bundle 2's signature */
    assert_int_equal(verify_problem(f, &f->pub, NULL), BUNDLE_P_SIGNATURE);
    assert_int_equal(stu_spit(f->sig, a, la), 0);
    free(a);
    free(b);
    /* a renamed pair: bundle 2's files under bundle 1's name */
    {
        struct bundle_expect ex = {.file_name = "b-00000001.ndjson.gz"};
        char src[4200], dst[4200];
        struct tt_err e;

        snprintf(src, sizeof src, "%s/b-00000002.ndjson.gz", f->dir);
        snprintf(dst, sizeof dst, "%s/renamed", f->dir);
        mkdir(dst, 0755);
        snprintf(dst, sizeof dst, "%s/renamed/b-00000001.ndjson.gz", f->dir);
        a = stu_slurp(src, &la);
        assert_int_equal(stu_spit(dst, a, la), 0);
        free(a);
        a = stu_slurp(p2, &la);
        strcat(dst, ".minisig");
        assert_int_equal(stu_spit(dst, a, la), 0);
        free(a);
        dst[strlen(dst) - 8] = '\0';
        assert_int_equal(bundle_verify_file(dst, NULL, &f->pub, &ex, NULL, NULL, NULL, NULL, &e),
                         TT_EINVAL);
        assert_int_equal(e.detail, BUNDLE_P_NAME);
    }
}

static void
other_station_key_and_replay_are_rejected(void **state)
{
    struct fx *f = *state;
    struct sig_seckey *other;
    struct sig_pubkey other_pub;
    struct bundle_expect ex = {0};

    assert_int_equal(sig_key_generate(&other, &other_pub, NULL), 0);
    assert_int_equal(verify_problem(f, &other_pub, NULL), BUNDLE_P_KEY);
    sig_seckey_free(other);
    ex.station = "st-00000000";
    assert_int_equal(verify_problem(f, &f->pub, &ex), BUNDLE_P_STATION);
    ex.station = NULL;
    ex.bundle_seq = 5; /* the portal already has 1..4: bundle 1 again is a replay */
    assert_int_equal(verify_problem(f, &f->pub, &ex), BUNDLE_P_REPLAY);
    ex.bundle_seq = 0;
    ex.prev_b2 = "1111111111111111111111111111111111111111111111111111111111111111";
    assert_int_equal(verify_problem(f, &f->pub, &ex), BUNDLE_P_CHAIN);
}

static void
signature_is_checked_before_anything_is_parsed(void **state)
{
    struct fx *f = *state;
    static const unsigned char junk[] = "this is not gzip at all";

    /* Not gzip, but the signature fails first: nothing was inflated. */
    assert_int_equal(stu_spit(f->payload, junk, sizeof junk), 0);
    assert_int_equal(verify_problem(f, &f->pub, NULL), BUNDLE_P_SIGNATURE);
    unlink(f->sig);
    assert_int_equal(verify_problem(f, &f->pub, NULL), BUNDLE_P_SIGNATURE);
}

static void
symlinked_payload_is_refused(void **state)
{
    struct fx *f = *state;
    char link[4200];
    struct tt_err e;

    snprintf(link, sizeof link, "%s/b-00000009.ndjson.gz", f->dir);
    assert_int_equal(symlink(f->payload, link), 0);
    assert_int_not_equal(
        bundle_verify_file(link, f->sig, &f->pub, NULL, NULL, NULL, NULL, NULL, &e), 0);
    assert_int_equal(e.detail, BUNDLE_P_FILE);
}

/* Gzips `text` in memory (for signed-but-malicious payloads). */
static unsigned char *
gz(const char *text, size_t *out_len)
{
    char *d = stu_tmpdir(), path[4200], cmd[8600];
    unsigned char *buf;

    snprintf(path, sizeof path, "%s/x", d);
    assert_int_equal(stu_spit(path, text, strlen(text)), 0);
    snprintf(cmd, sizeof cmd, "gzip -n '%s'", path);
    assert_int_equal(system(cmd), 0);
    strcat(path, ".gz");
    buf = stu_slurp(path, out_len);
    stu_rmrf(d);
    return buf;
}

static int
parse_problem(const char *text)
{
    size_t len = 0;
    unsigned char *g = gz(text, &len);
    struct tt_err e;
    int rc;

    tt_err_clear(&e);
    rc = bundle_parse_mem(g, len, NULL, NULL, NULL, NULL, NULL, NULL, &e);
    free(g);
    return rc == 0 ? 0 : e.detail;
}

#define HDR                                                                                        \
    "{\"tramtem\":\"bundle\",\"format\":1,\"station\":\"st-abcdef01\",\"key_id\":"                 \
    "\"ABCDEF0123456789\",\"bundle_seq\":1,\"prev_b2\":"                                           \
    "\"0000000000000000000000000000000000000000000000000000000000000000\","                        \
    "\"first_event_seq\":1,\"last_event_seq\":2,\"event_count\":2,\"created_claimed\":"            \
    "\"2026-11-25T17:00:00+07:00\",\"clock_trusted\":true,\"last_receipt_seq_seen\":0,"            \
    "\"master_data_version\":0}\n"
#define EV(n)                                                                                      \
    "{\"seq\":" #n ",\"event\":{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-25T01:00:00Z\","  \
    "\"eventTimeZoneOffset\":\"+07:00\",\"eventID\":\"urn:uuid:" #n "\",\"action\":\"ADD\","       \
    "\"epcList\":[]}}\n"
#define TRAILER "{\"tramtem\":\"trailer\",\"event_count\":2,\"last_event_seq\":2}\n"

static void
signed_but_malformed_content_is_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_problem(HDR EV(1) EV(2) TRAILER), 0);
    assert_int_equal(parse_problem(HDR EV(2) EV(1) TRAILER), BUNDLE_P_SEQUENCE);
    assert_int_equal(parse_problem(HDR EV(1) EV(1) TRAILER), BUNDLE_P_SEQUENCE);
    assert_int_equal(parse_problem(HDR EV(1) EV(3) TRAILER), BUNDLE_P_SEQUENCE);
    assert_int_equal(parse_problem(HDR EV(1) TRAILER), BUNDLE_P_TRAILER);
    assert_int_equal(parse_problem(HDR EV(1) EV(2)), BUNDLE_P_TRAILER);
    assert_int_equal(parse_problem(HDR EV(1) EV(2) TRAILER EV(2)), BUNDLE_P_TRAILER);
    assert_int_equal(parse_problem(HDR EV(1) EV(2) TRAILER "\n"), BUNDLE_P_TRAILER);
    assert_int_equal(parse_problem(EV(1) EV(2) TRAILER), BUNDLE_P_HEADER);
    assert_int_equal(parse_problem(""), BUNDLE_P_HEADER);
    assert_int_equal(
        parse_problem(HDR EV(1) "{\"seq\":2,\"event\":{\"type\":\"ObjectEvent\"}}\n" TRAILER),
        BUNDLE_P_EVENT);
    assert_int_equal(parse_problem(HDR EV(1) "{\"event\":{},\"seq\":2}\n" TRAILER), BUNDLE_P_EVENT);
    /* a header with reordered keys is not canonical */
    assert_int_equal(parse_problem("{\"format\":1,\"tramtem\":\"bundle\"}\n" EV(1) TRAILER),
                     BUNDLE_P_HEADER);
}

static void
gzip_problems_are_named(void **state)
{
    size_t len = 0;
    unsigned char *g = gz(HDR EV(1) EV(2) TRAILER, &len), *more;
    struct tt_err e;

    (void)state;
    assert_int_equal(bundle_parse_mem(g, len - 5, NULL, NULL, NULL, NULL, NULL, NULL, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, BUNDLE_P_GZIP);
    more = malloc(len * 2);
    memcpy(more, g, len);
    memcpy(more + len, g, len); /* a second gzip member */
    assert_int_equal(bundle_parse_mem(more, len * 2, NULL, NULL, NULL, NULL, NULL, NULL, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, BUNDLE_P_GZIP);
    g[len - 6] ^= 0xff; /* CRC */
    assert_int_equal(bundle_parse_mem(g, len, NULL, NULL, NULL, NULL, NULL, NULL, &e), TT_EINVAL);
    assert_int_equal(e.detail, BUNDLE_P_GZIP);
    free(more);
    free(g);
}

static void
decompression_bomb_is_stopped(void **state)
{
    /* 20 MB of one byte compresses ~1000:1, beyond the ratio cap. */
    size_t n = 20u << 20, len = 0;
    char *big = malloc(n + 1);
    unsigned char *g;
    struct tt_err e;

    (void)state;
    memcpy(big, HDR, strlen(HDR));
    memset(big + strlen(HDR), ' ', n - strlen(HDR));
    big[n] = '\0';
    g = gz(big, &len);
    assert_int_equal(bundle_parse_mem(g, len, NULL, NULL, NULL, NULL, NULL, NULL, &e), TT_EINVAL);
    assert_true(e.detail == BUNDLE_P_GZIP || e.detail == BUNDLE_P_EVENT);
    free(g);
    free(big);
}

static void
writer_refuses_wrong_events(void **state)
{
    struct fx *f = *state;
    struct bundle_writer *w;
    struct bundle_header h = f->h;
    int fd = open("/dev/null", O_WRONLY);
    uint8_t hash[SIG_HASH_LEN];

    (void)state;
    h.first_event_seq = 10;
    h.last_event_seq = 12;
    h.event_count = 3;
    assert_int_equal(bundle_writer_new(fd, &h, &w, NULL), 0);
    assert_int_equal(bundle_writer_event(w, 9, "{}", 2, NULL), TT_EINVAL);
    assert_int_equal(bundle_writer_event(w, 11, "{}", 2, NULL), TT_EINVAL); /* not first */
    assert_int_equal(bundle_writer_event(w, 10, "{\n}", 3, NULL), TT_EINVAL);
    assert_int_equal(bundle_writer_event(w, 10, "{}", 2, NULL), 0);
    assert_int_equal(bundle_writer_event(w, 10, "{}", 2, NULL), TT_EINVAL);
    assert_int_equal(bundle_writer_finish(w, hash, NULL, NULL, NULL), TT_EINVAL); /* short */
    bundle_writer_free(w);
    h.event_count = 0;
    assert_int_equal(bundle_writer_new(fd, &h, &w, NULL), TT_EINVAL);
    assert_null(w);
    bundle_writer_free(NULL);
    close(fd);
}

static void
file_names_parse_strictly(void **state)
{
    uint64_t n;
    char name[32];

    (void)state;
    bundle_file_name(42, name);
    assert_string_equal(name, "b-00000042.ndjson.gz");
    assert_int_equal(bundle_name_parse(name, &n), 0);
    assert_int_equal(n, 42);
    assert_int_equal(bundle_name_parse("b-42.ndjson.gz", &n), TT_EPARSE);
    assert_int_equal(bundle_name_parse("b-00000042.ndjson.gz.minisig", &n), TT_EPARSE);
    assert_int_equal(bundle_name_parse("../b-00000042.ndjson.gz", &n), TT_EPARSE);
    assert_int_equal(bundle_name_parse("b-00000000.ndjson.gz", &n), TT_EPARSE);
}

static void
epcis_event_rules(void **state)
{
    (void)state;
    assert_int_equal(epcis_check_time("2026-11-25T08:00:00.123+07:00"), 0);
    assert_int_equal(epcis_check_time("2026-11-25T08:00:00Z"), 0);
    assert_int_not_equal(epcis_check_time("2026-13-25T08:00:00Z"), 0);
    assert_int_not_equal(epcis_check_time("2026-11-25 08:00:00Z"), 0);
    assert_int_not_equal(epcis_check_time("2026-11-25T08:00:00+15:00"), 0);
#define OK_EV                                                                                      \
    "\"eventTime\":\"2026-11-25T01:00:00Z\",\"eventTimeZoneOffset\":\"+07:00\","                   \
    "\"eventID\":\"urn:uuid:1\""
    {
        const char *good = "{\"type\":\"ObjectEvent\"," OK_EV ",\"action\":\"OBSERVE\","
                           "\"epcList\":[]}";
        const char *ilmd_observe = "{\"type\":\"ObjectEvent\"," OK_EV ",\"action\":\"OBSERVE\","
                                   "\"epcList\":[],\"ilmd\":{}}";
        const char *agg = "{\"type\":\"AggregationEvent\"," OK_EV ",\"action\":\"ADD\","
                          "\"parentID\":\"urn:x\"}";
        const char *tx = "{\"type\":\"TransactionEvent\"," OK_EV ",\"action\":\"ADD\","
                         "\"epcList\":[]}";
        const char *tf = "{\"type\":\"TransformationEvent\"," OK_EV ",\"inputEPCList\":[\"a:b\"]}";
        const char *dup = "{\"type\":\"ObjectEvent\",\"type\":\"ObjectEvent\"," OK_EV
                          ",\"action\":\"ADD\",\"epcList\":[]}";

        assert_int_equal(epcis_check_event(good, strlen(good), NULL), 0);
        assert_int_equal(epcis_check_event(ilmd_observe, strlen(ilmd_observe), NULL), TT_EINVAL);
        assert_int_equal(epcis_check_event(agg, strlen(agg), NULL), TT_EINVAL);
        assert_int_equal(epcis_check_event(tx, strlen(tx), NULL), TT_EINVAL);
        assert_int_equal(epcis_check_event(tf, strlen(tf), NULL), 0);
        assert_int_equal(epcis_check_event(dup, strlen(dup), NULL), TT_EINVAL);
        assert_int_equal(epcis_check_event("[1]", 3, NULL), TT_EINVAL);
    }
}

/* ---- receipts and master data --------------------------------------------- */

static struct receipt
sample_receipt(struct fx *f, uint64_t rseq, uint64_t acked)
{
    struct receipt r;

    memset(&r, 0, sizeof r);
    snprintf(r.station, sizeof r.station, "%s", f->h.station);
    sig_keyid_hex(f->pub.key_id, r.station_key_id);
    r.receipt_seq = rseq;
    snprintf(r.portal_time, sizeof r.portal_time, "2026-11-26T09:00:00+07:00");
    r.acked_through_bundle = acked;
    r.acked_through_event = acked * 50;
    r.master_data_version = 1;
    snprintf(r.station_key_status, sizeof r.station_key_status, "active");
    return r;
}

static void
receipt_round_trip_and_station_rules(void **state)
{
    struct fx *f = *state;
    struct sig_seckey *portal;
    struct sig_pubkey portal_pub;
    struct receipt r = sample_receipt(f, 3, 1), *back = NULL;
    struct receipt_item items[2];
    char path[4200], trusted[SIG_TRUSTED_MAX + 1], *text = NULL;
    size_t len = 0;
    int kind = 0;
    struct tt_err e;

    memset(items, 0, sizeof items);
    items[0].kind = RECEIPT_GAP;
    items[0].bundle_seq = 1;
    items[1].kind = RECEIPT_REJECTED;
    items[1].bundle_seq = 1;
    strcpy(items[1].b2, "ab");
    strcpy(items[1].reason, "duplicate event with other content");
    r.items = items;
    r.n_items = 2;
    assert_int_equal(sig_key_generate(&portal, &portal_pub, NULL), 0);
    assert_int_equal(receipt_write(f->dir, &r, portal, &e), 0);
    snprintf(path, sizeof path, "%s/r-00000003.json", f->dir);
    assert_int_equal(receipt_read_signed(path, &portal_pub, &kind, &text, &len, trusted, &e), 0);
    assert_int_equal(kind, 'r');
    assert_int_equal(receipt_parse(text, len, trusted, &back, &e), 0);
    assert_int_equal(back->receipt_seq, 3);
    assert_int_equal(back->n_items, 2);
    /* items come back grouped by kind: rejections, then gaps */
    assert_int_equal(back->items[0].kind, RECEIPT_REJECTED);
    assert_string_equal(back->items[0].reason, "duplicate event with other content");
    assert_int_equal(back->items[1].kind, RECEIPT_GAP);
    /* the station's checks */
    assert_int_equal(receipt_check_station(back, f->h.station, back->station_key_id, 2, 1, 50, &e),
                     0);
    assert_int_equal(receipt_check_station(back, f->h.station, back->station_key_id, 3, 1, 50, &e),
                     TT_ESTATE);
    assert_int_equal(e.detail, RECEIPT_P_REPLAY);
    assert_int_equal(receipt_check_station(back, f->h.station, back->station_key_id, 4, 1, 50, &e),
                     TT_ESTATE);
    assert_int_equal(receipt_check_station(back, f->h.station, back->station_key_id, 0, 0, 0, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, RECEIPT_P_RANGE);
    assert_int_equal(receipt_check_station(back, "st-other", back->station_key_id, 0, 9, 999, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, RECEIPT_P_STATION);
    /* signed by another key */
    free(text);
    assert_int_equal(receipt_read_signed(path, &f->pub, &kind, &text, &len, trusted, &e), TT_ESIG);
    assert_int_equal(e.detail, RECEIPT_P_SIGNATURE);
    /* the JSON and the signed comment must agree */
    {
        struct receipt *again = NULL;

        assert_int_equal(receipt_read_signed(path, &portal_pub, &kind, &text, &len, trusted, &e),
                         0);
        assert_int_equal(
            receipt_parse(text, len, "tramtem-receipt/1 st=x rseq=3 acked=1 ev=50", &again, &e),
            TT_EINVAL);
        assert_null(again);
        assert_int_equal(e.detail, RECEIPT_P_FORMAT);
        free(text);
    }
    receipt_free(back);
    sig_seckey_free(portal);
}

static void
masterdata_round_trip(void **state)
{
    struct fx *f = *state;
    struct sig_seckey *portal;
    struct sig_pubkey portal_pub;
    struct md_product prod = {"09520123456788", "Cam Vinh", "Vinh orange", "KGM", 1};
    char revoked[1][17] = {"0123456789ABCDEF"};
    struct masterdata md = {
        .version = 4, .products = &prod, .n_products = 1, .revoked_keys = revoked, .n_revoked = 1};
    struct masterdata *back = NULL;
    char path[4200], trusted[SIG_TRUSTED_MAX + 1], *text = NULL;
    size_t len = 0;
    int kind = 0;

    strcpy(md.portal_time, "2026-11-26T09:00:00+07:00");
    assert_int_equal(sig_key_generate(&portal, &portal_pub, NULL), 0);
    assert_int_equal(masterdata_write(f->dir, &md, portal, NULL), 0);
    snprintf(path, sizeof path, "%s/m-00000004.json", f->dir);
    assert_int_equal(receipt_read_signed(path, &portal_pub, &kind, &text, &len, trusted, NULL), 0);
    assert_int_equal(kind, 'm');
    assert_int_equal(masterdata_parse(text, len, trusted, &back, NULL), 0);
    assert_int_equal(back->version, 4);
    assert_string_equal(back->products[0].name_vi, "Cam Vinh");
    assert_int_equal(back->products[0].variable, 1);
    assert_string_equal(back->revoked_keys[0], "0123456789ABCDEF");
    masterdata_free(back);
    assert_int_not_equal(masterdata_parse(text, len, "tramtem-masterdata/1 ver=5", &back, NULL), 0);
    assert_null(back);
    free(text);
    sig_seckey_free(portal);
}

/* ---- sticks ---------------------------------------------------------------- */

static void
mountinfo_finds_removable_fat_sticks(void **state)
{
    struct fx *f = *state;
    char mi[4200], sys[4200], cmd[9000];
    struct stick s[4];
    size_t n = 0;

    snprintf(mi, sizeof mi, "%s/mountinfo", f->dir);
    snprintf(sys, sizeof sys, "%s/sys", f->dir);
    /* sysfs: 8:17 is a partition of a removable USB disk, 8:1 of a fixed disk */
    snprintf(
        cmd, sizeof cmd,
        "set -e; mkdir -p '%s'; cd '%s'; mkdir -p devices/pci0/usb1/1-1/block/sdb/sdb1 "
        "devices/pci0/ata1/block/sda/sda1 dev/block; echo 1 > "
        "devices/pci0/usb1/1-1/block/sdb/removable; echo 0 > "
        "devices/pci0/ata1/block/sda/removable; ln -s ../../devices/pci0/usb1/1-1/block/sdb/sdb1 "
        "dev/block/8:17; ln -s ../../devices/pci0/ata1/block/sda/sda1 dev/block/8:1",
        sys, sys);
    assert_int_equal(system(cmd), 0);
    {
        const char *text = "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
                           "40 22 8:17 / /media/op/MY\\040STICK rw,nosuid,nodev shared:9 - vfat "
                           "/dev/sdb1 rw,fmask=0022\n"
                           "41 22 8:1 / /boot/efi rw,relatime shared:2 - vfat /dev/sda1 rw\n"
                           "42 22 8:17 / /mnt/ro ro,relatime shared:3 - exfat /dev/sdb1 ro\n"
                           "garbage line\n";

        assert_int_equal(stu_spit(mi, text, strlen(text)), 0);
    }
    assert_int_equal(stick_find(mi, sys, s, 4, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_string_equal(s[0].mount, "/media/op/MY STICK");
    assert_string_equal(s[0].fstype, "vfat");
    assert_false(s[0].read_only);
    assert_string_equal(s[1].mount, "/mnt/ro");
    assert_true(s[1].read_only);
}

/* Two bundles in a spool folder, for the stick tests. */
struct spool {
    char *spool;
    struct stick_bundle b[2];
    char names[2][32];
};

static void
make_spool(struct fx *f, struct spool *sp)
{
    struct bundle_header h;
    struct bundle_info bi;
    char prev[65];

    sp->spool = stu_tmpdir();
    sig_hex(f->info.b2_256, SIG_B2_256_LEN, prev);
    for (int i = 0; i < 2; i++) {
        stu_header(&h, &f->pub, (uint64_t)i + 1, i == 0 ? NULL : prev, (uint64_t)i * 200 + 1, 200);
        assert_int_equal(stu_write_bundle(sp->spool, f->sk, &h, &bi, NULL), 0);
        sig_hex(bi.b2_256, SIG_B2_256_LEN, prev);
        bundle_file_name(h.bundle_seq, sp->names[i]);
        sp->b[i].bundle_seq = h.bundle_seq;
        sp->b[i].spool_dir = sp->spool;
        sp->b[i].name = sp->names[i];
        memcpy(sp->b[i].hash512, bi.hash512, SIG_HASH_LEN);
        sp->b[i].size = bi.payload_bytes;
    }
}

/* Every bundle on the stick either verifies completely or does not verify at all. */
static int
count_verifying(struct fx *f, const char *stick, const struct spool *sp)
{
    int ok = 0;

    for (int i = 0; i < 2; i++) {
        char path[4200];
        struct bundle_info bi;

        snprintf(path, sizeof path, "%s/tramtem/%s/%s", stick, f->h.station, sp->names[i]);
        if (bundle_verify_file(path, NULL, &f->pub, NULL, NULL, NULL, NULL, &bi, NULL) == 0) {
            assert_memory_equal(bi.hash512, sp->b[i].hash512, SIG_HASH_LEN);
            ok++;
        }
    }
    return ok;
}

struct prog_seen {
    uint64_t last_done, total;
    int calls, backwards;
};

static void
prog_record(void *ctx, uint64_t done, uint64_t total)
{
    struct prog_seen *p = ctx;

    p->backwards |= done < p->last_done || (p->calls > 0 && total != p->total);
    p->last_done = done;
    p->total = total;
    p->calls++;
}

/* Progress only goes up and reaches exactly the total (written + read back) at the end. */
static void
stick_progress_ends_at_the_total(void **state)
{
    struct fx *f = *state;
    struct spool sp;
    char *stick = stu_tmpdir();
    struct prog_seen p = {0};
    int copied[2];

    make_spool(f, &sp);
    stick_fault_set(STICK_FAULT_NONE, 0);
    assert_int_equal(
        stick_write_bundles(stick, f->h.station, sp.b, 2, &f->pub, copied, prog_record, &p, NULL),
        0);
    assert_true(p.calls >= 4); /* each payload written, then read back */
    assert_false(p.backwards);
    assert_true(p.total == 2 * (sp.b[0].size + sp.b[1].size));
    assert_true(p.last_done == p.total);
    /* already on the stick: counted at once, still ending at the total */
    memset(&p, 0, sizeof p);
    assert_int_equal(
        stick_write_bundles(stick, f->h.station, sp.b, 2, &f->pub, copied, prog_record, &p, NULL),
        0);
    assert_int_equal(p.calls, 2);
    assert_true(p.last_done == p.total);
    stu_rmrf(stick);
    stu_rmrf(sp.spool);
}

static void
stick_write_then_rewrite_is_idempotent(void **state)
{
    struct fx *f = *state;
    struct spool sp;
    char *stick = stu_tmpdir();
    int copied[2];
    struct tt_err e;

    make_spool(f, &sp);
    stick_fault_set(STICK_FAULT_NONE, 0);
    assert_int_equal(
        stick_write_bundles(stick, f->h.station, sp.b, 2, &f->pub, copied, NULL, NULL, &e), 0);
    assert_true(copied[0] && copied[1]);
    assert_int_equal(count_verifying(f, stick, &sp), 2);
    /* the second time the files are already there and are checked, not rewritten */
    assert_int_equal(
        stick_write_bundles(stick, f->h.station, sp.b, 2, &f->pub, copied, NULL, NULL, &e), 0);
    assert_true(copied[0] && copied[1]);
    assert_int_equal(stick_check_space(stick, 1ULL << 62, &e), TT_ENOSPC);
    assert_int_equal(stick_check_space("/nonexistent-tt", 0, &e), TT_ENOTFOUND);
    stu_rmrf(stick);
    stu_rmrf(sp.spool);
}

/*
 * ENOSPC, EIO and a pull at every file operation of the protocol: the
 * write fails, no partial bundle verifies, and a clean rerun succeeds.
 */
static void
faults_at_every_step_leave_no_partial_bundle(void **state)
{
    struct fx *f = *state;
    struct spool sp;
    char *probe = stu_tmpdir();
    int copied[2];
    long steps;
    const enum stick_fault kinds[] = {STICK_FAULT_ENOSPC, STICK_FAULT_EIO, STICK_FAULT_PULL};

    make_spool(f, &sp);
    stick_fault_set(STICK_FAULT_NONE, 0);
    assert_int_equal(
        stick_write_bundles(probe, f->h.station, sp.b, 2, &f->pub, copied, NULL, NULL, NULL), 0);
    stu_rmrf(probe);
    probe = stu_tmpdir();
    stick_fault_set(STICK_FAULT_NONE, 0);
    assert_int_equal(
        stick_write_bundles(probe, f->h.station, sp.b, 2, &f->pub, copied, NULL, NULL, NULL), 0);
    steps = stick_fault_ops();
    assert_true(steps > 15);
    stu_rmrf(probe);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (long nth = 1; nth <= steps; nth++) {
            char *stick = stu_tmpdir();
            struct tt_err e;
            int rc;

            tt_err_clear(&e);
            stick_fault_set(kinds[k], nth);
            rc = stick_write_bundles(stick, f->h.station, sp.b, 2, &f->pub, copied, NULL, NULL, &e);
            stick_fault_set(STICK_FAULT_NONE, 0);
            /* Only the README (best effort) and closes may be hit without failing. */
            if (rc == 0)
                assert_true(copied[0] && copied[1]);
            else
                assert_true(rc == TT_ENOSPC || rc == TT_EIO || rc == TT_ESIG);
            /* A bundle reported copied verifies; anything else present never half-verifies. */
            assert_true(count_verifying(f, stick, &sp) >= (rc == 0 ? 2 : copied[0] + copied[1]));
            /* re-export after the fault succeeds */
            assert_int_equal(
                stick_write_bundles(stick, f->h.station, sp.b, 2, &f->pub, copied, NULL, NULL, &e),
                0);
            assert_int_equal(count_verifying(f, stick, &sp), 2);
            stu_rmrf(stick);
        }
    }
    stu_rmrf(sp.spool);
}

struct names {
    int n;
    char got[8][32];
};

static int
collect_name(void *ctx, const char *name)
{
    struct names *s = ctx;

    snprintf(s->got[s->n++], 32, "%s", name);
    return 0;
}

static void
inbox_lists_only_safe_names(void **state)
{
    struct fx *f = *state;
    char d[4200], p[4400];
    static const char *names[] = {
        "r-00000001.json", "r-00000001.json.minisig", "m-00000002.json", "m-00000002.json.minisig",
        "r-1.json",        "r-1.json.minisig",        "R-00000003.json", "x-00000004.json"};
    struct names seen = {0};

    snprintf(d, sizeof d, "%s/inbox", f->dir);
    mkdir(d, 0755);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", d, names[i]);
        assert_int_equal(stu_spit(p, "x", 1), 0);
    }
    /* a symlink with a good name is ignored */
    snprintf(p, sizeof p, "%s/r-00000005.json", d);
    assert_int_equal(symlink("/etc/passwd", p), 0);
    snprintf(p, sizeof p, "%s/r-00000005.json.minisig", d);
    assert_int_equal(stu_spit(p, "x", 1), 0);
    assert_int_equal(stick_list_inbox(d, collect_name, &seen, NULL), 0);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.got[0], "m-00000002.json");
    assert_string_equal(seen.got[1], "r-00000001.json");
}

/* ---- sealed payloads ------------------------------------------------------ */

static int
seal_round(struct fx *f, size_t size, const uint8_t *pk, const uint8_t *sk, int damage)
{
    char plain[4200], sealed[4200], back[4200];
    unsigned char *buf = malloc(size + 1), *sb, *bb;
    size_t sl = 0, bl = 0;
    int in, out, rc;
    struct tt_err e;

    for (size_t i = 0; i < size; i++)
        buf[i] = (unsigned char)(i * 7 + 3);
    snprintf(plain, sizeof plain, "%s/plain", f->dir);
    snprintf(sealed, sizeof sealed, "%s/sealed", f->dir);
    snprintf(back, sizeof back, "%s/back", f->dir);
    assert_int_equal(stu_spit(plain, buf, size), 0);
    in = open(plain, O_RDONLY);
    out = open(sealed, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_int_equal(seal_fd(in, out, pk, &e), 0);
    close(in);
    close(out);
    sb = stu_slurp(sealed, &sl);
    assert_true(seal_is_sealed(sb, sl));
    assert_int_equal(sl, 8 + 80 + 24 + size + 17 * (size / SEAL_CHUNK + 1));
    if (damage == 1)
        sb[sl - 5] ^= 4; /* a flipped bit in the last chunk */
    else if (damage == 2)
        sl -= 1; /* cut short */
    else if (damage == 3)
        sl -= 17 + size % SEAL_CHUNK; /* the FINAL chunk dropped */
    assert_int_equal(stu_spit(sealed, sb, sl), 0);
    free(sb);
    in = open(sealed, O_RDONLY);
    out = open(back, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    rc = seal_open_fd(in, out, pk, sk, &e);
    close(in);
    close(out);
    if (rc == 0) {
        bb = stu_slurp(back, &bl);
        assert_int_equal(bl, size);
        assert_memory_equal(bb, buf, size);
        free(bb);
    }
    free(buf);
    return rc;
}

static void
sealed_payloads_round_trip_and_detect_damage(void **state)
{
    struct fx *f = *state;
    uint8_t pk[SEAL_PK_LEN], sk[SEAL_SK_LEN], pk2[SEAL_PK_LEN], sk2[SEAL_SK_LEN];
    const size_t sizes[] = {0, 1, SEAL_CHUNK - 1, SEAL_CHUNK, SEAL_CHUNK + 1, 3 * SEAL_CHUNK + 5};

    assert_int_equal(seal_keypair(pk, sk, NULL), 0);
    assert_int_equal(seal_keypair(pk2, sk2, NULL), 0);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_int_equal(seal_round(f, sizes[i], pk, sk, 0), 0);
        assert_int_equal(seal_round(f, sizes[i], pk, sk, 1), TT_ECORRUPT);
        assert_int_equal(seal_round(f, sizes[i], pk, sk, 2), TT_ECORRUPT);
        if (sizes[i] >= SEAL_CHUNK)
            assert_int_equal(seal_round(f, sizes[i], pk, sk, 3), TT_ECORRUPT);
    }
    /* sealed to one portal key, opened with another */
    {
        char plain[4200], sealed[4200];
        int in, out;

        assert_int_equal(seal_round(f, 100, pk, sk, 0), 0);
        snprintf(plain, sizeof plain, "%s/back", f->dir);
        snprintf(sealed, sizeof sealed, "%s/sealed", f->dir);
        in = open(sealed, O_RDONLY);
        out = open(plain, O_WRONLY | O_TRUNC);
        assert_int_equal(seal_open_fd(in, out, pk2, sk2, NULL), TT_ESIG);
        close(in);
        close(out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pubkey_file_round_trip, setup, teardown),
        cmocka_unit_test(keyid_is_little_endian_hex),
        cmocka_unit_test_setup_teardown(seckey_file_is_private_and_round_trips, setup, teardown),
        cmocka_unit_test_setup_teardown(signature_checks_key_hash_and_comment, setup, teardown),
        cmocka_unit_test_setup_teardown(signature_file_is_parsed_strictly, setup, teardown),
        cmocka_unit_test_setup_teardown(signatures_are_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(bundle_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(same_bundle_number_gives_same_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(thousands_of_bit_flips_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(truncations_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(swapped_signature_files_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(other_station_key_and_replay_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(signature_is_checked_before_anything_is_parsed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(symlinked_payload_is_refused, setup, teardown),
        cmocka_unit_test(signed_but_malformed_content_is_rejected),
        cmocka_unit_test(gzip_problems_are_named),
        cmocka_unit_test(decompression_bomb_is_stopped),
        cmocka_unit_test_setup_teardown(writer_refuses_wrong_events, setup, teardown),
        cmocka_unit_test(file_names_parse_strictly),
        cmocka_unit_test(epcis_event_rules),
        cmocka_unit_test_setup_teardown(receipt_round_trip_and_station_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(masterdata_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(mountinfo_finds_removable_fat_sticks, setup, teardown),
        cmocka_unit_test_setup_teardown(stick_write_then_rewrite_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(stick_progress_ends_at_the_total, setup, teardown),
        cmocka_unit_test_setup_teardown(faults_at_every_step_leave_no_partial_bundle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(inbox_lists_only_safe_names, setup, teardown),
        cmocka_unit_test_setup_teardown(sealed_payloads_round_trip_and_detect_damage, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
