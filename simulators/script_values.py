"""How a simulator script's values are checked, shared by the serial scripts
(`script.py`) and the Bluetooth ones (`bluez/script.py`), so that both refuse a
mistake in the same words: the key, the value, and what is allowed.

Every checker takes `fail(message) -> ScriptError`, which puts the file and the place
(the step, the peripheral) in front of the message. The file and its tables are read in
`script_file.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

Fail = Callable[[str], Exception]


@dataclass(frozen=True)
class Param:
    """One key of a step or a table. `kind` is int, float, str or bool; `convert`, when
    given, does the whole check itself (durations, hex, lists) and returns the value."""

    kind: type
    required: bool = True
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str = ""
    default: Any = None
    convert: Callable[[Any, Fail], Any] | None = None
    form: str = ""  # said after the allowed range or pattern in a message: "kPa", "8 hex digits, 0-9 and A-F"


def _shown(bound: float) -> float | int:
    return int(bound) if float(bound).is_integer() else bound


def check_argument(key: str, value: Any, param: Param, fail: Fail) -> Any:
    """The value of `key` as `param` wants it, or `fail` with what is wrong."""
    if param.convert is not None:
        return param.convert(value, lambda message: fail(f"key '{key}': {message}"))
    if param.kind is bool:
        if not isinstance(value, bool):
            raise fail(f"key '{key}': {value!r} must be true or false")
        return value
    given = value
    if param.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"key '{key}': {value!r} must be a whole number")
    elif param.kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise fail(f"key '{key}': {value!r} must be a number")
        value = float(value)
    elif not isinstance(value, str):
        raise fail(f"key '{key}': {value!r} must be a string")
    if param.low is not None and value < param.low or param.high is not None and value > param.high:
        low = _shown(param.low) if param.low is not None else ""
        high = _shown(param.high) if param.high is not None else ""
        raise fail(f"key '{key}': {given!r} is outside {low}..{high}" + (f" {param.form}" if param.form else ""))
    if param.choices and value not in param.choices:
        raise fail(f"key '{key}': {value!r} is not one of {', '.join(param.choices)}")
    if param.pattern and not re.fullmatch(param.pattern, value):
        raise fail(f"key '{key}': {value!r} has the wrong form" + (f" ({param.form})" if param.form else ""))
    return value


def time_of_day(value: Any, fail: Fail) -> time:
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value.strip())
        if match:
            hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
            if hour < 24 and minute < 60 and second < 60:
                return time(hour, minute, second)
    raise fail(f"{value!r} is not a time of day like \"08:02\" or \"08:02:30\"")


def day(value: Any, fail: Fail) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(f"{value!r} is not a date like \"2026-11-23\"")


_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def duration(value: Any, fail: Fail) -> float:
    """Seconds: a number, or a string such as "500ms", "10s", "5m", "1h"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if not math.isfinite(seconds):
            raise fail(f"{value!r} is not a duration like \"500ms\", \"10s\", \"5m\" or \"1h\"")
    elif isinstance(value, str) and (match := re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)\s*", value)):
        seconds = float(match[1]) * _UNITS[match[2]]
    else:
        raise fail(f"{value!r} is not a duration like \"500ms\", \"10s\", \"5m\" or \"1h\"")
    if seconds < 0:
        raise fail(f"{value!r} is negative")
    return seconds
