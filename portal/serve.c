/*
 * serve.c — libmicrohttpd glue for the portal's web answers (see serve.h).
 *
 * MHD is told not to unescape anything (a no-op unescape callback): the
 * Digital Link path is split on '/' first and each segment decoded after,
 * so an encoded slash inside a lot stays part of the lot, and query values
 * are decoded here with the same strict decoder (a %00 is a 400).
 *
 * Every worker thread runs the handler for its own connections; the only
 * state they share is the connection pool (locked inside pool.c) and the
 * read-only server struct.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "epcis.h"
#include "pool.h"
#include "trace.h"
#include "web.h"

#define PARAMS_MAX 16
#define VALUE_MAX  1024
/* How long a request waits for a free database connection before a 503. */
#define POOL_WAIT_MS 5000

struct portal_server {
    struct MHD_Daemon *mhd;
    struct portal_pool *pool;
    size_t limit;
};

/* Leaves every string as sent; web.c decodes (see the top of this file). */
static size_t
no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

struct params {
    struct web_param p[PARAMS_MAX];
    char buf[PARAMS_MAX][2][VALUE_MAX];
    size_t n;
    int bad;
};

/* Decodes a query key or value: '+' is a space, then strict %XX. */
static int
decode_query(const char *in, char *out)
{
    char tmp[VALUE_MAX];
    size_t n = strlen(in);

    if (n >= sizeof tmp)
        return -1;
    for (size_t i = 0; i <= n; i++)
        tmp[i] = in[i] == '+' ? ' ' : in[i];
    return epcis_pct_decode(tmp, n, out, VALUE_MAX);
}

static enum MHD_Result
collect_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct params *ps = cls;

    (void)kind;
    if (ps->n >= PARAMS_MAX) {
        ps->bad = 1;
        return MHD_NO;
    }
    if (decode_query(key, ps->buf[ps->n][0]) < 0 ||
        decode_query(value != NULL ? value : "", ps->buf[ps->n][1]) < 0) {
        ps->bad = 1;
        return MHD_NO;
    }
    ps->p[ps->n].name = ps->buf[ps->n][0];
    ps->p[ps->n].value = ps->buf[ps->n][1];
    ps->n++;
    return MHD_YES;
}

/* Queues `body` with the headers every answer carries (`link` optional; 503 gets Retry-After). */
static enum MHD_Result
send_body(struct MHD_Connection *c, unsigned status, const char *type, const char *body, size_t len,
          const char *link)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; "
                            "style-src 'unsafe-inline'");
    MHD_add_response_header(resp, "Vary", "Accept, Accept-Language");
    if (link != NULL)
        MHD_add_response_header(resp, "Link", link);
    if (status == 503)
        MHD_add_response_header(resp, "Retry-After", "5");
    ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    return send_body(c, status, "text/plain; charset=utf-8", text, strlen(text), NULL);
}

/* JSON when the client asks for it and not for HTML first. */
static int
wants_json(struct MHD_Connection *c)
{
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");

    return accept != NULL && strstr(accept, "application/json") != NULL &&
           (strstr(accept, "text/html") == NULL ||
            strstr(accept, "application/json") < strstr(accept, "text/html"));
}

/* ?lang=en|vi, else Accept-Language starting with en, else Vietnamese. */
static enum words_lang
pick_lang(struct MHD_Connection *c, const struct params *ps)
{
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");

    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].name, "lang") == 0)
            return strcmp(ps->p[i].value, "en") == 0 ? WORDS_EN : WORDS_VI;
    return al != NULL && strncmp(al, "en", 2) == 0 ? WORDS_EN : WORDS_VI;
}

/*
 * web_answer on a borrowed connection. A query that failed because the
 * connection broke (PostgreSQL restarted since its last use) is run once
 * more on a new one: every answer is read-only, so that is safe. What
 * still fails for want of the database becomes a 503, anything else 500.
 */
static int
answer(struct portal_server *srv, const char *url, const struct web_param *p, size_t n, int json,
       enum words_lang lang, struct web_reply *r)
{
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    int rc = portal_pool_get(srv->pool, POOL_WAIT_MS, &st, &err);

    memset(r, 0, sizeof *r);
    if (rc == 0) {
        rc = web_answer(st, url, p, n, srv->limit, json, lang, r);
        if (rc < 0 && portal_pool_revive(srv->pool, st, &err) == 1) {
            web_reply_free(r);
            rc = web_answer(st, url, p, n, srv->limit, json, lang, r);
        }
        if (rc < 0 && PQstatus(portal_store_conn(st)) == CONNECTION_BAD)
            rc = TT_EDEVICE;
        portal_pool_put(srv->pool, st);
    }
    if (rc == TT_EDEVICE || rc == TT_EBUSY) {
        web_unavailable(r, json, lang);
        rc = 0;
    }
    return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
    struct portal_server *srv = cls;
    struct web_param p[PARAMS_MAX];
    struct params *ps;
    struct web_reply r;
    enum words_lang lang;
    enum MHD_Result ret;
    size_t n = 0;
    int rc;

