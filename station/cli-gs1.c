/*
 * cli-gs1.c — `tramtem gs1 parse|check-digit|vpc|dl` (DESIGN.md §3) and the
 * words for GS1 data: an error message for every GS1_E_* code, and an
 * element explained in the user's language (used by the kiosk and the
 * training mode through cli_gs1_describe()).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/i18n.h"
#include "../gs1/gs1.h"
#include "cli.h"
#include "intl.h"

#define URI_MAX 2048

const char *
cli_gs1_error_text(int detail)
{
    switch (detail) {
    case GS1_E_EMPTY:
        return _("There is no data.");
    case GS1_E_SYNTAX:
        return _("This is not GS1 data: use (01)…, [01]…, scanned data or a Digital Link "
                 "address.");
    case GS1_E_UNKNOWN_AI:
        return _("There is no such Application Identifier (AI).");
    case GS1_E_TOO_SHORT:
        return _("The value is too short for this AI.");
    case GS1_E_TOO_LONG:
        return _("The value is too long for this AI (a separator may be missing).");
    case GS1_E_BAD_CHAR:
        return _("A character is not allowed here.");
    case GS1_E_CHECK_DIGIT:
        return _("The check digit is wrong: the number was mistyped or misread.");
    case GS1_E_DATE:
        return _("The date does not exist (check month and day).");
    case GS1_E_DAY_ZERO:
        return _("Day 00 is not allowed for this date; give a real day.");
    case GS1_E_TIME:
        return _("The time does not exist (hour 00-23, minute 00-59).");
    case GS1_E_COUNTRY:
        return _("This is not an ISO 3166 country code (Viet Nam is 704).");
    case GS1_E_CURRENCY:
        return _("This is not an ISO 4217 currency code (the Vietnamese dong is 704).");
    case GS1_E_COMPONENT:
        return _("A part of the value breaks the rules of this AI.");
    case GS1_E_REQUIRES:
        return _("This AI needs another AI with it (for example a lot needs a GTIN).");
    case GS1_E_EXCLUDES:
        return _("These two AIs must not be used together.");
    case GS1_E_DUPLICATE:
        return _("The same AI is given twice with different values.");
    case GS1_E_TOO_MANY:
        return _("Too many elements in one barcode.");
    case GS1_E_CARRIER_LENGTH:
        return _("Too much data for this barcode type (GS1-128 holds 48 characters).");
    case GS1_E_DL_SYNTAX:
        return _("The Digital Link address is malformed.");
    case GS1_E_DL_NO_KEY:
        return _("The Digital Link address has no GS1 key (such as /01/ and a GTIN).");
    case GS1_E_DL_ORDER:
        return _("In the Digital Link address the qualifiers are in the wrong order or not "
                 "allowed for this key.");
    case GS1_E_DL_ATTRIBUTE:
        return _("This AI is not allowed in the query part of a Digital Link address.");
    case GS1_E_AIM:
        return _("The scanner reports a barcode type that carries no GS1 data.");
    default:
        return _("The GS1 data is not valid.");
    }
}

/* "<words> (AI 17, position 18)" in the user's language. */
static void
error_message(const struct tt_err *err, const struct gs1_msg *msg, char *out, size_t len)
{
    if (msg != NULL && msg->err_ai[0] != '\0')
        snprintf(out, len, _("%s (AI %s, position %zu)"), cli_gs1_error_text(err->detail),
                 msg->err_ai, msg->err_pos);
    else if (msg != NULL)
        snprintf(out, len, _("%s (position %zu)"), cli_gs1_error_text(err->detail), msg->err_pos);
    else
        snprintf(out, len, "%s", cli_gs1_error_text(err->detail));
}

static int
is_vi(void)
{
    return strcmp(i18n_lang_code(), "vi") == 0;
}

static const char *
title_of(const struct gs1_ai_info *info)
{
    return is_vi() ? info->title_vi : info->title_en;
}

/* The GS1 prefix owners gs1_explain() names, marked here for translation. */
static const char *const prefix_words[] = {
    N_("GS1 US"),
    N_("restricted circulation (in-store numbers)"),
    N_("restricted circulation (company internal)"),
    N_("GS1 France"),
    N_("GS1 Germany"),
    N_("GS1 Japan"),
    N_("GS1 Chinese Taipei"),
    N_("GS1 Hong Kong, China"),
    N_("GS1 UK"),
    N_("GS1 China"),
    N_("GS1 Mexico"),
    N_("GS1 Korea"),
    N_("GS1 Cambodia"),
    N_("GS1 Thailand"),
    N_("GS1 Singapore"),
    N_("GS1 India"),
    N_("GS1 Vietnam"),
    N_("GS1 Indonesia"),
    N_("GS1 Australia"),
    N_("GS1 New Zealand"),
    N_("GS1 Malaysia"),
    N_("serial publications (ISSN)"),
    N_("books (ISBN)"),
};

