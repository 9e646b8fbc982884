/*
 * test_scanners_scanner.c — scanners: key codes to characters in the US and
 * common layouts (GS kept as Ctrl+] and Alt+0029), scan-or-typing by timing,
 * HID POS report assembly, AIM prefixes, the sim scanner, and the serial
 * and terminal backends on pseudo-terminals.
 */
#include <linux/input-event-codes.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../scanners/decode.h"
#include "../../scanners/scanner.h"

#define GS "\x1d"

/* Presses and releases a key, with Shift / AltGr / Ctrl around it. */
static int
key(struct wedge_keys *k, unsigned code, unsigned mod, struct scan *out)
{
    int rc;

    if (mod)
        wedge_keys_feed(k, mod, 1, out, NULL);
    rc = wedge_keys_feed(k, code, 1, out, NULL);
    wedge_keys_feed(k, code, 0, out, NULL);
    if (mod)
        wedge_keys_feed(k, mod, 0, out, NULL);
    return rc;
}

/* Types a string of digits on the top row (layouts whose digits are plain). */
static void
digits(struct wedge_keys *k, const char *s, unsigned mod, struct scan *out)
{
    static const unsigned codes[10] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4,
                                       KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
    for (; *s; s++)
        key(k, codes[*s - '0'], mod, out);
}

static void
wedge_us_gs1_scan_with_aim_and_gs(void **state)
{
    struct wedge_keys k;
    struct scan out;

    (void)state;
    wedge_keys_init(&k, WEDGE_LAYOUT_US);
    key(&k, KEY_RIGHTBRACE, 0, &out);    /* ] */
    key(&k, KEY_C, KEY_LEFTSHIFT, &out); /* C */
    key(&k, KEY_1, 0, &out);             /* 1 */
    digits(&k, "0109501101530003", 0, &out);
    key(&k, KEY_RIGHTBRACE, KEY_LEFTCTRL, &out); /* Ctrl+] = GS */
    digits(&k, "10", 0, &out);
    key(&k, KEY_A, KEY_RIGHTSHIFT, &out);
    key(&k, KEY_B, 0, &out);
    /* Alt + keypad 0 0 2 9 = GS too */
    wedge_keys_feed(&k, KEY_LEFTALT, 1, &out, NULL);
    key(&k, KEY_KP0, 0, &out);
    key(&k, KEY_KP0, 0, &out);
    key(&k, KEY_KP2, 0, &out);
    key(&k, KEY_KP9, 0, &out);
    wedge_keys_feed(&k, KEY_LEFTALT, 0, &out, NULL);
    digits(&k, "21", 0, &out);
    key(&k, KEY_KP7, 0, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 1);
    assert_string_equal(out.aim, "]C1");
    assert_int_equal(out.len, strlen("0109501101530003" GS "10Ab" GS "217"));
    assert_memory_equal(out.data, "0109501101530003" GS "10Ab" GS "217", out.len);
    /* an empty Enter gives nothing */
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 0);
}

