/*
 * training.h — trainee sign-in and scores, kept in a training sandbox
 * database (DESIGN.md §8). The tables are created on demand by
 * db_training_prepare() and only in a file whose station.mode is
 * "training": a station's production database never gets them and the
 * schema version (DB_SCHEMA_VERSION) is not involved, because scores are
 * not station data and are wiped with the sandbox between classes.
 *
 * Every attempt at an exercise is one row (append-only); results are
 * summed per trainee and exercise by db_training_results().
 * Errors as in db.h: 0 or a negative TT_E* with the optional struct tt_err.
 */
#ifndef TT_DB_TRAINING_H
#define TT_DB_TRAINING_H

#include <stdint.h>

#include "db.h"

#define DB_TRAINING_NAME_MAX 96
#define DB_TRAINING_ID_MAX   64

/* Creates the training tables if missing. TT_ESTATE unless station.mode is training. */
int db_training_prepare(struct db *db, struct tt_err *err);

/*
 * Signs a trainee in by name and class (both trimmed, non-empty UTF-8,
 * at most DB_TRAINING_NAME_MAX-1 bytes): the same name in the same class
 * is the same trainee. *id_out gets the trainee's id.
 */
int db_training_signin(struct db *db, const char *name, const char *class_name, int64_t *id_out,
                       struct tt_err *err);

/* Records one attempt (lesson and exercise ids from the lesson files). */
int db_training_attempt(struct db *db, int64_t trainee_id, const char *lesson, const char *exercise,
                        const char *answer, int correct, struct tt_err *err);

/* One trainee's standing on one exercise. Strings borrowed during the callback. */
struct db_training_result {
    int64_t trainee_id;
    const char *name;
    const char *class_name;
    const char *lesson;
    const char *exercise;
    int attempts;    /* answers given */
    int correct;     /* 1 once any answer was right */
    int first_try;   /* 1 when the first answer was right */
    int64_t last_ms; /* time of the last answer */
};

/*
 * Calls cb for every (trainee, exercise) with at least one attempt, by
 * class, name, lesson, exercise. `class_name` NULL or "" means all classes.
 * A non-zero cb return stops the walk and is returned.
 */
int db_training_results(struct db *db, const char *class_name,
                        int (*cb)(void *ctx, const struct db_training_result *r), void *ctx,
                        struct tt_err *err);

#endif
