/*
 * label-tpl.c — the template parser. A template is read line by line; a
 * line is a keyword and then `key=value` pairs (values may be "quoted",
 * with \" \\ \n escapes). Everything a trainer can get wrong is reported
 * as "FILE:LINE: what is wrong (what was expected)", because the people
 * who edit these files are not programmers.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label-int.h"

#define TOKENS_MAX   24
#define LINE_MAX_LEN 2048

struct tok {
    char *key; /* NULL for a positional word */
    char *val;
};

struct parser {
    const char *file;
    int line;
    struct label_tpl *tpl;
    struct tt_err *err;
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
perr(struct parser *p, const char *fmt, ...)
{
    char what[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return tt_err_setd(p->err, TT_EPARSE, LABEL_E_SYNTAX, "label_tpl_parse", "%s:%d: %s", p->file,
                       p->line, what);
}

/* Splits one line in place into tokens; handles quotes and escapes. */
static int
tokenize(struct parser *p, char *s, struct tok *tok, size_t *n_out)
{
    size_t n = 0;

    for (;;) {
        char *start, *w;

        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            break;
        if (n == TOKENS_MAX)
            return perr(p, "too many words on one line");
        start = s;
        tok[n].key = NULL;
        while (*s != '\0' && *s != '=' && *s != ' ' && *s != '\t' && *s != '"')
            s++;
        if (*s == '=') {
            *s++ = '\0';
            tok[n].key = start;
            if (*start == '\0')
                return perr(p, "'=' without a key name before it");
            start = s;
        }
        s = start; /* the value is read (and unescaped in place) from its start */
        w = start;
        tok[n].val = start;
        if (*s == '"') {
            s++;
            while (*s != '"') {
                if (*s == '\0')
                    return perr(p, "a quoted value is not closed (missing \")");
                if (*s == '\\' && s[1] != '\0') {
                    s++;
                    *w++ = *s == 'n' ? '\n' : *s;
                    s++;
                    continue;
                }
                *w++ = *s++;
            }
            s++;
            if (*s != '\0' && *s != ' ' && *s != '\t')
                return perr(p, "put a space after a closing quote");
        } else {
            while (*s != '\0' && *s != ' ' && *s != '\t') {
                if (*s == '"')
                    return perr(p, "a quote in the middle of a word; quote the whole value");
                *w++ = *s++;
            }
        }
        if (*s != '\0')
            s++;
        *w = '\0';
        n++;
    }
    *n_out = n;
    return 0;
}

static int
parse_mm(struct parser *p, const char *key, const char *v, double lo, double hi, double *out)
{
    char *end;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (end != v && strcmp(end, "mm") == 0)
        end += 2;
    if (errno != 0 || end == v || *end != '\0')
        return perr(p, "%s=%s is not a number of millimetres", key, v);
    if (d < lo || d > hi) {
        char range[64];

        snprintf(range, sizeof range, "%s=%s", key, v);
        return perr(p, "%s is out of range (0 to 1000 mm)", range);
    }
    *out = d;
    return 0;
}

static int
parse_int(struct parser *p, const char *key, const char *v, int lo, int hi, int *out)
{
    char *end;
    long l;

    errno = 0;
    l = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || l < lo || l > hi)
        return perr(p, "%s=%s is not an allowed whole number", key, v);
    *out = (int)l;
    return 0;
}

static int
parse_bool(struct parser *p, const char *key, const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        *out = 0;
    else
        return perr(p, "%s=%s: write yes or no", key, v);
    return 0;
}

/* Checks the {placeholders} of a value: balanced braces, known filters. */
static int
check_placeholders(struct parser *p, const char *v)
{
    static const char *const filters[] = {"yymmdd", "dmy", "kg", "vnd", "upper", NULL};

    for (const char *s = strchr(v, '{'); s != NULL; s = strchr(s, '{')) {
        const char *end = strchr(s, '}');
        const char *bar;
        char name[64];
        size_t len;
        int ok = 0;

        if (end == NULL)
            return perr(p, "'{' without a closing '}' in \"%s\"", v);
        len = (size_t)(end - s - 1);
        if (len == 0 || len >= sizeof name)
            return perr(p, "empty or too long placeholder in \"%s\"", v);
        memcpy(name, s + 1, len);
        name[len] = '\0';
        bar = strchr(name, '|');
        if (bar != NULL) {
            const char *f = bar + 1;

            for (size_t i = 0; filters[i] != NULL; i++)
                ok |= strcmp(f, filters[i]) == 0;
            ok |= strlen(f) == 4 &&
                  (strncmp(f, "310", 3) == 0 || strncmp(f, "320", 3) == 0 ||
                   strncmp(f, "392", 3) == 0) &&
                  isdigit((unsigned char)f[3]);
            if (!ok)
                return perr(p, "unknown filter '|%s' (known: yymmdd dmy kg vnd upper 310n 392n)",
                            f);
        }
        s = end + 1;
    }
    if (strchr(v, '}') != NULL && strchr(v, '{') == NULL)
        return perr(p, "'}' without '{' in \"%s\"", v);
    {
        int depth = 0; /* [optional parts] do not nest */

        for (const char *c = v; *c != '\0'; c++) {
            depth += *c == '[' ? 1 : *c == ']' ? -1 : 0;
            if (depth < 0 || depth > 1)
                return perr(p, "unbalanced or nested [ ] in \"%s\"", v);
        }
        if (depth != 0)
            return perr(p, "'[' without ']' in \"%s\"", v);
    }
    return 0;
}

/* Splits "(01){gtin}(10){lot}" into parts; "{dl}" style values are kept whole. */
static int
parse_data(struct parser *p, struct label_el *e, const char *v)
{
    const char *s = v;

    if (*s != '(')
        return perr(p, "barcode data must start with an AI in brackets, like (01){gtin}: \"%s\"",
                    v);
    while (*s != '\0') {
        const char *close = strchr(s, ')');
        const char *next;
        size_t ai_len, val_len;
        struct label_part *pt;

        if (*s != '(' || close == NULL)
            return perr(p, "expected (AI) in barcode data \"%s\"", v);
        ai_len = (size_t)(close - s - 1);
        if (ai_len < 2 || ai_len > GS1_AI_LEN_MAX)
            return perr(p, "an AI has 2 to 4 digits, in \"%s\"", v);
        if (e->n_parts == LABEL_PARTS_MAX)
            return perr(p, "too many AIs in \"%s\"", v);
        pt = &e->part[e->n_parts];
        memcpy(pt->ai, s + 1, ai_len);
        pt->ai[ai_len] = '\0';
        for (size_t i = 0; i < ai_len; i++)
            if (!isdigit((unsigned char)pt->ai[i]))
                return perr(p, "an AI has only digits: (%s)", pt->ai);
        if (gs1_ai_lookup(pt->ai) == NULL)
            return perr(p, "unknown GS1 Application Identifier (%s)", pt->ai);
        /* The value runs to the next '(' that is outside a {placeholder}. */
        next = close + 1;
        while (*next != '\0' && *next != '(') {
            if (*next == '{') {
                const char *end = strchr(next, '}');

                next = end != NULL ? end : next + strlen(next) - 1;
            }
            next++;
        }
        val_len = (size_t)(next - close - 1);
        if (val_len == 0)
            return perr(p, "AI (%s) has no value", pt->ai);
        pt->value = xmalloc(val_len + 1);
        memcpy(pt->value, close + 1, val_len);
        pt->value[val_len] = '\0';
        e->n_parts++;
        s = next;
    }
    return check_placeholders(p, v);
}

static int
parse_bc_type(struct parser *p, const char *v, enum label_bc_type *out)
{
    static const struct {
        const char *name;
        enum label_bc_type type;
    } types[] = {
        {"gs1-128", LABEL_BC_GS1_128},
        {"databar-expanded", LABEL_BC_DATABAR_EXP},
        {"databar-expanded-stacked", LABEL_BC_DATABAR_EXPSTK},
        {"datamatrix", LABEL_BC_DATAMATRIX},
        {"qr", LABEL_BC_QR},
        {"qr-dl", LABEL_BC_QR_DL},
    };

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(v, types[i].name) == 0) {
            *out = types[i].type;
            return 0;
        }
    }
    return perr(p,
                "unknown barcode type '%s' (known: gs1-128 databar-expanded "
                "databar-expanded-stacked datamatrix qr qr-dl)",
                v);
}

