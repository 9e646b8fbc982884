/*
 * label-int.h — the parsed template, shared by label-tpl.c (parser) and
 * label-render.c (renderer). Private to printers/.
 */
#ifndef TT_LABEL_INT_H
#define TT_LABEL_INT_H

#include <limits.h>

#include "label.h"

enum label_el_kind { LABEL_EL_TEXT, LABEL_EL_BARCODE, LABEL_EL_LINE, LABEL_EL_BOX, LABEL_EL_IMAGE };

enum label_bc_type {
    LABEL_BC_GS1_128,
    LABEL_BC_DATABAR_EXP,
    LABEL_BC_DATABAR_EXPSTK,
    LABEL_BC_DATAMATRIX,
    LABEL_BC_QR,    /* GS1 QR (element string) */
    LABEL_BC_QR_DL, /* plain QR holding the GS1 Digital Link URI */
};

enum label_align { LABEL_ALIGN_LEFT, LABEL_ALIGN_CENTER, LABEL_ALIGN_RIGHT };

#define LABEL_PARTS_MAX 16

/* One "(AI)value-template" of a barcode data expression. */
struct label_part {
    char ai[GS1_AI_LEN_MAX + 1];
    char *value; /* owned; may hold {placeholders} */
};

struct label_el {
    enum label_el_kind kind;
    int line;          /* template line, for render-time errors */
    double x, y, w, h; /* mm; w/h 0 = not given */
    double x2, y2;     /* line end */
    double stroke;     /* line / box width in mm */
    int fill;          /* box: filled black */
    char *text;        /* text template (owned) */
    char *font;        /* pango font description (owned) */
    enum label_align align;
    int wrap;              /* 1: word wrap within w */
    int shrink;            /* 1: shrink the font until the text fits h */
    enum label_bc_type bc; /* barcode */
    double xdim, xdim_min; /* preferred / smallest X-dimension, mm */
    struct label_part part[LABEL_PARTS_MAX];
    size_t n_parts;
    int hri;        /* print the (AI) line under a linear symbol */
    char *hri_font; /* owned */
    int cols;       /* DataBar Expanded Stacked: first column count to try */
    int rows_max;   /* DataBar Expanded Stacked: most data rows allowed */
    char *file;     /* image: absolute path (owned) */
};

struct label_tpl {
    char name[LABEL_NAME_MAX];
    char title[160];
    char file[PATH_MAX];
    double w_mm, h_mm;
    int dpi;
    struct label_el *el;
    size_t n_el;
    char carriers[96];
};

/* ---- output encoders (label-out.c) ---- */

/* A growing byte buffer; `oom` sticks once an allocation failed. */
struct label_buf {
    unsigned char *p;
    size_t len, cap;
    int oom;
};

void label_buf_add(struct label_buf *b, const void *data, size_t len);
void label_buf_printf(struct label_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A 1-bit image, rows of `stride` bytes, most significant bit first,
 * 1 = black (the thermal head's "burn").
 */
struct label_bits {
    int w, h, stride;
    unsigned char *bits;
};

/* Appends a PNG (1-bit greyscale, pHYs = dpi) of the image. */
int label_png_write(const struct label_bits *img, int dpi, struct label_buf *out,
                    struct tt_err *err);

/* Appends ^XA ... ^GFA graphic ... ^PQcopies ^XZ. */
void label_zpl_write(const struct label_bits *img, int copies, struct label_buf *out);

#endif
