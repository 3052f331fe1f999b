"""The events table (what happened, each with its unique `uid`), the reactions still to
do for some of them, the append-only audit log, and the retention rule that forgets
what waits for nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import AuditEntry, iso_utc, now_utc
from vocabulary import Event, EventKind


class EventLog(StoreBase):
    # -- writing -----------------------------------------------------------------

    def record_event(self, event: Event, audit: AuditEntry | None = None, outbox_priority: int | None = None,
                     react: bool = False) -> Event:
        """Store an event (its audit row, its outbox row when it must reach the care
        service, and with `react` a pending reaction) in one transaction; return it with its id.

        When this returns, the row is on disk (synchronous=FULL).
        """
        now = now_utc()
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

    # -- the audit log -----------------------------------------------------------------

    def audit(self, entry: AuditEntry, at: datetime | None = None) -> None:
        with self._writing():
            self._insert_audit(entry, iso_utc(at or datetime.now(timezone.utc)))

    def audit_rows(
        self, actions: Sequence[str] | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Newest first. `actions` limits the rows to those exact action names."""
        where, args = None, []
        if actions:
            where = f"action IN ({', '.join('?' for _ in actions)})"
            args = list(actions)
        return self._with_detail("audit_log", where, args, order_by="id desc", limit=limit)

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
                                            [reading_type, iso_utc(since)], order_by="occurred_at")
        return [self._event_from_row(row) for row in rows]

    def event_counts(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self.db.conn.execute("SELECT kind, count(*) FROM events GROUP BY kind")}

    # -- retention -----------------------------------------------------------------------

    def forget_before(self, cutoff: datetime) -> int:
        """The retention rule: events that happened before `cutoff` and wait for nothing
        (sent, or never to be sent) are deleted; the audit log stays (it is append-only)."""
        with self._writing():
            self.db.conn.execute("DELETE FROM outbox WHERE (sent_at IS NOT NULL OR dead_at IS NOT NULL) AND created_at < ?",
                                 (iso_utc(cutoff),))
            self.db.conn.execute("DELETE FROM alarms WHERE ended_at IS NOT NULL AND ended_at < ?", (iso_utc(cutoff),))
            self.db.conn.execute("DELETE FROM reminders WHERE closes_at < ? AND state NOT IN ('due', 'shown')",
                                 (iso_utc(cutoff),))
            self.db.conn.execute("DELETE FROM calls WHERE updated_at < ? AND state NOT IN ('ringing', 'answered')",
                                 (iso_utc(cutoff),))
            return self.db.conn.execute(
                "DELETE FROM events WHERE occurred_at < ? AND uid NOT IN (SELECT event_uid FROM outbox) "
                "AND uid NOT IN (SELECT uid FROM alarms WHERE ended_at IS NULL) "
                "AND uid NOT IN (SELECT event_uid FROM reactions)", (iso_utc(cutoff),)).rowcount
