/*
 * bundle.c — writing and verifying bundle payloads (bundle.h has the
 * format). The writer streams events through zlib into a gzip member with
 * a zero mtime, so the same input always gives the same bytes. The reader
 * checks the minisign signature over the raw file first and only then
 * inflates and parses, line by line, in constant memory.
 */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "epcis-check.h"

#define CHUNK   (256 * 1024)
#define ZERO_B2 "0000000000000000000000000000000000000000000000000000000000000000"

void
bundle_file_name(uint64_t n, char out[32])
{
    snprintf(out, 32, "b-%08" PRIu64 ".ndjson.gz", n);
}

int
bundle_name_parse(const char *name, uint64_t *n_out)
{
    uint64_t n = 0;
    size_t i;

    if (strncmp(name, "b-", 2) != 0)
        return TT_EPARSE;
    for (i = 2; name[i] >= '0' && name[i] <= '9'; i++) {
        if (i >= 2 + 16)
            return TT_EPARSE;
        n = n * 10 + (uint64_t)(name[i] - '0');
    }
    if (i < 2 + 8 || strcmp(name + i, ".ndjson.gz") != 0 || n == 0)
        return TT_EPARSE;
    *n_out = n;
    return 0;
}

void
bundle_station_id(const uint8_t key_id[SIG_KEYID_LEN], char out[BUNDLE_STATION_MAX])
{
    char hex[17];

    sig_keyid_hex(key_id, hex);
    snprintf(out, BUNDLE_STATION_MAX, "st-%.8s", hex);
    for (char *p = out; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
}

int
bundle_trusted_comment(const struct bundle_header *h, char *out, size_t out_len)
{
    int n = snprintf(out, out_len,
                     "tramtem-bundle/%d st=%s kid=%s seq=%" PRIu64 " ev=%" PRIu64 "-%" PRIu64
                     " n=%" PRIu64 " prev=%s created=%s",
                     h->format, h->station, h->key_id, h->bundle_seq, h->first_event_seq,
                     h->last_event_seq, h->event_count, h->prev_b2, h->created);

    return n < 0 || (size_t)n >= out_len ? TT_EINVAL : 0;
}

int
bundle_header_format(const struct bundle_header *h, char *out, size_t out_len)
{
    int n =
        snprintf(out, out_len,
                 "{\"tramtem\":\"bundle\",\"format\":%d,\"station\":\"%s\",\"key_id\":\"%s\","
                 "\"bundle_seq\":%" PRIu64 ",\"prev_b2\":\"%s\",\"first_event_seq\":%" PRIu64
                 ",\"last_event_seq\":%" PRIu64 ",\"event_count\":%" PRIu64
                 ",\"created_claimed\":\"%s\",\"clock_trusted\":%s,"
                 "\"last_receipt_seq_seen\":%" PRIu64 ",\"master_data_version\":%" PRIu64 "}\n",
                 h->format, h->station, h->key_id, h->bundle_seq, h->prev_b2, h->first_event_seq,
                 h->last_event_seq, h->event_count, h->created, h->clock_trusted ? "true" : "false",
                 h->last_receipt_seq_seen, h->master_data_version);

    return n < 0 || (size_t)n >= out_len ? TT_EINVAL : n;
}

/* Only safe characters in names that go into JSON and comments unescaped. */
static int
token_ok(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n >= max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '+' || c == ':' || c == '.' || c == '_'))
            return 0;
    }
    return 1;
}

static int
header_sane(const struct bundle_header *h, struct tt_err *err)
{
    uint8_t tmp[SIG_B2_256_LEN];

    if (h->format != BUNDLE_FORMAT)
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_HEADER, "bundle_header",
                           "unknown bundle format %d (this program reads format %d)", h->format,
                           BUNDLE_FORMAT);
    if (!token_ok(h->station, sizeof h->station) || !token_ok(h->key_id, sizeof h->key_id) ||
        strlen(h->key_id) != 16 || !token_ok(h->created, sizeof h->created))
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_HEADER, "bundle_header",
                           "station, key id or created time has a bad form");
    if (strlen(h->prev_b2) != 64 || sig_unhex(h->prev_b2, tmp, sizeof tmp) != 0)
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_HEADER, "bundle_header",
                           "prev_b2 is not 64 hex digits");
    if (h->bundle_seq == 0 || h->event_count == 0 || h->first_event_seq == 0 ||
        h->first_event_seq > h->last_event_seq ||
        h->last_event_seq - h->first_event_seq < h->event_count - 1)
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_HEADER, "bundle_header",
                           "bundle number, event range or count is impossible");
    if (h->bundle_seq == 1 && strcmp(h->prev_b2, ZERO_B2) != 0)
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_CHAIN, "bundle_header",
                           "bundle 1 must have prev_b2 of zeros");
    return 0;
}

/* --- writer --------------------------------------------------------------- */

struct bundle_writer {
    int fd;
    z_stream z;
    unsigned char *out;
    unsigned char *stage; /* input gathered for deflate: one call per CHUNK, not three a line */
    unsigned char *spare; /* the other half of the double buffer */
    size_t stage_len;
    struct sig_hasher hasher;
    struct bundle_header h;
    uint64_t n_events, last_seq, bytes;
    int failed;
    /*
     * A worker thread deflates, hashes and writes one full buffer while the
     * caller fills the other from the store (two cores: about a third off an
     * export). Only one thread at a time touches z, out, hasher and bytes:
     * the caller does so only after writer_wait().
     */
    pthread_t thread;
    int thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const unsigned char *job;
    size_t job_len;
    int job_ready, quit, worker_rc;
    struct tt_err worker_err;
};

