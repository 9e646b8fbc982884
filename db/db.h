/*
 * db.h — the station's store: one SQLite file holding settings, operators,
 * places, products, lots, labels, the EPCIS 2.0 event log, counters for
 * serials, the record of sync bundles (exports) and portal receipts, and an
 * audit trail of who did what (DESIGN.md §4).
 *
 * Invariants the rest of tramtem relies on:
 *   - The file is in WAL mode with synchronous=FULL: a function that returned
 *     0 after a write has its data on disk, even if power is cut next.
 *   - Events are append-only (triggers refuse UPDATE/DELETE) and numbered by
 *     a monotonic `seq`. Nothing is ever ordered by wall time.
 *   - Each event is stored as a complete EPCIS 2.0 JSON-LD event whose
 *     eventID is the CBV 2.0 event hash (ni:///sha-256;…?ver=CBV2.0).
 *   - A label's serial (AI 21 or SSCC) comes from a counter advanced in the
 *     same transaction that writes the label row (state `queued`) and its
 *     event; no serial is ever issued twice, across crashes included.
 *   - Every write either happens completely or not at all: on error nothing
 *     of it is left in the file.
 *   - Demo GTINs (GS1 prefix 952, reserved by GS1 for examples) can be
 *     labelled only when the station is in demo or training mode.
 *
 * Errors: functions return 0 or a negative TT_E* code and fill the optional
 * struct tt_err with an English message. Typical codes: TT_EINVAL (input
 * breaks a rule: bad GTIN, bad date…), TT_ENOTFOUND (no such product, lot…),
 * TT_EEXIST (duplicate GTIN, lot code…), TT_ESTATE (closed lot, demo GTIN in
 * production mode, wrong label state…), TT_EROFS (database in read-only
 * safe mode), TT_EBUSY (another process held the database longer than the
 * busy timeout), TT_EIO / TT_ENOSPC / TT_ECORRUPT from the file.
 *
 * Threads: one struct db per thread. Several processes may open the same
 * file at once (kiosk + CLI); writers wait for each other up to the busy
 * timeout.
 *
 * Strings in the structs below are NUL-terminated UTF-8 in fixed arrays, so
 * a struct filled by a getter is owned by the caller and needs no freeing.
 * Pointers handed to a callback are borrowed and valid only during that
 * call.
 */
#ifndef TT_DB_H
#define TT_DB_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"

#define DB_SCHEMA_VERSION 3 /* PRAGMA user_version of a fully migrated file */

struct db;

/* ---- open / close ------------------------------------------------------- */

enum db_open_flags {
    DB_OPEN_CREATE = 1 << 0,   /* create the file (and its folder) when missing */
    DB_OPEN_READONLY = 1 << 1, /* never write; no migration */
};

/*
 * Opens (and with DB_OPEN_CREATE creates) the database at `path`, sets WAL,
 * synchronous=FULL, foreign_keys=ON and a busy timeout, runs PRAGMA
 * quick_check, then migrates the schema forward to DB_SCHEMA_VERSION.
 *
 * If quick_check fails, the file is reopened read-only ("safe mode"): the
 * call still returns 0, db_safe_mode() is 1 and db_safe_mode_reason() says
 * what SQLite found; every write then fails with TT_EROFS. A file made by a
 * newer tramtem (user_version > DB_SCHEMA_VERSION) is also opened in safe
 * mode. A file that is not SQLite at all fails with TT_ECORRUPT; a missing file
 * without DB_OPEN_CREATE with TT_ENOTFOUND (the message suggests 'tramtem init').
 *
 * Returns owned *out (close with db_close); *out is NULL on failure.
 */
int db_open(const char *path, unsigned flags, struct db **out, struct tt_err *err);

/* Closes and frees; db_close(NULL) does nothing. */
void db_close(struct db *db);

/* 1 when the database is open read-only because of a failed check. */
int db_safe_mode(const struct db *db);

/* Why safe mode was entered (borrowed, valid until db_close), "" if not. */
const char *db_safe_mode_reason(const struct db *db);

/* The schema version of the open file (PRAGMA user_version). */
int db_schema_version(const struct db *db);

