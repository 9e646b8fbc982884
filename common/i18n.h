/*
 * i18n.h — choosing the user's language and where the catalogues and data
 * files live. This sets gettext up; it translates nothing itself (only the
 * station and the portal front ends call gettext).
 */
#ifndef TT_I18N_H
#define TT_I18N_H

#include <stddef.h>

enum tt_lang { TT_LANG_VI, TT_LANG_EN };

/*
 * The language to use: `opt` ("vi", "en" or NULL) if given, else the first
 * of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set; Vietnamese when none
 * is set or the locale is C/POSIX, English for any other language.
 * Returns -1 when `opt` names no language we have.
 */
int i18n_pick(const char *opt);

/*
 * The value of a leading `--lang X` / `--lang=X` among the global options of
 * argv, found before anything is printed so that usage errors are
 * translated too; `with_value` lists the other global options that take a
 * value (NULL-terminated). Scanning stops at the first non-option (the
 * command). Returns a borrowed argv string or NULL.
 */
const char *i18n_lang_arg(int argc, char **argv, const char *const *with_value);

/*
 * Sets the locale (a UTF-8 one, falling back to C.UTF-8), binds the
 * "tramtem" text domain to the catalogue folder and selects `lang`.
 */
void i18n_init(enum tt_lang lang);

/* The language chosen by the last i18n_init() ("vi" or "en"). */
const char *i18n_lang_code(void);

/*
 * Folders, looked up once: $TRAMTEM_LOCALEDIR / $TRAMTEM_DATADIR when set,
 * then the build tree beside the program (build/locale, data/), then the
 * installed paths. Returns borrowed static strings.
 */
const char *tt_localedir(void);

/*
 * A per-user default file: $<env> when set, else $<xdg_var>/<tail>, else
 * $HOME/<home_rel>/<tail> (XDG base-directory rules). Writes into out and
 * returns it, or returns the environment's own string (borrowed).
 */
const char *tt_user_path(const char *env, const char *xdg_var, const char *home_rel,
                         const char *tail, char *out, size_t out_len);
const char *tt_datadir(void);

#endif
