/*
 * gs1.h — the GS1 domain: Application Identifiers, element strings, Digital
 * Link URIs, check digits, SSCC and the PTI voice pick code. Pure: no I/O,
 * no allocation (every result goes into caller-owned memory).
 *
 * Contract for the rest of tramtem (other modules call these; the bodies
 * live in the .c files of gs1/):
 *   - A struct gs1_msg is a list of (AI, value) in input order. It is only
 *     "valid" after gs1_parse() or gs1_validate() returned 0.
 *   - Errors come back as TT_EPARSE (syntax) or TT_EINVAL (a rule broken),
 *     with err->detail = a GS1_E_* code and, in the message struct, the AI
 *     and the 0-based byte position in the input where the problem is.
 */
#ifndef TT_GS1_H
#define TT_GS1_H

#include <stddef.h>

#include "../common/tt.h"

#define GS1_AI_LEN_MAX    4    /* AIs are 2-4 digits */
#define GS1_VALUE_LEN_MAX 90   /* longest AI value (91-99: x..90) */
#define GS1_ELEMENTS_MAX  32   /* elements in one message */
#define GS1_DATA_LEN_MAX  8192 /* longest input gs1_parse() takes */
#define GS1_128_DATA_MAX  48   /* GS1-128 data characters (FNC1s count) */

/* What went wrong (err->detail). Station/ words each one for the user. */
enum gs1_error {
    GS1_E_NONE = 0,
    GS1_E_EMPTY,          /* no data */
    GS1_E_SYNTAX,         /* not bracketed, raw or Digital Link data */
    GS1_E_UNKNOWN_AI,     /* no such AI */
    GS1_E_TOO_SHORT,      /* value shorter than the AI's format */
    GS1_E_TOO_LONG,       /* value longer than the AI's format */
    GS1_E_BAD_CHAR,       /* character not allowed (digit expected, CSET 82/39/64) */
    GS1_E_CHECK_DIGIT,    /* wrong mod-10 check digit */
    GS1_E_DATE,           /* impossible date (month 13, 30 Feb ...) */
    GS1_E_DAY_ZERO,       /* day 00 where the AI needs a real day */
    GS1_E_TIME,           /* impossible hour/minute/second */
    GS1_E_COUNTRY,        /* not an ISO 3166 numeric country code */
    GS1_E_CURRENCY,       /* not an ISO 4217 numeric currency code */
    GS1_E_COMPONENT,      /* another component rule broken (decimal indicator ...) */
    GS1_E_REQUIRES,       /* a required partner AI is missing */
    GS1_E_EXCLUDES,       /* two mutually exclusive AIs */
    GS1_E_DUPLICATE,      /* the same AI twice with different values */
    GS1_E_TOO_MANY,       /* more than GS1_ELEMENTS_MAX elements */
    GS1_E_CARRIER_LENGTH, /* too long for the chosen carrier (GS1-128 > 48) */
    GS1_E_DL_SYNTAX,      /* malformed Digital Link URI */
    GS1_E_DL_NO_KEY,      /* no primary key in the URI path */
    GS1_E_DL_ORDER,       /* qualifiers out of order / not allowed for the key */
    GS1_E_DL_ATTRIBUTE,   /* query AI not allowed as a Digital Link attribute */
    GS1_E_AIM,            /* unknown or non-GS1 symbology identifier */
};

/* How the data came in. */
enum gs1_form { GS1_FORM_BRACKETS, GS1_FORM_RAW, GS1_FORM_DL };

struct gs1_element {
    char ai[GS1_AI_LEN_MAX + 1];
    char value[GS1_VALUE_LEN_MAX + 1];
};

struct gs1_msg {
    size_t n;
    struct gs1_element el[GS1_ELEMENTS_MAX];
    enum gs1_form form;
    char aim[4]; /* symbology identifier seen ("]C1", "]e0" ...) or "" */
    /* Where the last error was found (set by parse/validate on failure). */
    char err_ai[GS1_AI_LEN_MAX + 1];
    size_t err_pos;
};

/* Output syntaxes for gs1_format(). */
enum gs1_syntax {
    GS1_SYNTAX_PARENS,   /* "(01)09520123456788(10)ABC"; a "(" in a value is "\(" */
    GS1_SYNTAX_BRACKETS, /* "[01]09520123456788[10]ABC" — what zint takes */
    GS1_SYNTAX_RAW,      /* "0109520123456788" GS "10ABC": FNC1 as 0x1D where needed */
    GS1_SYNTAX_HRI,      /* addition: "(01)…" for printing under a barcode, no "\(" escapes
                            (text for people; may not parse back) */
};

