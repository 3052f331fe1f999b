"""Temperature Measurement (0x2A1C, indicated) and Intermediate Temperature (0x2A1E,
same layout) of the Health Thermometer service (0x1809).

flags u8: b0 unit (0 Celsius, 1 Fahrenheit), b1 timestamp, b2 temperature type.
Fields: temperature FLOAT, [Date Time], [temperature type u8].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import CELSIUS, FAHRENHEIT
from drivers.ble.wire import Reader, Writer

FAHRENHEIT_FLAG, TIMESTAMP, TYPE = 0x01, 0x02, 0x04
# Temperature Type: where on the body it was measured (0 and 10-255 reserved).
TEMPERATURE_TYPES = {1: "armpit", 2: "body", 3: "ear", 4: "finger", 5: "gastrointestinal_tract", 6: "mouth",
                     7: "rectum", 8: "toe", 9: "tympanum"}
TEMPERATURE_TYPE_CODES = {name: code for code, name in TEMPERATURE_TYPES.items()}


@dataclass(frozen=True)
class TemperatureMeasurement:
    temperature: float | None  # in `unit` ("Cel" or "[degF]"); None is "no value"
    unit: str = CELSIUS
    timestamp: datetime | None = None  # the thermometer's clock, naive local time
    temperature_type: str | None = None  # one of TEMPERATURE_TYPES' names
    intermediate: bool = False  # read from Intermediate Temperature 0x2A1E (not a final reading)

    KIND: ClassVar[str] = "temperature_measurement"

    def units(self) -> dict[str, str]:
        return {"temperature": self.unit}


def decode_temperature_measurement(data: bytes, *, intermediate: bool = False) -> TemperatureMeasurement:
    what = "intermediate temperature" if intermediate else "temperature measurement"
    reader = Reader(data, what)
    flags = reader.u8("flags")
    temperature = reader.float32("temperature")
    timestamp = reader.date_time("timestamp") if flags & TIMESTAMP else None
    temperature_type = None
    if flags & TYPE:
        code = reader.u8("temperature type")
        if code not in TEMPERATURE_TYPES:
            raise BleCodecError(f"{what}: temperature type {code} is reserved")
        temperature_type = TEMPERATURE_TYPES[code]
    reader.end()
    return TemperatureMeasurement(temperature, FAHRENHEIT if flags & FAHRENHEIT_FLAG else CELSIUS, timestamp,
                                  temperature_type, intermediate)


def decode_intermediate_temperature(data: bytes) -> TemperatureMeasurement:
    return decode_temperature_measurement(data, intermediate=True)


def encode_temperature_measurement(m: TemperatureMeasurement) -> bytes:
    """The same bytes serve 0x2A1C and 0x2A1E; `intermediate` says which one to send on."""
    what = "temperature measurement"
    if m.unit not in (CELSIUS, FAHRENHEIT):
        raise BleCodecError(f"{what}: unit {m.unit!r} is not {CELSIUS} or {FAHRENHEIT}")
    if m.temperature_type is not None and m.temperature_type not in TEMPERATURE_TYPE_CODES:
        raise BleCodecError(f"{what}: temperature type {m.temperature_type!r} is not one of "
                            f"{', '.join(TEMPERATURE_TYPE_CODES)}")
    flags = (FAHRENHEIT_FLAG if m.unit == FAHRENHEIT else 0) | (TIMESTAMP if m.timestamp is not None else 0) | (
        TYPE if m.temperature_type is not None else 0)
    out = Writer(what)
    out.u8(flags, "flags")
    out.float32(m.temperature, "temperature")
    if m.timestamp is not None:
        out.date_time(m.timestamp, "timestamp")
    if m.temperature_type is not None:
        out.u8(TEMPERATURE_TYPE_CODES[m.temperature_type], "temperature type")
    return out.bytes()
