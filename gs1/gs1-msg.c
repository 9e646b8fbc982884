/*
 * gs1-msg.c — the message list: init, add, get.
 */
#include <string.h>

#include "gs1.h"

void
gs1_msg_init(struct gs1_msg *msg)
{
    if (msg == NULL)
        return;
    msg->n = 0;
    msg->form = GS1_FORM_BRACKETS;
    msg->aim[0] = '\0';
    msg->err_ai[0] = '\0';
    msg->err_pos = 0;
}

int
gs1_msg_add(struct gs1_msg *msg, const char *ai, const char *value, struct tt_err *err)
{
    size_t alen, vlen;

    if (msg == NULL || ai == NULL || value == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no message, AI or value");
    alen = strlen(ai);
    vlen = strlen(value);
    if (alen < 2 || alen > GS1_AI_LEN_MAX)
        return tt_err_setd(err, TT_EINVAL, GS1_E_UNKNOWN_AI, __func__,
                           "AI '%.8s' must be 2 to 4 digits", ai);
    for (size_t i = 0; i < alen; i++)
        if (ai[i] < '0' || ai[i] > '9')
            return tt_err_setd(err, TT_EINVAL, GS1_E_UNKNOWN_AI, __func__,
                               "AI '%.8s' must be 2 to 4 digits", ai);
    if (vlen == 0)
        return tt_err_setd(err, TT_EINVAL, GS1_E_TOO_SHORT, __func__, "AI (%s) has no value", ai);
    if (vlen > GS1_VALUE_LEN_MAX)
        return tt_err_setd(err, TT_EINVAL, GS1_E_TOO_LONG, __func__,
                           "AI (%s): value of %zu characters is longer than any AI allows", ai,
                           vlen);
    if (msg->n >= GS1_ELEMENTS_MAX)
        return tt_err_setd(err, TT_EINVAL, GS1_E_TOO_MANY, __func__,
                           "more than %d elements in one message", GS1_ELEMENTS_MAX);
    memcpy(msg->el[msg->n].ai, ai, alen + 1);
    memcpy(msg->el[msg->n].value, value, vlen + 1);
    msg->n++;
    return 0;
}

const char *
gs1_msg_get(const struct gs1_msg *msg, const char *ai)
{
    if (msg == NULL || ai == NULL)
        return NULL;
    for (size_t i = 0; i < msg->n; i++)
        if (strcmp(msg->el[i].ai, ai) == 0)
            return msg->el[i].value;
    return NULL;
}
