/*
 * cli-store.c — the store's subcommands (DESIGN.md §3): `tramtem init
 * [--demo]`, `product add|list|show`, `lot open|close|list` and `events
 * [--after SEQ] --json`. The words the user reads are here; db/ gives
 * codes and English details, which follow in parentheses.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/i18n.h"
#include "../db/db.h"
#include "../gs1/gs1.h"
#include "cli.h"
#include "intl.h"

/* A sentence for a store error, in the user's language. */
static const char *
store_error_text(const struct tt_err *e)
{
    switch (e->code) {
    case TT_ENOTFOUND:
        return _("Not found in the station database.");
    case TT_EEXIST:
        return _("That is already in the station database.");
    case TT_ESTATE:
        return _("That is not allowed now.");
    case TT_EROFS:
        return _("The station database is open read-only (safe mode); nothing can be changed.");
    case TT_EBUSY:
        return _("The station database is busy (another tramtem is writing). Try again.");
    case TT_EINVAL:
        if (e->detail != 0)
            return cli_gs1_error_text(e->detail);
        return _("The data breaks a rule.");
    default:
        return cli_code_text(e->code);
    }
}

static int
store_fail(const struct tt_err *e)
{
    return cli_fail(e->code, "%s (%s)", store_error_text(e), e->msg);
}

/* Opens the station database; warns once when it is in safe mode. */
static int
open_store(struct cli_ctx *ctx, struct db **db, struct tt_err *e)
{
    int rc = db_open(ctx->db_path, 0, db, e);

    if (rc == TT_ENOTFOUND)
        return cli_fail(rc,
                        _("There is no station database at %s. Create it with 'tramtem init' "
                          "(or 'tramtem init --demo')."),
                        ctx->db_path);
    if (rc != 0)
        return store_fail(e);
    if (db_safe_mode(*db))
        fprintf(stderr,
                _("tramtem: warning: the station database failed its check and is open "
                  "read-only. Restore a backup. (%s)\n"),
                db_safe_mode_reason(*db));
    return 0;
}

static int
parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* "1.534" kg -> 1534 g; at most 3 decimals. */
static int
parse_kg(const char *s, int64_t *grams)
{
    int64_t whole = 0, frac = 0;
    int digits = 0;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((whole = whole * 10 + (*p - '0')) > 1000000)
            return -1;
    if (*p == '.' || *p == ',')
        for (p++; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
            frac = frac * 10 + (*p - '0');
    if (*p != '\0')
        return -1;
    for (; digits < 3; digits++)
        frac *= 10;
    *grams = whole * 1000 + frac;
    return 0;
}

/* ---- init ------------------------------------------------------------------- */

static void
remove_db_files(const char *path)
{
    char p[4200];

    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

int
cli_init(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"demo", no_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    struct tt_err e = {0};
    struct db *db = NULL;
    char dir[4096];
    int c, demo = 0, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'd')
            return cli_usage_error("init", _("usage: tramtem init [--demo]"));
        demo = 1;
    }
    if (optind != argc)
        return cli_usage_error("init", _("usage: tramtem init [--demo]"));
    if (access(ctx->db_path, F_OK) == 0)
        return cli_fail(TT_EEXIST,
                        _("A station database already exists at %s; it was left as it is."),
                        ctx->db_path);
    rc = db_open(ctx->db_path, DB_OPEN_CREATE, &db, &e);
    if (rc != 0)
        return store_fail(&e);
    if (demo) {
        snprintf(dir, sizeof dir, "%s/demo", tt_datadir());
        rc = db_demo_load(db, dir, &e);
    }
    db_close(db);
    if (rc != 0) {
        remove_db_files(ctx->db_path); /* no half-made station */
        return store_fail(&e);
    }
    fprintf(stderr,
            demo ? _("Created the demo station database %s.\n")
                 : _("Created the station database %s.\n"),
            ctx->db_path);
    return TT_EXIT_OK;
}

/* ---- products ------------------------------------------------------------------ */

