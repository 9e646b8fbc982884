/*
 * kiosk.c — the kiosk's poll() loop: terminal keys, scale readings, scans
 * and printer jobs become core events stamped with the wall clock; the
 * core's effects are carried out here. With a simulated scale ("sim:"), the
 * + - 0 keys put goods on and off it and Tab "scans" the last label, so a
 * newcomer can label without any hardware (tramtem demo).
 */
#include "kiosk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../db/db.h"
#include "../scanners/scale.h"
#include "../scanners/scanner.h"
#include "core.h"
#include "progress.h"
#include "ui/ui.h"

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
    stop_signal = sig;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keyboard signals are ignored on top of raw mode, in case a terminal sends them anyway. */
static void
kiosk_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGTSTP, &sa, NULL);
    sigaction(SIGTTIN, &sa, NULL);
    sigaction(SIGTTOU, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

struct kiosk {
    const struct kiosk_opts *o;
    struct db *db;
    struct core *core;
    struct ui *ui;
    struct scale *scale;
    struct scanner *scanner;
    struct kiosk_printer *printer;
    int sim_scale, sim_scanner;
    int64_t sim_ug, sim_settle_ms; /* demo scale: target weight, end of the motion */
    unsigned sim_seed;
    int pallet_next; /* demo: which recent label Tab "scans" onto a pallet */
    int64_t recent[64];
    int n_recent;
    int64_t last_tick;
    int quit;
    pid_t export_pid; /* `tramtem export` running, or 0 */
    int export_fd;    /* its stdout+stderr */
    char export_out[1024];
    size_t export_len;
    int export_prog_fd; /* its --progress-fd channel (progress.h) */
    struct progress_reader export_reader;
    enum progress_release export_release; /* what the channel said last */
    enum progress_error export_why;
    int64_t export_now; /* the time stamp for events from the channel */
};

/* ---- simulated devices (demo) ----------------------------------------------- */

static int
sim_rand(struct kiosk *k, int n)
{
    k->sim_seed = k->sim_seed * 1103515245u + 12345u;
    return (int)((k->sim_seed >> 16) % (unsigned)n);
}

static void
sim_scale_step(struct kiosk *k, int64_t now)
{
    int64_t ug = k->sim_ug;
    enum scale_state st = ug == 0 ? SCALE_ZERO : SCALE_STABLE;

    if (now < k->sim_settle_ms) { /* goods just moved: the reading wobbles */
        ug += (int64_t)(sim_rand(k, 60) - 30) * 1000000;
        st = SCALE_MOTION;
    }
    scale_sim_set(k->scale, ug < 0 ? 0 : ug, st, NULL);
}

static void
sim_scan_label(struct kiosk *k, int64_t label_id)
{
    struct db_label l;

    if (k->scanner == NULL || db_label_get(k->db, label_id, &l, NULL) != 0)
        return;
    scanner_sim_push(k->scanner, NULL, (const uint8_t *)l.gs1, strlen(l.gs1), NULL);
}

/* Demo keys on the screens where nothing is typed; 1 when the key was used. */
static int
sim_key(struct kiosk *k, const struct core_event *ev, int64_t now)
{
    const struct core_view *v = core_view(k->core);

    if (!k->sim_scale || v->input[0] != '\0')
        return 0;
    if (v->screen == CORE_SCR_WEIGH && ev->u.key.key == CORE_KEY_CHAR) {
        switch (ev->u.key.ch) {
        case '+':
            k->sim_ug += (int64_t)(500 + sim_rand(k, 200)) * 1000000;
            break;
        case '-':
            k->sim_ug -= 500LL * 1000000;
            if (k->sim_ug < 0)
                k->sim_ug = 0;
            break;
        case '0':
            k->sim_ug = 0;
            break;
        default:
            return 0;
        }
        k->sim_settle_ms = now + 500;
        return 1;
    }
    if (ev->u.key.key == CORE_KEY_TAB && k->sim_scanner && v->screen == CORE_SCR_WEIGH) {
        if (v->has_last)
            sim_scan_label(k, v->last.id);
        return 1;
    }
    if (ev->u.key.key == CORE_KEY_TAB && k->sim_scanner && v->screen == CORE_SCR_PALLET) {
        if (k->n_recent > 0)
            sim_scan_label(k, k->recent[k->pallet_next++ % k->n_recent]);
        return 1;
    }
    return 0;
}

/* ---- devices -> core ----------------------------------------------------------- */

static enum core_weight_state
weight_state(enum scale_state s)
{
    switch (s) {
    case SCALE_STABLE:
    case SCALE_ZERO:
        return CORE_W_STABLE;
    case SCALE_MOTION:
        return CORE_W_MOTION;
    case SCALE_UNDER_ZERO:
        return CORE_W_UNDER;
    case SCALE_OVER_CAPACITY:
        return CORE_W_OVER;
    case SCALE_FAULT:
    case SCALE_NEEDS_CALIBRATION:
        return CORE_W_FAULT;
    default:
        return CORE_W_NONE;
    }
}

static void
device_event(struct kiosk *k, enum core_device d, enum core_dev_state s, int64_t now)
{
    struct core_event ev = {.kind = CORE_EV_DEVICE, .now_ms = now};

    ev.u.device.dev = d;
    ev.u.device.state = s;
    core_handle(k->core, &ev);
}

static int
read_scale(struct kiosk *k, int64_t now)
{
    struct weight w;
    int rc, n = 0;

    if (k->scale == NULL)
        return 0;
    if (k->sim_scale)
        sim_scale_step(k, now);
    while ((rc = scale_read(k->scale, &w, 0, NULL)) != TT_ETIMEOUT && n < 50) {
        struct core_event ev = {.kind = CORE_EV_WEIGHT, .now_ms = now};

        n++;
        if (rc == TT_EDEVICE) {
            device_event(k, CORE_DEV_SCALE, CORE_DEV_GONE, now);
            break;
        }
        if (rc != 0 || w.state == SCALE_NO_READING)
            continue;
        ev.u.weight.state = weight_state(w.state);
        ev.u.weight.grams_milli = w.ug / 1000;
        core_handle(k->core, &ev);
    }
    return n > 0;
}

static int
read_scanner(struct kiosk *k, int64_t now)
{
    struct scan s;
    int rc, n = 0;

    if (k->scanner == NULL)
        return 0;
    while ((rc = scanner_read(k->scanner, &s, 0, NULL)) != TT_ETIMEOUT && n < 20) {
        struct core_event ev = {.kind = CORE_EV_SCAN, .now_ms = now};
        char data[SCAN_DATA_MAX + 4];

        n++;
        if (rc == TT_EDEVICE) {
            device_event(k, CORE_DEV_SCANNER, CORE_DEV_GONE, now);
            break;
        }
        if (rc != 0)
            continue;
        /* gs1_parse takes the AIM prefix in front of the data. */
        snprintf(data, sizeof data, "%s%.*s", s.aim, (int)s.len, (const char *)s.data);
        ev.u.scan.data = data;
        ev.u.scan.len = strlen(data);
        core_handle(k->core, &ev);
    }
    return n > 0;
}

/* ---- export: `tramtem export` in a child, its progress and words shown ---------- */

/*
 * The export (signing, the stick's write protocol, read-back, releasing the
 * stick) is the CLI's `tramtem export`; the kiosk runs that same program as
 * a child, with no shell and no terminal, so the screen stays alive however
 * slow the stick is, and a crash in the export cannot take the kiosk down.
 * The child reports progress on a second pipe (--progress-fd 3, progress.h);
 * its translated words on stdout/stderr give the reason when it fails.
 */
static void
export_done(struct kiosk *k, int code, const char *detail, int64_t now)
{
    struct core_event ev = {.kind = CORE_EV_EXPORT, .now_ms = now};

    ev.u.export.code = code;
    ev.u.export.detail = detail;
    ev.u.export.release = k->export_release;
    ev.u.export.why = k->export_why;
    core_handle(k->core, &ev);
}

static void
export_channel_msg(void *ctx, const struct progress_msg *m)
{
    struct kiosk *k = ctx;
    struct core_event ev = {.kind = CORE_EV_EXPORT_PROGRESS, .now_ms = k->export_now};

    if (m->kind == PROGRESS_RELEASE)
        k->export_release = m->release;
    else if (m->kind == PROGRESS_ERROR)
        k->export_why = m->error;
    if (m->kind != PROGRESS_BYTES)
        return;
    ev.u.export.done = m->done;
    ev.u.export.total = m->total;
    core_handle(k->core, &ev);
}

/* Reads what the channel has; 1 when something came. */
static int
export_channel_read(struct kiosk *k, int64_t now)
{
    char buf[512];
    ssize_t n;
    int got = 0;

    k->export_now = now;
    while ((n = read(k->export_prog_fd, buf, sizeof buf)) > 0) {
        progress_feed(&k->export_reader, buf, (size_t)n, export_channel_msg, k);
        got = 1;
    }
    return got;
}

static void
export_start(struct kiosk *k, int64_t now)
{
    char self[PATH_MAX];
    char *argv[14];
    int p[2], q[2], n = 0;
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);

    if (k->export_pid != 0)
        return;
    k->export_release = PROGRESS_KEPT;
    k->export_why = PROGRESS_E_OTHER;
    memset(&k->export_reader, 0, sizeof k->export_reader);
    if (len <= 0 || pipe2(p, O_CLOEXEC) != 0) {
        export_done(k, TT_EIO, strerror(errno), now);
        return;
    }
    if (pipe2(q, O_CLOEXEC) != 0) {
        close(p[0]);
        close(p[1]);
        export_done(k, TT_EIO, strerror(errno), now);
        return;
    }
    self[len] = '\0';
    argv[n++] = self;
    argv[n++] = (char *)(uintptr_t) "--lang";
    argv[n++] = (char *)(uintptr_t)(k->o->lang_en ? "en" : "vi");
    argv[n++] = (char *)(uintptr_t) "--db";
    argv[n++] = (char *)(uintptr_t)k->o->db_path;
    argv[n++] = (char *)(uintptr_t) "export";
    argv[n++] = (char *)(uintptr_t) "--progress-fd";
    argv[n++] = (char *)(uintptr_t) "3";
    if (k->o->export_to != NULL) {
        argv[n++] = (char *)(uintptr_t) "--to";
        argv[n++] = (char *)(uintptr_t)k->o->export_to;
    }
    argv[n] = NULL;
    k->export_pid = fork();
    if (k->export_pid == 0) {
        int nul = open("/dev/null", O_RDONLY);

        dup2(nul, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        /* dup2 onto itself would keep close-on-exec: clear it by hand then. */
        if ((q[1] == 3 ? fcntl(3, F_SETFD, 0) : dup2(q[1], 3)) < 0)
            _exit(127);
        execv(self, argv);
        _exit(127);
    }
    close(p[1]);
    close(q[1]);
    if (k->export_pid < 0) {
        k->export_pid = 0;
        close(p[0]);
        close(q[0]);
        export_done(k, TT_EIO, strerror(errno), now);
        return;
    }
    k->export_fd = p[0];
    k->export_prog_fd = q[0];
    k->export_len = 0;
    fcntl(k->export_fd, F_SETFL, O_NONBLOCK);
    fcntl(k->export_prog_fd, F_SETFL, O_NONBLOCK);
}

/*
 * Why the exporter stopped, in the user's language: its first "tramtem: "
 * line (the specific reason; later ones are general), else its last line.
 */
static const char *
export_reason(struct kiosk *k)
{
    char *s = k->export_out, *line, *end;
    size_t n = k->export_len;

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    s[n] = '\0';
    line = strncmp(s, "tramtem: ", 9) == 0 ? s : strstr(s, "\ntramtem: ");
    if (line != NULL) {
        line += *line == '\n' ? 10 : 9;
        if ((end = strchr(line, '\n')) != NULL)
            *end = '\0';
        return line;
    }
    line = strrchr(s, '\n');
    return line != NULL ? line + 1 : s;
}

static int
export_poll(struct kiosk *k, int64_t now)
{
    char buf[512];
    ssize_t n;
    int status = 0, got, ok;

    if (k->export_pid == 0)
        return 0;
    got = export_channel_read(k, now);
    while ((n = read(k->export_fd, buf, sizeof buf)) > 0) {
        size_t room = sizeof k->export_out - 1;

        if ((size_t)n > room)
            n = (ssize_t)room;
        if (k->export_len + (size_t)n > room) { /* keep the end: the verdict is last */
            size_t drop = k->export_len + (size_t)n - room;

            memmove(k->export_out, k->export_out + drop, k->export_len - drop);
            k->export_len -= drop;
        }
        memcpy(k->export_out + k->export_len, buf, (size_t)n);
        k->export_len += (size_t)n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return got;
    close(k->export_fd);
    waitpid(k->export_pid, &status, 0);
    k->export_pid = 0;
    export_channel_read(k, now); /* the child is gone: the rest of the channel is in the pipe */
    close(k->export_prog_fd);
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    export_done(k,
                ok                                               ? 0
                : WIFEXITED(status) && WEXITSTATUS(status) == 69 ? TT_EDEVICE
                                                                 : TT_EIO,
                ok ? NULL : export_reason(k), now);
    return 1;
}

/* ---- effects ------------------------------------------------------------------ */

static void
run_effects(struct kiosk *k, int64_t now)
{
    struct core_fx fx;

    while (core_next_fx(k->core, &fx)) {
        switch (fx.kind) {
        case CORE_FX_PRINT:
            if (k->n_recent == 64)
                memmove(&k->recent[0], &k->recent[1], sizeof k->recent[0] * 63), k->n_recent--;
            k->recent[k->n_recent++] = fx.label_id;
            kiosk_print(k->printer, k->core, fx.label_id, now);
            break;
        case CORE_FX_BEEP:
            ui_beep(k->ui, fx.arg);
            break;
        case CORE_FX_ZERO:
            if (k->scale != NULL)
                scale_zero(k->scale, NULL);
            break;
        case CORE_FX_QUIT:
            k->quit = 1;
            break;
        case CORE_FX_EXPORT:
            export_start(k, now);
            break;
        }
    }
}

/* ---- the loop -------------------------------------------------------------------- */

static int
read_keys(struct kiosk *k, int64_t now)
{
    struct core_event ev;
    int rc, redraw = 0;

    while ((rc = ui_read_key(k->ui, &ev)) != 0) {
        redraw = 1;
        if (rc == 2)
            continue; /* resized */
        ev.now_ms = now;
        if (sim_key(k, &ev, now))
            continue;
        if (core_handle(k->core, &ev) & CORE_QUIT)
            k->quit = 1;
        run_effects(k, now);
    }
    return redraw;
}

static void
loop(struct kiosk *k)
{
    struct pollfd pfd[24];
    int jobs[16];

    ui_draw(k->ui, core_view(k->core));
    while (!k->quit && !stop_signal) {
        int n = 0, nj, redraw = 0;
        int64_t now;

        pfd[n++] = (struct pollfd){.fd = ui_fd(k->ui), .events = POLLIN};
        if (k->scale != NULL && scale_fd(k->scale) >= 0)
            pfd[n++] = (struct pollfd){.fd = scale_fd(k->scale), .events = POLLIN};
        if (k->scanner != NULL && scanner_fd(k->scanner) >= 0)
            pfd[n++] = (struct pollfd){.fd = scanner_fd(k->scanner), .events = POLLIN};
        if (k->export_pid != 0) {
            pfd[n++] = (struct pollfd){.fd = k->export_fd, .events = POLLIN};
            pfd[n++] = (struct pollfd){.fd = k->export_prog_fd, .events = POLLIN};
        }
        nj = kiosk_printer_fds(k->printer, jobs, 16);
        for (int i = 0; i < nj; i++)
            pfd[n++] = (struct pollfd){.fd = jobs[i], .events = POLLIN};
        /* 100 ms: scales without a descriptor are read ~10 times a second. */
        if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR)
            break;
        now = now_ms();
        redraw |= read_keys(k, now);
        redraw |= read_scale(k, now);
        redraw |= read_scanner(k, now);
        redraw |= kiosk_printer_poll(k->printer, k->core, now);
        redraw |= export_poll(k, now);
        if (now - k->last_tick >= 1000) {
            struct core_event ev = {.kind = CORE_EV_TICK, .now_ms = now};

            core_handle(k->core, &ev);
            k->last_tick = now;
            redraw = 1; /* the clock in the header */
        }
        run_effects(k, now);
        if (redraw)
            ui_draw(k->ui, core_view(k->core));
    }
}

static int
open_devices(struct kiosk *k, struct tt_err *err)
{
    const struct kiosk_opts *o = k->o;
    int64_t now = now_ms();

    if (o->scale_spec != NULL) {
        k->sim_scale = strcmp(o->scale_spec, "sim:") == 0 || strcmp(o->scale_spec, "sim") == 0;
        device_event(k, CORE_DEV_SCALE,
                     scale_open(o->scale_spec, &k->scale, NULL) == 0 ? CORE_DEV_OK : CORE_DEV_GONE,
                     now);
    }
    if (o->scanner_spec != NULL) {
        k->sim_scanner = strncmp(o->scanner_spec, "sim", 3) == 0;
        if (scanner_open(o->scanner_spec, &k->scanner, NULL) != 0)
            device_event(k, CORE_DEV_SCANNER, CORE_DEV_GONE, now);
        else
            device_event(k, CORE_DEV_SCANNER, CORE_DEV_OK, now);
    }
    if (kiosk_printer_new(k->db, o->printer, o->labels_dir, &k->printer, err) != 0)
        return err->code;
    device_event(k, CORE_DEV_PRINTER, CORE_DEV_OK, now);
    return 0;
}

int
kiosk_run(const struct kiosk_opts *o, struct tt_err *err)
{
    struct kiosk k = {0};
    struct core_config cfg;
    struct db_settings set;
    struct ui_opts uo = {0};
    int rc;

    k.o = o;
    k.sim_seed = (unsigned)now_ms();
    rc = db_open(o->db_path, 0, &k.db, err);
    if (rc == 0)
        rc = db_settings_get(k.db, &set, err);
    if (rc != 0) {
        db_close(k.db);
        return rc;
    }
    core_config_default(&cfg);
    cfg.demo = o->demo || set.mode != DB_MODE_PRODUCTION;
    cfg.lang_en = o->lang_en;
    cfg.auto_print = o->auto_print;
    cfg.scan_back = o->scan_back;
    rc = core_new(k.db, &cfg, now_ms(), &k.core, err);
    if (rc == 0)
        rc = open_devices(&k, err);
    uo.coop_name = set.coop_name;
    uo.demo_hint = o->demo_hint;
    uo.printer = k.printer != NULL ? kiosk_printer_dest(k.printer) : "";
    if (rc == 0)
        rc = ui_open(&uo, &k.ui, err);
    if (rc == 0) {
        kiosk_signals();
        ui_set_demo_keys(k.ui, k.sim_scale);
        loop(&k);
    }
    ui_close(k.ui);
    if (k.export_pid != 0) { /* let a running export finish its write protocol */
        close(k.export_fd);
        close(k.export_prog_fd);
        waitpid(k.export_pid, NULL, 0);
    }
    /* Jobs still out are left to CUPS; their labels stay `sent` and show up after a restart. */
    kiosk_printer_free(k.printer);
    scanner_close(k.scanner);
    scale_close(k.scale);
    core_free(k.core);
    db_close(k.db);
    return rc;
}
