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

# Runs a command; prints "WALL CPU" in seconds (CPU = user + system of the
# command and its children), so that a busy machine shows in the wall figure
# but not in the CPU figure.
measure() {
    python3 -c 'import resource, subprocess, sys, time
t = time.time()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f" % (time.time() - t, r.ru_utime + r.ru_stime))' "$@"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

echo "== steady state (one core)"
"$bin"

echo "== $N case labels from one CSV into one PDF"
python3 bench/glabels/gen_csv.py "$N" "$tmp/labels.csv"
"$bin" --batch "$tmp/labels.csv" "$tmp/tramtem.pdf"
set -- $(measure "$bin" --batch "$tmp/labels.csv" "$tmp/tramtem.pdf")
tt_wall=$1 tt_cpu=$2
pages=$(pdfinfo "$tmp/tramtem.pdf" | awk '/^Pages:/ {print $2}')
echo "tramtem:         $tt_wall s wall, $tt_cpu s CPU (process included), $pages pages"
if command -v glabels-3-batch >/dev/null 2>&1; then
    sed "s#@CSV@#$tmp/labels.csv#" bench/glabels/label.glabels.in >"$tmp/case.glabels"
    set -- $(measure glabels-3-batch -o "$tmp/glabels.pdf" "$tmp/case.glabels")
    gl_wall=$1 gl_cpu=$2
    gpages=$(pdfinfo "$tmp/glabels.pdf" | awk '/^Pages:/ {print $2}')
    echo "glabels-3-batch: $gl_wall s wall, $gl_cpu s CPU, $gpages pages"
    echo "ratio glabels/tramtem: $(ratio "$gl_wall" "$tt_wall")x wall, $(ratio "$gl_cpu" "$tt_cpu")x CPU"
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
