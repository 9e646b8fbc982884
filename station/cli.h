/*
 * cli.h — the subcommands of `tramtem` (DESIGN.md §3).
 *
 * Each subcommand is a function taking the global context and its own
 * argv (argv[0] is the subcommand's name) and returning an exit code of
 * the CLI contract (TT_EXIT_*). Subcommands live in station/cli-<area>.c and
 * are listed in the table in cli.c.
 */
#ifndef TT_CLI_H
#define TT_CLI_H

#include <stdint.h>

#include "../common/tt.h"

struct cli_ctx {
    const char *db_path; /* --db, $TRAMTEM_DB or the XDG default */
    int lang;            /* enum tt_lang */
    const char *prog;    /* "tramtem" */
};

struct cli_command {
    const char *name;
    int (*run)(struct cli_ctx *ctx, int argc, char **argv);
    const char *summary; /* N_()-marked, shown by `tramtem --help` */
};

/* The table of subcommands, ended by a zeroed entry. */
extern const struct cli_command cli_commands[];

/* Runs the subcommand named by argv[0]; returns an exit code. */
int cli_dispatch(struct cli_ctx *ctx, int argc, char **argv);

/* Prints the general help to `to_stderr ? stderr : stdout`. */
void cli_usage(int to_stderr);

/*
 * Prints "tramtem: <words>" to stderr, in the user's language, and returns
 * the exit code for `code` (TT_EXIT_*). `words` is already translated.
 */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a usage error for subcommand `cmd` and returns TT_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A translated, general sentence for a TT_E* code ("Out of memory."). */
const char *cli_code_text(int code);

/* Subcommands (one line per area; each defined in station/cli-<area>.c). */
int cli_gs1(struct cli_ctx *ctx, int argc, char **argv); /* cli-gs1.c */
/* GS1 words (cli-gs1.c): the translated sentence for a GS1_E_* code, and one
 * element explained in the user's language ("(3103) Net weight (kg): 0.195 kg"),
 * for the kiosk and training mode; returns 0, or TT_EINVAL for invalid data. */
struct gs1_element;
const char *cli_gs1_error_text(int detail);
int cli_gs1_describe(const struct gs1_element *el, char *out, size_t out_len);
int cli_key(struct cli_ctx *ctx, int argc, char **argv);     /* cli-sync.c */
int cli_export(struct cli_ctx *ctx, int argc, char **argv);  /* cli-sync.c */
int cli_verify(struct cli_ctx *ctx, int argc, char **argv);  /* cli-sync.c */
int cli_import(struct cli_ctx *ctx, int argc, char **argv);  /* cli-sync.c */
int cli_label(struct cli_ctx *ctx, int argc, char **argv);   /* cli-label.c */
int cli_print(struct cli_ctx *ctx, int argc, char **argv);   /* cli-label.c */
int cli_printer(struct cli_ctx *ctx, int argc, char **argv); /* cli-label.c */
int cli_devices(struct cli_ctx *ctx, int argc, char **argv); /* cli-devices.c */
int cli_scale(struct cli_ctx *ctx, int argc, char **argv);   /* cli-devices.c */
int cli_scan(struct cli_ctx *ctx, int argc, char **argv);    /* cli-devices.c */

int cli_init(struct cli_ctx *ctx, int argc, char **argv);     /* cli-store.c */
int cli_product(struct cli_ctx *ctx, int argc, char **argv);  /* cli-store.c */
int cli_lot(struct cli_ctx *ctx, int argc, char **argv);      /* cli-store.c */
int cli_events(struct cli_ctx *ctx, int argc, char **argv);   /* cli-store.c */
int cli_kiosk(struct cli_ctx *ctx, int argc, char **argv);    /* cli-kiosk.c */
int cli_demo(struct cli_ctx *ctx, int argc, char **argv);     /* cli-kiosk.c */
int cli_report(struct cli_ctx *ctx, int argc, char **argv);   /* cli-kiosk.c */
int cli_training(struct cli_ctx *ctx, int argc, char **argv); /* cli-training.c */

/* Sealed bundles (cli-seal.c): `key seal [FILE|off]`, the keys of export
 * --encrypt-to and verify --open-key (each prints its own failure and
 * returns an exit code), and the words for BUNDLE_P_SEALED / _CIPHER. */
struct db;
struct seal_key;
int cli_key_seal(struct cli_ctx *ctx, struct db *db, int argc, char **argv);
int cli_seal_pub_load(const char *file, uint8_t pk[32]);
int cli_seal_secret_load(const char *file, struct seal_key **out);
const char *cli_seal_problem_text(int problem);
/* An export stopped because a spool copy could not be made again (says which, and why). */
int cli_spool_fail(const struct tt_err *e);
#endif
