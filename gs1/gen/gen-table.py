#!/usr/bin/env python3
"""Writes gs1/gs1-table.c and gs1/gs1-iso.c.

Run once per Syntax Dictionary release (yearly):
    python3 gs1/gen/gen-table.py ../shared/reference/gs1-syntax-dictionary.txt
The dictionary itself is never committed; the generated C is the artefact,
reviewed like any other source. Titles and descriptions come from texts.py;
ISO 3166 / ISO 4217 lists and Vietnamese country names from Debian's
iso-codes package (/usr/share/iso-codes, /usr/share/locale/vi).
"""
import json, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(__file__))
from texts import T, GROUP_DESC, MEASURE_VI, MEASURE_EN, UNIT_VI, UNIT_EN

FLAGS = set('*!?"$%&\'()+,-./:;<=>@[\\]^_`{|}~')
COMP = re.compile(r'^(\[?)([NXYZ])(\d+|\.\.\d+)(\]?)((?:,[a-z0-9]+)*)$')

def cstr(s):
    if s is None:
        return "NULL"
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

def parse(path):
    entries = []
    release = None
    for line in open(path, encoding='utf-8'):
        m = re.match(r'#\s*Release:\s*(\S+)', line)
        if m:
            release = m.group(1)
        if not line.strip() or line.startswith('#'):
            continue
        body, _, title = line.partition('#')
        toks = body.split()
        ais = toks.pop(0)
        flags = ''
        if toks and all(c in FLAGS for c in toks[0]):
            flags = toks.pop(0)
        spec, attrs = [], []
        for t in toks:
            if '=' in t or t == 'dlpkey':
                attrs.append(t)
            else:
                assert not attrs, line
                spec.append(t)
        if '-' in ais:
            a, b = ais.split('-')
            rng = [str(i).zfill(len(a)) for i in range(int(a), int(b) + 1)]
        else:
            rng = [ais]
        for ai in rng:
            entries.append(dict(ai=ai, flags=flags, spec=spec, attrs=attrs,
                                title=title.strip()))
    return release, entries

def comps(spec):
    out = []
    for t in spec:
        m = COMP.match(t)
        assert m, t
        opt = m.group(1) == '['
        ln = m.group(3)
        if ln.startswith('..'):
            lo, hi = 1, int(ln[2:])
        else:
            lo = hi = int(ln)
        lints = [x for x in m.group(5).split(',') if x]
        assert len(lints) <= 3, t
        out.append((m.group(2), lo, hi, opt, lints))
    return out

def texts(ai, sdtitle):
    key = None
    for k in (ai, ai[:3] + 'n' if len(ai) == 4 else None, '9n' if len(ai) == 2 and ai[0] == '9' and ai != '90' else None):
        if k and k in T:
            key = k
            break
    p2 = int(ai[:2])
    if key is None and 31 <= p2 <= 36:
        return measure_texts(ai, sdtitle)
    assert key, ai
    ten, tvi, den, dvi = T[key]
    fmt = dict(d=ai[-1], ai=ai)
    ten, tvi = ten.format(**fmt), tvi.format(**fmt)
    if den is None:
        for pre, e, v in GROUP_DESC:
            if ai.startswith(pre):
                den, dvi = e, v
                break
    return ten, tvi, den.format(**fmt), dvi.format(**fmt)

def measure_texts(ai, sdtitle):
    d = int(ai[3])
    if sdtitle == 'KG PER m²':
        ten, tvi = 'Kilograms per square metre', 'Khối lượng trên diện tích (kg/m²)'
        den = 'The weight per square metre, in kilograms; the last digit of the AI (%d) is the number of decimals.' % d
        dvi = 'Khối lượng trên mỗi mét vuông, tính bằng kilôgam; chữ số cuối của AI (%d) là số chữ số thập phân.' % d
        return ten, tvi, den, dvi
    m = re.match(r'^(.*?) \((.*)\)(, log)?$', sdtitle)
    stem, unit, log = m.group(1), m.group(2), bool(m.group(3))
    ten = '%s (%s)%s' % (MEASURE_EN[stem], unit, ', logistic unit' if log else '')
    tvi = '%s (%s)%s' % (MEASURE_VI[stem], UNIT_VI[unit], ' của đơn vị logistic' if log else '')
    den = 'The %s of the %s in %s; the last digit of the AI (%d) is the number of decimals.' % (
        MEASURE_EN[stem].lower(), 'logistic unit' if log else 'item', UNIT_EN[unit], d)
    dvi = '%s của %s, tính bằng %s; chữ số cuối của AI (%d) là số chữ số thập phân.' % (
        MEASURE_VI[stem], 'đơn vị logistic' if log else 'sản phẩm', UNIT_VI[unit], d)
    return ten, tvi, den, dvi

