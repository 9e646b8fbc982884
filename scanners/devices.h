/*
 * devices.h — discovery for `tramtem devices`: USB devices through libusb
 * (vendor/product ids of reference/devices.md), serial ports and input
 * devices, each with a state and, when access is denied, the udev rule
 * that gives the kiosk user access (data/udev/70-tramtem.rules has them all).
 */
#ifndef TT_SCANNERS_DEVICES_H
#define TT_SCANNERS_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"

enum device_kind {
    DEVICE_SCALE,          /* a HID POS scale we know */
    DEVICE_SCANNER,        /* a scanner vendor we know (HID POS or keyboard mode) */
    DEVICE_SERIAL_ADAPTER, /* a USB-serial cable (scale or scanner behind it) */
    DEVICE_SERIAL_PORT,    /* /dev/ttyUSB*, /dev/ttyACM* */
    DEVICE_KEYBOARD,       /* an input device with keys: a wedge scanner may be one */
};

enum device_state {
    DEVICE_OK,        /* present and we may open it */
    DEVICE_NO_ACCESS, /* present, permission denied: install the rule */
    DEVICE_BUSY,      /* present, held by another program */
    DEVICE_ERROR,     /* present, could not be opened for another reason */
};

struct device_info {
    enum device_kind kind;
    enum device_state state;
    char spec[300];    /* what to give --device */
    char name[128];    /* product, or the input device's name */
    uint16_t vid, pid; /* 0 when not a USB device */
    char rule[320];    /* the udev rule when state is DEVICE_NO_ACCESS */
};

/* Lists what is plugged in. Returns 0 and an owned array (free()), or TT_ENOMEM. */
int devices_list(struct device_info **out, size_t *n_out, struct tt_err *err);

/* English names for --json and logs: "scale", "no-access" ... */
const char *device_kind_name(enum device_kind kind);
const char *device_state_name(enum device_state state);

/* The spec of the first scale found (HID scale first, then a serial port),
 * or TT_ENOTFOUND. */
int devices_find_scale(char *spec, size_t len, struct tt_err *err);

/* The spec of the first scanner found (HID POS, then a keyboard that says it is
 * a scanner), or TT_ENOTFOUND. */
int devices_find_scanner(char *spec, size_t len, struct tt_err *err);

#endif
