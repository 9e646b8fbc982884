#!/usr/bin/env bash
# Every message the station and the portal show has a Vietnamese translation:
# nothing missing, nothing fuzzy, no duplicate, and printf formats agree.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
srcs=$(ls station/*.c station/*/*.c portal/*.c 2>/dev/null || true)
xgettext --from-code=UTF-8 -k_ -kN_ -o "$tmp/tramtem.pot" $srcs
msguniq --repeated po/vi.po >"$tmp/dups.po" 2>/dev/null || true
if grep -q '^msgid "[^"]' "$tmp/dups.po"; then
    echo "po/vi.po has duplicate messages:"; grep '^msgid' "$tmp/dups.po"; exit 1
fi
msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" po/vi.po "$tmp/tramtem.pot"
msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>"$tmp/stats"
cat "$tmp/stats"
untrans=$(msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -c '^msgid "[^"]' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$tmp/merged.po" | grep -c '^msgid "[^"]' || true)
if [ "$untrans" -ne 0 ] || [ "$fuzzy" -ne 0 ]; then
    echo "untranslated: $untrans, fuzzy: $fuzzy"
    msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -A1 '^msgid' | head -40
    exit 1
fi
# The catalogue actually works: a translated usage line in Vietnamese, English with --lang en.
"$TT_BIN" --lang vi --help | grep -q 'Cách dùng'
"$TT_BIN" --lang en --help | grep -q 'Usage'
env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG= "$TT_BIN" --help | grep -q 'Cách dùng'
