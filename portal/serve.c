/*
 * serve.c — libmicrohttpd glue for the portal's web answers (see serve.h).
 *
 * MHD is told not to unescape anything (a no-op unescape callback): the
 * Digital Link path is split on '/' first and each segment decoded after,
 * so an encoded slash inside a lot stays part of the lot, and query values
 * are decoded here with the same strict decoder (a %00 is a 400).
 */
#include "serve.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "epcis.h"
#include "web.h"

#define PARAMS_MAX 16
#define VALUE_MAX  1024

struct portal_server {
    struct MHD_Daemon *mhd;
    struct portal_store *st;
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

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *type, const char *body, size_t len)
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
    ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
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

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
    struct portal_server *srv = cls;
    struct params *ps;
    struct web_reply r;
    enum words_lang lang;
    enum MHD_Result ret;
    int rc;

    (void)version;
    (void)upload;
    (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(c, 405, "text/plain; charset=utf-8", "GET only\n", 9);
    if (*upload_len != 0)
        return send_text(c, 400, "text/plain; charset=utf-8", "no body\n", 8);
    ps = calloc(1, sizeof *ps);
    if (ps == NULL)
        return MHD_NO;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, ps);
    if (ps->bad) {
        free(ps);
        return send_text(c, 400, "text/plain; charset=utf-8", "bad query string\n", 17);
    }
    lang = pick_lang(c, ps);
    {
        /* "lang" chooses the page language; it is not an EPCIS filter. */
        struct web_param p[PARAMS_MAX];
        size_t n = 0;

        for (size_t i = 0; i < ps->n; i++)
            if (strcmp(ps->p[i].name, "lang") != 0)
                p[n++] = ps->p[i];
        rc = web_answer(srv->st, url, p, n, wants_json(c), lang, &r);
    }
    free(ps);
    if (rc < 0) {
        web_reply_free(&r);
        return send_text(c, 500, "text/plain; charset=utf-8", "internal error\n", 15);
    }
    if (r.next[0] != '\0') {
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(r.body.len, r.body.s, MHD_RESPMEM_MUST_COPY);
        char link[700];

        snprintf(link, sizeof link, "</events?%s>; rel=\"next\"", r.next);
        MHD_add_response_header(resp, "Content-Type", r.type);
        MHD_add_response_header(resp, "Link", link);
        ret = MHD_queue_response(c, (unsigned)r.status, resp);
        MHD_destroy_response(resp);
    } else {
        ret = send_text(c, (unsigned)r.status, r.type, r.body.s, r.body.len);
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

int
portal_serve_start(struct portal_store *st, const char *listen, struct portal_server **out,
                   struct tt_err *err)
{
    struct sockaddr_storage ss;
    struct portal_server *srv;
    int rc = parse_listen(listen, &ss, err);

    *out = NULL;
    if (rc < 0)
        return rc;
    srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return tt_err_set(err, TT_ENOMEM, "serve", "out of memory");
    srv->st = st;
    srv->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
            (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
        0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
    if (srv->mhd == NULL) {
        free(srv);
        return tt_err_set(err, TT_EDEVICE, "serve",
                          "cannot listen on %.60s: address in use or not on this machine", listen);
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
    MHD_stop_daemon(srv->mhd);
    free(srv);
}
