/*
 * scanner-hidpos.c — HID POS barcode scanners (usage page 0x8C) through
 * libusb: no keyboard layout in the way, and the AIM symbology identifier
 * comes in the report (decode-hidpos.c has the byte layout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devio.h"
#include "scanner-int.h"

struct hid_scanner {
    struct devio_usb_match match;
    struct devio_usb *usb;
    struct hidpos_scan_asm asm_;
};

static int
hids_open(struct scanner *sc, const char *spec, struct tt_err *err)
{
    struct hid_scanner *hs = xcalloc(1, sizeof *hs);
    int rc = devio_usb_parse(spec, "scanner", &hs->match, err);

    if (rc == 0)
        rc = devio_usb_open(&hs->match, &hs->usb, err);
    if (rc != 0) {
        free(hs);
        return rc;
    }
    hidpos_scan_init(&hs->asm_);
    sc->priv = hs;
    snprintf(sc->desc, sizeof sc->desc, "HID POS scanner %s", devio_usb_describe(hs->usb));
    return 0;
}

static int
hids_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err)
{
    struct hid_scanner *hs = sc->priv;
    uint8_t buf[64];
    int64_t deadline = devio_now_ms() + timeout_ms;

    for (;;) {
        int64_t left = deadline - devio_now_ms();
        int n = devio_usb_read(hs->usb, buf, sizeof buf, left > 0 ? (int)left : 0, err);
        int rc;
        if (n < 0)
            return n;
        if (n == 0)
            return tt_err_set(err, TT_ETIMEOUT, "scanner_read", "no scan");
        rc = hidpos_scan_feed(&hs->asm_, buf, (size_t)n, err);
        if (rc < 0)
            return rc;
        if (rc == 1 && hs->asm_.scan.len > 0) { /* idle reports carry no data */
            *out = hs->asm_.scan;
            return 0;
        }
    }
}

static int
hids_reconnect(struct scanner *sc, struct tt_err *err)
{
    struct hid_scanner *hs = sc->priv;

    devio_usb_close(hs->usb);
    hs->usb = NULL;
    hidpos_scan_init(&hs->asm_);
    return devio_usb_open(&hs->match, &hs->usb, err);
}

static void
hids_close(struct scanner *sc)
{
    struct hid_scanner *hs = sc->priv;

    if (hs == NULL)
        return;
    devio_usb_close(hs->usb);
    free(hs);
    sc->priv = NULL;
}

const struct scanner_ops scanner_hidpos_ops = {
    .name = "hidpos",
    .open = hids_open,
    .read = hids_read,
    .reconnect = hids_reconnect,
    .fd = NULL,
    .close = hids_close,
};
