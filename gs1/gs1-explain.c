/*
 * gs1-explain.c — an element's value taken apart for people: dates as
 * dates, measures with units and decimals, money, countries, key prefixes.
 * Structured data only; station/ turns it into words in the user's language.
 */
#include <string.h>

#include "gs1-int.h"

/* Measures by the first three digits of the AI: symbol and UN/ECE Rec 20 code. */
static const struct {
    char ai3[4];
    const char *unit, *code;
} measures[] = {
    {"310", "kg", "KGM"},   {"311", "m", "MTR"},    {"312", "m", "MTR"},     {"313", "m", "MTR"},
    {"314", "m²", "MTK"},   {"315", "l", "LTR"},    {"316", "m³", "MTQ"},    {"320", "lb", "LBR"},
    {"321", "in", "INH"},   {"322", "ft", "FOT"},   {"323", "yd", "YRD"},    {"324", "in", "INH"},
    {"325", "ft", "FOT"},   {"326", "yd", "YRD"},   {"327", "in", "INH"},    {"328", "ft", "FOT"},
    {"329", "yd", "YRD"},   {"330", "kg", "KGM"},   {"331", "m", "MTR"},     {"332", "m", "MTR"},
    {"333", "m", "MTR"},    {"334", "m²", "MTK"},   {"335", "l", "LTR"},     {"336", "m³", "MTQ"},
    {"337", "kg/m²", "28"}, {"340", "lb", "LBR"},   {"341", "in", "INH"},    {"342", "ft", "FOT"},
    {"343", "yd", "YRD"},   {"344", "in", "INH"},   {"345", "ft", "FOT"},    {"346", "yd", "YRD"},
    {"347", "in", "INH"},   {"348", "ft", "FOT"},   {"349", "yd", "YRD"},    {"350", "in²", "INK"},
    {"351", "ft²", "FTK"},  {"352", "yd²", "YDK"},  {"353", "in²", "INK"},   {"354", "ft²", "FTK"},
    {"355", "yd²", "YDK"},  {"356", "oz t", "APZ"}, {"357", "fl oz", "OZA"}, {"360", "qt", "QTI"},
    {"361", "gal", "GLL"},  {"362", "qt", "QTI"},   {"363", "gal", "GLL"},   {"364", "in³", "INQ"},
    {"365", "ft³", "FTQ"},  {"366", "yd³", "YDQ"},  {"367", "in³", "INQ"},   {"368", "ft³", "FTQ"},
    {"369", "yd³", "YDQ"},
};

/* A few GS1 prefixes people meet on produce in Viet Nam (GS1 prefix list). */
static const struct {
    unsigned lo, hi;
    const char *org;
} prefixes[] = {
    {0, 19, "GS1 US"},
    {20, 29, "restricted circulation (in-store numbers)"},
    {30, 39, "GS1 US"},
    {40, 49, "restricted circulation (company internal)"},
    {50, 139, "GS1 US"},
    {200, 299, "restricted circulation (in-store numbers)"},
    {300, 379, "GS1 France"},
    {400, 440, "GS1 Germany"},
    {450, 459, "GS1 Japan"},
    {471, 471, "GS1 Chinese Taipei"},
    {489, 489, "GS1 Hong Kong, China"},
    {490, 499, "GS1 Japan"},
    {500, 509, "GS1 UK"},
    {690, 699, "GS1 China"},
    {750, 750, "GS1 Mexico"},
    {880, 881, "GS1 Korea"},
    {884, 884, "GS1 Cambodia"},
    {885, 885, "GS1 Thailand"},
    {888, 888, "GS1 Singapore"},
    {890, 890, "GS1 India"},
    {893, 893, "GS1 Vietnam"},
    {899, 899, "GS1 Indonesia"},
    {930, 939, "GS1 Australia"},
    {940, 949, "GS1 New Zealand"},
    {955, 955, "GS1 Malaysia"},
    {977, 977, "serial publications (ISSN)"},
    {978, 979, "books (ISBN)"},
};

