/*
 * tt.h — what every module shares: error codes, the caller-owned error
 * struct, exit codes of the CLI contract, and small allocation helpers.
 *
 * Functions that can fail return 0 or a negative TT_E* code and, when the
 * caller passes a struct tt_err, fill it with an English message for logs
 * and tests. The station chooses the words the user sees from `code` and
 * `detail`; nothing below station/ translates or prints.
 */
#ifndef TT_H
#define TT_H

#include <stddef.h>

enum tt_code {
    TT_OK = 0,
    TT_ENOMEM = -1,    /* allocation sized by input failed */
    TT_EIO = -2,       /* read/write failed */
    TT_EPARSE = -3,    /* input is not in the expected syntax */
    TT_EINVAL = -4,    /* well-formed input breaks a rule */
    TT_EDEVICE = -5,   /* device or printer unavailable */
    TT_EBUSY = -6,     /* resource locked or in use */
    TT_ENOTFOUND = -7, /* no such product, lot, file, queue ... */
    TT_EEXIST = -8,    /* already exists (duplicate) */
    TT_ESTATE = -9,    /* not allowed in the current state (closed lot ...) */
    TT_ESIG = -10,     /* signature missing or does not verify */
    TT_ECORRUPT = -11, /* stored data failed an integrity check */
    TT_EACCESS = -12,  /* permission denied */
    TT_ENOSPC = -13,   /* no space left */
    TT_ETIMEOUT = -14, /* nothing arrived in time */
    TT_EROFS = -15,    /* read-only medium or read-only safe mode */
    TT_EUSAGE = -16,   /* the caller used the API or CLI wrongly */
};

/* Exit codes of the CLI contract (DESIGN.md §3). */
enum tt_exit {
    TT_EXIT_OK = 0,
    TT_EXIT_FAIL = 1,
    TT_EXIT_USAGE = 2,
    TT_EXIT_DATAERR = 65,
    TT_EXIT_UNAVAILABLE = 69,
    TT_EXIT_IOERR = 74,
};

struct tt_err {
    int code;          /* a TT_E* value, 0 when no error */
    int detail;        /* module-specific sub-code (e.g. GS1_E_*), 0 if none */
    char msg[256];     /* English, for logs and tests */
    const char *where; /* static string: the function or file that failed */
};

/*
 * Records an error in `err` (which may be NULL) and returns `code`, so that
 * callers can write `return tt_err_set(err, TT_EINVAL, ...);`.
 */
int tt_err_set(struct tt_err *err, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Like tt_err_set, with a module sub-code in `detail`. */
int tt_err_setd(struct tt_err *err, int code, int detail, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Clears `err` (NULL is fine). */
void tt_err_clear(struct tt_err *err);

/* The exit code of the CLI contract for a TT_E* code. */
int tt_exit_code(int code);

/* A short English name for a TT_E* code ("TT_EINVAL"), for logs. */
const char *tt_code_name(int code);

/*
 * Allocation for small, fixed-size things only: these abort on failure
 * (tmux xmalloc.c). Anything sized by input must use malloc() and return
 * TT_ENOMEM instead.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
