/*
 * training-app.c — the training screens as a state machine over the
 * sandbox: which screen is shown, what is typed, what a key does. No
 * curses here (station/ui/training-ui.c draws the view), so unit tests
 * drive a whole class session with keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/db.h"
#include "../db/training.h"
#include "../gs1/gs1.h"
#include "intl.h"
#include "training-app.h"

#define BODY_COLS 78

/* Menu entries after the lessons. */
enum menu_extra {
    MENU_EXPLAIN,
    MENU_WEIGH,
    MENU_EVENTS,
    MENU_TRAINER,
    MENU_SIGNOUT,
    MENU_QUIT,
    MENU_N
};

struct training_app {
    struct training_sandbox *sb;
    const struct training_lessons *ls;
    struct training_view v;
    int64_t trainee;
    char name[DB_TRAINING_NAME_MAX], class_name[DB_TRAINING_NAME_MAX];
    int field; /* sign-in: 0 name, 1 class */
    size_t cursor;
    const struct training_lesson *lesson;
    size_t ex;
    int answered; /* the current exercise was answered right */
    struct training_verdict verdict;
    struct training_lines explain;
    int64_t sim_mg, weight_mg;
    int weight_stable;
    char devices[160];
    char print_data[512];
    int reset_armed; /* trainer pressed F8 once */
};

static void
set_msg(struct training_app *a, int error, const char *text)
{
    snprintf(a->v.message, sizeof a->v.message, "%s", text);
    a->v.message_error = error;
}

/* Appends the UTF-8 encoding of code point ch to the input field. */
static void
input_add(struct training_app *a, uint32_t ch)
{
    char *s = a->v.input;
    size_t n = strlen(s);

    if (n + 5 >= sizeof a->v.input)
        return;
    if (ch < 0x80) {
        s[n++] = (char)ch;
    } else if (ch < 0x800) {
        s[n++] = (char)(0xC0 | ch >> 6);
        s[n++] = (char)(0x80 | (ch & 0x3F));
    } else if (ch < 0x10000) {
        s[n++] = (char)(0xE0 | ch >> 12);
        s[n++] = (char)(0x80 | (ch >> 6 & 0x3F));
        s[n++] = (char)(0x80 | (ch & 0x3F));
    } else {
        s[n++] = (char)(0xF0 | ch >> 18);
        s[n++] = (char)(0x80 | (ch >> 12 & 0x3F));
        s[n++] = (char)(0x80 | (ch >> 6 & 0x3F));
        s[n++] = (char)(0x80 | (ch & 0x3F));
    }
    s[n] = '\0';
}

