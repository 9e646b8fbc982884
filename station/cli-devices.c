/*
 * cli-devices.c — `tramtem devices`, `tramtem scale watch`, `tramtem scan
 * watch`: what an installer runs to see that the scale and the scanner are
 * found, allowed, and say what they should (DESIGN.md §3, §7).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../scanners/devices.h"
#include "../scanners/scale.h"
#include "../scanners/scanner.h"
#include "cli.h"
#include "intl.h"

static volatile sig_atomic_t watch_stop;

static void
on_signal(int sig)
{
    (void)sig;
    watch_stop = 1;
}

/* SIGINT/SIGTERM end a watch cleanly (the terminal is given back). */
static void
watch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    watch_stop = 0;
}

static const char *
kind_text(enum device_kind k)
{
    switch (k) {
    case DEVICE_SCALE:
        return _("scale");
    case DEVICE_SCANNER:
        return _("scanner");
    case DEVICE_SERIAL_ADAPTER:
        return _("USB-serial cable");
    case DEVICE_SERIAL_PORT:
        return _("serial port");
    default:
        return _("keyboard");
    }
}

static const char *
state_text(enum device_state s)
{
    switch (s) {
    case DEVICE_OK:
        return _("ready");
    case DEVICE_NO_ACCESS:
        return _("no access");
    case DEVICE_BUSY:
        return _("in use by another program");
    default:
        return _("error");
    }
}

/* A JSON string with everything outside printable ASCII escaped. */
static void
json_str(FILE *out, const uint8_t *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            fprintf(out, "\\%c", s[i]);
        else if (s[i] < 0x20 || s[i] >= 0x7F)
            fprintf(out, "\\u%04x", s[i]);
        else
            fputc(s[i], out);
    }
    fputc('"', out);
}

static void
json_cstr(FILE *out, const char *s)
{
    json_str(out, (const uint8_t *)s, strlen(s));
}

static void
devices_print_json(const struct device_info *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("{\"kind\":\"%s\",\"state\":\"%s\",\"spec\":", device_kind_name(v[i].kind),
               device_state_name(v[i].state));
        json_cstr(stdout, v[i].spec);
        printf(",\"name\":");
        json_cstr(stdout, v[i].name);
        if (v[i].vid != 0)
            printf(",\"vid\":\"%04x\",\"pid\":\"%04x\"", v[i].vid, v[i].pid);
        if (v[i].rule[0] != '\0') {
            printf(",\"udev_rule\":");
            json_cstr(stdout, v[i].rule);
        }
        printf("}\n");
    }
}

int
cli_devices(struct cli_ctx *ctx, int argc, char **argv)
{
    struct device_info *v;
    size_t n;
    bool json = false, denied = false;
    struct tt_err err;

    (void)ctx;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_usage_error(
                "devices", _("unknown option '%s'; usage: tramtem devices [--json]"), argv[i]);
    }
    tt_err_clear(&err);
    if (devices_list(&v, &n, &err) != 0)
        return cli_fail(err.code, "%s", cli_code_text(err.code));
    if (json) {
        devices_print_json(v, n);
        free(v);
        return TT_EXIT_OK;
    }
    if (n == 0)
        printf("%s\n", _("No scale, scanner or serial port found. Plug the device in and run "
                         "'tramtem devices' again."));
    for (size_t i = 0; i < n; i++) {
        printf("%-18s %-12s %-40s %s\n", kind_text(v[i].kind), state_text(v[i].state), v[i].spec,
               v[i].name);
        if (v[i].state == DEVICE_NO_ACCESS) {
            printf("    %s\n    %s\n", _("The kiosk user may not open it. Add this udev rule:"),
                   v[i].rule);
            denied = true;
        }
    }
    if (denied)
        printf("%s\n", _("Put the rules in /etc/udev/rules.d/70-tramtem.rules (tramtem ships one "
                         "in data/udev/), then run: udevadm control --reload-rules && udevadm "
                         "trigger"));
    free(v);
    return TT_EXIT_OK;
}

/* --- scale watch -------------------------------------------------------------------- */

static const char *
scale_state_text(enum scale_state st)
{
    switch (st) {
    case SCALE_STABLE:
        return _("stable");
    case SCALE_MOTION:
        return _("in motion");
    case SCALE_ZERO:
        return _("zero");
    case SCALE_UNDER_ZERO:
        return _("under zero");
    case SCALE_OVER_CAPACITY:
        return _("over capacity");
    case SCALE_NEEDS_CALIBRATION:
        return _("needs calibration");
    case SCALE_FAULT:
        return _("scale fault");
    case SCALE_DISCONNECTED:
        return _("disconnected");
    default:
        return _("no reading");
    }
}

