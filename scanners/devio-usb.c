/*
 * devio-usb.c — libusb access shared by the HID POS scale and scanner
 * backends, the table of known USB devices (reference/devices.md §1.3, §2.2,
 * §3) and the udev rule we tell the installer to add when access is denied.
 */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devio.h"

static const struct devio_usb_known known[] = {
    {0x0922, 0x8003, "scale", "DYMO M10 postal scale"},
    {0x0922, 0x8004, "scale", "DYMO M25 postal scale"},
    {0x0922, 0x8009, "scale", "DYMO S180/S250 shipping scale"},
    {0x0eb8, 0xf000, "scale", "Mettler Toledo PS scale"},
    {0x0eb8, 0xf001, "scale", "Mettler Toledo PS scale"},
    {0x1446, 0x6a73, "scale", "Stamps.com Model 510 scale"},
    {0x1446, 0x6a79, "scale", "USPS DS25 scale"},
    {0x2474, 0x0550, "scale", "Stamps.com 5 lb scale"},
    {0x2474, 0x3550, "scale", "Stamps.com 35 lb scale"},
    {0x7b7c, 0x0100, "scale", "USPS (Elane) PS311 scale"},
    {0x6096, 0x0158, "scale", "Sanford Dymo 10 lb scale"},
    {0x0b67, 0x555e, "scale", "Fairbanks SCB-R9000 scale"},
    {0x0d8f, 0x0200, "scale", "Pitney Bowes 397-B scale"},
    {0x04d9, 0x8010, "scale", "AccuPost PP-10 scale (non-conforming reports)"},
    {0x1a86, 0x7523, "serial-adapter", "CH340 USB-serial cable"},
    {0x067b, 0x2303, "serial-adapter", "Prolific PL2303 USB-serial cable"},
    {0x10c4, 0xea60, "serial-adapter", "CP210x USB-serial cable"},
    {0x0403, 0x6001, "serial-adapter", "FTDI USB-serial cable"},
    {0x0c2e, 0, "scanner", "Honeywell (Metrologic) scanner"},
    {0x0536, 0, "scanner", "Honeywell (Hand Held Products) scanner"},
    {0x23d0, 0, "scanner", "Youjie (Honeywell) scanner"},
    {0x05e0, 0, "scanner", "Zebra (Symbol) scanner"},
    {0x05f9, 0, "scanner", "Datalogic scanner"},
    {0x1eab, 0, "scanner", "Newland scanner"},
    {0x27dd, 0, "scanner", "Mindeo scanner"},
    {0x065a, 0, "scanner", "Opticon scanner"},
};

const struct devio_usb_known *
devio_usb_lookup(uint16_t vid, uint16_t pid)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (known[i].vid == vid && (known[i].pid == pid || known[i].pid == 0))
            return &known[i];
    }
    return NULL;
}

void
devio_udev_rule(char *buf, size_t len, const char *subsystem, uint16_t vid, uint16_t pid)
{
    const char *attr = strcmp(subsystem, "usb") == 0 ? "ATTR" : "ATTRS";
    const char *extra = strcmp(subsystem, "tty") == 0 ? ", ENV{ID_MM_DEVICE_IGNORE}=\"1\"" : "";

    snprintf(buf, len,
             "SUBSYSTEM==\"%s\", %s{idVendor}==\"%04x\", %s{idProduct}==\"%04x\", "
             "TAG+=\"uaccess\", GROUP=\"tramtem\", MODE=\"0660\"%s",
             subsystem, attr, vid, attr, pid, extra);
}

int
devio_usb_parse(const char *spec, const char *kind, struct devio_usb_match *m, struct tt_err *err)
{
    char path[128];
    unsigned vid = 0, pid = 0;
    int used = 0;

    memset(m, 0, sizeof *m);
    m->kind = kind;
    if (devio_spec_path(spec, path, sizeof path) != 0)
        return tt_err_set(err, TT_EINVAL, "devio_usb_parse", "USB device spec is too long");
    if (path[0] == '\0')
        return 0;
    if (sscanf(path, "%4x:%4x%n", &vid, &pid, &used) != 2 ||
        (path[used] != '\0' && path[used] != ':'))
        return tt_err_set(err, TT_EINVAL, "devio_usb_parse",
                          "'%s' is not usb:VID:PID[:SERIAL] (hex ids, e.g. usb:0922:8003)", spec);
    m->vid = (uint16_t)vid;
    m->pid = (uint16_t)pid;
    if (path[used] == ':')
        snprintf(m->serial, sizeof m->serial, "%s", path + used + 1);
    return 0;
}

