"""Battery Level (0x2A19) of the Battery service (0x180F): one byte, 0-100 %."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import PERCENT
from drivers.ble.wire import Reader, Writer


@dataclass(frozen=True)
class BatteryLevel:
    percent: int

    KIND: ClassVar[str] = "battery_level"

    def units(self) -> dict[str, str]:
        return {"percent": PERCENT}


def decode_battery_level(data: bytes) -> BatteryLevel:
    reader = Reader(data, "battery level")
    percent = reader.u8("level")
    reader.end()
    if percent > 100:
        raise BleCodecError(f"battery level {percent} is out of range (0-100 %)")
    return BatteryLevel(percent)


def encode_battery_level(value: BatteryLevel) -> bytes:
    if isinstance(value.percent, bool) or not isinstance(value.percent, int) or not 0 <= value.percent <= 100:
        raise BleCodecError(f"battery level {value.percent!r} is out of range (0-100 %)")
    out = Writer("battery level")
    out.u8(value.percent, "level")
    return out.bytes()