/* "4.139" kg, with as many decimals as the resolution shows. */
static void
format_kg(const struct weight *w, char *buf, size_t len)
{
    int64_t res = w->resolution_ug > 0 ? w->resolution_ug : 1;
    int64_t a = w->ug < 0 ? -w->ug : w->ug;
    int64_t unit = 1;
    int dec = 9;
    char frac[16];

    while (dec > 0 && res >= unit * 10) {
        unit *= 10;
        dec--;
    }
    /* a in µg is kg × 1e9: round to the shown step, then cut the decimals. */
    a = (a + unit / 2) / unit * unit;
    snprintf(frac, sizeof frac, "%09lld", (long long)(a % 1000000000LL));
    frac[dec] = '\0';
    snprintf(buf, len, "%s%lld%s%s", w->ug < 0 ? "-" : "", (long long)(a / 1000000000LL),
             dec > 0 ? "." : "", frac);
}

static void
print_weight(const struct weight *w, bool json)
{
    char kg[48] = "";

    if (w->has_value)
        format_kg(w, kg, sizeof kg);
    if (json) {
        printf("{\"state\":\"%s\"", scale_state_name(w->state));
        if (w->has_value)
            printf(",\"kg\":\"%s\",\"ug\":%lld,\"resolution_ug\":%lld,\"net\":%s", kg,
                   (long long)w->ug, (long long)w->resolution_ug, w->net ? "true" : "false");
        printf("}\n");
    } else if (w->has_value) {
        printf("%12s kg  %s%s\n", kg, scale_state_text(w->state), w->net ? _(" (net)") : "");
    } else {
        printf("%12s     %s\n", "", scale_state_text(w->state));
    }
    fflush(stdout);
}

struct watch_opts {
    const char *device;
    bool json, all;
    long count, seconds;
};

static int
watch_parse(const char *cmd, int argc, char **argv, struct watch_opts *o)
{
    static const struct option opts[] = {
        {"device", required_argument, NULL, 'd'}, {"json", no_argument, NULL, 'j'},
        {"count", required_argument, NULL, 'c'},  {"seconds", required_argument, NULL, 's'},
        {"all", no_argument, NULL, 'a'},          {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof *o);
    if (argc < 2 || strcmp(argv[1], "watch") != 0)
        return cli_usage_error(cmd,
                               _("usage: tramtem %s watch [--device SPEC] [--json] "
                                 "[--count N] [--seconds S] [--all]"),
                               cmd);
    optind = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "+", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'd':
            o->device = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'a':
            o->all = true;
            break;
        case 'c':
        case 's':
            *(c == 'c' ? &o->count : &o->seconds) = strtol(optarg, &end, 10);
            if (*end != '\0' || *optarg == '\0')
                return cli_usage_error(cmd, _("'%s' is not a whole number"), optarg);
            break;
        default:
            return cli_usage_error(cmd,
                                   _("usage: tramtem %s watch [--device SPEC] [--json] "
                                     "[--count N] [--seconds S] [--all]"),
                                   cmd);
        }
    }
    if (optind + 1 < argc)
        return cli_usage_error(cmd, _("unexpected argument '%s'"), argv[optind + 1]);
    return 0;
}

static int
open_fail(int rc, const char *what, const struct tt_err *err)
{
    if (rc == TT_EACCESS)
        return cli_fail(rc, "%s %s\n%s", what,
                        _("Permission denied. Install the udev rules "
                          "(see 'tramtem devices')."),
                        err->msg);
    return cli_fail(rc, "%s %s\n%s", what, cli_code_text(rc), err->msg);
}