struct devio_usb {
    libusb_context *ctx;
    libusb_device_handle *h;
    int iface;
    uint8_t ep_in, ep_out;
    int packet;
    bool detached;
    char desc[128];
};

static bool
usb_matches(libusb_device *dev, const struct libusb_device_descriptor *d,
            const struct devio_usb_match *m)
{
    const struct devio_usb_known *k;

    (void)dev;
    if (m->vid != 0)
        return d->idVendor == m->vid && d->idProduct == m->pid;
    k = devio_usb_lookup(d->idVendor, d->idProduct);
    return k != NULL && strcmp(k->kind, m->kind) == 0;
}

/* The first HID interface with an interrupt IN endpoint. */
static int
usb_find_endpoints(libusb_device *dev, struct devio_usb *u)
{
    struct libusb_config_descriptor *cfg;
    int found = -1;

    if (libusb_get_active_config_descriptor(dev, &cfg) != 0)
        return -1;
    for (int i = 0; i < cfg->bNumInterfaces && found < 0; i++) {
        const struct libusb_interface_descriptor *id = &cfg->interface[i].altsetting[0];
        if (cfg->interface[i].num_altsetting < 1 || id->bInterfaceClass != LIBUSB_CLASS_HID)
            continue;
        for (int e = 0; e < id->bNumEndpoints; e++) {
            const struct libusb_endpoint_descriptor *ep = &id->endpoint[e];
            if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_INTERRUPT)
                continue;
            if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
                if (u->ep_in == 0) {
                    u->ep_in = ep->bEndpointAddress;
                    u->packet = ep->wMaxPacketSize;
                }
            } else if (u->ep_out == 0) {
                u->ep_out = ep->bEndpointAddress;
            }
        }
        if (u->ep_in != 0)
            found = id->bInterfaceNumber;
    }
    libusb_free_config_descriptor(cfg);
    return found;
}

static int
usb_serial_ok(libusb_device_handle *h, const struct libusb_device_descriptor *d,
              const struct devio_usb_match *m)
{
    unsigned char s[64];

    if (m->serial[0] == '\0')
        return 1;
    if (d->iSerialNumber == 0 ||
        libusb_get_string_descriptor_ascii(h, d->iSerialNumber, s, sizeof s) < 0)
        return 0;
    return strcmp((const char *)s, m->serial) == 0;
}

/* Opens and claims `dev`; 0, or a TT_E* code with the advice filled in. */
static int
usb_claim(libusb_device *dev, const struct libusb_device_descriptor *d,
          const struct devio_usb_match *m, struct devio_usb *u, struct tt_err *err)
{
    char rule[256];
    int rc;

    u->iface = usb_find_endpoints(dev, u);
    if (u->iface < 0)
        return tt_err_set(err, TT_EDEVICE, "devio_usb_open",
                          "%04x:%04x has no HID interface with an interrupt IN endpoint",
                          d->idVendor, d->idProduct);
    rc = libusb_open(dev, &u->h);
    if (rc == LIBUSB_ERROR_ACCESS) {
        devio_udev_rule(rule, sizeof rule, "usb", d->idVendor, d->idProduct);
        return tt_err_set(err, TT_EACCESS, "devio_usb_open",
                          "permission denied on USB device %04x:%04x; add this udev rule: %s",
                          d->idVendor, d->idProduct, rule);
    }
    if (rc != 0)
        return tt_err_set(err, TT_EDEVICE, "devio_usb_open", "cannot open %04x:%04x: %s",
                          d->idVendor, d->idProduct, libusb_strerror(rc));
    if (!usb_serial_ok(u->h, d, m))
        return TT_ENOTFOUND;
    /* Detach only when a driver is bound (see devio.h on auto-detach). */
    if (libusb_kernel_driver_active(u->h, u->iface) == 1) {
        if (libusb_detach_kernel_driver(u->h, u->iface) == 0)
            u->detached = true;
    }
    rc = libusb_claim_interface(u->h, u->iface);
    if (rc != 0)
        return tt_err_set(err, rc == LIBUSB_ERROR_BUSY ? TT_EBUSY : TT_EDEVICE, "devio_usb_open",
                          "cannot claim %04x:%04x: %s (another program may be using it)",
                          d->idVendor, d->idProduct, libusb_strerror(rc));
    return 0;
}

