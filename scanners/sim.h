/*
 * sim.h — the recording format replayed by the simulated scale and scanner
 * (spec "sim:FILE"), and its player. Training mode, the demo kiosk and the
 * tests use it. Internal to scanners/ (the sim backends and tests).
 *
 * A recording is a UTF-8 text file, one item a line; '#' starts a comment
 * line, blank lines are ignored:
 *
 *   proto NAME           decoder for "frame"/"text" bytes (scale only), a
 *                        name of scale_proto_parse(): xk3190-a12, cas22 ...
 *   loop                 after the last event, start again from the top
 *   fault KIND AFTER MODE
 *                        inject a fault instead of the event that follows
 *                        AFTER delivered events (a countdown); KIND is
 *                        unplug | garbage | timeout, MODE once | always
 *   +MS frame HEX        MS milliseconds after the previous event, these
 *                        bytes arrive (hex pairs, blanks allowed)
 *   +MS text STRING      the same with C escapes: \r \n \t \\ \xHH
 *   +MS weight GRAMS [STATE]
 *                        a decoded reading: GRAMS as a decimal number,
 *                        STATE stable | motion | zero | under | over |
 *                        calibrate | fault (default stable)
 *   +MS scan AIM DATA    a scan (scanner only); AIM like ]C1, or - for none;
 *                        DATA with C escapes (\x1d is GS)
 *   +MS unplug MS2       the device vanishes for MS2 ms, then comes back
 *
 * Faults: "unplug" makes the device vanish for one second; "garbage"
 * delivers damaged bytes in place of the event; "timeout" swallows the
 * event (nothing arrives). SPEC parameters override the file:
 *   sim:FILE?speed=0 (no waiting; default 1 = recorded timing)
 *           &fault=KIND&after=N&mode=once|always&unplug_ms=MS&loop=1
 *   sim:FILE?list=1   the file is a plain list of barcodes, one a line
 *                     (C escapes allowed, optional AIM prefix), for the
 *                     training scanner.
 */
#ifndef TT_SCANNERS_SIM_H
#define TT_SCANNERS_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

enum sim_kind { SIM_BYTES, SIM_WEIGHT, SIM_SCAN, SIM_UNPLUG };
enum sim_fault { SIM_FAULT_NONE, SIM_FAULT_UNPLUG, SIM_FAULT_GARBAGE, SIM_FAULT_TIMEOUT };

struct sim_event {
    int64_t delay_ms;
    enum sim_kind kind;
    uint8_t *data; /* bytes or scan data, owned by the script */
    size_t len;
    char aim[4];
    int64_t ug, resolution_ug;
    enum scale_state state;
    int unplug_ms;
};

struct sim_script {
    struct sim_event *ev; /* owned */
    size_t n;
    enum scale_proto proto;
    bool loop;
    enum sim_fault fault;
    long fault_after;
    int fault_unplug_ms; /* how long an injected unplug lasts [1000] */
    bool fault_always;
    double speed; /* 1 = as recorded, 0 = no waiting */
};

/* Parses a recording held in memory (pure; the fuzzer calls it). */
int sim_script_parse(const char *text, size_t len, bool list, struct sim_script *out,
                     struct tt_err *err);

/* Reads FILE of "sim:FILE?..." and applies the SPEC parameters. An empty
 * path gives an empty script. */
int sim_script_load(const char *spec, struct sim_script *out, struct tt_err *err);

void sim_script_free(struct sim_script *sc);

/* Decodes C escapes of [s, s+len) into out (at most out_len bytes). */
int sim_unescape(const char *s, size_t len, uint8_t *out, size_t out_len, size_t *n_out);

struct sim_player {
    const struct sim_script *sc;
    size_t next;
    int64_t due_ms; /* when script event `next` is due */
    long delivered;
    bool fired;
    int64_t gone_until_ms; /* unplugged until then */
};

void sim_player_start(struct sim_player *p, const struct sim_script *sc, int64_t now_ms);

enum sim_step {
    SIM_STEP_WAIT,    /* nothing due yet: *wait_ms says how long */
    SIM_STEP_EVENT,   /* *ev is due now */
    SIM_STEP_GARBAGE, /* deliver damaged bytes instead of the event */
    SIM_STEP_GONE,    /* the device is unplugged */
    SIM_STEP_END,     /* the recording is over */
};

/* What happens at now_ms. Drops swallowed (timeout fault) events itself. */
enum sim_step sim_player_step(struct sim_player *p, int64_t now_ms, const struct sim_event **ev,
                              int64_t *wait_ms);

#endif
