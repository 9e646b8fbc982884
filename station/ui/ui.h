/*
 * ui.h — the kiosk's terminal screens (ncursesw, wide characters, UTF-8):
 * the only code in tramtem that knows curses (STYLE.md §6). It draws a
 * struct core_view and turns terminal keys into core events; it decides
 * nothing about the workflow.
 *
 * Layout, from 80×24 up: a header with the operator, the product and lot
 * (always visible), the screen's body, a message line, a status line for
 * scale / scanner / printer, and the function-key hints (drawn from the
 * core's key table). Colours are an extra: every state is also told by
 * words and by bold/reverse video, so a monochrome console loses nothing.
 *
 * Ownership: ui_open() returns an owned ui (ui_close restores the
 * terminal); ui_close(NULL) is a no-op. One per process.
 */
#ifndef TT_STATION_UI_H
#define TT_STATION_UI_H

#include "../core.h"

struct ui;

struct ui_opts {
    const char *coop_name; /* shown in the header (borrowed) */
    const char *demo_hint; /* demo mode: "Lê Thị Hoa, PIN 1234" on the sign-in screen, or NULL */
    const char *printer;   /* where labels go, for the status line (borrowed) */
};

/* Puts the terminal in raw mode (Ctrl-C/Ctrl-Z/Ctrl-\ arrive as keys, not signals). */
int ui_open(const struct ui_opts *opts, struct ui **out, struct tt_err *err);
void ui_close(struct ui *ui);

/* The descriptor to poll() for keys (the terminal). */
int ui_fd(const struct ui *ui);

/* Draws everything for `v`. */
void ui_draw(struct ui *ui, const struct core_view *v);

/*
 * Reads one key without waiting. Returns 1 and fills *ev (kind CORE_EV_KEY,
 * now_ms left to the caller) for a key the core understands, 2 after a
 * terminal resize (redraw), 0 when there is nothing (or the key means
 * nothing: Ctrl-C, Ctrl-Z, Ctrl-\ are swallowed here).
 */
int ui_read_key(struct ui *ui, struct core_event *ev);

/* Sounds the terminal bell (errors) or flashes (attention). */
void ui_beep(struct ui *ui, int error);

/* Demo: extra key help for the simulated scale and scanner, shown on the weighing screen. */
void ui_set_demo_keys(struct ui *ui, int on);

#endif
