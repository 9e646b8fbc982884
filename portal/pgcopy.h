/*
 * pgcopy.h — rows in PostgreSQL's binary COPY format, for the ingest.
 *
 * Why binary: the server then skips parsing timestamps, arrays, bytea hex
 * and integers from text, which is most of what a COPY costs besides the
 * jsonb itself (measured: a sixth less server time on the events table),
 * and nothing needs escaping on our side. The layout is the documented,
 * version-stable one of the COPY command ("Binary Format"):
 *
 *   header  "PGCOPY\n\377\r\n\0", int32 flags 0, int32 extension length 0
 *   tuple   int16 field count, then per field int32 length (-1: NULL) + bytes
 *   trailer int16 -1
 *
 * all integers big-endian. Field encodings are the types' send functions:
 * text as UTF-8 bytes, bigint 8 bytes, timestamptz microseconds since
 * 2000-01-01 00:00 UTC (integer datetimes, the only kind since
 * PostgreSQL 10), bytea raw, jsonb a version byte 1 and the JSON text,
 * text[] a one-dimensional array header and its elements.
 *
 * The buffer grows as needed; an allocation failure is remembered and
 * reported once by pgcopy_failed(), so callers append without checking
 * each step. Pure: no I/O, no libpq.
 */
#ifndef PORTAL_PGCOPY_H
#define PORTAL_PGCOPY_H

#include <stddef.h>
#include <stdint.h>

struct pgcopy {
    char *buf;
    size_t len, cap;
    int oom;
};

void pgcopy_header(struct pgcopy *b);
void pgcopy_trailer(struct pgcopy *b);

/* Starts a tuple of n fields; exactly n field calls must follow. */
void pgcopy_tuple(struct pgcopy *b, uint16_t n);

void pgcopy_null(struct pgcopy *b);
/* A text value; an empty string is stored as NULL, as the events table wants. */
void pgcopy_text_or_null(struct pgcopy *b, const char *s);
void pgcopy_int8(struct pgcopy *b, int64_t v);
void pgcopy_timestamptz(struct pgcopy *b, int64_t us_since_2000);
void pgcopy_bytea(struct pgcopy *b, const void *p, size_t n);
void pgcopy_jsonb(struct pgcopy *b, const char *json, size_t n);
/* text[] of n NUL-terminated elements laid out `stride` bytes apart. */
void pgcopy_text_array(struct pgcopy *b, const char *elems, size_t stride, size_t n);

/* 1 when an allocation failed since the last pgcopy_reset. */
int pgcopy_failed(const struct pgcopy *b);
/* Empties the buffer (keeps its memory) and clears the failure. */
void pgcopy_reset(struct pgcopy *b);
void pgcopy_free(struct pgcopy *b);

/*
 * An RFC 3339 date-time ("2026-11-25T08:00:00.123+07:00", "...Z") as
 * microseconds since 2000-01-01 00:00 UTC, rounded as PostgreSQL rounds
 * (digits past the 15th of the fraction are ignored). Checks every field
 * (month lengths and leap years included; second 60 rolls over as in
 * PostgreSQL). 0, or -1 when the text is not such a date-time.
 */
int pgcopy_parse_time(const char *s, int64_t *us_since_2000);

#endif
