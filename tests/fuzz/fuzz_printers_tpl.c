/*
 * fuzz_printers_tpl.c — the label template parser and the {placeholder}
 * expander on arbitrary bytes. Invariants: a failed parse leaves no
 * template and an error naming "fuzz.label:LINE:"; a template that parses
 * has a name, a positive size and a dpi in range; expansion never writes
 * past its buffer and ends with a NUL.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../printers/label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct label_fields *f;
    struct label_tpl *t = NULL;
    struct tt_err err = {0};
    char *text, out[64];
    int rc;

    if (f == NULL) {
        f = label_fields_new();
        label_fields_set(f, "gtin", "99506000134355", NULL);
        label_fields_set(f, "lot", "A1", NULL);
        label_fields_set(f, "weight", "1.25", NULL);
        label_fields_set(f, "harvest", "2026-11-25", NULL);
        label_fields_set(f, "price", "45000", NULL);
    }
    rc = label_tpl_parse("fuzz.label", (const char *)data, size, &t, &err);
    if (rc != 0) {
        assert(t == NULL);
        assert(strncmp(err.msg, "fuzz.label:", 11) == 0);
    } else {
        assert(t != NULL && label_tpl_name(t)[0] != '\0');
        assert(label_tpl_width_mm(t) > 0 && label_tpl_height_mm(t) > 0);
        assert(label_tpl_dpi(t) >= 150 && label_tpl_dpi(t) <= 1200);
        label_tpl_free(t);
    }
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(out, 0x55, sizeof out);
    if (label_fields_expand(f, text, out, sizeof out, &err) == 0)
        assert(memchr(out, '\0', sizeof out) != NULL);
    free(text);
    return 0;
}
