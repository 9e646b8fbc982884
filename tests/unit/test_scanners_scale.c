/*
 * test_scanners_scale.c — what sits above the scale backends: the stable-
 * weight detector, hot-plug, the sim backend (recordings, faults, weight set
 * by the program) and the serial backend on a pseudo-terminal whose other
 * end plays the scale from a thread.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../scanners/devio.h"
#include "../../scanners/scale.h"
#include "../../scanners/sim.h"

#define G  1000000LL
#define KG (1000 * G)

static struct weight
reading(int64_t ug, enum scale_state st, bool no_status)
{
    struct weight w;

    memset(&w, 0, sizeof w);
    w.ug = ug;
    w.state = st;
    w.has_value = true;
    w.resolution_ug = G;
    w.no_status = no_status;
    return w;
}

static void
stab_needs_n_identical_stable(void **state)
{
    struct scale_stab st;
    struct weight raw, out;

    (void)state;
    scale_stab_init(&st, NULL); /* n = 3, tolerance = resolution */
    raw = reading(500 * G, SCALE_STABLE, false);
    scale_stab_feed(&st, &raw, 0, &out);
    assert_int_equal(out.state, SCALE_MOTION);
    scale_stab_feed(&st, &raw, 100, &out);
    assert_int_equal(out.state, SCALE_MOTION);
    raw.ug += G; /* within one resolution step */
    scale_stab_feed(&st, &raw, 200, &out);
    assert_int_equal(out.state, SCALE_STABLE);
    assert_int_equal(out.ug, 501 * G);
    raw.ug += 5 * G; /* a jump restarts the run */
    scale_stab_feed(&st, &raw, 300, &out);
    assert_int_equal(out.state, SCALE_MOTION);
    raw = reading(506 * G, SCALE_MOTION, false); /* device says moving */
    scale_stab_feed(&st, &raw, 400, &out);
    scale_stab_feed(&st, &raw, 500, &out);
    scale_stab_feed(&st, &raw, 600, &out);
    assert_int_equal(out.state, SCALE_MOTION);
    raw = reading(0, SCALE_OVER_CAPACITY, false);
    raw.has_value = false;
    scale_stab_feed(&st, &raw, 700, &out);
    assert_int_equal(out.state, SCALE_OVER_CAPACITY);
    /* a reset (after a reconnection) keeps the settings: N readings again */
    st.cfg.n_readings = 4;
    scale_stab_init(&st, &st.cfg);
    assert_int_equal(st.cfg.n_readings, 4);
    raw = reading(7 * G, SCALE_STABLE, false);
    for (int i = 0; i < 3; i++) {
        scale_stab_feed(&st, &raw, 800 + i, &out);
        assert_int_equal(out.state, SCALE_MOTION);
    }
    scale_stab_feed(&st, &raw, 900, &out);
    assert_int_equal(out.state, SCALE_STABLE);
}

static void
stab_without_flag_needs_time(void **state)
{
    struct scale_stability cfg = {.n_readings = 3, .tolerance_ug = 0, .min_ms = 500};
    struct scale_stab st;
    struct weight raw = reading(3 * KG, SCALE_MOTION, true), out;

    (void)state;
    scale_stab_init(&st, &cfg);
    for (int t = 0; t <= 400; t += 100) {
        scale_stab_feed(&st, &raw, t, &out);
        assert_int_equal(out.state, SCALE_MOTION); /* 5 identical, but < 0.5 s */
    }
    scale_stab_feed(&st, &raw, 500, &out);
    assert_int_equal(out.state, SCALE_STABLE);
    raw = reading(0, SCALE_MOTION, true);
    for (int t = 600; t <= 1200; t += 200)
        scale_stab_feed(&st, &raw, t, &out);
    assert_int_equal(out.state, SCALE_ZERO);
    raw = reading(-20 * G, SCALE_UNDER_ZERO, true);
    scale_stab_feed(&st, &raw, 1300, &out);
    assert_int_equal(out.state, SCALE_UNDER_ZERO);
}

