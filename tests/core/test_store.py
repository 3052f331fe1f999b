"""The store on real SQLite files: schema, durability, refusal of files it must not touch."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub_app.migrations import LATEST_VERSION, MIGRATIONS, Migration
from hub_app.store import AuditEntry, Store, StoreError
from vocabulary import Event, EventKind

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).resolve().parents[1] / "helpers" / "durable_writer.py"
PAGE = 4096


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reading(number: int = 0, **data) -> Event:
    return Event(
        kind=EventKind.READING,
        type="pulse",
        source="test",
        occurred_at=datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc) + timedelta(minutes=number),
        data={"bpm": 60 + number, **data},
    )


def filled_store(path: Path, events: int = 200) -> list[Event]:
    """A real v1 store with enough rows to span many pages, closed cleanly."""
    store = Store(path)
    stored = [store.record_event(reading(i, note="x" * 50)) for i in range(events)]
    store.audit(AuditEntry("system", "test.filled", detail={"events": events}))
    store.close()
    return stored


def quick_check_of_copy(path: Path, tmp_path: Path) -> list[str]:
    """What SQLite itself says about the file, asked on a copy so the original is not touched."""
    copy = tmp_path / "inspect-copy.db"
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [f"error: {exc}"]
    finally:
        conn.close()


# -- a fresh store ---------------------------------------------------------------------


def test_fresh_store_has_latest_schema_wal_and_full_sync(tmp_path):
    store = Store(tmp_path / "sub" / "hub.db")
    try:
        assert (tmp_path / "sub" / "hub.db").exists()
        assert store.schema_version == LATEST_VERSION
        assert store.journal_mode == "wal"
        assert store.db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert {"events", "audit_log"} <= set(store.db.table_names())
        assert store.count("events") == 0
        assert store.count("audit_log") == 0
    finally:
        store.close()
    # a fresh store is not a migration of an older one: there is nothing to back up
    assert list(tmp_path.glob("sub/*.bak")) == []


def test_reopening_a_current_store_keeps_everything_and_makes_no_backup(tmp_path):
    path = tmp_path / "hub.db"
    stored = filled_store(path, events=5)
    store = Store(path)
    try:
        assert store.schema_version == LATEST_VERSION
        assert store.journal_mode == "wal"
        assert store.db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert [e.uid for e in store.events()] == [e.uid for e in reversed(stored)]
    finally:
        store.close()
    assert list(tmp_path.glob("*.bak")) == []


def test_a_store_under_a_path_with_odd_characters_reopens(tmp_path):
    path = tmp_path / "home of Åse?#%20" / "hub db.sqlite"
    first = Store(path)
    event = first.record_event(reading(0))
    first.close()
    again = Store(path)
    try:
        assert again.event_by_uid(event.uid) is not None
        assert again.journal_mode == "wal"
    finally:
        again.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["hub db.sqlite"]


# -- events and the audit log ----------------------------------------------------------


def test_record_event_returns_its_id_and_reads_back_in_utc(tmp_path):
    store = Store(tmp_path / "hub.db")
    try:
        oslo = ZoneInfo("Europe/Oslo")
        # 03:30 local on the night clocks go forward (01:30 UTC)
        event = Event(
            kind=EventKind.ALARM,
            type="help_button",
            source="screen",
            occurred_at=datetime(2024, 3, 31, 3, 30, tzinfo=oslo),
            data={"pressed": 2, "where": "kitchen", "nested": {"ok": True}},
        )
        first = store.record_event(event)
        second = store.record_event(reading(1))
        assert isinstance(first.id, int) and isinstance(second.id, int)
        assert second.id > first.id
        assert first.uid == event.uid

        back = store.event_by_uid(event.uid)
        assert back is not None
        assert back.id == first.id
        assert back.kind is EventKind.ALARM
        assert back.type == "help_button"
        assert back.source == "screen"
        assert back.data == {"pressed": 2, "where": "kitchen", "nested": {"ok": True}}
        assert back.occurred_at.tzinfo is not None
        assert back.occurred_at.utcoffset() == timedelta(0)
        assert back.occurred_at == datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc)

        listed = store.events()
        assert [e.uid for e in listed] == [second.uid, first.uid]  # newest first
        assert [e.uid for e in store.events(kind=EventKind.ALARM)] == [first.uid]
        assert [e.uid for e in store.events(limit=1)] == [second.uid]
        assert store.event_by_uid("no-such-uid") is None
    finally:
        store.close()


def test_event_and_its_audit_row_are_written_together(tmp_path):
    store = Store(tmp_path / "hub.db")
    try:
        event = reading(3)
        store.record_event(event, AuditEntry("resident", "reading.taken", subject=event.uid, detail={"n": 1}))
        rows = store.audit_rows()
        assert len(rows) == 1
        assert rows[0]["actor"] == "resident"
        assert rows[0]["action"] == "reading.taken"
        assert rows[0]["subject"] == event.uid
        assert rows[0]["detail"] == {"n": 1}
        assert datetime.fromisoformat(rows[0]["at"]).utcoffset() == timedelta(0)
    finally:
        store.close()


def test_a_failing_audit_row_leaves_no_event_behind(tmp_path):
    path = tmp_path / "hub.db"
    store = Store(path)
    try:
        store.record_event(reading(0))  # something that must survive the failure next to it
        broken = AuditEntry("system", "test.broken", detail={"not json": object()})
        event = reading(1)
        with pytest.raises(TypeError):
            store.record_event(event, broken)
        assert store.event_by_uid(event.uid) is None
        assert store.count("events") == 1
        assert store.count("audit_log") == 0
        # and the connection is still usable, not stuck in a half-open transaction
        assert not store.db.conn.in_transaction
        store.record_event(reading(2), AuditEntry("system", "test.ok"))
        assert store.count("events") == 2
    finally:
        store.close()
    # seen from another connection after close: the failed event never reached the file
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM events WHERE uid = ?", (event.uid,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    finally:
        conn.close()


def test_a_duplicate_uid_is_refused_and_writes_no_audit_row(tmp_path):
    store = Store(tmp_path / "hub.db")
    try:
        event = reading(0)
        store.record_event(event, AuditEntry("system", "first"))
        with pytest.raises(sqlite3.IntegrityError):
            store.record_event(event, AuditEntry("system", "second"))
        assert store.count("events") == 1
        assert [r["action"] for r in store.audit_rows()] == ["first"]
    finally:
        store.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'rewritten'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_audit_log_is_append_only(tmp_path, statement):
    store = Store(tmp_path / "hub.db")
    try:
        store.audit(AuditEntry("technician", "technician.pin_wrong"))
        store.audit(AuditEntry("technician", "technician.pin_ok"))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            with store.db.conn:
                store.db.conn.execute(statement)
        assert [r["action"] for r in store.audit_rows()] == ["technician.pin_ok", "technician.pin_wrong"]
        # sqlite-utils' own API meets the same wall
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db["audit_log"].delete_where()
        assert store.count("audit_log") == 2
    finally:
        store.close()


# -- files the store must refuse and leave alone ----------------------------------------


def test_a_store_from_a_newer_hub_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "hub.db"
    filled_store(path, events=3)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()
    before = sha256(path)

    with pytest.raises(StoreError, match="newer") as caught:
        Store(path)
    message = str(caught.value)
    assert str(path) in message
    assert str(LATEST_VERSION + 1) in message

    assert sha256(path) == before
    assert list(tmp_path.glob("*.bak")) == []
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1
    conn.close()


def test_a_newer_hubs_unfinished_wal_is_not_folded_into_the_file(tmp_path):
    """A newer hub that died left its last commits in the WAL. Refusing its store must
    not checkpoint that WAL into the main file (or delete it) on the way out."""
    path = tmp_path / "hub.db"
    filled_store(path, events=3)
    newer_hub = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "conn.execute('CREATE TABLE from_the_future (x)')\n"
        f"conn.execute('PRAGMA user_version = {LATEST_VERSION + 1}')\n"
        "conn.commit()\n"
        "os._exit(0)  # dies without closing: no checkpoint\n"
    )
    subprocess.run([sys.executable, "-c", newer_hub, str(path)], check=True, timeout=30)
    wal = tmp_path / "hub.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    before, wal_before = sha256(path), sha256(wal)

    with pytest.raises(StoreError, match="newer"):
        Store(path)
    assert sha256(path) == before
    assert wal.exists() and sha256(wal) == wal_before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(bytes(range(256)) * 64, id="binary"),
        pytest.param(b"[resident]\nname = 'Kari'\n" * 200, id="text"),
        pytest.param(b"SQLite format 3\x00" + b"\xff" * 8000, id="fake-header"),
    ],
)
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "hub.db"
    path.write_bytes(content)
    before = sha256(path)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert str(path) in message
    assert "cannot be read" in message or "damaged" in message
    assert "untouched" in message
    assert sha256(path) == before
    assert path.stat().st_size == len(content)


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("events-root", id="page-2-events-root"),
        pytest.param("last-page", id="last-page"),
        pytest.param("middle-half-page", id="middle-half-page"),
    ],
)
def test_a_damaged_store_is_refused_and_left_untouched(tmp_path, where):
    path = tmp_path / "hub.db"
    filled_store(path, events=300)
    size = path.stat().st_size
    pages = size // PAGE
    assert pages >= 10, "the store should span many pages for this test to mean something"
    offset, length = {
        "events-root": (1 * PAGE, PAGE),  # page 2: the root of the events table
        "last-page": ((pages - 1) * PAGE, PAGE),
        "middle-half-page": ((pages // 2) * PAGE, PAGE // 2),
    }[where]
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(bytes([0xA5]) * length)
    assert path.stat().st_size == size
    # SQLite itself sees the damage (so the test is about a real, detectable corruption)
    assert quick_check_of_copy(path, tmp_path) != ["ok"]
    before = sha256(path)

    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert str(path) in message
    assert "damaged" in message or "cannot be read" in message
    assert "backup" in message
    assert sha256(path) == before
    assert path.stat().st_size == size


def test_a_truncated_store_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "hub.db"
    filled_store(path, events=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert quick_check_of_copy(path, tmp_path) != ["ok"]
    before = sha256(path)
    with pytest.raises(StoreError):
        Store(path)
    assert sha256(path) == before


# -- migrations --------------------------------------------------------------------------


NEXT = LATEST_VERSION + 1  # a migration after the last released one


def notes_migration(*statements: str) -> tuple[Migration, ...]:
    return MIGRATIONS + (Migration(version=NEXT, description="notes for the nurse", statements=statements),)


def table_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_a_failing_migration_changes_nothing_and_leaves_a_backup(tmp_path):
    path = tmp_path / "hub.db"
    stored = filled_store(path, events=20)

    failing = notes_migration(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
        "THIS IS NOT SQL AT ALL",
    )
    with pytest.raises(StoreError) as caught:
        Store(path, migrations=failing)
    message = str(caught.value)
    assert f"version {NEXT}" in message
    assert "notes for the nurse" in message
    assert f"version {LATEST_VERSION}" in message  # says where it stays
    assert str(path) in message

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert "notes" not in table_names(path)
        uids = [row[0] for row in conn.execute("SELECT uid FROM events ORDER BY id")]
        assert uids == [e.uid for e in stored]
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()

    backup = tmp_path / f"hub.db.v{LATEST_VERSION}.bak"
    assert backup.exists()
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == len(stored)
    finally:
        conn.close()

    # the store still opens at its own version afterwards
    store = Store(path)
    try:
        assert store.schema_version == LATEST_VERSION
        assert store.count("events") == len(stored)
    finally:
        store.close()


def test_a_migration_runs_forward_and_keeps_the_data(tmp_path):
    path = tmp_path / "hub.db"
    stored = filled_store(path, events=10)
    forward = notes_migration(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
        "ALTER TABLE events ADD COLUMN note TEXT",
    )
    store = Store(path, migrations=forward)
    try:
        assert store.schema_version == NEXT
        assert store.journal_mode == "wal"
        assert "notes" in store.db.table_names()
        assert "note" in store.db["events"].columns_dict
        assert [e.uid for e in store.events(limit=100)] == [e.uid for e in reversed(stored)]
        assert store.event_by_uid(stored[0].uid).data == stored[0].data
        new = store.record_event(reading(99))
        assert store.event_by_uid(new.uid) is not None
    finally:
        store.close()
    assert (tmp_path / f"hub.db.v{LATEST_VERSION}.bak").exists()

    # opening it again with the same migrations is a no-op ...
    again = Store(path, migrations=forward)
    try:
        assert again.schema_version == NEXT
        assert again.count("events") == len(stored) + 1
    finally:
        again.close()
    # ... and a hub that only knows the released versions now refuses it as newer, without touching it
    before = sha256(path)
    with pytest.raises(StoreError, match="newer"):
        Store(path)
    assert sha256(path) == before


# -- durability ----------------------------------------------------------------------------


def test_every_event_reported_committed_survives_sigkill(tmp_path):
    path = tmp_path / "hub.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), "5"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    committed: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while len(committed) < 3:
            assert time.monotonic() < deadline, "the writer did not report three commits in time"
            line = writer.stdout.readline()
            if not line:
                pytest.fail(f"writer ended early: {writer.wait()} {writer.stderr.read()}")
            assert line.startswith("committed "), line
            committed.append(line.split()[1])
        writer.send_signal(signal.SIGKILL)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait(10)
    assert writer.returncode == -signal.SIGKILL
    # a line that was already in the pipe when the kill landed was committed too
    committed += [line.split()[1] for line in writer.stdout.read().splitlines() if line.startswith("committed ")]
    writer.stdout.close()
    writer.stderr.close()
    assert len(committed) >= 3

    # the writer never checkpointed: what it committed is in the WAL, if not the main file
    store = Store(path)
    try:
        for uid in committed:
            event = store.event_by_uid(uid)
            assert event is not None, f"event {uid} was reported committed but is lost"
            assert event.source == "durable_writer"
        audited = {row["subject"] for row in store.audit_rows(actions=["test.written"])}
        assert set(committed) <= audited
        # nothing half-written: every stored event has its audit row and vice versa
        assert {e.uid for e in store.events()} == audited
        assert store.db.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        store.close()
