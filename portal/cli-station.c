/*
 * cli-station.c — `init` (schema + portal key) and `station add|list|revoke`.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sync/sig.h"
#include "cli.h"
#include "intl.h"
#include "registry.h"

/* mkdir -p of the folder that holds `path` (mode 0700: it holds a secret key). */
static int
make_parent_dirs(const char *path)
{
    char buf[4096];

    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Creates the portal's receipt key when there is none; an existing key is kept. */
static int
ensure_portal_key(const char *key_path, int *created, struct tt_err *err)
{
    struct sig_seckey *sk = NULL;
    struct sig_pubkey pub;
    char pub_path[4200];
    int rc;

    *created = 0;
    if (access(key_path, F_OK) == 0)
        return 0;
    if (make_parent_dirs(key_path) < 0)
        return tt_err_set(err, TT_EIO, "init", "cannot create the folder of %s", key_path);
    rc = sig_init(err);
    if (rc == 0)
        rc = sig_key_generate(&sk, &pub, err);
    if (rc == 0)
        rc = sig_seckey_write(key_path, sk, err);
    snprintf(pub_path, sizeof pub_path, "%s.pub", key_path);
    if (rc == 0)
        rc = sig_pubkey_write(pub_path, &pub, err);
    sig_seckey_free(sk);
    if (rc == 0)
        *created = 1;
    return rc;
}

int
pcli_init(struct pcli_ctx *ctx, int argc, char **argv)
{
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    int from = 0, to = 0, created = 0, rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            ctx->json = 1;
        else
            return pcli_usage_error("init", _("usage: init [--json]"));
    }
    rc = pcli_open(ctx, 0, &st);
    if (rc != TT_EXIT_OK)
        return rc;
    rc = portal_store_migrate(st, &from, &to, &err);
    portal_store_close(st);
    if (rc == 0)
        rc = ensure_portal_key(ctx->key_path, &created, &err);
    if (rc < 0)
        return pcli_fail(&err);
    if (ctx->json) {
        printf("{\"schema_from\":%d,\"schema\":%d,\"key\":", from, to);
        pcli_json_str(stdout, ctx->key_path);
        printf(",\"key_created\":%s}\n", created ? "true" : "false");
    } else {
        if (from == to)
            fprintf(stderr, _("The database schema is up to date (version %d).\n"), to);
        else
            fprintf(stderr, _("Database schema upgraded from version %d to %d.\n"), from, to);
        if (created)
            fprintf(stderr, _("New portal key: %s (public key: %s.pub).\n"), ctx->key_path,
                    ctx->key_path);
    }
    return TT_EXIT_OK;
}

static int
station_add(struct pcli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'},  {"station", required_argument, NULL, 's'},
        {"name", required_argument, NULL, 'n'}, {"from-bundle", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},       {NULL, 0, NULL, 0},
    };
    const char *pubfile = NULL, *name = NULL;
    char station[PORTAL_STATION_ID_MAX + 1] = "", kid[17], fp[80];
    long long from = 1;
    struct sig_pubkey pub;
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    int c, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;

        switch (c) {
        case 'k':
            pubfile = optarg;
            break;
        case 's':
            snprintf(station, sizeof station, "%s", optarg);
            if (!portal_station_id_ok(optarg))
                return pcli_usage_error("station add", _("bad station id '%s'"), optarg);
            break;
        case 'n':
            name = optarg;
            break;
        case 'f':
            from = strtoll(optarg, &end, 10);
            if (*end != '\0' || from < 1)
                return pcli_usage_error("station add", _("--from-bundle needs a number >= 1"));
            break;
        case 'j':
            ctx->json = 1;
            break;
        default:
            return TT_EXIT_USAGE;
        }
    }
    if (pubfile == NULL || optind != argc)
        return pcli_usage_error("station add",
                                _("usage: station add --key STATION.pub [--station ID] "
                                  "[--name NAME] [--from-bundle N]"));
    if (sig_init(&err) < 0 || sig_pubkey_read(pubfile, &pub, &err) < 0)
        return pcli_fail(&err);
    if (station[0] == '\0')
        portal_station_id_for_key(&pub, station);
    rc = pcli_open(ctx, 1, &st);
    if (rc != TT_EXIT_OK)
        return rc;
    rc = portal_registry_add(st, station, name, &pub, from, &err);
    portal_store_close(st);
    if (rc < 0)
        return pcli_fail(&err);
    sig_keyid_hex(pub.key_id, kid);
    sig_fingerprint(&pub, fp);
    if (ctx->json) {
        printf("{\"station\":");
        pcli_json_str(stdout, station);
        printf(",\"key_id\":\"%s\",\"fingerprint\":\"%s\",\"from_bundle\":%lld}\n", kid, fp, from);
    } else {
        printf("%s %s\n", station, kid);
        fprintf(stderr, _("Key %s enrolled for station %s. Fingerprint: %s\n"), kid, station, fp);
    }
    return TT_EXIT_OK;
}