/* Deflates `len` bytes (or finishes when `finish`) and writes what comes out. */
static int
writer_deflate(struct bundle_writer *w, const void *data, size_t len, int finish,
               struct tt_err *err)
{
    int zrc;

    w->z.next_in = (Bytef *)(uintptr_t)data;
    w->z.avail_in = (uInt)len;
    do {
        size_t have;
        const unsigned char *p = w->out;

        w->z.next_out = w->out;
        w->z.avail_out = CHUNK;
        zrc = deflate(&w->z, finish ? Z_FINISH : Z_NO_FLUSH);
        if (zrc == Z_STREAM_ERROR)
            return tt_err_set(err, TT_EINVAL, "bundle_writer", "zlib stream error");
        have = CHUNK - w->z.avail_out;
        sig_hasher_update(&w->hasher, w->out, have);
        w->bytes += have;
        while (have > 0) {
            ssize_t n = write(w->fd, p, have);

            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                int e = errno;

                w->failed = 1;
                return tt_err_set(err, e == ENOSPC ? TT_ENOSPC : TT_EIO, "bundle_writer",
                                  "cannot write the bundle: %s", strerror(e));
            }
            p += n;
            have -= (size_t)n;
        }
    } while (w->z.avail_out == 0 || (finish && zrc != Z_STREAM_END));
    return 0;
}

