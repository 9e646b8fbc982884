/*
 * ui-screens.c — the body of each kiosk screen (ncdu's one-draw-per-screen):
 * lists, the big weight, the daily bar chart. Reads the core's view only.
 */
#include "ui-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../gs1/gs1.h"
#include "../cli.h"
#include "../intl.h"

/* 3×5 glyphs for the big weight, drawn two cells wide per dot. */
static const char *const glyphs[12][5] = {
    {"###", "# #", "# #", "# #", "###"}, {"  #", "  #", "  #", "  #", "  #"},
    {"###", "  #", "###", "#  ", "###"}, {"###", "  #", "###", "  #", "###"},
    {"# #", "# #", "###", "  #", "  #"}, {"###", "#  ", "###", "  #", "###"},
    {"###", "#  ", "###", "# #", "###"}, {"###", "  #", "  #", "  #", "  #"},
    {"###", "# #", "###", "# #", "###"}, {"###", "# #", "###", "  #", "###"},
    {"   ", "   ", "   ", "   ", " # "}, /* . */
    {"   ", "   ", "###", "   ", "   "}, /* - */
};

static void
big_text(struct ui *ui, int y, int x, const char *s)
{
    attr_t on = ui_attr(ui, UI_P_BIG);

    for (; *s != '\0'; s++) {
        int g = *s >= '0' && *s <= '9' ? *s - '0' : *s == '.' ? 10 : *s == '-' ? 11 : -1;

        if (g < 0)
            continue;
        for (int r = 0; r < 5; r++)
            for (int col = 0; col < 3; col++) {
                attrset(glyphs[g][r][col] == '#' ? on : A_NORMAL);
                mvaddstr(y + r, x + col * 2, "  ");
            }
        attrset(A_NORMAL);
        x += g == 10 ? 6 : 8;
    }
}

/* Columns big_text() needs for s. */
static int
big_width(const char *s)
{
    int w = 0;

    for (; *s != '\0'; s++)
        w += *s == '.' ? 6 : (*s >= '0' && *s <= '9') || *s == '-' ? 8 : 0;
    return w;
}

static const char *
label_state_word(const char *english)
{
    if (strcmp(english, "queued") == 0)
        return _("queued");
    if (strcmp(english, "sent") == 0)
        return _("sent");
    if (strcmp(english, "printed") == 0)
        return _("printed");
    if (strcmp(english, "failed") == 0)
        return _("failed");
    if (strcmp(english, "void") == 0)
        return _("void");
    if (strcmp(english, "manager") == 0)
        return _("manager");
    if (strcmp(english, "trainer") == 0)
        return _("trainer");
    if (strcmp(english, "operator") == 0)
        return _("operator");
    return english;
}

static const char *
reason_word(const char *english)
{
    static const char *const words[][2] = {
        {"label damaged", N_("label damaged")},
        {"printer jam", N_("printer jam")},
        {"scan-back failed", N_("scan-back failed")},
        {"wrong weight or product", N_("wrong weight or product")},
        {"other", N_("other")},
    };

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(english, words[i][0]) == 0)
            return _(words[i][1]);
    return english;
}

/* A list from row y to the body's bottom, the selection in reverse video. */
static void
draw_list(struct ui *ui, const struct core_view *v, int y, int translate)
{
    int bottom = ui_body_bottom(ui), rows = bottom - y, first = 0;

    if (rows <= 0)
        return;
    if (v->sel >= rows)
        first = v->sel - rows + 1;
    for (int i = first; i < v->n_items && y < bottom; i++, y++) {
        const struct core_item *it = &v->items[i];
        const char *text = translate ? reason_word(it->text) : it->text;
        const char *right = label_state_word(it->right);

        attrset(i == v->sel ? A_REVERSE : (it->flag ? A_BOLD : A_NORMAL));
        mvhline(y, 2, ' ', ui->cols - 4);
        ui_putf(y, 2, ui->cols - 26, "%s %s", i == v->sel ? ">" : " ", text);
        ui_put(y, ui->cols - 24, 22, right);
        attrset(A_NORMAL);
    }
}

