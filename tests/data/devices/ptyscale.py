#!/usr/bin/env python3
"""Plays a serial scale on a pseudo-terminal, for tests/integration/devices-*.sh.

    ptyscale.py LINK MODE [ARGS]

Creates a pty, points the symlink LINK at its slave (like /dev/serial/by-id/
on a real kiosk), prints "ready" and plays MODE:
  stream HEX GAP_MS COUNT     send the bytes (hex) COUNT times, GAP_MS apart
  sics GRAMS                  answer MT-SICS "SI"/"S" with "S S <kg> kg", "Z"
                              with "Z A"; anything else with "ES"
  unplug HEX GAP_MS COUNT OFF_MS
                              stream, close the pty (the cable is pulled),
                              wait OFF_MS, then a new pty at LINK and stream again
Exits when done (or after 30 s at most).
"""
import os
import select
import sys
import time
import tty


def new_pty(link):
    master, slave = os.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    tmp = link + ".new"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(name, tmp)
    os.rename(tmp, link)
    return master, slave


def stream(master, data, gap, count):
    for _ in range(count):
        try:
            os.write(master, data)
        except OSError:
            return
        time.sleep(gap / 1000.0)


def sics(master, grams, deadline):
    buf = b""
    kg = "%.3f" % (grams / 1000.0)
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if not r:
            continue
        try:
            buf += os.read(master, 256)
        except OSError:
            return
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            cmd = line.strip(b"\r")
            if cmd in (b"SI", b"S"):
                reply = "S S %10s kg\r\n" % kg
            elif cmd == b"Z":
                reply = "Z A\r\n"
            else:
                reply = "ES\r\n"
            os.write(master, reply.encode())


def main():
    link, mode = sys.argv[1], sys.argv[2]
    deadline = time.time() + 30
    master, slave = new_pty(link)
    print("ready", flush=True)
    if mode == "stream":
        stream(master, bytes.fromhex(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "sics":
        sics(master, float(sys.argv[3]), deadline)
    elif mode == "unplug":
        data, gap, count, off = bytes.fromhex(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        stream(master, data, gap, count)
        os.close(master)
        os.close(slave)
        time.sleep(off / 1000.0)
        master, slave = new_pty(link)
        stream(master, data, gap, count)
    time.sleep(0.3)


if __name__ == "__main__":
    main()
