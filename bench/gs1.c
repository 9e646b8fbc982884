/*
 * bench/gs1.c — parse+validate throughput of gs1_parse() over a realistic
 * mix of what the station reads: produce labels (GTIN, weight, price,
 * dates, lot) as typed brackets and as scanned GS1-128 / DataBar data with
 * GS separators, SSCC pallet labels, and Digital Link URIs from QR codes.
 * Prints messages/s and element strings/s on one core; also formatting
 * and Digital Link generation. A figure, not a test.
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

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(void)
{
    enum { N = sizeof mix / sizeof mix[0] };
    size_t lens[N], n_valid = 0, n_el = 0, msgs = 0, elements = 0;
    struct gs1_msg msg;
    struct tt_err err;
    char out[512];
    double t0, t;

    for (size_t i = 0; i < N; i++) {
        lens[i] = strlen(mix[i]);
        if (gs1_parse(mix[i], lens[i], &msg, &err) == 0) {
            n_valid++;
            n_el += msg.n;
        } else {
            printf("  (invalid in the mix on purpose or by mistake: %.40s… %s)\n", mix[i], err.msg);
        }
    }
    printf("mix: %zu inputs, %zu valid, %zu elements\n", (size_t)N, n_valid, n_el);
    t0 = now();
    do {
        for (int r = 0; r < 1000; r++)
            for (size_t i = 0; i < N; i++) {
                if (gs1_parse(mix[i], lens[i], &msg, &err) == 0)
                    elements += msg.n;
                msgs++;
            }
        t = now() - t0;
    } while (t < 3.0);
    printf("parse+validate: %.0f messages/s, %.2f million element strings/s (%.0f ns/message)\n",
           (double)msgs / t, (double)elements / t / 1e6, t / (double)msgs * 1e9);
    gs1_parse(mix[0], lens[0], &msg, &err);
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