/* Full PRAGMA integrity_check: 0 when "ok", else TT_ECORRUPT with the first problem. */
int db_integrity_check(struct db *db, struct tt_err *err);

/*
 * The clock the store uses for event times and audit rows: milliseconds
 * since the Unix epoch. NULL restores the system clock. Tests and the
 * station core inject time through this (time is never read elsewhere in
 * db/). `ctx` is borrowed until the next call or db_close.
 */
void db_set_clock(struct db *db, int64_t (*now_ms)(void *ctx), void *ctx);

/*
 * Explicit transaction around several calls (e.g. sync recording an export
 * together with other rows). Every write function below also works inside
 * one; on its own error it undoes only its own part (a savepoint).
 * db_tx_begin takes the write lock at once (BEGIN IMMEDIATE).
 */
int db_tx_begin(struct db *db, struct tt_err *err);
int db_tx_commit(struct db *db, struct tt_err *err);
void db_tx_rollback(struct db *db);

/* ---- settings ----------------------------------------------------------- */

/* Station modes; demo GTINs are labelled only outside DB_MODE_PRODUCTION. */
enum db_mode { DB_MODE_PRODUCTION, DB_MODE_DEMO, DB_MODE_TRAINING };

/*
 * Setting keys (db_setting_set validates each known one; unknown keys are
 * refused with TT_EINVAL):
 *   coop.name        cooperative name (required for labels, free text)
 *   coop.commune     commune / ward of its address
 *   coop.province    province ("Thanh Hóa")
 *   coop.prefix      GS1 company prefix, 6-12 digits (for SSCC)
 *   coop.gln         13-digit GLN with a correct check digit, or ""
 *   station.id       short id, [A-Za-z0-9-]{1,32} (bundles, event extension)
 *   station.mode     "production" | "demo" | "training"
 *   station.tz       time-zone offset "+07:00" (default) or "±HH:MM"
 *   label.serial_prefix  text put before AI 21 counters ("" default; set a
 *                    per-station prefix when several stations share GTINs)
 *   label.sscc_ext   SSCC extension digit 0-9 (default 0)
 *   sync.seal_key    the portal's seal public key (its file's base64 line):
 *                    new bundles are sealed to it; "" (default) = off
 */
#define DB_SETTING_VALUE_MAX 256

struct db_settings {
    char coop_name[DB_SETTING_VALUE_MAX];
    char coop_commune[DB_SETTING_VALUE_MAX];
    char coop_province[DB_SETTING_VALUE_MAX];
    char coop_prefix[13];
    char coop_gln[14];
    char station_id[33];
    enum db_mode mode;
    char tz[7];
    int tz_minutes; /* tz as minutes east of UTC (+420) */
    char serial_prefix[11];
    int sscc_ext;
};

/* All settings with defaults filled in for the missing ones. */
int db_settings_get(struct db *db, struct db_settings *out, struct tt_err *err);

/* Validates and stores one setting; audited. */
int db_setting_set(struct db *db, const char *key, const char *value, struct tt_err *err);

/* One setting's raw value into out ("" when unset). TT_EINVAL on an unknown key. */
int db_setting_get(struct db *db, const char *key, char *out, size_t out_len, struct tt_err *err);

/* ---- operators ---------------------------------------------------------- */

enum db_role { DB_ROLE_OPERATOR, DB_ROLE_MANAGER, DB_ROLE_TRAINER };

struct db_operator {
    int64_t id;
    char name[128];
    enum db_role role;
    int active;
};

/*
 * Adds an operator; `pin` is 4-12 digits and is stored only as a libsodium
 * crypto_pwhash_str hash (interactive limits, ~0.1 s). TT_EEXIST when the
 * name is taken. *id_out may be NULL.
 */
int db_operator_add(struct db *db, const char *name, enum db_role role, const char *pin,
                    int64_t *id_out, struct tt_err *err);

/* 0 when `pin` is right for an active operator; TT_EACCESS when wrong or disabled. */
int db_operator_check_pin(struct db *db, int64_t id, const char *pin, struct tt_err *err);

