"""The reference care service running for real on 127.0.0.1, on a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from aiohttp import web

from care_service.app import build_app
from care_service.fhir_api import STORE_KEY


class RunningService:
    def __init__(self, data_dir: Path, **options) -> None:
        self.data_dir = data_dir
        self.app = build_app(data_dir, **options)
        self.store = self.app[STORE_KEY]
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="care-service")
        self.port = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def start(self) -> RunningService:
        self._thread.start()
        self._ready.wait(10)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def acknowledge(self, patient_id: str, alarm_uid: str, by: str) -> None:
        """A nurse acknowledges (what the console will do): queued for the hub, channels woken."""
        from care_service.changes import announce

        async def run() -> None:
            self.store.acknowledge(patient_id, alarm_uid, by)
            await announce(self.app)

        asyncio.run_coroutine_threadsafe(run(), self._loop).result(5)

    def stop(self) -> None:
        if self._thread.is_alive():  # stopping twice (a test, then its fixture) is fine
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
