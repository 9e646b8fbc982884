/*
 * training-check.c — the exercise checkers. Each computes the right
 * answer itself from the exercise data (check digits with gs1/, values
 * with gs1_explain, traces by walking the sandbox's events, bundles by
 * really verifying them), so a lesson file holds questions, never answers,
 * and a typo in a lesson cannot mark a wrong answer right.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/db.h"
#include "../gs1/gs1.h"
#include "cli.h"
#include "intl.h"
#include "training.h"

#define ANSWER_MAX 256

/* Trimmed copy with ASCII and Latin-1/Đ capitals in lower case ("KHÔNG" -> "không"). */
static void
normalise(const char *in, char out[ANSWER_MAX])
{
    size_t a = 0, b = strlen(in), n = 0;

    while (a < b && isspace((unsigned char)in[a]))
        a++;
    while (b > a && isspace((unsigned char)in[b - 1]))
        b--;
    for (size_t i = a; i < b && n + 1 < ANSWER_MAX; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c < 0x80)
            c = (unsigned char)tolower(c);
        else if (i > a && (unsigned char)in[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
            c += 0x20;
        else if (i > a && (unsigned char)in[i - 1] == 0xC4 && c == 0x90)
            c = 0x91;
        out[n++] = (char)c;
    }
    out[n] = '\0';
}

static int
one_of(const char *s, const char *const *words)
{
    for (; *words != NULL; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

/* 1 yes, 0 no, -1 neither. */
static int
yes_no(const char *s)
{
    static const char *const yes[] = {"y", "yes", "c", "co", "có", "đúng", "dung", "1", NULL};
    static const char *const no[] = {"n", "no", "k", "khong", "không", "sai", "0", NULL};

    return one_of(s, yes) ? 1 : one_of(s, no) ? 0 : -1;
}

int
training_parse_decimal(const char *s, long long *micro)
{
    long long whole = 0, frac = 0, scale = 1000000;
    int neg = *s == '-', digits = 0;

    s += neg;
    for (; isdigit((unsigned char)*s) && whole < 1000000000LL; s++, digits++)
        whole = whole * 10 + (*s - '0');
    if (*s == ',' || *s == '.') {
        s++;
        for (; isdigit((unsigned char)*s); s++, digits++)
            if (scale > 1)
                scale /= 10, frac += (*s - '0') * scale;
    }
    while (*s == ' ')
        s++;
    if (digits == 0 || (*s != '\0' && !isalpha((unsigned char)*s) && (unsigned char)*s < 0x80))
        return -1;
    *micro = (whole * 1000000 + frac) * (neg ? -1 : 1);
    return 0;
}

/* "2026-12-31", "31/12/2026", "31-12-2026", "31.12.2026" -> y m d; 0 on success. */
static int
parse_date(const char *s, int *y, int *m, int *d)
{
    char sep;

    if (sscanf(s, "%4d-%2d-%2d", y, m, d) == 3 && *y > 999)
        return 0;
    if (sscanf(s, "%2d%c%2d%*c%4d", d, &sep, m, y) == 4 && (sep == '/' || sep == '-' || sep == '.'))
        return 0;
    return -1;
}

static void
verdict_words(struct training_verdict *out, int correct, const struct training_exercise *ex)
{
    out->correct = correct;
    training_lines_clear(&out->feedback);
    training_lines_add(&out->feedback, "%s", correct ? _("Right!") : _("Not right yet."));
    if (!correct) {
        const char *hint = training_pick(ex->hint[0], ex->hint[1]);

        if (hint[0] != '\0')
            training_lines_wrap(&out->feedback, hint, 76, 0);
    }
}

static int
check_digit(const struct training_exercise *ex, const char *ans, struct training_verdict *out)
{
    int cd = gs1_check_digit(ex->data, strlen(ex->data));

    verdict_words(out, strlen(ans) == 1 && ans[0] - '0' == cd, ex);
    if (strlen(ans) != 1 || !isdigit((unsigned char)ans[0]))
        training_lines_add(&out->feedback, "%s", _("Answer with one digit, 0 to 9."));
    if (out->correct)
        training_check_digit_steps(ex->data, strlen(ex->data), &out->feedback);
    return 0;
}

static int
read_matches(const struct gs1_element *el, const char *ans)
{
    struct gs1_explanation x;
    long long micro, want;
    int y, m, d, i;

    if (strcmp(ans, el->value) == 0)
        return 1;
    if (gs1_explain(el, 2026, &x, NULL) != 0)
        return 0;
    switch (x.kind) {
    case GS1_KIND_DATE:
        return parse_date(ans, &y, &m, &d) == 0 && y == x.date[0].year && m == x.date[0].month &&
               d == x.date[0].day;
    case GS1_KIND_MEASURE:
    case GS1_KIND_AMOUNT:
    case GS1_KIND_COUNT:
        if (training_parse_decimal(ans, &micro) != 0)
            return 0;
        want = x.mantissa * (x.negative ? -1 : 1);
        for (i = x.decimals; i < 6; i++)
            want *= 10;
        for (; i > 6; i--)
            micro *= 10;
        return micro == want;
    case GS1_KIND_KEY:
        for (i = 0; el->value[i] == '0'; i++)
            ;
        return strcmp(ans, el->value + i) == 0;
    default: {
        char v[ANSWER_MAX];

        normalise(el->value, v);
        return strcmp(ans, v) == 0;
    }
    }
}

static int
check_read(const struct training_exercise *ex, const char *ans, struct training_verdict *out,
           struct tt_err *err)
{
    struct gs1_msg msg;
    char line[768];

    if (gs1_parse(ex->data, strlen(ex->data), &msg, err) != 0)
        return err != NULL ? err->code : TT_EINVAL;
    for (size_t i = 0; i < msg.n; i++) {
        if (strcmp(msg.el[i].ai, ex->ask) != 0)
            continue;
        verdict_words(out, read_matches(&msg.el[i], ans), ex);
        if (out->correct) {
            cli_gs1_describe(&msg.el[i], line, sizeof line);
            training_lines_wrap(&out->feedback, line, 76, 0);
        }
        return 0;
    }
    return tt_err_set(err, TT_EINVAL, "training_check", "%s: no AI %s in the data", ex->id,
                      ex->ask);
}

/* What kind of identifier an AI is: 0 GTIN, 1 lot, 2 serial, 3 SSCC, -1 other. */
static int
ai_role(const char *ai)
{
    if (strcmp(ai, "01") == 0 || strcmp(ai, "02") == 0 || strcmp(ai, "03") == 0)
        return 0;
    if (strcmp(ai, "10") == 0)
        return 1;
    if (strcmp(ai, "21") == 0 || strcmp(ai, "235") == 0)
        return 2;
    return strcmp(ai, "00") == 0 ? 3 : -1;
}

static int
answer_role(const char *a)
{
    static const char *const gtin[] = {"1", "gtin", "a", NULL};
    static const char *const lot[] = {"2", "lot", "lô", "lo", "số lô", "b", NULL};
    static const char *const serial[] = {"3",    "serial",   "sê-ri", "se-ri",
                                         "seri", "số sê-ri", "c",     NULL};
    static const char *const sscc[] = {"4", "sscc", "d", NULL};

    return one_of(a, gtin)     ? 0
           : one_of(a, lot)    ? 1
           : one_of(a, serial) ? 2
           : one_of(a, sscc)   ? 3
                               : -1;
}

static int
check_identify(const struct training_exercise *ex, const char *ans, struct training_verdict *out,
               struct tt_err *err)
{
    static const char *const meaning[] = {
        N_("A GTIN names a product (the same for every bag of it)."),
        N_("A lot (batch) names goods made or harvested together."),
        N_("A serial number names one single item."),
        N_("An SSCC names one logistic unit: a pallet or a parcel."),
    };
    struct gs1_msg msg;
    int role;

    if (training_parse_element(ex->data, &msg) != 0)
        return tt_err_set(err, TT_EINVAL, "training_check", "%s: data is not one element", ex->id);
    role = ai_role(msg.el[0].ai);
    verdict_words(out, role >= 0 && answer_role(ans) == role, ex);
    if (answer_role(ans) < 0)
        training_lines_add(&out->feedback, "%s",
                           _("Answer gtin, lot, serial or sscc (or 1, 2, 3, 4)."));
    if (out->correct && role >= 0)
        training_lines_add(&out->feedback, "%s", _(meaning[role]));
    return 0;
}

static int
check_valid(const struct training_exercise *ex, const char *ans, struct training_verdict *out)
{
    struct training_lines why;
    int valid = training_explain(ex->data, strlen(ex->data), &why), yn = yes_no(ans);

    verdict_words(out, yn >= 0 && yn == valid, ex);
    if (yn < 0)
        training_lines_add(&out->feedback, "%s", _("Answer yes or no (có / không)."));
    for (size_t i = 0; out->correct && i < why.n; i++)
        training_lines_add(&out->feedback, "%s", why.line[i]);
    return 0;
}

static int
check_encode_weight(const struct training_exercise *ex, const char *ans,
                    struct training_verdict *out)
{
    char want[8];
    long long micro = 0;
    const char *a = ans;

    if (training_parse_decimal(ex->data, &micro) != 0 || micro <= 0 || micro >= 1000000000LL)
        return TT_EINVAL;
    snprintf(want, sizeof want, "%06lld", (micro + 500) / 1000);
    if (strncmp(a, "(3103)", 6) == 0)
        a += 6;
    else if (strncmp(a, "3103", 4) == 0 && strlen(a) == 10)
        a += 4;
    verdict_words(out, strcmp(a, want) == 0, ex);
    if (out->correct)
        training_lines_add(&out->feedback, _("(3103)%s: %s kg with 3 decimals, in grams."), want,
                           ex->data);
    return 0;
}

static int
check_make_label(const struct training_exercise *ex, const char *raw, struct training_verdict *out,
                 struct tt_err *err)
{
    struct gs1_msg want, got;
    struct tt_err perr;

    if (gs1_parse(ex->data, strlen(ex->data), &want, err) != 0)
        return err != NULL ? err->code : TT_EINVAL;
    if (gs1_parse(raw, strlen(raw), &got, &perr) != 0) {
        verdict_words(out, 0, ex);
        training_lines_add(&out->feedback, "%s", cli_gs1_error_text(perr.detail));
        return 0;
    }
    for (size_t i = 0; i < want.n; i++) {
        const char *v = gs1_msg_get(&got, want.el[i].ai);

        if (v == NULL || strcmp(v, want.el[i].value) != 0) {
            const struct gs1_ai_info *info = gs1_ai_lookup(want.el[i].ai);

            verdict_words(out, 0, ex);
            training_lines_add(&out->feedback, _("Missing or different: AI (%s) %s."),
                               want.el[i].ai,
                               info != NULL ? training_pick(info->title_vi, info->title_en) : "");
            return 0;
        }
    }
    verdict_words(out, 1, ex);
    training_lines_add(&out->feedback, "%s", _("The label data is complete and valid."));
    return 0;
}

/* ---- traces through the sandbox's events ------------------------------------------- */

struct trace {
    const char *key; /* the serial (back) or the lot (forward) looked for */
    int back;
    int count;
    int64_t seq;
    char lot[32];
};

/* 1 when uri ends in "/<ai>/<value>". */
static int
uri_has(const char *uri, const char *ai, const char *value)
{
    char tail[160];
    size_t n = (size_t)snprintf(tail, sizeof tail, "/%s/%s", ai, value), len = strlen(uri);

    return n < sizeof tail && len >= n && strcmp(uri + len - n, tail) == 0;
}

/* The lot of an event: the "/10/<lot>" of its quantityList's epcClass ("" when none). */
static const char *
event_lot(json_t *ev)
{
    json_t *q = json_object_get(ev, "quantityList");

    for (size_t i = 0; i < json_array_size(q); i++) {
        const char *c = json_string_value(json_object_get(json_array_get(q, i), "epcClass"));
        const char *p = c != NULL ? strstr(c, "/10/") : NULL;

        if (p != NULL)
            return p + 4;
    }
    return "";
}

/*
 * Item labels are commissioning events with the item in epcList (…/21/<serial>)
 * and its lot in quantityList (…/10/<lot>): the links a trace follows.
 */
static int
trace_event(void *ctx, const struct db_event_row *row)
{
    struct trace *t = ctx;
    json_t *ev, *epcs;
    int stop = 0;

    if (strcmp(row->biz_step, "commissioning") != 0)
        return 0;
    ev = json_loadb(row->json, row->json_len, 0, NULL);
    epcs = json_object_get(ev, "epcList");
    for (size_t i = 0; i < json_array_size(epcs) && !stop; i++) {
        const char *uri = json_string_value(json_array_get(epcs, i));

        if (uri == NULL)
            continue;
        if (t->back && uri_has(uri, "21", t->key)) {
            snprintf(t->lot, sizeof t->lot, "%s", event_lot(ev));
            t->seq = row->seq;
            stop = 1;
        } else if (!t->back && strcmp(event_lot(ev), t->key) == 0) {
            t->count++;
        }
    }
    json_decref(ev);
    return stop;
}

static int
check_trace(const struct training_exercise *ex, struct training_sandbox *sb, const char *ans,
            struct training_verdict *out, struct tt_err *err)
{
    struct trace t = {.back = ex->kind == TRAINING_TRACE_BACK, .key = ex->data};
    char lot[ANSWER_MAX];
    int rc;

    if (sb == NULL)
        return tt_err_set(err, TT_EUSAGE, "training_check", "%s needs the sandbox", ex->id);
    rc = db_events_after(training_sandbox_db(sb), 0, 0, trace_event, &t, err);
    if (rc < 0)
        return rc;
    if (t.back) {
        normalise(t.lot, lot);
        verdict_words(out, t.lot[0] != '\0' && strcmp(ans, lot) == 0, ex);
        if (out->correct)
            training_lines_add(&out->feedback, _("Event %lld made item %s of lot %s."),
                               (long long)t.seq, ex->data, t.lot);
    } else {
        char n[16];

        snprintf(n, sizeof n, "%d", t.count);
        verdict_words(out, strcmp(ans, n) == 0, ex);
        if (out->correct)
            training_lines_add(&out->feedback, _("%d commissioning events name lot %s."), t.count,
                               ex->data);
    }
    return 0;
}

static int
check_bundle(const struct training_exercise *ex, struct training_sandbox *sb, const char *ans,
             struct training_verdict *out, struct tt_err *err)
{
    struct training_bundle_demo demo;
    int rc, verifies, yn = yes_no(ans);

    if (sb == NULL)
        return tt_err_set(err, TT_EUSAGE, "training_check", "%s needs the sandbox", ex->id);
    rc = training_bundle_demo(sb, &demo, err);
    if (rc != 0)
        return rc;
    verifies = strcmp(ex->data, "intact") == 0 ? demo.intact_rc == 0 : demo.tampered_rc == 0;
    verdict_words(out, yn >= 0 && yn == verifies, ex);
    if (yn < 0)
        training_lines_add(&out->feedback, "%s", _("Answer yes or no (có / không)."));
    if (!out->correct)
        return 0;
    training_lines_add(&out->feedback, _("The bundle as signed: %s"),
                       demo.intact_rc == 0 ? _("verifies.") : _("does NOT verify."));
    training_lines_add(&out->feedback, _("The copy with one byte changed: %s"),
                       demo.tampered_rc == 0 ? _("verifies.") : _("does NOT verify."));
    if (demo.why[0] != '\0')
        training_lines_wrap(&out->feedback, demo.why, 76, 2);
    training_lines_wrap(&out->feedback, demo.tampered, 76, 2);
    return 0;
}

int
training_check(const struct training_exercise *ex, struct training_sandbox *sb, const char *answer,
               struct training_verdict *out, struct tt_err *err)
{
    char ans[ANSWER_MAX];

    memset(out, 0, sizeof *out);
    normalise(answer != NULL ? answer : "", ans);
    switch (ex->kind) {
    case TRAINING_CHECK_DIGIT:
        return check_digit(ex, ans, out);
    case TRAINING_READ:
        return check_read(ex, ans, out, err);
    case TRAINING_IDENTIFY:
        return check_identify(ex, ans, out, err);
    case TRAINING_VALID:
        return check_valid(ex, ans, out);
    case TRAINING_ENCODE_WEIGHT:
        return check_encode_weight(ex, ans, out);
    case TRAINING_MAKE_LABEL: {
        /* GS1 data is case- and byte-exact: only the blanks around it go. */
        const char *a = answer != NULL ? answer : "";
        char raw[ANSWER_MAX];
        size_t n;

        while (*a == ' ' || *a == '\t')
            a++;
        n = strlen(a) < sizeof raw - 1 ? strlen(a) : sizeof raw - 1;
        memcpy(raw, a, n);
        while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t' || raw[n - 1] == '\n'))
            n--;
        raw[n] = '\0';
        return check_make_label(ex, raw, out, err);
    }
    case TRAINING_TRACE_BACK:
    case TRAINING_TRACE_FORWARD:
        return check_trace(ex, sb, ans, out, err);
    case TRAINING_BUNDLE:
        return check_bundle(ex, sb, ans, out, err);
    default:
        return tt_err_set(err, TT_EINVAL, "training_check", "unknown exercise kind");
    }
}

/* ---- the sandbox's events, one line each (the trace lesson's evidence) ----------------- */

/* "…/01/<gtin>/21/<serial>" -> "(01)<gtin> (21)<serial>"; other URIs as they are. */
static void
short_epc(const char *uri, char *out, size_t len)
{
    const char *p = strstr(uri, "id.gs1.org/");
    size_t n = 0;

    if (p == NULL) {
        snprintf(out, len, "%s", uri);
        return;
    }
    out[0] = '\0';
    for (p += 10; *p == '/' && n + 2 < len;) {
        const char *ai = p + 1, *v = strchr(ai, '/'), *end;

        if (v == NULL)
            break;
        end = strchr(v + 1, '/');
        if (end == NULL)
            end = v + strlen(v);
        n += (size_t)snprintf(out + n, len - n, "%s(%.*s)%.*s", n > 0 ? " " : "", (int)(v - ai), ai,
                              (int)(end - v - 1), v + 1);
        p = end;
    }
}

static int
event_line(void *ctx, const struct db_event_row *row)
{
    struct training_lines *out = ctx;
    json_t *ev = json_loadb(row->json, row->json_len, 0, NULL);
    json_t *epcs = json_object_get(ev, "epcList");
    json_t *q = json_array_get(json_object_get(ev, "quantityList"), 0);
    const char *first = json_string_value(json_array_get(epcs, 0));
    char item[96] = "", what[160];

    if (first != NULL)
        short_epc(first, item, sizeof item);
    if (json_is_number(json_object_get(q, "quantity"))) {
        char kg[32], *dot;

        snprintf(kg, sizeof kg, "%.3f", json_number_value(json_object_get(q, "quantity")));
        if (!training_lang_en() && (dot = strchr(kg, '.')) != NULL)
            *dot = ','; /* the Vietnamese decimal sign */
        snprintf(what, sizeof what, _("lot %s, %s kg"), event_lot(ev), kg);
    } else
        snprintf(what, sizeof what, _("lot %s"), event_lot(ev));
    training_lines_add(out, "#%-3lld %-14s %-30s %s", (long long)row->seq, row->biz_step,
                       item[0] != '\0' ? item : "-", what);
    json_decref(ev);
    return out->n >= TRAINING_LINES_MAX;
}

int
training_events_lines(struct training_sandbox *sb, struct training_lines *out, struct tt_err *err)
{
    char h[4][64];
    int rc;

    training_lines_clear(out);

    training_pad(h[0], sizeof h[0], _("Seq"), 4);
    training_pad(h[1], sizeof h[1], _("Business step"), 14);
    training_pad(h[2], sizeof h[2], _("Item"), 30);
    training_pad(h[3], sizeof h[3], _("Lot and quantity"), 24);
    training_lines_add(out, "%s %s %s %s", h[0], h[1], h[2], h[3]);
    rc = db_events_after(training_sandbox_db(sb), 0, 0, event_line, out, err);
    return rc < 0 ? rc : 0;
}
