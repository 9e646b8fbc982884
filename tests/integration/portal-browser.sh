#!/usr/bin/env bash
# The lot page in a real browser: headless Chromium loads it from the
# portal over loopback; the DOM it built holds the Vietnamese text intact
# and the screenshot is a real rendering (right size, text drawn, and the
# English page renders differently).
set -eu -o pipefail
. tests/rig/portal.sh chromium

"$P" init 2>/dev/null
mkdir "$tmp/a"; mkkey "$tmp/a"
"$P" station add --key "$tmp/a/st.pub" --name "HTX Bưởi Luận Văn, Thọ Xuân" >/dev/null 2>&1
DL=https://id.gs1.org
E='"eventTimeZoneOffset":"+07:00"'
mkbundle "$tmp/stick" "$tmp/a" 1 - 1 \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1\",\"eventTime\":\"2026-11-20T07:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"quantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}],\"ilmd\":{\"cbvmda:harvestStartDate\":\"2026-11-20\"}}" \
    "{\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:2\",\"eventTime\":\"2026-11-20T09:00:00.000+07:00\",$E,\"action\":\"ADD\",\"bizStep\":\"packing\",\"parentID\":\"$DL/00/095201230000000011\",\"childQuantityList\":[{\"epcClass\":\"$DL/01/09520123456788/10/B24\",\"quantity\":120,\"uom\":\"KGM\"}]}" \
    "{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:3\",\"eventTime\":\"2026-11-20T10:00:00.000+07:00\",$E,\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\"$DL/00/095201230000000011\"]}" >/dev/null
"$P" ingest "$tmp/stick" >/dev/null 2>&1 || fail "ingest"
serve_start

browse() { # browse OUT-FLAG URL
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-dev-shm-usage --user-data-dir="$tmp/chrome" --window-size=800,600 \
        --hide-scrollbars --lang=vi --accept-lang=vi "$@" 2>>"$tmp/chromium.log"
}
browse --dump-dom "${U}01/09520123456788/10/B24" >"$tmp/dom.html" || { tail "$tmp/chromium.log"; fail "chromium"; }
for s in 'Truy xuất nguồn gốc lô hàng' 'HTX Bưởi Luận Văn, Thọ Xuân' 'Đóng gói, xếp pallet' 'Xuất hàng' 'Thu hoạch / ghi nhận'; do
    grep -q "$s" "$tmp/dom.html" || { head -c 600 "$tmp/dom.html"; tail -5 "$tmp/chromium.log"; fail "the DOM lacks $s"; }
done
browse --screenshot="$tmp/vi.png" "${U}01/09520123456788/10/B24" >/dev/null
browse --screenshot="$tmp/en.png" "${U}01/09520123456788/10/B24?lang=en" >/dev/null
# Decode the PNGs (zlib + PNG filters) and look at the pixels.
python3 - "$tmp/vi.png" "$tmp/en.png" <<'EOF'
import struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, bpp, rows

w, h, bpp, vi = pixels(sys.argv[1])
assert (w, h) == (800, 600), (w, h)
dark = sum(1 for r in vi for x in range(0, len(r), bpp) if r[x] + r[x + 1] + r[x + 2] < 200)
assert 2000 < dark < 200000, "text pixels: %d" % dark   # glyphs drawn, not a blank or black page
_, _, _, en = pixels(sys.argv[2])
diff = sum(1 for a, b in zip(vi, en) if a != b)
assert diff > 20, "the English page looks the same as the Vietnamese one (%d rows differ)" % diff
print("screenshot ok: %d dark pixels, %d rows differ between vi and en" % (dark, diff))
EOF
mkdir -p "$BUILD/screenshots" 2>/dev/null && cp "$tmp/vi.png" "$BUILD/screenshots/portal-lot-vi.png" || true
echo ok
