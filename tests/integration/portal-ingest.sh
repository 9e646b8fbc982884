#!/usr/bin/env bash
# The portal's command line against a private PostgreSQL, with bundles made
# by stock gzip + minisign: init, station add|list|revoke, ingest (accept,
# duplicate stick, gap then fill, fork, tampered, unknown key, hostile
# names), signed receipts that stock minisign verifies, trace, exit codes.
set -eu -o pipefail
. tests/rig/portal.sh minisign

# Before init the schema is missing: a clear error, exit 1 (not a crash).
set +e; "$P" --lang en station list 2>"$tmp/err"; rc=$?; set -e
[ $rc -ne 0 ] && grep -q "tramtem-portal init" "$tmp/err" || fail "no init hint ($rc)"
"$P" init
"$P" --json init | jq -e '.schema == 1 and .key_created == false' >/dev/null
[ -f "$tmp/portal.key.pub" ] || fail "no portal public key"

mkdir "$tmp/a" "$tmp/b" "$tmp/x"
mkkey "$tmp/a"; mkkey "$tmp/b"; mkkey "$tmp/x"
sta=$(station_of "$tmp/a/st.pub"); stb=$(station_of "$tmp/b/st.pub")
"$P" station add --key "$tmp/a/st.pub" --name "HTX Bưởi Luận Văn" >/dev/null
"$P" --json station add --key "$tmp/b/st.pub" --name "Kho Thọ Xuân" | jq -e ".station == \"$stb\"" >/dev/null
set +e; "$P" station add --key "$tmp/a/st.pub" 2>/dev/null; rc=$?; set -e
[ $rc -eq 1 ] || fail "second enrolment of a key: exit $rc"
"$P" station list --json | jq -s -e 'length == 2 and all(.status == "active")' >/dev/null
"$P" station list | grep -q "HTX Bưởi Luận Văn"

ev() { # ev ID MINUTE STEP EPC-JSON-FIELDS
    printf '{"type":"ObjectEvent","eventID":"urn:uuid:%s","eventTime":"2026-11-25T08:%s:00.000+07:00","eventTimeZoneOffset":"+07:00","action":"%s","bizStep":"%s",%s}' "$1" "$2" "${5:-ADD}" "$3" "$4"
}
L1='"quantityList":[{"epcClass":"https://id.gs1.org/01/09520123456788/10/LOT1","quantity":50,"uom":"KGM"}]'
P1='"epcList":["https://id.gs1.org/00/095201230000000011"]'

s1=$tmp/stick1
h1=$(mkbundle "$s1" "$tmp/a" 1 - 1 "$(ev a1 01 commissioning "$L1")" "$(ev a2 02 commissioning "$L1")")
h2=$(mkbundle "$s1" "$tmp/a" 2 "$h1" 3 "$(ev a3 03 shipping "$P1" OBSERVE)")
"$P" --json ingest "$s1" >"$tmp/out"
jq -s -e 'length == 2 and all(.outcome == "accepted") and (map(.new) | add) == 3' "$tmp/out" >/dev/null \
    || { cat "$tmp/out"; fail "first stick"; }
# The same stick again: nothing new, exit 0.
"$P" --json ingest "$s1" | jq -s -e 'all(.outcome == "duplicate")' >/dev/null || fail "duplicate stick"
[ "$(psql -Atc 'SELECT count(*) FROM events')" = 3 ] || fail "events counted twice"

# A receipt, verified by stock minisign with the portal key; the same again when nothing changed.
"$P" --json receipt --to "$tmp/ret" | jq -e ".station == \"$sta\" and .receipt_seq == 1 and .acked_through_bundle == 2 and .acked_through_event == 3" >/dev/null
r=$tmp/ret/tramtem/$sta/r-00000001.json
minisign -V -q -p "$tmp/portal.key.pub" -m "$r" || fail "receipt signature"
jq -e '.kind == "receipt" and .acked_through_bundle == 2 and (.gaps | length) == 0' "$r" >/dev/null
"$P" --json receipt --to "$tmp/ret2" --station "$sta" | jq -e '.receipt_seq == 1 and .new == false' >/dev/null
cmp "$r" "$tmp/ret2/tramtem/$sta/r-00000001.json" || fail "re-issued receipt differs"

# Bundle 4 before 3: pending, the receipt lists the gap; then 3 fills it.
s2=$tmp/stick2; s3=$tmp/stick3
h3=$(mkbundle "$s3" "$tmp/a" 3 "$h2" 4 "$(ev a4 04 receiving "$P1" OBSERVE)")
mkbundle "$s2" "$tmp/a" 4 "$h3" 5 "$(ev a5 05 storing "$P1" OBSERVE)" >/dev/null
"$P" --json ingest "$s2" | jq -e '.outcome == "pending"' >/dev/null || fail "gap not pending"
"$P" --json receipt --to "$tmp/ret3" --station "$sta" | jq -e '.receipt_seq == 2 and .acked_through_bundle == 2' >/dev/null
jq -e '.gaps == [3]' "$tmp/ret3/tramtem/$sta/r-00000002.json" >/dev/null || fail "gap not in receipt"
"$P" --json ingest "$s3" | jq -e '.outcome == "accepted"' >/dev/null
"$P" --json receipt --to "$tmp/ret3" --station "$sta" | jq -e '.receipt_seq == 3 and .acked_through_bundle == 4 and .acked_through_event == 5' >/dev/null

