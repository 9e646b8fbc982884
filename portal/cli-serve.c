/*
 * cli-serve.c — `serve --listen ADDR:PORT`: prints the base URL on stdout
 * (with port 0, the port the system chose) and answers until SIGINT or
 * SIGTERM.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "intl.h"
#include "serve.h"

int
pcli_serve(struct pcli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    const char *listen = NULL;
    struct portal_store *st = NULL;
    struct portal_server *srv = NULL;
    struct tt_err err = {0};
    sigset_t set;
    int c, sig = 0, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'l')
            listen = optarg;
        else
            return TT_EXIT_USAGE;
    }
    if (listen == NULL || optind != argc)
        return pcli_usage_error("serve", _("usage: serve --listen ADDR:PORT"));
    /* Block the stop signals before MHD's thread starts, so it inherits the mask. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    rc = pcli_open(ctx, 1, &st);
    if (rc != TT_EXIT_OK)
        return rc;
    if (portal_serve_start(st, listen, &srv, &err) < 0) {
        portal_store_close(st);
        return pcli_fail(&err);
    }
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
    portal_store_close(st);
    fprintf(stderr, _("Stopped.\n"));
    return TT_EXIT_OK;
}
