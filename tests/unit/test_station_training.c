/*
 * test_station_training.c — training mode without a terminal: lesson files
 * (good and broken), every exercise checker with right and wrong answers,
 * the explainer on valid and invalid data of each kind, trainee scores and
 * their export, the sandbox's refusals and reset, and a class session
 * driven by keys through the training app. Words are checked in English
 * (i18n_init(TT_LANG_EN), no catalogue needed); Vietnamese AI titles come
 * from the gs1 table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../common/i18n.h"
#include "../../db/db.h"
#include "../../db/training.h"
#include "../../station/training-app.h"
#include "../../station/training.h"

#define OK(x) assert_int_equal((x), 0)

/* ---- helpers ------------------------------------------------------------------------- */

static int
lines_have(const struct training_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->line[i], needle) != NULL)
            return 1;
    return 0;
}

static void
expect_line(const struct training_lines *l, const char *needle)
{
    if (!lines_have(l, needle)) {
        for (size_t i = 0; i < l->n; i++)
            print_message("  | %s\n", l->line[i]);
        fail_msg("no line with '%s'", needle);
    }
}

static void
tmpdir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/tt-training-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void
rmtree(const char *dir)
{
    char cmd[300];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static struct training_exercise
ex_of(enum training_kind kind, const char *data, const char *ask)
{
    struct training_exercise e;

    memset(&e, 0, sizeof e);
    snprintf(e.id, sizeof e.id, "t");
    e.kind = kind;
    snprintf(e.data, sizeof e.data, "%s", data);
    snprintf(e.ask, sizeof e.ask, "%s", ask != NULL ? ask : "");
    snprintf(e.hint[1], sizeof e.hint[1], "HINT");
    return e;
}

/* 1 right, 0 wrong; fails the test when the exercise cannot be checked. */
static int
check(const struct training_exercise *e, struct training_sandbox *sb, const char *answer,
      struct training_verdict *v)
{
    struct tt_err err = {0};

    if (training_check(e, sb, answer, v, &err) != 0)
        fail_msg("check failed: %s", err.msg);
    return v->correct;
}

static int
right(enum training_kind kind, const char *data, const char *ask, const char *answer)
{
    struct training_exercise e = ex_of(kind, data, ask);
    struct training_verdict v;

    return check(&e, NULL, answer, &v);
}

static int
setup(void **state)
{
    (void)state;
    i18n_init(TT_LANG_EN);
    return 0;
}

/* ---- lesson files ------------------------------------------------------------------- */

static const char good_lesson[] = "# a comment\n"
                                  "lesson: demo\n"
                                  "title.vi: Bài thử\n"
                                  "text.vi: Dòng một.\n"
                                  "text.vi: .\n"
                                  "text.vi: Dòng ba.\n"
                                  "text.en: Line one.\n"
                                  "\n"
                                  "exercise: e1\n"
                                  "kind: check-digit\n"
                                  "data: 952893000002\n"
                                  "question.vi: Số kiểm tra?\n"
                                  "hint.en: Use weights 3 and 1.\n"
                                  "exercise: e2\n"
                                  "kind: read\n"
                                  "data: (01)09528930000026(17)261205(10)NEM-1125\n"
                                  "ask: 17\n"
                                  "question.en: Expiry?\n";

static void
lesson_parses(void **state)
{
    struct training_lesson l;
    struct tt_err err = {0};

    (void)state;
    OK(training_lesson_parse("demo.lesson", good_lesson, strlen(good_lesson), &l, &err));
    assert_string_equal(l.id, "demo");
    assert_string_equal(l.text[0], "Dòng một.\n\nDòng ba.");
    assert_int_equal(l.n_ex, 2);
    assert_int_equal(l.ex[0].kind, TRAINING_CHECK_DIGIT);
    assert_int_equal(l.ex[0].line, 9);
    assert_string_equal(l.ex[1].ask, "17");
    /* English is chosen: the title falls back to Vietnamese, the text is English. */
    assert_string_equal(training_lesson_title(&l), "Bài thử");
    assert_string_equal(training_lesson_text(&l), "Line one.");
    assert_string_equal(training_pick(l.ex[0].question[0], l.ex[0].question[1]), "Số kiểm tra?");
}

static void
lesson_errors_name_file_and_line(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"title.vi: x\n", "bad.lesson:1: the file must start with 'lesson: ID'"},
        {"lesson: a\ntitle.en: A\nfoo: bar\n", "bad.lesson:3: unknown key before the first"},
        {"lesson: a\ntitle.en: A\nexercise: e\nkind: guess\n", "bad.lesson:4: unknown kind"},
        {"lesson: a\ntitle.en: A\nexercise: e\nkind: read\ndata: (01)123\nquestion.en: q\n",
         "bad.lesson:3: data is not valid GS1 data"},
        {"lesson: a\ntitle.en: A\nexercise: e\nkind: check-digit\ndata: 12a\nquestion.en: q\n"
         "exercise: f\n",
         "bad.lesson:7: data must be 1-17 digits"},
        {"lesson: a\ntitle.en: A\nexercise: e\ndata: 1\nquestion.en: q\n",
         "bad.lesson:3: exercise has no kind"},
        {"lesson: a\ntitle.en: A\nexercise: e\nkind: bundle\ndata: broken\nquestion.en: q\n",
         "bad.lesson:3: data must be 'intact' or 'tampered'"},
        {"lesson: a\nno colon here\n", "bad.lesson:2: expected 'key: value'"},
        /* found by the fuzzer: the loader must refuse what the checker cannot read */
        {"lesson: a\ntitle.en: A\nexercise: e\nkind: encode-weight\ndata: 12>6\nquestion.en: q\n",
         "bad.lesson:3: data must be a weight in kg"},
        {"lesson: a\ntext.en: x\n", "bad.lesson:2: the lesson has no title"},
        {"lesson: a\ntitle.en: A\nexercise: e\nkind: read\ndata: (01)09528930000026\nask: 10\n"
         "question.en: q\n",
         "bad.lesson:3: 'ask' names no AI of the data"},
    };
    struct training_lesson l;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tt_err err = {0};

        assert_int_equal(
            training_lesson_parse("bad.lesson", cases[i].text, strlen(cases[i].text), &l, &err),
            TT_EPARSE);
        if (strstr(err.msg, cases[i].want) == NULL)
            fail_msg("case %zu: got '%s', want '%s'", i, err.msg, cases[i].want);
    }
}