static char *
write_tmp(const char *text)
{
    char *path = strdup("/tmp/tt-sim-XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static int
read_one(struct scale *s, struct weight *w)
{
    struct tt_err err;

    return scale_read(s, w, 2000, &err);
}

static void
sim_replays_frames_through_decoder(void **state)
{
    char *path = write_tmp("# test\nproto xk3190-a12\n"
                           "+0 text WG004.139kg3D\\r\\nWG004.139kg3D\\r\\n\n"
                           "+0 frame 57 47 30 30 34 2E 31 33 39 6B 67 33 44 0D 0A\n"
                           "+0 text WG004.139kg3E\\r\\n\n"
                           "+0 weight 250.5 motion\n");
    char spec[128];
    struct scale *s;
    struct scale_stability cfg = {.n_readings = 3, .min_ms = 0};
    struct weight w;
    struct tt_err err;

    (void)state;
    snprintf(spec, sizeof spec, "sim:%s?speed=0", path);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    scale_set_stability(s, &cfg);
    assert_string_equal(scale_backend(s), "sim");
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 4139 * G);
    assert_int_equal(w.state, SCALE_MOTION);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);      /* three identical: no flag, min 0 ms */
    assert_int_equal(read_one(s, &w), TT_EPARSE); /* damaged frame dropped */
    assert_false(w.has_value);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 250500000);
    assert_int_equal(read_one(s, &w), TT_ENOTFOUND); /* end of recording */
    scale_close(s);
    unlink(path);
    free(path);
}

static void
sim_faults_countdown_once_and_always(void **state)
{
    char *path = write_tmp("+0 weight 1 stable\n+0 weight 2 stable\n+0 weight 3 stable\n"
                           "+0 weight 4 stable\nloop\n");
    char spec[200];
    struct scale *s;
    struct weight w;
    struct tt_err err;

    (void)state;
    /* garbage once after 2 events */
    snprintf(spec, sizeof spec, "sim:%s?speed=0&fault=garbage&after=2&mode=once", path);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 1 * G);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(read_one(s, &w), TT_EPARSE);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 4 * G); /* event 3 was replaced by garbage */
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 1 * G); /* looped, no second fault */
    scale_close(s);
    /* timeout always after 1: nothing arrives any more */
    snprintf(spec, sizeof spec, "sim:%s?speed=0&fault=timeout&after=1&mode=always", path);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(scale_read(s, &w, 50, &err), TT_ETIMEOUT);
    scale_close(s);
    /* unplug once after 1: reported, then found again */
    snprintf(spec, sizeof spec, "sim:%s?speed=0&fault=unplug&after=1&unplug_ms=100", path);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(scale_read(s, &w, 2000, &err), TT_EDEVICE);
    assert_int_equal(w.state, SCALE_DISCONNECTED);
    assert_int_equal(err.code, TT_EDEVICE);
    assert_int_equal(scale_read(s, &w, 0, &err), TT_EDEVICE); /* still gone, no wait */
    assert_int_equal(scale_read(s, &w, 1500, &err), 0);       /* back */
    assert_int_equal(w.ug, 3 * G);
    scale_close(s);
    unlink(path);
    free(path);
}

