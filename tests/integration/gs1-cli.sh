#!/usr/bin/env bash
# tramtem gs1 parse|check-digit|vpc|dl as DESIGN.md §3 says: exit codes
# (0 / 2 / 65), the JSON line shape (checked with jq), stdin mode, and the
# messages and titles in Vietnamese and English.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
T=${TT_BIN:?}
GTIN=09520123456788
GS=$'\x1d'

fail() { echo "FAIL: $*"; exit 1; }
# expect_exit CODE CMD...: runs CMD, output to $tmp/out and $tmp/err
expect_exit() {
    local want=$1 rc=0; shift
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    [ "$rc" -eq "$want" ] || { cat "$tmp/out" "$tmp/err"; fail "exit $rc, expected $want: $*"; }
}

# --- parse, human output -------------------------------------------------------------
expect_exit 0 "$T" --lang en gs1 parse "(01)$GTIN(3103)000195(15)260200(10)L1(422)704"
grep -qx "(3103) Net weight (kg): 0.195 kg" "$tmp/out" || fail "weight in English"
grep -qx "(15) Best before date: 2026-02-28 (last day of the month)" "$tmp/out" || fail "date"
grep -qx "(422) Country of origin of a trade item: Vietnam (704)" "$tmp/out" || fail "country"
grep -q "^Digital Link: https://id.gs1.org/01/$GTIN/10/L1?3103=000195&15=260200&422=704$" \
    "$tmp/out" || fail "DL line"
expect_exit 0 "$T" --lang vi gs1 parse "(01)08931234567897(3103)000195(15)260200(10)L1"
grep -qx "(3103) Khối lượng tịnh (kg): 0,195 kg" "$tmp/out" || fail "weight in Vietnamese"
grep -qx "(15) Sử dụng tốt nhất trước ngày: 28/02/2026 (ngày cuối tháng)" "$tmp/out" || fail "ngày"
grep -q "tiền tố 893: GS1 Việt Nam" "$tmp/out" || fail "prefix 893"
# every kind of explanation: money with currency, date and time, countries, temperature
expect_exit 0 "$T" --lang vi gs1 parse \
    "(01)95012345678903(3932)7101230(3103)000500(7003)2601011430(7030)704ABC-1(423)704418764" \
    "(00)376104250021234569(4331)000250-(37)12(02)$GTIN"
grep -q "hàng có khối lượng thay đổi" "$tmp/out" || fail "variable measure GTIN"
grep -qx "(3932) .*: 12,30 ZAR (710)" "$tmp/out" || fail "amount with currency"
grep -qx "(7003) Ngày và giờ hết hạn: 01/01/2026 14:30" "$tmp/out" || fail "date and time"
grep -qx "(7030) .*: Việt Nam (704): ABC-1" "$tmp/out" || fail "processor country"
grep -qx "(423) Nước sơ chế: Việt Nam (704), .* (418), Thái Lan (764)" "$tmp/out" || fail "countries"
grep -qx "(4331) Nhiệt độ tối đa (độ C): -2,50 °C" "$tmp/out" || fail "temperature"
grep -qx "(37) .*: 12" "$tmp/out" || fail "count"
expect_exit 65 "$T" --lang en gs1 parse "(01)09520123456789"
[ ! -s "$tmp/out" ] || fail "an invalid input printed a result"
grep -q "The check digit is wrong" "$tmp/err" || fail "English error"
grep -q "AI 01, position 17" "$tmp/err" || fail "AI and position in the error"
expect_exit 65 "$T" --lang vi gs1 parse "(01)09520123456789"
grep -q "Số kiểm tra sai" "$tmp/err" || fail "Vietnamese error"
# Vietnamese is the default when no language is set
expect_exit 65 env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG= "$T" gs1 parse "(17)260230"
grep -q "Ngày tháng không tồn tại" "$tmp/err" || fail "default language"

# --- parse --json ----------------------------------------------------------------------
expect_exit 0 "$T" --lang en gs1 parse --json "]C101${GTIN}100329${GS}15210526"
jq -e --arg g "$GTIN" '
    (keys_unsorted == ["input","valid","symbology","elements","dl"]) and .valid == true
    and .symbology == "GS1-128" and (.elements | length) == 3
    and .elements[0] == {"ai":"01","title":"Global Trade Item Number (GTIN)","value":$g}
    and .elements[1].value == "0329" and .elements[2].ai == "15"
    and (.input | test("\u001d"))
    and .dl == "https://id.gs1.org/01/\($g)/10/0329?15=210526"' "$tmp/out" >/dev/null \
    || { cat "$tmp/out"; fail "JSON shape of a valid scan"; }
