"""Simulated BLE peripherals and what they do, in a TOML file, for the BlueZ stand-in.

A peripheral is one of the six simulated health devices, named by its kind, or a raw
GATT table with canned replies. Steps say what happens, in order, each ``after`` a
real duration (a number of seconds, or ``"500ms"``, ``"2s"``, ``"5m"``, ``"1h"``)
after the previous one, or straight after it::

    # A cuff the technician paired last week, and a scale
    [[peripheral]]
    kind = "blood_pressure_cuff"         # its GATT table, pairing and records come with it
    address = "C4:7C:8D:6A:1B:01"        # optional: each kind has a default
    name = "BP-7000"
    unit = "mmHg"                        # or "kPa"; the steps' values are in this unit
    paired = true
    [[peripheral.record]]                # measured earlier, handed out when the hub listens
    systolic = 135
    diastolic = 85
    pulse = 70
    taken_at = 2026-03-15T07:30:00       # the cuff's clock (optional: now)

    [[peripheral]]
    kind = "scale"
    unit = "kg"

    [[step]]
    do = "wait_subscribed"               # the hub listens to the cuff's measurements
    peripheral = "C4:7C:8D:6A:1B:01"
    timeout = "10m"
    [[step]]
    after = "2s"
    do = "pump"                          # the live cuff pressure while it inflates
    pressures = [40, 120, 180, 140, 100]
    every = "300ms"
    [[step]]
    do = "measure"
    peripheral = "C4:7C:8D:6A:1B:01"
    systolic = 121
    diastolic = 81
    pulse = 72
    [[step]]
    after = "5s"
    do = "weigh"                         # `peripheral` may be left out when only one can do it
    weight = 72.4

Kinds (`health_kinds.py`), their keys, and what they do (values in the device's unit):

=======================  ====================================  ===========================================
``blood_pressure_cuff``  ``unit`` mmHg/kPa, ``[[peripheral.    ``measure`` (systolic, diastolic, pulse,
                         record]]`` (systolic, diastolic,      irregular_pulse); ``pump`` (pressures,
                         pulse, taken_at); needs pairing       every, default 0.2 s)
``pulse``                                                      ``beat`` (bpm: a number or a list, sent in
                                                               turn; count, default the list's length;
                                                               every, default 1 s)
``oximeter``                                                   ``spot_check`` (spo2, pulse); ``stream``
                                                               (PLX Continuous: spo2, pulse, each a number
                                                               or a list; count; every, default 1 s)
``thermometer``          ``unit`` celsius/fahrenheit           ``measure`` (temperature)
``scale``                ``unit`` kg/lb                        ``weigh`` (weight)
``glucose_meter``        ``unit`` mmol/L, mg/dL;               ``add_record`` (glucose, taken_at): the
                         ``[[peripheral.record]]`` (glucose,   hub fetches it through the RACP
                         taken_at); ``drop_after`` (records
                         sent before it goes out of range)
=======================  ====================================  ===========================================

Every kind also takes ``battery`` (%), ``clock_set`` (false: a clock nobody set),
``clock_offset`` (``"2h"`` ahead, ``"-90m"`` behind), ``time_zone`` and does
``battery`` (level); a kind's ``wait_subscribed`` may leave
out ``characteristic`` (its measurement). A device heard by nobody says so; the cuff
then keeps the reading as a stored record, as real cuffs do.

A raw peripheral has ``address``, ``advertise`` (service UUIDs), ``[[peripheral.
service]]`` tables (``uuid``, ``primary``, ``[[peripheral.service.characteristic]]``
with ``uuid``, ``flags`` (read, write, write-without-response, notify, indicate, ...),
``value`` (hex, what a read returns), ``encrypted``) and ``[[peripheral.reply]]``
tables (``write`` = a characteristic, ``hex`` = the bytes written (optional: any),
``send`` = ``[{ characteristic = "2A35", hex = "..." }, ...]``). Both forms take
``name``, ``rssi``, ``tx_power``, ``manufacturer_data`` (``{ "0x020E" = "0102" }``),
``requires_pairing``, ``pairing_mode``, ``paired`` (BlueZ already has a bond),
``address_type``, ``connectable``, ``advertising``, ``adv_interval``, ``mtu``.
Top level: ``adapter`` (false: no Bluetooth adapter), ``powered`` (false: off).

Steps for every peripheral:

=====================  ===========================================================
``notify``             ``peripheral``, ``characteristic``, ``hex``; ``wait`` (s, default
                       30) for the hub to subscribe first, else it is not sent
``set_value``          ``peripheral``, ``characteristic``, ``hex``: what a read returns
``go_away``            ``peripheral``: out of range (a connection is lost)
``come_back``          ``peripheral``: back in range
``disconnect``         ``peripheral``: the peripheral ends the connection
``advertising``        ``peripheral``, ``on`` (bool)
``advertise``          ``peripheral``; ``rssi``, ``name``, ``manufacturer_data``
``pairing_mode``       ``peripheral``, ``on`` (bool): the cuff's Bluetooth button
``power``              ``on`` (bool): the adapter on or off
``adapter``            ``present`` (bool): the dongle plugged in or pulled out
``wait_connected``     ``peripheral``; ``timeout`` (s, default 60)
``wait_disconnected``  ``peripheral``; ``timeout``
``wait_subscribed``    ``peripheral``, ``characteristic``; ``timeout``
``say``                ``text``: print it
=====================  ===========================================================

`load_script` checks everything before anything runs and raises ScriptError naming
the file, the peripheral or step, the key, and what is allowed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulators.bluez import health_kinds
from simulators.bluez.gatt import BASE_UUID_TAIL, CHARACTERISTIC_FLAGS, Characteristic, Service, normalize_uuid
from simulators.bluez.peripheral import SimulatedPeripheral, normalize_address
from simulators.bluez.standin import BluezStandin
from simulators.script_file import check_table, load_script_file, tables
from simulators.script_values import Fail, Param, duration

SCRIPTS = Path(__file__).resolve().parent / "scripts"


class ScriptError(ValueError):
    """A script that cannot be run, or a step that failed; the message says where."""


@dataclass
class Step:
    action: str
    after: float
    args: dict[str, Any]
    where: str


@dataclass
class Script:
    path: Path | None
    peripherals: list[tuple[SimulatedPeripheral, bool]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    adapter: bool = True
    powered: bool = True


# -- the values of keys ---------------------------------------------------------------------


def _hex(value: Any, fail: Fail) -> str:
    """Hex bytes, kept as written (steps print them back)."""
    if not isinstance(value, str):
        raise fail(f"{value!r} must be hex bytes in a string, like \"1E7900\"")
    try:
        bytes.fromhex(value)
    except ValueError:
        raise fail(f"{value!r} is not hex bytes (pairs of 0-9, A-F, like \"1E7900\")") from None
    return value


def _uuid(value: Any, fail: Fail) -> str:
    """A Bluetooth UUID, kept as written: "2A35", "0x2A35" or the full form."""
    try:
        if isinstance(value, str):
            normalize_uuid(value)
            return value
    except ValueError:
        pass
    raise fail(f"{value!r} is not a Bluetooth UUID (say \"2A35\", \"0x2A35\" or the full 128-bit form)")


def _uuids(value: Any, fail: Fail) -> list[str]:
    if not isinstance(value, list):
        raise fail(f"{value!r} must be a list of UUIDs, like [\"1810\"]")
    return [_uuid(one, fail) for one in value]


def _address(value: Any, fail: Fail) -> str:
    try:
        if isinstance(value, str):
            return normalize_address(value)
    except ValueError:
        pass
    raise fail(f"{value!r} is not a Bluetooth address (six hex pairs, like \"C4:7C:8D:6A:1B:01\")")


def _manufacturer_data(value: Any, fail: Fail) -> dict[int, bytes]:
    if not isinstance(value, dict):
        raise fail(f"{value!r} must be a table of company id = hex, like {{ \"0x020E\" = \"0102\" }}")
    result = {}
    for key, data in value.items():
        try:
            company = int(key, 0)
        except ValueError:
            company = -1
        if not 0 <= company <= 0xFFFF:
            raise fail(f"{key!r} is not a company id (say \"0x020E\" or \"526\")")
        result[company] = bytes.fromhex(_hex(data, fail))
    return result


def _flags(value: Any, fail: Fail) -> list[str]:
    if not isinstance(value, list) or not all(flag in CHARACTERISTIC_FLAGS for flag in value):
        raise fail(f"{value!r} must be a list of flags from {', '.join(CHARACTERISTIC_FLAGS)}")
    return value


def _optional(kind: type, **options: Any) -> Param:
    return Param(kind, required=False, **options)


PERIPHERAL = Param(str, convert=_address)
CHARACTERISTIC = Param(str, convert=_uuid)
HEX = Param(str, convert=_hex)
TIMEOUT = _optional(float, convert=duration)
ON = Param(bool)
RSSI = _optional(int, low=-127, high=20, form="dBm")
MANUFACTURER_DATA = _optional(dict, convert=_manufacturer_data)

ACTIONS: dict[str, dict[str, Param]] = {
    "notify": {"peripheral": PERIPHERAL, "characteristic": CHARACTERISTIC, "hex": HEX, "wait": TIMEOUT},
    "set_value": {"peripheral": PERIPHERAL, "characteristic": CHARACTERISTIC, "hex": HEX},
    "go_away": {"peripheral": PERIPHERAL},
    "come_back": {"peripheral": PERIPHERAL},
    "disconnect": {"peripheral": PERIPHERAL},
    "advertising": {"peripheral": PERIPHERAL, "on": ON},
    "advertise": {"peripheral": PERIPHERAL, "rssi": RSSI, "name": _optional(str), "manufacturer_data": MANUFACTURER_DATA},
    "pairing_mode": {"peripheral": PERIPHERAL, "on": ON},
    "power": {"on": ON},
    "adapter": {"present": ON},
    "wait_connected": {"peripheral": PERIPHERAL, "timeout": TIMEOUT},
    "wait_disconnected": {"peripheral": PERIPHERAL, "timeout": TIMEOUT},
    # characteristic: a kind's measurement when left out (checked in parse_step)
    "wait_subscribed": {"peripheral": PERIPHERAL, "characteristic": _optional(str, convert=_uuid), "timeout": TIMEOUT},
    "say": {"text": Param(str)},
}

PERIPHERAL_KEYS: dict[str, Param] = {
    "address": _optional(str, convert=_address),
    "name": _optional(str),
    "rssi": RSSI,
    "tx_power": RSSI,
    "manufacturer_data": MANUFACTURER_DATA,
    "requires_pairing": _optional(bool),
    "pairing_mode": _optional(bool),
    "paired": _optional(bool),
    "address_type": _optional(str, choices=("public", "random")),
    "connectable": _optional(bool),
    "advertising": _optional(bool),
    "adv_interval": _optional(float, convert=duration),
    "mtu": _optional(int, low=23, high=517),
}
RAW_KEYS: dict[str, Param] = {
    **PERIPHERAL_KEYS,
    "address": Param(str, convert=_address),
    "advertise": _optional(list, convert=_uuids),
    "service": _optional(list, convert=tables),
    "reply": _optional(list, convert=tables),
}
SERVICE_KEYS = {"uuid": CHARACTERISTIC, "primary": _optional(bool), "characteristic": _optional(list, convert=tables)}
CHARACTERISTIC_KEYS = {"uuid": CHARACTERISTIC, "flags": _optional(list, convert=_flags), "value": _optional(str, convert=_hex),
                       "encrypted": _optional(bool)}
REPLY_KEYS = {"write": CHARACTERISTIC, "hex": _optional(str, convert=_hex), "send": _optional(list, convert=tables)}
SEND_KEYS = {"characteristic": CHARACTERISTIC, "hex": HEX}


# -- loading ----------------------------------------------------------------------------------


def load_script(path: str | Path) -> Script:
    return load_script_file(path, parse_script, ScriptError)


def _at(name: str, place: str) -> Fail:
    return lambda message: ScriptError(f"{name}: {place}: {message}")


def parse_script(data: dict[str, Any], path: Path | None = None) -> Script:
    name = str(path) if path else "script"
    top = check_table(data, {"adapter": _optional(bool), "powered": _optional(bool),
                             "peripheral": _optional(list, convert=tables), "step": _optional(list, convert=tables)},
                      "a script", lambda message: ScriptError(f"{name}: {message}"))
    script = Script(path, adapter=top.get("adapter", True), powered=top.get("powered", True))
    by_address: dict[str, SimulatedPeripheral] = {}
    for index, table in enumerate(top.get("peripheral", []), 1):
        fail = _at(name, f"peripheral {index}")
        peripheral, paired = _peripheral(table, fail, lambda place, i=index: _at(name, f"peripheral {i}, {place}"))
        if peripheral.address in by_address:
            raise fail(f"key 'address': {peripheral.address} is used by another peripheral already"
                       " (each kind has one default address: give the second its own)")
        by_address[peripheral.address] = peripheral
        script.peripherals.append((peripheral, paired))
    for index, table in enumerate(top.get("step", []), 1):
        script.steps.append(parse_step(table, f"{name}: step {index}", by_address))
    return script


def parse_step(table: Any, where: str, peripherals: Mapping[str, SimulatedPeripheral] | None = None) -> Step:
    """One step; `peripherals` (address -> peripheral) lets it name what they can do."""
    peripherals = peripherals or {}

    def fail(message: str) -> ScriptError:
        return ScriptError(f"{where}: {message}")

    if not isinstance(table, dict):
        raise fail(f"{table!r} must be a table")
    table = dict(table)
    action = table.pop("do", None)
    kind_actions = {name for p in peripherals.values() if (kind := health_kinds.kind_of(p))
                    for name in kind.does(health_kinds.unit_of(p))}
    known = ", ".join([*ACTIONS, *sorted(kind_actions - set(ACTIONS))])
    if action is None:
        raise fail(f"key 'do' is missing: say what happens (one of: {known})")
    if not isinstance(action, str) or action not in ACTIONS and action not in kind_actions:
        raise fail(f"key 'do': {action!r} is not something these peripherals do (one of: {known})")
    after = duration(table.pop("after", 0), lambda message: fail(f"key 'after': {message}"))
    if action in ACTIONS:
        if "peripheral" in ACTIONS[action] and "peripheral" not in table and len(peripherals) == 1:
            table["peripheral"] = next(iter(peripherals))  # the only one there is
        args = check_table(table, ACTIONS[action], action, fail)
        target = peripherals.get(args["peripheral"]) if "peripheral" in args else None
        if "peripheral" in args and peripherals and target is None:
            raise fail(f"key 'peripheral': no peripheral {args['peripheral']} in this script")
        _check_characteristic(action, args, target, fail)
        return Step(action, after, args, where)
    target = _doer(action, table.pop("peripheral", None), peripherals, fail)
    kind = health_kinds.kind_of(target)
    actions = kind.does(health_kinds.unit_of(target)) if kind else {}
    if action not in actions:
        doer = _a(kind.name) if kind else "a peripheral without kind"
        raise fail(f"key 'do': {action!r} is not something {doer} does (it does: {', '.join([*actions, *ACTIONS])})")
    args = check_table(table, actions[action], action, fail)
    return Step(action, after, {"peripheral": target.address, **args}, where)


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _doer(action: str, address: Any, peripherals: Mapping[str, SimulatedPeripheral], fail: Fail) -> SimulatedPeripheral:
    """The peripheral a product step is for: the one named, or the only one that can."""
    if address is not None:
        wanted = _address(address, lambda message: fail(f"key 'peripheral': {message}"))
        if wanted not in peripherals:
            raise fail(f"key 'peripheral': no peripheral {wanted} in this script")
        return peripherals[wanted]
    able = [p for p in peripherals.values()
            if (kind := health_kinds.kind_of(p)) and action in kind.does(health_kinds.unit_of(p))]
    if len(able) != 1:
        raise fail(f"key 'peripheral' is missing: {len(able)} peripherals can {action} "
                   f"({', '.join(p.address for p in able)}); say which")
    return able[0]


def _short(uuid: str) -> str:
    return uuid[4:8].upper() if uuid.endswith(BASE_UUID_TAIL) and uuid.startswith("0000") else uuid


def _check_characteristic(action: str, args: dict[str, Any], peripheral: SimulatedPeripheral | None,
                          fail: Fail, key: str = "characteristic") -> None:
    """The characteristic a step or reply names is in the peripheral's table (or, for a
    kind's wait_subscribed without one, its measurement)."""
    kind = health_kinds.kind_of(peripheral)
    if action == "wait_subscribed" and "characteristic" not in args:
        if kind is None:
            raise fail(f"{action} needs characteristic (only a health device's measurement goes without saying)")
        args["characteristic"] = _short(kind.measurement)
    if peripheral is not None and "characteristic" in args:
        try:
            peripheral.characteristic(args["characteristic"])
        except KeyError:
            have = ", ".join(_short(c.uuid) for s in peripheral.services for c in s.characteristics) or "none"
            raise fail(f"key '{key}': {args['characteristic']} is not in {peripheral.address}'s GATT table"
                       f" (it has: {have})") from None