static int
parse_align(struct parser *p, const char *v, enum label_align *out)
{
    if (strcmp(v, "left") == 0)
        *out = LABEL_ALIGN_LEFT;
    else if (strcmp(v, "center") == 0 || strcmp(v, "centre") == 0)
        *out = LABEL_ALIGN_CENTER;
    else if (strcmp(v, "right") == 0)
        *out = LABEL_ALIGN_RIGHT;
    else
        return perr(p, "align=%s: write left, center or right", v);
    return 0;
}

static char *
resolve_image(const char *tpl_file, const char *v)
{
    const char *slash = strrchr(tpl_file, '/');
    char path[PATH_MAX];

    if (v[0] == '/' || slash == NULL)
        return xstrdup(v);
    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - tpl_file), tpl_file, v);
    return xstrdup(path);
}

/* One key=value of an element; `keys` lists the keys this element takes. */
static int
el_attr(struct parser *p, struct label_el *e, const char *keys, const struct tok *t)
{
    const char *k = t->key, *v = t->val;
    char pad[40];

    snprintf(pad, sizeof pad, " %s ", k);
    if (strstr(keys, pad) == NULL)
        return perr(p, "unknown setting '%s' here (known:%s)", k, keys);
    if (strcmp(k, "x") == 0 || strcmp(k, "x1") == 0)
        return parse_mm(p, k, v, 0, 1000, &e->x);
    if (strcmp(k, "y") == 0 || strcmp(k, "y1") == 0)
        return parse_mm(p, k, v, 0, 1000, &e->y);
    if (strcmp(k, "x2") == 0)
        return parse_mm(p, k, v, 0, 1000, &e->x2);
    if (strcmp(k, "y2") == 0)
        return parse_mm(p, k, v, 0, 1000, &e->y2);
    if (strcmp(k, "w") == 0)
        return parse_mm(p, k, v, 0.1, 1000, &e->w);
    if (strcmp(k, "h") == 0)
        return parse_mm(p, k, v, 0.1, 1000, &e->h);
    if (strcmp(k, "line") == 0)
        return parse_mm(p, k, v, 0.05, 20, &e->stroke);
    if (strcmp(k, "xdim") == 0)
        return parse_mm(p, k, v, 0.1, 5, &e->xdim);
    if (strcmp(k, "xdim-min") == 0)
        return parse_mm(p, k, v, 0.1, 5, &e->xdim_min);
    if (strcmp(k, "fill") == 0)
        return parse_bool(p, k, v, &e->fill);
    if (strcmp(k, "wrap") == 0)
        return parse_bool(p, k, v, &e->wrap);
    if (strcmp(k, "shrink") == 0)
        return parse_bool(p, k, v, &e->shrink);
    if (strcmp(k, "hri") == 0)
        return parse_bool(p, k, v, &e->hri);
    if (strcmp(k, "cols") == 0)
        return parse_int(p, k, v, 1, 11, &e->cols);
    if (strcmp(k, "rows-max") == 0)
        return parse_int(p, k, v, 1, 11, &e->rows_max);
    if (strcmp(k, "align") == 0)
        return parse_align(p, v, &e->align);
    if (strcmp(k, "type") == 0)
        return parse_bc_type(p, v, &e->bc);
    if (strcmp(k, "font") == 0 || strcmp(k, "hri-font") == 0) {
        char **dst = k[0] == 'f' ? &e->font : &e->hri_font;

        free(*dst);
        *dst = xstrdup(v);
        return 0;
    }
    if (strcmp(k, "text") == 0) {
        free(e->text);
        e->text = xstrdup(v);
        return check_placeholders(p, v);
    }
    if (strcmp(k, "data") == 0)
        return parse_data(p, e, v);
    if (strcmp(k, "file") == 0) {
        free(e->file);
        e->file = resolve_image(p->file, v);
        return 0;
    }
    return perr(p, "setting '%s' is not handled", k);
}