static void
wedge_layouts(void **state)
{
    struct wedge_keys k;
    struct scan out;

    (void)state;
    /* German: the key labelled Y on a US keyboard types z; ']' is AltGr+9 */
    wedge_keys_init(&k, WEDGE_LAYOUT_DE);
    key(&k, KEY_Y, 0, &out);
    key(&k, KEY_Z, KEY_LEFTSHIFT, &out);
    key(&k, KEY_9, KEY_RIGHTALT, &out);
    key(&k, KEY_SLASH, 0, &out);
    assert_int_equal(key(&k, KEY_KPENTER, 0, &out), 1);
    assert_int_equal(out.len, 4);
    assert_memory_equal(out.data, "zY]-", 4);
    /* a key with no ASCII character spoils the scan: refused, not holed */
    key(&k, KEY_1, 0, &out);
    key(&k, KEY_SEMICOLON, 0, &out); /* ö */
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), TT_EINVAL);
    key(&k, KEY_1, 0, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 1); /* the next one is clean */
    assert_memory_equal(out.data, "1", 1);
    /* French: digits need Shift; unshifted they are & é " ... */
    wedge_keys_init(&k, WEDGE_LAYOUT_FR);
    digits(&k, "4006381333931", KEY_LEFTSHIFT, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 1);
    assert_int_equal(out.len, 13);
    assert_memory_equal(out.data, "4006381333931", 13);
    key(&k, KEY_1, 0, &out);
    key(&k, KEY_Q, 0, &out);
    key(&k, KEY_0, KEY_RIGHTALT, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 1);
    assert_memory_equal(out.data, "&a@", 3);
    /* UK: Shift+' is @, and Caps Lock only touches letters */
    wedge_keys_init(&k, WEDGE_LAYOUT_UK);
    key(&k, KEY_APOSTROPHE, KEY_LEFTSHIFT, &out);
    key(&k, KEY_CAPSLOCK, 0, &out);
    key(&k, KEY_X, 0, &out);
    key(&k, KEY_2, 0, &out);
    key(&k, KEY_X, KEY_LEFTSHIFT, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 1);
    assert_int_equal(out.len, 4);
    assert_memory_equal(out.data, "@X2x", 4);
    assert_int_equal(wedge_layout_parse("de"), WEDGE_LAYOUT_DE);
    assert_int_equal(wedge_layout_parse("gb"), WEDGE_LAYOUT_UK);
    assert_int_equal(wedge_layout_parse("xx"), -1);
}

static void
wedge_tab_and_overflow(void **state)
{
    struct wedge_keys k;
    struct scan out;

    (void)state;
    wedge_keys_init(&k, WEDGE_LAYOUT_US);
    k.tab_ends_scan = true;
    digits(&k, "12", 0, &out);
    assert_int_equal(key(&k, KEY_TAB, 0, &out), 1);
    assert_int_equal(out.len, 2);
    for (int i = 0; i < SCAN_DATA_MAX + 5; i++)
        key(&k, KEY_5, 0, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), TT_EINVAL);
    digits(&k, "7", 0, &out);
    assert_int_equal(key(&k, KEY_ENTER, 0, &out), 1);
    assert_int_equal(out.len, 1);
}

static int
feed_timed(struct wedge_timing *t, const char *s, int gap_ms, int64_t *now, struct scan *out)
{
    int v = WEDGE_MORE;

    for (; *s; s++) {
        v = wedge_timing_feed(t, (uint8_t)*s, *now, out, NULL);
        *now += gap_ms;
    }
    return v;
}

static void
timing_tells_scan_from_typing(void **state)
{
    struct wedge_timing t;
    struct scan out;
    int64_t now = 1000;

    (void)state;
    wedge_timing_init(&t);
    /* 4 ms a key, as reference/devices.md measured through umockdev */
    assert_int_equal(feed_timed(&t, "]E08934567890128\r", 4, &now, &out), WEDGE_SCAN);
    assert_string_equal(out.aim, "]E0");
    assert_int_equal(out.len, 13);
    assert_memory_equal(out.data, "8934567890128", 13);
    /* 180 ms a key: a person */
    assert_int_equal(feed_timed(&t, "12345678\r", 180, &now, &out), WEDGE_TYPED);
    assert_int_equal(out.len, 8);
    assert_string_equal(out.aim, "");
    /* fast but short: a person hitting keys */
    assert_int_equal(feed_timed(&t, "12\n", 4, &now, &out), WEDGE_TYPED);
    assert_int_equal(feed_timed(&t, "\r", 4, &now, &out), WEDGE_MORE);
    /* just under and just over the 30 ms average */
    assert_int_equal(feed_timed(&t, "1234567\r", 29, &now, &out), WEDGE_SCAN);
    assert_int_equal(feed_timed(&t, "1234567\r", 31, &now, &out), WEDGE_TYPED);
}

