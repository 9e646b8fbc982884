/*
 * gs1-parse.c — element strings in: bracketed "(01)…"/"[01]…" and raw scan
 * data (AIM symbology identifier, GS separators, leading FNC1), then
 * validation of every value and of the association rules (requires /
 * excludes / duplicates). Digital Link URIs are in gs1-dl.c.
 *
 * The hot path does no table scans: an AI is found through the index of
 * gs1-table.c, values are checked component by component in one pass.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gs1-int.h"

#define GS                 0x1d
#define LABEL_ELEMENTS_MAX 256

const struct gs1_ai_def *
gs1_ai_find(const char *s, size_t len)
{
    unsigned n = 0;
    unsigned short i;

    if (len < 2 || len > 4)
        return NULL;
    for (size_t k = 0; k < len; k++) {
        if (s[k] < '0' || s[k] > '9')
            return NULL;
        n = n * 10 + (unsigned)(s[k] - '0');
    }
    i = len == 2 ? gs1_ai_idx2[n] : len == 3 ? gs1_ai_idx3[n] : gs1_ai_idx4[n];
    return i != 0 ? &gs1_ai_defs[i - 1] : NULL;
}

const struct gs1_ai_info *
gs1_ai_lookup(const char *ai)
{
    const struct gs1_ai_def *def = ai != NULL ? gs1_ai_find(ai, strlen(ai)) : NULL;

    return def != NULL ? &def->info : NULL;
}

int
gs1_fail(struct gs1_msg *msg, struct tt_err *err, int code, int detail, const char *ai, size_t pos,
         const char *fmt, ...)
{
    va_list ap;
    char text[200];

    if (msg != NULL) {
        size_t n = ai != NULL ? strnlen(ai, GS1_AI_LEN_MAX) : 0;

        if (n > 0)
            memcpy(msg->err_ai, ai, n);
        msg->err_ai[n] = '\0';
        msg->err_pos = pos;
    }
    if (err == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (ai != NULL && ai[0] != '\0')
        return tt_err_setd(err, code, detail, "gs1", "AI (%s) at position %zu: %s", ai, pos, text);
    return tt_err_setd(err, code, detail, "gs1", "at position %zu: %s", pos, text);
}

int
gs1_ai_pattern_match(const char *pattern, size_t plen, const char *ai)
{
    size_t i;

    for (i = 0; i < plen; i++) {
        if (ai[i] == '\0')
            return 0;
        if (pattern[i] != 'n' && pattern[i] != ai[i])
            return 0;
    }
    return ai[i] == '\0';
}

/* Appends (ai, value) without the checks of gs1_msg_add (lengths are known good). */
static int
add_element(struct gs1_msg *msg, size_t *vpos, const char *ai, size_t alen, const char *v,
            size_t vlen, size_t pos, struct tt_err *err)
{
    struct gs1_element *el;

    if (msg->n >= GS1_ELEMENTS_MAX)
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_MANY, "", pos,
                        "more than %d elements in one message", GS1_ELEMENTS_MAX);
    vpos[msg->n] = pos;
    el = &msg->el[msg->n++];
    memcpy(el->ai, ai, alen);
    el->ai[alen] = '\0';
    memcpy(el->value, v, vlen);
    el->value[vlen] = '\0';
    return 0;
}

/* Reads an AI at s (digits) into *def_out, or fails with SYNTAX / UNKNOWN_AI. */
static int
read_ai(struct gs1_msg *msg, const char *s, size_t left, size_t pos, size_t *alen,
        const struct gs1_ai_def **def_out, struct tt_err *err)
{
    unsigned prefix;
    const struct gs1_ai_def *def;
    char shown[GS1_AI_LEN_MAX + 1];
    size_t n;

    *alen = 0;
    *def_out = NULL;
    if (left < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return gs1_fail(msg, err, TT_EPARSE, GS1_E_SYNTAX, "", pos,
                        "an AI (2-4 digits) was expected");
    prefix = (unsigned)((s[0] - '0') * 10 + (s[1] - '0'));
    n = gs1_ai_len_by_prefix[prefix];
    def = n != 0 && n <= left ? gs1_ai_find(s, n) : NULL;
    if (def == NULL) {
        n = n == 0 ? 2 : (n <= left ? n : left);
        memcpy(shown, s, n);
        shown[n] = '\0';
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_UNKNOWN_AI, shown, pos,
                        "no such Application Identifier; check the data or the AI");
    }
    *alen = n;
    *def_out = def;
    return 0;
}

