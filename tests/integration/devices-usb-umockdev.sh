#!/usr/bin/env bash
# libusb backends end to end under umockdev (reference/devices.md §4.1): a
# DYMO M10 HID scale and a Newland HID POS scanner described by hand-written
# device descriptions, their interrupt reports replayed from ioctl files.
# Also `tramtem devices` finds them by vendor/product id.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$TT_TOP/tests/data/devices
if ! command -v umockdev-run >/dev/null; then
    echo "umockdev-run is not installed (make deps installs umockdev)"; exit 1
fi

# The HID scale: the stale first report is dropped, 0 g, 10 g moving, then
# 300 g three times: stable. The replay wraps, so --count ends the run.
umockdev-run -d "$data/dymo-m10.umockdev" -i /dev/bus/usb/001/005="$data/dymo-m10.ioctl" -- \
    "$TT_BIN" --lang en scale watch --device usb:0922:8003 --json --count 2 --seconds 10 \
    >"$tmp/scale.out"
cat "$tmp/scale.out"
grep -q '"state":"in motion","kg":"0.0100","ug":10000000' "$tmp/scale.out"
grep -q '"state":"stable","kg":"0.300","ug":300000000' "$tmp/scale.out"
grep -q '"state":"under zero"}' "$tmp/scale.out"
# 2.6 oz in tenths of an ounce: 73.708760 g, shown with the scale's resolution
grep -q '"ug":73708760,"resolution_ug":2834952' "$tmp/scale.out"

# The same scale found by `usb:` alone (the table of known scales).
umockdev-run -d "$data/dymo-m10.umockdev" -i /dev/bus/usb/001/005="$data/dymo-m10.ioctl" -- \
    "$TT_BIN" --lang en scale watch --device usb: --json --count 1 --seconds 10 >"$tmp/auto.out"
grep -q '"state":"stable","kg":"0.300"' "$tmp/auto.out"

# A vendor/product id that is not plugged in: exit 69 and a message.
rc=0
umockdev-run -d "$data/dymo-m10.umockdev" -- \
    "$TT_BIN" --lang en scale watch --device usb:0922:8009 --seconds 1 2>"$tmp/none.err" || rc=$?
[ "$rc" -eq 69 ]
grep -q 'not plugged in' "$tmp/none.err"

# The same scale through hidraw (no driver detach), replayed with the
# script's timing: 0 g, 10 g moving, 300 g stable, under zero, 2.6 oz stable.
umockdev-run -d "$data/dymo-m10-hidraw.umockdev" -s /dev/hidraw0="$data/dymo-m10-hidraw.script" -- \
    "$TT_BIN" --lang en scale watch --device hidraw:/dev/hidraw0 --json --count 2 --seconds 10 \
    >"$tmp/hidraw.out"
cat "$tmp/hidraw.out"
grep -q '"state":"stable","kg":"0.300","ug":300000000' "$tmp/hidraw.out"
grep -q '"state":"under zero"}' "$tmp/hidraw.out"
grep -q '"state":"stable","kg":"0.074","ug":73708760' "$tmp/hidraw.out"

# Discovery finds the hidraw node by its USB ids, and `scale watch` without
# --device uses the scale it finds.
umockdev-run -d "$data/dymo-m10-hidraw.umockdev" -- "$TT_BIN" --lang en devices --json \
    >"$tmp/hidraw.dev"
grep -q '"kind":"scale","state":"ok","spec":"hidraw:/dev/hidraw0","name":"DYMO M10 postal scale"' \
    "$tmp/hidraw.dev"
umockdev-run -d "$data/dymo-m10-hidraw.umockdev" -s /dev/hidraw0="$data/dymo-m10-hidraw.script" -- \
    "$TT_BIN" --lang en scale watch --json --count 1 --seconds 10 >"$tmp/default.out"
grep -q '"state":"stable","kg":"0.300"' "$tmp/default.out"
# and with nothing plugged in: exit 69 and what to do
rc=0
umockdev-run -- "$TT_BIN" --lang en scale watch --seconds 1 2>"$tmp/nothing.err" || rc=$?
[ "$rc" -eq 69 ]
grep -q 'No scale found' "$tmp/nothing.err"

# The HID POS scanner: EAN-13, a two-packet GS1 DataMatrix with GS kept, an SSCC.
umockdev-run -d "$data/newland-hidpos.umockdev" -i /dev/bus/usb/001/006="$data/newland-hidpos.ioctl" -- \
    "$TT_BIN" --lang en scan watch --device usb:1eab:8210 --json --count 3 --seconds 10 \
    >"$tmp/scan.out"
diff "$data/newland-hidpos.expected" "$tmp/scan.out"

# Discovery lists both, with the known names and ids.
umockdev-run -d "$data/dymo-m10.umockdev" -d "$data/newland-hidpos.umockdev" -- \
    "$TT_BIN" --lang en devices --json >"$tmp/devices.out"
cat "$tmp/devices.out"
grep -q '"kind":"scale","state":"ok","spec":"usb:0922:8003","name":"DYMO M10 postal scale","vid":"0922","pid":"8003"' "$tmp/devices.out"
grep -q '"kind":"scanner","state":"ok","spec":"usb:1eab:8210"' "$tmp/devices.out"
umockdev-run -d "$data/dymo-m10.umockdev" -- "$TT_BIN" --lang vi devices >"$tmp/devices.vi"
grep -q '^cân  *sẵn sàng  *usb:0922:8003' "$tmp/devices.vi"
echo ok