static void
usb_release(struct devio_usb *u)
{
    if (u->h != NULL) {
        libusb_release_interface(u->h, u->iface);
        if (u->detached)
            libusb_attach_kernel_driver(u->h, u->iface);
        libusb_close(u->h);
        u->h = NULL;
    }
    u->detached = false;
    u->ep_in = u->ep_out = 0;
}

int
devio_usb_open(const struct devio_usb_match *m, struct devio_usb **out, struct tt_err *err)
{
    struct devio_usb *u;
    libusb_device **list = NULL;
    ssize_t n;
    int rc = TT_ENOTFOUND;

    *out = NULL;
    u = xcalloc(1, sizeof *u);
    if (libusb_init(&u->ctx) != 0) {
        free(u);
        return tt_err_set(err, TT_EDEVICE, "devio_usb_open", "libusb cannot start (no USB?)");
    }
    n = libusb_get_device_list(u->ctx, &list);
    for (ssize_t i = 0; i < n && rc != 0; i++) {
        struct libusb_device_descriptor d;
        if (libusb_get_device_descriptor(list[i], &d) != 0 || !usb_matches(list[i], &d, m))
            continue;
        rc = usb_claim(list[i], &d, m, u, err);
        if (rc == 0) {
            const struct devio_usb_known *k = devio_usb_lookup(d.idVendor, d.idProduct);
            snprintf(u->desc, sizeof u->desc, "%04x:%04x %s", d.idVendor, d.idProduct,
                     k != NULL ? k->name : "HID device");
        } else {
            usb_release(u);
        }
    }
    if (n >= 0)
        libusb_free_device_list(list, 1); /* allocated even when empty */
    if (rc == TT_ENOTFOUND) {
        if (m->vid != 0)
            tt_err_set(err, TT_EDEVICE, "devio_usb_open",
                       "USB device %04x:%04x%s%s is not plugged in", m->vid, m->pid,
                       m->serial[0] ? " serial " : "", m->serial);
        else
            tt_err_set(err, TT_EDEVICE, "devio_usb_open",
                       "no known USB %s is plugged in; give --device usb:VID:PID", m->kind);
        rc = TT_EDEVICE;
    }
    if (rc != 0) {
        libusb_exit(u->ctx);
        free(u);
        return rc;
    }
    *out = u;
    return 0;
}

void
devio_usb_close(struct devio_usb *u)
{
    if (u == NULL)
        return;
    usb_release(u);
    libusb_exit(u->ctx);
    free(u);
}

int
devio_usb_read(struct devio_usb *u, uint8_t *buf, size_t len, int timeout_ms, struct tt_err *err)
{
    int got = 0, rc;
    int want = u->packet > 0 && (size_t)u->packet < len ? u->packet : (int)len;

    /* libusb takes 0 as "wait forever"; the caller asked for "do not wait". */
    rc = libusb_interrupt_transfer(u->h, u->ep_in, buf, want, &got,
                                   timeout_ms > 0 ? (unsigned)timeout_ms : 1);
    if (rc == 0)
        return got;
    if (rc == LIBUSB_ERROR_TIMEOUT)
        return 0;
    if (rc == LIBUSB_ERROR_NO_DEVICE || rc == LIBUSB_ERROR_IO || rc == LIBUSB_ERROR_PIPE)
        return tt_err_set(err, TT_EDEVICE, "devio_usb_read", "USB device went away (%s)",
                          libusb_strerror(rc));
    return tt_err_set(err, TT_EIO, "devio_usb_read", "USB transfer failed: %s",
                      libusb_strerror(rc));
}

int
devio_usb_write(struct devio_usb *u, const uint8_t *buf, size_t len, struct tt_err *err)
{
    int got = 0, rc;

    if (u->ep_out == 0)
        return tt_err_set(err, TT_EUSAGE, "devio_usb_write",
                          "this device has no OUT endpoint: it cannot be zeroed remotely");
    rc = libusb_interrupt_transfer(u->h, u->ep_out, (unsigned char *)(uintptr_t)buf, (int)len, &got,
                                   1000);
    if (rc != 0)
        return tt_err_set(err, TT_EDEVICE, "devio_usb_write", "USB write failed: %s",
                          libusb_strerror(rc));
    return 0;
}

int
devio_usb_packet(const struct devio_usb *u)
{
    return u->packet;
}

const char *
devio_usb_describe(const struct devio_usb *u)
{
    return u->desc;
}