static void
sim_manual_weight_zero_tare(void **state)
{
    struct scale *s;
    struct weight w;
    struct tt_err err;

    (void)state;
    assert_int_equal(scale_open("sim:?speed=0", &s, &err), 0);
    assert_int_equal(scale_sim_set(s, 1500 * G, SCALE_STABLE, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.state, SCALE_STABLE);
    assert_int_equal(w.ug, 1500 * G);
    assert_int_equal(scale_tare(s, &err), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 0);
    assert_true(w.net);
    assert_int_equal(scale_sim_set(s, 1750 * G, SCALE_STABLE, &err), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.ug, 250 * G);
    assert_int_equal(scale_sim_set(s, 0, SCALE_OVER_CAPACITY, &err), 0);
    assert_int_equal(read_one(s, &w), 0);
    assert_int_equal(w.state, SCALE_OVER_CAPACITY);
    assert_false(w.has_value);
    assert_int_equal(scale_sim_set(s, WEIGHT_MAX_UG + 1, SCALE_STABLE, &err), TT_EINVAL);
    assert_int_equal(scale_fd(s), -1);
    scale_close(s);
    scale_close(NULL);
}

static void
open_refuses_bad_specs(void **state)
{
    struct scale *s = (struct scale *)&s;
    struct tt_err err;

    (void)state;
    assert_int_equal(scale_open("bogus:x", &s, &err), TT_EINVAL);
    assert_null(s);
    assert_int_equal(scale_open("serial:/dev/null?proto=nope", &s, &err), TT_EINVAL);
    assert_int_equal(scale_open("serial:/nonexistent/tty?proto=cas22", &s, &err), TT_EDEVICE);
    assert_int_equal(scale_open("serial:/dev/null?proto=cas22", &s, &err), TT_EDEVICE);
    assert_non_null(strstr(err.msg, "not a serial port"));
    assert_int_equal(scale_open("serial:/dev/null?proto=cas22&baud=1234", &s, &err), TT_EINVAL);
    assert_int_equal(scale_open("usb:zz", &s, &err), TT_EINVAL);
    assert_int_equal(scale_open("sim:/nonexistent", &s, &err), TT_EDEVICE);
    assert_int_equal(scale_open("sim:?fault=melt", &s, &err), TT_EINVAL);
}

/* --- serial on a pseudo-terminal ------------------------------------------------ */

struct player {
    int master;
    const char *bytes;
    int repeat, gap_ms;
    bool hang_up; /* close the master at the end: the cable is pulled */
};

static void *
play(void *arg)
{
    struct player *p = arg;

    for (int i = 0; i < p->repeat; i++) {
        if (write(p->master, p->bytes, strlen(p->bytes)) < 0)
            break;
        poll(NULL, 0, p->gap_ms);
    }
    if (p->hang_up)
        close(p->master);
    return NULL;
}

static void
pty_pair(int *master, char *name, size_t len)
{
    int slave;
    struct termios tio;

    assert_int_equal(openpty(master, &slave, NULL, NULL, NULL), 0);
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    snprintf(name, len, "%s", ttyname(slave));
    close(slave);
}

static void
serial_pty_a12_then_unplug(void **state)
{
    struct player p = {.bytes = "WG004.139kg3D\r\n", .repeat = 6, .gap_ms = 30, .hang_up = true};
    struct scale_stability cfg = {.n_readings = 3, .min_ms = 0};
    char name[64], spec[128];
    struct scale *s;
    struct weight w;
    struct tt_err err;
    pthread_t th;
    int stable = 0, rc;

    (void)state;
    pty_pair(&p.master, name, sizeof name);
    snprintf(spec, sizeof spec, "serial:%s?proto=xk3190-a12&baud=9600", name);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    assert_true(scale_fd(s) >= 0);
    scale_set_stability(s, &cfg);
    pthread_create(&th, NULL, play, &p);
    while ((rc = scale_read(s, &w, 2000, &err)) == 0) {
        assert_int_equal(w.ug, 4139 * G);
        stable += w.state == SCALE_STABLE;
    }
    assert_int_equal(rc, TT_EDEVICE); /* master closed: the port is gone */
    assert_int_equal(w.state, SCALE_DISCONNECTED);
    assert_true(stable >= 3);
    assert_int_equal(scale_zero(s, &err), TT_EDEVICE);
    /* the pty is gone for good: reads keep saying so, within the timeout */
    assert_int_equal(scale_read(s, &w, 100, &err), TT_EDEVICE);
    pthread_join(th, NULL);
    scale_close(s);
}

static void
serial_pty_detects_reversed_eq(void **state)
{
    struct player p = {.bytes = "=000.3000", .repeat = 40, .gap_ms = 20};
    char name[64], spec[128];
    struct scale *s;
    struct weight w;
    struct tt_err err;
    pthread_t th;

    (void)state;
    pty_pair(&p.master, name, sizeof name);
    pthread_create(&th, NULL, play, &p);
    snprintf(spec, sizeof spec, "serial:%s?listen=1500", name);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    assert_non_null(strstr(scale_describe(s), "rev-eq"));
    assert_int_equal(scale_read(s, &w, 2000, &err), 0);
    assert_int_equal(w.ug, 3 * KG);
    assert_int_equal(scale_zero(s, &err), TT_EUSAGE); /* continuous format: keys only */
    pthread_join(th, NULL);
    scale_close(s);
    close(p.master);
}

static void
serial_pty_silent_port_is_not_a_scale(void **state)
{
    char name[64], spec[128];
    int master;
    struct scale *s;
    struct tt_err err;

    (void)state;
    pty_pair(&master, name, sizeof name);
    snprintf(spec, sizeof spec, "serial:%s?listen=100", name);
    assert_int_equal(scale_open(spec, &s, &err), TT_EDEVICE);
    assert_non_null(strstr(err.msg, "no scale protocol"));
    close(master);
}

/* Plays a polled scale: answers each command line with a scripted reply. */
struct responder {
    int master;
    bool toledo;          /* one-letter commands, 7E1 replies with the parity bit set */
    pthread_mutex_t lock; /* guards log: the test reads it while we write */
    char log[256];
    size_t log_len;
    volatile bool stop;
};

/* Answers one MT-SICS command line (without its CR LF). */
static int
answer_sics(int fd, const char *line)
{
    const char *reply = strcmp(line, "SI") == 0  ? "S S      2.500 kg\r\n"
                        : strcmp(line, "Z") == 0 ? "Z A\r\n"
                                                 : NULL;

    return reply != NULL && write(fd, reply, strlen(reply)) < 0 ? -1 : 0;
}

/*
 * A scale on the pty's other end. Commands are taken line by line (or
 * letter by letter for Toledo), however the reads split or join them: a
 * poll and a zero can arrive in one read on a busy machine.
 */
static void *
respond(void *arg)
{
    struct responder *r = arg;
    char buf[64], line[64];
    size_t line_len = 0;

    while (!r->stop) {
        struct pollfd p = {.fd = r->master, .events = POLLIN};
        ssize_t n;
        if (poll(&p, 1, 50) <= 0)
            continue;
        n = read(r->master, buf, sizeof buf);
        if (n <= 0)
            break;
        pthread_mutex_lock(&r->lock);
        for (ssize_t i = 0; i < n && r->log_len < sizeof r->log - 1; i++)
            r->log[r->log_len++] = buf[i];
        pthread_mutex_unlock(&r->lock);
        for (ssize_t i = 0; i < n; i++) {
            if (r->toledo) {
                /* "W" -> STX " 1.234" CR, each byte with even parity in bit 7 */
                static const uint8_t reply[] = {0x82, 0xA0, 0xB1, 0x2E, 0xB2, 0x33, 0xB4, 0x8D};
                if ((buf[i] & 0x7f) == 'W' && write(r->master, reply, sizeof reply) < 0)
                    return NULL;
            } else if (buf[i] == '\n') {
                line[line_len > 0 && line[line_len - 1] == '\r' ? line_len - 1 : line_len] = '\0';
                if (answer_sics(r->master, line) < 0)
                    return NULL;
                line_len = 0;
            } else if (line_len < sizeof line - 1) {
                line[line_len++] = buf[i];
            }
        }
    }
    return NULL;
}

/* Waits up to 5 s for the scale to have received `what`. */
static bool
responder_saw(struct responder *r, const char *what)
{
    for (int waited = 0; waited < 5000; waited += 10) {
        bool seen;

        pthread_mutex_lock(&r->lock);
        seen = strstr(r->log, what) != NULL;
        pthread_mutex_unlock(&r->lock);
        if (seen)
            return true;
        poll(NULL, 0, 10);
    }
    return false;
}

static void
serial_pty_polled_sics_and_toledo(void **state)
{
    struct responder r = {0};
    char name[64], spec[128];
    struct scale *s;
    struct weight w;
    struct tt_err err;
    pthread_t th;
    int i;

    (void)state;
    pthread_mutex_init(&r.lock, NULL);
    pty_pair(&r.master, name, sizeof name);
    pthread_create(&th, NULL, respond, &r);
    snprintf(spec, sizeof spec, "serial:%s?proto=mt-sics", name);
    assert_int_equal(scale_open(spec, &s, &err), 0);
    for (i = 0; i < 10 && (scale_read(s, &w, 1000, &err) != 0 || w.state != SCALE_STABLE); i++)
        ;
    assert_int_equal(w.state, SCALE_STABLE);
    assert_int_equal(w.ug, 2500 * G);
    assert_int_equal(scale_zero(s, &err), 0);
    assert_true(responder_saw(&r, "SI\r\n"));
    assert_true(responder_saw(&r, "Z\r\n"));
    scale_close(s);
    r.stop = true;
    pthread_join(th, NULL);

    /* Toledo 8217: 'W' polls; the parity bit a pty keeps is masked off. */
    pthread_mutex_lock(&r.lock);
    memset(r.log, 0, sizeof r.log);
    r.log_len = 0;
    pthread_mutex_unlock(&r.lock);
    r.stop = false;
    r.toledo = true;
    pthread_create(&th, NULL, respond, &r);
    snprintf(spec, sizeof spec, "serial:%s?proto=toledo8217", name);
    if (scale_open(spec, &s, &err) != 0)
        fail_msg("%s", err.msg);
    assert_non_null(strstr(scale_describe(s), "7E1"));
    for (i = 0; i < 10 && (scale_read(s, &w, 1000, &err) != 0 || w.state != SCALE_STABLE); i++)
        ;
    assert_int_equal(w.state, SCALE_STABLE);
    assert_int_equal(w.ug, 1234 * G);
    assert_int_equal(scale_tare(s, &err), 0);
    assert_true(responder_saw(&r, "W"));
    assert_true(responder_saw(&r, "T"));
    scale_close(s);
    r.stop = true;
    pthread_join(th, NULL);
    close(r.master);
    pthread_mutex_destroy(&r.lock);
}

static void
udev_rule_text(void **state)
{
    char rule[320];

    (void)state;
    devio_udev_rule(rule, sizeof rule, "usb", 0x0922, 0x8003);
    assert_string_equal(rule, "SUBSYSTEM==\"usb\", ATTR{idVendor}==\"0922\", "
                              "ATTR{idProduct}==\"8003\", TAG+=\"uaccess\", GROUP=\"tramtem\", "
                              "MODE=\"0660\"");
    devio_udev_rule(rule, sizeof rule, "tty", 0x1a86, 0x7523);
    assert_non_null(strstr(rule, "ATTRS{idVendor}==\"1a86\""));
    assert_non_null(strstr(rule, "ENV{ID_MM_DEVICE_IGNORE}=\"1\""));
    assert_non_null(devio_usb_lookup(0x1eab, 0x8203)); /* any product of a scanner vendor */
    assert_string_equal(devio_usb_lookup(0x0922, 0x8003)->kind, "scale");
    assert_null(devio_usb_lookup(0x1234, 0x5678));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stab_needs_n_identical_stable),
        cmocka_unit_test(stab_without_flag_needs_time),
        cmocka_unit_test(sim_replays_frames_through_decoder),
        cmocka_unit_test(sim_faults_countdown_once_and_always),
        cmocka_unit_test(sim_manual_weight_zero_tare),
        cmocka_unit_test(open_refuses_bad_specs),
        cmocka_unit_test(serial_pty_a12_then_unplug),
        cmocka_unit_test(serial_pty_detects_reversed_eq),
        cmocka_unit_test(serial_pty_silent_port_is_not_a_scale),
        cmocka_unit_test(serial_pty_polled_sics_and_toledo),
        cmocka_unit_test(udev_rule_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