static const char *
prefix_word(const char *org)
{
    for (size_t i = 0; i < sizeof prefix_words / sizeof prefix_words[0]; i++)
        if (strcmp(org, prefix_words[i]) == 0)
            return _(prefix_words[i]);
    return org;
}

/* mantissa / 10^decimals with the decimal sign of the language. */
static void
put_number(char *out, size_t len, long long m, int decimals, int negative)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%0*lld", decimals + 1, m);

    if (decimals == 0 || n <= decimals)
        snprintf(out, len, "%s%s", negative ? "-" : "", digits);
    else
        snprintf(out, len, "%s%.*s%s%s", negative ? "-" : "", n - decimals, digits,
                 is_vi() ? "," : ".", digits + n - decimals);
}

static void
put_date(char *out, size_t len, const struct gs1_date *d)
{
    char day[64];

    snprintf(day, sizeof day, _("%04d-%02d-%02d"), d->year, d->month, d->day);
    snprintf(out, len, "%s%s", day, d->last_day ? _(" (last day of the month)") : "");
}

static void
put_dates(char *out, size_t len, const struct gs1_explanation *x)
{
    char a[96], b[96];

    put_date(a, sizeof a, &x->date[0]);
    if (x->n_dates == 2) {
        put_date(b, sizeof b, &x->date[1]);
        snprintf(out, len, _("%s to %s"), a, b);
    } else if (x->has_seconds) {
        snprintf(out, len, "%s %02d:%02d:%02d", a, x->hour, x->minute, x->second);
    } else if (x->has_time) {
        snprintf(out, len, "%s %02d:%02d", a, x->hour, x->minute);
    } else {
        snprintf(out, len, "%s", a);
    }
}

static const char *
country_name(const struct gs1_country_ref *c)
{
    if (c->num == 999)
        return _("any country");
    if (c->name_en[0] == '\0')
        return _("unknown country");
    return is_vi() ? c->name_vi : c->name_en;
}

static void
put_key(char *out, size_t len, const struct gs1_element *el, const struct gs1_explanation *x)
{
    if (x->prefix_org[0] == '\0')
        snprintf(out, len, "%s", el->value);
    else if (x->variable_measure)
        snprintf(out, len, _("%s (prefix %s: %s; variable measure item)"), el->value, x->prefix,
                 prefix_word(x->prefix_org));
    else
        snprintf(out, len, _("%s (prefix %s: %s)"), el->value, x->prefix,
                 prefix_word(x->prefix_org));
}

int
cli_gs1_describe(const struct gs1_element *el, char *out, size_t out_len)
{
    struct gs1_explanation x;
    struct tm tm;
    time_t now = time(NULL);
    char v[512], num[48];
    size_t n = 0;

    gmtime_r(&now, &tm);
    if (gs1_explain(el, tm.tm_year + 1900, &x, NULL) != 0) {
        snprintf(out, out_len, "(%s) %s", el != NULL ? el->ai : "",
                 _("The GS1 data is not valid."));
        return TT_EINVAL;
    }
    switch (x.kind) {
    case GS1_KIND_KEY:
        put_key(v, sizeof v, el, &x);
        break;
    case GS1_KIND_DATE:
        put_dates(v, sizeof v, &x);
        break;
    case GS1_KIND_MEASURE:
    case GS1_KIND_COUNT:
        put_number(num, sizeof num, x.mantissa, x.decimals, x.negative);
        snprintf(v, sizeof v, "%s%s%s", num, x.unit[0] != '\0' ? " " : "", x.unit);
        break;
    case GS1_KIND_AMOUNT:
        put_number(num, sizeof num, x.mantissa, x.decimals, 0);
        if (x.currency != 0)
            snprintf(v, sizeof v, "%s %s (%03u)", num, x.currency_alpha3, x.currency);
        else
            snprintf(v, sizeof v, _("%s (local currency)"), num);
        break;
    case GS1_KIND_COUNTRIES:
        v[0] = '\0';
        for (int i = 0; i < x.n_countries && n < sizeof v; i++)
            n += (size_t)snprintf(v + n, sizeof v - n, "%s%s (%03u)", i > 0 ? ", " : "",
                                  country_name(&x.country[i]), x.country[i].num);
        break;
    case GS1_KIND_COUNTRY_TEXT:
        snprintf(v, sizeof v, "%s (%03u): %s", country_name(&x.country[0]), x.country[0].num,
                 x.text);
        break;
    default:
        snprintf(v, sizeof v, "%s", el->value);
        break;
    }
    snprintf(out, out_len, "(%s) %s: %s", el->ai, title_of(x.info), v);
    return 0;
}

