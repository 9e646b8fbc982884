/*
 * test_sync_seal.c — the bundle reader on sealed (encrypted) payloads: the
 * signature over the sealed bytes first, then the stream opened straight
 * into every normal check; no key, another portal's key, ciphertext
 * changed (with and without a new signature) and cut short; the content
 * id; the seal key files.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sync/bundle.h"
#include "../../sync/seal.h"
#include "../../sync/sig.h"
#include "sync-test-util.h"

#define N_EVENTS 8000 /* enough for several 64 KiB stream chunks */

struct fx {
    char *dir;
    struct sig_seckey *sk;
    struct sig_pubkey pub;
    struct seal_key *portal, *other;
    struct bundle_header h;
    struct bundle_info plain; /* of the plain payload, before sealing */
    char plain_path[4200], payload[4200], sig[4300];
    unsigned char *sealed; /* the good sealed bytes */
    size_t sealed_len;
};

/* Signs `path` as bundle h with the station key, as the station does after sealing. */
static void
sign_file(struct fx *f, const char *path)
{
    char comment[512], text[SIG_TRUSTED_MAX + 1200], sigpath[4300];
    uint8_t h512[SIG_HASH_LEN];
    int fd = open(path, O_RDONLY);
    struct tt_err e;

    assert_true(fd >= 0);
    assert_int_equal(sig_hash_fd(fd, h512, NULL, &e), 0);
    close(fd);
    bundle_trusted_comment(&f->h, comment, sizeof comment);
    assert_int_equal(sig_sign_hash(f->sk, h512, comment, "sealed test", text, sizeof text, &e), 0);
    snprintf(sigpath, sizeof sigpath, "%s.minisig", path);
    assert_int_equal(stu_spit(sigpath, text, strlen(text)), 0);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct tt_err e;
    int in, out;

    assert_non_null(f);
    f->dir = stu_tmpdir();
    assert_non_null(f->dir);
    assert_int_equal(sig_key_generate(&f->sk, &f->pub, &e), 0);
    assert_int_equal(seal_key_generate(&f->portal, &e), 0);
    assert_int_equal(seal_key_generate(&f->other, &e), 0);
    stu_header(&f->h, &f->pub, 1, NULL, 1, N_EVENTS);
    assert_int_equal(stu_write_bundle(f->dir, f->sk, &f->h, &f->plain, &e), 0);
    snprintf(f->plain_path, sizeof f->plain_path, "%s/b-00000001.ndjson.gz", f->dir);
    assert_true(f->plain.payload_bytes > 2 * SEAL_CHUNK);
    /* The sealed bundle lives in its own folder under the same name. */
    snprintf(f->payload, sizeof f->payload, "%s/s", f->dir);
    assert_int_equal(mkdir(f->payload, 0700), 0);
    snprintf(f->payload, sizeof f->payload, "%s/s/b-00000001.ndjson.gz", f->dir);
    snprintf(f->sig, sizeof f->sig, "%s.minisig", f->payload);
    in = open(f->plain_path, O_RDONLY);
    out = open(f->payload, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(in >= 0 && out >= 0);
    assert_int_equal(seal_fd(in, out, f->portal->pk, &e), 0);
    close(in);
    close(out);
    sign_file(f, f->payload);
    f->sealed = stu_slurp(f->payload, &f->sealed_len);
    assert_non_null(f->sealed);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sig_seckey_free(f->sk);
    seal_key_free(f->portal);
    seal_key_free(f->other);
    free(f->sealed);
    stu_rmrf(f->dir);
    free(f);
    return 0;
}

struct counts {
    uint64_t n, last;
};

static int
count_event(void *ctx, uint64_t seq, const char *json, size_t len, struct tt_err *err)
{
    struct counts *c = ctx;

    (void)json;
    (void)len;
    (void)err;
    c->n++;
    c->last = seq;
    return 0;
}

static int
verify(struct fx *f, const struct seal_key *key, struct bundle_info *bi, struct tt_err *e)
{
    struct bundle_expect ex = {.file_name = "b-00000001.ndjson.gz", .open = key};

    tt_err_clear(e);
    return bundle_verify_file(f->payload, NULL, &f->pub, &ex, NULL, NULL, NULL, bi, e);
}

static void
opened_sealed_bundle_passes_every_check(void **state)
{
    struct fx *f = *state;
    struct bundle_expect ex = {.station = f->h.station,
                               .bundle_seq = 1,
                               .file_name = "b-00000001.ndjson.gz",
                               .open = f->portal};
    struct counts c = {0};
    struct bundle_info bi;
    struct tt_err e;

    assert_int_equal(
        bundle_verify_file(f->payload, NULL, &f->pub, &ex, count_event, NULL, &c, &bi, &e), 0);
    assert_int_equal(c.n, N_EVENTS);
    assert_int_equal(c.last, N_EVENTS);
    assert_int_equal(bi.sealed, 1);
    assert_int_equal(bi.header.event_count, N_EVENTS);
    assert_int_equal(bi.payload_bytes, f->sealed_len);
    /* The bundle's id is its plain payload's hash, whatever it was sealed with. */
    assert_memory_equal(bi.b2_256, f->plain.b2_256, SIG_B2_256_LEN);
    /* The plain payload still verifies as itself: sealing is only a wrapping. */
    assert_int_equal(
        bundle_verify_file(f->plain_path, NULL, &f->pub, NULL, NULL, NULL, NULL, &bi, &e), 0);
    assert_int_equal(bi.sealed, 0);
}

static void
sealed_without_key_is_not_called_verified(void **state)
{
    struct fx *f = *state;
    struct counts c = {0};
    struct bundle_info bi;
    struct tt_err e;

    tt_err_clear(&e);
    assert_int_equal(
        bundle_verify_file(f->payload, NULL, &f->pub, NULL, count_event, NULL, &c, &bi, &e),
        TT_ESTATE);
    assert_int_equal(e.detail, BUNDLE_P_SEALED);
    assert_int_equal(c.n, 0);
    /* What the signature vouches for is known: the trusted comment's fields. */
    assert_int_equal(bi.header.bundle_seq, 1);
    assert_int_equal(bi.header.event_count, N_EVENTS);
    assert_string_equal(bi.header.station, f->h.station);
    assert_int_equal(verify(f, NULL, &bi, &e), TT_ESTATE);
    assert_int_equal(e.detail, BUNDLE_P_SEALED);
    /* ... but a file name that does not match the signed number is still named. */
    {
        struct bundle_expect ex = {.file_name = "b-00000002.ndjson.gz"};

        assert_int_equal(
            bundle_verify_file(f->payload, NULL, &f->pub, &ex, NULL, NULL, NULL, &bi, &e),
            TT_EINVAL);
        assert_int_equal(e.detail, BUNDLE_P_NAME);
    }
}

static void
sealed_to_another_portal_is_refused(void **state)
{
    struct fx *f = *state;
    struct bundle_info bi;
    struct tt_err e;
    char id[65] = "";

    assert_int_equal(verify(f, f->other, &bi, &e), TT_ESTATE);
    assert_int_equal(e.detail, BUNDLE_P_SEALED);
    assert_non_null(strstr(e.msg, "another portal"));
    assert_int_equal(bundle_content_id(f->payload, f->other, id, &e), TT_ESTATE);
    assert_int_equal(e.detail, BUNDLE_P_SEALED);
}

static void
changed_ciphertext_fails_the_signature_first(void **state)
{
    struct fx *f = *state;
    size_t at[] = {0, 9, 100, 130, 5000, 70000, 0};
    struct bundle_info bi;
    struct tt_err e;

    at[6] = f->sealed_len - 1;
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        f->sealed[at[i]] ^= 0x20;
        assert_int_equal(stu_spit(f->payload, f->sealed, f->sealed_len), 0);
        assert_int_equal(verify(f, f->portal, &bi, &e), TT_ESIG);
        assert_int_equal(e.detail, BUNDLE_P_SIGNATURE);
        f->sealed[at[i]] ^= 0x20;
    }
}