/* Replaces the PIN; audited. */
int db_operator_set_pin(struct db *db, int64_t id, const char *pin, struct tt_err *err);

/* Active or not (nobody is deleted: the audit trail refers to them). */
int db_operator_set_active(struct db *db, int64_t id, int active, struct tt_err *err);

int db_operator_get(struct db *db, int64_t id, struct db_operator *out, struct tt_err *err);

/* Calls cb for each operator by id; a non-zero return from cb stops and is returned. */
int db_operator_list(struct db *db, int (*cb)(void *ctx, const struct db_operator *op), void *ctx,
                     struct tt_err *err);

/* Which operator the following writes are audited under (0 = none, e.g. the CLI). */
void db_set_operator(struct db *db, int64_t operator_id);

/* ---- places ------------------------------------------------------------- */

enum db_place_kind { DB_PLACE_FARM, DB_PLACE_PLOT, DB_PLACE_PACKHOUSE, DB_PLACE_STORE };

struct db_place {
    int64_t id;
    char code[33]; /* short unique code, [A-Za-z0-9-]{1,20}: the AI 254 extension */
    char name[128];
    enum db_place_kind kind;
    char gln[14]; /* own GLN, or "" (then the coop GLN + 254 code is used) */
    char commune[128];
    char province[128];
    int64_t parent_id; /* a plot's farm, or 0 */
};

/* Adds a place (id is ignored; *id_out may be NULL). TT_EEXIST on a duplicate code. */
int db_place_add(struct db *db, const struct db_place *p, int64_t *id_out, struct tt_err *err);
int db_place_get(struct db *db, int64_t id, struct db_place *out, struct tt_err *err);
int db_place_find(struct db *db, const char *code, struct db_place *out, struct tt_err *err);
int db_place_list(struct db *db, int (*cb)(void *ctx, const struct db_place *p), void *ctx,
                  struct tt_err *err);

/*
 * The EPCIS location id of a place: https://id.gs1.org/414/<gln> for its
 * own GLN, else https://id.gs1.org/414/<coop gln>/254/<code>; "" when
 * neither GLN exists.
 */
int db_place_location_uri(struct db *db, const struct db_place *p, char *out, size_t out_len,
                          struct tt_err *err);

/* ---- products ----------------------------------------------------------- */

struct db_product {
    int64_t id;
    char gtin[15]; /* 14 digits (GTIN-8/12/13 are padded on input) */
    char name_vi[128];
    char name_en[128];
    int variable;         /* variable measure: weighed, AI 310n on the label */
    char unit[4];         /* UN/CEFACT Rec. 20: KGM, GRM, LTR, H87 (piece) */
    int shelf_life_days;  /* 0: no expiry date on the label */
    char template[64];    /* default label template ("produce-58x40") */
    char image_path[256]; /* product photo (portal / Circular 02/2024), or "" */
    int demo;             /* 1 when the GTIN has the demo prefix 952 */
    int active;
};

/*
 * Adds a product. The GTIN is validated with gs1_gtin_normalise (check
 * digit!), names must be non-empty, the unit one of KGM GRM LTR H87, a
 * variable-measure product must use KGM or GRM and a GTIN-14 whose
 * indicator is 9. Empty unit / template get "KGM"/"H87" and
 * "produce-58x40". TT_EEXIST on a duplicate GTIN.
 */
int db_product_add(struct db *db, const struct db_product *p, int64_t *id_out, struct tt_err *err);
int db_product_get(struct db *db, int64_t id, struct db_product *out, struct tt_err *err);

/* By GTIN in any length (normalised first). */
int db_product_find(struct db *db, const char *gtin, struct db_product *out, struct tt_err *err);
int db_product_list(struct db *db, int (*cb)(void *ctx, const struct db_product *p), void *ctx,
                    struct tt_err *err);

/* 1 when a 14-digit GTIN carries the demo prefix (GS1 952, "examples only"). */
int db_gtin_is_demo(const char *gtin14);

/* ---- lots --------------------------------------------------------------- */

