/*
 * fuzz_gs1_build.c — libFuzzer target for messages built element by element
 * (as db/ and printers/ do with gs1_msg_add) rather than parsed: the input is
 * lines "AI=value". Invariants: nothing crashes on unvalidated data; when
 * gs1_validate accepts the message, format -> parse gives it back and
 * gs1_validate_label agrees; explanations succeed exactly for valid values.
 */
#include <stdint.h>
#include <string.h>

#include "../../gs1/gs1.h"

static void
check(int ok)
{
    if (!ok)
        __builtin_trap();
}

static void
build(const char *s, size_t len, struct gs1_msg *msg)
{
    struct tt_err err;

    gs1_msg_init(msg);
    while (len > 0) {
        const char *nl = memchr(s, '\n', len);
        size_t n = nl != NULL ? (size_t)(nl - s) : len;
        const char *eq = memchr(s, '=', n);
        char ai[8], value[128];

        if (eq != NULL && (size_t)(eq - s) < sizeof ai && n - (size_t)(eq - s) - 1 < sizeof value) {
            memcpy(ai, s, (size_t)(eq - s));
            ai[eq - s] = '\0';
            memcpy(value, eq + 1, n - (size_t)(eq - s) - 1);
            value[n - (size_t)(eq - s) - 1] = '\0';
            (void)gs1_msg_add(msg, ai, value, &err);
        }
        s += n + (nl != NULL);
        len -= n + (nl != NULL);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[GS1_DATA_LEN_MAX];
    const struct gs1_msg *one[1];
    struct gs1_msg msg, back;
    struct tt_err err;
    struct gs1_explanation x;
    int valid;

    build((const char *)data, size, &msg);
    check(msg.n <= GS1_ELEMENTS_MAX);
    valid = gs1_validate(&msg, &err) == 0;
    one[0] = &msg;
    check((gs1_validate_label(one, 1, &err) == 0) == valid);
    for (int syn = GS1_SYNTAX_PARENS; syn <= GS1_SYNTAX_HRI; syn++)
        for (int c = GS1_CARRIER_NONE; c <= GS1_CARRIER_QR; c++)
            (void)gs1_format(&msg, (enum gs1_syntax)syn, (enum gs1_carrier)c, buf, sizeof buf,
                             &err);
    (void)gs1_dl_uri(&msg, "https://x.example/", buf, sizeof buf, &err);
    for (size_t i = 0; i < msg.n; i++)
        if (gs1_explain(&msg.el[i], 2026, &x, &err) == 0)
            check(x.info != NULL);
        else
            check(!valid);
    if (valid) {
        check(gs1_format(&msg, GS1_SYNTAX_BRACKETS, GS1_CARRIER_NONE, buf, sizeof buf, &err) == 0);
        check(gs1_parse(buf, strlen(buf), &back, &err) == 0);
        check(back.n == msg.n);
    }
    return 0;
}