static int
require(struct parser *p, int have, const char *what, const char *kind)
{
    return have ? 0 : perr(p, "%s needs %s", kind, what);
}

static int
el_check(struct parser *p, const struct label_el *e, const char *kind, int *seen_x, int *seen_y)
{
    const struct label_tpl *t = p->tpl;
    int rc = require(p, *seen_x && *seen_y, "x= and y=", kind);

    if (rc == 0 && (e->x > t->w_mm || e->y > t->h_mm))
        rc = perr(p, "%s starts outside the label (see 'size')", kind);
    if (rc == 0 && e->w > 0 && e->x + e->w > t->w_mm + 0.01)
        rc = perr(p, "%s is wider than the label: x + w is past the right edge", kind);
    if (rc == 0 && e->h > 0 && e->kind != LABEL_EL_BARCODE && e->y + e->h > t->h_mm + 0.01)
        rc = perr(p, "%s is taller than the label: y + h is past the bottom edge", kind);
    switch (e->kind) {
    case LABEL_EL_TEXT:
        if (rc == 0)
            rc = require(p, e->text != NULL, "text=\"...\"", kind);
        if (rc == 0)
            rc = require(p, e->w > 0, "w= (the width of its box)", kind);
        break;
    case LABEL_EL_BARCODE:
        if (rc == 0)
            rc = require(p, e->n_parts > 0, "data=\"(01){gtin}...\"", kind);
        if (rc == 0)
            rc = require(p, e->xdim > 0, "xdim= (the X-dimension in mm)", kind);
        if (rc == 0 && e->xdim_min > e->xdim)
            rc = perr(p, "xdim-min is larger than xdim");
        if (rc == 0 && (e->bc == LABEL_BC_GS1_128 || e->bc == LABEL_BC_DATABAR_EXP ||
                        e->bc == LABEL_BC_DATABAR_EXPSTK))
            rc = require(p, e->h > 0, "h= (bar height in mm)", kind);
        break;
    case LABEL_EL_BOX:
    case LABEL_EL_IMAGE:
        if (rc == 0)
            rc = require(p, e->w > 0 && e->h > 0, "w= and h=", kind);
        if (rc == 0 && e->kind == LABEL_EL_IMAGE)
            rc = require(p, e->file != NULL, "file=PNG", kind);
        break;
    case LABEL_EL_LINE:
        if (rc == 0 && (e->x2 > t->w_mm || e->y2 > t->h_mm))
            rc = perr(p, "line ends outside the label");
        break;
    }
    return rc;
}

