#!/usr/bin/env bash
# A stick formatted exFAT (mkfs.exfat on a loop device, mounted with
# exfat-fuse as fuseblk, as reference/sync.md §3.6 measured): export, verify
# on the stick, faults at some steps then re-export, unmount, fsck.exfat,
# mount again ("put back") and the stock minisign still verifies.
set -eu
tmp=$(mktemp -d)
loop=
cleanup() {
    mountpoint -q "$tmp/mnt" 2>/dev/null && umount "$tmp/mnt"
    [ -z "$loop" ] || losetup -d "$loop"
    rm -rf "$tmp"
}
trap cleanup EXIT
for c in mkfs.exfat mount.exfat-fuse fsck.exfat losetup; do
    command -v $c >/dev/null || { echo "needs exfatprogs and exfat-fuse (make deps installs them)"; exit 1; }
done
cd "$tmp"
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/st.db" "$@"; }
tt init --demo >/dev/null
for g in 99528930000012 09528930000026; do tt lot open --gtin "$g" >/dev/null 2>&1; done
tt key init >station.pub 2>/dev/null
truncate -s 64M stick.img
mkfs.exfat -L TTSTICK stick.img >/dev/null
if ! loop=$(losetup -f --show stick.img 2>/dev/null); then
    loop=; echo "no loop device can be set up on this machine"; exit 77
fi
mkdir mnt
mount.exfat-fuse "$loop" mnt
grep -q " $tmp/mnt .* fuseblk " /proc/self/mountinfo

tt export --to mnt 2>out.txt
grep -q '1 of 1 unacknowledged bundles copied and checked' out.txt
b=mnt/tramtem/st-demo0001/b-00000001.ndjson.gz
tt verify "$b" 2>/dev/null
tt lot open --gtin 09528930000033 >/dev/null 2>&1
for n in 3 9 15 21; do                     # faults on exFAT, then the re-export
    rm -rf mnt/tramtem
    rc=0; TRAMTEM_FAULT=pull:$n tt export --to mnt 2>/dev/null || rc=$?
    [ "$rc" != 0 ]
    for f in mnt/tramtem/st-demo0001/b-*.ndjson.gz; do
        if tt verify "$f" 2>/dev/null; then cmp "$f" "spool/$(basename "$f")"; fi
    done
    tt export --to mnt 2>/dev/null
done
tt verify mnt/tramtem/st-demo0001/b-00000002.ndjson.gz 2>/dev/null
umount mnt
fsck.exfat -n "$loop" >fsck.txt 2>&1 || { cat fsck.txt; exit 1; }
mount.exfat-fuse "$loop" mnt
minisign -Vm "$b" -p station.pub -q
minisign -Vm mnt/tramtem/st-demo0001/b-00000002.ndjson.gz -p station.pub -q
echo "exfat ok"
