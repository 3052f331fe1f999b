"""The service centre time stamp of a received SMS: "yy/MM/dd,hh:mm:ss±zz"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from drivers.serial.gsm.errors import GsmCodecError

_SCTS = re.compile(r"^(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-])(\d\d?)$")


def parse_scts(value: str) -> datetime:
    """The service centre time stamp "yy/MM/dd,hh:mm:ss±zz", zz in quarter hours:
    "24/03/15,14:30:45+04" is 14:30:45 at UTC+01:00."""
    match = _SCTS.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise GsmCodecError('the time stamp is not "yy/MM/dd,hh:mm:ss±zz"')
    yy, month, day, hour, minute, second, sign, quarters = match.groups()
    if int(quarters) > 56:  # UTC+14:00 is the furthest any zone goes
        raise GsmCodecError(f"the time stamp's zone {sign}{quarters} quarter hours is out of range")
    offset = timedelta(minutes=15 * int(quarters)) * (-1 if sign == "-" else 1)
    try:
        return datetime(2000 + int(yy), int(month), int(day), int(hour), int(minute), int(second),
                        tzinfo=timezone(offset))
    except ValueError:
        raise GsmCodecError("the time stamp is not a real date and time") from None


def format_scts(when: datetime) -> str:
    """The inverse of parse_scts, for a time with a zone in whole quarter hours."""
    offset = when.utcoffset()
    if offset is None:
        raise GsmCodecError("a time stamp needs a time zone")
    quarters, rest = divmod(int(offset.total_seconds()), 15 * 60)
    if rest or abs(quarters) > 56 or not 2000 <= when.year <= 2099:
        raise GsmCodecError("a time stamp needs years 2000-2099 and a zone in quarter hours")
    sign = "-" if quarters < 0 else "+"
    return when.strftime("%y/%m/%d,%H:%M:%S") + f"{sign}{abs(quarters):02d}"


