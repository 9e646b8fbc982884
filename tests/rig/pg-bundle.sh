#!/usr/bin/env bash
# tests/rig/pg-bundle.sh — makes station bundles with stock tools (gzip and
# minisign 0.11), for the portal's integration tests, in the layout of
# sync/bundle.h. That stock minisign signatures pass the portal's reader is
# itself part of what the tests show.
#
#   . tests/rig/pg-bundle.sh
#   mkkey DIR                       -> DIR/st.key, DIR/st.pub (no password)
#   station_of PUB                  -> prints the station id (st- + 8 hex, lower case)
#   mkbundle STICK KEYDIR SEQ PREV FIRST EVENTS...
#        writes STICK/tramtem/<station>/b-<SEQ>.ndjson.gz(.minisig) with the
#        events (one JSON object each) numbered FIRST, FIRST+1 ...; PREV is
#        the previous payload's BLAKE2b-256 hex or "-" for the first bundle.
#        Prints the new payload's BLAKE2b-256 hex (the next PREV).
#        $BUNDLE_MD, when set, is one EPCIS vocabulary object written as a
#        master-data line before the events.

mkkey() {
    minisign -G -W -f -p "$1/st.pub" -s "$1/st.key" >/dev/null
}

# The key id from the key itself (bytes 2-9, shown little-endian as minisign
# does); the comment line drops leading zeros, so it is not used.
keyid_of() {
    sed -n 2p "$1" | base64 -d | od -An -tx1 -j2 -N8 | tr -d ' \n' |
        sed 's/\(..\)/\1 /g' | tr ' ' '\n' | grep . | tac | tr -d '\n' | tr 'a-f' 'A-F'
}

station_of() {
    echo "st-$(keyid_of "$1" | cut -c1-8 | tr 'A-F' 'a-f')"
}

mkbundle() {
    local stick=$1 kd=$2 seq=$3 prev=$4 first=$5
    shift 5
    local kid st n last name dir created=2026-11-25T17:00:00+07:00 s
    kid=$(keyid_of "$kd/st.pub")
    st=$(station_of "$kd/st.pub")
    n=$#
    last=$((first + n - 1))
    [ "$prev" != - ] || prev=$(printf '0%.0s' $(seq 1 64))
    name=$(printf 'b-%08d.ndjson.gz' "$seq")
    dir=$stick/tramtem/$st
    mkdir -p "$dir"
    {
        printf '{"tramtem":"bundle","format":1,"station":"%s","key_id":"%s","bundle_seq":%d,' \
            "$st" "$kid" "$seq"
        printf '"prev_b2":"%s","first_event_seq":%d,"last_event_seq":%d,"event_count":%d,' \
            "$prev" "$first" "$last" "$n"
        printf '"created_claimed":"%s","clock_trusted":true,"last_receipt_seq_seen":0,' "$created"
        printf '"master_data_version":0}\n'
        [ -z "${BUNDLE_MD:-}" ] || printf '{"masterdata":%s}\n' "$BUNDLE_MD"
        s=$first
        for ev in "$@"; do
            printf '{"seq":%d,"event":%s}\n' "$s" "$ev"
            s=$((s + 1))
        done
        printf '{"tramtem":"trailer","event_count":%d,"last_event_seq":%d}\n' "$n" "$last"
    } | gzip -n -6 >"$dir/$name"
    minisign -S -s "$kd/st.key" -m "$dir/$name" -c "tramtem bundle" \
        -t "tramtem-bundle/1 st=$st kid=$kid seq=$seq ev=$first-$last n=$n prev=$prev created=$created" \
        >/dev/null
    b2sum -l 256 "$dir/$name" | cut -d' ' -f1
}
