/*
 * epcis.c — building a complete EPCIS 2.0 JSON-LD event (reference/gs1.md
 * §5.1) from a struct db_event_new, with the CBV 2.0 vocabularies it is
 * checked against, and its eventID hash.
 *
 * Each stored event carries its own @context (the EPCIS 2.0 context plus
 * `cbvmda` and the station's `tt` prefix), so that one line of a bundle is a
 * JSON-LD event that stands alone. tramtem's extensions: tt:station (the
 * station id), tt:seq (the station's sequence number: it makes the hash of
 * two otherwise identical events differ), tt:clock ("ok", "backwards" or
 * "before-floor") and tt:reason (void / reprint reasons).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db-internal.h"

#define EPCIS_CONTEXT "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
#define TT_NS         "urn:tramtem:epcis:"

static const char *const bizsteps[] = {
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
    "sensor_reporting",
    "sampling",
};

static const char *const dispositions[] = {
    "active",
    "container_closed",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "no_pedigree_match",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unknown",
    "available",
    "completeness_verified",
    "completeness_inferred",
    "conformant",
    "container_open",
    "mismatch_instance",
    "mismatch_class",
    "mismatch_quantity",
    "needs_replacement",
    "non_conformant",
    "unavailable",
};

static int
in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; w != NULL && i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

int
db_cbv_is_bizstep(const char *word)
{
    return in_list(word, bizsteps, sizeof bizsteps / sizeof bizsteps[0]);
}

int
db_cbv_is_disposition(const char *word)
{
    return in_list(word, dispositions, sizeof dispositions / sizeof dispositions[0]);
}

/* Steals `v` into obj[key]; a failed allocation is caught by the final dump. */
static void
put(json_t *obj, const char *key, json_t *v)
{
    if (v != NULL)
        json_object_set_new(obj, key, v);
}

static json_t *
epc_array(const char *const *epcs, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < n; i++)
        json_array_append_new(a, json_string(epcs[i]));
    return a;
}

/* A decimal from thousandths without trailing zeros: 1234 -> 1.234, 1500 -> 1.5. */
static json_t *
milli_number(int64_t milli)
{
    if (milli % 1000 == 0)
        return json_integer(milli / 1000);
    return json_real((double)milli / 1000.0);
}

static json_t *
quantity_array(const struct db_quantity *q, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < n; i++) {
        json_t *e = json_object();

        put(e, "epcClass", json_string(q[i].epc_class));
        /* A unit without an amount says nothing: both or neither. */
        if (q[i].has_amount)
            put(e, "quantity", milli_number(q[i].amount_milli));
        if (q[i].has_amount && q[i].uom != NULL)
            put(e, "uom", json_string(q[i].uom));
        json_array_append_new(a, e);
    }
    return a;
}

/* Every string the event will carry must be UTF-8, or jansson would drop it silently. */
static int
event_text_ok(const struct db_event_new *ev)
{
    int ok = db_utf8_ok(ev->parent_id) && db_utf8_ok(ev->read_point) &&
             db_utf8_ok(ev->biz_location) && db_utf8_ok(ev->reason);

    for (size_t i = 0; ok && i < ev->n_epcs; i++)
        ok = ev->epcs[i] != NULL && db_utf8_ok(ev->epcs[i]);
    for (size_t i = 0; ok && i < ev->n_out_epcs; i++)
        ok = ev->out_epcs[i] != NULL && db_utf8_ok(ev->out_epcs[i]);
    for (size_t i = 0; ok && i < ev->n_quantities; i++)
        ok = db_utf8_ok(ev->quantities[i].epc_class) && db_utf8_ok(ev->quantities[i].uom);
    for (size_t i = 0; ok && i < ev->n_out_quantities; i++)
        ok = db_utf8_ok(ev->out_quantities[i].epc_class) && db_utf8_ok(ev->out_quantities[i].uom);
    for (size_t i = 0; ok && i < ev->n_ilmd; i++)
        ok = db_utf8_ok(ev->ilmd[i].key) && db_utf8_ok(ev->ilmd[i].value);
    return ok;
}

