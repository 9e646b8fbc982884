#!/usr/bin/env bash
# The keyboard-wedge path with an exclusive grab (EVIOCGRAB), replayed by
# umockdev from an evemu recording: a Newland scanner in keyboard mode types
# "]C1" + GS1 data with Ctrl+] for GS, 4 ms a key. /dev/uinput does not exist
# on this kind of machine (reference/devices.md §4.3), so umockdev's evdev
# emulation stands in for the kernel's input layer.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$TT_TOP/tests/data/devices
run() {
    umockdev-run -d "$data/newland-kbd.umockdev" -i /dev/input/event7="$data/newland-kbd.ioctl" \
        -e /dev/input/event7="$data/newland-kbd.events" -- "$@"
}
run "$TT_BIN" --lang en scan watch --device evdev:/dev/input/event7 --json --count 2 --seconds 10 \
    >"$tmp/out" 2>"$tmp/err"
cat "$tmp/out" "$tmp/err"
sed -n 1p "$tmp/out" | grep -qF '{"aim":"]C1","data":"0109501101530003\u001d10ABC","len":22,"typed":false}'
sed -n 2p "$tmp/out" | grep -qF '{"aim":"","data":"4006381333931","len":13,"typed":false}'
# the stable by-id name works too, with a layout option
run "$TT_BIN" --lang en scan watch \
    --device 'evdev:/dev/input/by-id/usb-Newland_Barcode_Scanner-event-kbd?layout=us' --count 1 \
    --seconds 10 >"$tmp/byid" 2>&1
grep -qF ']C1  0109501101530003<GS>10ABC' "$tmp/byid"
grep -q '(grabbed, layout us)' "$tmp/byid"
# the kernel dropped events (SYN_DROPPED) in the middle of the first scan:
# that scan is refused, never passed on with holes; the next one is whole
umockdev-run -d "$data/newland-kbd.umockdev" -i /dev/input/event7="$data/newland-kbd.ioctl" \
    -e /dev/input/event7="$data/newland-kbd-dropped.events" -- \
    "$TT_BIN" --lang en scan watch --device evdev:/dev/input/event7 --json --count 1 --seconds 10 \
    >"$tmp/dropped" 2>"$tmp/dropped.err"
cat "$tmp/dropped" "$tmp/dropped.err"
grep -q 'input events lost' "$tmp/dropped.err"
[ "$(wc -l <"$tmp/dropped")" -eq 1 ]
grep -qF '{"aim":"","data":"4006381333931","len":13,"typed":false}' "$tmp/dropped"
# discovery sees it as a scanner (known vendor) on an input node
run "$TT_BIN" --lang en devices --json >"$tmp/devices"
grep -q '"kind":"scanner","state":"ok","spec":"evdev:/dev/input/event7","name":"Newland Barcode Scanner","vid":"1eab","pid":"8203"' "$tmp/devices"
echo ok
