/*
 * trace.h — a lot or an SSCC forward and backward across stations.
 *
 * The events table indexes each event's identifiers as keys (epcis.h). A
 * trace walks that graph in rounds (one indexed query each):
 *   forward  from a lot: the events of the lot and its items, then the
 *            pallets (SSCC parents) they were packed into, then what
 *            happened to those pallets anywhere (shipping, receiving, and
 *            bigger pallets they went into);
 *   backward from an SSCC: what was packed into it (children of its
 *            aggregation events), and those lots' and items' own events
 *            (harvest, weighing, labelling).
 * An SSCC is traced both ways; a lot forward (its own events are its past).
 * Other lots that shared a pallet are not pulled in.
 *
 * A trace reports at most `limit` events (the oldest first); when there
 * were more, or the walk hit its bounds (keys: the larger of
 * TRACE_KEYS_MAX and twice the limit; TRACE_ROUNDS_MAX rounds), the result
 * says it was cut, so no caller can mistake a part for the whole.
 */
#ifndef PORTAL_TRACE_H
#define PORTAL_TRACE_H

#include <stddef.h>

#include "../common/tt.h"
#include "store.h"

#define TRACE_KEYS_MAX      4096
#define TRACE_LIMIT_DEFAULT 2000
#define TRACE_LIMIT_MAX     100000
#define TRACE_ROUNDS_MAX    12

/* One event of a trace; strings borrowed until the callback returns. */
struct trace_event {
    const char *station;
    const char *station_name; /* cooperative / station display name */
    const char *event_id;
    const char *type;
    const char *action;
    const char *biz_step; /* bare CBV word ("commissioning") */
    const char *disposition;
    const char *event_time; /* ISO 8601 with the event's own offset */
    const char *event_tz;
    const char *read_point;
    const char *biz_location;
    const char *gtin, *lot, *serial, *sscc;
    const char *doc; /* the whole event, JSON */
};

typedef int (*trace_fn)(void *ctx, const struct trace_event *ev);

/* How a trace went. */
struct trace_count {
    size_t n;       /* events given to the callback (at most the limit) */
    size_t n_found; /* distinct events found (>= n); a lower bound when truncated */
    int truncated;  /* there are, or may be, more events than were given */
};

/*
 * Traces (gtin, lot) when lot is not NULL, else the SSCC `sscc`. gtin is
 * GTIN-8/12/13/14 and is normalised; everything is validated first
 * (TT_EINVAL with a message). The first `limit` events (1-TRACE_LIMIT_MAX,
 * else TT_EUSAGE) go to cb in time order; *out says how many and whether
 * the result was cut (n = 0: nothing known, not an error).
 */
int portal_trace_limit(struct portal_store *st, const char *gtin, const char *lot, const char *sscc,
                       size_t limit, trace_fn cb, void *ctx, struct trace_count *out,
                       struct tt_err *err);

/* portal_trace_limit with TRACE_LIMIT_DEFAULT; the number given in *n_out. */
int portal_trace(struct portal_store *st, const char *gtin, const char *lot, const char *sscc,
                 trace_fn cb, void *ctx, size_t *n_out, struct tt_err *err);

/*
 * Validation used by the CLI and the resolver: a GS1 lot (AI 10: 1-20
 * characters of GS1 CSET 82) and an SSCC (18 digits, check digit right).
 */
int portal_lot_ok(const char *lot);
int portal_sscc_ok(const char *sscc);

#endif