/* jansson wants UTF-8: any invalid byte becomes '?' (the input is shown, not trusted). */
static json_t *
json_text(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    char *copy;

    if (j != NULL)
        return j;
    copy = malloc(len + 1);
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++)
        copy[i] = ((unsigned char)s[i] >= 0x80 || s[i] == '\0') ? '?' : s[i];
    j = json_stringn(copy, len);
    free(copy);
    return j;
}

static json_t *
json_valid(const char *data, size_t len, const struct gs1_msg *msg, const char *uri)
{
    json_t *o = json_object(), *els = json_array();
    const char *sym = gs1_symbology_name(msg->aim);

    json_object_set_new(o, "input", json_text(data, len));
    json_object_set_new(o, "valid", json_true());
    json_object_set_new(o, "symbology", sym != NULL ? json_string(sym) : json_null());
    for (size_t i = 0; i < msg->n; i++) {
        const struct gs1_ai_info *info = gs1_ai_lookup(msg->el[i].ai);
        json_t *e = json_object();

        json_object_set_new(e, "ai", json_string(msg->el[i].ai));
        json_object_set_new(e, "title", json_string(info != NULL ? title_of(info) : ""));
        json_object_set_new(e, "value", json_text(msg->el[i].value, strlen(msg->el[i].value)));
        json_array_append_new(els, e);
    }
    json_object_set_new(o, "elements", els);
    json_object_set_new(o, "dl", uri != NULL ? json_string(uri) : json_null());
    return o;
}

static json_t *
json_invalid(const char *data, size_t len, const struct gs1_msg *msg, const struct tt_err *err,
             const char *words)
{
    json_t *o = json_object(), *e = json_object();

    json_object_set_new(o, "input", json_text(data, len));
    json_object_set_new(o, "valid", json_false());
    json_object_set_new(e, "code", json_string(gs1_error_name(err->detail)));
    json_object_set_new(e, "ai", msg->err_ai[0] != '\0' ? json_string(msg->err_ai) : json_null());
    json_object_set_new(e, "message", json_string(words));
    json_object_set_new(o, "error", e);
    return o;
}

static int
print_json(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

    json_decref(o);
    if (s == NULL)
        return TT_ENOMEM;
    puts(s);
    free(s);
    return 0;
}

/* One DATA: prints the result; returns 0 valid, 1 invalid, <0 on a local failure. */
static int
parse_one(const char *data, size_t len, int as_json)
{
    struct gs1_msg msg;
    struct tt_err err;
    char uri[URI_MAX], words[512], line[768];
    int rc = gs1_parse(data, len, &msg, &err);
    int have_uri = rc == 0 && gs1_dl_uri(&msg, NULL, uri, sizeof uri, NULL) == 0;

    if (rc != 0) {
        error_message(&err, &msg, words, sizeof words);
        if (as_json)
            return print_json(json_invalid(data, len, &msg, &err, words)) != 0 ? TT_ENOMEM : 1;
        fprintf(stderr, "tramtem gs1: %.*s: %s\n", (int)(len > 200 ? 200 : len), data, words);
        return 1;
    }
    if (as_json)
        return print_json(json_valid(data, len, &msg, have_uri ? uri : NULL));
    for (size_t i = 0; i < msg.n; i++) {
        cli_gs1_describe(&msg.el[i], line, sizeof line);
        puts(line);
    }
    if (have_uri)
        printf("%s %s\n", _("Digital Link:"), uri);
    return 0;
}

