/*
 * printers-test-util.h — helpers for the printers/ tests: read a rendered
 * PNG back into 8-bit grey pixels, decode barcodes in it with libzbar and
 * libdmtx (the same decoders a scan-back check would use), and unpack a
 * ZPL ^GFA graphic with its ASCII compression.
 */
#ifndef TT_PRINTERS_TEST_UTIL_H
#define TT_PRINTERS_TEST_UTIL_H

#include <cairo.h>
#include <dmtx.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

struct grey {
    int w, h;
    unsigned char *px; /* w*h, 0 = black, 255 = white */
    int non_bw;        /* pixels that were neither pure black nor pure white */
};

struct png_reader {
    const unsigned char *p;
    size_t len, off;
};

__attribute__((unused)) static cairo_status_t
png_read_cb(void *closure, unsigned char *data, unsigned int len)
{
    struct png_reader *r = closure;

    if (r->off + len > r->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->off, len);
    r->off += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Decodes PNG bytes (via cairo) into grey; returns 0 on success. */
__attribute__((unused)) static int
grey_from_png(const unsigned char *png, size_t len, struct grey *g)
{
    struct png_reader r = {png, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read_cb, &r);
    const unsigned char *d;
    int stride;

    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return -1;
    }
    g->w = cairo_image_surface_get_width(s);
    g->h = cairo_image_surface_get_height(s);
    g->px = malloc((size_t)g->w * (size_t)g->h);
    g->non_bw = 0;
    d = cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < g->h; y++) {
        for (int x = 0; x < g->w; x++) {
            uint32_t px =
                *(const uint32_t *)(const void *)(d + (size_t)y * stride + 4 * x) & 0xffffff;

            if (px != 0 && px != 0xffffff)
                g->non_bw++;
            g->px[(size_t)y * g->w + x] = (unsigned char)(px & 0xff);
        }
    }
    cairo_surface_destroy(s);
    return 0;
}

/* A copy of a rectangle (clipped), padded with white. */
__attribute__((unused)) static struct grey
grey_crop(const struct grey *g, int x, int y, int w, int h, int pad)
{
    struct grey c = {w + 2 * pad, h + 2 * pad, NULL, 0};

    c.px = malloc((size_t)c.w * (size_t)c.h);
    memset(c.px, 255, (size_t)c.w * (size_t)c.h);
    for (int yy = 0; yy < h; yy++)
        for (int xx = 0; xx < w; xx++)
            if (x + xx >= 0 && x + xx < g->w && y + yy >= 0 && y + yy < g->h)
                c.px[(size_t)(yy + pad) * c.w + xx + pad] = g->px[(size_t)(y + yy) * g->w + x + xx];
    return c;
}

/*
 * zbar on the image: the data of the first symbol of `type` (ZBAR_NONE:
 * any) into out (zbar gives GS for separator FNC1s, drops the leading one).
 * Returns the symbol type found, or 0.
 */
__attribute__((unused)) static int
zbar_decode(const struct grey *g, zbar_symbol_type_t type, char *out, size_t out_len)
{
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    zbar_image_t *img = zbar_image_create();
    int found = 0;

    zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 1);
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)g->w, (unsigned)g->h);
    zbar_image_set_data(img, g->px, (unsigned long)g->w * (unsigned long)g->h, NULL);
    out[0] = '\0';
    if (zbar_scan_image(sc, img) > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s != NULL;
             s = zbar_symbol_next(s)) {
            if (type != ZBAR_NONE && zbar_symbol_get_type(s) != type)
                continue;
            snprintf(out, out_len, "%s", zbar_symbol_get_data(s));
            found = zbar_symbol_get_type(s);
            break;
        }
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(sc);
    return found;
}

/* libdmtx with FNC1 shown as GS (as `dmtxread -G 29`); returns 1 when decoded. */
__attribute__((unused)) static int
dmtx_decode(const struct grey *g, char *out, size_t out_len)
{
    DmtxImage *img = dmtxImageCreate(g->px, g->w, g->h, DmtxPack8bppK);
    DmtxDecode *dec = dmtxDecodeCreate(img, 1);
    DmtxTime t = dmtxTimeAdd(dmtxTimeNow(), 5000);
    DmtxRegion *reg;
    int ok = 0;

    out[0] = '\0';
    dmtxDecodeSetProp(dec, DmtxPropFnc1, 29);
    reg = dmtxRegionFindNext(dec, &t);
    if (reg != NULL) {
        DmtxMessage *m = dmtxDecodeMatrixRegion(dec, reg, DmtxUndefined);

        if (m != NULL) {
            size_t n = (size_t)m->outputIdx < out_len - 1 ? (size_t)m->outputIdx : out_len - 1;

            memcpy(out, m->output, n);
            out[n] = '\0';
            ok = 1;
            dmtxMessageDestroy(&m);
        }
        dmtxRegionDestroy(&reg);
    }
    dmtxDecodeDestroy(&dec);
    dmtxImageDestroy(&img);
    return ok;
}

/* Value of a ZPL compression count letter (G..Y = 1..19, g..z = 20..400). */
__attribute__((unused)) static int
zpl_count(char c)
{
    if (c >= 'G' && c <= 'Y')
        return c - 'G' + 1;
    if (c >= 'g' && c <= 'z')
        return (c - 'g' + 1) * 20;
    return 0;
}

/*
 * Unpacks the first ^GFA graphic of a ZPL text into 1-bit rows (1 = black);
 * returns the number of rows, -1 on a malformed graphic.
 */
__attribute__((unused)) static int
zpl_unpack(const char *zpl, unsigned char **bits, int *bytes_per_row)
{
    const char *s = strstr(zpl, "^GFA,");
    long total, fields, bpr;
    int row = 0, col = 0, count = 0;
    unsigned char *b;

    if (s == NULL || sscanf(s, "^GFA,%ld,%ld,%ld,", &total, &fields, &bpr) != 3 || bpr <= 0)
        return -1;
    for (int commas = 0; commas < 4; s++)
        if (*s == ',')
            commas++;
    b = calloc((size_t)total, 1);
    for (; *s != '\0' && *s != '^' && row * bpr < total; s++) {
        int n;

        if (*s == '\n' || *s == '\r')
            continue;
        if ((n = zpl_count(*s)) > 0) {
            count += n;
            continue;
        }
        if (*s == ',' || *s == '!') { /* rest of the row: 0 or 1 */
            for (; col < bpr * 2; col++)
                if (*s == '!')
                    b[row * bpr + col / 2] |= (unsigned char)(col & 1 ? 0x0f : 0xf0);
            row++, col = 0, count = 0;
            continue;
        }
        if (*s == ':') { /* repeat the previous row */
            if (row > 0)
                memcpy(b + row * bpr, b + (row - 1) * bpr, (size_t)bpr);
            row++, col = 0, count = 0;
            continue;
        }
        {
            int v = *s >= 'A' ? *s - 'A' + 10 : *s - '0';

            if (count == 0)
                count = 1;
            for (; count > 0; count--, col++)
                b[row * bpr + col / 2] |= (unsigned char)(col & 1 ? v : v << 4);
            if (col >= bpr * 2)
                row++, col = 0;
        }
    }
    *bits = b;
    *bytes_per_row = (int)bpr;
    return row;
}

#endif