struct db_lot {
    int64_t id;
    int64_t product_id;
    char code[21];         /* AI 10: up to 20 chars of GS1 CSET 82 */
    char harvest_from[11]; /* YYYY-MM-DD or "" */
    char harvest_to[11];   /* YYYY-MM-DD or "" (a range), never before harvest_from */
    int64_t place_id;      /* 0 when unknown */
    int64_t operator_id;   /* who opened it, 0 when unknown */
    int64_t quantity_g;    /* harvested quantity in grams when known, else 0 */
    int closed;
    int64_t opened_ms, closed_ms;
    int64_t open_event_seq; /* its commissioning event */
};

/*
 * Opens a lot of `lot->product_id` and records its ObjectEvent ADD
 * `commissioning` (quantityList with the lot class, ilmd with harvest dates,
 * place and country of origin). An empty code gets a generated one
 * ("YYMMDD-N", N counting the day's lots). TT_EEXIST when the product
 * already has a lot with that code; TT_ENOTFOUND for an unknown product or
 * place. Fills *out (may be NULL) with the stored lot.
 */
int db_lot_open(struct db *db, const struct db_lot *lot, struct db_lot *out, struct tt_err *err);

/* Closes a lot: no more labels. TT_ESTATE when already closed. */
int db_lot_close(struct db *db, int64_t lot_id, struct tt_err *err);
int db_lot_get(struct db *db, int64_t id, struct db_lot *out, struct tt_err *err);
int db_lot_find(struct db *db, int64_t product_id, const char *code, struct db_lot *out,
                struct tt_err *err);

/* Lots newest first; open_only skips closed ones. */
int db_lot_list(struct db *db, int open_only, int (*cb)(void *ctx, const struct db_lot *l),
                void *ctx, struct tt_err *err);

/* ---- labels ------------------------------------------------------------- */

enum db_label_state {
    DB_LABEL_QUEUED,  /* allocated and recorded, not yet given to a printer */
    DB_LABEL_SENT,    /* the job is at the printer */
    DB_LABEL_PRINTED, /* the printer reported success (or the file was written) */
    DB_LABEL_FAILED,  /* the job failed; may be sent again or voided */
    DB_LABEL_VOID,    /* cancelled with a reason; final */
};

/* What to label. */
struct db_label_new {
    int64_t lot_id;
    int64_t net_weight_g; /* variable-measure products: > 0, ≤ 999999 (AI 3103) */
    const char *template; /* NULL: the product's default template */
    int sscc;             /* 1: a logistic label identified by a new SSCC (AI 00) */
};

struct db_label {
    int64_t id;
    int64_t lot_id;
    int64_t product_id;
    char gtin[15];
    char lot_code[21];
    char serial[21]; /* AI 21, "" for an SSCC label */
    char sscc[19];   /* AI 00, "" for an item label */
    char expiry[11]; /* YYYY-MM-DD when the product has a shelf life, else "" */
    int64_t net_weight_g;
    char gs1[256];    /* element string "(01)…(10)…(21)…" as printed (HRI form) */
    char dl_uri[256]; /* its GS1 Digital Link URI (https://id.gs1.org/…) */
    char template[64];
    char printer[128];
    char job_id[64];
    enum db_label_state state;
    char reason[256];
    int64_t operator_id;
    int64_t created_ms;
    int64_t event_seq; /* the commissioning event of this label */
};

/*
 * One transaction: checks the lot is open and the product may be labelled
 * (demo GTINs only in demo/training mode), advances the serial counter
 * (per GTIN for AI 21, station-wide for SSCC), writes the label row in state
 * `queued` and its EPCIS ObjectEvent ADD commissioning (epcList with the
 * item's DL URI, quantityList KGM with the net weight, ilmd with expiry and
 * harvest data). Call this before anything is sent to a printer.
 * *out is filled on success.
 */
int db_label_allocate(struct db *db, const struct db_label_new *req, struct db_label *out,
                      struct tt_err *err);

/* Details of a state change; NULL fields leave the stored value as it was. */
struct db_label_mark {
    const char *printer; /* CUPS queue or "file:DIR" */
    const char *job_id;  /* CUPS job id or the output file */
    const char *reason;  /* required for VOID and for a reprint (PRINTED -> SENT) */
};