def gen_table(release, entries, out):
    w = out.write
    w('/*\n * gs1-table.c — every Application Identifier of the GS1 General\n'
      ' * Specifications as in the GS1 Barcode Syntax Dictionary release %s:\n'
      ' * format components and their checks, predefined length, Digital Link\n'
      ' * flags and key paths, association rules, English and Vietnamese titles\n'
      ' * and plain descriptions; then the lookup index (no table scans).\n'
      ' *\n * Written by gs1/gen/gen-table.py and then owned as source:\n'
      ' * tests/unit/test_gs1_table.c checks it against the dictionary.\n */\n' % release)
    w('#include "gs1-int.h"\n\nconst char gs1_table_release[] = "%s";\n\n' % release)
    w('/* clang-format off */\nconst struct gs1_ai_def gs1_ai_defs[] = {\n')
    idx = {2: {}, 3: {}, 4: {}}
    plen = {}
    for i, e in enumerate(entries):
        ai = e['ai']
        ten, tvi, den, dvi = texts(ai, e['title'])
        cs = comps(e['spec'])
        fnc1 = 0 if '*' in e['flags'] else 1
        dl = 1 if '?' in e['flags'] else 0
        req = [a[4:] for a in e['attrs'] if a.startswith('req=')]
        assert len(req) <= 2, ai
        ex = [a[3:] for a in e['attrs'] if a.startswith('ex=')]
        assert len(ex) <= 1, ai
        dlp = [a for a in e['attrs'] if a.startswith('dlpkey')]
        dlpkey = None
        if dlp:
            dlpkey = dlp[0][7:] if '=' in dlp[0] else ''
        mn = sum(c[1] for c in cs if not c[3])
        mx = sum(c[2] for c in cs)
        fmt = ' '.join(e['spec'])
        comp_c = ', '.join('{\'%s\', %d, %d, %d, {%s}}' % (
            c[0], c[1], c[2], 1 if c[3] else 0,
            ', '.join('GS1_L_' + l.upper() for l in c[4]) or '0') for c in cs)
        w('    {{%s, %s, %s, %s, %s, %s, %d, %d},\n' % (
            cstr(ai), cstr(fmt), cstr(ten), cstr(tvi), cstr(den), cstr(dvi), fnc1, dl))
        w('     %d, %d, %d, %d, {%s}, {%s, %s}, %s, %s},\n' % (
            1 - fnc1, len(cs), mn, mx, comp_c,
            cstr(req[0] if req else None), cstr(req[1] if len(req) > 1 else None),
            cstr(ex[0] if ex else None), cstr(dlpkey)))
        idx[len(ai)][int(ai)] = i + 1
        p = int(ai[:2])
        assert plen.get(p, len(ai)) == len(ai), ai
        plen[p] = len(ai)
    w('};\n\nconst size_t gs1_n_ai_defs = sizeof gs1_ai_defs / sizeof gs1_ai_defs[0];\n\n')
    for n, size in ((2, 100), (3, 1000), (4, 10000)):
        w('const unsigned short gs1_ai_idx%d[%d] = {\n' % (n, size))
        items = ['[%d] = %d' % (k, v) for k, v in sorted(idx[n].items())]
        for j in range(0, len(items), 8):
            w('    ' + ', '.join(items[j:j + 8]) + ',\n')
        w('};\n\n')
    w('const unsigned char gs1_ai_len_by_prefix[100] = {\n')
    items = ['[%d] = %d' % (k, v) for k, v in sorted(plen.items())]
    for j in range(0, len(items), 10):
        w('    ' + ', '.join(items[j:j + 10]) + ',\n')
    w('};\n/* clang-format on */\n')

def po_names(domain):
    path = '/usr/share/locale/vi/LC_MESSAGES/%s.mo' % domain
    po = subprocess.run(['msgunfmt', path], capture_output=True, text=True).stdout
    names = {}
    for m in re.finditer(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"', po):
        names[m.group(1)] = m.group(2)
    return names

def gen_iso(out):
    w = out.write
    c = json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1']
    cur = json.load(open('/usr/share/iso-codes/json/iso_4217.json'))['4217']
    vi = po_names('iso_3166-1')
    w('/*\n * gs1-iso-data.h — ISO 3166-1 countries (numeric, alpha-2, English and\n'
      ' * Vietnamese names) and ISO 4217 currencies, for the iso3166 /\n'
      ' * iso3166alpha2 / iso4217 checks and for explanations. Written by\n'
      ' * gs1/gen/gen-table.py from Debian iso-codes; sorted by number.\n */\n')
    w('/* clang-format off */\n')
    w('static const struct gs1_country countries[] = {\n')
    for x in sorted(c, key=lambda x: int(x['numeric'])):
        name = x.get('common_name', x['name'])
        w('    {%d, "%s", %s, %s},\n' % (int(x['numeric']), x['alpha_2'], cstr(name),
                                         cstr(vi.get(name, vi.get(x['name'], name)))))
    w('};\n\nstatic const struct gs1_currency currencies[] = {\n')
    seen = set()
    for x in sorted(cur, key=lambda x: int(x['numeric'])):
        if x['numeric'] in seen:
            continue
        seen.add(x['numeric'])
        w('    {%d, "%s", %s},\n' % (int(x['numeric']), x['alpha_3'], cstr(x['name'])))
    w('};\n/* clang-format on */\n')

def main():
    release, entries = parse(sys.argv[1])
    top = os.path.join(os.path.dirname(__file__), '..')
    with open(os.path.join(top, 'gs1-table.c'), 'w') as f:
        gen_table(release, entries, f)
    with open(os.path.join(top, 'gs1-iso-data.h'), 'w') as f:  # included by gs1-iso.c
        gen_iso(f)
    print('%d AIs, release %s' % (len(entries), release))

main()
