/*
 * printer-int.h — the job object shared by printer-job.c (thread, status,
 * file printer) and printer-cups.c (the CUPS side). Private to printers/.
 */
#ifndef TT_PRINTER_INT_H
#define TT_PRINTER_INT_H

#include <pthread.h>

#include "printer.h"

struct printer_job {
    struct printer_job_req req; /* doc, dest and title point into owned copies */
    unsigned char *doc;
    char *dest;
    char *title;
    pthread_t thread;
    pthread_mutex_t lock; /* guards st, changed, stop, cancel */
    pthread_cond_t cond;  /* wakes a sleeping worker on stop / cancel */
    int pipe[2];          /* worker writes a byte per status change */
    struct printer_status st;
    int changed, stop, cancel;
};

/* Publishes a new status: copies it, marks it changed, wakes poll(). Worker only. */
void printer_job_publish(struct printer_job *job, const struct printer_status *st);

/* Sleeps up to ms; returns 1 at once when the caller asked to stop. */
int printer_job_sleep(struct printer_job *job, int ms);

/* 1 once the caller asked to cancel (and clears the request). */
int printer_job_take_cancel(struct printer_job *job);

/* Runs a CUPS job to the end (worker thread). */
void printer_cups_run(struct printer_job *job);

#endif
