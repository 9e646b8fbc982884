# tests/tui/training-checkdigit.sh — training mode in a private tmux server
# (80x24): a trainee signs in, does the check-digit lesson with one wrong and
# one right answer, the trainer screen shows the score, the CSV export holds
# it, the trainer wipes the sandbox (F8 twice); and neither the station database nor the station key was touched.
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
kiosk_setup

ST=$T/station
mkdir -p "$ST"
"$TT_BIN" --db "$ST/station.db" init --demo >/dev/null
"$TT_BIN" --db "$ST/station.db" key init >/dev/null
fingerprint() { # checksum and mtime of every file of the station's folder
    find "$ST" -type f -print0 | sort -z | xargs -0 stat -c '%n %Y %s' 
    find "$ST" -type f -print0 | sort -z | xargs -0 sha256sum
}
before=$(fingerprint)
sleep 1 # a write during the session would change an mtime (second resolution)

kiosk_start env XDG_DATA_HOME="$T/xdg" "$TT_BIN" --lang en --db "$ST/station.db" training \
    --scale sim: --scanner sim: 2>"$T/stderr"
wait_for "Your name:" 15
keys "Nguyễn An" Enter
wait_for "Your class:"
keys "K45" Enter
wait_for "Signed in. Choose a lesson."
expect_screen "Nguyễn An — class K45"
keys 1
wait_for "The GS1 check digit"
keys Enter
wait_for "exercise 1 of 4"
expect_screen "893604567891"
keys 7 Enter
wait_for "Not right yet: read the hint and try again."
keys 6 Enter
wait_for "Right! Press Enter for the next exercise."
expect_screen "Check digit = 140 − 134 = 6."
keys Escape
wait_for "(1/4 right)"
keys t
wait_for "Trainer: class results"
screen | grep -E "Nguyễn An +K45 +check-digit +cd-1 +right 2" >/dev/null || {
    echo "no score line"; screen; exit 1; }
# The CSV export (run beside the open session: the sandbox is a WAL database) holds the score.
box=$T/xdg/tramtem/training
[ -f "$box/training.db" ] || { echo "no sandbox database"; exit 1; }
expect_eq "$(sql "$box/training.db" "SELECT group_concat(answer || ':' || correct) FROM training_attempts")" \
    "7:0,6:1" "attempts stored"
env XDG_DATA_HOME="$T/xdg" "$TT_BIN" --db "$ST/station.db" training export --csv "$T/r.csv"
grep -qx 'K45,Nguyễn An,check-digit,cd-1,2,1,0,[0-9T:Z-]*' "$T/r.csv" || {
    echo "CSV lacks the score:"; cat "$T/r.csv"; exit 1; }
# The trainer exports from the screen too, then wipes the sandbox for the next class.
keys F6
wait_for "Written:"
grep -q '^K45,Nguyễn An,check-digit,cd-1,2,1,0,' "$box/results.csv" || { echo "F6 CSV"; exit 1; }
keys F8
wait_for "Press F8 again"
keys F8
wait_for "The sandbox is empty again"
keys T
wait_for "No results yet."
keys Escape F10
wait_for "EXITED rc=0"
env XDG_DATA_HOME="$T/xdg" "$TT_BIN" --db "$ST/station.db" training export --csv "$T/empty.csv"
expect_eq "$(wc -l <"$T/empty.csv")" 1 "no scores after the reset"

# Training never touched the station: same files, bytes and mtimes; no training tables.
after=$(fingerprint)
[ "$before" = "$after" ] || { echo "station folder changed:"; diff <(echo "$before") <(echo "$after"); exit 1; }
expect_eq "$(sql "$ST/station.db" "SELECT count(*) FROM sqlite_master WHERE name LIKE 'training%'")" 0 \
    "no training tables in the station database"
[ ! -s "$T/stderr" ] || { echo "stderr:"; cat "$T/stderr"; exit 1; }
echo ok
