/*
 * label.h — label templates, the data that fills them, and rendering to
 * PDF, 1-bit PNG and ZPL (DESIGN.md §5).
 *
 * A template is a text file (data/labels/NAME.label) a trainer can read and
 * edit: one directive or element per line, `key=value` pairs, lengths in
 * millimetres from the top-left corner, `{placeholders}` filled from a
 * struct label_fields. The format is described at the top of every built-in
 * template. Parsing errors name the file, the line and the problem.
 *
 * Rendering draws text with pango (pinned Noto Sans, full Vietnamese) and
 * barcodes with libzint 2.11 after gs1/ validated their data (zint's own
 * warnings are errors too). Raster output is pure black and white at the
 * printer's dpi, barcode modules are whole dots, and symbols carry their
 * quiet zones. A barcode that does not fit its box at the smallest allowed
 * X-dimension is an error, never a clipped or squeezed symbol.
 *
 * Threads: a template and a fields set may be shared read-only; each
 * struct label_doc belongs to one thread.
 */
#ifndef TT_LABEL_H
#define TT_LABEL_H

#include <stddef.h>

#include "../common/tt.h"
#include "../gs1/gs1.h"

/* err->detail for label errors (code TT_EPARSE / TT_EINVAL / TT_ENOTFOUND). */
enum label_error {
    LABEL_E_NONE = 0,
    LABEL_E_SYNTAX,      /* template line not understood */
    LABEL_E_FIELD,       /* placeholder or filter problem */
    LABEL_E_GS1,         /* barcode data refused by gs1/ (err->msg says why) */
    LABEL_E_ZINT,        /* zint refused the data (warnings included) */
    LABEL_E_FIT,         /* barcode does not fit its box */
    LABEL_E_GLYPHS,      /* text has characters the font cannot draw */
    LABEL_E_FONT,        /* the pinned font is not installed */
    LABEL_E_NO_TEMPLATE, /* no template of that name */
};

#define LABEL_NAME_MAX     64
#define LABEL_BARCODES_MAX 4

struct label_tpl;
struct label_fields;
struct label_doc;

enum label_format { LABEL_FMT_PDF, LABEL_FMT_PNG, LABEL_FMT_ZPL };

/* ---- templates ---- */

/*
 * Parses template text. `file` names it in error messages. Returns owned
 * *out (label_tpl_free); NULL on failure with err->msg "FILE:LINE: problem".
 */
int label_tpl_parse(const char *file, const char *text, size_t len, struct label_tpl **out,
                    struct tt_err *err);

/* Reads and parses a template file. */
int label_tpl_load(const char *path, struct label_tpl **out, struct tt_err *err);

/*
 * A template by name: `name` containing '/' is a path; otherwise
 * DIR/NAME.label. TT_ENOTFOUND (LABEL_E_NO_TEMPLATE) when there is none.
 */
int label_tpl_find(const char *dir, const char *name, struct label_tpl **out, struct tt_err *err);

void label_tpl_free(struct label_tpl *tpl);

/* Borrowed, valid until label_tpl_free. */
const char *label_tpl_name(const struct label_tpl *tpl);
const char *label_tpl_title(const struct label_tpl *tpl);
double label_tpl_width_mm(const struct label_tpl *tpl);
double label_tpl_height_mm(const struct label_tpl *tpl);
int label_tpl_dpi(const struct label_tpl *tpl);

/* The carriers of the template's barcodes, e.g. "gs1-128 datamatrix" (borrowed). */
const char *label_tpl_carriers(const struct label_tpl *tpl);

/*
 * Calls cb for each DIR/ *.label in name order (templates that fail to parse
 * are passed as NULL with their error). A non-zero cb return stops the walk.
 */
int label_tpl_list(const char *dir,
                   int (*cb)(void *ctx, const char *path, const struct label_tpl *tpl,
                             const struct tt_err *parse_err),
                   void *ctx, struct tt_err *err);

/* ---- fields (the data a label is filled with) ---- */

/*
 * Keys in use (anything else may be set and used too):
 *   product.name product.name_en gtin lot harvest expiry (YYYY-MM-DD)
 *   weight (kg, "1.25") price (VND, integer) serial sscc count
 *   place.name place.province coop.name dl.base
 * Derived when not set: vpc (PTI voice pick code from gtin, lot, harvest),
 * dl (GS1 Digital Link URI of gtin + lot + serial, or sscc).
 */
