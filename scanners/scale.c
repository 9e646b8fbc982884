/*
 * scale.c — what sits above every scale backend, written once: choosing
 * the backend from the SPEC, the stable-weight detector, and hot-plug
 * (a vanished device is reported, then looked for again, never fatal).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devio.h"
#include "scale-int.h"

#define SCALE_RETRY_MS 1000

static const struct scale_stability stability_defaults = {
    .n_readings = 3,
    .tolerance_ug = 0,
    .min_ms = 500,
};

void
scale_stab_init(struct scale_stab *st, const struct scale_stability *cfg)
{
    /* Copy first: cfg may point into *st (a reset keeps the settings). */
    struct scale_stability c = cfg != NULL ? *cfg : stability_defaults;

    memset(st, 0, sizeof *st);
    st->cfg = c;
    if (st->cfg.n_readings < 1)
        st->cfg.n_readings = 1;
}

/* Would the device call this reading stable (or, without a flag, steady)? */
static bool
stab_candidate(const struct weight *w)
{
    if (!w->has_value)
        return false;
    if (w->no_status)
        return w->state == SCALE_MOTION || w->state == SCALE_ZERO;
    return w->state == SCALE_STABLE || w->state == SCALE_ZERO;
}

void
scale_stab_feed(struct scale_stab *st, const struct weight *raw, int64_t now_ms, struct weight *out)
{
    int64_t tol = st->cfg.tolerance_ug > 0 ? st->cfg.tolerance_ug : raw->resolution_ug;
    int64_t diff;

    *out = *raw;
    if (!stab_candidate(raw)) {
        st->count = 0;
        if (raw->no_status && raw->state == SCALE_MOTION)
            out->state = SCALE_MOTION;
        return;
    }
    diff = raw->ug - st->first_ug;
    if (diff < 0)
        diff = -diff;
    if (st->count == 0 || diff > tol) {
        st->count = 1;
        st->first_ug = raw->ug;
        st->since_ms = now_ms;
    } else if (st->count < st->cfg.n_readings) {
        st->count++;
    }
    if (st->count >= st->cfg.n_readings &&
        (!raw->no_status || now_ms - st->since_ms >= st->cfg.min_ms)) {
        out->state = raw->ug == 0 ? SCALE_ZERO : SCALE_STABLE;
        return;
    }
    out->state = SCALE_MOTION; /* settling: not yet N identical readings */
}

static const struct scale_ops *
scale_backend_for(const char *spec)
{
    if (strncmp(spec, "usb:", 4) == 0 || strcmp(spec, "usb") == 0)
        return &scale_hidpos_ops;
    if (strncmp(spec, "hidraw:", 7) == 0)
        return &scale_hidraw_ops;
    if (strncmp(spec, "serial:", 7) == 0)
        return &scale_serial_ops;
    if (strncmp(spec, "sim:", 4) == 0 || strcmp(spec, "sim") == 0)
        return &scale_sim_ops;
    return NULL;
}

int
scale_open(const char *spec, struct scale **out, struct tt_err *err)
{
    const struct scale_ops *ops = scale_backend_for(spec);
    struct scale *s;
    int rc;

    *out = NULL;
    if (ops == NULL)
        return tt_err_set(err, TT_EINVAL, "scale_open",
                          "'%s' is not a scale spec: use usb:VID:PID, hidraw:PATH, "
                          "serial:PATH?proto=NAME or sim:FILE",
                          spec);
    if (strlen(spec) >= sizeof s->spec)
        return tt_err_set(err, TT_EINVAL, "scale_open", "device spec too long");
    s = xcalloc(1, sizeof *s);
    s->ops = ops;
    snprintf(s->spec, sizeof s->spec, "%s", spec);
    scale_stab_init(&s->stab, NULL);
    rc = ops->open(s, spec, err);
    if (rc != 0) {
        free(s);
        return rc;
    }
    s->connected = true;
    *out = s;
    return 0;
}

void
scale_close(struct scale *s)
{
    if (s == NULL)
        return;
    s->ops->close(s);
    free(s);
}

static int
scale_gone(struct scale *s, struct weight *out, struct tt_err *err)
{
    memset(out, 0, sizeof *out);
    out->state = SCALE_DISCONNECTED;
    if (err != NULL && err->code == 0)
        tt_err_set(err, TT_EDEVICE, "scale_read",
                   "the scale is disconnected: check the cable and the power");
    (void)s;
    return TT_EDEVICE;
}

int
scale_read(struct scale *s, struct weight *out, int timeout_ms, struct tt_err *err)
{
    int64_t deadline = devio_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    struct weight raw;
    int rc;

    tt_err_clear(err);
    while (!s->connected) {
        int64_t now = devio_now_ms();
        if (now >= s->next_try_ms) {
            s->next_try_ms = now + SCALE_RETRY_MS;
            if (s->ops->reconnect(s, NULL) == 0) {
                s->connected = true;
                scale_stab_init(&s->stab, &s->stab.cfg);
                break;
            }
        }
        if (now >= deadline)
            return scale_gone(s, out, err);
        devio_sleep_ms((int)((s->next_try_ms < deadline ? s->next_try_ms : deadline) - now));
    }
    {
        int64_t left = deadline - devio_now_ms();
        rc = s->ops->read(s, &raw, left > 0 ? (int)left : 0, err);
    }
    if (rc == TT_EDEVICE) {
        /* Report at once; the next calls look for the device again. */
        s->connected = false;
        s->next_try_ms = devio_now_ms() + SCALE_RETRY_MS / 4;
        s->stab.count = 0;
        return scale_gone(s, out, err);
    }
    if (rc != 0) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    scale_stab_feed(&s->stab, &raw, devio_now_ms(), out);
    return 0;
}

int
scale_zero(struct scale *s, struct tt_err *err)
{
    if (s->ops->zero == NULL)
        return tt_err_set(err, TT_EUSAGE, "scale_zero",
                          "this scale cannot be zeroed from the computer: use its ZERO key");
    if (!s->connected)
        return tt_err_set(err, TT_EDEVICE, "scale_zero", "the scale is disconnected");
    return s->ops->zero(s, err);
}

int
scale_tare(struct scale *s, struct tt_err *err)
{
    if (s->ops->tare == NULL)
        return tt_err_set(err, TT_EUSAGE, "scale_tare",
                          "this scale cannot be tared from the computer: use its TARE key");
    if (!s->connected)
        return tt_err_set(err, TT_EDEVICE, "scale_tare", "the scale is disconnected");
    return s->ops->tare(s, err);
}

int
scale_fd(const struct scale *s)
{
    if (!s->connected || s->ops->fd == NULL)
        return -1;
    return s->ops->fd((struct scale *)(uintptr_t)s);
}

const char *
scale_backend(const struct scale *s)
{
    return s->ops->name;
}

const char *
scale_describe(const struct scale *s)
{
    return s->desc;
}

void
scale_set_stability(struct scale *s, const struct scale_stability *cfg)
{
    scale_stab_init(&s->stab, cfg);
}

int
scale_sim_set(struct scale *s, int64_t ug, enum scale_state state, struct tt_err *err)
{
    if (s->ops != &scale_sim_ops)
        return tt_err_set(err, TT_EUSAGE, "scale_sim_set", "not a simulated scale");
    return scale_sim_set_impl(s, ug, state, err);
}
