"""The serial devices of this home, as the core runs them, and the technician's actions
on them.

Assignments (port -> kind) live in the store; each assigned framed device is
supervised by a task on the core loop. Device events go into the store once (their
uid makes a repeat recognisable) before the device gets its acknowledgement; a silent
device or a low battery becomes a problem on the resident's status line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serial.tools import list_ports

from devices.dispenser import Dispenser
from devices.framed_device import DeviceError, DeviceStatus, FramedDevice, Identity
from devices.modem_device import ModemDevice
from devices.sensor_receiver import SensorReceiver
from hub_app.context import HubContext
from hub_app.device_manager import DeviceManager, EventHooks
from hub_app.store import AuditEntry
from vocabulary import DeviceKind, Event, Problem

log = logging.getLogger(__name__)

DEVICE_KINDS: dict[str, type[FramedDevice] | type[ModemDevice]] = {
    "dispenser": Dispenser, "sensor_receiver": SensorReceiver, "gsm_modem": ModemDevice,
}
KINDS = tuple(DEVICE_KINDS)
# The technician's test SMS: the letters that must come through whole, in each language's
# words (North Sámi's letters are outside the GSM alphabet: that SMS goes as UCS-2).
TEST_SMS_TEXTS = {
    "nb": "Test fra velferdshuben: SMS virker, og æøå ÆØÅ kommer fram.",
    "nn": "Test frå velferdshuben: SMS verkar, og æøå ÆØÅ kjem fram.",
    "se": "Geahččaleapmi velferdhubas: SMS doaibmá, ja áčđŋšŧž ÁČĐŊŠŦŽ bohtet ollásit.",
    "en": "Test from the welfare hub: SMS works, and æøå ÆØÅ come through.",
}
TEST_SMS = TEST_SMS_TEXTS["nb"] + " / " + TEST_SMS_TEXTS["en"]


def test_sms_text(language: str) -> str:
    """The test SMS in the resident's language, and in English for the technician."""
    if language == "en" or language not in TEST_SMS_TEXTS:
        return TEST_SMS_TEXTS["en"] if language == "en" else TEST_SMS
    return TEST_SMS_TEXTS[language] + " / " + TEST_SMS_TEXTS["en"]
STABLE_LINKS = Path("/dev/welfare-hub")  # packaging/udev names devices here

_PROBLEM_DEVICE = {"dispenser": DeviceKind.DISPENSER, "sensor_receiver": DeviceKind.SENSOR_RECEIVER,
                   "gsm_modem": DeviceKind.GSM_MODEM}
_SENSOR_DEVICE = {"fall": DeviceKind.FALL_SENSOR, "help": DeviceKind.HELP_PENDANT, "bed": DeviceKind.BED_SENSOR,
                  "door": DeviceKind.DOOR_SENSOR}


@dataclass(frozen=True)
class PortInfo:
    path: str
    usb_id: str  # "0403:6001", or "" when not USB
    serial_number: str
    description: str


def find_ports() -> list[PortInfo]:
    """Serial ports on this machine, stable udev names first."""
    found = []
    if STABLE_LINKS.is_dir():
        for link in sorted(STABLE_LINKS.iterdir()):
            found.append(PortInfo(str(link), "", "", f"stable name for {link.resolve()}"))
    for port in list_ports.comports():
        usb = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None else ""
        found.append(PortInfo(port.device, usb, port.serial_number or "", port.description or ""))
    return found


