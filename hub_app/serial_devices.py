"""The serial devices of this home, as the core runs them.

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
from typing import Any
from pathlib import Path

from serial.tools import list_ports

from devices.dispenser import Dispenser
from devices.framed_device import DeviceError, DeviceStatus, FramedDevice, Identity
from devices.modem_device import ModemDevice
from devices.sensor_receiver import SensorReceiver
from hub_app.store import AuditEntry, Store, StoreWriteError
from vocabulary import DeviceKind, Event, Problem

log = logging.getLogger(__name__)

DEVICE_KINDS: dict[str, type[FramedDevice] | type[ModemDevice]] = {
    "dispenser": Dispenser, "sensor_receiver": SensorReceiver, "gsm_modem": ModemDevice,
}
KINDS = tuple(DEVICE_KINDS)
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


class SerialDevices:
    def __init__(
        self,
        store: Store,
        *,
        on_event: Callable[[Event], None],
        on_problems: Callable[[dict[DeviceKind, Problem | None]], None],
        device_options: dict | None = None,
        outbox_priority: Callable[[Event], int | None] = lambda event: None,
        reacts: Callable[[Event], bool] = lambda event: False,
        on_unstored: Callable[[Event], None] = lambda event: None,
        on_sms: Callable[[Any], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._on_event = on_event
        self._on_unstored = on_unstored
        self._on_sms = on_sms  # the modem's incoming SMS
        self._on_problems = on_problems
        self._outbox_priority = outbox_priority
        self._reacts = reacts  # whether the core must react (a pending reaction, stored with the event)
        self._options = device_options or {}
        self.devices: dict[str, FramedDevice | ModemDevice] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._battery_low: set[str] = set()  # sources with a low battery now

    async def start(self) -> None:
        for row in self._store.assigned_devices():
            if row["kind"] in DEVICE_KINDS:
                self._run(row["port"], row["kind"])

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self.devices.clear()

    def _make(self, port: str, kind: str) -> FramedDevice | ModemDevice:
        options = dict(self._options)
        if kind == "gsm_modem":
            options.pop("retry_base", None)  # the framing's retransmission: not AT commands
            options["on_sms"] = self._on_sms
        if kind == "sensor_receiver":
            options["on_sensors"] = lambda sensors: self._refresh_problems()
        return DEVICE_KINDS[kind](port, on_event=self._store_event, on_status=self._status_changed, **options)

    def _run(self, port: str, kind: str) -> None:
        device = self._make(port, kind)
        self.devices[port] = device
        self._tasks[port] = asyncio.create_task(device.run(), name=f"{kind} {port}")

    async def _store_event(self, event: Event) -> None:
        try:
            stored, new = self._store.record_event_once(event, self._outbox_priority(event), react=self._reacts(event))
        except StoreWriteError:
            # Not stored, so not acknowledged: the device repeats it until it is. An alarm
            # goes out all the same, from memory (its uid keeps the repeats one alarm).
            self._on_unstored(event)
            raise
        if not new:
            log.debug("Repeated device event %s ignored", event.uid)
            return
        log.info("Device event stored: %s from %s", stored.kind.value, stored.source)
        log.debug("Device event %s is %s %s", stored.uid, stored.type, stored.data)
        if stored.type == "battery_low":
            self._battery_low.add(stored.source)
        if stored.type == "sensor_enrolled":  # done in the technician's learn mode: audited too
            self._store.audit(AuditEntry("technician", "receiver.sensor_enrolled", subject=stored.data.get("sensor", ""),
                                         detail={"kind": stored.data.get("sensor_kind", ""), "receiver": stored.source}))
        self._on_event(stored)
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

    # -- the technician's actions ----------------------------------------------------

    async def assign(self, port: str, kind: str, by: str = "technician") -> Identity:
        """Shake hands with the device on `port`; only if that works, save and start it."""
        if kind not in DEVICE_KINDS:
            raise DeviceError(f"unknown device kind {kind!r}; one of {', '.join(DEVICE_KINDS)}")
        await self._stop(port)  # our own supervisor would hold the port during the probe
        try:
            identity = await self._make(port, kind).probe()
        except DeviceError as exc:
            self._store.audit(AuditEntry(by, "device.assign_failed", subject=port, detail={"kind": kind, "reason": str(exc)}))
            for row in self._store.assigned_devices():  # what was there keeps running
                if row["port"] == port:
                    self._run(port, row["kind"])
            raise
        self._store.assign_device(
            port, kind, identity.model, identity.serial, identity.firmware,
            AuditEntry(by, "device.assigned", subject=port,
                       detail={"kind": kind, "model": identity.model, "serial": identity.serial, "firmware": identity.firmware}),
        )
        self._run(port, kind)
        log.info("Assigned %s to %s (%s)", port, kind, identity.model)
        return identity

    async def unassign(self, port: str, by: str = "technician") -> bool:
        await self._stop(port)
        removed = self._store.unassign_device(port, AuditEntry(by, "device.unassigned", subject=port))
        self._refresh_problems()
        return removed

    async def _stop(self, port: str) -> None:
        task = self._tasks.pop(port, None)
        self.devices.pop(port, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def statuses(self) -> list[DeviceStatus]:
        return [device.status for device in self.devices.values()]

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