static void *
writer_worker(void *arg)
{
    struct bundle_writer *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        const unsigned char *data;
        size_t len;
        int rc;

        while (!w->job_ready && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->job_ready)
            break;
        data = w->job;
        len = w->job_len;
        rc = w->worker_rc;
        pthread_mutex_unlock(&w->mu);
        if (rc == 0)
            rc = writer_deflate(w, data, len, 0, &w->worker_err);
        pthread_mutex_lock(&w->mu);
        w->worker_rc = rc;
        w->job_ready = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Waits until the worker is idle; returns its first error, copied into err. */
static int
writer_wait(struct bundle_writer *w, struct tt_err *err)
{
    int rc;

    pthread_mutex_lock(&w->mu);
    while (w->job_ready)
        pthread_cond_wait(&w->cv, &w->mu);
    rc = w->worker_rc;
    pthread_mutex_unlock(&w->mu);
    if (rc != 0 && err != NULL)
        *err = w->worker_err;
    return rc;
}

/* Hands the full stage buffer to the worker and goes on with the other one. */
static int
writer_hand_over(struct bundle_writer *w, struct tt_err *err)
{
    unsigned char *t;
    int rc = writer_wait(w, err);

    if (rc != 0 || w->stage_len == 0)
        return rc;
    pthread_mutex_lock(&w->mu);
    w->job = w->stage;
    w->job_len = w->stage_len;
    w->job_ready = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    t = w->stage;
    w->stage = w->spare;
    w->spare = t;
    w->stage_len = 0;
    return 0;
}

/* Gathers bytes; deflates them a CHUNK at a time (and everything when finishing). */
static int
writer_push(struct bundle_writer *w, const void *data, size_t len, int finish, struct tt_err *err)
{
    int rc;

    if ((w->stage_len + len > CHUNK || finish) && (rc = writer_hand_over(w, err)) != 0)
        return rc;
    if (len >= CHUNK) {
        /* a very long line: deflated here, in order, once the worker is idle */
        if ((rc = writer_wait(w, err)) != 0)
            return rc;
        rc = writer_deflate(w, data, len, 0, err);
    } else {
        if (len > 0)
            memcpy(w->stage + w->stage_len, data, len);
        w->stage_len += len;
        rc = 0;
    }
    if (rc == 0 && finish && (rc = writer_wait(w, err)) == 0)
        rc = writer_deflate(w, NULL, 0, 1, err);
    return rc;
}

int
bundle_writer_new(int fd, const struct bundle_header *h, struct bundle_writer **out,
                  struct tt_err *err)
{
    struct bundle_writer *w;
    char line[1024];
    int n, rc;

    *out = NULL;
    if ((rc = header_sane(h, err)) != 0)
        return rc;
    if ((w = calloc(1, sizeof *w)) == NULL || (w->out = malloc(CHUNK)) == NULL ||
        (w->stage = malloc(CHUNK)) == NULL || (w->spare = malloc(CHUNK)) == NULL) {
        if (w != NULL) {
            free(w->out);
            free(w->stage);
        }
        free(w);
        return tt_err_set(err, TT_ENOMEM, "bundle_writer_new", "no memory");
    }
    w->fd = fd;
    w->h = *h;
    sig_hasher_init(&w->hasher);
    /* windowBits 15+16: a gzip wrapper with mtime 0 and no name, so bytes are reproducible;
     * level 1: deflate was two thirds of the export time at level 6, for ~15% smaller files. */
    if (deflateInit2(&w->z, 1, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(w->out);
        free(w->stage);
        free(w->spare);
        free(w);
        return tt_err_set(err, TT_ENOMEM, "bundle_writer_new", "zlib could not start");
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, writer_worker, w) != 0) {
        bundle_writer_free(w);
        return tt_err_set(err, TT_ENOMEM, "bundle_writer_new", "cannot start a thread");
    }
    w->thread_started = 1;
    n = bundle_header_format(h, line, sizeof line);
    if (n < 0 || (rc = writer_push(w, line, (size_t)n, 0, err)) != 0) {
        bundle_writer_free(w);
        return n < 0 ? tt_err_set(err, TT_EINVAL, "bundle_writer_new", "header too long") : rc;
    }
    *out = w;
    return 0;
}

static int
one_line_object(const char *json, size_t len)
{
    return len >= 2 && json[0] == '{' && json[len - 1] == '}' && memchr(json, '\n', len) == NULL &&
           len < BUNDLE_LINE_MAX - 64;
}

int
bundle_writer_masterdata(struct bundle_writer *w, const char *json, size_t len, struct tt_err *err)
{
    int rc;

    if (w->n_events > 0 || !one_line_object(json, len))
        return tt_err_set(err, TT_EINVAL, "bundle_writer_masterdata",
                          "master data must be one-line objects written before the events");
    if ((rc = writer_push(w, "{\"masterdata\":", 14, 0, err)) == 0 &&
        (rc = writer_push(w, json, len, 0, err)) == 0)
        rc = writer_push(w, "}\n", 2, 0, err);
    return rc;
}

int
bundle_writer_event(struct bundle_writer *w, uint64_t seq, const char *json, size_t len,
                    struct tt_err *err)
{
    char prefix[64];
    int n, rc;

    if (seq < w->h.first_event_seq || seq > w->h.last_event_seq ||
        (w->n_events > 0 && seq <= w->last_seq) || w->n_events >= w->h.event_count)
        return tt_err_set(err, TT_EINVAL, "bundle_writer_event",
                          "event %" PRIu64 " is out of order or outside the declared range", seq);
    if (!one_line_object(json, len))
        return tt_err_set(err, TT_EINVAL, "bundle_writer_event",
                          "event %" PRIu64 " is not a one-line JSON object", seq);
    if (w->n_events == 0 && seq != w->h.first_event_seq)
        return tt_err_set(err, TT_EINVAL, "bundle_writer_event",
                          "the first event is %" PRIu64 ", the header says %" PRIu64, seq,
                          w->h.first_event_seq);
    n = snprintf(prefix, sizeof prefix, "{\"seq\":%" PRIu64 ",\"event\":", seq);
    if ((rc = writer_push(w, prefix, (size_t)n, 0, err)) == 0 &&
        (rc = writer_push(w, json, len, 0, err)) == 0)
        rc = writer_push(w, "}\n", 2, 0, err);
    if (rc == 0) {
        w->n_events++;
        w->last_seq = seq;
    }
    return rc;
}

int
bundle_writer_finish(struct bundle_writer *w, uint8_t hash512[SIG_HASH_LEN],
                     uint8_t b2_256[SIG_B2_256_LEN], uint64_t *bytes_out, struct tt_err *err)
{
    char line[128];
    int n, rc;

    if (w->n_events != w->h.event_count || w->last_seq != w->h.last_event_seq)
        return tt_err_set(err, TT_EINVAL, "bundle_writer_finish",
                          "wrote %" PRIu64 " events up to %" PRIu64 ", the header declared %" PRIu64
                          " up to %" PRIu64,
                          w->n_events, w->last_seq, w->h.event_count, w->h.last_event_seq);
    n = snprintf(line, sizeof line,
                 "{\"tramtem\":\"trailer\",\"event_count\":%" PRIu64 ",\"last_event_seq\":%" PRIu64
                 "}\n",
                 w->n_events, w->last_seq);
    if ((rc = writer_push(w, line, (size_t)n, 0, err)) != 0 ||
        (rc = writer_push(w, NULL, 0, 1, err)) != 0)
        return rc;
    sig_hasher_final(&w->hasher, hash512, b2_256);
    if (bytes_out != NULL)
        *bytes_out = w->bytes;
    return 0;
}

void
bundle_writer_free(struct bundle_writer *w)
{
    if (w == NULL)
        return;
    if (w->thread_started) {
        pthread_mutex_lock(&w->mu);
        w->quit = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    deflateEnd(&w->z);
    free(w->out);
    free(w->stage);
    free(w->spare);
    free(w);
}

/* --- reader --------------------------------------------------------------- */

enum parse_state { PS_HEADER, PS_BODY, PS_DONE };

struct parse {
    z_stream z;
    int z_init, z_end;
    unsigned char *out;
    char *line;
    size_t line_len;
    uint64_t line_no, in_total, out_bytes;
    enum parse_state state;
    const char *trusted;
    const struct bundle_expect *ex;
    bundle_event_fn on_event;
    bundle_masterdata_fn on_md;
    void *ctx;
    struct bundle_info *info;
    uint64_t n_events, last_seq;
    struct tt_err *err;
};

static int perr(struct parse *p, int code, int problem, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
perr(struct parse *p, int code, int problem, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tt_err_setd(p->err, code, problem, "bundle_verify", "line %" PRIu64 ": %s", p->line_no,
                       msg);
}

/* Reads the header line with jansson into h; all keys, nothing else. */
static int
header_unpack(const char *line, size_t len, struct bundle_header *h)
{
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *tag, *station, *kid, *prev, *created;
    json_int_t fmt, seq, first, last, count, rseen, mdv;
    int trusted, rc;

    if (root == NULL)
        return TT_EPARSE;
    rc = json_unpack_ex(root, &jerr, JSON_STRICT,
                        "{s:s, s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:b, s:I, s:I}",
                        "tramtem", &tag, "format", &fmt, "station", &station, "key_id", &kid,
                        "bundle_seq", &seq, "prev_b2", &prev, "first_event_seq", &first,
                        "last_event_seq", &last, "event_count", &count, "created_claimed", &created,
                        "clock_trusted", &trusted, "last_receipt_seq_seen", &rseen,
                        "master_data_version", &mdv);
    if (rc == 0 && (strcmp(tag, "bundle") != 0 || fmt < 0 || fmt > 1000 || seq < 0 || first < 0 ||
                    last < 0 || count < 0 || rseen < 0 || mdv < 0 ||
                    strlen(station) >= sizeof h->station || strlen(kid) >= sizeof h->key_id ||
                    strlen(prev) >= sizeof h->prev_b2 || strlen(created) >= sizeof h->created))
        rc = -1;
    if (rc == 0) {
        memset(h, 0, sizeof *h);
        h->format = (int)fmt;
        strcpy(h->station, station);
        strcpy(h->key_id, kid);
        h->bundle_seq = (uint64_t)seq;
        strcpy(h->prev_b2, prev);
        h->first_event_seq = (uint64_t)first;
        h->last_event_seq = (uint64_t)last;
        h->event_count = (uint64_t)count;
        strcpy(h->created, created);
        h->clock_trusted = trusted;
        h->last_receipt_seq_seen = (uint64_t)rseen;
        h->master_data_version = (uint64_t)mdv;
    }
    json_decref(root);
    return rc == 0 ? 0 : TT_EPARSE;
}

static int
check_expect(struct parse *p, const struct bundle_header *h)
{
    const struct bundle_expect *ex = p->ex;
    uint64_t n;

    if (ex == NULL)
        return 0;
    if (ex->station != NULL && strcmp(ex->station, h->station) != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_STATION,
                    "the bundle is from station %s, not the expected one", h->station);
    if (ex->file_name != NULL && (bundle_name_parse(ex->file_name, &n) != 0 || n != h->bundle_seq))
        return perr(p, TT_EINVAL, BUNDLE_P_NAME,
                    "the file name %s does not match the bundle number inside", ex->file_name);
    if (ex->bundle_seq != 0 && ex->bundle_seq != h->bundle_seq) {
        char msg[96];

        snprintf(msg, sizeof msg, "bundle %" PRIu64 " where %" PRIu64 " was expected",
                 h->bundle_seq, ex->bundle_seq);
        return perr(
            p, TT_EINVAL, h->bundle_seq < ex->bundle_seq ? BUNDLE_P_REPLAY : BUNDLE_P_SEQUENCE,
            h->bundle_seq < ex->bundle_seq ? "old bundle replayed: %s" : "bundles missing: %s",
            msg);
    }
    if (ex->prev_b2 != NULL && strcmp(ex->prev_b2, h->prev_b2) != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_CHAIN, "%s",
                    "prev_b2 is not the hash of the previous bundle (broken chain or fork)");
    return 0;
}

static int
line_header(struct parse *p, const char *line, size_t len)
{
    struct bundle_header *h = &p->info->header;
    char canon[1024], comment[512];
    int n, rc;

    if (header_unpack(line, len, h) != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_HEADER, "%s", "the header line is malformed");
    n = bundle_header_format(h, canon, sizeof canon);
    if (n < 0 || (size_t)n != len + 1 || memcmp(canon, line, len) != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_HEADER, "%s",
                    "the header line is not in the canonical layout");
    if ((rc = header_sane(h, p->err)) != 0)
        return rc;
    if (p->trusted != NULL) {
        bundle_trusted_comment(h, comment, sizeof comment);
        if (strcmp(comment, p->trusted) != 0)
            return perr(p, TT_EINVAL, BUNDLE_P_COMMENT, "%s",
                        "the header does not match the signed trusted comment");
    }
    return check_expect(p, h);
}

static int
parse_u64(const char *s, size_t len, size_t *used, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;

    if (len == 0 || s[0] < '1' || s[0] > '9')
        return -1;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (i >= 19)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *used = i;
    *out = v;
    return 0;
}

/* The caller's callback said no: keep its message, mark where it came from. */
static int
callback_failed(struct parse *p, int rc)
{
    char why[sizeof p->err->msg];

    /* Copied first: the callback wrote into the very buffer we format into. */
    snprintf(why, sizeof why, "%s", p->err != NULL ? p->err->msg : "callback failed");
    return tt_err_setd(p->err, rc, BUNDLE_P_CALLBACK, "bundle_verify", "%s", why);
}

static int
line_event(struct parse *p, const char *line, size_t len)
{
    const struct bundle_header *h = &p->info->header;
    static const char pre[] = "{\"seq\":", mid[] = ",\"event\":";
    size_t used, off = sizeof pre - 1;
    uint64_t seq;
    struct tt_err cerr;
    int rc;

    if (parse_u64(line + off, len - off, &used, &seq) != 0 ||
        len < off + used + sizeof mid - 1 + 3 ||
        memcmp(line + off + used, mid, sizeof mid - 1) != 0 || line[len - 1] != '}')
        return perr(p, TT_EINVAL, BUNDLE_P_EVENT, "%s",
                    "not an event line {\"seq\":N,\"event\":{...}}");
    off += used + sizeof mid - 1;
    if (seq < h->first_event_seq || seq > h->last_event_seq ||
        (p->n_events > 0 && seq <= p->last_seq) ||
        (p->n_events == 0 && seq != h->first_event_seq) || p->n_events >= h->event_count)
        return perr(p, TT_EINVAL, BUNDLE_P_SEQUENCE, "%s",
                    "event seq out of order or outside the declared range");
    tt_err_clear(&cerr);
    if (epcis_check_event(line + off, len - off - 1, &cerr) != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_EVENT, "not a valid EPCIS 2.0 event: %s", cerr.msg);
    p->n_events++;
    p->last_seq = seq;
    if (p->on_event != NULL &&
        (rc = p->on_event(p->ctx, seq, line + off, len - off - 1, p->err)) != 0)
        return callback_failed(p, rc);
    return 0;
}

static int
line_masterdata(struct parse *p, const char *line, size_t len)
{
    size_t off = strlen("{\"masterdata\":");
    json_error_t jerr;
    json_t *root;
    int rc;

    if (p->n_events > 0)
        return perr(p, TT_EINVAL, BUNDLE_P_EVENT, "%s", "master data after the first event");
    if (line[len - 1] != '}' || len < off + 3)
        return perr(p, TT_EINVAL, BUNDLE_P_EVENT, "%s", "malformed master-data line");
    root = json_loadb(line + off, len - off - 1, JSON_REJECT_DUPLICATES, &jerr);
    rc = root != NULL && json_is_object(root) ? 0 : -1;
    json_decref(root);
    if (rc != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_EVENT, "%s", "master data is not a JSON object");
    p->info->n_masterdata++;
    if (p->on_md != NULL && (rc = p->on_md(p->ctx, line + off, len - off - 1, p->err)) != 0)
        return callback_failed(p, rc);
    return 0;
}

static int
line_trailer(struct parse *p, const char *line, size_t len)
{
    char want[128];
    int n = snprintf(want, sizeof want,
                     "{\"tramtem\":\"trailer\",\"event_count\":%" PRIu64
                     ",\"last_event_seq\":%" PRIu64 "}",
                     p->n_events, p->last_seq);

    if ((size_t)n != len || memcmp(want, line, len) != 0)
        return perr(p, TT_EINVAL, BUNDLE_P_TRAILER, "%s",
                    "the trailer does not match the events read (count or last seq)");
    if (p->n_events != p->info->header.event_count || p->last_seq != p->info->header.last_event_seq)
        return perr(p, TT_EINVAL, BUNDLE_P_TRAILER, "%s", "fewer events than the header declares");
    p->state = PS_DONE;
    return 0;
}

static int
parse_line(struct parse *p, const char *line, size_t len)
{
    p->line_no++;
    if (p->state == PS_DONE)
        return perr(p, TT_EINVAL, BUNDLE_P_TRAILER, "%s", "lines after the trailer");
    if (p->state == PS_HEADER) {
        int rc = line_header(p, line, len);

        if (rc == 0)
            p->state = PS_BODY;
        return rc;
    }
    if (len > 7 && memcmp(line, "{\"seq\":", 7) == 0)
        return line_event(p, line, len);
    if (len > 14 && memcmp(line, "{\"masterdata\":", 14) == 0)
        return line_masterdata(p, line, len);
    if (len > 20 && memcmp(line, "{\"tramtem\":\"trailer\"", 20) == 0)
        return line_trailer(p, line, len);
    return perr(p, TT_EINVAL,
                p->n_events >= p->info->header.event_count ? BUNDLE_P_TRAILER : BUNDLE_P_EVENT,
                "%s", "a line of unknown kind");
}

/* Splits inflated bytes into lines; a line may span calls. */
static int
parse_bytes(struct parse *p, const char *buf, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(buf, '\n', n);
        size_t take = nl != NULL ? (size_t)(nl - buf) : n;
        int rc;

        if (p->line_len + take > BUNDLE_LINE_MAX) {
            p->line_no++;
            return perr(p, TT_EINVAL, BUNDLE_P_EVENT, "%s", "line longer than 1 MiB");
        }
        if (nl != NULL && p->line_len == 0) {
            rc = parse_line(p, buf, take); /* whole line in the buffer: no copy */
        } else {
            memcpy(p->line + p->line_len, buf, take);
            p->line_len += take;
            rc = 0;
            if (nl != NULL) {
                rc = parse_line(p, p->line, p->line_len);
                p->line_len = 0;
            }
        }
        if (rc != 0)
            return rc;
        if (nl == NULL)
            break;
        buf += take + 1;
        n -= take + 1;
    }
    return 0;
}

static int
parse_feed(struct parse *p, const uint8_t *in, size_t n)
{
    if (p->z_end && n > 0)
        return tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_GZIP, "bundle_verify",
                           "data after the end of the gzip stream");
    p->z.next_in = (Bytef *)(uintptr_t)in;
    p->z.avail_in = (uInt)n;
    while (p->z.avail_in > 0 && !p->z_end) {
        int zrc, rc;
        size_t have;

        p->z.next_out = p->out;
        p->z.avail_out = CHUNK;
        zrc = inflate(&p->z, Z_NO_FLUSH);
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
            return tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_GZIP, "bundle_verify",
                               "the payload is not valid gzip (%s)",
                               p->z.msg != NULL ? p->z.msg : "damaged");
        have = CHUNK - p->z.avail_out;
        p->out_bytes += have;
        if (p->out_bytes > p->in_total * BUNDLE_RATIO_MAX + CHUNK)
            return tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_GZIP, "bundle_verify",
                               "the payload expands too much (a decompression bomb?)");
        if ((rc = parse_bytes(p, (const char *)p->out, have)) != 0)
            return rc;
        if (zrc == Z_STREAM_END)
            p->z_end = 1;
        else if (zrc == Z_BUF_ERROR && have == 0)
            break;
    }
    if (p->z_end && p->z.avail_in > 0)
        return tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_GZIP, "bundle_verify",
                           "data after the end of the gzip stream");
    return 0;
}

