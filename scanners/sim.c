/*
 * sim.c — parser and player of the simulation recordings (format in sim.h).
 * Fault injection follows SQLite's TestFaultInject: a countdown of
 * delivered events, then the fault once or for every event after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode-int.h"
#include "devio.h"
#include "sim.h"

#define SIM_FILE_MAX        (4 * 1024 * 1024)
#define SIM_EVENTS_MAX      100000
#define SIM_UNPLUG_FAULT_MS 1000

int
sim_unescape(const char *s, size_t len, uint8_t *out, size_t out_len, size_t *n_out)
{
    size_t n = 0;

    *n_out = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '\\') {
            char e = i + 1 < len ? s[++i] : '\0';
            if (e == 'r')
                c = '\r';
            else if (e == 'n')
                c = '\n';
            else if (e == 't')
                c = '\t';
            else if (e == '\\')
                c = '\\';
            else if (e == 'x' && i + 2 < len) {
                int hi = decode_hex_digit((uint8_t)s[i + 1]);
                int lo = decode_hex_digit((uint8_t)s[i + 2]);
                if (hi < 0 || lo < 0)
                    return TT_EPARSE;
                c = (uint8_t)(hi << 4 | lo);
                i += 2;
            } else {
                return TT_EPARSE;
            }
        }
        if (n == out_len)
            return TT_EINVAL;
        out[n++] = c;
    }
    *n_out = n;
    return 0;
}

static int
sim_hex(const char *s, size_t len, uint8_t *out, size_t out_len, size_t *n_out)
{
    size_t n = 0;
    int hi = -1;

    for (size_t i = 0; i < len; i++) {
        int d;
        if (s[i] == ' ' || s[i] == '\t')
            continue;
        d = decode_hex_digit((uint8_t)s[i]);
        if (d < 0)
            return TT_EPARSE;
        if (hi < 0) {
            hi = d;
            continue;
        }
        if (n == out_len)
            return TT_EINVAL;
        out[n++] = (uint8_t)(hi << 4 | d);
        hi = -1;
    }
    if (hi >= 0)
        return TT_EPARSE;
    *n_out = n;
    return 0;
}

static int
sim_state(const char *w, enum scale_state *st)
{
    static const struct {
        const char *name;
        enum scale_state st;
    } t[] = {
        {"stable", SCALE_STABLE},      {"motion", SCALE_MOTION},
        {"zero", SCALE_ZERO},          {"under", SCALE_UNDER_ZERO},
        {"over", SCALE_OVER_CAPACITY}, {"calibrate", SCALE_NEEDS_CALIBRATION},
        {"fault", SCALE_FAULT},
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (strcmp(w, t[i].name) == 0) {
            *st = t[i].st;
            return 0;
        }
    }
    return TT_EPARSE;
}

/* Copies the bytes into the event (owned). */
static int
sim_event_bytes(struct sim_event *e, const uint8_t *b, size_t n)
{
    e->data = malloc(n > 0 ? n : 1);
    if (e->data == NULL)
        return TT_ENOMEM;
    memcpy(e->data, b, n);
    e->len = n;
    return 0;
}

