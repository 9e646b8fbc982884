/*
 * scale-hidpos.c — USB HID Point-of-Sale scales (usage page 0x8D: Dymo,
 * Mettler Toledo PS, Stamps.com ...) through libusb. Reports are read
 * continuously by the caller's loop: an occasional read would return an old
 * queued report (reference/devices.md §1.4, QZ Tray #81), and the first
 * report after opening may be from the previous weighing, so it is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devio.h"
#include "scale-int.h"

struct hid_scale {
    struct devio_usb_match match;
    struct devio_usb *usb;
    bool first_dropped;
};

static int
hid_open(struct scale *s, const char *spec, struct tt_err *err)
{
    struct hid_scale *hs = xcalloc(1, sizeof *hs);
    int rc = devio_usb_parse(spec, "scale", &hs->match, err);

    if (rc == 0)
        rc = devio_usb_open(&hs->match, &hs->usb, err);
    if (rc != 0) {
        free(hs);
        return rc;
    }
    s->priv = hs;
    snprintf(s->desc, sizeof s->desc, "USB HID scale %s", devio_usb_describe(hs->usb));
    return 0;
}

static int
hid_read(struct scale *s, struct weight *out, int timeout_ms, struct tt_err *err)
{
    struct hid_scale *hs = s->priv;
    uint8_t buf[64];
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        int64_t left = deadline - devio_now_ms();
        int n = devio_usb_read(hs->usb, buf, sizeof buf, left > 0 ? (int)left : 0, err);
        if (n < 0)
            return n;
        if (n == 0)
            return tt_err_set(err, TT_ETIMEOUT, "scale_read", "no report from the USB scale");
        if (!hs->first_dropped) {
            hs->first_dropped = true; /* may be from the previous weighing */
            continue;
        }
        return hidpos_decode(buf, (size_t)n, out, err);
    }
}

/* Output report 2 with bit 1 "Zero Scale" (usbscale's experiment); only
 * some scales have the OUT endpoint, the others get TT_EUSAGE. */
static int
hid_zero(struct scale *s, struct tt_err *err)
{
    struct hid_scale *hs = s->priv;
    static const uint8_t report[2] = {0x02, 0x02};

    return devio_usb_write(hs->usb, report, sizeof report, err);
}

static int
hid_reconnect(struct scale *s, struct tt_err *err)
{
    struct hid_scale *hs = s->priv;

    devio_usb_close(hs->usb);
    hs->usb = NULL;
    hs->first_dropped = false;
    return devio_usb_open(&hs->match, &hs->usb, err);
}

static void
hid_close(struct scale *s)
{
    struct hid_scale *hs = s->priv;

    if (hs == NULL)
        return;
    devio_usb_close(hs->usb);
    free(hs);
    s->priv = NULL;
}

const struct scale_ops scale_hidpos_ops = {
    .name = "hidpos",
    .open = hid_open,
    .read = hid_read,
    .zero = hid_zero,
    .tare = NULL,
    .reconnect = hid_reconnect,
    .fd = NULL,
    .close = hid_close,
};

/* --- the same scales through hidraw --------------------------------------------- */
/*
 * "hidraw:/dev/hidrawN": no kernel driver to detach, no usbfs write access,
 * works with TAG+="uaccess" (reference/devices.md §1.4, §6), and gives the
 * kiosk a descriptor to poll. Each read() returns one report, report id
 * first. Emulated nodes (umockdev) are ptys and may hand over several
 * 6-byte reports at once: those are split.
 */
struct hidraw_scale {
    int fd;
    char path[256];
    bool first_dropped;
    uint8_t buf[64];
    size_t len, pos;
};

static int
hidraw_connect(struct hidraw_scale *hs, struct tt_err *err)
{
    hs->fd = open(hs->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (hs->fd < 0)
        hs->fd = open(hs->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (hs->fd < 0) {
        int e = errno;
        if (e == EACCES || e == EPERM)
            return tt_err_set(err, TT_EACCESS, "scale_hidraw",
                              "permission denied on %s: install data/udev/70-tramtem.rules",
                              hs->path);
        return tt_err_set(err, TT_EDEVICE, "scale_hidraw", "cannot open %s: %s", hs->path,
                          strerror(e));
    }
    hs->first_dropped = false;
    hs->len = hs->pos = 0;
    return 0;
}

static int
hidraw_open(struct scale *s, const char *spec, struct tt_err *err)
{
    struct hidraw_scale *hs = xcalloc(1, sizeof *hs);
    int rc;

    hs->fd = -1;
    if (devio_spec_path(spec, hs->path, sizeof hs->path) != 0 || hs->path[0] == '\0')
        rc = tt_err_set(err, TT_EINVAL, "scale_hidraw", "hidraw spec needs a path");
    else
        rc = hidraw_connect(hs, err);
    if (rc != 0) {
        free(hs);
        return rc;
    }
    s->priv = hs;
    snprintf(s->desc, sizeof s->desc, "HID scale %.200s (hidraw)", hs->path);
    return 0;
}

static int
hidraw_read(struct scale *s, struct weight *out, int timeout_ms, struct tt_err *err)
{
    struct hidraw_scale *hs = s->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        if (hs->pos < hs->len) {
            size_t n = hs->len - hs->pos;
            const uint8_t *r = hs->buf + hs->pos;
            if (n > 8 && n % 6 == 0)
                n = 6; /* several reports in one read: an emulated node */
            hs->pos += n;
            if (!hs->first_dropped) {
                hs->first_dropped = true; /* may be from the previous weighing */
                continue;
            }
            return hidpos_decode(r, n, out, err);
        }
        {
            int64_t left = deadline - devio_now_ms();
            int n =
                devio_read_timeout(hs->fd, hs->buf, sizeof hs->buf, left > 0 ? (int)left : 0, err);
            if (n < 0)
                return n;
            if (n == 0)
                return tt_err_set(err, TT_ETIMEOUT, "scale_read", "no report from the scale");
            hs->len = (size_t)n;
            hs->pos = 0;
        }
    }
}

static int
hidraw_reconnect(struct scale *s, struct tt_err *err)
{
    struct hidraw_scale *hs = s->priv;

    if (hs->fd >= 0)
        close(hs->fd);
    hs->fd = -1;
    return hidraw_connect(hs, err);
}

static int
hidraw_fd(struct scale *s)
{
    return ((struct hidraw_scale *)s->priv)->fd;
}

static void
hidraw_close(struct scale *s)
{
    struct hidraw_scale *hs = s->priv;

    if (hs == NULL)
        return;
    if (hs->fd >= 0)
        close(hs->fd);
    free(hs);
    s->priv = NULL;
}

const struct scale_ops scale_hidraw_ops = {
    .name = "hidraw",
    .open = hidraw_open,
    .read = hidraw_read,
    .zero = NULL,
    .tare = NULL,
    .reconnect = hidraw_reconnect,
    .fd = hidraw_fd,
    .close = hidraw_close,
};
