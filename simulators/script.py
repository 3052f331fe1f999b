"""Scripted scenarios for the simulated serial devices: a day in a home, in a TOML file.

A script says which device it drives, where its simulated clock starts and how fast it
runs, and then lists steps, each one thing the device does or suffers::

    # A morning with the dispenser
    device = "dispenser"          # or "sensors" (the sensor receiver)
    start = "07:55"               # simulated local time when the script starts (optional)
    date = "2026-11-23"           # the simulated day (optional, default today)
    time_zone = "Europe/Oslo"     # how start and at are read (optional, this default)
    speed = 60                    # simulated seconds per real second (optional, default 1)

    [sensors]                     # sensors only: enrolled before the script starts
    "00A1B2C3" = "help"

    [[step]]
    at = "08:02"                  # a simulated local time of day (needs start) ...
    do = "dose_taken"
    comp = 1

    [[step]]
    after = "10s"                 # ... or a simulated duration after the previous step
    do = "unplug"

    [[step]]                      # neither: straight after the previous step
    do = "garbage"
    bytes = "noise on the line"

Top-level keys:

- ``device`` (required): ``dispenser``, ``sensors`` / ``sensor_receiver``, or ``modem``.
- ``start``: ``"HH:MM"`` or ``"HH:MM:SS"`` (or a TOML time). With ``start`` (or a
  ``speed`` other than 1) the script owns the device's clock: event times (``at``,
  ``due``) are simulated, and a ``TIME`` from the hub is acknowledged but does not move
  it. Without ``start`` the clock starts at the real time now.
- ``date``: ``"YYYY-MM-DD"`` (or a TOML date); ``time_zone``: an IANA zone name.
- ``speed``: more than 0; 60 runs a simulated hour in a real minute.
- ``[sensors]``: sensor id (8 hex digits) = kind (``fall``, ``help``, ``bed``,
  ``door``), enrolled without an ``ENROLLED`` event, as if on an earlier visit.

Steps (``[[step]]``, run in order): ``do`` names the action, ``at`` or ``after`` says
when, and the other keys are the action's arguments. ``at`` times must not go back in
time. ``after`` is a duration on the simulated clock: a number of seconds, or a string
such as ``"500ms"``, ``"10s"``, ``"5m"``, ``"1h"`` (at speed 1 these are real seconds).

Actions for every device:

=====================  ==========================================================
``unplug``             pull the cable (the port's link disappears)
``replug``             put it back: HELLO, then what is unacknowledged
``unplug_mid_frame``   pull the cable half-way through the next frame
``go_silent``          hang: nothing sent (not even heartbeats), nothing heard
``wake_up``            recover from ``go_silent``
``corrupt_next_frame`` the next frame goes out with a wrong CRC
``garbage``            raw bytes on the line: ``bytes = "text"`` (characters up to
                       U+00FF are sent as that byte, so ``"\\u0000\\u00ff"`` works) or
                       ``hex = "00ff"``; without either, a burst of noise and a broken frame
``wait_idle``          wait (``timeout`` real seconds, default 30) until the hub has
                       acknowledged every event
=====================  ==========================================================

Dispenser: ``dose_due``, ``dose_taken``, ``dose_missed``, ``early_attempt``, ``jam``
(``comp``); ``take_dose`` (the resident takes the open dose, or tries too early);
``low_stock`` (``left``); ``empty``; ``refilled`` (``doses``); ``lid_open``;
``power`` (``source`` = ``mains`` or ``battery``); ``battery`` (``level``).

Modem (``device = "modem"``): ``sms`` (``number``, ``text``): an SMS arrives from that
phone, stamped with the script's time (a relative answering an alarm: ``text = "JA"``);
``unplug`` and ``replug``. The line protocol's faults are not the modem's.

Sensors: ``fall``, ``help_button``, ``bed_exit``, ``bed_return``, ``door_open``,
``door_close``, ``silence_sensor``, ``resume_sensor`` (``sensor``);
``set_sensor_battery`` (``sensor``, ``level``); ``learn`` (``seconds``, default 60:
the receiver's own learn button); ``enrol`` (``sensor``, ``kind``: press the sensor's
button, heard only in learn mode); ``checkin`` (every sensor checks in now).

`load_script` checks all of it before anything runs and raises ScriptError naming the
file, the step and the key. `run_script` runs a loaded script against a simulator.
docs/simulators.md has the same, for technicians.
"""

