#!/usr/bin/env bash
# labels-cups: printing through a real CUPS (tests/rig/cups.sh): a private
# cupsd, an ippeveprinter that keeps what it receives, queues made with
# lpadmin, and `tramtem print` submitting through libcups.
#   1. a label from the station database: the job file at the printer is a
#      100 x 50 mm PDF whose barcodes decode; the row goes queued -> printed;
#   2. printer stopped: the job stays queued, the row says `sent`, the
#      operator is told; once the printer is enabled the same job prints;
#      the same for a held job, released with lp -H resume;
#   3. printer removed while printing: the row becomes `failed`, and a
#      reprint with --label keeps the serial;
#   4. raw ZPL to a socket:// queue: the bytes that arrive are exactly the
#      ZPL that `tramtem label render --format zpl` makes.
set -eu
tmp=$(mktemp -d)
. "$TT_TOP/tests/rig/cups.sh"
cleanup() {
    if [ -n "${bgpid:-}" ]; then kill "$bgpid" 2>/dev/null || true; fi
    cups_rig_stop
    rm -rf "$tmp"
}
trap cleanup EXIT
if ! cups_rig_start >"$tmp/rig.log" 2>&1; then
    cat "$tmp/rig.log"
    echo "the CUPS rig did not start"
    exit 1
fi
T="$TT_BIN"
db="$tmp/station.db"
q() { sqlite3 "$db" "$1"; }

"$T" --db "$db" init --demo >/dev/null
lot=$("$T" --db "$db" lot open --gtin 99528930000012 --harvest 2026-11-20 2>/dev/null)
cups_rig_queue lab
"$T" printer list >"$tmp/plist"
grep -q '^ lab ' "$tmp/plist" || { cat "$tmp/plist"; exit 1; }

# 0. a preview from the lot (label render --lot) records nothing and takes no serial.
"$T" --db "$db" label render --lot "$lot" --weight 1.25 --format png -o "$tmp/preview.png"
zbarimg -q --nodbus --raw "$tmp/preview.png" | grep -q '^0199528930000012310300125013261120'
[ "$(q "select count(*) from labels")" -eq 0 ]

# 1. print from the store; the document that reaches the printer is checked.
id=$("$T" --lang en --db "$db" print --lot "$lot" --weight 1.25 --template case-100x50 \
    --printer lab 2>"$tmp/p1.err") || { cat "$tmp/p1.err"; exit 1; }
