/*
 * bench/station.c — figures for the kiosk (issue 7):
 *   1. start to first screen: `tramtem kiosk` on an existing database in a
 *      pseudo-terminal (80x24), from fork until the sign-in screen is drawn;
 *      and the same for `tramtem demo` (which also builds a fresh database);
 *   2. idle memory: VmRSS of the kiosk a second after its first screen;
 *   3. stable weight -> job accepted: the core gets stable readings (auto
 *      print), allocates the label, the driver renders it and submits it;
 *      timed until the printer module reports the job accepted (a CUPS job
 *      id; on a file printer, the file written). Run it with CUPS_SERVER set
 *      (bench/station.sh starts the private CUPS rig) for the cupsd figure.
 * Targets: first screen <= 100 ms, idle RSS <= 20 MB, p99 <= 50 ms.
 */
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../db/db.h"
#include "../printers/printer.h"
#include "../station/core.h"
#include "../station/kiosk.h"
#include "../tests/unit/support/clock.h"

#define RUNS   10
#define WEIGHS 100

static int64_t
wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Splits a command line at spaces (paths here have none) into argv, NULL-ended. */
static void
split(char *line, char **argv, int max)
{
    int n = 0;

    for (char *tok = strtok(line, " "); tok != NULL && n < max - 1; tok = strtok(NULL, " "))
        argv[n++] = tok;
    argv[n] = NULL;
}

static long
rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* CPU ticks (user + system) used so far by pid. */
static long
cpu_ticks(pid_t pid)
{
    char path[64], buf[1024], *p;
    long ut = 0, st = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    if (fgets(buf, sizeof buf, f) != NULL && (p = strrchr(buf, ')')) != NULL)
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st);
    fclose(f);
    return ut + st;
}

static double idle_cpu_pct;

/* Runs argv in an 80x24 pty; returns ms until `marker` appears, RSS after 1 s in *rss. */
static double
first_screen(char *const argv[], const char *marker, long *rss)
{
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    char buf[65536];
    size_t got = 0;
    double t0 = now_ms(), t = -1;
    int fd, status;
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);

    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("TERM", "xterm", 1);
        execv(argv[0], argv);
        _exit(127);
    }
    while (now_ms() - t0 < 5000) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (poll(&p, 1, 100) <= 0)
            continue;
        n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        if (memmem(buf, got, marker, strlen(marker)) != NULL) {
            t = now_ms() - t0;
            break;
        }
        if (got > sizeof buf - 1024)
            got = 0;
    }
    /* Idle for a second (draining the screen), then read its memory and CPU use. */
    long ticks0 = cpu_ticks(pid);
    double idle0 = now_ms();

    for (double end = now_ms() + 1000; now_ms() < end;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};

        if (poll(&p, 1, 50) > 0 && read(fd, buf, sizeof buf) <= 0)
            break;
    }
    *rss = rss_kb(pid);
    idle_cpu_pct = (double)(cpu_ticks(pid) - ticks0) * 100.0 / (double)sysconf(_SC_CLK_TCK) /
                   ((now_ms() - idle0) / 1000.0);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(fd);
    return t;
}

