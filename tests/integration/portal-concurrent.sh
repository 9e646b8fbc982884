#!/usr/bin/env bash
# Two ingests of different sticks at the same time (overlapping bundles of
# one station, and another station's): both succeed, nothing is lost or
# counted twice, the chains end where they should, no fork is invented.
set -eu -o pipefail
. tests/rig/portal.sh
n=${TT_FULL:+2000}
n=${n:-300} # events per bundle

"$P" init 2>/dev/null
mkdir "$tmp/a" "$tmp/b"; mkkey "$tmp/a"; mkkey "$tmp/b"
sta=$(station_of "$tmp/a/st.pub"); stb=$(station_of "$tmp/b/st.pub")
"$P" station add --key "$tmp/a/st.pub" >/dev/null 2>&1
"$P" station add --key "$tmp/b/st.pub" >/dev/null 2>&1

# events FIRST COUNT TAG: COUNT event JSON lines as arguments via an array.
events() {
    local first=$1 count=$2 tag=$3 s
    evs=()
    for s in $(seq "$first" $((first + count - 1))); do
        evs+=("{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:$tag-$s\",\"eventTime\":\"2026-11-25T08:00:00.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"epcList\":[\"https://id.gs1.org/01/09520123456788/10/L$tag/21/$s\"]}")
    done
}
# Station A: bundles 1-3 on both sticks (the station writes every unacknowledged bundle).
prev=-
for b in 1 2 3; do
    events $(((b - 1) * n + 1)) "$n" a
    prev=$(mkbundle "$tmp/s1" "$tmp/a" "$b" "$prev" $(((b - 1) * n + 1)) "${evs[@]}")
done
cp -r "$tmp/s1/tramtem/$sta" "$tmp/s2-a"
# Station B: bundles 1-2 on stick 1, bundle 3 (and 1-2 again) on stick 2.
prev=-
for b in 1 2 3; do
    events $(((b - 1) * n + 1)) "$n" b
    prev=$(mkbundle "$tmp/s2" "$tmp/b" "$b" "$prev" $(((b - 1) * n + 1)) "${evs[@]}")
done
cp -r "$tmp/s2/tramtem/$stb" "$tmp/s1/tramtem/"
rm "$tmp/s1/tramtem/$stb"/b-00000003.*
mkdir -p "$tmp/s2/tramtem"; mv "$tmp/s2-a" "$tmp/s2/tramtem/$sta"

"$P" --json ingest "$tmp/s1" >"$tmp/o1" 2>"$tmp/e1" & p1=$!
"$P" --json ingest "$tmp/s2" >"$tmp/o2" 2>"$tmp/e2" & p2=$!
wait $p1 || { cat "$tmp/e1"; fail "ingest 1"; }
wait $p2 || { cat "$tmp/e2"; fail "ingest 2"; }
cat "$tmp/o1" "$tmp/o2" | jq -s -e 'all(.outcome == "accepted" or .outcome == "duplicate" or .outcome == "pending")' >/dev/null \
    || { cat "$tmp/o1" "$tmp/o2"; fail "unexpected outcome"; }
[ "$(cat "$tmp/o1" "$tmp/o2" | jq -s 'map(.new) | add')" = $((6 * n)) ] || fail "new events do not add up"
[ "$(psql -Atc 'SELECT count(*) FROM events')" = $((6 * n)) ] || fail "events lost or doubled"
[ "$(psql -Atc "SELECT head_seq FROM stations WHERE station_id = '$sta'")" = 3 ] || fail "chain A"
[ "$(psql -Atc "SELECT head_seq FROM stations WHERE station_id = '$stb'")" = 3 ] || fail "chain B"
[ "$(psql -Atc "SELECT count(*) FROM bundles WHERE status <> 'accepted'")" = 0 ] || fail "fork or gap left"
[ "$(psql -Atc 'SELECT count(*) FROM gaps WHERE filled_at IS NULL')" = 0 ] || fail "gap left open"
echo ok
