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

/* Sample barcodes the simulated scanner "reads" (F2 on the explainer). */
static const char *const samples[] = {
    "]C1"
    "0199528930000012"
    "3103001250"
    "10BUOI-2611A\x1d"
    "21"
    "1",
    "]e0"
    "0109528930000026"
    "17261205"
    "10NEM-1125",
    "https://id.gs1.org/01/09528930000033/10/GAO-2611?17=271120",
    "9528930000026",
    "]C1"
    "00095289300000000002",
    "(01)09528930000057(10)MAT-2610(15)280930",
    "(01)09528930000058(10)SAI-CHECK",
    "(01)09528930000057(17)261331",
};

struct run {
    struct training_app *app;
    struct training_sandbox *sb;
    const char *printer;
    const char *tpl_dir;
    struct scale *scale;
    struct scanner *scanner;
    int scale_sim, scanner_sim;
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

static int
do_flags(struct run *r, int flags)
{
    if (flags & TRAINING_FX_PRINT)
        print_label(r);
    if ((flags & TRAINING_FX_WEIGHT) && r->scale_sim)
        scale_sim_set(r->scale, training_app_sim_mg(r->app) * 1000, SCALE_STABLE, NULL);
    if ((flags & TRAINING_FX_SCAN) && r->scanner_sim) {
        const char *s = samples[r->next_sample++ % (sizeof samples / sizeof samples[0])];
        char aim[4] = "";

        if (s[0] == ']') {
            memcpy(aim, s, 3);
            s += 3;
        }
        scanner_sim_push(r->scanner, aim, (const uint8_t *)s, strlen(s), NULL);
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
    r.printer = o->printer;
    r.tpl_dir = o->lessons_dir;
    if (rc == 0) {
        open_devices(&r, o);
        rc = ui_open(&uo, &ui, err);
    }
    if (rc == 0)
        rc = loop(&r, ui);
    ui_close(ui);
    scale_close(r.scale);
    scanner_close(r.scanner);
    training_app_free(r.app);
    training_lessons_free(ls);
    training_sandbox_close(sb);
    label_shutdown();
    return rc;
}