static int
product_add(struct db *db, int argc, char **argv)
{
    static const struct option opts[] = {
        {"gtin", required_argument, NULL, 'g'},
        {"name", required_argument, NULL, 'n'},
        {"name-en", required_argument, NULL, 'e'},
        {"variable", no_argument, NULL, 'v'},
        {"unit", required_argument, NULL, 'u'},
        {"template", required_argument, NULL, 't'},
        {"shelf-life", required_argument, NULL, 's'},
        {"image", required_argument, NULL, 'i'},
        {NULL, 0, NULL, 0},
    };
    struct db_product p = {0};
    struct tt_err e = {0};
    int64_t days;
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            snprintf(p.gtin, sizeof p.gtin, "%.14s", optarg);
            if (strlen(optarg) > 14)
                p.gtin[0] = 'x'; /* too long: let the GTIN check say so */
            break;
        case 'n':
            snprintf(p.name_vi, sizeof p.name_vi, "%s", optarg);
            break;
        case 'e':
            snprintf(p.name_en, sizeof p.name_en, "%s", optarg);
            break;
        case 'v':
            p.variable = 1;
            break;
        case 'u':
            snprintf(p.unit, sizeof p.unit, "%.3s", optarg);
            break;
        case 't':
            snprintf(p.template, sizeof p.template, "%s", optarg);
            break;
        case 's':
            if (parse_i64(optarg, &days) != 0 || days > 3650)
                return cli_usage_error("product add", _("--shelf-life takes days (0-3650)"));
            p.shelf_life_days = (int)days;
            break;
        case 'i':
            snprintf(p.image_path, sizeof p.image_path, "%s", optarg);
            break;
        default:
            return TT_EXIT_USAGE;
        }
    }
    if (p.gtin[0] == '\0' || p.name_vi[0] == '\0' || optind != argc)
        return cli_usage_error("product add",
                               _("usage: tramtem product add --gtin GTIN --name NAME [--name-en "
                                 "NAME] [--variable] [--unit KGM] [--template NAME] "
                                 "[--shelf-life DAYS]"));
    if (db_product_add(db, &p, &p.id, &e) != 0)
        return store_fail(&e);
    if (db_product_get(db, p.id, &p, &e) != 0)
        return store_fail(&e);
    printf("%s\n", p.gtin);
    if (p.demo)
        fprintf(stderr,
                _("Note: %s is a demo number (prefix 952); it can be printed only in demo "
                  "or training mode.\n"),
                p.gtin);
    return TT_EXIT_OK;
}

/* Prints one object as a line of compact JSON and frees it. */
static void
print_json_line(json_t *o)
{
    char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    if (text != NULL)
        printf("%s\n", text);
    free(text);
    json_decref(o);
}

static int
product_json(void *ctx, const struct db_product *p)
{
    (void)ctx;
    print_json_line(json_pack("{s:I,s:s,s:s,s:s,s:b,s:s,s:i,s:s,s:b}", "id", (json_int_t)p->id,
                              "gtin", p->gtin, "name_vi", p->name_vi, "name_en", p->name_en,
                              "variable", p->variable, "unit", p->unit, "shelf_life_days",
                              p->shelf_life_days, "template", p->template, "demo", p->demo));
    return 0;
}

static int
product_line(void *ctx, const struct db_product *p)
{
    (void)ctx;
    printf("%s  %-4s %s  %s%s\n", p->gtin, p->unit, p->variable ? _("by weight") : _("fixed"),
           p->name_vi, p->demo ? _("  [demo]") : "");
    return 0;
}

static void
product_show(const struct db_product *p)
{
    printf("%-16s %s\n", _("GTIN:"), p->gtin);
    printf("%-16s %s\n", _("Name:"), p->name_vi);
    if (p->name_en[0] != '\0')
        printf("%-16s %s\n", _("English name:"), p->name_en);
    printf("%-16s %s\n", _("Measure:"), p->variable ? _("by weight") : _("fixed"));
    printf("%-16s %s\n", _("Unit:"), p->unit);
    if (p->shelf_life_days > 0)
        printf("%-16s %d\n", _("Shelf life (days):"), p->shelf_life_days);
    printf("%-16s %s\n", _("Label template:"), p->template);
    if (p->demo)
        printf("%-16s %s\n", _("Note:"), _("demo number, for demo and training mode only"));
}