from __future__ import annotations

import asyncio
import re
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date as _date
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from simulators.dispenser_sim import DispenserSimulator
from simulators.framed import FramedDeviceSimulator
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator
from simulators.script_file import load_script_file
from simulators.script_values import Param, check_argument, day as _day, duration as _duration
from simulators.script_values import time_of_day as _time_of_day
from drivers.serial.messages import SENSOR_KINDS

SCRIPTS = Path(__file__).resolve().parent / "scripts"
DEFAULT_TIME_ZONE = "Europe/Oslo"
DEFAULT_NOISE = b"\x00\xffnoise$12 BROKEN*0000\r\n"
DEVICES = {"dispenser": "dispenser", "sensors": "sensor_receiver", "sensor_receiver": "sensor_receiver",
           "modem": "gsm_modem"}
TOP_KEYS = ("device", "start", "date", "time_zone", "speed", "sensors", "step")


class ScriptError(ValueError):
    """A script that cannot be run (or a step that failed); the message says where."""


@dataclass(frozen=True)
class Action:
    method: str
    params: dict[str, Param] = field(default_factory=dict)


COMP = Param(int, low=1, high=64)
SENSOR = Param(str, pattern=r"[0-9A-F]{8}", form="8 hex digits, 0-9 and A-F")
LEVEL = Param(int, low=0, high=100)

COMMON_ACTIONS = {
    "unplug": Action("unplug"),
    "replug": Action("replug"),
    "unplug_mid_frame": Action("unplug_mid_frame"),
    "go_silent": Action("go_silent"),
    "wake_up": Action("wake_up"),
    "corrupt_next_frame": Action("corrupt_next_frame"),
    "garbage": Action("send_garbage", {"bytes": Param(str, required=False),
                                       "hex": Param(str, required=False, pattern=r"(?:[0-9A-Fa-f]{2})+")}),
    "wait_idle": Action("wait_until_idle", {"timeout": Param(float, required=False, low=0, default=30.0)}),
}
DEVICE_ACTIONS = {
    "gsm_modem": {
        "sms": Action("deliver_sms", {"number": Param(str, pattern=r"\+?[0-9]{3,15}",
                                                      form="a phone number like \"+4791234567\""),
                                      "text": Param(str)}),
        "unplug": Action("unplug"),
        "replug": Action("plug"),
    },
    "dispenser": {
        "dose_due": Action("dose_due", {"comp": COMP}),
        "dose_taken": Action("dose_taken", {"comp": COMP}),
        "dose_missed": Action("dose_missed", {"comp": COMP}),
        "early_attempt": Action("early_attempt", {"comp": COMP}),
        "take_dose": Action("take_dose"),
        "low_stock": Action("low_stock", {"left": Param(int, low=0, high=1000)}),
        "empty": Action("empty"),
        "refilled": Action("refilled", {"doses": Param(int, low=0, high=1000)}),
        "lid_open": Action("lid_open"),
        "jam": Action("jam", {"comp": COMP}),
        "power": Action("power", {"source": Param(str, choices=("mains", "battery"))}),
        "battery": Action("battery", {"level": LEVEL}),
    },
    "sensor_receiver": {
        **{name: Action(name, {"sensor": SENSOR}) for name in (
            "fall", "help_button", "bed_exit", "bed_return", "door_open", "door_close",
            "silence_sensor", "resume_sensor")},
        "set_sensor_battery": Action("set_sensor_battery", {"sensor": SENSOR, "level": LEVEL}),
        "learn": Action("start_learning", {"seconds": Param(float, required=False, low=1, high=600, default=60.0)}),
        "enrol": Action("press_to_enrol", {"sensor": SENSOR, "kind": Param(str, choices=SENSOR_KINDS)}),
        "checkin": Action("send_checkins"),
    },
}
ALIASES = {"send_garbage": "garbage", "wait_until_idle": "wait_idle", "press_to_enrol": "enrol", "enroll": "enrol",
           "start_learning": "learn", "send_checkins": "checkin"}
