/*
 * test_gs1_table.c — the AI table against the GS1 Barcode Syntax Dictionary
 * (../shared/reference/gs1-syntax-dictionary.txt beside the clone, never
 * committed): every AI, its format, FNC1 and DL flags, association rules
 * and Digital Link key paths; skipped with a message when the file is
 * absent. Also the table's own consistency: components vs format string,
 * titles in both languages, the index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../gs1/gs1-int.h"

#define DICT "../shared/reference/gs1-syntax-dictionary.txt"

struct dict_entry {
    char ai[5];
    char flags[8];
    char spec[160];
    char req[2][80];
    char ex[80];
    char dlpkey[40];
    int has_dlpkey;
};

static int
is_flag_token(const char *t)
{
    return t[0] != '\0' && strspn(t, "*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~") == strlen(t);
}

/* Splits one dictionary line into the fields the table must agree with. */
static int
parse_line(char *line, struct dict_entry *e, char *range_end)
{
    char *hash = strchr(line, '#'), *tok, *save = NULL;
    int first = 1, n_req = 0;

    memset(e, 0, sizeof *e);
    range_end[0] = '\0';
    if (hash != NULL)
        *hash = '\0';
    for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (first) {
            char *dash = strchr(tok, '-');

            if (dash != NULL) {
                *dash = '\0';
                snprintf(range_end, 5, "%s", dash + 1);
            }
            snprintf(e->ai, sizeof e->ai, "%s", tok);
            first = 0;
        } else if (e->spec[0] == '\0' && e->flags[0] == '\0' && is_flag_token(tok)) {
            snprintf(e->flags, sizeof e->flags, "%s", tok);
        } else if (strncmp(tok, "req=", 4) == 0) {
            assert_true(n_req < 2);
            snprintf(e->req[n_req++], sizeof e->req[0], "%s", tok + 4);
        } else if (strncmp(tok, "ex=", 3) == 0) {
            snprintf(e->ex, sizeof e->ex, "%s", tok + 3);
        } else if (strncmp(tok, "dlpkey", 6) == 0) {
            e->has_dlpkey = 1;
            snprintf(e->dlpkey, sizeof e->dlpkey, "%s", tok[6] == '=' ? tok + 7 : "");
        } else {
            size_t n = strlen(e->spec);

            snprintf(e->spec + n, sizeof e->spec - n, "%s%s", n > 0 ? " " : "", tok);
        }
    }
    return first ? -1 : 0;
}

static void
expect_same(const char *ai, const char *what, const char *want, const char *have, int *bad)
{
    const char *h = have != NULL ? have : "";

    if (strcmp(want, h) != 0) {
        print_error("AI %s: %s differs: dictionary '%s', table '%s'\n", ai, what, want, h);
        (*bad)++;
    }
}

static void
check_entry(const struct dict_entry *e, int *bad)
{
    const struct gs1_ai_info *info = gs1_ai_lookup(e->ai);
    const struct gs1_ai_def *def;

    if (info == NULL) {
        print_error("AI %s: missing from the table\n", e->ai);
        (*bad)++;
        return;
    }
    def = gs1_ai_def_of(info);
    expect_same(e->ai, "format", e->spec, info->format, bad);
    if (info->fnc1 != (strchr(e->flags, '*') == NULL) ||
        def->predefined != (strchr(e->flags, '*') != NULL)) {
        print_error("AI %s: FNC1 flag differs\n", e->ai);
        (*bad)++;
    }
    if (info->dl != (strchr(e->flags, '?') != NULL)) {
        print_error("AI %s: DL attribute flag differs\n", e->ai);
        (*bad)++;
    }
    expect_same(e->ai, "req", e->req[0], def->req[0], bad);
    expect_same(e->ai, "second req", e->req[1], def->req[1], bad);
    expect_same(e->ai, "ex", e->ex, def->ex, bad);
    if (e->has_dlpkey != (def->dlpkey != NULL)) {
        print_error("AI %s: dlpkey presence differs\n", e->ai);
        (*bad)++;
    } else if (e->has_dlpkey) {
        expect_same(e->ai, "dlpkey", e->dlpkey, def->dlpkey, bad);
    }
}

static void
table_matches_dictionary(void **state)
{
    FILE *f = fopen(DICT, "r");
    char line[512], end[5];
    int bad = 0;
    size_t seen = 0;

    (void)state;
    if (f == NULL) {
        print_message("skipped: %s not found (it sits beside the clone in ../shared)\n", DICT);
        skip();
    }
    while (fgets(line, sizeof line, f) != NULL) {
        struct dict_entry e;

        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        assert_int_equal(parse_line(line, &e, end), 0);
        if (end[0] == '\0') {
            check_entry(&e, &bad);
            seen++;
            continue;
        }
        for (long a = strtol(e.ai, NULL, 10); a <= strtol(end, NULL, 10); a++) {
            snprintf(e.ai, sizeof e.ai, "%0*ld", (int)strlen(end), a);
            check_entry(&e, &bad);
            seen++;
        }
    }
    fclose(f);
    if (seen != gs1_ai_count()) {
        print_error("dictionary has %zu AIs, table has %zu\n", seen, gs1_ai_count());
        bad++;
    }
    assert_int_equal(bad, 0);
}