/* Data carriers, for carrier-specific limits and the symbology name. */
enum gs1_carrier {
    GS1_CARRIER_NONE,
    GS1_CARRIER_GS1_128,
    GS1_CARRIER_DATABAR_EXP,
    GS1_CARRIER_DATAMATRIX,
    GS1_CARRIER_QR,
};

/* ---- check digits and keys ---- */

/*
 * The GS1 mod-10 check digit of `len` digits (weights 3,1,3... from the
 * right). Returns 0-9, or -1 if any byte is not a digit or len is 0.
 */
int gs1_check_digit(const char *digits, size_t len);

/*
 * GTIN-8/12/13/14 (check digit included) to 14 digits, zero-padded.
 * TT_EINVAL with GS1_E_CHECK_DIGIT / GS1_E_BAD_CHAR / GS1_E_TOO_SHORT.
 */
int gs1_gtin_normalise(const char *gtin, char out[15], struct tt_err *err);

/*
 * SSCC (18 digits with check digit) from an extension digit, a GS1 company
 * prefix (6-12 digits) and a serial reference. TT_EINVAL if the serial does
 * not fit in the digits left.
 */
int gs1_sscc_make(int extension, const char *company_prefix, unsigned long long serial,
                  char out[19], struct tt_err *err);

/*
 * PTI voice pick code: CRC-16/ARC over GTIN-14 + lot (+ YYMMDD, may be NULL
 * or "") mod 10000, as 4 digits. TT_EINVAL on a malformed GTIN or date.
 */
int gs1_vpc(const char *gtin14, const char *lot, const char *yymmdd, char out[5],
            struct tt_err *err);

/* ---- messages ---- */

/* Empties `msg`. */
void gs1_msg_init(struct gs1_msg *msg);

/*
 * Parses bracketed "(01)…"/"[01]…" data, raw scan data (with optional AIM
 * prefix, GS separators, leading FNC1) or a Digital Link URI, then
 * validates it fully (gs1_validate). On failure `out` holds what was parsed
 * so far plus err_ai/err_pos, and the return is TT_EPARSE or TT_EINVAL.
 */
int gs1_parse(const char *data, size_t len, struct gs1_msg *out, struct tt_err *err);

/*
 * gs1_parse() for scanners that send FNC1 as another character: in raw
 * data (no brackets, no Digital Link) every byte of `separators` counts as
 * GS (0x1D). NULL or "" means GS only. Scanners configured to replace GS
 * by, say, '|' or '~' are read with separators "|" or "~".
 */
int gs1_parse_sep(const char *data, size_t len, const char *separators, struct gs1_msg *out,
                  struct tt_err *err);

/* Appends one element (no validation beyond lengths). */
int gs1_msg_add(struct gs1_msg *msg, const char *ai, const char *value, struct tt_err *err);

/* The value of the first element with `ai`, or NULL (borrowed from msg). */
const char *gs1_msg_get(const struct gs1_msg *msg, const char *ai);

/*
 * Every element (format, component checks) and the association rules
 * (requires / excludes / duplicates) across the whole message. The error
 * message names the AI; positions exist only for gs1_parse() (msg is const).
 */
int gs1_validate(const struct gs1_msg *msg, struct tt_err *err);

/*
 * Association rules over several messages that share one label (a logistic
 * label spreads its AIs over several barcodes).
 */
int gs1_validate_label(const struct gs1_msg *const *msgs, size_t n, struct tt_err *err);

/*
 * Writes `msg` in `syntax` into out (NUL-terminated), predefined-length AIs
 * first so the fewest FNC1 are needed. With a carrier, enforces its limits
 * (GS1-128: 48 data characters). TT_ENOMEM if out_len is too small.
 */
int gs1_format(const struct gs1_msg *msg, enum gs1_syntax syntax, enum gs1_carrier carrier,
               char *out, size_t out_len, struct tt_err *err);

/*
 * The GS1 Digital Link URI of msg: `base` ("https://id.gs1.org" when NULL)
 * + primary key + qualifiers in order + other DL attributes as the query.
 */
int gs1_dl_uri(const struct gs1_msg *msg, const char *base, char *out, size_t out_len,
               struct tt_err *err);

/* ---- the AI table and explanations ---- */

struct gs1_ai_info {
    const char *ai;       /* "01", "3103", "7007" ... */
    const char *format;   /* "N14,csum", "X..20", "N6,yymmdd" ... as in the specs */
    const char *title_en; /* "GTIN" */
    const char *title_vi; /* "Mã số thương phẩm toàn cầu (GTIN)" */
    const char *desc_en;  /* one plain sentence */
    const char *desc_vi;
    unsigned char fnc1; /* 1: needs FNC1 after it unless last */
    unsigned char dl;   /* 1: allowed as a Digital Link query attribute (the Syntax
                           Dictionary's "?" flag); keys and their path qualifiers
                           (21, 22, 235, 254 ...) are given by gs1_dl_key_paths() */
};

