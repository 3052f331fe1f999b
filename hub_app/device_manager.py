"""What the serial and the Bluetooth devices of a home share, as the core runs them:
one supervising task per assigned device, each event stored once (its uid makes a
repeat recognisable) and then handed on, and a technician's change of assignment that
is audited and leaves the device assigned before running when the change fails."""

from __future__ import annotations

import abc
import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hub_app.context import HubContext
from hub_app.store import StoreWriteError
from vocabulary import DeviceKind, Event, Problem

log = logging.getLogger(__name__)
T = TypeVar("T")
D = TypeVar("D")


@dataclass(frozen=True)
class EventHooks:
    """What happens around a device's event (the rules and the reactions decide)."""

    outbox_priority: Callable[[Event], int | None] = lambda event: None  # goes to the care service, how soon
    reacts: Callable[[Event], bool] = lambda event: False  # a pending reaction is stored with it
    stored: Callable[[Event], None] = lambda event: None  # a new event, stored
    unstored: Callable[[Event], None] = lambda event: None  # the store could not take it


class DeviceManager(abc.ABC, Generic[D]):
    def __init__(self, ctx: HubContext, hooks: EventHooks,
                 on_problems: Callable[[dict[DeviceKind, Problem | None]], None]) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._hooks = hooks
        self._on_problems = on_problems
        self.devices: dict[str, D] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    # -- what each kind of manager says ----------------------------------------------------

    @abc.abstractmethod
    def _assigned(self) -> list[tuple[str, str]]:
        """(address or port, kind) of every device assigned in the store."""
        ...

    @abc.abstractmethod
    def _make(self, key: str, kind: str) -> D:
        ...

    @abc.abstractmethod
    def _refresh_problems(self) -> None:
        ...

    # -- running ------------------------------------------------------------------------

    async def start(self) -> None:
        for key, kind in self._assigned():
            self._run(key, kind)

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self.devices.clear()

    def _run(self, key: str, kind: str) -> None:
        device: Any = self._make(key, kind)
        self.devices[key] = device
        self._tasks[key] = asyncio.create_task(device.run(), name=f"{kind} {key}")

    async def _stop(self, key: str) -> None:
        task = self._tasks.pop(key, None)
        self.devices.pop(key, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def statuses(self) -> list[Any]:
        return [device.status for device in self.devices.values()]  # type: ignore[attr-defined]

    async def _store_event(self, event: Event) -> Event | None:
        """Store a device's event once; the stored event when it is new, else None."""
        try:
            stored, new = self._store.record_event_once(event, self._hooks.outbox_priority(event),
                                                        react=self._hooks.reacts(event))
        except StoreWriteError:
            # Not stored, so not acknowledged: the device repeats it until it is. An alarm
            # goes out all the same, from memory (its uid keeps the repeats one alarm).
            self._hooks.unstored(event)
            raise
        if not new:
            log.debug("Repeated device event %s ignored", event.uid)
            return None
        log.info("Device event stored: %s from %s", stored.kind.value, stored.source)
        log.debug("Device event %s is %s %s", stored.uid, stored.type, stored.data)
        return stored

    async def _change(self, key: str, attempt: Callable[[], Awaitable[T]], errors: tuple[type[BaseException], ...],
                      failed: Callable[[BaseException], None]) -> T:
        """Stop what runs on `key` (it would hold the port or the link), then `attempt` the
        change. If it fails, `failed` audits why, and the device assigned before runs again."""
        await self._stop(key)
        try:
            return await attempt()
        except errors as exc:
            failed(exc)
            for assigned, kind in self._assigned():
                if assigned == key:
                    self._run(key, kind)
            raise