static int
check_event(const struct db_event_new *ev, struct tt_err *err)
{
    if ((unsigned)ev->type > DB_EVENT_TRANSFORMATION)
        return tt_err_set(err, TT_EINVAL, "db_event_append", "unknown event type");
    if (!db_cbv_is_bizstep(ev->biz_step))
        return tt_err_set(err, TT_EINVAL, "db_event_append", "'%s' is not a CBV 2.0 business step",
                          ev->biz_step != NULL ? ev->biz_step : "");
    if (ev->disposition != NULL && !db_cbv_is_disposition(ev->disposition))
        return tt_err_set(err, TT_EINVAL, "db_event_append", "'%s' is not a CBV 2.0 disposition",
                          ev->disposition);
    if ((ev->type == DB_EVENT_TRANSFORMATION) != (ev->action == DB_ACTION_NONE))
        return tt_err_set(err, TT_EINVAL, "db_event_append",
                          "a TransformationEvent has no action; every other event needs one");
    if (ev->type == DB_EVENT_OBJECT && ev->n_epcs + ev->n_quantities == 0)
        return tt_err_set(err, TT_EINVAL, "db_event_append",
                          "an ObjectEvent needs at least one EPC or quantity");
    if (ev->type == DB_EVENT_AGGREGATION && (ev->parent_id == NULL || *ev->parent_id == '\0') &&
        ev->action != DB_ACTION_OBSERVE)
        return tt_err_set(err, TT_EINVAL, "db_event_append",
                          "an AggregationEvent ADD/DELETE needs a parent (the SSCC)");
    if (ev->type == DB_EVENT_TRANSFORMATION &&
        (ev->n_epcs + ev->n_quantities == 0 || ev->n_out_epcs + ev->n_out_quantities == 0))
        return tt_err_set(err, TT_EINVAL, "db_event_append",
                          "a TransformationEvent needs inputs and outputs");
    if (ev->n_ilmd > 0 && ev->action != DB_ACTION_ADD && ev->type != DB_EVENT_TRANSFORMATION)
        return tt_err_set(err, TT_EINVAL, "db_event_append",
                          "lot master data (ilmd) belongs only to ADD or Transformation events");
    for (size_t i = 0; i < ev->n_ilmd; i++)
        if (ev->ilmd[i].key == NULL || strchr(ev->ilmd[i].key, ':') == NULL ||
            ev->ilmd[i].value == NULL)
            return tt_err_set(err, TT_EINVAL, "db_event_append",
                              "ilmd keys need a prefix (\"cbvmda:…\") and a value");
    if (!event_text_ok(ev))
        return tt_err_set(err, TT_EINVAL, "db_event_append",
                          "an identifier or text of the event is missing or not valid UTF-8");
    for (size_t i = 0; i < ev->n_quantities; i++)
        if (ev->quantities[i].epc_class == NULL)
            return tt_err_set(err, TT_EINVAL, "db_event_append", "a quantity needs an epcClass");
    for (size_t i = 0; i < ev->n_out_quantities; i++)
        if (ev->out_quantities[i].epc_class == NULL)
            return tt_err_set(err, TT_EINVAL, "db_event_append", "a quantity needs an epcClass");
    return 0;
}

static const char *
action_name(enum db_action a)
{
    return a == DB_ACTION_ADD ? "ADD" : a == DB_ACTION_DELETE ? "DELETE" : "OBSERVE";
}

