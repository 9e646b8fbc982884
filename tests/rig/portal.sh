# tests/rig/portal.sh — the common start of the portal's integration tests.
# Sourced from the source tree, after `set -eu -o pipefail`:
#
#   . tests/rig/portal.sh [COMMAND ...]    commands the test needs (curl, minisign,
#                                          sqlite3, chromium ...): missing -> skip (77)
#
# Gives: $P (tramtem-portal) and $S (tramtem) — skip when one is not built —,
# $tmp (removed at exit), a private PostgreSQL with fsync off (tests/rig/pg.sh;
# PGHOST and friends set), the portal's key and quarantine under $tmp,
# mkkey/mkbundle/station_of (tests/rig/pg-bundle.sh), fail, serve_start [ARGS]
# (serve on a free loopback port: $U is its base URL, $spid its pid),
# serve_stop (fails the test unless serve exits cleanly). At exit the test's
# own portal_test_cleanup runs (when it defines one), serve is stopped, then
# PostgreSQL, then $tmp goes.
[ -z "${TT_TRACE:-}" ] || set -x
top=$(pwd)
P=${TT_PORTAL:-$top/build/tramtem-portal}
S=${TT_BIN:-$top/build/tramtem}
[ -x "$P" ] && [ -x "$S" ] || { echo "portal or station binary missing (make)"; exit 77; }
for portal_need in "$@"; do
    command -v "$portal_need" >/dev/null || { echo "$portal_need not installed"; exit 77; }
done
tmp=$(mktemp -d)
spid= U=
. tests/rig/pg.sh
. tests/rig/pg-bundle.sh
portal_rig_cleanup() {
    ! declare -F portal_test_cleanup >/dev/null || portal_test_cleanup
    [ -z "$spid" ] || { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true; }
    pg_stop
    rm -rf "$tmp"
}
trap portal_rig_cleanup EXIT
PG_RIG_OPTS="-c fsync=off" pg_start || exit 77
export TRAMTEM_PORTAL_KEY=$tmp/portal.key TRAMTEM_PORTAL_QUARANTINE=$tmp/q
fail() { echo "FAIL: $*"; exit 1; }

serve_start() {
    local i
    : >"$tmp/url"
    "$P" serve --listen 127.0.0.1:0 "$@" >"$tmp/url" 2>"$tmp/serve.log" &
    spid=$!
    for i in $(seq 1 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
    U=$(cat "$tmp/url")
    [ -n "$U" ] || { cat "$tmp/serve.log"; fail "server did not start"; }
}
serve_stop() { kill "$spid"; wait "$spid" || fail "server did not stop cleanly"; spid=; }
