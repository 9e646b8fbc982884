/*
 * epcis-check.h — a strict structural check of one EPCIS 2.0 JSON event,
 * the rules of the GS1 EPCIS 2.0 JSON schema that a bundle reader must
 * hold every event to: the event type, eventID, eventTime and its zone
 * offset, action, and the per-type required lists. Not a full JSON-LD
 * validation; the tests also run the real schema over `verify --epcis`.
 * Needs only common/ and jansson.
 */
#ifndef TT_SYNC_EPCIS_CHECK_H
#define TT_SYNC_EPCIS_CHECK_H

#include <stddef.h>

#include "../common/tt.h"

/* 0 when json is one valid event object; TT_EINVAL with a reason otherwise. */
int epcis_check_event(const char *json, size_t len, struct tt_err *err);

/* 0 when s is an RFC 3339 date-time ("2026-11-25T08:00:00.000+07:00", "...Z"). */
int epcis_check_time(const char *s);

#endif