static void
lessons_load_from_files(void **state)
{
    struct training_lessons *ls;
    struct tt_err err = {0};
    char dir[64], path[128];
    FILE *f;

    (void)state;
    OK(training_lessons_load("data/training", &ls, &err));
    assert_true(training_lessons_count(ls) >= 7);
    assert_non_null(training_lesson_find(ls, "check-digit"));
    assert_non_null(training_lesson_find(ls, "trace"));
    assert_non_null(training_lesson_find(ls, "bundle"));
    assert_string_equal(training_lesson_at(ls, 0)->id, "check-digit"); /* file-name order */
    training_lessons_free(ls);

    tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/01-ok.lesson", dir);
    f = fopen(path, "w");
    fputs(good_lesson, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/02-broken.lesson", dir);
    f = fopen(path, "w");
    fputs("lesson: x\ntitle.vi: X\nexercise: a\nkind: check-digit\ndata: 12\nquestion.vi: ?\n"
          "kind: nonsense\n",
          f);
    fclose(f);
    assert_int_equal(training_lessons_load(dir, &ls, &err), TT_EPARSE);
    assert_null(ls);
    assert_non_null(strstr(err.msg, "02-broken.lesson:7: unknown kind"));
    rmtree(dir);
    assert_int_equal(training_lessons_load("/nonexistent-dir", &ls, &err), TT_ENOTFOUND);
}

/* ---- checkers without the sandbox ----------------------------------------------------- */

static void
checker_check_digit(void **state)
{
    struct training_exercise e = ex_of(TRAINING_CHECK_DIGIT, "952893000002", NULL);
    struct training_verdict v;

    (void)state;
    assert_true(check(&e, NULL, " 6 ", &v));
    expect_line(&v.feedback, "Sum = 74. Next multiple of ten = 80. Check digit = 80 − 74 = 6.");
    assert_false(check(&e, NULL, "7", &v));
    expect_line(&v.feedback, "HINT");
    assert_false(lines_have(&v.feedback, "Sum ="));
    assert_false(check(&e, NULL, "six", &v));
    expect_line(&v.feedback, "Answer with one digit");
    assert_true(right(TRAINING_CHECK_DIGIT, "09528930000000000", NULL, "2"));
    assert_false(right(TRAINING_CHECK_DIGIT, "09528930000000000", NULL, "0"));
}

static void
checker_read(void **state)
{
    const char *label = "(01)99528930000012(3103)001430(17)261205(10)BUOI-2611A";

    (void)state;
    assert_true(right(TRAINING_READ, label, "17", "2026-12-05"));
    assert_true(right(TRAINING_READ, label, "17", "05/12/2026"));
    assert_true(right(TRAINING_READ, label, "17", "05-12-2026"));
    assert_true(right(TRAINING_READ, label, "17", "261205"));
    assert_false(right(TRAINING_READ, label, "17", "12/05/2026"));
    assert_false(right(TRAINING_READ, label, "17", "tomorrow"));
    assert_true(right(TRAINING_READ, label, "3103", "1,43"));
    assert_true(right(TRAINING_READ, label, "3103", "1.430 kg"));
    assert_false(right(TRAINING_READ, label, "3103", "1430"));
    assert_false(right(TRAINING_READ, label, "3103", "1,34"));
    assert_true(right(TRAINING_READ, label, "10", "BUOI-2611A"));
    assert_false(right(TRAINING_READ, label, "10", "BUOI-2611B"));
    assert_true(right(TRAINING_READ, label, "01", "99528930000012"));
    assert_false(right(TRAINING_READ, label, "01", "99528930000013"));
}

static void
checker_identify(void **state)
{
    (void)state;
    assert_true(right(TRAINING_IDENTIFY, "(00)095289300000000002", NULL, "SSCC"));
    assert_true(right(TRAINING_IDENTIFY, "(00)095289300000000002", NULL, "4"));
    assert_false(right(TRAINING_IDENTIFY, "(00)095289300000000002", NULL, "gtin"));
    assert_true(right(TRAINING_IDENTIFY, "(10)BUOI-2611A", NULL, "lô"));
    assert_true(right(TRAINING_IDENTIFY, "(10)BUOI-2611A", NULL, "LÔ"));
    assert_false(right(TRAINING_IDENTIFY, "(10)BUOI-2611A", NULL, "serial"));
    assert_true(right(TRAINING_IDENTIFY, "(21)4", NULL, "sê-ri"));
    assert_false(right(TRAINING_IDENTIFY, "(21)4", NULL, "lot"));
    assert_true(right(TRAINING_IDENTIFY, "(01)09528930000033", NULL, "gtin"));
    assert_false(right(TRAINING_IDENTIFY, "(01)09528930000033", NULL, "what?"));
}

static void
checker_valid(void **state)
{
    struct training_exercise e = ex_of(TRAINING_VALID, "9528930000027", NULL);
    struct training_verdict v;

    (void)state;
    assert_true(check(&e, NULL, "không", &v));
    expect_line(&v.feedback, "should be 6");
    assert_false(check(&e, NULL, "có", &v));
    assert_false(check(&e, NULL, "maybe", &v));
    expect_line(&v.feedback, "Answer yes or no");
    assert_true(right(TRAINING_VALID, "9528930000026", NULL, "yes"));
    assert_false(right(TRAINING_VALID, "9528930000026", NULL, "no"));
    assert_true(right(TRAINING_VALID, "(01)99528930000012(3103)01250", NULL, "KHÔNG"));
}

static void
checker_encode_weight(void **state)
{
    (void)state;
    assert_true(right(TRAINING_ENCODE_WEIGHT, "1.25", NULL, "001250"));
    assert_true(right(TRAINING_ENCODE_WEIGHT, "1.25", NULL, "(3103)001250"));
    assert_true(right(TRAINING_ENCODE_WEIGHT, "1.25", NULL, "3103001250"));
    assert_false(right(TRAINING_ENCODE_WEIGHT, "1.25", NULL, "1250"));
    assert_false(right(TRAINING_ENCODE_WEIGHT, "1.25", NULL, "000125"));
    assert_true(right(TRAINING_ENCODE_WEIGHT, "12.6", NULL, "012600"));
    assert_false(right(TRAINING_ENCODE_WEIGHT, "12.6", NULL, "126000"));
}

static void
checker_make_label(void **state)
{
    struct training_exercise e =
        ex_of(TRAINING_MAKE_LABEL, "(01)09528930000033(10)GAO-2611(17)271120", NULL);
    struct training_verdict v;

    (void)state;
    assert_true(check(&e, NULL, "(01)09528930000033(17)271120(10)GAO-2611", &v));
    assert_true(check(&e, NULL,
                      "]C10109528930000033172711201"
                      "0GAO-2611",
                      &v));
    assert_false(check(&e, NULL, "(01)09528930000033(10)GAO-2611", &v));
    expect_line(&v.feedback, "Missing or different: AI (17)");
    assert_false(check(&e, NULL, "(01)09528930000034(10)GAO-2611(17)271120", &v));
    expect_line(&v.feedback, "check digit");
    assert_false(check(&e, NULL, "(01)09528930000033(10)GAO-2612(17)271120", &v));
    expect_line(&v.feedback, "AI (10)");
}

/* ---- the explainer --------------------------------------------------------------------- */

static void
explainer_valid_inputs(void **state)
{
    struct training_lines l;

    (void)state;
    assert_int_equal(training_explain("(01)09528930000026(17)261205(10)NEM-1125", 40, &l), 1);
    expect_line(&l, "Form: an element string");
    expect_line(&l, "VALID: 3 element(s).");
    expect_line(&l, "(17) Expiration date (use by): 2026-12-05");
    expect_line(&l, "The last digit is 6: correct.");
    expect_line(&l, "Digital Link: https://id.gs1.org/01/09528930000026/10/NEM-1125");

    assert_int_equal(training_explain("]C10199528930000012310300125010BUOI\x1d"
                                      "211",
                                      39, &l),
                     1);
    expect_line(&l, "scanned data from a GS1-128 barcode (]C1)");
    expect_line(&l, "1.250 kg");
    expect_line(&l, "Indicator 9: a variable-measure item");
    expect_line(&l, "(21) ");

    assert_int_equal(
        training_explain("https://id.gs1.org/01/09528930000033/10/GAO?17=271120", 53, &l), 1);
    expect_line(&l, "Form: a GS1 Digital Link address");
    expect_line(&l, "2027-11-20");

    assert_int_equal(training_explain("8936045678916\n", 14, &l), 1);
    expect_line(&l, "Form: a plain GTIN-13 (EAN-13) number.");
    expect_line(&l, "(prefix 893: GS1");

    assert_int_equal(training_explain("095289300000000002", 18, &l), 1);
    expect_line(&l, "Form: a plain SSCC number.");

    assert_int_equal(training_explain("(01)09528930000026(422)704", 26, &l), 1);
    expect_line(&l, "Viet Nam");
}

static void
explainer_invalid_inputs(void **state)
{
    struct training_lines l;

    (void)state;
    assert_int_equal(training_explain("(01)09528930000058(10)X", 23, &l), 0);
    expect_line(&l, "NOT VALID: The check digit is wrong");
    expect_line(&l, "Where: AI (01)");
    expect_line(&l, "The last digit is 8 but should be 7");
    expect_line(&l, "                   ^"); /* under position 17 */

    assert_int_equal(training_explain("(01)09528930000057(17)261331", 28, &l), 0);
    expect_line(&l, "NOT VALID: The date does not exist");
    expect_line(&l, "Where: AI (17)");

    assert_int_equal(training_explain("(01)09528930000057(3103)01250", 29, &l), 0);
    expect_line(&l, "too short");

    assert_int_equal(training_explain("(99x)ABC", 8, &l), 0);
    expect_line(&l, "NOT VALID:");

    assert_int_equal(training_explain("]C10109528930000058", 19, &l), 0);
    expect_line(&l, "scanned data from a GS1-128 barcode");
    expect_line(&l, "should be 7");

    assert_int_equal(training_explain("https://id.gs1.org/10/ABC", 25, &l), 0);
    expect_line(&l, "Form: a GS1 Digital Link address");
    expect_line(&l, "NOT VALID:");

    assert_int_equal(training_explain("9528930000027", 13, &l), 0);
    expect_line(&l, "Form: a plain GTIN-13 (EAN-13) number.");
    expect_line(&l, "The last digit is 7 but should be 6");

    {
        /* Scanned bytes are not NUL-terminated (found by the fuzzer). */
        char *raw = malloc(13);

        memcpy(raw, "9528930000026", 13);
        assert_int_equal(training_explain(raw, 13, &l), 1);
        free(raw);
    }
    assert_int_equal(training_explain("", 0, &l), 0);
    expect_line(&l, "NOT VALID: There is no data.");
}

static void
check_digit_steps_shown(void **state)
{
    struct training_lines l = {0};

    (void)state;
    assert_int_equal(training_check_digit_steps("893604567891", 12, &l), 6);
    expect_line(&l, "  Digits        8  9  3  6  0  4  5  6  7  8  9  1");
    expect_line(&l, "  Weights       1  3  1  3  1  3  1  3  1  3  1  3");
    expect_line(&l, "  Products      8 27  3 18  0 12  5 18  7 24  9  3");
    expect_line(&l, "Sum = 134. Next multiple of ten = 140. Check digit = 140 − 134 = 6.");
    assert_int_equal(training_check_digit_steps("12x", 3, &l), -1);
    assert_int_equal(training_check_digit_steps("123456789012345678", 18, &l), -1);
}

/* ---- the sandbox: traces, bundles, scores, refusals ----------------------------------- */

struct sb {
    char dir[64];
    char box[128];
    struct training_sandbox *sb;
};

static void
sb_open(struct sb *s)
{
    struct tt_err err = {0};

    tmpdir(s->dir, sizeof s->dir);
    snprintf(s->box, sizeof s->box, "%s/training", s->dir);
    if (training_sandbox_open(s->box, "/nonexistent/station.db", "data/demo", &s->sb, &err) != 0)
        fail_msg("sandbox: %s", err.msg);
}

static void
sb_close(struct sb *s)
{
    training_sandbox_close(s->sb);
    rmtree(s->dir);
}

static void
checker_trace(void **state)
{
    struct training_exercise back = ex_of(TRAINING_TRACE_BACK, "4", NULL);
    struct training_exercise fwd = ex_of(TRAINING_TRACE_FORWARD, TRAINING_SEED_LOT_A, NULL);
    struct training_verdict v;
    struct tt_err err = {0};
    struct sb s;

    (void)state;
    sb_open(&s);
    assert_true(check(&back, s.sb, TRAINING_SEED_LOT_B, &v));
    expect_line(&v.feedback, "made item 4 of lot BUOI-2611B");
    assert_true(check(&back, s.sb, "buoi-2611b", &v));
    assert_false(check(&back, s.sb, TRAINING_SEED_LOT_A, &v));
    assert_true(check(&fwd, s.sb, "3", &v));
    assert_false(check(&fwd, s.sb, "5", &v));
    back = ex_of(TRAINING_TRACE_BACK, "99", NULL);
    assert_false(check(&back, s.sb, TRAINING_SEED_LOT_A, &v)); /* no such serial */
    assert_int_equal(training_check(&fwd, NULL, "3", &v, &err), TT_EUSAGE);
    OK(training_events_lines(s.sb, &v.feedback, &err));
    expect_line(&v.feedback, "(01)99528930000012 (21)4");
    sb_close(&s);
}

static void
checker_bundle(void **state)
{
    struct training_exercise intact = ex_of(TRAINING_BUNDLE, "intact", NULL);
    struct training_exercise tampered = ex_of(TRAINING_BUNDLE, "tampered", NULL);
    struct training_bundle_demo demo;
    struct training_verdict v;
    struct tt_err err = {0};
    struct sb s;

    (void)state;
    sb_open(&s);
    OK(training_bundle_demo(s.sb, &demo, &err));
    assert_int_equal(demo.intact_rc, 0);
    assert_int_equal(demo.tampered_rc, TT_ESIG);
    assert_non_null(strstr(demo.payload, "/training/spool/b-00000001.ndjson.gz"));
    assert_true(check(&intact, s.sb, "có", &v));
    assert_false(check(&intact, s.sb, "không", &v));
    assert_true(check(&tampered, s.sb, "no", &v));
    expect_line(&v.feedback, "does NOT verify");
    expect_line(&v.feedback, "signature does not match");
    assert_false(check(&tampered, s.sb, "yes", &v));
    sb_close(&s);
}

struct rows {
    int n;
    struct db_training_result last;
    char name[96];
};

static int
collect(void *ctx, const struct db_training_result *r)
{
    struct rows *rows = ctx;

    rows->n++;
    rows->last = *r;
    snprintf(rows->name, sizeof rows->name, "%s", r->name);
    rows->last.name = rows->last.class_name = rows->last.lesson = rows->last.exercise = NULL;
    return 0;
}

static void
scores_and_export(void **state)
{
    struct db *db;
    struct tt_err err = {0};
    struct rows rows = {0};
    struct training_lessons *ls;
    int64_t a, b, c;
    char path[160], buf[2048];
    FILE *f;
    size_t n;
    struct sb s;

    (void)state;
    sb_open(&s);
    db = training_sandbox_db(s.sb);
    OK(db_training_signin(db, " Nguyễn An ", "K45", &a, &err));
    OK(db_training_signin(db, "Nguyễn An", "K45 ", &b, &err));
    OK(db_training_signin(db, "Nguyễn An", "K46", &c, &err));
    assert_int_equal(a, b);
    assert_true(a != c);
    assert_int_equal(db_training_signin(db, "", "K45", &a, &err), TT_EINVAL);
    OK(db_training_attempt(db, b, "check-digit", "cd-1", "7", 0, &err));
    OK(db_training_attempt(db, b, "check-digit", "cd-1", "6", 1, &err));
    assert_int_equal(db_training_attempt(db, 9999, "l", "e", "x", 1, &err), TT_ENOTFOUND);
    OK(db_training_results(db, "K45", collect, &rows, &err));
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.name, "Nguyễn An");
    assert_int_equal(rows.last.attempts, 2);
    assert_int_equal(rows.last.correct, 1);
    assert_int_equal(rows.last.first_try, 0);

    snprintf(path, sizeof path, "%s/r.csv", s.dir);
    OK(training_export_csv(db, NULL, path, &err));
    f = fopen(path, "r");
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "class,name,lesson,exercise,attempts,correct,first_try"));
    assert_non_null(strstr(buf, "K45,Nguyễn An,check-digit,cd-1,2,1,0,"));

    OK(training_lessons_load("data/training", &ls, &err));
    snprintf(path, sizeof path, "%s/r.pdf", s.dir);
    OK(training_export_pdf(db, ls, "K45", path, &err));
    f = fopen(path, "r");
    assert_int_equal(fread(buf, 1, 5, f), 5);
    fclose(f);
    assert_memory_equal(buf, "%PDF-", 5);
    training_lessons_free(ls);
    sb_close(&s);
}