_SENSOR_STEPS = ("fall", "help_button", "bed_exit", "bed_return", "door_open", "door_close",
                 "silence_sensor", "resume_sensor", "set_sensor_battery")


@dataclass(frozen=True)
class Step:
    number: int  # from 1, as a person counts the [[step]] tables
    do: str  # the action's name (aliases resolved)
    args: dict[str, Any]
    at: time | None = None
    after: float | None = None  # simulated seconds

    def describe(self) -> str:
        args = " ".join(f"{key}={value}" for key, value in self.args.items())
        return f"{self.do} {args}".strip()


@dataclass(frozen=True)
class Script:
    device: str  # "dispenser" or "sensor_receiver"
    steps: tuple[Step, ...]
    start: time | None = None
    day: _date | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    speed: float = 1.0
    sensors: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def owns_clock(self) -> bool:
        return self.start is not None or self.speed != 1.0

    def start_moment(self) -> datetime:
        """The simulated moment the script starts (aware); the real time now without `start`."""
        zone = ZoneInfo(self.time_zone)
        if self.start is None:
            return datetime.now(timezone.utc)
        day = self.day or datetime.now(zone).date()
        return datetime.combine(day, self.start, tzinfo=zone)

    def moment(self, at: time, start: datetime) -> datetime:
        zone = ZoneInfo(self.time_zone)
        return datetime.combine(start.astimezone(zone).date(), at, tzinfo=zone)


# -- loading ---------------------------------------------------------------------------------


def load_script(path: Path | str) -> Script:
    """Read and check a script; ScriptError (naming the file, the step and key) if anything is wrong."""
    return load_script_file(path, parse_script, ScriptError)


def parse_script(raw: dict[str, Any], path: Path | None = None) -> Script:
    where = f"{path}: " if path else ""

    def fail(message: str) -> ScriptError:
        return ScriptError(where + message)

    for key in raw:
        if key not in TOP_KEYS:
            raise fail(f"unknown key '{key}' (known: {', '.join(TOP_KEYS)})")
    device_name = raw.get("device")
    if device_name is None:
        raise fail("key 'device' is missing: say \"dispenser\", \"sensors\" or \"modem\"")
    if device_name not in DEVICES:
        raise fail(f"key 'device': {device_name!r} is not one of dispenser, sensors, modem")
    device = DEVICES[device_name]

    time_zone = raw.get("time_zone", DEFAULT_TIME_ZONE)
    try:
        if not isinstance(time_zone, str):
            raise ValueError
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise fail(f"key 'time_zone': {time_zone!r} is not a known time zone (e.g. \"Europe/Oslo\")") from exc
    start = _time_of_day(raw["start"], lambda m: fail(f"key 'start': {m}")) if "start" in raw else None
    day = _day(raw["date"], lambda m: fail(f"key 'date': {m}")) if "date" in raw else None
    speed = raw.get("speed", 1)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0 < speed <= 1_000_000:
        raise fail(f"key 'speed': {speed!r} must be a number more than 0 (simulated seconds per real second)")

    sensors: dict[str, str] = {}
    raw_sensors = raw.get("sensors", {})
    if raw_sensors and device != "sensor_receiver":
        raise fail("key 'sensors' is only for device = \"sensors\"")
    if not isinstance(raw_sensors, dict):
        raise fail("key 'sensors' must be a table: \"00A1B2C3\" = \"help\"")
    for sensor_id, kind in raw_sensors.items():
        if not re.fullmatch(r"[0-9A-F]{8}", sensor_id):
            raise fail(f"key 'sensors.{sensor_id}': a sensor id is 8 hex digits (0-9, A-F)")
        if kind not in SENSOR_KINDS:
            raise fail(f"key 'sensors.{sensor_id}': kind {kind!r} is not one of {', '.join(SENSOR_KINDS)}")
        sensors[sensor_id] = kind

    raw_steps = raw.get("step")
    if not raw_steps:
        raise fail("there are no steps: add [[step]] tables")
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise fail("key 'step' must be [[step]] tables")
    actions = _actions(device)
    steps = []
    sim_time: datetime | None = None
    script_start = None
    if start is not None:
        zone = ZoneInfo(time_zone)
        script_start = sim_time = datetime.combine(day or _date(2000, 1, 1), start, tzinfo=zone)
    for number, raw_step in enumerate(raw_steps, start=1):
        step = _parse_step(number, raw_step, actions, device, lambda m, n=number: fail(f"step {n}: {m}"))
        if step.at is not None:
            if start is None:
                raise fail(f"step {number}: key 'at' needs 'start' at the top of the script "
                           "(or use 'after')")
            assert sim_time is not None and script_start is not None
            target = datetime.combine(script_start.date(), step.at, tzinfo=script_start.tzinfo)
            if target < sim_time:
                raise fail(f"step {number}: key 'at': {step.at.strftime('%H:%M:%S')} is earlier than the "
                           f"script has reached by then ({sim_time.strftime('%H:%M:%S')}); steps run in order")
            sim_time = target
        elif step.after is not None and sim_time is not None:
            sim_time += timedelta(seconds=step.after)
        steps.append(step)
    return Script(device=device, steps=tuple(steps), start=start, day=day, time_zone=time_zone,
                  speed=float(speed), sensors=sensors, path=path)


