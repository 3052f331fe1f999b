"""IEEE 11073-20601 SFLOAT (16-bit) and FLOAT (32-bit), the number formats of the
Bluetooth health profiles.

SFLOAT: high 4 bits signed exponent, low 12 bits signed mantissa. FLOAT: high 8 bits
signed exponent, low 24 bits signed mantissa. Value = mantissa x 10^exponent.

The special codes (NaN, NRes, +INF, -INF and the reserved one) are not numbers: they
decode to None ("no value"), never to 2047 or 8388607. They are exact codes with
exponent 0: mantissa 0x7FF with exponent 1 is the number 20470.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from drivers.ble.errors import BleCodecError

SFLOAT_NAN, SFLOAT_NRES, SFLOAT_POSITIVE_INFINITY, SFLOAT_NEGATIVE_INFINITY, SFLOAT_RESERVED = (
    0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801)
SFLOAT_SPECIALS = {
    SFLOAT_NAN: "NaN",
    SFLOAT_NRES: "NRes",
    SFLOAT_POSITIVE_INFINITY: "+INF",
    SFLOAT_NEGATIVE_INFINITY: "-INF",
    SFLOAT_RESERVED: "reserved",
}
FLOAT_NAN, FLOAT_NRES, FLOAT_POSITIVE_INFINITY, FLOAT_NEGATIVE_INFINITY, FLOAT_RESERVED = (
    0x007FFFFF, 0x00800000, 0x007FFFFE, 0x00800002, 0x00800001)
FLOAT_SPECIALS = {
    FLOAT_NAN: "NaN",
    FLOAT_NRES: "NRes",
    FLOAT_POSITIVE_INFINITY: "+INF",
    FLOAT_NEGATIVE_INFINITY: "-INF",
    FLOAT_RESERVED: "reserved",
}


class _Format:
    def __init__(self, name: str, size: int, exponent_bits: int, specials: dict[int, str],
                 nan: int, plus_inf: int, minus_inf: int) -> None:
        self.name, self.size = name, size
        self.mantissa_bits = size * 8 - exponent_bits
        self.exponent_bits = exponent_bits
        self.specials, self.nan, self.plus_inf, self.minus_inf = specials, nan, plus_inf, minus_inf
        self.max_mantissa = (1 << (self.mantissa_bits - 1)) - 1
        self.min_exponent = -(1 << (exponent_bits - 1))
        self.max_exponent = (1 << (exponent_bits - 1)) - 1

    def decode(self, raw: int) -> float | None:
        if raw in self.specials:
            return None
        exponent = _signed(raw >> self.mantissa_bits, self.exponent_bits)
        mantissa = _signed(raw & ((1 << self.mantissa_bits) - 1), self.mantissa_bits)
        if exponent >= 0:
            return float(mantissa * 10**exponent)
        return mantissa / 10**-exponent  # exact integers, one correctly rounded division

    def pack(self, mantissa: int, exponent: int) -> int:
        return ((exponent & ((1 << self.exponent_bits) - 1)) << self.mantissa_bits) | (
            mantissa & ((1 << self.mantissa_bits) - 1))

    def encode(self, value: float | None) -> int:
        """The code for `value`: exact when the format can hold it, else rounded to the
        most precise code that can. None and NaN give NaN; +-infinity give +-INF."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.nan
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BleCodecError(f"{self.name} needs a number, not {type(value).__name__}")
        if math.isinf(value):
            return self.plus_inf if value > 0 else self.minus_inf
        try:
            exact = Decimal(repr(value) if isinstance(value, float) else value)
        except InvalidOperation as exc:  # pragma: no cover - repr of a finite float is always valid
            raise BleCodecError(f"{value!r} is not a number") from exc
        if exact == 0:
            return 0
        # Start from exponent 0 for whole numbers (120 -> 120 x 10^0, as devices write
        # it) or the shortest exact form's (36.7 -> 367 x 10^-1), kept within the
        # format's range, and give up precision one digit at a time until the mantissa
        # fits (1e9 as an SFLOAT is 1000 x 10^6).
        exponent = min(exact.normalize().as_tuple().exponent, 0)
        exponent = min(max(exponent, self.min_exponent), self.max_exponent)
        while True:
            mantissa = int(exact.scaleb(-exponent).to_integral_value(rounding=ROUND_HALF_EVEN))
            in_range = -self.max_mantissa - 1 <= mantissa <= self.max_mantissa
            if mantissa == 0:  # too small for the format: zero, written as zero
                return 0
            if in_range and not (exponent == 0 and self.pack(mantissa, 0) in self.specials):
                while mantissa and mantissa % 10 == 0 and exponent < 0:  # 300 x 10^-3 -> 3 x 10^-1
                    mantissa, exponent = mantissa // 10, exponent + 1
                return self.pack(mantissa, exponent)
            if exponent >= self.max_exponent:
                raise BleCodecError(f"{value!r} is too large for an {self.name}")
            exponent += 1


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


SFLOAT = _Format("SFLOAT", 2, 4, SFLOAT_SPECIALS, SFLOAT_NAN, SFLOAT_POSITIVE_INFINITY, SFLOAT_NEGATIVE_INFINITY)
FLOAT = _Format("FLOAT", 4, 8, FLOAT_SPECIALS, FLOAT_NAN, FLOAT_POSITIVE_INFINITY, FLOAT_NEGATIVE_INFINITY)


def _raw(data: bytes, fmt: _Format) -> int:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BleCodecError(f"an {fmt.name} is bytes, not {type(data).__name__}")
    if len(data) != fmt.size:
        raise BleCodecError(f"an {fmt.name} is {fmt.size} bytes, not {len(data)}")
    return int.from_bytes(data, "little")


def decode_sfloat(data: bytes) -> float | None:
    """Two little-endian bytes -> the number, or None for NaN, NRes, +-INF, reserved."""
    return SFLOAT.decode(_raw(data, SFLOAT))


def encode_sfloat(value: float | None) -> bytes:
    """The two bytes for `value` (None: NaN). Rounds to 4 significant digits at most."""
    return SFLOAT.encode(value).to_bytes(2, "little")


def decode_float(data: bytes) -> float | None:
    """Four little-endian bytes -> the number, or None for NaN, NRes, +-INF, reserved."""
    return FLOAT.decode(_raw(data, FLOAT))


def encode_float(value: float | None) -> bytes:
    """The four bytes for `value` (None: NaN). Rounds to 7 significant digits at most."""
    return FLOAT.encode(value).to_bytes(4, "little")
