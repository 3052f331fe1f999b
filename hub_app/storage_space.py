"""The space the hub's store needs, watched before it runs out.

Two mechanisms, both on the data folder's own file system:

- A reserve: a file of `reserve_bytes` the hub keeps for itself (`space-reserve`). When
  the disk fills up and the store refuses a write, the reserve is freed at once, so the
  next try of the alarm's write (its reaction is retried, the device repeats its frame)
  has room; it is made again when space is back.
- A low-water mark: free space below `low_bytes` is said (a technical alarm for the
  care service) while there is still room to store and send it.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

RESERVE_NAME = "space-reserve"


class StorageSpace:
    def __init__(self, data_dir: Path, *, low_bytes: int, reserve_bytes: int) -> None:
        self.data_dir = Path(data_dir)
        self.low_bytes = low_bytes
        self.reserve_bytes = reserve_bytes
        self.reserve = self.data_dir / RESERVE_NAME

    def free_bytes(self) -> int:
        """Free space for the hub's user; the reserve counts as free (it is the hub's own)."""
        try:
            free = shutil.disk_usage(self.data_dir).free
        except OSError:
            return 0
        return free + self.reserved()

    def reserved(self) -> int:
        try:
            return self.reserve.stat().st_size
        except OSError:
            return 0

    def low(self) -> bool:
        return self.free_bytes() < self.low_bytes

    def keep_reserve(self) -> bool:
        """Make the reserve if it is missing and there is room for it beside the
        low-water mark (not while space is short: then it would take what alarms need).
        True when the reserve is in place."""
        if self.reserve_bytes <= 0:
            return False
        if self.reserved() >= self.reserve_bytes:
            return True
        try:
            if shutil.disk_usage(self.data_dir).free < self.reserve_bytes + self.low_bytes:
                return False
            fd = os.open(self.reserve, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                os.posix_fallocate(fd, 0, self.reserve_bytes)  # real blocks, not a sparse file
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("The space reserve could not be made (%s)", exc.strerror or exc)
            self.reserve.unlink(missing_ok=True)
            return False
        log.info("Space reserve in place (%d MB)", self.reserve_bytes // 1_000_000)
        return True

    def release_reserve(self) -> bool:
        """Free the reserve for the store; True if there was one."""
        size = self.reserved()
        try:
            self.reserve.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.error("The space reserve could not be freed (%s)", exc.strerror or exc)
            return False
        log.warning("The disk is full: the space reserve (%d MB) is freed for the store", size // 1_000_000)
        return True
