/*
 * scale-serial.c — serial scales over termios (RS-232, USB-serial cables,
 * pseudo-terminals in tests). One pure decoder per protocol (decode-*.c);
 * this file only moves bytes, polls the protocols that must be asked, and
 * detects the protocol when none is configured: first it listens (most
 * indicators send continuously, and writing to an unknown device can
 * confuse it — reference/devices.md §5.1), then it asks politely, one
 * harmless read command per protocol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devio.h"
#include "scale-int.h"

#define RX_MAX           512
#define POLL_INTERVAL_MS 200 /* Odoo waits 0.2 s after a command */

struct serial_scale {
    int fd;
    char path[256];
    struct devio_serial_cfg cfg;
    enum scale_proto proto;
    const char *poll_cmd; /* NULL: the scale talks by itself */
    int64_t last_poll_ms;
    struct scale_framer framer;
    uint8_t rx[RX_MAX];
    size_t rx_len, rx_pos;
};

static const char *
poll_command(enum scale_proto p)
{
    switch (p) {
    case SCALE_PROTO_SICS:
        return "SI\r\n";
    case SCALE_PROTO_TOLEDO8217:
        return "W";
    default:
        return NULL;
    }
}

static int
serial_cfg_parse(struct serial_scale *ss, const char *spec, struct tt_err *err)
{
    char v[32];
    long baud, bits;
    int rc;

    ss->cfg.baud = 9600;
    ss->cfg.bits = scale_proto_7bit(ss->proto) ? 7 : 8;
    ss->cfg.parity = scale_proto_7bit(ss->proto) ? 'e' : 'n';
    rc = devio_spec_int(spec, "baud", 9600, &baud, err);
    if (rc == 0)
        rc = devio_spec_int(spec, "bits", ss->cfg.bits, &bits, err);
    if (rc != 0)
        return rc;
    if (bits != 7 && bits != 8)
        return tt_err_set(err, TT_EINVAL, "scale_serial", "bits=%ld: use 7 or 8", bits);
    ss->cfg.baud = baud;
    ss->cfg.bits = (int)bits;
    if (devio_spec_param(spec, "parity", v, sizeof v) == 1) {
        if (strcmp(v, "n") != 0 && strcmp(v, "e") != 0 && strcmp(v, "o") != 0)
            return tt_err_set(err, TT_EINVAL, "scale_serial", "parity=%s: use n, e or o", v);
        ss->cfg.parity = v[0];
    }
    return 0;
}

/* Takes the next frame out of the receive buffer; 1 when one is there. */
static int
serial_next_frame(struct serial_scale *ss, struct weight *out, struct tt_err *err)
{
    while (ss->rx_pos < ss->rx_len) {
        const uint8_t *frame;
        size_t flen;
        size_t used = scale_framer_feed(&ss->framer, ss->rx + ss->rx_pos, ss->rx_len - ss->rx_pos,
                                        &frame, &flen);
        ss->rx_pos += used;
        if (flen > 0) {
            int rc = scale_decode(ss->proto, frame, flen, out, err);
            return rc == 0 ? 1 : rc;
        }
    }
    ss->rx_pos = ss->rx_len = 0;
    return 0;
}

static int
serial_fill(struct serial_scale *ss, int timeout_ms, struct tt_err *err)
{
    int n = devio_read_timeout(ss->fd, ss->rx, sizeof ss->rx, timeout_ms, err);

    if (n > 0) {
        ss->rx_len = (size_t)n;
        ss->rx_pos = 0;
    }
    return n;
}

static int
serial_read(struct scale *s, struct weight *out, int timeout_ms, struct tt_err *err)
{
    struct serial_scale *ss = s->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        int64_t now = devio_now_ms(), left;
        int rc = serial_next_frame(ss, out, err);
        if (rc != 0)
            return rc < 0 ? rc : 0;
        if (ss->poll_cmd != NULL && now - ss->last_poll_ms >= POLL_INTERVAL_MS) {
            ss->last_poll_ms = now;
            rc = devio_write_all(ss->fd, ss->poll_cmd, strlen(ss->poll_cmd), err);
            if (rc != 0)
                return rc;
        }
        left = deadline - now;
        if (ss->poll_cmd != NULL && left > POLL_INTERVAL_MS)
            left = POLL_INTERVAL_MS;
        rc = serial_fill(ss, left > 0 ? (int)left : 0, err);
        if (rc < 0)
            return rc;
        if (rc == 0 && devio_now_ms() >= deadline)
            return tt_err_set(err, TT_ETIMEOUT, "scale_read", "no data from the scale");
    }
}

