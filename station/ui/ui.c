/*
 * ui.c — the frame of every kiosk screen (header with operator, product and
 * lot; message lines; device status; key hints from the core's table), the
 * terminal set-up (raw mode: Ctrl-C, Ctrl-Z and Ctrl-\ are plain keys that
 * do nothing) and the mapping of terminal keys onto core keys.
 */
#include "ui-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "../intl.h"

/* ---- text ----------------------------------------------------------------- */

int
ui_put(int y, int x, int cols, const char *utf8)
{
    mbstate_t st;
    const char *p = utf8;
    int used = 0;

    memset(&st, 0, sizeof st);
    while (*p != '\0' && used < cols) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, strlen(p), &st);
        int w;

        if (n == (size_t)-1 || n == (size_t)-2) { /* not UTF-8: show a '?' and go on */
            wc = L'?';
            n = 1;
            memset(&st, 0, sizeof st);
        }
        w = wcwidth(wc);
        if (w < 0)
            w = 1, wc = L'?';
        if (used + w > cols)
            break;
        mvaddnwstr(y, x + used, &wc, 1);
        used += w;
        p += n;
    }
    return used;
}

int
ui_put_wrap(int y, int x, int cols, int max_lines, const char *utf8)
{
    wchar_t w[512];
    size_t n = mbstowcs(w, utf8, 511);
    int lines = 0;
    size_t at = 0;

    if (n == (size_t)-1) /* not UTF-8: one line, as ui_put shows it */
        return ui_put(y, x, cols, utf8) > 0;
    w[n] = L'\0';
    while (at < n && lines < max_lines) {
        size_t end = at, cut = 0;
        int used = 0;

        while (end < n && used + wcwidth(w[end]) <= cols) {
            if (w[end] == L' ')
                cut = end;
            used += wcwidth(w[end]) > 0 ? wcwidth(w[end]) : 0;
            end++;
        }
        if (end < n && cut > at)
            end = cut; /* break at the last space that fits */
        mvaddnwstr(y + lines, x, w + at, (int)(end - at));
        lines++;
        at = end;
        while (at < n && w[at] == L' ')
            at++;
    }
    return lines;
}

int
ui_putf(int y, int x, int cols, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return ui_put(y, x, cols, buf);
}

attr_t
ui_attr(const struct ui *ui, enum ui_pair p)
{
    static const attr_t mono[] = {
        [UI_P_NONE] = A_NORMAL, [UI_P_TITLE] = A_REVERSE,          [UI_P_OK] = A_BOLD,
        [UI_P_WARN] = A_BOLD,   [UI_P_ERROR] = A_REVERSE | A_BOLD, [UI_P_KEY] = A_REVERSE,
        [UI_P_BIG] = A_REVERSE,
    };

    if (!ui->colors || p == UI_P_NONE)
        return mono[p];
    return COLOR_PAIR(p) | (p == UI_P_ERROR || p == UI_P_WARN ? A_BOLD : A_NORMAL);
}

/* A horizontal rule in plain UTF-8 (box-drawing through the ACS is unreliable in tmux/fbterm). */
void
ui_hline(int y, int cols)
{
    move(y, 0);
    for (int x = 0; x < cols; x++)
        addstr("─");
}

int
ui_body_bottom(const struct ui *ui)
{
    return ui->rows - 6;
}

/* ---- words ----------------------------------------------------------------- */