static void
bench_start(const char *tramtem, const char *dir)
{
    char db[512], arg_db[600], dd[600], out[600];
    double t[RUNS];
    long rss = 0, r;
    int n = 0;

    snprintf(db, sizeof db, "%s/s.db", dir);
    snprintf(arg_db, sizeof arg_db, "--db=%s", db);
    snprintf(out, sizeof out, "file:%s/out", dir);
    {
        char cmd[1400];

        snprintf(cmd, sizeof cmd, "'%s' --db '%s' init --demo >/dev/null 2>&1 && mkdir -p '%s/out'",
                 tramtem, db, dir);
        if (system(cmd) != 0) {
            printf("start: cannot create the database\n");
            return;
        }
    }
    {
        char line[2000], *argv[16];

        snprintf(line, sizeof line, "%s --lang en %s kiosk --scale sim: --printer %s", tramtem,
                 arg_db, out);
        split(line, argv, 16);
        for (int i = 0; i < RUNS; i++) {
            double ms = first_screen(argv, "PIN", &r);

            if (ms >= 0)
                t[n++] = ms;
            if (r > rss)
                rss = r;
        }
    }
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    if (n > 0)
        printf("kiosk start to first screen: median %.1f ms, max %.1f ms (%d runs; target <= 100 "
               "ms)\n",
               t[n / 2], t[n - 1], n);
    printf("kiosk idle memory: VmRSS %.1f MB (target <= 20 MB); idle CPU %.1f %% of one core\n",
           (double)rss / 1024.0, idle_cpu_pct);
    n = 0;
    snprintf(dd, sizeof dd, "--dir=%s/demo", dir);
    {
        char line[2000], *argv[16];

        snprintf(line, sizeof line, "%s --lang en demo %s --printer %s", tramtem, dd, out);
        split(line, argv, 16);
        for (int i = 0; i < 3; i++) {
            double ms = first_screen(argv, "PIN", &r);

            if (ms >= 0)
                t[n++] = ms;
        }
    }
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    if (n > 0)
        printf("tramtem demo (fresh database + first screen): median %.1f ms (%d runs)\n", t[n / 2],
               n);
}

/* ---- stable weight -> job accepted --------------------------------------------- */

static void
feed(struct core *c, enum core_event_kind kind, int a, int64_t b)
{
    struct core_event ev = {.kind = kind, .now_ms = wall_ms()};

    if (kind == CORE_EV_KEY) {
        ev.u.key.key = (enum core_key)a;
        ev.u.key.ch = (uint32_t)b;
    } else {
        ev.u.weight.state = (enum core_weight_state)a;
        ev.u.weight.grams_milli = b;
    }
    core_handle(c, &ev);
}

/* Follows the jobs in flight until none is left or `ms` passed. */
static void
drain_jobs(struct kiosk_printer *kp, struct core *c, double ms)
{
    for (double end = now_ms() + ms; kiosk_printer_busy(kp) && now_ms() < end;) {
        struct pollfd pf[16];
        int fds[16], nf = kiosk_printer_fds(kp, fds, 16);

        for (int k = 0; k < nf; k++)
            pf[k] = (struct pollfd){.fd = fds[k], .events = POLLIN};
        poll(pf, (nfds_t)nf, 20);
        kiosk_printer_poll(kp, c, wall_ms());
    }
}

/* Accepted: the label left `queued` (sent, or printed on a file printer). 1, -1 failed, 0 late. */
static int
wait_accepted(struct db *db, struct kiosk_printer *kp, struct core *c, int64_t id, double t0)
{
    while (id != 0 && now_ms() - t0 < 5000) {
        struct db_label l;
        struct pollfd pf[16];
        int fds[16], nf = kiosk_printer_fds(kp, fds, 16);

        for (int k = 0; k < nf; k++)
            pf[k] = (struct pollfd){.fd = fds[k], .events = POLLIN};
        poll(pf, (nfds_t)nf, 5);
        kiosk_printer_poll(kp, c, wall_ms());
        if (db_label_get(db, id, &l, NULL) == 0 && l.state != DB_LABEL_QUEUED)
            return l.state == DB_LABEL_SENT || l.state == DB_LABEL_PRINTED ? 1 : -1;
    }
    return 0;
}

