/*
 * training-run.c — `tramtem training`'s loop: the sandbox, the lessons,
 * the scale and scanner (real ones when present, simulated otherwise), the
 * terminal, and poll() between them. Keys go to the app (training-app.c),
 * readings and scans too; the flags it returns are carried out here.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../printers/label.h"
#include "../scanners/devices.h"
#include "../scanners/scale.h"
#include "../scanners/scanner.h"
#include "intl.h"
#include "training-run.h"
#include "ui/training-ui.h"

#define SAMPLES_MAX 64

/* The sample barcodes of data/training/samples.txt ("\x1d" is GS), owned. */
struct samples {
    size_t n;
    char *line[SAMPLES_MAX];
    size_t len[SAMPLES_MAX];
};

/* Decodes the \xHH and \\ escapes of one line in place; returns its new length. */
static size_t
unescape(char *s)
{
    size_t i = 0, o = 0;

    while (s[i] != '\0') {
        unsigned v;

        if (s[i] == '\\' && s[i + 1] == 'x' && sscanf(s + i + 2, "%2x", &v) == 1) {
            s[o++] = (char)v;
            i += 4;
        } else if (s[i] == '\\' && s[i + 1] == '\\') {
            s[o++] = '\\';
            i += 2;
        } else {
            s[o++] = s[i++];
        }
    }
    s[o] = '\0';
    return o;
}

static void
samples_load(struct samples *sm, const char *dir)
{
    char path[4200], *line = NULL;
    size_t cap = 0;
    ssize_t n;
    FILE *f;

    snprintf(path, sizeof path, "%s/samples.txt", dir);
    f = fopen(path, "r");
    while (f != NULL && sm->n < SAMPLES_MAX && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        sm->line[sm->n] = xstrdup(line);
        sm->len[sm->n] = unescape(sm->line[sm->n]);
        sm->n++;
    }
    free(line);
    if (f != NULL)
        fclose(f);
}

static void
samples_free(struct samples *sm)
{
    for (size_t i = 0; i < sm->n; i++)
        free(sm->line[i]);
}

struct run {
    struct training_app *app;
    struct training_sandbox *sb;
    const struct training_run_opts *o;
    int failed; /* the sandbox was lost (a reset could not reopen it) */
    const char *printer;
    const char *tpl_dir;
    struct scale *scale;
    struct scanner *scanner;
    int scale_sim, scanner_sim;
    struct samples samples;
    size_t next_sample;
};

static void
open_devices(struct run *r, const struct training_run_opts *o)
{
    char spec[300];
    const char *scale = o->scale_spec, *scanner = o->scanner_spec;
    char words[160];

    if (scale == NULL && devices_find_scale(spec, sizeof spec, NULL) == 0)
        scale = spec;
    if (scale == NULL || scale_open(scale, &r->scale, NULL) != 0)
        scale_open("sim:", &r->scale, NULL);
    r->scale_sim = r->scale != NULL && strcmp(scale_backend(r->scale), "sim") == 0;
    if (scanner == NULL && devices_find_scanner(spec, sizeof spec, NULL) == 0)
        scanner = spec;
    if (scanner == NULL || scanner_open(scanner, &r->scanner, NULL) != 0)
        scanner_open("sim:", &r->scanner, NULL);
    r->scanner_sim = r->scanner != NULL && strcmp(scanner_backend(r->scanner), "sim") == 0;
    snprintf(words, sizeof words, _("Scale: %s · Scanner: %s · Labels: %s"),
             r->scale_sim ? _("simulated") : scale_describe(r->scale),
             r->scanner_sim ? _("simulated") : scanner_describe(r->scanner),
             o->printer != NULL ? o->printer : _("the CUPS default printer"));
    training_app_set_devices(r->app, words);
}

static void
print_label(struct run *r)
{
    char ref[512];
    struct tt_err err;
    int rc = training_label_print(r->sb, training_app_print_data(r->app), r->printer, r->tpl_dir,
                                  ref, sizeof ref, &err);

    training_app_printed(r->app, rc == 0, rc == 0 ? ref : err.msg);
}

