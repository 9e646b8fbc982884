/*
 * trace.c — forward/backward traces over the events' keys (see trace.h).
 *
 * Each round sends the keys found so far as one text[] parameter and lets
 * the GIN index on events.keys find the events that mention any of them;
 * the rules of which keys an event adds are applied here in C, where they
 * are easy to read and test.
 */
#include "trace.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gs1/gs1.h"

int
portal_lot_ok(const char *lot)
{
    /* GS1 CSET 82 (GS1 General Specifications, figure 7.11-1). */
    static const char cset82[] = "!\"%&'()*+,-./:;<=>?_";
    size_t n = 0;

    if (lot == NULL)
        return 0;
    for (; lot[n] != '\0'; n++) {
        unsigned char c = (unsigned char)lot[n];

        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c < 0x80 && strchr(cset82, c) != NULL)))
            return 0;
    }
    return n >= 1 && n <= 20;
}

int
portal_sscc_ok(const char *sscc)
{
    if (sscc == NULL || strlen(sscc) != 18)
        return 0;
    return gs1_check_digit(sscc, 17) == sscc[17] - '0';
}

/* The set of keys found so far, in discovery order. */
struct keyset {
    char **keys;
    size_t n;
    size_t done; /* keys before this index were already sent */
};

static int
keyset_has(const struct keyset *ks, const char *k)
{
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->keys[i], k) == 0)
            return 1;
    return 0;
}

static int
keyset_add(struct keyset *ks, const char *k)
{
    if (keyset_has(ks, k) || ks->n >= TRACE_KEYS_MAX)
        return 0;
    if (ks->keys == NULL) {
        ks->keys = calloc(TRACE_KEYS_MAX, sizeof *ks->keys);
        if (ks->keys == NULL)
            return TT_ENOMEM;
    }
    ks->keys[ks->n] = strdup(k);
    if (ks->keys[ks->n] == NULL)
        return TT_ENOMEM;
    ks->n++;
    return 0;
}

static void
keyset_free(struct keyset *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        free(ks->keys[i]);
    free(ks->keys);
    memset(ks, 0, sizeof *ks);
}

/* The array literal {"k1","k2"} of the keys not yet sent. */
static char *
array_literal(const struct keyset *ks)
{
    size_t cap = 3, n = 0;
    char *s;

    for (size_t i = ks->done; i < ks->n; i++)
        cap += 2 * strlen(ks->keys[i]) + 3;
    s = malloc(cap);
    if (s == NULL)
        return NULL;
    s[n++] = '{';
    for (size_t i = ks->done; i < ks->n; i++) {
        if (i > ks->done)
            s[n++] = ',';
        s[n++] = '"';
        for (const char *c = ks->keys[i]; *c != '\0'; c++) {
            if (*c == '"' || *c == '\\')
                s[n++] = '\\';
            s[n++] = *c;
        }
        s[n++] = '"';
    }
    s[n++] = '}';
    s[n] = '\0';
    return s;
}

/* Event ids already taken, so each is reported once. */
struct found {
    char **ids;
    size_t n;
};

static int
found_add(struct found *f, const char *station, const char *id)
{
    char buf[600];

    snprintf(buf, sizeof buf, "%s\t%s", station, id);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->ids[i], buf) == 0)
            return 0;
    if (f->n >= TRACE_EVENTS_MAX)
        return 0;
    if (f->ids == NULL && (f->ids = calloc(TRACE_EVENTS_MAX, sizeof *f->ids)) == NULL)
        return TT_ENOMEM;
    if ((f->ids[f->n] = strdup(buf)) == NULL)
        return TT_ENOMEM;
    f->n++;
    return 1;
}

enum direction { FORWARD, BACKWARD };

/*
 * Which keys an event adds. Forward: an aggregation adds only its parent
 * (where our goods went), anything else adds all it names. Backward: an
 * aggregation adds its children only when its parent is one we follow.
 */