/* --- protocol detection ------------------------------------------------------------ */

/* Listens for up to ms: the first protocol with two good frames wins. */
static enum scale_proto
serial_listen(struct serial_scale *ss, int ms)
{
    struct scale_framer fr[SCALE_PROTO_COUNT];
    int good[SCALE_PROTO_COUNT] = {0};
    int64_t end = devio_now_ms() + ms;
    uint8_t buf[128];

    for (int p = 1; p < SCALE_PROTO_COUNT; p++)
        scale_framer_init(&fr[p], (enum scale_proto)p);
    while (devio_now_ms() < end) {
        int n = devio_read_timeout(ss->fd, buf, sizeof buf, (int)(end - devio_now_ms()), NULL);
        if (n <= 0)
            break;
        for (int p = 1; p < SCALE_PROTO_COUNT; p++) {
            size_t pos = 0;
            while (pos < (size_t)n) {
                const uint8_t *frame;
                size_t flen;
                struct weight w;
                pos += scale_framer_feed(&fr[p], buf + pos, (size_t)n - pos, &frame, &flen);
                if (flen > 0 && scale_decode((enum scale_proto)p, frame, flen, &w, NULL) == 0 &&
                    ++good[p] >= 2) {
                    ss->framer = fr[p];
                    return (enum scale_proto)p;
                }
            }
        }
    }
    return SCALE_PROTO_NONE;
}

/* Asks with one read command and waits for a reply that decodes. */
static bool
serial_probe(struct serial_scale *ss, enum scale_proto p, const char *cmd)
{
    struct scale_framer fr;
    uint8_t buf[128];
    int64_t end;

    scale_framer_init(&fr, p);
    if (devio_write_all(ss->fd, cmd, strlen(cmd), NULL) != 0)
        return false;
    end = devio_now_ms() + 500;
    while (devio_now_ms() < end) {
        int n = devio_read_timeout(ss->fd, buf, sizeof buf, (int)(end - devio_now_ms()), NULL);
        size_t pos = 0;
        if (n <= 0)
            return false;
        while (pos < (size_t)n) {
            const uint8_t *frame;
            size_t flen;
            struct weight w;
            pos += scale_framer_feed(&fr, buf + pos, (size_t)n - pos, &frame, &flen);
            if (flen > 0 && scale_decode(p, frame, flen, &w, NULL) == 0)
                return true;
        }
    }
    return false;
}

static int
serial_detect(struct serial_scale *ss, int listen_ms, struct tt_err *err)
{
    ss->proto = serial_listen(ss, listen_ms);
    if (ss->proto != SCALE_PROTO_NONE)
        return 0;
    if (serial_probe(ss, SCALE_PROTO_SICS, "SI\r\n"))
        ss->proto = SCALE_PROTO_SICS;
    else if (serial_probe(ss, SCALE_PROTO_TOLEDO8217, "W"))
        ss->proto = SCALE_PROTO_TOLEDO8217;
    else if (serial_probe(ss, SCALE_PROTO_OHAUS, "IP\r\n")) {
        ss->proto = SCALE_PROTO_OHAUS;
        ss->poll_cmd = "IP\r\n"; /* answers when asked: keep asking */
        return 0;
    } else
        return tt_err_set(err, TT_EDEVICE, "scale_serial",
                          "no scale protocol recognised on %s (listened %d ms, asked MT-SICS, "
                          "Toledo 8217, Ohaus): check baud= or give proto=",
                          ss->path, listen_ms);
    scale_framer_init(&ss->framer, ss->proto);
    return 0;
}

