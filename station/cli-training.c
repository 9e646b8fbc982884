/*
 * cli-training.c — `tramtem training` and its sub-commands:
 *   training [--dir DIR] [--scale SPEC] [--scanner SPEC] [--printer DEST]
 *   training explain DATA...|-        the explainer on the command line
 *   training lessons                  list the lessons (and check their files)
 *   training check --name N --class C LESSON EXERCISE ANSWER
 *   training export --csv FILE | --pdf FILE [--class C]
 *   training reset --yes              wipe the sandbox between classes
 * Every sub-command works on the training sandbox (--dir, $TRAMTEM_TRAINING_DIR
 * or $XDG_DATA_HOME/tramtem/training), never on the station database.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../db/training.h"
#include "cli.h"
#include "intl.h"
#include "training-run.h"
#include "training.h"

struct topts {
    char dir[4096];
    char lessons[4096];
    char demo[4096];
    const char *station_db;
    const char *scale, *scanner, *printer, *csv, *pdf, *name, *class_name;
    int yes;
    int help;
};

#define USAGE                                                                                      \
    N_("usage: tramtem training [--dir DIR] [--sim | --scale SPEC --scanner SPEC] [--printer "     \
       "DEST]\n"                                                                                   \
       "       tramtem training explain DATA...|-\n"                                               \
       "       tramtem training lessons\n"                                                         \
       "       tramtem training check --name NAME --class CLASS [--printer DEST] LESSON "          \
       "EXERCISE ANSWER\n"                                                                         \
       "       tramtem training export (--csv FILE | --pdf FILE) [--class CLASS]\n"                \
       "       tramtem training reset --yes")

/* Options common to every sub-command; returns the index of the first operand or -1. */
static int
parse_opts(int argc, char **argv, struct topts *o)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"lessons", required_argument, NULL, 'L'},
        {"scale", required_argument, NULL, 's'},
        {"scanner", required_argument, NULL, 'S'},
        {"printer", required_argument, NULL, 'p'},
        {"csv", required_argument, NULL, 'c'},
        {"pdf", required_argument, NULL, 'P'},
        {"name", required_argument, NULL, 'n'},
        {"class", required_argument, NULL, 'C'},
        {"yes", no_argument, NULL, 'y'},
        {"sim", no_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            snprintf(o->dir, sizeof o->dir, "%s", optarg);
            break;
        case 'L':
            snprintf(o->lessons, sizeof o->lessons, "%s", optarg);
            break;
        case 's':
            o->scale = optarg;
            break;
        case 'S':
            o->scanner = optarg;
            break;
        case 'p':
            o->printer = optarg;
            break;
        case 'c':
            o->csv = optarg;
            break;
        case 'P':
            o->pdf = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'C':
            o->class_name = optarg;
            break;
        case 'y':
            o->yes = 1;
            break;
        case 'h':
            o->help = 1;
            break;
        case 'm': /* simulated scale and scanner even when real ones are plugged in */
            o->scale = o->scanner = "sim:";
            break;
        default:
            return -1;
        }
    }
    return optind;
}

static int
fail(const struct tt_err *err)
{
    fprintf(stderr, "tramtem training: %s\n", err->msg);
    return cli_fail(err->code, "%s", cli_code_text(err->code));
}

static int
explain_one(const char *data, size_t len)
{
    struct training_lines out;
    int valid = training_explain(data, len, &out);

    for (size_t i = 0; i < out.n; i++)
        puts(out.line[i]);
    puts("");
    return valid;
}

static int
cmd_explain(int argc, char **argv, int first)
{
    int invalid = 0;

    if (first >= argc)
        return cli_usage_error("training explain", "%s", _(USAGE));
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            char *line = NULL;
            size_t cap = 0;
            ssize_t n;

            while ((n = getline(&line, &cap, stdin)) > 0)
                invalid |= !explain_one(line, (size_t)n);
            free(line);
        } else {
            invalid |= !explain_one(argv[i], strlen(argv[i]));
        }
    }
    return invalid ? TT_EXIT_DATAERR : TT_EXIT_OK;
}

static int
cmd_lessons(struct topts *o)
{
    struct training_lessons *ls;
    struct tt_err err;

    if (training_lessons_load(o->lessons, &ls, &err) != 0) {
        fprintf(stderr, "tramtem training: %s\n", err.msg);
        return TT_EXIT_DATAERR;
    }
    for (size_t i = 0; i < training_lessons_count(ls); i++) {
        const struct training_lesson *l = training_lesson_at(ls, i);

        printf("%-16s %2zu  %s\n", l->id, l->n_ex, training_lesson_title(l));
    }
    training_lessons_free(ls);
    return TT_EXIT_OK;
}

static const struct training_exercise *
find_exercise(const struct training_lessons *ls, const char *lesson, const char *ex)
{
    const struct training_lesson *l = training_lesson_find(ls, lesson);

    for (size_t i = 0; l != NULL && i < l->n_ex; i++)
        if (strcmp(l->ex[i].id, ex) == 0)
            return &l->ex[i];
    return NULL;
}