def _peripheral(table: Any, fail: Fail, fail_in: Callable[[str], Fail]) -> tuple[SimulatedPeripheral, bool]:
    if not isinstance(table, dict):
        raise fail(f"{table!r} must be a table")
    if "kind" in table:
        return _health_device(table, fail, fail_in)
    values = check_table(table, RAW_KEYS, "a peripheral without kind", fail,
                         f"; or give it a kind: {', '.join(health_kinds.KINDS)}")
    services = []
    for s_index, s_table in enumerate(values.pop("service", []), 1):
        s_fail = fail_in(f"service {s_index}")
        service = check_table(s_table, SERVICE_KEYS, "a service", s_fail)
        chars = []
        for c_index, c_table in enumerate(service.get("characteristic", []), 1):
            c_fail = fail_in(f"service {s_index}, characteristic {c_index}")
            char = check_table(c_table, CHARACTERISTIC_KEYS, "a characteristic", c_fail)
            chars.append(Characteristic(char["uuid"], char.get("flags", ["read"]), bytes.fromhex(char.get("value", "")),
                                        encrypted=char.get("encrypted")))
        services.append(Service(service["uuid"], chars, primary=service.get("primary", True)))
    replies = values.pop("reply", [])
    paired = values.pop("paired", False)
    try:
        peripheral = ScriptedPeripheral(values.pop("address"), services=services,
                                        advertised_uuids=values.pop("advertise", []), **values)
    except ValueError as problem:
        raise fail(str(problem)) from None
    for r_index, r_table in enumerate(replies, 1):
        r_fail = fail_in(f"reply {r_index}")
        reply = check_table(r_table, REPLY_KEYS, "a reply", r_fail)
        sends = [check_table(item, SEND_KEYS, "a send", r_fail) for item in reply.get("send", [])]
        _check_characteristic("reply", {"characteristic": reply["write"]}, peripheral, r_fail, "write")
        for send in sends:
            _check_characteristic("reply", send, peripheral, r_fail)
        peripheral.replies.append((normalize_uuid(reply["write"]), bytes.fromhex(reply.get("hex", "")),
                                   [(normalize_uuid(s["characteristic"]), bytes.fromhex(s["hex"])) for s in sends]))
    return peripheral, paired


