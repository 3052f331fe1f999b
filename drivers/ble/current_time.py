"""Current Time (0x2A2B) of the Current Time service (0x1805): read to see the
device's clock, written by the hub to set it.

Layout (10 bytes): Date Time (7), day of week u8 (1 Monday .. 7 Sunday, 0 not known),
fractions256 u8 (1/256 s), adjust reason u8 (b0 manual time update, b1 external
reference time update, b2 change of time zone, b3 change of DST).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.wire import FlagSet, Reader, Writer


@dataclass(frozen=True)
class AdjustReason(FlagSet):
    manual_time_update: bool = False
    external_reference_time_update: bool = False
    time_zone_change: bool = False
    dst_change: bool = False

    BITS: ClassVar[dict[str, int]] = {"manual_time_update": 0, "external_reference_time_update": 1,
                                      "time_zone_change": 2, "dst_change": 3}


@dataclass(frozen=True)
class CurrentTime:
    time: datetime | None  # whole seconds, naive device-local; None if the device does not know the date
    day_of_week: int | None = None  # 1 Monday .. 7 Sunday; None: not known
    fractions256: int = 0  # 1/256 s
    adjust_reason: AdjustReason = AdjustReason()

    KIND: ClassVar[str] = "current_time"

    @classmethod
    def from_datetime(cls, moment: datetime, adjust_reason: AdjustReason = AdjustReason()) -> CurrentTime:
        """What to write to set a device's clock to `moment` (naive local wall-clock time)."""
        if not isinstance(moment, datetime):
            raise BleCodecError(f"current time needs a datetime, not {type(moment).__name__}")
        return cls(moment.replace(microsecond=0), moment.isoweekday(), moment.microsecond * 256 // 1_000_000,
                   adjust_reason)

    def units(self) -> dict[str, str]:
        return {"fractions256": "1/256 s"}


def decode_current_time(data: bytes) -> CurrentTime:
    what = "current time"
    reader = Reader(data, what)
    time = reader.date_time("date time")
    day = reader.u8("day of week")
    if day > 7:
        raise BleCodecError(f"{what}: day of week {day} is reserved (1-7, or 0 for not known)")
    fractions = reader.u8("fractions256")
    reason = AdjustReason.from_bits(reader.u8("adjust reason"))
    reader.end()
    return CurrentTime(time, day or None, fractions, reason)


def encode_current_time(value: CurrentTime) -> bytes:
    what = "current time"
    if value.day_of_week is not None and value.day_of_week not in range(1, 8):
        raise BleCodecError(f"{what}: day of week {value.day_of_week!r} is not 1 (Monday) to 7 (Sunday)")
    out = Writer(what)
    out.date_time(value.time, "date time")
    out.u8(value.day_of_week or 0, "day of week")
    out.u8(value.fractions256, "fractions256")
    out.u8(value.adjust_reason.to_bits(), "adjust reason")
    return out.bytes()
