/* cli-stubs.c — temporary: subcommands not written yet. */
#include "cli.h"
#include "intl.h"

static int
not_yet(const char *name)
{
    return pcli_usage_error(name, _("not available yet"));
}

int
pcli_serve(struct pcli_ctx *ctx, int argc, char **argv)
{
    (void)ctx, (void)argc, (void)argv;
    return not_yet("serve");
}
