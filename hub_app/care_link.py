"""The link to the home-care service: the outbox sent (alarms first, from memory while
the store cannot write), acknowledgements and nurses' messages coming back, the
heartbeat with the devices' and the store's health, the care plan pulled, and the
technician's view of it all. Inactive (and saying so) when no service is configured."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub_app.alarms import Alarms, CareLinkState
from hub_app.calls import Calls, CallError
from hub_app.care_plan import PlanError, plan_from_json
from hub_app.context import HubContext
from hub_app.messages import AlarmChanged, EventRecorded, Message
from hub_app.outbound import Addresses, resources_for
from hub_app.plan_keeper import PlanKeeper
from hub_app.secret_files import SecretFileError, read_secret
from hub_app.service_inbox import NurseMessage, ServiceInbox
from hub_app.store import AuditEntry
from sync.fhir_mapping import MappingError

log = logging.getLogger(__name__)

SYNC_BATCH = 100  # outbox items a batch Bundle carries


@dataclass(frozen=True)
class SyncStatus:
    """The technician's view of the link to the care service."""

    url: str
    credential: str  # in plain words: in place, missing, too open
    reachable: bool
    since: datetime | None
    queue: dict[int, int]  # priority -> items waiting
    dead: int
    last_success: datetime | None
    last_error: str


