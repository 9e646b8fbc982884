#!/usr/bin/env bash
# The kiosk printing through a real (private) CUPS: tramtem demo finds the
# default queue, the label arrives at the test printer and the store marks
# it printed with its job. Then a power cut in the middle of printing: the
# queue is paused so the job stays at cupsd, the kiosk is killed with -9,
# restarted; the unfinished label is offered for reprint, printed again with
# the same serial, and the next label gets a new serial (none reused).
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
. "$TT_TOP/tests/rig/cups.sh"
kiosk_setup
kiosk_extra_cleanup() { cups_rig_stop; }
cups_rig_start || { echo "the CUPS rig could not start"; exit 77; }
cups_rig_queue lbl
lpadmin -d lbl

db=$T/demo/station.db
kiosk_start "$TT_BIN" --lang vi demo --dir "$T/demo"
wait_for "Đăng nhập"
keys 1 2 3 4 Enter
wait_for "Chọn sản phẩm"
keys Enter
wait_for "Lô mới"
keys Enter
wait_for "Cân và in tem"
keys +
wait_for "Nhấn F2 hoặc Enter để in tem."
keys F2
wait_for "Đã in tem." 20
for _ in $(seq 100); do ls "$CUPS_RIG_SPOOL"/* >/dev/null 2>&1 && break; sleep 0.05; done
ls "$CUPS_RIG_SPOOL"/* >/dev/null
expect_eq "$(sql "$db" "SELECT state || ' ' || printer FROM labels")" "printed CUPS" "label row"
job=$(sql "$db" "SELECT job_id FROM labels")
case $job in lbl-[0-9]*) ;; *) echo "no CUPS job id recorded: '$job'"; exit 1 ;; esac
lot=$(sql "$db" "SELECT code FROM lots ORDER BY id DESC LIMIT 1")

# Power cut while the printer holds the job.
cupsdisable lbl
keys 0
wait_for "Hãy đặt hàng lên cân."
keys +
wait_for "Nhấn F2 hoặc Enter để in tem."
keys F2
for _ in $(seq 200); do
    [ "$(sql "$db" "SELECT count(*) FROM labels WHERE state='sent'")" = 1 ] && break
    sleep 0.05
done
expect_eq "$(sql "$db" "SELECT count(*) FROM labels WHERE state='sent'")" 1 "label at the paused printer"
serial=$(sql "$db" "SELECT serial FROM labels WHERE state='sent'")
kill -9 "$(kiosk_pid)"
wait_for "EXITED rc=137"
kiosk_stop

# Restart on the same database; the paused printer is replaced by files.
kiosk_start "$TT_BIN" --lang vi demo --keep --dir "$T/demo" --printer "file:$T/out"
wait_for "Đăng nhập"
keys 1 2 3 4 Enter
wait_for "Tem chưa in xong"
expect_screen "$serial"
expect_screen "đã gửi"
keys Enter
wait_for "Cân và in tem"
expect_screen "Lô: $lot"
for _ in $(seq 100); do
    [ "$(sql "$db" "SELECT state FROM labels WHERE serial='$serial'")" = printed ] && break
    sleep 0.05
done
expect_eq "$(sql "$db" "SELECT state FROM labels WHERE serial='$serial'")" printed "reprinted label"
ls "$T"/out/*.pdf >/dev/null
keys 0
wait_for "Hãy đặt hàng lên cân."
keys +
wait_for "Nhấn F2 hoặc Enter để in tem."
keys F2
for _ in $(seq 100); do
    [ "$(sql "$db" "SELECT count(*) FROM labels WHERE state='printed'")" = 3 ] && break
    sleep 0.05
done
expect_eq "$(sql "$db" "SELECT count(*) FROM labels")" 3 "labels in all"
expect_eq "$(sql "$db" "SELECT count(DISTINCT serial) FROM labels")" 3 "distinct serials"
expect_eq "$(sql "$db" "SELECT count(*) FROM labels WHERE state='printed'")" 3 "printed labels"
echo "kiosk on CUPS and power cut: ok"
