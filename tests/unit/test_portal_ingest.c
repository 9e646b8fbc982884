/*
 * test_portal_ingest.c — the portal's ingest against a real PostgreSQL
 * (started by tests/rig/pg.sh for this binary, stopped at the end), with
 * bundles made by sync/'s writer and signed with real keys.
 *
 * Covers: the chain (accept, duplicate, gap then fill, fork), idempotent
 * events and conflicts, unknown and revoked keys, tampered files, hostile
 * names and files on the stick, the EPCIS index and the registry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../portal/acks.h"
#include "../../portal/epcis.h"
#include "../../portal/ingest.h"
#include "../../portal/quarantine.h"
#include "../../portal/registry.h"
#include "../../portal/store.h"
#include "../../portal/trace.h"
#include "../../sync/bundle.h"
#include "../../sync/sig.h"
#include "support/pg-rig.h"

static char tmp[1024];
static struct portal_store *st;
static struct sig_seckey *sk;
static struct sig_pubkey pub;
static char station[40];
static const char *station_override; /* write_bundle: the header's station, NULL = the key's */

/* An event of `seq` for lot LOT<lot> (same content for the same seq and lot). */
static int
event_json(char *buf, size_t len, uint64_t seq, int lot, const char *extra)
{
    return snprintf(buf, len,
                    "{\"type\":\"ObjectEvent\",\"eventID\":\"ni:///sha-256;%064" PRIx64
                    "?ver=CBV2.0\",\"eventTime\":\"2026-11-25T08:%02d:00.000+07:00\","
                    "\"eventTimeZoneOffset\":\"+07:00\",\"action\":\"ADD\","
                    "\"bizStep\":\"commissioning\",\"epcList\":[\"https://id.gs1.org/01/"
                    "09520123456788/10/LOT%d/21/%" PRIu64 "\"],\"tt:note\":\"Bưởi Diễn%s\"}",
                    seq, (int)(seq % 60), lot, seq, extra);
}

/*
 * Writes bundle `n` of `key` into dir/tramtem/<station>/ with the given
 * events numbered first, first+1, ...; prev is the previous bundle's b2
 * hex (NULL: zeros). The new b2 hex goes to b2_out.
 */
static void
write_bundle(const char *dir, const struct sig_seckey *key, const struct sig_pubkey *kpub,
             uint64_t n, const char *prev, uint64_t first, const char *const *events,
             uint64_t count, char b2_out[65])
{
    struct bundle_header h = {.format = BUNDLE_FORMAT,
                              .bundle_seq = n,
                              .first_event_seq = first,
                              .last_event_seq = first + count - 1,
                              .event_count = count,
                              .clock_trusted = 1};
    struct bundle_writer *w = NULL;
    uint8_t h512[SIG_HASH_LEN], b2[SIG_B2_256_LEN];
    uint64_t bytes;
    char path[2048], name[32], trusted[512], sig[2048];
    int fd;

    bundle_station_id(kpub->key_id, h.station);
    if (station_override != NULL) /* a station keeps its id when it gets a new key */
        snprintf(h.station, sizeof h.station, "%s", station_override);
    sig_keyid_hex(kpub->key_id, h.key_id);
    snprintf(h.prev_b2, sizeof h.prev_b2, "%s",
             prev != NULL ? prev
                          : "0000000000000000000000000000000000000000000000000000000000000000");
    snprintf(h.created, sizeof h.created, "2026-11-25T17:00:00+07:00");
    snprintf(path, sizeof path, "%s/tramtem", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/tramtem/%s", dir, h.station);
    mkdir(path, 0755);
    bundle_file_name(n, name);
    snprintf(path, sizeof path, "%s/tramtem/%s/%s", dir, h.station, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(bundle_writer_new(fd, &h, &w, NULL), 0);
    for (uint64_t i = 0; i < count; i++)
        assert_int_equal(bundle_writer_event(w, first + i, events[i], strlen(events[i]), NULL), 0);
    assert_int_equal(bundle_writer_finish(w, h512, b2, &bytes, NULL), 0);
    bundle_writer_free(w);
    close(fd);
    assert_true(bundle_trusted_comment(&h, trusted, sizeof trusted) >= 0);
    assert_int_equal(sig_sign_hash(key, h512, trusted, "tramtem bundle", sig, sizeof sig, NULL), 0);
    strcat(path, ".minisig");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, sig, strlen(sig)), (ssize_t)strlen(sig));
    close(fd);
    sig_hex(b2, sizeof b2, b2_out);
}

/* Bundle `n` with `count` generated events (event_json) from `first`. */
static void
make_bundle(const char *dir, const struct sig_seckey *key, const struct sig_pubkey *kpub,
            uint64_t n, const char *prev, uint64_t first, uint64_t count, const char *extra,
            char b2_out[65])
{
    char *evs[16] = {0};

    assert_true(count <= 16);
    for (uint64_t i = 0; i < count; i++) {
        evs[i] = malloc(1024);
        assert_non_null(evs[i]);
        event_json(evs[i], 1024, first + i, (int)((first + i) % 3), extra);
    }
    write_bundle(dir, key, kpub, n, prev, first, (const char *const *)evs, count, b2_out);
    for (uint64_t i = 0; i < count; i++)
        free(evs[i]);
}

