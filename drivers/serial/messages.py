"""Typed messages of the dispenser and sensor receiver protocols (docs/protocols/).

Each message is a frozen dataclass registered under its wire type. `from_frame`
validates every field (type, range, choices) and raises MessageError with the `ERR`
code to answer; `to_frame` is its inverse. Pure: no I/O.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any, ClassVar

from drivers.serial.framing import MAX_SEQ, Frame, quote

PROTOCOL_VERSION = 1
TIME_FORMAT = "%Y%m%dT%H%M%SZ"


class MessageError(ValueError):
    """A frame that is not a valid message. `code` is the ERR code to answer with."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def _spec(*, low: int | None = None, high: int | None = None, choices: tuple[str, ...] = (), pattern: str = "") -> Any:
    return {"low": low, "high": high, "choices": choices, "pattern": pattern}


def req(**spec: Any) -> Any:
    return field(metadata=_spec(**spec))


def opt(**spec: Any) -> Any:
    return field(default=None, metadata=_spec(**spec))


REGISTRY: dict[str, type[Message]] = {}


class Message:
    TYPE: ClassVar[str]
    SEQUENCED: ClassVar[bool]  # True: numbered and acknowledged (events and commands)


def message(wire_type: str, *, sequenced: bool):
    def register(cls):
        cls = dataclass(frozen=True)(cls)
        cls.TYPE, cls.SEQUENCED = wire_type, sequenced
        REGISTRY[wire_type] = cls
        return cls

    return register


def error_text(text: str, limit: int = 160) -> str:
    """`text` cut so that, percent-encoded, it fits an ERR frame (whatever it quotes)."""
    text = " ".join(text.split()) or "-"
    while len(quote(text)) > limit:
        text = text[:-1]
    return text


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("protocol times must be timezone-aware")
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    if not re.fullmatch(r"[1-9][0-9]{7}T[0-9]{6}Z", text):
        raise ValueError("a time is YYYYMMDDTHHMMSSZ")
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)


