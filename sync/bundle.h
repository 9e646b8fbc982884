/*
 * bundle.h — the signed sync bundle: writer and verifying reader
 * (DESIGN.md §6, reference/sync.md §0, §6).
 *
 * A bundle is two files: `b-00000042.ndjson.gz`, the payload, and
 * `b-00000042.ndjson.gz.minisig`, its minisign signature (sig.h), written
 * last. The payload is ONE gzip member of LF-terminated lines, each written
 * in exactly this layout (readers require it byte for byte):
 *
 *   {"tramtem":"bundle","format":1,"station":"st-1a2b3c4d","key_id":"<KEYID>",
 *    "bundle_seq":42,"prev_b2":"<64 hex>","first_event_seq":1001,
 *    "last_event_seq":1500,"event_count":500,"created_claimed":"<ISO 8601 ±hh:mm>",
 *    "clock_trusted":true,"last_receipt_seq_seen":7,"master_data_version":3}
 *   {"masterdata":<EPCIS vocabulary object>}           (zero or more, before events;
 *                                                       the station's products)
 *   {"seq":1001,"event":<one complete EPCIS 2.0 event object>}   (event_count lines)
 *   {"tramtem":"trailer","event_count":500,"last_event_seq":1500}
 *
 * (the header is one line; it is wrapped here for reading). `prev_b2` is the
 * BLAKE2b-256 of the previous bundle's payload file (64 zeros for bundle 1).
 * Event seqs go strictly up, the first is first_event_seq and the last is
 * last_event_seq. The trusted comment of the signature is
 *
 *   tramtem-bundle/1 st=<station> kid=<KEYID> seq=<n> ev=<first>-<last> n=<count>
 *   prev=<64 hex> created=<ISO 8601>
 *
 * (one line) and must equal the header. The writer is deterministic: the
 * same header and event bytes give the same payload bytes (gzip mtime 0,
 * fixed level), and Ed25519 signatures are deterministic too.
 *
 * The reader checks the signature over the raw file BEFORE it decompresses
 * or parses a byte, then the header (against the trusted comment, the file
 * name and what the caller expects: station, bundle number, chain), the
 * sequence, each event and the trailer; it hashes the file again while
 * reading, so a file changed after the signature check is caught.
 * Memory stays constant (lines ≤ BUNDLE_LINE_MAX).
 *
 * Sealed bundles (seal.h; off by default): the payload file holds the
 * gzip member above encrypted to the portal's seal key, under the same
 * name. The signature and its trusted comment are over the sealed file as
 * written (minisign -V still works without a secret). A bundle's identity
 * — the prev_b2 of the next bundle, and the hash the portal dedupes on —
 * is always the BLAKE2b-256 of the plain gzip payload, sealed or not: a
 * bundle sealed again (new random key, new bytes) is the same bundle.
 * The reader checks the signature over the sealed bytes first, then opens
 * them as a stream (expect->open) straight into the normal checks.
 *
 * Needs only common/, sync/sig.h, sync/seal.h, zlib and jansson: the
 * portal links it.
 */
#ifndef TT_SYNC_BUNDLE_H
#define TT_SYNC_BUNDLE_H

#include <stdint.h>
#include <stdio.h>

#include "../common/tt.h"
#include "seal.h"
#include "sig.h"

#define BUNDLE_FORMAT      1
#define BUNDLE_LINE_MAX    (1024 * 1024)           /* one line of the payload */
#define BUNDLE_FILE_MAX    (1024ULL * 1024 * 1024) /* payload bytes; split far below FAT's 4 GiB */
#define BUNDLE_RATIO_MAX   200                     /* decompressed/compressed, against bombs */
#define BUNDLE_STATION_MAX 40