static bool
time_up(const struct watch_opts *o, int64_t start_ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return watch_stop ||
           (o->seconds > 0 &&
            (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - start_ms >= o->seconds * 1000);
}

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
scale_watch_loop(struct scale *s, const struct watch_opts *o)
{
    struct weight w, last;
    struct tt_err err;
    long stable = 0;
    int64_t start = mono_ms();
    bool have_last = false;

    memset(&last, 0, sizeof last);
    while (!time_up(o, start)) {
        int rc = scale_read(s, &w, 200, &err);
        if (rc == TT_ETIMEOUT)
            continue;
        if (rc == TT_ENOTFOUND)
            break; /* a recording ended */
        if (rc != 0 && rc != TT_EDEVICE) {
            fprintf(stderr, "%s %s\n", _("Damaged data from the scale was ignored:"), err.msg);
            continue;
        }
        if (!o->all && have_last && w.state == last.state && w.ug == last.ug)
            continue;
        print_weight(&w, o->json);
        have_last = true;
        if (w.state == SCALE_STABLE && last.state != SCALE_STABLE && o->count > 0 &&
            ++stable >= o->count)
            break;
        last = w;
    }
    return TT_EXIT_OK;
}

int
cli_scale(struct cli_ctx *ctx, int argc, char **argv)
{
    struct watch_opts o;
    struct scale *s;
    struct tt_err err;
    char spec[300];
    int rc;

    (void)ctx;
    if (watch_parse("scale", argc, argv, &o) != 0)
        return TT_EXIT_USAGE;
    tt_err_clear(&err);
    if (o.device == NULL) {
        if (devices_find_scale(spec, sizeof spec, &err) != 0)
            return cli_fail(TT_EDEVICE, "%s",
                            _("No scale found. Plug it in, or give --device SPEC (see 'tramtem "
                              "devices')."));
        o.device = spec;
    }
    rc = scale_open(o.device, &s, &err);
    if (rc != 0)
        return open_fail(rc, _("Cannot open the scale."), &err);
    if (!o.json)
        fprintf(stderr, "%s %s\n", _("Watching:"), scale_describe(s));
    watch_signals();
    rc = scale_watch_loop(s, &o);
    scale_close(s);
    return rc;
}

/* --- scan watch ----------------------------------------------------------------------- */

/* Shows GS as <GS> and other control bytes as \xHH, so nothing is hidden. */
static void
print_scan_text(const struct scan *sc)
{
    printf("%-4s ", sc->aim[0] ? sc->aim : "-");
    for (size_t i = 0; i < sc->len; i++) {
        if (sc->data[i] == 0x1D)
            fputs("<GS>", stdout);
        else if (sc->data[i] < 0x20 || sc->data[i] >= 0x7F)
            printf("\\x%02x", sc->data[i]);
        else
            putchar(sc->data[i]);
    }
    putchar('\n');
}

static void
print_scan(const struct scan *sc, bool json, bool typed)
{
    if (json) {
        printf("{\"aim\":");
        json_cstr(stdout, sc->aim);
        printf(",\"data\":");
        json_str(stdout, sc->data, sc->len);
        printf(",\"len\":%zu,\"typed\":%s}\n", sc->len, typed ? "true" : "false");
    } else {
        if (typed)
            printf("%s ", _("typed by hand, not a scan:"));
        print_scan_text(sc);
    }
    fflush(stdout);
}

static int
scan_watch_loop(struct scanner *sc, const struct watch_opts *o)
{
    struct scan scan;
    struct tt_err err;
    long seen = 0;
    int64_t start = mono_ms();
    bool gone = false;

    while (!time_up(o, start)) {
        int rc = scanner_read(sc, &scan, 200, &err);
        if (rc == TT_ETIMEOUT)
            continue;
        if (rc == TT_ENOTFOUND)
            break;
        if (rc == TT_EDEVICE) {
            if (!gone)
                fprintf(stderr, "%s\n", _("The scanner is disconnected; waiting for it."));
            gone = true;
            continue;
        }
        if (rc != 0 && rc != TT_ESTATE) {
            fprintf(stderr, "%s %s\n", _("A scan was dropped:"), err.msg);
            continue;
        }
        if (gone)
            fprintf(stderr, "%s\n", _("The scanner is back."));
        gone = false;
        print_scan(&scan, o->json, rc == TT_ESTATE);
        if (rc == 0 && o->count > 0 && ++seen >= o->count)
            break;
    }
    return TT_EXIT_OK;
}

int
cli_scan(struct cli_ctx *ctx, int argc, char **argv)
{
    struct watch_opts o;
    struct scanner *sc;
    struct tt_err err;
    char spec[300];
    int rc;

    (void)ctx;
    if (watch_parse("scan", argc, argv, &o) != 0)
        return TT_EXIT_USAGE;
    tt_err_clear(&err);
    if (o.device == NULL) {
        if (devices_find_scanner(spec, sizeof spec, &err) != 0)
            return cli_fail(TT_EDEVICE, "%s",
                            _("No scanner found. Plug it in, or give --device SPEC (see "
                              "'tramtem devices')."));
        o.device = spec;
    }
    rc = scanner_open(o.device, &sc, &err);
    if (rc != 0)
        return open_fail(rc, _("Cannot open the scanner."), &err);
    if (!o.json)
        fprintf(stderr, "%s %s\n", _("Watching:"), scanner_describe(sc));
    watch_signals();
    rc = scan_watch_loop(sc, &o);
    scanner_close(sc);
    return rc;
}