grep -q 'Printed' "$tmp/p1.err"
[ "$(q "select state from labels where id=$id")" = printed ]
[ "$(q "select printer from labels where id=$id")" = lab ]
q "select job_id from labels where id=$id" | grep -q '^lab-[0-9]'
for _ in $(seq 100); do ls "$CUPS_RIG_SPOOL"/*.pdf >/dev/null 2>&1 && break; sleep 0.1; done
doc=$(ls "$CUPS_RIG_SPOOL"/*.pdf | head -1)
head -c 5 "$doc" | grep -q '%PDF-'
pdfinfo "$doc" | grep -q 'Page size: *283.4[0-9]* x 141.7[0-9]* pts'
pdftoppm -r 203 -mono -singlefile "$doc" "$tmp/job1"
serial=$(q "select serial from labels where id=$id")
zbarimg -q --nodbus --raw -Sdisable -Scode128.enable "$tmp/job1.pbm" | grep -q '^0199528930000012'
dmtxread -n -N 1 -G 29 -x 600 -y 250 "$tmp/job1.pbm" | tr '\035' '|' | grep -q "3103001250.*|21$serial\$"

# 2. printer stopped: job queued, row `sent`, operator told (exit 69).
cupsdisable lab
set +e
id2=$("$T" --lang en --db "$db" print --lot "$lot" --weight 2 --template case-100x50 \
    --printer lab 2>"$tmp/p2.err")
rc=$?
set -e
[ $rc -eq 69 ] || { echo "stopped printer: exit $rc"; cat "$tmp/p2.err"; exit 1; }
grep -q 'Printer lab is stopped; the label waits in its queue' "$tmp/p2.err"
[ "$(q "select state from labels where id=$id2")" = sent ]
job2=$(q "select job_id from labels where id=$id2")
lpstat -o lab | grep -q "^$job2 "
n_before=$(ls "$CUPS_RIG_SPOOL" | wc -l)
cupsenable lab
for _ in $(seq 100); do [ "$(ls "$CUPS_RIG_SPOOL" | wc -l)" -gt "$n_before" ] && break; sleep 0.1; done
[ "$(ls "$CUPS_RIG_SPOOL" | wc -l)" -gt "$n_before" ] || { echo "the queued job never printed"; exit 1; }

# 2b. a held job: the operator is told, the row says `sent`; releasing it prints it.
lpadmin -p lab -o job-hold-until-default=indefinite
set +e
id5=$("$T" --lang en --db "$db" print --lot "$lot" --weight 4 --template case-100x50 \
    --printer lab 2>"$tmp/p6.err")
rc=$?
set -e
[ $rc -eq 69 ] && grep -q 'held' "$tmp/p6.err" || { echo "held: exit $rc"; cat "$tmp/p6.err"; exit 1; }
[ "$(q "select state from labels where id=$id5")" = sent ]
job5=$(q "select job_id from labels where id=$id5")
lpadmin -p lab -o job-hold-until-default=no-hold
n_before=$(ls "$CUPS_RIG_SPOOL" | wc -l)
lp -i "${job5#lab-}" -H resume
for _ in $(seq 100); do [ "$(ls "$CUPS_RIG_SPOOL" | wc -l)" -gt "$n_before" ] && break; sleep 0.1; done
[ "$(ls "$CUPS_RIG_SPOOL" | wc -l)" -gt "$n_before" ] || { echo "the released job never printed"; exit 1; }
"$T" --lang en printer test lab 2>"$tmp/p7.err" || { cat "$tmp/p7.err"; exit 1; }
grep -q 'Printed' "$tmp/p7.err"

# 3. printer removed mid-job: the ippeveprinter is held busy and, without
#    waitjob=false, the ipp backend waits for it: the job is processing.
lpadmin -p slow -E -v "$CUPS_RIG_IPP" -m everywhere
cups_rig_hold
"$T" --lang en --db "$db" print --lot "$lot" --weight 3 --template case-100x50 \
    --printer slow --wait 60 >"$tmp/id3" 2>"$tmp/p3.err" &
bgpid=$!
for _ in $(seq 100); do lpstat -p slow 2>/dev/null | grep -q 'now printing slow-' && break; sleep 0.1; done
lpstat -p slow | grep -q 'now printing slow-' || { echo "the job never started printing"; exit 1; }
lpadmin -x slow
set +e
wait "$bgpid"
rc=$?
set -e
bgpid=
cups_rig_release
id3=$(cat "$tmp/id3")
[ $rc -ne 0 ] || { echo "removed printer: print succeeded?"; cat "$tmp/p3.err"; exit 1; }
grep -qE 'cancelled|disappeared' "$tmp/p3.err" || { cat "$tmp/p3.err"; exit 1; }
[ "$(q "select state from labels where id=$id3")" = failed ]
serial3=$(q "select serial from labels where id=$id3")
"$T" --lang en --db "$db" print --label "$id3" --printer lab 2>"$tmp/p4.err" >/dev/null ||
    { cat "$tmp/p4.err"; exit 1; }
[ "$(q "select state from labels where id=$id3")" = printed ]
[ "$(q "select serial from labels where id=$id3")" = "$serial3" ]
[ "$(q "select count(*) from labels")" -eq 4 ] # the reprint made no new label

# A queue that does not exist costs no serial: nothing is allocated.
set +e
"$T" --lang en --db "$db" print --lot "$lot" --weight 1 --printer nosuch 2>"$tmp/p8.err"
rc=$?
set -e
[ $rc -eq 69 ] && grep -q "no printer queue .nosuch." "$tmp/p8.err" && [ "$(q "select count(*) from labels")" -eq 4 ] || { echo "rc=$rc"; cat "$tmp/p8.err"; exit 1; }

# Nor does a label whose data cannot be printed (a pallet without its count).
set +e
"$T" --lang en --db "$db" print --lot "$lot" --template pallet-100x150 --printer lab 2>"$tmp/p9.err"
rc=$?
set -e
[ $rc -eq 65 ] && grep -q 'needs one of these AIs' "$tmp/p9.err" && [ "$(q "select count(*) from labels")" -eq 4 ] ||
    { echo "rc=$rc"; cat "$tmp/p9.err"; exit 1; }

# 4. raw ZPL: what arrives at the socket is byte for byte what tramtem made.
zout=$(cups_rig_raw_queue zebra)
data="(01)99506000134355(3103)001250(13)261125(10)ZPL-1"
"$T" --lang en print --template case-100x50 --data "$data" --printer zebra 2>"$tmp/p5.err" ||
    { cat "$tmp/p5.err"; exit 1; }
"$T" label render --template case-100x50 --data "$data" --format zpl -o "$tmp/want.zpl"
for _ in $(seq 100); do [ -s "$zout" ] && cmp -s "$zout" "$tmp/want.zpl" && break; sleep 0.1; done
cmp "$zout" "$tmp/want.zpl"
echo ok
