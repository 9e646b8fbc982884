/*
 * fuzz_db_prehash.c — the CBV 2.0 pre-hash builder on arbitrary JSON: it
 * must never crash or leak, and whenever it accepts an event, hashing the
 * same bytes must succeed and give a well-formed ni: URI.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/db.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *pre = NULL, h[96];
    int rc = db_epcis_prehash((const char *)data, size, &pre, NULL);

    if (rc == 0) {
        if (pre == NULL || db_epcis_hash((const char *)data, size, h, NULL) != 0 ||
            strncmp(h, "ni:///sha-256;", 14) != 0 || strlen(h) != 14 + 64 + 11)
            abort();
    } else if (pre != NULL) {
        abort();
    }
    free(pre);
    return 0;
}
