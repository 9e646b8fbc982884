/*
 * scanner-int.h — internal to scanners/: the scanner object the backends see.
 */
#ifndef TT_SCANNERS_SCANNER_INT_H
#define TT_SCANNERS_SCANNER_INT_H

#include <stdbool.h>

#include "scanner.h"

struct scanner {
    const struct scanner_ops *ops;
    void *priv;
    char spec[512];
    char desc[320];
    bool connected;
    int64_t next_try_ms;
};

extern const struct scanner_ops scanner_evdev_ops;
extern const struct scanner_ops scanner_tty_ops;
extern const struct scanner_ops scanner_hidpos_ops;
extern const struct scanner_ops scanner_serial_ops;
extern const struct scanner_ops scanner_sim_ops;

int scanner_sim_push_impl(struct scanner *sc, const char *aim, const uint8_t *data, size_t len,
                          struct tt_err *err);

#endif
