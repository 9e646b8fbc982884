/*
 * bench/printers.c — label rendering and submission figures (not a test).
 *
 *   bench-printers                     case label in-process, steady state:
 *                                      PNG 203 dpi 1-bit and PDF, ms per label
 *   bench-printers --batch CSV OUT.pdf 1,000 case labels merged from the
 *                                      gLabels comparison CSV into one PDF
 *   bench-printers --cups QUEUE N      "print" -> "job accepted by cupsd", N jobs
 *
 * bench/printers-glabels.sh runs the batch side by side with glabels-3-batch
 * and the CUPS figure on the private rig (tests/rig/cups.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../printers/label.h"
#include "../printers/printer.h"
#include "../tests/unit/support/clock.h"

/* CPU time of this thread: what the label costs, whatever else the machine runs. */
static double
cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
report(const char *what, double *t, int n)
{
    double sum = 0;

    for (int i = 0; i < n; i++)
        sum += t[i];
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("%-46s n=%-5d mean %7.3f ms  median %7.3f ms  p99 %7.3f ms\n", what, n, sum / n,
           t[n / 2], t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
}

static struct label_fields *
case_fields(int i)
{
    struct label_fields *f = label_fields_new();
    char lot[16], w[16];

    snprintf(lot, sizeof lot, "L%05d", i + 1);
    snprintf(w, sizeof w, "%d.%03d", 1 + i % 9, (i * 37) % 1000);
    label_fields_set(f, "product.name", "Bưởi Luận Văn – Thọ Xuân, Thanh Hóa", NULL);
    label_fields_set(f, "gtin", "99506000134355", NULL);
    label_fields_set(f, "lot", lot, NULL);
    label_fields_set(f, "weight", w, NULL);
    label_fields_set(f, "harvest", "2026-11-25", NULL);
    label_fields_set(f, "expiry", "2026-12-31", NULL);
    label_fields_set(f, "serial", lot + 1, NULL);
    label_fields_set(f, "place.name", "Thọ Xuân", NULL);
    label_fields_set(f, "place.province", "Thanh Hóa", NULL);
    return f;
}

static int
steady_state(const struct label_tpl *tpl)
{
    enum { N = 400, WARM = 20 };
    static const struct {
        enum label_format fmt;
        const char *name;
    } runs[] = {{LABEL_FMT_PNG, "case-100x50 PNG 203 dpi 1-bit"},
                {LABEL_FMT_PDF, "case-100x50 PDF (one label per file)"},
                {LABEL_FMT_ZPL, "case-100x50 ZPL ^GFA 203 dpi"}};
    double *t = malloc(N * sizeof *t), *c = malloc(N * sizeof *c);

    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        char what[96];

        for (int i = 0; i < N + WARM; i++) {
            struct label_fields *f = case_fields(i);
            struct tt_err err = {0};
            unsigned char *out;
            size_t len;
            double t0 = now_ms(), c0 = cpu_ms();

            if (label_render(tpl, f, runs[r].fmt, 203, &out, &len, NULL, &err) != 0) {
                fprintf(stderr, "render: %s\n", err.msg);
                return 1;
            }
            if (i >= WARM) {
                t[i - WARM] = now_ms() - t0;
                c[i - WARM] = cpu_ms() - c0;
            }
            free(out);
            label_fields_free(f);
        }
        snprintf(what, sizeof what, "%s, wall", runs[r].name);
        report(what, t, N);
        snprintf(what, sizeof what, "%s, CPU", runs[r].name);
        report(what, c, N);
    }
    free(t);
    free(c);
    return 0;
}

/* Splits a CSV line of the gLabels comparison (quoted fields, no embedded quotes). */
static int
csv_fields(char *line, char **out, int max)
{
    int n = 0;

    for (char *s = line; *s != '\0' && n < max;) {
        if (*s == '"') {
            char *end = strchr(s + 1, '"');

            if (end == NULL)
                return -1;
            *end = '\0';
            out[n++] = s + 1;
            s = end + 1;
        } else {
            char *end = strpbrk(s, ",\n");

            out[n++] = s;
            if (end == NULL)
                break;
            s = end;
        }
        if (*s == ',' || *s == '\n')
            *s++ = '\0';
    }
    return n;
}

