/*
 * epcis-check.c — the EPCIS 2.0 event rules a bundle reader enforces
 * (facts from the GS1 EPCIS 2.0 JSON schema: Event requires eventTime and
 * eventTimeZoneOffset "^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$"; Object,
 * Aggregation, Association and Transaction events require action
 * ADD|OBSERVE|DELETE; ObjectEvent needs epcList or quantityList;
 * AggregationEvent childEPCs or childQuantityList unless DELETE;
 * AssociationEvent a parentID; TransactionEvent a non-empty
 * bizTransactionList; TransformationEvent inputs or outputs).
 * We also require an eventID, which the portal dedupes on.
 */
#include "epcis-check.h"

#include <stddef.h>
#include <string.h>

#include "json-scan.h"

static int
digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
offset_ok(const char *s)
{
    if ((s[0] != '+' && s[0] != '-') || !digits(s + 1, 2) || s[3] != ':' || !digits(s + 4, 2) ||
        s[6] != '\0')
        return 0;
    if (strcmp(s + 1, "14:00") == 0)
        return 1;
    return (s[1] == '0' || (s[1] == '1' && s[2] <= '3')) && s[4] <= '5';
}

int
epcis_check_time(const char *s)
{
    size_t i = 19;

    /* YYYY-MM-DDThh:mm:ss */
    if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return -1;
    if (s[5] > '1' || (s[5] == '1' && s[6] > '2') || (s[5] == '0' && s[6] == '0') || s[8] > '3' ||
        (s[8] == '0' && s[9] == '0') || s[11] > '2' || s[14] > '5' || s[17] > '6')
        return -1;
    if (s[i] == '.') {
        size_t j = i + 1;

        while (s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == i + 1)
            return -1;
        i = j;
    }
    if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
        return 0;
    return s[i] != '\0' && offset_ok(s + i) ? 0 : -1;
}

/* The members of an event the rules look at (borrowed from the JSON text). */
struct fields {
    char type[32], time[64], off[16], action[16];
    int has_type, has_id, id_has_colon, has_time, has_off, has_action, action_bad, has_parent;
    int has_ilmd;
    long epc, qty, child, child_qty, biz_tx, in_epc, in_qty, out_epc, out_qty; /* -1: absent */
    const char *bad;
};

/* Copies a plain string value (no escapes) into out; 0 on success. */
static int
take_string(const struct jscan_member *m, char *out, size_t cap)
{
    if (m->type != JS_STRING || m->has_escape || m->val_len >= cap)
        return -1;
    memcpy(out, m->val, m->val_len);
    out[m->val_len] = '\0';
    return 0;
}

static int
key_is(const struct jscan_member *m, const char *k)
{
    size_t n = strlen(k);

    return m->key_len == n && memcmp(m->key, k, n) == 0;
}

static long
array_size(const struct jscan_member *m, struct fields *f)
{
    if (m->type != JS_ARRAY) {
        f->bad = "a list member is not an array";
        return 0;
    }
    return (long)m->n_items;
}

