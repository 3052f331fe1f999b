"""The medicine dispenser (docs/protocols/dispenser.md), as the hub sees it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from devices.framed_device import CommandRefused, DeviceError, FramedDevice, Identity
from drivers.serial import messages as m
from vocabulary import Event, EventKind


@dataclass(frozen=True)
class DoseSlot:
    compartment: int
    due: datetime
    window_min: int


_DOSE_TYPES = {m.DoseDue: "dose_due", m.DoseTaken: "dose_taken", m.DoseMissed: "dose_missed", m.EarlyAttempt: "early_attempt"}
_DEVICE_TYPES = {
    m.LowStock: "low_stock", m.Empty: "empty", m.Refilled: "refilled", m.LidOpen: "lid_open",
    m.Jam: "jam", m.Power: "power", m.Battery: "battery",
}


class Dispenser(FramedDevice):
    KIND = "dispenser"

    def __init__(self, port: str, **kwargs) -> None:
        super().__init__(port, **kwargs)
        self._schedule: tuple[DoseSlot, ...] = ()
        # One load at a time, each reading the newest schedule when it starts: a new
        # schedule that arrives during the set-up after a handshake is never lost.
        self._loading = asyncio.Lock()

    def translate(self, msg: m.Message, identity: Identity) -> list[Event]:
        fields = {name: getattr(msg, name) for name in msg.__dataclass_fields__}
        at = fields.pop("at", None)
        if "comp" in fields:
            fields["compartment"] = fields.pop("comp")
        if type(msg) in _DOSE_TYPES:
            return [self._event(EventKind.DOSE, _DOSE_TYPES[type(msg)], identity, at, **fields)]
        if type(msg) in _DEVICE_TYPES:
            return [self._event(EventKind.DEVICE, _DEVICE_TYPES[type(msg)], identity, at, **fields)]
        return []

    async def set_schedule(self, slots: list[DoseSlot]) -> None:
        """Replace the loaded schedule; it is sent again after every reconnection."""
        self._schedule = tuple(slots)
        if self.status.connected:
            await self._load_schedule()

    async def after_handshake(self) -> None:
        if self._schedule:
            await self._load_schedule()

    async def _load_schedule(self) -> None:
        """Every slot the dispenser accepts is loaded, even when it refuses one."""
        async with self._loading:
            await self.command(m.ScheduleClear())
            refused = []
            for slot in self._schedule:
                try:
                    await self.command(m.Slot(comp=slot.compartment, due=slot.due, window=slot.window_min))
                except CommandRefused as exc:
                    refused.append(f"compartment {slot.compartment}: {exc}")
        if refused:
            raise DeviceError("the dispenser refused part of the schedule: " + "; ".join(refused))

    async def signal_resident(self) -> None:
        """The technician's test: sound and light as for a due dose, nothing opens."""
        await self.command(m.Signal(reason="test"))
