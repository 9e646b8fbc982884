/*
 * intl.h — the gettext shorthand of the portal's front-end files (main.c,
 * cli*.c, the HTML pages of serve): _() for words shown now, N_() to mark
 * words in static tables for extraction. Library files of portal/ do not
 * include it: they return codes and English messages.
 */
#ifndef PORTAL_INTL_H
#define PORTAL_INTL_H

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) (s)

#endif
