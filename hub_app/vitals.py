"""Vital signs against the resident's limits: green, yellow or red.

A reading is stored as the device measured it (its own units); here it becomes the few
numbers a resident and a nurse look at, in the units they use (mmHg, %, degrees
Celsius, kg, mmol/L), and a band. Each measure has a green range and a wider yellow
range; outside yellow is red. The resident's own limits come from the care plan; until
one gives them, DEFAULT_LIMITS apply (the adult ranges of the NEWS2 early-warning
score for pulse, oxygen and temperature, and the common home-measurement limits for
blood pressure and blood sugar). Weight has no band: what matters there is change.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drivers.ble import units
from vocabulary import Event


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
MEASURES: dict[str, str] = {
    "systolic": units.MMHG, "diastolic": units.MMHG, "pulse": units.PER_MINUTE, "spo2": units.PERCENT,
    "temperature": units.CELSIUS, "weight": units.KILOGRAM, "glucose": units.MMOL_PER_L,
}

DEFAULT_LIMITS: dict[str, Limits] = {
    "systolic": Limits(green=(100, 139), yellow=(90, 179)),
    "diastolic": Limits(green=(60, 89), yellow=(50, 109)),
    "pulse": Limits(green=(51, 90), yellow=(41, 130)),
    "spo2": Limits(green=(96, 100), yellow=(92, 100)),
    "temperature": Limits(green=(36.1, 38.0), yellow=(35.1, 39.0)),
    "glucose": Limits(green=(4.0, 10.0), yellow=(3.5, 15.0)),
}


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
    def put(out: dict[str, float], measure: str, value: float | None) -> None:
        if value is not None:
            out[measure] = round(value, 1)

    out: dict[str, float] = {}
    if reading_type == "blood_pressure":
        unit = data.get("unit", units.MMHG)
        put(out, "systolic", units.to_mmhg(data.get("systolic"), unit))
        put(out, "diastolic", units.to_mmhg(data.get("diastolic"), unit))
        put(out, "pulse", data.get("pulse_rate"))
    elif reading_type == "oxygen_saturation":
        put(out, "spo2", data.get("spo2"))
        put(out, "pulse", data.get("pulse_rate"))
    elif reading_type == "heart_rate":
        put(out, "pulse", data.get("heart_rate"))
    elif reading_type == "body_temperature":
        put(out, "temperature", units.to_celsius(data.get("temperature"), data.get("unit", units.CELSIUS)))
    elif reading_type == "body_weight":
        put(out, "weight", units.to_kg(data.get("weight"), data.get("unit", units.KILOGRAM)))
    elif reading_type == "blood_glucose":
        put(out, "glucose", data.get("concentration_mmol_per_l"))
    return out


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
