#!/usr/bin/env bash
# Day's end from the kiosk: F5 on the product screen runs the export (the
# same program as `tramtem export`, as a child with no shell); without a
# stick the operator is told to plug one in, with --export-to the signed
# bundle lands in the folder and the kiosk says the stick may be taken out.
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
kiosk_setup
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
mkdir -p "$HOME" "$T/out"
: >"$T/mountinfo" # no USB stick mounted
export TRAMTEM_MOUNTINFO=$T/mountinfo
db=$T/s.db
"$TT_BIN" --db "$db" init --demo >/dev/null 2>&1
"$TT_BIN" --db "$db" key init >/dev/null 2>&1
lot=$("$TT_BIN" --db "$db" lot open --gtin 99528930000012 2>/dev/null)
"$TT_BIN" --db "$db" print --lot "$lot" --weight 1.5 --printer "file:$T/out" >/dev/null 2>&1
station=$(sql "$db" "SELECT value FROM settings WHERE key='station.id'")

kiosk_start "$TT_BIN" --lang vi --db "$db" kiosk --printer "file:$T/out"
wait_for "Đăng nhập"
keys Down 2 4 6 8 Enter # an operator may export too
wait_for "Chọn sản phẩm"
expect_screen "F5 Xuất dữ liệu"
keys F5
wait_for "Không tìm thấy USB: hãy cắm USB vào rồi nhấn F5 lần nữa." 20
expect_screen "USB"
kiosk_stop

kiosk_start "$TT_BIN" --lang vi --db "$db" kiosk --printer "file:$T/out" --export-to "$T/stick"
wait_for "Đăng nhập"
keys 1 2 3 4 Enter
wait_for "Chọn sản phẩm"
keys F5
wait_for "Đã ghi dữ liệu vào USB: có thể rút USB ra." 20
ls "$T/stick/tramtem/$station"/b-00000001.ndjson.gz "$T/stick/tramtem/$station"/b-00000001.ndjson.gz.minisig >/dev/null
"$TT_BIN" --db "$db" verify "$T/stick/tramtem/$station/b-00000001.ndjson.gz" >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT count(*) FROM audit WHERE action='kiosk.export'")" 2 "exports asked"
# The service manager stops the kiosk with SIGTERM: it leaves cleanly.
kill -TERM "$(kiosk_pid)"
wait_for "EXITED rc=0"
echo "kiosk export: ok"