int
cli_product(struct cli_ctx *ctx, int argc, char **argv)
{
    struct tt_err e = {0};
    struct db_product p;
    struct db *db = NULL;
    int rc = TT_EXIT_OK, json = argc == 3 && strcmp(argv[2], "--json") == 0;

    if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
                     strcmp(argv[1], "show") != 0))
        return cli_usage_error("product", _("usage: tramtem product add|list [--json]|show GTIN"));
    if ((strcmp(argv[1], "show") == 0 && argc != 3) ||
        (strcmp(argv[1], "list") == 0 && argc != 2 && !json))
        return cli_usage_error("product", _("usage: tramtem product add|list [--json]|show GTIN"));
    if (open_store(ctx, &db, &e) != 0)
        return tt_exit_code(e.code != 0 ? e.code : TT_ENOTFOUND);
    if (strcmp(argv[1], "add") == 0) {
        rc = product_add(db, argc - 1, argv + 1);
    } else if (strcmp(argv[1], "list") == 0) {
        if (db_product_list(db, json ? product_json : product_line, NULL, &e) != 0)
            rc = store_fail(&e);
    } else if (db_product_find(db, argv[2], &p, &e) != 0) {
        rc = store_fail(&e);
    } else {
        product_show(&p);
    }
    db_close(db);
    return rc;
}

/* ---- lots ---------------------------------------------------------------------- */

/* --harvest DATE or DATE..DATE */
static int
parse_harvest(const char *s, struct db_lot *l)
{
    const char *dots = strstr(s, "..");

    if (dots == NULL) {
        snprintf(l->harvest_from, sizeof l->harvest_from, "%.10s", s);
        return strlen(s) == 10 ? 0 : -1;
    }
    if (dots - s != 10 || strlen(dots + 2) != 10)
        return -1;
    snprintf(l->harvest_from, sizeof l->harvest_from, "%.10s", s);
    snprintf(l->harvest_to, sizeof l->harvest_to, "%.10s", dots + 2);
    return 0;
}

static int
lot_open_args(struct db *db, int argc, char **argv, struct db_lot *l, struct tt_err *e)
{
    static const struct option opts[] = {
        {"gtin", required_argument, NULL, 'g'},     {"lot", required_argument, NULL, 'l'},
        {"harvest", required_argument, NULL, 'h'},  {"place", required_argument, NULL, 'p'},
        {"quantity", required_argument, NULL, 'q'}, {NULL, 0, NULL, 0},
    };
    const char *gtin = NULL, *place = NULL;
    struct db_product p;
    struct db_place pl;
    int c, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'g')
            gtin = optarg;
        else if (c == 'l' && strlen(optarg) > 20)
            return cli_fail(TT_EINVAL, _("A lot code has at most 20 characters."));
        else if (c == 'l')
            snprintf(l->code, sizeof l->code, "%s", optarg);
        else if (c == 'h' && parse_harvest(optarg, l) != 0)
            return cli_usage_error("lot open", _("--harvest takes YYYY-MM-DD or "
                                                 "YYYY-MM-DD..YYYY-MM-DD"));
        else if (c == 'p')
            place = optarg;
        else if (c == 'q' && parse_kg(optarg, &l->quantity_g) != 0)
            return cli_usage_error("lot open", _("--quantity takes kilograms, e.g. 125.5"));
        else if (c == '?')
            return TT_EXIT_USAGE;
    }
    if (gtin == NULL || optind != argc)
        return cli_usage_error("lot open",
                               _("usage: tramtem lot open --gtin GTIN [--lot CODE] [--harvest "
                                 "YYYY-MM-DD] [--place ID] [--quantity KG]"));
    if ((rc = db_product_find(db, gtin, &p, e)) != 0)
        return store_fail(e);
    l->product_id = p.id;
    if (place != NULL) {
        int64_t id;

        rc = parse_i64(place, &id) == 0 ? db_place_get(db, id, &pl, e)
                                        : db_place_find(db, place, &pl, e);
        if (rc != 0)
            return store_fail(e);
        l->place_id = pl.id;
    }
    return 0;
}

static int
lot_open(struct db *db, int argc, char **argv)
{
    struct db_lot l = {0}, out;
    struct db_clock_state cs;
    struct tt_err e = {0};
    int rc = lot_open_args(db, argc, argv, &l, &e);

    if (rc != 0)
        return rc;
    if (db_clock_check(db, &cs, &e) == 0 && !cs.ok)
        fprintf(stderr, _("tramtem: warning: the computer's clock is behind the last recorded "
                          "event or the software's date. The lot is recorded and marked; set the "
                          "date and time.\n"));
    if (db_lot_open(db, &l, &out, &e) != 0)
        return store_fail(&e);
    printf("%" PRId64 "\n", out.id);
    fprintf(stderr, _("Lot %s opened.\n"), out.code);
    return TT_EXIT_OK;
}

struct lot_list_ctx {
    struct db *db;
    int json;
};

