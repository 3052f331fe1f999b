"""Glucose Measurement (0x2A18, notified) of the Glucose service (0x1808).

flags u8: b0 time offset present, b1 concentration and type/sample location present,
b2 concentration unit (0 kg/L, 1 mol/L), b3 sensor status annunciation present, b4
a Glucose Measurement Context (0x2A34) follows. Fields: sequence number u16, base time
(Date Time), [time offset s16 minutes], [concentration SFLOAT, type (low nibble) and
sample location (high nibble) u8], [sensor status annunciation u16].

Stored records are identified by their sequence number; they are fetched with the
Record Access Control Point (racp.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import (
    KG_PER_L,
    MG_PER_DL,
    MINUTE,
    MMOL_PER_L,
    MOL_PER_L,
    glucose_to_mg_per_dl,
    glucose_to_mmol_per_l,
)
from drivers.ble.wire import FlagSet, Reader, Writer

TIME_OFFSET, CONCENTRATION, MOL_PER_L_FLAG, SENSOR_STATUS, CONTEXT_FOLLOWS = 1, 2, 4, 8, 16
SAMPLE_TYPES = {1: "capillary_whole_blood", 2: "capillary_plasma", 3: "venous_whole_blood", 4: "venous_plasma",
                5: "arterial_whole_blood", 6: "arterial_plasma", 7: "undetermined_whole_blood",
                8: "undetermined_plasma", 9: "interstitial_fluid", 10: "control_solution"}  # 0, 11-15 reserved
SAMPLE_LOCATIONS = {1: "finger", 2: "alternate_site_test", 3: "earlobe", 4: "control_solution",
                    15: "not_available"}  # 0, 5-14 reserved
SAMPLE_TYPE_CODES = {name: code for code, name in SAMPLE_TYPES.items()}
SAMPLE_LOCATION_CODES = {name: code for code, name in SAMPLE_LOCATIONS.items()}


@dataclass(frozen=True)
class GlucoseSensorStatus(FlagSet):
    """Sensor Status Annunciation (u16; bits 12-15 reserved)."""

    battery_low: bool = False
    sensor_malfunction: bool = False
    sample_size_insufficient: bool = False
    strip_insertion_error: bool = False
    strip_type_incorrect: bool = False
    result_too_high: bool = False  # higher than the device can process
    result_too_low: bool = False  # lower than the device can process
    temperature_too_high: bool = False
    temperature_too_low: bool = False
    read_interrupted: bool = False  # strip pulled too soon
    general_device_fault: bool = False
    time_fault: bool = False  # the time may be inaccurate

    BITS: ClassVar[dict[str, int]] = {
        "battery_low": 0, "sensor_malfunction": 1, "sample_size_insufficient": 2, "strip_insertion_error": 3,
        "strip_type_incorrect": 4, "result_too_high": 5, "result_too_low": 6, "temperature_too_high": 7,
        "temperature_too_low": 8, "read_interrupted": 9, "general_device_fault": 10, "time_fault": 11,
    }


@dataclass(frozen=True)
class GlucoseMeasurement:
    sequence_number: int
    base_time: datetime | None  # the meter's clock, naive local time; None: not known
    time_offset_minutes: int | None = None
    concentration: float | None = None  # in `unit` ("kg/L" or "mol/L"); None is "no value"
    unit: str = KG_PER_L
    sample_type: str | None = None  # SAMPLE_TYPES' names; sent with the concentration
    sample_location: str | None = None  # SAMPLE_LOCATIONS' names; sent with the concentration
    sensor_status: GlucoseSensorStatus | None = None
    context_follows: bool = False  # a Glucose Measurement Context with the same sequence number follows

    KIND: ClassVar[str] = "glucose_measurement"
    JSON_EXTRAS: ClassVar[tuple[str, ...]] = ("time", "concentration_mmol_per_l", "concentration_mg_per_dl")

    @property
    def time(self) -> datetime | None:
        """When it was measured: base time plus the time offset (None if not known)."""
        if self.base_time is None:
            return None
        return self.base_time + timedelta(minutes=self.time_offset_minutes or 0)

    @property
    def concentration_mmol_per_l(self) -> float | None:
        """For display: mol/L x 1000, or kg/L through the molar mass of glucose."""
        return glucose_to_mmol_per_l(self.concentration, self.unit)

    @property
    def concentration_mg_per_dl(self) -> float | None:
        """For display: kg/L x 100000, or mol/L through the molar mass of glucose."""
        return glucose_to_mg_per_dl(self.concentration, self.unit)

    def units(self) -> dict[str, str]:
        return {"concentration": self.unit, "time_offset_minutes": MINUTE,
                "concentration_mmol_per_l": MMOL_PER_L, "concentration_mg_per_dl": MG_PER_DL}


def decode_glucose_measurement(data: bytes) -> GlucoseMeasurement:
    what = "glucose measurement"
    reader = Reader(data, what)
    flags = reader.u8("flags")
    values: dict = {"sequence_number": reader.u16("sequence number"), "base_time": reader.date_time("base time"),
                    "unit": MOL_PER_L if flags & MOL_PER_L_FLAG else KG_PER_L,
                    "context_follows": bool(flags & CONTEXT_FOLLOWS)}
    if flags & TIME_OFFSET:
        values["time_offset_minutes"] = reader.s16("time offset")
    if flags & CONCENTRATION:
        values["concentration"] = reader.sfloat("concentration")
        nibbles = reader.u8("type and sample location")
        sample_type, location = nibbles & 0x0F, nibbles >> 4
        if sample_type not in SAMPLE_TYPES:
            raise BleCodecError(f"{what}: sample type {sample_type} is reserved")
        if location not in SAMPLE_LOCATIONS:
            raise BleCodecError(f"{what}: sample location {location} is reserved")
        values["sample_type"], values["sample_location"] = SAMPLE_TYPES[sample_type], SAMPLE_LOCATIONS[location]
    if flags & SENSOR_STATUS:
        values["sensor_status"] = GlucoseSensorStatus.from_bits(reader.u16("sensor status annunciation"))
    reader.end()
    measurement = GlucoseMeasurement(**values)
    _check_time(measurement, what)
    return measurement


def _check_time(m: GlucoseMeasurement, what: str) -> None:
    try:
        m.time
    except OverflowError:
        raise BleCodecError(f"{what}: base time {m.base_time} plus {m.time_offset_minutes} minutes "
                            "is outside the calendar") from None


def encode_glucose_measurement(m: GlucoseMeasurement) -> bytes:
    """The concentration block goes when any of concentration, sample type or sample
    location is given; it then needs both sample type and location."""
    what = "glucose measurement"
    if m.unit not in (KG_PER_L, MOL_PER_L):
        raise BleCodecError(f"{what}: unit {m.unit!r} is not {KG_PER_L} or {MOL_PER_L}")
    block = m.concentration is not None or m.sample_type is not None or m.sample_location is not None
    if block and (m.sample_type not in SAMPLE_TYPE_CODES or m.sample_location not in SAMPLE_LOCATION_CODES):
        raise BleCodecError(f"{what}: a concentration goes with a sample type ({', '.join(SAMPLE_TYPE_CODES)}) "
                            f"and a sample location ({', '.join(SAMPLE_LOCATION_CODES)}); got "
                            f"{m.sample_type!r} and {m.sample_location!r}")
    flags = (TIME_OFFSET if m.time_offset_minutes is not None else 0) | (CONCENTRATION if block else 0) | (
        MOL_PER_L_FLAG if m.unit == MOL_PER_L else 0) | (SENSOR_STATUS if m.sensor_status is not None else 0) | (
        CONTEXT_FOLLOWS if m.context_follows else 0)
    out = Writer(what)
    out.u8(flags, "flags")
    out.u16(m.sequence_number, "sequence number")
    out.date_time(m.base_time, "base time")
    if m.time_offset_minutes is not None:
        out.s16(m.time_offset_minutes, "time offset")
    if block:
        out.sfloat(m.concentration, "concentration")
        out.u8(SAMPLE_LOCATION_CODES[m.sample_location] << 4 | SAMPLE_TYPE_CODES[m.sample_type],
               "type and sample location")
    if m.sensor_status is not None:
        out.u16(m.sensor_status.to_bits(), "sensor status annunciation")
    _check_time(m, what)
    return out.bytes()
