/*
 * json-scan.h — a strict, allocation-free JSON validator for the bundle
 * reader's hot path (one million events must verify in seconds; jansson
 * builds a tree per event and was 85% of the time).
 *
 * jscan_object() checks that `json` is exactly one RFC 8259 JSON value
 * (valid UTF-8, no duplicate keys within an object, depth ≤ 64, at most 128
 * keys per object, nothing after it but whitespace) and, when it is an
 * object, calls `cb` for each top-level member in order. Pointers in the
 * member borrow from `json`.
 */
#ifndef TT_SYNC_JSON_SCAN_H
#define TT_SYNC_JSON_SCAN_H

#include <stddef.h>

enum jscan_type { JS_STRING, JS_NUMBER, JS_OBJECT, JS_ARRAY, JS_TRUE, JS_FALSE, JS_NULL };

struct jscan_member {
    const char *key; /* raw key bytes, without quotes (escapes left as they are) */
    size_t key_len;
    enum jscan_type type;
    const char *val; /* strings: the raw bytes between the quotes; else the whole value */
    size_t val_len;
    int has_escape; /* strings: a backslash appears */
    size_t n_items; /* arrays: number of elements; objects: number of members */
};

/*
 * Returns 0 when valid (and every cb returned 0), 1 when valid but not an
 * object, -1 when invalid (with *why, a static English reason), or the
 * first non-zero value a callback returned.
 */
int jscan_object(const char *json, size_t len, int (*cb)(void *ctx, const struct jscan_member *m),
                 void *ctx, const char **why);

#endif
