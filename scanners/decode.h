/*
 * decode.h — pure protocol decoders for scales and scanners: bytes in,
 * readings out. No I/O, no allocation, no clock: unit tests and fuzzers call
 * them directly (STYLE.md §7), and every backend uses the same ones.
 *
 * Contract of every scale decoder:
 *   - returns 0 and fills `out` when the frame is complete and every check
 *     passes (length, separators, checksum, digits, unit);
 *   - returns TT_EPARSE (syntax, checksum, unknown unit) or TT_EINVAL
 *     (a value out of range: overflow) with an English message in `err`,
 *     and then `out` holds no weight (state SCALE_NO_READING, ug = 0).
 *   A wrong weight is never returned: a frame that does not pass every
 *   check is an error, not a guess.
 * Weights are in micrograms (int64_t) so grams with 0.1 mg resolution stay
 * exact; the resolution is the weight of one displayed digit step.
 */
#ifndef TT_SCANNERS_DECODE_H
#define TT_SCANNERS_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"

/* What the operator must see (DESIGN.md §7). */
enum scale_state {
    SCALE_NO_READING = 0,    /* acknowledgement or busy reply: no weight in it */
    SCALE_STABLE,            /* the device (or the detector above it) says stable */
    SCALE_MOTION,            /* weight still changing */
    SCALE_ZERO,              /* stable at the centre of zero */
    SCALE_UNDER_ZERO,        /* below zero (tared, then unloaded) */
    SCALE_OVER_CAPACITY,     /* above the weight limit: no value */
    SCALE_NEEDS_CALIBRATION, /* the device asks for calibration or re-zeroing */
    SCALE_FAULT,             /* the device reports a fault */
    SCALE_DISCONNECTED,      /* unplugged, powered off or not answering */
};

/* Largest weight any decoder accepts: 1,000 t (1e15 µg). Above: overflow. */
#define WEIGHT_MAX_UG 1000000000000000LL

struct weight {
    enum scale_state state;
    int64_t ug;            /* weight in micrograms; 0 when there is no value */
    int64_t resolution_ug; /* one display step in µg (0 when unknown) */
    bool has_value;        /* false for over capacity, faults, acks */
    bool net;              /* net weight (tare in use) */
    bool no_status;        /* the protocol has no stable flag: detect in software */
};

/* Grams, for display (exact values stay in `ug`). */
double weight_grams(const struct weight *w);

/* The English name of a state ("stable", "in motion" ...), for logs and --json. */
const char *scale_state_name(enum scale_state state);

/*
 * Mass units by name, as the serial protocols write them ("g", "kg", "lb",
 * "oz", "t", "mg", "ct"); case-insensitive. Returns 0 and the size of one
 * unit in nanograms, or TT_EPARSE for anything that is not a mass.
 */
int weight_unit_ng(const char *unit, size_t len, int64_t *ng_out);

/*
 * Turns a decimal number as displayed ("-004.139", " 13.50") into a weight:
 * optional blanks, optional sign, digits with at most one decimal point.
 * `unit_ng` is the unit size in nanograms. Fails on anything else.
 */
int weight_from_decimal(const char *s, size_t len, int64_t unit_ng, struct weight *out,
                        struct tt_err *err);

/* --- HID POS scale report (usage page 0x8D), reference/devices.md §1.2 ---- */
/*
 * The 6-byte Scale Data report: [0] report id 0x03 (0x04 accepted),
 * [1] status, [2] unit, [3] signed power of ten, [4..5] little-endian
 * unsigned weight. Tael and "no unit" are refused (a tael differs by
 * country; a Vietnamese lạng is 100 g, a Hong Kong tael 37.8 g).
 */
int hidpos_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);

/* --- Serial scale protocols (reference/devices.md §3) ---------------------- */
enum scale_proto {
    SCALE_PROTO_NONE = 0,
    SCALE_PROTO_XK3190_A12, /* "WG004.139kg3D" CR LF, XOR of bytes 1-11 */
    SCALE_PROTO_XK3190_TF0, /* STX sign 6 digits decimals XOR XOR ETX */
    SCALE_PROTO_REV_EQ,     /* "=000.3000": value lowest digit first, sign last */
    SCALE_PROTO_EQ,         /* "=0003.000": sign first, high digit first */
    SCALE_PROTO_CAS22,      /* "ST,GS,1" lamp "," data(8) " " unit(2) CR LF */
    SCALE_PROTO_CAS18,      /* "ST,GS," data(8) unit(2) CR LF */
    SCALE_PROTO_SICS,       /* Mettler Toledo MT-SICS replies "S S   100.00 g" */
    SCALE_PROTO_TOLEDO8217, /* STX weight [N] CR, or STX '?' status CR (7E1) */
    SCALE_PROTO_OHAUS,      /* "    192.21 g ?" CR LF */
    SCALE_PROTO_COUNT,
};

/* Protocol names as used in SPEC strings ("xk3190-a12", "cas22" ...). */
const char *scale_proto_name(enum scale_proto proto);

/* Parses a protocol name; SCALE_PROTO_NONE when unknown. */
enum scale_proto scale_proto_parse(const char *name);

/* True for protocols the host must ask (poll) for each reading. */
bool scale_proto_polled(enum scale_proto proto);

/* True for 7-bit protocols (7E1): received bytes are masked with 0x7F. */
bool scale_proto_7bit(enum scale_proto proto);