static int
lot_line(void *vctx, const struct db_lot *l)
{
    struct lot_list_ctx *ctx = vctx;
    struct db_product p;

    if (db_product_get(ctx->db, l->product_id, &p, NULL) != 0)
        p.gtin[0] = p.name_vi[0] = '\0';
    if (ctx->json) {
        print_json_line(json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:I}", "id", (json_int_t)l->id,
                                  "gtin", p.gtin, "lot", l->code, "harvest_from", l->harvest_from,
                                  "harvest_to", l->harvest_to, "place_id", (json_int_t)l->place_id,
                                  "closed", l->closed, "event_seq", (json_int_t)l->open_event_seq));
        return 0;
    }
    printf("%5" PRId64 "  %-20s %s  %-10s %-7s %s\n", l->id, l->code, p.gtin,
           l->harvest_from[0] != '\0' ? l->harvest_from : "-", l->closed ? _("closed") : _("open"),
           p.name_vi);
    return 0;
}

int
cli_lot(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *usage = N_("usage: tramtem lot open --gtin GTIN [--lot CODE] [--harvest "
                                  "YYYY-MM-DD] [--place ID] | close ID | list [--open] [--json]");
    struct lot_list_ctx lc = {NULL, 0};
    struct tt_err e = {0};
    struct db *db = NULL;
    int64_t id = 0;
    int rc = TT_EXIT_OK, open_only = 0;

    if (argc < 2)
        return cli_usage_error("lot", "%s", _(usage));
    if (strcmp(argv[1], "close") == 0 && (argc != 3 || parse_i64(argv[2], &id) != 0))
        return cli_usage_error("lot", "%s", _(usage));
    if (strcmp(argv[1], "list") == 0) {
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--json") == 0)
                lc.json = 1;
            else if (strcmp(argv[i], "--open") == 0)
                open_only = 1;
            else
                return cli_usage_error("lot", "%s", _(usage));
        }
    } else if (strcmp(argv[1], "open") != 0 && strcmp(argv[1], "close") != 0) {
        return cli_usage_error("lot", "%s", _(usage));
    }
    if (open_store(ctx, &db, &e) != 0)
        return tt_exit_code(e.code != 0 ? e.code : TT_ENOTFOUND);
    lc.db = db;
    if (strcmp(argv[1], "open") == 0)
        rc = lot_open(db, argc - 1, argv + 1);
    else if (strcmp(argv[1], "close") == 0 && db_lot_close(db, id, &e) != 0)
        rc = store_fail(&e);
    else if (strcmp(argv[1], "list") == 0 && db_lot_list(db, open_only, lot_line, &lc, &e) != 0)
        rc = store_fail(&e);
    db_close(db);
    return rc;
}

/* ---- events ---------------------------------------------------------------------- */

static int
event_json(void *ctx, const struct db_event_row *row)
{
    (void)ctx;
    fwrite(row->json, 1, row->json_len, stdout);
    putchar('\n');
    return ferror(stdout) ? TT_EIO : 0;
}

static int
event_line(void *ctx, const struct db_event_row *row)
{
    (void)ctx;
    printf("%8" PRId64 "  %-20s %-16s %s%s\n", row->seq, row->type, row->biz_step, row->event_id,
           row->clock_ok ? "" : _("  [clock wrong]"));
    return ferror(stdout) ? TT_EIO : 0;
}

int
cli_events(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"after", required_argument, NULL, 'a'},
        {"limit", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct tt_err e = {0};
    struct db *db = NULL;
    int64_t after = 0, limit = 0;
    int c, json = 0, rc;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if ((c == 'a' && parse_i64(optarg, &after) == 0) ||
            (c == 'n' && parse_i64(optarg, &limit) == 0))
            continue;
        if (c == 'j') {
            json = 1;
            continue;
        }
        return cli_usage_error("events",
                               _("usage: tramtem events [--after SEQ] [--limit N] --json"));
    }
    if (optind != argc)
        return cli_usage_error("events",
                               _("usage: tramtem events [--after SEQ] [--limit N] --json"));
    if (open_store(ctx, &db, &e) != 0)
        return tt_exit_code(e.code != 0 ? e.code : TT_ENOTFOUND);
    rc = db_events_after(db, after, limit, json ? event_json : event_line, NULL, &e);
    db_close(db);
    if (fflush(stdout) != 0 || rc == TT_EIO)
        return cli_fail(TT_EIO, "%s", cli_code_text(TT_EIO));
    return rc == 0 ? TT_EXIT_OK : store_fail(&e);
}
