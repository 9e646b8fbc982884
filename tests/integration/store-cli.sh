#!/usr/bin/env bash
# The store's CLI contract (DESIGN.md §3): init [--demo], product add|list|show,
# lot open|close|list, events --json; exit codes 0/1/2/65; bad input changes nothing.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/station.db
tt() { "$TT_BIN" --lang en --db "$db" "$@"; }
expect_exit() { # CODE command...
    local want=$1 rc=0; shift
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "expected exit $want, got $rc: $*"; cat "$tmp/err"; exit 1
    fi
}

# No database yet: a clear message, exit 1.
expect_exit 1 tt product list
grep -q "tramtem init" "$tmp/err"

tt init
expect_exit 1 tt init                       # never overwrites
grep -q "already exists" "$tmp/err"
expect_exit 2 tt init --bogus

# Products: a real GS1 Vietnam-style GTIN (check digit computed by the gs1 command).
gtin=$("$TT_BIN" gs1 check-digit 893123456789)
[ "$gtin" = 8931234567897 ]
[ "$(tt product add --gtin "$gtin" --name 'Mật ong rừng Pù Luông' --name-en 'Wild honey' --shelf-life 730)" = "0$gtin" ]
expect_exit 65 tt product add --gtin 8931234567898 --name 'Sai số kiểm tra'
grep -q "check digit" "$tmp/err"
expect_exit 1 tt product add --gtin "$gtin" --name 'Lần hai'
expect_exit 2 tt product add --name 'Không có GTIN'
expect_exit 65 tt product add --gtin 98931234567891 --name 'Bưởi' --unit BOX --variable
[ "$(tt product list --json | wc -l)" -eq 1 ]
tt product list --json | jq -e '.gtin == "08931234567897" and .name_vi == "Mật ong rừng Pù Luông" and .shelf_life_days == 730 and .demo == false' >/dev/null
tt product show "$gtin" | grep -q 'Wild honey'
expect_exit 1 tt product show 09528930000057

# Lots: the id on stdout; harvest range; duplicate code refused; closing is final.
id=$(tt lot open --gtin "$gtin" --lot MO-2611 --harvest 2026-11-20..2026-11-22)
[ "$id" = 1 ]
expect_exit 1 tt lot open --gtin "$gtin" --lot MO-2611
expect_exit 65 tt lot open --gtin "$gtin" --harvest 2026-02-30
expect_exit 1 tt lot open --gtin 09528930000057
expect_exit 2 tt lot open --lot X
tt lot list --json | jq -e '.lot == "MO-2611" and .closed == false' >/dev/null
tt lot close "$id"
expect_exit 1 tt lot close "$id"
tt lot list --json | jq -e '.closed == true' >/dev/null
[ "$(tt lot list --open | wc -l)" -eq 0 ]

# Events: one complete EPCIS 2.0 event per line, in seq order, with its hash id.
[ "$(tt events --json | wc -l)" -eq 1 ]
tt events --json | jq -e '
    .type == "ObjectEvent" and .action == "ADD" and .bizStep == "commissioning"
    and .eventTimeZoneOffset == "+07:00" and (.eventID | startswith("ni:///sha-256;"))
    and .quantityList[0].epcClass == "https://id.gs1.org/01/08931234567897/10/MO-2611"
    and .ilmd["cbvmda:harvestEndDate"] == "2026-11-22"' >/dev/null
tt lot open --gtin "$gtin" >/dev/null
[ "$(tt events --after 1 --json | jq -r '."tt:seq"')" = 2 ]
[ "$(tt events --after 2 --json | wc -l)" -eq 0 ]
expect_exit 2 tt events --after minus-one --json

# The demo station: Vietnamese names, 952 demo numbers, mode demo.
rm -f "$db"*
tt init --demo
[ "$(tt product list --json | jq -r 'select(.demo) | .gtin' | wc -l)" -eq 5 ]
tt product list --json | jq -r .name_vi | grep -q 'Bưởi Luận Văn'
"$TT_BIN" --lang vi --db "$db" lot open --gtin 99528930000012 --place LV-LO01 2>"$tmp/err" >/dev/null
grep -q 'Đã mở lô' "$tmp/err"
tt events --json | jq -e '.bizLocation.id == "https://id.gs1.org/414/9528930000002/254/LV-LO01"' >/dev/null

# A damaged file: reads still work (with a warning), writes refuse with exit 74.
size=$(stat -c %s "$db")
for off in $(seq 8200 12288 "$size"); do
    printf '%*s' 1000 '' | tr ' ' 'Z' | dd of="$db" bs=1 seek="$off" conv=notrunc status=none
done
expect_exit 0 tt product list
grep -q "read-only" "$tmp/err"
expect_exit 74 tt lot open --gtin 99528930000012
echo ok
