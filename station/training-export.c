/*
 * training-export.c — class results out of the sandbox: a CSV for
 * spreadsheets and a printable A4 PDF with one certificate-style page per
 * trainee (cairo + pango, so Vietnamese names are drawn correctly).
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../db/db.h"
#include "../db/training.h"
#include "intl.h"
#include "training.h"

/* One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
static void
csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n") != NULL) {
        fputc('"', f);
        for (; *s != '\0'; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static int
csv_row(void *ctx, const struct db_training_result *r)
{
    FILE *f = ctx;
    char n[3][24], when[32];
    time_t t = (time_t)(r->last_ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(n[0], sizeof n[0], "%d", r->attempts);
    snprintf(n[1], sizeof n[1], "%d", r->correct);
    snprintf(n[2], sizeof n[2], "%d", r->first_try);
    csv_field(f, r->class_name, 0);
    csv_field(f, r->name, 0);
    csv_field(f, r->lesson, 0);
    csv_field(f, r->exercise, 0);
    csv_field(f, n[0], 0);
    csv_field(f, n[1], 0);
    csv_field(f, n[2], 0);
    csv_field(f, when, 1);
    return 0;
}

int
training_export_csv(struct db *db, const char *class_name, const char *path, struct tt_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    int rc;

    if (f == NULL)
        return tt_err_set(err, TT_EIO, __func__, "cannot write %s", path);
    fputs("class,name,lesson,exercise,attempts,correct,first_try,last_answer_utc\n", f);
    rc = db_training_results(db, class_name, csv_row, f, err);
    if (fflush(f) != 0 && rc == 0)
        rc = tt_err_set(err, TT_EIO, __func__, "cannot write %s", path);
    if (f != stdout && fclose(f) != 0 && rc == 0)
        rc = tt_err_set(err, TT_EIO, __func__, "cannot write %s", path);
    return rc;
}

/* ---- PDF ----------------------------------------------------------------------------- */

#define PDF_W 595.0 /* A4 in points */
#define PDF_H 842.0

#define PDF_ROWS_MAX 24 /* exercise lines that fit on one page (11 pt) */

/* One exercise line of the open page, kept to be drawn in lesson order. */
struct pdf_row {
    size_t order; /* lesson index × 100 + exercise index: the order of the lesson files */
    char text[320];
};

struct pdf {
    cairo_t *cr;
    const struct training_lessons *ls;
    int64_t trainee; /* the trainee whose page is open, 0 before the first */
    double y;
    int done, right, pages;
    size_t n_rows;
    struct pdf_row rows[PDF_ROWS_MAX];
};

static int
row_cmp(const void *a, const void *b)
{
    const struct pdf_row *x = a, *y = b;

    return x->order < y->order ? -1 : x->order > y->order;
}

/* Where an exercise comes in the lesson files (unknown ones go last). */
static size_t
exercise_order(const struct training_lessons *ls, const char *lesson, const char *ex)
{
    for (size_t i = 0; i < training_lessons_count(ls); i++) {
        const struct training_lesson *l = training_lesson_at(ls, i);

        for (size_t j = 0; strcmp(l->id, lesson) == 0 && j < l->n_ex; j++)
            if (strcmp(l->ex[j].id, ex) == 0)
                return i * 100 + j;
    }
    return (size_t)-1;
}

static void
pdf_text(struct pdf *p, const char *font, double x, const char *text)
{
    PangoLayout *lay = pango_cairo_create_layout(p->cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    int w, h;

    pango_layout_set_font_description(lay, fd);
    pango_layout_set_width(lay, (int)((PDF_W - x - 60) * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(lay, text, -1);
    cairo_move_to(p->cr, x, p->y);
    pango_cairo_show_layout(p->cr, lay);
    pango_layout_get_size(lay, &w, &h);
    p->y += (double)h / PANGO_SCALE + 4;
    pango_font_description_free(fd);
    g_object_unref(lay);
}

static void
pdf_end_page(struct pdf *p)
{
    char line[256];

    if (p->trainee == 0)
        return;
    qsort(p->rows, p->n_rows, sizeof p->rows[0], row_cmp);
    for (size_t i = 0; i < p->n_rows; i++)
        pdf_text(p, "Noto Sans 11", 80, p->rows[i].text);
    p->n_rows = 0;
    p->y += 12;
    snprintf(line, sizeof line, _("Exercises answered correctly: %d of %d."), p->right, p->done);
    pdf_text(p, "Noto Sans Bold 13", 70, line);
    p->y = PDF_H - 110;
    pdf_text(p, "Noto Sans 11", 340, _("Trainer (signature)"));
    cairo_show_page(p->cr);
    p->pages++;
}

static void
pdf_begin_page(struct pdf *p, const struct db_training_result *r)
{
    char line[256];

    p->trainee = r->trainee_id;
    p->done = p->right = 0;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, 2);
    cairo_rectangle(p->cr, 40, 40, PDF_W - 80, PDF_H - 80);
    cairo_stroke(p->cr);
    p->y = 80;
    pdf_text(p, "Noto Sans Bold 22", 70, _("Certificate of training"));
    pdf_text(p, "Noto Sans 12", 70, _("Barcodes, weighing and traceability (GS1) — tramtem"));
    p->y += 20;
    pdf_text(p, "Noto Sans Bold 18", 70, r->name);
    snprintf(line, sizeof line, _("Class: %s"), r->class_name);
    pdf_text(p, "Noto Sans 13", 70, line);
    p->y += 16;
}

static int
pdf_row(void *ctx, const struct db_training_result *r)
{
    struct pdf *p = ctx;
    const struct training_lesson *l = training_lesson_find(p->ls, r->lesson);
    char line[320];

    if (r->trainee_id != p->trainee) {
        pdf_end_page(p);
        pdf_begin_page(p, r);
    }
    p->done++;
    p->right += r->correct;
    snprintf(line, sizeof line, _("%s %s — %s: %s (%d answers)"), r->correct ? "✔" : "✘",
             l != NULL ? training_lesson_title(l) : r->lesson, r->exercise,
             r->correct ? _("right") : _("not yet right"), r->attempts);
    if (p->n_rows < PDF_ROWS_MAX) { /* more would run off the page; the CSV has them all */
        p->rows[p->n_rows].order = exercise_order(p->ls, r->lesson, r->exercise);
        snprintf(p->rows[p->n_rows].text, sizeof p->rows[0].text, "%s", line);
        p->n_rows++;
    }
    return 0;
}

int
training_export_pdf(struct db *db, const struct training_lessons *ls, const char *class_name,
                    const char *path, struct tt_err *err)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, PDF_W, PDF_H);
    struct pdf p = {.ls = ls};
    int rc;

    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return tt_err_set(err, TT_EIO, __func__, "cannot write %s", path);
    }
    p.cr = cairo_create(s);
    rc = db_training_results(db, class_name, pdf_row, &p, err);
    pdf_end_page(&p);
    if (rc == 0 && p.pages == 0) {
        p.y = 80;
        pdf_text(&p, "Noto Sans 14", 70, _("No results yet."));
        cairo_show_page(p.cr);
    }
    cairo_destroy(p.cr);
    cairo_surface_finish(s);
    if (rc == 0 && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        rc = tt_err_set(err, TT_EIO, __func__, "cannot write %s", path);
    cairo_surface_destroy(s);
    return rc;
}
