"""Reminders from the care plan: on time, once, and never lost.

Each occurrence (schedule.py) gets one row in the `reminders` table the first time the
hub sees it due, and every change of it is written with its event in one transaction:
- due while the hub runs: shown (and, for a medicine in the dispenser, the dispenser
  opens the compartment itself from the slots the hub loaded);
- due while the hub was off, and its window still open: shown late, said to be late;
- its window closed while the hub was off: recorded as missed while the hub was off,
  and reported (a missed medicine is an alarm for the nurse as well);
- a medicine reminder not answered in `repeat_minutes`: shown again;
- the window closing without the dose: a missed dose, an alarm for the nurse. With a
  dispenser, its own DOSE_TAKEN / DOSE_MISSED decide (it holds the dose); the hub
  waits DISPENSER_GRACE past the window for them before it decides itself.
Because the rows are keyed by the occurrence, `due()` can run any number of times, at
any moment (a clock jump, a restart): it never shows a reminder twice or skips one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub_app.care_plan import EMPTY_PLAN, CarePlan
from hub_app.schedule import Occurrence, occurrences_between
from hub_app.context import HubContext
from hub_app.store import AuditEntry
from vocabulary import Event, EventKind

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(hours=24)  # a store that never marked how far it looked (new, or upgraded) looks this far
ALARM_LOOK_BACK = timedelta(hours=24)  # a dose missed longer ago while the hub was off is reported, not alarmed
MARK_EVERY = timedelta(minutes=5)  # how stale the stored mark may be: a stale one only means looking twice
LOOKED = "reminders"  # the store's mark: every occurrence before it has been looked at
DISPENSER_GRACE = timedelta(minutes=10)  # the dispenser's own word on a dose may come this late
DOSE_PRIORITY, REMINDER_PRIORITY = 1, 1  # outbox: after alarms, before readings


class ReminderError(Exception):
    """A reminder action that cannot be done, in plain words."""


@dataclass(frozen=True)
class ReminderView:
    """What the reminder screen shows."""

    uid: str
    kind: str  # medication, measurement, check_in
    item_id: str
    title: str
    due_at: datetime
    closes_at: datetime
    state: str  # due, shown, taken, confirmed, missed, missed_while_off, done
    late: bool = False
    repeat: int = 0
    with_dispenser: bool = False

    @property
    def open(self) -> bool:
        return self.state in ("due", "shown")


class Reminders:
    def __init__(self, ctx: HubContext, *, has_dispenser: Callable[[], bool],
                 on_change: Callable[[ReminderView], None], missed_dose: Callable[[Event], Awaitable[Any]]) -> None:
        self._store = ctx.store
        self._clock = ctx.clock
        self._zone = ZoneInfo(ctx.zone)
        self._repeat = timedelta(minutes=ctx.config.alarms.reminder_repeat_minutes)
        self._has_dispenser = has_dispenser
        self._on_change = on_change
        self._missed_dose = missed_dose
        # The plans in force since the hub last looked, each from when it came into
        # force: the time before a new plan is still looked at under the old one (a
        # newer plan file found at start must not wipe out the doses of the power cut).
        self._plans: list[tuple[datetime, CarePlan]] = []
        self._looked: datetime | None = None  # in memory; the store's mark may be up to MARK_EVERY older
        self._marked: datetime | None = None

    @property
    def plan(self) -> CarePlan:
        return self._plans[-1][1] if self._plans else EMPTY_PLAN

    def set_plan(self, plan: CarePlan, applied_at: datetime) -> None:
        self._plans.append((applied_at, plan))

    # -- what is due -----------------------------------------------------------------------

    def _dispensed(self, occurrence_kind: str, detail: dict[str, Any]) -> bool:
        return occurrence_kind == "medication" and detail.get("compartment") is not None and self._has_dispenser()

    async def due(self) -> None:
        """Bring every occurrence up to now. Safe to call at any time, any number of times."""
        now = self._clock()
        if self._looked is None:
            self._marked = self._store.mark(LOOKED)
        start = self._looked or self._marked or now - LOOK_BACK
        begun = False
        for occurrence in self._since(start, now):
            if self._store.reminder(occurrence.uid) is None:
                await self._begin(occurrence, now)
                begun = True
        for row in self._store.open_reminders():
            await self._follow(row, now)
        self._looked = now
        if begun or len(self._plans) > 1 or self._marked is None or not timedelta(0) <= now - self._marked < MARK_EVERY:
            self._store.set_mark(LOOKED, now)
            self._marked = now
        # Older plans are done with; one applied while this look waited (on a missed
        # dose's alarm) is kept, so the time before it is still looked at under its own.
        in_force = [i for i, (applied, _) in enumerate(self._plans) if applied <= now]
        self._plans = self._plans[in_force[-1] if in_force else 0:]

    def _since(self, start: datetime, now: datetime) -> list[Occurrence]:
        """Every occurrence from `start` to now, each under the plan in force at its time.
        A plan that came into force since also brings its occurrences whose window was
        still open then (a dose the nurse added for this morning, at 08:10, is shown)."""
        found = []
        end = now + timedelta(microseconds=1)
        for i, (applied, plan) in enumerate(self._plans):
            until = self._plans[i + 1][0] if i + 1 < len(self._plans) else end
            begin = max(start, applied)
            if begin >= until:
                continue
            replaced = i > 0
            for o in occurrences_between(plan, applied - timedelta(hours=12) if replaced else begin, until, self._zone):
                if o.at >= begin or (replaced and o.closes > applied):
                    found.append(o)
        return found

    def _same_dose(self, o: Occurrence) -> dict[str, Any] | None:
        """The reminder already made for this dose at another time, if a plan change moved
        it (the morning dose from 08:00 to 08:45 after it was taken at 08:00): nearer
        than its window, which a plan never lets two doses of one medicine be."""
        if o.kind != "medication":
            return None
        window = timedelta(minutes=o.window_minutes)
        near = self._store.reminders_near(o.kind, o.item_id, o.at - window + timedelta(microseconds=1), o.at + window)
        return next((row for row in near if row["uid"] != o.uid), None)

    async def _begin(self, o: Occurrence, now: datetime) -> None:
        detail = {"title": o.title, "compartment": o.compartment, "repeat": 0, "shown_at": now.isoformat()}
        same = self._same_dose(o)
        if same is not None:
            # Never a second reminder for one dose: kept as moved, with what it is the same as.
            self._store.put_reminder(o.uid, o.kind, o.item_id, o.at, o.closes, "moved", {**detail, "same_as": same["uid"]},
                                     audit=AuditEntry("system", "reminder.moved", subject=o.uid,
                                                      detail={"same_as": same["uid"]}))
            log.info("Reminder %s is the same dose as %s, moved by a plan change: not given again", o.uid, same["uid"])
            return
        dispensed = self._dispensed(o.kind, detail)
        closes = o.closes + (DISPENSER_GRACE if dispensed else timedelta(0))
        if now < closes:
            late = now - o.at > timedelta(minutes=1)
            detail["late"] = late
            event = Event(EventKind.REMINDER, f"{o.kind}_due", "plan", o.at,
                          {"item": o.item_id, "occurrence": o.uid, "late": late, "due": o.at.isoformat()})
            self._store.put_reminder(o.uid, o.kind, o.item_id, o.at, o.closes, "due", detail, event=event)
            log.info("Reminder %s due (%s)%s", o.uid, o.kind, " late, after the hub was off" if late else "")
            self._on_change(self._view(self._store.reminder(o.uid)))
            return
        # The whole window passed while the hub was off.
        event = self._missed_event(o.kind, o.item_id, o.uid, o.at, o.compartment, while_off=True)
        self._store.put_reminder(o.uid, o.kind, o.item_id, o.at, o.closes, "missed_while_off", detail, event=event,
                                 outbox_priority=DOSE_PRIORITY if o.kind == "medication" else REMINDER_PRIORITY,
                                 audit=AuditEntry("system", "reminder.missed_while_off", subject=o.uid))
        log.warning("Reminder %s (%s) was missed while the hub was off", o.uid, o.kind)
        if o.kind == "medication" and now - o.closes < ALARM_LOOK_BACK:
            # Older ones (a hub off for days) go to the nurse as records only: the care
            # service has its own alarm for a hub it stopped hearing from.
            await self._missed_dose(event)

    def _missed_event(self, kind: str, item_id: str, uid: str, due: datetime, compartment: int | None,
                      while_off: bool) -> Event:
        data = {"item": item_id, "occurrence": uid, "due": due.isoformat(), "missed_while_hub_off": while_off}
        if kind == "medication":
            if compartment is not None:
                data["compartment"] = compartment
            return Event(EventKind.DOSE, "dose_missed", "plan", self._clock(), data)
        return Event(EventKind.REMINDER, f"{kind}_missed", "plan", self._clock(), data)

    async def _follow(self, row: dict[str, Any], now: datetime) -> None:
        detail = row["detail"]
        due, closes = datetime.fromisoformat(row["due_at"]), datetime.fromisoformat(row["closes_at"])
        dispensed = self._dispensed(row["kind"], detail)
        if now >= closes + (DISPENSER_GRACE if dispensed else timedelta(0)):
            await self._close(row, now)
            return
        if row["kind"] == "medication" and now < closes:
            shown = datetime.fromisoformat(detail["shown_at"])
            if now - shown >= self._repeat:
                detail = {**detail, "repeat": detail.get("repeat", 0) + 1, "shown_at": now.isoformat()}
                self._store.put_reminder(row["uid"], row["kind"], row["item_id"], due, closes, "shown", detail)
                log.info("Reminder %s not answered: given again", row["uid"])
                self._on_change(self._view(self._store.reminder(row["uid"])))

    async def _close(self, row: dict[str, Any], now: datetime) -> None:
        due = datetime.fromisoformat(row["due_at"])
        detail = row["detail"]
        if row["kind"] == "check_in":
            state, event = "done", None  # the call issue records whether it was answered
        else:
            state = "missed"
            event = self._missed_event(row["kind"], row["item_id"], row["uid"], due, detail.get("compartment"), False)
        self._store.put_reminder(row["uid"], row["kind"], row["item_id"], due, datetime.fromisoformat(row["closes_at"]),
                                 state, detail, event=event,
                                 outbox_priority=DOSE_PRIORITY if row["kind"] == "medication" else REMINDER_PRIORITY)
        log.info("Reminder %s closed: %s", row["uid"], state)
        self._on_change(self._view(self._store.reminder(row["uid"])))
        if row["kind"] == "medication" and event is not None:
            await self._missed_dose(event)

    def next_due(self) -> datetime | None:
        """When `due()` next has something to do."""
        now = self._clock()
        times = [o.at for o in occurrences_between(self.plan, now, now + timedelta(days=2), self._zone)]
        for row in self._store.open_reminders():
            closes = datetime.fromisoformat(row["closes_at"])
            times.append(closes + (DISPENSER_GRACE if self._dispensed(row["kind"], row["detail"]) else timedelta(0)))
            if row["kind"] == "medication":
                times.append(datetime.fromisoformat(row["detail"]["shown_at"]) + self._repeat)
        return min(times) if times else None

    # -- answers ---------------------------------------------------------------------------

    async def confirm(self, uid: str, by: str = "resident") -> ReminderView:
        """The resident says the medicine is taken (no dispenser), or the measurement done."""
        row = self._store.reminder(uid)
        if row is None or row["state"] not in ("due", "shown"):
            # Never a second "taken" for one dose, and never one before it is due.
            raise ReminderError("this reminder is not open: nothing was recorded")
        due, closes = datetime.fromisoformat(row["due_at"]), datetime.fromisoformat(row["closes_at"])
        if row["kind"] == "medication":
            if self._dispensed("medication", row["detail"]):
                raise ReminderError("this dose is in the dispenser: take it from there")
            state = "confirmed"
            event = Event(EventKind.DOSE, "dose_taken", "screen", self._clock(),
                          {"item": row["item_id"], "occurrence": uid, "due": due.isoformat(), "confirmed_by": by})
        else:
            state = "done"
            event = Event(EventKind.REMINDER, f"{row['kind']}_done", "screen", self._clock(),
                          {"item": row["item_id"], "occurrence": uid})
        # A dose taken goes to the care service; a measurement done is told by its reading.
        self._store.put_reminder(uid, row["kind"], row["item_id"], due, closes, state, row["detail"], event=event,
                                 outbox_priority=DOSE_PRIORITY if row["kind"] == "medication" else None,
                                 audit=AuditEntry(by, f"reminder.{state}", subject=uid))
        view = self._view(self._store.reminder(uid))
        self._on_change(view)
        return view

    async def dispenser_event(self, event: Event) -> None:
        """The dispenser's DOSE_TAKEN or DOSE_MISSED ends the open reminder for its compartment."""
        if event.type not in ("dose_taken", "dose_missed"):
            return
        compartment = event.data.get("compartment")
        due_text = event.data.get("due")
        due = datetime.fromisoformat(due_text) if isinstance(due_text, str) else due_text
        for row in self._store.open_reminders():
            if row["kind"] != "medication" or row["detail"].get("compartment") != compartment:
                continue
            row_due = datetime.fromisoformat(row["due_at"])
            if due is not None and abs((row_due - due).total_seconds()) > 60:
                continue
            state = "taken" if event.type == "dose_taken" else "missed"
            self._store.put_reminder(row["uid"], row["kind"], row["item_id"], row_due,
                                     datetime.fromisoformat(row["closes_at"]), state,
                                     {**row["detail"], "dispenser_event": event.uid})
            log.info("Reminder %s ended by the dispenser: %s", row["uid"], state)
            self._on_change(self._view(self._store.reminder(row["uid"])))
            if state == "missed":
                await self._missed_dose(event)
            return
        # Done already, by this very event (its reaction is being done again after a
        # restart): the missed dose's alarm is raised if it was not yet (raising it is
        # idempotent by its occurrence).
        ended = self._store.reminder_ended_by(event.uid)
        if ended is not None and ended["state"] == "missed":
            await self._missed_dose(event)

    # -- views -----------------------------------------------------------------------------

    def _view(self, row: dict[str, Any] | None) -> ReminderView:
        assert row is not None
        detail = row["detail"]
        return ReminderView(row["uid"], row["kind"], row["item_id"], detail.get("title", row["item_id"]),
                            datetime.fromisoformat(row["due_at"]), datetime.fromisoformat(row["closes_at"]),
                            row["state"], bool(detail.get("late")), int(detail.get("repeat", 0)),
                            self._dispensed(row["kind"], detail))

    def open(self) -> list[ReminderView]:
        return [self._view(row) for row in self._store.open_reminders()]

    def shown(self) -> list[ReminderView]:
        """The open reminders the resident sees; a check-in is a call, and rings on the call screen instead."""
        return [r for r in self.open() if r.kind != "check_in"]

    def dose_slots(self, hours: int = 24) -> list[Occurrence]:
        """The medicine occurrences with a compartment in the next `hours`: the dispenser's schedule."""
        now = self._clock()
        return [o for o in occurrences_between(self.plan, now - timedelta(hours=1), now + timedelta(hours=hours), self._zone)
                if o.kind == "medication" and o.compartment is not None and o.closes > now
                and self._same_dose(o) is None]
