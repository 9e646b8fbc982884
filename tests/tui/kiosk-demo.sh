#!/usr/bin/env bash
# tramtem demo in a private tmux at 80x24, in Vietnamese: sign in with the PIN
# the screen shows, open a lot, weigh on the simulated scale, print, scan the
# label back; the PDF arrives at the file printer and the store holds the
# label as printed. Ctrl-C, Ctrl-Z and Ctrl-\ do not leave the kiosk; a
# resize redraws; quitting needs the manager's PIN. Then the same start in
# English.
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
kiosk_setup

db=$T/demo/station.db
kiosk_start "$TT_BIN" --lang vi demo --dir "$T/demo" --printer "file:$T/out"
wait_for "Đăng nhập"
wait_for "Chế độ chạy thử — đăng nhập bằng: Lê Thị Hoa, PIN 1234"
wait_for "Cân: sẵn sàng | Máy quét: sẵn sàng | Máy in: sẵn sàng"

# Keyboard signals and EOF are plain keys here: the kiosk stays, not stopped.
pid=$(kiosk_pid)
keys C-c C-z 'C-\' C-d
sleep 0.3
kill -0 "$pid"
case $(ps -o stat= -p "$pid") in T*) echo "kiosk was stopped by Ctrl-Z"; exit 1 ;; esac
expect_screen "Đăng nhập"
if screen | grep -q EXITED; then echo "kiosk left on a control key"; exit 1; fi

keys 9 9 9 9 Enter
wait_for "Sai mã PIN. Hãy nhập lại."
keys 1 2 3 4 Enter
wait_for "Chọn sản phẩm"
expect_screen "Bưởi Luận Văn"
keys Enter
wait_for "Lô mới"
keys Enter
wait_for "Cân và in tem"
lot=$(sql "$db" "SELECT code FROM lots ORDER BY id DESC LIMIT 1")
expect_screen "Lô: $lot"

# Nothing on the scale: F2 explains what to do.
keys F2
wait_for "Quá nhẹ để in tem"
keys +
wait_for "ỔN ĐỊNH"
wait_for "Nhấn F2 hoặc Enter để in tem."
keys F2
wait_for "Đã in tem."
wait_for "Đã in tem: hãy nhấc hàng ra khỏi cân."
ls "$T"/out/*.pdf >/dev/null
head -c 5 "$T"/out/*.pdf | grep -q '%PDF-'
expect_eq "$(sql "$db" "SELECT count(*) FROM labels WHERE state='printed'")" 1 "sql '$db' 'SELECT count(*) FROM labels"
serial=$(sql "$db" "SELECT serial FROM labels")
expect_screen "Tem vừa in: $serial"

# Same placement: no second label.
keys F2
wait_for "Hàng này đã có tem: hãy nhấc hàng ra khỏi cân trước."
expect_eq "$(sql "$db" "SELECT count(*) FROM labels")" 1 "sql '$db' 'SELECT count(*) FROM labels"

# Scan it back with the simulated scanner.
keys Tab
wait_for "Đã quét lại tem: khớp."
expect_eq "$(sql "$db" "SELECT count(*) FROM audit WHERE action='label.verified'")" 1 "sql '$db' 'SELECT count(*) FROM audit "

# Resize: bigger redraws everything, smaller than 80x24 says so, back again.
tmux -L "$TT_SOCK" resize-window -t k -x 100 -y 30
wait_for "Cân và in tem"
[ "$(screen | wc -l)" -ge 30 ]
screen | tail -n 3 | grep -q "F2 In tem" || { screen; exit 1; }
tmux -L "$TT_SOCK" resize-window -t k -x 60 -y 20
wait_for "Cửa sổ quá nhỏ"
tmux -L "$TT_SOCK" resize-window -t k -x 80 -y 24
wait_for "Cân và in tem"

# Empty the scale, put something else on, print again: a new serial.
keys 0
wait_for "Hãy đặt hàng lên cân."
keys + +
wait_for "Nhấn F2 hoặc Enter để in tem."
keys Enter
wait_for "Trong ca: 2 tem"
expect_eq "$(sql "$db" "SELECT count(DISTINCT serial) FROM labels WHERE state='printed'")" 2 "sql '$db' 'SELECT count(DISTINCT seria"

# A pallet of the two items: the simulated scanner reads their labels.
keys F5
wait_for "Đóng pallet"
keys Tab
wait_for "Số thùng: 1"
keys Tab
wait_for "Số thùng: 2"
keys F2
wait_for "Đã in tem."
expect_eq "$(sql "$db" "SELECT count(*) FROM labels WHERE sscc <> '' AND state='printed'")" 1 "SSCC label"
"$TT_BIN" --db "$db" events --json >"$T/events.json"
expect_eq "$(grep -c '"AggregationEvent"' "$T/events.json")" 1 "AggregationEvent"
grep '"AggregationEvent"' "$T/events.json" | grep -q '"packing"'
expect_eq "$(ls "$T"/out/*.pdf | wc -l)" 3 "PDF files"
keys Escape
wait_for "Cân và in tem"

# The daily totals screen draws its chart.
keys F7
wait_for "Tổng kết theo ngày"
expect_screen "Bưởi Luận Văn"
keys Escape
wait_for "Cân và in tem"

# Receiving: a label typed in (as a keyboard-wedge scanner does) is explained and recorded.
keys F6
wait_for "Nhận hàng"
keys -l "(01)09528930000057(17)271231(10)ABC"
keys Enter
wait_for "Đã ghi nhận hàng nhận về."
expect_screen "(17) Hạn sử dụng: 31/12/2027"
expect_screen "(10) Số lô"
expect_eq "$(sql "$db" "SELECT count(*) FROM events WHERE biz_step='receiving'")" 1 "receiving events"
keys Escape
wait_for "Cân và in tem"

# Leaving needs a manager's PIN; an operator's is refused.
keys F10
wait_for "Nhập mã PIN của quản lý để thoát khỏi trạm."
keys 2 4 6 8 Enter
wait_for "Sai mã PIN"
keys 1 2 3 4 Enter
wait_for "EXITED rc=0"
expect_eq "$(sql "$db" "SELECT count(*) FROM audit WHERE action='kiosk.quit'")" 1 "sql '$db' 'SELECT count(*) FROM audit "

# English.
kiosk_stop
kiosk_start "$TT_BIN" --lang en demo --dir "$T/demo-en" --printer "file:$T/out-en"
wait_for "Sign in"
wait_for "Demo mode — sign in as: Lê Thị Hoa, PIN 1234"
keys 1 2 3 4 Enter
wait_for "Choose a product"
keys Down Enter
wait_for "New lot"
keys Enter
wait_for "Weigh and label"
# A product sold by the piece prints without the scale.
keys F2
wait_for "Label printed."
expect_screen "F2 Print"
expect_eq "$(sql "$T/demo-en/station.db" "SELECT count(*) FROM labels WHERE state='printed'")" 1 "sql '$T/demo-en/station.db' 'SELECT co"
# `tramtem` alone is the kiosk on the configured database.
kiosk_stop
kiosk_start "$TT_BIN" --lang en --db "$T/demo-en/station.db"
wait_for "Sign in"
wait_for "Printer: ready"
echo "kiosk demo: ok"
