# tests/integration/training-cli.sh — `tramtem training` sub-commands on a
# real sandbox: lessons (and a broken lesson file named with its line), the
# explainer's exit codes, every lesson's exercises checked right and wrong,
# a lesson label printed to the file printer, export (CSV, PDF), reset, the
# refusal of the station's folder; the station database and key stay
# byte-for-byte and mtime the same throughout.
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8 XDG_DATA_HOME=$T/xdg
unset TRAMTEM_DB TRAMTEM_TRAINING_DIR TRAMTEM_PRINTER
ST=$T/station
mkdir -p "$ST"
tt() { "$TT_BIN" --lang en --db "$ST/station.db" "$@"; }
tt init --demo >/dev/null
tt key init >/dev/null
fingerprint() {
    find "$ST" -type f -print0 | sort -z | xargs -0 stat -c '%n %Y %s'
    find "$ST" -type f -print0 | sort -z | xargs -0 sha256sum
}
before=$(fingerprint)
sleep 1
fail() { echo "FAIL: $*"; exit 1; }

# Lessons load from data/training; a broken file stops with FILE:LINE.
tt training lessons >"$T/lessons"
[ "$(wc -l <"$T/lessons")" -ge 7 ] || fail "fewer than 7 lessons"
grep -q '^check-digit ' "$T/lessons" || fail "no check-digit lesson"
mkdir "$T/bad"
cp "$TT_TOP/data/training/01-check-digit.lesson" "$T/bad/"
printf 'lesson: x\ntitle.en: X\nexercise: e\nkind: check-digit\ndata: 12\nkind: oops\n' >"$T/bad/02-x.lesson"
rc=0; tt training lessons --lessons "$T/bad" 2>"$T/err" || rc=$?
[ $rc -eq 65 ] || fail "broken lesson: exit $rc"
grep -q "$T/bad/02-x.lesson:6: unknown kind" "$T/err" || { cat "$T/err"; fail "no FILE:LINE"; }

# The explainer: 0 for valid data, 65 for invalid, with the reason.
tt training explain '(01)09528930000026(17)261205(10)NEM-1125' >"$T/x" || fail "valid data refused"
grep -q 'Check digit = 80 − 74 = 6' "$T/x" || fail "no check digit steps"
rc=0; tt training explain 9528930000027 >"$T/x" || rc=$?
[ $rc -eq 65 ] || fail "invalid EAN-13: exit $rc"
grep -q 'should be 6' "$T/x" || fail "no correction"
printf '%s\n' 'https://id.gs1.org/01/09528930000033/10/GAO?17=271120' | tt training explain - >"$T/x"
grep -q 'Digital Link address' "$T/x" || fail "stdin DL"

# Every lesson's exercises, through the default sandbox ($XDG_DATA_HOME/tramtem/training).
ck() { # expect(0 right / 1 wrong) lesson exercise answer
    local want=$1 rc=0
    shift
    tt training check --name "Trần Bình" --class "K45" "$@" >"$T/out" 2>&1 || rc=$?
    [ $rc -eq "$want" ] || { cat "$T/out"; fail "check $* gave $rc, want $want"; }
}
ck 1 check-digit cd-1 7;        ck 0 check-digit cd-1 6
ck 0 check-digit cd-2 3;        ck 0 check-digit cd-3 2;  ck 0 check-digit cd-4 không
ck 0 reading-label read-expiry 05/12/2026; ck 1 reading-label read-lot NEM-1126
ck 0 reading-label read-weight "1,43";     ck 0 reading-label read-packed 2026-10-20
ck 0 identifiers id-sscc sscc;  ck 1 identifiers id-lot gtin; ck 0 identifiers id-serial 3
ck 0 variable-weight vw-1 001250; ck 1 variable-weight vw-2 1260; ck 0 variable-weight vw-3 12.65
ck 0 --printer "file:$T/labels" make-label ml-1 '(01)09528930000033(10)GAO-2611(17)271120'
grep -q "Label printed: $T/labels/" "$T/out" || { cat "$T/out"; fail "no label printed"; }
pdf=$(ls "$T"/labels/*.pdf)
[ "$(head -c 5 "$pdf")" = "%PDF-" ] || fail "the label is not a PDF"
if command -v pdftoppm >/dev/null && command -v dmtxread >/dev/null; then
    pdftoppm -r 300 -png -singlefile "$pdf" "$T/label"
    dmtxread -n "$T/label.png" | tr '\035' '|' | grep -qx '010952893000003317271120|*10GAO-2611|*' ||
        fail "the label's DataMatrix does not hold the data"
fi
ck 1 make-label ml-2 '(01)99528930000012(10)BUOI-2611B'
ck 0 trace tr-back BUOI-2611B;  ck 1 trace tr-forward 5; ck 0 trace tr-forward 3
ck 0 bundle bd-intact có;       ck 0 bundle bd-tampered không
grep -q 'signature does not match' "$T/out" || fail "no words on the tampered bundle"
box=$XDG_DATA_HOME/tramtem/training
[ -f "$box/spool/b-00000001.ndjson.gz.minisig" ] || fail "no signed bundle in the sandbox"
# The stock minisign agrees: the sandbox's bundle verifies, the tampered copy does not.
if command -v minisign >/dev/null; then
    minisign -Vm "$box/spool/b-00000001.ndjson.gz" -p "$box/keys/station.pub" >/dev/null ||
        fail "minisign refuses the intact bundle"
    ! minisign -Vm "$box/tampered/b-00000001.ndjson.gz" -p "$box/keys/station.pub" >/dev/null 2>&1 ||
        fail "minisign accepts the tampered copy"
fi

# Export: CSV rows per exercise, a PDF with the trainee's page.
tt training export --csv "$T/r.csv" --pdf "$T/r.pdf"
grep -qx 'K45,Trần Bình,check-digit,cd-1,2,1,0,[0-9T:Z-]*' "$T/r.csv" || { cat "$T/r.csv"; fail "CSV"; }
[ "$(grep -c '^K45,Trần Bình,' "$T/r.csv")" -eq 20 ] || fail "not 20 exercise rows"
if command -v pdftotext >/dev/null; then
    pdftotext "$T/r.pdf" - | grep -q 'Trần Bình' || fail "PDF without the name"
fi

# The station's own folder is never used as a sandbox; reset needs --yes.
rc=0; tt training --dir "$ST" lessons >/dev/null || rc=$?
[ $rc -eq 0 ] || fail "lessons should not need a sandbox"
rc=0; tt training --dir "$ST" export --csv "$T/x.csv" 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "station folder as sandbox: exit $rc"
rc=0; tt training reset 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "reset without --yes: exit $rc"
tt training reset --yes >/dev/null
[ ! -e "$box/training.db" ] && [ ! -e "$box/keys" ] && [ ! -e "$box/spool" ] || fail "reset left files"
tt training export --csv "$T/empty.csv"
[ "$(wc -l <"$T/empty.csv")" -eq 1 ] || fail "scores survived the reset"

after=$(fingerprint)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "station folder changed"; }
echo ok
