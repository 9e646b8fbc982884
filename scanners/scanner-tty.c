/*
 * scanner-tty.c — the fallback for a keyboard-wedge scanner that cannot be
 * grabbed: read the kiosk's own terminal and tell a scan from typing by
 * timing (reference/devices.md §2.4; the rule is in decode-wedge.c). The
 * terminal is put in non-canonical mode without echo and given back as it
 * was on close. "tty" uses /dev/tty; "tty:PATH" another terminal (tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "devio.h"
#include "scanner-int.h"

struct tty_scanner {
    int fd;
    char path[256];
    struct termios saved;
    bool have_saved;
    struct wedge_timing timing;
    uint8_t buf[256];
    size_t len, pos;
};

static int
tty_open(struct scanner *sc, const char *spec, struct tt_err *err)
{
    struct tty_scanner *ts = xcalloc(1, sizeof *ts);
    struct termios tio;
    long gap, min_len;
    int rc;

    snprintf(ts->path, sizeof ts->path, "/dev/tty");
    if (strncmp(spec, "tty:", 4) == 0 && devio_spec_path(spec, ts->path, sizeof ts->path) != 0) {
        free(ts);
        return tt_err_set(err, TT_EINVAL, "scanner_tty", "terminal path too long");
    }
    wedge_timing_init(&ts->timing);
    rc = devio_spec_int(spec, "gap", ts->timing.max_avg_gap_ms, &gap, err);
    if (rc == 0)
        rc = devio_spec_int(spec, "min", ts->timing.min_len, &min_len, err);
    if (rc != 0) {
        free(ts);
        return rc;
    }
    ts->timing.max_avg_gap_ms = (int)gap;
    ts->timing.min_len = (int)min_len;
    ts->fd = open(ts->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (ts->fd < 0) {
        rc = tt_err_set(err, TT_EDEVICE, "scanner_tty", "cannot open the terminal %s: %s", ts->path,
                        strerror(errno));
        free(ts);
        return rc;
    }
    if (tcgetattr(ts->fd, &ts->saved) == 0) {
        ts->have_saved = true;
        tio = ts->saved;
        tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        tio.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR);
        tio.c_cc[VMIN] = 0;
        tio.c_cc[VTIME] = 0;
        tcsetattr(ts->fd, TCSANOW, &tio);
    }
    sc->priv = ts;
    snprintf(sc->desc, sizeof sc->desc, "scans typed on %s, told from typing by timing", ts->path);
    return 0;
}

static int
tty_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err)
{
    struct tty_scanner *ts = sc->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        while (ts->pos < ts->len) {
            int v = wedge_timing_feed(&ts->timing, ts->buf[ts->pos++], devio_now_ms(), out, err);
            if (v == WEDGE_SCAN)
                return 0;
            if (v == WEDGE_TYPED)
                return tt_err_set(err, TT_ESTATE, "scanner_read",
                                  "a line was typed by hand, not scanned");
            if (v < 0)
                return v;
        }
        {
            int64_t left = deadline - devio_now_ms();
            int n =
                devio_read_timeout(ts->fd, ts->buf, sizeof ts->buf, left > 0 ? (int)left : 0, err);
            if (n < 0)
                return n;
            if (n == 0)
                return tt_err_set(err, TT_ETIMEOUT, "scanner_read", "no scan");
            ts->len = (size_t)n;
            ts->pos = 0;
        }
    }
}

static int
tty_reconnect(struct scanner *sc, struct tt_err *err)
{
    (void)sc;
    return tt_err_set(err, TT_EDEVICE, "scanner_tty", "the terminal is gone");
}

static int
tty_fd(struct scanner *sc)
{
    return ((struct tty_scanner *)sc->priv)->fd;
}

static void
tty_close(struct scanner *sc)
{
    struct tty_scanner *ts = sc->priv;

    if (ts == NULL)
        return;
    if (ts->have_saved)
        tcsetattr(ts->fd, TCSANOW, &ts->saved);
    close(ts->fd);
    free(ts);
    sc->priv = NULL;
}

const struct scanner_ops scanner_tty_ops = {
    .name = "tty",
    .open = tty_open,
    .read = tty_read,
    .reconnect = tty_reconnect,
    .fd = tty_fd,
    .close = tty_close,
};
