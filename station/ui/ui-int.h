/*
 * ui-int.h — shared by the files of station/ui: the frame (ui.c) and the
 * screen bodies (ui-screens.c). Only station/ui includes curses.
 */
#ifndef TT_STATION_UI_INT_H
#define TT_STATION_UI_INT_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include "ui.h"

/* Colour pairs; every one also has a monochrome attribute. */
enum ui_pair { UI_P_NONE, UI_P_TITLE, UI_P_OK, UI_P_WARN, UI_P_ERROR, UI_P_KEY, UI_P_BIG };

struct ui {
    struct ui_opts opts;
    int colors;
    int demo_keys;
    int rows, cols;
    SCREEN *scr;
};

/* The body rows: [top, bottom). */
#define UI_BODY_TOP 3
int ui_body_bottom(const struct ui *ui);

/* A full-width horizontal rule on row y. */
void ui_hline(int y, int cols);

/* Writes UTF-8 text at (y, x) using at most `cols` columns; returns columns used. */
int ui_put(int y, int x, int cols, const char *utf8);

/* Like ui_put, breaking at spaces over at most max_lines rows; returns rows used. */
int ui_put_wrap(int y, int x, int cols, int max_lines, const char *utf8);

/* Like ui_put with printf formatting. */
int ui_putf(int y, int x, int cols, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The attribute for a pair: colour when there is colour, else bold/reverse. */
attr_t ui_attr(const struct ui *ui, enum ui_pair p);

/* Screen bodies (ui-screens.c). */
void ui_body_draw(struct ui *ui, const struct core_view *v);

/* The translated title of a screen. */
const char *ui_screen_title(enum core_screen s);

#endif
