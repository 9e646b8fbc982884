/*
 * scale-sim.c — the simulated scale: replays a recording (sim.h) through
 * the same decoders and the same detector as a real scale, with the
 * recorded timing and injected faults; or, with an empty spec ("sim:"),
 * reports a weight set by the program (scale_sim_set: the demo kiosk's keys,
 * training mode).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devio.h"
#include "scale-int.h"
#include "sim.h"

#define SIM_MANUAL_PERIOD_MS 100 /* a real scale reports about 10 times a second */

struct sim_scale {
    struct sim_script sc;
    struct sim_player pl;
    bool manual;
    struct weight manual_w;
    int64_t last_manual_ms;
    int64_t offset_ug;   /* zero / tare on the simulated device */
    int64_t last_raw_ug; /* last weight before the offset */
    bool net;
    struct scale_framer framer;
    uint8_t pending[SCAN_DATA_MAX];
    size_t pending_len, pending_pos;
};

static int
sim_open(struct scale *s, const char *spec, struct tt_err *err)
{
    struct sim_scale *ss = xcalloc(1, sizeof *ss);
    int rc = sim_script_load(spec, &ss->sc, err);

    if (rc != 0) {
        free(ss);
        return rc;
    }
    ss->manual = ss->sc.n == 0;
    ss->manual_w.state = SCALE_ZERO;
    ss->manual_w.has_value = true;
    ss->manual_w.resolution_ug = 1000; /* 1 g, like a produce scale */
    scale_framer_init(&ss->framer, ss->sc.proto);
    sim_player_start(&ss->pl, &ss->sc, devio_now_ms());
    s->priv = ss;
    snprintf(s->desc, sizeof s->desc, "simulated scale%s%s", ss->manual ? "" : ", protocol ",
             ss->manual ? "" : scale_proto_name(ss->sc.proto));
    return 0;
}

int
scale_sim_set_impl(struct scale *s, int64_t ug, enum scale_state state, struct tt_err *err)
{
    struct sim_scale *ss = s->priv;

    if (ug > WEIGHT_MAX_UG || ug < -WEIGHT_MAX_UG)
        return tt_err_set(err, TT_EINVAL, "scale_sim_set", "weight out of range");
    ss->manual = true;
    ss->manual_w.ug = ug;
    ss->manual_w.state = state;
    ss->manual_w.has_value =
        state != SCALE_OVER_CAPACITY && state != SCALE_FAULT && state != SCALE_NEEDS_CALIBRATION;
    return 0;
}

/* Applies the simulated zero/tare offset. */
static void
sim_adjust(struct sim_scale *ss, struct weight *w)
{
    if (!w->has_value)
        return;
    ss->last_raw_ug = w->ug;
    if (ss->offset_ug == 0)
        return;
    w->ug -= ss->offset_ug;
    w->net = ss->net;
    if (w->ug < 0 && w->state != SCALE_MOTION)
        w->state = SCALE_UNDER_ZERO;
}

static int
sim_manual_read(struct sim_scale *ss, struct weight *out, int64_t deadline, struct tt_err *err)
{
    int64_t period = ss->sc.speed <= 0 ? 0 : SIM_MANUAL_PERIOD_MS;
    int64_t due = ss->last_manual_ms + period, now = devio_now_ms();

    if (due > now) {
        if (due > deadline) {
            devio_sleep_ms((int)(deadline > now ? deadline - now : 0));
            return tt_err_set(err, TT_ETIMEOUT, "scale_read", "no reading yet");
        }
        devio_sleep_ms((int)(due - now));
    }
    ss->last_manual_ms = devio_now_ms();
    *out = ss->manual_w;
    sim_adjust(ss, out);
    return 0;
}

/* Bytes of an event go through the framer and the decoder, like a real port. */
static int
sim_pending_frame(struct sim_scale *ss, struct weight *out, struct tt_err *err)
{
    while (ss->pending_pos < ss->pending_len) {
        const uint8_t *frame;
        size_t flen;
        ss->pending_pos += scale_framer_feed(&ss->framer, ss->pending + ss->pending_pos,
                                             ss->pending_len - ss->pending_pos, &frame, &flen);
        if (flen > 0) {
            int rc = scale_decode(ss->sc.proto, frame, flen, out, err);
            if (rc == 0)
                sim_adjust(ss, out);
            return rc == 0 ? 1 : rc;
        }
    }
    return 0;
}

