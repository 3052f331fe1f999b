"""The care plan in force: read at start, replaced by a newer valid one (from the care
service, a file or the technician), its wall-clock jobs, its limits for the readings,
the dispenser's next 24 hours of doses, and what the resident sees of it (today's
items, "My data")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from devices.dispenser import DoseSlot
from hub_app.activity import ActivityWatch
from hub_app.alarms import Alarms
from hub_app.care_plan import CONSENT_FEATURES, EMPTY_PLAN, CarePlan, PlanError, load_plan_file, plan_from_json
from hub_app.context import HubContext
from hub_app.reminders import Reminders
from hub_app.schedule import LocalTimesTrigger, occurrences
from hub_app.screen_state import ScreenState
from hub_app.serial_devices import SerialDevices
from hub_app.store import AuditEntry
from hub_app.vitals import DEFAULT_LIMITS, Assessment, Limits, assess
from vocabulary import Event, PlanItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MyData:
    """What the "My data" screen tells the resident."""

    counts: dict[str, int]  # event kind -> how many the hub keeps now
    keep_days: int
    consent: dict[str, Any]  # feature -> Consent (or None: never recorded)
    relatives: tuple[str, ...]  # who may get an SMS about an alarm (consented)
    service_configured: bool


class PlanKeeper:
    def __init__(self, ctx: HubContext, *, reminders: Reminders, alarms: Alarms, activity: ActivityWatch,
                 serial: SerialDevices, scheduler: AsyncIOScheduler, screen: ScreenState) -> None:
        self._ctx, self._reminders, self._alarms, self._activity = ctx, reminders, alarms, activity
        self._serial, self._scheduler, self._screen = serial, scheduler, screen
        self.plan: CarePlan = EMPTY_PLAN
        # The resident's limits for vital signs; the care plan replaces the defaults.
        self.limits: dict[str, Limits] = dict(DEFAULT_LIMITS)
        self._dispenser_loaded_for: date | None = None

    def load_at_start(self) -> None:
        """The plan in force from the store, then the configured file if it is newer."""
        store = self._ctx.store
        row = store.plan_in_force()
        if row is not None:
            try:
                self._use(plan_from_json(row["document"]), datetime.fromisoformat(row["applied_at"]))
            except PlanError as exc:  # cannot happen for a plan we stored; said, never fatal
                log.error("The stored care plan cannot be read: %s", exc)
        path = self._ctx.config.plan_file
        if path is not None:
            try:
                plan = load_plan_file(path)
            except PlanError as exc:
                log.error("%s\nThe plan in force stays (version %d).", exc, self.plan.version)
                store.audit(AuditEntry("system", "plan.refused", detail={"source": str(path), "problems": exc.problems}))
                return
            if plan.version > self.plan.version:
                self._save(plan, str(path), "system")
        self._schedule()

    async def apply(self, plan: CarePlan, source: str, by: str = "nurse") -> int:
        """Put a (valid) plan in force; an older or equal version is refused, the plan in force stays."""
        if plan.version <= self.plan.version:
            raise PlanError(source, [f"version {plan.version} is not newer than the plan in force "
                                     f"(version {self.plan.version})"])
        self._save(plan, source, by)
        self._schedule()
        self.load_dispenser()
        await self._ctx.look()
        return plan.version

    async def apply_file(self, path: str) -> int:
        try:
            plan = load_plan_file(Path(path))
        except PlanError as exc:
            self._ctx.store.audit(AuditEntry("technician", "plan.refused", detail={"source": path,
                                                                                    "problems": exc.problems}))
            raise
        return await self.apply(plan, path, by="technician")

    def _save(self, plan: CarePlan, source: str, by: str) -> None:
        store, now = self._ctx.store, self._ctx.clock()
        store.save_plan(plan.version, plan.to_json(), source,
                        AuditEntry(by, "plan.applied", subject=str(plan.version), detail={"source": source}), at=now)
        previous = self.plan
        self._use(plan, now)
        for feature in CONSENT_FEATURES:
            if previous.consented(feature) != plan.consented(feature):
                entry = plan.consent.get(feature)
                store.audit(AuditEntry(by, "consent.given" if plan.consented(feature) else "consent.withdrawn",
                                       subject=feature, detail={"recorded_by": entry.recorded_by if entry else "",
                                                                "recorded_at": entry.recorded_at if entry else ""}))
        if previous.consented("vital_sign_sharing") and not plan.consented("vital_sign_sharing"):
            dropped = store.drop_pending_readings()
            log.info("Vital-sign sharing withdrawn: %d reading(s) waiting to be sent will not be", dropped)
        log.info("Care plan version %d in force (from %s)", plan.version, source)

    def _use(self, plan: CarePlan, applied_at: datetime) -> None:
        self.plan = plan
        self.limits = dict(plan.limits)
        self._reminders.set_plan(plan, applied_at)
        self._alarms.plan = plan
        self._activity.plan = plan

    def _schedule(self) -> None:
        """One APScheduler job per plan item, at its wall-clock times (LocalTimesTrigger)."""
        for job in self._scheduler.get_jobs():
            if job.id.startswith("plan:"):
                job.remove()
        zone, look = self._ctx.zone, self._ctx.look
        for kind, items in (("medication", self.plan.medications), ("measurement", self.plan.measurements)):
            for item in items:
                self._scheduler.add_job(look, LocalTimesTrigger(item.times, zone, item.days), id=f"plan:{kind}:{item.id}")
        for check_in in self.plan.check_ins:
            self._scheduler.add_job(look, LocalTimesTrigger((check_in.time,), zone, check_in.days),
                                    id=f"plan:check_in:{check_in.id}")

    def load_dispenser(self) -> None:
        """Hand the dispenser the next 24 hours of doses, in the background: a slow or
        unplugged dispenser never holds up reminders and alarms (it is loaded again
        after every reconnection by its own driver)."""
        dispenser = self._serial.dispenser()
        if dispenser is None:
            return
        slots = [DoseSlot(o.compartment, o.at, o.window_minutes) for o in self._reminders.dose_slots()
                 if o.compartment is not None]

        async def load() -> None:
            try:
                await dispenser.set_schedule(slots)
                log.info("The dispenser was given %d dose(s)", len(slots))
            except Exception as exc:  # the dispenser says why; the screen still reminds
                log.warning("The dispenser's schedule could not be loaded: %s", exc)

        self._ctx.spawn(load())

    async def look(self) -> None:
        """Reminders due now, today's items on the home screen, and once a day the dispenser."""
        await self._reminders.due()
        zone = ZoneInfo(self._ctx.zone)
        today = self._ctx.today()
        self._screen.set_today(tuple(PlanItem(at=o.at, kind=o.kind, title=o.title)
                                     for o in occurrences(self.plan, today, 1, zone)))
        if self._dispenser_loaded_for != today:
            self._dispenser_loaded_for = today
            self.load_dispenser()

    # -- the resident's readings and data ------------------------------------------------

    def assess(self, reading: Event) -> Assessment:
        """A reading against the resident's limits (pure: callable from any thread)."""
        return assess(reading, self.limits)

    async def reading_history(self, reading_type: str, days: int) -> list[tuple[Event, Assessment]]:
        """The readings of the last `days` days, oldest first, each with its assessment."""
        since = self._ctx.clock() - timedelta(days=days)
        return [(event, self.assess(event)) for event in self._ctx.store.readings_since(reading_type, since)]

    async def my_data(self) -> MyData:
        plan, config = self.plan, self._ctx.config
        relatives = tuple(c.name for c in plan.contacts if c.consent) if plan.consented("relatives_told") else ()
        return MyData(counts=self._ctx.store.event_counts(), keep_days=config.privacy.keep_days,
                      consent={f: plan.consent.get(f) for f in CONSENT_FEATURES}, relatives=relatives,
                      service_configured=bool(config.care_service.url))
