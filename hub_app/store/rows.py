"""What the store's tables share: an `AuditEntry` (one line of the append-only audit
log), times as UTC ISO text, and an `Event` read back from its row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from vocabulary import Event, EventKind


@dataclass(frozen=True)
class AuditEntry:
    actor: str  # "resident", "technician", "nurse", "system"
    action: str  # dotted verb, e.g. "alarm.raised", "technician.pin_wrong"
    subject: str = ""
    detail: dict[str, Any] | None = None


def iso_utc(moment: datetime) -> str:
    """How the store keeps a time: ISO text in UTC."""
    return moment.astimezone(timezone.utc).isoformat()


def now_utc() -> str:
    return iso_utc(datetime.now(timezone.utc))


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        kind=EventKind(row["kind"]),
        type=row["type"],
        source=row["source"],
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        data=json.loads(row["data"]),
        uid=row["uid"],
        id=row["id"],
    )
