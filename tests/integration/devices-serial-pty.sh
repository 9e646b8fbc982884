#!/usr/bin/env bash
# Serial scales end to end on pseudo-terminals: a writer plays the scale,
# `tramtem scale watch --device serial:...` shows the weight. XK3190-A12 with
# the protocol given, the reversed '=' format and CAS 22-byte detected by
# listening, MT-SICS detected by polite polling, and a cable pulled and
# plugged back (the device is reported gone, then found again).
set -eu
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
player=$TT_TOP/tests/data/devices/ptyscale.py
hex() { printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# Starts the player in the background and waits for its pty link.
play() {
    local link=$1; shift
    python3 "$player" "$link" "$@" >"$link.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do grep -q ready "$link.log" 2>/dev/null && return 0; sleep 0.1; done
    echo "player did not start"; cat "$link.log"; return 1
}

# 1. XK3190-A12, protocol given: the manual's frame, 4.139 kg, stable after 3 + 0.5 s.
play "$tmp/a12" stream "$(hex 'WG004.139kg3D\r\n')" 100 40
"$TT_BIN" --lang en scale watch --device "serial:$tmp/a12?proto=xk3190-a12&baud=9600" \
    --json --count 1 --seconds 10 >"$tmp/a12.out"
cat "$tmp/a12.out"
grep -q '"state":"stable","kg":"4.139","ug":4139000000' "$tmp/a12.out"

# 2. Reversed '=' (tF1), detected by listening: 3.000 kg.
play "$tmp/eq" stream "$(hex '=000.3000')" 50 100
"$TT_BIN" --lang en scale watch --device "serial:$tmp/eq?listen=1500" --json --count 1 \
    --seconds 10 >"$tmp/eq.out"
grep -q '"state":"stable","kg":"3.000"' "$tmp/eq.out"

# 3. CAS 22-byte with a binary lamp byte, detected: 13.50 kg, the device says stable.
play "$tmp/cas" stream "$(hex 'ST,GS,1\xc0,  +13.50 kg\r\n')" 50 100
"$TT_BIN" --lang en scale watch --device "serial:$tmp/cas?listen=1500" --count 1 \
    --seconds 10 >"$tmp/cas.out" 2>"$tmp/cas.err"
cat "$tmp/cas.err"
grep -q 'cas22' "$tmp/cas.err"
grep -q '13.50 kg  stable' "$tmp/cas.out"

# 4. MT-SICS says nothing until asked: found by polling "SI", 1.234 kg.
play "$tmp/sics" sics 1234
"$TT_BIN" --lang en scale watch --device "serial:$tmp/sics?listen=300" --json --count 1 \
    --seconds 10 >"$tmp/sics.out"
grep -q '"state":"stable","kg":"1.234"' "$tmp/sics.out"

# 5. Damaged frames are dropped with a message, never shown as a weight.
play "$tmp/bad" stream "$(hex 'WG005.139kg3D\r\n')" 50 20
"$TT_BIN" --lang en scale watch --device "serial:$tmp/bad?proto=xk3190-a12" --json \
    --seconds 1 >"$tmp/bad.out" 2>"$tmp/bad.err"
grep -q 'checksum does not match' "$tmp/bad.err"
if grep -q '"kg"' "$tmp/bad.out"; then echo "a damaged frame was shown as a weight"; exit 1; fi

# 6. Unplug and plug back: "disconnected", then the weight again.
play "$tmp/hot" unplug "$(hex 'WG004.139kg3D\r\n')" 50 30 1500
"$TT_BIN" --lang en scale watch --device "serial:$tmp/hot?proto=xk3190-a12" --json --count 2 \
    --seconds 15 >"$tmp/hot.out"
cat "$tmp/hot.out"
grep -n . "$tmp/hot.out" | grep -q 'disconnected'
[ "$(grep -c '"state":"stable"' "$tmp/hot.out")" -eq 2 ]
# after the disconnection the weight must settle again before it is stable
awk '/disconnected/ {d=1; next} d && !seen {seen=1; first=$0} d && /"stable"/ {ok=1}
     END {exit !(ok && first ~ /in motion/)}' "$tmp/hot.out"

# 7. Vietnamese words for the operator.
play "$tmp/vi" stream "$(hex 'WG004.139kg3D\r\n')" 100 40
"$TT_BIN" --lang vi scale watch --device "serial:$tmp/vi?proto=xk3190-a12" --count 1 \
    --seconds 10 >"$tmp/vi.out" 2>/dev/null
grep -q '4.139 kg  ổn định' "$tmp/vi.out"
# 8. Permission denied (a port the kiosk user may not open): exit 74 and the
#    advice to install the udev rules, never a crash.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    python3 - "$TT_BIN" >"$tmp/perm.out" 2>&1 <<'PY'
import os, subprocess, sys
m, s = os.openpty()
name = os.ttyname(s)
os.chmod(name, 0o600)
r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.argv[1],
                    "--lang", "en", "scale", "watch", "--device", "serial:" + name + "?proto=cas22"],
                   capture_output=True, text=True)
print(r.returncode)
print(r.stderr)
PY
    cat "$tmp/perm.out"
    [ "$(head -1 "$tmp/perm.out")" = 74 ]
    grep -q 'Install the udev rules' "$tmp/perm.out"
    grep -q 'permission denied on /dev/pts/' "$tmp/perm.out"
fi
echo ok
