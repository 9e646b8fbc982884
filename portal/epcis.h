/*
 * epcis.h — what the portal indexes of one EPCIS 2.0 event: the columns of
 * the events table (type, action, bizStep, times, locations) and the
 * identifiers a trace follows, as "keys":
 *
 *   lot:<GTIN-14>:<lot>       a lot (class-level, from an epcClass, an
 *                             instance URI carrying AI 10, or ilmd lotNumber)
 *   sgtin:<GTIN-14>:<serial>  one item (AI 21)
 *   sscc:<SSCC>               a logistic unit (AI 00)
 *
 * Identifiers are read from GS1 Digital Link URIs (https://host/01/…/10/…,
 * /00/…), the form the station writes, in epcList, quantityList, parentID,
 * childEPCs, childQuantityList and the input/output lists. Pure: no I/O.
 */
#ifndef PORTAL_EPCIS_H
#define PORTAL_EPCIS_H

#include <stddef.h>

#include "../common/tt.h"

#define EPCIS_KEY_LEN   64
#define EPCIS_FIELD_LEN 256

struct epcis_row {
    char event_id[EPCIS_FIELD_LEN];
    char type[40];
    char action[16];
    char biz_step[EPCIS_FIELD_LEN];
    char disposition[EPCIS_FIELD_LEN];
    char event_time[48];
    char event_tz[16];
    char read_point[EPCIS_FIELD_LEN];
    char biz_location[EPCIS_FIELD_LEN];
    /* The first identifiers seen, for display and simple filters. */
    char gtin[15];
    char lot[21];
    char serial[21];
    char sscc[19];
    /*
     * Every identifier, each once, in order of appearance: a pallet's
     * packing event lists all its cartons and each must lead to it.
     * Owned (epcis_row_free); kept between calls to reuse the memory.
     */
    size_t n_keys, keys_cap;
    char (*keys)[EPCIS_KEY_LEN];
    int keys_oom;
};

/*
 * Fills `out` (zeroed before its first use) from one event's JSON text.
 * TT_EPARSE when it is not a JSON object; TT_EINVAL when eventID, type or
 * eventTime is missing or too long; TT_ENOMEM.
 */
int epcis_row_from_json(const char *json, size_t len, struct epcis_row *out, struct tt_err *err);

/* Releases the row's key array. */
void epcis_row_free(struct epcis_row *r);

/*
 * Reads the identifiers of one Digital Link URI or path ("/01/…/10/…"):
 * GTIN-14, lot, serial, SSCC (each "" when absent). Values are
 * percent-decoded. Returns 0, or TT_EPARSE when it is not a DL URI.
 */
int epcis_dl_ids(const char *uri, char gtin[15], char lot[21], char serial[21], char sscc[19]);

/*
 * Decodes %XX escapes of `in` into out (out_len bytes). TT_EPARSE for a bad
 * escape, a %00 or a result that does not fit.
 */
int epcis_pct_decode(const char *in, size_t in_len, char *out, size_t out_len);

#endif
