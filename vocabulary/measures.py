"""Every measure and kind of reading, once: LOINC and SNOMED CT codes, the UCUM unit the
hub judges, shows and sends it in, the units a device may send and their conversion,
and the default limits.

A reading is stored as the device measured it (the driver's JSON, with the device's
unit); `values` turns it into the few numbers people look at, in the measures' units.
Conversions are done here alone, in decimal, so 16.0 kPa is 120.00992 mmHg, not
120.00992000000001; they pass None ("no value") through. The hub's vital-sign bands
(`hub_app/vitals.py`), the FHIR mapping (`sync/fhir_mapping.py`), the BLE codecs and
the nurse's console read this table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vocabulary.codes import LOINC, SNOMED, Coding

# -- units (UCUM) -------------------------------------------------------------------------------
MMHG, KPA = "mmHg", "kPa"
CELSIUS, FAHRENHEIT = "Cel", "[degF]"
KILOGRAM, POUND = "kg", "[lb_av]"
KG_PER_L, MOL_PER_L = "kg/L", "mol/L"
MMOL_PER_L, MG_PER_DL = "mmol/L", "mg/dL"
PERCENT, PER_MINUTE = "%", "/min"

KPA_TO_MMHG = Decimal("7.50062")
POUND_TO_KG = Decimal("0.45359237")  # exact, by definition
GLUCOSE_MG_PER_DL_PER_MMOL_PER_L = Decimal("18.0156")  # molar mass of glucose 180.156 g/mol, / 10


def _times(value: float, factor: Decimal | int) -> float:
    return float(Decimal(repr(float(value))) * factor)


def _check(unit: str, known: tuple[str, ...], what: str) -> None:
    if unit not in known:
        raise ValueError(f"{unit!r} is not a {what} unit ({', '.join(known)})")


def to_mmhg(value: float | None, unit: str) -> float | None:
    """A pressure in mmHg (kPa x 7.50062)."""
    _check(unit, (MMHG, KPA), "pressure")
    if value is None:
        return None
    return float(value) if unit == MMHG else _times(value, KPA_TO_MMHG)


def to_celsius(value: float | None, unit: str) -> float | None:
    """A temperature in degrees Celsius ((F - 32) x 5/9)."""
    _check(unit, (CELSIUS, FAHRENHEIT), "temperature")
    if value is None:
        return None
    return float(value) if unit == CELSIUS else float((Decimal(repr(float(value))) - 32) * 5 / 9)


def to_kg(value: float | None, unit: str) -> float | None:
    """A weight in kilograms (lb x 0.45359237)."""
    _check(unit, (KILOGRAM, POUND), "weight")
    if value is None:
        return None
    return float(value) if unit == KILOGRAM else _times(value, POUND_TO_KG)


def glucose_to_mmol_per_l(value: float | None, unit: str) -> float | None:
    """A glucose concentration in mmol/L: mol/L x 1000; kg/L via mg/dL / 18.0156."""
    _check(unit, (KG_PER_L, MOL_PER_L), "glucose concentration")
    if value is None:
        return None
    if unit == MOL_PER_L:
        return _times(value, 1000)
    return float(Decimal(repr(float(value))) * 100000 / GLUCOSE_MG_PER_DL_PER_MMOL_PER_L)


def glucose_to_mg_per_dl(value: float | None, unit: str) -> float | None:
    """A glucose concentration in mg/dL: kg/L x 100000; mol/L via mmol/L x 18.0156."""
    _check(unit, (KG_PER_L, MOL_PER_L), "glucose concentration")
    if value is None:
        return None
    if unit == KG_PER_L:
        return _times(value, 100000)
    return _times(value, 1000 * GLUCOSE_MG_PER_DL_PER_MMOL_PER_L)


def _as_sent(value: float | None, unit: str) -> float | None:
    return value


# -- measures ------------------------------------------------------------------------------------

Range = tuple[float, float]


@dataclass(frozen=True)
class Measure:
    name: str  # systolic, diastolic, pulse, spo2, temperature, weight, glucose
    codings: tuple[Coding, ...]  # LOINC first (a measure is found again by it), then SNOMED CT
    unit: str  # UCUM, the unit the hub judges, shows and sends it in
    ucum: str  # the UCUM code FHIR carries (mm[Hg] for mmHg)
    shown: str  # the unit as people read it (°C)
    device_units: tuple[str, ...]  # the units a device may send it in; the first is assumed when none is said
    convert: Callable[[float | None, str], float | None] = _as_sent  # (value, a device unit) -> in `unit`
    limits: tuple[Range, Range] | None = None  # default (green, yellow); None: no band (weight: change matters)


MEASURES: dict[str, Measure] = {m.name: m for m in (
    # Default limits: the adult ranges of the NEWS2 early-warning score for pulse, oxygen and
    # temperature, the common home-measurement limits for blood pressure and blood sugar.
    Measure("systolic", (Coding(LOINC, "8480-6", "Systolic blood pressure"),), MMHG, "mm[Hg]", "mmHg",
            (MMHG, KPA), to_mmhg, ((100, 139), (90, 179))),
    Measure("diastolic", (Coding(LOINC, "8462-4", "Diastolic blood pressure"),), MMHG, "mm[Hg]", "mmHg",
            (MMHG, KPA), to_mmhg, ((60, 89), (50, 109))),
    Measure("pulse", (Coding(LOINC, "8867-4", "Heart rate"), Coding(SNOMED, "364075005", "Heart rate")),
            PER_MINUTE, PER_MINUTE, "/min", (PER_MINUTE,), limits=((51, 90), (41, 130))),
    # Both LOINC codings, as the national node asks: the general one and the pulse-oximetry one.
    Measure("spo2", (Coding(LOINC, "2708-6", "Oxygen saturation in Arterial blood"),
                     Coding(LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
                     Coding(SNOMED, "431314004", "Peripheral oxygen saturation")),
            PERCENT, PERCENT, "%", (PERCENT,), limits=((96, 100), (92, 100))),
    Measure("temperature", (Coding(LOINC, "8310-5", "Body temperature"), Coding(SNOMED, "386725007", "Body temperature")),
            CELSIUS, CELSIUS, "°C", (CELSIUS, FAHRENHEIT), to_celsius, ((36.1, 38.0), (35.1, 39.0))),
    Measure("weight", (Coding(LOINC, "29463-7", "Body weight"), Coding(SNOMED, "27113001", "Body weight")),
            KILOGRAM, KILOGRAM, "kg", (KILOGRAM, POUND), to_kg),
    Measure("glucose", (Coding(LOINC, "15074-8", "Glucose [Moles/volume] in Blood"),
                        Coding(SNOMED, "33747003", "Glucose measurement, blood")),
            MMOL_PER_L, MMOL_PER_L, "mmol/L", (KG_PER_L, MOL_PER_L), glucose_to_mmol_per_l, ((4.0, 10.0), (3.5, 15.0))),
)}
LIMITED_MEASURES = tuple(m.name for m in MEASURES.values() if m.limits is not None)
MEASURE_OF_LOINC = {c.code: m.name for m in MEASURES.values() for c in m.codings if c.system == LOINC}


# -- kinds of reading ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """Where a measure is in a stored reading (the driver's JSON)."""

    measure: str
    field: str
    in_reading_unit: bool = False  # in the reading's "unit" field (a cuff set to kPa), else in the measure's


@dataclass(frozen=True)
class ReadingType:
    name: str  # blood_pressure, oxygen_saturation, heart_rate, body_temperature, body_weight, blood_glucose
    sources: tuple[Source, ...]
    measures: tuple[str, ...]  # what its Observation carries; the pulse measured with it goes apart
    panel: tuple[Coding, ...] = ()  # a panel whose components are `measures` (blood pressure)
    panel_text: str = ""

    @property
    def pulse_apart(self) -> bool:
        """A pulse measured with it (a cuff's, an oximeter's) is an Observation of its own."""
        return "pulse" not in self.measures and any(s.measure == "pulse" for s in self.sources)


READING_TYPES: dict[str, ReadingType] = {r.name: r for r in (
    ReadingType("blood_pressure", (Source("systolic", "systolic", True), Source("diastolic", "diastolic", True),
                                   Source("pulse", "pulse_rate")), ("systolic", "diastolic"),
                panel=(Coding(LOINC, "85354-9", "Blood pressure panel with all children optional"),
                       Coding(SNOMED, "75367002", "Blood pressure")), panel_text="Blood pressure"),
    ReadingType("oxygen_saturation", (Source("spo2", "spo2"), Source("pulse", "pulse_rate")), ("spo2",)),
    ReadingType("heart_rate", (Source("pulse", "heart_rate"),), ("pulse",)),
    ReadingType("body_temperature", (Source("temperature", "temperature", True),), ("temperature",)),
    ReadingType("body_weight", (Source("weight", "weight", True),), ("weight",)),
    ReadingType("blood_glucose", (Source("glucose", "concentration", True),), ("glucose",)),
)}


# A pulse taken with another reading (a cuff's, an oximeter's) goes as a reading of this type.
PULSE_READING_TYPE = "heart_rate"


def values(reading_type: str, data: Mapping[str, Any]) -> dict[str, float]:
    """The numbers of a stored reading in the measures' units, rounded to one decimal;
    "no value" fields are left out. A reading type not in the table has none."""
    reading = READING_TYPES.get(reading_type)
    out: dict[str, float] = {}
    for source in reading.sources if reading is not None else ():
        measure = MEASURES[source.measure]
        value = data.get(source.field)
        if source.in_reading_unit:
            value = measure.convert(value, data.get("unit", measure.device_units[0]))
        if value is not None:
            out[source.measure] = round(value, 1)
    return out
