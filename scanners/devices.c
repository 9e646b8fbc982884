/*
 * devices.c — what is plugged in: libusb enumeration matched against the
 * known vendor/product ids, serial ports and input devices found in /dev,
 * each tried for access so the installer sees "no access" and the exact
 * udev rule instead of a silent failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libusb.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devices.h"
#include "devio.h"

struct dev_list {
    struct device_info *v;
    size_t n, cap;
};

static struct device_info *
dev_add(struct dev_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct device_info *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n++];
}

const char *
device_kind_name(enum device_kind kind)
{
    static const char *const names[] = {"scale", "scanner", "serial-adapter", "serial-port",
                                        "keyboard"};
    return (unsigned)kind < 5 ? names[kind] : "unknown";
}

const char *
device_state_name(enum device_state state)
{
    static const char *const names[] = {"ok", "no-access", "busy", "error"};
    return (unsigned)state < 4 ? names[state] : "unknown";
}

static enum device_kind
usb_kind(const char *kind)
{
    if (strcmp(kind, "scale") == 0)
        return DEVICE_SCALE;
    if (strcmp(kind, "scanner") == 0)
        return DEVICE_SCANNER;
    return DEVICE_SERIAL_ADAPTER;
}

static int
usb_devices(struct dev_list *l)
{
    libusb_context *ctx;
    libusb_device **list;
    ssize_t n;

    if (libusb_init(&ctx) != 0)
        return 0; /* no USB at all (containers): nothing to list */
    n = libusb_get_device_list(ctx, &list);
    for (ssize_t i = 0; i < n; i++) {
        struct libusb_device_descriptor d;
        const struct devio_usb_known *k;
        struct device_info *di;
        libusb_device_handle *h;
        int rc;
        if (libusb_get_device_descriptor(list[i], &d) != 0)
            continue;
        k = devio_usb_lookup(d.idVendor, d.idProduct);
        if (k == NULL)
            continue;
        di = dev_add(l);
        if (di == NULL)
            break;
        di->kind = usb_kind(k->kind);
        di->vid = d.idVendor;
        di->pid = d.idProduct;
        snprintf(di->name, sizeof di->name, "%s", k->name);
        snprintf(di->spec, sizeof di->spec, "usb:%04x:%04x", d.idVendor, d.idProduct);
        rc = libusb_open(list[i], &h);
        if (rc == 0) {
            di->state = DEVICE_OK;
            libusb_close(h);
        } else if (rc == LIBUSB_ERROR_ACCESS) {
            di->state = DEVICE_NO_ACCESS;
            devio_udev_rule(di->rule, sizeof di->rule, "usb", d.idVendor, d.idProduct);
        } else {
            di->state = rc == LIBUSB_ERROR_BUSY ? DEVICE_BUSY : DEVICE_ERROR;
        }
    }
    if (n >= 0)
        libusb_free_device_list(list, 1); /* allocated even when empty */
    libusb_exit(ctx);
    return 0;
}

/*
 * idVendor/idProduct of the USB device above a tty or input node: walk up
 * the node's sysfs directory (the kernel resolves the class symlink, and
 * under umockdev the testbed's) until a directory has them.
 */
static void
sysfs_usb_ids(const char *cls, const char *node, uint16_t *vid, uint16_t *pid)
{
    char path[512], up[32] = "";
    unsigned v, p;

    *vid = *pid = 0;
    for (int level = 1; level <= 7; level++) {
        FILE *f;
        strcat(up, "../");
        snprintf(path, sizeof path, "/sys/class/%s/%s/%sidVendor", cls, node, up);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        if (fscanf(f, "%x", &v) == 1) {
            fclose(f);
            snprintf(path, sizeof path, "/sys/class/%s/%s/%sidProduct", cls, node, up);
            f = fopen(path, "r");
            if (f != NULL && fscanf(f, "%x", &p) == 1) {
                *vid = (uint16_t)v;
                *pid = (uint16_t)p;
            }
            if (f != NULL)
                fclose(f);
            return;
        }
        fclose(f);
    }
}

static void
node_state(struct device_info *di, const char *path, const char *subsystem, int flags)
{
    int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

    if (fd >= 0) {
        di->state = DEVICE_OK;
        close(fd);
        return;
    }
    if (errno == EACCES || errno == EPERM) {
        di->state = DEVICE_NO_ACCESS;
        if (di->vid != 0)
            devio_udev_rule(di->rule, sizeof di->rule, subsystem, di->vid, di->pid);
        else
            snprintf(di->rule, sizeof di->rule,
                     "KERNEL==\"%s\", TAG+=\"uaccess\", GROUP=\"tramtem\", MODE=\"0660\"",
                     strrchr(path, '/') + 1);
    } else {
        di->state = errno == EBUSY ? DEVICE_BUSY : DEVICE_ERROR;
    }
}

/*
 * Paths of /dev/DIR entries starting with `prefix`, sorted. opendir() and
 * not glob(): umockdev's redirection of /dev does not reach glibc's glob.
 */