/* What the operator is told, with what to do (indexed by enum core_msg). */
static const char *const msg_words[CORE_MSG_COUNT] = {
    [CORE_MSG_NONE] = "",
    [CORE_MSG_WELCOME] = N_("Signed in."),
    [CORE_MSG_PIN_WRONG] = N_("Wrong PIN. Try again."),
    [CORE_MSG_PIN_SHORT] = N_("The PIN has at least 4 digits."),
    [CORE_MSG_NOT_STABLE] = N_("Scale not stable: wait until the weight stops moving."),
    [CORE_MSG_TOO_LIGHT] = N_("Too light to label: put the goods on the scale."),
    [CORE_MSG_REMOVE_FIRST] = N_("This item already has its label: take it off the scale first."),
    [CORE_MSG_QUEUED] = N_("Printing the label…"),
    [CORE_MSG_PRINTED] = N_("Label printed."),
    [CORE_MSG_PRINT_FAILED] =
        N_("The label did not print. Check the printer, then press F3 to print it again."),
    [CORE_MSG_PAPER_OUT] = N_("Printer out of labels: load a new roll, then press F3."),
    [CORE_MSG_PRINTER_GONE] =
        N_("Printer not answering: check its cable and power, then press F3."),
    [CORE_MSG_PRINTER_STOPPED] =
        N_("Printer stopped: close the cover, clear any jam, then press F3."),
    [CORE_MSG_PRINTER_SLOW] =
        N_("The printer has not answered for a while: check it is on and has labels."),
    [CORE_MSG_SCALE_GONE] = N_("Scale unplugged or off: check its cable and power."),
    [CORE_MSG_SCALE_FAULT] = N_("The scale reports a fault: zero it or call the manager."),
    [CORE_MSG_SCALE_OVER] = N_("Over the scale's capacity: take some goods off."),
    [CORE_MSG_SCANNER_GONE] = N_("Scanner unplugged: check its cable."),
    [CORE_MSG_SCAN_OK] = N_("Label scanned back: it matches."),
    [CORE_MSG_SCAN_MISMATCH] =
        N_("Scanned label does not match the one printed: void it (F4), print again (F3)."),
    [CORE_MSG_SCAN_UNKNOWN] = N_("This label is not one we are waiting for."),
    [CORE_MSG_SCAN_INVALID] = N_("Not GS1 barcode data: scan the label again."),
    [CORE_MSG_CLOCK_WRONG] = N_("The clock looks wrong: ask the manager to set the date and time."),
    [CORE_MSG_LOT_OPENED] = N_("Lot opened."),
    [CORE_MSG_LOT_CLOSED] = N_("Lot closed."),
    [CORE_MSG_LOT_BAD] = N_("The lot code or date was refused: check them and press Enter."),
    [CORE_MSG_NO_LOT] = N_("No lot open: choose a product and a lot first."),
    [CORE_MSG_NO_LABEL] = N_("No label yet to reprint or void."),
    [CORE_MSG_REPRINTING] = N_("Printing the label again…"),
    [CORE_MSG_VOIDED] = N_("Label voided."),
    [CORE_MSG_NOT_ALLOWED] = N_("Only a manager may do this."),
    [CORE_MSG_CASE_ADDED] = N_("Case added to the pallet."),
    [CORE_MSG_CASE_TWICE] = N_("This case is already on the pallet."),
    [CORE_MSG_CASE_NOT_ITEM] =
        N_("This label does not identify an item: scan a case or item label."),
    [CORE_MSG_PALLET_EMPTY] = N_("The pallet is empty: scan the cases first."),
    [CORE_MSG_PALLET_DONE] = N_("Pallet label (SSCC) printing."),
    [CORE_MSG_RECEIVED] = N_("Goods received and recorded."),
    [CORE_MSG_STORE_ERROR] = N_("Could not save: call the manager (details below)."),
    [CORE_MSG_DEMO_GTIN] =
        N_("Demo products (GTIN 952…) can be labelled only in demo or training mode."),
    [CORE_MSG_EXPORTING] = N_("Writing the records to the USB stick… do not pull it out."),
    [CORE_MSG_EXPORTED] = N_("Records written to the USB stick: you may take it out."),
    [CORE_MSG_EXPORT_NO_STICK] = N_("No USB stick found: plug one in and press F5 again."),
    [CORE_MSG_EXPORT_FAILED] =
        N_("The export did not finish (see below): try again or call the manager."),
    [CORE_MSG_EXPORTED_UNMOUNTED] =
        N_("Records written and checked; the USB stick was unmounted: pull it out now."),
    [CORE_MSG_EXPORTED_EJECTED] =
        N_("Records written and checked; the USB stick was ejected: pull it out now."),
    [CORE_MSG_EXPORT_PULLED] =
        N_("Writing to the USB stick failed (pulled out?): plug it in, press F5 again."),
    [CORE_MSG_EXPORT_READ_ONLY] =
        N_("The USB stick is read-only: slide its lock switch off or use another one."),
    [CORE_MSG_EXPORT_FULL] =
        N_("The USB stick is full: free some space or use another one, then press F5."),
    [CORE_MSG_EXPORT_NO_KEY] = N_("No station key yet: ask the manager to run 'tramtem key init'."),
};

