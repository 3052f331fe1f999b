"""Events: the one shape for everything the hub records (alarms, reminders, readings)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from vocabulary.device_kinds import DeviceKind


class EventKind(str, enum.Enum):
    """What family an event belongs to; `type` inside the family says exactly what."""

    ALARM = "alarm"
    REMINDER = "reminder"
    READING = "reading"
    DOSE = "dose"
    DEVICE = "device"
    ACTIVITY = "activity"  # bed and door: what the resident does, not an alarm by itself
    CALL = "call"  # a video call answered, declined or missed
    SYSTEM = "system"


@dataclass(frozen=True)
class Problem:
    """Something in the home that needs attention, as the status line shows it."""

    device: DeviceKind
    reason: str  # short machine word, e.g. "silent", "battery_low"; never health data


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Event:
    """One thing that happened. `uid` is its identity everywhere (store, sync, retries)."""

    kind: EventKind
    type: str
    source: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    id: int | None = None  # row id once stored

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("Event.occurred_at must carry a time zone (store UTC)")
