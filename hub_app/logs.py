"""Logging for the hub: stderr, a rotating file in the data directory, and the last
lines in memory for the technician's system page.

Policy (DESIGN.md): readings, names and phone numbers are never logged above debug.
The technician page shows info and above only, so it never shows debug records.
"""

from __future__ import annotations

import collections
import logging
import logging.handlers
from pathlib import Path

from hub_app.private_files import PrivateRotatingFileHandler, private_folder

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RecentLines(logging.Handler):
    """The last `capacity` formatted records at INFO or above."""

    def __init__(self, capacity: int = 200) -> None:
        super().__init__(level=logging.INFO)
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record))
        except Exception:  # logging must never take the hub down
            self.handleError(record)

    def last(self, count: int) -> list[str]:
        return list(self._lines)[-count:]


_OURS = "_welfare_hub_handler"


def setup_logging(level: str, data_dir: Path | None) -> RecentLines:
    """Install the hub's handlers on the root logger (replacing ones from an earlier call)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _OURS, False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(getattr(logging, level.upper()))
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if data_dir is not None:
        private_folder(data_dir)
        private_folder(data_dir / "logs")
        handlers.append(
            PrivateRotatingFileHandler(
                data_dir / "logs" / "hub.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
        )
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
    recent = RecentLines()
    handlers.append(recent)
    for handler in handlers:
        setattr(handler, _OURS, True)
        root.addHandler(handler)
    return recent
