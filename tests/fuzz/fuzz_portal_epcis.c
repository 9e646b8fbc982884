/*
 * fuzz_portal_epcis.c — the portal's indexing of one event (signed bundles
 * come from stations that may be compromised, so the event text is
 * hostile) and the Digital Link splitter the resolver also uses.
 * Invariants: no crash, no overread; an accepted event has an eventID, a
 * type and a time; every key has a known kind and a 14-digit GTIN or an
 * 18-digit SSCC; decoded DL values never hold a NUL.
 */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../portal/epcis.h"
#include "../../portal/pgcopy.h"

static void
check_digits(const char *s, size_t n)
{
    assert(strlen(s) == n);
    for (size_t i = 0; i < n; i++)
        assert(isdigit((unsigned char)s[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct epcis_row row;
    char *text = malloc(size + 1), g[15], l[21], s[21], c[19], out[128];
    int64_t us;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (epcis_row_from_json(text, size, &row, NULL) == 0) {
        assert(row.event_id[0] != '\0' && row.type[0] != '\0' && row.event_time[0] != '\0');
        assert(row.n_keys <= row.keys_cap);
        for (size_t i = 0; i < row.n_keys; i++) /* each identifier once */
            for (size_t j = i + 1; j < row.n_keys; j++)
                assert(strcmp(row.keys[i], row.keys[j]) != 0);
        /* The ingest's own eventTime reader: any text, no crash; a time it takes is in range. */
        if (pgcopy_parse_time(row.event_time, &us) == 0)
            assert(us > INT64_C(-63200000000000000) && us < INT64_C(252500000000000000));
        for (size_t i = 0; i < row.n_keys; i++) {
            const char *k = row.keys[i];

            if (strncmp(k, "sscc:", 5) == 0)
                check_digits(k + 5, 18);
            else if (strncmp(k, "lot:", 4) == 0 || strncmp(k, "sgtin:", 6) == 0)
                assert(strchr(k, ':')[15] == ':' && isdigit((unsigned char)strchr(k, ':')[1]));
            else
                assert(!"unknown key kind");
        }
        if (row.gtin[0] != '\0')
            check_digits(row.gtin, 14);
    }
    if (epcis_dl_ids(text, g, l, s, c) == 0) {
        assert(g[0] != '\0' || c[0] != '\0');
        if (g[0] != '\0')
            check_digits(g, 14);
        if (c[0] != '\0')
            check_digits(c, 18);
        assert(strlen(l) <= 20 && strlen(s) <= 20);
    }
    if (epcis_pct_decode(text, size, out, sizeof out) == 0)
        assert(strlen(out) <= size);
    free(text);
    return 0;
}
