/*
 * web.h — the answers of `serve`, built without any HTTP: the GS1 Digital
 * Link pages of a lot (/01/{gtin}/10/{lot}) and of a pallet (/00/{sscc})
 * in HTML (Vietnamese or English) or JSON, and the read-only EPCIS 2.0
 * query subset (GET /events). serve.c only moves bytes.
 *
 * Input is untrusted: every value is validated (GTIN check digit, GS1
 * CSET 82 lots, SSCC check digit, RFC 3339 times, known parameter names)
 * and reaches SQL only as a bound parameter. Bad input is 400, a valid key
 * that the portal does not know is 404.
 */
#ifndef PORTAL_WEB_H
#define PORTAL_WEB_H

#include <stddef.h>

#include "../common/tt.h"
#include "store.h"
#include "words.h"

/* A growing response body. */
struct web_buf {
    char *s;
    size_t len, cap;
    int failed; /* out of memory: the body is unusable */
};

void web_buf_free(struct web_buf *b);

/* One decoded query parameter. */
struct web_param {
    const char *name;
    const char *value;
};

struct web_reply {
    int status;          /* HTTP status */
    const char *type;    /* Content-Type */
    struct web_buf body; /* owned: web_reply_free */
    char next[512];      /* /events: the next page's query string, "" when last */
};

void web_reply_free(struct web_reply *r);

/*
 * Answers GET `path` (raw, still percent-encoded, without the query) with
 * decoded parameters. `json` selects JSON, `lang` the page language; a lot
 * or pallet page shows at most `limit` events and says so when there were
 * more. Returns 0 with out filled (any status), or the store's error when
 * no answer could be made: TT_EBUSY (a query was cancelled or timed out),
 * TT_EIO (the database failed), TT_ENOMEM. out is to be freed either way.
 */
int web_answer(struct portal_store *st, const char *path, const struct web_param *params,
               size_t n_params, size_t limit, int json, enum words_lang lang,
               struct web_reply *out);

/* Makes out (freed first) the 503 answer: the database is away or busy. */
void web_unavailable(struct web_reply *out, int json, enum words_lang lang);

#endif