static int
parse_open(struct parse *p, uint64_t in_total, const char *trusted, const struct bundle_expect *ex,
           bundle_event_fn on_event, bundle_masterdata_fn on_md, void *ctx,
           struct bundle_info *info, struct tt_err *err)
{
    memset(p, 0, sizeof *p);
    p->in_total = in_total;
    p->trusted = trusted;
    p->ex = ex;
    p->on_event = on_event;
    p->on_md = on_md;
    p->ctx = ctx;
    p->info = info;
    p->err = err;
    p->out = malloc(CHUNK);
    p->line = malloc(BUNDLE_LINE_MAX);
    if (p->out == NULL || p->line == NULL)
        return tt_err_set(err, TT_ENOMEM, "bundle_verify", "no memory");
    if (inflateInit2(&p->z, 16 + 15) != Z_OK) /* gzip only */
        return tt_err_set(err, TT_ENOMEM, "bundle_verify", "zlib could not start");
    p->z_init = 1;
    return 0;
}

static int
parse_close(struct parse *p, int rc)
{
    if (rc == 0 && !p->z_end)
        rc = tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_GZIP, "bundle_verify",
                         "the payload ends early (truncated gzip stream)");
    if (rc == 0 && p->line_len > 0)
        rc = tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_TRAILER, "bundle_verify",
                         "the last line has no newline");
    if (rc == 0 && p->state == PS_HEADER)
        rc = tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_HEADER, "bundle_verify",
                         "the payload has no header line");
    if (rc == 0 && p->state != PS_DONE)
        rc = tt_err_setd(p->err, TT_EINVAL, BUNDLE_P_TRAILER, "bundle_verify",
                         "the payload has no trailer (truncated after %" PRIu64 " events)",
                         p->n_events);
    if (p->z_init)
        inflateEnd(&p->z);
    free(p->out);
    free(p->line);
    return rc;
}

