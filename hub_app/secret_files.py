"""Secrets (the technician PIN hash now; tokens and client keys later) live in their
own files, readable only by the hub's user. The hub refuses a wider file rather than
use a secret that others could have read or swapped."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class SecretFileError(Exception):
    pass


def read_secret(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SecretFileError(f"Cannot read the secret file {path}: {exc}") from exc
    if os.name == "posix":
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretFileError(
                f"The secret file {path} has mode {stat.S_IMODE(info.st_mode):04o}: others "
                f"than its owner can read or change it, so the hub will not use it. Run "
                f"'chmod 600 {path}' and check its content is still yours."
            )
        if info.st_uid != os.geteuid():
            raise SecretFileError(
                f"The secret file {path} belongs to user id {info.st_uid}, not to the hub's "
                f"user ({os.geteuid()}); the hub will not use it. Run 'chown' on it."
            )
    return path.read_text(encoding="utf-8").strip()


def write_secret(path: Path, content: str) -> None:
    """Write atomically with mode 0600 from the first byte (no window where it is wider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
