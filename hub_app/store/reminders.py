"""The reminders table (one row per occurrence of a plan item, with its state), and the
marks of how far the hub has looked for them, so it goes on from there after a power
cut of any length."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import AuditEntry, iso_utc, now_utc
from vocabulary import Event


class ReminderTable(StoreBase):
    # -- marks in time --------------------------------------------------------------------

    def mark(self, name: str) -> datetime | None:
        rows = list(self.db["marks"].rows_where("name = ?", [name]))
        return datetime.fromisoformat(rows[0]["at"]) if rows else None

    def set_mark(self, name: str, at: datetime) -> None:
        with self._writing():
            self.db.conn.execute("INSERT INTO marks (name, at) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET at = excluded.at",
                                 (name, iso_utc(at)))

    # -- reminders -----------------------------------------------------------------------

    def reminder(self, uid: str) -> dict[str, Any] | None:
        found = self._with_detail("reminders", "uid = ?", [uid])
        return found[0] if found else None

    def reminders_near(self, kind: str, item_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """One plan item's reminders due from `start` up to (not including) `end`."""
        return self._with_detail("reminders", "kind = ? AND item_id = ? AND due_at >= ? AND due_at < ?",
                                 [kind, item_id, iso_utc(start), iso_utc(end)], order_by="due_at")

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
        now = now_utc()
        with self._writing():
            self.db.conn.execute(
                "INSERT INTO reminders (uid, kind, item_id, due_at, closes_at, state, updated_at, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at, detail = excluded.detail",
                (uid, kind, item_id, iso_utc(due_at), iso_utc(closes_at), state, now, json.dumps(detail, sort_keys=True)))
            stored = self._insert_event(event, now, outbox_priority) if event is not None else None
            if audit is not None:
                self._insert_audit(audit, now)
        return stored