    (void)version;
    (void)upload;
    (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(c, 405, "GET only\n");
    if (*upload_len != 0)
        return send_text(c, 400, "no body\n");
    ps = calloc(1, sizeof *ps);
    if (ps == NULL)
        return MHD_NO;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, ps);
    if (ps->bad) {
        free(ps);
        return send_text(c, 400, "bad query string\n");
    }
    lang = pick_lang(c, ps);
    /* "lang" chooses the page language; it is not an EPCIS filter. */
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].name, "lang") != 0)
            p[n++] = ps->p[i];
    rc = answer(srv, url, p, n, wants_json(c), lang, &r);
    free(ps);
    if (rc < 0) {
        web_reply_free(&r);
        return send_text(c, 500, "internal error\n");
    }
    if (r.next[0] != '\0') {
        char link[700];

        snprintf(link, sizeof link, "</events?%s>; rel=\"next\"", r.next);
        ret = send_body(c, (unsigned)r.status, r.type, r.body.s, r.body.len, link);
    } else {
        ret = send_body(c, (unsigned)r.status, r.type, r.body.s, r.body.len, NULL);
    }
    web_reply_free(&r);
    return ret;
}

/* "ADDR:PORT" / "[ADDR]:PORT" into a socket address. */
static int
parse_listen(const char *listen, struct sockaddr_storage *ss, struct tt_err *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    char *end;
    long port;

    memset(ss, 0, sizeof *ss);
    if (colon == NULL || colon == listen || (size_t)(colon - listen) >= sizeof host)
        return tt_err_set(err, TT_EUSAGE, "serve", "--listen needs ADDR:PORT, e.g. 127.0.0.1:8080");
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || colon[1] == '\0' || port < 0 || port > 65535)
        return tt_err_set(err, TT_EUSAGE, "serve", "bad port in --listen '%.60s'", listen);
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        host[strlen(host) - 1] = '\0';
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1)
            return 0;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &s4->sin_addr) == 1)
            return 0;
    }
    return tt_err_set(err, TT_EUSAGE, "serve", "bad address in --listen '%.60s'", listen);
}

unsigned
portal_serve_threads_default(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (cpus < 1)
        cpus = 1;
    return cpus >= 8 ? 16 : (unsigned)(2 * cpus);
}

int
portal_serve_start(const struct portal_serve_opts *o, struct portal_server **out,
                   struct tt_err *err)
{
    unsigned threads = o->threads != 0 ? o->threads : portal_serve_threads_default();
    size_t limit = o->limit != 0 ? o->limit : TRACE_LIMIT_DEFAULT;
    struct sockaddr_storage ss;
    struct portal_server *srv;
    int rc = parse_listen(o->listen, &ss, err);

    *out = NULL;
    if (rc < 0)
        return rc;
    if (threads > SERVE_THREADS_MAX)
        return tt_err_set(err, TT_EUSAGE, "serve", "--threads must be 1-%d", SERVE_THREADS_MAX);
    if (limit > TRACE_LIMIT_MAX)
        return tt_err_set(err, TT_EUSAGE, "serve", "--limit must be 1-%d", TRACE_LIMIT_MAX);
    if (!PQisthreadsafe())
        return tt_err_set(err, TT_ESTATE, "serve", "this libpq was built without thread safety");
    /* Jansson picks its hash seed on first use; pick it now, before any worker runs. */
    json_object_seed(0);
    srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return tt_err_set(err, TT_ENOMEM, "serve", "out of memory");
    srv->limit = limit;
    rc = portal_pool_new(o->conninfo, threads, &srv->pool, err);
    if (rc < 0) {
        free(srv);
        return rc;
    }
    /*
     * MHD's memory limit per connection bounds the request line and the
     * headers (it answers 414 or 431 beyond); the pool threads share the
     * connection limit.
     */
    srv->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
            (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
        0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_IDLE_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_CONN_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)SERVE_PER_IP_MAX, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_REQUEST_MAX,
        MHD_OPTION_END);
    if (srv->mhd == NULL) {
        portal_pool_free(srv->pool);
        free(srv);
        return tt_err_set(err, TT_EDEVICE, "serve",
                          "cannot listen on %.60s: address in use or not on this machine",
                          o->listen);
    }
    *out = srv;
    return 0;
}

unsigned
portal_serve_port(const struct portal_server *srv)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);

    return info != NULL ? info->port : 0;
}

void
portal_serve_stop(struct portal_server *srv)
{
    if (srv == NULL)
        return;
    portal_pool_close(srv->pool);
    MHD_stop_daemon(srv->mhd);
    portal_pool_free(srv->pool);
    free(srv);
}