static int
digits_to_int(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static void
set_date(struct gs1_date *d, const char *s, int now_year, int four_digit_year)
{
    if (four_digit_year) {
        d->year = digits_to_int(s, 4);
        s += 2;
    } else {
        d->year = gs1_century_year(digits_to_int(s, 2), now_year);
    }
    d->month = digits_to_int(s + 2, 2);
    d->day = digits_to_int(s + 4, 2);
    d->last_day = d->day == 0;
    if (d->last_day)
        d->day = gs1_days_in_month(d->year, d->month);
}

static void
set_country(struct gs1_country_ref *c, unsigned num)
{
    const struct gs1_country *k = gs1_country_by_num(num);

    c->num = num;
    c->alpha2 = k != NULL ? k->alpha2 : "";
    c->name_en = k != NULL ? k->name_en : "";
    c->name_vi = k != NULL ? k->name_vi : "";
}

static void
explain_key(const char *ai, const char *v, struct gs1_explanation *out)
{
    size_t off = 0;
    unsigned p;

    out->kind = GS1_KIND_KEY;
    if (strcmp(ai, "00") == 0 || strcmp(ai, "01") == 0 || strcmp(ai, "02") == 0 ||
        strcmp(ai, "03") == 0) {
        out->indicator = v[0] - '0';
        off = 1;
        out->variable_measure = ai[1] != '0' && v[0] == '9';
    }
    memcpy(out->prefix, v + off, 3);
    out->prefix[3] = '\0';
    p = (unsigned)digits_to_int(out->prefix, 3);
    /* GTIN-8 (5 leading zeros) and GTIN-12 (UPC, 1 leading zero) use other ranges. */
    if (strcmp(ai, "01") == 0 && memcmp(v, "000000", 6) == 0)
        return;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (p >= prefixes[i].lo && p <= prefixes[i].hi)
            out->prefix_org = prefixes[i].org;
}

static int
explain_number(const char *ai, const char *v, size_t len, struct gs1_explanation *out)
{
    long long m = 0;

    /* Only measures (6 digits) and counts (8 digits) get here as numbers. */
    for (size_t i = 0; i < len && i < 8 && v[i] >= '0' && v[i] <= '9'; i++)
        m = m * 10 + (v[i] - '0');
    out->mantissa = m;
    if (ai[0] == '3' && ai[1] >= '1' && ai[1] <= '6') {
        out->kind = GS1_KIND_MEASURE;
        out->decimals = ai[3] - '0';
        for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
            if (memcmp(measures[i].ai3, ai, 3) == 0) {
                out->unit = measures[i].unit;
                out->unit_code = measures[i].code;
            }
        return 1;
    }
    if (strncmp(ai, "433", 3) == 0 && ai[3] >= '0' && ai[3] <= '3') {
        out->kind = GS1_KIND_MEASURE;
        out->decimals = 2;
        out->mantissa = digits_to_int(v, 6);
        out->negative = len == 7 && v[6] == '-';
        out->unit = (ai[3] - '0') % 2 == 0 ? "°F" : "°C";
        out->unit_code = (ai[3] - '0') % 2 == 0 ? "FAH" : "CEL";
        return 1;
    }
    if (strcmp(ai, "30") == 0 || strcmp(ai, "37") == 0) {
        out->kind = GS1_KIND_COUNT;
        return 1;
    }
    return 0;
}

static int
explain_amount(const char *ai, const char *v, size_t len, struct gs1_explanation *out)
{
    const struct gs1_currency *cur;
    size_t off = 0;

    if (strncmp(ai, "39", 2) != 0 || ai[2] > '5')
        return 0;
    if (ai[2] == '1' || ai[2] == '3') {
        out->currency = (unsigned)digits_to_int(v, 3);
        cur = gs1_currency_by_num(out->currency);
        out->currency_alpha3 = cur != NULL ? cur->alpha3 : "";
        off = 3;
    }
    out->kind = ai[2] == '4' ? GS1_KIND_MEASURE : GS1_KIND_AMOUNT;
    out->decimals = ai[3] - '0';
    if (ai[2] == '4')
        out->unit = "%";
    for (size_t i = off; i < len; i++)
        out->mantissa = out->mantissa * 10 + (v[i] - '0');
    return 1;
}

static int
explain_date(const char *ai, const char *v, size_t len, int now_year, struct gs1_explanation *out)
{
    static const char *const date_ais[] = {"11",   "12",   "13",   "15",   "16",   "17",
                                           "4324", "4325", "4326", "7003", "7006", "7007",
                                           "7011", "8008", "7250", "7251"};
    int four = strcmp(ai, "7250") == 0 || strcmp(ai, "7251") == 0;
    size_t dlen = four ? 8 : 6, found = 0;

    for (size_t i = 0; i < sizeof date_ais / sizeof date_ais[0]; i++)
        found |= strcmp(ai, date_ais[i]) == 0;
    if (!found)
        return 0;
    out->kind = GS1_KIND_DATE;
    out->n_dates = 1;
    set_date(&out->date[0], v, now_year, four);
    if (strcmp(ai, "7007") == 0 && len == 12) {
        out->n_dates = 2;
        set_date(&out->date[1], v + 6, now_year, 0);
    } else if (len >= dlen + 2) {
        out->has_time = 1;
        out->hour = digits_to_int(v + dlen, 2);
        out->minute = len >= dlen + 4 ? digits_to_int(v + dlen + 2, 2) : 0;
        out->has_seconds = strcmp(ai, "8008") == 0 && len >= dlen + 6;
        out->second = out->has_seconds ? digits_to_int(v + dlen + 4, 2) : 0;
    }
    return 1;
}

int
gs1_explain(const struct gs1_element *el, int now_year, struct gs1_explanation *out,
            struct tt_err *err)
{
    const struct gs1_ai_def *def;
    const char *v, *what;
    size_t len, pos;
    int rc;

    if (el == NULL || out == NULL)
        return tt_err_setd(err, TT_EUSAGE, GS1_E_EMPTY, __func__, "no element");
    memset(out, 0, sizeof *out);
    out->indicator = -1;
    out->unit = out->unit_code = out->currency_alpha3 = out->prefix_org = "";
    def = gs1_ai_find(el->ai, strlen(el->ai));
    if (def == NULL)
        return tt_err_setd(err, TT_EINVAL, GS1_E_UNKNOWN_AI, __func__, "AI (%s) is unknown",
                           el->ai);
    v = el->value;
    len = strlen(v);
    rc = gs1_check_value(def, v, len, &pos, &what);
    if (rc != 0)
        return tt_err_setd(err, TT_EINVAL, rc, __func__, "AI (%s): %s", el->ai, what);
    out->info = &def->info;
    out->kind = GS1_KIND_TEXT;
    if (def->comp[0].cset == 'N' && def->comp[0].lint[0] == GS1_L_CSUM && def->n_comp == 1) {
        explain_key(el->ai, v, out);
    } else if (strcmp(el->ai, "8003") == 0 || strcmp(el->ai, "253") == 0 ||
               strcmp(el->ai, "255") == 0) {
        explain_key(el->ai, v + (el->ai[0] == '8'), out);
    } else if (def->comp[0].lint[0] == GS1_L_ISO3166 && strcmp(el->ai, "421") != 0) {
        out->kind = GS1_KIND_COUNTRIES;
        for (size_t i = 0; i + 3 <= len && out->n_countries < 5; i += 3)
            set_country(&out->country[out->n_countries++], (unsigned)digits_to_int(v + i, 3));
    } else if (strcmp(el->ai, "421") == 0 || strncmp(el->ai, "703", 3) == 0) {
        out->kind = GS1_KIND_COUNTRY_TEXT;
        out->n_countries = 1;
        set_country(&out->country[0], (unsigned)digits_to_int(v, 3));
        out->text = v + 3;
    } else if (!explain_date(el->ai, v, len, now_year, out) &&
               !explain_amount(el->ai, v, len, out)) {
        explain_number(el->ai, v, len, out);
    }
    return 0;
}

const char *
gs1_error_name(int code)
{
    static const char *const names[] = {
        "none",           "empty",       "syntax",    "unknown_ai", "too_short",    "too_long",
        "bad_char",       "check_digit", "date",      "day_zero",   "time",         "country",
        "currency",       "component",   "requires",  "excludes",   "duplicate",    "too_many",
        "carrier_length", "dl_syntax",   "dl_no_key", "dl_order",   "dl_attribute", "aim",
    };

    if (code < 0 || (size_t)code >= sizeof names / sizeof names[0])
        return "unknown";
    return names[code];
}
