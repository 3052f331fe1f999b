"""Run simulated devices on their own asyncio loop in a background thread, so that
they are as separate from the hub as real devices are: a stalled hub does not stall
them, and they keep retransmitting while the hub restarts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class SimulatorHost:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="device-simulators", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the simulators' loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, function: Callable[..., T], *args: Any, timeout: float = 30.0) -> T:
        """Call a plain function on the simulators' loop thread (simulator methods must be)."""

        async def wrapper() -> T:
            return function(*args)

        return self.run(wrapper(), timeout)

    def stop(self, *simulators: Any) -> None:
        for simulator in simulators:
            self.run(simulator.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
