"""The hub's services, built on the core's loop and wired to each other: each is given
the same small context (hub_app.context) and the services it works with, never the
runtime itself. Read top to bottom, this is the map of the hub."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from hub_app.activity import ActivityWatch
from hub_app.alarms import Alarms
from hub_app.ble_devices import BleDevices
from hub_app.call_desk import CallDesk
from hub_app.care_link import CareLink
from hub_app.calls import Calls
from hub_app.context import HubContext
from hub_app.device_manager import EventHooks
from hub_app.device_report import device_report
from hub_app.diagnostics import Diagnostics
from hub_app.sms_receiver import SmsReceiver
from hub_app.logs import RecentLines
from hub_app.looking import Looking
from hub_app.messages import AlarmChanged, CallChanged, LiveValue, Message
from hub_app.plan_keeper import PlanKeeper
from hub_app.reactions import Reactions
from hub_app.reminders import Reminders
from hub_app.resident_settings import ResidentSettings
from hub_app.rules import Rules
from hub_app.schedule import plan_scheduler
from hub_app.screen_state import ScreenState
from hub_app.serial_devices import SerialDevices
from hub_app.storage_space import StorageSpace
from hub_app.store_upkeep import StoreUpkeep
from hub_app.technician import TechnicianDoor


@dataclass
class Services:
    screen: ScreenState
    serial: SerialDevices
    ble: BleDevices
    alarms: Alarms
    reminders: Reminders
    calls: Calls
    activity: ActivityWatch
    plans: PlanKeeper
    rules: Rules
    reactions: Reactions
    link: CareLink
    call_desk: CallDesk
    sms: SmsReceiver
    upkeep: StoreUpkeep
    door: TechnicianDoor
    settings: ResidentSettings
    diagnostics: Diagnostics
    looking: Looking
    scheduler: AsyncIOScheduler


def build(ctx: HubContext, *, subscribe: Callable[[Callable[[Message], None]], None], screen: ScreenState,
          looking: Looking, stopping: asyncio.Event,
          origins: frozenset[str], recent_logs: RecentLines, started_monotonic: float,
          device_options: dict[str, Any], ble_options: dict[str, Any]) -> Services:
    config, store, emit = ctx.config, ctx.store, ctx.emit
    # Services that need one made further down reach it through a lambda: it is looked up
    # when called, once everything here is built.

    def alarm_changed(view) -> None:
        emit(AlarmChanged(view))
        if view.state == "countdown":
            ctx.wake()  # the next wake-up: the end of its countdown, however short

    alarms = Alarms(ctx, link=lambda: link.state, on_change=alarm_changed)
    hooks = EventHooks(outbox_priority=lambda event: rules.outbox_priority(event),
                       reacts=lambda event: rules.needs_reaction(event),
                       stored=lambda event: reactions.device_event(event),
                       unstored=lambda event: reactions.device_event_unstored(event))
    sms = SmsReceiver(ctx, alarms)
    serial = SerialDevices(ctx, hooks, on_problems=screen.apply_problems, device_options=device_options,
                           on_sms=sms.from_modem,
                           on_assigned=lambda kind: plans.load_dispenser() if kind == "dispenser" else None)
    ble = BleDevices(ctx, hooks, on_problems=screen.apply_problems,
                     on_live=lambda address, profile, value: emit(LiveValue(address, profile, value)),
                     on_paired=screen.set_measures, device_options=ble_options)
    activity = ActivityWatch(ctx)
    reminders = Reminders(ctx, has_dispenser=lambda: serial.dispenser() is not None,
                          on_change=lambda view: call_desk.reminder_changed(view),
                          missed_dose=lambda event: rules.missed_dose(event))

    def call_changed(view) -> None:
        emit(CallChanged(view))
        if view.state == "ringing":
            ctx.wake()  # the next wake-up: its countdown, or ringing out

    calls = Calls(ctx, origins=lambda: origins, auto_answer=lambda: plans.plan.consented("auto_answer_calls"),
                  on_change=call_changed,
                  tell_service=lambda room, outcome: link.tell_call_outcome(room, outcome))
    scheduler = plan_scheduler(asyncio.get_running_loop(), ctx.zone)
    plans = PlanKeeper(ctx, reminders=reminders, alarms=alarms, activity=activity, serial=serial,
                       scheduler=scheduler, screen=screen)
    link = CareLink(ctx, alarms=alarms, calls=calls, plans=plans,
                    refused=lambda outbox_id, reason: rules.refused(outbox_id, reason),
                    devices=lambda: device_report([(d.status, d) for d in serial.devices.values()], ble.statuses()),
                    store_health=lambda: upkeep.health())
    rules = Rules(ctx, alarms=alarms, reminders=reminders, plans=plans, activity=activity,
                  link_state=lambda: link.state)
    reactions = Reactions(ctx, rules, stopping)
    call_desk = CallDesk(ctx, calls=calls, link=link, plans=plans)
    space = StorageSpace(config.data_dir, low_bytes=config.hub.storage_low_mb * 1_000_000,
                         reserve_bytes=config.hub.storage_reserve_mb * 1_000_000)
    upkeep = StoreUpkeep(ctx, space=space, screen=screen, space_low=rules.storage_low,
                         tell_service_now=link.heartbeat_now)
    store.on_write_problem = upkeep.problem
    subscribe(link.heard)  # an event or alarm may have reached the outbox: sent now
    space.keep_reserve()

    # What every look does, in this order, and when each part next wants one.
    looking.add("reactions", reactions.redo)
    looking.add("store", upkeep.look)
    looking.add("plan", plans.look, reminders.next_due)
    looking.add("calls", calls.due, calls.next_due)
    looking.add("findings", rules.look, activity.next_due)
    looking.add("heartbeat", _async(link.look))
    looking.add("alarms", alarms.due, alarms.next_due)
    return Services(screen=screen, serial=serial, ble=ble, alarms=alarms, reminders=reminders, calls=calls,
                    activity=activity, plans=plans, rules=rules, reactions=reactions, link=link, call_desk=call_desk,
                    sms=sms, upkeep=upkeep, door=TechnicianDoor(store, config.pin_file, ctx.clock),
                    settings=ResidentSettings(store, config.resident.larger_text),
                    diagnostics=Diagnostics(ctx, recent_logs, started_monotonic), looking=looking, scheduler=scheduler)


def _async(function):
    async def run() -> None:
        function()

    return run
