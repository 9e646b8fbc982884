/*
 * main.c — the `tramtem` program: global options, language, then the
 * subcommand. The only file allowed to exit().
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

/* --db, then $TRAMTEM_DB, then $XDG_DATA_HOME/tramtem/station.db. */
static const char *
default_db_path(void)
{
    static char path[4096];

    return tt_user_path("TRAMTEM_DB", "XDG_DATA_HOME", ".local/share", "tramtem/station.db", path,
                        sizeof path);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"lang", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct cli_ctx ctx = {.db_path = NULL, .lang = TT_LANG_VI, .prog = "tramtem"};
    static const char *const value_opts[] = {"--db", NULL};
    const char *lang_opt = i18n_lang_arg(argc, argv, value_opts);
    int lang = i18n_pick(lang_opt);
    int c;

    i18n_init(lang < 0 ? TT_LANG_VI : (enum tt_lang)lang);
    if (lang < 0) {
        fprintf(stderr, _("tramtem: unknown language '%s'; use --lang vi or --lang en.\n"),
                lang_opt);
        return TT_EXIT_USAGE;
    }
    ctx.lang = lang;
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            ctx.db_path = optarg;
            break;
        case 'l':
            break; /* read by i18n_lang_arg() */
        case 'h':
            cli_usage(0);
            return TT_EXIT_OK;
        case 'V':
            printf("tramtem %s\n", TT_VERSION);
            return TT_EXIT_OK;
        default:
            cli_usage(1);
            return TT_EXIT_USAGE;
        }
    }
    if (ctx.db_path == NULL)
        ctx.db_path = default_db_path();
    if (optind >= argc) {
        /* The kiosk is the default command once it exists. */
        static char kiosk_name[] = "kiosk";
        char *kiosk[] = {kiosk_name, NULL};

        optind = 0;
        for (const struct cli_command *cmd = cli_commands; cmd->name != NULL; cmd++)
            if (strcmp(cmd->name, "kiosk") == 0)
                return cmd->run(&ctx, 1, kiosk);
        cli_usage(1);
        return TT_EXIT_USAGE;
    }
    {
        int first = optind;

        optind = 0; /* let subcommands use getopt_long() afresh */
        return cli_dispatch(&ctx, argc - first, argv + first);
    }
}