/* The lists under their per-type names (EPCIS 2.0 §7.4). */
static void
put_lists(json_t *o, const struct db_event_new *ev)
{
    static const char *const names[3][4] = {
        {"epcList", "quantityList", NULL, NULL},
        {"childEPCs", "childQuantityList", NULL, NULL},
        {"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList"},
    };
    const char *const *n = names[ev->type];

    if (ev->type == DB_EVENT_AGGREGATION && ev->parent_id != NULL)
        put(o, "parentID", json_string(ev->parent_id));
    if (ev->n_epcs > 0)
        put(o, n[0], epc_array(ev->epcs, ev->n_epcs));
    if (ev->n_quantities > 0)
        put(o, n[1], quantity_array(ev->quantities, ev->n_quantities));
    if (n[2] != NULL && ev->n_out_epcs > 0)
        put(o, n[2], epc_array(ev->out_epcs, ev->n_out_epcs));
    if (n[3] != NULL && ev->n_out_quantities > 0)
        put(o, n[3], quantity_array(ev->out_quantities, ev->n_out_quantities));
}

static json_t *
build_object(const struct db_event_new *ev, const struct db_event_ctx *ctx)
{
    static const char *const type_names[] = {"ObjectEvent", "AggregationEvent",
                                             "TransformationEvent"};
    json_t *o = json_object(), *context = json_array(), *prefixes = json_object();
    char when[40], seq[24];

    json_array_append_new(context, json_string(EPCIS_CONTEXT));
    put(prefixes, "cbvmda", json_string("urn:epcglobal:cbv:mda:"));
    put(prefixes, "tt", json_string(TT_NS));
    json_array_append_new(context, prefixes);
    put(o, "@context", context);
    put(o, "type", json_string(type_names[ev->type]));
    put(o, "eventID", json_string("")); /* filled in once the hash is known */
    db_format_time(ctx->time_ms, ctx->tz_minutes, when);
    put(o, "eventTime", json_string(when));
    put(o, "eventTimeZoneOffset", json_string(ctx->tz));
    put_lists(o, ev);
    if (ev->type != DB_EVENT_TRANSFORMATION)
        put(o, "action", json_string(action_name(ev->action)));
    put(o, "bizStep", json_string(ev->biz_step));
    if (ev->disposition != NULL)
        put(o, "disposition", json_string(ev->disposition));
    if (ev->read_point != NULL && *ev->read_point != '\0')
        put(o, "readPoint", json_pack("{s:s}", "id", ev->read_point));
    if (ev->biz_location != NULL && *ev->biz_location != '\0')
        put(o, "bizLocation", json_pack("{s:s}", "id", ev->biz_location));
    if (ev->n_ilmd > 0) {
        json_t *ilmd = json_object();

        for (size_t i = 0; i < ev->n_ilmd; i++)
            put(ilmd, ev->ilmd[i].key, json_string(ev->ilmd[i].value));
        put(o, "ilmd", ilmd);
    }
    put(o, "tt:station", json_string(ctx->station_id));
    snprintf(seq, sizeof seq, "%lld", (long long)ctx->seq);
    put(o, "tt:seq", json_string(seq));
    put(o, "tt:clock", json_string(ctx->clock));
    if (ev->reason != NULL && *ev->reason != '\0')
        put(o, "tt:reason", json_string(ev->reason));
    return o;
}

int
db_epcis_build(const struct db_event_new *ev, const struct db_event_ctx *ctx, char **json_out,
               char event_id[96], struct tt_err *err)
{
    json_t *o;
    char *text = NULL;
    int rc;

    *json_out = NULL;
    event_id[0] = '\0';
    rc = check_event(ev, err);
    if (rc != 0)
        return rc;
    o = build_object(ev, ctx);
    if (o == NULL)
        return tt_err_set(err, TT_ENOMEM, "db_event_append", "out of memory");
    /* Hash the object as built (no text round trip); eventID is not part of the hash. */
    rc = db_epcis_hash_json(o, event_id, err);
    if (rc == 0) {
        json_object_set_new(o, "eventID", json_string(event_id));
        text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text == NULL)
            rc = tt_err_set(err, TT_ENOMEM, "db_event_append", "out of memory");
    }
    json_decref(o);
    if (rc == 0)
        *json_out = text;
    return rc;
}
