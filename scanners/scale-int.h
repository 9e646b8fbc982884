/*
 * scale-int.h — internal to scanners/: the scale object the backends see.
 */
#ifndef TT_SCANNERS_SCALE_INT_H
#define TT_SCANNERS_SCALE_INT_H

#include "scale.h"

struct scale {
    const struct scale_ops *ops;
    void *priv; /* the backend's state, owned by the backend */
    char spec[512];
    char desc[320]; /* filled by the backend: protocol, product ... */
    bool connected;
    int64_t next_try_ms; /* when to look for a vanished device again */
    struct scale_stab stab;
};

extern const struct scale_ops scale_hidpos_ops;
extern const struct scale_ops scale_hidraw_ops;
extern const struct scale_ops scale_serial_ops;
extern const struct scale_ops scale_sim_ops;

/* For the sim backend: scale_sim_set() lands here. */
int scale_sim_set_impl(struct scale *s, int64_t ug, enum scale_state state, struct tt_err *err);

#endif