static void
sandbox_stays_apart(void **state)
{
    struct training_sandbox *sb = NULL;
    struct tt_err err = {0};
    struct db *db;
    char dir[64], path[256], station[160];
    struct stat st;
    struct sb s;

    (void)state;
    tmpdir(dir, sizeof dir);
    snprintf(station, sizeof station, "%s/station.db", dir);
    /* The station's own folder is refused (its key and spool live there). */
    assert_int_equal(training_sandbox_open(dir, station, "data/demo", &sb, &err), TT_EUSAGE);
    assert_null(sb);
    /* A production database is never taken for a sandbox. */
    snprintf(path, sizeof path, "%s/box", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/box/training.db", dir);
    OK(db_open(path, DB_OPEN_CREATE, &db, &err));
    OK(db_setting_set(db, "station.mode", "production", &err));
    assert_int_equal(db_training_prepare(db, &err), TT_ESTATE);
    db_close(db);
    snprintf(path, sizeof path, "%s/box", dir);
    assert_int_equal(training_sandbox_open(path, station, "data/demo", &sb, &err), TT_ESTATE);
    rmtree(dir);

    /* Reset removes what the sandbox made and nothing else. */
    sb_open(&s);
    training_sandbox_close(s.sb);
    s.sb = NULL;
    snprintf(path, sizeof path, "%s/keep.txt", s.box);
    fclose(fopen(path, "w"));
    OK(training_sandbox_reset(s.box, "/nonexistent/station.db", &err));
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/training.db", s.box);
    assert_int_not_equal(stat(path, &st), 0);
    rmtree(s.dir);
}

/* ---- a class session through the app, keys only ----------------------------------------- */

static int
key(struct training_app *app, enum core_key k, uint32_t ch)
{
    struct core_event ev = {.kind = CORE_EV_KEY};

    ev.u.key.key = k;
    ev.u.key.ch = ch;
    return training_app_key(app, &ev);
}

static int
type(struct training_app *app, const char *s)
{
    int flags = 0;

    for (; *s != '\0'; s++)
        flags |= key(app, CORE_KEY_CHAR, (unsigned char)*s);
    return flags | key(app, CORE_KEY_ENTER, 0);
}

static void
app_class_session(void **state)
{
    struct training_lessons *ls;
    struct training_app *app;
    const struct training_view *v;
    struct tt_err err = {0};
    struct rows rows = {0};
    struct sb s;

    (void)state;
    sb_open(&s);
    OK(training_lessons_load("data/training", &ls, &err));
    OK(training_app_new(s.sb, ls, &app, &err));
    assert_int_equal(training_app_view(app)->screen, TRAINING_SCR_SIGNIN);
    type(app, "An");
    type(app, "K45");
    v = training_app_view(app);
    assert_int_equal(v->screen, TRAINING_SCR_MENU);
    assert_string_equal(v->who, "An — class K45");
    key(app, CORE_KEY_CHAR, '1');
    assert_int_equal(training_app_view(app)->screen, TRAINING_SCR_LESSON);
    key(app, CORE_KEY_ENTER, 0);
    assert_int_equal(training_app_view(app)->screen, TRAINING_SCR_EXERCISE);
    type(app, "7");
    v = training_app_view(app);
    assert_int_equal(v->message_error, 1);
    type(app, "6");
    v = training_app_view(app);
    assert_int_equal(v->message_error, 0);
    assert_true(lines_have(&v->body, "Sum = 134"));
    key(app, CORE_KEY_ENTER, 0); /* next exercise */
    assert_non_null(strstr(training_app_view(app)->title, "exercise 2 of"));
    OK(db_training_results(training_sandbox_db(s.sb), "K45", collect, &rows, &err));
    assert_int_equal(rows.n, 1);
    assert_int_equal(rows.last.attempts, 2);
    assert_int_equal(rows.last.correct, 1);

    key(app, CORE_KEY_ESC, 0);
    key(app, CORE_KEY_CHAR, 't');
    v = training_app_view(app);
    assert_int_equal(v->screen, TRAINING_SCR_TRAINER);
    assert_true(lines_have(&v->body, "cd-1"));
    assert_true(lines_have(&v->body, "right 2"));
    assert_int_equal(key(app, CORE_KEY_F8, 0) & TRAINING_FX_RESET, 0); /* armed only */
    assert_int_equal(training_app_view(app)->message_error, 1);
    key(app, CORE_KEY_DOWN, 0); /* any other key disarms */
    assert_int_equal(key(app, CORE_KEY_F8, 0) & TRAINING_FX_RESET, 0);
    assert_true(key(app, CORE_KEY_F8, 0) & TRAINING_FX_RESET);

    key(app, CORE_KEY_ESC, 0);
    assert_int_equal(key(app, CORE_KEY_CHAR, 'e') & TRAINING_REDRAW, TRAINING_REDRAW);
    assert_true(key(app, CORE_KEY_F2, 0) & TRAINING_FX_SCAN);
    training_app_scan(app, "9528930000026", 13);
    assert_true(lines_have(&training_app_view(app)->body, "plain GTIN-13"));

    key(app, CORE_KEY_ESC, 0);
    key(app, CORE_KEY_CHAR, 'w');
    assert_true(key(app, CORE_KEY_CHAR, '+') & TRAINING_FX_WEIGHT);
    assert_int_equal(training_app_sim_mg(app), 1260000);
    training_app_weight(app, 1260000, 1);
    assert_true(lines_have(&training_app_view(app)->body, "(3103)001260"));

    key(app, CORE_KEY_ESC, 0);
    assert_true(key(app, CORE_KEY_CHAR, 'q') & TRAINING_QUIT);
    training_app_free(app);
    training_lessons_free(ls);
    sb_close(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lesson_parses),
        cmocka_unit_test(lesson_errors_name_file_and_line),
        cmocka_unit_test(lessons_load_from_files),
        cmocka_unit_test(checker_check_digit),
        cmocka_unit_test(checker_read),
        cmocka_unit_test(checker_identify),
        cmocka_unit_test(checker_valid),
        cmocka_unit_test(checker_encode_weight),
        cmocka_unit_test(checker_make_label),
        cmocka_unit_test(explainer_valid_inputs),
        cmocka_unit_test(explainer_invalid_inputs),
        cmocka_unit_test(check_digit_steps_shown),
        cmocka_unit_test(checker_trace),
        cmocka_unit_test(checker_bundle),
        cmocka_unit_test(scores_and_export),
        cmocka_unit_test(sandbox_stays_apart),
        cmocka_unit_test(app_class_session),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
