"""Vital signs against the resident's limits: green, yellow or red.

A reading is stored as the device measured it (its own units); the measures' catalogue
(vocabulary/measures.py) makes it the few numbers a resident and a nurse look at, in
the units they use (mmHg, %, degrees Celsius, kg, mmol/L), and here they get a band.
Each measure has a green range and a wider yellow range; outside yellow is red. The
resident's own limits come from the care plan; until one gives them, DEFAULT_LIMITS
apply, the catalogue's (the adult ranges of the NEWS2 early-warning score for pulse,
oxygen and temperature, and the common home-measurement limits for blood pressure and
blood sugar). Weight has no band: what matters there is change.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vocabulary import Event
from vocabulary import measures as catalogue


class Band(str, enum.Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    def worse(self, other: Band) -> Band:
        order = (Band.GREEN, Band.YELLOW, Band.RED)
        return max(self, other, key=order.index)


@dataclass(frozen=True)
class Limits:
    """Green from `green[0]` to `green[1]` (inclusive); yellow likewise; else red."""

    green: tuple[float, float]
    yellow: tuple[float, float]

    def __post_init__(self) -> None:
        (g_low, g_high), (y_low, y_high) = self.green, self.yellow
        if not (y_low <= g_low <= g_high <= y_high):
            raise ValueError(f"the green range {self.green} must lie inside the yellow range {self.yellow}")

    def band(self, value: float) -> Band:
        if self.green[0] <= value <= self.green[1]:
            return Band.GREEN
        if self.yellow[0] <= value <= self.yellow[1]:
            return Band.YELLOW
        return Band.RED


# measure -> the unit it is shown and judged in
MEASURES: dict[str, str] = {m.name: m.unit for m in catalogue.MEASURES.values()}

DEFAULT_LIMITS: dict[str, Limits] = {m.name: Limits(*m.limits) for m in catalogue.MEASURES.values() if m.limits}


@dataclass(frozen=True)
class Assessment:
    """What a reading says, for the resident's screen and for escalation."""

    reading_type: str
    values: dict[str, float]  # measure -> value in MEASURES' unit (only those measured)
    band: Band | None  # None: nothing here has limits (weight)
    bands: dict[str, Band] = field(default_factory=dict)  # measure -> band
    notes: tuple[str, ...] = ()  # what the device noticed: irregular_pulse, cuff_too_loose, body_movement, ...


def measured_values(reading_type: str, data: Mapping[str, Any]) -> dict[str, float]:
    """The numbers of a stored reading in display units; "no value" fields are left out."""
    return catalogue.values(reading_type, data)


_NOTE_FLAGS = ("irregular_pulse", "cuff_too_loose", "body_movement", "improper_position",
               "questionable_measurement_detected", "sensor_displaced", "low_perfusion_detected")


def assess(event: Event, limits: Mapping[str, Limits] = DEFAULT_LIMITS) -> Assessment:
    values = measured_values(event.type, event.data)
    bands = {measure: limits[measure].band(value) for measure, value in values.items() if measure in limits}
    band: Band | None = None
    for measure_band in bands.values():
        band = measure_band if band is None else band.worse(measure_band)
    notes: list[str] = []
    for key in ("status", "measurement_status", "device_status"):
        flags = event.data.get(key) or {}
        notes += [name for name in _NOTE_FLAGS if flags.get(name)]
    if (event.data.get("status") or {}).get("pulse_rate_range") in ("above", "below"):
        notes.append("pulse_out_of_range")
    return Assessment(event.type, values, band, bands, tuple(dict.fromkeys(notes)))