/*
 * Moves a label to `state`. Allowed: queued -> sent | printed | failed |
 * void; sent -> printed | failed | void; failed -> sent | void; printed ->
 * sent (a reprint, reason required) | void. VOID records an ObjectEvent
 * DELETE `decommissioning` (disposition inactive); a reprint an ObjectEvent
 * OBSERVE `encoding` with the reason (tt:reason). Anything else is
 * TT_ESTATE. `m` may be NULL.
 */
int db_label_mark(struct db *db, int64_t label_id, enum db_label_state state,
                  const struct db_label_mark *m, struct tt_err *err);
int db_label_get(struct db *db, int64_t id, struct db_label *out, struct tt_err *err);

/* Labels in `state` oldest first (e.g. QUEUED after a crash, for reprint or void). */
int db_label_list_state(struct db *db, enum db_label_state state,
                        int (*cb)(void *ctx, const struct db_label *l), void *ctx,
                        struct tt_err *err);

/* "queued", "sent", "printed", "failed", "void" (static). */
const char *db_label_state_name(enum db_label_state state);

/* ---- events ------------------------------------------------------------- */

enum db_event_type { DB_EVENT_OBJECT, DB_EVENT_AGGREGATION, DB_EVENT_TRANSFORMATION };
enum db_action { DB_ACTION_NONE, DB_ACTION_ADD, DB_ACTION_OBSERVE, DB_ACTION_DELETE };

struct db_quantity {
    const char *epc_class; /* DL URI of GTIN (+ lot): https://id.gs1.org/01/…/10/… */
    int64_t amount_milli;  /* quantity × 1000 (grams when uom is KGM) */
    int has_amount;        /* 0: quantity not known (omitted) */
    const char *uom;       /* "KGM", "GRM", "LTR", or NULL for a count of items */
};

struct db_kv {
    const char *key;   /* CURIE with a prefix of the event context: "cbvmda:bestBeforeDate" */
    const char *value; /* a string value */
};

/*
 * A business event to record. The store adds eventTime (its clock), the
 * time-zone offset (station.tz), @context, the station id and seq
 * extensions, a clock warning when needed, and the eventID hash. EPC lists
 * hold DL URIs (https://id.gs1.org/…). bizStep and disposition are bare
 * CBV 2.0 words ("commissioning", "active") and are checked against the
 * CBV lists. For AggregationEvent `epcs`/`quantities` are the children; for
 * TransformationEvent they are the inputs and `out_*` the outputs.
 * read_point / biz_location NULL: the station's coop GLN location ("" for none).
 * Every string must be UTF-8 (TT_EINVAL otherwise).
 */
struct db_event_new {
    enum db_event_type type;
    enum db_action action; /* DB_ACTION_NONE for TransformationEvent */
    const char *biz_step;
    const char *disposition; /* may be NULL */
    const char *parent_id;   /* AggregationEvent: SSCC DL URI */
    const char *const *epcs;
    size_t n_epcs;
    const struct db_quantity *quantities;
    size_t n_quantities;
    const char *const *out_epcs;
    size_t n_out_epcs;
    const struct db_quantity *out_quantities;
    size_t n_out_quantities;
    const char *read_point;
    const char *biz_location;
    const struct db_kv *ilmd; /* lot master data, ADD / Transformation only */
    size_t n_ilmd;
    const char *reason; /* free text carried as the tt:reason extension, or NULL */
};

struct db_event_info {
    int64_t seq;
    char event_id[96]; /* ni:///sha-256;<64 hex>?ver=CBV2.0 */
    int clock_ok;      /* 0: the clock was behind the last event or the time floor */
};

/*
 * Builds the complete EPCIS 2.0 JSON-LD event, hashes it and appends it
 * with the next seq. *out may be NULL. TT_EINVAL for an unknown bizStep or
 * disposition, an empty event, or an action that does not fit the type.
 */
int db_event_append(struct db *db, const struct db_event_new *ev, struct db_event_info *out,
                    struct tt_err *err);

