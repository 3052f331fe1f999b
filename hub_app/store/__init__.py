"""The hub's one SQLite file, through sqlite-utils.

WAL journal, `synchronous=FULL` (a commit is on disk before it returns), schema
version in `PRAGMA user_version`, forward migrations at open (`hub_app/migrations.py`).
Only the core's thread writes to it. A file we cannot read, or one written by a newer
hub, is refused with a clear error and left exactly as it was.

`Store` is one object; its parts live beside this file, one per group of tables:
`opening.py` (checks and migrations), `base.py` (one transaction per write, the event
and audit rows), `events.py` (events, reactions, the audit log, retention),
`home_setup.py` (wired devices, Bluetooth pairings, care plans, the setup copy),
`reminders.py`, `alarms.py`, `calls.py`, `outbox.py` and `service_messages.py`.
"""

from __future__ import annotations

from hub_app.store.alarms import AlarmTable
from hub_app.store.calls import CallTable
from hub_app.store.errors import StoreError, StoreWriteError, write_problem
from hub_app.store.events import EventLog
from hub_app.store.home_setup import SETUP_TABLES, HomeSetup, read_setup_copy, setup_copy_path, stored_plan_document
from hub_app.store.outbox import Outbox
from hub_app.store.reminders import ReminderTable
from hub_app.store.rows import AuditEntry
from hub_app.store.service_messages import ServiceMessages

__all__ = [
    "SETUP_TABLES",
    "AuditEntry",
    "Store",
    "StoreError",
    "StoreWriteError",
    "read_setup_copy",
    "setup_copy_path",
    "stored_plan_document",
    "write_problem",
]


class Store(EventLog, HomeSetup, ReminderTable, AlarmTable, CallTable, Outbox, ServiceMessages):
    """The hub's store: `Store(path)` opens (creates, checks, migrates) it."""
