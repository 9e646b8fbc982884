/*
 * portal_ingest.c — figures for the portal on a private PostgreSQL (started
 * by tests/rig/pg.sh with default settings, fsync on, and stopped at the end):
 *
 *   1. ingest of one signed bundle of N events (default 1,000,000), verify,
 *      gunzip, parse, COPY and the idempotent insert included: events/s;
 *   2. a plain COPY of exactly the rows the ingest stored, into the same
 *      (emptied) table, in the same run: rows/s, and the ratio of the two;
 *   3. lot traces on that database: p50 / p99 / max over many lots;
 *   4. resolver requests/s over loopback (lot pages as JSON), with 1 to 16
 *      concurrent clients against serve's default workers, and with one
 *      worker for comparison;
 *   5. ingest of the same events from a second station, sealed to the
 *      portal's seal key (tramtem export --encrypt-to): events/s.
 *
 * The data is shaped like a cooperative's: lots of 100 labelled items, each
 * lot with its harvest event, 100 label events, one packing onto a pallet
 * (SSCC) and the pallet's shipping.
 *
 *   bench-portal_ingest [N_EVENTS]
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../gs1/gs1.h"
#include "../portal/ingest.h"
#include "../portal/registry.h"
#include "../portal/sealkey.h"
#include "../portal/serve.h"
#include "../portal/store.h"
#include "../portal/trace.h"
#include "../sync/bundle.h"
#include "../sync/seal.h"
#include "../sync/sig.h"
#include "../tests/unit/support/clock.h"
#include "../tests/unit/support/pg-rig.h"

#define ITEMS_PER_LOT 100
#define GTIN          "09520123456788"

static void
die(const char *what, const struct tt_err *err)
{
    fprintf(stderr, "bench-portal_ingest: %s: %s\n", what, err != NULL ? err->msg : "");
    if (pg_rig_stop() != 0)
        fprintf(stderr, "could not stop the rig in %s\n", pg_rig_dir());
    exit(1);
}

/* SSCC of pallet n (company prefix 9520123, extension 0). */
static void
sscc_of(uint64_t n, char out[19])
{
    if (gs1_sscc_make(0, "9520123", n, out, NULL) < 0)
        die("sscc", NULL);
}

/* Event number `i` of the data set into buf; returns its length. */
static int
make_event(uint64_t i, char *buf, size_t len)
{
    uint64_t per = ITEMS_PER_LOT + 3, lot = i / per, k = i % per;
    char sscc[19], head[256];
    int n;

    snprintf(head, sizeof head,
             "{\"type\":\"%s\",\"eventID\":\"urn:uuid:00000000-0000-4000-8000-%012" PRIx64
             "\",\"eventTime\":\"2026-11-%02d",
             k == ITEMS_PER_LOT + 1 ? "AggregationEvent" : "ObjectEvent", i, (int)(1 + lot % 28));
    sscc_of(lot + 1, sscc);
    if (k == 0)
        n = snprintf(buf, len,
                     "%sT%02d:00:00.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":"
                     "\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":"
                     "\"https://id.gs1.org/01/" GTIN "/10/L%06" PRIu64 "\",\"quantity\":500,"
                     "\"uom\":\"KGM\"}],\"ilmd\":{\"cbvmda:harvestStartDate\":\"2026-11-01\"}}",
                     head, (int)(lot % 24), lot);
    else if (k <= ITEMS_PER_LOT)
        n = snprintf(
            buf, len,
            "%sT%02d:01:%02d.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":"
            "\"ADD\",\"bizStep\":\"commissioning\",\"epcList\":[\"https://id.gs1.org/01/" GTIN
            "/21/%" PRIu64 "\"],\"quantityList\":[{\"epcClass\":\"https://id.gs1.org"
            "/01/" GTIN "/10/L%06" PRIu64 "\",\"quantity\":1.25,\"uom\":\"KGM\"}]}",
            head, (int)(lot % 24), (int)(k % 60), lot * ITEMS_PER_LOT + k, lot);
    else if (k == ITEMS_PER_LOT + 1) {
        n = snprintf(buf, len,
                     "%sT%02d:30:00.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":"
                     "\"ADD\",\"bizStep\":\"packing\",\"parentID\":\"https://id.gs1.org/00/%s\","
                     "\"childEPCs\":[",
                     head, (int)(lot % 24), sscc);
        for (uint64_t c = 1; c <= ITEMS_PER_LOT; c++)
            n += snprintf(buf + n, len - (size_t)n,
                          "%s\"https://id.gs1.org/01/" GTIN "/21/%" PRIu64 "\"", c > 1 ? "," : "",
                          lot * ITEMS_PER_LOT + c);
        n += snprintf(buf + n, len - (size_t)n, "]}");
    } else
        n = snprintf(buf, len,
                     "%sT%02d:45:00.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":"
                     "\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\"https://id.gs1.org/00/"
                     "%s\"]}",
                     head, (int)(lot % 24), sscc);
    return n;
}