/* A fresh stick folder under tmp. */
static void
stick(char *out, size_t len, const char *name)
{
    char cmd[2200];

    snprintf(out, len, "%s/%s", tmp, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", out, out);
    assert_int_equal(system(cmd), 0);
}

struct collected {
    struct portal_bundle_result r[16];
    int n;
};

static void
collect(void *ctx, const struct portal_bundle_result *r)
{
    struct collected *c = ctx;

    if (c->n < 16)
        c->r[c->n++] = *r;
}

static void
ingest(const char *dir, struct collected *c, struct portal_ingest_summary *sum)
{
    char q[1100];
    struct tt_err err = {0};

    memset(c, 0, sizeof *c);
    snprintf(q, sizeof q, "%s/quarantine", tmp);
    assert_int_equal(portal_ingest_dir(st, dir, q, collect, c, sum, &err), 0);
}

/* One integer from a query with one text parameter. */
static long long
q_int(const char *sql, const char *param)
{
    const char *params[1] = {param};
    PGresult *res;
    long long v;

    assert_int_equal(portal_store_exec(st, sql, param ? 1 : 0, params, &res, NULL), 0);
    v = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return v;
}

static int
setup(void **state)
{
    struct tt_err err = {0};
    char tpl[] = "/tmp/tt-portal-test.XXXXXX";

    (void)state;
    if (pg_rig_start("-c fsync=off") < 0)
        return -1;
    assert_non_null(mkdtemp(tpl));
    snprintf(tmp, sizeof tmp, "%s", tpl);
    assert_int_equal(sig_init(NULL), 0);
    assert_int_equal(portal_store_open(NULL, &st, &err), 0);
    assert_int_equal(portal_store_migrate(st, NULL, NULL, &err), 0);
    assert_int_equal(sig_key_generate(&sk, &pub, NULL), 0);
    portal_station_id_for_key(&pub, station);
    assert_int_equal(portal_registry_add(st, station, "HTX Bưởi Thanh Hóa", &pub, 1, &err), 0);
    return 0;
}

static int
teardown(void **state)
{
    char cmd[1100];

    (void)state;
    portal_store_close(st);
    sig_seckey_free(sk);
    assert_int_equal(pg_rig_stop(), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd);
}

static void
test_migrate_is_idempotent(void **state)
{
    int from = -1, to = -1;

    (void)state;
    assert_int_equal(portal_store_migrate(st, &from, &to, NULL), 0);
    assert_int_equal(from, portal_store_schema_version());
    assert_int_equal(to, portal_store_schema_version());
    assert_int_equal(portal_store_check(st, NULL), 0);
}

/* The chain: 1 and 2 accepted; the same stick again changes nothing. */
static void
test_chain_and_duplicates(void **state)
{
    char dir[1100], b1[65], b2[65];
    struct collected c;
    struct portal_ingest_summary sum;

    (void)state;
    stick(dir, sizeof dir, "s1");
    make_bundle(dir, sk, &pub, 1, NULL, 1, 5, "", b1);
    make_bundle(dir, sk, &pub, 2, b1, 6, 5, "", b2);
    ingest(dir, &c, &sum);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.r[0].outcome, PORTAL_ACCEPTED);
    assert_int_equal(c.r[1].outcome, PORTAL_ACCEPTED);
    assert_int_equal(sum.n_events_new, 10);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", station), 10);
    assert_int_equal(q_int("SELECT head_seq FROM stations WHERE station_id = $1", station), 2);
    assert_int_equal(q_int("SELECT head_event_seq FROM stations WHERE station_id = $1", station),
                     10);
    /* The Vietnamese text survives into jsonb. */
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE doc->>'tt:note' = $1", "Bưởi Diễn"),
                     10);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_duplicates, 2);
    assert_int_equal(sum.n_events_new, 0);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", station), 10);
}

/* Bundle 4 before 3: pending with gap 3; then 3 fills it and the head jumps to 4. */
static void
test_gap_then_fill(void **state)
{
    char dir[1100], dir2[1100], b1[65], b2[65], b3[65], b4[65];
    struct collected c;
    struct portal_ingest_summary sum;

    (void)state;
    stick(dir, sizeof dir, "gap-a");
    make_bundle(dir, sk, &pub, 1, NULL, 1, 5, "", b1);
    make_bundle(dir, sk, &pub, 2, b1, 6, 5, "", b2);
    stick(dir2, sizeof dir2, "gap-b");
    make_bundle(dir2, sk, &pub, 3, b2, 11, 4, "", b3);
    make_bundle(dir, sk, &pub, 4, b3, 15, 3, "", b4);
    ingest(dir, &c, &sum); /* 1, 2 duplicates; 4 pending */
    assert_int_equal(sum.n_duplicates, 2);
    assert_int_equal(sum.n_pending, 1);
    assert_int_equal(c.r[2].outcome, PORTAL_PENDING);
    assert_int_equal(q_int("SELECT head_seq FROM stations WHERE station_id = $1", station), 2);
    assert_int_equal(q_int("SELECT count(*) FROM gaps WHERE station_id = $1 AND bundle_seq = 3"
                           " AND filled_at IS NULL",
                           station),
                     1);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", station), 13);
    ingest(dir2, &c, &sum);
    assert_int_equal(c.r[0].outcome, PORTAL_ACCEPTED);
    assert_int_equal(q_int("SELECT head_seq FROM stations WHERE station_id = $1", station), 4);
    assert_int_equal(q_int("SELECT head_event_seq FROM stations WHERE station_id = $1", station),
                     17);
    assert_int_equal(
        q_int("SELECT count(*) FROM gaps WHERE station_id = $1 AND filled_at IS NULL", station), 0);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", station), 17);
}

