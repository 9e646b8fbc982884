/*
 * i18n.c — language choice and catalogue/data folder discovery.
 *
 * gettext ignores LANGUAGE when the locale is plain "C", and a fresh Debian
 * machine often has no vi_VN locale generated, so we run under C.UTF-8 (or
 * the user's UTF-8 locale) and select the catalogue through LANGUAGE.
 */
#include "i18n.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef DATADIR
#define DATADIR "/usr/local/share/tramtem"
#endif

static enum tt_lang current_lang = TT_LANG_VI;

static int
lang_from_name(const char *s)
{
    if (s == NULL || *s == '\0')
        return -1;
    if (strcmp(s, "C") == 0 || strcmp(s, "POSIX") == 0 || strncmp(s, "C.", 2) == 0)
        return TT_LANG_VI;
    if (strncmp(s, "vi", 2) == 0)
        return TT_LANG_VI;
    return TT_LANG_EN;
}

int
i18n_pick(const char *opt)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};

    if (opt != NULL) {
        if (strcmp(opt, "vi") == 0)
            return TT_LANG_VI;
        if (strcmp(opt, "en") == 0)
            return TT_LANG_EN;
        return -1;
    }
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        int lang = lang_from_name(getenv(vars[i]));

        if (lang >= 0)
            return lang;
    }
    return TT_LANG_VI;
}

static int
takes_value(const char *arg, const char *const *with_value)
{
    for (; with_value != NULL && *with_value != NULL; with_value++)
        if (strcmp(arg, *with_value) == 0)
            return 1;
    return 0;
}

const char *
i18n_lang_arg(int argc, char **argv, const char *const *with_value)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--lang=", 7) == 0)
            return argv[i] + 7;
        if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-')
            break;
        if (takes_value(argv[i], with_value))
            i++;
    }
    return NULL;
}

static int
is_utf8_locale(const char *name)
{
    return name != NULL && (strstr(name, "UTF-8") != NULL || strstr(name, "utf8") != NULL);
}

void
i18n_init(enum tt_lang lang)
{
    const char *loc = setlocale(LC_ALL, "");

    if (!is_utf8_locale(loc) && setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    current_lang = lang;
    setenv("LANGUAGE", lang == TT_LANG_VI ? "vi" : "en", 1);
    bindtextdomain("tramtem", tt_localedir());
    bind_textdomain_codeset("tramtem", "UTF-8");
    textdomain("tramtem");
}

const char *
i18n_lang_code(void)
{
    return current_lang == TT_LANG_VI ? "vi" : "en";
}

static int
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder holding the running program, or "" when unknown. */
static const char *
exe_dir(void)
{
    static char dir[PATH_MAX];
    static int done;

    if (!done) {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
        char *slash;

        done = 1;
        if (n <= 0) {
            dir[0] = '\0';
            return dir;
        }
        dir[n] = '\0';
        slash = strrchr(dir, '/');
        if (slash != NULL)
            *slash = '\0';
    }
    return dir;
}

static const char *
find_dir(char *cache, size_t cache_len, const char *env, const char *const *rel,
         const char *fallback)
{
    const char *v = getenv(env);

    if (cache[0] != '\0')
        return cache;
    if (v != NULL && *v != '\0') {
        snprintf(cache, cache_len, "%s", v);
        return cache;
    }
    for (; *rel != NULL; rel++) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", exe_dir(), *rel);

        if (n > 0 && (size_t)n < sizeof path && exe_dir()[0] != '\0' && is_dir(path)) {
            char *real = realpath(path, NULL);
            const char *found = real != NULL ? real : path;

            if (strlen(found) < cache_len)
                memcpy(cache, found, strlen(found) + 1);
            free(real);
            if (cache[0] != '\0')
                return cache;
        }
    }
    snprintf(cache, cache_len, "%s", fallback);
    return cache;
}

const char *
tt_user_path(const char *env, const char *xdg_var, const char *home_rel, const char *tail,
             char *out, size_t out_len)
{
    const char *v = getenv(env);
    const char *xdg = getenv(xdg_var);
    const char *home = getenv("HOME");

    if (v != NULL && *v != '\0')
        return v;
    if (xdg != NULL && *xdg != '\0')
        snprintf(out, out_len, "%s/%s", xdg, tail);
    else
        snprintf(out, out_len, "%s/%s/%s", home != NULL ? home : ".", home_rel, tail);
    return out;
}

const char *
tt_localedir(void)
{
    static char cache[PATH_MAX];
    /* build/tramtem, build/asan/tramtem, build/tests/x: catalogues sit in the build root */
    static const char *const rel[] = {"locale", "../locale", NULL};

    return find_dir(cache, sizeof cache, "TRAMTEM_LOCALEDIR", rel, LOCALEDIR);
}

const char *
tt_datadir(void)
{
    static char cache[PATH_MAX];
    static const char *const rel[] = {"../data/labels/..", "../../data/labels/..",
                                      "../../../data/labels/..", NULL};

    return find_dir(cache, sizeof cache, "TRAMTEM_DATADIR", rel, DATADIR);
}
