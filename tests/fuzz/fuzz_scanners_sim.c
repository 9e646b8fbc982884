/*
 * fuzz_scanners_sim.c — the simulation recording parser and player on
 * arbitrary text: parse as a recording and as a barcode list, then play the
 * script at speed 0 through the decoder of its protocol. No crash, no leak,
 * events within bounds, and the player always ends or waits.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../../scanners/sim.h"

static void
play(struct sim_script *sc)
{
    struct sim_player p;
    int64_t now = 0;

    sc->speed = 0;
    sim_player_start(&p, sc, now);
    for (int i = 0; i < 200; i++) {
        const struct sim_event *ev;
        int64_t wait;
        enum sim_step st = sim_player_step(&p, now, &ev, &wait);
        if (st == SIM_STEP_END)
            break;
        if (st == SIM_STEP_WAIT || st == SIM_STEP_GONE) {
            assert(wait >= 0);
            now += wait > 0 ? wait : 10;
            continue;
        }
        if (st == SIM_STEP_EVENT && ev->kind == SIM_BYTES && sc->proto != SCALE_PROTO_NONE) {
            struct scale_framer f;
            size_t pos = 0;
            scale_framer_init(&f, sc->proto);
            while (pos < ev->len) {
                const uint8_t *frame;
                size_t flen;
                struct weight w;
                pos += scale_framer_feed(&f, ev->data + pos, ev->len - pos, &frame, &flen);
                if (flen > 0 && scale_decode(sc->proto, frame, flen, &w, NULL) == 0)
                    assert(w.ug <= WEIGHT_MAX_UG && w.ug >= -WEIGHT_MAX_UG);
            }
        }
        if (st == SIM_STEP_EVENT && ev->kind == SIM_SCAN)
            assert(ev->len <= SCAN_DATA_MAX);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sim_script sc;

    for (int list = 0; list <= 1; list++) {
        if (sim_script_parse((const char *)data, size, list, &sc, NULL) == 0) {
            for (size_t i = 0; i < sc.n; i++)
                assert(sc.ev[i].delay_ms >= 0);
            play(&sc);
            sim_script_free(&sc);
        } else {
            assert(sc.ev == NULL && sc.n == 0);
        }
    }
    return 0;
}
