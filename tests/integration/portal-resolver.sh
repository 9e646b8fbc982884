#!/usr/bin/env bash
# The Digital Link resolver and GET /events over loopback, with curl:
# the right events on the lot and pallet pages, Vietnamese text intact,
# English and JSON on request, clean 400/404 for bad GTINs, bad lots and
# injection attempts, 405 for writes, paging through /events; hostile
# requests (huge paths and headers, %00, broken UTF-8, hundreds of query
# parameters) get a clean 4xx, never a 5xx.
set -eu -o pipefail
. tests/rig/portal.sh curl

"$P" init 2>/dev/null
mkdir "$tmp/a" "$tmp/b"; mkkey "$tmp/a"; mkkey "$tmp/b"
"$P" station add --key "$tmp/a/st.pub" --name "HTX Bưởi Luận Văn, Thọ Xuân" >/dev/null 2>&1
"$P" station add --key "$tmp/b/st.pub" --name "Chợ đầu mối Hà Nội" >/dev/null 2>&1
DL=https://id.gs1.org
E='"eventTimeZoneOffset":"+07:00"'
export BUNDLE_MD="{\"type\":\"urn:epcglobal:epcis:vtype:EPCClass\",\"vocabularyElementList\":[{\"id\":\"$DL/01/09520123456788\",\"attributes\":[{\"id\":\"urn:epcglobal:cbv:mda#descriptionShort\",\"attribute\":\"Bưởi Luận Văn loại 1\"}]}]}"
h=$(mkbundle "$tmp/stick" "$tmp/a" 1 - 1 \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1\",\"eventTime\":\"2026-11-20T07:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B%2F24\",\"quantity\":120,\"uom\":\"KGM\"}],\"ilmd\":{\"cbvmda:harvestStartDate\":\"2026-11-20\"}}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:2\",\"eventTime\":\"2026-11-20T08:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"epcList\":[\"$DL/01/09520123456788/21/77\"],\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B%2F24\",\"quantity\":2.5,\"uom\":\"KGM\"}]}" \
    "{\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:3\",\"eventTime\":\"2026-11-20T09:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"packing\",\"parentID\":\"$DL/00/095201230000000011\",\"childEPCs\":[\"$DL/01/09520123456788/21/77\"]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:4\",\"eventTime\":\"2026-11-20T10:00:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\"$DL/00/095201230000000011\"]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5\",\"eventTime\":\"2026-11-20T11:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/OTHER\",\"quantity\":1,\"uom\":\"KGM\"}]}")
unset BUNDLE_MD
mkbundle "$tmp/stick" "$tmp/b" 1 - 1 \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:b1\",\"eventTime\":\"2026-11-21T05:30:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"receiving\",\"epcList\":[\"$DL/00/095201230000000011\"]}" >/dev/null
"$P" ingest "$tmp/stick" >/dev/null 2>&1 || fail "ingest"

serve_start
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# The lot page (lot "B/24" travels percent-encoded): Vietnamese by default.
curl -sf "${U}01/09520123456788/10/B%2F24" >"$tmp/page.html"
grep -q '<html lang="vi">' "$tmp/page.html"
grep -q 'HTX Bưởi Luận Văn, Thọ Xuân' "$tmp/page.html" || fail "cooperative name not intact"
grep -q 'Chợ đầu mối Hà Nội' "$tmp/page.html" || fail "receiving station missing"
grep -q 'Thu hoạch / ghi nhận' "$tmp/page.html"
grep -q 'Bưởi Luận Văn loại 1' "$tmp/page.html" || fail "product name from the master data"
grep -q '2026-11-20 07:00 +07:00' "$tmp/page.html" || fail "event time shown plainly"
grep -q '2026-11-20' "$tmp/page.html"
for step in 'Tạo mã, ghi nhận lô/nhãn' 'Đóng gói, xếp pallet' 'Xuất hàng' 'Nhận hàng'; do
    grep -q "$step" "$tmp/page.html" || fail "step '$step' missing"
