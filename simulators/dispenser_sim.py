"""A simulated medicine dispenser (docs/protocols/dispenser.md) on a pseudo-terminal.

It keeps the slots the hub loads and, like the real one, runs them on its own clock
(`run_schedule`, on by default): the compartment opens when its dose is due
(`DOSE_DUE`), `take_dose()` is the resident taking it (`DOSE_TAKEN`, or
`EARLY_ATTEMPT` when nothing is open yet), and a window that closes untaken gives
`DOSE_MISSED`. Every event can also be caused by hand (`dose_taken(3)`, `jam(2)`,
`low_stock(4)`, ...), for tests, scripts and a technician.

Compartment states: `pending` (loaded, not yet due), `open` (due, waiting for the
resident), `taken`, `missed`, and `lapsed` (loaded when its window had already closed:
it never opens and reports nothing). The physical states `open` and `taken` survive
`SCHED_CLEAR`, as a dose that is gone stays gone; `refilled()` (a new roll) clears
`taken` and `missed`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from simulators.framed import FramedDeviceSimulator
from simulators.pty import PtyPort
from drivers.serial.messages import (
    Battery,
    DoseDue,
    DoseMissed,
    DoseTaken,
    EarlyAttempt,
    Empty,
    Jam,
    LidOpen,
    LowStock,
    Message,
    MessageError,
    Power,
    Refilled,
    ScheduleClear,
    SetTime,
    Signal,
    Slot,
    format_time,
    parse_time,
)

SLOT_STATES = ("pending", "open", "taken", "missed", "lapsed")
AD_HOC_WINDOW = 60  # minutes, for a dose_due() by hand without a loaded slot


@dataclass
class SlotState:
    comp: int
    due: datetime
    window: int  # minutes
    state: str = "pending"
    loaded: bool = True  # False: made by a hand-made event, left to the hand (not run automatically)

    @property
    def closes(self) -> datetime:
        return self.due + timedelta(minutes=self.window)


class DispenserSimulator(FramedDeviceSimulator):
    COMMANDS = (SetTime, ScheduleClear, Slot, Signal)

    def __init__(
        self,
        port: PtyPort,
        *,
        model: str = "OD-28",
        serial: str = "OD2400117",
        fw: str = "1.4.2",
        hb: float = 30,
        compartments: int = 28,
        auto: bool = True,
        tick: float = 0.2,
        state_file: Path | None = None,
        retry_base: float = 1.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not 1 <= compartments <= 64:
            raise ValueError("a dispenser has 1 to 64 compartments")
        self.compartments = compartments
        self.slots: dict[int, SlotState] = {}
        self.signals = 0
        self.auto = auto
        self.tick = tick
        super().__init__(port, kind="dispenser", model=model, serial=serial, fw=fw, hb=hb,
                         state_file=state_file, retry_base=retry_base, clock=clock)

    # -- commands ------------------------------------------------------------------------

    def handle_command(self, msg: Message) -> str | None:
        if isinstance(msg, ScheduleClear):
            self.slots = {comp: slot for comp, slot in self.slots.items() if slot.state in ("open", "taken")}
            self._save()
            return None
        if isinstance(msg, Slot):
            return self._load_slot(msg)
        if isinstance(msg, Signal):
            self.signals += 1
            return None
        return super().handle_command(msg)

    def _load_slot(self, msg: Slot) -> None:
        if msg.comp > self.compartments:
            raise MessageError("field", f"comp must be 1..{self.compartments}")
        current = self.slots.get(msg.comp)
        if current is not None and current.due == msg.due and current.window == msg.window:
            return None  # the same slot again (the hub reloads after each reconnection): nothing changes
        if current is not None and current.state == "open":
            raise MessageError("state", f"compartment {msg.comp} is open")
        if current is not None and current.state == "taken":
            raise MessageError("state", f"compartment {msg.comp} was already taken")
        slot = SlotState(msg.comp, msg.due, msg.window)
        if self.now() >= slot.closes:
            slot.state = "lapsed"
        self.slots[msg.comp] = slot
        self._save()
        return None

    # -- the dispenser's own schedule -------------------------------------------------------

    def _extra_tasks(self) -> list[Coroutine[Any, Any, None]]:
        return [self.run_schedule()] if self.auto else []

    async def run_schedule(self) -> None:
        """Open compartments when due and close them when their window ends, on the
        device's clock, until cancelled (started by start() when `auto`)."""
        while True:
            self.check_schedule()
            await asyncio.sleep(self.tick)

    def check_schedule(self) -> None:
        now = self.now()
        for slot in sorted(self.slots.values(), key=lambda s: (s.due, s.comp)):
            if not slot.loaded:
                continue
            if slot.state == "pending" and now >= slot.due:
                if now < slot.closes:
                    slot.state = "open"
                    self._save()
                    self.queue_event(DoseDue(comp=slot.comp, due=slot.due))
                else:  # the clock jumped past the whole window
                    slot.state = "missed"
                    self._save()
                    self.queue_event(DoseMissed(comp=slot.comp, due=slot.due))
            elif slot.state == "open" and now >= slot.closes:
                slot.state = "missed"
                self._save()
                self.queue_event(DoseMissed(comp=slot.comp, due=slot.due))

    def take_dose(self) -> Message | None:
        """The resident reaches for the dispenser: takes the open dose (DOSE_TAKEN), or is
        refused before the next window (EARLY_ATTEMPT). None if nothing is loaded."""
        self.check_schedule()
        now = self.now()
        open_slots = [s for s in self.slots.values() if s.state == "open"]
        if open_slots:
            slot = min(open_slots, key=lambda s: (s.due, s.comp))
            msg: Message = DoseTaken(comp=slot.comp, at=self._stamp(), due=slot.due)
            self.queue_event(msg)
            slot.state = "taken"
            self._save()
            return msg
        upcoming = [s for s in self.slots.values() if s.state == "pending" and s.due > now]
        if upcoming:
            slot = min(upcoming, key=lambda s: (s.due, s.comp))
            msg = EarlyAttempt(comp=slot.comp, at=self._stamp())
            self.queue_event(msg)
            return msg
        return None

    # -- events by hand (each returns the event's sequence number) -------------------------------
    # `due` comes from the compartment's slot; without one, the first hand-made event for
    # it makes one that is due now (and that the automatic schedule leaves alone).

    def dose_due(self, comp: int) -> int:
        slot = self._slot(comp)
        seq = self.queue_event(DoseDue(comp=comp, due=slot.due))
        slot.state = "open"
        self._save()
        return seq

    def dose_taken(self, comp: int, at: datetime | None = None) -> int:
        slot = self._slot(comp)
        seq = self.queue_event(DoseTaken(comp=comp, at=at or self._stamp(), due=slot.due))
        slot.state = "taken"
        self._save()
        return seq

    def dose_missed(self, comp: int) -> int:
        slot = self._slot(comp)
        seq = self.queue_event(DoseMissed(comp=comp, due=slot.due))
        slot.state = "missed"
        self._save()
        return seq

    def early_attempt(self, comp: int) -> int:
        return self.queue_event(EarlyAttempt(comp=comp, at=self._stamp()))

    def low_stock(self, left: int) -> int:
        return self.queue_event(LowStock(left=left))

    def empty(self) -> int:
        return self.queue_event(Empty())

    def refilled(self, doses: int) -> int:
        """A new roll: every compartment is full (and closed) again."""
        seq = self.queue_event(Refilled(doses=doses))
        self.slots = {comp: slot for comp, slot in self.slots.items() if slot.state == "pending"}
        self._save()
        return seq

    def lid_open(self) -> int:
        return self.queue_event(LidOpen(at=self._stamp()))

    def jam(self, comp: int) -> int:
        return self.queue_event(Jam(comp=comp))

    def power(self, source: str) -> int:
        """Mains lost (`battery`) or back (`mains`); HB carries it from now on."""
        seq = self.queue_event(Power(source=source))
        self.power_source = source
        return seq

    def battery(self, level: int) -> int:
        """The battery level changed; HB carries it from now on."""
        seq = self.queue_event(Battery(level=level))
        self.bat = level
        return seq

    # -- inside ----------------------------------------------------------------------------------

    def _stamp(self) -> datetime:
        return self.now().replace(microsecond=0)

    def _slot(self, comp: int) -> SlotState:
        if not isinstance(comp, int) or not 1 <= comp <= self.compartments:
            raise ValueError(f"comp must be 1..{self.compartments}, not {comp!r}")
        slot = self.slots.get(comp)
        if slot is None:
            slot = self.slots[comp] = SlotState(comp, self._stamp(), AD_HOC_WINDOW, "pending", loaded=False)
        return slot

    def _state_extra(self) -> dict[str, Any]:
        return {
            "slots": [
                {"comp": s.comp, "due": format_time(s.due), "window": s.window, "state": s.state, "loaded": s.loaded}
                for s in self.slots.values()
            ],
            "bat": self.bat,
            "power": self.power_source,
        }

    def _restore_extra(self, data: dict[str, Any]) -> None:
        slots = {}
        for item in data.get("slots", []):
            if item["state"] not in SLOT_STATES:
                raise ValueError(f"unknown slot state {item['state']!r}")
            slot = SlotState(int(item["comp"]), parse_time(item["due"]), int(item["window"]), item["state"],
                             bool(item.get("loaded", True)))
            slots[slot.comp] = slot
        self.slots = slots
        self.bat = data.get("bat")
        self.power_source = data.get("power")
