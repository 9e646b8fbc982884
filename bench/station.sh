#!/usr/bin/env bash
# bench/station.sh — the kiosk figures with a real cupsd: starts the private
# CUPS rig (tests/rig/cups.sh) with an IPP Everywhere label queue as the
# default, runs bench-station (stable weight -> job accepted by cupsd), stops
# the rig. Prints figures; never pass/fail.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
. "$top/tests/rig/cups.sh"
cups_rig_start || { echo "bench/station.sh: no CUPS rig here; skipped"; exit 0; }
trap cups_rig_stop EXIT
cups_rig_queue lbl && lpadmin -d lbl
cd "$top" && BUILD=$BUILD "$BUILD/bench/bench-station"