static void
hidpos_scanner_reports(void **state)
{
    uint8_t r[64];
    struct hidpos_scan_asm a;
    struct tt_err err;

    (void)state;
    hidpos_scan_init(&a);
    memset(r, 0, sizeof r);
    r[0] = 0x02;
    r[1] = 13;
    memcpy(r + 2, "]E0", 3);
    memcpy(r + 5, "4006381333931", 13);
    r[61] = 'd';
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), 1);
    assert_string_equal(a.scan.aim, "]E0");
    assert_int_equal(a.scan.len, 13);
    /* two packets: 56 bytes then 10, GS kept */
    memset(r, 0, sizeof r);
    r[0] = 0x02;
    r[1] = 56;
    memcpy(r + 2, "]d2", 3);
    memset(r + 5, '7', 56);
    r[5 + 20] = 0x1D;
    r[63] = 1;
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), 0);
    r[1] = 10;
    r[63] = 0;
    memcpy(r + 2, "]d2", 3);
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), 1);
    assert_int_equal(a.scan.len, 66);
    assert_int_equal(a.scan.data[20], 0x1D);
    assert_string_equal(a.scan.aim, "]d2");
    /* malformed */
    r[1] = 57;
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), TT_EPARSE);
    r[1] = 20;
    assert_int_equal(hidpos_scan_feed(&a, r, 10, &err), TT_EPARSE);
    r[0] = 0x03;
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), TT_EPARSE);
    assert_int_equal(hidpos_scan_feed(&a, r, 2, &err), TT_EPARSE);
    r[0] = 0x02;
    memcpy(r + 2, "]E\0", 3); /* an AIM with a NUL in it */
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), TT_EPARSE);
    /* AIM off: no identifier */
    memset(r, 0, sizeof r);
    r[0] = 0x02;
    r[1] = 3;
    memcpy(r + 5, "ABC", 3);
    assert_int_equal(hidpos_scan_feed(&a, r, 64, &err), 1);
    assert_string_equal(a.scan.aim, "");
}

static void
aim_prefix_split(void **state)
{
    struct scan s;

    (void)state;
    assert_int_equal(scan_from_bytes((const uint8_t *)"]Q3"
                                                      "01" GS "x",
                                     7, &s, NULL),
                     0);
    assert_string_equal(s.aim, "]Q3");
    assert_int_equal(s.len, 4);
    assert_int_equal(scan_from_bytes((const uint8_t *)"]C", 2, &s, NULL), 0);
    assert_string_equal(s.aim, "");
    assert_int_equal(s.len, 2);
    assert_int_equal(scan_from_bytes((const uint8_t *)"]1C0", 4, &s, NULL), 0);
    assert_string_equal(s.aim, "");
}

static void
sim_scanner_push_list_and_faults(void **state)
{
    char path[] = "/tmp/tt-scan-XXXXXX", spec[128];
    const char *list =
        "# training samples\n]E04006381333931\n]C1(not raw)\n0109501101530003\\x1d10LOT7\n";
    struct scanner *sc;
    struct scan s;
    struct tt_err err;
    int fd;

    (void)state;
    assert_int_equal(scanner_open("sim:", &sc, &err), 0);
    assert_int_equal(scanner_read(sc, &s, 20, &err), TT_ETIMEOUT);
    assert_int_equal(scanner_sim_push(sc, "]C1", (const uint8_t *)"01" GS "1", 4, &err), 0);
    assert_int_equal(scanner_read(sc, &s, 20, &err), 0);
    assert_string_equal(s.aim, "]C1");
    assert_memory_equal(s.data, "01" GS "1", 4);
    scanner_close(sc);
    assert_int_equal(scanner_open("tty:/nonexistent", &sc, &err), TT_EDEVICE);

    fd = mkstemp(path);
    assert_int_equal(write(fd, list, strlen(list)), (ssize_t)strlen(list));
    close(fd);
    snprintf(spec, sizeof spec, "sim:%s?list=1&speed=0", path);
    assert_int_equal(scanner_open(spec, &sc, &err), 0);
    assert_string_equal(scanner_backend(sc), "sim");
    assert_int_equal(scanner_read(sc, &s, 100, &err), 0);
    assert_string_equal(s.aim, "]E0");
    assert_int_equal(scanner_read(sc, &s, 100, &err), 0);
    assert_int_equal(scanner_read(sc, &s, 100, &err), 0);
    assert_string_equal(s.aim, "");
    assert_int_equal(s.len, strlen("0109501101530003" GS "10LOT7"));
    assert_int_equal(s.data[16], 0x1D);
    assert_int_equal(scanner_read(sc, &s, 100, &err), TT_ENOTFOUND);
    scanner_close(sc);
    snprintf(spec, sizeof spec, "sim:%s?list=1&speed=0&fault=unplug&after=1&unplug_ms=50", path);
    assert_int_equal(scanner_open(spec, &sc, &err), 0);
    assert_int_equal(scanner_read(sc, &s, 100, &err), 0);
    assert_int_equal(scanner_read(sc, &s, 100, &err), TT_EDEVICE);
    assert_int_equal(scanner_read(sc, &s, 1500, &err), 0); /* found again */
    assert_int_equal(s.data[16], 0x1D);
    scanner_close(sc);
    unlink(path);
    scanner_close(NULL);
}

