/*
 * training-run.h — the interactive training mode (`tramtem training`).
 */
#ifndef TT_STATION_TRAINING_RUN_H
#define TT_STATION_TRAINING_RUN_H

#include "../common/tt.h"

struct training_run_opts {
    const char *dir;          /* the sandbox folder */
    const char *station_db;   /* the station's database: never opened, only kept apart */
    const char *lessons_dir;  /* data/training */
    const char *demo_dir;     /* data/demo */
    const char *scale_spec;   /* NULL: a real scale when present, else simulated */
    const char *scanner_spec; /* NULL: a real scanner when present, else simulated */
    const char *printer;      /* CUPS queue or file:DIR for lesson labels */
};

/* Runs until the trainee or trainer quits. 0 or a TT_E* code when it cannot start. */
int training_run(const struct training_run_opts *o, struct tt_err *err);

#endif