/* What is wrong with a bundle: tt_err.detail of a failed verify. */
enum bundle_problem {
    BUNDLE_P_NONE = 0,
    BUNDLE_P_FILE,      /* missing, not a regular file, a symlink, too large */
    BUNDLE_P_SIGNATURE, /* signature missing, malformed or does not verify */
    BUNDLE_P_KEY,       /* signed by another key (another station) */
    BUNDLE_P_COMMENT,   /* trusted comment malformed or not matching the header */
    BUNDLE_P_NAME,      /* file name does not match the bundle number */
    BUNDLE_P_GZIP,      /* not one valid gzip member (truncated, CRC, trailing data) */
    BUNDLE_P_HEADER,    /* header line missing or malformed */
    BUNDLE_P_STATION,   /* header names another station than expected */
    BUNDLE_P_REPLAY,    /* bundle number not the expected one (old bundle replayed) */
    BUNDLE_P_CHAIN,     /* prev_b2 is not the hash of the previous bundle */
    BUNDLE_P_SEQUENCE,  /* event seqs not increasing or outside the declared range */
    BUNDLE_P_EVENT,     /* a line is not a valid EPCIS 2.0 event in the line layout */
    BUNDLE_P_TRAILER,   /* trailer missing, malformed or its count is wrong */
    BUNDLE_P_CHANGED,   /* the file changed between signature check and reading */
    BUNDLE_P_CALLBACK,  /* the caller's event callback failed */
    BUNDLE_P_SEALED,    /* sealed and not opened (no key, or another portal's): TT_ESTATE */
    BUNDLE_P_CIPHER,    /* signed, but the sealed stream does not open (damaged, cut short) */
};

struct bundle_header {
    int format;
    char station[BUNDLE_STATION_MAX];
    char key_id[17];
    uint64_t bundle_seq;
    char prev_b2[65];
    uint64_t first_event_seq;
    uint64_t last_event_seq;
    uint64_t event_count;
    char created[40]; /* claimed creation time, "YYYY-MM-DDThh:mm:ss±hh:mm" */
    int clock_trusted;
    uint64_t last_receipt_seq_seen;
    uint64_t master_data_version;
};

/* What the caller knows and wants checked; zero/NULL fields are not checked. */
struct bundle_expect {
    const char *station;         /* e.g. the registered station of the key */
    uint64_t bundle_seq;         /* e.g. head + 1 */
    const char *prev_b2;         /* hex hash of the previous payload */
    const char *file_name;       /* basename: must be b-<bundle_seq 8 digits>.ndjson.gz */
    const struct seal_key *open; /* opens sealed payloads (borrowed); NULL: BUNDLE_P_SEALED */
};

/* Called for each event after its line checked out; json borrows until return. */
typedef int (*bundle_event_fn)(void *ctx, uint64_t seq, const char *json, size_t len,
                               struct tt_err *err);
/* Called for each master-data line (the vocabulary object's JSON). */
typedef int (*bundle_masterdata_fn)(void *ctx, const char *json, size_t len, struct tt_err *err);

struct bundle_info {
    struct bundle_header header;
    uint8_t hash512[SIG_HASH_LEN];  /* what the signature signs */
    uint8_t b2_256[SIG_B2_256_LEN]; /* this bundle's id: the next one's prev_b2 (of the
                                       plain payload when sealed) */
    uint64_t payload_bytes;         /* of the file as signed */
    uint64_t n_masterdata;
    int sealed; /* 1: the file is a sealed payload */
};

/* The file name of bundle n ("b-00000042.ndjson.gz"); out needs 32 bytes. */
void bundle_file_name(uint64_t n, char out[32]);

/* Parses a bundle payload name; returns 0 and the number, or TT_EPARSE. */
int bundle_name_parse(const char *name, uint64_t *n_out);

/* The trusted comment for a header; out needs 512 bytes. */
int bundle_trusted_comment(const struct bundle_header *h, char *out, size_t out_len);

/* The header line (with its LF) for h; returns its length or a TT_E* code. */
int bundle_header_format(const struct bundle_header *h, char *out, size_t out_len);

/* Station id from a key id: "st-" + the first 8 hex digits of the KEYID, lower case. */
void bundle_station_id(const uint8_t key_id[SIG_KEYID_LEN], char out[BUNDLE_STATION_MAX]);

/* --- writer --------------------------------------------------------------- */
struct bundle_writer;

/*
 * Starts a payload written to `fd` (borrowed; not closed). The header must
 * declare the range and count of the events that will follow.
 * *out is owned: bundle_writer_free().
 */
int bundle_writer_new(int fd, const struct bundle_header *h, struct bundle_writer **out,
                      struct tt_err *err);

