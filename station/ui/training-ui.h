/*
 * training-ui.h — drawing the training screens (struct training_view) on
 * the kiosk's terminal set-up (ui.h). Curses stays inside station/ui.
 */
#ifndef TT_STATION_TRAINING_UI_H
#define TT_STATION_TRAINING_UI_H

#include "../training-app.h"
#include "ui.h"

/* Draws the whole screen for `v` (title, body from v->scroll, input, message, keys). */
void training_ui_draw(struct ui *ui, const struct training_view *v);

#endif
