"""The outbox: what must reach the care service, by priority (0 alarms, 1 doses and
reminders, 2 readings), oldest first, until it is delivered or refused for good (a dead
letter)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import iso_utc
from vocabulary import Event


class Outbox(StoreBase):
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
                                     [(iso_utc(at), i) for i in ids])

    def outbox_sent_for(self, event_uids: Sequence[str], at: datetime) -> None:
        """The care service has these events already (sent while their alarm was held)."""
        with self._writing():
            self.db.conn.executemany("UPDATE outbox SET sent_at = ?, attempts = attempts + 1 "
                                     "WHERE event_uid = ? AND sent_at IS NULL", [(iso_utc(at), uid) for uid in event_uids])

    def outbox_dead(self, outbox_id: int, reason: str, at: datetime) -> None:
        with self._writing():
            self.db.conn.execute("UPDATE outbox SET dead_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
                                 (iso_utc(at), reason, outbox_id))

    def drop_pending_readings(self) -> int:
        """Consent to share vital signs was withdrawn: readings not sent yet are not sent."""
        with self._writing():
            return self.db.conn.execute(
                "DELETE FROM outbox WHERE sent_at IS NULL AND event_uid IN "
                "(SELECT uid FROM events WHERE kind = 'reading')").rowcount
