"""The six simulated health devices of ../health_peripherals.py as a BLE script names
them (`kind = "blood_pressure_cuff"`, ...), and what each can be told to do, in the
product's words: measure, pump, beat, spot_check, stream, weigh, add_record, battery.

`script.py` reads the TOML and checks it with the `Param`s here; `perform` plays a
step on a device. Values in a step are in the device's unit (a cuff set to kPa is
told `systolic = 16.1`); ranges are what the device's wire format can carry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from simulators.health_peripherals import (
    BloodPressureCuff,
    GlucoseMeter,
    HealthPeripheral,
    Oximeter,
    PulseSensor,
    Scale,
    Thermometer,
)
from simulators.script_values import Fail, Param, duration
from drivers.ble import uuids as u
from drivers.ble.battery import BatteryLevel, encode_battery_level
from drivers.ble.units import FAHRENHEIT, KG_PER_L, KPA, POUND

NOT_HEARD = "not heard: the hub is not connected or not listening"

# -- checking a script's values -------------------------------------------------------------


def numbers(low: float, high: float, unit: str = "", whole: bool = False) -> Callable[[Any, Fail], list]:
    """A list of numbers in low..high (a pump's pressures, a stream of beats)."""
    what = f"{'a whole' if whole else 'a'} number in {low:g}..{high:g}{' ' + unit if unit else ''}"

    def convert(value: Any, fail: Fail) -> list:
        if not isinstance(value, list) or not value:
            raise fail(f"{value!r} must be a list of numbers, like [{low:g}, {high:g}]")
        for index, one in enumerate(value, 1):
            if (isinstance(one, bool) or not isinstance(one, int if whole else (int, float))
                    or not low <= one <= high):
                raise fail(f"item {index} ({one!r}) is not {what}")
        return list(value)

    return convert


def number_or_numbers(low: float, high: float, whole: bool = False) -> Callable[[Any, Fail], list]:
    as_list = numbers(low, high, whole=whole)
    return lambda value, fail: as_list(value if isinstance(value, list) else [value], fail)


def local_time(value: Any, fail: Fail) -> datetime:
    """The device's own clock (local, no zone): a TOML date-time or "2026-03-15 07:30"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, datetime):
        raise fail(f"{value!r} is not a date and time like 2026-03-15T07:30:00 or \"2026-03-15 07:30\"")
    if value.tzinfo is not None:
        raise fail(f"{value!r} has a time zone; a device keeps local time: leave the offset out")
    return value


def offset(value: Any, fail: Fail) -> timedelta:
    """How far a clock is off: "2h" ahead, "-90m" behind, or seconds."""
    given = value
    behind = isinstance(value, str) and value.strip().startswith("-")
    if behind:
        value = value.strip()[1:]
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        behind, value = True, -value
    seconds = duration(value, lambda _: fail(f"{given!r} is not an offset like \"2h\" (ahead) or \"-90m\" (behind)"))
    if seconds > 366 * 86400:
        raise fail(f"{given!r} is more than a year: a device's clock is not that far off")
    return timedelta(seconds=-seconds if behind else seconds)


def time_zone(value: Any, fail: Fail) -> str:
    try:
        if isinstance(value, str):
            ZoneInfo(value)
            return value
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise fail(f"{value!r} is not a known time zone (e.g. \"Europe/Oslo\")")


PULSE = Param(float, low=0, high=300, form="/min")
EVERY_BEAT = Param(float, required=False, default=1.0, convert=duration)
COUNT = Param(int, required=False, low=1, high=1_000_000)
SPO2 = Param(float, low=0, high=100, form="%")
TAKEN_AT = Param(str, required=False, convert=local_time)
LEVEL = Param(int, low=0, high=100, form="%")


def _pressure(unit: str) -> Param:
    return Param(float, low=0, high={"mmHg": 300, "kPa": 40}[unit], form=unit)


def _temperature(unit: str) -> Param:
    return Param(float, low={"celsius": 0, "fahrenheit": 32}[unit], high={"celsius": 50, "fahrenheit": 122}[unit],
                 form={"celsius": "°C", "fahrenheit": "°F"}[unit])


def _weight(unit: str) -> Param:  # the field is 0xFFFE steps at most: 1/200 kg or 1/100 lb
    return Param(float, low=0, high={"kg": 327, "lb": 655}[unit], form=unit)


def _glucose(unit: str) -> Param:
    return Param(float, low=0, high={"mmol/L": 50, "mg/dL": 900}[unit], form=unit)


# -- playing a step ---------------------------------------------------------------------------


def _measure_pressure(device: BloodPressureCuff, args: dict[str, Any], say: Callable[[str], None], stop: threading.Event) -> None:
    record = device.measure(args["systolic"], args["diastolic"], args["pulse"], irregular_pulse=args["irregular_pulse"])
    if record in device.stored:
        say("not heard: the cuff keeps it as a stored record until the hub listens")


def _pump(device: BloodPressureCuff, args: dict[str, Any], say: Callable[[str], None], stop: threading.Event) -> None:
    for index, pressure in enumerate(args["pressures"]):
        if index and stop.wait(args["every"]):
            return
        if not device.pump(pressure) and index == 0:
            say(NOT_HEARD)


def _in_turn(series: dict[str, list], args: dict[str, Any], send: Callable[..., bool], describe: Callable[..., str],
             say: Callable[[str], None], stop: threading.Event) -> None:
    """`count` values, `every` apart, each list of `series` taken in turn."""
    for index in range(args.get("count", max(len(values) for values in series.values()))):
        if index and stop.wait(args["every"]):
            return
        now = {name: values[index % len(values)] for name, values in series.items()}
        say(describe(**now))  # said before it is sent: a timed log shows when it left
        if not send(**now):
            say(NOT_HEARD)


def _beat(device: PulseSensor, args: dict[str, Any], say: Callable[[str], None], stop: threading.Event) -> None:
    _in_turn({"bpm": args["bpm"]}, args, device.beat, lambda bpm: f"beat {bpm} bpm", say, stop)


def _stream(device: Oximeter, args: dict[str, Any], say: Callable[[str], None], stop: threading.Event) -> None:
    _in_turn({"spo2": args["spo2"], "pulse": args["pulse"]}, args, device.stream,
             lambda spo2, pulse: f"SpO2 {spo2:g} %, pulse {pulse:g}/min", say, stop)


def _heard(send: Callable[[Any, dict[str, Any]], bool]) -> Callable[..., None]:
    """A device that only sends (no memory): say so when nobody heard it."""

    def perform(device: Any, args: dict[str, Any], say: Callable[[str], None], stop: threading.Event) -> None:
        if not send(device, args):
            say(NOT_HEARD)

    return perform


def _add_record(device: GlucoseMeter, args: dict[str, Any], say: Callable[[str], None], stop: threading.Event) -> None:
    record = device.add_record(args["glucose"], args.get("taken_at"))
    say(f"record {record.sequence_number} kept for the hub to fetch")


@dataclass(frozen=True)
class Kind:
    """One kind of health device: its class, what it can do (by unit), and its options."""

    name: str
    device: type[HealthPeripheral]
    actions: Callable[[str], dict[str, dict[str, Param]]]  # unit -> action -> its keys
    perform: dict[str, Callable[[Any, dict[str, Any], Callable[[str], None], threading.Event], None]]
    units: tuple[str, ...] = ()  # the script's words; the first is the default
    unit_option: Callable[[str], dict[str, Any]] = lambda unit: {}  # a word -> constructor options
    unit_of: Callable[[Any], str] = lambda device: ""  # and back
    record: Callable[[str], dict[str, Param]] | None = None  # keys of [[peripheral.record]], by unit
    options: dict[str, Param] = field(default_factory=dict)  # keys only this kind has

    @property
    def measurement(self) -> str:
        """The characteristic the hub listens to (wait_subscribed's default): its profile's."""
        return self.device.PROFILE.measurement

    def does(self, unit: str) -> dict[str, dict[str, Param]]:
        return {**self.actions(unit), "battery": {"level": LEVEL}}


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("blood_pressure_cuff", BloodPressureCuff,
         lambda unit: {
             "measure": {"systolic": _pressure(unit), "diastolic": _pressure(unit), "pulse": PULSE,
                         "irregular_pulse": Param(bool, required=False, default=False)},
             "pump": {"pressures": Param(list, convert=numbers(0, {"mmHg": 300, "kPa": 40}[unit], unit)),
                      "every": Param(float, required=False, default=0.2, convert=duration)},
         },
         {"measure": _measure_pressure, "pump": _pump},
         units=("mmHg", "kPa"),
         unit_option=lambda unit: {"kpa": unit == "kPa"},
         unit_of=lambda device: "kPa" if device.unit == KPA else "mmHg",
         record=lambda unit: {"systolic": _pressure(unit), "diastolic": _pressure(unit), "pulse": PULSE,
                              "taken_at": TAKEN_AT}),
    Kind("pulse", PulseSensor,
         lambda unit: {"beat": {"bpm": Param(list, convert=number_or_numbers(20, 300, whole=True)),
                                "count": COUNT, "every": EVERY_BEAT}},
         {"beat": _beat}),
    Kind("oximeter", Oximeter,
         lambda unit: {"spot_check": {"spo2": SPO2, "pulse": PULSE},
                       "stream": {"spo2": Param(list, convert=number_or_numbers(0, 100)),
                                  "pulse": Param(list, convert=number_or_numbers(0, 300)),
                                  "count": COUNT, "every": EVERY_BEAT}},
         {"spot_check": _heard(lambda device, args: device.spot_check(args["spo2"], args["pulse"])),
          "stream": _stream}),
    Kind("thermometer", Thermometer,
         lambda unit: {"measure": {"temperature": _temperature(unit)}},
         {"measure": _heard(lambda device, args: device.measure(args["temperature"]))},
         units=("celsius", "fahrenheit"),
         unit_option=lambda unit: {"fahrenheit": unit == "fahrenheit"},
         unit_of=lambda device: "fahrenheit" if device.unit == FAHRENHEIT else "celsius"),
    Kind("scale", Scale,
         lambda unit: {"weigh": {"weight": _weight(unit)}},
         {"weigh": _heard(lambda device, args: device.weigh(args["weight"]))},
         units=("kg", "lb"),
         unit_option=lambda unit: {"pounds": unit == "lb"},
         unit_of=lambda device: "lb" if device.unit == POUND else "kg"),
    Kind("glucose_meter", GlucoseMeter,
         lambda unit: {"add_record": {"glucose": _glucose(unit), "taken_at": TAKEN_AT}},
         {"add_record": _add_record},
         units=("mmol/L", "mg/dL"),
         unit_option=lambda unit: {"mg_dl": unit == "mg/dL"},
         unit_of=lambda device: "mg/dL" if device.unit == KG_PER_L else "mmol/L",
         record=lambda unit: {"glucose": _glucose(unit), "taken_at": TAKEN_AT},
         options={"drop_after": Param(int, required=False, low=0, high=65535)}),
)}
# A kind may also be called by its profile's name (the hub's word: blood_pressure, glucose).
ALIASES = {**{kind.device.PROFILE.name: kind.name for kind in KINDS.values() if kind.device.PROFILE.name != kind.name},
           "cuff": "blood_pressure_cuff", "pulse_sensor": "pulse", "heart_rate": "pulse"}

# keys every kind takes besides the peripheral's own (address, name, rssi, pairing, ...)
KIND_OPTIONS = {
    "battery": Param(int, required=False, low=0, high=100, form="%"),
    "clock_set": Param(bool, required=False),
    "clock_offset": Param(str, required=False, convert=offset),
    "time_zone": Param(str, required=False, convert=time_zone),
}


def kind_of(peripheral: object) -> Kind | None:
    return next((kind for kind in KINDS.values() if type(peripheral) is kind.device), None)


def unit_of(peripheral: object) -> str:
    """The script's word for the unit a device sends ("kPa", "fahrenheit"), or ""."""
    kind = kind_of(peripheral)
    return kind.unit_of(peripheral) if kind is not None and kind.units else ""


def perform(peripheral: HealthPeripheral, action: str, args: dict[str, Any], say: Callable[[str], None],
            stop: threading.Event) -> None:
    """Play one step (from a thread other than the stand-in's; it may take a while)."""
    if action == "battery":
        level = encode_battery_level(BatteryLevel(args["level"]))
        peripheral.set_value(u.BATTERY_LEVEL, level)
        peripheral.notify(u.BATTERY_LEVEL, level)  # heard only if the hub listens; a read sees it anyway
        return
    kind = kind_of(peripheral)
    assert kind is not None, f"{peripheral!r} is not one of the health kinds"
    kind.perform[action](peripheral, args, say, stop)


def build(kind: Kind, options: dict[str, Any], records: list[dict[str, Any]]) -> HealthPeripheral:
    """The device, with its stored records. ValueError if the peripheral refuses an option."""
    options = dict(options)
    drop_after = options.pop("drop_after", None)
    if "unit" in options:
        options.update(kind.unit_option(options.pop("unit")))
    device = kind.device(**options)
    if drop_after is not None:
        device.drop_after = drop_after  # go out of range after sending that many records of a transfer
    for record in records:
        if isinstance(device, BloodPressureCuff):
            device.remember(record["systolic"], record["diastolic"], record["pulse"],
                            record.get("taken_at") or device.device_now())
        elif isinstance(device, GlucoseMeter):
            device.add_record(record["glucose"], record.get("taken_at"))
    return device