static int
on_member(void *ctx, const struct jscan_member *m)
{
    struct fields *f = ctx;
    static const struct {
        const char *key;
        size_t off;
    } lists[] = {
        {"epcList", offsetof(struct fields, epc)},
        {"quantityList", offsetof(struct fields, qty)},
        {"childEPCs", offsetof(struct fields, child)},
        {"childQuantityList", offsetof(struct fields, child_qty)},
        {"bizTransactionList", offsetof(struct fields, biz_tx)},
        {"inputEPCList", offsetof(struct fields, in_epc)},
        {"inputQuantityList", offsetof(struct fields, in_qty)},
        {"outputEPCList", offsetof(struct fields, out_epc)},
        {"outputQuantityList", offsetof(struct fields, out_qty)},
    };

    if (key_is(m, "type")) {
        f->has_type = take_string(m, f->type, sizeof f->type) == 0;
    } else if (key_is(m, "eventID")) {
        f->has_id = m->type == JS_STRING && m->val_len > 0;
        f->id_has_colon = f->has_id && memchr(m->val, ':', m->val_len) != NULL;
    } else if (key_is(m, "eventTime")) {
        f->has_time = take_string(m, f->time, sizeof f->time) == 0;
    } else if (key_is(m, "eventTimeZoneOffset")) {
        f->has_off = take_string(m, f->off, sizeof f->off) == 0;
    } else if (key_is(m, "action")) {
        f->has_action = 1;
        f->action_bad = take_string(m, f->action, sizeof f->action) != 0;
    } else if (key_is(m, "parentID")) {
        f->has_parent = m->type == JS_STRING;
    } else if (key_is(m, "ilmd")) {
        f->has_ilmd = 1;
    } else {
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            if (key_is(m, lists[i].key))
                *(long *)((char *)f + lists[i].off) = array_size(m, f);
    }
    return 0;
}

/* Returns NULL when the type-specific rules hold, else the reason. */
static const char *
check_type(const struct fields *f)
{
    const char *type = f->type, *action = f->has_action ? f->action : NULL;
    int del = action != NULL && strcmp(action, "DELETE") == 0;

    if (strcmp(type, "TransformationEvent") == 0) {
        if (f->in_epc < 1 && f->in_qty < 1 && f->out_epc < 1 && f->out_qty < 1)
            return "TransformationEvent without inputs or outputs";
        return NULL;
    }
    if (action == NULL || (strcmp(action, "ADD") != 0 && strcmp(action, "OBSERVE") != 0 && !del))
        return "action must be ADD, OBSERVE or DELETE";
    if (strcmp(type, "ObjectEvent") == 0) {
        if (f->epc < 0 && f->qty < 1)
            return "ObjectEvent needs epcList or quantityList";
        if (f->has_ilmd && strcmp(action, "ADD") != 0)
            return "ilmd is allowed only with action ADD";
    } else if (strcmp(type, "AggregationEvent") == 0 || strcmp(type, "AssociationEvent") == 0) {
        if (!del && f->child < 1 && f->child_qty < 1)
            return "childEPCs or childQuantityList required";
        if (type[1] == 's' && !f->has_parent)
            return "AssociationEvent needs parentID";
    } else if (strcmp(type, "TransactionEvent") == 0) {
        if (f->biz_tx < 1)
            return "TransactionEvent needs bizTransactionList";
        if (!del && f->epc < 0 && f->qty < 1)
            return "TransactionEvent needs epcList or quantityList";
    } else {
        return "unknown event type";
    }
    return NULL;
}

int
epcis_check_event(const char *json, size_t len, struct tt_err *err)
{
    struct fields f;
    const char *why = NULL;
    int rc;

    memset(&f, 0, sizeof f);
    f.epc = f.qty = f.child = f.child_qty = f.biz_tx = -1;
    f.in_epc = f.in_qty = f.out_epc = f.out_qty = -1;
    rc = jscan_object(json, len, on_member, &f, &why);
    if (rc < 0)
        return tt_err_set(err, TT_EINVAL, "epcis_check_event", "not JSON: %s",
                          why != NULL ? why : "invalid");
    if (rc == 1)
        why = "not a JSON object";
    else if (f.bad != NULL)
        why = f.bad;
    else if (!f.has_type)
        why = "no \"type\"";
    else if (!f.has_id || !f.id_has_colon)
        why = "no eventID URI";
    else if (!f.has_time || epcis_check_time(f.time) != 0)
        why = "eventTime missing or not an RFC 3339 date-time";
    else if (!f.has_off || !offset_ok(f.off))
        why = "eventTimeZoneOffset missing or not ±hh:mm";
    else if (f.action_bad)
        why = "action is not a string";
    else
        why = check_type(&f);
    if (why != NULL)
        return tt_err_set(err, TT_EINVAL, "epcis_check_event", "%s", why);
    return 0;
}