/* "+MS kind rest" into e; the line is NUL-terminated without its newline. */
static int
sim_parse_event(char *line, struct sim_event *e, uint8_t *tmp, size_t tmp_len)
{
    char *end, *kind, *rest;
    size_t n;
    int rc;

    errno = 0;
    e->delay_ms = strtol(line + 1, &end, 10);
    if (end == line + 1 || errno != 0 || e->delay_ms < 0 || *end != ' ')
        return TT_EPARSE;
    kind = end + 1;
    rest = strchr(kind, ' ');
    if (rest != NULL)
        *rest++ = '\0';
    else
        rest = kind + strlen(kind);
    if (strcmp(kind, "frame") == 0 || strcmp(kind, "text") == 0) {
        e->kind = SIM_BYTES;
        rc = kind[0] == 'f' ? sim_hex(rest, strlen(rest), tmp, tmp_len, &n)
                            : sim_unescape(rest, strlen(rest), tmp, tmp_len, &n);
        return rc != 0 ? rc : sim_event_bytes(e, tmp, n);
    }
    if (strcmp(kind, "weight") == 0) {
        struct weight w;
        char *st = strchr(rest, ' ');
        e->kind = SIM_WEIGHT;
        e->state = SCALE_STABLE;
        if (st != NULL) {
            *st++ = '\0';
            if (sim_state(st, &e->state) != 0)
                return TT_EPARSE;
        }
        rc = weight_from_decimal(rest, strlen(rest), 1000000000LL, &w, NULL);
        e->ug = w.ug;
        e->resolution_ug = w.resolution_ug;
        return rc;
    }
    if (strcmp(kind, "scan") == 0) {
        char *data = strchr(rest, ' ');
        e->kind = SIM_SCAN;
        if (data == NULL)
            return TT_EPARSE;
        *data++ = '\0';
        if (strcmp(rest, "-") != 0) {
            if (strlen(rest) != 3 || rest[0] != ']')
                return TT_EPARSE;
            memcpy(e->aim, rest, 3);
        }
        rc = sim_unescape(data, strlen(data), tmp, tmp_len, &n);
        return rc != 0 ? rc : sim_event_bytes(e, tmp, n);
    }
    if (strcmp(kind, "unplug") == 0) {
        e->kind = SIM_UNPLUG;
        errno = 0;
        e->unplug_ms = (int)strtol(rest, &end, 10);
        return (end == rest || *end != '\0' || errno != 0 || e->unplug_ms < 0) ? TT_EPARSE : 0;
    }
    return TT_EPARSE;
}

static int
sim_parse_fault(const char *args, struct sim_script *sc)
{
    char kind[16], mode[16];
    long after;

    if (sscanf(args, "%15s %ld %15s", kind, &after, mode) != 3 || after < 0)
        return TT_EPARSE;
    if (strcmp(kind, "unplug") == 0)
        sc->fault = SIM_FAULT_UNPLUG;
    else if (strcmp(kind, "garbage") == 0)
        sc->fault = SIM_FAULT_GARBAGE;
    else if (strcmp(kind, "timeout") == 0)
        sc->fault = SIM_FAULT_TIMEOUT;
    else
        return TT_EPARSE;
    if (strcmp(mode, "once") != 0 && strcmp(mode, "always") != 0)
        return TT_EPARSE;
    sc->fault_after = after;
    sc->fault_always = mode[0] == 'a';
    return 0;
}

/* One line of a recording (or of a barcode list). */
static int
sim_parse_line(char *line, bool list, struct sim_script *sc, uint8_t *tmp, size_t tmp_len)
{
    struct sim_event e;
    int rc;

    memset(&e, 0, sizeof e);
    if (list) {
        struct scan s;
        size_t n;
        e.kind = SIM_SCAN;
        rc = sim_unescape(line, strlen(line), tmp, tmp_len, &n);
        if (rc == 0)
            rc = scan_from_bytes(tmp, n, &s, NULL);
        if (rc == 0) {
            memcpy(e.aim, s.aim, sizeof e.aim);
            rc = sim_event_bytes(&e, s.data, s.len);
        }
    } else if (strcmp(line, "loop") == 0) {
        sc->loop = true;
        return 0;
    } else if (strncmp(line, "proto ", 6) == 0) {
        sc->proto = scale_proto_parse(line + 6);
        return sc->proto == SCALE_PROTO_NONE ? TT_EPARSE : 0;
    } else if (strncmp(line, "fault ", 6) == 0) {
        return sim_parse_fault(line + 6, sc);
    } else if (line[0] == '+') {
        rc = sim_parse_event(line, &e, tmp, tmp_len);
    } else {
        rc = TT_EPARSE;
    }
    if (rc != 0) {
        free(e.data);
        return rc;
    }
    if (sc->n == SIM_EVENTS_MAX) {
        free(e.data);
        return TT_EINVAL;
    }
    {
        struct sim_event *grown = realloc(sc->ev, (sc->n + 1) * sizeof *grown);
        if (grown == NULL) {
            free(e.data);
            return TT_ENOMEM;
        }
        sc->ev = grown;
        sc->ev[sc->n++] = e;
    }
    return 0;
}

