#!/usr/bin/env bash
# Tampering, through the real CLI: random bit flips, truncations, swapped
# signature files, another station's key, a renamed bundle, and receipts that
# are replayed, older than the last, for a range never sent, for another
# station or signed by the wrong key. Each is refused, exit 65 (or 1 for a
# refused receipt state), with the right reason; nothing changes.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails() { if "$@"; then echo "unexpectedly succeeded: $*" >&2; exit 1; fi; }
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/st.db" "$@"; }
problem() { # FILE [ARGS]: prints the problem name; fails if the bundle verified
    local out rc=0
    out=$(tt verify --json "$@" 2>/dev/null) || rc=$?
    [ "$rc" = 65 ] || { echo "exit $rc for $*: $out" >&2; return 1; }
    echo "$out" | jq -r .problem
}

tt init --demo >/dev/null
for g in 99528930000012 09528930000026 09528930000033 99528930000043; do tt lot open --gtin "$g" >/dev/null; done
tt key init >station.pub 2>/dev/null
tt export --to stick 2>/dev/null
tt lot open --gtin 09528930000057 >/dev/null
tt export --to stick 2>/dev/null
d=stick/tramtem/st-demo0001
b1=$d/b-00000001.ndjson.gz b2=$d/b-00000002.ndjson.gz
tt verify "$b1" 2>/dev/null && tt verify "$b2" 2>/dev/null

# random bit flips (the unit test does thousands more without process start-up)
n=${TT_FULL:+2000}; n=${n:-100}
size=$(stat -c %s "$b1")
cp "$b1" orig.gz
python3 - "$size" "$n" >flips.txt <<'PY'
import random, sys
random.seed(7)
size, n = int(sys.argv[1]), int(sys.argv[2])
for _ in range(n):
    print(random.randrange(size), 1 << random.randrange(8))
PY
mkdir flip
while read -r pos mask; do
    cp orig.gz flip/b-00000001.ndjson.gz
    cp "$b1.minisig" flip/
    printf "$(printf '\\%03o' $(( $(od -An -tu1 -j "$pos" -N1 orig.gz) ^ mask )))" |
        dd of=flip/b-00000001.ndjson.gz bs=1 seek="$pos" conv=notrunc status=none
    fails cmp -s orig.gz flip/b-00000001.ndjson.gz
    [ "$(problem flip/b-00000001.ndjson.gz)" = signature ]
done <flips.txt

# truncations at many lengths
for cut in 0 1 10 20 100 $((size / 2)) $((size - 9)) $((size - 1)); do
    head -c "$cut" orig.gz >flip/b-00000001.ndjson.gz
    [ "$(problem flip/b-00000001.ndjson.gz)" = signature ]
done
# a truncated or missing signature file
cp orig.gz flip/b-00000001.ndjson.gz
head -c 150 "$b1.minisig" >flip/b-00000001.ndjson.gz.minisig
[ "$(problem flip/b-00000001.ndjson.gz)" = signature ]
rm flip/b-00000001.ndjson.gz.minisig
[ "$(problem flip/b-00000001.ndjson.gz)" = signature ]

# swapped signature files; a renamed pair
cp "$b2.minisig" flip/b-00000001.ndjson.gz.minisig
[ "$(problem flip/b-00000001.ndjson.gz)" = signature ]
cp "$b2" flip/b-00000001.ndjson.gz; cp "$b2.minisig" flip/b-00000001.ndjson.gz.minisig
[ "$(problem flip/b-00000001.ndjson.gz)" = name ]
minisign -Vm flip/b-00000001.ndjson.gz -p station.pub -q   # (minisign alone cannot see that)

# another station's key; a station key revoked by the portal is covered in unit tests
mkdir other && (cd other && "$TT_BIN" --db "$tmp/other/st.db" key init >other.pub 2>/dev/null)
[ "$(problem --key other/other.pub "$b1")" = key ]
fails minisign -Vm "$b1" -p other/other.pub -q 2>/dev/null

# messages name the problem in the user's language
"$TT_BIN" --lang vi --db st.db verify flip/b-00000001.ndjson.gz 2>vi.txt && exit 1
grep -q 'Tên tệp không khớp' vi.txt

# receipts: a portal key made with the stock minisign
minisign -G -W -p portal.pub -s portal.key >/dev/null
minisign -G -W -p fake.pub -s fake.key >/dev/null
tt key portal portal.pub 2>/dev/null
kid=$(tt verify --json "$b1" | jq -r .key_id)
receipt() { # NAME RSEQ ACKED_BUNDLE ACKED_EVENT [STATION] [KEY]
    local st=${5:-st-demo0001} key=${6:-portal.key}
    printf '{"format":1,"kind":"receipt","station":"%s","station_key_id":"%s","receipt_seq":%s,"portal_time":"2026-11-26T09:00:00+07:00","acked_through_bundle":%s,"acked_through_event":%s,"accepted":[],"duplicates":[],"rejected":[],"gaps":[],"event_conflicts":[],"master_data_version":0,"station_key_status":"active"}' \
        "$st" "$kid" "$2" "$3" "$4" >"$1"
    minisign -S -W -s "$key" -m "$1" -t "tramtem-receipt/1 st=$st rseq=$2 acked=$3 ev=$4" >/dev/null
}
mkdir in
receipt in/r-00000001.json 1 1 4
receipt in/r-00000002.json 2 2 5
receipt in/r-00000003.json 3 7 99           # a range never sent
receipt in/r-00000004.json 4 1 4 st-other   # another station
receipt in/r-00000005.json 5 1 4 st-demo0001 fake.key
refused() { # FILE WORDS: exit non-zero, the message says WORDS
    local rc=0
    tt import "$1" 2>msg.txt || rc=$?
    [ "$rc" != 0 ] && grep -q "$2" msg.txt || { cat msg.txt; return 1; }
}
tt import in/r-00000002.json 2>/dev/null
refused in/r-00000001.json 'not newer'                  # older after newer
refused in/r-00000002.json 'not newer'                  # replayed
refused in/r-00000003.json 'never sent'
refused in/r-00000004.json 'another station'
refused in/r-00000005.json 'not signed by the portal key'
# a receipt edited after signing
sed -i 's/"acked_through_event":5/"acked_through_event":4/' in/r-00000002.json
refused in/r-00000002.json 'not signed by the portal key'
# nothing changed: both bundles stay acknowledged by receipt 2 only
tt export --to stick 2>out.txt
grep -q '0 of 0 unacknowledged' out.txt
echo "tampering rejected"
