#!/usr/bin/env bash
# tests/rig/pg.sh — a private PostgreSQL server for tests and benchmarks.
#
# initdb + pg_ctl in a fresh temporary folder, Unix socket only (no TCP port),
# trust authentication, superuser "postgres". Stopped by the pid written in
# postmaster.pid, and the folder removed: nothing is left running or on disk.
#
# Sourced:     . tests/rig/pg.sh; pg_start || exit 77; ...; pg_stop
#              pg_start exports PGHOST (the socket folder), PGUSER, PGDATABASE
#              and PG_RIG_DIR; on failure it prints why and returns 1.
#              pg_down / pg_up stop and start the same server (a restart).
# Standalone:  tests/rig/pg.sh start [PID]  prints "export ..." lines for eval;
#              with PID, a watchdog stops the server once that process is gone
#              (a test binary that crashes leaves nothing running)
#              tests/rig/pg.sh stop DIR   stops the server of that rig folder
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# "postgres" user (Debian's package creates it) or else "nobody".
# PG_RIG_OPTS adds server settings (e.g. "-c fsync=off" for quick tests).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_rig_user() {
    if [ "$(id -u)" != 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        echo nobody
    fi
}

# Runs a command as the server user.
pg_rig_as() {
    local u
    u=$(pg_rig_user)
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$u" -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    local dir u
    if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
        echo "PostgreSQL 15 server binaries not found in $PG_BIN (apt-get install postgresql-15)"
        return 1
    fi
    dir=$(mktemp -d /tmp/tt-pg.XXXXXX) || return 1
    chmod 755 "$dir"
    mkdir "$dir/data" "$dir/sock"
    u=$(pg_rig_user)
    [ "$(id -u)" != 0 ] || chown "$u" "$dir/data" "$dir/sock"
    if ! pg_rig_as "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
        echo "initdb failed:"; tail -n 20 "$dir/initdb.log"
        rm -rf "$dir"; return 1
    fi
    if ! pg_rig_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/sock/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir/sock' ${PG_RIG_OPTS:-}" \
        start >"$dir/pg_ctl.log" 2>&1; then
        echo "pg_ctl start failed:"; tail -n 20 "$dir/pg_ctl.log" "$dir/sock/server.log"
        pg_stop_dir "$dir"; return 1
    fi
    export PG_RIG_DIR=$dir PGHOST=$dir/sock PGUSER=postgres PGDATABASE=postgres
    unset PGSERVICE PGPORT PGHOSTADDR PGPASSWORD
    return 0
}

# Stops the server of rig folder $1 by its pid (SIGINT = fast shutdown) and
# removes the folder.
pg_stop_dir() {
    local dir=$1 pid i
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        pid=$(head -n 1 "$dir/data/postmaster.pid")
        if [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; then
            for i in $(seq 1 200); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        fi
    fi
    rm -rf "$dir"
}

pg_stop() {
    pg_stop_dir "${PG_RIG_DIR:-}"
    unset PG_RIG_DIR
}

# Stops the running server (fast shutdown: sessions are cut) and keeps its
# data, so pg_up starts it again: a PostgreSQL restart for clients to live
# through.
pg_down() {
    pg_rig_as "$PG_BIN/pg_ctl" -D "$PG_RIG_DIR/data" -m fast -w -t 60 stop >/dev/null
}

pg_up() {
    pg_rig_as "$PG_BIN/pg_ctl" -D "$PG_RIG_DIR/data" -l "$PG_RIG_DIR/sock/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_RIG_DIR/sock' ${PG_RIG_OPTS:-}" \
        start >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case ${1:-} in
    start)
        pg_start >&2 || exit 1
        if [ -n "${2:-}" ]; then
            owner=$2 dir=$PG_RIG_DIR
            # Detached, output closed, so the caller's pipe ends now.
            setsid bash -c 'while kill -0 "$0" 2>/dev/null && [ -d "$1" ]; do sleep 1; done
                . "$2"; pg_stop_dir "$1"' "$owner" "$dir" "${BASH_SOURCE[0]}" \
                </dev/null >/dev/null 2>&1 &
        fi
        echo "export PG_RIG_DIR='$PG_RIG_DIR' PGHOST='$PGHOST' PGUSER=postgres PGDATABASE=postgres"
        ;;
    stop) pg_stop_dir "${2:?usage: pg.sh stop DIR}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
    esac
fi