# Fork: bundle 2 with other content. Kept, nothing imported, exit 65.
s4=$tmp/stick4
mkbundle "$s4" "$tmp/a" 2 "$h1" 3 "$(ev a3 03 shipping "$P1" DELETE)" >/dev/null
set +e; "$P" --json ingest "$s4" >"$tmp/out"; rc=$?; set -e
[ $rc -eq 65 ] && jq -e '.outcome == "fork"' "$tmp/out" >/dev/null || fail "fork: $rc $(cat "$tmp/out")"

# Unknown key, tampered payload, hostile names: refused, nothing imported.
s5=$tmp/stick5
mkbundle "$s5" "$tmp/x" 1 - 1 "$(ev x1 01 commissioning "$L1")" >/dev/null
hb=$(mkbundle "$s5" "$tmp/b" 1 - 1 "$(ev b1 09 receiving "$P1" OBSERVE)")
f=$s5/tramtem/$stb/b-00000001.ndjson.gz
printf '\x00' | dd of="$f" bs=1 seek=30 conv=notrunc 2>/dev/null
ln -s /etc/shadow "$s5/tramtem/$stb/b-00000002.ndjson.gz"
touch "$s5/tramtem/$stb/b-00000003.ndjson.gz"   # no signature
mkdir -p "$s5/tramtem/..."; touch "$s5/tramtem/\$(reboot)" "$s5/tramtem/$stb/b-00000001.ndjson.gz;rm"
before=$(psql -Atc 'SELECT count(*) FROM events')
set +e; "$P" --json ingest "$s5" >"$tmp/out"; rc=$?; set -e
[ $rc -eq 65 ] || fail "hostile stick: exit $rc"
jq -s -e 'length == 4 and all(.outcome == "rejected")' "$tmp/out" >/dev/null || { cat "$tmp/out"; fail "hostile stick"; }
grep -q unregistered "$tmp/out" && grep -q signature "$tmp/out" || fail "reasons missing"
[ "$(psql -Atc 'SELECT count(*) FROM events')" = "$before" ] || fail "something was imported"
[ -z "$(find "$tmp/q" -type l)" ] || fail "symlink copied into quarantine"

# Revocation: later bundles of the revoked key are refused.
"$P" station revoke "$stb" --after 0 --reason "máy bị mất"
"$P" --json station list | jq -s -e "map(select(.station == \"$stb\"))[0].status == \"revoked\"" >/dev/null
s6=$tmp/stick6
mkbundle "$s6" "$tmp/b" 1 - 1 "$(ev b1 09 receiving "$P1" OBSERVE)" >/dev/null
set +e; "$P" --json ingest "$s6" >"$tmp/out"; rc=$?; set -e
[ $rc -eq 65 ] && grep -q revoked "$tmp/out" || fail "revoked key accepted"
"$P" --json masterdata export --to "$tmp/md" | jq -e '.revoked_keys == 1' >/dev/null
m=$(ls "$tmp/md/tramtem/$sta/"m-*.json)
minisign -V -q -p "$tmp/portal.key.pub" -m "$m" || fail "master data signature"

# Trace: the lot forward to its pallet's journey; bad input is exit 65, unknown lot exit 1.
"$P" --json trace --gtin 9520123456788 --lot LOT1 >"$tmp/trace"
jq -s -e 'map(.biz_step) == ["commissioning","commissioning"]' "$tmp/trace" >/dev/null || { cat "$tmp/trace"; fail "trace"; }
"$P" --json trace --sscc 095201230000000011 | jq -s -e 'map(.biz_step) == ["shipping","receiving","storing"]' >/dev/null || fail "sscc trace"
"$P" --lang vi trace --sscc 095201230000000011 | grep -q "Xuất hàng"
set +e
"$P" trace --gtin 9520123456789 --lot LOT1 2>/dev/null; [ $? -eq 65 ] || fail "bad GTIN"
"$P" trace --gtin 9520123456788 --lot NOPE 2>/dev/null; [ $? -eq 1 ] || fail "unknown lot"
"$P" trace --lot X 2>/dev/null; [ $? -eq 2 ] || fail "usage"
"$P" --db "host=$tmp/none" station list 2>/dev/null; [ $? -eq 69 ] || fail "no server: exit 69"
set -e
echo ok
