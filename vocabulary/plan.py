"""Today's plan as the resident sees it: what is due and when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PlanItem:
    at: datetime  # aware; shown in the home's local time
    kind: str  # "medication", "measurement", "check_in"
    title: str  # already in the resident's words, e.g. "Morning medicine"


def overlapping_doses(times_of_day: Sequence[str], window_minutes: int) -> tuple[str, str] | None:
    """The first two of one medicine's times ("HH:MM") whose windows overlap, also
    across midnight, or None. Two windows open at once would invite a double dose, so
    both the hub and the care service's editor refuse such a plan."""
    minutes = sorted((int(t[:2]) * 60 + int(t[3:5]), t) for t in times_of_day)
    for (at, text), (following, next_text) in zip(minutes, [*minutes[1:], *minutes[:1]]):
        gap = (following - at) % (24 * 60) or 24 * 60
        if len(minutes) > 1 and gap < window_minutes:
            return text, next_text
    return None
