"""The hub's core: one asyncio loop on its own thread that owns the store (and, as
the device, care-plan and sync issues land, devices, scheduler, escalation and sync).

Other threads (the Qt UI, the headless runner, tests) talk to it in two ways only:
- commands: `core.submit(core.some_coroutine, args...)` returns a concurrent Future;
- messages: `core.subscribe(callback)`; the callback runs on the core thread, so the
  Qt bridge turns each message into a queued signal.

A stalled screen can never delay the core, and `stop()` lets every accepted command
finish (its rows committed) before the store closes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from hub_app import __version__, system_info
from hub_app.activity import ActivityWatch
from hub_app.alarms import Alarms, AlarmView, CareLinkState
from hub_app.ble_devices import BleDevices
from hub_app.call_origins import allowed_origins, origin_of
from hub_app.calls import CallError, Calls, CallView
from hub_app.care_plan import EMPTY_PLAN, CarePlan, PlanError, load_plan_file, plan_from_json
from hub_app.config import HubConfig
from hub_app.device_report import device_report
from hub_app.reminders import Reminders, ReminderView
from hub_app.schedule import LocalTimesTrigger, occurrences, plan_scheduler
from hub_app.logs import RecentLines
from hub_app.serial_devices import SerialDevices, find_ports
from hub_app.service_inbox import NurseMessage, ServiceInbox
from devices.dispenser import DoseSlot
from hub_app.store import AuditEntry, Store, StoreWriteError
from hub_app.storage_space import StorageSpace
from hub_app.store_recovery import open_store
from hub_app.technician import DoorAnswer, TechnicianDoor
from hub_app.vitals import DEFAULT_LIMITS, Assessment, Limits, assess
from hub_app.watchdog import SystemdNotifier
from sync.fhir_mapping import MappingError
from vocabulary import DeviceKind, Event, EventKind, PlanItem, Problem, utc_now

log = logging.getLogger(__name__)
T = TypeVar("T")


class CoreStopped(RuntimeError):
    """The core is not running (not started yet, or shutting down): nothing was done."""


@dataclass(frozen=True)
class HubState:
    """What the resident's screen shows, as one immutable snapshot."""

    problems: tuple[Problem, ...] = ()
    today: tuple[PlanItem, ...] = ()
    measures: tuple[str, ...] = ()  # profiles of the paired health devices: what the resident can measure


@dataclass(frozen=True)
class StateChanged:
    state: HubState


@dataclass(frozen=True)
class EventRecorded:
    event: Event


@dataclass(frozen=True)
class MyData:
    """What the "My data" screen tells the resident."""

    counts: dict[str, int]  # event kind -> how many the hub keeps now
    keep_days: int
    consent: dict[str, Any]  # feature -> Consent (or None: never recorded)
    relatives: tuple[str, ...]  # who may get an SMS about an alarm (consented)
    service_configured: bool


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


@dataclass(frozen=True)
class ReminderChanged:
    reminder: ReminderView


@dataclass(frozen=True)
class AlarmChanged:
    alarm: AlarmView


@dataclass(frozen=True)
class CallChanged:
    call: CallView


@dataclass(frozen=True)
class CallTile:
    """Someone the resident can call with one touch: a contact who agreed, or the home-care service."""

    target: str  # "service", or the contact's name
    name: str
    relation: str = ""


@dataclass(frozen=True)
class LiveValue:
    """A value shown while a measurement is under way (cuff pressure); never stored."""

    address: str
    profile: str
    value: dict[str, Any]


Message = StateChanged | EventRecorded | LiveValue | ReminderChanged | AlarmChanged | NurseMessage | CallChanged

HEARTBEAT_S = 30  # the hub also looks every 30 s by the monotonic clock: a wall-clock jump is noticed within that
UNREACHABLE_ALARM_AFTER = timedelta(minutes=30)  # a configured care service silent this long: a technical alarm
WAKE_AT_LEAST_S = 0.05  # a wake-up never comes at once: a look that wakes itself must not spin
READING_PRIORITY = 2  # outbox: readings after alarms (0) and doses (1)
SYNC_BATCH = 100  # outbox items a batch Bundle carries
SMS_NAMESPACE = uuid.UUID("5b1f6c2e-8d7a-4e90-a3c1-6f2d9e4b7a15")  # an incoming SMS's identity, once stored
REACTING_DEVICE_EVENTS = ("device_silent", "battery_low", "sensor_silent")  # each one an alarm
DOSE_ENDINGS = ("dose_taken", "dose_missed")  # the dispenser's word that ends a reminder
REACTION_RETRY_S = 2.0  # a reaction that failed is tried again this soon (and at every look)


@dataclass
class _Running:
    store: Store
    door: TechnicianDoor
    serial: SerialDevices
    ble: BleDevices
    reminders: Reminders
    alarms: Alarms
    calls: Calls
    activity: ActivityWatch
    scheduler: AsyncIOScheduler
    stop: asyncio.Event
    reactions: set[asyncio.Task[Any]] = field(default_factory=set)
    reacting: set[str] = field(default_factory=set)  # uids of the events being reacted to now
    retrying: set[str] = field(default_factory=set)  # uids of the events with a retry waiting
    reaction_failures: dict[str, int] = field(default_factory=dict)  # uid -> failed attempts since start
    failing_parts: set[str] = field(default_factory=set)  # parts of the look failing now (said once)
    sender: Any = None  # sync.sender.Sender, when a care service is configured
    listener: Any = None  # sync.listener.Listener: acknowledgements coming back
    inbox: ServiceInbox | None = None  # what the care service sent, handled once each
    client: Any = None  # sync.client.CareServiceClient
    dispenser_loaded_for: Any = None  # the local date the dispenser's slots were last loaded for
    background: list[asyncio.Task[Any]] = field(default_factory=list)
    # Looking every HEARTBEAT_S, and the next wake-up, run on the loop's monotonic clock:
    # the machine's clock set back (NTP, a wrong RTC at boot) must not stall them.
    looking: asyncio.Task[Any] | None = None
    wake: asyncio.TimerHandle | None = None
    ticking: asyncio.Lock = field(default_factory=asyncio.Lock)  # one look at a time, none skipped


