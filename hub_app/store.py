"""The hub's one SQLite file, through sqlite-utils.

WAL journal, `synchronous=FULL` (a commit is on disk before it returns), schema
version in `PRAGMA user_version`, forward migrations at open. Only the core's thread
writes to it. A file we cannot read, or one written by a newer hub, is refused with
a clear error and left exactly as it was.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from hub_app.migrations import MIGRATIONS, Migration
from hub_app.private_files import private_file, private_folder
from vocabulary import Event, EventKind

log = logging.getLogger(__name__)


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


SETUP_TABLES = ("serial_devices", "ble_devices", "care_plans")  # what a technician or a nurse set up


@dataclass(frozen=True)
class AuditEntry:
    actor: str  # "resident", "technician", "nurse", "system"
    action: str  # dotted verb, e.g. "alarm.raised", "technician.pin_wrong"
    subject: str = ""
    detail: dict[str, Any] | None = None


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def setup_copy_path(store_path: Path) -> Path:
    """Where the copy of a store's setup lives: beside it (store.keep_setup_copy)."""
    return store_path.with_name(store_path.name + ".setup.json")


def read_setup_copy(store_path: Path) -> dict[str, list[dict[str, Any]]] | None:
    """The setup copy kept beside a store; None when there is none (a new hub) or it
    cannot be read."""
    path = setup_copy_path(store_path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("The copy of the hub's setup %s cannot be read: %s", path, exc)
        return None
    setup = document.get("setup") if isinstance(document, dict) else None
    if not isinstance(setup, dict) or not all(isinstance(rows, list) for rows in setup.values()):
        log.warning("The copy of the hub's setup %s is not one this hub can read", path)
        return None
    return {table: [row for row in setup.get(table, []) if isinstance(row, dict)] for table in SETUP_TABLES}


def stored_plan_document(path: Path) -> str | None:
    """The plan in force in a hub's store, read without writing anything (a running hub
    may be using the file); None when there is no store or no plan yet."""
    if not Path(path).exists():
        return None
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT document FROM care_plans ORDER BY version DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # an older store without plans, or not a hub store: no plan
        return None
    return row[0] if row else None


class Store:
    def __init__(self, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        self.write_problem: str | None = None  # why the last write failed; None while writes work
        self.on_write_problem: Callable[[str | None], None] | None = None
        self._migrations = tuple(migrations)
        latest = self._migrations[-1].version if self._migrations else 0
        private_folder(self.path.parent)
        existed = self.path.exists() and self.path.stat().st_size > 0
        try:
            # Health data: the file (and the WAL SQLite makes with its mode) readable by
            # the hub's user only. An existing file is only closed to others, never written.
            private_file(self.path)
        except OSError as exc:
            raise StoreError(f"Cannot open the hub database {self.path}: {exc.strerror or exc}.") from exc
        try:
            # An existing file is only looked at (read-only) until we know it is ours: a
            # read-write connection would fold a WAL left by another hub into it on close.
            if existed:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                conn = sqlite3.connect(self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open the hub database {self.path}: {exc}.") from exc
        self.db = sqlite_utils.Database(conn)
        try:
            self._check_readable(existed)
            version = self._user_version()
            if version > latest:
                raise StoreError(
                    f"The hub database {self.path} has schema version {version}, but this "
                    f"hub only knows versions up to {latest}. It was written by a newer "
                    "hub; install that version again (the file was left untouched).", kind="newer"
                )
            if existed:  # ours and readable: now open it for writing
                conn.close()
                conn = sqlite3.connect(self.path)
                self.db = sqlite_utils.Database(conn)
            # WAL and FULL sync only after we know the file is ours and readable:
            # switching the journal mode writes to the file.
            self.db.conn.execute("PRAGMA journal_mode=WAL")
            self.db.conn.execute("PRAGMA synchronous=FULL")
            self.db.conn.execute("PRAGMA foreign_keys=ON")
            if version < latest:
                self._migrate(version)
        except BaseException:
            conn.close()
            raise

    # -- opening -----------------------------------------------------------------

    def _check_readable(self, existed: bool) -> None:
        if not existed:
            return
        try:
            result = [row[0] for row in self.db.conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The hub database {self.path} cannot be read ({exc}). It was left "
                "untouched. Restore it from a backup, or move it aside to start with an "
                "empty store.", kind="damaged"
            ) from exc
        if result != ["ok"]:
            raise StoreError(
                f"The hub database {self.path} is damaged ({'; '.join(result[:3])}). It "
                "was left untouched. Restore it from a backup, or move it aside to start "
                "with an empty store.", kind="damaged"
            )

    def _user_version(self) -> int:
        return int(self.db.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, current: int) -> None:
        if current > 0:
            backup = private_file(self.path.with_name(f"{self.path.name}.v{current}.bak"))
            with sqlite3.connect(backup) as target:
                self.db.conn.backup(target)
            target.close()
            log.info("Backed up the store before migration to %s", backup)
        for migration in self._migrations:
            if migration.version <= current:
                continue
            conn = self.db.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                conn.commit()
            except sqlite3.Error as exc:
                conn.rollback()
                raise StoreError(
                    f"Migration of {self.path} to schema version {migration.version} "
                    f"({migration.description}) failed: {exc}. Nothing was changed; the "
                    f"store stays at version {current}.", kind="migration"
                ) from exc
            current = migration.version
            log.info("Store migrated to schema version %d (%s)", current, migration.description)

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

    # -- facts -------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self._user_version()

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

    # -- writing -----------------------------------------------------------------

    def record_event(self, event: Event, audit: AuditEntry | None = None, outbox_priority: int | None = None,
                     react: bool = False) -> Event:
        """Store an event (its audit row, its outbox row when it must reach the care
        service, and with `react` a pending reaction) in one transaction; return it with its id.

        When this returns, the row is on disk (synchronous=FULL).
        """
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            stored = self._insert_event(event, now, outbox_priority)
            if react:
                self.db.conn.execute("INSERT OR IGNORE INTO reactions (event_uid, created_at) VALUES (?, ?)",
                                     (event.uid, now))
            if audit is not None:
                self._insert_audit(audit, now)
        return stored

    def record_event_once(self, event: Event, outbox_priority: int | None = None,
                          react: bool = False) -> tuple[Event, bool]:
        """Store an event unless one with its uid is stored already: (stored event, new?).

        Devices repeat events until acknowledged; their uids make a repeat recognisable.
        """
        existing = self.event_by_uid(event.uid)
        if existing is not None:
            return existing, False
        return self.record_event(event, outbox_priority=outbox_priority, react=react), True

    # -- reactions still to do -------------------------------------------------------

    def pending_reactions(self) -> list[tuple[Event, int]]:
        """Stored events the hub has not yet reacted to, oldest first, each with the
        attempts made so far."""
        cursor = self.db.conn.execute("SELECT r.attempts, e.* FROM reactions r JOIN events e ON e.uid = r.event_uid "
                                      "ORDER BY e.id")
        names = [d[0] for d in cursor.description]
        return [(self._event_from_row(dict(zip(names, row))), row[0]) for row in cursor.fetchall()]

    def reaction_done(self, event_uid: str) -> None:
        with self._writing():
            self.db.conn.execute("DELETE FROM reactions WHERE event_uid = ?", (event_uid,))

    def reaction_failed(self, event_uid: str, reason: str) -> None:
        with self._writing():
            self.db.conn.execute("UPDATE reactions SET attempts = attempts + 1, last_error = ? WHERE event_uid = ?",
                                 (reason, event_uid))

    def audit(self, entry: AuditEntry, at: datetime | None = None) -> None:
        with self._writing():
            self._insert_audit(entry, _iso(at or datetime.now(timezone.utc)))

    def _insert_audit(self, entry: AuditEntry, at: str) -> None:
        self.db.conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (at, entry.actor, entry.action, entry.subject, json.dumps(entry.detail or {}, sort_keys=True)),
        )

    # -- the setup, kept beside the store as well -------------------------------------

    @property
    def setup_copy_path(self) -> Path:
        return setup_copy_path(self.path)

    def setup(self) -> dict[str, list[dict[str, Any]]]:
        """What a technician or a nurse set up: the wired devices' ports, the Bluetooth
        pairings (the allow-list) and the care plan in force."""
        found = {table: list(self.db[table].rows) for table in SETUP_TABLES if table != "care_plans"}
        plan = self.plan_in_force()
        found["care_plans"] = [plan] if plan else []
        return found

    def keep_setup_copy(self) -> None:
        """Write the setup to a file beside the store (written whole, then renamed into
        place), so that a hub whose store is damaged or lost starts on a fresh one with
        the same devices and plan. A copy that cannot be written is said and never fatal:
        the store itself has it."""
        path = self.setup_copy_path
        part = path.with_name(path.name + ".part")
        try:
            # The plan names the resident's contacts and medicines: readable by the hub's user only.
            with open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
                json.dump({"format": 1, "setup": self.setup()}, out, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, path)
        except OSError as exc:
            log.warning("The copy of the hub's setup could not be written (%s)", exc.strerror or exc)
            part.unlink(missing_ok=True)

    def restore_setup(self, setup: dict[str, list[dict[str, Any]]], audit: AuditEntry) -> int:
        """Put a setup copy into this (fresh) store, in one transaction; returns the rows put."""
        count = 0
        with self._writing():
            for table in SETUP_TABLES:
                columns = set(self.db[table].columns_dict)
                for row in setup.get(table, []):
                    if not row or set(row) - columns:  # a copy from another version: what fits is kept
                        row = {name: value for name, value in row.items() if name in columns}
                    if not row:
                        continue
                    names = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    self.db.conn.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",
                                         tuple(row.values()))
                    count += 1
            self._insert_audit(audit, _iso(datetime.now(timezone.utc)))
        self.keep_setup_copy()
        return count

    # -- reading -----------------------------------------------------------------

    def events(self, kind: EventKind | None = None, limit: int = 100, where: str | None = None,
               args: Sequence[Any] = ()) -> list[Event]:
        """Newest stored first; `where` (SQL over the events table, with `args`) narrows them further."""
        clauses = [c for c in ("kind = ?" if kind else None, f"({where})" if where else None) if c]
        values = [*([kind.value] if kind else []), *args]
        rows = self.db["events"].rows_where(" AND ".join(clauses) or None, values, order_by="id desc", limit=limit)
        return [self._event_from_row(row) for row in rows]

    def event_by_uid(self, uid: str) -> Event | None:
        rows = list(self.db["events"].rows_where("uid = ?", [uid]))
        return self._event_from_row(rows[0]) if rows else None

    @staticmethod
    def _event_from_row(row: dict[str, Any]) -> Event:
        return Event(
            kind=EventKind(row["kind"]),
            type=row["type"],
            source=row["source"],
            occurred_at=datetime.fromisoformat(row["occurred_at"]),
            data=json.loads(row["data"]),
            uid=row["uid"],
            id=row["id"],
        )

    def audit_rows(
        self, actions: Sequence[str] | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Newest first. `actions` limits the rows to those exact action names."""
        where, args = None, []
        if actions:
            where = f"action IN ({', '.join('?' for _ in actions)})"
            args = list(actions)
        return self._with_detail("audit_log", where, args, order_by="id desc", limit=limit)

    # -- serial devices ----------------------------------------------------------

    def assign_device(self, port: str, kind: str, model: str, serial_number: str, firmware: str, audit: AuditEntry) -> None:
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            self.db.conn.execute(
                "INSERT OR REPLACE INTO serial_devices (port, kind, model, serial_number, firmware, assigned_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (port, kind, model, serial_number, firmware, now),
            )
            self._insert_audit(audit, now)
        self.keep_setup_copy()

    def unassign_device(self, port: str, audit: AuditEntry) -> bool:
        with self._writing():
            removed = self.db.conn.execute("DELETE FROM serial_devices WHERE port = ?", (port,)).rowcount
            self._insert_audit(audit, _iso(datetime.now(timezone.utc)))
        self.keep_setup_copy()
        return bool(removed)

    def assigned_devices(self) -> list[dict[str, Any]]:
        return list(self.db["serial_devices"].rows_where(order_by="assigned_at"))

    # -- Bluetooth devices ------------------------------------------------------------

    def pair_ble(self, address: str, profile: str, name: str, audit: AuditEntry) -> None:
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            self.db.conn.execute(
                "INSERT OR REPLACE INTO ble_devices (address, profile, name, paired_at) VALUES (?, ?, ?, ?)",
                (address, profile, name, now),
            )
            self._insert_audit(audit, now)
        self.keep_setup_copy()

    def forget_ble(self, address: str, audit: AuditEntry) -> bool:
        with self._writing():
            removed = self.db.conn.execute("DELETE FROM ble_devices WHERE address = ?", (address,)).rowcount
            self._insert_audit(audit, _iso(datetime.now(timezone.utc)))
        self.keep_setup_copy()
        return bool(removed)

    def paired_ble(self) -> list[dict[str, Any]]:
        return list(self.db["ble_devices"].rows_where(order_by="paired_at"))

    def last_sequence_number(self, source: str) -> int | None:
        """The highest record sequence number stored from `source` (RACP asks from there)."""
        row = self.db.conn.execute(
            "SELECT max(CAST(json_extract(data, '$.sequence_number') AS INTEGER)) FROM events "
            "WHERE source = ? AND kind = 'reading'",
            (source,),
        ).fetchone()
        return row[0]

    def last_event_from(self, source: str) -> Event | None:
        rows = list(self.db["events"].rows_where("source = ?", [source], order_by="id desc", limit=1))
        return self._event_from_row(rows[0]) if rows else None

    def readings_since(self, reading_type: str, since: datetime) -> list[Event]:
        """Readings of one type taken at or after `since`, oldest first (for charts)."""
        rows = self.db["events"].rows_where("kind = 'reading' AND type = ? AND occurred_at >= ?",
                                            [reading_type, _iso(since)], order_by="occurred_at")
        return [self._event_from_row(row) for row in rows]

    # -- care plans --------------------------------------------------------------------

    def save_plan(self, version: int, document: str, source: str, audit: AuditEntry, at: datetime) -> None:
        """`at`: when it came into force, by the hub's clock (reminders count from then)."""
        now = _iso(at)
        with self._writing():
            self.db.conn.execute("INSERT OR REPLACE INTO care_plans (version, applied_at, source, document) "
                                 "VALUES (?, ?, ?, ?)", (version, now, source, document))
            self._insert_audit(audit, now)
        self.keep_setup_copy()

    def plan_in_force(self) -> dict[str, Any] | None:
        rows = list(self.db["care_plans"].rows_where(order_by="version desc", limit=1))
        return rows[0] if rows else None

    def _with_detail(self, table: str, where: str | None = None, args: Sequence[Any] = (), **options: Any
                     ) -> list[dict[str, Any]]:
        """Rows of a table whose `detail` column holds JSON, with it read."""
        return [dict(row, detail=json.loads(row["detail"])) for row in self.db[table].rows_where(where, args, **options)]

    # -- marks in time --------------------------------------------------------------------

    def mark(self, name: str) -> datetime | None:
        rows = list(self.db["marks"].rows_where("name = ?", [name]))
        return datetime.fromisoformat(rows[0]["at"]) if rows else None

    def set_mark(self, name: str, at: datetime) -> None:
        with self._writing():
            self.db.conn.execute("INSERT INTO marks (name, at) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET at = excluded.at",
                                 (name, _iso(at)))

    # -- reminders -----------------------------------------------------------------------

    def reminder(self, uid: str) -> dict[str, Any] | None:
        found = self._with_detail("reminders", "uid = ?", [uid])
        return found[0] if found else None

    def reminders_near(self, kind: str, item_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """One plan item's reminders due from `start` up to (not including) `end`."""
        return self._with_detail("reminders", "kind = ? AND item_id = ? AND due_at >= ? AND due_at < ?",
                                 [kind, item_id, _iso(start), _iso(end)], order_by="due_at")

    def reminder_ended_by(self, event_uid: str) -> dict[str, Any] | None:
        """The reminder a dispenser's event ended, if one was."""
        found = self._with_detail("reminders", "json_extract(detail, '$.dispenser_event') = ?", [event_uid])
        return found[0] if found else None

    def open_reminders(self) -> list[dict[str, Any]]:
        return self._with_detail("reminders", "state IN ('due', 'shown')", order_by="due_at")

    def put_reminder(self, uid: str, kind: str, item_id: str, due_at: datetime, closes_at: datetime, state: str,
                     detail: dict[str, Any], event: Event | None = None, audit: AuditEntry | None = None,
                     outbox_priority: int | None = None) -> Event | None:
        """Write a reminder's state, with its event (and outbox row, and audit) in one transaction."""
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            self.db.conn.execute(
                "INSERT INTO reminders (uid, kind, item_id, due_at, closes_at, state, updated_at, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at, detail = excluded.detail",
                (uid, kind, item_id, _iso(due_at), _iso(closes_at), state, now, json.dumps(detail, sort_keys=True)))
            stored = self._insert_event(event, now, outbox_priority) if event is not None else None
            if audit is not None:
                self._insert_audit(audit, now)
        return stored

    # -- video calls -----------------------------------------------------------------------

    def call(self, uid: str) -> dict[str, Any] | None:
        found = self._with_detail("calls", "uid = ?", [uid])
        return found[0] if found else None

    def call_by_key(self, key: str) -> dict[str, Any] | None:
        found = self._with_detail("calls", "key = ?", [key])
        return found[0] if found else None

    def open_calls(self) -> list[dict[str, Any]]:
        return self._with_detail("calls", "state IN ('ringing', 'answered')", order_by="started_at")

    def put_call(self, call: dict[str, Any], event: Event | None = None, audit: AuditEntry | None = None,
                 outbox_priority: int | None = None) -> None:
        """Write a call's state, with its event (and outbox row, and audit) in one transaction."""
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            self.db.conn.execute(
                "INSERT INTO calls (uid, key, direction, who, url, room, state, started_at, updated_at, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at, detail = excluded.detail",
                (call["uid"], call["key"], call["direction"], call["who"], call["url"], call.get("room"), call["state"],
                 call["started_at"], now, json.dumps(call.get("detail", {}), sort_keys=True)))
            if event is not None:
                self._insert_event(event, now, outbox_priority)
            if audit is not None:
                self._insert_audit(audit, now)

    # -- alarms --------------------------------------------------------------------------

    def alarm(self, uid: str) -> dict[str, Any] | None:
        found = self._with_detail("alarms", "uid = ?", [uid])
        return found[0] if found else None

    def active_alarms(self) -> list[dict[str, Any]]:
        return self._with_detail("alarms", "ended_at IS NULL", order_by="created_at")

    def recent_alarms(self, limit: int = 20) -> list[dict[str, Any]]:
        return self._with_detail("alarms", order_by="created_at desc", limit=limit)

    def put_alarm(self, uid: str, *, type: str, source: str, state: str, step: int, next_at: datetime | None,
                  detail: dict[str, Any], acknowledged_by: str = "", ended: bool = False, events: Sequence[Event] = (),
                  audit: AuditEntry | None = None, outbox_priority: int | None = None,
                  queue: Sequence[str] = ()) -> list[Event]:
        """An alarm's new place in its escalation, with its events, outbox rows and audit, in one transaction.
        `queue`: uids of events stored earlier that go into the outbox now (at `outbox_priority`)."""
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            self._upsert_alarm({"uid": uid, "type": type, "source": source, "created_at": now, "state": state,
                                "step": step, "next_at": _iso(next_at) if next_at else None,
                                "acknowledged_by": acknowledged_by, "ended_at": now if ended else None, "detail": detail})
            stored = [self._insert_event(event, now, outbox_priority) for event in events]
            for event_uid in queue:
                self.db.conn.execute("INSERT OR IGNORE INTO outbox (event_uid, priority, created_at) VALUES (?, ?, ?)",
                                     (event_uid, outbox_priority if outbox_priority is not None else 0, now))
            if audit is not None:
                self._insert_audit(audit, now)
        return stored

    def put_held_alarm(self, row: dict[str, Any], events: Sequence[tuple[Event, int | None]], queue: Sequence[str],
                       sent: set[str], audits: Sequence[AuditEntry]) -> None:
        """An alarm that was held in memory while the store could not write, written whole
        in one transaction: its state, its events (each with its outbox priority), the
        outbox rows of events stored earlier, and its audit. What the care service has
        had already (`sent`) goes into the outbox as sent, so it is not sent again."""
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            self._upsert_alarm(row)
            for event, priority in events:
                self._insert_event(event, now, priority)
            for event_uid in queue:
                self.db.conn.execute("INSERT OR IGNORE INTO outbox (event_uid, priority, created_at) VALUES (?, 0, ?)",
                                     (event_uid, now))
            self.db.conn.executemany("UPDATE outbox SET sent_at = ?, attempts = attempts + 1 "
                                     "WHERE event_uid = ? AND sent_at IS NULL", [(now, uid) for uid in sent])
            for entry in audits:
                self._insert_audit(entry, now)

    def outbox_sent_for(self, event_uids: Sequence[str], at: datetime) -> None:
        """The care service has these events already (sent while their alarm was held)."""
        with self._writing():
            self.db.conn.executemany("UPDATE outbox SET sent_at = ?, attempts = attempts + 1 "
                                     "WHERE event_uid = ? AND sent_at IS NULL", [(_iso(at), uid) for uid in event_uids])

    def _upsert_alarm(self, row: dict[str, Any]) -> None:
        """An alarm's row, new or changed (its uid, type, source and creation time stay)."""
        self.db.conn.execute(
            "INSERT INTO alarms (uid, type, source, created_at, state, step, next_at, acknowledged_by, ended_at, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET state = excluded.state, "
            "step = excluded.step, next_at = excluded.next_at, acknowledged_by = excluded.acknowledged_by, "
            "ended_at = excluded.ended_at, detail = excluded.detail",
            (row["uid"], row["type"], row["source"], row["created_at"], row["state"], row["step"], row["next_at"],
             row["acknowledged_by"], row["ended_at"], json.dumps(row["detail"], sort_keys=True)))

    def update_alarm_detail(self, uid: str, change: Callable[[dict[str, Any]], dict[str, Any]],
                            events: Sequence[Event] = (), audit: AuditEntry | None = None,
                            outbox_priority: int | None = None) -> dict[str, Any]:
        """Change only an alarm's detail (who was told, what is pending), read and written
        in one transaction, so a state change made meanwhile (an acknowledgement) stays."""
        now = _iso(datetime.now(timezone.utc))
        with self._writing():
            row = self.db.conn.execute("SELECT detail FROM alarms WHERE uid = ?", (uid,)).fetchone()
            detail = change(json.loads(row[0]))
            self.db.conn.execute("UPDATE alarms SET detail = ? WHERE uid = ?", (json.dumps(detail, sort_keys=True), uid))
            for event in events:
                self._insert_event(event, now, outbox_priority)
            if audit is not None:
                self._insert_audit(audit, now)
        return detail

    # -- the outbox to the care service ----------------------------------------------------

    def forget_before(self, cutoff: datetime) -> int:
        """The retention rule: events that happened before `cutoff` and wait for nothing
        (sent, or never to be sent) are deleted; the audit log stays (it is append-only)."""
        with self._writing():
            self.db.conn.execute("DELETE FROM outbox WHERE (sent_at IS NOT NULL OR dead_at IS NOT NULL) AND created_at < ?",
                                 (_iso(cutoff),))
            self.db.conn.execute("DELETE FROM alarms WHERE ended_at IS NOT NULL AND ended_at < ?", (_iso(cutoff),))
            self.db.conn.execute("DELETE FROM reminders WHERE closes_at < ? AND state NOT IN ('due', 'shown')",
                                 (_iso(cutoff),))
            self.db.conn.execute("DELETE FROM calls WHERE updated_at < ? AND state NOT IN ('ringing', 'answered')",
                                 (_iso(cutoff),))
            return self.db.conn.execute(
                "DELETE FROM events WHERE occurred_at < ? AND uid NOT IN (SELECT event_uid FROM outbox) "
                "AND uid NOT IN (SELECT uid FROM alarms WHERE ended_at IS NULL) "
                "AND uid NOT IN (SELECT event_uid FROM reactions)", (_iso(cutoff),)).rowcount

    def event_counts(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self.db.conn.execute("SELECT kind, count(*) FROM events GROUP BY kind")}

    def drop_pending_readings(self) -> int:
        """Consent to share vital signs was withdrawn: readings not sent yet are not sent."""
        with self._writing():
            return self.db.conn.execute(
                "DELETE FROM outbox WHERE sent_at IS NULL AND event_uid IN "
                "(SELECT uid FROM events WHERE kind = 'reading')").rowcount

    def outbox_pending(self, limit: int = 100) -> list[dict[str, Any]]:
        return list(self.db["outbox"].rows_where("sent_at IS NULL AND dead_at IS NULL", order_by="priority, id",
                                                 limit=limit))

    def outbox_next(self, limit: int) -> list[tuple[dict[str, Any], Event]]:
        """The next items to send: all of the most urgent priority first (alarms before
        doses before readings), oldest first, each with its event."""
        cursor = self.db.conn.execute(
            "SELECT o.id AS outbox_id, o.priority AS priority, e.* FROM outbox o JOIN events e ON e.uid = o.event_uid "
            "WHERE o.sent_at IS NULL AND o.dead_at IS NULL AND o.priority = "
            "(SELECT min(priority) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL) ORDER BY o.id LIMIT ?",
            (limit,))
        names = [d[0] for d in cursor.description]
        out = []
        for row in cursor.fetchall():
            record = dict(zip(names, row))
            out.append(({"id": record["outbox_id"], "priority": record["priority"]}, self._event_from_row(record)))
        return out

    def outbox_counts(self) -> tuple[dict[int, int], int]:
        """(waiting items by priority, dead letters): the technician's Care service page."""
        waiting = {row[0]: row[1] for row in self.db.conn.execute(
            "SELECT priority, count(*) FROM outbox WHERE sent_at IS NULL AND dead_at IS NULL GROUP BY priority")}
        dead = self.db.conn.execute("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL").fetchone()[0]
        return waiting, dead

    def outbox_delivered(self, ids: Sequence[int], at: datetime) -> None:
        with self._writing():
            self.db.conn.executemany("UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                                     [(_iso(at), i) for i in ids])

    def outbox_dead(self, outbox_id: int, reason: str, at: datetime) -> None:
        with self._writing():
            self.db.conn.execute("UPDATE outbox SET dead_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
                                 (_iso(at), reason, outbox_id))

    # -- what the care service sent ------------------------------------------------------

    def service_message(self, number: int, kind: str, body: dict[str, Any], at: datetime) -> bool:
        """Keep a message from the service; False if it was kept already (heard twice)."""
        with self._writing():
            return self.db.conn.execute(
                "INSERT OR IGNORE INTO service_messages (number, kind, body, received_at) VALUES (?, ?, ?, ?)",
                (number, kind, json.dumps(body, sort_keys=True), _iso(at))).rowcount == 1

    def last_service_message(self) -> int:
        return int(self.db.conn.execute("SELECT coalesce(max(number), 0) FROM service_messages").fetchone()[0])

    def unread_nurse_messages(self) -> list[dict[str, Any]]:
        rows = self.db.conn.execute("SELECT number, body, received_at FROM service_messages "
                                    "WHERE kind = 'message' AND read_at IS NULL ORDER BY number").fetchall()
        return [{"number": row[0], **json.loads(row[1]), "received_at": row[2]} for row in rows]

    def nurse_message_read(self, number: int, at: datetime) -> None:
        with self._writing():
            self.db.conn.execute("UPDATE service_messages SET read_at = ? WHERE number = ? AND read_at IS NULL",
                                 (_iso(at), number))

    def _insert_event(self, event: Event, now: str, outbox_priority: int | None) -> Event:
        cursor = self.db.conn.execute(
            "INSERT INTO events (uid, kind, type, source, occurred_at, recorded_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (event.uid, event.kind.value, event.type, event.source, _iso(event.occurred_at), now,
             json.dumps(event.data, sort_keys=True)))
        if outbox_priority is not None:
            self.db.conn.execute("INSERT INTO outbox (event_uid, priority, created_at) VALUES (?, ?, ?)",
                                 (event.uid, outbox_priority, now))
        return Event(kind=event.kind, type=event.type, source=event.source, occurred_at=event.occurred_at,
                     data=event.data, uid=event.uid, id=cursor.lastrowid)

    def count(self, table: str) -> int:
        return self.db[table].count

    def close(self) -> None:
        """Fold the WAL back into the main file and close."""
        try:
            self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:  # the data is safe in the WAL either way
            log.warning("WAL checkpoint at close failed: %s", exc)
        self.db.conn.close()