static int
parse_element(struct parser *p, const char *kind, const struct tok *tok, size_t n)
{
    static const struct {
        const char *kind;
        enum label_el_kind el;
        const char *keys;
    } kinds[] = {
        {"text", LABEL_EL_TEXT, " x y w h font text align wrap shrink "},
        {"barcode", LABEL_EL_BARCODE,
         " x y w h type data xdim xdim-min hri hri-font cols rows-max align "},
        {"line", LABEL_EL_LINE, " x1 y1 x2 y2 line "},
        {"box", LABEL_EL_BOX, " x y w h line fill "},
        {"image", LABEL_EL_IMAGE, " x y w h file "},
    };
    struct label_tpl *t = p->tpl;
    struct label_el *e;
    int seen_x = 0, seen_y = 0, rc = 0;
    size_t k;

    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(kind, kinds[k].kind) == 0)
            break;
    if (k == sizeof kinds / sizeof kinds[0])
        return perr(
            p, "unknown word '%s' (known: label title size dpi text barcode line box image)", kind);
    if (t->w_mm <= 0)
        return perr(p, "put 'size W H' before the first element");
    t->el = realloc(t->el, (t->n_el + 1) * sizeof *t->el);
    if (t->el == NULL)
        return tt_err_set(p->err, TT_ENOMEM, __func__, "out of memory");
    e = &t->el[t->n_el++];
    memset(e, 0, sizeof *e);
    e->kind = kinds[k].el;
    e->line = p->line;
    e->stroke = 0.3;
    e->wrap = 1;
    e->shrink = 1;
    e->rows_max = 11;
    for (size_t i = 1; i < n && rc == 0; i++) {
        if (tok[i].key == NULL)
            return perr(p, "'%s' is not a setting; write key=value", tok[i].val);
        rc = el_attr(p, e, kinds[k].keys, &tok[i]);
        seen_x |= tok[i].key[0] == 'x' && (tok[i].key[1] == '\0' || tok[i].key[1] == '1');
        seen_y |= tok[i].key[0] == 'y' && (tok[i].key[1] == '\0' || tok[i].key[1] == '1');
    }
    if (rc == 0 && e->kind == LABEL_EL_BARCODE && e->xdim_min <= 0)
        e->xdim_min = e->xdim;
    return rc != 0 ? rc : el_check(p, e, kind, &seen_x, &seen_y);
}