/* Bundle 2 again with other content: a fork, kept, nothing imported. */
static void
test_fork(void **state)
{
    char dir[1100], b1[65], b2[65];
    struct collected c;
    struct portal_ingest_summary sum;

    (void)state;
    stick(dir, sizeof dir, "fork");
    make_bundle(dir, sk, &pub, 1, NULL, 1, 5, "", b1);
    make_bundle(dir, sk, &pub, 2, b1, 6, 5, " (restored backup)", b2);
    ingest(dir, &c, &sum);
    assert_int_equal(c.r[0].outcome, PORTAL_DUPLICATE);
    assert_int_equal(c.r[1].outcome, PORTAL_FORK);
    assert_int_equal(sum.n_forks, 1);
    assert_int_equal(
        q_int("SELECT count(*) FROM bundles WHERE status = 'fork' AND station_id = $1", station),
        1);
    assert_int_equal(
        q_int("SELECT count(*) FROM events WHERE doc->>'tt:note' LIKE '%restored%'", NULL), 0);
    assert_int_equal(q_int("SELECT head_seq FROM stations WHERE station_id = $1", station), 4);
}

/* An unknown key and a flipped byte: refused, nothing imported. */
static void
test_unknown_key_and_tamper(void **state)
{
    struct sig_seckey *other = NULL;
    struct sig_pubkey opub;
    char dir[1100], path[1300], ost[40], b[65];
    struct collected c;
    struct portal_ingest_summary sum;
    long long before = q_int("SELECT count(*) FROM events", NULL);
    FILE *f;

    (void)state;
    assert_int_equal(sig_key_generate(&other, &opub, NULL), 0);
    stick(dir, sizeof dir, "unknown");
    make_bundle(dir, other, &opub, 1, NULL, 1, 3, "", b);
    ingest(dir, &c, &sum);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.r[0].outcome, PORTAL_REJECTED);
    assert_non_null(strstr(c.r[0].reason, "unregistered"));
    sig_seckey_free(other);

    stick(dir, sizeof dir, "tamper");
    make_bundle(dir, sk, &pub, 5,
                "1111111111111111111111111111111111111111111111111111111111111111", 18, 3, "", b);
    portal_station_id_for_key(&pub, ost);
    snprintf(path, sizeof path, "%s/tramtem/%s/b-00000005.ndjson.gz", dir, ost);
    f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 40, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    ingest(dir, &c, &sum);
    assert_int_equal(c.r[0].outcome, PORTAL_REJECTED);
    assert_non_null(strstr(c.r[0].reason, "signature"));
    assert_int_equal(q_int("SELECT count(*) FROM events", NULL), before);
    assert_true(q_int("SELECT count(*) FROM rejections", NULL) >= 2);
}

/* Symlinks, FIFOs, huge files, odd names: refused or ignored, never followed. */
static void
test_hostile_stick(void **state)
{
    char dir[1100], sdir[1200], path[4200], cmd[12000];
    struct collected c;
    struct portal_ingest_summary sum;

    (void)state;
    stick(dir, sizeof dir, "hostile");
    snprintf(sdir, sizeof sdir, "%s/tramtem/%s", dir, station);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && ln -s /etc/passwd '%s/b-00000009.ndjson.gz' &&"
             " mkfifo '%s/b-00000010.ndjson.gz' && touch '%s/../..evil' '%s/B-00000001.NDJSON.GZ'"
             " '%s/b-1.ndjson.gz' && truncate -s 2M '%s/b-00000011.ndjson.gz.minisig' &&"
             " ln -s /etc '%s/../st-link'",
             sdir, sdir, sdir, sdir, sdir, sdir, sdir, sdir);
    assert_int_equal(system(cmd), 0);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_accepted + sum.n_pending + sum.n_duplicates, 0);
    assert_int_equal(sum.n_rejected, 3);
    for (int i = 0; i < c.n; i++)
        assert_int_equal(c.r[i].outcome, PORTAL_REJECTED);
    assert_int_equal(sum.n_ignored, 4); /* ..evil, B-…GZ, b-1…, the st-link symlink */
    /* Nothing of /etc came into quarantine. */
    snprintf(path, sizeof path, "grep -rl root: '%s' >/dev/null", sum.quarantine);
    assert_int_not_equal(system(path), 0);
}

