/* test_common.c — the shared error struct, exit codes and language choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/i18n.h"
#include "../../common/tt.h"

static void
err_set_fills_struct_and_returns_code(void **state)
{
    struct tt_err err;

    (void)state;
    tt_err_clear(&err);
    assert_int_equal(tt_err_set(&err, TT_EINVAL, "here", "bad %s %d", "thing", 7), TT_EINVAL);
    assert_int_equal(err.code, TT_EINVAL);
    assert_string_equal(err.msg, "bad thing 7");
    assert_string_equal(err.where, "here");
    assert_int_equal(tt_err_setd(NULL, TT_EIO, 3, "x", "y"), TT_EIO);
    assert_int_equal(tt_err_setd(&err, TT_EPARSE, 42, "p", "q"), TT_EPARSE);
    assert_int_equal(err.detail, 42);
}

static void
err_message_is_truncated_not_overflowed(void **state)
{
    struct tt_err err;
    char big[1000];

    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tt_err_set(&err, TT_EIO, "w", "%s", big);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
}

static void
exit_codes_follow_the_cli_contract(void **state)
{
    (void)state;
    assert_int_equal(tt_exit_code(TT_OK), 0);
    assert_int_equal(tt_exit_code(TT_EPARSE), 65);
    assert_int_equal(tt_exit_code(TT_EINVAL), 65);
    assert_int_equal(tt_exit_code(TT_EDEVICE), 69);
    assert_int_equal(tt_exit_code(TT_EIO), 74);
    assert_int_equal(tt_exit_code(TT_EUSAGE), 2);
    assert_int_equal(tt_exit_code(TT_ENOTFOUND), 1);
    assert_string_equal(tt_code_name(TT_ESIG), "TT_ESIG");
    assert_string_equal(tt_code_name(-999), "TT_E?");
}

static void
language_defaults_to_vietnamese(void **state)
{
    (void)state;
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    assert_int_equal(i18n_pick(NULL), TT_LANG_VI);
    setenv("LANG", "C.UTF-8", 1);
    assert_int_equal(i18n_pick(NULL), TT_LANG_VI);
    setenv("LANG", "en_GB.UTF-8", 1);
    assert_int_equal(i18n_pick(NULL), TT_LANG_EN);
    setenv("LC_ALL", "vi_VN.UTF-8", 1);
    assert_int_equal(i18n_pick(NULL), TT_LANG_VI);
    assert_int_equal(i18n_pick("en"), TT_LANG_EN);
    assert_int_equal(i18n_pick("vi"), TT_LANG_VI);
    assert_int_equal(i18n_pick("fr"), -1);
}

static void
lang_option_is_found_among_global_options(void **state)
{
    static const char *const value_opts[] = {"--db", "--key", NULL};
    char a0[] = "tramtem", db[] = "--db", dbv[] = "/tmp/x.db", lang[] = "--lang", en[] = "en",
         eq[] = "--lang=vi", cmd[] = "lot", key[] = "--key", keyv[] = "--lang";
    char *after_db[] = {a0, db, dbv, lang, en, cmd, NULL};
    char *with_eq[] = {a0, eq, cmd, NULL};
    char *after_cmd[] = {a0, cmd, lang, en, NULL};
    char *value_like_option[] = {a0, key, keyv, cmd, NULL};

    (void)state;
    assert_string_equal(i18n_lang_arg(6, after_db, value_opts), "en");
    assert_string_equal(i18n_lang_arg(3, with_eq, value_opts), "vi");
    assert_null(i18n_lang_arg(4, after_cmd, value_opts));         /* a command's own arguments */
    assert_null(i18n_lang_arg(4, value_like_option, value_opts)); /* "--lang" as --key's value */
}

static void
user_path_follows_env_then_xdg_then_home(void **state)
{
    char buf[256];

    (void)state;
    setenv("HOME", "/home/hoa", 1);
    unsetenv("TT_TEST_FILE");
    unsetenv("XDG_DATA_HOME");
    assert_string_equal(tt_user_path("TT_TEST_FILE", "XDG_DATA_HOME", ".local/share",
                                     "tramtem/station.db", buf, sizeof buf),
                        "/home/hoa/.local/share/tramtem/station.db");
    setenv("XDG_DATA_HOME", "/srv/data", 1);
    assert_string_equal(tt_user_path("TT_TEST_FILE", "XDG_DATA_HOME", ".local/share",
                                     "tramtem/station.db", buf, sizeof buf),
                        "/srv/data/tramtem/station.db");
    setenv("TT_TEST_FILE", "/media/st.db", 1);
    assert_string_equal(tt_user_path("TT_TEST_FILE", "XDG_DATA_HOME", ".local/share",
                                     "tramtem/station.db", buf, sizeof buf),
                        "/media/st.db");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(err_set_fills_struct_and_returns_code),
        cmocka_unit_test(err_message_is_truncated_not_overflowed),
        cmocka_unit_test(exit_codes_follow_the_cli_contract),
        cmocka_unit_test(language_defaults_to_vietnamese),
        cmocka_unit_test(lang_option_is_found_among_global_options),
        cmocka_unit_test(user_path_follows_env_then_xdg_then_home),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