static const char *const action_words[CORE_ACT_COUNT] = {
    [CORE_ACT_NONE] = "",
    [CORE_ACT_OK] = N_("OK"),
    [CORE_ACT_BACK] = N_("Back"),
    [CORE_ACT_PRINT] = N_("Print"),
    [CORE_ACT_REPRINT] = N_("Reprint"),
    [CORE_ACT_VOID] = N_("Void"),
    [CORE_ACT_PALLET] = N_("Pallet"),
    [CORE_ACT_RECEIVE] = N_("Receive"),
    [CORE_ACT_SUMMARY] = N_("Totals"),
    [CORE_ACT_CLOSE_LOT] = N_("Close lot"),
    [CORE_ACT_SIGN_OUT] = N_("Sign out"),
    [CORE_ACT_QUIT] = N_("Quit"),
    [CORE_ACT_AUTO] = N_("Auto"),
    [CORE_ACT_ZERO] = N_("Zero"),
    [CORE_ACT_NEW_LOT] = N_("New lot"),
    [CORE_ACT_FINISH] = N_("Pallet label"),
    [CORE_ACT_EXPORT] = N_("Export to USB"),
    [CORE_ACT_PLACE] = N_("Farm/plot"),
};

static const char *
hint_key(enum core_key k)
{
    static char buf[8];

    switch (k) {
    case CORE_KEY_ENTER:
        return "Enter";
    case CORE_KEY_ESC:
        return "Esc";
    case CORE_KEY_TAB:
        return "Tab";
    default:
        if (k >= CORE_KEY_F1 && k <= CORE_KEY_F10) {
            snprintf(buf, sizeof buf, "F%d", (int)(k - CORE_KEY_F1) + 1);
            return buf;
        }
        return "?";
    }
}

static const char *
dev_state_word(enum core_dev_state s)
{
    switch (s) {
    case CORE_DEV_NONE:
        return _("none");
    case CORE_DEV_OK:
        return _("ready");
    case CORE_DEV_GONE:
        return _("unplugged");
    case CORE_DEV_PAPER_OUT:
        return _("out of labels");
    case CORE_DEV_STOPPED:
        return _("stopped");
    default:
        return _("error");
    }
}

/* ---- frame ----------------------------------------------------------------- */

static void
draw_header(struct ui *ui, const struct core_view *v)
{
    char clock[32], right[200];
    int rw;
    time_t t = time(NULL);
    struct tm tm;

    attrset(ui_attr(ui, UI_P_TITLE));
    mvhline(0, 0, ' ', ui->cols);
    localtime_r(&t, &tm);
    strftime(clock, sizeof clock, "%d/%m/%Y %H:%M", &tm);
    snprintf(right, sizeof right, "%s  %s",
             v->operator_name[0] ? v->operator_name : _("not signed in"), clock);
    rw = (int)mbstowcs(NULL, right, 0);
    if (rw < 0 || rw > ui->cols / 2)
        rw = ui->cols / 2;
    ui_putf(0, 1, ui->cols - rw - 3, "%s%s", v->demo ? _("DEMO · ") : "",
            ui->opts.coop_name != NULL ? ui->opts.coop_name : "tramtem");
    ui_put(0, ui->cols - rw - 1, rw, right);
    attrset(A_BOLD);
    ui_putf(1, 1, ui->cols - 2, "%s: %s   %s: %s", _("Product"),
            v->product_name[0] ? v->product_name : _("(none)"), _("Lot"),
            v->lot_code[0] ? v->lot_code : _("(none)"));
    attrset(A_NORMAL);
    ui_hline(2, ui->cols);
    attrset(A_BOLD);
    ui_putf(2, 2, ui->cols - 4, " %s ", ui_screen_title(v->screen));
    attrset(A_NORMAL);
}