/* A later key revocation: bundles after the cut are refused. */
static void
test_revoked_key(void **state)
{
    char dir[1100], b5[65];
    struct collected c;
    struct portal_ingest_summary sum;
    PGresult *res;
    char b4[65];
    const char *params[1] = {station};

    (void)state;
    assert_int_equal(portal_store_exec(st,
                                       "SELECT encode(hash, 'hex') FROM bundles WHERE station_id ="
                                       " $1 AND bundle_seq = 4 AND status = 'accepted'",
                                       1, params, &res, NULL),
                     0);
    snprintf(b4, sizeof b4, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    assert_int_equal(portal_registry_revoke(st, station, -1, "stolen", NULL), 0);
    stick(dir, sizeof dir, "revoked");
    make_bundle(dir, sk, &pub, 5, b4, 18, 2, "", b5);
    ingest(dir, &c, &sum);
    assert_int_equal(c.r[0].outcome, PORTAL_REJECTED);
    assert_non_null(strstr(c.r[0].reason, "revoked"));
    assert_int_equal(
        q_int("SELECT count(*) FROM events WHERE station_id = $1 AND seq > 17", station), 0);
}

/* Reads a signed receipt back the way the station does. */
static struct receipt *
read_receipt(const char *path, const struct sig_pubkey *ppub)
{
    char *text = NULL, trusted[SIG_TRUSTED_MAX + 1];
    size_t len = 0;
    int kind = 0;
    struct receipt *r = NULL;
    struct tt_err err = {0};

    assert_int_equal(receipt_read_signed(path, ppub, &kind, &text, &len, trusted, &err), 0);
    assert_int_equal(kind, 'r');
    assert_int_equal(receipt_parse(text, len, trusted, &r, &err), 0);
    free(text);
    return r;
}

/* Receipts: absolute state, the same number again while nothing changes. */
static void
test_receipts(void **state)
{
    struct sig_seckey *pk = NULL;
    struct sig_pubkey ppub;
    struct receipt *r = NULL, *r2 = NULL, *back;
    char dir[1100], path[1400], cmd[6000];
    int is_new = 0, written = 0, n_gap = 0, n_rej = 0;
    struct masterdata *md = NULL;

    (void)state;
    assert_int_equal(sig_key_generate(&pk, &ppub, NULL), 0);
    assert_int_equal(portal_receipt_issue(st, station, &r, &is_new, NULL), 0);
    assert_true(is_new);
    assert_int_equal(r->receipt_seq, 1);
    assert_int_equal(r->acked_through_bundle, 4);
    assert_int_equal(r->acked_through_event, 17);
    assert_string_equal(r->station_key_status, "revoked");
    for (size_t i = 0; i < r->n_items; i++) {
        n_gap += r->items[i].kind == RECEIPT_GAP;
        n_rej += r->items[i].kind == RECEIPT_REJECTED;
    }
    assert_int_equal(n_gap, 0);
    assert_true(n_rej >= 2); /* the fork and the revoked bundle */
    assert_int_equal(portal_receipt_issue(st, station, &r2, &is_new, NULL), 0);
    assert_false(is_new);
    assert_int_equal(r2->receipt_seq, 1);
    assert_string_equal(r2->portal_time, r->portal_time);
    stick(dir, sizeof dir, "receipts");
    assert_int_equal(portal_receipt_put(dir, r, pk, &written, NULL), 0);
    assert_true(written);
    snprintf(path, sizeof path, "%s/r-00000001.json", dir);
    back = read_receipt(path, &ppub);
    assert_int_equal(back->receipt_seq, 1);
    assert_int_equal(back->acked_through_bundle, 4);
    receipt_free(back);
    /* Re-issued receipt = the same bytes. */
    snprintf(cmd, sizeof cmd, "mkdir '%s/again'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/again", dir);
    assert_int_equal(portal_receipt_put(path, r2, pk, &written, NULL), 0);
    snprintf(cmd, sizeof cmd,
             "cmp '%s/r-00000001.json' '%s/again/r-00000001.json' && cmp"
             " '%s/r-00000001.json.minisig' '%s/again/r-00000001.json.minisig'",
             dir, dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    receipt_free(r);
    receipt_free(r2);
    /* Master data lists the revoked key; same content, same version. */
    assert_int_equal(portal_masterdata_issue(st, &md, &is_new, NULL), 0);
    assert_true(is_new);
    assert_int_equal(md->version, 1);
    assert_int_equal(md->n_revoked, 1);
    masterdata_free(md);
    assert_int_equal(portal_masterdata_issue(st, &md, &is_new, NULL), 0);
    assert_false(is_new);
    assert_int_equal(md->version, 1);
    masterdata_free(md);
    sig_seckey_free(pk);
}

#define EV_HEAD(type, id, min)                                                                     \
    "{\"type\":\"" type "\",\"eventID\":\"urn:uuid:" id "\",\"eventTime\":\"2026-11-25T"           \
    "09:" min ":00.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\","
#define DL "https://id.gs1.org"

/* Lot X harvested and labelled at A, packed with an item of lot Y onto one pallet, shipped; B
 * receives. */
static const char *const trace_a[] = {
    EV_HEAD("ObjectEvent", "a0000001",
            "01") "\"action\":\"ADD\",\"bizStep\":\"commissioning\","
                  "\"quantityList\":[{\"epcClass\":\"" DL
                  "/01/09520123456795/10/LOTX\",\"quantity\":50,"
                  "\"uom\":\"KGM\"}],\"ilmd\":{\"cbvmda:harvestStartDate\":\"2026-11-25\"}}",
    EV_HEAD("ObjectEvent", "a0000002",
            "02") "\"action\":\"ADD\",\"bizStep\":\"commissioning\","
                  "\"epcList\":[\"" DL
                  "/01/09520123456795/21/1\"],\"quantityList\":[{\"epcClass\":\"" DL
                  "/01/09520123456795/10/LOTX\",\"quantity\":1.5,\"uom\":\"KGM\"}]}",
    EV_HEAD("ObjectEvent", "a0000003",
            "03") "\"action\":\"ADD\",\"bizStep\":\"commissioning\","
                  "\"epcList\":[\"" DL
                  "/01/09520123456795/21/9\"],\"quantityList\":[{\"epcClass\":\"" DL
                  "/01/09520123456795/10/LOTY\",\"quantity\":1.5,\"uom\":\"KGM\"}]}",
    EV_HEAD("AggregationEvent", "a0000004",
            "04") "\"action\":\"ADD\",\"bizStep\":\"packing\","
                  "\"parentID\":\"" DL "/00/095201230000000011\",\"childEPCs\":[\"" DL
                  "/01/09520123456795/21/1\",\"" DL "/01/09520123456795/21/9\"]}",
    EV_HEAD("ObjectEvent", "a0000005", "05") "\"action\":\"OBSERVE\",\"bizStep\":\"shipping\","
                                             "\"epcList\":[\"" DL "/00/095201230000000011\"]}",
    EV_HEAD("ObjectEvent", "a0000006", "06") "\"action\":\"ADD\",\"bizStep\":\"commissioning\","
                                             "\"quantityList\":[{\"epcClass\":\"" DL
                                             "/01/09520123456795/10/LOTZ\",\"quantity\":5,"
                                             "\"uom\":\"KGM\"}]}",
};
static const char *const trace_b[] = {
    EV_HEAD("ObjectEvent", "b0000001", "30") "\"action\":\"OBSERVE\",\"bizStep\":\"receiving\","
                                             "\"epcList\":[\"" DL "/00/095201230000000011\"]}",
};

struct got {
    char ids[16][32];
    int n;
};

static int
got_event(void *ctx, const struct trace_event *ev)
{
    struct got *g = ctx;

    if (g->n < 16)
        snprintf(g->ids[g->n++], sizeof g->ids[0], "%s", ev->event_id + 9);
    return 0;
}

static void
test_trace(void **state)
{
    struct sig_seckey *ka = NULL, *kb = NULL;
    struct sig_pubkey pa, pb;
    char dir[1100], sa[40], sb[40], b[65];
    struct collected c;
    struct portal_ingest_summary sum;
    struct got g = {0};
    size_t n = 0;

    (void)state;
    assert_int_equal(sig_key_generate(&ka, &pa, NULL), 0);
    assert_int_equal(sig_key_generate(&kb, &pb, NULL), 0);
    portal_station_id_for_key(&pa, sa);
    portal_station_id_for_key(&pb, sb);
    assert_int_equal(portal_registry_add(st, sa, "HTX Nông nghiệp Yên Định", &pa, 1, NULL), 0);
    assert_int_equal(portal_registry_add(st, sb, "Kho Hà Nội", &pb, 1, NULL), 0);
    stick(dir, sizeof dir, "trace");
    write_bundle(dir, ka, &pa, 1, NULL, 1, trace_a, 6, b);
    write_bundle(dir, kb, &pb, 1, NULL, 1, trace_b, 1, b);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_accepted, 2);
    /* Lot X forward: harvest, its item, the pallet, shipping, receiving at B. Not lot Y or Z. */
    assert_int_equal(portal_trace(st, "9520123456795", "LOTX", NULL, got_event, &g, &n, NULL), 0);
    assert_int_equal(n, 5);
    assert_string_equal(g.ids[0], "a0000001");
    assert_string_equal(g.ids[1], "a0000002");
    assert_string_equal(g.ids[2], "a0000004");
    assert_string_equal(g.ids[3], "a0000005");
    assert_string_equal(g.ids[4], "b0000001");
    /* The pallet both ways: contents (both lots' items and lot X's harvest), then its journey. */
    memset(&g, 0, sizeof g);
    assert_int_equal(portal_trace(st, NULL, NULL, "095201230000000011", got_event, &g, &n, NULL),
                     0);
    assert_int_equal(n, 6);
    assert_string_equal(g.ids[0], "a0000001");
    assert_string_equal(g.ids[2], "a0000003");
    assert_string_equal(g.ids[5], "b0000001");
    /* Unknown lot: nothing, no error. Bad input: TT_EINVAL. */
    assert_int_equal(portal_trace(st, "09520123456795", "NOPE", NULL, got_event, &g, &n, NULL), 0);
    assert_int_equal(n, 0);
    assert_int_equal(portal_trace(st, "09520123456796", "LOTX", NULL, got_event, &g, &n, NULL),
                     TT_EINVAL);
    assert_int_equal(
        portal_trace(st, "09520123456795", "x' OR 1=1 --", NULL, got_event, &g, &n, NULL),
        TT_EINVAL);
    assert_int_equal(portal_trace(st, NULL, NULL, "095201230000000018", got_event, &g, &n, NULL),
                     TT_EINVAL);
    sig_seckey_free(ka);
    sig_seckey_free(kb);
}

#define CEV(id, note)                                                                              \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:" id                                         \
    "\",\"eventTime\":\"2026-11-25T10:00:00.000"                                                   \
    "+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":\"OBSERVE\",\"bizStep\":"              \
    "\"inspecting\","                                                                              \
    "\"epcList\":[\"https://id.gs1.org/00/095201230000000028\"],\"tt:note\":\"" note "\"}"

/* An eventID seen before: same content is no new event, other content is a conflict. */
static void
test_conflicts(void **state)
{
    static const char *const b1[] = {CEV("c1", "a"), CEV("c2", "a")};
    static const char *const b2[] = {CEV("c2", "khác"), CEV("c3", "a")};
    static const char *const b3[] = {CEV("c1", "a"), CEV("c4", "a")};
    struct sig_seckey *kc = NULL;
    struct sig_pubkey pc;
    char dir[1100], sc[40], h1[65], h2[65], h3[65];
    struct collected c;
    struct portal_ingest_summary sum;

    (void)state;
    assert_int_equal(sig_key_generate(&kc, &pc, NULL), 0);
    portal_station_id_for_key(&pc, sc);
    assert_int_equal(portal_registry_add(st, sc, "Trạm kiểm tra", &pc, 1, NULL), 0);
    stick(dir, sizeof dir, "conflicts");
    write_bundle(dir, kc, &pc, 1, NULL, 1, b1, 2, h1);
    write_bundle(dir, kc, &pc, 2, h1, 3, b2, 2, h2);
    write_bundle(dir, kc, &pc, 3, h2, 5, b3, 2, h3);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_accepted, 3);
    assert_int_equal(c.r[0].n_new, 2);
    assert_int_equal(c.r[1].n_new, 1);
    assert_int_equal(c.r[1].n_conflicts, 1);
    assert_int_equal(c.r[2].n_new, 1);
    assert_int_equal(c.r[2].n_conflicts, 0);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", sc), 4);
    assert_int_equal(q_int("SELECT count(*) FROM event_conflicts WHERE station_id = $1"
                           " AND event_id = 'urn:uuid:c2' AND bundle_seq = 2",
                           sc),
                     1);
    /* The stored event is the first one seen. */
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE event_id = 'urn:uuid:c2'"
                           " AND doc->>'tt:note' = $1",
                           "a"),
                     1);
    assert_int_equal(q_int("SELECT head_seq FROM stations WHERE station_id = $1", sc), 3);
    sig_seckey_free(kc);
}

