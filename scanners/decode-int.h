/*
 * decode-int.h — helpers shared by the decode-*.c files only (not part of
 * the scanners/ interface).
 */
#ifndef TT_SCANNERS_DECODE_INT_H
#define TT_SCANNERS_DECODE_INT_H

#include "decode.h"

/* A frame error: clears `out` so nothing half-decoded leaks out; returns code. */
int decode_fail(struct weight *out, struct tt_err *err, int code, const char *where,
                const char *what);

/* Sets the state from the sign of the value: negative is under zero. */
void decode_sign_state(struct weight *w, enum scale_state positive);

/* Value of one ASCII hex digit (upper or lower case), -1 when not one. */
int decode_hex_digit(uint8_t c);

/* Strips a trailing CR LF / LF / CR from [buf, buf+*len). */
void decode_trim_eol(const uint8_t *buf, size_t *len);

#endif
