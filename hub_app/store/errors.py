"""What goes wrong with the store: `StoreError` (it cannot be used at all) and
`StoreWriteError` (it cannot write now), and which SQLite errors are write failures."""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """The store cannot be used; the message says why and what to do. `kind`: "damaged"
    (not a readable hub store), "newer" (written by a newer hub), "migration", or "open"."""

    def __init__(self, message: str, kind: str = "open") -> None:
        super().__init__(message)
        self.kind = kind


class StoreWriteError(StoreError):
    """The store cannot write now; `problem` says why: "full" (no space left), "read_only"
    (the file system or the file), "io_error" (the disk), or "busy" (another writer held
    it too long). Nothing of the failed write was kept; what was written before is."""

    def __init__(self, problem: str, cause: Exception) -> None:
        super().__init__(f"The hub's store cannot write ({problem}): {cause}", kind=problem)
        self.problem = problem


# SQLite's primary result codes (the low byte of an extended code) for a write that failed
# for reasons outside the hub's own logic.
_WRITE_PROBLEMS = {13: "full", 8: "read_only", 10: "io_error", 5: "busy", 6: "busy"}


def write_problem(exc: sqlite3.Error) -> str | None:
    """What kind of write failure `exc` is; None when it is not one (a constraint, a bug)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return _WRITE_PROBLEMS.get(code & 0xFF)
    text = str(exc).lower()  # an error raised before SQLite answered carries no code
    for words, problem in (("disk is full", "full"), ("readonly", "read_only"), ("disk i/o", "io_error"),
                           ("locked", "busy")):
        if words in text:
            return problem
    return None