static void
draw_message(struct ui *ui, const struct core_view *v)
{
    int y = ui->rows - 6;
    enum ui_pair p = v->level == CORE_LVL_ERROR  ? UI_P_ERROR
                     : v->level == CORE_LVL_WARN ? UI_P_WARN
                     : v->level == CORE_LVL_OK   ? UI_P_OK
                                                 : UI_P_NONE;

    ui_hline(y, ui->cols);
    if (v->msg == CORE_MSG_NONE && v->clock_ok)
        return;
    if (v->msg == CORE_MSG_NONE) { /* nothing else to say: the clock warning stays */
        attrset(ui_attr(ui, UI_P_WARN));
        ui_put(y + 1, 1, ui->cols - 2, _(msg_words[CORE_MSG_CLOCK_WRONG]));
        attrset(A_NORMAL);
        return;
    }
    attrset(ui_attr(ui, p));
    ui_putf(y + 1, 1, ui->cols - 2, "%s%s", v->level == CORE_LVL_ERROR ? "!! " : "",
            _(msg_words[v->msg]));
    attrset(A_NORMAL);
    if (v->msg_detail[0] != '\0') {
        ui_put(y + 2, 3, ui->cols - 4, v->msg_detail);
    } else if (v->export_bar[0] != '\0') { /* the export's progress, under its words */
        attrset(A_BOLD);
        ui_put(y + 2, 3, ui->cols - 4, v->export_bar);
        attrset(A_NORMAL);
    }
}

static void
draw_status(struct ui *ui, const struct core_view *v)
{
    attrset(A_NORMAL);
    ui_putf(ui->rows - 3, 1, ui->cols - 2, "%s: %s | %s: %s | %s: %s", _("Scale"),
            dev_state_word(v->dev[CORE_DEV_SCALE]), _("Scanner"),
            dev_state_word(v->dev[CORE_DEV_SCANNER]), _("Printer"),
            dev_state_word(v->dev[CORE_DEV_PRINTER]));
}

static void
draw_hints(struct ui *ui, const struct core_view *v)
{
    int y = ui->rows - 2, x = 0;
    enum core_action seen[CORE_ACT_COUNT] = {0};

    for (const struct core_binding *b = core_bindings(); b->key != CORE_KEY_NONE; b++) {
        const char *k = hint_key(b->key), *w;
        int need;

        if (b->screen != v->screen || seen[b->action])
            continue;
        seen[b->action] = 1;
        w = _(action_words[b->action]);
        need = (int)strlen(k) + 1 + (int)mbstowcs(NULL, w, 0) + 1;
        if (x + need > ui->cols) {
            if (y == ui->rows - 1)
                break;
            y++;
            x = 0;
        }
        attrset(ui_attr(ui, UI_P_KEY));
        x += ui_put(y, x, ui->cols - x, k);
        attrset(A_NORMAL);
        x += ui_put(y, x, ui->cols - x, " ");
        x += ui_put(y, x, ui->cols - x, w);
        x += ui_put(y, x, ui->cols - x, " ");
    }
}

void
ui_draw(struct ui *ui, const struct core_view *v)
{
    getmaxyx(stdscr, ui->rows, ui->cols);
    erase();
    if (ui->rows < 24 || ui->cols < 80) {
        ui_put(0, 0, ui->cols, _("The window is too small: make it at least 80×24."));
        refresh();
        return;
    }
    draw_header(ui, v);
    ui_body_draw(ui, v);
    draw_message(ui, v);
    draw_status(ui, v);
    draw_hints(ui, v);
    refresh();
}

/* ---- keys ------------------------------------------------------------------- */

