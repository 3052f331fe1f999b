"""The alarms table: each alarm's place in its escalation (state, step on its ladder,
when the next step is due, who acknowledged it), written with its events, outbox rows
and audit in one transaction; and an alarm held in memory while the store could not
write, written whole when it can again."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import AuditEntry, iso_utc, now_utc
from vocabulary import Event


class AlarmTable(StoreBase):
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
        now = now_utc()
        with self._writing():
            self._upsert_alarm({"uid": uid, "type": type, "source": source, "created_at": now, "state": state,
                                "step": step, "next_at": iso_utc(next_at) if next_at else None,
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
        now = now_utc()
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
        now = now_utc()
        with self._writing():
            row = self.db.conn.execute("SELECT detail FROM alarms WHERE uid = ?", (uid,)).fetchone()
            detail = change(json.loads(row[0]))
            self.db.conn.execute("UPDATE alarms SET detail = ? WHERE uid = ?", (json.dumps(detail, sort_keys=True), uid))
            for event in events:
                self._insert_event(event, now, outbox_priority)
            if audit is not None:
                self._insert_audit(audit, now)
        return detail
