"""Weight Measurement (0x2A9D, indicated) of the Weight Scale service (0x181D).

flags u8: b0 units (0 SI, 1 imperial), b1 timestamp, b2 user id, b3 BMI and height.
Fields: weight u16 (SI 0.005 kg, imperial 0.01 lb; 0xFFFF "measurement unsuccessful"),
[Date Time], [user id u8], [BMI u16 0.1 kg/m2, height u16 (SI 0.001 m, imperial 0.1 in)].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.units import INCH, KG_PER_M2, KILOGRAM, METRE, POUND
from drivers.ble.wire import Reader, Writer, scaled

IMPERIAL, TIMESTAMP, USER_ID, BMI_AND_HEIGHT = 0x01, 0x02, 0x04, 0x08
UNSUCCESSFUL = 0xFFFF
# steps per unit: weight 1/200 kg or 1/100 lb, height 1/1000 m or 1/10 in, BMI 1/10 kg/m2
WEIGHT_STEPS = {KILOGRAM: 200, POUND: 100}
HEIGHT_STEPS = {KILOGRAM: 1000, POUND: 10}
BMI_STEPS = 10


@dataclass(frozen=True)
class WeightMeasurement:
    weight: float | None  # in `unit` ("kg" or "[lb_av]"); None: the scale says unsuccessful
    unit: str = KILOGRAM
    timestamp: datetime | None = None  # the scale's clock, naive local time
    user_id: int | None = None  # 255: unknown user
    bmi: float | None = None  # kg/m2; BMI and height come together
    height: float | None = None  # metres with kg, inches with lb (see height_unit)

    KIND: ClassVar[str] = "weight_measurement"
    JSON_EXTRAS: ClassVar[tuple[str, ...]] = ("height_unit",)

    @property
    def height_unit(self) -> str:
        return INCH if self.unit == POUND else METRE

    def units(self) -> dict[str, str]:
        return {"weight": self.unit, "bmi": KG_PER_M2, "height": self.height_unit}


def decode_weight_measurement(data: bytes) -> WeightMeasurement:
    reader = Reader(data, "weight measurement")
    flags = reader.u8("flags")
    unit = POUND if flags & IMPERIAL else KILOGRAM
    raw = reader.u16("weight")
    weight = None if raw == UNSUCCESSFUL else raw / WEIGHT_STEPS[unit]
    timestamp = reader.date_time("timestamp") if flags & TIMESTAMP else None
    user_id = reader.u8("user id") if flags & USER_ID else None
    bmi = height = None
    if flags & BMI_AND_HEIGHT:
        bmi = reader.u16("BMI") / BMI_STEPS
        height = reader.u16("height") / HEIGHT_STEPS[unit]
    reader.end()
    return WeightMeasurement(weight, unit, timestamp, user_id, bmi, height)


def encode_weight_measurement(m: WeightMeasurement) -> bytes:
    """Values are rounded to the field's resolution (0.005 kg, 0.01 lb, ...)."""
    what = "weight measurement"
    if m.unit not in WEIGHT_STEPS:
        raise BleCodecError(f"{what}: unit {m.unit!r} is not {KILOGRAM} or {POUND}")
    if (m.bmi is None) != (m.height is None):
        raise BleCodecError(f"{what}: BMI and height are sent together: give both or neither")
    flags = (IMPERIAL if m.unit == POUND else 0) | (TIMESTAMP if m.timestamp is not None else 0) | (
        USER_ID if m.user_id is not None else 0) | (BMI_AND_HEIGHT if m.bmi is not None else 0)
    out = Writer(what)
    out.u8(flags, "flags")
    out.u16(scaled(m.weight, WEIGHT_STEPS[m.unit], 2, f"{what}: weight", special=UNSUCCESSFUL), "weight")
    if m.timestamp is not None:
        out.date_time(m.timestamp, "timestamp")
    if m.user_id is not None:
        out.u8(m.user_id, "user id")
    if m.bmi is not None:
        out.u16(scaled(m.bmi, BMI_STEPS, 2, f"{what}: BMI"), "BMI")
        out.u16(scaled(m.height, HEIGHT_STEPS[m.unit], 2, f"{what}: height"), "height")
    return out.bytes()
