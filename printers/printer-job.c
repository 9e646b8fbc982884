/*
 * printer-job.c — the job object: a worker thread per job, a pipe the UI
 * polls, the latest status under a mutex, and the file printer ("file:DIR",
 * for machines without a CUPS queue, used by the demo).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "printer-int.h"

const char *
printer_job_state_name(enum printer_job_state state)
{
    static const char *const names[] = {"submitting", "pending",   "held",     "processing",
                                        "stopped",    "completed", "canceled", "aborted",
                                        "failed",     "gone"};

    if ((unsigned)state < sizeof names / sizeof names[0])
        return names[state];
    return "unknown";
}

void
printer_job_publish(struct printer_job *job, const struct printer_status *st)
{
    char one = 1;

    pthread_mutex_lock(&job->lock);
    job->st = *st;
    job->changed = 1;
    pthread_mutex_unlock(&job->lock);
    /* A full pipe already says "changed"; nothing is lost by EAGAIN. */
    if (write(job->pipe[1], &one, 1) < 0 && errno != EAGAIN)
        return;
}

int
printer_job_sleep(struct printer_job *job, int ms)
{
    struct timespec ts;
    int stop;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&job->lock);
    if (!job->stop && !job->cancel)
        pthread_cond_timedwait(&job->cond, &job->lock, &ts);
    stop = job->stop;
    pthread_mutex_unlock(&job->lock);
    return stop;
}

int
printer_job_take_cancel(struct printer_job *job)
{
    int c;

    pthread_mutex_lock(&job->lock);
    c = job->cancel;
    job->cancel = 0;
    pthread_mutex_unlock(&job->lock);
    return c;
}