/* Adds a master-data line (before any event). json: one object, no newline. */
int bundle_writer_masterdata(struct bundle_writer *w, const char *json, size_t len,
                             struct tt_err *err);

/* Adds an event. seq must go up and stay in the declared range; json one object, no LF. */
int bundle_writer_event(struct bundle_writer *w, uint64_t seq, const char *json, size_t len,
                        struct tt_err *err);

/*
 * Writes the trailer and ends the gzip member. Fails (TT_EINVAL) when the
 * events did not match the declared count or range. Gives the payload's
 * hashes (either may be NULL) and its size.
 */
int bundle_writer_finish(struct bundle_writer *w, uint8_t hash512[SIG_HASH_LEN],
                         uint8_t b2_256[SIG_B2_256_LEN], uint64_t *bytes_out, struct tt_err *err);

void bundle_writer_free(struct bundle_writer *w);

/* --- reader --------------------------------------------------------------- */

/*
 * Verifies a bundle: the payload at `payload_path` with its signature at
 * `sig_path` (NULL: payload_path + ".minisig") against `pub`. Opens with
 * O_NOFOLLOW, regular files only, size caps. `expect` may be NULL.
 * The callbacks may be NULL. Returns 0 only for a perfect bundle; else a
 * TT_E* code (TT_ESIG for signature problems, TT_ECORRUPT or TT_EINVAL for
 * content) with the enum bundle_problem in err->detail and a message that
 * names the line. `info` (may be NULL) is filled as far as known.
 * A sealed payload without expect->open (or sealed to another key) gives
 * TT_ESTATE, BUNDLE_P_SEALED after the signature, the trusted comment and
 * the file name checked out: info->header then comes from the comment
 * (without the fields only the payload carries) and nothing else is known.
 */
int bundle_verify_file(const char *payload_path, const char *sig_path, const struct sig_pubkey *pub,
                       const struct bundle_expect *expect, bundle_event_fn on_event,
                       bundle_masterdata_fn on_md, void *ctx, struct bundle_info *info,
                       struct tt_err *err);

/*
 * The part after the signature, on bytes in memory: gunzip, header (against
 * `trusted` when not NULL), events, trailer. For the fuzzer and for callers
 * that already checked the signature over exactly these bytes.
 */
int bundle_parse_mem(const uint8_t *payload, size_t len, const char *trusted,
                     const struct bundle_expect *expect, bundle_event_fn on_event,
                     bundle_masterdata_fn on_md, void *ctx, struct bundle_info *info,
                     struct tt_err *err);

/*
 * The content id of a bundle whose signature was verified: `id_hex` comes
 * in as the file's own BLAKE2b-256 (hex) and goes out as the bundle's id —
 * unchanged for a plain payload, the opened payload's hash for a sealed
 * one (streamed, constant memory). Sealed without `open`, or to another
 * key: TT_ESTATE, BUNDLE_P_SEALED; a damaged sealed stream: TT_ECORRUPT,
 * BUNDLE_P_CIPHER.
 */
int bundle_content_id(const char *payload_path, const struct seal_key *key, char id_hex[65],
                      struct tt_err *err);

/* A short English name of a problem ("signature", "chain" ...), for --json. */
const char *bundle_problem_name(int problem);

/* --- EPCIS document ------------------------------------------------------- */

/*
 * Writes a bundle's content as one EPCIS 2.0 JSON-LD EPCISDocument: master
 * data lines go to epcisHeader.epcisMasterData.vocabularyList, events to
 * epcisBody.eventList, in the order given (master data first).
 */
struct bundle_epcis {
    FILE *out;     /* borrowed */
    uint64_t n_md; /* vocabularies written */
    uint64_t n_ev; /* events written */
};

int bundle_epcis_begin(struct bundle_epcis *d, FILE *out, const char *created, struct tt_err *err);
int bundle_epcis_masterdata(struct bundle_epcis *d, const char *json, size_t len,
                            struct tt_err *err);
int bundle_epcis_event(struct bundle_epcis *d, const char *json, size_t len, struct tt_err *err);

/* Ends the document; checks the stream for write errors. */
int bundle_epcis_end(struct bundle_epcis *d, struct tt_err *err);

#endif