int
bundle_parse_mem(const uint8_t *payload, size_t len, const char *trusted,
                 const struct bundle_expect *expect, bundle_event_fn on_event,
                 bundle_masterdata_fn on_md, void *ctx, struct bundle_info *info,
                 struct tt_err *err)
{
    struct bundle_info local;
    struct parse p;
    int rc;

    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof *info);
    info->payload_bytes = len;
    rc = parse_open(&p, len, trusted, expect, on_event, on_md, ctx, info, err);
    if (rc == 0)
        rc = parse_feed(&p, payload, len);
    return parse_close(&p, rc);
}

/* Reads the file again, hashing and parsing; the hash must match the signed one. */
static int
verify_body(int fd, const struct sig_file *sf, const struct bundle_expect *expect,
            bundle_event_fn on_event, bundle_masterdata_fn on_md, void *ctx,
            struct bundle_info *info, struct tt_err *err)
{
    struct parse p;
    struct sig_hasher h;
    uint8_t again[SIG_HASH_LEN];
    unsigned char *buf = malloc(CHUNK);
    int rc;

    if (buf == NULL)
        return tt_err_set(err, TT_ENOMEM, "bundle_verify", "no memory");
    rc = parse_open(&p, info->payload_bytes, sf->trusted, expect, on_event, on_md, ctx, info, err);
    sig_hasher_init(&h);
    if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
        rc = tt_err_setd(err, TT_EIO, BUNDLE_P_FILE, "bundle_verify", "cannot rewind: %s",
                         strerror(errno));
    while (rc == 0) {
        ssize_t r = read(fd, buf, CHUNK);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = tt_err_setd(err, TT_EIO, BUNDLE_P_FILE, "bundle_verify", "read failed: %s",
                             strerror(errno));
        if (r <= 0)
            break;
        sig_hasher_update(&h, buf, (size_t)r);
        rc = parse_feed(&p, buf, (size_t)r);
    }
    free(buf);
    rc = parse_close(&p, rc);
    sig_hasher_final(&h, again, NULL);
    if (rc == 0 && sodium_memcmp(again, info->hash512, SIG_HASH_LEN) != 0)
        rc = tt_err_setd(err, TT_ECORRUPT, BUNDLE_P_CHANGED, "bundle_verify",
                         "the file changed while it was being verified");
    return rc;
}

