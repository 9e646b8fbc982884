#!/usr/bin/env bash
# Sticks on a real FAT32 filesystem: Debian's user-mode Linux kernel (its
# vfat, fat, nls and dm modules; runs without root) mounts a disk image made
# by mkfs.vfat (reference/sync.md §3.6). Inside it:
#   - a normal export, then tramtem verify on the stick;
#   - a real pull at every 9th step of the write protocol (every step with
#     TT_FULL=1; the unit tests inject faults at every step): the export is stopped
#     at step N (TRAMTEM_FAULT=pull:N) and at that instant the device-mapper
#     table under the filesystem is swapped for an "error" target, so nothing
#     unflushed reaches the image; the image is then mounted again (the
#     stick put back): every bundle on it verifies whole or not at all,
#     fsck.fat finds no damaged entry, and a re-export succeeds;
#   - a read-only stick and a full stick are refused with their reason;
#   - a stick found by itself (a fake sysfs says the dm device is on USB; the
#     mount table is the kernel's) is left mounted with --no-eject, and
#     unmounted (umount2, as root in UML; no udisks there) after a normal
#     export: it is gone from the mount table and its bundles verify when
#     mounted again. `--to` on the same mount never unmounts it.
# Afterwards mtools reads the image on the host and the stock minisign
# verifies the bundle copied out of it.
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
M=/usr/lib/uml/modules
if ! command -v linux.uml >/dev/null || ! command -v mkfs.vfat >/dev/null || ! command -v mcopy >/dev/null ||
    ! command -v insmod >/dev/null || ! command -v dmsetup >/dev/null || [ ! -d $M ]; then
    echo "needs user-mode-linux, dosfstools, mtools, kmod and dmsetup (make deps installs them)"
    exit 1
fi
if ldd "$TT_BIN" | grep -q libasan; then
    # ASan needs its fixed shadow-memory range, which user-mode Linux's address space
    # overlaps; the same write steps run under ASan in the sync unit and fault tests.
    echo "ASan cannot map its shadow memory inside user-mode Linux; this runs in make check"
    exit 77
fi
cd "$tmp"
export TRAMTEM_LOCALEDIR=$BUILD/locale
tt() { "$TT_BIN" --lang en --db "$tmp/station/st.db" "$@"; }
mkdir station out mnt mnt2
tt init --demo >/dev/null
for g in 99528930000012 09528930000026 09528930000033; do tt lot open --gtin "$g" >/dev/null 2>&1; done
tt key init >station.pub 2>/dev/null
tt export --to spooltest 2>/dev/null            # bundle 1 in the spool
tt lot open --gtin 99528930000043 >/dev/null 2>&1  # bundle 2 comes with the first stick export
truncate -s 64M stick.img
mkfs.vfat -F 32 -n TTSTICK stick.img >/dev/null
stride=9; [ -z "${TT_FULL:-}" ] || stride=1      # TT_FULL=1: a pull at every step

cat >uml-init.sh <<INIT
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin DM_DISABLE_UDEV=1 TRAMTEM_LOCALEDIR=$BUILD/locale
exec >$tmp/out/log.txt 2>&1
set -x
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t tmpfs tmpfs /dev; mknod /dev/ubda b 98 0
mknod /dev/null c 1 3; mknod /dev/zero c 1 5; chmod 666 /dev/null /dev/zero
mkdir -p /dev/mapper; mknod /dev/mapper/control c 10 236
K=$M/\$(uname -r)/kernel
for m in fs/nls/nls_cp437 fs/nls/nls_utf8 fs/nls/nls_iso8859-1 fs/fat/fat fs/fat/vfat drivers/md/dm-mod; do
    insmod \$K/\$m.ko
done
# the station's files in a tmpfs (SQLite wants mmap-able -shm files)
mount -t tmpfs tmpfs $tmp/station
cp -a $tmp/station-src/. $tmp/station/
TT() { $TT_BIN --lang en --db $tmp/station/st.db "\$@"; }
SECT=\$(blockdev --getsz /dev/ubda)
plug() { dmsetup create stick --noudevsync --table "0 \$SECT linear /dev/ubda 0" && mount -t vfat -o utf8,shortname=mixed /dev/mapper/stick $tmp/mnt; }
pull() { dmsetup suspend --noflush --noudevsync stick; dmsetup load stick --table "0 \$SECT error"; dmsetup resume --noudevsync stick; umount -l $tmp/mnt; dmsetup remove --noudevsync stick || { sleep 0.2; dmsetup remove --noudevsync stick; }; }

