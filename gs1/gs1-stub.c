/* gs1-stub.c — temporary: the rest of the API, filled in by the next commits. */
#include "gs1.h"

int
gs1_parse(const char *data, size_t len, struct gs1_msg *out, struct tt_err *err)
{
    (void)data;
    (void)len;
    gs1_msg_init(out);
    return tt_err_setd(err, TT_EPARSE, GS1_E_SYNTAX, __func__, "parser not yet written");
}

int
gs1_validate(const struct gs1_msg *msg, struct tt_err *err)
{
    (void)msg;
    return tt_err_setd(err, TT_EINVAL, GS1_E_SYNTAX, __func__, "validator not yet written");
}

int
gs1_validate_label(const struct gs1_msg *const *msgs, size_t n, struct tt_err *err)
{
    (void)msgs;
    (void)n;
    return tt_err_setd(err, TT_EINVAL, GS1_E_SYNTAX, __func__, "validator not yet written");
}

int
gs1_format(const struct gs1_msg *msg, enum gs1_syntax syntax, enum gs1_carrier carrier, char *out,
           size_t out_len, struct tt_err *err)
{
    (void)msg;
    (void)syntax;
    (void)carrier;
    if (out_len > 0)
        out[0] = '\0';
    return tt_err_setd(err, TT_EINVAL, GS1_E_SYNTAX, __func__, "formatter not yet written");
}

int
gs1_dl_uri(const struct gs1_msg *msg, const char *base, char *out, size_t out_len,
           struct tt_err *err)
{
    (void)msg;
    (void)base;
    if (out_len > 0)
        out[0] = '\0';
    return tt_err_setd(err, TT_EINVAL, GS1_E_SYNTAX, __func__, "DL not yet written");
}

const struct gs1_ai_info *
gs1_ai_lookup(const char *ai)
{
    (void)ai;
    return NULL;
}