/*
 * Writes and signs bundle 1 of n events into stick/tramtem/<station>/;
 * with seal_pk the payload is sealed to it and the signature covers the
 * sealed file, as `tramtem export --encrypt-to` does.
 */
static void
make_bundle(const char *stick, const struct sig_seckey *sk, const struct sig_pubkey *pub,
            uint64_t n, const uint8_t *seal_pk)
{
    struct bundle_header h = {.format = BUNDLE_FORMAT,
                              .bundle_seq = 1,
                              .first_event_seq = 1,
                              .last_event_seq = n,
                              .event_count = n,
                              .clock_trusted = 1};
    struct bundle_writer *w = NULL;
    struct tt_err err = {0};
    uint8_t h512[SIG_HASH_LEN], b2[SIG_B2_256_LEN];
    uint64_t bytes = 0;
    char path[2048], trusted[512], sig[2048], *ev = malloc(65536);
    double t0 = now_s();
    int fd;

    bundle_station_id(pub->key_id, h.station);
    sig_keyid_hex(pub->key_id, h.key_id);
    memset(h.prev_b2, '0', 64);
    snprintf(h.created, sizeof h.created, "2026-11-28T17:00:00+07:00");
    snprintf(path, sizeof path, "%s/tramtem", stick);
    mkdir(stick, 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/tramtem/%s", stick, h.station);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/tramtem/%s/b-00000001.ndjson.gz", stick, h.station);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (ev == NULL || fd < 0 || bundle_writer_new(fd, &h, &w, &err) < 0)
        die("bundle", &err);
    for (uint64_t i = 0; i < n; i++) {
        int len = make_event(i, ev, 65536);

        if (bundle_writer_event(w, i + 1, ev, (size_t)len, &err) < 0)
            die("bundle event", &err);
    }
    if (bundle_writer_finish(w, h512, b2, &bytes, &err) < 0)
        die("bundle finish", &err);
    bundle_writer_free(w);
    if (seal_pk != NULL) {
        char sealed[2100];
        int out;

        snprintf(sealed, sizeof sealed, "%s.sealed", path);
        out = open(sealed, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || lseek(fd, 0, SEEK_SET) != 0 || seal_fd(fd, out, seal_pk, &err) < 0 ||
            lseek(out, 0, SEEK_SET) != 0 || sig_hash_fd(out, h512, b2, &err) < 0 ||
            rename(sealed, path) < 0)
            die("seal", &err);
        close(out);
    }
    close(fd);
    if (bundle_trusted_comment(&h, trusted, sizeof trusted) < 0 ||
        sig_sign_hash(sk, h512, trusted, "tramtem bundle", sig, sizeof sig, &err) < 0)
        die("sign", &err);
    strcat(path, ".minisig");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, sig, strlen(sig)) != (ssize_t)strlen(sig))
        die("write signature", NULL);
    close(fd);
    free(ev);
    printf("%s: %" PRIu64 " events, %.1f MB gzip, made in %.1f s\n",
           seal_pk != NULL ? "sealed bundle" : "bundle", n, (double)bytes / 1e6, now_s() - t0);
}

/* CPU seconds used so far by this process (user + system). */
static double
self_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * CPU seconds used so far by the PostgreSQL backend serving `st`, from
 * /proc (fields 14 and 15 of stat); -1 when it cannot be read.
 */
