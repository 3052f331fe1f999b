"""The Bluetooth health devices of this home, as the core runs them.

Pairing a device (the technician's page) puts it on the allow-list in the store; only
devices on that list are connected and believed. Readings go into the store once
(their uid is made from the reading's identity), and a device that cannot be reached
(or a missing adapter) is shown to the technician in plain words. The resident's
status line hears of a missing adapter, a device that fails again and again, or a low
battery; a device out of range is normal and not mentioned.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bleak.exc import BleakError
from bleak_retry_connector import BleakClientWithServiceCache, establish_connection

from devices.ble_health import (PROFILES, Advert, BleHealthDevice, BleStatus, NotConnected, adapter_problem, find,
                                 release_bluez, scan)
from hub_app.context import HubContext
from hub_app.device_manager import DeviceManager, EventHooks
from hub_app.store import AuditEntry
from vocabulary import DeviceKind, Event, Problem

log = logging.getLogger(__name__)


class BleError(Exception):
    """What a technician's Bluetooth action could not do, in plain words."""


@dataclass(frozen=True)
class TestRead:
    status: BleStatus
    last_reading: Event | None  # when the hub last stored one from this device (its values stay off this page)


class BleDevices(DeviceManager[BleHealthDevice]):
    def __init__(
        self,
        ctx: HubContext,
        hooks: EventHooks,
        *,
        on_problems: Callable[[dict[DeviceKind, Problem | None]], None] = lambda wanted: None,
        on_live: Callable[[str, str, dict], None] = lambda address, profile, value: None,
        on_paired: Callable[[tuple[str, ...]], None] = lambda profiles: None,
        device_options: dict | None = None,
    ) -> None:
        super().__init__(ctx, hooks, on_problems)
        self._on_live = on_live
        self._on_paired = on_paired
        self._zone = ctx.zone
        self._options = device_options or {}

    def _assigned(self) -> list[tuple[str, str]]:
        return [(row["address"], row["profile"]) for row in self._store.paired_ble()]

    async def start(self) -> None:
        await super().start()
        self._paired_changed()

    async def stop(self) -> None:
        await super().stop()
        await release_bluez()  # the hub's loop ends after this: bleak's connection to BlueZ with it

    def _paired_changed(self) -> None:
        self._on_paired(tuple(dict.fromkeys(profile for _address, profile in self._assigned())))
        self._refresh_problems()

    def _refresh_problems(self) -> None:
        wanted: dict[DeviceKind, Problem | None] = {profile.kind: None for profile in PROFILES.values()}
        for device in self.devices.values():
            reason = device.status.resident_problem
            if reason is not None and wanted[device.profile.kind] is None:
                wanted[device.profile.kind] = Problem(device.profile.kind, reason)
        self._on_problems(wanted)

    def _make(self, address: str, profile: str) -> BleHealthDevice:
        source = f"ble:{address}"

        async def last_sequence() -> int | None:
            return self._store.last_sequence_number(source)

        return BleHealthDevice(address, profile, on_event=self._reading, last_sequence=last_sequence,
                               on_live=lambda addr, value: self._on_live(addr, profile, value),
                               on_status=self._status_changed, time_zone=self._zone, **self._options)

    def _status_changed(self, status: BleStatus) -> None:
        # Cheap, and the core tells the screen only when the problems really change.
        self._refresh_problems()

    async def _reading(self, event: Event) -> None:
        stored = await self._store_event(event)
        if stored is not None:
            self._hooks.stored(stored)

    # -- the technician's actions --------------------------------------------------------

    async def scan(self, seconds: float = 5.0, by: str = "technician") -> list[tuple[Advert, bool]]:
        """Health devices nearby, each with whether it is paired to this hub. The audit
        says that a scan was made and how many it found, never which: the neighbours'
        devices are none of this hub's business."""
        try:
            adverts = await scan(seconds)
        except BleakError as exc:
            reason = adapter_problem(exc)
            self._store.audit(AuditEntry(by, "ble.scan", detail={"ok": False, "reason": reason}))
            raise BleError(reason) from exc
        self._store.audit(AuditEntry(by, "ble.scan", detail={"ok": True, "found": len(adverts)}))
        paired = {address for address, _profile in self._assigned()}
        return [(advert, advert.address in paired) for advert in adverts]

    async def pair(self, address: str, profile: str, by: str = "technician") -> str:
        """Connect, pair (bond) and check the device has its profile's service; then keep it."""
        if profile not in PROFILES:
            raise BleError(f"unknown profile {profile!r}; one of {', '.join(PROFILES)}")

        async def attempt():
            device = await find(address, 10.0)
            if device is None:
                raise BleError(f"{address} is not in range: wake the device (press its button) and try again")
            client = await establish_connection(BleakClientWithServiceCache, device, address, max_attempts=3)
            try:
                await client.pair()
                if client.services.get_service(PROFILES[profile].service) is None:
                    raise BleError(f"{address} has no {profile.replace('_', ' ')} service")
            finally:
                await client.disconnect()
            return device

        def failed(exc: BaseException) -> None:
            self._store.audit(AuditEntry(by, "ble.pair_failed", subject=address, detail={"reason": _reason(exc)}))

        try:
            device = await self._change(address, attempt, (BleakError, BleError, TimeoutError, asyncio.TimeoutError),
                                        failed)
        except (BleakError, TimeoutError, asyncio.TimeoutError) as exc:
            raise BleError(_reason(exc)) from exc
        name = device.name or ""
        self._store.pair_ble(address, profile, name, AuditEntry(by, "ble.paired", subject=address, detail={"profile": profile}))
        self._run(address, profile)
        self._paired_changed()
        return name

    async def forget(self, address: str, by: str = "technician") -> bool:
        await self._stop(address)
        forgotten = self._store.forget_ble(address, AuditEntry(by, "ble.forgotten", subject=address))
        self._paired_changed()
        return forgotten

    async def test_read(self, address: str, by: str = "technician") -> TestRead:
        """Read the battery and device information of a paired device now."""
        device = self.devices.get(address)
        if device is None:
            raise BleError(f"{address} is not paired with this hub")
        try:
            status = await device.test_read()
        except NotConnected as exc:
            self._store.audit(AuditEntry(by, "ble.test_read", subject=address, detail={"connected": False}))
            raise BleError(str(exc)) from exc
        except (BleakError, asyncio.TimeoutError) as exc:
            self._store.audit(AuditEntry(by, "ble.test_read", subject=address, detail={"connected": True, "ok": False}))
            raise BleError(adapter_problem(exc)) from exc
        self._store.audit(AuditEntry(by, "ble.test_read", subject=address,
                                     detail={"connected": True, "ok": True, "battery": status.battery}))
        return TestRead(status, self._store.last_event_from(f"ble:{address}"))


def _reason(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, BleError) else adapter_problem(exc)
