"""An aiohttp application (the care service, or anything small) served on 127.0.0.1 on
a thread of its own, with its own event loop: what the tests, the benchmarks and a
program embedding the service use to run it beside their own code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web


class ServiceThread:
    def __init__(self, app: web.Application, host: str = "127.0.0.1", port: int = 0) -> None:
        """`port` 0: any free one (`port` tells which once started). A given port is
        taken again at once after a stop (SO_REUSEADDR): the same service at the same address."""
        self.app, self.host, self.port = app, host, port
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stopping = asyncio.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="care-service")

    def _serve(self) -> None:
        # The runner ends what is still running (a handler, the supervision) before it
        # closes the loop: nothing is left pending on a closed loop.
        with asyncio.Runner(loop_factory=lambda: self.loop) as runner:
            runner.run(self._main())

    async def _main(self) -> None:
        # Open event streams end at shutdown (changes.py); a client that does not read
        # its last bytes is not waited for long.
        runner = web.AppRunner(self.app, shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    def start(self, timeout: float = 20.0) -> ServiceThread:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"the service on {self.host} did not start within {timeout:.0f} s")
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def run(self, work: Callable[[], Awaitable[Any]], timeout: float = 10.0) -> Any:
        """`work()` on the service's loop (as a request handler runs); its result."""
        return asyncio.run_coroutine_threadsafe(work(), self.loop).result(timeout)

    def stop(self) -> None:
        """Stop serving and wait for it; stopping twice is fine."""
        if self._thread.is_alive():
            try:
                self.loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:  # the loop closed meanwhile: it has stopped
                pass
            self._thread.join(30)
