"""What the care service sent (acknowledgements, notes, nurses' messages), kept by its
number so the channel resumes where it was, and which of the nurses' messages the
resident has read."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import iso_utc


class ServiceMessages(StoreBase):
    def service_message(self, number: int, kind: str, body: dict[str, Any], at: datetime) -> bool:
        """Keep a message from the service; False if it was kept already (heard twice)."""
        with self._writing():
            return self.db.conn.execute(
                "INSERT OR IGNORE INTO service_messages (number, kind, body, received_at) VALUES (?, ?, ?, ?)",
                (number, kind, json.dumps(body, sort_keys=True), iso_utc(at))).rowcount == 1

    def last_service_message(self) -> int:
        return int(self.db.conn.execute("SELECT coalesce(max(number), 0) FROM service_messages").fetchone()[0])

    def unread_nurse_messages(self) -> list[dict[str, Any]]:
        rows = self.db.conn.execute("SELECT number, body, received_at FROM service_messages "
                                    "WHERE kind = 'message' AND read_at IS NULL ORDER BY number").fetchall()
        return [{"number": row[0], **json.loads(row[1]), "received_at": row[2]} for row in rows]

    def nurse_message_read(self, number: int, at: datetime) -> None:
        with self._writing():
            self.db.conn.execute("UPDATE service_messages SET read_at = ? WHERE number = ? AND read_at IS NULL",
                                 (iso_utc(at), number))
