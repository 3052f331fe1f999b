"""Reading and writing the little-endian fields of a characteristic value, and named
flag sets. Every shortfall, overflow or leftover byte becomes a BleCodecError that
names the characteristic and the field."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import ClassVar

from drivers.ble.date_time import DATE_TIME_SIZE, decode_date_time, encode_date_time
from drivers.ble.errors import BleCodecError
from drivers.ble.ieee11073 import FLOAT, SFLOAT


def as_bytes(data: object, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BleCodecError(f"{what}: expected bytes, got {type(data).__name__}")
    return bytes(data)


class Reader:
    """A cursor over one characteristic value."""

    def __init__(self, data: bytes, what: str) -> None:
        self.what = what
        self.data = as_bytes(data, what)
        self.pos = 0

    def take(self, size: int, field: str) -> bytes:
        left = len(self.data) - self.pos
        if size > left:
            raise BleCodecError(
                f"{self.what} is too short: {field} needs {size} byte{'s' if size > 1 else ''} "
                f"at offset {self.pos}, {left} left (value is {len(self.data)} bytes)")
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def uint(self, size: int, field: str) -> int:
        return int.from_bytes(self.take(size, field), "little")

    def u8(self, field: str) -> int:
        return self.uint(1, field)

    def u16(self, field: str) -> int:
        return self.uint(2, field)

    def u24(self, field: str) -> int:
        return self.uint(3, field)

    def s16(self, field: str) -> int:
        return int.from_bytes(self.take(2, field), "little", signed=True)

    def sfloat(self, field: str) -> float | None:
        return SFLOAT.decode(self.uint(2, field))

    def float32(self, field: str) -> float | None:
        return FLOAT.decode(self.uint(4, field))

    def date_time(self, field: str) -> datetime | None:
        raw = self.take(DATE_TIME_SIZE, field)
        try:
            return decode_date_time(raw)
        except BleCodecError as exc:
            raise BleCodecError(f"{self.what}: {field}: {exc}") from None

    def left(self) -> int:
        return len(self.data) - self.pos

    def end(self) -> None:
        """The flags announced every field: anything after the last one means the value
        does not have the layout its flags describe, so none of it can be trusted."""
        if self.left():
            raise BleCodecError(
                f"{self.what}: {self.left()} byte{'s' if self.left() > 1 else ''} after the last field the "
                f"flags announce ({self.data[self.pos:].hex(' ')}); the flags do not describe this value")


class Writer:
    """Builds one characteristic value; out-of-range fields are a BleCodecError."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.out = bytearray()

    def _int(self, value: int, size: int, field: str, signed: bool = False) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BleCodecError(f"{self.what}: {field} must be a whole number, not {value!r}")
        try:
            self.out += value.to_bytes(size, "little", signed=signed)
        except OverflowError:
            low, high = (-(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1) if signed else (0, (1 << (8 * size)) - 1)
            raise BleCodecError(f"{self.what}: {field} {value} is out of range ({low}-{high})") from None

    def u8(self, value: int, field: str) -> None:
        self._int(value, 1, field)

    def u16(self, value: int, field: str) -> None:
        self._int(value, 2, field)

    def u24(self, value: int, field: str) -> None:
        self._int(value, 3, field)

    def s16(self, value: int, field: str) -> None:
        self._int(value, 2, field, signed=True)

    def sfloat(self, value: float | None, field: str) -> None:
        try:
            self.out += SFLOAT.encode(value).to_bytes(2, "little")
        except BleCodecError as exc:
            raise BleCodecError(f"{self.what}: {field}: {exc}") from None

    def float32(self, value: float | None, field: str) -> None:
        try:
            self.out += FLOAT.encode(value).to_bytes(4, "little")
        except BleCodecError as exc:
            raise BleCodecError(f"{self.what}: {field}: {exc}") from None

    def date_time(self, value: datetime | None, field: str) -> None:
        try:
            self.out += encode_date_time(value)
        except BleCodecError as exc:
            raise BleCodecError(f"{self.what}: {field}: {exc}") from None

    def raw(self, data: bytes) -> None:
        self.out += data

    def bytes(self) -> bytes:
        return bytes(self.out)


def scaled(value: float | None, scale: int, size: int, what: str, special: int | None = None) -> int:
    """The unsigned integer field for `value` in steps of 1/scale (None: `special`)."""
    if value is None:
        if special is None:
            raise BleCodecError(f"{what} has no 'no value' code")
        return special
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise BleCodecError(f"{what} must be a number, not {value!r}")
    high = (1 << (8 * size)) - 1 - (1 if special == (1 << (8 * size)) - 1 else 0)
    try:
        steps = round(value * scale)
    except OverflowError:
        steps = high + 1
    if not 0 <= steps <= high:
        raise BleCodecError(f"{what} {value} is out of range (0-{high / scale:g})")
    return steps


class FlagSet:
    """A frozen dataclass of booleans, one per bit of a status field (`BITS`: name ->
    bit). Bits the specification reserves are not kept."""

    BITS: ClassVar[dict[str, int]]

    @classmethod
    def from_bits(cls, value: int):
        return cls(**{name: bool(value >> bit & 1) for name, bit in cls.BITS.items()})

    def to_bits(self) -> int:
        return sum(1 << bit for name, bit in self.BITS.items() if getattr(self, name))

    def set_flags(self) -> tuple[str, ...]:
        """The names of the flags that are set, in bit order."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) is True)
