/*
 * cli.c — the subcommand table, dispatch, shared error printing and the
 * small helpers of the portal's front end.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "intl.h"

const struct pcli_command pcli_commands[] = {
    {"init", pcli_init, N_("create or upgrade the database schema and the portal key")},
    {"station", pcli_station, N_("add | list | revoke station keys")},
    {"ingest", pcli_ingest, N_("verify and import the bundles found in a folder")},
    {"receipt", pcli_receipt, N_("write signed receipts for the stations into a folder")},
    {"masterdata", pcli_masterdata, N_("export signed master data into a folder")},
    {"trace", pcli_trace, N_("trace a lot or an SSCC across stations")},
    {"serve", pcli_serve, N_("serve Digital Link pages and the EPCIS query subset")},
    {"seal-key", pcli_seal_key, N_("init | show the key for sealed (encrypted) bundles")},
    {NULL, NULL, NULL},
};

void
pcli_usage(int to_stderr)
{
    FILE *out = to_stderr ? stderr : stdout;

    fprintf(out, "%s\n",
            _("Usage: tramtem-portal [--db CONNINFO] [--key FILE] [--lang vi|en] [--json] "
              "COMMAND [ARGS...]"));
    fprintf(out, "%s\n", _("Commands:"));
    for (const struct pcli_command *c = pcli_commands; c->name != NULL; c++)
        fprintf(out, "  %-12s %s\n", c->name, _(c->summary));
}

int
pcli_dispatch(struct pcli_ctx *ctx, int argc, char **argv)
{
    for (const struct pcli_command *c = pcli_commands; c->name != NULL; c++) {
        if (strcmp(c->name, argv[0]) == 0)
            return c->run(ctx, argc, argv);
    }
    fprintf(stderr,
            _("tramtem-portal: unknown command '%s'. Run 'tramtem-portal --help' for the "
              "list.\n"),
            argv[0]);
    return TT_EXIT_USAGE;
}

static const char *
code_text(int code)
{
    switch (code) {
    case TT_ENOMEM:
        return _("Not enough memory. Close other programs and try again.");
    case TT_EIO:
        return _("A file or the database could not be read or written.");
    case TT_EPARSE:
        return _("The data is not in the expected format.");
    case TT_EINVAL:
        return _("The data breaks a rule.");
    case TT_EDEVICE:
        return _("The database server is not available. Check --db or PGSERVICE.");
    case TT_EBUSY:
        return _("The resource is busy. Wait a moment and try again.");
    case TT_ENOTFOUND:
        return _("Not found.");
    case TT_EEXIST:
        return _("It already exists.");
    case TT_ESTATE:
        return _("That is not allowed right now.");
    case TT_ESIG:
        return _("The signature is missing or does not match. Do not trust this file.");
    case TT_ECORRUPT:
        return _("Stored data is damaged.");
    case TT_EACCESS:
        return _("Permission denied.");
    case TT_ENOSPC:
        return _("The disk or USB stick is full.");
    case TT_EROFS:
        return _("The medium is read-only.");
    case TT_EUSAGE:
        return _("Wrong use of the command.");
    default:
        return _("Unexpected error.");
    }
}

int
pcli_fail(const struct tt_err *err)
{
    int code = err->code != 0 ? err->code : TT_EIO;

    if (err->msg[0] != '\0')
        fprintf(stderr, "tramtem-portal: %s (%s)\n", code_text(code), err->msg);
    else
        fprintf(stderr, "tramtem-portal: %s\n", code_text(code));
    return tt_exit_code(code);
}

int
pcli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "tramtem-portal %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return TT_EXIT_USAGE;
}

int
pcli_open(struct pcli_ctx *ctx, int check_schema, struct portal_store **out)
{
    struct tt_err err = {0};
    int rc = portal_store_open(ctx->conninfo, out, &err);

    if (rc == 0 && check_schema) {
        rc = portal_store_check(*out, &err);
        if (rc < 0) {
            portal_store_close(*out);
            *out = NULL;
        }
    }
    return rc < 0 ? pcli_fail(&err) : TT_EXIT_OK;
}

void
pcli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}
