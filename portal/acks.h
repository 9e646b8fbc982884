/*
 * acks.h — what the portal sends back to the stations: signed receipts
 * and master data (reference/sync.md §4.2; file formats in sync/receipt.h).
 *
 * A receipt describes the station's state at the portal in absolute terms
 * (head bundle, last accepted bundles, unfilled gaps, recent rejections and
 * event conflicts), so the same state always gives the same receipt:
 * receipt_seq goes up only when the state changed since the last receipt;
 * otherwise the last receipt is issued again, byte for byte (same number,
 * same portal_time, deterministic signature). Master data versions follow
 * the same rule.
 */
#ifndef PORTAL_ACKS_H
#define PORTAL_ACKS_H

#include "../common/tt.h"
#include "../sync/receipt.h"
#include "../sync/sig.h"
#include "store.h"

#define ACKS_LIST_MAX 64 /* items of each kind listed in a receipt */

/*
 * The current receipt for `station`, stored (and numbered) when new.
 * *out is owned (receipt_free); *is_new tells whether the number went up.
 */
int portal_receipt_issue(struct portal_store *st, const char *station, struct receipt **out,
                         int *is_new, struct tt_err *err);

/* The current master data (products, revoked keys), versioned like receipts. */
int portal_masterdata_issue(struct portal_store *st, struct masterdata **out, int *is_new,
                            struct tt_err *err);

/*
 * Writes receipt / master data into `dir` with the portal key. A file of
 * the same name that is already there is left alone (same number = same
 * content); *written tells whether a file was made.
 */
int portal_receipt_put(const char *dir, const struct receipt *r, const struct sig_seckey *key,
                       int *written, struct tt_err *err);
int portal_masterdata_put(const char *dir, const struct masterdata *md,
                          const struct sig_seckey *key, int *written, struct tt_err *err);

#endif