done
[ "$(grep -c '<tr><td>' "$tmp/page.html")" = 5 ] || fail "expected 5 events on the lot page"
# English on request, by parameter or Accept-Language.
curl -sf "${U}01/09520123456788/10/B%2F24?lang=en" | grep -q 'Lot traceability'
curl -sf -H 'Accept-Language: en-GB,en;q=0.8' "${U}01/09520123456788/10/B%2F24" | grep -q '<html lang="en">'
# JSON: the same events, in time order; GTIN-13 is normalised.
curl -sf -H 'Accept: application/json' "${U}01/9520123456788/10/B%2F24" >"$tmp/lot.json"
jq -e '.gtin == "09520123456788" and .lot == "B/24" and .product == "Bưởi Luận Văn loại 1" and .cooperative == "HTX Bưởi Luận Văn, Thọ Xuân"
       and (.events | map(.event.eventID)) == ["urn:uuid:1","urn:uuid:2","urn:uuid:3","urn:uuid:4","urn:uuid:b1"]' \
    "$tmp/lot.json" >/dev/null || { cat "$tmp/lot.json"; fail "lot JSON"; }
# The pallet page: contents and journey.
curl -sf -H 'Accept: application/json' "${U}00/095201230000000011" |
    jq -e '(.events | map(.biz_step)) == ["commissioning","commissioning","packing","shipping","receiving"]' >/dev/null \
    || fail "SSCC JSON"

# Bad input: 400; valid but unknown: 404; never a 500.
[ "$(code "${U}01/09520123456789/10/B%2F24")" = 400 ] || fail "bad check digit"
[ "$(code "${U}01/0952012345678X/10/A")" = 400 ] || fail "letters in GTIN"
[ "$(code "${U}01/09520123456788/10/x'%20OR%20'1'='1")" = 400 ] || fail "quote in lot"
[ "$(code "${U}01/09520123456788/10/%00")" = 400 ] || fail "NUL in lot"
[ "$(code "${U}01/09520123456788/10/$(printf 'A%.0s' $(seq 1 21))")" = 400 ] || fail "long lot"
[ "$(code "${U}01/09520123456788/10/%E1%BB%9D")" = 400 ] || fail "non-CSET82 lot"
[ "$(code "${U}00/095201230000000018")" = 400 ] || fail "bad SSCC"
[ "$(code "${U}01/09520123456788/10/NOPE")" = 404 ] || fail "unknown lot"
[ "$(code "${U}01/09520123456788")" = 404 ] || fail "GTIN alone"
[ "$(code "${U}../../etc/passwd")" = 404 ] || fail "traversal"
[ "$(code "${U}01/09520123456788/10/A/21/1/22/x/99")" = 404 ] || fail "long path"
[ "$(code -X POST "${U}01/09520123456788/10/B%2F24")" = 405 ] || fail "POST"
[ "$(code -X DELETE "${U}events")" = 405 ] || fail "DELETE"
curl -s -H 'Accept: application/json' "${U}01/09520123456789/10/A" |
    jq -e '.status == 400 and (.title | test("GTIN"))' >/dev/null || fail "JSON error"

# GET /events: filters, paging by Link header, strict parameters.
curl -sf "${U}events?EQ_bizStep=commissioning" |
    jq -e '.type == "EPCISQueryDocument" and (.epcisBody.queryResults.resultsBody.eventList | length) == 3' >/dev/null
curl -sf "${U}events?eventType=AggregationEvent" | jq -e '.epcisBody.queryResults.resultsBody.eventList[0].parentID | endswith("/00/095201230000000011")' >/dev/null
curl -sf "${U}events?MATCH_epc=$DL/00/095201230000000011&GE_eventTime=2026-11-21T00:00:00%2B07:00" |
    jq -e '(.epcisBody.queryResults.resultsBody.eventList | map(.bizStep)) == ["receiving"]' >/dev/null || fail "MATCH_epc + time"
curl -sf "${U}events?MATCH_anyEPC=$DL/01/09520123456788/10/B%252F24" |
    jq -e '(.epcisBody.queryResults.resultsBody.eventList | length) == 2' >/dev/null || fail "lot class match"
seen=0; next="events?perPage=2"
while [ -n "$next" ]; do
    curl -sf -D "$tmp/h" "$U$next" >"$tmp/p.json"
    seen=$((seen + $(jq '.epcisBody.queryResults.resultsBody.eventList | length' "$tmp/p.json")))
    next=$(sed -n 's/^Link: <\/\(events?[^>]*\)>; rel="next".*/\1/p' "$tmp/h" | tr -d '\r')