static int
sim_event_reading(struct sim_scale *ss, const struct sim_event *ev, struct weight *out)
{
    memset(out, 0, sizeof *out);
    out->state = ev->state;
    out->has_value = ev->state == SCALE_STABLE || ev->state == SCALE_MOTION ||
                     ev->state == SCALE_ZERO || ev->state == SCALE_UNDER_ZERO;
    if (out->has_value) {
        out->ug = ev->ug;
        out->resolution_ug = ev->resolution_ug;
    }
    sim_adjust(ss, out);
    return 0;
}

static int
sim_read(struct scale *s, struct weight *out, int timeout_ms, struct tt_err *err)
{
    static const uint8_t garbage[] = "\x13\x37~garbage\xff?\r\n";
    struct sim_scale *ss = s->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    if (ss->manual)
        return sim_manual_read(ss, out, deadline, err);
    for (;;) {
        const struct sim_event *ev;
        int64_t wait, now = devio_now_ms();
        int rc = sim_pending_frame(ss, out, err);
        if (rc != 0)
            return rc < 0 ? rc : 0;
        switch (sim_player_step(&ss->pl, now, &ev, &wait)) {
        case SIM_STEP_WAIT:
            if (now + wait > deadline) {
                devio_sleep_ms((int)(deadline - now));
                return tt_err_set(err, TT_ETIMEOUT, "scale_read", "no reading yet");
            }
            devio_sleep_ms((int)wait);
            continue;
        case SIM_STEP_GARBAGE:
            /* Damaged bytes go through the real decoder, which must refuse them. */
            if (scale_decode(ss->sc.proto == SCALE_PROTO_NONE ? SCALE_PROTO_OHAUS : ss->sc.proto,
                             garbage, sizeof garbage - 1, out, err) == 0)
                return tt_err_set(err, TT_EPARSE, "scale_read", "garbage decoded as a weight");
            return TT_EPARSE;
        case SIM_STEP_GONE:
            return tt_err_set(err, TT_EDEVICE, "scale_read", "simulated scale unplugged");
        case SIM_STEP_END:
            return tt_err_set(err, TT_ENOTFOUND, "scale_read", "end of the recording");
        case SIM_STEP_EVENT:
            if (ev->kind == SIM_WEIGHT)
                return sim_event_reading(ss, ev, out);
            if (ev->kind == SIM_BYTES) {
                memcpy(ss->pending, ev->data, ev->len);
                ss->pending_len = ev->len;
                ss->pending_pos = 0;
            }
            continue;
        }
    }
}

static int
sim_zero_tare(struct scale *s, bool tare, struct tt_err *err)
{
    struct sim_scale *ss = s->priv;

    /* What the device shows now becomes zero (zero) or the tare (net). */
    (void)err;
    ss->offset_ug = ss->last_raw_ug;
    ss->net = tare;
    return 0;
}

static int
sim_zero(struct scale *s, struct tt_err *err)
{
    return sim_zero_tare(s, false, err);
}

static int
sim_tare(struct scale *s, struct tt_err *err)
{
    return sim_zero_tare(s, true, err);
}

static int
sim_reconnect(struct scale *s, struct tt_err *err)
{
    struct sim_scale *ss = s->priv;

    if (devio_now_ms() < ss->pl.gone_until_ms)
        return tt_err_set(err, TT_EDEVICE, "scale_sim", "still unplugged");
    /* Found again: the recording goes on from now, not in a burst. */
    if (ss->pl.due_ms < devio_now_ms())
        ss->pl.due_ms = devio_now_ms();
    return 0;
}

static void
sim_close(struct scale *s)
{
    struct sim_scale *ss = s->priv;

    if (ss == NULL)
        return;
    sim_script_free(&ss->sc);
    free(ss);
    s->priv = NULL;
}

const struct scale_ops scale_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .read = sim_read,
    .zero = sim_zero,
    .tare = sim_tare,
    .reconnect = sim_reconnect,
    .fd = NULL,
    .close = sim_close,
};