static void
changed_ciphertext_signed_again_does_not_open(void **state)
{
    struct fx *f = *state;
    /* in the sealed key, the stream header, the first, a middle and the last chunk */
    size_t at[] = {20, 100, 130, 70000, 0};
    struct counts c = {0};
    struct bundle_expect ex = {.open = f->portal};
    struct bundle_info bi;
    struct tt_err e;

    at[4] = f->sealed_len - 3;
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        f->sealed[at[i]] ^= 0x01;
        assert_int_equal(stu_spit(f->payload, f->sealed, f->sealed_len), 0);
        sign_file(f, f->payload); /* a broken (or malicious) station signs what it made */
        tt_err_clear(&e);
        c.n = 0;
        assert_int_not_equal(
            bundle_verify_file(f->payload, NULL, &f->pub, &ex, count_event, NULL, &c, &bi, &e), 0);
        /* a changed sealed key reads as "another portal's"; anything later as damage */
        assert_true(e.detail == (i == 0 ? BUNDLE_P_SEALED : BUNDLE_P_CIPHER));
        f->sealed[at[i]] ^= 0x01;
    }
}

static void
cut_short_sealed_payload_is_refused(void **state)
{
    struct fx *f = *state;
    size_t cuts[] = {4, 8, 60, 120, 200, SEAL_CHUNK, SEAL_CHUNK + 136, 0, 0};
    struct bundle_info bi;
    struct tt_err e;
    char id[65];

    cuts[7] = f->sealed_len - 17; /* the FINAL chunk's tag and more */
    cuts[8] = f->sealed_len - 1;
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        assert_int_equal(stu_spit(f->payload, f->sealed, cuts[i]), 0);
        /* without a new signature: the signature */
        assert_int_equal(verify(f, f->portal, &bi, &e), TT_ESIG);
        /* signed again: the stream knows it was cut */
        sign_file(f, f->payload);
        assert_int_not_equal(verify(f, f->portal, &bi, &e), 0);
        if (cuts[i] > 8)
            assert_int_equal(e.detail, BUNDLE_P_CIPHER);
        if (cuts[i] > 8)
            assert_int_equal(bundle_content_id(f->payload, f->portal, id, &e), TT_ECORRUPT);
    }
    /* data after the end is refused too */
    {
        unsigned char *more = malloc(f->sealed_len + 40);

        assert_non_null(more);
        memcpy(more, f->sealed, f->sealed_len);
        memcpy(more + f->sealed_len, f->sealed + 200, 40);
        assert_int_equal(stu_spit(f->payload, more, f->sealed_len + 40), 0);
        sign_file(f, f->payload);
        assert_int_equal(verify(f, f->portal, &bi, &e), TT_ECORRUPT);
        assert_int_equal(e.detail, BUNDLE_P_CIPHER);
        free(more);
    }
}