done
[ "$seen" = 6 ] || fail "paging saw $seen events, not 6"
[ "$(code "${U}events?foo=1")" = 400 ] || fail "unknown parameter"
[ "$(code "${U}events?eventType=ObjectEvent'--")" = 400 ] || fail "bad eventType"
[ "$(code "${U}events?GE_eventTime=yesterday")" = 400 ] || fail "bad time"
[ "$(code "${U}events?perPage=0")" = 400 ] || fail "perPage 0"
[ "$(code "${U}events?nextPageToken=x'%3B%20DROP%20TABLE%20events")" = 400 ] || fail "bad token"
[ "$(code "${U}events?MATCH_epc=urn:epc:id:sgtin:x")" = 400 ] || fail "non-DL EPC"
# Hostile requests: a clean 4xx (or, past libmicrohttpd's per-connection
# memory, the connection closed), never a 5xx, and the server stays up.
long() { head -c "$1" /dev/zero | tr '\0' "${2:-A}"; }
hc() { # hc WANT... -- CURL-ARGS: the status must be one of WANT
    local want=() got
    while [ "$1" != -- ]; do want+=("$1"); shift; done
    shift
    got=$(curl -s -m 20 -o "$tmp/hostile.out" -w '%{http_code}' "$@" || true)
    for w in "${want[@]}"; do [ "$got" = "$w" ] && return 0; done
    local last=${*: -1}
    fail "hostile request ${last:0:80}...: $got, not ${want[*]}"
}
# More parameters than libmicrohttpd's memory for a connection holds: that
# one gets no answer (closed, at the latest by the idle limit) and holds
# nothing else up: the requests below are answered meanwhile.
curl -s -m 30 -o /dev/null -w '%{http_code}' "${U}events?$(for i in $(seq 1 3000); do printf 'a=&'; done)" \
    >"$tmp/many.code" 2>/dev/null &
mpid=$!
hc 414 431 -- "${U}01/$(long 40000)"
hc 400 404 -- "${U}01/09520123456788/10/$(long 3000)"
hc 404 -- "${U}$(for i in $(seq 1 300); do printf 'a/'; done)"
hc 400 -- "${U}00/%00"
hc 400 -- "${U}events?EQ_bizStep=%00"
hc 400 -- "${U}events?%00=1"
hc 400 -- "${U}01/09520123456788/10/%C3%28"
hc 400 -- "${U}01/09520123456788/10/%ED%A0%80"
hc 400 -- "${U}01/09520123456788/10/$(printf '\xff\xfe')"
hc 400 -- "${U}01/%F0%9F%8D%8A/10/A"
# Broken UTF-8 echoed in an error stays valid JSON.
hc 400 -- "${U}events?eventType=%FF%FE%C3"
jq -e '.status == 400' "$tmp/hostile.out" >/dev/null || fail "error JSON with broken UTF-8"
hc 400 -- "${U}events?%C3%28=1"
jq -e '.status == 400' "$tmp/hostile.out" >/dev/null || fail "error JSON with a broken parameter name"
hc 400 -- "${U}events?MATCH_epc=$(long 5000 x)"
hc 200 -- -H "Accept: $(long 20000 a)" "${U}01/09520123456788/10/B%2F24"
hc 200 -- -H "Accept-Language: $(long 20000 e)" "${U}01/09520123456788/10/B%2F24"
hc 431 414 -- -H "Accept: $(long 100000 a)" "${U}01/09520123456788/10/B%2F24"
hc 200 -- $(for i in $(seq 1 200); do printf -- '-H X-%d:y ' "$i"; done) "${U}00/095201230000000011"
hc 400 -- "${U}events?$(for i in $(seq 1 17); do printf 'perPage=1&'; done)"
hc 400 -- "${U}events?$(for i in $(seq 1 300); do printf 'a%d=1&' "$i"; done)"
hc 400 404 -- "${U}01/09520123456788/10/B%2F24?lang=$(long 2000 e)"
hc 400 -- "${U}events?perPage=99999999999999999999999"
hc 400 -- "${U}events?nextPageToken=$(long 900 9).1"
hc 400 -- "${U}events?GE_eventTime=$(long 500 9)"
hc 405 -- -X PUT -d x "${U}events"
hc 200 -- "${U}01/09520123456788/10/B%2F24"
wait "$mpid" || true
grep -qE '^(400|000)$' "$tmp/many.code" || fail "3000 parameters: $(cat "$tmp/many.code")"
kill -0 "$spid" || fail "serve died on hostile input"
# The injection attempts changed nothing.
[ "$(psql -Atc 'SELECT count(*) FROM events')" = 6 ] || fail "events table changed"
serve_stop
grep -qE 'Đã dừng|Stopped' "$tmp/serve.log" || fail "no clean stop message"
echo ok
