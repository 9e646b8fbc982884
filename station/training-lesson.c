/*
 * training-lesson.c — lesson files (data/training/ *.lesson) read into
 * struct training_lesson, and the line buffers every training screen and
 * explanation is written into. Lessons are data so that trainers can add
 * and translate them without C; every problem names the file and line.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "../common/i18n.h"
#include "../gs1/gs1.h"
#include "training.h"

struct training_lessons {
    size_t n;
    struct training_lesson *l;
};

static const char *const kind_names[TRAINING_KIND_COUNT] = {
    "check-digit", "read",       "identify",      "valid",  "encode-weight",
    "make-label",  "trace-back", "trace-forward", "bundle",
};

int
training_parse_element(const char *data, struct gs1_msg *msg)
{
    struct tt_err err;
    int rc = gs1_parse(data, strlen(data), msg, &err);

    /* A lot or serial alone breaks "(10) requires (01)": fine for naming its kind. */
    if (rc != 0 && err.detail == GS1_E_REQUIRES && msg->n == 1)
        rc = 0;
    return rc == 0 && msg->n == 1 ? 0 : TT_EINVAL;
}

int
training_kind_parse(const char *name)
{
    for (int i = 0; i < TRAINING_KIND_COUNT; i++)
        if (strcmp(name, kind_names[i]) == 0)
            return i;
    return -1;
}

int
training_lang_en(void)
{
    return strcmp(i18n_lang_code(), "en") == 0;
}

const char *
training_pick(const char *vi, const char *en)
{
    if (training_lang_en())
        return en[0] != '\0' ? en : vi;
    return vi[0] != '\0' ? vi : en;
}

const char *
training_lesson_title(const struct training_lesson *l)
{
    return training_pick(l->title[0], l->title[1]);
}

const char *
training_lesson_text(const struct training_lesson *l)
{
    return training_pick(l->text[0], l->text[1]);
}

/* ---- lines ---------------------------------------------------------------------- */

void
training_lines_clear(struct training_lines *l)
{
    l->n = 0;
}

/* Cuts s at most max-1 bytes without splitting a UTF-8 sequence. */
static void
utf8_cut(char *s, size_t max)
{
    size_t n = strlen(s);

    if (n < max)
        return;
    n = max - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    s[n] = '\0';
}

void
training_lines_add(struct training_lines *l, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    if (l->n >= TRAINING_LINES_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    utf8_cut(buf, TRAINING_LINE_LEN);
    memcpy(l->line[l->n++], buf, strlen(buf) + 1);
}

/* Display width of one UTF-8 character at s (sets *n to its bytes). */
static int
char_width(const char *s, size_t *n)
{
    mbstate_t st;
    wchar_t wc;
    size_t k;
    int w;

    memset(&st, 0, sizeof st);
    k = mbrtowc(&wc, s, strlen(s), &st);
    if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
        *n = 1;
        return 1;
    }
    *n = k;
    w = wcwidth(wc);
    return w < 0 ? 1 : w;
}

void
training_pad(char *out, size_t len, const char *s, int cols)
{
    size_t i = 0, n, o = 0;
    int w = 0;

    while (s[i] != '\0' && w + char_width(s + i, &n) <= cols && o + n + 1 < len) {
        w += char_width(s + i, &n);
        memcpy(out + o, s + i, n);
        o += n;
        i += n;
    }
    for (; w < cols && o + 1 < len; w++)
        out[o++] = ' ';
    out[o] = '\0';
}

/* One paragraph (no '\n') wrapped at word boundaries. */
static void
wrap_para(struct training_lines *l, const char *p, size_t len, int cols, int indent)
{
    char line[TRAINING_LINE_LEN];

    do {
        size_t i = 0, brk = 0, n;
        int w = indent;

        while (i < len && w + char_width(p + i, &n) <= cols) {
            w += char_width(p + i, &n);
            if (p[i] == ' ')
                brk = i;
            i += n;
        }
        if (i < len && brk > 0)
            i = brk;
        snprintf(line, sizeof line, "%*s%.*s", indent, "", (int)i, p);
        training_lines_add(l, "%s", line);
        while (i < len && p[i] == ' ')
            i++;
        p += i;
        len -= i;
    } while (len > 0);
}