static void
draw_signin(struct ui *ui, const struct core_view *v)
{
    int y = UI_BODY_TOP + 1;

    ui_put(y++, 2, ui->cols - 4, _("Choose your name (↑ ↓), type your PIN, press Enter."));
    if (v->demo && ui->opts.demo_hint != NULL) {
        attrset(ui_attr(ui, UI_P_WARN));
        ui_putf(y, 2, ui->cols - 4, _("Demo mode — sign in as: %s"), ui->opts.demo_hint);
        attrset(A_NORMAL);
    }
    y++;
    {
        char dots[CORE_INPUT_MAX];
        size_t n = strlen(v->input);

        memset(dots, '*', n);
        dots[n] = '\0';
        ui_putf(y++, 2, ui->cols - 4, "%s %s_", _("PIN:"), dots);
    }
    draw_list(ui, v, y + 1, 0);
}

static void
draw_lot(struct ui *ui, const struct core_view *v)
{
    int y = UI_BODY_TOP + 1;

    attrset(v->sel == 0 ? A_REVERSE : A_NORMAL);
    ui_putf(y++, 2, ui->cols - 4, "%s %s", v->sel == 0 ? ">" : " ", _("New lot"));
    attrset(A_NORMAL);
    ui_putf(y++, 6, ui->cols - 8, "%s: [%s%s]", _("Lot code (empty: automatic)"), v->input,
            v->sel == 0 && v->field == 0 ? "_" : "");
    ui_putf(y++, 6, ui->cols - 8, "%s: [%s%s]   %s", _("Harvest date"), v->input2,
            v->sel == 0 && v->field == 1 ? "_" : "", _("Tab: next field"));
    ui_putf(y++, 6, ui->cols - 8, "%s: %s   %s", _("Farm / plot"),
            v->place_id != 0 ? v->place_name : _("(none)"), _("F3: next"));
    y++;
    ui_put(y++, 2, ui->cols - 4, _("Open lots of this product:"));
    /* Row 0 of the list is the "new lot" line drawn above; list the rest. */
    for (int i = 1; i < v->n_items && y < ui_body_bottom(ui); i++, y++) {
        attrset(i == v->sel ? A_REVERSE : A_NORMAL);
        ui_putf(y, 2, ui->cols - 4, "%s %-20s %s", i == v->sel ? ">" : " ", v->items[i].text,
                v->items[i].right);
        attrset(A_NORMAL);
    }
}

static const char *
wstate_word(enum core_weight_state s)
{
    switch (s) {
    case CORE_W_STABLE:
        return _("STABLE");
    case CORE_W_MOTION:
        return _("MOVING");
    case CORE_W_UNDER:
        return _("UNDER ZERO");
    case CORE_W_OVER:
        return _("OVER CAPACITY");
    case CORE_W_FAULT:
        return _("SCALE FAULT");
    default:
        return _("no reading");
    }
}

