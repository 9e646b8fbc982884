/*
 * scanner-serial.c — CDC-ACM (/dev/ttyACM*) and serial scanners: a plain
 * byte stream, one barcode per line ended by CR, LF or CR LF (the
 * scanner's suffix setting). No layout problems; GS bytes arrive intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devio.h"
#include "scanner-int.h"

struct serial_scanner {
    int fd;
    char path[256];
    struct devio_serial_cfg cfg;
    uint8_t line[SCAN_DATA_MAX];
    size_t line_len;
    bool overflow;
    uint8_t buf[512];
    size_t len, pos;
};

static int
sser_open(struct scanner *sc, const char *spec, struct tt_err *err)
{
    struct serial_scanner *ss = xcalloc(1, sizeof *ss);
    int rc;

    ss->fd = -1;
    ss->cfg.bits = 8;
    ss->cfg.parity = 'n';
    if (devio_spec_path(spec, ss->path, sizeof ss->path) != 0 || ss->path[0] == '\0')
        rc = tt_err_set(err, TT_EINVAL, "scanner_serial", "serial spec needs a path");
    else
        rc = devio_spec_int(spec, "baud", 9600, &ss->cfg.baud, err);
    if (rc == 0)
        rc = devio_serial_open(ss->path, &ss->cfg, &ss->fd, err);
    if (rc != 0) {
        free(ss);
        return rc;
    }
    sc->priv = ss;
    snprintf(sc->desc, sizeof sc->desc, "serial scanner %s, %ld baud", ss->path, ss->cfg.baud);
    return 0;
}

/* One byte; 1 when it ended a line that is now in `out`. */
static int
sser_byte(struct serial_scanner *ss, uint8_t c, struct scan *out, struct tt_err *err)
{
    if (c == '\r' || c == '\n') {
        size_t n = ss->line_len;
        bool bad = ss->overflow;
        ss->line_len = 0;
        ss->overflow = false;
        if (bad)
            return tt_err_set(err, TT_EINVAL, "scanner_read", "scan longer than %d bytes: dropped",
                              SCAN_DATA_MAX);
        if (n == 0)
            return 0; /* the LF of CR LF */
        return scan_from_bytes(ss->line, n, out, err) == 0 ? 1 : TT_EINVAL;
    }
    if (ss->line_len == SCAN_DATA_MAX)
        ss->overflow = true;
    else
        ss->line[ss->line_len++] = c;
    return 0;
}

static int
sser_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err)
{
    struct serial_scanner *ss = sc->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        while (ss->pos < ss->len) {
            int rc = sser_byte(ss, ss->buf[ss->pos++], out, err);
            if (rc != 0)
                return rc < 0 ? rc : 0;
        }
        {
            int64_t left = deadline - devio_now_ms();
            int n =
                devio_read_timeout(ss->fd, ss->buf, sizeof ss->buf, left > 0 ? (int)left : 0, err);
            if (n < 0)
                return n;
            if (n == 0)
                return tt_err_set(err, TT_ETIMEOUT, "scanner_read", "no scan");
            ss->len = (size_t)n;
            ss->pos = 0;
        }
    }
}

static int
sser_reconnect(struct scanner *sc, struct tt_err *err)
{
    struct serial_scanner *ss = sc->priv;

    if (ss->fd >= 0)
        close(ss->fd);
    ss->fd = -1;
    ss->len = ss->pos = ss->line_len = 0;
    return devio_serial_open(ss->path, &ss->cfg, &ss->fd, err);
}

static int
sser_fd(struct scanner *sc)
{
    return ((struct serial_scanner *)sc->priv)->fd;
}

static void
sser_close(struct scanner *sc)
{
    struct serial_scanner *ss = sc->priv;

    if (ss == NULL)
        return;
    if (ss->fd >= 0)
        close(ss->fd);
    free(ss);
    sc->priv = NULL;
}

const struct scanner_ops scanner_serial_ops = {
    .name = "serial",
    .open = sser_open,
    .read = sser_read,
    .reconnect = sser_reconnect,
    .fd = sser_fd,
    .close = sser_close,
};