void
training_lines_wrap(struct training_lines *l, const char *text, int cols, int indent)
{
    while (text != NULL) {
        const char *nl = strchr(text, '\n');
        size_t len = nl != NULL ? (size_t)(nl - text) : strlen(text);

        wrap_para(l, text, len, cols, indent);
        text = nl != NULL ? nl + 1 : NULL;
    }
}

/* ---- lesson files ----------------------------------------------------------------- */

/* Appends a text line; "." alone stands for an empty line (a paragraph break). */
static int
append_text(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(dst), vl = strlen(v);

    if (strcmp(v, ".") == 0)
        v = "", vl = 0;
    if (n + vl + 2 > cap)
        return -1;
    if (n > 0)
        dst[n++] = '\n';
    memcpy(dst + n, v, vl + 1);
    return 0;
}

static int
set_text(char *dst, size_t cap, const char *v)
{
    if (strlen(v) >= cap)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* Checks an exercise's data once complete, so a broken lesson fails at load time. */
static const char *
exercise_problem(const struct training_exercise *e)
{
    struct gs1_msg msg;
    size_t n = strlen(e->data);
    long long micro = 0;

    if (e->question[0][0] == '\0' && e->question[1][0] == '\0')
        return "exercise has no question";
    if (n == 0 && e->kind != TRAINING_VALID)
        return "exercise has no data";
    switch (e->kind) {
    case TRAINING_CHECK_DIGIT:
        return gs1_check_digit(e->data, n) < 0 || n > 17 ? "data must be 1-17 digits" : NULL;
    case TRAINING_READ:
        if (gs1_parse(e->data, n, &msg, NULL) != 0)
            return "data is not valid GS1 data";
        return gs1_msg_get(&msg, e->ask) == NULL ? "'ask' names no AI of the data" : NULL;
    case TRAINING_IDENTIFY:
        return training_parse_element(e->data, &msg) != 0 ? "data is not one GS1 element" : NULL;
    case TRAINING_MAKE_LABEL:
        return gs1_parse(e->data, n, &msg, NULL) != 0 ? "data is not valid GS1 data" : NULL;
    case TRAINING_ENCODE_WEIGHT: /* the checker's own reading, so both agree */
        return training_parse_decimal(e->data, &micro) != 0 || micro < 500 || micro >= 1000000000LL
                   ? "data must be a weight in kg (0.001-999.999)"
                   : NULL;
    case TRAINING_BUNDLE:
        return strcmp(e->data, "intact") != 0 && strcmp(e->data, "tampered") != 0
                   ? "data must be 'intact' or 'tampered'"
                   : NULL;
    default:
        return NULL;
    }
}

struct parse_state {
    struct training_lesson *l;
    struct training_exercise *ex; /* the exercise being read, or NULL */
};

/* One "key: value" line; returns NULL or the problem. */
static const char *
parse_kv(struct parse_state *ps, const char *key, const char *v, int line)
{
    struct training_lesson *l = ps->l;
    struct training_exercise *e = ps->ex;
    int lang = -1;
    char base[32];
    size_t kl = strlen(key);

    if (kl >= sizeof base)
        return "unknown key";
    memcpy(base, key, kl + 1);
    if (kl > 3 && (strcmp(key + kl - 3, ".vi") == 0 || strcmp(key + kl - 3, ".en") == 0)) {
        lang = key[kl - 2] == 'e';
        base[kl - 3] = '\0';
    }
    if (strcmp(key, "lesson") == 0) {
        if (l->id[0] != '\0')
            return "a file holds one lesson";
        return set_text(l->id, sizeof l->id, v) != 0 || *v == '\0' ? "lesson id 1-47 bytes" : NULL;
    }
    if (l->id[0] == '\0')
        return "the file must start with 'lesson: ID'";
    if (strcmp(key, "exercise") == 0) {
        if (e != NULL && exercise_problem(e) != NULL)
            return exercise_problem(e);
        if (l->n_ex >= TRAINING_EX_MAX)
            return "too many exercises (at most 16)";
        e = ps->ex = &l->ex[l->n_ex++];
        memset(e, 0, sizeof *e);
        e->kind = TRAINING_KIND_COUNT;
        e->line = line;
        return set_text(e->id, sizeof e->id, v) != 0 || *v == '\0' ? "exercise id 1-47 bytes"
                                                                   : NULL;
    }
    if (lang >= 0 && e == NULL && strcmp(base, "title") == 0)
        return set_text(l->title[lang], sizeof l->title[lang], v) != 0 ? "title too long" : NULL;
    if (lang >= 0 && e == NULL && strcmp(base, "text") == 0)
        return append_text(l->text[lang], sizeof l->text[lang], v) != 0 ? "text too long" : NULL;
    if (e == NULL)
        return "unknown key before the first exercise";
    if (strcmp(key, "kind") == 0) {
        int k = training_kind_parse(v);

        e->kind = (enum training_kind)k;
        return k < 0 ? "unknown kind (check-digit, read, identify, valid, encode-weight, "
                       "make-label, trace-back, trace-forward, bundle)"
                     : NULL;
    }
    if (strcmp(key, "data") == 0)
        return set_text(e->data, sizeof e->data, v) != 0 ? "data too long" : NULL;
    if (strcmp(key, "ask") == 0)
        return set_text(e->ask, sizeof e->ask, v) != 0 || gs1_ai_lookup(v) == NULL
                   ? "'ask' must be a known AI"
                   : NULL;
    if (lang >= 0 && strcmp(base, "question") == 0)
        return append_text(e->question[lang], sizeof e->question[lang], v) != 0
                   ? "question too long"
                   : NULL;
    if (lang >= 0 && strcmp(base, "hint") == 0)
        return append_text(e->hint[lang], sizeof e->hint[lang], v) != 0 ? "hint too long" : NULL;
    return "unknown key";
}

/* Splits one line into key and value; returns the problem or NULL. */
static const char *
parse_line(struct parse_state *ps, char *s, int line)
{
    char *colon, *v, *end;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0' || *s == '#')
        return NULL;
    colon = strchr(s, ':');
    if (colon == NULL)
        return "expected 'key: value'";
    *colon = '\0';
    for (end = colon; end > s && (end[-1] == ' ' || end[-1] == '\t'); end--)
        end[-1] = '\0';
    v = colon + 1;
    if (*v == ' ')
        v++;
    end = v + strlen(v);
    while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return parse_kv(ps, s, v, line);
}

int
training_lesson_parse(const char *file, const char *text, size_t len, struct training_lesson *out,
                      struct tt_err *err)
{
    struct parse_state ps = {.l = out, .ex = NULL};
    const char *p = text, *end = text + len, *problem = NULL;
    char buf[TRAINING_TEXT_MAX + 64];
    int line = 0;

    memset(out, 0, sizeof *out);
    snprintf(out->file, sizeof out->file, "%s", file);
    while (p < end && problem == NULL) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

        line++;
        if (n >= sizeof buf || memchr(p, '\0', n) != NULL)
            problem = n >= sizeof buf ? "line too long" : "NUL byte in the file";
        else {
            memcpy(buf, p, n);
            buf[n] = '\0';
            problem = parse_line(&ps, buf, line);
        }
        p += n + (nl != NULL);
    }
    if (problem == NULL && ps.ex != NULL) {
        line = ps.ex->line;
        problem =
            ps.ex->kind == TRAINING_KIND_COUNT ? "exercise has no kind" : exercise_problem(ps.ex);
    }
    for (size_t i = 0; problem == NULL && i < out->n_ex; i++)
        if (out->ex[i].kind == TRAINING_KIND_COUNT)
            line = out->ex[i].line, problem = "exercise has no kind";
    if (problem == NULL && out->id[0] == '\0')
        problem = "no 'lesson: ID' line";
    if (problem == NULL && out->title[0][0] == '\0' && out->title[1][0] == '\0')
        problem = "the lesson has no title";
    if (problem != NULL)
        return tt_err_set(err, TT_EPARSE, __func__, "%s:%d: %s", file, line, problem);
    return 0;
}

