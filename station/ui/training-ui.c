/*
 * training-ui.c — the training screens drawn with curses: a title bar
 * with the trainee, the body lines the app built, the input field, the
 * message line, the devices and the key hints. It decides nothing; see
 * station/training-app.c for what keys do.
 */
#include "training-ui.h"

#include <string.h>

#include "../intl.h"
#include "ui-int.h"

static void
fill_row(int y, int cols, attr_t attr)
{
    attron(attr);
    mvhline(y, 0, ' ', cols);
    attroff(attr);
}

static void
draw_title(struct ui *ui, const struct training_view *v)
{
    attr_t a = ui_attr(ui, UI_P_TITLE);
    int used;

    fill_row(0, ui->cols, a);
    attron(a);
    used = ui_putf(0, 1, ui->cols - 2, "%s · %s", _("Training"), v->title);
    if (v->who[0] != '\0') {
        int x = ui->cols - 1 - (int)strlen(v->who); /* bytes >= columns: never too far right */

        if (x < used + 3)
            x = used + 3;
        if (x < ui->cols - 2)
            ui_put(0, x, ui->cols - x - 1, v->who);
    }
    attroff(a);
    ui_hline(1, ui->cols);
}

static void
draw_body(struct ui *ui, const struct training_view *v, int top, int bottom)
{
    size_t i = v->scroll;

    for (int y = top; y < bottom && i < v->body.n; y++, i++)
        ui_put(y, 1, ui->cols - 2, v->body.line[i]);
    if (v->scroll > 0)
        ui_put(top, ui->cols - 2, 1, "↑");
    if (i < v->body.n)
        ui_put(bottom - 1, ui->cols - 2, 1, "↓");
}

void
training_ui_draw(struct ui *ui, const struct training_view *v)
{
    int bottom;

    getmaxyx(stdscr, ui->rows, ui->cols);
    erase();
    if (ui->rows < 24 || ui->cols < 80) {
        ui_put(0, 0, ui->cols, _("The window is too small: make it at least 80×24."));
        refresh();
        return;
    }
    bottom = ui->rows - 5;
    draw_title(ui, v);
    draw_body(ui, v, 2, bottom);
    ui_hline(bottom, ui->cols);
    if (v->prompt[0] != '\0') {
        int w;

        attron(A_BOLD);
        w = ui_put(bottom + 1, 1, 20, v->prompt);
        attroff(A_BOLD);
        ui_putf(bottom + 1, w + 2, ui->cols - w - 3, "%s_", v->input);
    }
    if (v->message[0] != '\0') {
        attr_t a = ui_attr(ui, v->message_error ? UI_P_ERROR : UI_P_OK);

        attron(a);
        ui_put(bottom + 2, 1, ui->cols - 2, v->message);
        attroff(a);
    }
    ui_put(bottom + 3, 1, ui->cols - 2, v->devices);
    fill_row(bottom + 4, ui->cols, ui_attr(ui, UI_P_KEY));
    attron(ui_attr(ui, UI_P_KEY));
    ui_put(bottom + 4, 1, ui->cols - 2, v->keys);
    attroff(ui_attr(ui, UI_P_KEY));
    refresh();
}
