"""The hub's files hold special-category health data: its store (with the WAL and
shared-memory files SQLite makes beside it), backups, the setup copy and the logs are
readable by the hub's user only, and their folders are closed to others, whatever the
umask of whoever started the hub (systemd, a technician's shell, a test)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

FILE_MODE, FOLDER_MODE = 0o600, 0o700


def private_folder(path: Path) -> Path:
    """Make `path` (and missing parents) and close it to others."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make `path` empty with the private mode if it is missing, else set its mode (its
    content is never touched). SQLite gives its -wal and -shm files the mode of the
    database file."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    os.chmod(path, FILE_MODE)
    return path


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the rotated ones too, is the hub's user's only."""

    def _open(self):
        private_file(Path(self.baseFilename))
        return super()._open()
