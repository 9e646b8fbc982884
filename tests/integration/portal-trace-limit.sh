#!/usr/bin/env bash
# A trace that is cut says so. `trace` shows at most --limit events
# (default 2000), the oldest first, and then says "showing the first N of
# at least M events" in the user's language; --json ends with a
# {"truncated":true,...} line. The lot page (serve --limit) says it in its
# own language, its JSON has "truncated". GET /events pages through
# everything: a Link to the next page exactly when there is one, filters
# kept, no event twice or missing.
set -eu -o pipefail
. tests/rig/portal.sh curl

"$P" init 2>/dev/null
mkdir "$tmp/a"; mkkey "$tmp/a"
"$P" station add --key "$tmp/a/st.pub" --name "HTX Bưởi Luận Văn" >/dev/null 2>&1
DL=https://id.gs1.org
E='"eventTimeZoneOffset":"+07:00"'
# Lot BIG: 2100 labelling events, one a minute from 2026-11-01 00:00.
big=()
for i in $(seq 0 2099); do
    t=$(printf '2026-11-%02dT%02d:%02d:00.000+07:00' $((1 + i / 1440)) $((i / 60 % 24)) $((i % 60)))
    big+=("{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:big-$i\",\"eventTime\":\"$t\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"epcList\":[\"$DL/01/09520123456788/21/S$i\"],\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/BIG\",\"quantity\":1,\"uom\":\"KGM\"}]}")
done
# Lot B24: labelled, packed onto a pallet, which is shipped, received and stored (5 events).
h=$(mkbundle "$tmp/stick" "$tmp/a" 1 - 1 "${big[@]}")
mkbundle "$tmp/stick" "$tmp/a" 2 "$h" 2101 \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1\",\"eventTime\":\"2026-11-20T07:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}]}" \
    "{\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:2\",\"eventTime\":\"2026-11-20T09:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"packing\",\"parentID\":\"$DL/00/095201230000000011\",\"childQuantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:3\",\"eventTime\":\"2026-11-20T10:00:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\"$DL/00/095201230000000011\"]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:4\",\"eventTime\":\"2026-11-21T05:00:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"receiving\",\"epcList\":[\"$DL/00/095201230000000011\"]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5\",\"eventTime\":\"2026-11-21T06:00:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"storing\",\"epcList\":[\"$DL/00/095201230000000011\"]}" >/dev/null
"$P" ingest "$tmp/stick" >/dev/null 2>&1 || fail "ingest"
[ "$(psql -Atc 'SELECT count(*) FROM events')" = 2105 ] || fail "events stored"

# --- the CLI ---------------------------------------------------------------------
# Default limit: 2000 of the 2100, the oldest, and it says so (Vietnamese by default).
"$P" trace --gtin 09520123456788 --lot BIG >"$tmp/out" 2>"$tmp/err" || fail "trace BIG"
[ "$(wc -l <"$tmp/out")" = 2000 ] || fail "default limit: $(wc -l <"$tmp/out") lines"
head -n 1 "$tmp/out" | grep -q '^2026-11-01T00:00:00' || fail "not the oldest first"
tail -n 1 "$tmp/out" | grep -q '^2026-11-02T09:19:00' || fail "not the first 2000: $(tail -n 1 "$tmp/out")"
grep -qE '^Chỉ hiển thị 2000 sự kiện đầu tiên trong số ít nhất (2[0-9]{3}) sự kiện; dùng --limit để xem thêm\.$' "$tmp/err" ||
    { cat "$tmp/err"; fail "no Vietnamese truncation note"; }
m=$(sed -n 's/.*ít nhất \([0-9]*\) sự kiện.*/\1/p' "$tmp/err")
[ "$m" -gt 2000 ] && [ "$m" -le 2100 ] || fail "at least $m"
"$P" --lang en trace --gtin 09520123456788 --lot BIG --limit 50 2>"$tmp/err" >/dev/null
grep -qE '^Showing the first 50 of at least [0-9]+ events; use --limit to see more\.$' "$tmp/err" || { cat "$tmp/err"; fail "English note"; }
# A limit that holds everything: all 2100, no note.
"$P" --lang en trace --gtin 09520123456788 --lot BIG --limit 2100 >"$tmp/out" 2>"$tmp/err"
[ "$(wc -l <"$tmp/out")" = 2100 ] || fail "--limit 2100"
grep -q 'Showing' "$tmp/err" && fail "note without a cut"
grep -q '^2100 events\.$' "$tmp/err" || fail "count line"
# --json: the events, then one line that says it was cut.
"$P" --json trace --gtin 09520123456788 --lot BIG --limit 10 >"$tmp/j" 2>/dev/null
jq -s -e 'length == 11 and (.[:10] | all(has("event_id")))
          and (.[10] | .truncated == true and .events == 10 and .limit == 10 and .events_found_at_least > 10)' \
    "$tmp/j" >/dev/null || { tail -n 2 "$tmp/j"; fail "JSON truncated line"; }
"$P" --json trace --gtin 09520123456788 --lot BIG --limit 2100 | jq -s -e 'length == 2100 and all(has("event_id"))' >/dev/null ||
    fail "JSON without a cut has no extra line"
# The SSCC both ways (5 events), cut at 3: the walk stops at the first round
# that passes the limit (the pallet's own 4 events), and shows the 3 oldest of them.
"$P" --json trace --sscc 095201230000000011 --limit 3 >"$tmp/j" 2>/dev/null
jq -s -e '(.[:3] | map(.biz_step)) == ["packing","shipping","receiving"] and .[3].truncated == true' "$tmp/j" >/dev/null ||
    { cat "$tmp/j"; fail "SSCC --limit 3"; }
