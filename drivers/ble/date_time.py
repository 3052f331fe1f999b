"""The Bluetooth Date Time field: 7 bytes, year u16, month, day, hours, minutes,
seconds (u8 each), little-endian.

Year 0, month 0 or day 0 mean "not known": the whole timestamp is then None. A date
that cannot exist (month 13, 30 February, 25 o'clock) is a BleCodecError. Times are
the device's own clock as it shows it: naive local datetimes, never converted here.
"""

from __future__ import annotations

from datetime import datetime

from drivers.ble.errors import BleCodecError

DATE_TIME_SIZE = 7
MIN_YEAR, MAX_YEAR = 1582, 9999


def decode_date_time(data: bytes) -> datetime | None:
    if len(data) != DATE_TIME_SIZE:
        raise BleCodecError(f"a Date Time is {DATE_TIME_SIZE} bytes, not {len(data)}")
    year = int.from_bytes(data[0:2], "little")
    month, day, hours, minutes, seconds = data[2:7]
    for name, value, high in (("month", month, 12), ("day", day, 31), ("hours", hours, 23),
                              ("minutes", minutes, 59), ("seconds", seconds, 59)):
        if value > high:
            raise BleCodecError(f"Date Time {name} {value} is out of range (at most {high})")
    if year == 0 or month == 0 or day == 0:
        return None  # the device does not know the date
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BleCodecError(f"Date Time year {year} is out of range ({MIN_YEAR}-{MAX_YEAR}, or 0 for not known)")
    try:
        return datetime(year, month, day, hours, minutes, seconds)
    except ValueError as exc:
        raise BleCodecError(f"Date Time {year:04}-{month:02}-{day:02} does not exist: {exc}") from None


def encode_date_time(moment: datetime | None) -> bytes:
    """The 7 bytes for a naive device-local time (None: all zeros, "not known").
    Fractions of a second are dropped."""
    if moment is None:
        return bytes(DATE_TIME_SIZE)
    if not isinstance(moment, datetime):
        raise BleCodecError(f"a Date Time needs a datetime, not {type(moment).__name__}")
    if moment.tzinfo is not None:
        raise BleCodecError("a Date Time is the device's local wall-clock time: pass a naive datetime "
                            "(moment.astimezone(zone).replace(tzinfo=None))")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise BleCodecError(f"Date Time year {moment.year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    return moment.year.to_bytes(2, "little") + bytes(
        (moment.month, moment.day, moment.hour, moment.minute, moment.second))
