"""Looking at what is due: every heartbeat (by the monotonic clock, so a wall clock set
back cannot stall it), at the next moment something comes due, and whenever a service
asks. One look at a time, none skipped; each part on its own, so one that fails (the
reminders, while the disk is full) never keeps the others, above all the alarms'
countdowns and climbs, from being done."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

WAKE_AT_LEAST_S = 0.05  # a wake-up never comes at once: a look that wakes itself must not spin


class Looking:
    def __init__(self, clock: Callable[[], datetime], spawn: Callable[[Coroutine[Any, Any, Any]], None],
                 stopping: asyncio.Event) -> None:
        self._clock, self._spawn, self._stopping = clock, spawn, stopping
        self._parts: list[tuple[str, Callable[[], Awaitable[Any]]]] = []
        self._next_due: list[Callable[[], datetime | None]] = []
        self._lock = asyncio.Lock()
        self._failing: set[str] = set()  # parts failing now (said once)
        self._wake: asyncio.TimerHandle | None = None
        self._every: asyncio.Task[None] | None = None

    def add(self, name: str, part: Callable[[], Awaitable[Any]],
            next_due: Callable[[], datetime | None] | None = None) -> None:
        """A part of every look (in the order added), and when it next wants one."""
        self._parts.append((name, part))
        if next_due is not None:
            self._next_due.append(next_due)

    def start(self, every_s: float) -> None:
        self._every = asyncio.create_task(self._look_every(every_s), name="heartbeat")

    def stop(self) -> None:
        if self._every is not None:
            self._every.cancel()
        if self._wake is not None:
            self._wake.cancel()

    async def tick(self) -> None:
        """Do everything that is due now, then set the next wake-up."""
        async with self._lock:
            for name, part in self._parts:
                try:
                    await part()
                except Exception:
                    if name not in self._failing:  # said once while it keeps failing
                        log.exception("Looking at what is due failed (%s); the rest of the look goes on", name)
                    self._failing.add(name)
                else:
                    self._failing.discard(name)
            self._wake_when_due()

    def wake(self) -> None:
        """A look soon, in the background."""
        self._spawn(self.tick())

    async def _look_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await self.tick()
            except Exception:  # logged, and the next look comes as usual
                log.exception("Looking at what is due failed")

    def _wake_when_due(self) -> None:
        times = [t for t in (due() for due in self._next_due) if t]
        if times and not self._stopping.is_set():
            # The hub's clock may be another than the machine's (a demo's day, a test's):
            # wake after the same delay, by the loop's monotonic clock.
            delay = max((min(times) - self._clock()).total_seconds(), WAKE_AT_LEAST_S)
            if self._wake is not None:
                self._wake.cancel()
            self._wake = asyncio.get_running_loop().call_later(delay, self.wake)
