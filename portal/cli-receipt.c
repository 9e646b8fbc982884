/*
 * cli-receipt.c — `receipt --to DIR [--station ID]` and
 * `masterdata export --to DIR`: signed files for the stations, written into
 * DIR/tramtem/<station>/ (beside the bundles on the stick).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sync/sig.h"
#include "acks.h"
#include "cli.h"
#include "intl.h"
#include "registry.h"

struct put_ctx {
    struct pcli_ctx *cli;
    struct portal_store *st;
    struct sig_seckey *key;
    struct masterdata *md; /* masterdata export only */
    const char *to;
    struct tt_err err;
    unsigned n_written;
};

/* DIR/tramtem/<station>, created when missing. */
static int
station_dir(const char *to, const char *station, char *out, size_t len, struct tt_err *err)
{
    if (mkdir(to, 0755) < 0 && errno != EEXIST)
        return tt_err_set(err, TT_EIO, "receipt", "cannot create %s: %s", to, strerror(errno));
    snprintf(out, len, "%s/tramtem", to);
    if (mkdir(out, 0755) < 0 && errno != EEXIST)
        return tt_err_set(err, TT_EIO, "receipt", "cannot create %s: %s", out, strerror(errno));
    snprintf(out, len, "%s/tramtem/%s", to, station);
    if (mkdir(out, 0755) < 0 && errno != EEXIST)
        return tt_err_set(err, TT_EIO, "receipt", "cannot create %s: %s", out, strerror(errno));
    return 0;
}

static int
put_receipt(void *vctx, const char *station)
{
    struct put_ctx *c = vctx;
    struct receipt *r = NULL;
    char dir[4200];
    int is_new = 0, written = 0;
    int rc = portal_receipt_issue(c->st, station, &r, &is_new, &c->err);

    if (rc == 0)
        rc = station_dir(c->to, station, dir, sizeof dir, &c->err);
    if (rc == 0)
        rc = portal_receipt_put(dir, r, c->key, &written, &c->err);
    if (rc == 0) {
        c->n_written += (unsigned)written;
        if (c->cli->json) {
            printf("{\"station\":");
            pcli_json_str(stdout, station);
            printf(",\"receipt_seq\":%" PRIu64 ",\"acked_through_bundle\":%" PRIu64
                   ",\"acked_through_event\":%" PRIu64 ",\"new\":%s,\"written\":%s}\n",
                   r->receipt_seq, r->acked_through_bundle, r->acked_through_event,
                   is_new ? "true" : "false", written ? "true" : "false");
        } else {
            printf(_("%s: receipt %" PRIu64 ", bundles up to %" PRIu64 " acknowledged%s\n"),
                   station, r->receipt_seq, r->acked_through_bundle,
                   written ? "" : _(" (already on the stick)"));
        }
    }
    receipt_free(r);
    return rc;
}

static int
put_masterdata(void *vctx, const char *station)
{
    struct put_ctx *c = vctx;
    char dir[4200];
    int written = 0;
    int rc = station_dir(c->to, station, dir, sizeof dir, &c->err);

    if (rc == 0)
        rc = portal_masterdata_put(dir, c->md, c->key, &written, &c->err);
    c->n_written += (unsigned)written;
    return rc;
}

/* Parses --to DIR [--station ID] [--json]; returns 0 or an exit code. */
static int
parse_to(struct pcli_ctx *ctx, const char *cmd, int argc, char **argv, const char **to,
         const char **station)
{
    static const struct option opts[] = {
        {"to", required_argument, NULL, 't'},
        {"station", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 't')
            *to = optarg;
        else if (c == 's' && station != NULL)
            *station = optarg;
        else if (c == 'j')
            ctx->json = 1;
        else
            return TT_EXIT_USAGE;
    }
    if (*to == NULL || optind != argc)
        return pcli_usage_error(cmd, station != NULL
                                         ? _("usage: receipt --to DIR [--station ID] [--json]")
                                         : _("usage: masterdata export --to DIR [--json]"));
    return 0;
}

/* Opens the database and reads the portal key. */
static int
open_both(struct pcli_ctx *ctx, struct put_ctx *c)
{
    int rc = pcli_open(ctx, 1, &c->st);

    if (rc != TT_EXIT_OK)
        return rc;
    if (sig_init(&c->err) < 0 || sig_seckey_read(ctx->key_path, &c->key, &c->err) < 0) {
        portal_store_close(c->st);
        c->st = NULL;
        return pcli_fail(&c->err);
    }
    return 0;
}

int
pcli_receipt(struct pcli_ctx *ctx, int argc, char **argv)
{
    struct put_ctx c = {.cli = ctx};
    const char *station = NULL;
    int rc = parse_to(ctx, "receipt", argc, argv, &c.to, &station);

    if (rc != 0)
        return rc;
    rc = open_both(ctx, &c);
    if (rc != 0)
        return rc;
    if (station != NULL)
        rc = put_receipt(&c, station);
    else
        rc = portal_registry_stations(c.st, 1, put_receipt, &c, &c.err);
    portal_store_close(c.st);
    sig_seckey_free(c.key);
    return rc < 0 ? pcli_fail(&c.err) : TT_EXIT_OK;
}

int
pcli_masterdata(struct pcli_ctx *ctx, int argc, char **argv)
{
    struct put_ctx c = {.cli = ctx};
    int is_new = 0, rc;

    if (argc < 2 || strcmp(argv[1], "export") != 0)
        return pcli_usage_error("masterdata", _("usage: masterdata export --to DIR [--json]"));
    rc = parse_to(ctx, "masterdata export", argc - 1, argv + 1, &c.to, NULL);
    if (rc != 0)
        return rc;
    rc = open_both(ctx, &c);
    if (rc != 0)
        return rc;
    rc = portal_masterdata_issue(c.st, &c.md, &is_new, &c.err);
    if (rc == 0)
        rc = portal_registry_stations(c.st, 0, put_masterdata, &c, &c.err);
    if (rc == 0 && ctx->json)
        printf("{\"version\":%" PRIu64 ",\"products\":%zu,\"revoked_keys\":%zu,\"new\":%s,"
               "\"files\":%u}\n",
               c.md->version, c.md->n_products, c.md->n_revoked, is_new ? "true" : "false",
               c.n_written);
    else if (rc == 0)
        printf(_("Master data version %" PRIu64 ": %zu products, %zu revoked keys; %u files "
                 "written.\n"),
               c.md->version, c.md->n_products, c.md->n_revoked, c.n_written);
    masterdata_free(c.md);
    portal_store_close(c.st);
    sig_seckey_free(c.key);
    return rc < 0 ? pcli_fail(&c.err) : TT_EXIT_OK;
}
