"""Simulated BLE peripherals and what they do, in a TOML file, for the BlueZ stand-in.

::

    # A cuff the technician paired last week, measuring in the morning
    [[peripheral]]
    address = "C4:7C:8D:6A:1B:01"
    name = "BP-7000"
    advertise = ["1810"]                 # advertised service UUIDs
    rssi = -60                           # dBm (optional)
    manufacturer_data = { "0x020E" = "0102" }   # company id = hex bytes (optional)
    requires_pairing = true              # GATT access needs a bond (optional)
    pairing_mode = false                 # not accepting a new pairing now (optional)
    paired = true                        # BlueZ already knows it as paired (optional)

    [[peripheral.service]]
    uuid = "1810"
    [[peripheral.service.characteristic]]
    uuid = "2A35"
    flags = ["indicate"]
    [[peripheral.service.characteristic]]
    uuid = "2A52"
    flags = ["write", "indicate"]

    [[peripheral.reply]]                 # when the hub writes this, send these
    write = "2A52"
    hex = "0101"                         # RACP: report all records
    send = [{ characteristic = "2A35", hex = "1E790051005E00E807030F0E1E2D4800010400" },
            { characteristic = "2A52", hex = "06000101" }]

    [[step]]
    do = "wait_subscribed"
    peripheral = "C4:7C:8D:6A:1B:01"
    characteristic = "2A35"
    [[step]]
    after = "2s"                         # real seconds after the previous step
    do = "notify"
    peripheral = "C4:7C:8D:6A:1B:01"
    characteristic = "2A35"
    hex = "1E790051005E00E807030F0E1E2D4800010400"

Top level: ``adapter`` (false: no Bluetooth adapter), ``powered`` (false: adapter off).

Characteristic keys: ``uuid``, ``flags`` (read, write, write-without-response,
notify, indicate, ...), ``value`` (hex, what a read returns), ``encrypted``.

Steps (``after`` = a duration such as ``"500ms"``, ``"2s"``, ``"1m"``, or seconds):

==================  ===============================================================
``notify``          ``peripheral``, ``characteristic``, ``hex``; ``wait`` (s, default
                    30) for the hub to subscribe first, else it is not sent
``set_value``       ``peripheral``, ``characteristic``, ``hex``: what a read returns
``go_away``         ``peripheral``: out of range (a connection is lost)
``come_back``       ``peripheral``: back in range
``disconnect``      ``peripheral``: the peripheral ends the connection
``advertising``     ``peripheral``, ``on`` (bool)
``advertise``       ``peripheral``; ``rssi``, ``name``, ``manufacturer_data``
``pairing_mode``    ``peripheral``, ``on`` (bool): the cuff's Bluetooth button
``power``           ``on`` (bool): the adapter on or off
``adapter``         ``present`` (bool): the dongle plugged in or pulled out
``wait_connected``  ``peripheral``; ``timeout`` (s, default 60)
``wait_disconnected``  ``peripheral``; ``timeout``
``wait_subscribed`` ``peripheral``, ``characteristic``; ``timeout``
``say``             ``text``: print it
==================  ===============================================================

`load_script` checks everything before anything runs and raises ScriptError naming
the file, the peripheral or step, and the key.
"""

from __future__ import annotations

import asyncio
import re
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.simulators.bluez.gatt import Characteristic, Service, normalize_uuid
from devices.simulators.bluez.peripheral import SimulatedPeripheral, normalize_address
from devices.simulators.bluez.standin import BluezStandin

SCRIPTS = Path(__file__).resolve().parent / "scripts"


class ScriptError(ValueError):
    """A script that cannot be run; the message says where."""


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


