#!/usr/bin/env bash
# tramtem report daily: three labels printed through `tramtem print` on two
# products give the right totals in txt, csv (English names) and a PNG bar
# chart; a bad date or format is a usage error (exit 2).
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
B=$TT_BIN
db=$T/s.db
mkdir "$T/out"
"$B" --db "$db" init --demo >/dev/null 2>&1
lot1=$("$B" --db "$db" lot open --gtin 99528930000012 2>/dev/null)
lot2=$("$B" --db "$db" lot open --gtin 99528930000043 2>/dev/null)
"$B" --db "$db" print --lot "$lot1" --weight 1.25 --printer "file:$T/out" >/dev/null 2>&1
"$B" --db "$db" print --lot "$lot1" --weight 2.5 --printer "file:$T/out" >/dev/null 2>&1
"$B" --db "$db" print --lot "$lot2" --weight 0.75 --printer "file:$T/out" >/dev/null 2>&1
today=$(TZ=Asia/Ho_Chi_Minh date +%F)

"$B" --lang vi --db "$db" report daily >"$T/r.txt"
grep -q "Tổng kết theo ngày" "$T/r.txt"
grep -E "^$today +Bưởi Luận Văn +2 +3\.750$" "$T/r.txt" || { cat "$T/r.txt"; exit 1; }
grep -E "^$today +Mía tím Lam Sơn +1 +0\.750$" "$T/r.txt" || { cat "$T/r.txt"; exit 1; }

"$B" --lang en --db "$db" report daily --date "$today" --days 1 --format csv >"$T/r.csv"
cat >"$T/want.csv" <<CSV
date,product,labels,kg
$today,"Luan Van pomelo",2,3.750
$today,"Lam Son purple sugar cane",1,0.750
CSV
diff -u "$T/want.csv" "$T/r.csv"

"$B" --db "$db" report daily --format png -o "$T/r.png"
[ "$(head -c 8 "$T/r.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
[ "$(stat -c %s "$T/r.png")" -gt 2000 ]

# Another day has nothing.
"$B" --lang en --db "$db" report daily --date 2020-01-01 --days 1 >"$T/empty.txt"
grep -q "No labels in these days." "$T/empty.txt"

rc=0; "$B" --db "$db" report daily --date 2026-13-45 >/dev/null 2>&1 || rc=$?
[ $rc = 2 ]
rc=0; "$B" --db "$db" report daily --format pdf >/dev/null 2>&1 || rc=$?
[ $rc = 2 ]
rc=0; "$B" --db "$db" report weekly >/dev/null 2>&1 || rc=$?
[ $rc = 2 ]
# The kiosk itself needs a terminal; without one it says so (also as the default command).
rc=0; "$B" --db "$db" </dev/null >"$T/out.txt" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "terminal\|màn hình" "$T/out.txt" || { echo "check failed at line 48" >&2; exit 1; }
rc=0; "$B" --db "$db" kiosk </dev/null >/dev/null 2>&1 || rc=$?
[ $rc = 2 ]
echo "report daily: ok"