class Core:
    def __init__(
        self,
        config: HubConfig,
        *,
        recent_logs: RecentLines | None = None,  # from setup_logging(); else the page shows none
        notifier: SystemdNotifier | None = None,
        clock: Callable[[], datetime] = utc_now,
        device_options: dict[str, Any] | None = None,
        ble_options: dict[str, Any] | None = None,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self.config = config
        self._heartbeat_s = heartbeat_s
        self._device_options = device_options or {}
        self._ble_options = ble_options or {}
        self.data_dir = config.data_dir
        self._recent_logs = recent_logs or RecentLines()
        self._notifier = notifier or SystemdNotifier()
        self._clock = clock
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._thread_main, name="hub-core", daemon=True)
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._running: _Running | None = None
        self._lock = threading.Lock()
        self._accepting = False
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._listeners: list[Callable[[Message], None]] = []
        self._state = HubState()
        # The resident's limits for vital signs; the care plan replaces the defaults.
        self.limits: dict[str, Limits] = dict(DEFAULT_LIMITS)
        self.plan: CarePlan = EMPTY_PLAN
        # The sync layer keeps this up to date; until a care service is configured the
        # hub cannot reach one, and alarms go to the on-call number by SMS at once.
        self.care_link = CareLinkState()
        self._sync_last_success: datetime | None = None
        self._plan_etag: str | None = None
        self._last_heartbeat = float("-inf")
        self._check_ins_ringing: set[str] = set()  # check-ins whose room is being asked for
        self._sync_last_error = ""
        self.started_monotonic = time.monotonic()
        self._space: StorageSpace | None = None
        self._store_trouble: tuple[str, datetime] | None = None  # why the store cannot write, since when

    # -- life cycle (called from other threads) ------------------------------------

    def start(self, timeout: float = 60.0) -> None:
        """Open the store and start the loop; raise what stopped it (e.g. StoreError)."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("The hub core did not start in time")
        if self._startup_error is not None:
            self._thread.join()
            raise self._startup_error

    def stop(self, timeout: float = 30.0) -> None:
        """Refuse new commands, let accepted ones finish, close the store, end the thread."""
        with self._lock:
            if not self._accepting:
                return
            self._accepting = False
            pending = set(self._pending)
        self._notifier.notify("STOPPING=1")
        done, not_done = concurrent.futures.wait(pending, timeout=timeout)
        if not_done:
            log.error("%d command(s) did not finish before shutdown", len(not_done))
        running = self._running
        assert running is not None
        self._loop.call_soon_threadsafe(running.stop.set)
        self._thread.join(timeout)
        log.info("Hub core stopped")

    @property
    def clock(self) -> Callable[[], datetime]:
        """The hub's wall clock (a demo's simulated day, a test's moved clock)."""
        return self._clock

    @property
    def running(self) -> bool:
        return self._accepting

    @property
    def state(self) -> HubState:
        return self._state

    def subscribe(self, listener: Callable[[Message], None]) -> None:
        """`listener` is called on the core thread for every message; keep it quick."""
        self._listeners.append(listener)

    def submit(self, command: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> concurrent.futures.Future[T]:
        """Run `command(*args)` on the core loop; the Future carries its result."""
        with self._lock:
            if not self._accepting:
                raise CoreStopped("The hub core is not running")
            future = asyncio.run_coroutine_threadsafe(command(*args), self._loop)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def call(self, command: Callable[..., Coroutine[Any, Any, T]], *args: Any, timeout: float = 30.0) -> T:
        """`submit` and wait: for the headless runner, the demo and tests."""
        return self.submit(command, *args).result(timeout)

    def _forget(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    # -- the loop thread -------------------------------------------------------------

    def _thread_main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        try:
            store, incident = open_store(self.data_dir / "hub.db", self._clock())
        except BaseException as exc:  # handed to start()'s caller, who reports it
            self._startup_error = exc
            self._ready.set()
            return
        hub_section = self.config.hub
        self._space = StorageSpace(self.data_dir, low_bytes=hub_section.storage_low_mb * 1_000_000,
                                   reserve_bytes=hub_section.storage_reserve_mb * 1_000_000)
        store.on_write_problem = self._store_problem
        self._space.keep_reserve()
        serial = SerialDevices(
            store,
            on_event=self._device_event,
            on_unstored=self._device_event_unstored,
            on_sms=self._modem_sms,
            on_problems=self._apply_problems,
            device_options=self._device_options,
            outbox_priority=self._outbox_priority,
            reacts=self._needs_reaction,
        )
        ble = BleDevices(store, on_event=self._device_event,
                         on_problems=self._apply_problems,
                         on_live=lambda address, profile, value: self._emit(LiveValue(address, profile, value)),
                         on_paired=self._set_measures, outbox_priority=self._outbox_priority,
                         reacts=self._needs_reaction,
                         time_zone=self.config.resident.time_zone, device_options=self._ble_options)
        zone = self.config.resident.time_zone
        alarms_config = self.config.alarms
        alarms = Alarms(store, clock=self._clock, zone=zone, resident_name=self.config.resident.name,
                        acknowledge_minutes=alarms_config.acknowledge_minutes,
                        countdowns={"fall": alarms_config.fall_countdown_seconds, "out_of_bed_at_night": 60,
                                    "door_open_at_night": 60,
                                    "inactivity": 60},
                        on_call_number=alarms_config.on_call_number, send_sms=self._send_sms,
                        link=lambda: self.care_link, on_change=lambda view: self._emit(AlarmChanged(view)),
                        spawn=self._spawn)
        reminders = Reminders(store, clock=self._clock, zone=zone, repeat_minutes=alarms_config.reminder_repeat_minutes,
                              has_dispenser=lambda: serial.dispenser() is not None,
                              on_change=self._reminder_changed, missed_dose=self._missed_dose)
        self.call_origins = allowed_origins(self.config.care_service.url, self.config.calls.origins)
        calls = Calls(store, clock=self._clock, origins=lambda: self.call_origins,
                      auto_answer=lambda: self.plan.consented("auto_answer_calls"),
                      ring_seconds=self.config.calls.ring_seconds, on_change=self._call_changed,
                      tell_service=self._tell_call_outcome)
        scheduler = plan_scheduler(asyncio.get_running_loop(), zone)
        running = _Running(store=store, door=TechnicianDoor(store, self.config.pin_file), serial=serial, ble=ble,
                           reminders=reminders, alarms=alarms, calls=calls, activity=ActivityWatch(store, clock=self._clock, zone=zone),
                           scheduler=scheduler, stop=asyncio.Event())
        self._running = running
        self._load_plan_at_start(store)
        await serial.start()
        await ble.start()
        scheduler.start()
        running.looking = asyncio.create_task(self._look_every(self._heartbeat_s), name="heartbeat")
        self._start_sync(running)
        self._schedule_plan()
        if incident is not None:  # the care service hears of it at once, as a technical alarm
            await alarms.start("store_replaced", "hub", incident.detail(),
                               key=f"store/{incident.what}/{self._clock().isoformat()}")
        await self.tick()  # what was due while the hub was off, and alarms mid-escalation
        running.background.append(asyncio.create_task(self._notifier.ping_forever(), name="watchdog"))
        try:
            store.audit(AuditEntry("system", "hub.started", detail={"version": __version__}))
        except StoreWriteError:  # a hub whose store cannot write still starts: Help works without it
            log.error("The hub's start could not be written to its audit log")
        with self._lock:
            self._accepting = True
        self._notifier.notify("READY=1")
        log.info("Hub core running (store %s, schema %d)", store.path, store.schema_version)
        self._ready.set()
        await running.stop.wait()
        scheduler.shutdown(wait=False)
        running.looking.cancel()
        if running.wake is not None:
            running.wake.cancel()
        if running.listener is not None:
            running.listener.stop()
        if running.reactions:
            await asyncio.gather(*running.reactions, return_exceptions=True)
        await running.serial.stop()
        await running.ble.stop()
        for task in running.background:
            task.cancel()
        await asyncio.gather(*running.background, return_exceptions=True)
        try:
            store.audit(AuditEntry("system", "hub.stopped"))
        except StoreWriteError:  # said already; stopping must not fail for it
            log.warning("The hub's stop could not be written to its audit log")
        store.close()

    # -- sync with the care service -------------------------------------------------------

    def _start_sync(self, running: _Running) -> None:
        section = self.config.care_service
        if not section.url:
            return
        from hub_app.outbound import Addresses, resources_for
        from hub_app.secret_files import read_secret
        from sync.client import CareServiceClient
        from sync.sender import OutboxItem, Sender

        where = Addresses(patient=f"Patient/{section.patient_id}", hub=f"Device/hub-{section.patient_id}")
        client = CareServiceClient(section.url, read_secret(self.config.credential_file).strip(),
                                   ca_bundle=section.ca_bundle or None)
        store = running.store

        def dead(outbox_id: int, reason: str) -> None:
            store.outbox_dead(outbox_id, reason, self._clock())
            log.warning("The care service refused outbox item %d for good: %s", outbox_id, reason)
            self._spawn(running.alarms.start("sync_refused", "sync", {"outbox": outbox_id, "reason": reason},
                                             key=f"dead/{outbox_id}"))

        held_ids: dict[int, str] = {}  # the sender's ids for events sent from memory (negative) -> event uid

        def held_batch() -> list:
            """Alarms held in memory while the store cannot write go first, straight from memory."""
            held_ids.clear()
            items = []
            for number, event in enumerate(running.alarms.held_outbox()[:SYNC_BATCH], start=1):
                try:
                    items.append(OutboxItem(-number, 0, tuple(resources_for(event, self.plan, where))))
                    held_ids[-number] = event.uid
                except MappingError as exc:  # cannot be: alarms always map; said, never blocking
                    log.error("A held alarm event cannot be sent as FHIR: %s", exc)
            return items

        def delivered(ids: list[int]) -> None:
            from_memory = [held_ids[i] for i in ids if i < 0 and i in held_ids]
            if from_memory:
                running.alarms.held_delivered(from_memory)
            stored = [i for i in ids if i >= 0]
            if stored:
                store.outbox_delivered(stored, self._clock())

        def next_batch() -> list:
            held = held_batch()
            if held:
                return held
            while True:
                items, unmappable = [], 0
                for row, event in store.outbox_next(SYNC_BATCH):
                    try:
                        items.append(OutboxItem(row["id"], row["priority"], tuple(resources_for(event, self.plan, where))))
                    except MappingError as exc:
                        # An event FHIR cannot say is set aside (a dead letter and a technical
                        # alarm), never left to block the events queued behind it.
                        dead(row["id"], f"it cannot be sent as FHIR: {exc}")
                        unmappable += 1
                if items or not unmappable:
                    return items

        def report(link) -> None:
            was_reachable = self.care_link.reachable
            self.care_link = CareLinkState(reachable=link.reachable, reason=link.reason,
                                           unreachable_since=link.since)
            if was_reachable and not link.reachable:
                running.alarms.link_lost()
            if link.reachable:
                self._sync_last_success = self._clock()
            else:
                self._sync_last_error = link.reason

        loop = asyncio.get_running_loop()

        inbox = ServiceInbox(store, running.alarms, running.calls, self.pull_plan, self._emit, self._clock)
        messages: asyncio.Queue = asyncio.Queue()
        running.inbox = inbox
        running.background.append(asyncio.create_task(inbox.run(messages), name="care-service messages"))

        def message(number: int | None, kind: str, body: dict) -> None:  # on the listener's thread
            try:
                loop.call_soon_threadsafe(messages.put_nowait, (number, kind, body))
            except RuntimeError:  # the hub is shutting down; the service sends it again on reconnect
                log.info("A message from the care service arrived while the hub was stopping")

        from sync.listener import Listener

        running.listener = Listener(client, message, last_id=inbox.resume_after)
        running.listener.start()
        running.client = client
        running.sender = Sender(client, next_batch=next_batch,
                                delivered=delivered,
                                dead=dead, report=report, clock=self._clock)
        self.care_link = CareLinkState(reachable=False, reason="not tried yet", unreachable_since=None)
        running.background.append(asyncio.create_task(running.sender.run(), name="sync"))
        log.info("Sync with the care service at %s", section.url)

    async def sync_status(self) -> SyncStatus:
        from hub_app.secret_files import SecretFileError, read_secret

        try:
            read_secret(self.config.credential_file)
            credential = f"in place ({self.config.credential_file})"
        except FileNotFoundError:
            credential = f"missing ({self.config.credential_file})"
        except SecretFileError as exc:
            credential = str(exc)
        queue, dead = self._store().outbox_counts()
        link = self.care_link
        return SyncStatus(self.config.care_service.url, credential, link.reachable, link.unreachable_since, queue,
                          dead, self._sync_last_success, self._sync_last_error)

    async def sync_test(self) -> str:
        """The technician's "Test connection": TLS, the credential and the service's answer."""
        running = self._running
        if running is None or running.client is None:
            raise RuntimeError("no care service is configured ([care_service] url)")
        answer = await asyncio.get_running_loop().run_in_executor(None, running.client.check_credential)
        self._store().audit(AuditEntry("technician", "sync.tested"))
        return answer

    def _maybe_heartbeat(self) -> None:
        running = self._running
        if running is None or running.client is None:
            return
        now = time.monotonic()
        if now - self._last_heartbeat < self.config.care_service.heartbeat_seconds:
            return
        self._last_heartbeat = now

        serial = self._serial()
        devices = device_report([(d.status, d) for d in serial.devices.values()],
                                running.ble.statuses())
        store = self.store_health()

        async def beat() -> None:
            try:
                await asyncio.get_running_loop().run_in_executor(None, running.client.heartbeat, devices, store)
            except Exception as exc:  # said in the link's state by the sender; nothing else to do
                log.info("Heartbeat to the care service failed: %s", exc)
                return
            if not self.care_link.reachable and running.sender is not None:
                running.sender.poke()  # the service is back: what waits goes now, not after the backoff

        self._spawn(beat())

    async def pull_plan(self) -> int | None:
        """Fetch the care plan from the service (with its ETag); apply it only if it is
        valid and newer. Returns the version put in force, if any."""
        running = self._running
        if running is None or running.client is None:
            return None
        try:
            fetched = await asyncio.get_running_loop().run_in_executor(None, running.client.fetch_plan, self._plan_etag)
        except Exception as exc:  # the service away or refusing: the plan in force stays, tried again later
            log.info("The care plan could not be fetched: %s", exc)
            self._sync_last_error = f"the care plan could not be fetched: {exc}"  # shown on the technician's page
            return None
        if fetched is None:
            return None
        document, etag = fetched
        try:
            plan = plan_from_json(document, "the care service's plan")
        except PlanError as exc:
            log.error("%s\nThe plan in force stays (version %d).", exc, self.plan.version)
            self._sync_last_error = f"the care service's plan was refused: {exc.problems[0]}"
            self._store().audit(AuditEntry("nurse", "plan.refused", detail={"source": "care service",
                                                                            "problems": exc.problems}))
            self._plan_etag = etag  # the same refused document is not fetched again and again
            return None
        self._plan_etag = etag
        if plan.version <= self.plan.version:
            return None
        return await self.apply_plan(plan, "care service", by="nurse")

    async def unread_messages(self) -> list[NurseMessage]:
        """The nurses' messages the resident has not yet marked as read (oldest first)."""
        running = self._running
        return running.inbox.unread() if running is not None and running.inbox is not None else []

    async def message_read(self, number: int) -> None:
        self._running.inbox.read(number)
        self._store().audit(AuditEntry("resident", "message.read", subject=str(number)))

    def _emit(self, message: Message) -> None:
        running = self._running
        if running is not None and running.sender is not None and isinstance(message, (EventRecorded, AlarmChanged)):
            running.sender.poke()  # something may have reached the outbox: send it now
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:  # a broken listener must not stop the core
                log.exception("A core listener failed")

    def _store(self) -> Store:
        assert self._running is not None, "core not started"
        return self._running.store

    # -- commands (coroutines run on the core loop) ---------------------------------

    async def raise_help_alarm(self, source: str = "screen") -> Event:
        """The resident asked for help: record the alarm durably (into the outbox, in the
        same transaction), then climb its ladder until a person has it."""
        view = await self._running.alarms.start("help_button", source, {}, actor="resident")
        stored = self._running.alarms.event_of(view.uid)  # stored, or held while the store cannot write
        assert stored is not None
        # The kind of alarm can say something about the resident's health: debug only.
        log.info("Alarm raised from %s: event %s", source, stored.uid)
        log.debug("Alarm %s is of type %s", stored.uid, stored.type)
        self._emit(EventRecorded(stored))
        return stored

    async def try_technician_pin(self, pin: str) -> DoorAnswer:
        assert self._running is not None
        answer = self._running.door.try_pin(pin, self._clock())
        log.info("Technician door: %s", answer.reason)
        return answer

    async def set_problem(self, problem: Problem) -> HubState:
        others = tuple(p for p in self._state.problems if p.device != problem.device)
        return self._set_state(replace(self._state, problems=others + (problem,)))

    async def clear_problem(self, device: DeviceKind) -> HubState:
        kept = tuple(p for p in self._state.problems if p.device != device)
        return self._set_state(replace(self._state, problems=kept))

    def _apply_problems(self, wanted: dict[DeviceKind, Problem | None]) -> None:
        """Set or clear the problems of the device kinds in `wanted`; others stay."""
        kept = tuple(p for p in self._state.problems if p.device not in wanted)
        added = tuple(p for p in wanted.values() if p is not None)
        self._set_state(replace(self._state, problems=kept + added))

    def _set_measures(self, profiles: tuple[str, ...]) -> None:
        self._set_state(replace(self._state, measures=profiles))

    def _set_state(self, state: HubState) -> HubState:
        if state != self._state:
            self._state = state
            self._emit(StateChanged(state))
        return state

    async def system_figures(self) -> system_info.SystemFigures:
        return system_info.collect(
            version=__version__,
            data_dir=self.data_dir,
            store=self._store(),
            time_zone=self.config.resident.time_zone,
            started_monotonic=self.started_monotonic,
            log_lines=self._recent_logs.last(15),
        )

    async def recent_events(self, limit: int = 20) -> list[Event]:
        return self._store().events(limit=limit)

    # -- the care plan ---------------------------------------------------------------------

    def _load_plan_at_start(self, store: Store) -> None:
        """The plan in force from the store, then the configured file if it is newer."""
        row = store.plan_in_force()
        if row is not None:
            try:
                self._use_plan(plan_from_json(row["document"]), datetime.fromisoformat(row["applied_at"]))
            except PlanError as exc:  # cannot happen for a plan we stored; said, never fatal
                log.error("The stored care plan cannot be read: %s", exc)
        path = self.config.plan_file
        if path is not None:
            try:
                plan = load_plan_file(path)
            except PlanError as exc:
                log.error("%s\nThe plan in force stays (version %d).", exc, self.plan.version)
                store.audit(AuditEntry("system", "plan.refused", detail={"source": str(path), "problems": exc.problems}))
                return
            if plan.version > self.plan.version:
                self._save_plan(store, plan, str(path), "system")

    def _save_plan(self, store: Store, plan: CarePlan, source: str, by: str) -> None:
        store.save_plan(plan.version, plan.to_json(), source,
                        AuditEntry(by, "plan.applied", subject=str(plan.version), detail={"source": source}),
                        at=self._clock())
        previous = self.plan
        self._use_plan(plan, self._clock())
        for feature in ("vital_sign_sharing", "bed_and_inactivity_monitoring", "auto_answer_calls", "relatives_told"):
            if previous.consented(feature) != plan.consented(feature):
                entry = plan.consent.get(feature)
                store.audit(AuditEntry(by, "consent.given" if plan.consented(feature) else "consent.withdrawn",
                                       subject=feature, detail={"recorded_by": entry.recorded_by if entry else "",
                                                                "recorded_at": entry.recorded_at if entry else ""}))
        if previous.consented("vital_sign_sharing") and not plan.consented("vital_sign_sharing"):
            dropped = store.drop_pending_readings()
            log.info("Vital-sign sharing withdrawn: %d reading(s) waiting to be sent will not be", dropped)
        log.info("Care plan version %d in force (from %s)", plan.version, source)

    def _use_plan(self, plan: CarePlan, applied_at: datetime) -> None:
        self.plan = plan
        self.limits = dict(plan.limits)
        assert self._running is not None
        self._running.reminders.set_plan(plan, applied_at)
        self._running.alarms.plan = plan
        self._running.activity.plan = plan

    async def apply_plan(self, plan: CarePlan, source: str, by: str = "nurse") -> int:
        """Put a (valid) plan in force; an older or equal version is refused, the plan in force stays."""
        if plan.version <= self.plan.version:
            raise PlanError(source, [f"version {plan.version} is not newer than the plan in force "
                                     f"(version {self.plan.version})"])
        self._save_plan(self._store(), plan, source, by)
        self._schedule_plan()
        await self._load_dispenser()
        await self.tick()
        return plan.version

    async def apply_plan_file(self, path: str) -> int:
        from pathlib import Path

        try:
            plan = load_plan_file(Path(path))
        except PlanError as exc:
            self._store().audit(AuditEntry("technician", "plan.refused", detail={"source": path,
                                                                                  "problems": exc.problems}))
            raise
        return await self.apply_plan(plan, path, by="technician")

    def _schedule_plan(self) -> None:
        """One APScheduler job per plan item, at its wall-clock times (LocalTimesTrigger)."""
        running = self._running
        assert running is not None
        for job in running.scheduler.get_jobs():
            if job.id.startswith("plan:"):
                job.remove()
        zone = self.config.resident.time_zone
        for kind, items in (("medication", self.plan.medications), ("measurement", self.plan.measurements)):
            for item in items:
                running.scheduler.add_job(self.tick, LocalTimesTrigger(item.times, zone, item.days), id=f"plan:{kind}:{item.id}")
        for check_in in self.plan.check_ins:
            running.scheduler.add_job(self.tick, LocalTimesTrigger((check_in.time,), zone, check_in.days),
                                      id=f"plan:check_in:{check_in.id}")

    async def _load_dispenser(self) -> None:
        """Hand the dispenser the next 24 hours of doses, in the background: a slow or
        unplugged dispenser never holds up reminders and alarms (it is loaded again
        after every reconnection by its own driver)."""
        running = self._running
        assert running is not None
        dispenser = running.serial.dispenser()
        if dispenser is None:
            return
        slots = [DoseSlot(o.compartment, o.at, o.window_minutes) for o in running.reminders.dose_slots()
                 if o.compartment is not None]

        async def load() -> None:
            try:
                await dispenser.set_schedule(slots)
                log.info("The dispenser was given %d dose(s)", len(slots))
            except Exception as exc:  # the dispenser says why; the screen still reminds
                log.warning("The dispenser's schedule could not be loaded: %s", exc)

        self._spawn(load())

    # -- time: reminders, alarms, activity ----------------------------------------------------

    async def _look_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await self.tick()
            except Exception:  # logged, and the next look comes as usual
                log.exception("Looking at what is due failed")

    async def tick(self) -> None:
        """Do everything that is due now, then set the next wake-up."""
        running = self._running
        if running is None:
            return
        async with running.ticking:
            await self._look(running)

    async def _look(self, running: _Running) -> None:
        # Each part on its own: one that fails (reminders that cannot be written while the
        # disk is full) must not keep the others, above all the alarms' countdowns and
        # climbs, from being done.
        for part in (self._redo_reactions, self._watch_space, self._look_at_the_plan, self._look_for_findings,
                     self._look_at_alarms):
            try:
                await part(running)
            except Exception:
                if part.__name__ not in running.failing_parts:  # said once while it keeps failing
                    log.exception("Looking at what is due failed (%s); the rest of the look goes on", part.__name__)
                running.failing_parts.add(part.__name__)
            else:
                running.failing_parts.discard(part.__name__)
        self._wake_when_due(running)

    async def _look_at_the_plan(self, running: _Running) -> None:
        await running.reminders.due()
        await running.calls.due()
        self._refresh_today()
        today = self._clock().astimezone(ZoneInfo(self.config.resident.time_zone)).date()
        if running.dispenser_loaded_for != today:
            running.dispenser_loaded_for = today  # once a day: the next 24 hours of doses, and the retention rule
            await self._load_dispenser()
            self.forget_old()

    async def _look_for_findings(self, running: _Running) -> None:
        for finding in running.activity.findings():
            await running.alarms.start(finding.alarm_type, "sensors", {"since": finding.since.isoformat()},
                                       key=finding.key)
        self._maybe_heartbeat()
        link = self.care_link
        if link.unreachable_since is not None and self._clock() - link.unreachable_since >= UNREACHABLE_ALARM_AFTER:
            await running.alarms.start("care_service_unreachable", "sync", {"reason": link.reason},
                                       key=f"link/{link.unreachable_since.isoformat()}")

    async def _look_at_alarms(self, running: _Running) -> None:
        await running.alarms.due()

    def _wake_when_due(self, running: _Running) -> None:
        times = [t for t in (running.reminders.next_due(), running.alarms.next_due(), running.activity.next_due(),
                             running.calls.next_due()) if t]
        if times and not running.stop.is_set():
            # The hub's clock may be another than the machine's (a demo's day, a test's):
            # wake after the same delay, by the loop's monotonic clock.
            delay = max((min(times) - self._clock()).total_seconds(), WAKE_AT_LEAST_S)
            if running.wake is not None:
                running.wake.cancel()
            running.wake = asyncio.get_running_loop().call_later(delay, lambda: self._spawn(self.tick()))

    def _refresh_today(self) -> None:
        zone = ZoneInfo(self.config.resident.time_zone)
        today = self._clock().astimezone(zone).date()
        items = tuple(PlanItem(at=o.at, kind=o.kind, title=o.title) for o in occurrences(self.plan, today, 1, zone))
        if items != self._state.today:
            self._set_state(replace(self._state, today=items))

    def forget_old(self) -> int:
        cutoff = self._clock() - timedelta(days=self.config.privacy.keep_days)
        removed = self._store().forget_before(cutoff)
        if removed:
            self._store().audit(AuditEntry("system", "retention.deleted", detail={"events": removed,
                                                                                  "before": cutoff.isoformat()}))
            log.info("Retention: %d event(s) older than %d days deleted", removed, self.config.privacy.keep_days)
        return removed

    async def my_data(self) -> MyData:
        from hub_app.care_plan import CONSENT_FEATURES

        relatives = tuple(c.name for c in self.plan.contacts if c.consent) if self.plan.consented("relatives_told") else ()
        return MyData(counts=self._store().event_counts(), keep_days=self.config.privacy.keep_days,
                      consent={f: self.plan.consent.get(f) for f in CONSENT_FEATURES}, relatives=relatives,
                      service_configured=self.care_link.reason != CareLinkState().reason)

    # -- what devices report ----------------------------------------------------------------

    def _outbox_priority(self, event: Event) -> int | None:
        """Which device events go to the care service (alarms are queued when raised)."""
        if event.kind == EventKind.DOSE:
            return 1
        if event.kind == EventKind.READING and self.plan.consented("vital_sign_sharing"):
            return READING_PRIORITY
        return None

    def _spawn(self, coroutine) -> None:
        """Run in the background on the core loop; shutdown waits for it (nothing half-done)."""
        running = self._running
        assert running is not None
        task = asyncio.get_running_loop().create_task(coroutine)
        running.reactions.add(task)
        task.add_done_callback(running.reactions.discard)

    def _needs_reaction(self, event: Event) -> bool:
        """Whether a device's event must lead to something (an alarm, a reminder ended): then
        a pending reaction is stored with it. A reading only when it is red, so the readings
        of a normal day cost no second write."""
        if event.kind == EventKind.READING:
            band = self.assess(event).band
            return band is not None and band.value == "red"
        return (event.kind == EventKind.ALARM or (event.kind == EventKind.DOSE and event.type in DOSE_ENDINGS)
                or (event.kind == EventKind.DEVICE and event.type in REACTING_DEVICE_EVENTS))

    def _device_event(self, event: Event) -> None:
        """A new event from a device, stored already (with its reaction pending when it
        needs one): tell the screens, then react."""
        self._emit(EventRecorded(event))
        if self._running is None:
            return
        if self._needs_reaction(event):
            self._spawn(self._react_once(event))
        elif event.kind == EventKind.ACTIVITY:
            self._spawn(self.tick())  # the bed, the door: the look works out what they mean

    def _device_event_unstored(self, event: Event) -> None:
        """A device's event the store could not take (the disk full, read-only, failing):
        an alarm goes out all the same, held in memory with the event until the store can
        write (the device repeats the event until it is stored; its uid makes the repeats
        one alarm)."""
        if self._running is None or event.kind != EventKind.ALARM:
            return

        async def raise_unstored() -> None:
            try:
                await self._running.alarms.start(event.type, event.source, event.data, event.occurred_at,
                                                 event_uid=event.uid, unstored=event)
            except Exception:
                log.exception("An alarm the store could not take could not be raised either")

        self._spawn(raise_unstored())

    def _store_problem(self, problem: str | None) -> None:
        """The store stopped (a problem) or started again (None) being able to write."""
        if problem == "busy" or (problem is None and self._store_trouble is None):
            return  # a lock held too long and then let go: tried again, nothing to tell
        if problem == "full" and self._space is not None and self._space.release_reserve():
            self._spawn(self.tick())  # what was refused is tried again now, in the space freed
        if problem is None:
            log.warning("The hub's store can write again")
            self._store_trouble = None
            self._apply_problems({DeviceKind.HUB: None})
        else:
            if self._store_trouble is None:
                log.error("The hub's store cannot write (%s): alarms are held in memory and sent all the same", problem)
                self._store_trouble = (problem, self._clock())
            self._apply_problems({DeviceKind.HUB: Problem(DeviceKind.HUB, "cannot_store")})
        self._last_heartbeat = float("-inf")  # the care service hears of it at once
        if self._running is not None:
            self._maybe_heartbeat()

    def store_health(self) -> dict[str, Any]:
        """What the heartbeat tells the care service of the store: "ok", "low" (free space
        below the mark) or "cannot_store" (with why and since when); never any content."""
        free = self._space.free_bytes() if self._space is not None else 0
        health: dict[str, Any] = {"state": "ok", "free_mb": free // 1_000_000}
        if self._store_trouble is not None:
            problem, since = self._store_trouble
            health.update(state="cannot_store", problem=problem, since=since.isoformat())
        elif self._space is not None and self._space.low():
            health["state"] = "low"
        return health

    async def _watch_space(self, running: _Running) -> None:
        """Free space below the mark is a technical alarm while there is still room to
        store it (once a day while it lasts); above it, the reserve is made again."""
        space = self._space
        if space is None:
            return
        if space.low():
            today = self._clock().astimezone(ZoneInfo(self.config.resident.time_zone)).date()
            await running.alarms.start("storage_low", "hub", {"free_mb": space.free_bytes() // 1_000_000},
                                       key=f"space/{today.isoformat()}")
        else:
            space.keep_reserve()

    async def _react_once(self, event: Event) -> None:
        """React to a stored event, then mark its reaction done. A failure (a store error
        on the way) leaves the reaction pending with the attempt counted: it is tried
        again shortly and at every look until it is done, never dropped. Each reaction
        is idempotent by the event's uid, so doing one again raises nothing twice."""
        running = self._running
        assert running is not None
        if event.uid in running.reacting:
            return
        running.reacting.add(event.uid)
        try:
            await self._react(event)
            running.store.reaction_done(event.uid)
            running.reaction_failures.pop(event.uid, None)
        except Exception as exc:
            failures = running.reaction_failures[event.uid] = running.reaction_failures.get(event.uid, 0) + 1
            # Said once at error level; a store that stays full would otherwise fill the log too.
            (log.error if failures == 1 else log.debug)("Reacting to event %s failed (%s); it is tried again",
                                                        event.uid, type(exc).__name__)
            log.debug("The failed reaction", exc_info=True)  # its words may name a reading
            try:
                running.store.reaction_failed(event.uid, type(exc).__name__)
            except Exception:  # the store itself is failing: the row stays pending all the same
                log.debug("Counting the failed reaction failed too", exc_info=True)
            if not running.stop.is_set() and event.uid not in running.retrying:
                running.retrying.add(event.uid)  # one retry waiting per event, whoever failed
                asyncio.get_running_loop().call_later(REACTION_RETRY_S, self._retry_reaction, event)
        finally:
            running.reacting.discard(event.uid)

    def _retry_reaction(self, event: Event) -> None:
        running = self._running
        if running is not None:
            running.retrying.discard(event.uid)
            if not running.stop.is_set():
                self._spawn(self._react_once(event))

    async def _redo_reactions(self, running: _Running) -> None:
        """Reactions left pending by a hub that died after storing an event, or by an
        error on the way: done now (at start, and at every look)."""
        try:
            pending = running.store.pending_reactions()
        except Exception:
            log.exception("The pending reactions could not be read")
            return
        for event, attempts in pending:
            if attempts == 0 and event.uid not in running.reacting:
                log.warning("Event %s was stored but not reacted to: reacting now", event.uid)
            await self._react_once(event)

    async def _react(self, event: Event) -> None:
        running = self._running
        assert running is not None
        if event.kind == EventKind.ALARM:
            await running.alarms.start(event.type, event.source, event.data, event.occurred_at, event_uid=event.uid)
        elif event.kind == EventKind.DOSE:
            await running.reminders.dispenser_event(event)
        elif event.kind == EventKind.READING:
            assessment = self.assess(event)
            if assessment.band is not None and assessment.band.value == "red":
                await running.alarms.start("vital_sign_red", event.source, {"reading": event.uid,
                                                                             "type": event.type},
                                           key=f"red/{event.uid}")
        elif event.kind == EventKind.DEVICE and event.type in REACTING_DEVICE_EVENTS:
            # A pendant or fall sensor gone quiet is as serious as a silent device: the
            # resident believes it works. Its kind goes along, so the nurse knows which.
            alarm_type = "device_silent" if event.type == "sensor_silent" else event.type
            detail = {"sensor_kind": event.data["sensor_kind"]} if "sensor_kind" in event.data else {}
            await running.alarms.start(alarm_type, event.source, detail, key=f"device/{event.uid}")

    async def _modem_sms(self, sms) -> None:
        """The modem's incoming SMS (devices.modem.IncomingSms). Each part of a long one is
        kept; an answer ("JA", "NEI") is in the first, so only that one is read."""
        await self.sms_received(sms.number, sms.text, sms.received_at, read=sms.part is None or sms.part.sequence == 1)

    async def sms_received(self, number: str, text: str, received_at: datetime, read: bool = True) -> str:
        """An SMS the modem received: kept first (the modem deletes it only after this
        returns), once however often the modem hands it over, then read as an answer to
        an alarm. The number and text stay out of the log above debug."""
        uid = str(uuid.uuid5(SMS_NAMESPACE, f"{number}/{received_at.isoformat()}/{text}"))
        event = Event(EventKind.DEVICE, "sms_received", "modem", received_at, {"from": number, "text": text}, uid=uid)
        _stored, new = self._store().record_event_once(event)
        if not new:
            return "seen"
        log.info("An SMS came in")
        if not read:
            return "kept"
        log.debug("SMS from %s: %r", number, text)
        return await self._running.alarms.sms_reply(number, text)

    async def _missed_dose(self, event: Event) -> None:
        await self._running.alarms.start("missed_dose", event.source, {"dose": event.uid,
                                                                       "item": event.data.get("item", "")},
                                         key=f"missed/{event.data.get('occurrence') or event.uid}")

    async def _send_sms(self, number: str, text: str) -> None:
        modem = self._serial().modem()
        if modem is None:
            raise RuntimeError("no mobile modem is assigned to this hub")
        await modem.send_sms(number, text)

    # -- the resident and the nurse: reminders and alarms --------------------------------------

    async def open_reminders(self) -> list[ReminderView]:
        # A check-in is a call: it rings on the call screen, not as a reminder.
        return [r for r in self._running.reminders.open() if r.kind != "check_in"]

    def _reminder_changed(self, view: ReminderView) -> None:
        if view.kind != "check_in":
            self._emit(ReminderChanged(view))
        elif view.open:
            check_in = next((c for c in self.plan.check_ins if c.id == view.item_id), None)
            if check_in is not None:
                self._spawn(self._ring_check_in(check_in, f"check-in/{view.uid}"))

    # -- video calls ----------------------------------------------------------------------------

    def _call_changed(self, view: CallView) -> None:
        self._emit(CallChanged(view))
        if view.state == "ringing":
            self._spawn(self.tick())  # the next wake-up: its countdown, or ringing out

    async def _ring_check_in(self, check_in, key: str) -> None:
        """A check-in comes due. A link on the care service's own origin is a call through
        its rooms: the service makes one now (every nurse's console shows it, with "Join");
        any other allowed link (a municipality's Jitsi Meet) is opened as it is."""
        running = self._running
        if running.store.call_by_key(key) is not None or key in self._check_ins_ringing:
            return  # rung already, or being rung (the reminder is told again: shown, a restart)
        self._check_ins_ringing.add(key)  # one room per check-in, even while the service answers
        try:
            url, room = check_in.link, None
            if running.client is not None and origin_of(url) == origin_of(self.config.care_service.url):
                try:
                    found = await asyncio.get_running_loop().run_in_executor(None, running.client.start_call,
                                                                             "service", "")
                    url, room = found["url"], found["room"]
                except Exception as exc:  # it rings all the same; the nurse has the plan too
                    log.warning("The care service could not make a room for a check-in: %s", exc)
            await running.calls.ring(check_in.who, url, key=key, room=room, scheduled=True, caller="check_in")
        finally:
            self._check_ins_ringing.discard(key)

    async def open_calls(self) -> list[CallView]:
        return self._running.calls.open()

    async def answer_call(self, uid: str) -> CallView:
        return await self._running.calls.answer(uid)

    async def decline_call(self, uid: str) -> CallView:
        return await self._running.calls.decline(uid)

    async def end_call(self, uid: str) -> CallView:
        return await self._running.calls.end(uid)

    async def call_tiles(self) -> list[CallTile]:
        tiles = [CallTile("service", "")] if self.config.care_service.url else []
        return tiles + [CallTile(c.name, c.name, c.relation) for c in self.plan.contacts if c.calls]

    async def call_out(self, target: str) -> CallView:
        """The resident touched a tile: the care service makes a room; a contact is sent
        the invitation by SMS (the home-care service sees the call on its console)."""
        running = self._running
        if running.client is None:
            raise CallError("this hub is not connected to a care service")
        contact = None
        if target != "service":
            contact = next((c for c in self.plan.contacts if c.calls and c.name == target), None)
            if contact is None:
                raise CallError("this person is not among those the resident may call")
        loop = asyncio.get_running_loop()
        room = await loop.run_in_executor(None, running.client.start_call, "service" if contact is None else "contact",
                                          "" if contact is None else contact.name)
        if contact is not None:
            await self._send_sms(contact.phone, self._invitation_text(room["guest_url"]))
        return await running.calls.started(target if contact else "service", room["url"], room["room"])

    def _invitation_text(self, link: str) -> str:
        name = self.config.resident.name
        if self.config.resident.language == "en":
            return f"{name or 'Your relative'} would like a video call with you. Open: {link}"
        return f"{name or 'Din pårørende'} vil gjerne ha en videosamtale med deg. Åpne: {link}"

    async def _tell_call_outcome(self, room: str, outcome: str) -> None:
        running = self._running
        if running is None or running.client is None:
            raise CallError("no care service to tell")
        await asyncio.get_running_loop().run_in_executor(None, running.client.call_outcome, room, outcome)

    async def confirm_reminder(self, uid: str) -> ReminderView:
        return await self._running.reminders.confirm(uid)

    async def active_alarms(self) -> list[AlarmView]:
        return self._running.alarms.active()

    async def start_alarm(self, alarm_type: str, source: str, data: dict | None = None) -> AlarmView:
        return await self._running.alarms.start(alarm_type, source, data)

    async def cancel_alarm(self, uid: str) -> AlarmView:
        return await self._running.alarms.cancel(uid)

    async def acknowledge_alarm(self, uid: str, by: str) -> AlarmView:
        """A person has the alarm (the sync layer passes on the care service's word)."""
        return await self._running.alarms.acknowledge(uid, by)

    # -- readings: the resident's measurement screen ------------------------------------

    def assess(self, reading: Event) -> Assessment:
        """A reading against the resident's limits (pure: callable from any thread)."""
        return assess(reading, self.limits)

    async def reading_history(self, reading_type: str, days: int) -> list[tuple[Event, Assessment]]:
        """The readings of the last `days` days, oldest first, each with its assessment."""
        since = self._clock() - timedelta(days=days)
        return [(event, self.assess(event)) for event in self._store().readings_since(reading_type, since)]

    # -- serial devices: the technician's pages ------------------------------------------

    def _serial(self) -> SerialDevices:
        assert self._running is not None, "core not started"
        return self._running.serial

    async def serial_ports(self) -> list:
        return await asyncio.get_running_loop().run_in_executor(None, find_ports)

    async def serial_statuses(self) -> list:
        return self._serial().statuses()

    async def assign_serial(self, port: str, kind: str):
        identity = await self._serial().assign(port, kind)
        if kind == "dispenser":
            await self._load_dispenser()
        return identity

    async def unassign_serial(self, port: str) -> bool:
        return await self._serial().unassign(port)

    async def dispenser_signal(self, port: str) -> None:
        device = self._serial().device(port)
        await device.signal_resident()
        self._store().audit(AuditEntry("technician", "device.test_signal", subject=port))

    async def receiver_learn(self, port: str, on: bool) -> None:
        await self._serial().device(port).learn(on)
        self._store().audit(AuditEntry("technician", "receiver.learn_on" if on else "receiver.learn_off", subject=port))

    async def receiver_sensors(self, port: str) -> list:
        return list(self._serial().device(port).sensors.values())

    async def modem_check(self, port: str):
        device = self._serial().device(port)
        await device.check()
        self._store().audit(AuditEntry("technician", "modem.checked", subject=port,
                                       detail={"registration": device.registration.state}))
        return device.signal, device.registration

    async def modem_test_sms(self, port: str, number: str) -> list[int]:
        references = await self._serial().device(port).send_sms(
            number, "Test fra velferdshuben: SMS virker, og æøå ÆØÅ kommer fram. / Test from the welfare hub."
        )
        self._store().audit(AuditEntry("technician", "modem.test_sms", subject=port, detail={"parts": len(references)}))
        return references

    # -- Bluetooth devices: the technician's pages ---------------------------------------

    def _ble(self) -> BleDevices:
        assert self._running is not None, "core not started"
        return self._running.ble

    async def ble_scan(self, seconds: float = 5.0) -> list:
        return await self._ble().scan(seconds)

    async def ble_pair(self, address: str, profile: str) -> str:
        return await self._ble().pair(address, profile)

    async def ble_forget(self, address: str) -> bool:
        return await self._ble().forget(address)

    async def ble_statuses(self) -> list:
        return self._ble().statuses()

    async def ble_test_read(self, address: str):
        return await self._ble().test_read(address)