static double
backend_cpu_s(struct portal_store *st)
{
    char path[64], line[1024], *p;
    unsigned long ut, stime;
    FILE *f;
    int ok;

    snprintf(path, sizeof path, "/proc/%d/stat", PQbackendPID(portal_store_conn(st)));
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    p = fgets(line, sizeof line, f);
    fclose(f);
    p = p != NULL ? strrchr(line, ')') : NULL;
    ok = p != NULL &&
         sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stime) == 2;
    return ok ? (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK) : -1;
}

/* COPY the stored rows out to a file, empty the table, COPY them back: rows/s. */
static double
plain_copy(struct portal_store *st, const char *file, uint64_t n)
{
    PGconn *c = portal_store_conn(st);
    PGresult *res = PQexec(c, "COPY (SELECT * FROM events) TO STDOUT");
    FILE *f = fopen(file, "w+");
    char *row, buf[1 << 16];
    size_t got;
    int len;
    double t0, dt, server0;

    if (f == NULL || PQresultStatus(res) != PGRES_COPY_OUT)
        die("copy out", NULL);
    PQclear(res);
    while ((len = PQgetCopyData(c, &row, 0)) > 0) {
        fwrite(row, 1, (size_t)len, f);
        PQfreemem(row);
    }
    while ((res = PQgetResult(c)) != NULL)
        PQclear(res);
    PQclear(PQexec(c, "TRUNCATE events"));
    PQclear(PQexec(c, "CHECKPOINT"));
    rewind(f);
    t0 = now_s();
    server0 = backend_cpu_s(st);
    res = PQexec(c, "COPY events FROM STDIN");
    if (PQresultStatus(res) != PGRES_COPY_IN)
        die("copy in", NULL);
    PQclear(res);
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        if (PQputCopyData(c, buf, (int)got) != 1)
            die("copy data", NULL);
    PQputCopyEnd(c, NULL);
    while ((res = PQgetResult(c)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            die(PQresultErrorMessage(res), NULL);
        PQclear(res);
    }
    dt = now_s() - t0;
    fclose(f);
    unlink(file);
    printf("plain COPY of the same %" PRIu64
           " rows into the same table: %.1f s, %.0f rows/s (server CPU %.1f s)\n",
           n, dt, (double)n / dt, backend_cpu_s(st) - server0);
    return (double)n / dt;
}

static int
count_event(void *ctx, const struct trace_event *ev)
{
    (void)ev;
    (*(size_t *)ctx)++;
    return 0;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
bench_traces(struct portal_store *st, uint64_t n_lots)
{
    enum { RUNS = 300 };
    double ms[RUNS];
    size_t total = 0;

    srand(42);
    for (int i = 0; i < RUNS; i++) {
        char lot[32];
        size_t n = 0, seen = 0;
        struct tt_err err = {0};
        double t0;

        snprintf(lot, sizeof lot, "L%06lu", (unsigned long)((uint64_t)rand() % n_lots));
        t0 = now_s();
        if (portal_trace(st, GTIN, lot, NULL, count_event, &seen, &n, &err) < 0)
            die("trace", &err);
        ms[i] = (now_s() - t0) * 1000;
        total += n;
    }
    qsort(ms, RUNS, sizeof ms[0], cmp_double);
    printf("lot trace (%d random lots, %.0f events each): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           RUNS, (double)total / RUNS, ms[RUNS / 2], ms[RUNS * 99 / 100], ms[RUNS - 1]);
}

/* One HTTP/1.0 request; returns the status code or -1. */
static int
http_get(unsigned port, const char *path)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    char req[512], buf[65536];
    int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
    ssize_t n, total = 0;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nAccept: application/json\r\n\r\n", path);
    if (write(fd, req, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    while ((n = read(fd, buf + total, sizeof buf - 1 - (size_t)total)) > 0 &&
           total + n < (ssize_t)sizeof buf - 1)
        total += n;
    buf[total > 0 ? total : 0] = '\0';
    if (total > 12)
        status = atoi(buf + 9);
    close(fd);
    return status;
}

struct client {
    unsigned port;
    uint64_t n_lots;
    double until;
    unsigned seed;
    unsigned long ok, failed;
};

/* One client: lot pages one after another, a new connection each, until the deadline. */
static void *
client_run(void *arg)
{
    struct client *c = arg;

    while (now_s() < c->until) {
        char path[64];

        snprintf(path, sizeof path, "/01/" GTIN "/10/L%06lu",
                 (unsigned long)((uint64_t)rand_r(&c->seed) % c->n_lots));
        if (http_get(c->port, path) == 200)
            c->ok++;
        else
            c->failed++;
    }
    return NULL;
}

/* requests/s of n_clients clients for 5 s against a server with `threads` workers. */
static void
resolver_run(uint64_t n_lots, unsigned threads, unsigned n_clients)
{
    struct portal_serve_opts o = {.listen = "127.0.0.1:0", .threads = threads};
    struct portal_server *srv = NULL;
    struct client c[16];
    pthread_t t[16];
    struct tt_err err = {0};
    unsigned long ok = 0, failed = 0;
    double t0, dt;

    if (portal_serve_start(&o, &srv, &err) < 0)
        die("serve", &err);
    t0 = now_s();
    for (unsigned i = 0; i < n_clients; i++) {
        c[i] = (struct client){portal_serve_port(srv), n_lots, t0 + 5.0, 42 + i, 0, 0};
        if (pthread_create(&t[i], NULL, client_run, &c[i]) != 0)
            die("pthread_create", NULL);
    }
    for (unsigned i = 0; i < n_clients; i++) {
        pthread_join(t[i], NULL);
        ok += c[i].ok;
        failed += c[i].failed;
    }
    dt = now_s() - t0;
    printf("resolver, %u worker%s, %2u client%s: %6lu lot pages in %.1f s: %5.0f requests/s"
           "%s\n",
           threads, threads == 1 ? " " : "s", n_clients, n_clients == 1 ? " " : "s", ok, dt,
           (double)ok / dt, failed ? " (some failed)" : "");
    portal_serve_stop(srv);
}

/*
 * Lot pages as JSON (~103 events each) over loopback, one connection per
 * request: one client and several, against the default workers, and the
 * same with one worker for comparison.
 */
static void
bench_resolver(uint64_t n_lots)
{
    static const unsigned clients[] = {1, 2, 4, 8, 16};
    unsigned threads = portal_serve_threads_default();
    double load[3] = {0, 0, 0};

    if (getloadavg(load, 3) > 0)
        printf("load average before the resolver runs: %.2f %.2f %.2f (%ld CPUs)\n", load[0],
               load[1], load[2], sysconf(_SC_NPROCESSORS_ONLN));
    for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++)
        resolver_run(n_lots, threads, clients[i]);
    resolver_run(n_lots, 1, 1);
    resolver_run(n_lots, 1, 8);
}

/*
 * The same n events from a second station, sealed to the portal's seal
 * key: signature over the sealed file, then the stream opened (once for
 * the bundle's id, once for the import) while the rows go out.
 */
static void
bench_sealed(struct portal_store *st, const char *tmp, uint64_t n)
{
    char stick[1100], q[1100], key[1100], station[40];
    struct sig_seckey *sk = NULL;
    struct sig_pubkey pub;
    struct portal_ingest_summary sum;
    struct tt_err err = {0};
    uint8_t seal_pk[SEAL_PK_LEN];
    double t0, dt;
    int loaded = 0;

    snprintf(stick, sizeof stick, "%s/stick-sealed", tmp);
    snprintf(q, sizeof q, "%s/q-sealed", tmp);
    snprintf(key, sizeof key, "%s/portal.key", tmp);
    if (sig_key_generate(&sk, &pub, &err) < 0 || portal_sealkey_init(key, seal_pk, &err) < 0 ||
        portal_sealkey_load(key, &loaded, &err) < 0 || !loaded)
        die("seal key", &err);
    portal_station_id_for_key(&pub, station);
    if (portal_registry_add(st, station, "HTX Mía Nông Cống", &pub, 1, &err) < 0)
        die("station", &err);
    make_bundle(stick, sk, &pub, n, seal_pk);
    PQclear(PQexec(portal_store_conn(st), "CHECKPOINT"));
    t0 = now_s();
    if (portal_ingest_dir(st, stick, q, NULL, NULL, &sum, &err) < 0 || sum.n_accepted != 1)
        die("sealed ingest", &err);
    dt = now_s() - t0;
    printf("ingest of the same events sealed (X25519 + XChaCha20-Poly1305): %" PRIu64
           " events in %.1f s, %.0f events/s\n",
           sum.n_events_new, dt, (double)sum.n_events_new / dt);
    portal_sealkey_unload();
    sig_seckey_free(sk);
}

int
main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    char tmp[] = "/tmp/tt-bench-portal.XXXXXX", stick[1100], q[1100], cmd[1200];
    struct portal_store *st = NULL;
    struct sig_seckey *sk = NULL;
    struct sig_pubkey pub;
    struct portal_ingest_summary sum;
    struct tt_err err = {0};
    char station[40];
    double t0, dt, ingest_rate, copy_rate, client0, server0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (n < ITEMS_PER_LOT + 3 || mkdtemp(tmp) == NULL)
        die("usage: bench-portal_ingest [N_EVENTS >= 103]", NULL);
    if (pg_rig_start(NULL) < 0)
        die("cannot start the PostgreSQL rig (run from the source tree)", NULL);
    if (sig_init(&err) < 0 || portal_store_open(NULL, &st, &err) < 0 ||
        portal_store_migrate(st, NULL, NULL, &err) < 0 || sig_key_generate(&sk, &pub, &err) < 0)
        die("setup", &err);
    portal_station_id_for_key(&pub, station);
    if (portal_registry_add(st, station, "HTX Bưởi Luận Văn", &pub, 1, &err) < 0)
        die("station", &err);
    snprintf(stick, sizeof stick, "%s/stick", tmp);
    snprintf(q, sizeof q, "%s/q", tmp);
    make_bundle(stick, sk, &pub, n, NULL);
    /* Both loads start from a checkpoint: neither pays for the other's dirty pages. */
    PQclear(PQexec(portal_store_conn(st), "CHECKPOINT"));
    t0 = now_s();
    client0 = self_cpu_s();
    server0 = backend_cpu_s(st);
    if (portal_ingest_dir(st, stick, q, NULL, NULL, &sum, &err) < 0 || sum.n_accepted != 1)
        die("ingest", &err);
    dt = now_s() - t0;
    ingest_rate = (double)sum.n_events_new / dt;
    printf("ingest (quarantine copy, verify, gunzip, parse, COPY, insert): %" PRIu64
           " events in %.1f s, %.0f events/s (client CPU %.1f s, server CPU %.1f s)\n",
           sum.n_events_new, dt, ingest_rate, self_cpu_s() - client0, backend_cpu_s(st) - server0);
    snprintf(cmd, sizeof cmd, "%s/copy.txt", tmp);
    copy_rate = plain_copy(st, cmd, n);
    printf("ingest / plain COPY: %.2f\n", ingest_rate / copy_rate);
    /* The ingest's time includes merging the GIN pending list; the COPY's does not. */
    t0 = now_s();
    portal_ingest_tidy(st);
    dt = now_s() - t0;
    printf("GIN pending-list merge after the plain COPY: %.1f s; ingest / (COPY + merge): %.2f\n",
           dt, ingest_rate / ((double)n / ((double)n / copy_rate + dt)));
    PQclear(PQexec(portal_store_conn(st), "ANALYZE events"));
    if (getenv("BENCH_PAUSE") != NULL) {
        printf("PGHOST=%s; press enter\n", getenv("PGHOST"));
        getchar();
    }
    bench_traces(st, n / (ITEMS_PER_LOT + 3));
    bench_resolver(n / (ITEMS_PER_LOT + 3));
    bench_sealed(st, tmp, n);
    portal_store_close(st);
    sig_seckey_free(sk);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 && pg_rig_stop() == 0 ? 0 : 1;
}
