#!/usr/bin/env bash
# A lost or damaged spool copy is made again from the store: byte for byte
# for a plain bundle (checked against the recorded hash), never a different
# file under the same number; a sealed one is sealed anew (same content id,
# new bytes) only when a seal key is set, and is never written in plain text.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/st.db" "$@"; }
sd=tramtem/st-demo0001
rc_of() { set +e; "$@" >/dev/null 2>"$tmp/err.txt"; echo $?; set -e; }

tt init --demo >/dev/null
tt key init >station.pub 2>/dev/null
tt lot open --gtin 09528930000026 >/dev/null
tt export --to s0 2>/dev/null
tt lot open --gtin 09528930000033 >/dev/null
tt export --to s0 2>/dev/null
cp -r s0 orig

# A product added since: the bundle still carries the products it had.
tt product add --gtin 09528930000101 --name "Cam sành" >/dev/null

# Lost payload, damaged payload, lost signature: the same bytes again.
rm spool/b-00000001.ndjson.gz
printf 'X' | dd of=spool/b-00000002.ndjson.gz bs=1 seek=60 conv=notrunc 2>/dev/null
tt export --to s1 2>/dev/null || fail "export after a lost spool copy"
for f in b-00000001.ndjson.gz b-00000001.ndjson.gz.minisig b-00000002.ndjson.gz b-00000002.ndjson.gz.minisig; do
    cmp "orig/$sd/$f" "s1/$sd/$f" || fail "$f differs after it was made again"
    cmp "orig/$sd/$f" "spool/$f" || fail "spool $f differs after it was made again"
done
rm spool/b-00000002.ndjson.gz.minisig
: >spool/b-00000001.ndjson.gz
tt export --to s2 2>/dev/null || fail "export after a lost signature"
cmp "orig/$sd/b-00000002.ndjson.gz.minisig" "s2/$sd/b-00000002.ndjson.gz.minisig" || fail "signature differs"
cmp "orig/$sd/b-00000001.ndjson.gz" "s2/$sd/b-00000001.ndjson.gz" || fail "emptied copy not remade"
[ "$(sqlite3 st.db "SELECT count(*) FROM audit WHERE action = 'sync.spool.remade'")" -ge 4 ] || fail "not audited"

# The station id set since: a copy is checked and made again under the id it was signed with.
sqlite3 st.db "UPDATE settings SET value = 'st-renamed' WHERE key = 'station.id'"
rm spool/b-00000002.ndjson.gz
tt export --to s4 2>/dev/null || fail "export after station.id changed"
cmp "orig/$sd/b-00000002.ndjson.gz" s4/tramtem/st-renamed/b-00000002.ndjson.gz || fail "remade under the new id"
cmp "orig/$sd/b-00000001.ndjson.gz.minisig" s4/tramtem/st-renamed/b-00000001.ndjson.gz.minisig || fail "re-signed"
sqlite3 st.db "UPDATE settings SET value = 'st-demo0001' WHERE key = 'station.id'"

# The store changed (a product renamed): bundle 1 cannot come out the same. The export stops,
# says so, and nothing different is written under the number, in the spool or on the stick.
sqlite3 st.db "UPDATE products SET name_vi = 'Đổi tên' WHERE id = (SELECT min(id) FROM products)"
rm spool/b-00000001.ndjson.gz
[ "$(rc_of tt export --to s3)" = 65 ] || fail "export with an unmakeable bundle did not exit 65"
grep -q 'cannot be made again exactly' "$tmp/err.txt" || fail "no clear message: $(cat "$tmp/err.txt")"
[ ! -e spool/b-00000001.ndjson.gz ] || fail "a different file was put in the spool"
[ ! -e "s3/$sd/b-00000001.ndjson.gz" ] || fail "a different file was put on the stick"
ls -a spool | grep -q '\.tmp$' && fail "temporary files left in the spool"
cp "orig/$sd/b-00000001.ndjson.gz" spool/    # the operator brings a copy back from an old stick
tt export --to s3 2>/dev/null || fail "export with the copy restored"

# Sealed: the spool holds the sealed bytes; a lost copy is never remade in plain text.
mkdir st2; st2=$tmp/st2/st.db
t2() { "$TT_BIN" --lang en --db "$st2" "$@"; }
"$TT_BIN" --db "$st2" init --demo >/dev/null 2>&1
mkdir -p k && TRAMTEM_PORTAL_KEY=$tmp/k/portal.key "$TT_PORTAL" --lang en seal-key init >seal.pub 2>/dev/null
t2 key init >/dev/null 2>&1
t2 lot open --gtin 09528930000026 >/dev/null
t2 key seal seal.pub 2>/dev/null
t2 export --to t0 2>/dev/null
sb=t0/tramtem/st-demo0001/b-00000001.ndjson.gz
[ "$(head -c 8 "$sb")" = TTSEAL01 ] || fail "not sealed"
cmp "$sb" st2/spool/b-00000001.ndjson.gz || fail "the spool does not hold the sealed bytes"
rec=$(sqlite3 "$st2" 'SELECT payload_b2 FROM exports WHERE bundle_seq = 1')
t2 verify --json --open-key k/portal.key.seal "$sb" | jq -e ".ok and .b2 == \"$rec\"" >/dev/null ||
    fail "recorded id is not the plain payload's hash"
# the same sealed bytes go on every stick while the copy is there
t2 export --to t1 2>/dev/null
cmp "$sb" t1/tramtem/st-demo0001/b-00000001.ndjson.gz || fail "sealed copy changed between sticks"
# lost, sealing switched off: refused (exit 1), nothing written
sp2=$tmp/st2/spool
rm -f "$sp2/b-00000001.ndjson.gz"
t2 key seal off 2>/dev/null
[ "$(rc_of t2 export --to t2)" = 1 ] || fail "lost sealed copy without a key did not exit 1"
grep -q 'never written again readable' "$tmp/err.txt" || fail "no clear message: $(cat "$tmp/err.txt")"
[ ! -e "$sp2/b-00000001.ndjson.gz" ] && [ ! -e t2/tramtem/st-demo0001/b-00000001.ndjson.gz ] ||
    fail "a lost sealed bundle was written in plain text"
# with the key given: sealed anew, new bytes, the same content id
t2 export --to t3 --encrypt-to seal.pub 2>/dev/null || fail "re-seal"
nb=t3/tramtem/st-demo0001/b-00000001.ndjson.gz
[ "$(head -c 8 "$nb")" = TTSEAL01 ] || fail "re-made copy not sealed"
cmp -s "$sb" "$nb" && fail "re-sealed copy has the same bytes (random key expected)"
t2 verify --json --open-key k/portal.key.seal "$nb" | jq -e ".ok and .b2 == \"$rec\"" >/dev/null ||
    fail "re-sealed copy has another content id"
minisign -Vm "$nb" -p <(t2 key show 2>/dev/null) -q || fail "minisign on the re-sealed copy"
echo ok
