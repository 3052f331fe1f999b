"""The rules that turn what happens in the home into alarms: a device's event, a red
reading, a missed dose, a finding of the night watch, a care service gone quiet, a disk
filling up, an event the care service refused for good. A new rule goes here, and
nowhere else; the alarm kinds themselves are in `vocabulary.alarm_kinds`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from hub_app.activity import ActivityWatch
from hub_app.alarms import Alarms, CareLinkState
from hub_app.context import HubContext
from hub_app.messages import EventRecorded
from hub_app.plan_keeper import PlanKeeper
from hub_app.reminders import Reminders
from vocabulary import Event, EventKind

log = logging.getLogger(__name__)

UNREACHABLE_ALARM_AFTER = timedelta(minutes=30)  # a configured care service silent this long: a technical alarm
DOSE_PRIORITY, READING_PRIORITY = 1, 2  # outbox: after alarms (0)
REACTING_DEVICE_EVENTS = ("device_silent", "battery_low", "sensor_silent")  # each one an alarm
DOSE_ENDINGS = ("dose_taken", "dose_missed")  # the dispenser's word that ends a reminder


class Rules:
    def __init__(self, ctx: HubContext, *, alarms: Alarms, reminders: Reminders, plans: PlanKeeper,
                 activity: ActivityWatch, link_state: Callable[[], CareLinkState]) -> None:
        self._ctx, self._alarms, self._reminders, self._plans, self._activity = ctx, alarms, reminders, plans, activity
        self._link_state = link_state

    # -- the resident's Help button ---------------------------------------------------------

    async def help_pressed(self, source: str = "screen") -> Event:
        """The resident asked for help: the alarm recorded durably (into the outbox, in the
        same transaction), then it climbs its ladder until a person has it."""
        view = await self._alarms.start("help_button", source, {}, actor="resident")
        stored = self._alarms.event_of(view.uid)  # stored, or held while the store cannot write
        assert stored is not None
        # The kind of alarm can say something about the resident's health: debug only.
        log.info("Alarm raised from %s: event %s", source, stored.uid)
        log.debug("Alarm %s is of type %s", stored.uid, stored.type)
        self._ctx.emit(EventRecorded(stored))
        return stored

    # -- what a device's event means --------------------------------------------------

    def outbox_priority(self, event: Event) -> int | None:
        """Which device events go to the care service (alarms are queued when raised)."""
        if event.kind == EventKind.DOSE:
            return DOSE_PRIORITY
        if event.kind == EventKind.READING and self._plans.plan.consented("vital_sign_sharing"):
            return READING_PRIORITY
        return None

    def is_red(self, event: Event) -> bool:
        band = self._plans.assess(event).band
        return band is not None and band.value == "red"

    def needs_reaction(self, event: Event) -> bool:
        """Whether a device's event must lead to something (an alarm, a reminder ended): then
        a pending reaction is stored with it. A reading only when it is red, so the readings
        of a normal day cost no second write."""
        if event.kind == EventKind.READING:
            return self.is_red(event)
        return (event.kind == EventKind.ALARM or (event.kind == EventKind.DOSE and event.type in DOSE_ENDINGS)
                or (event.kind == EventKind.DEVICE and event.type in REACTING_DEVICE_EVENTS))

    async def react(self, event: Event) -> None:
        """Do what a stored event calls for. Idempotent by the event's uid."""
        if event.kind == EventKind.ALARM:
            await self._alarms.start(event.type, event.source, event.data, event.occurred_at, event_uid=event.uid)
        elif event.kind == EventKind.DOSE:
            await self._reminders.dispenser_event(event)
        elif event.kind == EventKind.READING:
            if self.is_red(event):
                await self._alarms.start("vital_sign_red", event.source, {"reading": event.uid, "type": event.type},
                                         key=f"red/{event.uid}")
        elif event.kind == EventKind.DEVICE and event.type in REACTING_DEVICE_EVENTS:
            # A pendant or fall sensor gone quiet is as serious as a silent device: the
            # resident believes it works. Its kind goes along, so the nurse knows which.
            alarm_type = "device_silent" if event.type == "sensor_silent" else event.type
            detail = {"sensor_kind": event.data["sensor_kind"]} if "sensor_kind" in event.data else {}
            await self._alarms.start(alarm_type, event.source, detail, key=f"device/{event.uid}")

    async def react_unstored(self, event: Event) -> None:
        """A device's alarm the store could not take (the disk full, read-only, failing)
        goes out all the same, held in memory with its event until the store can write
        (the device repeats it until it is stored; its uid makes the repeats one alarm)."""
        if event.kind == EventKind.ALARM:
            await self._alarms.start(event.type, event.source, event.data, event.occurred_at,
                                     event_uid=event.uid, unstored=event)

    async def missed_dose(self, event: Event) -> None:
        await self._alarms.start("missed_dose", event.source, {"dose": event.uid, "item": event.data.get("item", "")},
                                 key=f"missed/{event.data.get('occurrence') or event.uid}")

    # -- what the hub finds when it looks ------------------------------------------------

    async def look(self) -> None:
        """The night watch's findings, and a care service silent too long."""
        for finding in self._activity.findings():
            await self._alarms.start(finding.alarm_type, "sensors", {"since": finding.since.isoformat()},
                                     key=finding.key)
        link = self._link_state()
        if link.unreachable_since is not None and self._ctx.clock() - link.unreachable_since >= UNREACHABLE_ALARM_AFTER:
            await self._alarms.start("care_service_unreachable", "sync", {"reason": link.reason},
                                     key=f"link/{link.unreachable_since.isoformat()}")

    async def storage_low(self, free_bytes: int) -> None:
        """Free space below the mark: once a day while it lasts, while there is room to store it."""
        await self._alarms.start("storage_low", "hub", {"free_mb": free_bytes // 1_000_000},
                                 key=f"space/{self._ctx.today().isoformat()}")

    async def store_replaced(self, what: str, detail: dict) -> None:
        """The store could not be opened and was set aside at start (hub_app.store_recovery)."""
        await self._alarms.start("store_replaced", "hub", detail, key=f"store/{what}/{self._ctx.clock().isoformat()}")

    def refused(self, outbox_id: int, reason: str) -> None:
        """The care service refused an event for good: a dead letter, and a technical alarm."""
        self._ctx.spawn(self._alarms.start("sync_refused", "sync", {"outbox": outbox_id, "reason": reason},
                                           key=f"dead/{outbox_id}"))