static int
gs1_cmd_parse(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    int as_json = 0, invalid = 0, c, rc = 0;

    optind = 0;
    opterr = 0; /* our own usage line, in the user's language */
    while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        if (c != 'j')
            return cli_usage_error("gs1 parse", "%s",
                                   _("usage: tramtem gs1 parse [--json] DATA...|-"));
        as_json = 1;
    }
    if (optind >= argc)
        return cli_usage_error("gs1 parse", "%s", _("usage: tramtem gs1 parse [--json] DATA...|-"));
    for (int i = optind; i < argc && rc >= 0; i++) {
        if (strcmp(argv[i], "-") == 0) {
            char *line = NULL;
            size_t cap = 0;
            ssize_t n;

            while (rc >= 0 && (n = getline(&line, &cap, stdin)) >= 0) {
                while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                    n--;
                if (n == 0)
                    continue;
                rc = parse_one(line, (size_t)n, as_json);
                invalid |= rc == 1;
                fflush(stdout); /* one answer per scan, as it comes */
            }
            free(line);
        } else {
            rc = parse_one(argv[i], strlen(argv[i]), as_json);
            invalid |= rc == 1;
        }
        fflush(stdout);
    }
    if (rc < 0)
        return cli_fail(rc, "%s", cli_code_text(rc));
    return invalid ? TT_EXIT_DATAERR : TT_EXIT_OK;
}

static int
gs1_cmd_check_digit(int argc, char **argv)
{
    size_t len;
    int cd;

    if (argc != 2)
        return cli_usage_error("gs1 check-digit", "%s", _("usage: tramtem gs1 check-digit DIGITS"));
    len = strlen(argv[1]);
    cd = len <= 99 ? gs1_check_digit(argv[1], len) : -1;
    if (cd < 0)
        return cli_fail(TT_EINVAL, "%s", _("DIGITS must be 1 to 99 digits (0-9) only."));
    printf("%s%d\n", argv[1], cd);
    return TT_EXIT_OK;
}

static int
gs1_cmd_vpc(int argc, char **argv)
{
    char gtin[15], code[5];
    struct tt_err err;
    size_t len;

    if (argc != 3 && argc != 4)
        return cli_usage_error("gs1 vpc", "%s", _("usage: tramtem gs1 vpc GTIN LOT [YYMMDD]"));
    len = strlen(argv[1]);
    /* Shorter GTINs are zero-padded as written, without judging their check digit. */
    if ((len == 8 || len == 12 || len == 13) && strspn(argv[1], "0123456789") == len) {
        memset(gtin, '0', 14 - len);
        memcpy(gtin + 14 - len, argv[1], len + 1);
    } else {
        snprintf(gtin, sizeof gtin, "%.14s", len == 14 ? argv[1] : "x");
    }
    if (gs1_vpc(gtin, argv[2], argc == 4 ? argv[3] : NULL, code, &err) != 0)
        return cli_fail(err.code, "%s",
                        err.detail == GS1_E_DATE ? _("The date must be YYMMDD, a real date.")
                        : err.detail == GS1_E_BAD_CHAR
                            ? _("The GTIN must be 8, 12, 13 or 14 digits.")
                            : _("The lot must be 1 to 20 characters."));
    printf("%s\n", code);
    return TT_EXIT_OK;
}

static int
gs1_cmd_dl(int argc, char **argv)
{
    static const struct option opts[] = {{"base", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    const char *base = NULL;
    struct gs1_msg msg;
    struct tt_err err;
    char uri[URI_MAX], words[512];
    int c;

    optind = 0;
    opterr = 0; /* our own usage line, in the user's language */
    while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
        if (c != 'b')
            return cli_usage_error("gs1 dl", "%s", _("usage: tramtem gs1 dl [--base URL] DATA"));
        base = optarg;
    }
    if (optind + 1 != argc)
        return cli_usage_error("gs1 dl", "%s", _("usage: tramtem gs1 dl [--base URL] DATA"));
    if (gs1_parse(argv[optind], strlen(argv[optind]), &msg, &err) != 0) {
        error_message(&err, &msg, words, sizeof words);
        return cli_fail(err.code, "%s", words);
    }
    if (gs1_dl_uri(&msg, base, uri, sizeof uri, &err) != 0)
        return cli_fail(err.code == TT_ENOMEM ? TT_EINVAL : err.code, "%s",
                        cli_gs1_error_text(err.detail));
    printf("%s\n", uri);
    return TT_EXIT_OK;
}

int
cli_gs1(struct cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (argc >= 2 && strcmp(argv[1], "parse") == 0)
        return gs1_cmd_parse(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "check-digit") == 0)
        return gs1_cmd_check_digit(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "vpc") == 0)
        return gs1_cmd_vpc(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "dl") == 0)
        return gs1_cmd_dl(argc - 1, argv + 1);
    return cli_usage_error("gs1", "%s", _("usage: tramtem gs1 parse|check-digit|vpc|dl ..."));
}