/* One stored event (all pointers borrowed: valid during the callback / until the next step). */
struct db_event_row {
    int64_t seq;
    const char *event_id;
    const char *type;     /* "ObjectEvent" … */
    const char *biz_step; /* bare word */
    int64_t event_time_ms;
    int clock_ok;
    const char *json; /* the event, one line of compact JSON */
    size_t json_len;
};

/*
 * Calls cb for each event with seq > after_seq in seq order, at most `limit`
 * (0 = all), streaming from SQLite: memory use does not grow with the number
 * of events. A non-zero return from cb stops the walk and is returned.
 * All rows come from one read snapshot. cb may call other db functions on
 * the same handle, but not db_events_after itself (use a cursor for nested
 * walks).
 */
int db_events_after(struct db *db, int64_t after_seq, int64_t limit,
                    int (*cb)(void *ctx, const struct db_event_row *row), void *ctx,
                    struct tt_err *err);

/*
 * Cursor form of the same walk, for callers that must pause between events.
 * An open cursor holds a read snapshot: while it is open the WAL file cannot
 * be recycled, so free it as soon as the walk is done.
 */
struct db_event_cursor;
/* Returns owned *out (free with db_event_cursor_free before db_close). */
int db_event_cursor_open(struct db *db, int64_t after_seq, struct db_event_cursor **out,
                         struct tt_err *err);
/* 1 and *row filled (borrowed until the next call), 0 at the end, or a TT_E* code. */
int db_event_cursor_next(struct db_event_cursor *cur, struct db_event_row *row, struct tt_err *err);
void db_event_cursor_free(struct db_event_cursor *cur);

/* The highest seq (0 when there are no events). */
int db_event_last_seq(struct db *db, int64_t *seq_out, struct tt_err *err);

/* ---- counters ----------------------------------------------------------- */

/*
 * Named counters: "serial:<gtin14>" (AI 21), "sscc", "bundle", "lot:<yymmdd>".
 * db_counter_next advances and returns the new value (first is 1) in its own
 * savepoint; db_counter_peek reads the last value issued (0 if none);
 * db_counter_raise moves a counter up to at least `min` (never down), e.g.
 * after a receipt shows the portal has seen higher bundle numbers.
 */
int db_counter_next(struct db *db, const char *name, int64_t *value_out, struct tt_err *err);
int db_counter_peek(struct db *db, const char *name, int64_t *value_out, struct tt_err *err);
int db_counter_raise(struct db *db, const char *name, int64_t min, struct tt_err *err);

/* ---- sync: exports (bundles) and receipts --------------------------------- */

struct db_export {
    int64_t bundle_seq; /* b-%08lld */
    int64_t first_seq;  /* first event seq in the bundle */
    int64_t last_seq;   /* last event seq */
    int64_t n_events;
    char prev_b2[65];    /* BLAKE2b-256 hex of the previous payload, "" for the first */
    char payload_b2[65]; /* BLAKE2b-256 hex of this payload file */
    int64_t payload_size;
    char file_name[64]; /* "b-00000042.ndjson.gz" */
    char created[40];   /* claimed creation time with offset */
    int clock_trusted;
    int64_t recorded_ms;
    int acked;        /* 1 once a receipt covers it */
    int64_t acked_by; /* receipt_seq that acknowledged it, or 0 */
};

/*
 * What the next bundle should carry: bundle_seq (the "bundle" counter + 1),
 * prev_b2 (the last export's payload hash), first_seq (after the last
 * exported event) and last_seq (the newest event now). Nothing is written.
 */
int db_export_plan(struct db *db, struct db_export *out, struct tt_err *err);

/*
 * Records a bundle written to the spool. bundle_seq must be the planned one
 * and prev_b2 the last export's hash (else TT_ESTATE: someone else
 * exported meanwhile); advances the "bundle" counter in the same
 * transaction. Audited.
 */
int db_export_record(struct db *db, const struct db_export *e, struct tt_err *err);

/* Notes that a bundle was copied to (and read back from) a stick. */
int db_export_copied(struct db *db, int64_t bundle_seq, const char *volume, struct tt_err *err);

int db_export_get(struct db *db, int64_t bundle_seq, struct db_export *out, struct tt_err *err);

