/*
 * training-print.c — the label of a make-label exercise: whatever GS1 data
 * the trainee wrote, rendered with data/training/label-58x40.label (the
 * product named from the sandbox when its GTIN is known) and sent to the
 * file printer or a CUPS queue, like the kiosk's labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../db/db.h"
#include "../gs1/gs1.h"
#include "../printers/label.h"
#include "../printers/printer.h"
#include "training.h"

#define TRAINING_TEMPLATE "label-58x40"

static int
fill_fields(struct training_sandbox *sb, const struct gs1_msg *msg, const char *data,
            struct label_fields *f, struct tt_err *err)
{
    const char *gtin = gs1_msg_get(msg, "01");
    struct db_product p;
    int rc = label_fields_from_gs1(f, msg, err);

    if (rc == 0)
        rc = label_fields_set(f, "hri", data, err);
    if (rc == 0 && gtin != NULL && db_product_find(training_sandbox_db(sb), gtin, &p, NULL) == 0) {
        rc = label_fields_set(f, "product.name", p.name_vi, err);
        if (rc == 0)
            rc = label_fields_set(f, "product.name_en", p.name_en, err);
    }
    return rc;
}

int
training_label_print(struct training_sandbox *sb, const char *data, const char *dest,
                     const char *tpl_dir, char *ref, size_t ref_len, struct tt_err *err)
{
    struct label_fields *f = label_fields_new();
    struct label_tpl *tpl = NULL;
    struct printer_job *job = NULL;
    struct printer_status st = {0};
    struct gs1_msg msg;
    char hri[512];
    unsigned char *doc = NULL;
    size_t len = 0;
    int rc = gs1_parse(data, strlen(data), &msg, err);

    /* The file printer's folder (the sandbox's labels/ by default) is made on first use. */
    if (rc == 0 && dest != NULL && strncmp(dest, "file:", 5) == 0)
        mkdir(dest + 5, 0755);
    if (rc == 0)
        rc = gs1_format(&msg, GS1_SYNTAX_HRI, GS1_CARRIER_NONE, hri, sizeof hri, err);
    if (rc == 0)
        rc = fill_fields(sb, &msg, hri, f, err);
    if (rc == 0)
        rc = label_tpl_find(tpl_dir, TRAINING_TEMPLATE, &tpl, err);
    if (rc == 0)
        rc = label_render(tpl, f, LABEL_FMT_PDF, 0, &doc, &len, NULL, err);
    if (rc == 0) {
        struct printer_job_req req = {.dest = dest,
                                      .doc = doc,
                                      .len = len,
                                      .fmt = LABEL_FMT_PDF,
                                      .title = "training",
                                      .width_mm = label_tpl_width_mm(tpl),
                                      .height_mm = label_tpl_height_mm(tpl)};

        rc = printer_job_start(&req, &job, err);
    }
    /* The file printer finishes at once; a CUPS queue only has to accept the job
     * (the lesson goes on while the label prints), within 10 s. */
    for (int waited = 0; rc == 0 && waited < 10000; waited += 100)
        if (printer_job_wait(job, 100, &st) == 0 || st.state != PRINTER_JOB_SUBMITTING)
            break;
    if (rc == 0 && st.state == PRINTER_JOB_SUBMITTING)
        rc = tt_err_set(err, TT_ETIMEOUT, __func__, "the printer did not answer in 10 s");
    if (rc == 0 && st.final && st.state != PRINTER_JOB_COMPLETED)
        rc = tt_err_set(err, st.code != 0 ? st.code : TT_EDEVICE, __func__, "%s", st.message);
    if (rc == 0)
        snprintf(ref, ref_len, "%s", st.job_ref);
    printer_job_free(job);
    free(doc);
    label_tpl_free(tpl);
    label_fields_free(f);
    return rc;
}
