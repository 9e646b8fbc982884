/*
 * scanner.c — choosing the scanner backend from the SPEC, and hot-plug
 * above all of them (same rules as scale.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devio.h"
#include "scanner-int.h"

#define SCANNER_RETRY_MS 1000

static const struct scanner_ops *
scanner_backend_for(const char *spec)
{
    if (strncmp(spec, "evdev:", 6) == 0)
        return &scanner_evdev_ops;
    if (strcmp(spec, "tty") == 0 || strncmp(spec, "tty:", 4) == 0)
        return &scanner_tty_ops;
    if (strncmp(spec, "usb:", 4) == 0 || strcmp(spec, "usb") == 0)
        return &scanner_hidpos_ops;
    if (strncmp(spec, "serial:", 7) == 0)
        return &scanner_serial_ops;
    if (strncmp(spec, "sim:", 4) == 0 || strcmp(spec, "sim") == 0)
        return &scanner_sim_ops;
    return NULL;
}

int
scanner_open(const char *spec, struct scanner **out, struct tt_err *err)
{
    const struct scanner_ops *ops = scanner_backend_for(spec);
    struct scanner *sc;
    int rc;

    *out = NULL;
    if (ops == NULL)
        return tt_err_set(err, TT_EINVAL, "scanner_open",
                          "'%s' is not a scanner spec: use evdev:PATH, tty, usb:VID:PID, "
                          "serial:PATH or sim:FILE",
                          spec);
    if (strlen(spec) >= sizeof sc->spec)
        return tt_err_set(err, TT_EINVAL, "scanner_open", "device spec too long");
    sc = xcalloc(1, sizeof *sc);
    sc->ops = ops;
    snprintf(sc->spec, sizeof sc->spec, "%s", spec);
    rc = ops->open(sc, spec, err);
    if (rc != 0) {
        free(sc);
        return rc;
    }
    sc->connected = true;
    *out = sc;
    return 0;
}

void
scanner_close(struct scanner *sc)
{
    if (sc == NULL)
        return;
    sc->ops->close(sc);
    free(sc);
}

int
scanner_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err)
{
    int64_t deadline = devio_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    int rc;

    tt_err_clear(err);
    out->len = 0;
    memset(out->aim, 0, sizeof out->aim);
    while (!sc->connected) {
        int64_t now = devio_now_ms();
        if (now >= sc->next_try_ms) {
            sc->next_try_ms = now + SCANNER_RETRY_MS;
            if (sc->ops->reconnect(sc, NULL) == 0) {
                sc->connected = true;
                break;
            }
        }
        if (now >= deadline)
            return tt_err_set(err, TT_EDEVICE, "scanner_read",
                              "the scanner is disconnected: check the cable");
        devio_sleep_ms((int)((sc->next_try_ms < deadline ? sc->next_try_ms : deadline) - now));
    }
    {
        int64_t left = deadline - devio_now_ms();
        rc = sc->ops->read(sc, out, left > 0 ? (int)left : 0, err);
    }
    if (rc == TT_EDEVICE) {
        sc->connected = false;
        sc->next_try_ms = devio_now_ms() + SCANNER_RETRY_MS / 4;
    }
    return rc;
}

int
scanner_fd(const struct scanner *sc)
{
    if (!sc->connected || sc->ops->fd == NULL)
        return -1;
    return sc->ops->fd((struct scanner *)(uintptr_t)sc);
}

const char *
scanner_backend(const struct scanner *sc)
{
    return sc->ops->name;
}

const char *
scanner_describe(const struct scanner *sc)
{
    return sc->desc;
}

int
scanner_sim_push(struct scanner *sc, const char *aim, const uint8_t *data, size_t len,
                 struct tt_err *err)
{
    if (sc->ops != &scanner_sim_ops)
        return tt_err_set(err, TT_EUSAGE, "scanner_sim_push", "not a simulated scanner");
    return scanner_sim_push_impl(sc, aim, data, len, err);
}
