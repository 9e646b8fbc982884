#!/usr/bin/env bash
# tests/rig/cups.sh — a private CUPS for tests and benchmarks (printing.md §3).
#
# In a fresh temporary folder: cupsd on 127.0.0.1, a private dbus-daemon and
# avahi-daemon (ippeveprinter refuses to run without DNS-SD), an
# ippeveprinter that keeps every document it receives (label media sizes
# advertised), and optionally a socat listener standing in for a raw
# port-9100 printer. Everything is started with setsid, recorded by pid and
# stopped by pid; the folder is removed. Nothing in /etc is touched.
#
# Sourced:     . tests/rig/cups.sh; cups_rig_start || exit 77; ...; cups_rig_stop
#   cups_rig_start exports:
#     CUPS_SERVER      127.0.0.1:PORT, used by lp/lpadmin/lpstat and libcups
#     CUPS_RIG_DIR     the rig folder
#     CUPS_RIG_IPP     ipp://localhost:PORT/ipp/print (the ippeveprinter)
#     CUPS_RIG_SPOOL   where ippeveprinter keeps received documents
#   cups_rig_queue NAME        lpadmin an IPP Everywhere queue on the ippeveprinter
#                              (device URI with waitjob=false: jobs complete fast)
#   cups_rig_raw_queue NAME    a Zebra ZPL driver queue to a socat listener;
#                              prints the file that collects the received bytes
#   cups_rig_hold / cups_rig_release   the ippeveprinter stays busy printing its
#                              current job until released (for mid-job tests)
#   cups_rig_stop              stops everything, removes the folder
# Standalone:  tests/rig/cups.sh start     prints "export ..." lines for eval
#              tests/rig/cups.sh stop DIR  stops the rig of that folder
# On failure cups_rig_start prints why (and the logs' tails) and returns 1.

cups_rig_free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

