/*
 * gs1-format.c — element strings out: HRI "(01)…", zint's "[01]…" and the
 * raw form with GS where an FNC1 separator is needed, with the limits of
 * each carrier; and the names of symbologies from AIM identifiers.
 */
#include <string.h>

#include "gs1-int.h"

#define GS 0x1d

struct fmt_out {
    char *p;
    size_t len, n;
    int over;
};

static void
emit(struct fmt_out *o, const char *s, size_t len)
{
    if (o->over || o->n + len >= o->len) {
        o->over = 1;
        return;
    }
    memcpy(o->p + o->n, s, len);
    o->n += len;
}

/* In "(01)…" text a '(' inside a value is written "\(" so that it parses back. */
static void
emit_value(struct fmt_out *o, const char *v, enum gs1_syntax syntax)
{
    if (syntax != GS1_SYNTAX_PARENS) {
        emit(o, v, strlen(v));
        return;
    }
    for (; *v != '\0'; v++) {
        if (*v == '(')
            emit(o, "\\", 1);
        emit(o, v, 1);
    }
}

/* Data characters of the encoded message, the way carriers count them. */
static size_t
data_chars(const struct gs1_msg *msg, const size_t *order, int *all_digits)
{
    size_t n = 0;

    *all_digits = 1;
    for (size_t k = 0; k < msg->n; k++) {
        const struct gs1_element *el = &msg->el[order[k]];
        const struct gs1_ai_def *def = gs1_ai_find(el->ai, strlen(el->ai));

        n += strlen(el->ai) + strlen(el->value);
        if (k + 1 < msg->n && def != NULL && !def->predefined)
            n++; /* FNC1 separator */
        for (const char *c = el->value; *c != '\0'; c++)
            if (*c < '0' || *c > '9')
                *all_digits = 0;
    }
    return n;
}

static int
check_carrier(const struct gs1_msg *msg, const size_t *order, enum gs1_carrier carrier,
              struct tt_err *err)
{
    int digits;
    size_t n = data_chars(msg, order, &digits), max;
    const char *name;

    switch (carrier) {
    case GS1_CARRIER_GS1_128:
        max = GS1_128_DATA_MAX;
        name = "GS1-128";
        break;
    case GS1_CARRIER_DATABAR_EXP:
        max = 74; /* ISO/IEC 24724: 74 digits; zint refuses tighter mixed-data cases */
        name = "GS1 DataBar Expanded";
        break;
    case GS1_CARRIER_DATAMATRIX:
        max = digits ? 3116 : 2335;
        name = "GS1 DataMatrix";
        break;
    case GS1_CARRIER_QR:
        max = digits ? 7089 : 4296;
        name = "GS1 QR Code";
        break;
    default:
        return 0;
    }
    if (n > max)
        return tt_err_setd(err, TT_EINVAL, GS1_E_CARRIER_LENGTH, "gs1_format",
                           "%zu data characters do not fit in %s (at most %zu); split the data "
                           "over two barcodes or use a larger carrier",
                           n, name, max);
    return 0;
}

int
gs1_format(const struct gs1_msg *msg, enum gs1_syntax syntax, enum gs1_carrier carrier, char *out,
           size_t out_len, struct tt_err *err)
{
    struct fmt_out o = {out, out_len, 0, 0};
    size_t order[GS1_ELEMENTS_MAX], n = 0;
    int rc;

    if (out == NULL || out_len == 0 || msg == NULL || msg->n > GS1_ELEMENTS_MAX)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no message or buffer");
    out[0] = '\0';
    if (msg->n == 0)
        return tt_err_setd(err, TT_EINVAL, GS1_E_EMPTY, __func__, "the message is empty");
    /* Predefined-length AIs first, then the rest, each group in input order. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < msg->n; i++) {
            const struct gs1_ai_def *def = gs1_ai_find(msg->el[i].ai, strlen(msg->el[i].ai));

            if (def == NULL)
                return tt_err_setd(err, TT_EINVAL, GS1_E_UNKNOWN_AI, __func__, "AI (%s) is unknown",
                                   msg->el[i].ai);
            if ((pass == 0) == (def->predefined != 0))
                order[n++] = i;
        }
    rc = check_carrier(msg, order, carrier, err);
    if (rc != 0)
        return rc;
    for (size_t k = 0; k < n; k++) {
        const struct gs1_element *el = &msg->el[order[k]];
        size_t alen = strlen(el->ai);

        if (syntax == GS1_SYNTAX_RAW) {
            emit(&o, el->ai, alen);
        } else {
            emit(&o, syntax == GS1_SYNTAX_BRACKETS ? "[" : "(", 1);
            emit(&o, el->ai, alen);
            emit(&o, syntax == GS1_SYNTAX_BRACKETS ? "]" : ")", 1);
        }
        emit_value(&o, el->value, syntax);
        if (syntax == GS1_SYNTAX_RAW && k + 1 < n && !gs1_ai_find(el->ai, alen)->predefined) {
            char gs = GS;

            emit(&o, &gs, 1);
        }
    }
    if (o.over) {
        out[0] = '\0';
        return tt_err_setd(err, TT_ENOMEM, GS1_E_NONE, __func__,
                           "the output buffer of %zu bytes is too small", out_len);
    }
    out[o.n] = '\0';
    return 0;
}

const char *
gs1_symbology_name(const char *aim)
{
    static const struct {
        const char *id, *name;
    } names[] = {
        {"]C1", "GS1-128"},     {"]e0", "GS1 DataBar"}, {"]d2", "GS1 DataMatrix"},
        {"]Q3", "GS1 QR Code"}, {"]J1", "GS1 DotCode"}, {"]E0", "EAN-13/UPC-A"},
        {"]E4", "EAN-8"},       {"]I1", "ITF-14"},      {"]d1", "DataMatrix"},
        {"]Q1", "QR Code"},
    };

    if (aim == NULL || aim[0] == '\0')
        return NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(aim, names[i].id) == 0)
            return names[i].name;
    return NULL;
}