/* Bundles no receipt covers yet, oldest first (to be written to every stick). */
int db_export_list_unacked(struct db *db, int (*cb)(void *ctx, const struct db_export *e),
                           void *ctx, struct tt_err *err);

struct db_receipt {
    int64_t receipt_seq;          /* strictly increasing */
    char portal_time[40];         /* as the portal wrote it (ISO 8601 with offset) */
    int64_t portal_time_ms;       /* the same, parsed by the caller; raises the time floor */
    int64_t acked_through_bundle; /* highest contiguous bundle accepted */
    int64_t acked_through_event;  /* highest event seq accepted */
    int64_t master_data_version;
    char station_key_status[16]; /* "active", "rotated", "revoked" */
    char payload_b2[65];         /* hash of the receipt file, for the record */
};

struct db_receipt_item {
    int64_t bundle_seq; /* 0 when the item is about one event */
    char event_id[96];  /* "" when about a whole bundle */
    char kind[16];      /* "rejected", "gap", "conflict", "duplicate" */
    char reason[256];
};

/*
 * Stores a verified receipt in one transaction: receipt_seq must be above
 * the last stored one (TT_ESTATE: replayed or rolled back), marks exports up
 * to acked_through_bundle acknowledged, raises the "bundle" counter to at
 * least acked_through_bundle (a station restored from a backup never reuses
 * a number) and keeps the listed items with their reasons.
 */
int db_receipt_record(struct db *db, const struct db_receipt *r,
                      const struct db_receipt_item *items, size_t n_items, struct tt_err *err);

/* The last stored receipt; TT_ENOTFOUND when none yet. */
int db_receipt_last(struct db *db, struct db_receipt *out, struct tt_err *err);

/* ---- clock sanity ------------------------------------------------------- */

struct db_clock_state {
    int64_t now_ms;   /* the clock now */
    int64_t floor_ms; /* max(last event time, last receipt portal time, build floor) */
    int ok;           /* 0 when now_ms < floor_ms: the clock is wrong (dead RTC) */
};

/*
 * Compares the clock with the time floor. Never fails because of a bad
 * clock (events are still recorded, flagged); the station shows a warning
 * when ok is 0 and asks the operator to set the date.
 */
int db_clock_check(struct db *db, struct db_clock_state *out, struct tt_err *err);

/* ---- EPCIS event hash (CBV 2.0) ----------------------------------------- */

/*
 * The CBV 2.0 pre-hash string of one EPCIS 2.0 JSON-LD event (an object, or
 * a whole JSON text holding one event). Returns owned *out (free()).
 * TT_EPARSE when the text is not JSON, TT_EINVAL when it is not an event.
 */
int db_epcis_prehash(const char *json, size_t len, char **out, struct tt_err *err);

/* The event hash "ni:///sha-256;<hex>?ver=CBV2.0" of an event (see above). */
int db_epcis_hash(const char *json, size_t len, char out[96], struct tt_err *err);

/* ---- demo data ----------------------------------------------------------- */

/*
 * Loads the demo cooperative (settings with station.mode=demo, places,
 * operators with their demo PINs, products with demo GTINs) from
 * `dir`/coop.json (data/demo). One transaction: all or nothing.
 */
int db_demo_load(struct db *db, const char *dir, struct tt_err *err);

/* ---- audit trail --------------------------------------------------------- */

struct db_audit_row {
    int64_t id;
    int64_t at_ms;
    int64_t operator_id; /* 0: none */
    const char *action;  /* "product.add", "lot.open", "label.void" … (borrowed) */
    const char *subject; /* GTIN, lot id, label id … (borrowed) */
    const char *detail;  /* free text (borrowed) */
};

/* Adds a row for actions outside db/ (sign-in, export to stick …). */
int db_audit_add(struct db *db, const char *action, const char *subject, const char *detail,
                 struct tt_err *err);

/* Rows with id > after_id, oldest first. */
int db_audit_list(struct db *db, int64_t after_id,
                  int (*cb)(void *ctx, const struct db_audit_row *row), void *ctx,
                  struct tt_err *err);

#endif
