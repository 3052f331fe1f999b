"""The calls table: video calls ringing, answered, declined, missed and ended."""

from __future__ import annotations

import json
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import AuditEntry, now_utc
from vocabulary import Event


class CallTable(StoreBase):
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
        now = now_utc()
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