# 1. a normal export on real vfat
plug
TRAMTEM_FAULT=count TT export --to $tmp/mnt 2>$tmp/out/export.txt; echo \$? >$tmp/out/export.rc
mountpoint -q $tmp/mnt; echo \$? >$tmp/out/to.mounted
TT verify $tmp/mnt/tramtem/st-demo0001/b-00000001.ndjson.gz 2>/dev/null; echo \$? >$tmp/out/verify1.rc
TT verify $tmp/mnt/tramtem/st-demo0001/b-00000002.ndjson.gz 2>/dev/null; echo \$? >$tmp/out/verify2.rc
umount $tmp/mnt; dmsetup remove --noudevsync stick
cp /dev/ubda $tmp/out/after-export.img

# 2. a pull at every step
N=\$(sed -n 's/^fault-points: //p' $tmp/out/export.txt)
: >$tmp/out/pull.txt
for n in \$(seq 1 $stride \$N) \$N; do
    plug
    rm -rf $tmp/mnt/tramtem; sync
    TRAMTEM_FAULT=pull:\$n TT export --to $tmp/mnt 2>/dev/null; rc=\$?
    pull
    mount -t vfat -o utf8 /dev/ubda $tmp/mnt2
    good=0
    for f in $tmp/mnt2/tramtem/st-demo0001/b-*.ndjson.gz; do
        [ -e "\$f" ] || continue
        if TT verify "\$f" 2>/dev/null; then
            cmp "\$f" $tmp/station/spool/\$(basename "\$f") || echo "BAD verified-but-different \$n \$f"
            good=\$((good + 1))
        fi
    done
    umount $tmp/mnt2
    fsck.fat -n /dev/ubda >$tmp/out/fsck.txt 2>&1; frc=\$?
    grep -qiE 'bad|invalid|damaged|cross-linked' $tmp/out/fsck.txt && echo "BAD fsck \$n" && cat $tmp/out/fsck.txt
    mount -t vfat -o utf8 /dev/ubda $tmp/mnt2
    TT export --to $tmp/mnt2 2>/dev/null; rrc=\$?
    ok=0
    for b in 1 2; do TT verify $tmp/mnt2/tramtem/st-demo0001/b-0000000\$b.ndjson.gz 2>/dev/null && ok=\$((ok + 1)); done
    umount $tmp/mnt2
    echo "step \$n export=\$rc whole=\$good fsck=\$frc reexport=\$rrc verified=\$ok" >>$tmp/out/pull.txt
done

# 3. a read-only stick, then a full one
mkfs.vfat -F 32 -n TTSTICK /dev/ubda >/dev/null
mount -t vfat -o ro /dev/ubda $tmp/mnt
TT export --to $tmp/mnt 2>$tmp/out/ro.txt; echo \$? >$tmp/out/ro.rc
umount $tmp/mnt
mount -t vfat /dev/ubda $tmp/mnt
dd if=/dev/zero of=$tmp/mnt/filler bs=1M count=70 2>/dev/null; sync
TT export --to $tmp/mnt 2>$tmp/out/full.txt; echo \$? >$tmp/out/full.rc
umount $tmp/mnt

