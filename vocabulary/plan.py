"""Today's plan as the resident sees it: what is due and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PlanItem:
    at: datetime  # aware; shown in the home's local time
    kind: str  # "medication", "measurement", "check_in"
    title: str  # already in the resident's words, e.g. "Morning medicine"