def _health_device(table: dict[str, Any], fail: Fail, fail_in: Callable[[str], Fail]) -> tuple[SimulatedPeripheral, bool]:
    given = table["kind"]
    kind = health_kinds.KINDS.get(health_kinds.ALIASES.get(given, given)) if isinstance(given, str) else None
    if kind is None:
        raise fail(f"key 'kind': {given!r} is not one of {', '.join(health_kinds.KINDS)}")
    keys = {"kind": Param(str), **PERIPHERAL_KEYS, **health_kinds.KIND_OPTIONS, **kind.options}
    if kind.units:
        keys["unit"] = _optional(str, choices=kind.units)
    if kind.record is not None:
        keys["record"] = _optional(list, convert=tables)
    raw_only = set(RAW_KEYS) - set(keys)
    hint = f"; {_a(kind.name)} has its own GATT table" if raw_only & set(table) else ""
    values = check_table(table, keys, _a(kind.name), fail, hint)
    values.pop("kind")
    paired = values.pop("paired", False)
    unit = values.setdefault("unit", kind.units[0]) if kind.units else ""
    records = [check_table(record, kind.record(unit), "a record", fail_in(f"record {index}"))
               for index, record in enumerate(values.pop("record", []), 1)] if kind.record else []
    try:
        return health_kinds.build(kind, values, records), paired
    except ValueError as problem:
        raise fail(str(problem)) from None