/* A new key from bundle 2 on: the old key may not sign bundle 2, the new one may. */
static void
test_key_rotation(void **state)
{
    static const char *const ev1[] = {CEV("r1", "a")};
    static const char *const ev2[] = {CEV("r2", "a")};
    struct sig_seckey *k1 = NULL, *k2 = NULL;
    struct sig_pubkey p1, p2;
    char dir[1100], sd[40], h1[65], h2[65];
    struct collected c;
    struct portal_ingest_summary sum;

    (void)state;
    assert_int_equal(sig_key_generate(&k1, &p1, NULL), 0);
    assert_int_equal(sig_key_generate(&k2, &p2, NULL), 0);
    portal_station_id_for_key(&p1, sd);
    assert_int_equal(portal_registry_add(st, sd, "Trạm đổi khóa", &p1, 1, NULL), 0);
    stick(dir, sizeof dir, "rotation-1");
    write_bundle(dir, k1, &p1, 1, NULL, 1, ev1, 1, h1);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_accepted, 1);
    /* The station got a new disk and key; the officer enrols it from bundle 2. */
    assert_int_equal(portal_registry_add(st, sd, NULL, &p2, 2, NULL), 0);
    assert_int_equal(portal_registry_add(st, sd, NULL, &p2, 2, NULL), TT_EEXIST);
    /* The old key signing bundle 2 (same station folder): refused. */
    stick(dir, sizeof dir, "rotation-2");
    write_bundle(dir, k1, &p1, 2, h1, 2, ev2, 1, h2);
    ingest(dir, &c, &sum);
    assert_int_equal(c.r[0].outcome, PORTAL_REJECTED);
    assert_non_null(strstr(c.r[0].reason, "retired"));
    /* The new key signs bundle 2 under the station's own id: accepted, the chain goes on. */
    stick(dir, sizeof dir, "rotation-3");
    station_override = sd;
    write_bundle(dir, k2, &p2, 2, h1, 2, ev2, 1, h2);
    station_override = NULL;
    ingest(dir, &c, &sum);
    assert_int_equal(c.r[0].outcome, PORTAL_ACCEPTED);
    assert_int_equal(q_int("SELECT head_seq FROM stations WHERE station_id = $1", sd), 2);
    assert_int_equal(q_int("SELECT count(*) FROM station_keys WHERE station_id = $1"
                           " AND status = 'rotated' AND valid_until_bundle = 1",
                           sd),
                     1);
    sig_seckey_free(k1);
    sig_seckey_free(k2);
}