/*
 * One decoder per protocol, each taking one complete frame (as the framer
 * below cuts it, terminators included).
 */
int xk3190_a12_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int xk3190_tf0_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int rev_eq_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int eq_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int cas22_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int cas18_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int sics_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int toledo8217_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);
int ohaus_decode(const uint8_t *buf, size_t len, struct weight *out, struct tt_err *err);

/* Dispatches to the decoder of `proto`. */
int scale_decode(enum scale_proto proto, const uint8_t *buf, size_t len, struct weight *out,
                 struct tt_err *err);

/*
 * The framer: cuts a serial byte stream into frames of one protocol and
 * resynchronises on the next frame start after garbage (devices.md §3.6).
 * Caller-owned, no allocation: declare one and call scale_framer_init().
 */
#define SCALE_FRAME_MAX 64
struct scale_framer {
    enum scale_proto proto;
    uint8_t buf[SCALE_FRAME_MAX];
    size_t len;
};

void scale_framer_init(struct scale_framer *f, enum scale_proto proto);

/*
 * Feeds bytes. Returns the number of bytes consumed (≤ n); stops after a
 * complete frame, which is then in frame_out/frame_len_out (borrowed: valid
 * until the next call) — *frame_len_out is 0 when no frame completed.
 * Call again with the rest.
 */
size_t scale_framer_feed(struct scale_framer *f, const uint8_t *bytes, size_t n,
                         const uint8_t **frame_out, size_t *frame_len_out);

/* --- Scanners ------------------------------------------------------------ */
#define SCAN_DATA_MAX 4096

/* One scan: the data bytes as the symbol holds them (GS 0x1D kept) and the
 * AIM symbology identifier ("]C1"), empty when the scanner sent none. */
struct scan {
    char aim[4];
    size_t len;
    uint8_t data[SCAN_DATA_MAX];
};

/*
 * Splits an AIM prefix (']' + code letter + modifier) off `buf` when there is
 * a valid one and stores the rest unchanged. TT_EINVAL when too long.
 */
int scan_from_bytes(const uint8_t *buf, size_t len, struct scan *out, struct tt_err *err);

/*
 * HID POS barcode scanner reports (usage page 0x8C), devices.md §2.1:
 * [0] report id 0x02, [1] data length (≤ 56), [2..4] AIM id, [5..60] data,
 * [61] vendor code id, [63] non-zero when more packets follow. Collects
 * packets until the last one.
 */
struct hidpos_scan_asm {
    struct scan scan;
    bool in_progress;
};

void hidpos_scan_init(struct hidpos_scan_asm *a);

/*
 * Feeds one report. Returns 1 when a scan is complete (in a->scan),
 * 0 when more packets are expected, or TT_EPARSE / TT_EINVAL on a bad report
 * (the scan in progress is dropped).
 */
int hidpos_scan_feed(struct hidpos_scan_asm *a, const uint8_t *report, size_t len,
                     struct tt_err *err);

/* --- Keyboard wedge: evdev key codes to characters ----------------------- */
enum wedge_layout { WEDGE_LAYOUT_US, WEDGE_LAYOUT_UK, WEDGE_LAYOUT_DE, WEDGE_LAYOUT_FR };

/* "us", "uk", "de", "fr"; -1 when unknown. */
int wedge_layout_parse(const char *name);

struct wedge_keys {
    enum wedge_layout layout;
    bool shift_l, shift_r, ctrl, alt, altgr, caps;
    int alt_code;       /* Alt + keypad digits being typed, -1 when none */
    bool tab_ends_scan; /* Tab terminates like Enter */
    uint8_t buf[SCAN_DATA_MAX];
    size_t len;
    bool overflow; /* spoiled: too long, or a key with no ASCII character */
};

void wedge_keys_init(struct wedge_keys *k, enum wedge_layout layout);

/*
 * Feeds one EV_KEY event (code = KEY_*, value 1 press, 0 release, 2 repeat).
 * Returns 1 when Enter (or Tab) ended a scan — the scan is in `out` and the
 * buffer restarts — 0 otherwise, TT_EINVAL when the scan was too long
 * (dropped). Ctrl+] and Alt+0029 give GS (0x1D).
 */
int wedge_keys_feed(struct wedge_keys *k, unsigned code, int value, struct scan *out,
                    struct tt_err *err);

/*
 * Telling a scan from typing on the kiosk's own terminal by timing
 * (devices.md §2.4): bytes with their arrival time in ms. A line that ends
 * with CR/LF, is at least `min_len` long and whose average gap between
 * bytes is below `max_avg_gap_ms` is a scan.
 */
struct wedge_timing {
    int min_len;        /* default 6 */
    int max_avg_gap_ms; /* default 30 */
    uint8_t buf[SCAN_DATA_MAX];
    size_t len;
    int64_t first_ms, last_ms;
};

void wedge_timing_init(struct wedge_timing *t);

enum wedge_verdict {
    WEDGE_MORE = 0, /* keep feeding */
    WEDGE_SCAN,     /* a scan is in `scan_out` */
    WEDGE_TYPED,    /* a human typed a line: it is in `scan_out` (no AIM split) */
};

/* Feeds one byte; returns an enum wedge_verdict, or TT_EINVAL on overflow. */
int wedge_timing_feed(struct wedge_timing *t, uint8_t byte, int64_t now_ms, struct scan *scan_out,
                      struct tt_err *err);

#endif
