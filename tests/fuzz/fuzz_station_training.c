/*
 * fuzz_station_training.c — lesson files and the explainer on arbitrary
 * bytes. A lesson either parses into something the checkers can use (an
 * id, a title, at most 16 exercises of known kinds, each checkable without
 * the sandbox when its kind allows) or fails with "FILE:LINE: problem";
 * the explainer always answers valid/invalid with bounded, terminated lines.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../station/training.h"

static void
check_lines(const struct training_lines *l)
{
    if (l->n > TRAINING_LINES_MAX)
        abort();
    for (size_t i = 0; i < l->n; i++)
        if (memchr(l->line[i], '\0', TRAINING_LINE_LEN) == NULL)
            abort();
}

static void
lesson(const char *text, size_t len, const char *answer)
{
    static struct training_lesson l;
    struct training_verdict v;
    struct tt_err err = {0};

    if (training_lesson_parse("f.lesson", text, len, &l, &err) != 0) {
        if (err.code != TT_EPARSE || strncmp(err.msg, "f.lesson:", 9) != 0)
            abort();
        return;
    }
    if (l.id[0] == '\0' || l.n_ex > TRAINING_EX_MAX)
        abort();
    for (size_t i = 0; i < l.n_ex; i++) {
        enum training_kind k = l.ex[i].kind;

        if ((unsigned)k >= TRAINING_KIND_COUNT)
            abort();
        /* The data was checked at load time: these kinds must be checkable now. */
        if (k != TRAINING_TRACE_BACK && k != TRAINING_TRACE_FORWARD && k != TRAINING_BUNDLE &&
            k != TRAINING_VALID) {
            if (training_check(&l.ex[i], NULL, answer, &v, &err) != 0)
                abort();
            check_lines(&v.feedback);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct training_lines out;
    const uint8_t *nul = memchr(data, '\0', size);
    size_t text_len = nul != NULL ? (size_t)(nul - data) : size;
    char answer[64] = "";
    int valid;

    /* Bytes after the first NUL (if any) are the trainee's answer. */
    if (nul != NULL) {
        size_t n =
            size - text_len - 1 < sizeof answer - 1 ? size - text_len - 1 : sizeof answer - 1;

        memcpy(answer, nul + 1, n);
        answer[n] = '\0';
    }
    lesson((const char *)data, text_len, answer);
    valid = training_explain((const char *)data, text_len < 4096 ? text_len : 4096, &out);
    if (valid != 0 && valid != 1)
        abort();
    check_lines(&out);
    return 0;
}
