#!/usr/bin/env bash
# The kiosk's export shows real progress: six unacknowledged bundles go to a
# slowed-down stick (TRAMTEM_FAULT_DELAY_MS, the stick fault hook), the
# screen shows the bar filling with its percentage under the words "do not
# pull it out", keys still work while it runs, and at the end the bar is
# full and the operator is told the stick may be taken out. Then a stick
# pulled mid-way (TRAMTEM_FAULT=pull:N) in English: the bar had moved, and
# the reason replaces it.
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
kiosk_setup
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
export TRAMTEM_LOCALEDIR=$BUILD/locale
mkdir -p "$HOME" "$T/out"
: >"$T/mountinfo"
export TRAMTEM_MOUNTINFO=$T/mountinfo
db=$T/s.db
"$TT_BIN" --db "$db" init --demo >/dev/null 2>&1
"$TT_BIN" --db "$db" key init >/dev/null 2>&1
lot=$("$TT_BIN" --db "$db" lot open --gtin 99528930000012 2>/dev/null)
for i in 1 2 3 4 5 6; do # six bundles, none acknowledged: all go on every stick
    "$TT_BIN" --db "$db" print --lot "$lot" --weight "1.$i" --printer "file:$T/out" >/dev/null 2>&1
    "$TT_BIN" --db "$db" export --to "$T/spool-$i" >/dev/null 2>&1
done
station=$(sql "$db" "SELECT value FROM settings WHERE key='station.id'")

# Polls until the screen shows a bar strictly between 0% and 100%.
wait_partial_bar() {
    local n=200
    while [ $n -gt 0 ]; do
        screen | grep -qE '\[#+\.+\] +[1-9][0-9]?%' && return 0
        sleep 0.05
        n=$((n - 1))
    done
    echo "no partial progress bar seen"
    screen
    return 1
}

kiosk_start env TRAMTEM_FAULT_DELAY_MS=40 "$TT_BIN" --lang vi --db "$db" kiosk \
    --printer "file:$T/out" --export-to "$T/stick"
wait_for "Đăng nhập"
keys 1 2 3 4 Enter
wait_for "Chọn sản phẩm"
expect_screen "> Bưởi Luận Văn"
keys F5
wait_for "Đang ghi dữ liệu vào USB… đừng rút USB ra."
wait_partial_bar
# The screen is alive while the stick is written: the selection moves.
keys Down
wait_for "> Nem chua Thanh Hóa" 5
expect_screen "Đang ghi dữ liệu vào USB"
wait_for "Đã ghi dữ liệu vào USB: có thể rút USB ra." 60
expect_screen "[########################################] 100%"
for b in 1 2 3 4 5 6; do
    "$TT_BIN" --db "$db" verify "$T/stick/tramtem/$station/b-0000000$b.ndjson.gz" >/dev/null 2>&1
done
kiosk_stop

# Pulled mid-way, in English: the bar moved, then the reason in words.
kiosk_start env TRAMTEM_FAULT_DELAY_MS=40 TRAMTEM_FAULT=pull:45 "$TT_BIN" --lang en --db "$db" \
    kiosk --printer "file:$T/out" --export-to "$T/stick2"
wait_for "Sign in"
keys 1 2 3 4 Enter
wait_for "Choose a product"
keys F5
wait_for "Writing the records to the USB stick… do not pull it out."
wait_partial_bar
wait_for "!! Writing to the USB stick failed (pulled out?): plug it in, press F5 again." 60
expect_screen "Writing to $T/stick2 failed; the stick may"
if screen | grep -qE '\[[#.]+\] +[0-9]+%'; then
    echo "the bar is still shown after the failure"
    screen
    exit 1
fi
kill -TERM "$(kiosk_pid)"
wait_for "EXITED rc=0"
echo "kiosk export progress: ok"
