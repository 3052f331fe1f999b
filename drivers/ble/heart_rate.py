"""Heart Rate Measurement (0x2A37, notified) of the Heart Rate service (0x180D).

flags u8: b0 heart rate is u16 (else u8); b1-2 sensor contact (0 or 1 not supported,
2 supported but not detected, 3 detected); b3 energy expended u16 (kJ) present; b4 RR
intervals present: u16 each in 1/1024 s, as many as fill the rest of the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import KILOJOULE, PER_MINUTE, SECOND
from drivers.ble.wire import Reader, Writer

VALUE_U16, CONTACT_MASK, ENERGY, RR = 0x01, 0x06, 0x08, 0x10
CONTACT = {0: "not_supported", 1: "not_supported", 2: "not_detected", 3: "detected"}
CONTACT_BITS = {"not_supported": 0, "not_detected": 2, "detected": 3}
RR_UNITS_PER_SECOND = 1024


@dataclass(frozen=True)
class HeartRateMeasurement:
    heart_rate: int  # beats per minute
    sensor_contact: str = "not_supported"  # "not_supported", "not_detected" or "detected"
    energy_expended: int | None = None  # kJ since the last reset (65535: at least that)
    rr_intervals: tuple[int, ...] = ()  # as sent, in 1/1024 s: 812 is 0.79296875 s

    KIND: ClassVar[str] = "heart_rate_measurement"
    JSON_EXTRAS: ClassVar[tuple[str, ...]] = ("rr_intervals_s",)

    @property
    def rr_intervals_s(self) -> tuple[float, ...]:
        """The RR intervals in seconds (exact: n / 1024)."""
        return tuple(rr / RR_UNITS_PER_SECOND for rr in self.rr_intervals)

    def units(self) -> dict[str, str]:
        return {"heart_rate": PER_MINUTE, "energy_expended": KILOJOULE, "rr_intervals": "1/1024 s",
                "rr_intervals_s": SECOND}


def decode_heart_rate_measurement(data: bytes) -> HeartRateMeasurement:
    what = "heart rate measurement"
    reader = Reader(data, what)
    flags = reader.u8("flags")
    heart_rate = reader.u16("heart rate (u16)") if flags & VALUE_U16 else reader.u8("heart rate")
    energy = reader.u16("energy expended") if flags & ENERGY else None
    rr: tuple[int, ...] = ()
    if flags & RR:
        if reader.left() % 2:
            raise BleCodecError(f"{what}: RR intervals are 2 bytes each, but {reader.left()} bytes are left")
        rr = tuple(reader.u16("RR interval") for _ in range(reader.left() // 2))
    reader.end()
    return HeartRateMeasurement(heart_rate, CONTACT[(flags & CONTACT_MASK) >> 1], energy, rr)


def encode_heart_rate_measurement(m: HeartRateMeasurement) -> bytes:
    """The heart rate goes as u8 when it fits, else u16."""
    what = "heart rate measurement"
    if m.sensor_contact not in CONTACT_BITS:
        raise BleCodecError(f"{what}: sensor_contact {m.sensor_contact!r} is not one of {', '.join(CONTACT_BITS)}")
    wide = isinstance(m.heart_rate, int) and m.heart_rate > 0xFF
    flags = (VALUE_U16 if wide else 0) | CONTACT_BITS[m.sensor_contact] << 1 | (
        ENERGY if m.energy_expended is not None else 0) | (RR if m.rr_intervals else 0)
    out = Writer(what)
    out.u8(flags, "flags")
    (out.u16 if wide else out.u8)(m.heart_rate, "heart rate")
    if m.energy_expended is not None:
        out.u16(m.energy_expended, "energy expended")
    for rr in m.rr_intervals:
        out.u16(rr, "RR interval")
    return out.bytes()
