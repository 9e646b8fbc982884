#!/usr/bin/env bash
# labels-render: `tramtem label list|render` and `print` to the file printer,
# through the real binary. Every built-in template is rendered as PNG, PDF
# and ZPL from GS1 data; the PNG is decoded with zbarimg / dmtxread, the PDF
# is checked for its page size and embedded Noto Sans and decoded after
# pdftoppm at 203 dpi; template and data mistakes give the right exit code
# and name the file and line.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T="$TT_BIN"
vi="Bưởi Luận Văn – Thọ Xuân, Thanh Hóa"

"$T" label list >"$tmp/list"
for t in produce-58x40 case-100x50 pti-100x50 pallet-100x150 retail-58x40 dl-qr-50x50; do
    grep -q "^$t " "$tmp/list" || { echo "label list lacks $t"; cat "$tmp/list"; exit 1; }
done

# template|GS1 data|zbar symbology|expected zbar --raw output (GS shown as |)
cases=(
    "produce-58x40|(01)99506000134355(3103)001250(13)261125(10)L-42|databar-exp|0199506000134355310300125013261125|10L-42"
    "case-100x50|(01)99506000134355(3103)001250(13)261125(10)AB/7(21)17|code128|0199506000134355|10AB/7"
    "pti-100x50|(01)09506000134352(13)261125(10)LOT9|code128|010950600013435213261125|10LOT9"
    "retail-58x40|(01)99506000134355(3103)000750(15)261231|databar-exp|01995060001343553103000750|15261231"
    "dl-qr-50x50|(01)09506000134352(10)A%1(21)5|qrcode|https://id.gs1.org/01/09506000134352/10/A%251/21/5|"
)
for c in "${cases[@]}"; do
    IFS='|' read -r t data sym want1 want2 <<<"$c"
    "$T" label render --template "$t" --data "$data" --set "product.name=$vi" \
        --set price.kg=45000 --format png -o "$tmp/$t.png"
    got=$(zbarimg -q --nodbus --raw -Sdisable -S"$sym".enable "$tmp/$t.png" | tr '\035' '|')
    case $got in
    *"$want1"*"$want2"*) ;;
    *) echo "$t: zbar read '$got', want '$want1...$want2'"; exit 1 ;;
    esac
    "$T" label render --template "$t" --data "$data" --set "product.name=$vi" \
        --set price.kg=45000 --format zpl -o "$tmp/$t.zpl"
    head -c 3 "$tmp/$t.zpl" | grep -q '\^XA' && grep -q '\^GFA,' "$tmp/$t.zpl" &&
        tail -c 5 "$tmp/$t.zpl" | grep -q '\^XZ' || { echo "$t: bad ZPL"; exit 1; }
done

# The case label's GS1 DataMatrix carries everything (dmtxread shows FNC1 as GS with -G 29).
dm=$(dmtxread -n -N 1 -G 29 -x 600 -y 250 "$tmp/case-100x50.png" | tr '\035' '|')
[ "$dm" = "|019950600013435531030012501326112510AB/7|2117" ] || { echo "DataMatrix: '$dm'"; exit 1; }

# PDF: 100 x 50 mm page, Noto Sans embedded, barcode readable once rasterised at 203 dpi.
"$T" label render --template case-100x50 --data "(01)99506000134355(3103)001250(10)AB/7" \
    --set "product.name=$vi" --format pdf -o "$tmp/case.pdf"
pdfinfo "$tmp/case.pdf" | grep -q 'Page size: *283.46[0-9]* x 141.73[0-9]* pts'
pdffonts "$tmp/case.pdf" | grep -q 'NotoSans-Bold'
pdftoppm -r 203 -mono -singlefile "$tmp/case.pdf" "$tmp/case-r"
zbarimg -q --nodbus --raw -Sdisable -Scode128.enable "$tmp/case-r.pbm" | grep -q '^0199506000134355'

# In the PDF the symbols are stencils on whole dots: stacked DataBar and the QR too.
"$T" label render --template produce-58x40 --data "(01)99506000134355(3103)001250(13)261125(10)L-42" \
    --format pdf -o "$tmp/produce.pdf"
pdftoppm -r 203 -mono -singlefile "$tmp/produce.pdf" "$tmp/produce-r"
zbarimg -q --nodbus --raw -Sdisable -Sdatabar-exp.enable "$tmp/produce-r.pbm" |
    tr '\035' '|' | grep -qx '019950600013435531030012501326112510L-42'
"$T" label render --template dl-qr-50x50 --data "(01)09506000134352(10)A1(21)5" \
    --format pdf -o "$tmp/dl.pdf"
pdftoppm -r 300 -mono -singlefile "$tmp/dl.pdf" "$tmp/dl-r"
zbarimg -q --nodbus --raw "$tmp/dl-r.pbm" | grep -qx 'https://id.gs1.org/01/09506000134352/10/A1/21/5'

# A 300 dpi render is 1181 dots wide.
"$T" label render --template case-100x50 --data "(01)99506000134355(10)X" --dpi 300 \
    --format png -o "$tmp/c300.png" --json | grep -q '"dpi":300,"width":1181'

# Mistakes: bad GS1 data (65), a template error naming file and line (65), unknown template.
set +e
"$T" --lang en label render --template case-100x50 --data "(01)99506000134356(10)X" \
    --format png -o "$tmp/x.png" 2>"$tmp/err1"
rc1=$?
sed 's/^text  *x=3 y=2 /text x=3 y=2 colour=red /' "$TT_TOP/data/labels/case-100x50.label" \
    >"$tmp/bad.label"
"$T" --lang en label render --template "$tmp/bad.label" --data "(01)99506000134355(10)X" \
    --format png -o "$tmp/x.png" 2>"$tmp/err2"
rc2=$?
"$T" --lang en label render --template no-such --data "(01)99506000134355(10)X" \
    --format png -o "$tmp/x.png" 2>"$tmp/err3"
rc3=$?
set -e
[ $rc1 -eq 65 ] && grep -q 'GS1 rule.*check digit' "$tmp/err1" || { cat "$tmp/err1"; exit 1; }
[ $rc2 -eq 65 ] && grep -q "bad.label:10: unknown setting 'colour'" "$tmp/err2" ||
    { echo "rc=$rc2"; cat "$tmp/err2"; exit 1; }
[ $rc3 -ne 0 ] && grep -q "no label template with that name" "$tmp/err3" || { cat "$tmp/err3"; exit 1; }
[ ! -e "$tmp/x.png" ]

# The file printer: PDFs in a folder, one per job, never overwritten.
mkdir "$tmp/out"
for _ in 1 2; do
    "$T" print --template dl-qr-50x50 --data "(01)09506000134352(10)A1(21)5" \
        --printer "file:$tmp/out" 2>>"$tmp/printed"
done
[ -f "$tmp/out/dl-qr-50x50-1.pdf" ] && [ -f "$tmp/out/dl-qr-50x50-2.pdf" ] || { echo "check failed at line 95" >&2; exit 1; }
pdfinfo "$tmp/out/dl-qr-50x50-2.pdf" | grep -q 'Page size: *141.73[0-9]* x 141.73[0-9]* pts'
grep -q 'Đã in' "$tmp/printed"
echo ok
