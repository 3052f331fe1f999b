"""Out of bed at night, a door opened at night with no return, and no activity in the
day: alarms made from the bed and door sensors, only when the resident consented to
this monitoring.

Both are worked out from the events in the store (the last bed event, the last sign of
life), not from timers held in memory, so a restart changes nothing: a resident out of
bed since 02:10 is still out of bed since 02:10 when the hub comes back at 02:25.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub_app.care_plan import EMPTY_PLAN, CarePlan
from hub_app.context import HubContext
from vocabulary import Event, EventKind

CONSENT = "bed_and_inactivity_monitoring"
# Events that show the resident is up and about: movement, a measurement, a dose taken
# (or tried too early), anything done on the screen, and "I'm OK".
SIGN_OF_LIFE = ("kind IN (?, ?) OR (kind = ? AND type IN ('dose_taken', 'early_attempt')) OR source = 'screen' "
                "OR type = 'alarm_cancelled'")
SIGN_OF_LIFE_ARGS = (EventKind.ACTIVITY.value, EventKind.READING.value, EventKind.DOSE.value)
# Signs that the resident is inside: in or out of bed, a measurement, a dose, the screen.
# (A door closing alone is no sign: somebody may have shut it from outside.)
INSIDE = ("(kind = ? AND type IN ('bed_exit', 'bed_return')) OR kind = ? OR (kind = ? AND type IN ('dose_taken', "
          "'early_attempt')) OR source = 'screen' OR type = 'alarm_cancelled'")
INSIDE_ARGS = SIGN_OF_LIFE_ARGS


@dataclass(frozen=True)
class Finding:
    alarm_type: str  # out_of_bed_at_night, door_open_at_night, inactivity
    since: datetime  # the event the alarm is about (its identity: one alarm per episode)
    key: str


def in_window(moment: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    local = moment.astimezone(zone).time()
    return start <= local < end if start < end else local >= start or local < end


class ActivityWatch:
    def __init__(self, ctx: HubContext) -> None:
        self._store = ctx.store
        self._clock = ctx.clock
        self._zone = ZoneInfo(ctx.zone)
        self.plan: CarePlan = EMPTY_PLAN

    def _last(self, types: tuple[str, ...]) -> Event | None:
        found = self._store.events(kind=EventKind.ACTIVITY, limit=1, where=f"type IN ({', '.join('?' * len(types))})",
                                   args=types)
        return found[0] if found else None

    def findings(self) -> list[Finding]:
        """What is overdue now (the caller starts each alarm once, by its key)."""
        if not self.plan.consented(CONSENT):
            return []
        now = self._clock()
        found = []
        night = self.plan.night
        bed = self._last(("bed_exit", "bed_return"))
        if (bed is not None and bed.type == "bed_exit" and in_window(bed.occurred_at, night.start, night.end, self._zone)
                and now - bed.occurred_at >= timedelta(minutes=night.out_of_bed_minutes)):
            found.append(Finding("out_of_bed_at_night", bed.occurred_at, f"out_of_bed/{bed.uid}"))
        door = self._door_left_open()
        if door is not None and now - door.occurred_at >= timedelta(minutes=night.door_minutes):
            found.append(Finding("door_open_at_night", door.occurred_at, f"door/{door.uid}"))
        if not in_window(now, night.start, night.end, self._zone):
            last = self._last_sign_of_life()
            if last is not None and now - last >= timedelta(hours=self.plan.inactivity_hours):
                # Quiet hours at night do not count: the day's clock starts when the night ends.
                found.append(Finding("inactivity", last, f"inactivity/{last.isoformat()}"))
        return found

    def _door_left_open(self) -> Event | None:
        """The last door opening, if it was in the night window and the resident has not
        been seen back inside since (the door closed, then a sign of life inside), within
        the plan's minutes. A return seen later than that still ends the episode, but the
        alarm made meanwhile stays (a person looks)."""
        door = self._last(("door_open",))
        night = self.plan.night
        if door is None or not in_window(door.occurred_at, night.start, night.end, self._zone):
            return None
        closed = self._store.events(kind=EventKind.ACTIVITY, limit=1, where="type = 'door_close' AND occurred_at >= ?",
                                    args=(door.occurred_at.isoformat(),))
        if closed:
            inside = self._store.events(limit=1, where=f"({INSIDE}) AND occurred_at >= ?",
                                        args=(*INSIDE_ARGS, closed[0].occurred_at.isoformat()))
            if inside:
                return None
        return door

    def _last_sign_of_life(self) -> datetime | None:
        # Only what the resident did: the dispenser saying a dose is due, or the hub
        # recording one missed, is no sign of life. Asked of the store by kind, so a busy
        # day of device chatter cannot push the resident's last movement out of sight.
        times = [e.occurred_at for e in self._store.events(limit=50, where=SIGN_OF_LIFE, args=SIGN_OF_LIFE_ARGS)]
        if not times:
            return None
        latest = max(times)
        night_end = datetime.combine(self._clock().astimezone(self._zone).date(), self.plan.night.end, tzinfo=self._zone)
        return max(latest, night_end) if night_end <= self._clock() else latest

    def next_due(self) -> datetime | None:
        if not self.plan.consented(CONSENT):
            return None
        now = self._clock()
        times = []
        bed = self._last(("bed_exit", "bed_return"))
        if bed is not None and bed.type == "bed_exit":
            times.append(bed.occurred_at + timedelta(minutes=self.plan.night.out_of_bed_minutes))
        door = self._door_left_open()
        if door is not None:
            times.append(door.occurred_at + timedelta(minutes=self.plan.night.door_minutes))
        last = self._last_sign_of_life()
        if last is not None:
            times.append(last + timedelta(hours=self.plan.inactivity_hours))
        future = [t for t in times if t > now]
        return min(future) if future else None