int
ui_read_key(struct ui *ui, struct core_event *ev)
{
    wint_t wc;
    int rc = get_wch(&wc);
    enum core_key k = CORE_KEY_NONE;

    (void)ui;
    if (rc == ERR)
        return 0;
    memset(ev, 0, sizeof *ev);
    ev->kind = CORE_EV_KEY;
    if (rc == KEY_CODE_YES) {
        if (wc == KEY_RESIZE)
            return 2;
        if (wc >= (wint_t)KEY_F(1) && wc <= (wint_t)KEY_F(10))
            k = (enum core_key)(CORE_KEY_F1 + (int)(wc - KEY_F(1)));
        else if (wc == KEY_ENTER)
            k = CORE_KEY_ENTER;
        else if (wc == KEY_BACKSPACE || wc == KEY_DC)
            k = CORE_KEY_BACKSPACE;
        else if (wc == KEY_UP)
            k = CORE_KEY_UP;
        else if (wc == KEY_DOWN)
            k = CORE_KEY_DOWN;
        else if (wc == KEY_LEFT)
            k = CORE_KEY_LEFT;
        else if (wc == KEY_RIGHT)
            k = CORE_KEY_RIGHT;
        else if (wc == KEY_BTAB)
            k = CORE_KEY_TAB;
    } else if (wc == '\n' || wc == '\r') {
        k = CORE_KEY_ENTER;
    } else if (wc == 27) {
        k = CORE_KEY_ESC;
    } else if (wc == 127 || wc == 8) {
        k = CORE_KEY_BACKSPACE;
    } else if (wc == '\t') {
        k = CORE_KEY_TAB;
    } else if (wc >= 0x20) {
        k = CORE_KEY_CHAR;
        ev->u.key.ch = (uint32_t)wc;
    }
    /* Everything else (Ctrl-C, Ctrl-Z, Ctrl-\, Ctrl-D …) means nothing here. */
    if (k == CORE_KEY_NONE)
        return 0;
    ev->u.key.key = k;
    return 1;
}

void
ui_beep(struct ui *ui, int error)
{
    (void)ui;
    if (error)
        beep();
    else
        flash();
}

void
ui_set_demo_keys(struct ui *ui, int on)
{
    ui->demo_keys = on;
}

int
ui_fd(const struct ui *ui)
{
    (void)ui;
    return 0;
}

int
ui_open(const struct ui_opts *opts, struct ui **out, struct tt_err *err)
{
    struct ui *ui;
    SCREEN *scr;

    *out = NULL;
    if (getenv("ESCDELAY") == NULL)
        set_escdelay(50); /* Esc must answer at once; scanners never send it */
    scr = newterm(NULL, stdout, stdin);
    if (scr == NULL)
        return tt_err_set(err, TT_EDEVICE, "ui_open", "cannot use this terminal (TERM=%s)",
                          getenv("TERM") != NULL ? getenv("TERM") : "");
    ui = xcalloc(1, sizeof *ui);
    ui->scr = scr;
    if (opts != NULL)
        ui->opts = *opts;
    raw(); /* no signals from the keyboard: Ctrl-C/Z/\ are just keys */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    if (has_colors() && start_color() == OK) {
        use_default_colors();
        init_pair(UI_P_TITLE, COLOR_WHITE, COLOR_BLUE);
        init_pair(UI_P_OK, COLOR_GREEN, -1);
        init_pair(UI_P_WARN, COLOR_YELLOW, -1);
        init_pair(UI_P_ERROR, COLOR_WHITE, COLOR_RED);
        init_pair(UI_P_KEY, COLOR_BLACK, COLOR_CYAN);
        init_pair(UI_P_BIG, COLOR_GREEN, COLOR_GREEN);
        ui->colors = 1;
    }
    getmaxyx(stdscr, ui->rows, ui->cols);
    *out = ui;
    return 0;
}

void
ui_close(struct ui *ui)
{
    if (ui == NULL)
        return;
    endwin();
    delscreen(ui->scr);
    free(ui);
}
