/*
 * quarantine.h — copying a stick's bundle files into a private folder under
 * the hostile-input rules of reference/sync.md §5. Nothing is parsed here;
 * no path is ever built from a name that did not pass the name check.
 */
#ifndef PORTAL_QUARANTINE_H
#define PORTAL_QUARANTINE_H

#include <stddef.h>

#include "../common/tt.h"

struct quarantine_file {
    char station_dir[40]; /* the station folder on the stick ("" = the folder itself) */
    char name[32];        /* b-NNNNNNNN.ndjson.gz or .minisig */
    char path[4200];      /* the copy, "" when refused */
    char refused[160];    /* English reason when the file was not copied */
};

struct quarantine {
    char dir[4096]; /* where the copies are */
    size_t n_files;
    struct quarantine_file *files; /* sorted by station folder, then name */
    unsigned n_ignored;            /* names that are not bundle files */
};

/* 1 when `name` is exactly b-<8 digits>.ndjson.gz or b-<8 digits>.ndjson.gz.minisig. */
int quarantine_name_ok(const char *name);

/*
 * Copies the bundle files under `src` (stick root, its tramtem/ folder or a
 * station folder) into a new folder under `root`. Refused files are listed
 * with a reason. Fills *q (free with quarantine_free). TT_EIO when `src`
 * cannot be read or the copies cannot be written.
 */
int quarantine_copy(const char *src, const char *root, struct quarantine *q, struct tt_err *err);

void quarantine_free(struct quarantine *q);

#endif
