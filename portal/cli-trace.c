/*
 * cli-trace.c — `trace (--gtin G --lot L | --sscc S) [--limit N] [--json]`.
 *
 * A trace that was cut says so: on stderr in the user's language, and with
 * --json as a last line {"truncated":true,...} after the events.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "cli.h"
#include "intl.h"
#include "trace.h"
#include "words.h"

static int
print_event(void *vctx, const struct trace_event *ev)
{
    const struct pcli_ctx *ctx = vctx;

    if (ctx->json) {
        static const char *const names[] = {
            "station",      "station_name", "event_id",   "type",     "action",
            "biz_step",     "disposition",  "event_time", "event_tz", "read_point",
            "biz_location", "gtin",         "lot",        "serial",   "sscc"};
        const char *const vals[] = {
            ev->station,      ev->station_name, ev->event_id,   ev->type,     ev->action,
            ev->biz_step,     ev->disposition,  ev->event_time, ev->event_tz, ev->read_point,
            ev->biz_location, ev->gtin,         ev->lot,        ev->serial,   ev->sscc};

        putchar('{');
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            printf("%s\"%s\":", i ? "," : "", names[i]);
            pcli_json_str(stdout, vals[i]);
        }
        printf(",\"event\":%s}\n", ev->doc);
        return 0;
    }
    printf("%s  %-24s  %-28s  %s", ev->event_time,
           ev->station_name[0] ? ev->station_name : ev->station,
           words_biz_step(ev->biz_step, ctx->lang == TT_LANG_VI ? WORDS_VI : WORDS_EN), ev->type);
    if (ev->lot[0] != '\0')
        printf("  (01)%s(10)%s", ev->gtin, ev->lot);
    if (ev->serial[0] != '\0')
        printf("(21)%s", ev->serial);
    if (ev->sscc[0] != '\0')
        printf("  (00)%s", ev->sscc);
    putchar('\n');
    return 0;
}

/* --limit: a whole number in 1-TRACE_LIMIT_MAX, else 0. */
static size_t
limit_arg(const char *s)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return 0;
    v = strtoul(s, &end, 10);
    return *end == '\0' && v >= 1 && v <= TRACE_LIMIT_MAX ? (size_t)v : 0;
}

int
pcli_trace(struct pcli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"gtin", required_argument, NULL, 'g'},  {"lot", required_argument, NULL, 'l'},
        {"sscc", required_argument, NULL, 's'},  {"json", no_argument, NULL, 'j'},
        {"limit", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0},
    };
    const char *gtin = NULL, *lot = NULL, *sscc = NULL;
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    struct trace_count n;
    size_t limit = TRACE_LIMIT_DEFAULT;
    int c, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'g')
            gtin = optarg;
        else if (c == 'l')
            lot = optarg;
        else if (c == 's')
            sscc = optarg;
        else if (c == 'j')
            ctx->json = 1;
        else if (c == 'n')
            limit = limit_arg(optarg);
        else
            return TT_EXIT_USAGE;
    }
    if (optind != argc || (sscc != NULL) == (gtin != NULL || lot != NULL) ||
        (sscc == NULL && (gtin == NULL || lot == NULL)) || limit == 0)
        return pcli_usage_error("trace",
                                _("usage: trace (--gtin GTIN --lot LOT | --sscc SSCC) "
                                  "[--limit 1-%d] [--json]"),
                                TRACE_LIMIT_MAX);
    rc = pcli_open(ctx, 1, &st);
    if (rc != TT_EXIT_OK)
        return rc;
    rc = portal_trace_limit(st, gtin, lot, sscc, limit, print_event, ctx, &n, &err);
    portal_store_close(st);
    if (rc < 0)
        return pcli_fail(&err);
    if (n.n == 0) {
        fprintf(stderr, _("No events are known for this lot or SSCC.\n"));
        return TT_EXIT_FAIL;
    }
    if (ctx->json && n.truncated)
        printf("{\"truncated\":true,\"events\":%zu,\"events_found_at_least\":%zu,"
               "\"limit\":%zu}\n",
               n.n, n.n_found, limit);
    else if (!ctx->json)
        fprintf(stderr, _("%zu events.\n"), n.n);
    if (n.truncated)
        fprintf(stderr,
                _("Showing the first %zu of at least %zu events; use --limit to see more.\n"), n.n,
                n.n_found);
    return TT_EXIT_OK;
}