/* name,lotline,c128,dm: the element string (raw, fixed-length AIs first) gives the AIs. */
static int
batch(const struct label_tpl *tpl, const char *csv, const char *out_path)
{
    FILE *fp = fopen(csv, "r");
    char line[1024];
    struct label_doc *doc;
    struct tt_err err = {0};
    unsigned char *pdf;
    size_t len;
    int n = 0;
    double t0 = now_ms(), t1;

    if (fp == NULL || label_doc_new(LABEL_FMT_PDF, 203, &doc, &err) != 0) {
        perror(csv);
        return 1;
    }
    if (fgets(line, sizeof line, fp) == NULL) { /* header */
        fclose(fp);
        return 1;
    }
    while (fgets(line, sizeof line, fp) != NULL) {
        char *col[4];
        struct gs1_msg msg;
        struct label_fields *f = label_fields_new();

        if (csv_fields(line, col, 4) != 4 || gs1_parse(col[2], strlen(col[2]), &msg, &err) != 0 ||
            label_fields_from_gs1(f, &msg, &err) != 0) {
            fprintf(stderr, "%s: row %d: %s\n", csv, n + 2, err.msg);
            return 1;
        }
        label_fields_set(f, "product.name", col[0], NULL);
        label_fields_set(f, "harvest", "2026-11-25", NULL);
        if (label_doc_add(doc, tpl, f, 1, NULL, &err) != 0) {
            fprintf(stderr, "row %d: %s\n", n + 2, err.msg);
            return 1;
        }
        label_fields_free(f);
        n++;
    }
    fclose(fp);
    if (label_doc_finish(doc, &pdf, &len, &err) != 0)
        return 1;
    t1 = now_ms();
    fp = fopen(out_path, "wb");
    if (fp == NULL || fwrite(pdf, 1, len, fp) != len || fclose(fp) != 0)
        return 1;
    printf("batch: %d labels into one PDF (%zu bytes) in %.3f s = %.2f ms/label\n", n, len,
           (t1 - t0) / 1e3, (t1 - t0) / n);
    free(pdf);
    label_doc_free(doc);
    return 0;
}

/* Submission latency: printer_job_start until cupsd has given the job an id. */
static int
cups(const struct label_tpl *tpl, const char *queue, int n)
{
    struct label_fields *f = case_fields(0);
    struct tt_err err = {0};
    unsigned char *pdf;
    size_t len;
    double *t = malloc((size_t)n * sizeof *t);

    if (label_render(tpl, f, LABEL_FMT_PDF, 203, &pdf, &len, NULL, &err) != 0)
        return 1;
    for (int i = 0; i < n; i++) {
        struct printer_job_req req = {.dest = queue,
                                      .doc = pdf,
                                      .len = len,
                                      .fmt = LABEL_FMT_PDF,
                                      .title = "bench",
                                      .copies = 1,
                                      .width_mm = 100,
                                      .height_mm = 50,
                                      .follow = 0};
        struct printer_job *job;
        struct printer_status st;
        double t0 = now_ms();

        if (printer_job_start(&req, &job, &err) != 0)
            return 1;
        do {
            printer_job_wait(job, 20, &st);
        } while (st.job_id == 0 && !st.final);
        t[i] = now_ms() - t0;
        printer_job_free(job);
        if (st.job_id == 0) {
            fprintf(stderr, "job %d: %s\n", i, st.message);
            return 1;
        }
    }
    report("print -> job accepted by cupsd", t, n);
    printf("(%zu-byte PDF per job)\n", len);
    free(t);
    free(pdf);
    label_fields_free(f);
    return 0;
}

int
main(int argc, char **argv)
{
    struct label_tpl *tpl;
    struct tt_err err = {0};
    int rc;

    if (label_tpl_find("data/labels", "case-100x50", &tpl, &err) != 0) {
        fprintf(stderr, "%s (run from the repository top)\n", err.msg);
        return 1;
    }
    if (argc == 4 && strcmp(argv[1], "--batch") == 0)
        rc = batch(tpl, argv[2], argv[3]);
    else if (argc == 4 && strcmp(argv[1], "--cups") == 0)
        rc = cups(tpl, argv[2], atoi(argv[3]));
    else
        rc = steady_state(tpl);
    label_tpl_free(tpl);
    return rc;
}
