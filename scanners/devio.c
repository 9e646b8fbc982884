/*
 * devio.c — small I/O helpers shared by the backends: SPEC strings, the
 * monotonic clock, and serial ports in raw mode with poll()-driven reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "devio.h"

int64_t
devio_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
devio_sleep_ms(int ms)
{
    int64_t end = devio_now_ms() + ms;
    int64_t left;

    while ((left = end - devio_now_ms()) > 0)
        poll(NULL, 0, (int)left);
}

int
devio_spec_path(const char *spec, char *buf, size_t len)
{
    const char *p = strchr(spec, ':');
    size_t n;

    p = p != NULL ? p + 1 : spec;
    n = strcspn(p, "?");
    if (n >= len)
        return TT_EINVAL;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return 0;
}

int
devio_spec_param(const char *spec, const char *key, char *buf, size_t len)
{
    const char *q = strchr(spec, '?');
    size_t klen = strlen(key);

    while (q != NULL) {
        q++;
        if (strncmp(q, key, klen) == 0 && q[klen] == '=') {
            const char *v = q + klen + 1;
            size_t n = strcspn(v, "&");
            if (n >= len)
                return TT_EINVAL;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return 1;
        }
        q = strchr(q, '&');
    }
    return 0;
}

int
devio_spec_int(const char *spec, const char *key, long def, long *out, struct tt_err *err)
{
    char v[32], *end;
    int rc = devio_spec_param(spec, key, v, sizeof v);

    *out = def;
    if (rc == 0)
        return 0;
    if (rc < 0 || v[0] == '\0')
        return tt_err_set(err, TT_EINVAL, "devio_spec_int", "device option %s= has no value", key);
    errno = 0;
    *out = strtol(v, &end, 10);
    if (*end != '\0' || errno != 0)
        return tt_err_set(err, TT_EINVAL, "devio_spec_int",
                          "device option %s=%s is not a whole number", key, v);
    return 0;
}

static speed_t
baud_const(long baud)
{
    switch (baud) {
    case 600:
        return B600;
    case 1200:
        return B1200;
    case 2400:
        return B2400;
    case 4800:
        return B4800;
    case 9600:
        return B9600;
    case 19200:
        return B19200;
    case 38400:
        return B38400;
    case 57600:
        return B57600;
    case 115200:
        return B115200;
    default:
        return 0;
    }
}

/*
 * glibc's tcsetattr() says EINVAL when the only change asked for was not
 * made. A pseudo-terminal ignores data bits and parity (devices.md §4.2),
 * and 7-bit protocols mask bit 7 in the decoder anyway: accept the port
 * when the speed is right.
 */
static bool
settings_close_enough(int fd, int e, speed_t sp)
{
    struct termios now;

    return e == EINVAL && tcgetattr(fd, &now) == 0 && cfgetispeed(&now) == sp;
}

int
devio_serial_open(const char *path, const struct devio_serial_cfg *cfg, int *fd_out,
                  struct tt_err *err)
{
    struct termios tio;
    speed_t sp = baud_const(cfg->baud);
    int fd;

    *fd_out = -1;
    if (sp == 0)
        return tt_err_set(err, TT_EINVAL, "devio_serial_open",
                          "baud rate %ld is not one of 600..115200", cfg->baud);
    fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == EACCES || e == EPERM)
            return tt_err_set(err, TT_EACCESS, "devio_serial_open",
                              "permission denied on %s: install data/udev/70-tramtem.rules "
                              "or add the kiosk user to group dialout",
                              path);
        return tt_err_set(err, TT_EDEVICE, "devio_serial_open", "cannot open %s: %s", path,
                          strerror(e));
    }
    if (tcgetattr(fd, &tio) != 0) {
        close(fd);
        return tt_err_set(err, TT_EDEVICE, "devio_serial_open", "%s is not a serial port", path);
    }
    cfmakeraw(&tio);
    cfsetispeed(&tio, sp);
    cfsetospeed(&tio, sp);
    tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    tio.c_cflag |= (cfg->bits == 7 ? CS7 : CS8) | CLOCAL | CREAD;
    if (cfg->parity == 'e' || cfg->parity == 'o')
        tio.c_cflag |= PARENB | (cfg->parity == 'o' ? PARODD : 0);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &tio) != 0 && !settings_close_enough(fd, errno, sp)) {
        close(fd);
        return tt_err_set(err, TT_EDEVICE, "devio_serial_open", "cannot set up %s: %s", path,
                          strerror(errno));
    }
    tcflush(fd, TCIFLUSH);
    *fd_out = fd;
    return 0;
}

int
devio_read_timeout(int fd, uint8_t *buf, size_t len, int timeout_ms, struct tt_err *err)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int64_t end = devio_now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    ssize_t n;
    int rc;

    for (;;) {
        int64_t left = end - devio_now_ms();
        rc = poll(&p, 1, left > 0 ? (int)left : 0);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return tt_err_set(err, TT_EIO, "devio_read_timeout", "poll: %s", strerror(errno));
        if (rc == 0)
            return 0;
        if (p.revents & POLLNVAL)
            return tt_err_set(err, TT_EDEVICE, "devio_read_timeout", "device closed");
        n = read(fd, buf, len);
        if (n > 0)
            return (int)n;
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (devio_now_ms() >= end)
                return 0;
            continue;
        }
        /* EOF, EIO (pty master gone, USB serial unplugged), ENXIO, ENODEV. */
        return tt_err_set(err, TT_EDEVICE, "devio_read_timeout",
                          "the device went away (%s): check the cable",
                          n == 0 ? "hang-up" : strerror(errno));
    }
}

int
devio_write_all(int fd, const void *buf, size_t len, struct tt_err *err)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            if (poll(&pf, 1, 1000) <= 0)
                return tt_err_set(err, TT_EDEVICE, "devio_write_all",
                                  "the device does not take data");
            continue;
        }
        if (n <= 0)
            return tt_err_set(err, TT_EDEVICE, "devio_write_all", "write to the device failed: %s",
                              strerror(errno));
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