/*
 * The ingest sends rows in binary COPY format and converts eventTime
 * itself: every stored time must equal PostgreSQL's own reading of the
 * text (offsets, Z, long fractions, a rounding tie, a leap day, a leap
 * second), recordTime is the server's, and an impossible date refuses
 * the bundle with its reason instead of storing a wrong time.
 */
static void
test_binary_rows_match_postgres(void **state)
{
    static const char *const times[] = {
        "2026-11-25T08:00:00.000+07:00",    "2026-11-25T01:00:00Z",
        "2024-02-29T23:59:59.9999995Z",     "2026-11-25T08:00:00.123456789-03:30",
        "2026-12-31T23:59:60+14:00",        "1999-12-31t23:59:59.5z",
        "2000-01-01T00:00:00.0000005+00:00"};
    enum { N = sizeof times / sizeof times[0] };
    struct sig_seckey *k2 = NULL;
    struct sig_pubkey p2;
    struct collected c;
    struct portal_ingest_summary sum;
    char st2[40], dir[1100], b2[65], *evs[N], bad[1024];
    const char *one[1] = {bad};

    (void)state;
    assert_int_equal(sig_key_generate(&k2, &p2, NULL), 0);
    portal_station_id_for_key(&p2, st2);
    assert_int_equal(portal_registry_add(st, st2, "HTX Mía Nông Cống", &p2, 1, NULL), 0);
    for (int i = 0; i < N; i++) {
        evs[i] = malloc(1024);
        assert_non_null(evs[i]);
        snprintf(evs[i], 1024,
                 "{\"type\":\"ObjectEvent\",\"eventID\":\"ni:///sha-256;%064x?ver=CBV2.0\","
                 "\"eventTime\":\"%s\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":\"ADD\","
                 "\"epcList\":[\"https://id.gs1.org/01/09520123456788/10/T/21/%d\"]}",
                 0x7100 + i, times[i], i);
    }
    stick(dir, sizeof dir, "binary");
    write_bundle(dir, k2, &p2, 1, NULL, 1, (const char *const *)evs, N, b2);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_accepted, 1);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", st2), N);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1 AND"
                           " event_time IS DISTINCT FROM (doc->>'eventTime')::timestamptz",
                           st2),
                     0);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1 AND"
                           " abs(extract(epoch FROM record_time - now())) < 600",
                           st2),
                     N);
    assert_int_equal(
        q_int("SELECT count(*) FROM events WHERE station_id = $1 AND"
              " keys = ARRAY['lot:09520123456788:T', 'sgtin:09520123456788:' || (seq - 1)]"
              " AND content_hash IS NOT NULL AND doc ? 'eventTime'",
              st2),
        N);
    /* 30 February passes the reader's form check; the ingest refuses it. */
    snprintf(bad, sizeof bad, "%s", evs[0]);
    memcpy(strstr(bad, "2026-11-25"), "2026-02-30", 10);
    stick(dir, sizeof dir, "binary-bad");
    write_bundle(dir, k2, &p2, 2, b2, N + 1, one, 1, b2);
    ingest(dir, &c, &sum);
    assert_int_equal(sum.n_rejected, 1);
    if (strstr(c.r[0].reason, "eventTime") == NULL)
        fail_msg("reason: %s", c.r[0].reason);
    assert_int_equal(q_int("SELECT count(*) FROM events WHERE station_id = $1", st2), N);
    for (int i = 0; i < N; i++)
        free(evs[i]);
    sig_seckey_free(k2);
}

