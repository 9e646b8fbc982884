#!/usr/bin/env bash
# Faults while exporting to a stick, through the real CLI: ENOSPC, EIO and a
# pull (every later operation fails) injected at every stick operation of
# the write protocol (TRAMTEM_FAULT). After each: no partial bundle
# verifies, the spool is unchanged, and a re-export succeeds. Then clock
# faults with libfaketime: a dead RTC (2000-01-01) is recorded in the bundle
# and never reorders events.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/st.db" "$@"; }

tt init --demo >/dev/null
for g in 99528930000012 09528930000026 09528930000033; do tt lot open --gtin "$g" >/dev/null 2>&1; done
tt key init >/dev/null 2>&1
tt export --to probe1 2>/dev/null                     # bundle 1 into the spool
tt lot open --gtin 99528930000043 >/dev/null 2>&1   # bundle 2 is made by the first faulty export
TRAMTEM_FAULT=count tt export --to probe2 2>count.txt
steps=$(sed -n 's/^fault-points: //p' count.txt)
[ "$steps" -gt 10 ]
spool_sum() { sha256sum spool/b-* | sha256sum; }
before=$(spool_sum)

check_stick() { # DIR: each bundle there verifies whole (same bytes as the spool) or not at all
    local f
    for f in "$1"/tramtem/st-demo0001/b-*.ndjson.gz; do
        [ -e "$f" ] || continue
        if tt verify "$f" 2>/dev/null; then cmp "$f" "spool/$(basename "$f")"; fi
    done
}
failed=0 runs=0
for kind in pull enospc eio; do
    # a pull at every step; ENOSPC and EIO at every step with TT_FULL=1 (the unit
    # test covers every step of all three kinds without process start-up)
    stride=3; [ "$kind" = pull ] || [ -n "${TT_FULL:-}" ] && stride=1
    for n in $(seq 1 "$stride" "$steps"); do
        runs=$((runs + 1))
        rm -rf s
        if TRAMTEM_FAULT=$kind:$n tt export --to s 2>err.txt; then :; else
            failed=$((failed + 1))
            grep -Eq 'full|failed|read-only|signature|could not' err.txt
        fi
        check_stick s
        [ "$(spool_sum)" = "$before" ]              # the station's copies never change
        tt export --to s 2>ok.txt                   # re-export succeeds
        grep -q '2 of 2 unacknowledged bundles copied' ok.txt
        for b in 1 2; do tt verify "s/tramtem/st-demo0001/b-0000000$b.ndjson.gz" 2>/dev/null; done
    done
done
[ "$failed" -gt $((runs * 2 / 3)) ]               # most injected faults did fail the export
echo "$failed of $runs faulty exports failed cleanly"

# clock faults: a dead RTC showing 2000-01-01, behind the last event
faketime '2000-01-01 00:00:00' "$TT_BIN" --lang en --db "$tmp/st.db" lot open --gtin 09528930000057 >/dev/null 2>&1
faketime '2000-01-01 00:00:00' "$TT_BIN" --lang en --db "$tmp/st.db" export --to clk 2>clk.txt
grep -q 'clock is behind' clk.txt
b3=clk/tramtem/st-demo0001/b-00000003.ndjson.gz
tt verify --json "$b3" | jq -e '.ok and .clock_trusted == false and (.created | startswith("2000-01-01"))'
# events keep their sequence order whatever their times say
zcat clk/tramtem/st-demo0001/b-0000000[123].ndjson.gz | jq -r 'select(.seq) | .seq' >seqs.txt
sort -n -c seqs.txt
[ "$(sort -n -u seqs.txt | wc -l)" = "$(wc -l <seqs.txt)" ]
zcat "$b3" | jq -r 'select(.seq) | .event.eventTime' | grep -q '^2000-01-01'
# the clock back to normal: the next bundle is trusted again
tt lot open --gtin 99528930000012 --lot AFTER >/dev/null 2>&1
tt export --to clk 2>/dev/null
tt verify --json clk/tramtem/st-demo0001/b-00000004.ndjson.gz | jq -e '.ok and .clock_trusted'
echo "faults ok"