static int
parse_directive(struct parser *p, const struct tok *tok, size_t n)
{
    struct label_tpl *t = p->tpl;
    const char *kw = tok[0].val;

    if (strcmp(kw, "label") == 0 || strcmp(kw, "title") == 0) {
        if (n != 2 || tok[1].key != NULL)
            return perr(p, "write: %s VALUE (quote it if it has spaces)", kw);
        if (kw[0] == 'l') {
            if (strlen(tok[1].val) >= sizeof t->name)
                return perr(p, "label name too long");
            snprintf(t->name, sizeof t->name, "%s", tok[1].val);
        } else {
            snprintf(t->title, sizeof t->title, "%s", tok[1].val);
        }
        return 0;
    }
    if (strcmp(kw, "size") == 0) {
        int rc;

        if (t->n_el > 0)
            return perr(p, "'size' must come before the elements");
        if (n != 3 || tok[1].key != NULL || tok[2].key != NULL)
            return perr(p, "write: size WIDTH HEIGHT (in mm, e.g. size 100 50)");
        rc = parse_mm(p, "width", tok[1].val, 10, 400, &t->w_mm);
        return rc != 0 ? rc : parse_mm(p, "height", tok[2].val, 10, 1000, &t->h_mm);
    }
    if (strcmp(kw, "dpi") == 0) {
        if (n != 2 || tok[1].key != NULL)
            return perr(p, "write: dpi 203 (or 300, 600)");
        if (parse_int(p, "dpi", tok[1].val, 150, 1200, &t->dpi) != 0)
            return perr(p, "dpi %s: use the printer's resolution, e.g. 203 or 300", tok[1].val);
        return 0;
    }
    return parse_element(p, kw, tok, n);
}

static void
set_carriers(struct label_tpl *t)
{
    static const char *const names[] = {
        "gs1-128", "databar-expanded", "databar-expanded-stacked", "datamatrix", "qr", "qr-dl"};

    t->carriers[0] = '\0';
    for (size_t i = 0; i < t->n_el; i++) {
        size_t len = strlen(t->carriers);

        if (t->el[i].kind != LABEL_EL_BARCODE)
            continue;
        snprintf(t->carriers + len, sizeof t->carriers - len, "%s%s", len > 0 ? " " : "",
                 names[t->el[i].bc]);
    }
}

static int
parse_lines(struct parser *p, const char *text, size_t len)
{
    const char *s = text, *end = text + len;
    int rc = 0;

    while (s < end && rc == 0) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
        char line[LINE_MAX_LEN];
        struct tok tok[TOKENS_MAX];
        size_t n_tok = 0;

        p->line++;
        if (n >= sizeof line)
            return perr(p, "line too long (more than 2047 bytes)");
        memcpy(line, s, n);
        line[n] = '\0';
        if (n > 0 && line[n - 1] == '\r')
            line[n - 1] = '\0';
        if (memchr(line, '\0', n) != NULL && strlen(line) + 1 < n)
            return perr(p, "the file holds a NUL byte; is it a text file?");
        rc = tokenize(p, line, tok, &n_tok);
        if (rc == 0 && n_tok > 0) {
            if (tok[0].key != NULL)
                return perr(p, "a line starts with a word (text, barcode ...), not '%s='",
                            tok[0].key);
            rc = parse_directive(p, tok, n_tok);
        }
        s += n + 1;
    }
    return rc;
}

int
label_tpl_parse(const char *file, const char *text, size_t len, struct label_tpl **out,
                struct tt_err *err)
{
    struct label_tpl *t = xcalloc(1, sizeof *t);
    struct parser p = {.file = file, .line = 0, .tpl = t, .err = err};
    int rc;

