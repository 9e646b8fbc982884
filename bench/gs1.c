/*
 * bench/gs1.c — parse+validate throughput of gs1_parse() over a realistic
 * mix of what the station reads: produce labels (GTIN, weight, price,
 * dates, lot) as typed brackets and as scanned GS1-128 / DataBar data with
 * GS separators, SSCC pallet labels, and Digital Link URIs from QR codes.
 * Prints messages/s and element strings/s per second of CPU time on one
 * core; also formatting and Digital Link generation. A figure, not a test.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../gs1/gs1.h"

static const char *const mix[] = {
    "(01)98931234567890(3103)001250(3922)45000(15)261231(10)LV2611A",
    "]e001989312345678903103000845392200315\x1d"
    "15261130"
    "10LV2611B",
    "]C10108931234567897100329\x1d"
    "15261231",
    "]C101089312345678971726022810LOT-0042\x1d"
    "21SN000123",
    "(01)08931234567897(10)BUOI-LV-01(7007)251201(422)704",
    "(00)389312340000000012(02)08931234567897(37)48(3300)000450",
    "]C1003893123400000000120208931234567897"
    "3748\x1d"
    "3300000450",
    "https://id.gs1.org/01/08931234567897/10/LV2611A?15=261231&3103=001250",
    "]Q1https://tx.example.vn/01/08931234567897/10/NEM-17?17=260115",
    "]d201089312345678971726011510NEM-17\x1d"
    "21000451",
    "(01)08931234567897(13)260101(10)CHELAM(11)251230",
    /* one misread in twelve: a wrong check digit */
    "]C10108931234567898100329",
};

/*
 * CPU time of this thread, not wall time: the figure is per core and does
 * not drop when other programs share the machine.
 */
static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double
wall(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses inputs[] round-robin for `secs`; prints messages/s and elements/s. */
static void
run(const char *label, const char *const *inputs, size_t n, double secs)
{
    size_t lens[16], msgs = 0, elements = 0;
    struct gs1_msg msg;
    struct tt_err err;
    double t0 = now(), w0 = wall(), t;

    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(inputs[i]);
    do {
        for (int r = 0; r < 1000; r++)
            for (size_t i = 0; i < n; i++) {
                if (gs1_parse(inputs[i], lens[i], &msg, &err) == 0)
                    elements += msg.n;
                msgs++;
            }
        t = now() - t0;
    } while (t < secs);
    printf("%-34s %9.0f messages/s  %6.2f million element strings/s  %4.0f ns/message"
           "  (wall clock: %.2f million/s)\n",
           label, (double)msgs / t, (double)elements / t / 1e6, t / (double)msgs * 1e9,
           (double)elements / (wall() - w0) / 1e6);
}

int
main(void)
{
    enum { N = sizeof mix / sizeof mix[0] };
    size_t n_valid = 0, n_el = 0, msgs;
    struct gs1_msg msg;
    struct tt_err err;
    char out[512];
    double t0, t;

    for (size_t i = 0; i < N; i++) {
        if (gs1_parse(mix[i], strlen(mix[i]), &msg, &err) == 0) {
            n_valid++;
            n_el += msg.n;
        } else {
            printf("  (invalid in the mix on purpose: %.40s… %s)\n", mix[i], err.msg);
        }
    }
    printf("mix: %zu inputs, %zu valid, %zu elements\n", (size_t)N, n_valid, n_el);
    run("parse+validate, whole mix:", mix, N, 3.0);
    run("  typed brackets (0,4,10):", (const char *const[]){mix[0], mix[4], mix[10]}, 3, 1.0);
    run("  scanned raw + AIM (1,2,3,6,9):",
        (const char *const[]){mix[1], mix[2], mix[3], mix[6], mix[9]}, 5, 1.0);
    run("  Digital Link URIs (7,8):", (const char *const[]){mix[7], mix[8]}, 2, 1.0);
    gs1_parse(mix[0], strlen(mix[0]), &msg, &err);
    msgs = 0;
    t0 = now();
    do {
        for (int r = 0; r < 10000; r++) {
            gs1_format(&msg, GS1_SYNTAX_RAW, GS1_CARRIER_GS1_128, out, sizeof out, &err);
            msgs++;
        }
        t = now() - t0;
    } while (t < 1.0);
    printf("format (raw, GS1-128): %.0f messages/s\n", (double)msgs / t);
    msgs = 0;
    t0 = now();
    do {
        for (int r = 0; r < 10000; r++) {
            gs1_dl_uri(&msg, NULL, out, sizeof out, &err);
            msgs++;
        }
        t = now() - t0;
    } while (t < 1.0);
    printf("Digital Link URI (validate + generate): %.0f messages/s\n", (double)msgs / t);
    return 0;
}
