/*
 * training-explain.c — the explainer: any GS1 data taken apart for a
 * trainee, element by element, in the user's language, with check digits
 * worked out by hand and, for invalid data, what is wrong and where. The
 * GS1 words come from cli-gs1.c (cli_gs1_describe, cli_gs1_error_text) so
 * the kiosk, `tramtem gs1 parse` and training mode say the same thing.
 */
#include <stdio.h>
#include <string.h>

#include "../gs1/gs1.h"
#include "cli.h"
#include "intl.h"
#include "training.h"

#define EXPLAIN_COLS 76

/* Appends one row: its label in 12 columns, then up to 17 numbers, 3 columns each. */
static void
steps_row(struct training_lines *out, const int *v, size_t n, const char *label)
{
    char buf[128], head[64];
    size_t k = 0;

    for (size_t i = 0; i < n && k + 4 < sizeof buf; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%3d", v[i]);
    training_pad(head, sizeof head, label, 12);
    training_lines_add(out, "  %s%s", head, buf);
}

int
training_check_digit_steps(const char *digits, size_t len, struct training_lines *out)
{
    int d[18], w[18], p[18], sum = 0, next, cd = gs1_check_digit(digits, len);

    if (cd < 0 || len > 17)
        return -1;
    for (size_t i = 0; i < len; i++) {
        d[i] = digits[i] - '0';
        w[i] = (len - i) % 2 == 1 ? 3 : 1; /* the digit next to the check digit weighs 3 */
        p[i] = d[i] * w[i];
        sum += p[i];
    }
    next = (sum + 9) / 10 * 10;
    training_lines_add(out, _("Check digit of %.*s, step by step:"), (int)len, digits);
    training_lines_add(out, "%s", _("  Weights 3 and 1 take turns, starting with 3 at the right."));
    steps_row(out, d, len, _("Digits"));
    steps_row(out, w, len, _("Weights"));
    steps_row(out, p, len, _("Products"));
    training_lines_add(out, _("  Sum = %d. Next multiple of ten = %d. Check digit = %d − %d = %d."),
                       sum, next, next, sum, cd);
    return cd;
}

/* A key element's value: steps over all but its last digit, and whether it matches. */
static void
explain_key_digits(struct training_lines *out, const char *ai, const char *v)
{
    /* GRAI has a 0 before its GTIN-13; a GTIN with leading zeros is shown as the
     * GTIN-13/12/8 printed on the pack (the zeros weigh nothing). */
    size_t len = strlen(v), off = strcmp(ai, "8003") == 0;
    int cd;

    if (len < 2 + off || strspn(v, "0123456789") < len)
        return;
    if (strcmp(ai, "8003") == 0)
        len = 14;
    while (strcmp(ai, "01") == 0 && v[off] == '0' && len - off > 8)
        off++;
    cd = training_check_digit_steps(v + off, len - off - 1, out);
    if (cd < 0)
        return;
    if (cd == v[len - 1] - '0')
        training_lines_add(out, _("  The last digit is %c: correct."), v[len - 1]);
    else
        training_lines_add(out, _("  The last digit is %c but should be %d: the number is wrong."),
                           v[len - 1], cd);
}

static void
explain_element(struct training_lines *out, const struct gs1_element *el)
{
    const struct gs1_ai_info *info = gs1_ai_lookup(el->ai);
    struct gs1_explanation x;
    char line[768];

    cli_gs1_describe(el, line, sizeof line);
    training_lines_wrap(out, line, EXPLAIN_COLS, 0);
    if (info != NULL)
        training_lines_wrap(out, training_pick(info->desc_vi, info->desc_en), EXPLAIN_COLS, 5);
    /* The year only picks a century for dates, which cli_gs1_describe words. */
    if (gs1_explain(el, 2026, &x, NULL) != 0)
        return;
    if (x.kind == GS1_KIND_KEY) {
        if (x.variable_measure)
            training_lines_add(out,
                               _("     Indicator 9: a variable-measure item (weighed goods)."));
        explain_key_digits(out, el->ai, el->value);
    }
    if (x.kind == GS1_KIND_MEASURE && x.decimals > 0)
        training_lines_add(out, _("     The last digit of the AI (%c) is the number of decimals."),
                           el->ai[strlen(el->ai) - 1]);
}

/* Plain GTIN-8/12/13/14 or SSCC digits become "(01)…" / "(00)…"; 0 when not plain. */
static int
plain_key(const char *data, size_t len, char *out, size_t out_len, const char **form)
{
    size_t digits = 0;

    /* data need not be NUL-terminated (scanned bytes): count within len only. */
    while (digits < len && data[digits] >= '0' && data[digits] <= '9')
        digits++;
    if (len == 0 || digits != len || len >= 19)
        return 0;
    if (len == 18) {
        snprintf(out, out_len, "(00)%.*s", (int)len, data);
        *form = "SSCC";
    } else if (len == 8 || len == 12 || len == 13 || len == 14) {
        snprintf(out, out_len, "(01)%.*s%.*s", (int)(14 - len), "000000", (int)len, data);
        *form = len == 8    ? "GTIN-8 (EAN-8)"
                : len == 12 ? "GTIN-12 (UPC-A)"
                : len == 13 ? "GTIN-13 (EAN-13)"
                            : "GTIN-14";
    } else {
        return 0;
    }
    return 1;
}

static void
explain_form(struct training_lines *out, const struct gs1_msg *msg, const char *plain)
{
    const char *sym = gs1_symbology_name(msg->aim);

    if (plain != NULL)
        training_lines_add(out, _("Form: a plain %s number."), plain);
    else if (msg->form == GS1_FORM_DL)
        training_lines_add(out, _("Form: a GS1 Digital Link address (a web link)."));
    else if (msg->form == GS1_FORM_RAW && sym != NULL)
        training_lines_add(out, _("Form: scanned data from a %s barcode (%s)."), sym, msg->aim);
    else if (msg->form == GS1_FORM_RAW)
        training_lines_add(out, _("Form: raw data, elements separated by GS (FNC1)."));
    else
        training_lines_add(out, _("Form: an element string with (AI) in brackets."));
}

/* Shows where in the input the problem is, with a caret under it. */
static void
explain_position(struct training_lines *out, const char *data, size_t len, size_t pos)
{
    char shown[72];
    size_t from = pos > 50 ? pos - 50 : 0, n = len - from < 60 ? len - from : 60;

    if (pos > len)
        return;
    for (size_t i = 0; i < n; i++) /* GS and other controls shown as '·' */
        shown[i] = (unsigned char)data[from + i] < 0x20 ? '.' : data[from + i];
    shown[n] = '\0';
    training_lines_add(out, "  %s", shown);
    training_lines_add(out, "  %*s^", (int)(pos - from), "");
}

static void
explain_invalid(struct training_lines *out, const char *data, size_t len, const struct gs1_msg *msg,
                const struct tt_err *err)
{
    training_lines_add(out, _("NOT VALID: %s"), cli_gs1_error_text(err->detail));
    if (msg->err_ai[0] != '\0' && msg->err_pos <= len) {
        const struct gs1_ai_info *info = gs1_ai_lookup(msg->err_ai);

        training_lines_add(out, _("  Where: AI (%s) %s, position %zu."), msg->err_ai,
                           info != NULL ? training_pick(info->title_vi, info->title_en) : "",
                           msg->err_pos);
    }
    if (msg->err_pos <= len && msg->form != GS1_FORM_DL)
        explain_position(out, data, len, msg->err_pos);
    if (err->detail == GS1_E_CHECK_DIGIT) {
        const char *v = gs1_msg_get(msg, msg->err_ai);

        if (v != NULL)
            explain_key_digits(out, msg->err_ai, v);
    }
    for (size_t i = 0, shown = 0; i < msg->n; i++) {
        if (strcmp(msg->el[i].ai, msg->err_ai) == 0)
            continue; /* the faulty element was explained above */
        if (shown++ == 0)
            training_lines_add(out, _("Read before the problem:"));
        explain_element(out, &msg->el[i]);
    }
}

int
training_explain(const char *data, size_t len, struct training_lines *out)
{
    char buf[64], uri[1024];
    const char *plain = NULL;
    struct gs1_msg msg;
    struct tt_err err;
    int rc;

    training_lines_clear(out);
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
        len--;
    if (plain_key(data, len, buf, sizeof buf, &plain)) {
        data = buf;
        len = strlen(buf);
    }
    rc = gs1_parse(data, len, &msg, &err);
    explain_form(out, &msg, plain);
    if (rc != 0 && plain != NULL && err.detail == GS1_E_CHECK_DIGIT) {
        msg.n = 0; /* show the digits worked out even though the parser stopped */
        gs1_msg_add(&msg, data[1] == '0' && data[2] == '0' ? "00" : "01", data + 4, NULL);
        snprintf(msg.err_ai, sizeof msg.err_ai, "%s", msg.el[0].ai);
        msg.err_pos = len + 1; /* no caret: the input was not an element string */
        explain_invalid(out, data, len, &msg, &err);
        return 0;
    }
    if (rc != 0) {
        explain_invalid(out, data, len, &msg, &err);
        return 0;
    }
    training_lines_add(out, _("VALID: %zu element(s)."), msg.n);
    for (size_t i = 0; i < msg.n; i++)
        explain_element(out, &msg.el[i]);
    if (gs1_dl_uri(&msg, NULL, uri, sizeof uri, NULL) == 0)
        training_lines_add(out, "%s %s", _("Digital Link:"), uri);
    return 1;
}
