/*
 * scanner.h — barcode scanners behind one interface (STYLE.md §7).
 *
 * SPEC strings (DESIGN.md §3):
 *   evdev:/dev/input/by-id/...-event-kbd[?layout=us|uk|de|fr&tab=1]
 *            keyboard-wedge scanner read from its own input device with an
 *            exclusive grab (EVIOCGRAB), so its keystrokes never reach the
 *            kiosk's text fields; our own layout tables
 *   tty      the kiosk's own terminal: a scan is told from typing by timing
 *            (lines typed by hand come back as TT_ESTATE with the text)
 *   usb:VID:PID[:SERIAL]   HID POS scanner (usage page 0x8C) through libusb
 *   serial:/dev/ttyACM0[?baud=9600]   CDC-ACM / serial scanner, CR or LF ends
 *   sim:FILE[?list=1&speed=0 ...]     replay (format in sim.h); "sim:" alone
 *            is an empty simulated scanner fed by scanner_sim_push()
 *
 * Every scan comes out as bytes + AIM symbology identifier (struct scan in
 * decode.h), the bytes exactly as the symbol holds them: GS (0x1D)
 * separators are kept, for gs1_parse() to take apart.
 *
 * Hot-plug and ownership as for scales (scale.h): TT_EDEVICE once when the
 * device vanishes, then it is looked for again at most once a second;
 * scanner_open() returns owned, scanner_close(NULL) is a no-op.
 */
#ifndef TT_SCANNERS_SCANNER_H
#define TT_SCANNERS_SCANNER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"
#include "decode.h"

struct scanner;

struct scanner_ops {
    const char *name; /* "evdev", "tty", "hidpos", "serial", "sim" */
    int (*open)(struct scanner *, const char *spec, struct tt_err *);
    /* One scan, or TT_ETIMEOUT, TT_EPARSE/TT_EINVAL (dropped), TT_EDEVICE. */
    int (*read)(struct scanner *, struct scan *out, int timeout_ms, struct tt_err *);
    int (*reconnect)(struct scanner *, struct tt_err *);
    int (*fd)(struct scanner *);
    void (*close)(struct scanner *);
};

int scanner_open(const char *spec, struct scanner **out, struct tt_err *err);
void scanner_close(struct scanner *sc);

/*
 * Waits at most timeout_ms for a scan. Returns 0 with a scan, TT_ETIMEOUT,
 * TT_EDEVICE (disconnected), TT_ESTATE (tty: a line typed by hand, its text
 * in out), or another TT_E* for a scan that had to be dropped.
 */
int scanner_read(struct scanner *sc, struct scan *out, int timeout_ms, struct tt_err *err);

/* A descriptor to poll(), or -1. */
int scanner_fd(const struct scanner *sc);

const char *scanner_backend(const struct scanner *sc);
const char *scanner_describe(const struct scanner *sc);

/* Simulated scanner: queues one scan (aim may be NULL or ""). TT_EUSAGE
 * when `sc` is not a sim scanner. */
int scanner_sim_push(struct scanner *sc, const char *aim, const uint8_t *data, size_t len,
                     struct tt_err *err);

#endif
