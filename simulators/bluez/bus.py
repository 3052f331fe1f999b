"""A private D-Bus message bus (Debian's `dbus-daemon`) to stand in for the system bus.

bleak's BlueZ backend connects with `MessageBus(bus_type=BusType.SYSTEM)`; dbus-fast
takes the system bus's address from `DBUS_SYSTEM_BUS_ADDRESS`. So a process whose
environment carries `PrivateBus.environment()` (set *before* bleak first connects)
talks to whatever owns `org.bluez` on this bus: the BlueZ stand-in, not bluetoothd.

The bus lets every user connect and every connection own any name and send anything:
it is a test bus on a socket in a private temporary folder, not a security boundary.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

DBUS_DAEMON = "dbus-daemon"
ENV_NAME = "DBUS_SYSTEM_BUS_ADDRESS"

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>{listen}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
"""


class BusError(RuntimeError):
    """The private bus could not be started."""


class PrivateBus:
    """One private `dbus-daemon`: `start()` returns its address, `stop()` ends it.

    Usable as a context manager. The socket lives in a temporary folder of its own
    (or under `directory`), removed again by `stop()`.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, daemon: str = DBUS_DAEMON) -> None:
        self._parent = Path(directory) if directory is not None else None
        self._daemon = daemon
        self._folder: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self.address: str | None = None

    def start(self, timeout: float = 10.0) -> str:
        if self._process is not None:
            raise BusError("the private bus is already running")
        executable = shutil.which(self._daemon)
        if executable is None:
            raise BusError(f"{self._daemon} not found: install the dbus-daemon package (Debian: dbus-daemon)")
        self._folder = Path(tempfile.mkdtemp(prefix="bluez-standin-", dir=self._parent))
        socket_path = self._folder / "bus"
        if len(str(socket_path).encode()) > 100:  # sun_path holds 108 bytes
            raise BusError(f"socket path too long for a unix socket: {socket_path}")
        config = self._folder / "bus.conf"
        config.write_text(_CONFIG.format(listen=escape(f"unix:path={socket_path}")), encoding="utf-8")
        self._process = subprocess.Popen(
            [executable, f"--config-file={config}", "--nofork", "--nopidfile", "--nosyslog", "--print-address=1"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C in a terminal goes to us, and we stop the bus
        )
        try:
            line = self._read_address(timeout)
        except BaseException:
            self.stop()
            raise
        self.address = line
        return line

    def _read_address(self, timeout: float) -> str:
        import selectors

        assert self._process is not None and self._process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        try:
            if not selector.select(timeout):
                raise BusError(f"dbus-daemon did not print its address within {timeout} s")
        finally:
            selector.close()
        line = self._process.stdout.readline().decode().strip()
        if not line:
            error = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
            raise BusError(f"dbus-daemon exited: {error.strip() or 'no address printed'}")
        return line

    def environment(self) -> dict[str, str]:
        """What a process needs in its environment to use this bus as its system bus."""
        if self.address is None:
            raise BusError("the private bus is not running")
        return {ENV_NAME: self.address}

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout)
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self.address = None

    def __enter__(self) -> PrivateBus:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