expect_exit 65 "$T" --lang vi gs1 parse --json "(01)$GTIN(10)A" "(01)$GTIN(7007)260200" \
    "https://id.gs1.org/01/$GTIN?10=ABC"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "one JSON line per DATA"
sed -n 1p "$tmp/out" | jq -e '.valid == true and .elements[1].title == "Số lô"' >/dev/null \
    || fail "Vietnamese title"
sed -n 2p "$tmp/out" | jq -e '
    (keys_unsorted == ["input","valid","error"]) and .valid == false
    and .error.code == "day_zero" and .error.ai == "7007"
    and (.error | keys_unsorted == ["code","ai","message"])
    and (.error.message | test("ngày 00"))' >/dev/null || fail "JSON error shape"
sed -n 3p "$tmp/out" | jq -e '.error.code == "dl_attribute" and .error.ai == "10"' >/dev/null \
    || fail "DL query qualifier"
expect_exit 65 "$T" --lang en gs1 parse --json "hello"
jq -e '.error.ai == null and .error.code == "syntax" and (.error.message | test("not GS1"))' \
    "$tmp/out" >/dev/null || fail "syntax error without AI"
# bytes that are not UTF-8 still give a valid JSON line
expect_exit 65 "$T" gs1 parse --json "(01)$GTIN(10)"$'\xff\xfe'
jq -e '.valid == false and .error.code == "bad_char"' "$tmp/out" >/dev/null || fail "non-UTF-8"

# --- stdin mode ---------------------------------------------------------------------------
printf '(01)%s\n\n]E0%s\r\n(3103)1\nhttps://id.gs1.org/01/%s/21/S1\n' "$GTIN" "${GTIN:1}" "$GTIN" \
    >"$tmp/in"
expect_exit 65 "$T" --lang en gs1 parse --json - <"$tmp/in"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "stdin: one line per non-empty input line"
jq -s -e '[.[].valid] == [true,true,false,true] and .[1].symbology == "EAN-13/UPC-A"
    and .[2].error.code == "too_short" and .[3].elements[1].ai == "21"' "$tmp/out" >/dev/null \
    || { cat "$tmp/out"; fail "stdin results"; }
printf '(01)%s\n' "$GTIN" | { expect_exit 0 "$T" gs1 parse --json -; }

# --- check-digit, vpc, dl -------------------------------------------------------------------
expect_exit 0 "$T" gs1 check-digit 0952012345678
[ "$(cat "$tmp/out")" = "$GTIN" ] || fail "check-digit"
expect_exit 0 "$T" gs1 check-digit 37610425002123456
[ "$(cat "$tmp/out")" = 376104250021234569 ] || fail "check-digit SSCC"
expect_exit 65 "$T" --lang en gs1 check-digit 12a4
expect_exit 2 "$T" gs1 check-digit
expect_exit 0 "$T" gs1 vpc 10850510002011 46587443HG234
[ "$(cat "$tmp/out")" = 6359 ] || fail "vpc without date"
expect_exit 0 "$T" gs1 vpc 65457886676767 2 100126
[ "$(cat "$tmp/out")" = 5836 ] || fail "vpc with date"
expect_exit 0 "$T" gs1 vpc 61414100734933 32abcd 030102
[ "$(cat "$tmp/out")" = 8079 ] || fail "vpc lower-case lot"
expect_exit 65 "$T" --lang en gs1 vpc 10850510002011 L1 261301
grep -q "YYMMDD" "$tmp/err" || fail "vpc date message"
expect_exit 2 "$T" gs1 vpc 10850510002011
expect_exit 0 "$T" gs1 dl "(21)XYZ(01)12312312312333(10)ABC+123(99)XYZ"
[ "$(cat "$tmp/out")" = "https://id.gs1.org/01/12312312312333/10/ABC%2B123/21/XYZ?99=XYZ" ] \
    || fail "dl from brackets"
expect_exit 0 "$T" gs1 dl --base https://tx.example.vn/ "https://a.example/s/01/$GTIN/10/L?15=260101"
[ "$(cat "$tmp/out")" = "https://tx.example.vn/01/$GTIN/10/L?15=260101" ] || fail "dl --base"
expect_exit 65 "$T" --lang en gs1 dl "(01)$GTIN(8200)http://x"
grep -q "not allowed in the query part" "$tmp/err" || fail "dl refusal message"
expect_exit 65 "$T" gs1 dl "(01)$GTIN(10)A B"

# --- usage errors --------------------------------------------------------------------------------
expect_exit 2 "$T" gs1
expect_exit 2 "$T" gs1 nonsense
expect_exit 2 "$T" gs1 parse
expect_exit 2 "$T" gs1 parse --bogus "(01)$GTIN"
expect_exit 2 "$T" gs1 dl
echo "gs1 CLI: ok"
