/*
 * fuzz_gs1_parse.c — libFuzzer target for gs1_parse() and what follows a
 * successful parse. Invariants (a crash means one broke):
 *   - a failed parse names a GS1_E_* code and keeps n within bounds;
 *   - a parsed message validates, and every element can be explained;
 *   - parse -> format (each syntax) -> parse gives the same elements;
 *   - parse -> Digital Link URI -> parse gives the same elements.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gs1/gs1.h"

/* An invariant that does not hold is a crash the fuzzer records. */
static void
check(int ok)
{
    if (!ok)
        __builtin_trap();
}

/* Every element of a appears in b with the same value, and the other way round. */
static void
same_elements(const struct gs1_msg *a, const struct gs1_msg *b)
{
    for (size_t i = 0; i < a->n; i++) {
        const char *v = gs1_msg_get(b, a->el[i].ai);

        check(v != NULL && strcmp(v, a->el[i].value) == 0);
    }
    for (size_t i = 0; i < b->n; i++) {
        const char *v = gs1_msg_get(a, b->el[i].ai);

        check(v != NULL && strcmp(v, b->el[i].value) == 0);
    }
}

static void
round_trips(const struct gs1_msg *a)
{
    static char buf[GS1_DATA_LEN_MAX];
    struct gs1_msg b;
    struct tt_err err;

    for (int syn = GS1_SYNTAX_PARENS; syn <= GS1_SYNTAX_RAW; syn++) {
        /* Raw data goes through "]C1" as a scanner sends it: bare digits alone
         * would be read as a GTIN when they look like one (gs1-decisions.md). */
        size_t off = syn == GS1_SYNTAX_RAW ? 3 : 0;

        memcpy(buf, "]C1", 3);
        check(gs1_format(a, (enum gs1_syntax)syn, GS1_CARRIER_NONE, buf + off, sizeof buf - off,
                         &err) == 0);
        check(gs1_parse(buf, strlen(buf), &b, &err) == 0);
        check(b.n == a->n);
        same_elements(a, &b);
    }
    if (gs1_dl_uri(a, NULL, buf, sizeof buf, &err) == 0) {
        check(gs1_parse(buf, strlen(buf), &b, &err) == 0);
        same_elements(a, &b);
    } else {
        check(err.detail == GS1_E_DL_NO_KEY || err.detail == GS1_E_DL_ATTRIBUTE ||
              err.detail == GS1_E_DL_ORDER);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs1_msg msg;
    struct tt_err err;
    struct gs1_explanation x;

    tt_err_clear(&err);
    /* Other separators: never crash; what parses validates. */
    if (gs1_parse_sep((const char *)data, size, "|~", &msg, &err) == 0)
        check(gs1_validate(&msg, &err) == 0);
    tt_err_clear(&err);
    if (gs1_parse((const char *)data, size, &msg, &err) != 0) {
        check(err.code == TT_EPARSE || err.code == TT_EINVAL);
        check(err.detail > GS1_E_NONE && err.detail <= GS1_E_AIM);
        check(msg.n <= GS1_ELEMENTS_MAX);
        check(msg.err_pos <= size);
        return 0;
    }
    check(msg.n > 0 && msg.n <= GS1_ELEMENTS_MAX);
    check(gs1_validate(&msg, &err) == 0);
    for (size_t i = 0; i < msg.n; i++) {
        check(gs1_ai_lookup(msg.el[i].ai) != NULL);
        check(gs1_explain(&msg.el[i], 2026, &x, &err) == 0);
    }
    round_trips(&msg);
    return 0;
}
