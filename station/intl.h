/*
 * intl.h — the gettext shorthand used by station/ (and portal/): _() for
 * words shown now, N_() to mark words in static tables for extraction.
 */
#ifndef TT_INTL_H
#define TT_INTL_H

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) (s)

#endif