/* --- sealed payloads ------------------------------------------------------ */

/* 1 when the file at fd (any offset) starts with the sealed-payload magic. */
static int
fd_is_sealed(int fd)
{
    uint8_t head[8];

    return pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
           seal_is_sealed(head, sizeof head);
}

/* The header fields a trusted comment carries (the rest only the payload has). */
static int
comment_header(const char *trusted, struct bundle_header *h)
{
    char canon[512];
    int used = 0;

    memset(h, 0, sizeof *h);
    if (sscanf(trusted,
               "tramtem-bundle/%d st=%39s kid=%16s seq=%" SCNu64 " ev=%" SCNu64 "-%" SCNu64
               " n=%" SCNu64 " prev=%64s created=%39s%n",
               &h->format, h->station, h->key_id, &h->bundle_seq, &h->first_event_seq,
               &h->last_event_seq, &h->event_count, h->prev_b2, h->created, &used) != 9 ||
        trusted[used] != '\0')
        return TT_EPARSE;
    /* Only the canonical form counts, as for the header line. */
    if (bundle_trusted_comment(h, canon, sizeof canon) != 0 || strcmp(canon, trusted) != 0)
        return TT_EPARSE;
    return 0;
}

/* Sealed and not opened: say what the signature vouches for, check the name, and stop. */
static int
sealed_unopened(const struct sig_file *sf, const struct bundle_expect *ex, const char *why,
                struct bundle_info *info, struct tt_err *err)
{
    struct bundle_header *h = &info->header;
    uint64_t n;

