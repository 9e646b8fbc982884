/*
 * devio.h — internal to scanners/: what the scale and scanner backends share
 * (SPEC string parsing, the monotonic clock, serial port set-up, libusb
 * helpers). Not for use outside scanners/.
 */
#ifndef TT_SCANNERS_DEVIO_H
#define TT_SCANNERS_DEVIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t devio_now_ms(void);

/* Sleeps ms milliseconds (poll() with no fds; EINTR restarts). */
void devio_sleep_ms(int ms);

/*
 * The part of SPEC after "scheme:" and before '?', copied into buf.
 * TT_EINVAL when it does not fit.
 */
int devio_spec_path(const char *spec, char *buf, size_t len);

/*
 * The value of query parameter `key` ("proto" in "...?proto=x&baud=9600"),
 * copied into buf. Returns 1 when found, 0 when absent, TT_EINVAL when too long.
 */
int devio_spec_param(const char *spec, const char *key, char *buf, size_t len);

/* An integer parameter; `def` when absent; TT_EINVAL when not a number. */
int devio_spec_int(const char *spec, const char *key, long def, long *out, struct tt_err *err);

/* --- serial ports ---------------------------------------------------------------- */
struct devio_serial_cfg {
    long baud;   /* 9600 */
    int bits;    /* 8 or 7 */
    char parity; /* 'n', 'e', 'o' */
};

/*
 * Opens a tty in raw mode, non-blocking, with the given line settings.
 * EACCES gives TT_EACCESS with the udev advice; ENOENT TT_EDEVICE.
 */
int devio_serial_open(const char *path, const struct devio_serial_cfg *cfg, int *fd_out,
                      struct tt_err *err);

/* Reads what is there within timeout_ms. Returns bytes (> 0), 0 on timeout,
 * TT_EDEVICE when the port is gone (hang-up, EIO, ENXIO). */
int devio_read_timeout(int fd, uint8_t *buf, size_t len, int timeout_ms, struct tt_err *err);

/* Writes all of buf; TT_EDEVICE when the port is gone. */
int devio_write_all(int fd, const void *buf, size_t len, struct tt_err *err);

/* --- libusb ---------------------------------------------------------------------- */
struct devio_usb;

/* What to look for: vid/pid 0 = any known device of `kind` ("scale"/"scanner"). */
struct devio_usb_match {
    uint16_t vid, pid;
    char serial[64];
    const char *kind;
};

/* Parses "usb:VID:PID[:SERIAL]" (or "usb:" alone). */
int devio_usb_parse(const char *spec, const char *kind, struct devio_usb_match *m,
                    struct tt_err *err);

/*
 * Finds, opens and claims the first HID interface with an interrupt IN
 * endpoint; detaches the kernel driver only when one is bound and gives it
 * back on close (auto-detach is not used: it breaks under umockdev, see
 * reference/devices.md §4.1). Returns owned (devio_usb_close).
 */
int devio_usb_open(const struct devio_usb_match *m, struct devio_usb **out, struct tt_err *err);
void devio_usb_close(struct devio_usb *u);

/* One interrupt IN transfer of the endpoint's max packet size. Returns the
 * byte count, 0 on timeout, TT_EDEVICE when unplugged, TT_EIO otherwise. */
int devio_usb_read(struct devio_usb *u, uint8_t *buf, size_t len, int timeout_ms,
                   struct tt_err *err);

/* Writes an output report on the OUT endpoint (TT_EUSAGE when there is none). */
int devio_usb_write(struct devio_usb *u, const uint8_t *buf, size_t len, struct tt_err *err);

/* Max packet size of the IN endpoint; "VID:PID product" description. */
int devio_usb_packet(const struct devio_usb *u);
const char *devio_usb_describe(const struct devio_usb *u);

/* Known USB devices of reference/devices.md §1.3 and §2.2. */
struct devio_usb_known {
    uint16_t vid, pid; /* pid 0: any product of this vendor */
    const char *kind;  /* "scale", "scanner", "serial-adapter" */
    const char *name;
};
const struct devio_usb_known *devio_usb_lookup(uint16_t vid, uint16_t pid);

/* The udev rule that gives the kiosk user access to this USB device. */
void devio_udev_rule(char *buf, size_t len, const char *subsystem, uint16_t vid, uint16_t pid);

#endif
