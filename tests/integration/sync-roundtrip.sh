#!/usr/bin/env bash
# Round trip of a signed bundle: export to a folder, `tramtem verify`, the
# stock minisign, the EPCIS document of `verify --epcis` against the EPCIS
# 2.0 schema (python3-jsonschema), determinism, and a receipt signed by the
# stock minisign imported back (keep until acknowledged).
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails() { if "$@"; then echo "unexpectedly succeeded: $*" >&2; exit 1; fi; }
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/st.db" "$@"; }

tt init --demo >/dev/null
for g in 99528930000012 09528930000026 09528930000033; do tt lot open --gtin "$g" >/dev/null; done
tt key init >station.pub 2>key.txt
grep -q 'Fingerprint:' key.txt
[ "$(stat -c %a keys/station.key)" = 600 ]
fails grep -q "$(sed -n 2p keys/station.key)" st.db   # the secret key is never in the database
cmp station.pub keys/station.pub
tt key show | cmp - station.pub
fails tt key init 2>/dev/null                          # never replaced

tt export --to stick 2>export.txt
grep -q 'New bundles 1-1 with 3 events' export.txt
b=stick/tramtem/st-demo0001/b-00000001.ndjson.gz
[ -f "$b" ] && [ -f "$b.minisig" ] || { echo "check failed at line 26" >&2; exit 1; }

# tramtem verify, human and --json
tt verify "$b" 2>verify.txt
grep -q 'signature and every event OK' verify.txt
tt verify --json "$b" >verify.json
jq -e '.ok == true and .bundle_seq == 1 and .event_count == 3 and .first_event_seq == 1' verify.json

# the stock minisign, with no tramtem code; -H requires the prehashed kind
minisign -Vm "$b" -p station.pub | tee minisign.txt
grep -q 'tramtem-bundle/1 st=st-demo0001' minisign.txt
minisign -V -H -m "$b" -p station.pub -q

# payload layout: header, the products as master data, one event per line, trailer
zcat "$b" >payload.ndjson
nprod=$(tt product list | wc -l)
[ "$(wc -l <payload.ndjson)" = $((1 + nprod + 3 + 1)) ]
head -1 payload.ndjson | jq -e '.tramtem == "bundle" and .station == "st-demo0001" and .event_count == 3'
[ "$(jq -c 'select(.masterdata) | .masterdata.vocabularyElementList[0].id' payload.ndjson | grep -c 'id.gs1.org/01/')" = "$nprod" ]
jq -s -e 'map(select(.seq)) | length == 3 and all(.event.type == "ObjectEvent" and (.event.eventID | startswith("ni:///sha-256;")))' payload.ndjson >/dev/null
[ "$(jq -c 'select(.seq) | .seq' payload.ndjson | tr '\n' ' ')" = "1 2 3 " ]
tail -1 payload.ndjson | jq -e '.tramtem == "trailer" and .event_count == 3'

# the EPCIS 2.0 document validates against the schema; a broken one does not
tt verify --epcis doc.json "$b" 2>/dev/null
schema=$TT_TOP/tests/data/sync/epcis-2.0-document.schema.json
/usr/bin/python3 "$TT_TOP/tests/data/sync/validate-epcis.py" "$schema" doc.json
jq -e '.type == "EPCISDocument" and (.epcisBody.eventList | length) == 3' doc.json
jq -e --argjson n "$nprod" '(.epcisHeader.epcisMasterData.vocabularyList | length) == $n' doc.json
jq 'del(.epcisBody.eventList[1].eventTime)' doc.json >broken.json
fails /usr/bin/python3 "$TT_TOP/tests/data/sync/validate-epcis.py" "$schema" broken.json 2>/dev/null
jq '.epcisBody.eventList[0].action = "MAYBE"' doc.json >broken.json
fails /usr/bin/python3 "$TT_TOP/tests/data/sync/validate-epcis.py" "$schema" broken.json 2>/dev/null

# the same bundle number gives the same bytes: the unacknowledged bundle is written again
cp "$b" first.gz; cp "$b.minisig" first.minisig
tt export --to stick2 2>export2.txt
grep -q 'No new events' export2.txt
grep -q '1 of 1 unacknowledged' export2.txt
cmp first.gz stick2/tramtem/st-demo0001/b-00000001.ndjson.gz
cmp first.minisig stick2/tramtem/st-demo0001/b-00000001.ndjson.gz.minisig
cmp first.gz spool/b-00000001.ndjson.gz

# new events make bundle 2, chained to bundle 1
tt lot open --gtin 99528930000043 >/dev/null
tt export --to stick 2>/dev/null
b2=stick/tramtem/st-demo0001/b-00000002.ndjson.gz
tt verify --json "$b2" | jq -e --arg p "$(jq -r .b2 verify.json)" '.ok and .prev_b2 == $p and .first_event_seq == 4'

# a receipt signed with the stock minisign by the portal key, dropped on the stick
minisign -G -W -p portal.pub -s portal.key >/dev/null
tt key portal portal.pub 2>/dev/null
kid=$(jq -r .key_id verify.json)
in=stick/tramtem/st-demo0001
printf '{"format":1,"kind":"receipt","station":"st-demo0001","station_key_id":"%s","receipt_seq":1,"portal_time":"2026-11-26T09:00:00+07:00","acked_through_bundle":1,"acked_through_event":3,"accepted":[{"seq":1,"b2":"%s"}],"duplicates":[],"rejected":[],"gaps":[],"event_conflicts":[],"master_data_version":0,"station_key_status":"active"}' \
    "$kid" "$(jq -r .b2 verify.json)" >"$in/r-00000001.json"
minisign -S -W -s portal.key -m "$in/r-00000001.json" -t "tramtem-receipt/1 st=st-demo0001 rseq=1 acked=1 ev=3" >/dev/null
tt export --to stick 2>export3.txt
grep -q 'Portal files: 1 imported, 0 refused' export3.txt
grep -q '1 of 1 unacknowledged' export3.txt       # only bundle 2 is still carried
[ "$(ls spool/*.gz | wc -l)" = 2 ]
tt import "$in/r-00000001.json" 2>/dev/null && exit 1 || [ $? = 1 ]   # replay: refused, nothing changes
echo "round trip ok"
