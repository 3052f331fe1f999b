"""The reference care service running for real on 127.0.0.1, on a thread of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from care_service.app import build_app
from care_service.call_signaling import CALLS_KEY, caller_url, home_url, ring_home
from care_service.console.web import DESK_KEY
from care_service.fhir_api import STORE_KEY
from care_service.threaded import ServiceThread


@dataclass(frozen=True)
class StartedCall:
    room: str
    caller_url: str  # the caller's side of the call page (no session needed)
    home_url: str  # the hub's side: what the `call` event on the hub's channel carries as "url"
    nurse_url: str  # the nurse's view in the console (needs a nurse's session)


class RunningService:
    def __init__(self, data_dir: Path, **options) -> None:
        self.data_dir = data_dir
        self.app = build_app(data_dir, **options)
        self.store = self.app[STORE_KEY]
        self.desk = self.app[DESK_KEY]
        self._served = ServiceThread(self.app)

    def start(self) -> RunningService:
        self._served.start()
        return self

    @property
    def port(self) -> int:
        return self._served.port

    @property
    def url(self) -> str:
        return self._served.url

    def on_service(self, action):
        """Run `action()` on the service's loop, as a console request would, then wake
        the open channels; returns what it returned."""
        from care_service.changes import announce

        async def run():
            result = action()
            await announce(self.app)
            return result

        return self._served.run(run, 5)

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

    def start_call(self, patient_id: str, nurse: str = "Sykepleier Nina", caller: str = "nurse") -> StartedCall:
        """A call to the resident, as the console's "Call" button makes it (`caller` "relative":
        as an invitation does): the room, and the `call` event queued on the hub's channel."""
        async def start():
            room = self.app[CALLS_KEY].rooms.create(patient_id, caller, nurse)
            await ring_home(self.app, room, self.url)
            return room

        room = self._served.run(start, 5)
        return StartedCall(room.id, caller_url(self.url, room), home_url(self.url, room),
                           f"{self.url}/console/calls/{room.id}")

    def call_state(self, room: str) -> str:
        """The room's state as the service has it ("ringing", "connected", "ended", ...)."""
        found = self.app[CALLS_KEY].rooms.get(room)
        assert found is not None, f"no call room {room}"
        return found.state

    def stop(self) -> None:
        self._served.stop()  # stopping twice (a test, then its fixture) is fine
