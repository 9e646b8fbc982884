/*
 * cli.h — the subcommands of `tramtem-portal` (DESIGN.md §3, §10).
 *
 * Each subcommand takes the global context and its own argv (argv[0] is
 * its name) and returns an exit code of the CLI contract (TT_EXIT_*).
 * These files print (translated) and main.c exits; nothing else does.
 */
#ifndef PORTAL_CLI_H
#define PORTAL_CLI_H

#include <stdio.h>

#include "../common/tt.h"
#include "store.h"

struct pcli_ctx {
    const char *conninfo; /* --db, NULL = libpq environment (PGSERVICE, PGHOST ...) */
    const char *key_path; /* --key, $TRAMTEM_PORTAL_KEY or the XDG default */
    int lang;             /* enum tt_lang */
    int json;             /* --json */
};

struct pcli_command {
    const char *name;
    int (*run)(struct pcli_ctx *ctx, int argc, char **argv);
    const char *summary; /* N_()-marked */
};

extern const struct pcli_command pcli_commands[];

int pcli_dispatch(struct pcli_ctx *ctx, int argc, char **argv);
void pcli_usage(int to_stderr);

/*
 * Prints "tramtem-portal: <general sentence for err->code> (<detail>)" on
 * stderr and returns the exit code for the error.
 */
int pcli_fail(const struct tt_err *err);

/* Prints a usage error for `cmd` and returns TT_EXIT_USAGE. */
int pcli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the database and checks the schema; prints and returns an exit code on failure. */
int pcli_open(struct pcli_ctx *ctx, int check_schema, struct portal_store **out);

/* Writes `s` as a JSON string (quotes and escapes) to `f`. */
void pcli_json_str(FILE *f, const char *s);

/* Subcommands, one per file cli-<area>.c. */
int pcli_init(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_station(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_ingest(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_receipt(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_masterdata(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_trace(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_serve(struct pcli_ctx *ctx, int argc, char **argv);
int pcli_seal_key(struct pcli_ctx *ctx, int argc, char **argv);

#endif
