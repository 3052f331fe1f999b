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
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from hub_app import __version__, system_info
from hub_app.config import HubConfig
from hub_app.ble_devices import BleDevices
from hub_app.logs import RecentLines
from hub_app.serial_devices import SerialDevices, find_ports
from hub_app.store import AuditEntry, Store
from hub_app.technician import DoorAnswer, TechnicianDoor
from hub_app.vitals import DEFAULT_LIMITS, Assessment, Limits, assess
from hub_app.watchdog import SystemdNotifier
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
class LiveValue:
    """A value shown while a measurement is under way (cuff pressure); never stored."""

    address: str
    profile: str
    value: dict[str, Any]


Message = StateChanged | EventRecorded | LiveValue


@dataclass
class _Running:
    store: Store
    door: TechnicianDoor
    serial: SerialDevices
    ble: BleDevices
    stop: asyncio.Event
    background: list[asyncio.Task[Any]] = field(default_factory=list)


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
    ) -> None:
        self.config = config
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
        self.started_monotonic = time.monotonic()

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
            store = Store(self.data_dir / "hub.db")
        except BaseException as exc:  # handed to start()'s caller, who reports it
            self._startup_error = exc
            self._ready.set()
            return
        serial = SerialDevices(
            store,
            on_event=lambda event: self._emit(EventRecorded(event)),
            on_problems=self._apply_problems,
            device_options=self._device_options,
        )
        ble = BleDevices(store, on_event=lambda event: self._emit(EventRecorded(event)),
                         on_problems=self._apply_problems,
                         on_live=lambda address, profile, value: self._emit(LiveValue(address, profile, value)),
                         on_paired=self._set_measures,
                         time_zone=self.config.resident.time_zone, device_options=self._ble_options)
        running = _Running(store=store, door=TechnicianDoor(store, self.config.pin_file), serial=serial, ble=ble,
                           stop=asyncio.Event())
        self._running = running
        await serial.start()
        await ble.start()
        running.background.append(asyncio.create_task(self._notifier.ping_forever(), name="watchdog"))
        store.audit(AuditEntry("system", "hub.started", detail={"version": __version__}))
        with self._lock:
            self._accepting = True
        self._notifier.notify("READY=1")
        log.info("Hub core running (store %s, schema %d)", store.path, store.schema_version)
        self._ready.set()
        await running.stop.wait()
        await running.serial.stop()
        await running.ble.stop()
        for task in running.background:
            task.cancel()
        await asyncio.gather(*running.background, return_exceptions=True)
        store.audit(AuditEntry("system", "hub.stopped"))
        store.close()

    def _emit(self, message: Message) -> None:
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
        """The resident asked for help: record the alarm durably, then tell everyone."""
        event = Event(kind=EventKind.ALARM, type="help_button", source=source, occurred_at=self._clock())
        stored = self._store().record_event(
            event,
            AuditEntry("resident", "alarm.raised", subject=event.uid, detail={"type": event.type, "source": source}),
        )
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
        return await self._serial().assign(port, kind)

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
