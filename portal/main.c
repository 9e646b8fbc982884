/*
 * main.c — the `tramtem-portal` program: global options, language, then
 * the subcommand. With portal/cli*.c the only code of portal/ that prints;
 * the only file that exits.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../common/tt.h"
#include "cli.h"
#include "intl.h"

#ifndef TT_VERSION
#define TT_VERSION "0.1"
#endif

/* --key, then $TRAMTEM_PORTAL_KEY, then $XDG_CONFIG_HOME/tramtem-portal/portal.key. */
static const char *
default_key_path(void)
{
    static char path[4096];

    return tt_user_path("TRAMTEM_PORTAL_KEY", "XDG_CONFIG_HOME", ".config",
                        "tramtem-portal/portal.key", path, sizeof path);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"key", required_argument, NULL, 'k'},
        {"lang", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct pcli_ctx ctx = {.conninfo = NULL, .key_path = NULL, .lang = TT_LANG_VI, .json = 0};
    static const char *const value_opts[] = {"--db", "--key", NULL};
    const char *lang_opt = i18n_lang_arg(argc, argv, value_opts);
    int lang = i18n_pick(lang_opt);
    int c, first;

    i18n_init(lang < 0 ? TT_LANG_VI : (enum tt_lang)lang);
    if (lang < 0) {
        fprintf(stderr, _("tramtem-portal: unknown language '%s'; use --lang vi or --lang en.\n"),
                lang_opt);
        return TT_EXIT_USAGE;
    }
    ctx.lang = lang;
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            ctx.conninfo = optarg;
            break;
        case 'k':
            ctx.key_path = optarg;
            break;
        case 'l':
            break; /* read by i18n_lang_arg() */
        case 'j':
            ctx.json = 1;
            break;
        case 'h':
            pcli_usage(0);
            return TT_EXIT_OK;
        case 'V':
            printf("tramtem-portal %s\n", TT_VERSION);
            return TT_EXIT_OK;
        default:
            pcli_usage(1);
            return TT_EXIT_USAGE;
        }
    }
    if (ctx.key_path == NULL)
        ctx.key_path = default_key_path();
    if (optind >= argc) {
        pcli_usage(1);
        return TT_EXIT_USAGE;
    }
    first = optind;
    optind = 0; /* let subcommands use getopt_long() afresh */
    return pcli_dispatch(&ctx, argc - first, argv + first);
}
