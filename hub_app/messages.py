"""What the core tells the screens (and tests, and the demo): one immutable message per
change, delivered on the core's thread to every subscriber (`Core.subscribe`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub_app.alarms import AlarmView
from hub_app.calls import CallView
from hub_app.reminders import ReminderView
from hub_app.service_inbox import NurseMessage
from vocabulary import Event, PlanItem, Problem


@dataclass(frozen=True)
class HubState:
    """What the resident's screen shows, as one immutable snapshot."""

    problems: tuple[Problem, ...] = ()
    today: tuple[PlanItem, ...] = ()
    measures: tuple[str, ...] = ()  # profiles of the paired health devices: what the resident can measure


@dataclass(frozen=True)
class StateChanged:
    state: HubState


@dataclass(frozen=True)
class EventRecorded:
    event: Event


@dataclass(frozen=True)
class ReminderChanged:
    reminder: ReminderView


@dataclass(frozen=True)
class AlarmChanged:
    alarm: AlarmView


@dataclass(frozen=True)
class CallChanged:
    call: CallView


@dataclass(frozen=True)
class LiveValue:
    """A value shown while a measurement is under way (cuff pressure); never stored."""

    address: str
    profile: str
    value: dict[str, Any]


Message = StateChanged | EventRecorded | LiveValue | ReminderChanged | AlarmChanged | NurseMessage | CallChanged
