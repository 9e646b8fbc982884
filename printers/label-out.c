/*
 * label-out.c — turning a rendered 1-bit label into bytes: a minimal PNG
 * writer (1-bit greyscale, so a 100 x 50 mm label is a few KB and no grey
 * can creep in) and a ZPL II graphic (^GFA with the ZPL ASCII compression,
 * the way rastertolabel does it, so any Zebra-language printer prints the
 * label with our text shaping and our barcodes, not its resident fonts).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "label-int.h"

void
label_buf_add(struct label_buf *b, const void *data, size_t len)
{
    if (b->oom)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        unsigned char *p;

        while (cap < b->len + len)
            cap *= 2;
        p = realloc(b->p, cap);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

void
label_buf_printf(struct label_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        label_buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void
put_be32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One PNG chunk: length, type, data, CRC-32 of type + data (PNG spec §5.3). */
static void
png_chunk(struct label_buf *out, const char *type, const unsigned char *data, size_t len)
{
    unsigned char hdr[8], crc[4];
    unsigned long c = crc32(0L, Z_NULL, 0);

    put_be32(hdr, (unsigned long)len);
    memcpy(hdr + 4, type, 4);
    c = crc32(c, (const Bytef *)type, 4);
    if (len > 0)
        c = crc32(c, data, (uInt)len);
    put_be32(crc, c);
    label_buf_add(out, hdr, 8);
    if (len > 0)
        label_buf_add(out, data, len);
    label_buf_add(out, crc, 4);
}

int
label_png_write(const struct label_bits *img, int dpi, struct label_buf *out, struct tt_err *err)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    size_t row = (size_t)img->stride + 1, raw_len = row * (size_t)img->h;
    unsigned char ihdr[13], phys[9];
    unsigned char *raw = malloc(raw_len);
    uLongf z_len = compressBound((uLong)raw_len);
    unsigned char *z = malloc(z_len);
    unsigned long ppm = (unsigned long)(dpi / 0.0254 + 0.5);

    if (raw == NULL || z == NULL) {
        free(raw);
        free(z);
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory for a %dx%d PNG", img->w,
                          img->h);
    }
    /* Filter type 0 per row; PNG greyscale 1-bit has 0 = black, so invert. */
    for (int y = 0; y < img->h; y++) {
        unsigned char *r = raw + (size_t)y * row;
        const unsigned char *s = img->bits + (size_t)y * (size_t)img->stride;

        r[0] = 0;
        for (int i = 0; i < img->stride; i++)
            r[1 + i] = (unsigned char)~s[i];
    }
    if (compress2(z, &z_len, raw, (uLong)raw_len, 6) != Z_OK) {
        free(raw);
        free(z);
        return tt_err_set(err, TT_ENOMEM, __func__, "zlib could not compress the PNG");
    }
    put_be32(ihdr, (unsigned long)img->w);
    put_be32(ihdr + 4, (unsigned long)img->h);
    ihdr[8] = 1;  /* bit depth */
    ihdr[9] = 0;  /* greyscale */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* no interlace */
    put_be32(phys, ppm);
    put_be32(phys + 4, ppm);
    phys[8] = 1; /* unit: metre */
    label_buf_add(out, sig, sizeof sig);
    png_chunk(out, "IHDR", ihdr, sizeof ihdr);
    png_chunk(out, "pHYs", phys, sizeof phys);
    png_chunk(out, "IDAT", z, z_len);
    png_chunk(out, "IEND", NULL, 0);
    free(raw);
    free(z);
    return out->oom ? tt_err_set(err, TT_ENOMEM, __func__, "out of memory") : 0;
}

/*
 * ZPL ASCII compression (ZPL II Programming Guide, "Alternative Data
 * Compression Scheme for ~DG and ~DB"): a repeat count before a hex digit,
 * G..Y = 1..19, g..z = 20..400 in steps of 20 (counts add up); ',' fills the
 * rest of the row with 0; ':' repeats the previous row.
 */
static void
zpl_run(struct label_buf *out, char c, int n)
{
    char tmp[32];
    size_t k = 0;

    while (n > 400 && k < sizeof tmp - 4) {
        tmp[k++] = 'z';
        n -= 400;
    }
    if (n >= 20) {
        tmp[k++] = (char)('g' + n / 20 - 1);
        n %= 20;
    }
    if (n > 1 || (n == 1 && k > 0))
        tmp[k++] = (char)('G' + n - 1);
    tmp[k++] = c;
    label_buf_add(out, tmp, k);
}

/* The i-th hex digit of a row (high nibble first). */
static char
zpl_digit(const unsigned char *row, int i)
{
    static const char hex[] = "0123456789ABCDEF";

    return hex[(i & 1) ? row[i / 2] & 15 : row[i / 2] >> 4];
}

static void
zpl_row(struct label_buf *out, const unsigned char *row, int stride)
{
    int n = stride * 2, last = n;

    while (last > 0 && zpl_digit(row, last - 1) == '0')
        last--;
    for (int i = 0; i < last;) {
        char c = zpl_digit(row, i);
        int j = i;

        while (j < last && zpl_digit(row, j) == c)
            j++;
        zpl_run(out, c, j - i);
        i = j;
    }
    if (last < n)
        label_buf_add(out, ",", 1);
}

void
label_zpl_write(const struct label_bits *img, int copies, struct label_buf *out)
{
    size_t total = (size_t)img->stride * (size_t)img->h;

    /* ^PW print width, ^LL label length (dots); ^LH0,0 home; ^FO0,0 field origin. */
    label_buf_printf(out, "^XA\n^PW%d\n^LL%d\n^LH0,0\n^FO0,0^GFA,%zu,%zu,%d,\n", img->w, img->h,
                     total, total, img->stride);
    for (int y = 0; y < img->h; y++) {
        const unsigned char *r = img->bits + (size_t)y * (size_t)img->stride;

        if (y > 0 && memcmp(r, r - img->stride, (size_t)img->stride) == 0)
            label_buf_add(out, ":", 1);
        else
            zpl_row(out, r, img->stride);
    }
    label_buf_printf(out, "\n^FS\n^PQ%d\n^XZ\n", copies > 0 ? copies : 1);
}
