#!/usr/bin/env bash
# serve lives through a PostgreSQL restart: pages work, the server stops
# (fast shutdown cuts the sessions), a request during the outage gets a
# quick 503 (HTML in Vietnamese, or JSON) with Retry-After, never a 500 or
# a hang; once PostgreSQL is back the pages work again without restarting
# serve, on every worker; right after a restart no request sees the dead
# session (it is made again and the read-only answer run once more).
set -eu -o pipefail
. tests/rig/portal.sh curl

"$P" init 2>/dev/null
mkdir "$tmp/a"; mkkey "$tmp/a"
"$P" station add --key "$tmp/a/st.pub" --name "HTX Bưởi Luận Văn" >/dev/null 2>&1
DL=https://id.gs1.org
mkbundle "$tmp/stick" "$tmp/a" 1 - 1 \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1\",\"eventTime\":\"2026-11-20T07:00:00.000+07:00\",\"eventTimeZoneOffset\":\"+07:00\",\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}]}" >/dev/null
"$P" ingest "$tmp/stick" >/dev/null 2>&1 || fail "ingest"

serve_start --threads 3
LOT="${U}01/09520123456788/10/B24"
code() { curl -s -m 10 -o /dev/null -w '%{http_code}' "$@"; }

# Every worker has a session before the restart (parallel requests).
for i in $(seq 1 12); do echo "$LOT"; done | xargs -P 6 -n 1 curl -s -o /dev/null -w '%{http_code}\n' >"$tmp/before"
[ "$(grep -c '^200$' "$tmp/before")" = 12 ] || fail "before the restart"

pg_down
# During the outage: 503, quickly, in the page's language; JSON when asked.
start=$(date +%s.%N)
curl -s -m 10 -D "$tmp/h" -o "$tmp/down.html" -w '%{http_code}' "$LOT" >"$tmp/code" || true
[ "$(cat "$tmp/code")" = 503 ] || fail "during the outage: $(cat "$tmp/code"), not 503"
awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a < 3) }' || fail "the 503 was slow"
grep -qi '^Retry-After: ' "$tmp/h" || fail "no Retry-After"
grep -q 'Vui lòng thử lại' "$tmp/down.html" || fail "503 page not in Vietnamese"
curl -s -m 10 -H 'Accept: application/json' "$LOT" | jq -e '.status == 503' >/dev/null || fail "503 JSON"
for i in $(seq 1 12); do echo "$LOT"; done | xargs -P 6 -n 1 curl -s -m 10 -o /dev/null -w '%{http_code}\n' >"$tmp/during"
[ "$(grep -c '^503$' "$tmp/during")" = 12 ] || { sort "$tmp/during" | uniq -c; fail "not every request during the outage was a 503"; }
[ "$(code "${U}events")" = 503 ] || fail "/events during the outage"

pg_up
# Back: the pages work again within a few seconds, with no restart of serve.
ok=0
for i in $(seq 1 50); do
    [ "$(code "$LOT")" = 200 ] && { ok=1; break; }
    sleep 0.2
done
[ "$ok" = 1 ] || fail "pages did not come back after the restart"
sleep 1.2 # past the workers' one-second wait between connection attempts
for i in $(seq 1 30); do echo "$LOT"; echo "${U}events"; done |
    xargs -P 6 -n 1 curl -s -m 10 -o /dev/null -w '%{http_code}\n' >"$tmp/after"
[ "$(grep -c '^200$' "$tmp/after")" = 60 ] || { sort "$tmp/after" | uniq -c; fail "after the restart"; }
# A restart nobody saw: the sessions are dead, and the next requests run again on new ones at once.
pg_down; pg_up
for i in $(seq 1 6); do echo "$LOT"; done | xargs -P 3 -n 1 curl -s -m 10 -o /dev/null -w '%{http_code}\n' >"$tmp/unseen"
[ "$(grep -c '^200$' "$tmp/unseen")" = 6 ] || { sort "$tmp/unseen" | uniq -c; fail "first requests after an unseen restart"; }
kill -0 "$spid" || fail "serve died"
serve_stop
echo ok