static void
draw_weigh(struct ui *ui, const struct core_view *v)
{
    int y = UI_BODY_TOP + 1;
    char kg[32], last_kg[32], shift_kg[32];

    core_format_kg(v->grams_milli, kg, sizeof kg);
    /* The words go right of the big digits; heavy loads push them further. */
    int tx = 4 + big_width(kg) + 2;

    if (tx < 50)
        tx = 50;
    big_text(ui, y, 4, kg);
    attrset(A_BOLD);
    ui_putf(y, tx, ui->cols - tx - 1, "%s kg", kg);
    attrset(v->wstate == CORE_W_STABLE ? ui_attr(ui, UI_P_OK) : ui_attr(ui, UI_P_WARN));
    ui_put(y + 1, tx, ui->cols - tx - 1, wstate_word(v->wstate));
    attrset(A_NORMAL);
    ui_putf(y + 3, tx, ui->cols - tx - 1, "%s: %s", _("Auto print"),
            v->auto_print ? _("on") : _("off"));
    y += 6;
    attrset(A_BOLD);
    if (v->armed)
        ui_put(y, 4, ui->cols - 6, _("Press F2 or Enter to print the label."));
    else if (v->labelled)
        ui_put(y, 4, ui->cols - 6, _("Labelled: take it off the scale."));
    else
        ui_put(y, 4, ui->cols - 6, _("Put the goods on the scale."));
    attrset(A_NORMAL);
    y += 2;
    if (v->has_last) {
        core_format_kg(v->last.net_weight_g * 1000, last_kg, sizeof last_kg);
        ui_putf(y++, 4, ui->cols - 6, "%s: %s  %s kg  [%s]", _("Last label"),
                v->last.serial[0] ? v->last.serial : v->last.sscc, last_kg,
                label_state_word(db_label_state_name(v->last.state)));
        ui_put(y++, 6, ui->cols - 8, v->last.gs1);
    }
    core_format_kg(v->shift_grams * 1000, shift_kg, sizeof shift_kg);
    ui_putf(y++, 4, ui->cols - 6,
            _("This shift: %lld labels, %s kg. Waiting to be scanned back: %d."),
            (long long)v->shift_labels, shift_kg, v->n_waiting_scan);
    if (v->input[0] != '\0')
        ui_putf(y, 4, ui->cols - 6, "%s %s_", _("Scan:"), v->input);
    else if (ui->demo_keys && y < ui_body_bottom(ui))
        ui_put_wrap(y, 4, ui->cols - 6, ui_body_bottom(ui) - y,
                    _("Demo: + and - put goods on or take them off, 0 empties the scale, Tab "
                      "scans the last label."));
}

/* Received goods: each element explained in the user's words ("(17) Hạn sử dụng: 31/12/2027"). */
static void
draw_receive(struct ui *ui, const struct core_view *v, int y)
{
    for (int i = 0; i < v->n_items && y < ui_body_bottom(ui); i++, y++) {
        struct gs1_element el;
        char line[600];

        memset(&el, 0, sizeof el);
        snprintf(el.ai, sizeof el.ai, "%.4s", v->items[i].text);
        snprintf(el.value, sizeof el.value, "%.90s", v->items[i].right);
        cli_gs1_describe(&el, line, sizeof line);
        ui_put(y, 4, ui->cols - 6, line);
    }
}

static void
draw_summary(struct ui *ui, const struct core_view *v)
{
    static const char *const fill[] = {"█", "▓", "▒", "░", "#", "=", "+", ":"};
    const struct core_summary *s = &v->summary;
    int64_t max = 1, total;
    int y = UI_BODY_TOP + 1, width = ui->cols - 30;

    ui_put(y++, 2, ui->cols - 4, _("kg per product per day (printed labels)"));
    for (int d = 0; d < s->n_days; d++) {
        total = 0;
        for (int p = 0; p < s->n_products; p++)
            total += s->grams[p][d];
        if (total > max)
            max = total;
    }
    for (int d = 0; d < s->n_days && y < ui_body_bottom(ui); d++, y++) {
        char kg[32];
        int x = 14;

        total = 0;
        ui_put(y, 2, 11, s->day[d] + 5); /* MM-DD */
        for (int p = 0; p < s->n_products; p++) {
            int n = (int)(s->grams[p][d] * width / max);

            total += s->grams[p][d];
            for (int i = 0; i < n; i++)
                x += ui_put(y, x, 1, fill[p % 8]);
        }
        core_format_kg(total * 1000, kg, sizeof kg);
        ui_putf(y, x + 1, ui->cols - x - 2, "%s kg", kg);
    }
    y++;
    if (s->n_products == 0)
        ui_put(y, 2, ui->cols - 4, _("No labels in these days."));
    for (int p = 0; p < s->n_products && y < ui_body_bottom(ui); p++, y++)
        ui_putf(y, 2, ui->cols - 4, "%s %s", fill[p % 8], s->product[p]);
}

