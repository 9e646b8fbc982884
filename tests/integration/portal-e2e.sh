#!/usr/bin/env bash
# End to end: a real station (`tramtem`, demo store, its own key) records a
# lot and labels, exports signed bundles to a stick folder; the portal
# ingests them into PostgreSQL; the events there equal the station's; the
# portal's receipt, imported back by `tramtem import`, acknowledges them.
set -eu -o pipefail
. tests/rig/portal.sh sqlite3
export TRAMTEM_DB=$tmp/station.db XDG_CONFIG_HOME=$tmp/cfg XDG_DATA_HOME=$tmp/data

# The station: demo cooperative, a key, a lot and three labels.
"$S" init --demo >/dev/null 2>&1
"$S" key init >/dev/null 2>&1
"$S" key show >"$tmp/station.pub"
st=$(sqlite3 "$TRAMTEM_DB" "SELECT value FROM settings WHERE key = 'station.id'")
[ -n "$st" ] || fail "no station id"
mkdir "$tmp/labels"
lot=$("$S" lot open --gtin 09528930000026 --lot E2E-1 2>/dev/null)
for i in 1 2 3; do
    "$S" print --lot "$lot" --printer "file:$tmp/labels" >/dev/null 2>&1 || fail "print"
done
n1=$("$S" events --json | wc -l)
[ "$n1" -ge 4 ] || fail "the station recorded only $n1 events"
"$S" export --to "$tmp/stick" >/dev/null 2>&1 || fail "export"

# The portal: enrol the key out of band, ingest the stick.
"$P" init 2>/dev/null
"$P" station add --key "$tmp/station.pub" --station "$st" --name "HTX demo Thanh Hóa" >/dev/null 2>&1
"$P" --json ingest "$tmp/stick" | jq -e ".outcome == \"accepted\" and .new == $n1" >/dev/null || fail "ingest"
"$S" events --json | jq -S -c . | sort >"$tmp/station.ndjson"
psql -Atc "SELECT doc FROM events WHERE station_id = '$st'" | jq -S -c . | sort >"$tmp/portal.ndjson"
[ -s "$tmp/station.ndjson" ] && cmp "$tmp/station.ndjson" "$tmp/portal.ndjson" || fail "events differ"
"$P" --json trace --gtin 09528930000026 --lot E2E-1 | jq -s -e "length == $n1" >/dev/null || fail "trace"

# More work, a second bundle on the same stick: the chain continues; the old one is a duplicate.
"$S" print --lot "$lot" --printer "file:$tmp/labels" >/dev/null 2>&1
"$S" export --to "$tmp/stick" >/dev/null 2>&1
"$P" --json ingest "$tmp/stick" | jq -s -e 'map(.outcome) == ["duplicate","accepted"]' >/dev/null || fail "second ingest"
"$S" events --json | jq -S -c . | sort >"$tmp/station.ndjson"
psql -Atc "SELECT doc FROM events WHERE station_id = '$st'" | jq -S -c . | sort >"$tmp/portal.ndjson"
cmp "$tmp/station.ndjson" "$tmp/portal.ndjson" || fail "events differ after bundle 2"

# The receipt goes back: the station pins the portal key, imports it, and the bundles are acknowledged.
"$P" receipt --to "$tmp/stick" >/dev/null 2>&1
"$S" key portal "$tmp/portal.key.pub" >/dev/null 2>&1
[ "$(sqlite3 "$TRAMTEM_DB" 'SELECT count(*) FROM exports WHERE acked_by IS NULL')" = 2 ] || fail "acked too early"
"$S" import "$tmp/stick/tramtem/$st/r-00000001.json" >/dev/null 2>&1 || fail "station refused the receipt"
[ "$(sqlite3 "$TRAMTEM_DB" 'SELECT count(*) FROM exports WHERE acked_by IS NULL')" = 0 ] || fail "not acknowledged"
n=$("$S" events --json | wc -l)
[ "$(sqlite3 "$TRAMTEM_DB" 'SELECT max(acked_through_event) FROM receipts')" = "$n" ] || fail "acked_through_event"
# The same receipt again is a replay: refused, nothing changes.
set +e; "$S" import "$tmp/stick/tramtem/$st/r-00000001.json" >/dev/null 2>&1; rc=$?; set -e
[ $rc -ne 0 ] || fail "replayed receipt accepted"
echo ok
