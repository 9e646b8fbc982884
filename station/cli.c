/*
 * cli.c — the subcommand table, dispatch and the shared error printing of
 * the command-line interface.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "intl.h"

const struct cli_command cli_commands[] = {
    {"gs1", cli_gs1, N_("GS1 data: parse, check-digit, vpc, dl")},
    {"key", cli_key, N_("station signing key: init, show, portal FILE")},
    {"export", cli_export, N_("write the next signed bundle to the USB stick or --to DIR")},
    {"verify", cli_verify, N_("check a bundle's signature and every event")},
    {"import", cli_import, N_("import a receipt or master data from the portal")},
    {"label", cli_label, N_("label templates: render one to a file, list them")},
    {"print", cli_print, N_("print a label (CUPS queue or file:DIR) and record it")},
    {"printer", cli_printer, N_("printer queues: list, print a test label")},
    {"devices", cli_devices, N_("list scales, scanners and serial ports, with their state")},
    {"scale", cli_scale, N_("watch a scale: scale watch [--device SPEC]")},
    {"scan", cli_scan, N_("watch a scanner: scan watch [--device SPEC]")},
    {"init", cli_init, N_("create the station database (--demo: the demo cooperative)")},
    {"product", cli_product, N_("products: add, list [--json], show GTIN")},
    {"lot", cli_lot, N_("lots: open --gtin GTIN, close ID, list")},
    {"events", cli_events, N_("the EPCIS 2.0 events, one JSON line each: events --json")},
    {"kiosk", cli_kiosk, N_("the kiosk on the station database (the default command)")},
    {"demo", cli_demo, N_("the kiosk on a fresh demo database, simulated scale and scanner")},
    {"report", cli_report, N_("daily totals: report daily [--date D] [--format txt|csv|png]")},
    {"training", cli_training, N_("training mode: lessons, explainer, scores (own sandbox)")},
    {NULL, NULL, NULL},
};

void
cli_usage(int to_stderr)
{
    FILE *out = to_stderr ? stderr : stdout;

    fprintf(out, "%s\n", _("Usage: tramtem [--db FILE] [--lang vi|en] COMMAND [ARGS...]"));
    fprintf(out, "%s\n", _("Commands:"));
    for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
        fprintf(out, "  %-12s %s\n", c->name, _(c->summary));
}

int
cli_dispatch(struct cli_ctx *ctx, int argc, char **argv)
{
    for (const struct cli_command *c = cli_commands; c->name != NULL; c++) {
        if (strcmp(c->name, argv[0]) == 0)
            return c->run(ctx, argc, argv);
    }
    fprintf(stderr, _("tramtem: unknown command '%s'. Run 'tramtem --help' for the list.\n"),
            argv[0]);
    return TT_EXIT_USAGE;
}

int
cli_fail(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("tramtem: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return tt_exit_code(code);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "tramtem %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return TT_EXIT_USAGE;
}

const char *
cli_code_text(int code)
{
    switch (code) {
    case TT_OK:
        return _("Done.");
    case TT_ENOMEM:
        return _("Not enough memory. Close other programs and try again.");
    case TT_EIO:
        return _("A file could not be read or written. Check the disk or USB stick.");
    case TT_EPARSE:
        return _("The data is not in the expected format.");
    case TT_EINVAL:
        return _("The data breaks a rule.");
    case TT_EDEVICE:
        return _("The device or printer is not available. Check that it is plugged in and on.");
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
    case TT_ETIMEOUT:
        return _("Nothing arrived in time.");
    case TT_EROFS:
        return _("The medium is read-only.");
    case TT_EUSAGE:
        return _("Wrong use of the command.");
    default:
        return _("Unexpected error.");
    }
}