# 4. a stick found by itself is released after a verified export
mkfs.vfat -F 32 -n TTSTICK /dev/ubda >/dev/null
plug
DEV=\$(mountpoint -d $tmp/mnt)
mkdir -p $tmp/fsys/devices/usb1/1-1/block/dm-0 $tmp/fsys/dev/block
echo 1 >$tmp/fsys/devices/usb1/1-1/block/dm-0/removable
ln -s ../../devices/usb1/1-1/block/dm-0 $tmp/fsys/dev/block/\$DEV
TRAMTEM_SYSFS=$tmp/fsys TT export --no-eject 2>$tmp/out/keep.txt; echo \$? >$tmp/out/keep.rc
mountpoint -q $tmp/mnt; echo \$? >$tmp/out/keep.mounted
TRAMTEM_SYSFS=$tmp/fsys TT export --progress-fd 3 2>$tmp/out/eject.txt 3>$tmp/out/eject.chan; echo \$? >$tmp/out/eject.rc
mountpoint -q $tmp/mnt; echo \$? >$tmp/out/eject.mounted
grep -c " $tmp/mnt " /proc/self/mountinfo >$tmp/out/eject.count
mount -t vfat -o utf8 /dev/mapper/stick $tmp/mnt2
ok=0
for b in 1 2; do TT verify $tmp/mnt2/tramtem/st-demo0001/b-0000000\$b.ndjson.gz 2>/dev/null && ok=\$((ok + 1)); done
echo \$ok >$tmp/out/eject.verified
umount $tmp/mnt2; dmsetup remove --noudevsync stick
echo finished >$tmp/out/status
poweroff -f
INIT
chmod +x uml-init.sh
cp -a station station-src
TMPDIR=$tmp timeout 500 linux.uml mem=384M rootfstype=hostfs rootflags=/ rw ubd0="$tmp/stick.img" \
    init="$tmp/uml-init.sh" con=null con0=null,fd:1 >uml.txt 2>&1 || true
if [ ! -f out/status ]; then
    tail -30 uml.txt; tail -40 out/log.txt 2>/dev/null
    echo "the user-mode Linux run did not finish"; exit 1
fi

# 1. the normal export
[ "$(cat out/export.rc)" = 0 ] && [ "$(cat out/verify1.rc)" = 0 ] && [ "$(cat out/verify2.rc)" = 0 ] || { echo "check failed at line 145" >&2; exit 1; }
grep -q '2 of 2 unacknowledged bundles copied and checked' out/export.txt
# the host reads the image with mtools; the stock minisign checks the bundle
mdir -i out/after-export.img ::/tramtem/st-demo0001 >mdir.txt
grep -q 'b-00000001.ndjson.gz.minisig' mdir.txt || grep -qi 'b-00000001' mdir.txt
mcopy -i out/after-export.img ::/tramtem/st-demo0001/b-00000002.ndjson.gz ::/tramtem/st-demo0001/b-00000002.ndjson.gz.minisig .
minisign -Vm b-00000002.ndjson.gz -p station.pub -q
fsck.fat -n out/after-export.img >/dev/null

# 2. the pulls
cat out/pull.txt
[ "$(wc -l <out/pull.txt)" -ge 6 ]
if grep -q BAD out/log.txt; then grep BAD out/log.txt; exit 1; fi
! grep -v 'reexport=0 verified=2' out/pull.txt | grep -q . || { echo "a re-export after a pull failed"; exit 1; }
grep -q 'export=[1-9]' out/pull.txt                          # the pulls did fail the export
# 3. read-only and full sticks are refused with their reason
[ "$(cat out/ro.rc)" = 74 ] && grep -q 'read-only' out/ro.txt || { echo "check failed at line 161" >&2; exit 1; }
[ "$(cat out/full.rc)" = 74 ] && grep -q 'is full' out/full.txt || { echo "check failed at line 162" >&2; exit 1; }
# 4. released only when found by itself, and not with --no-eject
[ "$(cat out/to.mounted)" = 0 ]
[ "$(cat out/keep.rc)" = 0 ]
[ "$(cat out/keep.mounted)" = 0 ]
grep -q 'safe to remove the USB stick' out/keep.txt
[ "$(cat out/eject.rc)" = 0 ] || { cat out/eject.txt; exit 1; }
grep -q 'The USB stick was unmounted' out/eject.txt || { cat out/eject.txt; exit 1; }
[ "$(cat out/eject.mounted)" != 0 ]
[ "$(cat out/eject.count)" = 0 ]
grep -q '^release unmounted$' out/eject.chan
[ "$(cat out/eject.verified)" = 2 ]
echo "real vfat ok: $(wc -l <out/pull.txt) pull points"