static const char *const lint_names[GS1_L_COUNT_] = {
    "",
    "csum",
    "csumalpha",
    "gcppos1",
    "gcppos2",
    "yymmd0",
    "yymmdd",
    "yyyymmdd",
    "hhmi",
    "hh",
    "mi",
    "ss",
    "iso3166",
    "iso3166999",
    "iso3166alpha2",
    "iso4217",
    "pcenc",
    "yesno",
    "hyphen",
    "latitude",
    "longitude",
    "importeridx",
    "packagetype",
    "mediatype",
    "iso5218",
    "posinseqslash",
    "nonzero",
    "winding",
    "zero",
    "pieceoftotal",
    "iban",
    "nozeroprefix",
    "hasnondigit",
    "couponcode",
    "couponposoffer",
};

/* Writes a definition's components back in dictionary syntax. */
static void
format_of(const struct gs1_ai_def *def, char *out, size_t len)
{
    size_t n = 0;

    out[0] = '\0';
    for (unsigned i = 0; i < def->n_comp; i++) {
        const struct gs1_comp *c = &def->comp[i];
        char size[16];

        if (c->min == c->max)
            snprintf(size, sizeof size, "%u", c->min);
        else
            snprintf(size, sizeof size, "..%u", c->max);
        n += (size_t)snprintf(out + n, len - n, "%s%s%c%s%s", i > 0 ? " " : "", c->opt ? "[" : "",
                              c->cset, size, c->opt ? "]" : "");
        for (int k = 0; k < GS1_COMP_LINTS && c->lint[k] != GS1_L_NONE; k++)
            n += (size_t)snprintf(out + n, len - n, ",%s", lint_names[c->lint[k]]);
    }
}

static void
components_agree_with_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < gs1_ai_count(); i++) {
        const struct gs1_ai_info *info = gs1_ai_at(i);
        const struct gs1_ai_def *def = gs1_ai_def_of(info);
        char fmt[200];
        unsigned mn = 0, mx = 0;

        format_of(def, fmt, sizeof fmt);
        assert_string_equal(fmt, info->format);
        for (unsigned k = 0; k < def->n_comp; k++) {
            mn += def->comp[k].opt ? 0 : def->comp[k].min;
            mx += def->comp[k].max;
        }
        assert_int_equal(mn, def->min_len);
        assert_int_equal(mx, def->max_len);
        assert_true(def->max_len <= GS1_VALUE_LEN_MAX);
    }
}

static void
every_ai_has_titles_and_descriptions(void **state)
{
    (void)state;
    for (size_t i = 0; i < gs1_ai_count(); i++) {
        const struct gs1_ai_info *info = gs1_ai_at(i);

        assert_non_null(info->title_en);
        assert_non_null(info->title_vi);
        assert_true(strlen(info->title_en) > 2);
        assert_true(strlen(info->title_vi) > 2);
        assert_true(strlen(info->desc_en) > 10);
        assert_true(strlen(info->desc_vi) > 10);
        /* The index finds every entry, and the prefix decides the AI length. */
        assert_ptr_equal(gs1_ai_lookup(info->ai), info);
        assert_int_equal(strlen(info->ai),
                         gs1_ai_len_by_prefix[(info->ai[0] - '0') * 10 + (info->ai[1] - '0')]);
        if (i > 0)
            assert_true(strcmp(gs1_ai_at(i - 1)->ai, info->ai) < 0);
    }
    assert_null(gs1_ai_at(gs1_ai_count()));
}

static void
produce_ais_have_specific_words(void **state)
{
    /* AIs on produce, food and logistic labels: their own sentence, not a group one. */
    static const char *const ais[] = {
        "00",  "01",  "02",   "10",   "11",   "13",   "15",   "16",   "17",  "21",
        "30",  "37",  "3103", "3303", "3922", "3932", "3952", "410",  "414", "416",
        "422", "426", "7003", "7006", "7007", "7030", "8003", "8008", "90",  "99"};
    const struct gs1_ai_info *generic = gs1_ai_lookup("4300");

    (void)state;
    for (size_t i = 0; i < sizeof ais / sizeof ais[0]; i++) {
        const struct gs1_ai_info *info = gs1_ai_lookup(ais[i]);

        assert_non_null(info);
        assert_string_not_equal(info->desc_en, generic->desc_en);
        assert_string_not_equal(info->desc_vi, generic->desc_vi);
    }
    assert_string_equal(gs1_ai_lookup("7007")->title_vi, "Ngày thu hoạch");
    assert_string_equal(gs1_ai_lookup("3103")->title_en, "Net weight (kg)");
}

static void
lookup_rejects_what_is_not_an_ai(void **state)
{
    (void)state;
    assert_null(gs1_ai_lookup(NULL));
    assert_null(gs1_ai_lookup(""));
    assert_null(gs1_ai_lookup("0"));
    assert_null(gs1_ai_lookup("04"));   /* reserved */
    assert_null(gs1_ai_lookup("14"));   /* unassigned */
    assert_null(gs1_ai_lookup("010"));  /* wrong length for the prefix */
    assert_null(gs1_ai_lookup("3106")); /* no 6-decimal weight */
    assert_null(gs1_ai_lookup("31030"));
    assert_null(gs1_ai_lookup("1a"));
    assert_non_null(gs1_ai_lookup("8200"));
    assert_string_equal(gs1_table_version(), "2026-01-27");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_matches_dictionary),
        cmocka_unit_test(components_agree_with_format),
        cmocka_unit_test(every_ai_has_titles_and_descriptions),
        cmocka_unit_test(produce_ais_have_specific_words),
        cmocka_unit_test(lookup_rejects_what_is_not_an_ai),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
