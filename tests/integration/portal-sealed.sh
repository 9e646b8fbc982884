#!/usr/bin/env bash
# Sealed (encrypted) bundles end to end: the portal makes its seal key, the
# station seals its export to it (--encrypt-to, then the setting), the
# stock minisign still verifies the sealed file with no secret, `tramtem
# verify` says "sealed, not checked" (exit 1) without the key and checks
# everything with it, the portal ingests it (events equal the station's),
# the receipt acknowledges it; a bundle sealed to another portal's key, or
# sent to a portal without a seal key, is refused with the reason.
set -eu -o pipefail
. tests/rig/portal.sh sqlite3 minisign
export TRAMTEM_LOCALEDIR=${BUILD:-$top/build}/locale
export TRAMTEM_DB=$tmp/station.db XDG_CONFIG_HOME=$tmp/cfg XDG_DATA_HOME=$tmp/data
S() { "$S" --lang en "$@"; }
P() { "$P" --lang en "$@"; }

# The portal: schema, receipt key, and the seal key (secret 0600 beside the receipt key).
P init 2>/dev/null
P seal-key init >"$tmp/seal.pub" 2>"$tmp/sealkey.txt" || fail "seal-key init"
grep -q 'fingerprint' "$tmp/sealkey.txt" || fail "no fingerprint shown"
[ "$(stat -c %a "$tmp/portal.key.seal")" = 600 ] || fail "seal secret not 0600"
cmp "$tmp/seal.pub" "$tmp/portal.key.seal.pub" || fail "public file differs from what init printed"
P seal-key show | cmp - "$tmp/seal.pub" || fail "seal-key show"
set +e; P seal-key init >/dev/null 2>&1; rc=$?; set -e
[ $rc -ne 0 ] || fail "seal key replaced"
psql -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" >/dev/null
secret_b64=$(sed -n 2p "$tmp/portal.key.seal")
[ -z "$(pg_dump --data-only 2>/dev/null | grep -F "$secret_b64" || true)" ] || fail "seal secret in the database"

# The station: a lot and labels, sealed export with --encrypt-to.
S init --demo >/dev/null 2>&1
S key init >/dev/null 2>&1
S key show >"$tmp/station.pub" 2>/dev/null
st=$(sqlite3 "$TRAMTEM_DB" "SELECT value FROM settings WHERE key = 'station.id'")
mkdir "$tmp/labels"
lot=$(S lot open --gtin 09528930000026 --lot SEAL-1 2>/dev/null)
for i in 1 2 3; do S print --lot "$lot" --printer "file:$tmp/labels" >/dev/null 2>&1 || fail "print"; done
n1=$(S events --json | wc -l)
S export --to "$tmp/stick" --encrypt-to "$tmp/seal.pub" >/dev/null 2>&1 || fail "export --encrypt-to"
b=$tmp/stick/tramtem/$st/b-00000001.ndjson.gz
[ "$(head -c 8 "$b")" = TTSEAL01 ] || fail "the bundle on the stick is not sealed"
if zcat "$b" >/dev/null 2>&1; then fail "a sealed bundle reads as gzip"; fi
cmp "$b" "$tmp/data/tramtem/spool/b-00000001.ndjson.gz" 2>/dev/null ||
    cmp "$b" "$(dirname "$TRAMTEM_DB")/spool/b-00000001.ndjson.gz" || fail "stick copy differs from the spool"

# The stock minisign verifies the sealed file as written, with no secret.
minisign -Vm "$b" -p "$tmp/station.pub" | grep -q "tramtem-bundle/1 st=$st" || fail "minisign -V"

# verify without the key: signature checked, contents sealed and not checked, exit 1 (not 0, not 65).
set +e; S verify "$b" 2>"$tmp/v1.txt"; rc=$?; set -e
[ $rc -eq 1 ] || fail "verify without the key exited $rc"
grep -q 'sealed' "$tmp/v1.txt" && grep -q 'NOT checked' "$tmp/v1.txt" || fail "verify did not say sealed/not checked"
set +e; S verify --json "$b" >"$tmp/v1.json" 2>/dev/null; rc=$?; set -e
[ $rc -eq 1 ] || fail "verify --json without the key exited $rc"
jq -e '.ok == false and .problem == "sealed" and .sealed == true and .bundle_seq == 1' "$tmp/v1.json" >/dev/null ||
    fail "verify --json: $(cat "$tmp/v1.json")"
# with the key: every check, the EPCIS document too
S verify --open-key "$tmp/portal.key.seal" "$b" 2>"$tmp/v2.txt" || fail "verify --open-key: $(cat "$tmp/v2.txt")"
grep -q 'every event OK' "$tmp/v2.txt" || fail "verify --open-key message"
S verify --json --open-key "$tmp/portal.key.seal" --epcis "$tmp/doc.json" "$b" >"$tmp/v2.json" 2>/dev/null
jq -e ".ok == true and .sealed == true and .event_count == $n1" "$tmp/v2.json" >/dev/null || fail "verify --json --open-key"
jq -e ".epcisBody.eventList | length == $n1" "$tmp/doc.json" >/dev/null || fail "EPCIS document of a sealed bundle"
# a secret key others may read is refused
cp "$tmp/portal.key.seal" "$tmp/loose.seal"; chmod 644 "$tmp/loose.seal"
set +e; S verify --open-key "$tmp/loose.seal" "$b" 2>/dev/null; rc=$?; set -e
[ $rc -ne 0 ] || fail "a world-readable seal secret was used"