class SerialDevices(DeviceManager[FramedDevice | ModemDevice]):
    def __init__(
        self,
        ctx: HubContext,
        hooks: EventHooks,
        *,
        on_problems: Callable[[dict[DeviceKind, Problem | None]], None],
        device_options: dict | None = None,
        on_sms: Callable[[Any], Awaitable[None]] | None = None,
        on_assigned: Callable[[str], None] = lambda kind: None,
    ) -> None:
        super().__init__(ctx, hooks, on_problems)
        self._on_sms = on_sms  # the modem's incoming SMS
        self._on_assigned = on_assigned  # a dispenser is given its doses at once
        self._options = device_options or {}
        self._battery_low: set[str] = set()  # sources with a low battery now

    def _assigned(self) -> list[tuple[str, str]]:
        return [(row["port"], row["kind"]) for row in self._store.assigned_devices() if row["kind"] in DEVICE_KINDS]

    def _make(self, port: str, kind: str) -> FramedDevice | ModemDevice:
        options = dict(self._options)
        if kind == "gsm_modem":
            options.pop("retry_base", None)  # the framing's retransmission: not AT commands
            options["on_sms"] = self._on_sms
        if kind == "sensor_receiver":
            options["on_sensors"] = lambda sensors: self._refresh_problems()
        return DEVICE_KINDS[kind](port, on_event=self._event, on_status=self._status_changed, **options)

    async def _event(self, event: Event) -> None:
        stored = await self._store_event(event)
        if stored is None:
            return
        if stored.type == "battery_low":
            self._battery_low.add(stored.source)
        if stored.type == "sensor_enrolled":  # done in the technician's learn mode: audited too
            self._store.audit(AuditEntry("technician", "receiver.sensor_enrolled", subject=stored.data.get("sensor", ""),
                                         detail={"kind": stored.data.get("sensor_kind", ""), "receiver": stored.source}))
        self._hooks.stored(stored)
        self._refresh_problems()

    def _status_changed(self, status: DeviceStatus) -> None:
        if status.battery is not None and status.battery >= 30 and status.identity:
            self._battery_low.discard(status.identity.source)
        self._refresh_problems()

    def _refresh_problems(self) -> None:
        wanted: dict[DeviceKind, Problem | None] = {kind: None for kind in (*_PROBLEM_DEVICE.values(), *_SENSOR_DEVICE.values())}
        for device in self.devices.values():
            status = device.status
            kind = _PROBLEM_DEVICE[status.kind]
            if status.silent:
                wanted[kind] = Problem(kind, "silent")
            elif status.identity and status.identity.source in self._battery_low and wanted[kind] is None:
                wanted[kind] = Problem(kind, "battery_low")
            if isinstance(device, SensorReceiver):
                for sensor in device.sensors.values():
                    sensor_kind = _SENSOR_DEVICE[sensor.kind]
                    if sensor.silent:
                        wanted[sensor_kind] = Problem(sensor_kind, "silent")
                    elif sensor.battery_low and wanted[sensor_kind] is None:
                        wanted[sensor_kind] = Problem(sensor_kind, "battery_low")
        self._on_problems(wanted)

    def _first(self, kind: type) -> Any:
        return next((d for d in self.devices.values() if isinstance(d, kind)), None)

    def dispenser(self) -> Dispenser | None:
        return self._first(Dispenser)

    def modem(self) -> ModemDevice | None:
        return self._first(ModemDevice)

    def device(self, port: str) -> FramedDevice | ModemDevice:
        try:
            return self.devices[port]
        except KeyError:
            raise DeviceError(f"no device is assigned to {port}") from None

    async def send_sms(self, number: str, text: str) -> None:
        """An SMS through the assigned modem (the alarm ladder, a call's invitation)."""
        modem = self.modem()
        if modem is None:
            raise RuntimeError("no mobile modem is assigned to this hub")
        await modem.send_sms(number, text)

    # -- the technician's actions ----------------------------------------------------

    async def ports(self) -> list[PortInfo]:
        return await asyncio.get_running_loop().run_in_executor(None, find_ports)

    async def assign(self, port: str, kind: str, by: str = "technician") -> Identity:
        """Shake hands with the device on `port`; only if that works, save and start it."""
        if kind not in DEVICE_KINDS:
            raise DeviceError(f"unknown device kind {kind!r}; one of {', '.join(DEVICE_KINDS)}")

        def failed(exc: BaseException) -> None:
            self._store.audit(AuditEntry(by, "device.assign_failed", subject=port, detail={"kind": kind, "reason": str(exc)}))

        identity = await self._change(port, lambda: self._make(port, kind).probe(), (DeviceError,), failed)
        self._store.assign_device(
            port, kind, identity.model, identity.serial, identity.firmware,
            AuditEntry(by, "device.assigned", subject=port,
                       detail={"kind": kind, "model": identity.model, "serial": identity.serial, "firmware": identity.firmware}),
        )
        self._run(port, kind)
        log.info("Assigned %s to %s (%s)", port, kind, identity.model)
        self._on_assigned(kind)
        return identity

    async def unassign(self, port: str, by: str = "technician") -> bool:
        await self._stop(port)
        removed = self._store.unassign_device(port, AuditEntry(by, "device.unassigned", subject=port))
        self._refresh_problems()
        return removed

    async def signal_dispenser(self, port: str) -> None:
        await self.device(port).signal_resident()
        self._store.audit(AuditEntry("technician", "device.test_signal", subject=port))

    async def learn(self, port: str, on: bool) -> None:
        await self.device(port).learn(on)
        self._store.audit(AuditEntry("technician", "receiver.learn_on" if on else "receiver.learn_off", subject=port))

    async def sensors(self, port: str) -> list:
        return list(self.device(port).sensors.values())

    async def check_modem(self, port: str):
        device = self.device(port)
        await device.check()
        self._store.audit(AuditEntry("technician", "modem.checked", subject=port,
                                     detail={"registration": device.registration.state}))
        return device.signal, device.registration

    async def test_sms(self, port: str, number: str) -> list[int]:
        references = await self.device(port).send_sms(number, test_sms_text(self._ctx.config.resident.language))
        self._store.audit(AuditEntry("technician", "modem.test_sms", subject=port, detail={"parts": len(references)}))
        return references