int
sim_script_parse(const char *text, size_t len, bool list, struct sim_script *out,
                 struct tt_err *err)
{
    uint8_t tmp[SCAN_DATA_MAX + 4];
    char line[2 * SCAN_DATA_MAX];
    size_t pos = 0;
    int lineno = 0;

    memset(out, 0, sizeof *out);
    out->speed = 1.0;
    out->fault_unplug_ms = SIM_UNPLUG_FAULT_MS;
    while (pos < len) {
        size_t n = 0;
        int rc;
        lineno++;
        while (pos < len && text[pos] != '\n') {
            if (n + 1 >= sizeof line) {
                sim_script_free(out);
                return tt_err_set(err, TT_EINVAL, "sim_script_parse", "line %d is too long",
                                  lineno);
            }
            line[n++] = text[pos++];
        }
        pos++;
        if (n > 0 && text[pos - 2] == '\r') /* line[n - 1], as cppcheck can follow */
            n--;
        line[n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (memchr(line, '\0', n) != NULL)
            rc = TT_EPARSE;
        else
            rc = sim_parse_line(line, list, out, tmp, sizeof tmp);
        if (rc != 0) {
            sim_script_free(out);
            return tt_err_set(err, rc, "sim_script_parse",
                              "recording line %d is not understood (see scanners/sim.h)", lineno);
        }
    }
    return 0;
}

static int
sim_read_file(const char *path, char **buf, size_t *len, struct tt_err *err)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    *buf = NULL;
    *len = 0;
    if (f == NULL)
        return tt_err_set(err, TT_EDEVICE, "sim_script_load", "cannot open recording %s: %s", path,
                          strerror(errno));
    *buf = malloc(SIM_FILE_MAX);
    if (*buf == NULL) {
        fclose(f);
        return TT_ENOMEM;
    }
    n = fread(*buf, 1, SIM_FILE_MAX, f);
    fclose(f);
    if (n == SIM_FILE_MAX) {
        free(*buf);
        *buf = NULL;
        return tt_err_set(err, TT_EINVAL, "sim_script_load", "recording %s is over 4 MiB", path);
    }
    *len = n;
    return 0;
}

/* SPEC parameters win over the file. */
static int
sim_spec_overrides(const char *spec, struct sim_script *sc, struct tt_err *err)
{
    char v[32];
    long after, loop;

    if (devio_spec_param(spec, "speed", v, sizeof v) == 1) {
        char *end;
        sc->speed = strtod(v, &end);
        if (*end != '\0' || sc->speed < 0)
            return tt_err_set(err, TT_EINVAL, "sim", "speed=%s is not a number >= 0", v);
    }
    if (devio_spec_param(spec, "fault", v, sizeof v) == 1) {
        char mode[16] = "once", args[80];
        if (devio_spec_int(spec, "after", 0, &after, err) != 0)
            return TT_EINVAL;
        if (devio_spec_param(spec, "mode", mode, sizeof mode) < 0)
            return TT_EINVAL;
        snprintf(args, sizeof args, "%s %ld %s", v, after, mode);
        if (sim_parse_fault(args, sc) != 0)
            return tt_err_set(err, TT_EINVAL, "sim",
                              "fault=%s mode=%s: use unplug|garbage|timeout and once|always", v,
                              mode);
    }
    if (devio_spec_int(spec, "loop", sc->loop, &loop, err) != 0 ||
        devio_spec_int(spec, "unplug_ms", sc->fault_unplug_ms, &after, err) != 0)
        return TT_EINVAL;
    if (after < 0 || after > 3600000)
        return tt_err_set(err, TT_EINVAL, "sim", "unplug_ms must be 0..3600000");
    sc->fault_unplug_ms = (int)after;
    sc->loop = loop != 0;
    return 0;
}