def _parse_step(number: int, raw: dict[str, Any], actions: dict[str, Action], device: str,
                fail: Callable[[str], ScriptError]) -> Step:
    do = raw.get("do")
    if do is None:
        raise fail("key 'do' is missing: say what happens")
    if not isinstance(do, str):
        raise fail(f"key 'do': {do!r} must be a string")
    name = ALIASES.get(do, do)
    if name not in actions:
        raise fail(f"key 'do': {do!r} is not something a {device} simulator does "
                   f"(one of: {', '.join(sorted(actions))})")
    action = actions[name]
    if "at" in raw and "after" in raw:
        raise fail("keys 'at' and 'after' both given: use one")
    at = _time_of_day(raw["at"], lambda m: fail(f"key 'at': {m}")) if "at" in raw else None
    after = _duration(raw["after"], lambda m: fail(f"key 'after': {m}")) if "after" in raw else None
    args: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("do", "at", "after"):
            continue
        param = action.params.get(key)
        if param is None:
            known = ", ".join(action.params) or "none"
            raise fail(f"key '{key}' is not an argument of {name} (its arguments: {known})")
        args[key] = check_argument(key, value, param, fail)
    for key, param in action.params.items():
        if key not in args:
            if param.required:
                raise fail(f"key '{key}' is missing: {name} needs it")
            if param.default is not None:
                args[key] = param.default
    if name == "garbage":
        if "bytes" in args and "hex" in args:
            raise fail("keys 'bytes' and 'hex' both given: use one")
        if "bytes" in args and any(ord(ch) > 0xFF for ch in args["bytes"]):
            raise fail("key 'bytes': characters above U+00FF cannot be one byte; use 'hex'")
    return Step(number=number, do=name, args=args, at=at, after=after)


# -- running ---------------------------------------------------------------------------------


