"""What every part of the store stands on: the open database, one transaction per write
(a write the disk refuses becomes a `StoreWriteError`, and the store says when it stops
and starts being able to write), and the event and audit rows that the other tables'
writes carry along in the same transaction."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hub_app.migrations import MIGRATIONS, Migration
from hub_app.store.errors import StoreWriteError, write_problem
from hub_app.store.opening import open_database, user_version
from hub_app.store.rows import AuditEntry, event_from_row, iso_utc
from vocabulary import Event

log = logging.getLogger(__name__)


class StoreBase:
    def __init__(self, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        self.write_problem: str | None = None  # why the last write failed; None while writes work
        self.on_write_problem: Callable[[str | None], None] | None = None
        self.db = open_database(self.path, tuple(migrations))

    # -- writing safely ------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction. A write the disk refuses (full, read-only, I/O error, busy) is
        rolled back and raised as StoreWriteError, and `on_write_problem` hears when the
        store stops or starts being able to write (a problem, then None)."""
        try:
            with self.db.conn:
                yield
        except sqlite3.Error as exc:
            problem = write_problem(exc)
            if problem is None:
                raise
            self._write_state(problem)
            raise StoreWriteError(problem, exc) from exc
        self._write_state(None)

    def _write_state(self, problem: str | None) -> None:
        if problem == self.write_problem:
            return
        self.write_problem = problem
        if self.on_write_problem is not None:
            self.on_write_problem(problem)

    # -- the rows other writes carry along -------------------------------------------

    def _insert_event(self, event: Event, now: str, outbox_priority: int | None) -> Event:
        cursor = self.db.conn.execute(
            "INSERT INTO events (uid, kind, type, source, occurred_at, recorded_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (event.uid, event.kind.value, event.type, event.source, iso_utc(event.occurred_at), now,
             json.dumps(event.data, sort_keys=True)))
        if outbox_priority is not None:
            self.db.conn.execute("INSERT INTO outbox (event_uid, priority, created_at) VALUES (?, ?, ?)",
                                 (event.uid, outbox_priority, now))
        return Event(kind=event.kind, type=event.type, source=event.source, occurred_at=event.occurred_at,
                     data=event.data, uid=event.uid, id=cursor.lastrowid)

    def _insert_audit(self, entry: AuditEntry, at: str) -> None:
        self.db.conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (at, entry.actor, entry.action, entry.subject, json.dumps(entry.detail or {}, sort_keys=True)),
        )

    # -- reading ---------------------------------------------------------------------

    _event_from_row = staticmethod(event_from_row)

    def _with_detail(self, table: str, where: str | None = None, args: Sequence[Any] = (), **options: Any
                     ) -> list[dict[str, Any]]:
        """Rows of a table whose `detail` column holds JSON, with it read."""
        return [dict(row, detail=json.loads(row["detail"])) for row in self.db[table].rows_where(where, args, **options)]

    # -- facts -------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return user_version(self.db)

    @property
    def journal_mode(self) -> str:
        return str(self.db.conn.execute("PRAGMA journal_mode").fetchone()[0])

    def size_bytes(self) -> int:
        """The database with its WAL and shared-memory files, as it takes up disk."""
        total = 0
        for suffix in ("", "-wal", "-shm"):
            part = self.path.with_name(self.path.name + suffix)
            if part.exists():
                total += part.stat().st_size
        return total

    def count(self, table: str) -> int:
        return self.db[table].count

    def close(self) -> None:
        """Fold the WAL back into the main file and close."""
        try:
            self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:  # the data is safe in the WAL either way
            log.warning("WAL checkpoint at close failed: %s", exc)
        self.db.conn.close()
