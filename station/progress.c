/*
 * progress.c — the export's progress channel and its bar (progress.h). The
 * reader trusts nothing: the child may die mid-line, and a line that does
 * not parse is skipped rather than guessed at.
 */
#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const release_names[] = {
    [PROGRESS_KEPT] = "kept", [PROGRESS_UNMOUNTED] = "unmounted", [PROGRESS_EJECTED] = "ejected"};

static const char *const error_names[] = {
    [PROGRESS_E_OTHER] = "other",  [PROGRESS_E_IO] = "eio",      [PROGRESS_E_ROFS] = "erofs",
    [PROGRESS_E_NOSPC] = "enospc", [PROGRESS_E_NOKEY] = "nokey", [PROGRESS_E_NOSTICK] = "nostick"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int
name_index(const char *const *names, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], word) == 0)
            return (int)i;
    return -1;
}

/* A decimal number of at most 19 digits, nothing else. */
static int
parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = 0;

    for (; s[n] >= '0' && s[n] <= '9'; n++)
        v = v * 10 + (uint64_t)(s[n] - '0');
    if (n == 0 || n > 19 || s[n] != '\0')
        return -1;
    *out = v;
    return 0;
}

int
progress_parse(const char *line, struct progress_msg *out)
{
    char buf[128], *f[4], *save = NULL;
    size_t len = strcspn(line, "\n"), n = 0;
    int i;

    memset(out, 0, sizeof *out);
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    for (char *t = strtok_r(buf, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
        if (n == N_OF(f))
            return -1;
        f[n++] = t;
    }
    if (n == 3 && strcmp(f[0], "progress") == 0) {
        if (parse_u64(f[1], &out->done) != 0 || parse_u64(f[2], &out->total) != 0)
            return -1;
        out->kind = PROGRESS_BYTES;
        return 0;
    }
    if (n == 2 && strcmp(f[0], "release") == 0 &&
        (i = name_index(release_names, N_OF(release_names), f[1])) >= 0) {
        out->kind = PROGRESS_RELEASE;
        out->release = (enum progress_release)i;
        return 0;
    }
    if (n == 2 && strcmp(f[0], "error") == 0 &&
        (i = name_index(error_names, N_OF(error_names), f[1])) >= 0) {
        out->kind = PROGRESS_ERROR;
        out->error = (enum progress_error)i;
        return 0;
    }
    return -1;
}

int
progress_format(const struct progress_msg *m, char *out, size_t out_len)
{
    int n = -1;

    if (m->kind == PROGRESS_BYTES)
        n = snprintf(out, out_len, "progress %" PRIu64 " %" PRIu64 "\n", m->done, m->total);
    else if (m->kind == PROGRESS_RELEASE && (size_t)m->release < N_OF(release_names))
        n = snprintf(out, out_len, "release %s\n", release_names[m->release]);
    else if (m->kind == PROGRESS_ERROR && (size_t)m->error < N_OF(error_names))
        n = snprintf(out, out_len, "error %s\n", error_names[m->error]);
    return n < 0 || (size_t)n >= out_len ? -1 : n;
}

void
progress_feed(struct progress_reader *r, const char *data, size_t n,
              void (*cb)(void *ctx, const struct progress_msg *m), void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        struct progress_msg m;

        if (data[i] != '\n') {
            if (r->len + 1 < sizeof r->line)
                r->line[r->len++] = data[i];
            else
                r->overlong = 1;
            continue;
        }
        r->line[r->len] = '\0';
        if (!r->overlong && progress_parse(r->line, &m) == 0)
            cb(ctx, &m);
        r->len = 0;
        r->overlong = 0;
    }
}

int
progress_percent(uint64_t done, uint64_t total)
{
    if (total == 0 || done >= total)
        return 100;
    {
        /* Divide first for huge totals; 99 at most until everything is done. */
        uint64_t p = total > UINT64_MAX / 100 ? done / (total / 100) : done * 100 / total;

        return p > 99 ? 99 : (int)p;
    }
}

void
progress_bar(uint64_t done, uint64_t total, int width, char *out, size_t out_len)
{
    char cells[256];
    int pct = progress_percent(done, total), fill;

    if (width < 1)
        width = 1;
    if (width > (int)sizeof cells - 1)
        width = (int)sizeof cells - 1;
    fill = pct * width / 100;
    memset(cells, '#', (size_t)fill);
    memset(cells + fill, '.', (size_t)(width - fill));
    cells[width] = '\0';
    snprintf(out, out_len, "[%s] %3d%%", cells, pct);
}