/* Keeps file names to [A-Za-z0-9._-]. */
static void
safe_stem(const char *title, char *out, size_t out_len)
{
    size_t o = 0;

    for (const char *s = title; *s != '\0' && o + 1 < out_len; s++) {
        char c = *s;

        out[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '_' || c == '.'
                       ? c
                       : '_';
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, out_len, "label");
}

static const char *
ext_of(enum label_format fmt)
{
    return fmt == LABEL_FMT_PNG ? "png" : fmt == LABEL_FMT_ZPL ? "zpl" : "pdf";
}

/* The file printer: DIR/<stem>-<n>.<ext>, the first n not taken, written atomically. */
static void
file_run(struct printer_job *job, const char *dir)
{
    struct printer_status st = {.state = PRINTER_JOB_FAILED, .final = 1};
    char stem[128], tmp[512], path[512];
    int fd = -1, n;

    safe_stem(job->req.title, stem, sizeof stem);
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, stem);
    fd = mkstemp(tmp);
    if (fd < 0) {
        st.code = errno == ENOENT ? TT_ENOTFOUND : errno == EACCES ? TT_EACCESS : TT_EIO;
        snprintf(st.message, sizeof st.message, "cannot write in %.200s: %s", dir, strerror(errno));
        printer_job_publish(job, &st);
        return;
    }
    if (write(fd, job->doc, job->req.len) != (ssize_t)job->req.len || fsync(fd) != 0) {
        st.code = errno == ENOSPC ? TT_ENOSPC : TT_EIO;
        snprintf(st.message, sizeof st.message, "writing %.200s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        printer_job_publish(job, &st);
        return;
    }
    close(fd);
    chmod(tmp, 0644);
    for (n = 1; n < 1000000; n++) {
        snprintf(path, sizeof path, "%s/%s-%d.%s", dir, stem, n, ext_of(job->req.fmt));
        /* link() fails with EEXIST instead of replacing an earlier label's file. */
        if (link(tmp, path) == 0)
            break;
        if (errno != EEXIST) {
            st.code = TT_EIO;
            snprintf(st.message, sizeof st.message, "%.200s: %s", path, strerror(errno));
            unlink(tmp);
            printer_job_publish(job, &st);
            return;
        }
    }
    unlink(tmp);
    st.state = PRINTER_JOB_COMPLETED;
    st.job_id = n;
    snprintf(st.job_ref, sizeof st.job_ref, "%s", path);
    snprintf(st.message, sizeof st.message, "written to %.230s", path);
    printer_job_publish(job, &st);
}

static void *
worker(void *arg)
{
    struct printer_job *job = arg;

    if (job->dest != NULL && strncmp(job->dest, "file:", 5) == 0)
        file_run(job, job->dest + 5);
    else
        printer_cups_run(job);
    return NULL;
}

int
printer_job_start(const struct printer_job_req *req, struct printer_job **out, struct tt_err *err)
{
    struct printer_job *job;
    int rc;

    *out = NULL;
    if (req->doc == NULL || req->len == 0)
        return tt_err_set(err, TT_EUSAGE, __func__, "empty document");
    job = xcalloc(1, sizeof *job);
    job->req = *req;
    job->doc = malloc(req->len);
    if (job->doc == NULL) {
        free(job);
        return tt_err_set(err, TT_ENOMEM, __func__, "out of memory for a %zu-byte job", req->len);
    }
    memcpy(job->doc, req->doc, req->len);
    job->req.doc = job->doc;
    job->dest = req->dest != NULL ? xstrdup(req->dest) : NULL;
    job->req.dest = job->dest;
    job->title = xstrdup(req->title != NULL ? req->title : "label");
    job->req.title = job->title;
    if (job->req.poll_ms <= 0)
        job->req.poll_ms = 250;
    if (job->req.copies < 1)
        job->req.copies = 1;
    job->st.state = PRINTER_JOB_SUBMITTING;
    pthread_mutex_init(&job->lock, NULL);
    pthread_cond_init(&job->cond, NULL);
    if (pipe2(job->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        job->pipe[0] = job->pipe[1] = -1;
        printer_job_free(job);
        return tt_err_set(err, TT_EIO, __func__, "pipe: %s", strerror(errno));
    }
    rc = pthread_create(&job->thread, NULL, worker, job);
    if (rc != 0) {
        close(job->pipe[0]);
        close(job->pipe[1]);
        job->pipe[0] = job->pipe[1] = -1;
        job->thread = 0;
        printer_job_free(job);
        return tt_err_set(err, TT_ENOMEM, __func__, "cannot start the print thread: %s",
                          strerror(rc));
    }
    *out = job;
    return 0;
}

int
printer_job_fd(const struct printer_job *job)
{
    return job->pipe[0];
}

int
printer_job_status(struct printer_job *job, struct printer_status *out)
{
    char buf[64];
    int changed;

    while (read(job->pipe[0], buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&job->lock);
    *out = job->st;
    changed = job->changed;
    job->changed = 0;
    pthread_mutex_unlock(&job->lock);
    return changed;
}

int
printer_job_wait(struct printer_job *job, int timeout_ms, struct printer_status *out)
{
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd pfd = {.fd = job->pipe[0], .events = POLLIN};
        int left = -1;

        printer_job_status(job, out);
        if (out->final)
            return 0;
        if (timeout_ms >= 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            left = timeout_ms -
                   (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
            if (left <= 0)
                return TT_ETIMEOUT;
        }
        if (poll(&pfd, 1, left) < 0 && errno != EINTR)
            return TT_EIO;
    }
}

void
printer_job_cancel(struct printer_job *job)
{
    pthread_mutex_lock(&job->lock);
    job->cancel = 1;
    pthread_cond_signal(&job->cond);
    pthread_mutex_unlock(&job->lock);
}

void
printer_job_free(struct printer_job *job)
{
    if (job == NULL)
        return;
    if (job->thread != 0) {
        pthread_mutex_lock(&job->lock);
        job->stop = 1;
        pthread_cond_signal(&job->cond);
        pthread_mutex_unlock(&job->lock);
        pthread_join(job->thread, NULL);
    }
    if (job->pipe[0] >= 0)
        close(job->pipe[0]);
    if (job->pipe[1] >= 0)
        close(job->pipe[1]);
    pthread_mutex_destroy(&job->lock);
    pthread_cond_destroy(&job->cond);
    free(job->doc);
    free(job->dest);
    free(job->title);
    free(job);
}
