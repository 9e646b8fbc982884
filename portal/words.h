/*
 * words.h — the few EPCIS words the portal shows to people (bizStep,
 * disposition, event type), in Vietnamese and English side by side. The
 * web pages answer each request in its own language, which gettext's
 * process-wide choice cannot do, so these live in one bilingual table.
 */
#ifndef PORTAL_WORDS_H
#define PORTAL_WORDS_H

enum words_lang { WORDS_VI, WORDS_EN };

/* The bizStep in words ("commissioning" -> "Ghi nhận / dán nhãn"); unknown words as given. */
const char *words_biz_step(const char *step, enum words_lang lang);

/* The disposition in words; unknown as given. */
const char *words_disposition(const char *disp, enum words_lang lang);

#endif
