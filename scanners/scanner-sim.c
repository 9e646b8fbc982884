/*
 * scanner-sim.c — the simulated scanner: replays a recording or a list of
 * barcodes (sim.h) with timing and faults, and takes scans pushed by the
 * program (training mode's "scan this sample" key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devio.h"
#include "scanner-int.h"
#include "sim.h"

#define SIM_QUEUE 32

struct sim_scanner {
    struct sim_script sc;
    struct sim_player pl;
    struct scan queue[SIM_QUEUE];
    size_t q_head, q_len;
};

static int
ssim_open(struct scanner *sc, const char *spec, struct tt_err *err)
{
    struct sim_scanner *ss = malloc(sizeof *ss);
    int rc;

    if (ss == NULL)
        return TT_ENOMEM;
    memset(ss, 0, sizeof *ss);
    rc = sim_script_load(spec, &ss->sc, err);
    if (rc != 0) {
        free(ss);
        return rc;
    }
    sim_player_start(&ss->pl, &ss->sc, devio_now_ms());
    sc->priv = ss;
    snprintf(sc->desc, sizeof sc->desc, "simulated scanner (%zu recorded events)", ss->sc.n);
    return 0;
}

int
scanner_sim_push_impl(struct scanner *sc, const char *aim, const uint8_t *data, size_t len,
                      struct tt_err *err)
{
    struct sim_scanner *ss = sc->priv;
    struct scan *s;

    if (ss->q_len == SIM_QUEUE)
        return tt_err_set(err, TT_EBUSY, "scanner_sim_push", "%d scans already waiting", SIM_QUEUE);
    if (len > SCAN_DATA_MAX)
        return tt_err_set(err, TT_EINVAL, "scanner_sim_push", "scan too long");
    s = &ss->queue[(ss->q_head + ss->q_len++) % SIM_QUEUE];
    memset(s->aim, 0, sizeof s->aim);
    if (aim != NULL)
        snprintf(s->aim, sizeof s->aim, "%s", aim);
    memcpy(s->data, data, len);
    s->len = len;
    return 0;
}

/* Bytes of a recorded event: one line of a serial scanner, suffix stripped. */
static int
ssim_bytes(const struct sim_event *ev, struct scan *out, struct tt_err *err)
{
    size_t n = ev->len;

    while (n > 0 && (ev->data[n - 1] == '\r' || ev->data[n - 1] == '\n'))
        n--;
    return scan_from_bytes(ev->data, n, out, err);
}

static int
ssim_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err)
{
    struct sim_scanner *ss = sc->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        const struct sim_event *ev;
        int64_t wait, now = devio_now_ms();
        if (ss->q_len > 0) {
            *out = ss->queue[ss->q_head];
            ss->q_head = (ss->q_head + 1) % SIM_QUEUE;
            ss->q_len--;
            return 0;
        }
        switch (sim_player_step(&ss->pl, now, &ev, &wait)) {
        case SIM_STEP_END:
            if (ss->sc.n > 0)
                return tt_err_set(err, TT_ENOTFOUND, "scanner_read", "end of the recording");
            wait = deadline - now; /* only pushed scans: wait for the timeout */
            /* fall through */
        case SIM_STEP_WAIT:
            if (now + wait >= deadline) {
                devio_sleep_ms((int)(deadline > now ? deadline - now : 0));
                return tt_err_set(err, TT_ETIMEOUT, "scanner_read", "no scan");
            }
            devio_sleep_ms((int)wait);
            continue;
        case SIM_STEP_GARBAGE:
            return tt_err_set(err, TT_EPARSE, "scanner_read", "damaged scan (simulated fault)");
        case SIM_STEP_GONE:
            return tt_err_set(err, TT_EDEVICE, "scanner_read", "simulated scanner unplugged");
        case SIM_STEP_EVENT:
            if (ev->kind == SIM_SCAN) {
                memcpy(out->aim, ev->aim, sizeof out->aim);
                memcpy(out->data, ev->data, ev->len);
                out->len = ev->len;
                return 0;
            }
            if (ev->kind == SIM_BYTES)
                return ssim_bytes(ev, out, err);
            continue;
        }
    }
}

static int
ssim_reconnect(struct scanner *sc, struct tt_err *err)
{
    struct sim_scanner *ss = sc->priv;

    if (devio_now_ms() < ss->pl.gone_until_ms)
        return tt_err_set(err, TT_EDEVICE, "scanner_sim", "still unplugged");
    /* Found again: the recording goes on from now, not in a burst. */
    if (ss->pl.due_ms < devio_now_ms())
        ss->pl.due_ms = devio_now_ms();
    return 0;
}

static void
ssim_close(struct scanner *sc)
{
    struct sim_scanner *ss = sc->priv;

    if (ss == NULL)
        return;
    sim_script_free(&ss->sc);
    free(ss);
    sc->priv = NULL;
}

const struct scanner_ops scanner_sim_ops = {
    .name = "sim",
    .open = ssim_open,
    .read = ssim_read,
    .reconnect = ssim_reconnect,
    .fd = NULL,
    .close = ssim_close,
};
