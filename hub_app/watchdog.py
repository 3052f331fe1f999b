"""systemd's notify protocol (sd_notify): READY=1 once the core runs, WATCHDOG=1 from
the core loop itself, STOPPING=1 on the way down.

The pings are sent by a task on the core's asyncio loop, so if the loop stalls the
pings stop and systemd restarts the hub (WatchdogSec in packaging/systemd/).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class SystemdNotifier:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        address = env.get("NOTIFY_SOCKET", "")
        # An address starting with '@' is in the abstract namespace.
        self._address = "\0" + address[1:] if address.startswith("@") else address
        self.interval: float | None = None
        usec, pid = env.get("WATCHDOG_USEC"), env.get("WATCHDOG_PID")
        if usec and (not pid or pid == str(os.getpid())):
            try:
                # Ping at half the timeout, as sd_watchdog_enabled(3) advises.
                interval = int(usec) / 2_000_000
            except ValueError:
                interval = 0.0
            # 0 or less is invalid (sd_watchdog_enabled refuses it too) and would spin the loop.
            if interval > 0:
                self.interval = interval
            else:
                log.warning("Ignoring WATCHDOG_USEC=%r: not a positive number", usec)

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def notify(self, message: str) -> None:
        if not self._address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                # Never let a busy receiver block the core loop: drop the message instead.
                sock.setblocking(False)
                sock.connect(self._address)
                sock.sendall(message.encode())
        except OSError as exc:
            log.warning("Could not notify systemd (%s): %s", message.split("=")[0], exc)

    async def ping_forever(self) -> None:
        if self.interval is None:
            return
        while True:
            self.notify("WATCHDOG=1")
            await asyncio.sleep(self.interval)
