/*
 * decode-wedge.c — keyboard-wedge scanners: evdev key codes to characters
 * with our own layout tables (reference/devices.md §2.4–2.5: the layout of
 * the desktop must not decide what a barcode says), and the timing rule
 * that tells a scan from typing on the kiosk's own terminal.
 */
#include <linux/input-event-codes.h>
#include <string.h>
#include <strings.h>

#include "decode.h"

/*
 * Layout tables, one string per key row, in key-code order:
 *   KEY_1..KEY_EQUAL (2..13), KEY_Q..KEY_RIGHTBRACE (16..27),
 *   KEY_A..KEY_GRAVE (30..41), KEY_BACKSLASH (43), KEY_Z..KEY_SLASH (44..53),
 *   KEY_102ND (86).
 * '\x01' marks a key whose character is not ASCII or is a dead key: a scan
 * containing one is refused instead of being passed on with a hole in it.
 * ' ' in the AltGr rows means "nothing on this key" (also refused).
 */
struct layout_rows {
    const char *digits, *top, *home, *backslash, *bottom, *k102;
};

struct layout {
    const char *name;
    struct layout_rows plain, shift, altgr;
};

static const struct layout layouts[] = {
    [WEDGE_LAYOUT_US] = {"us",
                         {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'`", "\\", "zxcvbnm,./", "\\"},
                         {"!@#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:\"~", "|", "ZXCVBNM<>?", "|"},
                         {"            ", "            ", "            ", " ", "          ", " "}},
    [WEDGE_LAYOUT_UK] = {"uk",
                         {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'`", "#", "zxcvbnm,./", "\\"},
                         {"!\"\x01$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:@\x01", "~", "ZXCVBNM<>?",
                          "|"},
                         {"            ", "            ", "            ", " ", "          ", " "}},
    [WEDGE_LAYOUT_DE] = {"de",
                         {"1234567890\x01\x01", "qwertzuiop\x01+", "asdfghjkl\x01\x01\x01", "#",
                          "yxcvbnm,.-", "<"},
                         {"!\"\x01$%&/()=?\x01", "QWERTZUIOP\x01*", "ASDFGHJKL\x01\x01\x01", "'",
                          "YXCVBNM;:_", ">"},
                         {"      {[]}\\  ", "@          ~", "            ", " ", "          ",
                          "|"}},
    [WEDGE_LAYOUT_FR] = {"fr",
                         {"&\x01\"'(-\x01_\x01\x01)=", "azertyuiop\x01$", "qsdfghjklm\x01\x01", "*",
                          "wxcvbn,;:!", "<"},
                         {"1234567890\x01+", "AZERTYUIOP\x01\x01", "QSDFGHJKLM%\x01", "\x01",
                          "WXCVBN?./\x01", ">"},
                         {" ~#{[|`\\^@]}", "            ", "            ", " ", "          ", " "}},
};

int
wedge_layout_parse(const char *name)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        if (strcasecmp(name, layouts[i].name) == 0)
            return (int)i;
    }
    if (strcasecmp(name, "gb") == 0)
        return WEDGE_LAYOUT_UK;
    return -1;
}

/* The character of `code` in one row set; 0 when the key is not a character key. */
static int
rows_char(const struct layout_rows *r, unsigned code)
{
    if (code >= KEY_1 && code <= KEY_EQUAL)
        return (unsigned char)r->digits[code - KEY_1];
    if (code >= KEY_Q && code <= KEY_RIGHTBRACE)
        return (unsigned char)r->top[code - KEY_Q];
    if (code >= KEY_A && code <= KEY_GRAVE)
        return (unsigned char)r->home[code - KEY_A];
    if (code == KEY_BACKSLASH)
        return (unsigned char)r->backslash[0];
    if (code >= KEY_Z && code <= KEY_SLASH)
        return (unsigned char)r->bottom[code - KEY_Z];
    if (code == KEY_102ND)
        return (unsigned char)r->k102[0];
    return 0;
}

/* Keypad keys, NumLock on (scanners send digits there for Alt codes). */
static int
keypad_char(unsigned code)
{
    static const struct {
        unsigned code;
        char c;
    } kp[] = {
        {KEY_KP0, '0'},    {KEY_KP1, '1'},     {KEY_KP2, '2'},        {KEY_KP3, '3'},
        {KEY_KP4, '4'},    {KEY_KP5, '5'},     {KEY_KP6, '6'},        {KEY_KP7, '7'},
        {KEY_KP8, '8'},    {KEY_KP9, '9'},     {KEY_KPDOT, '.'},      {KEY_KPMINUS, '-'},
        {KEY_KPPLUS, '+'}, {KEY_KPSLASH, '/'}, {KEY_KPASTERISK, '*'},
    };

    for (size_t i = 0; i < sizeof kp / sizeof kp[0]; i++) {
        if (kp[i].code == code)
            return kp[i].c;
    }
    return 0;
}

void
wedge_keys_init(struct wedge_keys *k, enum wedge_layout layout)
{
    memset(k, 0, sizeof *k);
    k->layout = layout;
    k->alt_code = -1;
}

