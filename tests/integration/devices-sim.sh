#!/usr/bin/env bash
# The simulated devices that training mode and the kiosk tests use: a
# recorded XK3190-A12 weighing replayed with its timing through the real
# decoder and stability rule, injected faults (garbage, unplug), and the
# training scanner's barcode list (GS kept, AIM split off).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$TT_TOP/tests/data/devices

# Recorded timing: 20 frames 100 ms apart take about 1.9 s.
start=$(date +%s%N)
"$TT_BIN" --lang en scale watch --device "sim:$data/xk3190-a12-weighing.sim" --json >"$tmp/w.out"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$tmp/w.out"
[ "$ms" -ge 1800 ] || { echo "replayed too fast: $ms ms"; exit 1; }
# the swing is never stable; 12.340 kg becomes stable only after it settled
grep -q '"state":"in motion","kg":"12.410"' "$tmp/w.out"
grep -q '"state":"stable","kg":"12.340","ug":12340000000' "$tmp/w.out"
! grep -q '"state":"stable","kg":"12.410"' "$tmp/w.out"
! grep -q '"state":"stable","kg":"3.520"' "$tmp/w.out"
grep -q '"state":"zero","kg":"0.000"' "$tmp/w.out"

# Garbage instead of every frame from the 5th on: never a weight from it.
"$TT_BIN" --lang en scale watch \
    --device "sim:$data/xk3190-a12-weighing.sim?speed=0&fault=garbage&after=4&mode=always" \
    --json >"$tmp/g.out" 2>"$tmp/g.err"
[ "$(grep -c 'Damaged data' "$tmp/g.err")" -eq 16 ]
! grep -q '12.340' "$tmp/g.out"

# Unplugged once after 4 frames: reported, then back and settling again.
"$TT_BIN" --lang en scale watch \
    --device "sim:$data/xk3190-a12-weighing.sim?fault=unplug&after=4&unplug_ms=300" \
    --json >"$tmp/u.out"
cat "$tmp/u.out"
grep -q '"state":"disconnected"' "$tmp/u.out"
awk '/disconnected/ {d=1} d && /"stable","kg":"12.340"/ {ok=1} END {exit !ok}' "$tmp/u.out"

# The training scanner: five samples, GS and AIM as a real scanner gives them.
"$TT_BIN" --lang en scan watch --device "sim:$data/training-barcodes.list?list=1&speed=0" \
    --json >"$tmp/s.out"
cat "$tmp/s.out"
[ "$(wc -l <"$tmp/s.out")" -eq 5 ]
grep -qF '{"aim":"]C1","data":"010893456789012815261231\u001d10LOT-TH-0425","len":38,"typed":false}' "$tmp/s.out"
grep -qF '"aim":"]Q3","data":"https://id.gs1.org/01/08934567890128/10/LOT7"' "$tmp/s.out"
"$TT_BIN" --lang en scan watch --device "sim:$data/training-barcodes.list?list=1&speed=0" \
    --count 2 >"$tmp/s.txt" 2>/dev/null
grep -qxF ']C1  010893456789012815261231<GS>10LOT-TH-0425' "$tmp/s.txt"

# A broken recording is refused with the line number.
printf '+0 weight 12 stable\n+x bogus\n' >"$tmp/bad.sim"
rc=0
"$TT_BIN" --lang en scale watch --device "sim:$tmp/bad.sim" 2>"$tmp/bad.err" || rc=$?
[ "$rc" -eq 65 ]
grep -q 'line 2' "$tmp/bad.err"
echo ok
