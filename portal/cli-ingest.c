/*
 * cli-ingest.c — `ingest [--quarantine DIR] DIR`: one line per bundle found,
 * a summary, and exit 65 when anything was refused or forked.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ingest.h"
#include "intl.h"
#include "sealkey.h"

/* $TRAMTEM_PORTAL_QUARANTINE, else $XDG_STATE_HOME (or ~/.local/state)/tramtem-portal/quarantine.
 */
static const char *
default_quarantine(void)
{
    static char path[4096];
    const char *env = getenv("TRAMTEM_PORTAL_QUARANTINE");
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");

    if (env != NULL && *env != '\0')
        return env;
    if (xdg != NULL && *xdg != '\0')
        snprintf(path, sizeof path, "%s/tramtem-portal/quarantine", xdg);
    else
        snprintf(path, sizeof path, "%s/.local/state/tramtem-portal/quarantine",
                 home != NULL ? home : ".");
    return path;
}

static const char *
outcome_words(enum portal_outcome o)
{
    switch (o) {
    case PORTAL_ACCEPTED:
        return _("accepted");
    case PORTAL_PENDING:
        return _("accepted, waiting for missing bundles");
    case PORTAL_DUPLICATE:
        return _("already received");
    case PORTAL_FORK:
        return _("FORK: kept for checking");
    default:
        return _("REFUSED");
    }
}

static void
print_result(void *vctx, const struct portal_bundle_result *r)
{
    const struct pcli_ctx *ctx = vctx;

    if (ctx->json) {
        printf("{\"file\":");
        pcli_json_str(stdout, r->file);
        printf(",\"station\":");
        pcli_json_str(stdout, r->station);
        printf(",\"bundle_seq\":%" PRIu64 ",\"outcome\":\"%s\",\"reason\":", r->bundle_seq,
               portal_outcome_name(r->outcome));
        pcli_json_str(stdout, r->reason);
        printf(",\"events\":%" PRIu64 ",\"new\":%" PRIu64 ",\"conflicts\":%" PRIu64 "}\n",
               r->n_events, r->n_new, r->n_conflicts);
        return;
    }
    printf("%s: %s", r->file, outcome_words(r->outcome));
    if (r->outcome == PORTAL_ACCEPTED || r->outcome == PORTAL_PENDING)
        printf(_(" (%" PRIu64 " events, %" PRIu64 " new, %" PRIu64 " conflicts)"), r->n_events,
               r->n_new, r->n_conflicts);
    if (r->reason[0] != '\0')
        printf(" — %s", r->reason);
    putchar('\n');
}

int
pcli_ingest(struct pcli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"quarantine", required_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *qroot = default_quarantine();
    struct portal_ingest_summary sum;
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    int c, rc, sealed = 0;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'q')
            qroot = optarg;
        else if (c == 'j')
            ctx->json = 1;
        else
            return TT_EXIT_USAGE;
    }
    if (optind + 1 != argc)
        return pcli_usage_error("ingest", _("usage: ingest [--quarantine DIR] [--json] DIR"));
    /* Sealed bundles need the seal key; without one they are refused, each with the reason. */
    if (portal_sealkey_load(ctx->key_path, &sealed, &err) != 0)
        return pcli_fail(&err);
    rc = pcli_open(ctx, 1, &st);
    if (rc != TT_EXIT_OK) {
        portal_sealkey_unload();
        return rc;
    }
    rc = portal_ingest_dir(st, argv[optind], qroot, print_result, ctx, &sum, &err);
    portal_sealkey_unload();
    portal_store_close(st);
    if (rc < 0)
        return pcli_fail(&err);
    if (!ctx->json)
        fprintf(stderr,
                _("%u bundles: %u accepted, %u waiting for a gap, %u already received, %u forks, "
                  "%u refused; %" PRIu64 " new events. Copies: %s\n"),
                sum.n_bundles, sum.n_accepted, sum.n_pending, sum.n_duplicates, sum.n_forks,
                sum.n_rejected, sum.n_events_new, sum.quarantine);
    return sum.n_rejected + sum.n_forks > 0 ? TT_EXIT_DATAERR : TT_EXIT_OK;
}