/* Raw element string: AI value [GS] AI value ... ; GS only after variable-length values. */
static int
parse_raw(const char *s, size_t len, size_t base, struct gs1_msg *msg, size_t *vpos,
          struct tt_err *err)
{
    size_t i = 0;

    if (i < len && s[i] == GS) /* a transmitted leading FNC1 */
        i++;
    if (i >= len)
        return gs1_fail(msg, err, TT_EPARSE, GS1_E_EMPTY, "", base + i, "no data after FNC1");
    while (i < len) {
        size_t alen, vlen, start;
        const struct gs1_ai_def *def;
        int rc = read_ai(msg, s + i, len - i, base + i, &alen, &def, err);

        if (rc != 0)
            return rc;
        start = i + alen;
        if (def->predefined) {
            vlen = def->max_len;
            if (len - start < vlen)
                vlen = len - start; /* validation reports it too short */
        } else {
            const char *gs = memchr(s + start, GS, len - start);

            vlen = gs != NULL ? (size_t)(gs - (s + start)) : len - start;
            if (vlen > def->max_len)
                return gs1_fail(
                    msg, err, TT_EINVAL, GS1_E_TOO_LONG, def->info.ai, base + start + def->max_len,
                    "value longer than %u characters (missing GS separator?)", def->max_len);
        }
        if (vlen == 0)
            return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_SHORT, def->info.ai, base + start,
                            "the AI has no value");
        rc = add_element(msg, vpos, def->info.ai, alen, s + start, vlen, base + start, err);
        if (rc != 0)
            return rc;
        i = start + vlen;
        /* One separator may follow any element (redundant after a predefined one). */
        if (i < len && s[i] == GS && ++i < len && s[i] == GS)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_SYNTAX, "", base + i,
                            "two separators in a row");
    }
    return 0;
}

