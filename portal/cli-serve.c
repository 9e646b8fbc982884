/*
 * cli-serve.c — `serve --listen ADDR:PORT [--threads N] [--limit N]`:
 * prints the base URL on stdout (with port 0, the port the system chose)
 * and answers until SIGINT or SIGTERM.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "intl.h"
#include "serve.h"
#include "trace.h"

/* A whole number in 1-max, or 0. */
static unsigned long
count_arg(const char *s, unsigned long max)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return 0;
    v = strtoul(s, &end, 10);
    return *end == '\0' && v >= 1 && v <= max ? v : 0;
}

int
pcli_serve(struct pcli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"limit", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    struct portal_serve_opts o = {.conninfo = ctx->conninfo};
    struct portal_store *st = NULL;
    struct portal_server *srv = NULL;
    struct tt_err err = {0};
    const char *listen = NULL;
    int bad = 0;
    sigset_t set;
    int c, sig = 0, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'l')
            listen = optarg;
        else if (c == 't')
            bad |= (o.threads = (unsigned)count_arg(optarg, SERVE_THREADS_MAX)) == 0;
        else if (c == 'n')
            bad |= (o.limit = count_arg(optarg, TRACE_LIMIT_MAX)) == 0;
        else
            return TT_EXIT_USAGE;
    }
    if (listen == NULL || optind != argc || bad)
        return pcli_usage_error("serve",
                                _("usage: serve --listen ADDR:PORT [--threads 1-%d] "
                                  "[--limit 1-%d]"),
                                SERVE_THREADS_MAX, TRACE_LIMIT_MAX);
    o.listen = listen;
    /* Block the stop signals before MHD's thread starts, so it inherits the mask. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The schema is checked once here; the workers make their own connections. */
    rc = pcli_open(ctx, 1, &st);
    portal_store_close(st);
    if (rc != TT_EXIT_OK)
        return rc;
    if (portal_serve_start(&o, &srv, &err) < 0)
        return pcli_fail(&err);
    {
        char host[64];
        const char *colon = strrchr(listen, ':');

        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
        printf("http://%s:%u/\n", host, portal_serve_port(srv));
        fflush(stdout);
        fprintf(stderr, _("Serving on http://%s:%u/ (Ctrl-C stops).\n"), host,
                portal_serve_port(srv));
    }
    sigwait(&set, &sig);
    portal_serve_stop(srv);
    fprintf(stderr, _("Stopped.\n"));
    return TT_EXIT_OK;
}