    if (comment_header(sf->trusted, h) != 0 || header_sane(h, NULL) != 0) {
        memset(h, 0, sizeof *h);
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_COMMENT, "bundle_verify",
                           "the signed trusted comment of this sealed bundle is malformed");
    }
    if (ex != NULL && ex->file_name != NULL &&
        (bundle_name_parse(ex->file_name, &n) != 0 || n != h->bundle_seq))
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_NAME, "bundle_verify",
                           "the file name %s does not match the signed bundle number",
                           ex->file_name);
    return tt_err_setd(err, TT_ESTATE, BUNDLE_P_SEALED, "bundle_verify",
                       "the payload is sealed (encrypted to a portal's seal key) and %s: the "
                       "signature and its trusted comment are valid, the contents were NOT checked",
                       why);
}

struct sealed_read {
    struct parse *p;         /* NULL: only hash the opened bytes */
    struct sig_hasher raw;   /* the sealed bytes, to catch a file changed after the check */
    struct sig_hasher plain; /* the opened payload: the bundle's id */
    uint64_t plain_bytes;
};

static int
on_sealed_bytes(void *ctx, const uint8_t *buf, size_t len, struct tt_err *err)
{
    struct sealed_read *s = ctx;

    (void)err;
    sig_hasher_update(&s->raw, buf, len);
    return 0;
}

static int
on_plain_bytes(void *ctx, const uint8_t *buf, size_t len, struct tt_err *err)
{
    struct sealed_read *s = ctx;

    s->plain_bytes += len;
    if (s->plain_bytes > BUNDLE_FILE_MAX)
        return tt_err_setd(err, TT_EINVAL, BUNDLE_P_FILE, "bundle_verify",
                           "the opened payload is larger than 1 GiB");
    sig_hasher_update(&s->plain, buf, len);
    return s->p != NULL ? parse_feed(s->p, buf, len) : 0;
}

/* Names a failure that came from opening the stream rather than from the content. */
static int
seal_problem(int rc, struct tt_err *e)
{
    if (rc == 0 || e->detail != 0)
        return rc;
    if (rc == TT_ESIG) {
        e->code = TT_ESTATE;
        e->detail = BUNDLE_P_SEALED;
        return TT_ESTATE;
    }
    if (rc == TT_ECORRUPT)
        e->detail = BUNDLE_P_CIPHER;
    return rc;
}

/*
 * Opens the sealed file at fd from its start, hashing both sides; with
 * s->p the opened bytes go through the parser. Errors are put in *e (the
 * parser writes there too).
 */
static int
sealed_pass(int fd, const struct seal_key *key, struct sealed_read *s, struct tt_err *e)
{
    if (lseek(fd, 0, SEEK_SET) != 0)
        return tt_err_setd(e, TT_EIO, BUNDLE_P_FILE, "bundle_verify", "cannot rewind: %s",
                           strerror(errno));
    sig_hasher_init(&s->raw);
    sig_hasher_init(&s->plain);
    s->plain_bytes = 0;
    return seal_problem(
        seal_open_stream(fd, key->pk, key->sk, on_sealed_bytes, on_plain_bytes, s, e), e);
}

/* verify_body() for a sealed payload: open, parse, and hash the plain bytes for the id. */
static int
verify_sealed(int fd, const struct sig_file *sf, const struct bundle_expect *expect,
              bundle_event_fn on_event, bundle_masterdata_fn on_md, void *ctx,
              struct bundle_info *info, struct tt_err *err)
{
    struct sealed_read s = {0};
    struct parse p;
    struct tt_err e;
    uint8_t again[SIG_HASH_LEN];
    int rc;

    tt_err_clear(&e);
    info->sealed = 1;
    rc = parse_open(&p, info->payload_bytes, sf->trusted, expect, on_event, on_md, ctx, info, &e);
    s.p = &p;
    if (rc == 0)
        rc = sealed_pass(fd, expect->open, &s, &e);
    rc = parse_close(&p, rc);
    sig_hasher_final(&s.raw, again, NULL);
    sig_hasher_final(&s.plain, NULL, info->b2_256);
    if (rc == 0 && sodium_memcmp(again, info->hash512, SIG_HASH_LEN) != 0)
        rc = tt_err_setd(&e, TT_ECORRUPT, BUNDLE_P_CHANGED, "bundle_verify",
                         "the file changed while it was being verified");
    if (err != NULL && rc != 0)
        *err = e;
    return rc;
}