/* Bracketed "(01)…(10)…" or "[01]…"; "\(" (and "\[", "\)", "\]") is a literal. */
static int
parse_brackets(const char *s, size_t len, struct gs1_msg *msg, size_t *vpos, struct tt_err *err)
{
    char open = s[0], close = open == '(' ? ')' : ']';
    size_t i = 0;

    while (i < len) {
        size_t alen, vlen = 0, start;
        const struct gs1_ai_def *def;
        char v[GS1_VALUE_LEN_MAX + 1];
        int rc;

        if (s[i] != open)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_SYNTAX, "", i, "'%c' expected", open);
        rc = read_ai(msg, s + i + 1, len - i - 1, i + 1, &alen, &def, err);
        if (rc != 0)
            return rc;
        if (i + 1 + alen >= len || s[i + 1 + alen] != close)
            return gs1_fail(msg, err, TT_EPARSE, GS1_E_SYNTAX, def->info.ai, i + 1 + alen,
                            "'%c' expected after the AI", close);
        start = i = i + alen + 2;
        while (i < len && s[i] != open) {
            char c = s[i];

            if (c == '\\' && i + 1 < len && strchr("()[]", s[i + 1]) != NULL)
                c = s[++i];
            if (vlen >= def->max_len)
                return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_LONG, def->info.ai, i,
                                "value longer than %u characters", def->max_len);
            v[vlen++] = c;
            i++;
        }
        if (vlen == 0)
            return gs1_fail(msg, err, TT_EINVAL, GS1_E_TOO_SHORT, def->info.ai, start,
                            "the AI has no value");
        rc = add_element(msg, vpos, def->info.ai, alen, v, vlen, start, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The value checks of every element; vpos (may be NULL) maps to input offsets. */
static int
validate_values(struct gs1_msg *fail_msg, const struct gs1_msg *msg, const size_t *vpos,
                const struct gs1_ai_def **defs, struct tt_err *err)
{
    for (size_t i = 0; i < msg->n; i++) {
        const struct gs1_element *el = &msg->el[i];
        const struct gs1_ai_def *def = gs1_ai_find(el->ai, strlen(el->ai));
        size_t base = vpos != NULL ? vpos[i] : 0, p = 0;
        const char *what;
        int rc;

        if (def == NULL)
            return gs1_fail(fail_msg, err, TT_EINVAL, GS1_E_UNKNOWN_AI, el->ai, base,
                            "no such Application Identifier");
        defs[i] = def;
        rc = gs1_check_value(def, el->value, strlen(el->value), &p, &what);
        /* A URI's values were percent-decoded (or a GTIN padded): point at their start. */
        if (rc != 0 && fail_msg != NULL && fail_msg->form == GS1_FORM_DL)
            p = 0;
        if (rc != 0)
            return gs1_fail(fail_msg, err, TT_EINVAL, rc, el->ai, base + p, "%s (value '%s')", what,
                            el->value);
    }
    return 0;
}

static int
present(const struct gs1_element *const *els, size_t n, const char *pat, size_t plen)
{
    for (size_t j = 0; j < n; j++)
        if (gs1_ai_pattern_match(pat, plen, els[j]->ai))
            return 1;
    return 0;
}

/* "01+21,02,35nn": one comma-separated alternative must be wholly present. */
static int
req_satisfied(const char *rule, const struct gs1_element *const *els, size_t n)
{
    const char *p = rule;

    while (*p != '\0') {
        int all = 1;

        for (;;) {
            size_t plen = 0;

            while (p[plen] != '\0' && p[plen] != '+' && p[plen] != ',')
                plen++;
            if (all && !present(els, n, p, plen))
                all = 0;
            p += plen;
            if (*p != '+')
                break;
            p++;
        }
        if (all)
            return 1;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* The AI that element i must not be with, or NULL. */
static const struct gs1_element *
excluded_partner(const char *rule, const struct gs1_element *const *els,
                 const struct gs1_ai_def *const *defs, size_t n, size_t i)
{
    for (const char *p = rule; *p != '\0';) {
        size_t plen = 0;

        while (p[plen] != '\0' && p[plen] != ',')
            plen++;
        /* An AI is not exclusive of itself even when it matches a pattern. */
        for (size_t j = 0; j < n; j++)
            if (defs[j] != defs[i] && gs1_ai_pattern_match(p, plen, els[j]->ai))
                return els[j];
        p += plen;
        if (*p == ',')
            p++;
    }
    return NULL;
}

static int
check_associations(struct gs1_msg *fail_msg, const struct gs1_element *const *els,
                   const struct gs1_ai_def *const *defs, const size_t *vpos, size_t n,
                   struct tt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct gs1_ai_def *def = defs[i];
        size_t pos = vpos != NULL ? vpos[i] : 0;
        const struct gs1_element *other;

        for (size_t j = i + 1; j < n; j++)
            if (defs[i] == defs[j] && strcmp(els[i]->value, els[j]->value) != 0)
                return gs1_fail(fail_msg, err, TT_EINVAL, GS1_E_DUPLICATE, els[i]->ai,
                                vpos != NULL ? vpos[j] : 0,
                                "given twice with different values ('%s' and '%s')", els[i]->value,
                                els[j]->value);
        for (size_t r = 0; r < 2 && def->req[r] != NULL; r++)
            if (!req_satisfied(def->req[r], els, n))
                return gs1_fail(fail_msg, err, TT_EINVAL, GS1_E_REQUIRES, els[i]->ai, pos,
                                "needs one of these AIs with it: %s ('+' means together)",
                                def->req[r]);
        if (def->ex != NULL && (other = excluded_partner(def->ex, els, defs, n, i)) != NULL)
            return gs1_fail(fail_msg, err, TT_EINVAL, GS1_E_EXCLUDES, els[i]->ai, pos,
                            "must not be used together with AI (%s)", other->ai);
    }
    return 0;
}

static int
validate_msg(struct gs1_msg *fail_msg, const struct gs1_msg *msg, const size_t *vpos,
             struct tt_err *err)
{
    const struct gs1_ai_def *defs[GS1_ELEMENTS_MAX];
    const struct gs1_element *els[GS1_ELEMENTS_MAX];
    int rc;

    if (msg->n == 0)
        return gs1_fail(fail_msg, err, TT_EPARSE, GS1_E_EMPTY, "", 0, "no elements");
    if (msg->n > GS1_ELEMENTS_MAX)
        return gs1_fail(fail_msg, err, TT_EINVAL, GS1_E_TOO_MANY, "", 0, "too many elements");
    rc = validate_values(fail_msg, msg, vpos, defs, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < msg->n; i++)
        els[i] = &msg->el[i];
    return check_associations(fail_msg, els, defs, vpos, msg->n, err);
}

int
gs1_validate(const struct gs1_msg *msg, struct tt_err *err)
{
    if (msg == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no message");
    return validate_msg(NULL, msg, NULL, err);
}

int
gs1_validate_label(const struct gs1_msg *const *msgs, size_t n, struct tt_err *err)
{
    const struct gs1_ai_def *mdefs[GS1_ELEMENTS_MAX];
    const struct gs1_element *els[LABEL_ELEMENTS_MAX];
    const struct gs1_ai_def *ldefs[LABEL_ELEMENTS_MAX];
    size_t total = 0;

    if (msgs == NULL || n == 0)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no messages");
    for (size_t m = 0; m < n; m++) {
        int rc;

        if (msgs[m] == NULL)
            return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "message %zu is missing", m);
        if (msgs[m]->n == 0 || msgs[m]->n > GS1_ELEMENTS_MAX)
            return tt_err_setd(err, msgs[m]->n == 0 ? TT_EPARSE : TT_EINVAL,
                               msgs[m]->n == 0 ? GS1_E_EMPTY : GS1_E_TOO_MANY, __func__,
                               "barcode %zu of the label has %s elements", m,
                               msgs[m]->n == 0 ? "no" : "too many");
        rc = validate_values(NULL, msgs[m], NULL, mdefs, err);

        if (rc != 0)
            return rc;
        for (size_t i = 0; i < msgs[m]->n; i++) {
            if (total >= LABEL_ELEMENTS_MAX)
                return tt_err_setd(err, TT_EINVAL, GS1_E_TOO_MANY, __func__,
                                   "more than %d elements on one label", LABEL_ELEMENTS_MAX);
            els[total] = &msgs[m]->el[i];
            ldefs[total++] = mdefs[i];
        }
    }
    return check_associations(NULL, els, ldefs, NULL, total, err);
}

/* EAN/UPC and ITF-14 carry a bare GTIN: it becomes (01), zero-padded. */
static int
parse_gtin_only(const char *s, size_t len, size_t base, struct gs1_msg *msg, size_t *vpos,
                size_t want, struct tt_err *err)
{
    char gtin[15];

    if (len != want)
        return gs1_fail(msg, err, TT_EINVAL, len < want ? GS1_E_TOO_SHORT : GS1_E_TOO_LONG, "01",
                        base, "this symbology carries exactly %zu digits", want);
    /* Checked here, before padding, so that positions point into the input. */
    for (size_t i = 0; i < want; i++)
        if (s[i] < '0' || s[i] > '9')
            return gs1_fail(msg, err, TT_EINVAL, GS1_E_BAD_CHAR, "01", base + i, "digit expected");
    if (gs1_check_digit(s, want - 1) != s[want - 1] - '0')
        return gs1_fail(msg, err, TT_EINVAL, GS1_E_CHECK_DIGIT, "01", base + want - 1,
                        "wrong check digit");
    memset(gtin, '0', 14 - want);
    memcpy(gtin + 14 - want, s, want);
    return add_element(msg, vpos, "01", 2, gtin, 14, base, err);
}

/* The symbology identifier: which parser, or GS1_E_AIM. */
static int
parse_aim(const char *data, size_t len, struct gs1_msg *msg, size_t *vpos, struct tt_err *err)
{
    static const char *const raw_ids[] = {"]C1", "]e0", "]d2", "]Q3", "]J1"};
    const char *s = data + 3;
    size_t left = len - 3;

    if (len < 3)
        return gs1_fail(msg, err, TT_EPARSE, GS1_E_AIM, "", 0, "incomplete symbology identifier");
    memcpy(msg->aim, data, 3);
    msg->aim[3] = '\0';
    msg->form = GS1_FORM_RAW;
    for (size_t i = 0; i < sizeof raw_ids / sizeof raw_ids[0]; i++)
        if (memcmp(data, raw_ids[i], 3) == 0)
            return parse_raw(s, left, 3, msg, vpos, err);
    if (memcmp(data, "]E0", 3) == 0)
        return parse_gtin_only(s, left, 3, msg, vpos, 13, err);
    if (memcmp(data, "]E4", 3) == 0)
        return parse_gtin_only(s, left, 3, msg, vpos, 8, err);
    if (memcmp(data, "]I1", 3) == 0)
        return parse_gtin_only(s, left, 3, msg, vpos, 14, err);
    if (memcmp(data, "]d1", 3) == 0 || memcmp(data, "]Q1", 3) == 0) {
        msg->form = GS1_FORM_DL;
        return gs1_dl_parse(s, left, 3, msg, vpos, err);
    }
    return gs1_fail(msg, err, TT_EPARSE, GS1_E_AIM, "", 0,
                    "symbology identifier '%.3s' does not carry GS1 data", data);
}

/*
 * A wedge scanner without AIM identifiers sends an EAN-13, UPC-A, EAN-8 or
 * ITF-14 as bare digits. Those with a valid check digit are read as a GTIN
 * (doc/gs1-decisions.md: the few element strings of 8-14 digits that are
 * also valid messages, such as (90)…, lose to the far commoner GTIN).
 */
static int
is_bare_gtin(const char *s, size_t len)
{
    int cd;

    if (len != 8 && len != 12 && len != 13 && len != 14)
        return 0;
    cd = gs1_check_digit(s, len - 1);
    return cd >= 0 && cd == s[len - 1] - '0';
}

static int
is_dl_scheme(const char *s, size_t len)
{
    return (len >= 7 && (memcmp(s, "http://", 7) == 0 || memcmp(s, "HTTP://", 7) == 0)) ||
           (len >= 8 && (memcmp(s, "https://", 8) == 0 || memcmp(s, "HTTPS://", 8) == 0));
}

int
gs1_parse(const char *data, size_t len, struct gs1_msg *out, struct tt_err *err)
{
    size_t vpos[GS1_ELEMENTS_MAX];
    const char *nul;
    int rc;

    if (out == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no output message");
    gs1_msg_init(out);
    if (data == NULL || len == 0)
        return gs1_fail(out, err, TT_EPARSE, GS1_E_EMPTY, "", 0, "no data");
    if (len > GS1_DATA_LEN_MAX)
        return gs1_fail(out, err, TT_EPARSE, GS1_E_SYNTAX, "", GS1_DATA_LEN_MAX,
                        "more than %d bytes of data", GS1_DATA_LEN_MAX);
    if ((nul = memchr(data, '\0', len)) != NULL)
        return gs1_fail(out, err, TT_EINVAL, GS1_E_BAD_CHAR, "", (size_t)(nul - data),
                        "a NUL byte in the data");
    if (data[0] == ']') {
        rc = parse_aim(data, len, out, vpos, err);
    } else if (data[0] == '(' || data[0] == '[') {
        out->form = GS1_FORM_BRACKETS;
        rc = parse_brackets(data, len, out, vpos, err);
    } else if (is_dl_scheme(data, len)) {
        out->form = GS1_FORM_DL;
        rc = gs1_dl_parse(data, len, 0, out, vpos, err);
    } else if (is_bare_gtin(data, len)) {
        out->form = GS1_FORM_RAW;
        rc = parse_gtin_only(data, len, 0, out, vpos, len, err);
    } else if (data[0] == GS || (data[0] >= '0' && data[0] <= '9')) {
        out->form = GS1_FORM_RAW;
        rc = parse_raw(data, len, 0, out, vpos, err);
    } else {
        rc = gs1_fail(out, err, TT_EPARSE, GS1_E_SYNTAX, "", 0,
                      "not GS1 data: expected '(01)…', '[01]…', digits, an AIM prefix like "
                      "']C1' or a Digital Link URI");
    }
    if (rc == 0)
        rc = validate_msg(out, out, vpos, err);
    return rc;
}

const char *
gs1_table_version(void)
{
    return gs1_table_release;
}

size_t
gs1_ai_count(void)
{
    return gs1_n_ai_defs;
}

const struct gs1_ai_info *
gs1_ai_at(size_t i)
{
    return i < gs1_n_ai_defs ? &gs1_ai_defs[i].info : NULL;
}

int
gs1_parse_sep(const char *data, size_t len, const char *separators, struct gs1_msg *out,
              struct tt_err *err)
{
    char buf[GS1_DATA_LEN_MAX];
    int dl;

    if (separators == NULL || separators[0] == '\0' || data == NULL || len == 0 ||
        len > sizeof buf || data[0] == '(' || data[0] == '[' || is_dl_scheme(data, len))
        return gs1_parse(data, len, out, err);
    dl = len >= 3 && (memcmp(data, "]d1", 3) == 0 || memcmp(data, "]Q1", 3) == 0);
    if (dl)
        return gs1_parse(data, len, out, err);
    for (size_t i = 0; i < len; i++)
        buf[i] = (data[i] != '\0' && strchr(separators, data[i]) != NULL) ? GS : data[i];
    return gs1_parse(buf, len, out, err);
}