class CareLink:
    def __init__(self, ctx: HubContext, *, alarms: Alarms, calls: Calls, plans: PlanKeeper,
                 refused: Callable[[int, str], None], devices: Callable[[], dict[str, Any]],
                 store_health: Callable[[], dict[str, Any]]) -> None:
        self._ctx, self._alarms, self._calls, self._plans = ctx, alarms, calls, plans
        self._refused = refused  # the rule for a dead letter
        self._devices, self._store_health = devices, store_health
        self._section = ctx.config.care_service
        # Until a care service is configured the hub cannot reach one, and alarms go to
        # the on-call number by SMS at once.
        self.state = CareLinkState()
        self.client: Any = None  # sync.client.CareServiceClient
        self._sender: Any = None  # sync.sender.Sender
        self.listener: Any = None  # sync.listener.Listener
        self._inbox: ServiceInbox | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._last_success: datetime | None = None
        self._last_error = ""
        self._plan_etag: str | None = None
        self._last_heartbeat = float("-inf")
        self._held_ids: dict[int, str] = {}  # the sender's ids for events sent from memory (negative) -> event uid

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        if not self._section.url:
            return
        from sync.client import CareServiceClient
        from sync.listener import Listener
        from sync.sender import Sender

        section, ctx = self._section, self._ctx
        self._where = Addresses(patient=f"Patient/{section.patient_id}", hub=f"Device/hub-{section.patient_id}")
        self.client = CareServiceClient(section.url, read_secret(ctx.config.credential_file).strip(),
                                        ca_bundle=section.ca_bundle or None)
        self._inbox = ServiceInbox(ctx.store, self._alarms, self._calls, self.pull_plan, ctx.emit, ctx.clock)
        messages: asyncio.Queue = asyncio.Queue()
        self._tasks.append(asyncio.create_task(self._inbox.run(messages), name="care-service messages"))
        loop = asyncio.get_running_loop()

        def message(number: int | None, kind: str, body: dict) -> None:  # on the listener's thread
            try:
                loop.call_soon_threadsafe(messages.put_nowait, (number, kind, body))
            except RuntimeError:  # the hub is shutting down; the service sends it again on reconnect
                log.info("A message from the care service arrived while the hub was stopping")

        self.listener = Listener(self.client, message, last_id=self._inbox.resume_after)
        self.listener.start()
        self._sender = Sender(self.client, next_batch=self._next_batch, delivered=self._delivered, dead=self._dead,
                              report=self._report, clock=ctx.clock)
        self.state = CareLinkState(reachable=False, reason="not tried yet", unreachable_since=None)
        self._tasks.append(asyncio.create_task(self._sender.run(), name="sync"))
        log.info("Sync with the care service at %s", section.url)

    def stop_listening(self) -> None:
        if self.listener is not None:
            self.listener.stop()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def connected(self) -> bool:
        """A care service is configured and its client made."""
        return self.client is not None

    def poke(self) -> None:
        """Something may have reached the outbox: send it now."""
        if self._sender is not None:
            self._sender.poke()

    def heard(self, message: Message) -> None:
        """Every message the hub tells: a new event or alarm may be in the outbox."""
        if isinstance(message, (EventRecorded, AlarmChanged)):
            self.poke()

    # -- the outbox, for the sender -------------------------------------------------------

    def _dead(self, outbox_id: int, reason: str) -> None:
        self._ctx.store.outbox_dead(outbox_id, reason, self._ctx.clock())
        log.warning("The care service refused outbox item %d for good: %s", outbox_id, reason)
        self._refused(outbox_id, reason)

    def _resources(self, event) -> tuple:
        return tuple(resources_for(event, self._plans.plan, self._where))

    def _held_batch(self) -> list:
        """Alarms held in memory while the store cannot write go first, straight from memory."""
        from sync.sender import OutboxItem

        self._held_ids.clear()
        items = []
        for number, event in enumerate(self._alarms.held_outbox()[:SYNC_BATCH], start=1):
            try:
                items.append(OutboxItem(-number, 0, self._resources(event)))
                self._held_ids[-number] = event.uid
            except MappingError as exc:  # cannot be: alarms always map; said, never blocking
                log.error("A held alarm event cannot be sent as FHIR: %s", exc)
        return items

    def _next_batch(self) -> list:
        from sync.sender import OutboxItem

        held = self._held_batch()
        if held:
            return held
        while True:
            items, unmappable = [], 0
            for row, event in self._ctx.store.outbox_next(SYNC_BATCH):
                try:
                    items.append(OutboxItem(row["id"], row["priority"], self._resources(event)))
                except MappingError as exc:
                    # An event FHIR cannot say is set aside (a dead letter and a technical
                    # alarm), never left to block the events queued behind it.
                    self._dead(row["id"], f"it cannot be sent as FHIR: {exc}")
                    unmappable += 1
            if items or not unmappable:
                return items

    def _delivered(self, ids: list[int]) -> None:
        from_memory = [self._held_ids[i] for i in ids if i < 0 and i in self._held_ids]
        if from_memory:
            self._alarms.held_delivered(from_memory)
        stored = [i for i in ids if i >= 0]
        if stored:
            self._ctx.store.outbox_delivered(stored, self._ctx.clock())

    def _report(self, link) -> None:
        was_reachable = self.state.reachable
        self.state = CareLinkState(reachable=link.reachable, reason=link.reason, unreachable_since=link.since)
        if was_reachable and not link.reachable:
            self._alarms.link_lost()
        if link.reachable:
            self._last_success = self._ctx.clock()
        else:
            self._last_error = link.reason

    # -- the heartbeat and the plan ----------------------------------------------------------

    def heartbeat_now(self) -> None:
        """The care service hears of a change at once, not at the next beat."""
        self._last_heartbeat = float("-inf")
        self.look()

    def look(self) -> None:
        """A heartbeat when it is time for one (its devices' and store's health)."""
        if self.client is None:
            return
        now = time.monotonic()
        if now - self._last_heartbeat < self._section.heartbeat_seconds:
            return
        self._last_heartbeat = now
        devices, store = self._devices(), self._store_health()

        async def beat() -> None:
            try:
                await asyncio.get_running_loop().run_in_executor(None, self.client.heartbeat, devices, store)
            except Exception as exc:  # said in the link's state by the sender; nothing else to do
                log.info("Heartbeat to the care service failed: %s", exc)
                return
            if not self.state.reachable:
                self.poke()  # the service is back: what waits goes now, not after the backoff

        self._ctx.spawn(beat())

    async def pull_plan(self) -> int | None:
        """Fetch the care plan from the service (with its ETag); apply it only if it is
        valid and newer. Returns the version put in force, if any."""
        if self.client is None:
            return None
        plans = self._plans
        try:
            fetched = await asyncio.get_running_loop().run_in_executor(None, self.client.fetch_plan, self._plan_etag)
        except Exception as exc:  # the service away or refusing: the plan in force stays, tried again later
            log.info("The care plan could not be fetched: %s", exc)
            self._last_error = f"the care plan could not be fetched: {exc}"  # shown on the technician's page
            return None
        if fetched is None:
            return None
        document, etag = fetched
        try:
            plan = plan_from_json(document, "the care service's plan")
        except PlanError as exc:
            log.error("%s\nThe plan in force stays (version %d).", exc, plans.plan.version)
            self._last_error = f"the care service's plan was refused: {exc.problems[0]}"
            self._ctx.store.audit(AuditEntry("nurse", "plan.refused", detail={"source": "care service",
                                                                               "problems": exc.problems}))
            self._plan_etag = etag  # the same refused document is not fetched again and again
            return None
        self._plan_etag = etag
        if plan.version <= plans.plan.version:
            return None
        return await plans.apply(plan, "care service", by="nurse")

    # -- calls through the service's rooms ---------------------------------------------------

    async def start_call(self, kind: str, contact: str) -> dict[str, Any]:
        if self.client is None:
            raise CallError("this hub is not connected to a care service")
        return await asyncio.get_running_loop().run_in_executor(None, self.client.start_call, kind, contact)

    async def tell_call_outcome(self, room: str, outcome: str) -> None:
        if self.client is None:
            raise CallError("no care service to tell")
        await asyncio.get_running_loop().run_in_executor(None, self.client.call_outcome, room, outcome)

    # -- the resident's messages and the technician's page ------------------------------------

    async def unread_messages(self) -> list[NurseMessage]:
        """The nurses' messages the resident has not yet marked as read (oldest first)."""
        return self._inbox.unread() if self._inbox is not None else []

    async def message_read(self, number: int) -> None:
        if self._inbox is not None:
            self._inbox.read(number)
        self._ctx.store.audit(AuditEntry("resident", "message.read", subject=str(number)))

    async def status(self) -> SyncStatus:
        config = self._ctx.config
        try:
            read_secret(config.credential_file)
            credential = f"in place ({config.credential_file})"
        except FileNotFoundError:
            credential = f"missing ({config.credential_file})"
        except SecretFileError as exc:
            credential = str(exc)
        queue, dead = self._ctx.store.outbox_counts()
        link = self.state
        return SyncStatus(self._section.url, credential, link.reachable, link.unreachable_since, queue, dead,
                          self._last_success, self._last_error)

    async def test(self) -> str:
        """The technician's "Test connection": TLS, the credential and the service's answer."""
        if self.client is None:
            raise RuntimeError("no care service is configured ([care_service] url)")
        answer = await asyncio.get_running_loop().run_in_executor(None, self.client.check_credential)
        self._ctx.store.audit(AuditEntry("technician", "sync.tested"))
        return answer
