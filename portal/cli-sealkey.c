/*
 * cli-sealkey.c — `seal-key init | show`: the portal's key for sealed
 * (encrypted) bundles. `show` prints the public file for the stations.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "intl.h"
#include "sealkey.h"

static void
print_public(const struct pcli_ctx *ctx, const uint8_t pk[SEAL_PK_LEN], int created)
{
    char text[128], fp[SEAL_FP_LEN], secret[PORTAL_SEALKEY_PATH_MAX], pub[PORTAL_SEALKEY_PATH_MAX];

    seal_fingerprint(pk, fp);
    portal_sealkey_paths(ctx->key_path, secret, pub);
    if (ctx->json) {
        seal_pub_b64(pk, text);
        printf("{\"secret\":");
        pcli_json_str(stdout, secret);
        printf(",\"public\":");
        pcli_json_str(stdout, pub);
        printf(",\"key\":\"%s\",\"fingerprint\":\"%s\",\"created\":%s}\n", text, fp,
               created ? "true" : "false");
        return;
    }
    seal_pub_format(pk, text, sizeof text);
    fputs(text, stdout);
    if (created)
        fprintf(stderr, _("New seal key: %s (public file: %s).\n"), secret, pub);
    fprintf(stderr,
            _("Seal key fingerprint: %s\nStations seal bundles to it with 'tramtem key seal "
              "FILE'. Keep an escrow copy of the secret file: without it, sealed bundles can "
              "never be read.\n"),
            fp);
}

int
pcli_seal_key(struct pcli_ctx *ctx, int argc, char **argv)
{
    uint8_t pk[SEAL_PK_LEN];
    struct tt_err err = {0};
    int init;

    if (argc != 2 || (strcmp(argv[1], "init") != 0 && strcmp(argv[1], "show") != 0))
        return pcli_usage_error("seal-key", "%s", _("usage: seal-key init | show"));
    init = strcmp(argv[1], "init") == 0;
    if ((init ? portal_sealkey_init(ctx->key_path, pk, &err)
              : portal_sealkey_public(ctx->key_path, pk, &err)) != 0) {
        if (err.code == TT_EEXIST)
            fprintf(stderr, "%s\n",
                    _("tramtem-portal: a seal key already exists; it is never replaced. "
                      "'tramtem-portal seal-key show' prints it."));
        else if (err.code == TT_ENOTFOUND)
            fprintf(stderr, "%s\n",
                    _("tramtem-portal: there is no seal key yet. Run 'tramtem-portal seal-key "
                      "init'."));
        else
            return pcli_fail(&err);
        return tt_exit_code(err.code);
    }
    print_public(ctx, pk, init);
    return TT_EXIT_OK;
}
