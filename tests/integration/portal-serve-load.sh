#!/usr/bin/env bash
# serve answers concurrently: while one lot page waits on a slow query (a
# real one: another session holds a lock on the products table, as a
# maintenance job would), 120 other requests from 8 parallel clients are
# answered at once and none waits for it; then everything is answered
# right; SIGTERM during a slow query stops the server promptly (the query
# is cancelled) and cleanly.
set -eu -o pipefail
. tests/rig/portal.sh curl
lpid= cpid=
portal_test_cleanup() {
    local p
    for p in $lpid $cpid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
now() { date +%s.%N; }

"$P" init 2>/dev/null
mkdir "$tmp/a"; mkkey "$tmp/a"
"$P" station add --key "$tmp/a/st.pub" --name "HTX Bưởi Luận Văn" >/dev/null 2>&1
DL=https://id.gs1.org
E='"eventTimeZoneOffset":"+07:00"'
mkbundle "$tmp/stick" "$tmp/a" 1 - 1 \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1\",\"eventTime\":\"2026-11-20T07:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}]}" \
    "{\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:2\",\"eventTime\":\"2026-11-20T09:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"packing\",\"parentID\":\"$DL/00/095201230000000011\",\"childQuantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:3\",\"eventTime\":\"2026-11-20T10:00:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\"$DL/00/095201230000000011\"]}" >/dev/null
"$P" ingest "$tmp/stick" >/dev/null 2>&1 || fail "ingest"

# Holds the products table (ACCESS EXCLUSIVE) for $1 seconds, and waits until it has it.
hold_products() {
    psql -Atq -c "BEGIN; LOCK TABLE products IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($1); COMMIT;" \
        >/dev/null 2>&1 &
    lpid=$!
    for i in $(seq 1 100); do
        [ "$(psql -Atc "SELECT count(*) FROM pg_locks WHERE relation = 'products'::regclass
                        AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && return 0
        sleep 0.05
    done
    fail "could not take the lock"
}

serve_start --threads 4
# The lot page reads the product's name: it waits for the lock.
hold_products 6
t0=$(now)
curl -s -o "$tmp/slow.html" -w '%{http_code}\n' "${U}01/09520123456788/10/B24" >"$tmp/slow.code" &
cpid=$!
sleep 0.3
kill -0 "$cpid" 2>/dev/null || fail "the lot page did not wait for the lock (the test proves nothing)"
# 120 requests (pallet pages in HTML and JSON, /events) from 8 clients at once.
for i in $(seq 1 40); do
    echo "${U}00/095201230000000011"
    echo "${U}events?EQ_bizStep=packing"
    echo "${U}00/095201230000000011?lang=en"
done >"$tmp/urls"
xargs -P 8 -n 1 curl -s -o /dev/null -w '%{http_code} %{time_total}\n' <"$tmp/urls" >"$tmp/fast"
t1=$(now)
[ "$(grep -c '^200 ' "$tmp/fast")" = 120 ] || { sort "$tmp/fast" | uniq -c | head; fail "not every fast request was answered 200"; }
kill -0 "$cpid" 2>/dev/null || fail "the slow request ended before the fast ones: they were not concurrent"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 4.5) }' || fail "the fast requests took $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') s"
slowest=$(sort -k2 -n "$tmp/fast" | tail -n 1 | cut -d' ' -f2)
awk -v s="$slowest" 'BEGIN { exit !(s < 3) }' || fail "a fast request waited $slowest s"
# The slow one gets its whole answer once the lock is gone.
wait "$cpid"; cpid=
[ "$(cat "$tmp/slow.code")" = 200 ] || fail "slow request: $(cat "$tmp/slow.code")"
grep -q 'HTX Bưởi Luận Văn' "$tmp/slow.html" || fail "slow page incomplete"
wait "$lpid" || true; lpid=

# A burst bigger than the workers: every request is answered, none is refused.
for i in $(seq 1 200); do echo "${U}01/09520123456788/10/B24"; done |
    xargs -P 16 -n 1 curl -s -o /dev/null -H 'Accept: application/json' -w '%{http_code}\n' >"$tmp/burst"
[ "$(grep -c '^200$' "$tmp/burst")" = 200 ] || { sort "$tmp/burst" | uniq -c; fail "burst"; }
# Connections stay bounded: the server holds one PostgreSQL session per worker at most.
n=$(psql -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
[ "$n" -le 4 ] || fail "$n PostgreSQL sessions for 4 workers"

# SIGTERM while a request waits on a slow query: cancelled, stopped within seconds, exit 0.
hold_products 20
curl -s -o /dev/null -w '%{http_code}\n' "${U}01/09520123456788/10/B24" >"$tmp/cut.code" &
cpid=$!
sleep 0.5
t0=$(now)
serve_stop # SIGTERM; fails unless serve exits 0
awk -v a="$t0" -v b="$(now)" 'BEGIN { exit !(b - a < 5) }' || fail "stopping took too long"
wait "$cpid" || true; cpid=
grep -qE '^(503|000)$' "$tmp/cut.code" || fail "cut request: $(cat "$tmp/cut.code")"
grep -qE 'Đã dừng|Stopped' "$tmp/serve.log" || fail "no clean stop message"
kill "$lpid" 2>/dev/null || true; wait "$lpid" 2>/dev/null || true; lpid=
psql -Atqc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null

# Options are checked.
"$P" serve --listen 127.0.0.1:0 --threads 0 2>/dev/null && fail "--threads 0 accepted" || [ $? -eq 2 ] || fail "--threads 0 exit"
"$P" serve --listen 127.0.0.1:0 --threads 65 2>/dev/null && fail "--threads 65 accepted" || [ $? -eq 2 ] || fail "--threads 65 exit"
"$P" serve --listen 127.0.0.1:0 --limit x 2>/dev/null && fail "--limit x accepted" || [ $? -eq 2 ] || fail "--limit x exit"
echo ok