int
sim_script_load(const char *spec, struct sim_script *out, struct tt_err *err)
{
    char path[512], v[8];
    char *buf = NULL;
    size_t len = 0;
    bool list = devio_spec_param(spec, "list", v, sizeof v) == 1 && strcmp(v, "1") == 0;
    int rc;

    memset(out, 0, sizeof *out);
    out->speed = 1.0;
    out->fault_unplug_ms = SIM_UNPLUG_FAULT_MS;
    if (devio_spec_path(spec, path, sizeof path) != 0)
        return tt_err_set(err, TT_EINVAL, "sim", "recording path too long");
    if (path[0] != '\0') {
        rc = sim_read_file(path, &buf, &len, err);
        if (rc != 0)
            return rc;
        rc = sim_script_parse(buf, len, list, out, err);
        free(buf);
        if (rc != 0)
            return rc;
    }
    rc = sim_spec_overrides(spec, out, err);
    if (rc != 0)
        sim_script_free(out);
    return rc;
}

void
sim_script_free(struct sim_script *sc)
{
    if (sc == NULL)
        return;
    for (size_t i = 0; i < sc->n; i++)
        free(sc->ev[i].data);
    free(sc->ev);
    sc->ev = NULL;
    sc->n = 0;
}

/* --- player --------------------------------------------------------------------- */

static int64_t
sim_delay(const struct sim_player *p, size_t i)
{
    return p->sc->speed <= 0 ? 0 : (int64_t)((double)p->sc->ev[i].delay_ms / p->sc->speed);
}

void
sim_player_start(struct sim_player *p, const struct sim_script *sc, int64_t now_ms)
{
    memset(p, 0, sizeof *p);
    p->sc = sc;
    p->due_ms =
        now_ms +
        (sc->n > 0 ? (sc->speed <= 0 ? 0 : (int64_t)((double)sc->ev[0].delay_ms / sc->speed)) : 0);
}

/* Moves to the next event (wrapping when the script loops). */
static void
sim_advance(struct sim_player *p, int64_t base_ms)
{
    p->next++;
    if (p->next == p->sc->n && p->sc->loop)
        p->next = 0;
    if (p->next < p->sc->n)
        p->due_ms = base_ms + sim_delay(p, p->next);
}

/* An unplugged device sends nothing: the recording resumes when it is back. */
static void
sim_pause(struct sim_player *p)
{
    if (p->due_ms < p->gone_until_ms)
        p->due_ms = p->gone_until_ms + (p->next < p->sc->n ? sim_delay(p, p->next) : 0);
}

enum sim_step
sim_player_step(struct sim_player *p, int64_t now_ms, const struct sim_event **ev, int64_t *wait_ms)
{
    size_t swallowed = 0;

    *ev = NULL;
    *wait_ms = 0;
    for (;;) {
        bool fault;
        if (now_ms < p->gone_until_ms)
            return SIM_STEP_GONE;
        if (p->next >= p->sc->n)
            return SIM_STEP_END;
        if (now_ms < p->due_ms) {
            *wait_ms = p->due_ms - now_ms;
            return SIM_STEP_WAIT;
        }
        *ev = &p->sc->ev[p->next];
        fault = p->sc->fault != SIM_FAULT_NONE && p->delivered >= p->sc->fault_after &&
                (p->sc->fault_always || !p->fired);
        p->delivered++;
        sim_advance(p, p->due_ms);
        if (fault) {
            p->fired = true;
            if (p->sc->fault == SIM_FAULT_TIMEOUT) {
                /* Swallowed: nothing arrives. A looping script at speed 0
                 * would swallow forever: give the caller's clock a turn. */
                if (++swallowed > p->sc->n) {
                    *wait_ms = 10;
                    return SIM_STEP_WAIT;
                }
                continue;
            }
            if (p->sc->fault == SIM_FAULT_GARBAGE)
                return SIM_STEP_GARBAGE;
            p->gone_until_ms = now_ms + p->sc->fault_unplug_ms;
            sim_pause(p);
            return SIM_STEP_GONE;
        }
        if ((*ev)->kind == SIM_UNPLUG) {
            p->gone_until_ms = now_ms + (*ev)->unplug_ms;
            sim_pause(p);
            return SIM_STEP_GONE;
        }
        return SIM_STEP_EVENT;
    }
}