static int
cmd_check(struct topts *o, int argc, char **argv, int first)
{
    struct training_sandbox *sb = NULL;
    struct training_lessons *ls = NULL;
    const struct training_exercise *ex;
    struct training_verdict v;
    struct tt_err err;
    int64_t who = 0;
    int rc;

    if (argc - first != 3 || o->name == NULL || o->class_name == NULL)
        return cli_usage_error("training check", "%s", _(USAGE));
    rc = training_lessons_load(o->lessons, &ls, &err);
    if (rc == 0)
        rc = training_sandbox_open(o->dir, o->station_db, o->demo, &sb, &err);
    ex = rc == 0 ? find_exercise(ls, argv[first], argv[first + 1]) : NULL;
    if (rc == 0 && ex == NULL)
        rc = tt_err_set(&err, TT_ENOTFOUND, "training", "no exercise %s in lesson %s",
                        argv[first + 1], argv[first]);
    if (rc == 0)
        rc = db_training_signin(training_sandbox_db(sb), o->name, o->class_name, &who, &err);
    if (rc == 0)
        rc = training_check(ex, sb, argv[first + 2], &v, &err);
    if (rc == 0)
        rc = db_training_attempt(training_sandbox_db(sb), who, argv[first], ex->id, argv[first + 2],
                                 v.correct, &err);
    for (size_t i = 0; rc == 0 && i < v.feedback.n; i++)
        puts(v.feedback.line[i]);
    if (rc == 0 && v.correct && ex->kind == TRAINING_MAKE_LABEL && o->printer != NULL) {
        char ref[512];

        rc = training_label_print(sb, argv[first + 2], o->printer, o->lessons, ref, sizeof ref,
                                  &err);
        if (rc == 0)
            printf(_("Label printed: %s\n"), ref);
    }
    training_sandbox_close(sb);
    training_lessons_free(ls);
    if (rc != 0)
        return fail(&err);
    return v.correct ? TT_EXIT_OK : TT_EXIT_FAIL;
}

static int
cmd_export(struct topts *o)
{
    struct training_sandbox *sb = NULL;
    struct training_lessons *ls = NULL;
    struct tt_err err;
    int rc;

    if (o->csv == NULL && o->pdf == NULL)
        return cli_usage_error("training export", "%s", _(USAGE));
    rc = training_lessons_load(o->lessons, &ls, &err);
    if (rc == 0)
        rc = training_sandbox_open(o->dir, o->station_db, o->demo, &sb, &err);
    if (rc == 0 && o->csv != NULL)
        rc = training_export_csv(training_sandbox_db(sb), o->class_name, o->csv, &err);
    if (rc == 0 && o->pdf != NULL)
        rc = training_export_pdf(training_sandbox_db(sb), ls, o->class_name, o->pdf, &err);
    training_sandbox_close(sb);
    training_lessons_free(ls);
    return rc != 0 ? fail(&err) : TT_EXIT_OK;
}

static int
cmd_reset(struct topts *o)
{
    struct tt_err err;

    if (!o->yes)
        return cli_usage_error("training reset", "%s",
                               _("this wipes every score and label of the sandbox; "
                                 "export first, then run: tramtem training reset --yes"));
    if (training_sandbox_reset(o->dir, o->station_db, &err) != 0)
        return fail(&err);
    printf(_("The training sandbox %s is empty again.\n"), o->dir);
    return TT_EXIT_OK;
}

static int
cmd_run(struct topts *o)
{
    struct training_run_opts r = {
        .dir = o->dir,
        .station_db = o->station_db,
        .lessons_dir = o->lessons,
        .demo_dir = o->demo,
        .scale_spec = o->scale != NULL ? o->scale : getenv("TRAMTEM_SCALE"),
        .scanner_spec = o->scanner != NULL ? o->scanner : getenv("TRAMTEM_SCANNER"),
        .printer = o->printer != NULL ? o->printer : getenv("TRAMTEM_PRINTER"),
    };
    char files[4200];
    struct tt_err err;

    /* A classroom rarely has a label printer: PDF files in the sandbox unless told. */
    if (r.printer == NULL || *r.printer == '\0') {
        snprintf(files, sizeof files, "file:%s/labels", o->dir);
        r.printer = files;
    }
    if (training_run(&r, &err) != 0)
        return fail(&err);
    return TT_EXIT_OK;
}

int
cli_training(struct cli_ctx *ctx, int argc, char **argv)
{
    struct topts o = {.station_db = ctx->db_path};
    int first = parse_opts(argc, argv, &o);
    const char *sub;

    if (first < 0)
        return cli_usage_error("training", "%s", _(USAGE));
    if (o.help) {
        printf("%s\n", _(USAGE));
        return TT_EXIT_OK;
    }
    if (o.dir[0] == '\0')
        training_default_dir(o.dir, sizeof o.dir);
    if (o.lessons[0] == '\0')
        snprintf(o.lessons, sizeof o.lessons, "%s/training", tt_datadir());
    snprintf(o.demo, sizeof o.demo, "%s/demo", tt_datadir());
    sub = first < argc ? argv[first] : NULL;
    if (sub == NULL)
        return cmd_run(&o);
    /* Sub-commands take the same options after their name. */
    argc -= first;
    argv += first;
    first = parse_opts(argc, argv, &o);
    if (first < 0)
        return cli_usage_error("training", "%s", _(USAGE));
    if (strcmp(sub, "explain") == 0)
        return cmd_explain(argc, argv, first);
    if (strcmp(sub, "lessons") == 0 && first == argc)
        return cmd_lessons(&o);
    if (strcmp(sub, "check") == 0)
        return cmd_check(&o, argc, argv, first);
    if (strcmp(sub, "export") == 0 && first == argc)
        return cmd_export(&o);
    if (strcmp(sub, "reset") == 0 && first == argc)
        return cmd_reset(&o);
    return cli_usage_error("training", "%s", _(USAGE));
}
