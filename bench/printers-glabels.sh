#!/bin/sh
# bench/printers-glabels.sh — the label figures side by side (not a test):
#   1. tramtem's case label in-process (PNG 1-bit, PDF, ZPL), steady state;
#   2. 1,000 case labels merged from one CSV into one PDF: tramtem
#      (bench-printers --batch) and glabels-3-batch (Debian package glabels)
#      on the same CSV, with the ratio;
#   3. print -> job accepted by cupsd on the private CUPS rig (p50/p99).
# The CSV and the gLabels document come from bench/glabels/ (gen_csv.py,
# label.glabels.in). Run from the repository top; BUILD is the build folder.
set -eu
BUILD=${BUILD:-build}
N=${N:-1000}
bin=$BUILD/bench/bench-printers
[ -x "$bin" ] || { echo "build $bin first (make BUILD=$BUILD $bin)"; exit 1; }
tmp=$(mktemp -d /tmp/tt-bench-labels.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

echo "== steady state (one core)"
"$bin"

echo "== $N case labels from one CSV into one PDF"
python3 bench/glabels/gen_csv.py "$N" "$tmp/labels.csv"
t0=$(now)
"$bin" --batch "$tmp/labels.csv" "$tmp/tramtem.pdf"
t1=$(now)
tt=$(elapsed "$t0" "$t1")
pages=$(pdfinfo "$tmp/tramtem.pdf" | awk '/^Pages:/ {print $2}')
echo "tramtem: $tt s wall (process included), $pages pages"
if command -v glabels-3-batch >/dev/null 2>&1; then
    sed "s#@CSV@#$tmp/labels.csv#" bench/glabels/label.glabels.in >"$tmp/case.glabels"
    t0=$(now)
    glabels-3-batch -o "$tmp/glabels.pdf" "$tmp/case.glabels" >"$tmp/glabels.log" 2>&1
    t1=$(now)
    gl=$(elapsed "$t0" "$t1")
    gpages=$(pdfinfo "$tmp/glabels.pdf" | awk '/^Pages:/ {print $2}')
    echo "glabels-3-batch: $gl s wall, $gpages pages"
    echo "ratio glabels/tramtem: $(awk -v a="$gl" -v b="$tt" 'BEGIN { printf "%.1f", a / b }')x"
else
    echo "glabels-3-batch not installed (apt-get install glabels): no comparison"
fi

echo "== print -> job accepted by cupsd (private rig)"
# The rig is a bash library; this script stays POSIX sh for `make bench`.
BIN=$bin JOBS=${JOBS:-200} LOG=$tmp/rig.log bash -c '
    . tests/rig/cups.sh
    if cups_rig_start >"$LOG" 2>&1; then
        cups_rig_queue bench
        "$BIN" --cups bench "$JOBS" || true
        cups_rig_stop
    else
        tail -5 "$LOG"
        echo "CUPS rig did not start: no submission figure"
    fi'