# The portal ingests it: signature first, then opened; the events equal the station's.
P station add --key "$tmp/station.pub" --station "$st" --name "HTX sealed" >/dev/null 2>&1
P --json ingest "$tmp/stick" | jq -e ".outcome == \"accepted\" and .new == $n1" >/dev/null || fail "ingest"
S events --json | jq -S -c . | sort >"$tmp/station.ndjson"
psql -Atc "SELECT doc FROM events WHERE station_id = '$st'" | jq -S -c . | sort >"$tmp/portal.ndjson"
[ -s "$tmp/station.ndjson" ] && cmp "$tmp/station.ndjson" "$tmp/portal.ndjson" || fail "events differ"
# The portal's bundle id is the plain payload's hash, as the station recorded it (the chain).
rec=$(sqlite3 "$TRAMTEM_DB" 'SELECT payload_b2 FROM exports WHERE bundle_seq = 1')
[ "$(psql -Atc "SELECT encode(hash, 'hex') FROM bundles WHERE station_id = '$st' AND bundle_seq = 1")" = "$rec" ] ||
    fail "portal bundle hash is not the plain payload's"
# no opened payload is left in the quarantine
[ -z "$(grep -rl '"tramtem":"bundle"' "$tmp/q" 2>/dev/null || true)" ] || fail "plain payload left in quarantine"

# The setting: from now on the kiosk's exports are sealed too; the chain continues across them.
S key seal "$tmp/seal.pub" 2>"$tmp/seal.txt" || fail "key seal"
grep -q "$(sed -n 1p "$tmp/seal.pub" | awk '{print $NF}')" "$tmp/seal.txt" || fail "key seal does not show the fingerprint"
S print --lot "$lot" --printer "file:$tmp/labels" >/dev/null 2>&1
S export --to "$tmp/stick" >/dev/null 2>&1 || fail "export with the setting"
[ "$(head -c 8 "$tmp/stick/tramtem/$st/b-00000002.ndjson.gz")" = TTSEAL01 ] || fail "setting did not seal"
P --json ingest "$tmp/stick" | jq -s -e 'map(.outcome) == ["duplicate","accepted"]' >/dev/null || fail "second ingest"
S events --json | jq -S -c . | sort >"$tmp/station.ndjson"
psql -Atc "SELECT doc FROM events WHERE station_id = '$st'" | jq -S -c . | sort >"$tmp/portal.ndjson"
cmp "$tmp/station.ndjson" "$tmp/portal.ndjson" || fail "events differ after bundle 2"

# The receipt goes back and acknowledges both.
P receipt --to "$tmp/stick" >/dev/null 2>&1
S key portal "$tmp/portal.key.pub" >/dev/null 2>&1
S import "$tmp/stick/tramtem/$st/r-00000001.json" >/dev/null 2>&1 || fail "station refused the receipt"
[ "$(sqlite3 "$TRAMTEM_DB" 'SELECT count(*) FROM exports WHERE acked_by IS NULL')" = 0 ] || fail "not acknowledged"

# Sealing off: the next bundle is plain again.
S key seal off 2>/dev/null || fail "key seal off"
S print --lot "$lot" --printer "file:$tmp/labels" >/dev/null 2>&1
S export --to "$tmp/stick3" >/dev/null 2>&1
zcat "$tmp/stick3/tramtem/$st/b-00000003.ndjson.gz" | head -1 | jq -e '.bundle_seq == 3' >/dev/null || fail "not plain after off"

# A bundle sealed to another portal's key is refused, with the reason; nothing is imported.
other=$tmp/other
mkdir -p "$other"
TRAMTEM_PORTAL_KEY=$other/portal.key P seal-key init >"$other/seal.pub" 2>/dev/null
S print --lot "$lot" --printer "file:$tmp/labels" >/dev/null 2>&1
S export --to "$tmp/stick4" --encrypt-to "$other/seal.pub" >/dev/null 2>&1
P --json ingest "$tmp/stick4" >"$tmp/i4.json" || true
jq -s -e 'map(select(.file | endswith("b-00000004.ndjson.gz"))) | .[0] | .outcome == "rejected" and (.reason | test("another portal"))' \
    "$tmp/i4.json" >/dev/null || fail "bundle sealed to another key: $(cat "$tmp/i4.json")"
[ "$(psql -Atc "SELECT count(*) FROM events WHERE station_id = '$st' AND bundle_seq = 4")" = 0 ] ||
    fail "events imported from a bundle sealed to another key"

# A portal without a seal key refuses a sealed bundle and says why.
mv "$tmp/portal.key.seal" "$tmp/portal.key.seal.away"
P --json ingest "$tmp/stick" >"$tmp/i5.json" || true
jq -s -e 'map(select(.file | endswith("b-00000002.ndjson.gz"))) | .[0] | .outcome == "rejected" and (.reason | test("sealed"))' \
    "$tmp/i5.json" >/dev/null || fail "no seal key: $(cat "$tmp/i5.json")"
echo ok