class ScriptedPeripheral(SimulatedPeripheral):
    """A peripheral whose answers to writes come from the script's `reply` tables."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies: list[tuple[str, bytes, list[tuple[str, bytes]]]] = []

    def on_write(self, char: Characteristic, data: bytes, response: bool) -> None:
        super().on_write(char, data, response)
        for written, expected, sends in self.replies:
            if written == char.uuid and (not expected or expected == data):
                # after the write's own response, as a real device answers
                asyncio.get_running_loop().call_later(0.01, self._send, sends)

    def _send(self, sends: list[tuple[str, bytes]]) -> None:
        for uuid, payload in sends:
            self._air().peripheral_notifies(self, self.characteristic(uuid), payload)


# -- running ----------------------------------------------------------------------------------


def run_script(script: Script, standin: BluezStandin, *, say: Callable[[str], None] = print,
               stop: threading.Event | None = None) -> None:
    """Play the steps (blocking; call it from a thread other than the stand-in's loop).
    A step that fails raises ScriptError naming it."""
    stop = stop or threading.Event()
    for step in script.steps:
        if step.after and stop.wait(step.after):
            return
        if stop.is_set():
            return
        if step.action != "say":
            say(f"{step.where}: {step.action} {' '.join(f'{k}={v}' for k, v in step.args.items())}".rstrip())
        try:
            run_step(step, standin, say=say, stop=stop)
        except (ValueError, KeyError, RuntimeError) as problem:
            raise ScriptError(f"{step.where} ({step.action}): {problem}") from problem


def run_step(step: Step, standin: BluezStandin, *, say: Callable[[str], None] = print,
             stop: threading.Event | None = None) -> None:
    args = step.args
    peripheral = standin.peripheral(args["peripheral"]) if "peripheral" in args else None
    timeout = args.get("timeout", 60.0)
    if step.action not in ACTIONS:
        assert peripheral is not None
        health_kinds.perform(peripheral, step.action, args, lambda text: say(f"{step.where}: {text}"),
                             stop or threading.Event())
    elif step.action == "notify":
        assert peripheral is not None
        char = args["characteristic"]
        if not peripheral.wait_until(lambda p: p.subscribed(char), args.get("wait", 30.0)):
            say(f"{step.where}: the hub did not subscribe to {char}; nothing sent")
        elif not peripheral.notify(char, bytes.fromhex(args["hex"])):
            say(f"{step.where}: not sent (no connection or no subscription)")
    elif step.action == "set_value":
        assert peripheral is not None
        peripheral.set_value(args["characteristic"], bytes.fromhex(args["hex"]))
    elif step.action in ("go_away", "come_back", "disconnect"):
        getattr(peripheral, step.action)()
    elif step.action == "advertising":
        assert peripheral is not None
        (peripheral.start_advertising if args["on"] else peripheral.stop_advertising)()
    elif step.action == "advertise":
        assert peripheral is not None
        peripheral.set_advertisement(rssi=args.get("rssi"), name=args.get("name"),
                                     manufacturer_data=args.get("manufacturer_data"))
    elif step.action == "pairing_mode":
        assert peripheral is not None
        peripheral.set_pairing_mode(args["on"])
    elif step.action == "power":
        standin.power(args["on"])
    elif step.action == "adapter":
        standin.plug_adapter(args["present"])
    elif step.action in ("wait_connected", "wait_disconnected"):
        assert peripheral is not None
        wanted = step.action == "wait_connected"
        if not peripheral.wait_until(lambda p: p.connected == wanted, timeout):
            say(f"{step.where}: still {'not ' if wanted else ''}connected after {timeout:g} s")
    elif step.action == "wait_subscribed":
        assert peripheral is not None
        char = args["characteristic"]
        if not peripheral.wait_until(lambda p: p.subscribed(char), timeout):
            say(f"{step.where}: the hub did not subscribe to {char} within {timeout:g} s")
    elif step.action == "say":
        say(args["text"])


def start_script(script: Script, **options: Any) -> BluezStandin:
    """A stand-in with the script's adapter state and peripherals, started."""
    standin = BluezStandin(adapter=script.adapter, powered=script.powered, **options)
    for peripheral, paired in script.peripherals:
        standin.add(peripheral, paired=paired)
    standin.start()
    return standin