static bool
wedge_modifier(struct wedge_keys *k, unsigned code, int value, int *alt_char)
{
    bool down = value != 0;

    *alt_char = -1;
    switch (code) {
    case KEY_LEFTSHIFT:
        k->shift_l = down;
        return true;
    case KEY_RIGHTSHIFT:
        k->shift_r = down;
        return true;
    case KEY_LEFTCTRL:
    case KEY_RIGHTCTRL:
        k->ctrl = down;
        return true;
    case KEY_LEFTALT:
        if (!down && k->alt_code >= 0)
            *alt_char = k->alt_code; /* Alt released: the Alt+keypad code is done */
        k->alt = down;
        k->alt_code = -1;
        return true;
    case KEY_RIGHTALT:
        k->altgr = down;
        return true;
    case KEY_CAPSLOCK:
        if (value == 1)
            k->caps = !k->caps;
        return true;
    default:
        return false;
    }
}

static int
wedge_put(struct wedge_keys *k, int c)
{
    if (c == 0x01) {
        k->overflow = true; /* the scan is spoiled: refused at Enter */
        return 0;
    }
    if (k->len == SCAN_DATA_MAX) {
        k->overflow = true;
        return 0;
    }
    k->buf[k->len++] = (uint8_t)c;
    return 0;
}

/* The character a key press gives with the current modifiers; -1 for none. */
static int
wedge_char(struct wedge_keys *k, unsigned code)
{
    const struct layout *l = &layouts[k->layout];
    bool shift = k->shift_l || k->shift_r;
    int c;

    if (code == KEY_SPACE)
        return ' ';
    if (k->altgr) {
        c = rows_char(&l->altgr, code);
        if (c == ' ')
            return 0x01; /* nothing on this key with AltGr: refuse the scan */
    } else {
        c = rows_char(shift ? &l->shift : &l->plain, code);
        if (c != 0 && c != 0x01 && k->caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            c ^= 0x20;
    }
    if (c == 0)
        return -1;
    if (k->ctrl && c >= 0x40 && c < 0x80)
        c &= 0x1F; /* Ctrl+] is GS (0x1D), the GS1 separator */
    return c;
}

int
wedge_keys_feed(struct wedge_keys *k, unsigned code, int value, struct scan *out,
                struct tt_err *err)
{
    int alt_char, c, rc;
    bool bad;

    if (wedge_modifier(k, code, value, &alt_char)) {
        if (alt_char >= 0) {
            if (alt_char > 255)
                alt_char = 0x01;
            wedge_put(k, alt_char == 0 ? 0x01 : alt_char);
        }
        return 0;
    }
    if (value == 0)
        return 0; /* releases carry nothing; repeats (2) count as presses */
    if (code == KEY_ENTER || code == KEY_KPENTER || (code == KEY_TAB && k->tab_ends_scan)) {
        if (k->len == 0 && !k->overflow)
            return 0;
        bad = k->overflow;
        rc = bad ? 0 : scan_from_bytes(k->buf, k->len, out, err);
        k->len = 0;
        k->overflow = false;
        if (bad)
            return tt_err_set(
                err, TT_EINVAL, "wedge_keys_feed",
                "scan dropped: too long, input events lost, or a key with no ASCII "
                "character in this layout (set the scanner to the configured layout)");
        return rc == 0 ? 1 : rc;
    }
    if (code == KEY_TAB)
        return wedge_put(k, '\t');
    if (k->alt && (c = keypad_char(code)) >= '0' && c <= '9') {
        k->alt_code = (k->alt_code < 0 ? 0 : k->alt_code * 10) + (c - '0');
        if (k->alt_code > 999)
            k->alt_code = 999;
        return 0;
    }
    c = keypad_char(code);
    if (c == 0)
        c = wedge_char(k, code);
    if (c > 0)
        wedge_put(k, c);
    return 0;
}

/* --- timing on the kiosk's own terminal --------------------------------------- */

void
wedge_timing_init(struct wedge_timing *t)
{
    memset(t, 0, sizeof *t);
    t->min_len = 6;
    t->max_avg_gap_ms = 30;
}

int
wedge_timing_feed(struct wedge_timing *t, uint8_t byte, int64_t now_ms, struct scan *scan_out,
                  struct tt_err *err)
{
    if (byte == '\r' || byte == '\n') {
        size_t n = t->len;
        int64_t span = now_ms - t->first_ms;
        bool fast;
        int rc;

        if (n == 0)
            return WEDGE_MORE;
        t->len = 0;
        /* n characters and the terminator: n gaps in all. */
        fast = (int)n >= t->min_len && span < (int64_t)t->max_avg_gap_ms * (int64_t)n;
        if (fast) {
            rc = scan_from_bytes(t->buf, n, scan_out, err);
            return rc == 0 ? WEDGE_SCAN : rc;
        }
        memset(scan_out->aim, 0, sizeof scan_out->aim);
        memcpy(scan_out->data, t->buf, n);
        scan_out->len = n;
        return WEDGE_TYPED;
    }
    if (t->len == 0)
        t->first_ms = now_ms;
    if (t->len == SCAN_DATA_MAX) {
        t->len = 0;
        return tt_err_set(err, TT_EINVAL, "wedge_timing_feed",
                          "line longer than %d bytes without Enter: dropped", SCAN_DATA_MAX);
    }
    t->buf[t->len++] = byte;
    t->last_ms = now_ms;
    return WEDGE_MORE;
}
