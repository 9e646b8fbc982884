/*
 * cli-seal.c — the words around sealed (encrypted) bundles: `tramtem key
 * seal FILE|off` (the station setting), loading the keys `export
 * --encrypt-to` and `verify --open-key` are given, and what a sealed
 * bundle's problems mean. Sealing itself is in sync/seal.c.
 */
#include <stdio.h>
#include <string.h>

#include "../db/db.h"
#include "../sync/bundle.h"
#include "../sync/export.h"
#include "../sync/seal.h"
#include "cli.h"
#include "intl.h"

static int
seal_fail(const struct tt_err *e, const char *file)
{
    int rc;

    if (e->code == TT_ENOTFOUND)
        rc = cli_fail(e->code, _("Cannot read %s."), file);
    else if (e->code == TT_EACCESS)
        rc = cli_fail(e->code, _("%s may be read by other users. Run 'chmod 600 %s' first."), file,
                      file);
    else
        rc = cli_fail(e->code, _("%s is not a portal seal key file."), file);
    if (e->msg[0] != '\0')
        fprintf(stderr, "  (%s)\n", e->msg);
    return rc;
}

int
cli_seal_pub_load(const char *file, uint8_t pk[SEAL_PK_LEN])
{
    struct tt_err e;

    tt_err_clear(&e);
    return seal_pub_read(file, pk, &e) == 0 ? TT_EXIT_OK : seal_fail(&e, file);
}

int
cli_seal_secret_load(const char *file, struct seal_key **out)
{
    struct tt_err e;

    tt_err_clear(&e);
    return seal_key_read(file, out, &e) == 0 ? TT_EXIT_OK : seal_fail(&e, file);
}

static void
print_state(const uint8_t pk[SEAL_PK_LEN], int on)
{
    char fp[SEAL_FP_LEN];

    if (!on) {
        fprintf(stderr, "%s\n",
                _("Bundles are not sealed (the default). 'tramtem key seal FILE' seals new "
                  "bundles to the portal's seal key."));
        return;
    }
    seal_fingerprint(pk, fp);
    fprintf(stderr,
            _("New bundles are sealed to the portal seal key %s. Only that portal can read "
              "them; anyone can still check their signature.\n"),
            fp);
}

int
cli_key_seal(struct cli_ctx *ctx, struct db *db, int argc, char **argv)
{
    uint8_t pk[SEAL_PK_LEN];
    struct tt_err e;
    int on = 0, rc;

    (void)ctx;
    tt_err_clear(&e);
    if (argc == 1) {
        if (sync_seal_key_get(db, pk, &on, &e) != 0)
            return cli_fail(e.code, "%s", cli_code_text(e.code));
        print_state(pk, on);
        return TT_EXIT_OK;
    }
    if (argc != 2)
        return cli_usage_error("key", "%s", _("use: tramtem key seal [FILE | off]"));
    if (strcmp(argv[1], "off") == 0) {
        if (sync_seal_key_set(db, NULL, pk, &e) != 0)
            return cli_fail(e.code, "%s", cli_code_text(e.code));
        fprintf(stderr, "%s\n",
                _("Sealing is off: new bundles are written readable. Bundles already made "
                  "stay as they are."));
        return TT_EXIT_OK;
    }
    if ((rc = cli_seal_pub_load(argv[1], pk)) != TT_EXIT_OK)
        return rc;
    if (sync_seal_key_set(db, argv[1], pk, &e) != 0)
        return cli_fail(e.code, "%s", cli_code_text(e.code));
    print_state(pk, 1);
    return TT_EXIT_OK;
}

const char *
cli_seal_problem_text(int problem)
{
    switch (problem) {
    case BUNDLE_P_SEALED:
        return _("The signature is valid, but the contents are sealed (encrypted to a portal) "
                 "and were NOT checked. Give the portal's seal secret key with --open-key to "
                 "check them.");
    case BUNDLE_P_CIPHER:
        return _("The signature is valid, but the sealed contents are damaged or cut short.");
    default:
        return NULL;
    }
}

int
cli_spool_fail(const struct tt_err *e)
{
    int rc;

    if (e->code == TT_ESTATE)
        rc = cli_fail(e->code, "%s",
                      _("A sealed bundle is missing from the station's spool. It is never "
                        "written again readable: set the portal seal key ('tramtem key seal "
                        "FILE' or --encrypt-to FILE) to seal it anew."));
    else
        rc = cli_fail(e->code, "%s",
                      _("A bundle is missing or damaged in the station's spool and cannot be "
                        "made again exactly as it was. Nothing was written in its place; keep "
                        "the station as it is and call for help."));
    fprintf(stderr, "  (%s)\n", e->msg);
    return rc;
}
