# tests/tui/training-explain.sh — the explainer and the simulated devices in
# a private tmux server (80x24): F2 makes the simulated scanner read the
# first sample of data/training/samples.txt, which is taken apart; typed data
# with a wrong check digit is corrected step by step; on the weighing screen
# the keys change the simulated scale's weight and the label data follows.
set -eu
. "$TT_TOP/tests/tui/kiosk-lib.bash"
kiosk_setup

kiosk_start env XDG_DATA_HOME="$T/xdg" "$TT_BIN" --lang en --db "$T/st/station.db" training --sim \
    2>"$T/stderr"
wait_for "Your name:" 15
keys "Hoa" Enter "K1" Enter
wait_for "Signed in."
expect_screen "Scale: simulated · Scanner: simulated"
keys e
wait_for "GS1 data:"
keys F2
wait_for "Form: scanned data from a GS1-128 barcode (]C1)."
expect_screen "VALID: 4 element(s)."
expect_screen "Indicator 9: a variable-measure item"
keys Down Down Down Down Down Down Down Down Down Down Down
wait_for "1.250 kg"
keys "9528930000027" Enter
wait_for "NOT VALID: The check digit is wrong"
expect_screen "The last digit is 7 but should be 6"
keys Escape w
wait_for "Weight: 1.250 kg"
keys + 
wait_for "Label data: (01)99528930000012(3103)001260"
keys Up
wait_for "Label data: (01)99528930000012(3103)001360"
wait_for "Weight: 1.360 kg  (stable)" 5
keys Escape q
wait_for "EXITED rc=0"
[ ! -e "$T/st" ] || { echo "training created the station folder"; exit 1; }
[ ! -s "$T/stderr" ] || { echo "stderr:"; cat "$T/stderr"; exit 1; }
echo ok
