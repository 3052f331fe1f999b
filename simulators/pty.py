"""The far end of a simulated serial device: a real pseudo-terminal pair.

The hub opens the slave side exactly as it opens /dev/ttyUSB0. The simulator keeps a
stable symlink to it (as udev does for a real USB device), so that an unplug followed
by a replug, which makes a new pseudo-terminal, keeps the same path for the hub.
"""

from __future__ import annotations

import asyncio
import os
import time
import tty
from collections.abc import Callable
from pathlib import Path


class LinkError(ValueError):
    """The stable path asked for cannot be the simulator's link; nothing was changed."""


def _own_link(path: Path) -> bool:
    """A link this simulator (or an earlier run of it) made: a symlink to a pseudo-terminal."""
    return path.is_symlink() and os.readlink(path).startswith("/dev/pts/")


def check_link(link: Path) -> None:
    """Refuse a path that is not free or the simulator's own link: it is replaced and, at
    the end, deleted, so a file (or a device node) there would be lost."""
    if not link.parent.is_dir():
        raise LinkError(f"the folder {link.parent} does not exist; make it first or choose another --link")
    for path in (link, link.with_name(link.name + ".new")):
        if (path.exists() or path.is_symlink()) and not _own_link(path):
            raise LinkError(f"{path} exists and is not a simulated port's link; it was left alone: choose another --link")


class PtyPort:
    def __init__(self, link: Path | None = None) -> None:
        self.link = Path(link) if link else None
        if self.link is not None:
            check_link(self.link)
        self.master_fd: int | None = None
        self._slave_fd: int | None = None
        self.tty_path = ""
        self._on_data: Callable[[bytes], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.plug()

    @property
    def path(self) -> str:
        """What the hub should open: the stable link if there is one."""
        return str(self.link) if self.link else self.tty_path

    @property
    def plugged(self) -> bool:
        return self.master_fd is not None

    def plug(self) -> None:
        master, slave = os.openpty()
        # Raw on both sides: no echo, no line editing, bytes pass as they are.
        tty.setraw(master)
        tty.setraw(slave)
        os.set_blocking(master, False)
        self.master_fd, self._slave_fd = master, slave
        self.tty_path = os.ttyname(slave)
        if self.link:
            tmp = self.link.with_name(self.link.name + ".new")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(self.tty_path)
            tmp.replace(self.link)
        if self._loop is not None and self._on_data is not None:
            self._watch()

    def unplug(self) -> None:
        """As a USB cable pulled out: the hub's next read fails, the link disappears."""
        if self.master_fd is None:
            return
        if self._loop is not None:
            self._loop.remove_reader(self.master_fd)
        os.close(self.master_fd)
        os.close(self._slave_fd)
        self.master_fd = self._slave_fd = None
        if self.link and _own_link(self.link) and os.readlink(self.link) == self.tty_path:
            self.link.unlink()  # ours, and still pointing at this port

    def attach(self, loop: asyncio.AbstractEventLoop, on_data: Callable[[bytes], None]) -> None:
        """Deliver bytes the hub writes to `on_data`, on `loop` (survives replugs)."""
        self._loop, self._on_data = loop, on_data
        if self.master_fd is not None:
            self._watch()

    def detach(self) -> None:
        """Stop delivering the hub's bytes (the port stays plugged in)."""
        if self._loop is not None and self.master_fd is not None and not self._loop.is_closed():
            self._loop.remove_reader(self.master_fd)
        self._loop = self._on_data = None

    def _watch(self) -> None:
        fd = self.master_fd

        def readable() -> None:
            try:
                data = os.read(fd, 4096)
            except BlockingIOError:
                return
            except OSError:  # nobody has the slave open right now: nothing to read
                data = b""
            if data:
                self._on_data(data)

        self._loop.add_reader(fd, readable)

    def write(self, data: bytes) -> bool:
        """Write towards the hub; False when unplugged (the bytes are lost, as on a wire)."""
        if self.master_fd is None:
            return False
        view = memoryview(data)
        deadline = time.monotonic() + 1.0
        while view:
            try:
                written = os.write(self.master_fd, view)
            except BlockingIOError:
                # Nobody reads the other end: after a second the rest is lost, as on a
                # wire, rather than holding up the caller's loop for ever.
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.001)
                continue
            view = view[written:]
        return True

    def close(self) -> None:
        self.unplug()
        self._loop = self._on_data = None
