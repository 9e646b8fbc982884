#!/usr/bin/env bash
# `tramtem export` with no --to finds the stick by itself: FAT/exFAT mounts
# in the mount table whose device is removable or on a USB bus in sysfs. A
# fake mount table and sysfs tree (TRAMTEM_MOUNTINFO, TRAMTEM_SYSFS) stand
# in for a plugged-in stick; a fixed disk's FAT partition (the EFI one) is
# never used; a read-only stick is refused; no stick is exit 69. A stick that
# is not really mounted as the table says is never unmounted.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/st.db" "$@"; }
tt init --demo >/dev/null
tt lot open --gtin 99528930000012 >/dev/null 2>&1
tt key init >/dev/null 2>&1

mkdir -p "sys/devices/pci0/usb1/1-1/block/sdb/sdb1" "sys/devices/pci0/ata1/block/sda/sda1" sys/dev/block
echo 1 >sys/devices/pci0/usb1/1-1/block/sdb/removable
echo 0 >sys/devices/pci0/ata1/block/sda/removable
ln -s ../../devices/pci0/usb1/1-1/block/sdb/sdb1 sys/dev/block/8:17
ln -s ../../devices/pci0/ata1/block/sda/sda1 sys/dev/block/8:1
mkdir "my stick" efi
esc=$(printf '%s' "$tmp/my stick" | sed 's/ /\\040/g')
printf '22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n' >mi
printf '41 22 8:1 / %s rw,relatime shared:2 - vfat /dev/sda1 rw\n' "$tmp/efi" >>mi
printf '40 22 8:17 / %s rw,nosuid,nodev shared:9 - vfat /dev/sdb1 rw,fmask=0022\n' "$esc" >>mi
export TRAMTEM_SYSFS=$tmp/sys

TRAMTEM_MOUNTINFO=$tmp/mi tt export 2>out.txt
grep -q "1 of 1 unacknowledged bundles copied and checked on $tmp/my stick" out.txt
tt verify "my stick/tramtem/st-demo0001/b-00000001.ndjson.gz" 2>/dev/null
[ -z "$(ls efi)" ]                                      # the fixed disk was left alone
# The table says "my stick" is mounted, but the folder is no mount root of that device:
# it is never unmounted (even as root), and the operator is told it is safe to remove.
grep -q 'It is now safe to remove the USB stick.' out.txt
if grep -q 'unmounted\|ejected' out.txt; then cat out.txt; exit 1; fi
TRAMTEM_MOUNTINFO=$tmp/mi tt export --no-eject --progress-fd 3 2>out2.txt 3>chan.txt
grep -q '^release kept$' chan.txt

sed 's/ rw,nosuid,nodev / ro,nosuid,nodev /' mi >mi-ro
rc=0; TRAMTEM_MOUNTINFO=$tmp/mi-ro tt export 2>ro.txt || rc=$?
[ "$rc" = 74 ] && grep -q 'read-only' ro.txt || { echo "check failed at line 42" >&2; exit 1; }

head -2 mi >mi-none
rc=0; TRAMTEM_MOUNTINFO=$tmp/mi-none tt export 2>none.txt || rc=$?
[ "$rc" = 69 ] && grep -q 'No USB stick found' none.txt || { echo "check failed at line 46" >&2; exit 1; }
echo "discovery ok"
