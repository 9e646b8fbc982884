/*
 * progress.h — the machine-readable channel of `tramtem export
 * --progress-fd N` (doc/tramtem.1), both ends: the CLI writes it, the
 * kiosk reads it from the child it runs and turns it into core events.
 *
 * One ASCII line per message, '\n'-terminated, fields split by one space:
 *   progress DONE TOTAL   bytes so far (payload written, then read back)
 *   release HOW           after a verified write: ejected | unmounted | kept
 *   error NAME            why the export stopped: eio | erofs | enospc |
 *                         nokey | nostick | other
 * Unknown or malformed lines are skipped, so the channel can grow.
 *
 * The bar text lives here too, so it is tested without a terminal: an
 * ASCII "[#####.....]  42%" that any console font can show.
 *
 * No allocation; struct progress_reader is caller-owned.
 */
#ifndef TT_STATION_PROGRESS_H
#define TT_STATION_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

enum progress_kind { PROGRESS_NONE, PROGRESS_BYTES, PROGRESS_RELEASE, PROGRESS_ERROR };

enum progress_release { PROGRESS_KEPT, PROGRESS_UNMOUNTED, PROGRESS_EJECTED };

enum progress_error {
    PROGRESS_E_OTHER,
    PROGRESS_E_IO,      /* write or read-back failed: pulled out, or a bad stick */
    PROGRESS_E_ROFS,    /* read-only stick */
    PROGRESS_E_NOSPC,   /* full stick */
    PROGRESS_E_NOKEY,   /* no station key */
    PROGRESS_E_NOSTICK, /* no stick found */
};

struct progress_msg {
    enum progress_kind kind;
    uint64_t done, total;          /* PROGRESS_BYTES */
    enum progress_release release; /* PROGRESS_RELEASE */
    enum progress_error error;     /* PROGRESS_ERROR */
};

/* Parses one line (without or with its '\n'); 0, or -1 when it is not a message. */
int progress_parse(const char *line, struct progress_msg *out);

/* Formats m as one line with its '\n'; returns the length, or -1 when it does not fit. */
int progress_format(const struct progress_msg *m, char *out, size_t out_len);

/* Splits a byte stream into lines; an over-long line is dropped whole. */
struct progress_reader {
    char line[128];
    size_t len;
    int overlong;
};

/* Feeds n bytes; calls cb for every complete, well-formed message. */
void progress_feed(struct progress_reader *r, const char *data, size_t n,
                   void (*cb)(void *ctx, const struct progress_msg *m), void *ctx);

/* Whole percent, 0..100 (100 only when done >= total; total 0 counts as done). */
int progress_percent(uint64_t done, uint64_t total);

/* "[####......]  42%": `width` cells between the brackets. Needs width + 8 bytes. */
void progress_bar(uint64_t done, uint64_t total, int width, char *out, size_t out_len);

#endif