static int
expand(struct keyset *ks, enum direction dir, const char *type, const char *parent, json_t *keys,
       int *take)
{
    int is_agg = strcmp(type, "AggregationEvent") == 0;
    char pkey[40];
    size_t i;
    json_t *k;

    snprintf(pkey, sizeof pkey, "sscc:%s", parent);
    *take = 1;
    if (is_agg && dir == FORWARD)
        return parent[0] != '\0' ? keyset_add(ks, pkey) : 0;
    if (is_agg && !keyset_has(ks, pkey)) {
        *take = 0; /* another pallet that holds one of "our" lots */
        return 0;
    }
    json_array_foreach(keys, i, k)
    {
        int rc = keyset_add(ks, json_string_value(k));

        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Runs the rounds of one direction from `seed`, collecting event ids in f. */
static int
walk(struct portal_store *st, const char *seed, enum direction dir, struct found *f,
     struct tt_err *err)
{
    struct keyset ks = {0};
    int rc = keyset_add(&ks, seed);

    for (int round = 0; rc == 0 && round < TRACE_ROUNDS_MAX && ks.done < ks.n; round++) {
        char *lit = array_literal(&ks);
        const char *params[1] = {lit};
        PGresult *res = NULL;

        if (lit == NULL) {
            rc = TT_ENOMEM;
            break;
        }
        ks.done = ks.n;
        /*
         * One GIN probe per key (LATERAL), not `keys && $1`: with a hundred
         * keys the planner guesses a large result for the overlap and scans
         * the whole table (123 ms against 0.6 ms on 20,000 events).
         */
        rc = portal_store_exec(st,
                               "SELECT DISTINCT ON (e.station_id, e.event_id) e.station_id,"
                               " e.event_id, e.event_type, coalesce(e.sscc, ''),"
                               " array_to_json(e.keys) FROM unnest($1::text[]) k,"
                               " LATERAL (SELECT station_id, event_id, event_type, sscc, keys"
                               "  FROM events WHERE keys @> ARRAY[k]) e",
                               1, params, &res, err);
        free(lit);
        for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
            json_t *keys = json_loads(PQgetvalue(res, i, 4), 0, NULL);
            int take = 0;

            rc = expand(&ks, dir, PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), keys, &take);
            json_decref(keys);
            if (rc == 0 && take)
                rc = found_add(f, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
            rc = rc > 0 ? 0 : rc;
        }
        PQclear(res);
    }
    keyset_free(&ks);
    if (rc == TT_ENOMEM)
        tt_err_set(err, rc, "portal_trace", "out of memory");
    return rc;
}

/* Sends the found events to cb, oldest first, with the station's name. */
static int
report(struct portal_store *st, const struct found *f, trace_fn cb, void *ctx, struct tt_err *err)
{
    struct keyset stations = {0}, ids = {0};
    char *lit_st = NULL, *lit_id = NULL;
    const char *params[2];
    PGresult *res = NULL;
    int rc = 0;

    /* Two parallel arrays (not a set: a station repeats), so append without the dedupe. */
    stations.keys = calloc(f->n + 1, sizeof *stations.keys);
    ids.keys = calloc(f->n + 1, sizeof *ids.keys);
    for (size_t i = 0; stations.keys != NULL && ids.keys != NULL && i < f->n; i++) {
        const char *tab = strchr(f->ids[i], '\t');

        stations.keys[i] = strndup(f->ids[i], (size_t)(tab - f->ids[i]));
        ids.keys[i] = strdup(tab + 1);
        stations.n = ids.n = i + 1;
        if (stations.keys[i] == NULL || ids.keys[i] == NULL)
            break;
    }
    if (stations.n == f->n && ids.keys[f->n - 1] != NULL) {
        lit_st = array_literal(&stations);
        lit_id = array_literal(&ids);
    }
    keyset_free(&stations);
    keyset_free(&ids);
    if (lit_st == NULL || lit_id == NULL) {
        free(lit_st);
        free(lit_id);
        return tt_err_set(err, TT_ENOMEM, "portal_trace", "out of memory");
    }
    params[0] = lit_st;
    params[1] = lit_id;
    rc = portal_store_exec(
        st,
        "SELECT e.station_id, s.name, e.event_id, e.event_type, coalesce(e.action, ''),"
        " coalesce(e.biz_step, ''), coalesce(e.disposition, ''),"
        " coalesce(e.doc->>'eventTime', ''), coalesce(e.event_tz, ''),"
        " coalesce(e.read_point, ''), coalesce(e.biz_location, ''), coalesce(e.gtin, ''),"
        " coalesce(e.lot, ''), coalesce(e.serial, ''), coalesce(e.sscc, ''), e.doc::text"
        " FROM unnest($1::text[], $2::text[]) AS f(station_id, event_id)"
        " JOIN events e USING (station_id, event_id) JOIN stations s USING (station_id)"
        " ORDER BY e.event_time, e.station_id, e.seq",
        2, params, &res, err);
    free(lit_st);
    free(lit_id);
    for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
        struct trace_event ev = {
            PQgetvalue(res, i, 0),  PQgetvalue(res, i, 1),  PQgetvalue(res, i, 2),
            PQgetvalue(res, i, 3),  PQgetvalue(res, i, 4),  PQgetvalue(res, i, 5),
            PQgetvalue(res, i, 6),  PQgetvalue(res, i, 7),  PQgetvalue(res, i, 8),
            PQgetvalue(res, i, 9),  PQgetvalue(res, i, 10), PQgetvalue(res, i, 11),
            PQgetvalue(res, i, 12), PQgetvalue(res, i, 13), PQgetvalue(res, i, 14),
            PQgetvalue(res, i, 15),
        };

        rc = cb(ctx, &ev);
    }
    PQclear(res);
    return rc;
}

int
portal_trace(struct portal_store *st, const char *gtin, const char *lot, const char *sscc,
             trace_fn cb, void *ctx, size_t *n_out, struct tt_err *err)
{
    struct found f = {0};
    char g14[15], seed[64];
    int rc;

    *n_out = 0;
    if (lot != NULL) {
        if (gs1_gtin_normalise(gtin, g14, err) < 0)
            return tt_err_set(err, TT_EINVAL, "portal_trace", "not a valid GTIN: %.30s",
                              gtin != NULL ? gtin : "");
        if (!portal_lot_ok(lot))
            return tt_err_set(err, TT_EINVAL, "portal_trace",
                              "not a valid lot (1-20 characters of GS1 CSET 82)");
        snprintf(seed, sizeof seed, "lot:%s:%s", g14, lot);
        rc = walk(st, seed, FORWARD, &f, err);
    } else {
        if (!portal_sscc_ok(sscc))
            return tt_err_set(err, TT_EINVAL, "portal_trace",
                              "not a valid SSCC (18 digits with the check digit)");
        snprintf(seed, sizeof seed, "sscc:%s", sscc);
        rc = walk(st, seed, BACKWARD, &f, err);
        if (rc == 0)
            rc = walk(st, seed, FORWARD, &f, err);
    }
    if (rc == 0 && f.n > 0)
        rc = report(st, &f, cb, ctx, err);
    *n_out = f.n;
    for (size_t i = 0; i < f.n; i++)
        free(f.ids[i]);
    free(f.ids);
    return rc;
}