static void
opened_content_meets_the_normal_checks(void **state)
{
    struct fx *f = *state;
    struct bundle_expect ex = {.open = f->portal, .bundle_seq = 2};
    struct bundle_info bi;
    struct tt_err e;

    /* The caller's expectations (here: another bundle number, then a chain) still apply. */
    tt_err_clear(&e);
    assert_int_equal(bundle_verify_file(f->payload, NULL, &f->pub, &ex, NULL, NULL, NULL, &bi, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, BUNDLE_P_REPLAY);
    ex.bundle_seq = 0;
    ex.prev_b2 = "1111111111111111111111111111111111111111111111111111111111111111";
    assert_int_equal(bundle_verify_file(f->payload, NULL, &f->pub, &ex, NULL, NULL, NULL, &bi, &e),
                     TT_EINVAL);
    assert_int_equal(e.detail, BUNDLE_P_CHAIN);
    /* A sealed payload whose signed comment does not match what is inside is caught too. */
    f->h.event_count--;
    f->h.last_event_seq--;
    sign_file(f, f->payload);
    assert_int_equal(verify(f, f->portal, &bi, &e), TT_EINVAL);
    assert_int_equal(e.detail, BUNDLE_P_COMMENT);
}

static void
content_id_is_the_plain_payload_hash(void **state)
{
    struct fx *f = *state;
    char id[65], want[65], raw[65];
    uint8_t b2[SIG_B2_256_LEN];
    struct tt_err e;
    int fd;

    sig_hex(f->plain.b2_256, SIG_B2_256_LEN, want);
    fd = open(f->payload, O_RDONLY);
    assert_int_equal(sig_hash_fd(fd, NULL, b2, &e), 0);
    close(fd);
    sig_hex(b2, sizeof b2, raw);
    assert_string_not_equal(raw, want);
    memcpy(id, raw, sizeof id);
    assert_int_equal(bundle_content_id(f->payload, f->portal, id, &e), 0);
    assert_string_equal(id, want);
    /* a plain payload: the id comes back untouched */
    memcpy(id, want, sizeof id);
    assert_int_equal(bundle_content_id(f->plain_path, NULL, id, &e), 0);
    assert_string_equal(id, want);
    /* sealed and no key: refused, with the reason */
    tt_err_clear(&e);
    assert_int_equal(bundle_content_id(f->payload, NULL, id, &e), TT_ESTATE);
    assert_int_equal(e.detail, BUNDLE_P_SEALED);
    /* sealed twice (a lost spool copy sealed anew): other bytes, the same id */
    {
        char again[4300];
        int in = open(f->plain_path, O_RDONLY), out;

        snprintf(again, sizeof again, "%s/again", f->dir);
        out = open(again, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        assert_int_equal(seal_fd(in, out, f->portal->pk, &e), 0);
        close(in);
        close(out);
        assert_int_equal(bundle_content_id(again, f->portal, id, &e), 0);
        assert_string_equal(id, want);
    }
}

static void
seal_key_files_round_trip_and_are_strict(void **state)
{
    struct fx *f = *state;
    char sec[4300], pub[4300], text[128], b64[SEAL_B64_LEN + 1], fp[SEAL_FP_LEN];
    struct seal_key *k = NULL;
    uint8_t pk[SEAL_PK_LEN];
    struct stat st;
    struct tt_err e;
    unsigned char *buf;
    size_t len = 0;

    snprintf(sec, sizeof sec, "%s/portal.key.seal", f->dir);
    snprintf(pub, sizeof pub, "%s/portal.key.seal.pub", f->dir);
    assert_int_equal(seal_key_write(sec, pub, f->portal, &e), 0);
    assert_int_equal(stat(sec, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(seal_key_write(sec, pub, f->other, &e), TT_EEXIST); /* never replaced */
    assert_int_equal(seal_key_read(sec, &k, &e), 0);
    assert_memory_equal(k->pk, f->portal->pk, SEAL_PK_LEN);
    assert_memory_equal(k->sk, f->portal->sk, SEAL_SK_LEN);
    seal_key_free(k);
    assert_int_equal(seal_pub_read(pub, pk, &e), 0);
    assert_memory_equal(pk, f->portal->pk, SEAL_PK_LEN);
    /* the base64 line alone (the station setting) parses too */
    seal_pub_b64(pk, b64);
    assert_int_equal(strlen(b64), SEAL_B64_LEN);
    assert_int_equal(seal_pub_parse(b64, strlen(b64), pk, &e), 0);
    seal_pub_format(pk, text, sizeof text);
    seal_fingerprint(pk, fp);
    assert_non_null(strstr(text, fp));
    /* readable by others: refused */
    assert_int_equal(chmod(sec, 0640), 0);
    assert_int_equal(seal_key_read(sec, &k, &e), TT_EACCESS);
    assert_null(k);
    assert_int_equal(chmod(sec, 0600), 0);
    /* halves that do not belong together: refused */
    buf = stu_slurp(sec, &len);
    assert_non_null(buf);
    {
        char *line2 = strchr((char *)buf, '\n') + 1;

        line2[20] = line2[20] == 'A' ? 'B' : 'A';
    }
    assert_int_equal(stu_spit(sec, buf, len), 0);
    assert_int_equal(seal_key_read(sec, &k, &e), TT_EPARSE);
    assert_null(k);
    free(buf);
    /* a station's signing key is not a seal key, and says so */
    sig_pubkey_format(&f->pub, text, sizeof text);
    assert_int_equal(seal_pub_parse(text, strlen(text), pk, &e), TT_EPARSE);
    assert_non_null(strstr(e.msg, "signing key"));
    assert_int_equal(seal_pub_parse("VFM=", 4, pk, &e), TT_EPARSE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(opened_sealed_bundle_passes_every_check, setup, teardown),
        cmocka_unit_test_setup_teardown(sealed_without_key_is_not_called_verified, setup, teardown),
        cmocka_unit_test_setup_teardown(sealed_to_another_portal_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(changed_ciphertext_fails_the_signature_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(changed_ciphertext_signed_again_does_not_open, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(cut_short_sealed_payload_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(opened_content_meets_the_normal_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(content_id_is_the_plain_payload_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(seal_key_files_round_trip_and_are_strict, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
