/*
 * receipt.h — signed files from the portal to a station: receipts and
 * master data (DESIGN.md §6, reference/sync.md §4.2). Shared by the
 * station (reads them) and the portal (writes them); needs only common/,
 * sync/sig.h and jansson.
 *
 * Each is a JSON file plus a minisign signature by the portal key:
 *
 *   r-00000007.json (+ .minisig), trusted comment
 *     "tramtem-receipt/1 st=<station> rseq=<n> acked=<bundle> ev=<event seq>"
 *   {"format":1,"kind":"receipt","station":"…","station_key_id":"<KEYID>",
 *    "receipt_seq":7,"portal_time":"<ISO 8601>","acked_through_bundle":41,
 *    "acked_through_event":12345,
 *    "accepted":[{"seq":41,"b2":"<hex>"}],"duplicates":[{"seq":..,"b2":..}],
 *    "rejected":[{"seq":40,"b2":"<hex>","reason":"…"}],"gaps":[38,39],
 *    "event_conflicts":[{"event_id":"…","reason":"…"}],
 *    "master_data_version":3,"station_key_status":"active"}
 *
 *   m-00000003.json (+ .minisig), trusted comment
 *     "tramtem-masterdata/1 ver=<n>"
 *   {"format":1,"kind":"masterdata","version":3,"portal_time":"…",
 *    "products":[{"gtin":"<14 digits>","name_vi":"…","name_en":"…",
 *                 "unit":"KGM","variable":true}],
 *    "revoked_keys":["<KEYID>",…]}
 *
 * On a stick they sit in tramtem/<station>/ beside the bundles. Readers
 * verify the signature over the exact bytes before parsing (files ≤ 1 MiB
 * for receipts, 64 MiB for master data), then require the trusted comment
 * to match the JSON. Whether a receipt is new (receipt_seq goes up) and
 * covers only bundles that were sent is the caller's check against its
 * own state (receipt_check_station), done before anything is stored.
 */
#ifndef TT_SYNC_RECEIPT_H
#define TT_SYNC_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"
#include "sig.h"

#define RECEIPT_FILE_MAX    (1024 * 1024)
#define MASTERDATA_FILE_MAX (64 * 1024 * 1024)

/* tt_err.detail of a refused receipt or master-data file. */
enum receipt_problem {
    RECEIPT_P_NONE = 0,
    RECEIPT_P_SIGNATURE, /* not signed by the configured portal key */
    RECEIPT_P_FORMAT,    /* malformed JSON, missing fields, comment mismatch */
    RECEIPT_P_STATION,   /* for another station or station key */
    RECEIPT_P_REPLAY,    /* receipt_seq / version not above the last stored one */
    RECEIPT_P_RANGE,     /* acknowledges bundles or events never sent */
};

enum receipt_item_kind {
    RECEIPT_ACCEPTED,
    RECEIPT_DUPLICATE,
    RECEIPT_REJECTED,
    RECEIPT_GAP,
    RECEIPT_CONFLICT,
};

struct receipt_item {
    enum receipt_item_kind kind;
    uint64_t bundle_seq; /* 0 for an event conflict */
    char b2[65];         /* "" when not given */
    char event_id[96];   /* conflicts only */
    char reason[256];
};

struct receipt {
    char station[40];
    char station_key_id[17];
    uint64_t receipt_seq;
    char portal_time[40];
    uint64_t acked_through_bundle;
    uint64_t acked_through_event;
    uint64_t master_data_version;
    char station_key_status[16];
    struct receipt_item *items; /* owned by the struct */
    size_t n_items;
};

struct md_product {
    char gtin[15];
    char name_vi[128];
    char name_en[128];
    char unit[4];
    int variable;
};

struct masterdata {
    uint64_t version;
    char portal_time[40];
    struct md_product *products; /* owned */
    size_t n_products;
    char (*revoked_keys)[17]; /* owned; KEYID hex */
    size_t n_revoked;
};

/* "r-00000007.json" / "m-00000003.json"; out needs 32 bytes. */
void receipt_file_name(uint64_t seq, char out[32]);
void masterdata_file_name(uint64_t version, char out[32]);

/*
 * Reads `path` (regular file, no symlink, size cap by kind) and its
 * signature (`path`.minisig), verifies it with the portal key and tells
 * which kind it is: 'r' receipt or 'm' master data (from the signed
 * trusted comment). The verified bytes are returned owned in *text
 * (free()), *len their length, and `trusted` (≥ SIG_TRUSTED_MAX+1 bytes)
 * the trusted comment.
 */
int receipt_read_signed(const char *path, const struct sig_pubkey *portal, int *kind_out,
                        char **text, size_t *len, char *trusted, struct tt_err *err);

/* Parses a verified receipt; trusted (may be NULL) must match. *out owned: receipt_free(). */
int receipt_parse(const char *json, size_t len, const char *trusted, struct receipt **out,
                  struct tt_err *err);
void receipt_free(struct receipt *r);

/*
 * The station's checks, before storing anything: for this station and key,
 * receipt_seq above `last_receipt_seq`, acked_through_bundle ≤
 * `highest_bundle_sent`, acked_through_event ≤ `highest_event_sent`.
 */
int receipt_check_station(const struct receipt *r, const char *station, const char *key_id_hex,
                          uint64_t last_receipt_seq, uint64_t highest_bundle_sent,
                          uint64_t highest_event_sent, struct tt_err *err);

/* Parses verified master data; *out owned: masterdata_free(). */
int masterdata_parse(const char *json, size_t len, const char *trusted, struct masterdata **out,
                     struct tt_err *err);
void masterdata_free(struct masterdata *md);

/*
 * For the portal (and tests): writes `dir`/r-<seq>.json and its signature
 * (written last) with the portal key. Files are created new (O_EXCL) and
 * fsynced.
 */
int receipt_write(const char *dir, const struct receipt *r, const struct sig_seckey *portal,
                  struct tt_err *err);
int masterdata_write(const char *dir, const struct masterdata *md, const struct sig_seckey *portal,
                     struct tt_err *err);

#endif