/* Closes the sandbox, wipes it and opens a fresh one (the app is told either way). */
static void
reset_sandbox(struct run *r)
{
    struct tt_err err = {0};
    int rc;

    training_sandbox_close(r->sb);
    r->sb = NULL;
    rc = training_sandbox_reset(r->o->dir, r->o->station_db, &err);
    if (rc == 0)
        rc = training_sandbox_open(r->o->dir, r->o->station_db, r->o->demo_dir, &r->sb, &err);
    if (rc != 0) {
        fprintf(stderr, "tramtem training: %s\n", err.msg);
        /* Keep a sandbox to work on: reopen what is there. */
        if (r->sb == NULL &&
            training_sandbox_open(r->o->dir, r->o->station_db, r->o->demo_dir, &r->sb, &err) != 0)
            r->failed = 1;
    }
    if (r->sb != NULL)
        training_app_set_sandbox(r->app, r->sb, rc == 0);
}

static int
do_flags(struct run *r, int flags)
{
    if (flags & TRAINING_FX_RESET) {
        reset_sandbox(r);
        if (r->failed)
            return TRAINING_QUIT;
    }
    if (flags & TRAINING_FX_PRINT)
        print_label(r);
    if ((flags & TRAINING_FX_WEIGHT) && r->scale_sim)
        scale_sim_set(r->scale, training_app_sim_mg(r->app) * 1000, SCALE_STABLE, NULL);
    if ((flags & TRAINING_FX_SCAN) && r->scanner_sim && r->samples.n > 0) {
        size_t i = r->next_sample++ % r->samples.n, len = r->samples.len[i];
        const char *s = r->samples.line[i];
        char aim[4] = "";

        if (s[0] == ']' && len > 3) { /* the AIM identifier travels apart, as scanners send it */
            memcpy(aim, s, 3);
            s += 3;
            len -= 3;
        }
        scanner_sim_push(r->scanner, aim, (const uint8_t *)s, len, NULL);
    }
    return flags;
}

static int
read_devices(struct run *r)
{
    struct weight w;
    struct scan sc;
    int flags = 0;

    while (r->scale != NULL && scale_read(r->scale, &w, 0, NULL) == 0)
        flags |= training_app_weight(r->app, w.ug / 1000, w.state == SCALE_STABLE);
    while (r->scanner != NULL && scanner_read(r->scanner, &sc, 0, NULL) == 0) {
        char buf[SCAN_DATA_MAX + 4];
        size_t n = strlen(sc.aim);

        memcpy(buf, sc.aim, n);
        memcpy(buf + n, sc.data, sc.len);
        flags |= training_app_scan(r->app, buf, n + sc.len);
    }
    return flags;
}

static int
loop(struct run *r, struct ui *ui)
{
    struct core_event ev;
    int flags = TRAINING_REDRAW | do_flags(r, TRAINING_FX_WEIGHT);

    for (;;) {
        struct pollfd pfd = {.fd = ui_fd(ui), .events = POLLIN};
        int k;

        if (flags & TRAINING_QUIT)
            return 0;
        if (flags & TRAINING_REDRAW)
            training_ui_draw(ui, training_app_view(r->app));
        flags = 0;
        poll(&pfd, 1, 100); /* devices are read every 100 ms; the sim ones are instant */
        while ((k = ui_read_key(ui, &ev)) != 0)
            flags |= k == 2 ? TRAINING_REDRAW : do_flags(r, training_app_key(r->app, &ev));
        flags |= read_devices(r);
    }
}

int
training_run(const struct training_run_opts *o, struct tt_err *err)
{
    struct training_sandbox *sb = NULL;
    struct training_lessons *ls = NULL;
    struct run r = {0};
    struct ui *ui = NULL;
    struct ui_opts uo = {.printer = o->printer};
    int rc = training_sandbox_open(o->dir, o->station_db, o->demo_dir, &sb, err);

    if (rc == 0)
        rc = training_lessons_load(o->lessons_dir, &ls, err);
    if (rc == 0)
        rc = training_app_new(sb, ls, &r.app, err);
    r.sb = sb;
    r.o = o;
    r.printer = o->printer;
    r.tpl_dir = o->lessons_dir;
    samples_load(&r.samples, o->lessons_dir);
    if (rc == 0) {
        open_devices(&r, o);
        rc = ui_open(&uo, &ui, err);
    }
    if (rc == 0)
        rc = loop(&r, ui);
    if (rc == 0 && r.failed)
        rc =
            tt_err_set(err, TT_EIO, "training", "the sandbox %s could not be opened again", o->dir);
    ui_close(ui);
    scale_close(r.scale);
    scanner_close(r.scanner);
    samples_free(&r.samples);
    training_app_free(r.app);
    training_lessons_free(ls);
    training_sandbox_close(r.sb); /* the one open now: a reset replaces it */
    label_shutdown();
    return rc;
}
