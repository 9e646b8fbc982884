#!/usr/bin/env bash
# Two tramtem processes on one station database at once (a writer opening lots
# while another lists and exports events): no error reaches the user, nothing is lost.
set -eu
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
db=$tmp/station.db
tt() { "$TT_BIN" --lang en --db "$db" "$@"; }
tt init --demo 2>/dev/null
n=40
writer() { # name gtin
    for i in $(seq 1 $n); do
        tt lot open --gtin "$2" --lot "$1-$i" >/dev/null 2>>"$tmp/$1.err" || { echo "fail $i" >>"$tmp/$1.err"; return 1; }
    done
}
reader() {
    for i in $(seq 1 $n); do
        tt events --json >"$tmp/ev.$i" 2>>"$tmp/reader.err" || { echo "fail $i" >>"$tmp/reader.err"; return 1; }
        tt lot list >/dev/null 2>>"$tmp/reader.err" || return 1
    done
}
writer A 99528930000012 & pids+=($!)
writer B 09528930000026 & pids+=($!)
reader & pids+=($!)
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
pids=()
cat "$tmp"/*.err 2>/dev/null || true
[ $status -eq 0 ]
# The writers' stderr holds only their "Lot … opened." confirmations; the reader's nothing.
if grep -hv '^Lot [AB]-[0-9]* opened\.$' "$tmp/A.err" "$tmp/B.err" | grep -q .; then
    echo "a writer saw an error"; exit 1
fi
[ "$(grep -c . "$tmp/A.err")" -eq $n ] && [ "$(grep -c . "$tmp/B.err")" -eq $n ] || { echo "writers: confirmations missing"; exit 1; }
[ ! -s "$tmp/reader.err" ] || { echo "the reader saw an error"; exit 1; }
# Nothing lost: every lot has its event, seqs 1..2n, every line valid JSON.
[ "$(tt events --json | wc -l)" -eq $((2 * n)) ]
[ "$(tt events --json | jq -r '."tt:seq"' | sort -n | uniq | wc -l)" -eq $((2 * n)) ]
[ "$(tt lot list --json | wc -l)" -eq $((2 * n)) ]
for f in "$tmp"/ev.*; do jq -e . "$f" >/dev/null; done
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
echo ok
