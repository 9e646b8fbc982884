/*
 * tt.c — the shared error struct and the small-allocation helpers.
 */
#include "tt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int err_vset(struct tt_err *err, int code, int detail, const char *where, const char *fmt,
                    va_list ap) __attribute__((format(printf, 5, 0)));

static int
err_vset(struct tt_err *err, int code, int detail, const char *where, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->detail = detail;
    err->where = where;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int
tt_err_set(struct tt_err *err, int code, const char *where, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = err_vset(err, code, 0, where, fmt, ap);
    va_end(ap);
    return code;
}

int
tt_err_setd(struct tt_err *err, int code, int detail, const char *where, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = err_vset(err, code, detail, where, fmt, ap);
    va_end(ap);
    return code;
}

void
tt_err_clear(struct tt_err *err)
{
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

int
tt_exit_code(int code)
{
    switch (code) {
    case TT_OK:
        return TT_EXIT_OK;
    case TT_EPARSE:
    case TT_EINVAL:
    case TT_ESIG:
    case TT_ECORRUPT:
        return TT_EXIT_DATAERR;
    case TT_EDEVICE:
    case TT_EBUSY:
    case TT_ETIMEOUT:
        return TT_EXIT_UNAVAILABLE;
    case TT_EIO:
    case TT_ENOSPC:
    case TT_EROFS:
    case TT_EACCESS:
        return TT_EXIT_IOERR;
    case TT_EUSAGE:
        return TT_EXIT_USAGE;
    default:
        return TT_EXIT_FAIL;
    }
}

const char *
tt_code_name(int code)
{
    static const char *const names[] = {
        "TT_OK",      "TT_ENOMEM",    "TT_EIO",      "TT_EPARSE", "TT_EINVAL", "TT_EDEVICE",
        "TT_EBUSY",   "TT_ENOTFOUND", "TT_EEXIST",   "TT_ESTATE", "TT_ESIG",   "TT_ECORRUPT",
        "TT_EACCESS", "TT_ENOSPC",    "TT_ETIMEOUT", "TT_EROFS",  "TT_EUSAGE",
    };
    size_t i = (size_t)(code < 0 ? -code : code);

    if (code > 0 || i >= sizeof names / sizeof names[0])
        return "TT_E?";
    return names[i];
}

static void
out_of_memory(size_t size)
{
    fprintf(stderr, "tramtem: out of memory allocating %zu bytes\n", size);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);

    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

char *
xstrdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *p = xmalloc(len);

    memcpy(p, s, len);
    return p;
}