static void
bench_weigh(const char *dir, const char *datadir)
{
    char path[600], demo[600], labels[600], out[600];
    struct core_config cfg;
    struct kiosk_printer *kp = NULL;
    struct core *c = NULL;
    struct db *db = NULL;
    struct tt_err err = {0};
    const char *dest = NULL;
    double t[WEIGHS], ta[WEIGHS], tr[WEIGHS];
    int n = 0, na = 0, n_failed = 0;

    snprintf(path, sizeof path, "%s/w.db", dir);
    snprintf(demo, sizeof demo, "%s/demo", datadir);
    snprintf(labels, sizeof labels, "%s/labels", datadir);
    snprintf(out, sizeof out, "file:%s/out", dir);
    if (printer_get(NULL, &(struct printer_info){0}, NULL) != 0)
        dest = out; /* no CUPS default queue: the file printer */
    if (db_open(path, DB_OPEN_CREATE, &db, &err) != 0 || db_demo_load(db, demo, &err) != 0) {
        printf("weigh: %s\n", err.msg);
        db_close(db);
        return;
    }
    core_config_default(&cfg);
    cfg.auto_print = 1;
    cfg.scan_back = 0;
    if (core_new(db, &cfg, wall_ms(), &c, &err) != 0 ||
        kiosk_printer_new(db, dest, labels, &kp, &err) != 0) {
        printf("weigh: %s\n", err.msg);
        goto out;
    }
    for (const char *p = "1234"; *p; p++)
        feed(c, CORE_EV_KEY, CORE_KEY_CHAR, *p);
    feed(c, CORE_EV_KEY, CORE_KEY_ENTER, 0); /* sign in */
    feed(c, CORE_EV_KEY, CORE_KEY_ENTER, 0); /* first product */
    feed(c, CORE_EV_KEY, CORE_KEY_ENTER, 0); /* new lot */
    for (int i = 0; i < WEIGHS; i++) {
        struct core_fx fx;
        double t0;
        int64_t id = 0;

        feed(c, CORE_EV_WEIGHT, CORE_W_MOTION, 900000 + i * 1000);
        t0 = now_ms();
        feed(c, CORE_EV_WEIGHT, CORE_W_STABLE, 1000000 + i * 1000); /* auto print */
        ta[na] = now_ms() - t0; /* serial + label row + event, on disk */
        while (core_next_fx(c, &fx))
            if (fx.kind == CORE_FX_PRINT) {
                id = fx.label_id;
                kiosk_print(kp, c, id, wall_ms());
            }
        tr[na] = now_ms() - t0 - ta[na]; /* render + job handed to the worker */
        na++;
        switch (wait_accepted(db, kp, c, id, t0)) {
        case 1:
            t[n++] = now_ms() - t0;
            break;
        case -1:
            n_failed++;
            break;
        default:
            break;
        }
        feed(c, CORE_EV_WEIGHT, CORE_W_STABLE, 0); /* taken off */
        /* One operator: the next item goes on once this label is out (at most 2 s). */
        drain_jobs(kp, c, 2000);
    }
    drain_jobs(kp, c, 3000); /* the last jobs finish before the rig is stopped */
    qsort(ta, (size_t)na, sizeof ta[0], cmp_double);
    qsort(tr, (size_t)na, sizeof tr[0], cmp_double);
    if (na > 0)
        printf("  of which: store (allocate, fsync) p50 %.1f ms p99 %.1f ms; render + submit p50 "
               "%.1f ms p99 %.1f ms\n",
               ta[na / 2], ta[(na * 99) / 100], tr[na / 2], tr[(na * 99) / 100]);
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    if (n > 0)
        printf("stable weight -> job accepted (%s): p50 %.1f ms, p99 %.1f ms, max %.1f ms "
               "(%d labels; target p99 <= 50 ms)\n",
               dest == NULL ? "cupsd" : "file printer", t[n / 2], t[(n * 99) / 100], t[n - 1], n);
    else
        printf("stable weight -> job accepted: no job was accepted\n");
    if (n_failed > 0 || n < WEIGHS)
        printf("  %d jobs failed, %d not accepted within 5 s\n", n_failed, WEIGHS - n - n_failed);
out:
    kiosk_printer_free(kp);
    core_free(c);
    db_close(db);
}

int
main(int argc, char **argv)
{
    const char *build = getenv("BUILD") != NULL ? getenv("BUILD") : "build";
    char tramtem[512], dir[] = "/tmp/tt-bench-station-XXXXXX", cmd[600];

    (void)argc;
    (void)argv;
    snprintf(tramtem, sizeof tramtem, "%s/tramtem", build);
    if (tramtem[0] != '/') {
        char cwd[400];

        if (getcwd(cwd, sizeof cwd) != NULL)
            snprintf(tramtem, sizeof tramtem, "%s/%s/tramtem", cwd, build);
    }
    if (mkdtemp(dir) == NULL)
        return 1;
    if (access(tramtem, X_OK) == 0)
        bench_start(tramtem, dir);
    else
        printf("start: no %s (build it first)\n", tramtem);
    bench_weigh(dir, "data");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
