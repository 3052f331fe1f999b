"""The words every layer shares: event kinds, alarm sources, device kinds.

Standard library only, so that drivers, devices, sync, the hub core and the care
service can all import it without pulling in each other.
"""

from vocabulary.alarm_kinds import PERSON_ALARM_KINDS
from vocabulary.events import DeviceKind, Event, EventKind, Problem, utc_now
from vocabulary.plan import PlanItem, overlapping_doses

__all__ = ["PERSON_ALARM_KINDS", "DeviceKind", "Event", "EventKind", "PlanItem", "Problem", "overlapping_doses", "utc_now"]