def _base_type(annotation: Any) -> tuple[type, bool]:
    """(int|str|bool|datetime, optional?) from an annotation like `int | None`."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _convert(name: str, raw: str, kind: type, spec: dict[str, Any]) -> Any:
    try:
        if kind is int:
            if not re.fullmatch(r"-?[0-9]{1,10}", raw):
                raise ValueError("not a whole number")
            value: Any = int(raw)
        elif kind is bool:
            if raw not in ("0", "1"):
                raise ValueError("must be 0 or 1")
            value = raw == "1"
        elif kind is datetime:
            value = parse_time(raw)
        else:
            value = raw
    except ValueError as exc:
        raise MessageError("field", f"{name}={raw[:40]!r}: {exc}") from exc
    if spec["low"] is not None and value < spec["low"] or spec["high"] is not None and value > spec["high"]:
        raise MessageError("field", f"{name}={value} is outside {spec['low']}..{spec['high']}")
    if spec["choices"] and value not in spec["choices"]:
        raise MessageError("field", f"{name}={raw[:40]!r} is not one of {', '.join(spec['choices'])}")
    if spec["pattern"] and not re.fullmatch(spec["pattern"], value):
        raise MessageError("field", f"{name}={raw[:40]!r} has the wrong form")
    return value


def from_frame(frame: Frame) -> Message:
    cls = REGISTRY.get(frame.type)
    if cls is None:
        raise MessageError("type", f"unknown message type {frame.type}")
    if cls.SEQUENCED != (frame.seq != 0):
        raise MessageError("field", f"{frame.type} must {'' if cls.SEQUENCED else 'not '}carry a sequence number")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = set(frame.fields) - known
    if unknown:
        raise MessageError("field", f"{frame.type} has no field {sorted(unknown)[0]}")
    values = {}
    for f in fields(cls):
        kind, optional = _base_type(hints[f.name])
        raw = frame.fields.get(f.name)
        if raw is None or (optional and raw == ""):
            if not optional:
                raise MessageError("field", f"{frame.type} needs {f.name}")
            continue
        values[f.name] = _convert(f.name, raw, kind, f.metadata)
    return cls(**values)


def to_frame(msg: Message, seq: int = 0) -> Frame:
    if msg.SEQUENCED != (seq != 0):
        raise ValueError(f"{msg.TYPE} {'needs' if msg.SEQUENCED else 'must not have'} a sequence number")
    out: dict[str, str] = {}
    for f in fields(msg):
        value = getattr(msg, f.name)
        if value is None:
            continue
        if isinstance(value, bool):
            out[f.name] = "1" if value else "0"
        elif isinstance(value, datetime):
            out[f.name] = format_time(value)
        else:
            out[f.name] = str(value)
    return Frame(seq, msg.TYPE, out)


SEQ_RANGE = {"low": 1, "high": MAX_SEQ}
PERCENT = {"low": 0, "high": 100}
SENSOR_ID = r"[0-9A-F]{8}"
DEVICE_KINDS = ("dispenser", "sensor_receiver")
SENSOR_KINDS = ("fall", "help", "bed", "door")
ERROR_CODES = ("crc", "syntax", "type", "field", "state", "version", "busy")
TEXT = r"[^\x00-\x1f\x7f]{1,64}"

# -- shared by both devices ------------------------------------------------------------


@message("HELLO", sequenced=False)
class Hello(Message):
    proto: int = req(low=1, high=99)
    role: str | None = opt(choices=("hub",))
    kind: str | None = opt(choices=DEVICE_KINDS)
    model: str | None = opt(pattern=TEXT)
    serial: str | None = opt(pattern=TEXT)
    fw: str | None = opt(pattern=TEXT)
    epoch: str | None = opt(pattern=r"[0-9A-F]{8}")
    hb: int | None = opt(low=5, high=300)

    def missing_for_device(self) -> list[str]:
        return [name for name in ("kind", "model", "serial", "fw", "epoch", "hb") if getattr(self, name) is None]


@message("HB", sequenced=False)
class Heartbeat(Message):
    bat: int | None = opt(**PERCENT)
    power: str | None = opt(choices=("mains", "battery"))


@message("ACK", sequenced=False)
class Ack(Message):
    ref: int = req(**SEQ_RANGE)


@message("ERR", sequenced=False)
class Err(Message):
    code: str = req(choices=ERROR_CODES)
    ref: int | None = opt(**SEQ_RANGE)
    text: str | None = opt(pattern=r"[^\x00-\x1f\x7f]{1,200}")


@message("TIME", sequenced=True)
class SetTime(Message):
    now: datetime = req()


# -- medicine dispenser (docs/protocols/dispenser.md) -----------------------------------

COMPARTMENT = {"low": 1, "high": 64}


@message("SCHED_CLEAR", sequenced=True)
class ScheduleClear(Message):
    pass


@message("SLOT", sequenced=True)
class Slot(Message):
    comp: int = req(**COMPARTMENT)
    due: datetime = req()
    window: int = req(low=1, high=720)


@message("SIGNAL", sequenced=True)
class Signal(Message):
    reason: str = req(choices=("test",))


@message("DOSE_DUE", sequenced=True)
class DoseDue(Message):
    comp: int = req(**COMPARTMENT)
    due: datetime = req()


@message("DOSE_TAKEN", sequenced=True)
class DoseTaken(Message):
    comp: int = req(**COMPARTMENT)
    at: datetime = req()
    due: datetime = req()


@message("DOSE_MISSED", sequenced=True)
class DoseMissed(Message):
    comp: int = req(**COMPARTMENT)
    due: datetime = req()


@message("EARLY_ATTEMPT", sequenced=True)
class EarlyAttempt(Message):
    comp: int = req(**COMPARTMENT)
    at: datetime = req()


@message("LOW_STOCK", sequenced=True)
class LowStock(Message):
    left: int = req(low=0, high=1000)


@message("EMPTY", sequenced=True)
class Empty(Message):
    pass


@message("REFILLED", sequenced=True)
class Refilled(Message):
    doses: int = req(low=0, high=1000)


@message("LID_OPEN", sequenced=True)
class LidOpen(Message):
    at: datetime = req()


@message("JAM", sequenced=True)
class Jam(Message):
    comp: int = req(**COMPARTMENT)


@message("POWER", sequenced=True)
class Power(Message):
    source: str = req(choices=("mains", "battery"))


@message("BATTERY", sequenced=True)
class Battery(Message):
    level: int = req(**PERCENT)


# -- sensor receiver (docs/protocols/sensor-receiver.md) ---------------------------------


@message("LEARN", sequenced=True)
class Learn(Message):
    on: bool = req()
    seconds: int | None = opt(low=10, high=600)


@message("REMOVE", sequenced=True)
class Remove(Message):
    sensor: str = req(pattern=SENSOR_ID)


@message("SUPERVISE", sequenced=True)
class Supervise(Message):
    interval: int = req(low=60, high=86400)


@message("LIST", sequenced=True)
class ListSensors(Message):
    pass


@message("ENROLLED", sequenced=True)
class Enrolled(Message):
    sensor: str = req(pattern=SENSOR_ID)
    kind: str = req(choices=SENSOR_KINDS)


@message("LEARN_END", sequenced=True)
class LearnEnd(Message):
    pass


@dataclass(frozen=True)
class SensorReport(Message):
    """Something a sensor saw; the subclasses differ only in their wire type."""

    sensor: str = req(pattern=SENSOR_ID)
    at: datetime = req()
    bat: int = req(**PERCENT)
    rssi: int = req(low=-120, high=0)


@message("FALL", sequenced=True)
class Fall(SensorReport):
    pass


@message("HELP_BUTTON", sequenced=True)
class HelpButton(SensorReport):
    pass


@message("BED_EXIT", sequenced=True)
class BedExit(SensorReport):
    pass


@message("BED_RETURN", sequenced=True)
class BedReturn(SensorReport):
    pass


@message("DOOR_OPEN", sequenced=True)
class DoorOpen(SensorReport):
    pass


@message("DOOR_CLOSE", sequenced=True)
class DoorClose(SensorReport):
    pass


@message("CHECKIN", sequenced=False)
class Checkin(Message):
    sensor: str = req(pattern=SENSOR_ID)
    bat: int = req(**PERCENT)
    rssi: int = req(low=-120, high=0)


@message("SENSOR", sequenced=False)
class SensorInfo(Message):
    sensor: str = req(pattern=SENSOR_ID)
    kind: str = req(choices=SENSOR_KINDS)
    bat: int = req(**PERCENT)
    rssi: int = req(low=-120, high=0)
    last: datetime | None = opt()


@message("LIST_END", sequenced=False)
class ListEnd(Message):
    count: int = req(low=0, high=1000)