struct label_fields *label_fields_new(void);
void label_fields_free(struct label_fields *f);

/* Copies key and value (UTF-8, NFC expected); replaces an existing key. */
int label_fields_set(struct label_fields *f, const char *key, const char *value,
                     struct tt_err *err);

/* The value or NULL (borrowed until the key is set again or f is freed). */
const char *label_fields_get(const struct label_fields *f, const char *key);

/*
 * Sets the fields that a GS1 message carries: gtin (01), lot (10), serial
 * (21), sscc (00), weight (310n), price (392n), harvest (13 or 11),
 * expiry (17 or 15). Dates with day 00 become the month's last day.
 */
int label_fields_from_gs1(struct label_fields *f, const struct gs1_msg *msg, struct tt_err *err);

/*
 * Expands "{key|filter}" placeholders of `tmpl` into out (NUL-terminated).
 * Filters: yymmdd dmy (dates), 310n/320n/392n with the decimal digit n
 * (e.g. 3103: weight in kg as six digits, three decimals), kg (1,250),
 * vnd (45.000 ₫), upper. Unknown keys expand to "". "[...]" is an optional
 * part, left out when a placeholder inside it is empty. TT_EINVAL with
 * LABEL_E_FIELD on a bad value for a filter; TT_ENOMEM when out is short.
 */
int label_fields_expand(const struct label_fields *f, const char *tmpl, char *out, size_t out_len,
                        struct tt_err *err);

/* ---- rendering ---- */

/* What one rendered barcode carries (for the label record and self-checks). */
struct label_barcode_info {
    enum gs1_carrier carrier;
    int dl;          /* 1: a QR holding a Digital Link URI */
    char data[300];  /* zint input: "[01]…[10]…" or the URI */
    char hri[300];   /* "(01)…(10)…" or the URI */
    int x, y, w, h;  /* bounding box with quiet zones, in dots (raster) */
    int module_dots; /* X-dimension in dots at the render dpi */
    int rows;        /* data rows of a stacked symbol, else 1 */
};

struct label_info {
    int width_dots, height_dots, dpi;
    size_t n_barcodes;
    struct label_barcode_info barcode[LABEL_BARCODES_MAX];
    struct gs1_msg msg[LABEL_BARCODES_MAX]; /* validated message of each GS1 barcode */
    int unknown_glyphs;                     /* always 0 after a successful render */
};

/*
 * A document being rendered: PDF holds any number of pages (each with its
 * template's size), PNG exactly one label, ZPL one ^XA…^XZ block per label.
 * `dpi` 0 uses each template's dpi. Returns owned *out (label_doc_free).
 */
int label_doc_new(enum label_format fmt, int dpi, struct label_doc **out, struct tt_err *err);

/* Renders one label (copies: ZPL ^PQ count, PDF pages; PNG ignores it). info may be NULL. */
int label_doc_add(struct label_doc *doc, const struct label_tpl *tpl,
                  const struct label_fields *fields, int copies, struct label_info *info,
                  struct tt_err *err);

/*
 * Finishes the document and returns owned bytes in *data (free()) and
 * *len. The doc is finished afterwards: only label_doc_free is allowed.
 */
int label_doc_finish(struct label_doc *doc, unsigned char **data, size_t *len, struct tt_err *err);

void label_doc_free(struct label_doc *doc);

/* label_doc_new + add + finish for one label. */
int label_render(const struct label_tpl *tpl, const struct label_fields *fields,
                 enum label_format fmt, int dpi, unsigned char **data, size_t *len,
                 struct label_info *info, struct tt_err *err);

/*
 * Number of characters of `text` that the font `font` ("Noto Sans Bold 10")
 * cannot draw (pango's unknown-glyph count). Negative TT_E* on failure.
 */
int label_text_unknown_glyphs(const char *font, const char *text, struct tt_err *err);

/*
 * Frees the font caches pango, cairo and fontconfig keep for the whole
 * process, so that leak checkers see only real leaks. Call it once when no
 * more labels will be drawn (the end of a command); rendering after it
 * works but loads the fonts again.
 */
void label_shutdown(void);

/* "pdf", "png", "zpl" -> format; -1 when unknown. */
int label_format_parse(const char *name);

/* MIME type of a format ("application/pdf", "image/png", "application/vnd.cups-raw"). */
const char *label_format_mime(enum label_format fmt);

#endif
