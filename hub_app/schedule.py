"""When the plan's reminders and check-ins happen: wall-clock times in the home's
time zone, once per local day, on every day of the year.

The rule for the two daylight-saving nights (Europe/Oslo; the same for any zone):
- a time that does not exist that night (02:30 on the last Sunday of March, when the
  clocks go from 02:00 to 03:00) happens as far after the gap as it was into it:
  02:30 becomes 03:30, as if the clock on the wall had been moved forward with it;
- a time that happens twice (02:30 on the last Sunday of October) happens once, the
  first time (still summer time).
Each occurrence has an identity made of the item, the local date and the time, so the
store can keep it once however often it is computed (after a restart, a clock jump); a
dose moved by a plan change is recognised by its nearness instead (reminders.py).

`LocalTimesTrigger` is an APScheduler trigger built on the same rule. The stock
`CronTrigger` fires twice on the autumn night and then keeps the wrong offset (see
STANDARDS.md), which is why the hub does not use it for reminders.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from hub_app.care_plan import WEEKDAYS, CarePlan

OCCURRENCE_NAMESPACE = uuid.UUID("6f1c7d0e-3a55-4f57-9a3e-0b5e7e3c2d41")


def local_instant(day: date, at: time, zone: tzinfo) -> datetime:
    """The moment `at` o'clock on `day` in `zone`, by the rule in the module docstring."""
    first = datetime.combine(day, at, tzinfo=zone).replace(fold=0)
    instant = first.astimezone(timezone.utc)
    # A wall time in the spring gap does not survive the round trip: zoneinfo reads it
    # with the offset from before the gap, which lands it after the gap by the same
    # amount (02:30 -> 01:30 UTC = 03:30 CEST). That is the rule; keep it.
    return instant.astimezone(zone)


@dataclass(frozen=True)
class Occurrence:
    kind: str  # "medication", "measurement", "check_in"
    item_id: str
    title: str  # in the plan's words
    local_date: date
    at: datetime  # aware, in the home's zone
    window_minutes: int
    compartment: int | None = None

    @property
    def uid(self) -> str:
        return str(uuid.uuid5(OCCURRENCE_NAMESPACE, f"{self.kind}/{self.item_id}/{self.local_date.isoformat()}/"
                                                   f"{self.at.astimezone(timezone.utc).isoformat()}"))

    @property
    def closes(self) -> datetime:
        return self.at + timedelta(minutes=self.window_minutes)

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.item_id, "title": self.title, "local_date": self.local_date.isoformat(),
                "local": self.at.isoformat(), "utc": self.at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
                "window_minutes": self.window_minutes, **({"compartment": self.compartment} if self.compartment else {})}


def _daily(plan: CarePlan) -> Iterator[tuple[str, str, str, time, tuple[str, ...], int, int | None]]:
    for m in plan.medications:
        title = f"{m.name} ({m.dose})" if m.dose else m.name
        for at in m.times:
            yield "medication", m.id, title, at, m.days, m.window_minutes, m.compartment
    for x in plan.measurements:
        for at in x.times:
            yield "measurement", x.id, x.kind, at, x.days, x.window_minutes, None
    for c in plan.check_ins:
        yield "check_in", c.id, c.who, c.time, c.days, c.window_minutes, None


def occurrences(plan: CarePlan, first_day: date, days: int, zone: tzinfo) -> list[Occurrence]:
    """Every reminder and check-in the plan gives on `days` local days from `first_day`, in time order."""
    found = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        weekday = WEEKDAYS[day.weekday()]
        for kind, item_id, title, at, on_days, window, compartment in _daily(plan):
            if weekday in on_days:
                # Same-time items of one day keep the order of the plan (a stable sort).
                found.append(Occurrence(kind, item_id, title, day, local_instant(day, at, zone), window, compartment))
    return sorted(found, key=lambda o: o.at)


def occurrences_between(plan: CarePlan, start: datetime, end: datetime, zone: tzinfo) -> list[Occurrence]:
    """Occurrences with start <= time < end (aware datetimes)."""
    first = start.astimezone(zone).date() - timedelta(days=1)
    span = (end.astimezone(zone).date() - first).days + 2
    return [o for o in occurrences(plan, first, span, zone) if start <= o.at < end]


class LocalTimesTrigger(BaseTrigger):
    """Fires at the given wall-clock times, once per local day each, on the given days."""

    def __init__(self, times: tuple[time, ...], zone: str | ZoneInfo, days: tuple[str, ...] = WEEKDAYS) -> None:
        self.times = tuple(sorted(times))
        self.zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        self.days = days

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        after = previous_fire_time if previous_fire_time is not None else now - timedelta(microseconds=1)
        day = after.astimezone(self.zone).date() - timedelta(days=1)  # the gap rule can move a time past midnight
        for _ in range(9):
            if WEEKDAYS[day.weekday()] in self.days:
                for at in self.times:
                    candidate = local_instant(day, at, self.zone)
                    if candidate > after:
                        return candidate
            day += timedelta(days=1)
        return None

    def __str__(self) -> str:
        return f"local times {', '.join(t.strftime('%H:%M') for t in self.times)} ({self.zone.key})"

    def __repr__(self) -> str:
        return f"<LocalTimesTrigger {self}>"


def plan_scheduler(loop: asyncio.AbstractEventLoop, zone: str) -> AsyncIOScheduler:
    """The scheduler for the plan's jobs, on the core loop. No misfire grace limit: a job
    whose time passed while the loop was busy (or the machine asleep) still runs, late,
    never dropped; `coalesce` makes several missed runs of one job a single run, which
    is enough because each run brings every occurrence up to now."""
    return AsyncIOScheduler(event_loop=loop, timezone=zone,
                            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1})