static void
input_back(struct training_app *a)
{
    size_t n = strlen(a->v.input);

    while (n > 0 && ((unsigned char)a->v.input[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    a->v.input[n] = '\0';
}

/* ---- building the view ----------------------------------------------------------- */

struct lesson_score {
    const char *lesson;
    int64_t trainee;
    int right;
};

static int
count_right(void *ctx, const struct db_training_result *r)
{
    struct lesson_score *s = ctx;

    if (r->trainee_id == s->trainee && strcmp(r->lesson, s->lesson) == 0)
        s->right += r->correct;
    return 0;
}

static void
view_menu(struct training_app *a)
{
    static const char *const extra[MENU_N] = {
        N_("E  Explainer: scan or type any barcode data"),
        N_("W  Weigh on the simulated scale (variable-weight labels)"),
        N_("V  View the events recorded in the sandbox (for tracing)"),
        N_("T  Trainer: the class results"),
        N_("X  Sign out (next trainee)"),
        N_("Q  Quit training mode"),
    };
    size_t n = training_lessons_count(a->ls);

    snprintf(a->v.title, sizeof a->v.title, "%s", _("Lessons"));
    for (size_t i = 0; i < n; i++) {
        const struct training_lesson *l = training_lesson_at(a->ls, i);
        struct lesson_score s = {.lesson = l->id, .trainee = a->trainee};

        db_training_results(training_sandbox_db(a->sb), a->class_name, count_right, &s, NULL);
        training_lines_add(&a->v.body, _("%s %zu. %s  (%d/%zu right)"), a->cursor == i ? ">" : " ",
                           i + 1, training_lesson_title(l), s.right, l->n_ex);
    }
    training_lines_add(&a->v.body, "%s", "");
    for (size_t i = 0; i < MENU_N; i++)
        training_lines_add(&a->v.body, "%s %s", a->cursor == n + i ? ">" : " ", _(extra[i]));
    snprintf(a->v.keys, sizeof a->v.keys, "%s",
             _("↑↓ choose · Enter open · 1-9 lesson · E explainer · T trainer · Q quit"));
}

static void
view_exercise(struct training_app *a)
{
    const struct training_exercise *e = &a->lesson->ex[a->ex];

    snprintf(a->v.title, sizeof a->v.title, _("%s — exercise %zu of %zu"),
             training_lesson_title(a->lesson), a->ex + 1, a->lesson->n_ex);
    training_lines_wrap(&a->v.body, training_pick(e->question[0], e->question[1]), BODY_COLS, 0);
    training_lines_add(&a->v.body, "%s", "");
    for (size_t i = 0; i < a->verdict.feedback.n; i++)
        training_lines_add(&a->v.body, "%s", a->verdict.feedback.line[i]);
    snprintf(a->v.prompt, sizeof a->v.prompt, "%s", _("Answer:"));
    snprintf(a->v.keys, sizeof a->v.keys, "%s",
             a->answered ? _("Enter next exercise · Esc lessons")
                         : _("Enter check · F5 skip · Esc lessons"));
}

static void
weigh_lines(struct training_app *a)
{
    struct training_lines x;
    char data[64];
    int64_t g = (a->weight_mg + 500) / 1000;

    training_lines_add(&a->v.body, _("Weight: %lld.%03lld kg  (%s)"), (long long)(g / 1000),
                       (long long)(g % 1000), a->weight_stable ? _("stable") : _("moving"));
    if (g <= 0 || g > 999999) {
        training_lines_add(&a->v.body, "%s", _("Put something on the scale."));
        return;
    }
    snprintf(data, sizeof data, "(01)%s(3103)%06lld", TRAINING_SEED_GTIN, (long long)g);
    training_lines_add(&a->v.body, _("Label data: %s"), data);
    training_lines_add(&a->v.body, "%s", "");
    training_explain(data, strlen(data), &x);
    for (size_t i = 0; i < x.n; i++)
        training_lines_add(&a->v.body, "%s", x.line[i]);
}

/* One table row: name, class, lesson, exercise, result (display-width columns). */
static void
trainer_line(struct training_lines *l, const char *name, const char *cls, const char *lesson,
             const char *ex, const char *result)
{
    char a[128], b[64], c[64], d[64];

    training_pad(a, sizeof a, name, 17);
    training_pad(b, sizeof b, cls, 7);
    training_pad(c, sizeof c, lesson, 15);
    training_pad(d, sizeof d, ex, 11);
    training_lines_add(l, "%s %s %s %s %s", a, b, c, d, result);
}

static int
trainer_row(void *ctx, const struct db_training_result *r)
{
    char result[64];

    snprintf(result, sizeof result, "%s %d", r->correct ? _("right") : _("wrong"), r->attempts);
    trainer_line(ctx, r->name, r->class_name, r->lesson, r->exercise, result);
    return 0;
}

static void
view_trainer(struct training_app *a)
{
    snprintf(a->v.title, sizeof a->v.title, "%s", _("Trainer: class results"));
    trainer_line(&a->v.body, _("Name"), _("Class"), _("Lesson"), _("Exercise"),
                 _("Result, answers"));
    db_training_results(training_sandbox_db(a->sb), NULL, trainer_row, &a->v.body, NULL);
    if (a->v.body.n == 1)
        training_lines_add(&a->v.body, "%s", _("No results yet."));
    snprintf(a->v.keys, sizeof a->v.keys, "%s", _("F6 export CSV and PDF · ↑↓ scroll · Esc back"));
}

static void
view_build(struct training_app *a)
{
    struct training_view *v = &a->v;

    training_lines_clear(&v->body);
    v->prompt[0] = '\0';
    snprintf(v->devices, sizeof v->devices, "%s", a->devices);
    if (a->trainee != 0)
        snprintf(v->who, sizeof v->who, _("%s — class %s"), a->name, a->class_name);
    else
        v->who[0] = '\0';
    switch (v->screen) {
    case TRAINING_SCR_SIGNIN:
        snprintf(v->title, sizeof v->title, "%s", _("Training mode: sign in"));
        training_lines_wrap(&v->body,
                            _("Welcome! Type your name, press Enter, then your class and "
                              "Enter. Your answers are scored in the training sandbox only."),
                            BODY_COLS, 0);
        training_lines_add(&v->body, "%s", "");
        training_lines_add(&v->body, _("Name:  %s"), a->field == 0 ? "" : a->name);
        snprintf(v->prompt, sizeof v->prompt, "%s",
                 a->field == 0 ? _("Your name:") : _("Your class:"));
        snprintf(v->keys, sizeof v->keys, "%s", _("Enter next · T trainer · F10 quit"));
        break;
    case TRAINING_SCR_MENU:
        view_menu(a);
        break;
    case TRAINING_SCR_LESSON:
        snprintf(v->title, sizeof v->title, "%s", training_lesson_title(a->lesson));
        training_lines_wrap(&v->body, training_lesson_text(a->lesson), BODY_COLS, 0);
        snprintf(v->keys, sizeof v->keys, "%s",
                 _("Enter start the exercises · ↑↓ scroll · Esc lessons"));
        break;
    case TRAINING_SCR_EXERCISE:
        view_exercise(a);
        break;
    case TRAINING_SCR_EXPLAIN:
        snprintf(v->title, sizeof v->title, "%s", _("Explainer"));
        for (size_t i = 0; i < a->explain.n; i++)
            training_lines_add(&v->body, "%s", a->explain.line[i]);
        snprintf(v->prompt, sizeof v->prompt, "%s", _("GS1 data:"));
        snprintf(v->keys, sizeof v->keys, "%s",
                 _("Enter explain · F2 scan a sample · ↑↓ scroll · Esc lessons"));
        break;
    case TRAINING_SCR_WEIGH:
        snprintf(v->title, sizeof v->title, "%s", _("Weighing: a variable-weight label"));
        weigh_lines(a);
        snprintf(v->keys, sizeof v->keys, "%s",
                 _("+/- 10 g · ↑↓ 100 g · 0 empty the scale · Esc lessons"));
        break;
    case TRAINING_SCR_TRAINER:
        view_trainer(a);
        break;
    case TRAINING_SCR_EVENTS:
        snprintf(v->title, sizeof v->title, "%s", _("Events recorded in the sandbox"));
        training_events_lines(a->sb, &v->body, NULL);
        snprintf(v->keys, sizeof v->keys, "%s", _("↑↓ scroll · Esc lessons"));
        break;
    }
    if (v->scroll >= v->body.n)
        v->scroll = v->body.n > 0 ? v->body.n - 1 : 0;
}

/* ---- actions ----------------------------------------------------------------------- */

static void
go(struct training_app *a, enum training_screen s)
{
    a->v.screen = s;
    a->v.scroll = 0;
    a->v.input[0] = '\0';
}

static void
open_exercise(struct training_app *a, size_t i)
{
    a->ex = i;
    a->answered = 0;
    memset(&a->verdict, 0, sizeof a->verdict);
    go(a, TRAINING_SCR_EXERCISE);
}

static void
next_exercise(struct training_app *a)
{
    if (a->ex + 1 < a->lesson->n_ex) {
        open_exercise(a, a->ex + 1);
        return;
    }
    go(a, TRAINING_SCR_MENU);
    set_msg(a, 0, _("Lesson finished. Choose the next one."));
}

static int
answer(struct training_app *a)
{
    const struct training_exercise *e = &a->lesson->ex[a->ex];
    struct tt_err err;

    int flags = TRAINING_REDRAW;

    if (a->v.input[0] == '\0') {
        if (a->answered)
            next_exercise(a);
        return flags;
    }
    if (training_check(e, a->sb, a->v.input, &a->verdict, &err) != 0) {
        set_msg(a, 1, _("This exercise cannot be checked; ask the trainer (details in the log)."));
        fprintf(stderr, "tramtem training: %s\n", err.msg);
        return flags;
    }
    if (a->verdict.correct && e->kind == TRAINING_MAKE_LABEL) {
        snprintf(a->print_data, sizeof a->print_data, "%s", a->v.input);
        flags |= TRAINING_FX_PRINT;
    }
    if (db_training_attempt(training_sandbox_db(a->sb), a->trainee, a->lesson->id, e->id,
                            a->v.input, a->verdict.correct, &err) != 0) {
        set_msg(a, 1, _("The score could not be saved."));
        fprintf(stderr, "tramtem training: %s\n", err.msg);
    } else {
        set_msg(a, !a->verdict.correct,
                a->verdict.correct ? _("Right! Press Enter for the next exercise.")
                                   : _("Not right yet: read the hint and try again."));
    }
    a->answered |= a->verdict.correct;
    a->v.input[0] = '\0';
    return flags;
}

static int
signin_enter(struct training_app *a)
{
    struct tt_err err;

    if (a->field == 0) {
        if (a->v.input[0] == '\0' || strlen(a->v.input) >= sizeof a->name)
            return TRAINING_REDRAW;
        memcpy(a->name, a->v.input, strlen(a->v.input) + 1);
        a->field = 1;
        a->v.input[0] = '\0';
        return TRAINING_REDRAW;
    }
    if (strlen(a->v.input) < sizeof a->class_name)
        memcpy(a->class_name, a->v.input, strlen(a->v.input) + 1);
    if (strlen(a->v.input) >= sizeof a->class_name ||
        db_training_signin(training_sandbox_db(a->sb), a->name, a->class_name, &a->trainee, &err) !=
            0) {
        set_msg(a, 1, _("Type a name and a class (at most 95 characters each)."));
        a->field = 0;
        a->v.input[0] = '\0';
        return TRAINING_REDRAW;
    }
    a->cursor = 0;
    go(a, TRAINING_SCR_MENU);
    set_msg(a, 0, _("Signed in. Choose a lesson."));
    return TRAINING_REDRAW;
}

static void
export_results(struct training_app *a)
{
    char csv[4400], pdf[4400], msg[256];
    struct tt_err err;
    struct db *db = training_sandbox_db(a->sb);

    snprintf(csv, sizeof csv, "%s/results.csv", training_sandbox_dir(a->sb));
    snprintf(pdf, sizeof pdf, "%s/results.pdf", training_sandbox_dir(a->sb));
    if (training_export_csv(db, NULL, csv, &err) != 0 ||
        training_export_pdf(db, a->ls, NULL, pdf, &err) != 0) {
        set_msg(a, 1, _("The results could not be written."));
        return;
    }
    snprintf(msg, sizeof msg, _("Written: %s and results.pdf"), csv);
    set_msg(a, 0, msg);
}

static int
menu_open(struct training_app *a, size_t i)
{
    size_t n = training_lessons_count(a->ls);

    a->cursor = i;
    if (i < n) {
        a->lesson = training_lesson_at(a->ls, i);
        go(a, TRAINING_SCR_LESSON);
        return TRAINING_REDRAW;
    }
    switch ((enum menu_extra)(i - n)) {
    case MENU_EXPLAIN:
        go(a, TRAINING_SCR_EXPLAIN);
        break;
    case MENU_WEIGH:
        go(a, TRAINING_SCR_WEIGH);
        break;
    case MENU_EVENTS:
        go(a, TRAINING_SCR_EVENTS);
        break;
    case MENU_TRAINER:
        go(a, TRAINING_SCR_TRAINER);
        break;
    case MENU_SIGNOUT:
        a->trainee = 0;
        a->field = 0;
        go(a, TRAINING_SCR_SIGNIN);
        break;
    default:
        return TRAINING_QUIT;
    }
    return TRAINING_REDRAW;
}

static int
menu_key(struct training_app *a, enum core_key k, uint32_t ch)
{
    size_t n = training_lessons_count(a->ls), total = n + MENU_N;
    static const char letters[MENU_N] = {'e', 'w', 'v', 't', 'x', 'q'};

    if (k == CORE_KEY_UP && a->cursor > 0)
        a->cursor--;
    else if (k == CORE_KEY_DOWN && a->cursor + 1 < total)
        a->cursor++;
    else if (k == CORE_KEY_ENTER)
        return menu_open(a, a->cursor);
    else if (k == CORE_KEY_F10)
        return TRAINING_QUIT;
    else if (k == CORE_KEY_CHAR && ch >= '1' && ch <= '9' && ch - '1' < n)
        return menu_open(a, ch - '1');
    else if (k == CORE_KEY_CHAR)
        for (size_t i = 0; i < MENU_N; i++)
            if ((ch | 0x20) == (uint32_t)letters[i])
                return menu_open(a, n + i);
    return TRAINING_REDRAW;
}

/* Keys that edit the input field; returns 1 when the key was one of them. */
static int
edit_key(struct training_app *a, enum core_key k, uint32_t ch)
{
    if (k == CORE_KEY_CHAR) {
        input_add(a, ch);
        return 1;
    }
    if (k == CORE_KEY_BACKSPACE) {
        input_back(a);
        return 1;
    }
    return 0;
}

static int
scroll_key(struct training_app *a, enum core_key k)
{
    if (k == CORE_KEY_UP && a->v.scroll > 0)
        a->v.scroll--;
    else if (k == CORE_KEY_DOWN && a->v.scroll + 1 < a->v.body.n)
        a->v.scroll++;
    else
        return 0;
    return 1;
}

static int
weigh_key(struct training_app *a, enum core_key k, uint32_t ch)
{
    int64_t step = k == CORE_KEY_UP ? 100000 : k == CORE_KEY_DOWN ? -100000 : 0;

    if (k == CORE_KEY_CHAR && (ch == '+' || ch == '='))
        step = 10000;
    else if (k == CORE_KEY_CHAR && ch == '-')
        step = -10000;
    if (k == CORE_KEY_CHAR && ch == '0')
        a->sim_mg = 0;
    else if (step == 0)
        return TRAINING_REDRAW;
    a->sim_mg += step;
    if (a->sim_mg < 0)
        a->sim_mg = 0;
    if (a->sim_mg > 30000000)
        a->sim_mg = 30000000;
    return TRAINING_REDRAW | TRAINING_FX_WEIGHT;
}

/* F6 exports; F8 twice in a row wipes the sandbox for the next class. */
static int
trainer_key(struct training_app *a, enum core_key k)
{
    int armed = a->reset_armed;

    a->reset_armed = 0;
    if (k == CORE_KEY_F6) {
        export_results(a);
    } else if (k == CORE_KEY_F8 && armed) {
        return TRAINING_REDRAW | TRAINING_FX_RESET;
    } else if (k == CORE_KEY_F8) {
        a->reset_armed = 1;
        set_msg(a, 1,
                _("Press F8 again to wipe every score and label of this sandbox (export first "
                  "with F6); any other key cancels."));
    } else {
        scroll_key(a, k);
    }
    return TRAINING_REDRAW;
}

static int
screen_key(struct training_app *a, enum core_key k, uint32_t ch)
{
    switch (a->v.screen) {
    case TRAINING_SCR_SIGNIN:
        if (k == CORE_KEY_F10)
            return TRAINING_QUIT;
        if (k == CORE_KEY_F9 || (k == CORE_KEY_CHAR && a->v.input[0] == '\0' && ch == 'T'))
            go(a, TRAINING_SCR_TRAINER);
        else if (k == CORE_KEY_ENTER || k == CORE_KEY_TAB)
            return signin_enter(a);
        else
            edit_key(a, k, ch);
        return TRAINING_REDRAW;
    case TRAINING_SCR_MENU:
        return menu_key(a, k, ch);
    case TRAINING_SCR_LESSON:
        if (k == CORE_KEY_ENTER && a->lesson->n_ex > 0)
            open_exercise(a, 0);
        else
            scroll_key(a, k);
        return TRAINING_REDRAW;
    case TRAINING_SCR_EXERCISE:
        if (k == CORE_KEY_ENTER)
            return answer(a);
        if (k == CORE_KEY_F5)
            next_exercise(a);
        else if (!edit_key(a, k, ch))
            scroll_key(a, k);
        return TRAINING_REDRAW;
    case TRAINING_SCR_EXPLAIN:
        if (k == CORE_KEY_F2)
            return TRAINING_REDRAW | TRAINING_FX_SCAN;
        if (k == CORE_KEY_ENTER && a->v.input[0] != '\0')
            training_explain(a->v.input, strlen(a->v.input), &a->explain), a->v.scroll = 0;
        else if (!edit_key(a, k, ch))
            scroll_key(a, k);
        return TRAINING_REDRAW;
    case TRAINING_SCR_WEIGH:
        return weigh_key(a, k, ch);
    case TRAINING_SCR_EVENTS:
        scroll_key(a, k);
        return TRAINING_REDRAW;
    case TRAINING_SCR_TRAINER:
        return trainer_key(a, k);
    }
    return 0;
}

int
training_app_key(struct training_app *app, const struct core_event *ev)
{
    enum core_key k = ev->u.key.key;

    if (ev->kind != CORE_EV_KEY)
        return 0;
    if (k == CORE_KEY_ESC && app->v.screen != TRAINING_SCR_SIGNIN &&
        app->v.screen != TRAINING_SCR_MENU) {
        go(app, app->trainee != 0 ? TRAINING_SCR_MENU : TRAINING_SCR_SIGNIN);
        app->v.message[0] = '\0';
        return TRAINING_REDRAW;
    }
    if (k != CORE_KEY_NONE && k != CORE_KEY_UP && k != CORE_KEY_DOWN)
        app->v.message[0] = app->v.screen == TRAINING_SCR_EXERCISE ? app->v.message[0] : '\0';
    return screen_key(app, k, ev->u.key.ch);
}

int
training_app_scan(struct training_app *app, const char *data, size_t len)
{
    if (app->v.screen == TRAINING_SCR_EXERCISE) {
        snprintf(app->v.input, sizeof app->v.input, "%.*s", (int)len, data);
        return answer(app);
    }
    if (app->trainee != 0 || app->v.screen == TRAINING_SCR_EXPLAIN)
        go(app, TRAINING_SCR_EXPLAIN);
    else
        return 0;
    training_explain(data, len, &app->explain);
    return TRAINING_REDRAW;
}

int
training_app_weight(struct training_app *app, int64_t mg, int stable)
{
    app->weight_mg = mg;
    app->weight_stable = stable;
    return app->v.screen == TRAINING_SCR_WEIGH ? TRAINING_REDRAW : 0;
}

int64_t
training_app_sim_mg(const struct training_app *app)
{
    return app->sim_mg;
}

void
training_app_set_sandbox(struct training_app *app, struct training_sandbox *sb, int ok)
{
    app->sb = sb;
    app->trainee = 0;
    app->field = 0;
    app->cursor = 0;
    app->lesson = NULL;
    memset(&app->explain, 0, sizeof app->explain);
    go(app, TRAINING_SCR_SIGNIN);
    set_msg(app, !ok,
            ok ? _("The sandbox is empty again: ready for the next class.")
               : _("The sandbox could not be wiped (details in the log)."));
}

const char *
training_app_print_data(const struct training_app *app)
{
    return app->print_data;
}

void
training_app_printed(struct training_app *app, int ok, const char *ref)
{
    char msg[256];

    snprintf(msg, sizeof msg,
             ok ? _("Right! Label printed: %s") : _("Right, but the label did not print: %s"), ref);
    set_msg(app, !ok, msg);
}

void
training_app_set_devices(struct training_app *app, const char *words)
{
    snprintf(app->devices, sizeof app->devices, "%s", words);
}

const struct training_view *
training_app_view(struct training_app *app)
{
    view_build(app);
    return &app->v;
}

int
training_app_new(struct training_sandbox *sb, const struct training_lessons *ls,
                 struct training_app **out, struct tt_err *err)
{
    (void)err;
    *out = xcalloc(1, sizeof **out);
    (*out)->sb = sb;
    (*out)->ls = ls;
    (*out)->sim_mg = 1250000; /* a pomelo on the simulated scale */
    (*out)->v.screen = TRAINING_SCR_SIGNIN;
    return 0;
}

void
training_app_free(struct training_app *app)
{
    free(app);
}
