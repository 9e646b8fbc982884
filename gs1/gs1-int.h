/*
 * gs1-int.h — what the files of gs1/ share and nobody else sees: the full
 * AI definition behind struct gs1_ai_info, the component checks
 * ("linters", named after the GS1 Barcode Syntax Dictionary) and the
 * indexed lookup.
 */
#ifndef TT_GS1_INT_H
#define TT_GS1_INT_H

#include <stddef.h>

#include "gs1.h"

/* Component checks, one per Syntax Dictionary linter name. */
enum gs1_lint {
    GS1_L_NONE,
    GS1_L_CSUM,           /* mod-10 check digit at the end */
    GS1_L_CSUMALPHA,      /* two check characters (GMN) */
    GS1_L_GCPPOS1,        /* a GS1 company prefix starts at position 1 */
    GS1_L_GCPPOS2,        /* ... at position 2 */
    GS1_L_YYMMD0,         /* date, day 00 = last day of month */
    GS1_L_YYMMDD,         /* date, real day */
    GS1_L_YYYYMMDD,       /* date with a 4-digit year */
    GS1_L_HHMI,           /* time HHMM */
    GS1_L_HH,             /* hour */
    GS1_L_MI,             /* minute */
    GS1_L_SS,             /* second */
    GS1_L_ISO3166,        /* ISO 3166-1 numeric country */
    GS1_L_ISO3166999,     /* ... or 999 */
    GS1_L_ISO3166ALPHA2,  /* ISO 3166-1 alpha-2 country */
    GS1_L_ISO4217,        /* ISO 4217 numeric currency */
    GS1_L_PCENC,          /* valid percent-encoding */
    GS1_L_YESNO,          /* 0 or 1 */
    GS1_L_HYPHEN,         /* "-" */
    GS1_L_LATITUDE,       /* 0..1800000000 */
    GS1_L_LONGITUDE,      /* 0..3600000000 */
    GS1_L_IMPORTERIDX,    /* importer index character */
    GS1_L_PACKAGETYPE,    /* UN/ECE Rec 21 package type code shape */
    GS1_L_MEDIATYPE,      /* AIDC media type 01..10 */
    GS1_L_ISO5218,        /* sex 0, 1, 2, 9 */
    GS1_L_POSINSEQSLASH,  /* "n/m" with 1 <= n <= m */
    GS1_L_NONZERO,        /* not all zeros */
    GS1_L_WINDING,        /* 0, 1 or 9 */
    GS1_L_ZERO,           /* "0" */
    GS1_L_PIECEOFTOTAL,   /* NNMM, 1 <= NN <= MM */
    GS1_L_IBAN,           /* ISO 13616 IBAN, mod 97 */
    GS1_L_NOZEROPREFIX,   /* no leading 0 unless "0" */
    GS1_L_HASNONDIGIT,    /* at least one non-digit */
    GS1_L_COUPONCODE,     /* North American coupon (8110) structure */
    GS1_L_COUPONPOSOFFER, /* positive offer file coupon (8112) structure */
    GS1_L_COUNT_
};

#define GS1_COMP_MAX   5
#define GS1_COMP_LINTS 3

/* One component of an AI's value: "N6,yymmdd" or "[X..17]". */
struct gs1_comp {
    char cset;              /* 'N' digits, 'X' CSET 82, 'Y' CSET 39, 'Z' base64url */
    unsigned char min, max; /* length; equal for fixed-length components */
    unsigned char opt;      /* 1: optional ("[...]") */
    unsigned char lint[GS1_COMP_LINTS];
};

/*
 * A full AI definition. `info` comes first so that the public pointer
 * returned by gs1_ai_lookup() converts back (gs1_ai_def_of()).
 */
struct gs1_ai_def {
    struct gs1_ai_info info;
    unsigned char predefined; /* "*": predefined length, never needs FNC1 */
    unsigned char n_comp;
    unsigned char min_len, max_len; /* whole value */
    struct gs1_comp comp[GS1_COMP_MAX];
    /* Association rules as in the Syntax Dictionary: each req is one
     * "01+21,02,35nn" (one alternative must be present); ex lists AIs or
     * patterns that must not be present; NULL when absent. */
    const char *req[2];
    const char *ex;
    /* Digital Link: NULL not a primary key; "" key with no qualifiers;
     * "22,10,21|235" key with ordered qualifier paths. */
    const char *dlpkey;
};

extern const struct gs1_ai_def gs1_ai_defs[];
extern const size_t gs1_n_ai_defs;
/* Index: defs position + 1 by AI number, 0 when unknown. */
extern const unsigned short gs1_ai_idx2[100];
extern const unsigned short gs1_ai_idx3[1000];
extern const unsigned short gs1_ai_idx4[10000];
/* AI length (2-4) by its first two digits; 0 when no AI starts so. */
extern const unsigned char gs1_ai_len_by_prefix[100];
/* Syntax Dictionary release the table was written from. */
extern const char gs1_table_release[];

/* The definition of the AI at s[0..len) (len 2-4, digits), or NULL. */
const struct gs1_ai_def *gs1_ai_find(const char *s, size_t len);

static inline const struct gs1_ai_def *
gs1_ai_def_of(const struct gs1_ai_info *info)
{
    return (const struct gs1_ai_def *)(const void *)info;
}

/* ---- ISO code tables (gs1-iso.c) ---- */
struct gs1_country {
    unsigned short num;
    char alpha2[3];
    const char *name_en;
    const char *name_vi;
};
struct gs1_currency {
    unsigned short num;
    char alpha3[4];
    const char *name_en;
};
const struct gs1_country *gs1_country_by_num(unsigned num);
const struct gs1_country *gs1_country_by_alpha2(const char *a2);
const struct gs1_currency *gs1_currency_by_num(unsigned num);

/* ---- component checks (gs1-lint.c) ---- */

/* 1 when c is in GS1 CSET 82 / CSET 39 / base64url. */
int gs1_cset82(unsigned char c);
int gs1_cset39(unsigned char c);
int gs1_cset64(unsigned char c);

/*
 * Checks value (len bytes) against def: lengths, character sets and each
 * component's linters. On failure returns the GS1_E_* code and sets *pos
 * to the 0-based offset in value; *what names the rule broken (static).
 */
int gs1_check_value(const struct gs1_ai_def *def, const char *value, size_t len, size_t *pos,
                    const char **what);

/* Days in month (1-12) of year (4 digits). */
int gs1_days_in_month(int year, int month);
/* GS1 General Specifications §7.12 sliding window; now_yy = current year. */
int gs1_century_year(int yy, int now_year);

/* ---- shared by parse / format / DL ---- */

/* Fills msg->err_ai/err_pos and err; returns code. */
int gs1_fail(struct gs1_msg *msg, struct tt_err *err, int code, int detail, const char *ai,
             size_t pos, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Matches ai against a dictionary pattern such as "31nn" or "392n". */
int gs1_ai_pattern_match(const char *pattern, size_t plen, const char *ai);

/* Parses a Digital Link URI into msg (gs1-dl.c); vpos gets value offsets. */
int gs1_dl_parse(const char *s, size_t len, size_t base, struct gs1_msg *msg, size_t *vpos,
                 struct tt_err *err);

/* Percent-decodes src into out; returns the length or -1 on bad escape. */
int gs1_pct_decode(const char *src, size_t len, char *out, size_t out_len, int plus_is_space);

#endif