struct typist {
    int master;
    const char *text;
    int gap_ms;
};

static void *
type_text(void *arg)
{
    struct typist *t = arg;

    for (const char *p = t->text; *p; p++) {
        if (write(t->master, p, 1) != 1)
            break;
        poll(NULL, 0, t->gap_ms);
    }
    return NULL;
}

static void
pty_open(int *master, char *name, size_t len)
{
    int slave;
    struct termios tio;

    assert_int_equal(openpty(master, &slave, NULL, NULL, NULL), 0);
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    snprintf(name, len, "%s", ttyname(slave));
    close(slave);
}

static void
serial_and_tty_scanners_on_pty(void **state)
{
    char name[64], spec[128];
    struct typist t = {0};
    struct scanner *sc;
    struct scan s;
    struct tt_err err;
    pthread_t th;

    (void)state;
    pty_open(&t.master, name, sizeof name);
    snprintf(spec, sizeof spec, "serial:%s", name);
    assert_int_equal(scanner_open(spec, &sc, &err), 0);
    assert_true(scanner_fd(sc) >= 0);
    t.text = "]d2"
             "0104006381333931" GS "10AB\r\n]E04006381333931\r";
    t.gap_ms = 0;
    pthread_create(&th, NULL, type_text, &t);
    assert_int_equal(scanner_read(sc, &s, 2000, &err), 0);
    assert_string_equal(s.aim, "]d2");
    assert_int_equal(s.len, 16 + 1 + 4);
    assert_int_equal(s.data[16], 0x1D);
    assert_int_equal(scanner_read(sc, &s, 2000, &err), 0);
    assert_string_equal(s.aim, "]E0");
    pthread_join(th, NULL);
    scanner_close(sc);

    snprintf(spec, sizeof spec, "tty:%s", name);
    assert_int_equal(scanner_open(spec, &sc, &err), 0);
    t.text = "8934567890128\r";
    t.gap_ms = 2;
    pthread_create(&th, NULL, type_text, &t);
    assert_int_equal(scanner_read(sc, &s, 2000, &err), 0);
    assert_int_equal(s.len, 13);
    pthread_join(th, NULL);
    t.text = "1234567\r";
    t.gap_ms = 80;
    pthread_create(&th, NULL, type_text, &t);
    assert_int_equal(scanner_read(sc, &s, 3000, &err), TT_ESTATE);
    assert_int_equal(s.len, 7);
    pthread_join(th, NULL);
    scanner_close(sc);
    close(t.master);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wedge_us_gs1_scan_with_aim_and_gs),
        cmocka_unit_test(wedge_layouts),
        cmocka_unit_test(wedge_tab_and_overflow),
        cmocka_unit_test(timing_tells_scan_from_typing),
        cmocka_unit_test(hidpos_scanner_reports),
        cmocka_unit_test(aim_prefix_split),
        cmocka_unit_test(sim_scanner_push_list_and_faults),
        cmocka_unit_test(serial_and_tty_scanners_on_pty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