static void
test_names(void **state)
{
    (void)state;
    assert_true(quarantine_name_ok("b-00000042.ndjson.gz"));
    assert_true(quarantine_name_ok("b-00000042.ndjson.gz.minisig"));
    assert_false(quarantine_name_ok("b-0000042.ndjson.gz"));
    assert_false(quarantine_name_ok("b-00000042.ndjson.gz.minisig.x"));
    assert_false(quarantine_name_ok("../00000042.ndjson.gz"));
    assert_false(quarantine_name_ok("B-00000042.ndjson.gz"));
    assert_false(quarantine_name_ok("b-0000004a.ndjson.gz"));
    assert_true(portal_station_id_ok("st-1a2b3c4d"));
    assert_false(portal_station_id_ok("-x"));
    assert_false(portal_station_id_ok("../etc"));
    assert_false(portal_station_id_ok("a b"));
    assert_false(portal_station_id_ok("abcdefghijabcdefghijabcdefghijabc"));
}

/* The scanner path and the jansson path (taken for escapes) index alike. */
static void
test_epcis_paths_agree(void **state)
{
    static const char plain[] =
        "{\"type\":\"ObjectEvent\",\"eventID\":\"e2\",\"eventTime\":\"2026-11-25T08:00:00Z\","
        "\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"readPoint\":{\"id\":\"rp\"},"
        "\"epcList\":[ \"https://id.gs1.org/01/09520123456788/21/5\" ],\"quantityList\":"
        "[{\"quantity\":2,\"epcClass\":\"https://id.gs1.org/01/09520123456788/10/A-1\"}],"
        "\"ilmd\":{\"cbvmda:lotNumber\":\"B2\"},\"x\":[1,{\"y\":[2]}]}";
    static const char escaped[] =
        "{\"type\":\"ObjectEvent\",\"eventID\":\"e2\",\"eventTime\":\"2026-11-25T08:00:00Z\","
        "\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"readPoint\":{\"id\":\"rp\"},"
        "\"epcList\":[\"https:\\/\\/id.gs1.org\\/01\\/09520123456788\\/21\\/5\"],\"quantityList\":"
        "[{\"quantity\":2,\"epcClass\":\"https://id.gs1.org/01/09520123456788/10/A\\u002d1\"}],"
        "\"ilmd\":{\"cbvmda:lotNumber\":\"B2\"},\"x\":[1,{\"y\":[2]}]}";
    struct epcis_row a = {0}, b = {0};

    (void)state;
    assert_int_equal(epcis_row_from_json(plain, strlen(plain), &a, NULL), 0);
    assert_int_equal(epcis_row_from_json(escaped, strlen(escaped), &b, NULL), 0);
    assert_string_equal(a.event_id, b.event_id);
    assert_string_equal(a.read_point, "rp");
    assert_string_equal(a.read_point, b.read_point);
    assert_string_equal(a.gtin, b.gtin);
    assert_string_equal(a.lot, "A-1");
    assert_string_equal(a.lot, b.lot);
    assert_string_equal(a.serial, "5");
    assert_int_equal(a.n_keys, 3);
    assert_int_equal(b.n_keys, a.n_keys);
    for (size_t i = 0; i < a.n_keys; i++)
        assert_string_equal(a.keys[i], b.keys[i]);
    assert_string_equal(a.keys[2], "lot:09520123456788:B2");
    /* Broken JSON and non-objects are refused on either path. */
    assert_int_equal(epcis_row_from_json("{\"type\":", 9, &a, NULL), TT_EPARSE);
    assert_int_equal(epcis_row_from_json("\"x\"", 3, &a, NULL), TT_EPARSE);
    epcis_row_free(&a);
    epcis_row_free(&b);
}

