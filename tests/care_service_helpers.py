"""The reference care service running for real on 127.0.0.1, on a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from aiohttp import web

from care_service.app import build_app
from care_service.console.web import DESK_KEY
from care_service.fhir_api import STORE_KEY


class RunningService:
    def __init__(self, data_dir: Path, **options) -> None:
        self.data_dir = data_dir
        self.app = build_app(data_dir, **options)
        self.store = self.app[STORE_KEY]
        self.desk = self.app[DESK_KEY]
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

    def on_service(self, action):
        """Run `action()` on the service's loop, as a console request would, then wake
        the open channels; returns what it returned."""
        from care_service.changes import announce

        async def run():
            result = action()
            await announce(self.app)
            return result

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(5)

    def alarm_id(self, alarm_uid: str) -> str:
        """The service's id for the hub's alarm `alarm_uid` (its DetectedIssue)."""
        issue = self.store.find_by_identifier("DetectedIssue", f"urn:ietf:rfc:3986|urn:uuid:{alarm_uid}")
        assert issue is not None, f"the alarm {alarm_uid} is not at the service"
        return issue["id"]

    def acknowledge(self, patient_id: str, alarm_uid: str, by: str) -> None:
        """A nurse acknowledges at the alarm desk (what the console's button does)."""
        self.on_service(lambda: self.desk.acknowledge(self.alarm_id(alarm_uid), by))

    def resolve(self, alarm_uid: str, by: str, note: str) -> None:
        self.on_service(lambda: self.desk.resolve(self.alarm_id(alarm_uid), by, note))

    def message(self, patient_id: str, text: str, by: str) -> int:
        """A nurse's message for the resident's hub (what the resident page sends)."""
        def send() -> int:
            with self.store.db.conn:
                return self.store.queue_for_hub(patient_id, "message", {"text": text, "from": by})

        return self.on_service(send)

    def stop(self) -> None:
        if self._thread.is_alive():  # stopping twice (a test, then its fixture) is fine
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
