/*
 * gs1-iso.c — lookups in the ISO 3166-1 and ISO 4217 tables of
 * gs1-iso-data.h (binary search by number; the lists are short).
 */
#include <string.h>

#include "gs1-int.h"

#include "gs1-iso-data.h"

const struct gs1_country *
gs1_country_by_num(unsigned num)
{
    size_t lo = 0, hi = sizeof countries / sizeof countries[0];

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (countries[mid].num == num)
            return &countries[mid];
        if (countries[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct gs1_country *
gs1_country_by_alpha2(const char *a2)
{
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        if (strcmp(countries[i].alpha2, a2) == 0)
            return &countries[i];
    return NULL;
}

const struct gs1_currency *
gs1_currency_by_num(unsigned num)
{
    size_t lo = 0, hi = sizeof currencies / sizeof currencies[0];

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (currencies[mid].num == num)
            return &currencies[mid];
        if (currencies[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
