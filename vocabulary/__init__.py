"""The words every layer shares: event kinds, and one catalogue per concept (alarm kinds,
measures, device kinds and BLE profiles).

Standard library only, so that drivers, devices, sync, the hub core and the care
service can all import it without pulling in each other.
"""

from vocabulary.alarm_kinds import ALARM_KINDS, PERSON_ALARM_KINDS, AlarmKind
from vocabulary.device_kinds import BLE_PROFILES, BleProfile, DeviceKind
from vocabulary.events import Event, EventKind, Problem, utc_now
from vocabulary.measures import MEASURES, READING_TYPES, Measure, ReadingType
from vocabulary.plan import PlanItem, overlapping_doses

__all__ = ["ALARM_KINDS", "BLE_PROFILES", "MEASURES", "PERSON_ALARM_KINDS", "READING_TYPES", "AlarmKind", "BleProfile",
           "DeviceKind", "Event", "EventKind", "Measure", "PlanItem", "Problem", "ReadingType", "overlapping_doses",
           "utc_now"]