static void
test_epcis_index(void **state)
{
    static const char ev[] =
        "{\"type\":\"AggregationEvent\",\"eventID\":\"e1\",\"eventTime\":\"2026-11-25T08:00:00Z\","
        "\"action\":\"ADD\",\"bizStep\":\"https://ref.gs1.org/cbv/BizStep-packing\","
        "\"parentID\":\"https://id.gs1.org/00/095201230000000011\","
        "\"childEPCs\":[\"https://id.gs1.org/01/09520123456788/10/L%2F1/21/7\"],"
        "\"childQuantityList\":[{\"epcClass\":\"https://id.gs1.org/01/09520123456788/10/L2\"}]}";
    struct epcis_row r = {0};
    char g[15], l[21], s[21], c[19];

    (void)state;
    assert_int_equal(epcis_row_from_json(ev, strlen(ev), &r, NULL), 0);
    assert_string_equal(r.biz_step, "packing");
    assert_string_equal(r.sscc, "095201230000000011");
    assert_string_equal(r.lot, "L/1");
    assert_int_equal(r.n_keys, 4);
    assert_string_equal(r.keys[0], "sscc:095201230000000011");
    assert_string_equal(r.keys[1], "lot:09520123456788:L/1");
    assert_string_equal(r.keys[2], "sgtin:09520123456788:7");
    assert_string_equal(r.keys[3], "lot:09520123456788:L2");
    assert_int_equal(epcis_dl_ids("/01/09520123456788/10/A%00", g, l, s, c), TT_EPARSE);
    assert_int_equal(epcis_dl_ids("https://x.example/01/123/10/A", g, l, s, c), TT_EPARSE);
    assert_int_equal(epcis_dl_ids("/01/09520123456788/10/A%2", g, l, s, c), TT_EPARSE);
    assert_int_equal(epcis_row_from_json("[1]", 3, &r, NULL), TT_EPARSE);
    assert_int_equal(epcis_row_from_json("{\"type\":\"ObjectEvent\"}", 22, &r, NULL), TT_EINVAL);
    epcis_row_free(&r);
}

/*
 * A pallet of 1,000 cartons: every carton is a key of the packing event
 * (a trace from the 1,000th must find its pallet), each once, in order,
 * on the fast path and the escaped one alike.
 */
static void
test_epcis_big_pallet(void **state)
{
    size_t cap = 80 * 1024, n;
    char *ev = malloc(cap), want[64];
    struct epcis_row r = {0};

    (void)state;
    assert_non_null(ev);
    for (int escaped = 0; escaped <= 1; escaped++) {
        n = (size_t)snprintf(ev, cap,
                             "{\"type\":\"AggregationEvent\",\"eventID\":\"e9\",\"eventTime\":"
                             "\"2026-11-25T08:00:00Z\",\"action\":\"ADD\",\"parentID\":"
                             "\"https:%sid.gs1.org/00/095201230000000011\",\"childEPCs\":[",
                             escaped ? "\\/\\/" : "//");
        for (int i = 1; i <= 1000; i++) /* carton 500 twice: it counts once */
            n += (size_t)snprintf(ev + n, cap - n,
                                  "%s\"https://id.gs1.org/01/09520123456788/21/%d\"",
                                  i > 1 ? "," : "", i);
        n +=
            (size_t)snprintf(ev + n, cap - n, ",\"https://id.gs1.org/01/09520123456788/21/500\"]}");
        assert_int_equal(epcis_row_from_json(ev, n, &r, NULL), 0);
        assert_int_equal(r.n_keys, 1001);
        assert_string_equal(r.keys[0], "sscc:095201230000000011");
        for (int i = 1; i <= 1000; i++) {
            snprintf(want, sizeof want, "sgtin:09520123456788:%d", i);
            assert_string_equal(r.keys[i], want);
        }
    }
    epcis_row_free(&r);
    free(ev);
}

int
main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_epcis_index),
        cmocka_unit_test(test_epcis_big_pallet),
        cmocka_unit_test(test_epcis_paths_agree),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(test_migrate_is_idempotent),
        cmocka_unit_test(test_chain_and_duplicates),
        cmocka_unit_test(test_gap_then_fill),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_unknown_key_and_tamper),
        cmocka_unit_test(test_hostile_stick),
        cmocka_unit_test(test_revoked_key),
        cmocka_unit_test(test_receipts),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_key_rotation),
        cmocka_unit_test(test_binary_rows_match_postgres),
    };
    int failed = cmocka_run_group_tests_name("portal pure", pure, NULL, NULL);

    return failed + cmocka_run_group_tests_name("portal ingest (PostgreSQL)", db, setup, teardown);
}