int
bundle_content_id(const char *payload_path, const struct seal_key *key, char id_hex[65],
                  struct tt_err *err)
{
    struct sealed_read s = {0};
    struct tt_err e;
    uint8_t b2[SIG_B2_256_LEN];
    int fd = open(payload_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc;

    tt_err_clear(&e);
    if (fd < 0)
        return tt_err_setd(err, TT_EIO, BUNDLE_P_FILE, "bundle_content_id", "cannot open %s: %s",
                           payload_path, strerror(errno));
    if (!fd_is_sealed(fd)) {
        close(fd);
        return 0;
    }
    if (key == NULL)
        rc = tt_err_setd(&e, TT_ESTATE, BUNDLE_P_SEALED, "bundle_content_id",
                         "the bundle is sealed (encrypted) and no seal key was given to open it");
    else
        rc = sealed_pass(fd, key, &s, &e);
    close(fd);
    if (rc == 0) {
        sig_hasher_final(&s.plain, NULL, b2);
        sig_hex(b2, sizeof b2, id_hex);
    } else if (err != NULL) {
        *err = e;
    }
    return rc;
}

int
bundle_verify_file(const char *payload_path, const char *sig_path, const struct sig_pubkey *pub,
                   const struct bundle_expect *expect, bundle_event_fn on_event,
                   bundle_masterdata_fn on_md, void *ctx, struct bundle_info *info,
                   struct tt_err *err)
{
    struct bundle_info local;
    struct sig_file *sf = malloc(sizeof *sf);
    char sp[4096];
    struct stat st;
    int fd = -1, rc;

    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof *info);
    if (sf == NULL)
        return tt_err_set(err, TT_ENOMEM, "bundle_verify", "no memory");
    if (sig_path == NULL) {
        snprintf(sp, sizeof sp, "%s.minisig", payload_path);
        sig_path = sp;
    }
    if ((rc = sig_init(err)) != 0)
        goto done;
    fd = open(payload_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        rc = tt_err_setd(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, BUNDLE_P_FILE,
                         "bundle_verify", "cannot open %s: %s", payload_path, strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > BUNDLE_FILE_MAX) {
        rc = tt_err_setd(err, TT_EINVAL, BUNDLE_P_FILE, "bundle_verify",
                         "%s is not a regular file of at most 1 GiB", payload_path);
        goto done;
    }
    info->payload_bytes = (uint64_t)st.st_size;
    if ((rc = sig_file_read(sig_path, sf, err)) != 0) {
        if (err != NULL)
            err->detail = BUNDLE_P_SIGNATURE;
        goto done;
    }
    if (strncmp(sf->trusted, "tramtem-bundle/", 15) != 0) {
        rc = tt_err_setd(err, TT_ESIG, BUNDLE_P_COMMENT, "bundle_verify",
                         "the signature is not for a tramtem bundle (trusted comment)");
        goto done;
    }
    /* Signature first: nothing is inflated or parsed before it verifies. */
    if ((rc = sig_hash_fd(fd, info->hash512, info->b2_256, err)) != 0)
        goto done;
    if ((rc = sig_verify_hash(pub, sf, info->hash512, err)) != 0) {
        if (err != NULL)
            err->detail = err->detail == SIG_D_KEYID ? BUNDLE_P_KEY : BUNDLE_P_SIGNATURE;
        goto done;
    }
    if (!fd_is_sealed(fd))
        rc = verify_body(fd, sf, expect, on_event, on_md, ctx, info, err);
    else if (expect == NULL || expect->open == NULL)
        rc = sealed_unopened(sf, expect, "no seal key was given to open it", info, err);
    else if ((rc = verify_sealed(fd, sf, expect, on_event, on_md, ctx, info, err)) == TT_ESTATE &&
             err != NULL && err->detail == BUNDLE_P_SEALED)
        rc = sealed_unopened(sf, expect, "it was sealed to another portal's key", info, err);
done:
    if (fd >= 0)
        close(fd);
    free(sf);
    return rc;
}

const char *
bundle_problem_name(int problem)
{
    static const char *const names[] = {
        "none",  "file",    "signature", "key",      "comment", "name",
        "gzip",  "header",  "station",   "replay",   "chain",   "sequence",
        "event", "trailer", "changed",   "callback", "sealed",  "cipher",
    };

    if (problem < 0 || (size_t)problem >= sizeof names / sizeof names[0])
        return "unknown";
    return names[problem];
}

/* --- EPCIS document ------------------------------------------------------- */

static int
epcis_io(struct tt_err *err)
{
    return tt_err_set(err, TT_EIO, "bundle_epcis", "cannot write the EPCIS document");
}

int
bundle_epcis_begin(struct bundle_epcis *d, FILE *out, const char *created, struct tt_err *err)
{
    d->out = out;
    d->n_md = d->n_ev = 0;
    if (fprintf(out,
                "{\"@context\":[\"https://ref.gs1.org/standards/epcis/epcis-context.jsonld\"],"
                "\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"%s\"",
                created) < 0)
        return epcis_io(err);
    return 0;
}

int
bundle_epcis_masterdata(struct bundle_epcis *d, const char *json, size_t len, struct tt_err *err)
{
    const char *pre =
        d->n_md == 0 ? ",\n\"epcisHeader\":{\"epcisMasterData\":{\"vocabularyList\":[\n" : ",\n";

    if (d->n_ev > 0)
        return tt_err_set(err, TT_EINVAL, "bundle_epcis", "master data after the events");
    if (fputs(pre, d->out) < 0 || fwrite(json, 1, len, d->out) != len)
        return epcis_io(err);
    d->n_md++;
    return 0;
}

/* Closes the header (if any) and opens the event list, once. */
static int
epcis_open_body(struct bundle_epcis *d)
{
    if (d->n_md > 0 && fputs("\n]}}", d->out) < 0)
        return -1;
    return fputs(",\n\"epcisBody\":{\"eventList\":[\n", d->out) < 0 ? -1 : 0;
}

int
bundle_epcis_event(struct bundle_epcis *d, const char *json, size_t len, struct tt_err *err)
{
    if ((d->n_ev == 0 ? epcis_open_body(d) : (fputs(",\n", d->out) < 0 ? -1 : 0)) != 0 ||
        fwrite(json, 1, len, d->out) != len)
        return epcis_io(err);
    d->n_ev++;
    return 0;
}

int
bundle_epcis_end(struct bundle_epcis *d, struct tt_err *err)
{
    if ((d->n_ev == 0 && epcis_open_body(d) != 0) || fputs("\n]}}\n", d->out) < 0 ||
        fflush(d->out) != 0 || ferror(d->out))
        return epcis_io(err);
    return 0;
}
