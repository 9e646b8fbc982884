#!/usr/bin/env bash
# data/udev/70-tramtem.rules: access through uaccess and a group, never
# world-writable, ModemManager kept off every serial port, every scale and
# scanner vendor of the known-device table covered, and the rule that
# `tramtem` prints on "permission denied" has the same shape as the file's.
set -eu
rules=$TT_TOP/data/udev/70-tramtem.rules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$rules" | grep -v '^$' | grep -v -e '^LABEL=' -e '^ACTION==' >"$tmp/rules"
[ -s "$tmp/rules" ]
# no world-writable or world-readable modes anywhere
if grep -Eq 'MODE="0?[0-7][0-7][1-7]"' "$tmp/rules"; then
    echo "a rule gives access to everyone:"; grep -E 'MODE="0?[0-7][0-7][1-7]"' "$tmp/rules"; exit 1
fi
# every rule: uaccess, the tramtem group, mode 0660
while IFS= read -r line; do
    case $line in *'TAG+="uaccess"'*) ;; *) echo "no uaccess: $line"; exit 1 ;; esac
    case $line in *'GROUP="tramtem"'*) ;; *) echo "no group: $line"; exit 1 ;; esac
    case $line in *'MODE="0660"'*) ;; *) echo "mode not 0660: $line"; exit 1 ;; esac
    case $line in *'SUBSYSTEM=="tty"'*)
        case $line in *'ENV{ID_MM_DEVICE_IGNORE}="1"'*) ;; *) echo "ModemManager not kept off: $line"; exit 1 ;; esac
    esac
    case $line in *'GROUP="input"'* | *'GROUP="plugdev"'*) echo "shared group: $line"; exit 1 ;; esac
done <"$tmp/rules"
# sorts before 73-seat-late.rules, as uaccess needs
[ "$(printf '%s\n' 70-tramtem.rules 73-seat-late.rules | sort | head -1)" = 70-tramtem.rules ]
# the known scale ids and scanner vendors (scanners/devio-usb.c) all have a rule
for id in 0922:8003 0922:8004 0922:8009 0eb8:f000 0eb8:f001 1446:6a73 1446:6a79 2474:0550 \
    2474:3550 7b7c:0100 6096:0158 0b67:555e 0d8f:0200; do
    grep -q "ATTR{idVendor}==\"${id%:*}\", ATTR{idProduct}==\"${id#*:}\"" "$tmp/rules" ||
        { echo "no rule for scale $id"; exit 1; }
done
for v in 0c2e 0536 23d0 05e0 05f9 1eab 27dd 065a; do
    grep -q "SUBSYSTEM==\"usb\", ATTR{idVendor}==\"$v\"" "$tmp/rules" || { echo "no rule for $v"; exit 1; }
done
for id in 1a86:7523 067b:2303 10c4:ea60 0403:6001; do
    grep -q "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"${id%:*}\", ATTRS{idProduct}==\"${id#*:}\"" \
        "$tmp/rules" || { echo "no rule for cable $id"; exit 1; }
done
# `tramtem devices` run by a user who may not open a scale cable (umockdev
# testbed, the port's node 0600 root): state no-access and the exact rule,
# whose every clause is also in the shipped file's line for that cable.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && command -v umockdev-run >/dev/null; then
    umockdev-run -d "$TT_TOP/tests/data/devices/ch340-tty.umockdev" -- bash -c '
        chmod 755 "$UMOCKDEV_DIR"; chmod -R a+rwX "$UMOCKDEV_DIR/ioctl"
        chmod 0600 "$(readlink "$UMOCKDEV_DIR/dev/ttyUSB0")"
        setpriv --reuid=65534 --regid=65534 --clear-groups "$0" --lang en devices --json' \
        "$TT_BIN" >"$tmp/denied.json"
    cat "$tmp/denied.json"
    grep -q '"kind":"serial-port","state":"no-access","spec":"serial:/dev/ttyUSB0","name":"CH340 USB-serial cable"' "$tmp/denied.json"
    rule=$(sed -n 's/.*"udev_rule":"\(.*\)"}$/\1/p' "$tmp/denied.json" | sed 's/\\"/"/g')
    [ -n "$rule" ]
    line=$(grep 'ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523"' "$rules")
    IFS=, read -ra clauses <<<"$rule"
    for c in "${clauses[@]}"; do
        c=${c# }
        case $line in *"$c"*) ;; *) echo "rule clause '$c' is not in the shipped rule"; exit 1 ;; esac
    done
fi
# udev itself accepts the file, where this udevadm can check it
if udevadm verify --help >/dev/null 2>&1; then
    udevadm verify "$rules"
fi
echo ok
