/*
 * test_sync_eject.c — which stick may be released after an export, and
 * which mount is never touched (sync/eject.h), decided from a mount table
 * and a sysfs tree written by the test (the TRAMTEM_MOUNTINFO /
 * TRAMTEM_SYSFS hooks). Nothing here unmounts anything: eject_release() is
 * called only where the plan is to leave the mount alone. The real
 * unmount runs on real vfat in tests/integration/sync-vfat.sh. udisks is
 * not running on test machines, so the udisksctl path is not exercised
 * (only that it is never chosen without udisksctl).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sync/eject.h"
#include "sync-test-util.h"

struct fx {
    char *dir;
    char mi[4200], sys[4200];
    char proc_dev[24]; /* the real /proc mount: a mount root nobody may unmount here */
    char dir_dev[24];  /* the device of the temp folder (a folder, not a mount root) */
};

/* The device of mount point `mnt` in the real mount table, or "". */
static void
real_devnum(const char *mnt, char out[24])
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096], dev[24], point[4096];

    out[0] = '\0';
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %*s %23s %*s %4095s", dev, point) == 2 && strcmp(point, mnt) == 0)
            snprintf(out, 24, "%s", dev);
    if (f != NULL)
        fclose(f);
}

/* sysfs: `dev` is a partition of a USB disk (removable) or of a fixed disk. */
static void
sys_device(struct fx *f, const char *dev, int usb)
{
    char cmd[9000];

    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; d=devices/pci0/%s/block/sd%s; mkdir -p $d/part dev/block; "
             "echo %d > $d/removable; ln -sfn ../../$d/part dev/block/%s",
             f->sys, usb ? "usb1/1-1" : "ata1", dev, usb, dev);
    assert_int_equal(system(cmd), 0);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct stat st;

    assert_non_null(f);
    f->dir = stu_tmpdir();
    assert_non_null(f->dir);
    snprintf(f->mi, sizeof f->mi, "%s/mountinfo", f->dir);
    snprintf(f->sys, sizeof f->sys, "%s/sys", f->dir);
    assert_int_equal(mkdir(f->sys, 0755), 0);
    real_devnum("/proc", f->proc_dev);
    assert_int_equal(stat(f->dir, &st), 0);
    snprintf(f->dir_dev, sizeof f->dir_dev, "%u:%u", major(st.st_dev), minor(st.st_dev));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    stu_rmrf(f->dir);
    free(f);
    return 0;
}

static void
table(struct fx *f, const char *text)
{
    assert_int_equal(stu_spit(f->mi, text, strlen(text)), 0);
}

/* The one stick stick_find() sees in the table (as the export would have found it). */
static void
found(struct fx *f, struct stick *s)
{
    size_t n = 0;

    assert_int_equal(stick_find(f->mi, f->sys, s, 1, &n, NULL), 0);
    assert_int_equal(n, 1);
}

static void
plan(struct fx *f, const struct stick *s, int may, enum eject_how want_how, enum eject_why want_why)
{
    struct eject_env env = {f->mi, f->sys, "", may};
    enum eject_how how;
    enum eject_why why;

    assert_int_equal(eject_plan(s, &env, &how, &why, NULL), 0);
    assert_int_equal(how, want_how);
    assert_int_equal(why, want_why);
}

static void
a_real_mount_root_of_a_stick_is_released_when_allowed(void **state)
{
    struct fx *f = *state;
    char text[4300];
    struct stick s;

    if (f->proc_dev[0] == '\0')
        skip();
    /* The table says /proc is a vfat stick on USB; its device number is the real one. */
    snprintf(text, sizeof text,
             "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
             "50 22 %s / /proc rw,nosuid - vfat /dev/sdz1 rw\n",
             f->proc_dev);
    table(f, text);
    sys_device(f, f->proc_dev, 1);
    found(f, &s);
    plan(f, &s, 1, EJECT_HOW_UMOUNT, EJECT_WHY_NONE);
    /* without udisks and without CAP_SYS_ADMIN: left mounted, "safe to remove" */
    plan(f, &s, 0, EJECT_HOW_NONE, EJECT_WHY_NO_RIGHT);
}

static void
a_folder_that_is_not_a_mount_root_is_never_unmounted(void **state)
{
    struct fx *f = *state;
    char text[9000], folder[4200];
    struct eject_env env = {f->mi, f->sys, "", 1};
    enum eject_outcome out = EJECT_POWERED_OFF;
    struct stick s;
    struct stat st;

    /* `--to DIR` never gets here; this is a table that lies about a folder. */
    snprintf(folder, sizeof folder, "%s/stick", f->dir);
    assert_int_equal(mkdir(folder, 0755), 0);
    snprintf(text, sizeof text, "50 22 %s / %s rw - vfat /dev/sdz1 rw\n", f->dir_dev, folder);
    table(f, text);
    sys_device(f, f->dir_dev, 1);
    found(f, &s);
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_GONE);
    assert_int_equal(eject_release(&s, &env, &out, NULL), 0);
    assert_int_equal(out, EJECT_KEPT);
    assert_int_equal(stat(folder, &st), 0);
}

