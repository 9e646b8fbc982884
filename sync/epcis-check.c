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

#include <jansson.h>
#include <string.h>

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

static int
nonempty_array(json_t *ev, const char *key)
{
    json_t *a = json_object_get(ev, key);

    return json_is_array(a) && json_array_size(a) > 0;
}

static int
is_array(json_t *ev, const char *key)
{
    return json_is_array(json_object_get(ev, key));
}

/* Returns NULL when the type-specific rules hold, else the reason. */
static const char *
check_type(json_t *ev, const char *type, const char *action)
{
    int del = action != NULL && strcmp(action, "DELETE") == 0;

    if (strcmp(type, "TransformationEvent") == 0) {
        if (!nonempty_array(ev, "inputEPCList") && !nonempty_array(ev, "inputQuantityList") &&
            !nonempty_array(ev, "outputEPCList") && !nonempty_array(ev, "outputQuantityList"))
            return "TransformationEvent without inputs or outputs";
        return NULL;
    }
    if (action == NULL || (strcmp(action, "ADD") != 0 && strcmp(action, "OBSERVE") != 0 && !del))
        return "action must be ADD, OBSERVE or DELETE";
    if (strcmp(type, "ObjectEvent") == 0) {
        if (!is_array(ev, "epcList") && !nonempty_array(ev, "quantityList"))
            return "ObjectEvent needs epcList or quantityList";
        if (json_object_get(ev, "ilmd") != NULL && strcmp(action, "ADD") != 0)
            return "ilmd is allowed only with action ADD";
    } else if (strcmp(type, "AggregationEvent") == 0 || strcmp(type, "AssociationEvent") == 0) {
        if (!del && !nonempty_array(ev, "childEPCs") && !nonempty_array(ev, "childQuantityList"))
            return "childEPCs or childQuantityList required";
        if (type[1] == 's' && !json_is_string(json_object_get(ev, "parentID")))
            return "AssociationEvent needs parentID";
    } else if (strcmp(type, "TransactionEvent") == 0) {
        if (!nonempty_array(ev, "bizTransactionList"))
            return "TransactionEvent needs bizTransactionList";
        if (!del && !is_array(ev, "epcList") && !nonempty_array(ev, "quantityList"))
            return "TransactionEvent needs epcList or quantityList";
    } else {
        return "unknown event type";
    }
    return NULL;
}

int
epcis_check_event(const char *json, size_t len, struct tt_err *err)
{
    json_error_t jerr;
    json_t *ev = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *type, *id, *t, *off, *why = NULL;
    json_t *action;

    if (ev == NULL)
        return tt_err_set(err, TT_EINVAL, "epcis_check_event", "not JSON: %s", jerr.text);
    if (!json_is_object(ev)) {
        why = "not a JSON object";
    } else if ((type = json_string_value(json_object_get(ev, "type"))) == NULL) {
        why = "no \"type\"";
    } else if ((id = json_string_value(json_object_get(ev, "eventID"))) == NULL ||
               strchr(id, ':') == NULL) {
        why = "no eventID URI";
    } else if ((t = json_string_value(json_object_get(ev, "eventTime"))) == NULL ||
               epcis_check_time(t) != 0) {
        why = "eventTime missing or not an RFC 3339 date-time";
    } else if ((off = json_string_value(json_object_get(ev, "eventTimeZoneOffset"))) == NULL ||
               !offset_ok(off)) {
        why = "eventTimeZoneOffset missing or not ±hh:mm";
    } else {
        action = json_object_get(ev, "action");
        if (action != NULL && !json_is_string(action))
            why = "action is not a string";
        else
            why = check_type(ev, type, json_string_value(action));
    }
    json_decref(ev);
    if (why != NULL)
        return tt_err_set(err, TT_EINVAL, "epcis_check_event", "%s", why);
    return 0;
}