# the arguments of each step: name -> (kind, required)
ACTIONS: dict[str, dict[str, tuple[type, bool]]] = {
    "notify": {"peripheral": (str, True), "characteristic": (str, True), "hex": (str, True), "wait": (float, False)},
    "set_value": {"peripheral": (str, True), "characteristic": (str, True), "hex": (str, True)},
    "go_away": {"peripheral": (str, True)},
    "come_back": {"peripheral": (str, True)},
    "disconnect": {"peripheral": (str, True)},
    "advertising": {"peripheral": (str, True), "on": (bool, True)},
    "advertise": {"peripheral": (str, True), "rssi": (int, False), "name": (str, False),
                  "manufacturer_data": (dict, False)},
    "pairing_mode": {"peripheral": (str, True), "on": (bool, True)},
    "power": {"on": (bool, True)},
    "adapter": {"present": (bool, True)},
    "wait_connected": {"peripheral": (str, True), "timeout": (float, False)},
    "wait_disconnected": {"peripheral": (str, True), "timeout": (float, False)},
    "wait_subscribed": {"peripheral": (str, True), "characteristic": (str, True), "timeout": (float, False)},
    "say": {"text": (str, True)},
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(value: Any, where: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ScriptError(f"{where}: not a duration: {value!r} (say 500ms, 2s, 1m or a number of seconds)")
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def _hex(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise ScriptError(f"{where}: hex bytes must be a string")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ScriptError(f"{where}: not hex bytes: {value!r}") from None


def _manufacturer_data(value: Any, where: str) -> dict[int, bytes]:
    if not isinstance(value, dict):
        raise ScriptError(f"{where}: manufacturer_data must be a table of company id = hex")
    result = {}
    for key, data in value.items():
        try:
            company = int(key, 0)
        except ValueError:
            raise ScriptError(f"{where}: not a company id: {key!r} (say \"0x020E\" or \"526\")") from None
        result[company] = _hex(data, f"{where}.{key}")
    return result


def load_script(path: str | Path) -> Script:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as problem:
        raise ScriptError(f"{path}: {problem}") from None
    return parse_script(data, path)


def parse_script(data: dict[str, Any], path: Path | None = None) -> Script:
    name = str(path) if path else "script"
    unknown = set(data) - {"adapter", "powered", "peripheral", "step"}
    if unknown:
        raise ScriptError(f"{name}: unknown key(s) {', '.join(sorted(unknown))}")
    script = Script(path, adapter=bool(data.get("adapter", True)), powered=bool(data.get("powered", True)))
    addresses: set[str] = set()
    for index, table in enumerate(data.get("peripheral", []), 1):
        where = f"{name}: peripheral {index}"
        peripheral, paired = _peripheral(table, where)
        if peripheral.address in addresses:
            raise ScriptError(f"{where}: address {peripheral.address} used twice")
        addresses.add(peripheral.address)
        script.peripherals.append((peripheral, paired))
    for index, table in enumerate(data.get("step", []), 1):
        where = f"{name}: step {index}"
        step = parse_step(table, where)
        address = step.args.get("peripheral")
        if address is not None:
            step.args["peripheral"] = _address(address, f"{where}.peripheral")
            if step.args["peripheral"] not in addresses:
                raise ScriptError(f"{where}.peripheral: no peripheral {address} in this script")
        script.steps.append(step)
    return script


def parse_step(table: dict[str, Any], where: str) -> Step:
    table = dict(table)
    action = table.pop("do", None)
    if action not in ACTIONS:
        raise ScriptError(f"{where}.do: {action!r} is not one of {', '.join(ACTIONS)}")
    after = parse_duration(table.pop("after", 0), f"{where}.after")
    params = ACTIONS[action]
    args: dict[str, Any] = {}
    for key, value in table.items():
        if key not in params:
            raise ScriptError(f"{where}: {action} takes no {key!r} (it takes {', '.join(params) or 'nothing'})")
        kind = params[key][0]
        if kind is float:
            args[key] = parse_duration(value, f"{where}.{key}")
        elif kind is dict:
            args[key] = _manufacturer_data(value, f"{where}.{key}")
        elif kind is int and isinstance(value, int) and not isinstance(value, bool):
            args[key] = value
        elif isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            args[key] = value
        else:
            raise ScriptError(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
        if key == "hex":
            _hex(value, f"{where}.hex")
        if key == "characteristic":
            _uuid(value, f"{where}.characteristic")
    missing = [k for k, (_, required) in params.items() if required and k not in args]
    if missing:
        raise ScriptError(f"{where}: {action} needs {', '.join(missing)}")
    return Step(action, after, args, where)


def _address(value: Any, where: str) -> str:
    try:
        return normalize_address(str(value))
    except ValueError as problem:
        raise ScriptError(f"{where}: {problem}") from None


def _uuid(value: Any, where: str) -> str:
    try:
        return normalize_uuid(value)
    except (ValueError, AttributeError) as problem:
        raise ScriptError(f"{where}: {problem}") from None


PERIPHERAL_KEYS = {"address", "name", "advertise", "rssi", "tx_power", "manufacturer_data", "requires_pairing",
                   "pairing_mode", "paired", "address_type", "connectable", "advertising", "adv_interval",
                   "mtu", "service", "reply"}


def _peripheral(table: dict[str, Any], where: str) -> tuple[SimulatedPeripheral, bool]:
    unknown = set(table) - PERIPHERAL_KEYS
    if unknown:
        raise ScriptError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if "address" not in table:
        raise ScriptError(f"{where}: needs an address")
    address = _address(table["address"], f"{where}.address")
    services = []
    for s_index, s_table in enumerate(table.get("service", []), 1):
        s_where = f"{where}.service {s_index}"
        chars = []
        for c_index, c_table in enumerate(s_table.get("characteristic", []), 1):
            c_where = f"{s_where}.characteristic {c_index}"
            try:
                chars.append(Characteristic(
                    _uuid(c_table.get("uuid"), f"{c_where}.uuid"),
                    list(c_table.get("flags", ["read"])),
                    _hex(c_table.get("value", ""), f"{c_where}.value"),
                    encrypted=c_table.get("encrypted"),
                ))
            except ValueError as problem:
                raise ScriptError(f"{c_where}: {problem}") from None
        services.append(Service(_uuid(s_table.get("uuid"), f"{s_where}.uuid"), chars,
                                primary=bool(s_table.get("primary", True))))
    try:
        peripheral = ScriptedPeripheral(
            address,
            name=table.get("name"),
            services=services,
            advertised_uuids=[_uuid(u, f"{where}.advertise") for u in table.get("advertise", [])],
            manufacturer_data=_manufacturer_data(table.get("manufacturer_data", {}), f"{where}.manufacturer_data"),
            rssi=int(table.get("rssi", -60)),
            tx_power=table.get("tx_power"),
            address_type=table.get("address_type", "public"),
            connectable=bool(table.get("connectable", True)),
            advertising=bool(table.get("advertising", True)),
            adv_interval=parse_duration(table.get("adv_interval", 0.1), f"{where}.adv_interval"),
            requires_pairing=bool(table.get("requires_pairing", False)),
            pairing_mode=bool(table.get("pairing_mode", True)),
            mtu=int(table.get("mtu", 247)),
        )
    except ValueError as problem:
        raise ScriptError(f"{where}: {problem}") from None
    for r_index, r_table in enumerate(table.get("reply", []), 1):
        r_where = f"{where}.reply {r_index}"
        written = _uuid(r_table.get("write"), f"{r_where}.write")
        data = _hex(r_table.get("hex", ""), f"{r_where}.hex")
        sends = []
        for item in r_table.get("send", []):
            char = _uuid(item.get("characteristic"), f"{r_where}.send.characteristic")
            try:
                peripheral.characteristic(char)
            except KeyError:
                raise ScriptError(f"{r_where}.send: no characteristic {item.get('characteristic')}") from None
            sends.append((char, _hex(item.get("hex", ""), f"{r_where}.send.hex")))
        peripheral.replies.append((written, data, sends))
    return peripheral, bool(table.get("paired", False))


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


def run_script(script: Script, standin: BluezStandin, *, say: Callable[[str], None] = print,
               stop: threading.Event | None = None) -> None:
    """Play the steps (blocking; call it from a thread other than the stand-in's loop)."""
    stop = stop or threading.Event()
    for step in script.steps:
        if step.after and stop.wait(step.after):
            return
        if stop.is_set():
            return
        if step.action != "say":
            say(f"{step.where}: {step.action} {' '.join(f'{k}={v}' for k, v in step.args.items())}".rstrip())
        run_step(step, standin, say=say, stop=stop)


def run_step(step: Step, standin: BluezStandin, *, say: Callable[[str], None] = print,
             stop: threading.Event | None = None) -> None:
    args = step.args
    peripheral = standin.peripheral(args["peripheral"]) if "peripheral" in args else None
    timeout = args.get("timeout", 60.0)
    if step.action == "notify":
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