cups_rig_wait() { # seconds command...
    local n=$(($1 * 20))
    shift
    while [ $n -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
        n=$((n - 1))
    done
    return 1
}

cups_rig_fail() {
    echo "cups rig: $1"
    for f in "$CUPS_RIG_DIR"/log/*; do
        [ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
    done
    cups_rig_stop
    return 1
}

cups_rig_start() {
    local d cport iport
    for tool in cupsd lpadmin lpstat ippeveprinter ipptool dbus-daemon avahi-daemon; do
        command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
            echo "cups rig: $tool is missing (apt-get install cups cups-client cups-ipp-utils dbus avahi-daemon)"
            return 1
        }
    done
    export PATH="$PATH:/usr/sbin"
    d=$(mktemp -d /tmp/tt-cups.XXXXXX) || return 1
    chmod 755 "$d"
    export CUPS_RIG_DIR=$d
    mkdir -p "$d"/etc/ppd "$d"/spool/tmp "$d"/cache "$d"/state "$d"/log "$d"/run "$d"/ippspool "$d"/out
    chmod 1777 "$d"/spool/tmp
    cport=$(cups_rig_free_port) && iport=$(cups_rig_free_port) || { cups_rig_fail "no free port"; return 1; }
    cat >"$d/etc/cups-files.conf" <<EOF
SystemGroup root
User lp
Group lp
ServerRoot $d/etc
RequestRoot $d/spool
TempDir $d/spool/tmp
CacheDir $d/cache
StateDir $d/state
AccessLog $d/log/access_log
ErrorLog $d/log/error_log
PageLog $d/log/page_log
FileDevice Yes
Sandboxing Relaxed
EOF
    cat >"$d/etc/cupsd.conf" <<EOF
LogLevel info
Listen 127.0.0.1:$cport
Listen $d/run/cups.sock
Browsing No
WebInterface No
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Location /admin>
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
    setsid cupsd -f -c "$d/etc/cupsd.conf" -s "$d/etc/cups-files.conf" >"$d/log/cupsd.out" 2>&1 </dev/null &
    echo $! >"$d/run/cupsd.pid"
    export CUPS_SERVER=127.0.0.1:$cport
    cups_rig_wait 10 sh -c 'lpstat -r | grep -q "is running"' || { cups_rig_fail "cupsd did not start"; return 1; }

    # ippeveprinter needs D-Bus and Avahi (printing.md §3.4 pitfall 1).
    dbus-daemon --session --fork --print-pid=4 --address="unix:path=$d/run/dbus.sock" \
        4>"$d/run/dbus.pid" >"$d/log/dbus.out" 2>&1 </dev/null || { cups_rig_fail "dbus-daemon did not start"; return 1; }
    cat >"$d/etc/avahi.conf" <<EOF
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=no
publish-hinfo=no
publish-workstation=no
EOF
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$d/run/dbus.sock"
    # avahi-daemon's pid file is always /run/avahi-daemon/pid, so a second rig
    # (tests in parallel) would find "Daemon already running": as root, give
    # each rig's avahi its own /run/avahi-daemon in a private mount namespace.
    if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
        mkdir -p /run/avahi-daemon
        setsid unshare -m --propagation private sh -c \
            'mount -t tmpfs tmpfs /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$1"' \
            sh "$d/etc/avahi.conf" >"$d/log/avahi.out" 2>&1 </dev/null &
    else
        setsid avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$d/etc/avahi.conf" \
            >"$d/log/avahi.out" 2>&1 </dev/null &
    fi
    echo $! >"$d/run/avahi.pid"
    # ippeveprinter aborts if Avahi is not registered on the bus yet.
    cups_rig_wait 10 grep -q "Server startup complete" "$d/log/avahi.out" ||
        { cups_rig_fail "avahi-daemon did not start"; return 1; }
    # Label sizes as media, so CUPS keeps the label's page size (pitfall 6).
    # (-a excludes -M/-m/-f, so the model and formats are attributes too.)
    cat >"$d/etc/ippeve.conf" <<EOF
ATTR text printer-make-and-model "Tramtem Label 203"
ATTR mimeMediaType document-format-supported application/pdf,image/pwg-raster,image/urf,image/jpeg,image/png
ATTR mimeMediaType document-format-default application/pdf
ATTR keyword media-supported custom_100x50mm_100x50mm,custom_58x40mm_58x40mm,custom_100x150mm_100x150mm,custom_50x50mm_50x50mm,iso_a4_210x297mm
ATTR keyword media-default custom_100x50mm_100x50mm
ATTR keyword media-ready custom_100x50mm_100x50mm
EOF
    # The "print command": done at once (no simulated 10-20 s of printing, which
    # would hold every later job), or busy while the test holds it (cups_rig_hold).
    cat >"$d/etc/print-cmd" <<EOF
#!/bin/sh
while [ -e "$d/etc/hold" ]; do sleep 0.1; done
exit 0
EOF
    chmod 755 "$d/etc/print-cmd"
    setsid ippeveprinter -k -d "$d/ippspool" -p "$iport" -n localhost -a "$d/etc/ippeve.conf" \
        -c "$d/etc/print-cmd" "TestLabel" >"$d/log/ippeve.out" 2>&1 </dev/null &
    echo $! >"$d/run/ippeve.pid"
    export CUPS_RIG_IPP="ipp://localhost:$iport/ipp/print"
    export CUPS_RIG_SPOOL="$d/ippspool"
    # A minimal probe: the stock get-printer-attributes.test also checks
    # attributes this label printer does not advertise.
    cat >"$d/etc/probe.test" <<'EOF'
{
    OPERATION Get-Printer-Attributes
    GROUP operation-attributes-tag
    ATTR charset attributes-charset utf-8
    ATTR naturalLanguage attributes-natural-language en
    ATTR uri printer-uri $uri
    STATUS successful-ok
}
EOF
    # (ipptool's own verdict also judges the attribute set: only the status counts.)
    cups_rig_wait 10 sh -c "ipptool -tv '$CUPS_RIG_IPP' '$d/etc/probe.test' | grep -q 'status-code = successful-ok'" ||
        { cups_rig_fail "ippeveprinter did not answer"; return 1; }
    return 0
}

cups_rig_queue() {
    lpadmin -p "$1" -E -v "$CUPS_RIG_IPP?waitjob=false" -m everywhere
}

# While held, the ippeveprinter keeps "printing" the job it has (state processing).
cups_rig_hold() { : >"$CUPS_RIG_DIR/etc/hold"; }
cups_rig_release() { rm -f "$CUPS_RIG_DIR/etc/hold"; }

cups_rig_raw_queue() {
    local port out
    port=$(cups_rig_free_port) || return 1
    out="$CUPS_RIG_DIR/out/$1.prn"
    : >"$out"
    setsid socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "OPEN:$out,creat,append" \
        >"$CUPS_RIG_DIR/log/socat-$1.out" 2>&1 </dev/null &
    echo $! >"$CUPS_RIG_DIR/run/socat-$1.pid"
    cups_rig_wait 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || return 1
    lpadmin -p "$1" -E -v "socket://127.0.0.1:$port" -m drv:///sample.drv/zebra.ppd 2>/dev/null || return 1
    echo "$out"
}

# Safe under `set -e` in the caller: nothing here may fail the caller's shell.
cups_rig_pids() {
    local f
    for f in "$1"/run/*.pid; do
        [ -f "$f" ] && tr -dc '0-9\n' <"$f"
    done
    return 0
}

cups_rig_stop() {
    local d=${1:-${CUPS_RIG_DIR:-}} pid alive
    if [ -z "$d" ] || [ ! -d "$d/run" ]; then
        return 0
    fi
    for pid in $(cups_rig_pids "$d"); do
        kill -TERM "$pid" 2>/dev/null || true
    done
    # Wait (cupsd takes ~2 s), then make sure.
    for _ in $(seq 60); do
        alive=0
        for pid in $(cups_rig_pids "$d"); do
            if kill -0 "$pid" 2>/dev/null; then alive=1; fi
        done
        [ $alive -eq 0 ] && break
        sleep 0.1
    done
    for pid in $(cups_rig_pids "$d"); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$d"
    if [ "${CUPS_RIG_DIR:-}" = "$d" ]; then
        unset CUPS_RIG_DIR CUPS_SERVER CUPS_RIG_IPP CUPS_RIG_SPOOL
    fi
    return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case ${1:-} in
    start)
        cups_rig_start >&2 || exit 1
        echo "export CUPS_SERVER=$CUPS_SERVER CUPS_RIG_DIR=$CUPS_RIG_DIR CUPS_RIG_IPP=$CUPS_RIG_IPP CUPS_RIG_SPOOL=$CUPS_RIG_SPOOL DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS"
        ;;
    stop) cups_rig_stop "${2:?usage: cups.sh stop DIR}" ;;
    *) echo "usage: tests/rig/cups.sh start | stop DIR" >&2; exit 2 ;;
    esac
fi
