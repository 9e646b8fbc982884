/*
 * scale.h — weighing scales behind one interface (STYLE.md §7, DESIGN.md §7).
 *
 * A scale is opened from a SPEC string (DESIGN.md §3):
 *   usb:VID:PID[:SERIAL]   HID POS scale through libusb (usb: alone = the
 *                          first known scale of reference/devices.md §1.3)
 *   hidraw:/dev/hidrawN    the same scales through the kernel's hidraw node
 *                          (no driver detach; pollable descriptor)
 *   serial:PATH[?proto=NAME&baud=N&parity=n|e|o&bits=7|8&listen=MS]
 *                          serial scale; without proto= the protocol is
 *                          detected: listening first, then polite polling
 *   sim:FILE[?speed=X&fault=KIND&after=N&mode=once|always]
 *                          replay of a recording (format in sim.h);
 *   sim:                   a simulated scale whose weight is set with
 *                          scale_sim_set() (training mode, demo kiosk)
 *
 * Readings: scale_read() returns what the device said, passed through the
 * stable-weight detector that sits above every backend: state SCALE_STABLE
 * is only given after N readings in a row that the device calls stable (or,
 * for protocols without a stable flag, that are identical for a minimum
 * time), all within the tolerance of the first. Until then a device-stable
 * reading is reported as SCALE_MOTION.
 *
 * Hot-plug: when the device vanishes, scale_read() returns TT_EDEVICE with
 * out->state = SCALE_DISCONNECTED once, and on later calls keeps trying to
 * find it again (at most once a second) while waiting at most timeout_ms.
 * Nothing is fatal; nothing blocks longer than timeout_ms.
 *
 * Ownership: scale_open() returns an owned scale (free with scale_close());
 * scale_close(NULL) is a no-op. Not thread-safe: one reader per scale.
 */
#ifndef TT_SCANNERS_SCALE_H
#define TT_SCANNERS_SCALE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/tt.h"
#include "decode.h"

struct scale;

/* The backend table (STYLE.md §7); backends fill in a static const one. */
struct scale_ops {
    const char *name; /* "hidpos", "serial", "sim" */
    int (*open)(struct scale *, const char *spec, struct tt_err *);
    /* One raw reading, or TT_ETIMEOUT, TT_EPARSE (bad frame), TT_EDEVICE (gone). */
    int (*read)(struct scale *, struct weight *out, int timeout_ms, struct tt_err *);
    int (*zero)(struct scale *, struct tt_err *); /* NULL: not supported */
    int (*tare)(struct scale *, struct tt_err *); /* NULL: not supported */
    /* Finds the device again after TT_EDEVICE; TT_EDEVICE while still gone. */
    int (*reconnect)(struct scale *, struct tt_err *);
    int (*fd)(struct scale *); /* a descriptor to poll(), or -1 */
    void (*close)(struct scale *);
};

/* How stability is decided (defaults in brackets). */
struct scale_stability {
    int n_readings;       /* identical stable readings in a row [3] */
    int64_t tolerance_ug; /* allowed spread; 0 = one resolution step [0] */
    int min_ms;           /* protocols without a stable flag: minimum time [500] */
};

/* Opens SPEC. Returns 0 and an owned scale in *out, or a TT_E* code. */
int scale_open(const char *spec, struct scale **out, struct tt_err *err);

void scale_close(struct scale *s);

/*
 * Waits at most timeout_ms (0: only what is already there) for a reading.
 * Returns 0 with a reading, TT_ETIMEOUT, TT_EPARSE (a damaged frame was
 * dropped; read again), or TT_EDEVICE with out->state SCALE_DISCONNECTED.
 */
int scale_read(struct scale *s, struct weight *out, int timeout_ms, struct tt_err *err);

/* Zero / tare where the device supports it; TT_EUSAGE when it does not. */
int scale_zero(struct scale *s, struct tt_err *err);
int scale_tare(struct scale *s, struct tt_err *err);

/* A descriptor that becomes readable when data arrives, or -1 (then poll
 * by calling scale_read() with a short timeout). */
int scale_fd(const struct scale *s);

/* "serial", "hidpos", "sim". */
const char *scale_backend(const struct scale *s);

/* Human description: the protocol found, the USB product ... (borrowed). */
const char *scale_describe(const struct scale *s);

void scale_set_stability(struct scale *s, const struct scale_stability *cfg);

/*
 * Simulated scale: sets the weight the next readings report (grams in µg)
 * and its state. TT_EUSAGE when `s` is not a sim scale.
 */
int scale_sim_set(struct scale *s, int64_t ug, enum scale_state state, struct tt_err *err);

/* --- the stable-weight detector, usable alone (tests, bench, core) ------- */
struct scale_stab {
    struct scale_stability cfg;
    int count;        /* stable-looking readings in the current run */
    int64_t first_ug; /* first value of the run */
    int64_t since_ms; /* time of the first reading of the run */
};

void scale_stab_init(struct scale_stab *st, const struct scale_stability *cfg);

/* Feeds one raw reading taken at now_ms; `out` gets the reading with the
 * detector's state. */
void scale_stab_feed(struct scale_stab *st, const struct weight *raw, int64_t now_ms,
                     struct weight *out);

#endif