static int
serial_open(struct scale *s, const char *spec, struct tt_err *err)
{
    struct serial_scale *ss = xcalloc(1, sizeof *ss);
    char v[32];
    long listen_ms;
    int rc;

    ss->fd = -1;
    s->priv = ss;
    if (devio_spec_path(spec, ss->path, sizeof ss->path) != 0 || ss->path[0] == '\0') {
        rc = tt_err_set(err, TT_EINVAL, "scale_serial",
                        "serial spec needs a path: serial:/dev/ttyUSB0");
        goto fail;
    }
    if (devio_spec_param(spec, "proto", v, sizeof v) == 1 && strcmp(v, "auto") != 0) {
        ss->proto = scale_proto_parse(v);
        if (ss->proto == SCALE_PROTO_NONE) {
            rc = tt_err_set(err, TT_EINVAL, "scale_serial",
                            "unknown scale protocol '%s': use xk3190-a12, xk3190-tf0, rev-eq, eq, "
                            "cas22, cas18, mt-sics, toledo8217 or ohaus",
                            v);
            goto fail;
        }
    }
    rc = serial_cfg_parse(ss, spec, err);
    if (rc == 0)
        rc = devio_spec_int(spec, "listen", 2500, &listen_ms, err);
    if (rc == 0)
        rc = devio_serial_open(ss->path, &ss->cfg, &ss->fd, err);
    if (rc != 0)
        goto fail;
    if (ss->proto == SCALE_PROTO_NONE) {
        rc = serial_detect(ss, (int)listen_ms, err);
        if (rc != 0)
            goto fail;
    } else {
        scale_framer_init(&ss->framer, ss->proto);
    }
    if (ss->poll_cmd == NULL)
        ss->poll_cmd = poll_command(ss->proto);
    snprintf(s->desc, sizeof s->desc, "%s %s, %ld %d%c1", ss->path, scale_proto_name(ss->proto),
             ss->cfg.baud, ss->cfg.bits,
             ss->cfg.parity == 'n'   ? 'N'
             : ss->cfg.parity == 'e' ? 'E'
                                     : 'O');
    return 0;
fail:
    if (ss->fd >= 0)
        close(ss->fd);
    free(ss);
    s->priv = NULL;
    return rc;
}

static int
serial_command(struct scale *s, const char *sics, const char *t8217, const char *ohaus,
               struct tt_err *err)
{
    struct serial_scale *ss = s->priv;
    const char *cmd = NULL;

    if (ss->proto == SCALE_PROTO_SICS)
        cmd = sics;
    else if (ss->proto == SCALE_PROTO_TOLEDO8217)
        cmd = t8217;
    else if (ss->proto == SCALE_PROTO_OHAUS)
        cmd = ohaus;
    if (cmd == NULL)
        return tt_err_set(err, TT_EUSAGE, "scale_serial",
                          "the %s protocol only sends weights: use the keys on the scale",
                          scale_proto_name(ss->proto));
    return devio_write_all(ss->fd, cmd, strlen(cmd), err);
}

static int
serial_zero(struct scale *s, struct tt_err *err)
{
    return serial_command(s, "Z\r\n", "Z", "Z\r\n", err);
}

static int
serial_tare(struct scale *s, struct tt_err *err)
{
    return serial_command(s, "T\r\n", "T", "T\r\n", err);
}

static int
serial_reconnect(struct scale *s, struct tt_err *err)
{
    struct serial_scale *ss = s->priv;

    if (ss->fd >= 0)
        close(ss->fd);
    ss->fd = -1;
    ss->rx_len = ss->rx_pos = 0;
    scale_framer_init(&ss->framer, ss->proto);
    return devio_serial_open(ss->path, &ss->cfg, &ss->fd, err);
}

static int
serial_fd(struct scale *s)
{
    struct serial_scale *ss = s->priv;

    return ss->fd;
}

static void
serial_close(struct scale *s)
{
    struct serial_scale *ss = s->priv;

    if (ss == NULL)
        return;
    if (ss->fd >= 0)
        close(ss->fd);
    free(ss);
    s->priv = NULL;
}

const struct scale_ops scale_serial_ops = {
    .name = "serial",
    .open = serial_open,
    .read = serial_read,
    .zero = serial_zero,
    .tare = serial_tare,
    .reconnect = serial_reconnect,
    .fd = serial_fd,
    .close = serial_close,
};
