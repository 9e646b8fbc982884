#!/usr/bin/env bash
# A dead RTC (the machine thinks it is 2024, before this software existed):
# the kiosk says so in words and keeps saying it while the operator works;
# labels are still made, and their events are recorded as clock not trusted.
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
kiosk_setup
command -v faketime >/dev/null || { echo "faketime is not installed"; exit 77; }
# faketime is an LD_PRELOAD library: an ASan build must be told it is not first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
db=$T/demo/station.db
kiosk_start faketime "'2024-05-01 08:00:00'" "$TT_BIN" --lang vi demo --dir "$T/demo" --printer "file:$T/out"
wait_for "Đăng nhập"
wait_for "Đồng hồ máy có vẻ sai: nhờ quản lý chỉnh lại ngày giờ."
expect_screen "01/05/2024"
keys 1 2 3 4 Enter
wait_for "Chọn sản phẩm"
keys Enter
wait_for "Lô mới"
keys Enter
wait_for "Cân và in tem"
keys +
wait_for "Nhấn F2 hoặc Enter để in tem."
keys F2
wait_for "Đã in tem."
# Once the news has faded the clock warning is back on the message line.
wait_for "Đồng hồ máy có vẻ sai" 15
expect_eq "$(sql "$db" "SELECT count(*) FROM labels WHERE state='printed'")" 1 "printed labels"
expect_eq "$(sql "$db" "SELECT count(*) FROM events WHERE clock_ok = 1")" 0 "events with a trusted clock"
echo "kiosk with a wrong clock: ok"
