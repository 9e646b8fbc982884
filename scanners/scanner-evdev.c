/*
 * scanner-evdev.c — keyboard-wedge scanners read from their own input
 * device. EVIOCGRAB gives us exclusive delivery, so the scanner's keystrokes
 * never reach the console or the kiosk's text fields (reference/devices.md
 * §2.5); key codes become characters through our own layout tables
 * (decode-wedge.c), not the desktop's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devio.h"
#include "scanner-int.h"

struct evdev_scanner {
    int fd;
    char path[256];
    char name[256];
    struct wedge_keys keys;
    enum wedge_layout layout;
    bool tab;
    uint8_t raw[64 * sizeof(struct input_event)];
    size_t raw_len, raw_pos;
};

static int
evdev_connect(struct evdev_scanner *es, struct tt_err *err)
{
    es->fd = open(es->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (es->fd < 0) {
        int e = errno;
        if (e == EACCES || e == EPERM)
            return tt_err_set(err, TT_EACCESS, "scanner_evdev",
                              "permission denied on %s: install data/udev/70-tramtem.rules for "
                              "this scanner (do not add the kiosk user to group input)",
                              es->path);
        return tt_err_set(err, TT_EDEVICE, "scanner_evdev", "cannot open %s: %s", es->path,
                          strerror(e));
    }
    /* The buffer size must be 256: umockdev answers only the recorded size. */
    if (ioctl(es->fd, EVIOCGNAME(sizeof es->name), es->name) < 0)
        es->name[0] = '\0';
    if (ioctl(es->fd, EVIOCGRAB, 1) != 0) {
        int e = errno;
        close(es->fd);
        es->fd = -1;
        return tt_err_set(err, e == EBUSY ? TT_EBUSY : TT_EDEVICE, "scanner_evdev",
                          "cannot take %s for the scanner alone: %s%s", es->path, strerror(e),
                          e == EBUSY ? " (another program has grabbed it)" : "");
    }
    wedge_keys_init(&es->keys, es->layout);
    es->keys.tab_ends_scan = es->tab;
    es->raw_len = es->raw_pos = 0;
    return 0;
}

static const char *const layout_names[] = {"us", "uk", "de", "fr"};

static int
evdev_open(struct scanner *sc, const char *spec, struct tt_err *err)
{
    struct evdev_scanner *es = xcalloc(1, sizeof *es);
    char v[16];
    long tab;
    int rc;

    es->fd = -1;
    es->layout = WEDGE_LAYOUT_US;
    if (devio_spec_path(spec, es->path, sizeof es->path) != 0 || es->path[0] == '\0') {
        free(es);
        return tt_err_set(err, TT_EINVAL, "scanner_evdev", "evdev spec needs a path");
    }
    if (devio_spec_param(spec, "layout", v, sizeof v) == 1) {
        int l = wedge_layout_parse(v);
        if (l < 0) {
            free(es);
            return tt_err_set(err, TT_EINVAL, "scanner_evdev", "layout=%s: use us, uk, de or fr",
                              v);
        }
        es->layout = (enum wedge_layout)l;
    }
    rc = devio_spec_int(spec, "tab", 0, &tab, err);
    es->tab = tab != 0;
    if (rc == 0)
        rc = evdev_connect(es, err);
    if (rc != 0) {
        free(es);
        return rc;
    }
    sc->priv = es;
    snprintf(sc->desc, sizeof sc->desc,
             "keyboard-wedge scanner %.120s \"%.100s\" (grabbed, layout %s)", es->path, es->name,
             layout_names[es->layout]);
    return 0;
}

static int
evdev_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err)
{
    struct evdev_scanner *es = sc->priv;
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        while (es->raw_len - es->raw_pos >= sizeof(struct input_event)) {
            struct input_event ev;
            int rc;
            memcpy(&ev, es->raw + es->raw_pos, sizeof ev);
            es->raw_pos += sizeof ev;
            if (ev.type == EV_SYN && ev.code == SYN_DROPPED) {
                /* The kernel lost events: the scan in progress has holes and
                 * the modifier state is unknown. Start over, refuse it. */
                wedge_keys_init(&es->keys, es->layout);
                es->keys.tab_ends_scan = es->tab;
                es->keys.overflow = true;
                continue;
            }
            if (ev.type != EV_KEY)
                continue;
            rc = wedge_keys_feed(&es->keys, ev.code, ev.value, out, err);
            if (rc != 0)
                return rc < 0 ? rc : 0;
        }
        /* Keep a partial event for the next read. */
        memmove(es->raw, es->raw + es->raw_pos, es->raw_len - es->raw_pos);
        es->raw_len -= es->raw_pos;
        es->raw_pos = 0;
        {
            int64_t left = deadline - devio_now_ms();
            int n = devio_read_timeout(es->fd, es->raw + es->raw_len, sizeof es->raw - es->raw_len,
                                       left > 0 ? (int)left : 0, err);
            if (n < 0)
                return n;
            if (n == 0)
                return tt_err_set(err, TT_ETIMEOUT, "scanner_read", "no scan");
            es->raw_len += (size_t)n;
        }
    }
}

static int
evdev_reconnect(struct scanner *sc, struct tt_err *err)
{
    struct evdev_scanner *es = sc->priv;

    if (es->fd >= 0)
        close(es->fd);
    es->fd = -1;
    return evdev_connect(es, err);
}

static int
evdev_fd(struct scanner *sc)
{
    return ((struct evdev_scanner *)sc->priv)->fd;
}

static void
evdev_close(struct scanner *sc)
{
    struct evdev_scanner *es = sc->priv;

    if (es == NULL)
        return;
    if (es->fd >= 0) {
        ioctl(es->fd, EVIOCGRAB, 0);
        close(es->fd);
    }
    free(es);
    sc->priv = NULL;
}

const struct scanner_ops scanner_evdev_ops = {
    .name = "evdev",
    .open = evdev_open,
    .read = evdev_read,
    .reconnect = evdev_reconnect,
    .fd = evdev_fd,
    .close = evdev_close,
};