static void
a_device_number_that_does_not_match_is_left_alone(void **state)
{
    struct fx *f = *state;
    struct stick s;

    table(f, "50 22 8:177 / /proc rw - vfat /dev/sdz1 rw\n");
    sys_device(f, "8:177", 1);
    found(f, &s);
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_GONE);
}

static void
a_stick_mounted_twice_is_left_mounted(void **state)
{
    struct fx *f = *state;
    char text[4300];
    struct stick s;

    if (f->proc_dev[0] == '\0')
        skip();
    snprintf(text, sizeof text,
             "50 22 %s / /proc rw - vfat /dev/sdz1 rw\n"
             "51 22 %s / /mnt/again rw - vfat /dev/sdz1 rw\n",
             f->proc_dev, f->proc_dev);
    table(f, text);
    sys_device(f, f->proc_dev, 1);
    found(f, &s);
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_SHARED);
}

static void
a_stick_no_longer_listed_or_no_longer_removable_is_left_alone(void **state)
{
    struct fx *f = *state;
    char text[4300];
    struct stick s;

    if (f->proc_dev[0] == '\0')
        skip();
    snprintf(text, sizeof text, "50 22 %s / /proc rw - vfat /dev/sdz1 rw\n", f->proc_dev);
    table(f, text);
    sys_device(f, f->proc_dev, 1);
    found(f, &s);
    /* pulled and something else mounted: the table no longer lists it */
    table(f, "22 1 8:2 / / rw - ext4 /dev/sda2 rw\n");
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_GONE);
    /* the same device now looks like a fixed disk */
    table(f, text);
    sys_device(f, f->proc_dev, 0);
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_GONE);
    /* another source at the same place */
    snprintf(text, sizeof text, "50 22 %s / /proc rw - vfat /dev/sdy1 rw\n", f->proc_dev);
    table(f, text);
    sys_device(f, f->proc_dev, 1);
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_GONE);
}

static void
what_is_not_a_stick_is_never_planned(void **state)
{
    struct fx *f = *state;
    struct stick s;

    table(f, "");
    memset(&s, 0, sizeof s);
    snprintf(s.mount, sizeof s.mount, "/");
    snprintf(s.devnum, sizeof s.devnum, "8:2");
    snprintf(s.source, sizeof s.source, "/dev/sda2");
    s.removable = 1;
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_NOT_STICK); /* the root filesystem */
    snprintf(s.mount, sizeof s.mount, "/media/op/STICK");
    s.removable = 0;
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_NOT_STICK); /* a fixed disk */
    s.removable = 1;
    s.read_only = 1;
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_NOT_STICK); /* refused for export anyway */
    s.read_only = 0;
    snprintf(s.mount, sizeof s.mount, "relative/dir");
    plan(f, &s, 1, EJECT_HOW_NONE, EJECT_WHY_NOT_STICK);
}

static void
cap_sys_admin_is_read_from_capeff(void **state)
{
    struct fx *f = *state;
    char path[4200];

    snprintf(path, sizeof path, "%s/status", f->dir);
    assert_int_equal(stu_spit(path, "Name:\ttramtem\nCapEff:\t000001ffffffffff\n", 38), 0);
    assert_int_equal(eject_may_unmount(path), 1);
    assert_int_equal(stu_spit(path, "CapEff:\t0000000000200000\n", 25), 0); /* bit 21 alone */
    assert_int_equal(eject_may_unmount(path), 1);
    assert_int_equal(stu_spit(path, "CapEff:\t00000000001fffff\n", 25), 0); /* all but 21 */
    assert_int_equal(eject_may_unmount(path), 0);
    assert_int_equal(stu_spit(path, "Name:\ttramtem\n", 14), 0);
    assert_int_equal(eject_may_unmount(path), 0);
    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(eject_may_unmount(path), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_real_mount_root_of_a_stick_is_released_when_allowed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_folder_that_is_not_a_mount_root_is_never_unmounted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_device_number_that_does_not_match_is_left_alone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_stick_mounted_twice_is_left_mounted, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_stick_no_longer_listed_or_no_longer_removable_is_left_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(what_is_not_a_stick_is_never_planned, setup, teardown),
        cmocka_unit_test_setup_teardown(cap_sys_admin_is_read_from_capeff, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