/* The table entry for `ai` or NULL when unknown (borrowed, static). */
const struct gs1_ai_info *gs1_ai_lookup(const char *ai);

/* ---- additions (gs1 engineer); the functions above are the original contract ---- */

/*
 * The symbology named by an AIM identifier ("]C1" -> "GS1-128"), or NULL
 * when aim is empty or not one the parser knows (borrowed, static).
 */
const char *gs1_symbology_name(const char *aim);

/*
 * Digital Link role of an AI: NULL when it is no primary key, "" for a key
 * without qualifiers (00), else its ordered qualifier paths ("22,10,21|235"
 * for 01: any subset of 22,10,21 in that order, or 235 alone). Borrowed, static.
 */
const char *gs1_dl_key_paths(const char *ai);

/* The Syntax Dictionary release the AI table was written from ("2026-01-27"). */
const char *gs1_table_version(void);

/* Every AI of the table, in order: i = 0 .. gs1_ai_count()-1 (borrowed, static). */
size_t gs1_ai_count(void);
const struct gs1_ai_info *gs1_ai_at(size_t i);

/* A stable lower-case name for a GS1_E_* code ("check_digit"), for JSON and logs. */
const char *gs1_error_name(int code);

/* ---- explanation: an element's value interpreted (the words are the station's) ---- */

enum gs1_value_kind {
    GS1_KIND_TEXT,         /* nothing to interpret: show the value */
    GS1_KIND_KEY,          /* GTIN, SSCC, GLN ...: number with check digit */
    GS1_KIND_DATE,         /* one or two dates (7007 may be a range), maybe a time */
    GS1_KIND_MEASURE,      /* number with decimals and a unit (weights, sizes, temperatures) */
    GS1_KIND_AMOUNT,       /* money with decimals, maybe an ISO 4217 currency */
    GS1_KIND_COUNT,        /* a whole number of items */
    GS1_KIND_COUNTRIES,    /* one to five ISO 3166 countries */
    GS1_KIND_COUNTRY_TEXT, /* a country then text (703n approval number, 421 postcode) */
};

struct gs1_date {
    int year, month, day; /* year with century (GS1 sliding window) */
    int last_day;         /* 1: the label said day 00, meaning the last day of the month */
};

struct gs1_country_ref {
    unsigned num;        /* ISO 3166 numeric; 999 = "any country" (703n) */
    const char *alpha2;  /* "VN", or "" */
    const char *name_en; /* "Viet Nam"-style names, or "" (borrowed, static) */
    const char *name_vi;
};

struct gs1_explanation {
    enum gs1_value_kind kind;
    const struct gs1_ai_info *info;
    /* GS1_KIND_DATE */
    int n_dates;
    struct gs1_date date[2];
    int has_time, has_seconds, hour, minute, second;
    /* GS1_KIND_MEASURE / AMOUNT / COUNT: the value is mantissa / 10^decimals */
    long long mantissa;
    int decimals;
    int negative;          /* temperatures 4330-4333 with "-" */
    const char *unit;      /* "kg", "m", "l", "°C", "%" ... ("" for none) */
    const char *unit_code; /* UN/ECE Rec 20 ("KGM", "MTR", "LTR" ...) or "" */
    unsigned currency;     /* ISO 4217 numeric, 0 when the AI has none (local currency) */
    const char *currency_alpha3;
    /* GS1_KIND_COUNTRIES / COUNTRY_TEXT */
    int n_countries;
    struct gs1_country_ref country[5];
    const char *text; /* COUNTRY_TEXT: what follows the country (borrowed from el) */
    /* GS1_KIND_KEY */
    int indicator;          /* GTIN-14 / SSCC first digit, -1 if none */
    char prefix[4];         /* the 3-digit GS1 prefix ("893") */
    const char *prefix_org; /* "GS1 Vietnam", "restricted circulation" ... or "" */
    int variable_measure;   /* GTIN with indicator 9 */
};

/*
 * Interprets one element (which should have passed gs1_validate) for
 * display: dates as dates (now_year picks the century, GS1 General
 * Specifications 7.12), measures with units and decimals, countries by
 * code and name. Borrows el: `text` points into it. TT_EINVAL if the AI is
 * unknown or the value does not fit its format.
 */
int gs1_explain(const struct gs1_element *el, int now_year, struct gs1_explanation *out,
                struct tt_err *err);

#endif