    *out = NULL;
    snprintf(t->file, sizeof t->file, "%s", file);
    t->dpi = 203;
    rc = parse_lines(&p, text, len);
    if (rc == 0 && t->name[0] == '\0')
        rc = perr(&p, "no 'label NAME' line");
    if (rc == 0 && t->w_mm <= 0)
        rc = perr(&p, "no 'size WIDTH HEIGHT' line");
    if (rc != 0) {
        label_tpl_free(t);
        return rc;
    }
    if (t->title[0] == '\0')
        snprintf(t->title, sizeof t->title, "%s", t->name);
    set_carriers(t);
    *out = t;
    return 0;
}

int
label_tpl_load(const char *path, struct label_tpl **out, struct tt_err *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long size;
    int rc;

    *out = NULL;
    if (fp == NULL)
        return tt_err_setd(err, errno == ENOENT ? TT_ENOTFOUND : TT_EIO, LABEL_E_NO_TEMPLATE,
                           __func__, "%s: cannot open: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || size > 1 << 20 ||
        fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return tt_err_set(err, TT_EIO, __func__, "%s: not a readable template (over 1 MB?)", path);
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL) {
        fclose(fp);
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
    }
    if (fread(buf, 1, (size_t)size, fp) != (size_t)size) {
        free(buf);
        fclose(fp);
        return tt_err_set(err, TT_EIO, __func__, "%s: read error", path);
    }
    fclose(fp);
    rc = label_tpl_parse(path, buf, (size_t)size, out, err);
    free(buf);
    return rc;
}

int
label_tpl_find(const char *dir, const char *name, struct label_tpl **out, struct tt_err *err)
{
    char path[PATH_MAX];

    *out = NULL;
    if (strchr(name, '/') != NULL)
        return label_tpl_load(name, out, err);
    if (name[0] == '\0' || name[0] == '.' || strlen(name) >= LABEL_NAME_MAX)
        return tt_err_setd(err, TT_ENOTFOUND, LABEL_E_NO_TEMPLATE, __func__,
                           "'%s' is not a template name", name);
    snprintf(path, sizeof path, "%s/%s.label", dir, name);
    return label_tpl_load(path, out, err);
}

void
label_tpl_free(struct label_tpl *tpl)
{
    if (tpl == NULL)
        return;
    for (size_t i = 0; i < tpl->n_el; i++) {
        struct label_el *e = &tpl->el[i];

        free(e->text);
        free(e->font);
        free(e->hri_font);
        free(e->file);
        for (size_t j = 0; j < e->n_parts; j++)
            free(e->part[j].value);
    }
    free(tpl->el);
    free(tpl);
}

const char *
label_tpl_name(const struct label_tpl *tpl)
{
    return tpl->name;
}

const char *
label_tpl_title(const struct label_tpl *tpl)
{
    return tpl->title;
}

double
label_tpl_width_mm(const struct label_tpl *tpl)
{
    return tpl->w_mm;
}

double
label_tpl_height_mm(const struct label_tpl *tpl)
{
    return tpl->h_mm;
}

int
label_tpl_dpi(const struct label_tpl *tpl)
{
    return tpl->dpi;
}

const char *
label_tpl_carriers(const struct label_tpl *tpl)
{
    return tpl->carriers;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
label_tpl_list(const char *dir,
               int (*cb)(void *ctx, const char *path, const struct label_tpl *tpl,
                         const struct tt_err *parse_err),
               void *ctx, struct tt_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    int rc = 0;

    if (d == NULL)
        return tt_err_set(err, TT_ENOTFOUND, __func__, "%s: cannot open the template folder: %s",
                          dir, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len > 6 && strcmp(de->d_name + len - 6, ".label") == 0) {
            names = realloc(names, (n + 1) * sizeof *names);
            if (names == NULL) {
                closedir(d);
                return tt_err_set(err, TT_ENOMEM, __func__, "out of memory");
            }
            names[n++] = xstrdup(de->d_name);
        }
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct label_tpl *t = NULL;
        struct tt_err perr_ = {0};

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0) {
            label_tpl_load(path, &t, &perr_);
            rc = cb(ctx, path, t, t == NULL ? &perr_ : NULL);
            label_tpl_free(t);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}