class ScriptClock:
    """Simulated time: `start`, running `speed` times as fast as the real clock."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start, self.speed = start, speed
        self._t0 = _time.monotonic()
        self.pinned: datetime | None = None  # while a timed step runs: its own moment

    def __call__(self) -> datetime:
        if self.pinned is not None:
            return self.pinned
        return self.start + timedelta(seconds=(_time.monotonic() - self._t0) * self.speed)

    def real_seconds_until(self, moment: datetime) -> float:
        return max(0.0, (moment - self()).total_seconds() / self.speed)


def _actions(device: str) -> dict[str, Action]:
    # The modem speaks AT commands, not the line protocol: the framing's faults are not its own.
    return dict(DEVICE_ACTIONS[device]) if device == "gsm_modem" else {**COMMON_ACTIONS, **DEVICE_ACTIONS[device]}


def make_simulator(script_or_device: Script | str, port: PtyPort, **options: Any) -> FramedDeviceSimulator:
    """The simulator a script (or a device name: dispenser, sensors) needs, on `port`.

    `options` go to its constructor (serial, hb, state_file, retry_base, ...).
    """
    if isinstance(script_or_device, Script):
        device = script_or_device.device
        if device == "sensor_receiver" and script_or_device.sensors:
            options = {**options, "sensors": {**script_or_device.sensors, **options.get("sensors", {})}}
    else:
        if script_or_device not in DEVICES:
            raise ValueError(f"{script_or_device!r} is not one of dispenser, sensors")
        device = DEVICES[script_or_device]
    cls = DispenserSimulator if device == "dispenser" else SensorReceiverSimulator
    return cls(port, **options)


async def run_script(script: Script, simulator: FramedDeviceSimulator, *,
                     on_step: Callable[[Step, datetime], None] | None = None) -> None:
    """Run the steps against `simulator` (started here if it is not yet).

    `on_step(step, moment)` is called after each step with the simulated moment it
    happened, e.g. to print a timeline.
    Raises ScriptError before anything runs if the script does not fit the simulator,
    and names the step if one fails.
    """
    if simulator.kind != script.device:
        raise ScriptError(f"the script is for a {script.device}, the simulator is a {simulator.kind}")
    if isinstance(simulator, SensorReceiverSimulator):
        known = set(simulator.sensors) | set(script.sensors)
        for step in script.steps:
            if step.do == "enrol":
                known.add(step.args["sensor"])
            elif step.do in _SENSOR_STEPS and step.args["sensor"] not in known:
                raise ScriptError(f"{script.path or 'script'}: step {step.number}: key 'sensor': "
                                  f"{step.args['sensor']} is not enrolled (list it under [sensors] or enrol it first)")
        for sensor_id, kind in script.sensors.items():
            if sensor_id not in simulator.sensors:
                simulator.add_sensor(sensor_id, kind)

    clock = ScriptClock(script.start_moment(), script.speed)
    modem = script.device == "gsm_modem"  # started by its owner; its SMS carry the script's time
    if script.owns_clock and not modem:
        simulator.use_clock(clock)
    if not modem and not simulator.running:
        await simulator.start()
    previous = clock()
    for step in script.steps:
        if step.at is not None:
            target = script.moment(step.at, clock.start)
        elif step.after is not None:
            target = previous + timedelta(seconds=step.after)
        else:
            target = previous
        wait = clock.real_seconds_until(target)
        if wait > 0:
            await asyncio.sleep(wait)
        # A timed step happens at its own moment ("at 08:02" gives at=...0802...), not a
        # few simulated seconds later because the loop woke a little late.
        late = (clock() - target).total_seconds()
        if (step.at is not None or step.after is not None) and 0 <= late <= 0.5 * script.speed:
            clock.pinned = target
        when = simulator.now() if script.owns_clock and not modem else clock()
        try:
            await _perform(step, simulator, clock)
        except (ValueError, TimeoutError, asyncio.TimeoutError, RuntimeError, OSError) as exc:
            reason = str(exc) or type(exc).__name__
            raise ScriptError(f"{script.path or 'script'}: step {step.number} ({step.do}): {reason}") from exc
        finally:
            clock.pinned = None
        previous = max(clock(), target)
        if on_step is not None:
            on_step(step, when)


async def _perform(step: Step, simulator: FramedDeviceSimulator, clock: ScriptClock) -> None:
    args = dict(step.args)
    if step.do == "garbage":
        if "hex" in args:
            data = bytes.fromhex(args["hex"])
        elif "bytes" in args:
            data = args["bytes"].encode("latin-1")
        else:
            data = DEFAULT_NOISE
        simulator.send_garbage(data)
        return
    actions = _actions(simulator.kind)
    if step.do == "sms":  # stamped with the script's time, as the service centre would
        simulator.deliver_sms(args["number"], args["text"], at=clock().replace(microsecond=0))
        return
    if step.do == "enrol":  # the script says sensor=, like every other sensor step
        args["sensor_id"] = args.pop("sensor")
    if step.do == "wait_idle":
        clock.pinned = None  # time goes on while waiting
        try:
            await simulator.wait_until_idle(args["timeout"])
        except (TimeoutError, asyncio.TimeoutError):
            raise TimeoutError(f"events {simulator.queued} were not acknowledged within {args['timeout']:g} s "
                               "(is a hub connected?)") from None
        return
    getattr(simulator, actions[step.do].method)(**args)
