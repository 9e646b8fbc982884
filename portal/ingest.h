/*
 * ingest.h — bundles from a stick into PostgreSQL, exactly once
 * (reference/sync.md §4.1).
 *
 *  1. Copy to quarantine first (the stick may be pulled): list the stick's
 *     tramtem/<station>/ folders, take only names matching
 *     ^b-[0-9]{8}\.ndjson\.gz(\.minisig)?$, regular files only (lstat, then
 *     O_NOFOLLOW and fstat), size caps before and while copying, at most
 *     INGEST_FILES_MAX files. Everything later reads the copies.
 *  2. The .minisig is parsed strictly; its key id must be in the registry
 *     (a key is never taken from the stick).
 *  3. sync/'s bundle reader checks the signature over the whole file before
 *     it decompresses or parses anything, then header, events, trailer.
 *     Events stream into a COPY to a temporary staging table while it reads;
 *     any failure rolls the transaction back: nothing of a bad bundle stays.
 *  4. Chain check per station under a row lock (two ingests at once
 *     serialise per station): next in chain -> accepted (and pending
 *     successors that now fit are accepted too); same hash as stored ->
 *     duplicate (nothing changes); same number, other content, or a prev
 *     hash that does not match -> fork, kept for a human, nothing imported;
 *     beyond the next number -> pending, its events imported, the missing
 *     numbers recorded as gaps.
 *  5. Events are inserted with ON CONFLICT DO NOTHING on (station, eventID);
 *     the same eventID with other content is recorded as an event conflict.
 *     One transaction per bundle.
 */
#ifndef PORTAL_INGEST_H
#define PORTAL_INGEST_H

#include <stdint.h>

#include "../common/tt.h"
#include "store.h"

#define INGEST_FILES_MAX 2000 /* files taken from one stick */

enum portal_outcome {
    PORTAL_ACCEPTED,  /* imported, the chain head moved */
    PORTAL_PENDING,   /* imported, but bundles before it are missing (gap) */
    PORTAL_DUPLICATE, /* already had it: nothing changed */
    PORTAL_FORK,      /* same number, other content: kept for a human */
    PORTAL_REJECTED,  /* refused: bad signature, unknown or revoked key, bad file ... */
};

struct portal_bundle_result {
    char file[300];   /* station folder / file name as found on the stick */
    char station[40]; /* registered station, "" when unknown */
    uint64_t bundle_seq;
    enum portal_outcome outcome;
    char reason[256]; /* English: why rejected / fork, "" otherwise */
    uint64_t n_events, n_new, n_conflicts;
};

struct portal_ingest_summary {
    unsigned n_bundles, n_accepted, n_pending, n_duplicates, n_forks, n_rejected;
    unsigned n_ignored; /* names on the stick that are not bundle files */
    uint64_t n_events_new;
    char quarantine[4096]; /* the folder the copies went to */
};

/* Called once per bundle (and once per refused file) in order. */
typedef void (*portal_ingest_fn)(void *ctx, const struct portal_bundle_result *r);

/*
 * Ingests every bundle under `dir` (a stick's root, its tramtem/ folder or
 * one station folder). Copies go under `quarantine_root` (created 0700).
 * Per-bundle outcomes go to `cb` (may be NULL); only failures that stop the
 * whole run (quarantine not writable, database gone) return an error.
 */
int portal_ingest_dir(struct portal_store *st, const char *dir, const char *quarantine_root,
                      portal_ingest_fn cb, void *ctx, struct portal_ingest_summary *sum,
                      struct tt_err *err);

/*
 * Merges the pending list of the events' GIN key index (portal_ingest_dir
 * does it after importing; bulk loads done by other means should too).
 */
void portal_ingest_tidy(struct portal_store *st);

/* "accepted", "pending", "duplicate", "fork", "rejected". */
const char *portal_outcome_name(enum portal_outcome o);

#endif
