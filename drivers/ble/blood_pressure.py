"""Blood Pressure Measurement (0x2A35, indicated) and Intermediate Cuff Pressure
(0x2A36, notified while the cuff inflates) of the Blood Pressure service (0x1810).

flags u8: b0 unit (0 mmHg, 1 kPa), b1 timestamp, b2 pulse rate, b3 user id, b4
measurement status. Then systolic, diastolic, mean arterial pressure (SFLOAT each),
[Date Time], [pulse rate SFLOAT], [user id u8], [measurement status u16].
Intermediate Cuff Pressure has the same layout: the current cuff pressure in the
systolic place, diastolic and mean arterial pressure unused (sent as NaN).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import KPA, MMHG, PER_MINUTE
from drivers.ble.wire import FlagSet, Reader, Writer

UNIT_KPA, TIMESTAMP, PULSE_RATE, USER_ID, STATUS = 0x01, 0x02, 0x04, 0x08, 0x10
PULSE_RATE_RANGES = ("in_range", "above", "below")  # 3 is reserved
UNKNOWN_USER = 0xFF


@dataclass(frozen=True)
class BloodPressureStatus(FlagSet):
    """Measurement Status: what the cuff noticed while measuring."""

    body_movement: bool = False
    cuff_too_loose: bool = False
    irregular_pulse: bool = False
    pulse_rate_range: str = "in_range"  # "in_range", "above" or "below" the device's limit
    improper_position: bool = False

    BITS: ClassVar[dict[str, int]] = {"body_movement": 0, "cuff_too_loose": 1, "irregular_pulse": 2,
                                      "improper_position": 5}

    @classmethod
    def from_bits(cls, value: int) -> BloodPressureStatus:
        pulse_range = value >> 3 & 0b11
        if pulse_range == 3:
            raise BleCodecError("blood pressure status: pulse rate range 3 is reserved")
        return cls(pulse_rate_range=PULSE_RATE_RANGES[pulse_range],
                   **{name: bool(value >> bit & 1) for name, bit in cls.BITS.items()})

    def to_bits(self) -> int:
        if self.pulse_rate_range not in PULSE_RATE_RANGES:
            raise BleCodecError(f"pulse_rate_range {self.pulse_rate_range!r} is not one of "
                                f"{', '.join(PULSE_RATE_RANGES)}")
        return super().to_bits() | PULSE_RATE_RANGES.index(self.pulse_rate_range) << 3


@dataclass(frozen=True)
class BloodPressureMeasurement:
    """Pressures in `unit` ("mmHg" or "kPa") as measured; None is "no value"."""

    systolic: float | None
    diastolic: float | None
    mean_arterial_pressure: float | None
    unit: str = MMHG
    timestamp: datetime | None = None  # the cuff's own clock, naive local time
    pulse_rate: float | None = None  # beats per minute
    user_id: int | None = None  # 255: unknown user
    status: BloodPressureStatus | None = None

    KIND: ClassVar[str] = "blood_pressure_measurement"

    def units(self) -> dict[str, str]:
        return {"systolic": self.unit, "diastolic": self.unit, "mean_arterial_pressure": self.unit,
                "pulse_rate": PER_MINUTE}


@dataclass(frozen=True)
class IntermediateCuffPressure:
    """The cuff pressure while a measurement is under way."""

    cuff_pressure: float | None
    unit: str = MMHG
    timestamp: datetime | None = None
    pulse_rate: float | None = None
    user_id: int | None = None
    status: BloodPressureStatus | None = None

    KIND: ClassVar[str] = "intermediate_cuff_pressure"

    def units(self) -> dict[str, str]:
        return {"cuff_pressure": self.unit, "pulse_rate": PER_MINUTE}


def _decode(data: bytes, what: str) -> tuple[tuple[float | None, ...], dict]:
    reader = Reader(data, what)
    flags = reader.u8("flags")
    pressures = (reader.sfloat("systolic"), reader.sfloat("diastolic"), reader.sfloat("mean arterial pressure"))
    rest = {"unit": KPA if flags & UNIT_KPA else MMHG}
    if flags & TIMESTAMP:
        rest["timestamp"] = reader.date_time("timestamp")
    if flags & PULSE_RATE:
        rest["pulse_rate"] = reader.sfloat("pulse rate")
    if flags & USER_ID:
        rest["user_id"] = reader.u8("user id")
    if flags & STATUS:
        bits = reader.u16("measurement status")
        try:
            rest["status"] = BloodPressureStatus.from_bits(bits)
        except BleCodecError as exc:
            raise BleCodecError(f"{what}: {exc}") from None
    reader.end()
    return pressures, rest


def _encode(pressures: tuple[float | None, ...], m: BloodPressureMeasurement | IntermediateCuffPressure,
            what: str) -> bytes:
    if m.unit not in (MMHG, KPA):
        raise BleCodecError(f"{what}: unit {m.unit!r} is not mmHg or kPa")
    flags = (UNIT_KPA if m.unit == KPA else 0) | (TIMESTAMP if m.timestamp is not None else 0) | (
        PULSE_RATE if m.pulse_rate is not None else 0) | (USER_ID if m.user_id is not None else 0) | (
        STATUS if m.status is not None else 0)
    out = Writer(what)
    out.u8(flags, "flags")
    for name, value in zip(("systolic", "diastolic", "mean arterial pressure"), pressures):
        out.sfloat(value, name)
    if m.timestamp is not None:
        out.date_time(m.timestamp, "timestamp")
    if m.pulse_rate is not None:
        out.sfloat(m.pulse_rate, "pulse rate")
    if m.user_id is not None:
        out.u8(m.user_id, "user id")
    if m.status is not None:
        try:
            out.u16(m.status.to_bits(), "measurement status")
        except BleCodecError as exc:
            raise BleCodecError(f"{what}: {exc}") from None
    return out.bytes()


def decode_blood_pressure_measurement(data: bytes) -> BloodPressureMeasurement:
    (systolic, diastolic, mean), rest = _decode(data, "blood pressure measurement")
    return BloodPressureMeasurement(systolic, diastolic, mean, **rest)


def encode_blood_pressure_measurement(m: BloodPressureMeasurement) -> bytes:
    return _encode((m.systolic, m.diastolic, m.mean_arterial_pressure), m, "blood pressure measurement")


def decode_intermediate_cuff_pressure(data: bytes) -> IntermediateCuffPressure:
    (cuff, _unused, _unused_too), rest = _decode(data, "intermediate cuff pressure")
    return IntermediateCuffPressure(cuff, **rest)


def encode_intermediate_cuff_pressure(m: IntermediateCuffPressure) -> bytes:
    return _encode((m.cuff_pressure, None, None), m, "intermediate cuff pressure")