static int
read_file(const char *path, char **out, size_t *len, struct tt_err *err)
{
    FILE *f = fopen(path, "rb");
    long n;

    *out = NULL;
    if (f == NULL)
        return tt_err_set(err, TT_ENOTFOUND, __func__, "%s: cannot open", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1 << 20 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return tt_err_set(err, TT_EIO, __func__, "%s: unreadable or over 1 MiB", path);
    }
    *out = malloc((size_t)n + 1);
    if (*out == NULL) {
        fclose(f);
        return tt_err_set(err, TT_ENOMEM, __func__, "%s: out of memory", path);
    }
    *len = fread(*out, 1, (size_t)n, f);
    (*out)[*len] = '\0';
    fclose(f);
    return 0;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.lesson names of dir, sorted; returns owned array of owned strings. */
static int
list_lessons(const char *dir, char ***names, size_t *n, struct tt_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0;

    *names = NULL;
    *n = 0;
    if (d == NULL)
        return tt_err_set(err, TT_ENOTFOUND, "training_lessons_load", "%s: no lesson folder", dir);
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len < 8 || strcmp(de->d_name + len - 7, ".lesson") != 0 || de->d_name[0] == '.')
            continue;
        if (*n == cap) {
            char **grown = realloc(*names, (cap = cap * 2 + 8) * sizeof *grown);

            if (grown == NULL)
                break;
            *names = grown;
        }
        (*names)[(*n)++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (*n > 0)
        qsort(*names, *n, sizeof **names, name_cmp);
    return 0;
}

int
training_lessons_load(const char *dir, struct training_lessons **out, struct tt_err *err)
{
    struct training_lessons *ls;
    char **names, path[4096], *text = NULL;
    size_t n_names, len = 0;
    int rc = list_lessons(dir, &names, &n_names, err);

    *out = NULL;
    if (rc != 0)
        return rc;
    ls = xcalloc(1, sizeof *ls);
    ls->l = calloc(n_names > 0 ? n_names : 1, sizeof *ls->l);
    if (ls->l == NULL)
        rc = tt_err_set(err, TT_ENOMEM, __func__, "out of memory for %zu lessons", n_names);
    for (size_t i = 0; rc == 0 && i < n_names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = read_file(path, &text, &len, err);
        if (rc == 0)
            rc = training_lesson_parse(path, text, len, &ls->l[ls->n], err);
        free(text);
        for (size_t j = 0; rc == 0 && j < ls->n; j++)
            if (strcmp(ls->l[j].id, ls->l[ls->n].id) == 0)
                rc = tt_err_set(err, TT_EPARSE, __func__, "%s:1: lesson id '%s' used twice", path,
                                ls->l[j].id);
        if (rc == 0)
            ls->n++;
    }
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    if (rc != 0) {
        training_lessons_free(ls);
        return rc;
    }
    *out = ls;
    return 0;
}

void
training_lessons_free(struct training_lessons *ls)
{
    if (ls == NULL)
        return;
    free(ls->l);
    free(ls);
}

size_t
training_lessons_count(const struct training_lessons *ls)
{
    return ls != NULL ? ls->n : 0;
}

const struct training_lesson *
training_lesson_at(const struct training_lessons *ls, size_t i)
{
    return ls != NULL && i < ls->n ? &ls->l[i] : NULL;
}

const struct training_lesson *
training_lesson_find(const struct training_lessons *ls, const char *id)
{
    for (size_t i = 0; ls != NULL && i < ls->n; i++)
        if (strcmp(ls->l[i].id, id) == 0)
            return &ls->l[i];
    return NULL;
}
