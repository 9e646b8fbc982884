#!/usr/bin/env bash
# training-cups: a label made in a training lesson goes to a real CUPS queue
# (tests/rig/cups.sh: private cupsd + ippeveprinter). The document that
# reaches the printer is a 58 x 40 mm PDF whose GS1 DataMatrix holds exactly
# the trainee's answer; a wrong answer prints nothing.
set -eu
tmp=$(mktemp -d)
. "$TT_TOP/tests/rig/cups.sh"
cleanup() {
    cups_rig_stop
    rm -rf "$tmp"
}
trap cleanup EXIT
if ! cups_rig_start >"$tmp/rig.log" 2>&1; then
    cat "$tmp/rig.log"
    echo "the CUPS rig did not start"
    exit 1
fi
cups_rig_queue lop
export LC_ALL=C.UTF-8
tt() { "$TT_BIN" --lang en --db "$tmp/station/station.db" training --dir "$tmp/sb" "$@"; }
data='(01)09528930000033(10)GAO-2611(17)271120'

# A wrong answer: no job.
rc=0; tt check --name "Phạm Thu" --class K45 --printer lop make-label ml-1 '(01)09528930000033' \
    >"$tmp/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || { cat "$tmp/out"; echo "wrong answer: exit $rc"; exit 1; }
sleep 0.5
! ls "$CUPS_RIG_SPOOL"/*.pdf >/dev/null 2>&1 || { echo "a wrong answer printed"; exit 1; }

# The right answer: a job on the queue, its document checked at the printer.
tt check --name "Phạm Thu" --class K45 --printer lop make-label ml-1 "$data" >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; exit 1; }
grep -q '^Label printed: lop-[0-9]' "$tmp/out" || { cat "$tmp/out"; exit 1; }
for _ in $(seq 100); do ls "$CUPS_RIG_SPOOL"/*.pdf >/dev/null 2>&1 && break; sleep 0.1; done
doc=$(ls "$CUPS_RIG_SPOOL"/*.pdf | head -1)
head -c 5 "$doc" | grep -q '%PDF-'
pdfinfo "$doc" | grep -q 'Page size: *164.4[0-9]* x 113.3[0-9]* pts' || { pdfinfo "$doc"; exit 1; }
pdftoppm -r 300 -mono -singlefile "$doc" "$tmp/job"
dmtxread -n "$tmp/job.pbm" | tr '\035' '|' | grep -qx '010952893000003317271120|*10GAO-2611|*' ||
    { echo "DataMatrix:"; dmtxread -n "$tmp/job.pbm" | od -c | head; exit 1; }
pdftotext "$doc" - | grep -q 'Gạo thơm Thiệu Hóa' || { echo "no product name on the label"; exit 1; }
echo ok
