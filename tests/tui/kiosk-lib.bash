# tests/tui/kiosk-lib.bash — helpers for the kiosk's tmux-driven tests (sourced,
# not a test itself). Each test gets a private tmux server (-L tt<pid>, no
# config), a fixed 80x24 window, and reads the screen with capture-pane.
#
#   kiosk_setup              temp dir $T, trap that stops tmux and removes $T
#   kiosk_start CMD...       runs CMD in the window (then prints EXITED rc=N)
#   kiosk_stop               ends the window and its tmux server
#   screen                   the screen text
#   wait_for TEXT [SECONDS]  polls the screen until TEXT shows (default 10 s)
#   wait_gone TEXT [SECONDS] polls until TEXT is gone
#   keys KEY...              tmux send-keys
#   kiosk_pid                pid of the tramtem process in the window

kiosk_setup() {
    command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
    command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed"; exit 77; }
    [ -x "$TT_BIN" ] || { echo "no $TT_BIN: build first"; exit 77; }
    T=$(mktemp -d)
    TT_SOCK=tt$$
    export LC_ALL=C.UTF-8 TERM=screen
    unset TRAMTEM_DB TRAMTEM_SCALE TRAMTEM_SCANNER TRAMTEM_PRINTER
    trap kiosk_cleanup EXIT
}

kiosk_cleanup() {
    local rc=$? pid
    set +e # cleaning up must not change the verdict
    pid=$(kiosk_pid 2>/dev/null || true)
    tmux -L "$TT_SOCK" kill-server 2>/dev/null || true
    [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
    if [ "$(type -t kiosk_extra_cleanup)" = function ]; then kiosk_extra_cleanup; fi
    rm -rf "$T"
    exit $rc
}

# Stops the tmux server and waits until its socket is gone, so that the next
# kiosk_start does not talk to a server that is still shutting down.
kiosk_stop() {
    local sock="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TT_SOCK"
    tmux -L "$TT_SOCK" kill-server 2>/dev/null || true
    for _ in $(seq 100); do
        [ -S "$sock" ] || return 0
        sleep 0.02
    done
    rm -f "$sock"
}

kiosk_start() {
    tmux -L "$TT_SOCK" -f /dev/null new-session -d -s k -x 80 -y 24 \
        "$*; rc=\$?; printf '\\r\\nEXITED rc=%d\\n' \$rc; sleep 600"
}

screen() { tmux -L "$TT_SOCK" capture-pane -p -t k; }
keys() { tmux -L "$TT_SOCK" send-keys -t k "$@"; }

wait_for() {
    local n=$((${2:-10} * 20))
    while [ $n -gt 0 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.05
        n=$((n - 1))
    done
    echo "timed out waiting for: $1"
    echo "---- screen:"
    screen
    return 1
}

wait_gone() {
    local n=$((${2:-10} * 20))
    while [ $n -gt 0 ]; do
        screen | grep -qF -- "$1" || return 0
        sleep 0.05
        n=$((n - 1))
    done
    echo "still on screen: $1"
    screen
    return 1
}

kiosk_pid() {
    local shell
    shell=$(tmux -L "$TT_SOCK" display-message -p -t k '#{pane_pid}')
    pgrep -P "$shell" -x tramtem
}

sql() { sqlite3 "$1" "$2"; }

# Fails with the screen shown when TEXT is not on it now.
expect_screen() {
    screen | grep -qF -- "$1" && return 0
    echo "not on screen: $1"
    echo "---- screen:"
    screen
    return 1
}

# Fails with both values shown when they differ.
expect_eq() {
    [ "$1" = "$2" ] && return 0
    echo "expected '$2', got '$1' ($3)"
    return 1
}