static size_t
dev_entries(const char *dir, const char *prefix, char (*out)[64], size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL && n < max) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            snprintf(out[n++], 64, "%s/%.40s", dir, e->d_name);
    }
    closedir(d);
    qsort(out, n, sizeof out[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

#define DEV_MAX 64

static int
serial_ports(struct dev_list *l)
{
    static const char *const prefixes[] = {"ttyUSB", "ttyACM"};
    char paths[DEV_MAX][64];

    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        size_t n = dev_entries("/dev", prefixes[p], paths, DEV_MAX);
        for (size_t i = 0; i < n; i++) {
            struct device_info *di = dev_add(l);
            const char *node = strrchr(paths[i], '/') + 1;
            const struct devio_usb_known *k;
            if (di == NULL)
                return TT_ENOMEM;
            di->kind = DEVICE_SERIAL_PORT;
            sysfs_usb_ids("tty", node, &di->vid, &di->pid);
            k = di->vid ? devio_usb_lookup(di->vid, di->pid) : NULL;
            snprintf(di->name, sizeof di->name, "%s", k != NULL ? k->name : "serial port");
            snprintf(di->spec, sizeof di->spec, "serial:%s", paths[i]);
            node_state(di, paths[i], "tty", O_RDWR);
        }
    }
    return 0;
}

/* hidraw nodes of known scales: the same scale, reachable without a detach. */
static int
hidraw_devices(struct dev_list *l)
{
    char paths[DEV_MAX][64];
    size_t n = dev_entries("/dev", "hidraw", paths, DEV_MAX);

    for (size_t i = 0; i < n; i++) {
        uint16_t vid, pid;
        const struct devio_usb_known *k;
        struct device_info *di;
        sysfs_usb_ids("hidraw", strrchr(paths[i], '/') + 1, &vid, &pid);
        k = devio_usb_lookup(vid, pid);
        if (k == NULL || strcmp(k->kind, "scale") != 0)
            continue;
        di = dev_add(l);
        if (di == NULL)
            return TT_ENOMEM;
        di->kind = DEVICE_SCALE;
        di->vid = vid;
        di->pid = pid;
        snprintf(di->name, sizeof di->name, "%s", k->name);
        snprintf(di->spec, sizeof di->spec, "hidraw:%s", paths[i]);
        node_state(di, paths[i], "hidraw", O_RDONLY);
    }
    return 0;
}

static int
input_devices(struct dev_list *l)
{
    char paths[DEV_MAX][64];
    size_t n = dev_entries("/dev/input", "event", paths, DEV_MAX);

    for (size_t i = 0; i < n; i++) {
        unsigned long evbits = 0;
        char name[256] = "";
        int fd = open(paths[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        struct device_info *di;
        if (fd >= 0) {
            /* Only devices with keys: a wedge scanner is a keyboard. */
            if (ioctl(fd, EVIOCGBIT(0, sizeof evbits), &evbits) >= 0 &&
                !(evbits & (1UL << EV_KEY))) {
                close(fd);
                continue;
            }
            /* 256: the size umockdev recordings answer to (devices.md §4.3). */
            if (ioctl(fd, EVIOCGNAME(sizeof name), name) < 0)
                name[0] = '\0';
            close(fd);
        }
        di = dev_add(l);
        if (di == NULL)
            return TT_ENOMEM;
        di->kind = DEVICE_KEYBOARD;
        sysfs_usb_ids("input", strrchr(paths[i], '/') + 1, &di->vid, &di->pid);
        snprintf(di->name, sizeof di->name, "%.120s", name[0] ? name : "input device");
        snprintf(di->spec, sizeof di->spec, "evdev:%s", paths[i]);
        if (di->vid != 0) {
            const struct devio_usb_known *k = devio_usb_lookup(di->vid, di->pid);
            if (k != NULL && strcmp(k->kind, "scanner") == 0)
                di->kind = DEVICE_SCANNER;
        }
        /* Cheap scanners use generic chip ids but say what they are (as Odoo's
         * IoT box decides); anything else stays a keyboard, never grabbed. */
        if (strcasestr(name, "barcode") != NULL || strcasestr(name, "scanner") != NULL)
            di->kind = DEVICE_SCANNER;
        node_state(di, paths[i], "input", O_RDONLY);
    }
    return 0;
}

int
devices_list(struct device_info **out, size_t *n_out, struct tt_err *err)
{
    struct dev_list l = {NULL, 0, 0};
    int rc = usb_devices(&l);

    if (rc == 0)
        rc = hidraw_devices(&l);
    if (rc == 0)
        rc = serial_ports(&l);
    if (rc == 0)
        rc = input_devices(&l);
    if (rc != 0) {
        free(l.v);
        *out = NULL;
        *n_out = 0;
        return tt_err_set(err, rc, "devices_list", "out of memory listing devices");
    }
    *out = l.v;
    *n_out = l.n;
    return 0;
}

static int
devices_find(bool scale, char *spec, size_t len, struct tt_err *err)
{
    struct device_info *v;
    size_t n;
    int found = -1;

    devices_list(&v, &n, err);
    for (size_t pass = 0; pass < 2 && found < 0; pass++) {
        for (size_t i = 0; i < n && found < 0; i++) {
            enum device_kind want =
                scale ? (pass == 0 ? DEVICE_SCALE : DEVICE_SERIAL_PORT) : DEVICE_SCANNER;
            if (v[i].kind == want)
                found = (int)i;
        }
    }
    if (found >= 0)
        snprintf(spec, len, "%s", v[found].spec);
    free(v);
    if (found < 0)
        return tt_err_set(err, TT_ENOTFOUND, "devices_find",
                          "no %s found: plug it in, or give --device SPEC",
                          scale ? "scale" : "scanner");
    return 0;
}

int
devices_find_scale(char *spec, size_t len, struct tt_err *err)
{
    return devices_find(true, spec, len, err);
}

int
devices_find_scanner(char *spec, size_t len, struct tt_err *err)
{
    return devices_find(false, spec, len, err);
}