void
ui_body_draw(struct ui *ui, const struct core_view *v)
{
    int y = UI_BODY_TOP + 1;

    switch (v->screen) {
    case CORE_SCR_SIGNIN:
        draw_signin(ui, v);
        break;
    case CORE_SCR_RECOVER:
        y += ui_put_wrap(y, 2, ui->cols - 4, 2,
                         _("These labels were not finished before the last stop. Enter: print "
                           "again, F4: void."));
        draw_list(ui, v, y + 1, 0);
        break;
    case CORE_SCR_PRODUCT:
        ui_put(y, 2, ui->cols - 4, _("Choose the product (↑ ↓) and press Enter."));
        draw_list(ui, v, y + 2, 0);
        break;
    case CORE_SCR_LOT:
        draw_lot(ui, v);
        break;
    case CORE_SCR_WEIGH:
        draw_weigh(ui, v);
        break;
    case CORE_SCR_REASON:
        ui_putf(y, 2, ui->cols - 4, "%s %s",
                v->pending == CORE_PEND_VOID ? _("Void this label.") : _("Print this label again."),
                _("Why? Choose a reason and press Enter."));
        draw_list(ui, v, y + 2, 1);
        break;
    case CORE_SCR_PALLET:
        ui_put(y, 2, ui->cols - 4, _("Scan the case labels, then press F2 for the pallet label."));
        ui_putf(y + 1, 2, ui->cols - 4, _("Cases: %d"), v->n_items);
        if (v->input[0] != '\0')
            ui_putf(y + 2, 2, ui->cols - 4, "%s %s_", _("Scan:"), v->input);
        draw_list(ui, v, y + 3, 0);
        break;
    case CORE_SCR_RECEIVE:
        ui_put(y, 2, ui->cols - 4,
               _("Scan the label of incoming goods: it is explained here and recorded."));
        if (v->input[0] != '\0')
            ui_putf(y + 1, 2, ui->cols - 4, "%s %s_", _("Scan:"), v->input);
        draw_receive(ui, v, y + 2);
        break;
    case CORE_SCR_SUMMARY:
        draw_summary(ui, v);
        break;
    case CORE_SCR_QUIT: {
        char dots[CORE_INPUT_MAX];
        size_t n = strlen(v->input);

        memset(dots, '*', n);
        dots[n] = '\0';
        ui_put(y, 2, ui->cols - 4, _("Enter a manager's PIN to leave the kiosk."));
        ui_putf(y + 2, 2, ui->cols - 4, "%s %s_", _("PIN:"), dots);
        break;
    }
    case CORE_SCR_CONFIRM:
        ui_putf(y, 2, ui->cols - 4, _("Close lot %s? No more labels can be printed for it."),
                v->lot_code);
        ui_put(y + 2, 2, ui->cols - 4, _("Enter: yes, Esc: no."));
        break;
    default:
        break;
    }
}

const char *
ui_screen_title(enum core_screen s)
{
    static const char *const titles[CORE_SCR_COUNT] = {
        [CORE_SCR_SIGNIN] = N_("Sign in"),           [CORE_SCR_RECOVER] = N_("Unfinished labels"),
        [CORE_SCR_PRODUCT] = N_("Choose a product"), [CORE_SCR_LOT] = N_("Choose a lot"),
        [CORE_SCR_WEIGH] = N_("Weigh and label"),    [CORE_SCR_REASON] = N_("Reason"),
        [CORE_SCR_PALLET] = N_("Build a pallet"),    [CORE_SCR_RECEIVE] = N_("Receive goods"),
        [CORE_SCR_SUMMARY] = N_("Daily totals"),     [CORE_SCR_QUIT] = N_("Leave the kiosk"),
        [CORE_SCR_CONFIRM] = N_("Confirm"),
    };

    return (unsigned)s < CORE_SCR_COUNT && titles[s] != NULL ? _(titles[s]) : "";
}
