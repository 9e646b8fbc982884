/*
 * bench/scanners.c — figures for the device layer (printed, never pass/fail):
 *   1. decoder throughput per protocol (frames/s, MB/s), pure functions;
 *   2. framer + decoder on a continuous byte stream;
 *   3. latency from a frame written to a pseudo-terminal to the reading
 *      delivered by scale_read() (transport, poll, framer, decoder, detector);
 *   4. latency from the first frame of a new weight to the stable reading
 *      delivered, for a scale sending 10 frames a second (CAS 22, stable
 *      flag, N = 3) — what the operator waits for before the label arms.
 */
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../scanners/decode.h"
#include "../scanners/scale.h"
#include "../tests/unit/support/clock.h"

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
throughput(void)
{
    static const struct {
        enum scale_proto p;
        const char *frame;
    } t[] = {
        {SCALE_PROTO_XK3190_A12, "WG004.139kg3D\r\n"},
        {SCALE_PROTO_XK3190_TF0, "\x02+00152031E\x03"},
        {SCALE_PROTO_REV_EQ, "=000.3000"},
        {SCALE_PROTO_CAS22, "ST,GS,1\xC0,  +13.50 kg\r\n"},
        {SCALE_PROTO_CAS18, "ST,GS,+0001.520kg\r\n"},
        {SCALE_PROTO_SICS, "S S      100.00 g\r\n"},
        {SCALE_PROTO_TOLEDO8217, "\x02  1.234\r"},
        {SCALE_PROTO_OHAUS, "     192.21 g ?\r\n"},
    };
    const int n = 2000000;
    struct weight w;
    long sink = 0;

    printf("1. decoder throughput (%d decodes each, one core)\n", n);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t len = strlen(t[i].frame);
        double t0 = now_s(), dt;
        for (int k = 0; k < n; k++) {
            sink += scale_decode(t[i].p, (const uint8_t *)t[i].frame, len, &w, NULL);
            sink += w.ug & 1;
        }
        dt = now_s() - t0;
        printf("   %-12s %6.1f M frames/s  %7.1f MB/s  %5.0f ns/frame\n", scale_proto_name(t[i].p),
               n / dt / 1e6, n * (double)len / dt / 1e6, dt / n * 1e9);
    }
    {
        static const uint8_t rep[6] = {0x03, 0x04, 0x02, 0x00, 0x2C, 0x01};
        double t0 = now_s(), dt;
        for (int k = 0; k < n; k++)
            sink += hidpos_decode(rep, 6, &w, NULL) + (w.ug & 1);
        dt = now_s() - t0;
        printf("   %-12s %6.1f M frames/s  %7.1f MB/s  %5.0f ns/frame\n", "hid-pos", n / dt / 1e6,
               n * 6.0 / dt / 1e6, dt / n * 1e9);
    }
    if (sink == 42)
        printf(" ");
}

static void
stream_throughput(void)
{
    const char *frame = "WG004.139kg3D\r\n";
    size_t flen = strlen(frame), n = 200000, len = flen * n, pos = 0, frames = 0;
    uint8_t *buf = malloc(len);
    struct scale_framer f;
    double t0, dt;

    if (buf == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * flen, frame, flen);
    scale_framer_init(&f, SCALE_PROTO_XK3190_A12);
    t0 = now_s();
    while (pos < len) {
        const uint8_t *fr;
        size_t fl;
        struct weight w;
        pos += scale_framer_feed(&f, buf + pos, len - pos, &fr, &fl);
        if (fl > 0 && scale_decode(SCALE_PROTO_XK3190_A12, fr, fl, &w, NULL) == 0)
            frames++;
    }
    dt = now_s() - t0;
    printf("2. framer + decoder on a stream: %zu A12 frames (%.1f MB) in %.3f s = %.1f MB/s\n",
           frames, len / 1e6, dt, len / dt / 1e6);
    free(buf);
}

static int
open_pty(int *master, char *name, size_t len)
{
    int slave;
    struct termios tio;

    if (openpty(master, &slave, NULL, NULL, NULL) != 0)
        return -1;
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    snprintf(name, len, "%s", ttyname(slave));
    close(slave);
    return 0;
}

static void
print_dist(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    printf("   %s: n=%d  min %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms\n", what, n,
           v[0] * 1e3, v[n / 2] * 1e3, v[n * 9 / 10] * 1e3, v[n * 99 / 100] * 1e3, v[n - 1] * 1e3);
}

static void
frame_latency(void)
{
    char name[64], spec[128];
    int master, n = 2000;
    double *lat = calloc((size_t)n, sizeof *lat);
    struct scale *s;
    struct tt_err err;
    const char *frame = "WG004.139kg3D\r\n";

    if (lat == NULL || open_pty(&master, name, sizeof name) != 0)
        return;
    snprintf(spec, sizeof spec, "serial:%s?proto=xk3190-a12", name);
    if (scale_open(spec, &s, &err) != 0) {
        printf("3. cannot open %s: %s\n", spec, err.msg);
        return;
    }
    printf("3. frame written to a pty -> reading from scale_read()\n");
    for (int i = 0; i < n; i++) {
        struct weight w;
        double t0 = now_s();
        if (write(master, frame, strlen(frame)) < 0 || scale_read(s, &w, 1000, &err) != 0)
            break;
        lat[i] = now_s() - t0;
    }
    print_dist("per frame", lat, n);
    scale_close(s);
    close(master);
    free(lat);
}

struct feeder {
    int master;
    volatile int stop;
};

/* A CAS scale at 10 Hz: 1.000 kg, then (at t0) 2.500 kg, device flag stable. */
static void *
feed(void *arg)
{
    struct feeder *f = arg;
    const char *a = "ST,GS,1\xC0,  +1.000 kg\r\n", *b = "ST,GS,1\xC0,  +2.500 kg\r\n";

    while (!f->stop) {
        for (int i = 0; i < 5 && !f->stop; i++) {
            if (write(f->master, a, strlen(a)) < 0)
                return NULL;
            poll(NULL, 0, 100);
        }
        for (int i = 0; i < 5 && !f->stop; i++) {
            if (write(f->master, b, strlen(b)) < 0)
                return NULL;
            poll(NULL, 0, 100);
        }
    }
    return NULL;
}

static void
stable_latency(void)
{
    char name[64], spec[128];
    struct feeder f = {0};
    struct scale *s;
    struct tt_err err;
    pthread_t th;
    double lat[20], first = 0;
    int n = 0;
    int64_t last_ug = -1;

    if (open_pty(&f.master, name, sizeof name) != 0)
        return;
    snprintf(spec, sizeof spec, "serial:%s?proto=cas22", name);
    if (scale_open(spec, &s, &err) != 0)
        return;
    pthread_create(&th, NULL, feed, &f);
    printf("4. first frame of a new weight -> stable reading delivered "
           "(CAS 22 at 10 Hz, N = 3)\n");
    while (n < 20) {
        struct weight w;
        if (scale_read(s, &w, 2000, &err) != 0)
            break;
        if (w.ug != last_ug) {
            first = now_s();
            last_ug = w.ug;
        }
        if (w.state == SCALE_STABLE && first > 0) {
            lat[n++] = now_s() - first;
            first = 0;
        }
    }
    f.stop = 1;
    pthread_join(th, NULL);
    if (n > 0)
        print_dist("to stable", lat, n);
    printf("   (the floor is (N-1) x 100 ms = 200 ms: the detector waits for N readings)\n");
    scale_close(s);
    close(f.master);
}

int
main(void)
{
    throughput();
    stream_throughput();
    frame_latency();
    stable_latency();
    return 0;
}