static int
print_key(void *vctx, const struct portal_key *k)
{
    const struct pcli_ctx *ctx = vctx;

    if (ctx->json) {
        printf("{\"station\":");
        pcli_json_str(stdout, k->station_id);
        printf(",\"name\":");
        pcli_json_str(stdout, k->name);
        printf(",\"key_id\":\"%s\",\"status\":\"%s\",\"valid_from_bundle\":%" PRId64
               ",\"valid_until_bundle\":",
               k->key_id, portal_key_status_name(k->status), k->valid_from);
        if (k->valid_until >= 0)
            printf("%" PRId64 "}\n", k->valid_until);
        else
            printf("null}\n");
    } else {
        printf("%-20s %s %-8s %" PRId64 "-", k->station_id, k->key_id,
               portal_key_status_name(k->status), k->valid_from);
        if (k->valid_until >= 0)
            printf("%" PRId64, k->valid_until);
        printf("  %s\n", k->name);
    }
    return 0;
}

static int
station_list(struct pcli_ctx *ctx, int argc, char **argv)
{
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            ctx->json = 1;
        else
            return pcli_usage_error("station list", _("usage: station list [--json]"));
    }
    rc = pcli_open(ctx, 1, &st);
    if (rc != TT_EXIT_OK)
        return rc;
    rc = portal_registry_list(st, print_key, ctx, &err);
    portal_store_close(st);
    return rc < 0 ? pcli_fail(&err) : TT_EXIT_OK;
}

static int
station_revoke(struct pcli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"after", required_argument, NULL, 'a'},
        {"reason", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    const char *reason = "";
    long long after = -1;
    struct portal_store *st = NULL;
    struct tt_err err = {0};
    int c, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;

        if (c == 'a') {
            after = strtoll(optarg, &end, 10);
            if (*end != '\0' || after < 0)
                return pcli_usage_error("station revoke", _("--after needs a number >= 0"));
        } else if (c == 'r') {
            reason = optarg;
        } else {
            return TT_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc)
        return pcli_usage_error("station revoke",
                                _("usage: station revoke KEYID|STATION [--after N] "
                                  "[--reason TEXT]"));
    rc = pcli_open(ctx, 1, &st);
    if (rc != TT_EXIT_OK)
        return rc;
    rc = portal_registry_revoke(st, argv[optind], after, reason, &err);
    portal_store_close(st);
    if (rc < 0)
        return pcli_fail(&err);
    fprintf(stderr, _("Revoked: %s.\n"), argv[optind]);
    return TT_EXIT_OK;
}

int
pcli_station(struct pcli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2)
        return pcli_usage_error("station", _("usage: station add|list|revoke ..."));
    if (strcmp(argv[1], "add") == 0)
        return station_add(ctx, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return station_list(ctx, argc - 1, argv + 1);
    if (strcmp(argv[1], "revoke") == 0)
        return station_revoke(ctx, argc - 1, argv + 1);
    return pcli_usage_error("station", _("unknown action '%s': use add, list or revoke"), argv[1]);
}
