/*
 * training-app.h — the training screens' behaviour without a terminal
 * (STYLE.md §6): sign-in by name and class, the lesson menu, lessons and
 * their exercises (answers checked and scored in the sandbox), the
 * explainer, the simulated scale and the trainer's class results. Keys
 * come in as core keys (core.h); the UI draws struct training_view and
 * carries out the flags training_app_key() returns.
 *
 * Ownership: training_app_new() borrows the sandbox and the lessons (both
 * must outlive the app) and returns an owned app (training_app_free).
 */
#ifndef TT_STATION_TRAINING_APP_H
#define TT_STATION_TRAINING_APP_H

#include <stdint.h>

#include "core.h"
#include "training.h"

enum training_screen {
    TRAINING_SCR_SIGNIN,
    TRAINING_SCR_MENU,
    TRAINING_SCR_LESSON,
    TRAINING_SCR_EXERCISE,
    TRAINING_SCR_EXPLAIN,
    TRAINING_SCR_WEIGH,
    TRAINING_SCR_TRAINER,
    TRAINING_SCR_EVENTS,
};

/* What training_app_key() asks the driver to do (bit flags). */
enum training_flag {
    TRAINING_REDRAW = 1 << 0,
    TRAINING_QUIT = 1 << 1,
    TRAINING_FX_SCAN = 1 << 2,   /* "scan" the next sample barcode on the simulated scanner */
    TRAINING_FX_WEIGHT = 1 << 3, /* put training_app_sim_mg() on the simulated scale */
    TRAINING_FX_PRINT = 1 << 4,  /* print training_app_print_data() (a label made right) */
    TRAINING_FX_RESET = 1 << 5,  /* wipe the sandbox, then training_app_set_sandbox() */
};

struct training_view {
    enum training_screen screen;
    char title[160];
    char who[200]; /* the trainee and class, or "" */
    struct training_lines body;
    size_t scroll;     /* first body line shown */
    char prompt[96];   /* the input field's label, "" when there is none */
    char input[512];   /* what is typed (UTF-8) */
    char message[256]; /* last outcome */
    int message_error; /* 1: the message is a problem */
    char keys[256];    /* key hints */
    char devices[160]; /* scale / scanner / printer status */
};

struct training_app;

int training_app_new(struct training_sandbox *sb, const struct training_lessons *ls,
                     struct training_app **out, struct tt_err *err);
void training_app_free(struct training_app *app);

/* Handles one key (ev->kind CORE_EV_KEY); returns training_flag bits. */
int training_app_key(struct training_app *app, const struct core_event *ev);

/* A scan from the scanner: an answer on an exercise, else shown in the explainer. */
int training_app_scan(struct training_app *app, const char *data, size_t len);

/* A scale reading (mg) for the weighing screen. */
int training_app_weight(struct training_app *app, int64_t mg, int stable);

/* The weight the simulated scale should show (mg). */
int64_t training_app_sim_mg(const struct training_app *app);

/* The GS1 data of the label to print after TRAINING_FX_PRINT (borrowed). */
const char *training_app_print_data(const struct training_app *app);

/* The outcome of that print: ok, and the file or job reference (or the problem). */
void training_app_printed(struct training_app *app, int ok, const char *ref);

/*
 * After a reset: the app now works on `sb` (borrowed), nobody is signed in
 * and the sign-in screen says whether the wipe worked (`ok`).
 */
void training_app_set_sandbox(struct training_app *app, struct training_sandbox *sb, int ok);

/* Device words for the status line (borrowed by the app). */
void training_app_set_devices(struct training_app *app, const char *words);

/* The view to draw (borrowed until the next call into the app). */
const struct training_view *training_app_view(struct training_app *app);

#endif