"$P" --json trace --sscc 095201230000000011 | jq -s -e 'length == 5' >/dev/null || fail "SSCC uncut"
"$P" --json trace --sscc 095201230000000011 --limit 5 | jq -s -e 'length == 5' >/dev/null || fail "SSCC --limit 5 is not a cut"
for bad in 0 -1 x 100001 ''; do
    "$P" trace --gtin 09520123456788 --lot BIG --limit "$bad" >/dev/null 2>&1 && fail "--limit '$bad' accepted" || [ $? -eq 2 ] || fail "--limit '$bad' exit"
done

# --- the lot page ----------------------------------------------------------------

serve_start
curl -sf -H 'Accept: application/json' "${U}01/09520123456788/10/BIG" >"$tmp/big.json"
jq -e '.truncated == true and (.events | length) == 2000 and .events_found_at_least > 2000' "$tmp/big.json" >/dev/null ||
    fail "default page limit"
curl -sf "${U}01/09520123456788/10/BIG" >"$tmp/big.html"
grep -qE 'Chỉ hiển thị 2000 sự kiện đầu tiên trong số ít nhất [0-9]+ sự kiện\.' "$tmp/big.html" || fail "HTML note"
[ "$(grep -c '<tr><td>' "$tmp/big.html")" = 2000 ] || fail "HTML rows"
curl -sf -H 'Accept: application/json' "${U}01/09520123456788/10/B24" | jq -e '.truncated == false and (.events | length) == 5' >/dev/null ||
    fail "uncut page"
curl -sf "${U}01/09520123456788/10/B24" >"$tmp/b24.html"
grep -q 'Chỉ hiển thị' "$tmp/b24.html" && fail "note on an uncut page"

# /events paging: a Link exactly when there is a next page; the walk sees each event once.
links() { curl -sf -D "$tmp/h" -o "$tmp/p.json" "$1"; sed -n 's/^Link: <\/\(events?[^>]*\)>; rel="next".*/\1/p' "$tmp/h" | tr -d '\r'; }
[ -z "$(links "${U}events?perPage=1000&EQ_bizStep=packing")" ] || fail "Link on the only page"
[ -z "$(links "${U}events?EQ_bizStep=commissioning&perPage=1000&MATCH_epcClass=$DL/01/09520123456788/10/B24")" ] || fail "Link when all fit"
next="events?EQ_bizStep=commissioning&perPage=700"
: >"$tmp/ids"
pages=0
while [ -n "$next" ]; do
    next=$(links "$U$next")
    jq -r '.epcisBody.queryResults.resultsBody.eventList[] | .eventID + " " + .bizStep' "$tmp/p.json" >>"$tmp/ids"
    pages=$((pages + 1))
    [ -z "$next" ] || echo "$next" | grep -q 'EQ_bizStep=commissioning' || fail "the next link lost the filter: $next"
done
[ "$pages" = 4 ] || fail "$pages pages of 700 for 2101 events, not 4"
[ "$(wc -l <"$tmp/ids")" = 2101 ] || fail "paging saw $(wc -l <"$tmp/ids") events"
[ "$(sort -u "$tmp/ids" | wc -l)" = 2101 ] || fail "an event twice"
grep -qv ' commissioning$' "$tmp/ids" && fail "the filter was lost on a later page"
# The pallet's 4 events: in pages of 4 one page; of 2 exactly two, the second without a Link.
PAL="MATCH_anyEPC=$DL/00/095201230000000011"
[ -z "$(links "${U}events?$PAL&perPage=4")" ] || fail "Link when 4 of 4 fit"
next=$(links "${U}events?$PAL&perPage=2")
[ -n "$next" ] || fail "no Link after the first page of 2"
[ -z "$(links "$U$next")" ] || fail "Link after the last full page"
[ "$(jq '.epcisBody.queryResults.resultsBody.eventList | length' "$tmp/p.json")" = 2 ] || fail "second page of 2"
next=$(links "${U}events?$PAL&perPage=3")
[ -z "$(links "$U$next")" ] || fail "Link after the last page"
[ "$(jq -r '.epcisBody.queryResults.resultsBody.eventList | map(.bizStep) | join(",")' "$tmp/p.json")" = storing ] ||
    fail "second page of 3"
serve_stop

# serve --limit: the page cuts at 3 and says so, in each language.
serve_start --limit 3
curl -sf "${U}01/09520123456788/10/B24" >"$tmp/p.html"
[ "$(grep -c '<tr><td>' "$tmp/p.html")" = 3 ] || fail "--limit 3 rows"
grep -qE 'Chỉ hiển thị 3 sự kiện đầu tiên trong số ít nhất [4-9] sự kiện\.' "$tmp/p.html" || fail "vi note"
curl -sf "${U}01/09520123456788/10/B24?lang=en" >"$tmp/p.html"
grep -qE 'Showing the first 3 of at least [4-9] events\.' "$tmp/p.html" || fail "en note"
curl -sf -H 'Accept: application/json' "${U}00/095201230000000011" |
    jq -e '.truncated == true and (.events | map(.biz_step)) == ["packing","shipping","receiving"]' >/dev/null || fail "pallet JSON cut"
serve_stop
echo ok
