"""The hub's runtime: one asyncio loop on its own thread that opens the store, builds
the hub's services (hub_app.services) and holds them until it stops.

Other threads (the Qt UI, the headless runner, tests) talk to it in two ways only:
- commands: `core.submit(core.alarms.cancel, uid)` runs a service's method on the core
  loop and returns a concurrent Future (`core.call` waits for it);
- messages: `core.subscribe(callback)`; the callback runs on the core thread, so the
  Qt bridge turns each message into a queued signal.

A stalled screen can never delay the core, and `stop()` lets every accepted command
finish (its rows committed) before the store closes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import fields
from datetime import datetime
from typing import Any, TypeVar

from hub_app import __version__
from hub_app.call_origins import allowed_origins
from hub_app.config import HubConfig
from hub_app.context import HubContext
from hub_app.logs import RecentLines
from hub_app.looking import Looking
from hub_app.messages import HubState, Message
from hub_app.screen_state import ScreenState
from hub_app.services import Services, build
from hub_app.store import AuditEntry, Store, StoreWriteError
from hub_app.store_recovery import open_store
from hub_app.watchdog import SystemdNotifier
from vocabulary import utc_now

log = logging.getLogger(__name__)
T = TypeVar("T")

_SERVICES = frozenset(field.name for field in fields(Services))
HEARTBEAT_S = 30  # the hub also looks every 30 s by the monotonic clock: a wall-clock jump is noticed within that


class CoreStopped(RuntimeError):
    """The core is not running (not started yet, or shutting down): nothing was done."""


class Core:
    """The runtime. Its services (`core.alarms`, `core.serial`, … : the fields of
    hub_app.services.Services) are there once start() has returned."""

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
        self.data_dir = config.data_dir
        self.call_origins = allowed_origins(config.care_service.url, config.calls.origins)
        self.started_monotonic = time.monotonic()
        self._heartbeat_s = heartbeat_s
        self._device_options = device_options or {}
        self._ble_options = ble_options or {}
        self._recent_logs = recent_logs or RecentLines()
        self._notifier = notifier or SystemdNotifier()
        self._clock = clock
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._thread_main, name="hub-core", daemon=True)
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._store: Store | None = None
        self._services: Services | None = None
        self._stopping: asyncio.Event | None = None
        self._lock = threading.Lock()
        self._accepting = False
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._spawned: set[asyncio.Task[Any]] = set()
        self._listeners: list[Callable[[Message], None]] = []
        self.screen = ScreenState(self._emit)

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
        assert self._stopping is not None
        self._loop.call_soon_threadsafe(self._stopping.set)
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
        return self.screen.state

    @property
    def store(self) -> Store:
        """The hub's store (its own methods say what may be read and written)."""
        assert self._store is not None, "core not started"
        return self._store

    def subscribe(self, listener: Callable[[Message], None]) -> None:
        """`listener` is called on the core thread for every message; keep it quick."""
        self._listeners.append(listener)

    def submit(self, command: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        """Run `command(*args)` on the core loop (a coroutine function, or a plain
        function of a service, which must run there too); the Future carries its result."""
        if not inspect.iscoroutinefunction(command):
            command = _on_the_loop(command)
        with self._lock:
            if not self._accepting:
                raise CoreStopped("The hub core is not running")
            future = asyncio.run_coroutine_threadsafe(command(*args), self._loop)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def call(self, command: Callable[..., Any], *args: Any, timeout: float = 30.0) -> Any:
        """`submit` and wait: for the headless runner, the demo and tests."""
        return self.submit(command, *args).result(timeout)

    def _forget(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def __getattr__(self, name: str) -> Any:  # a service, by its name in Services
        if name in _SERVICES:
            services = self.__dict__.get("_services")
            if services is None:
                raise CoreStopped(f"The hub core is not running (no {name})")
            return getattr(services, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    async def tick(self) -> None:
        """Look at everything that is due now (hub_app.looking)."""
        await self.looking.tick()

    # -- the loop thread -------------------------------------------------------------

    def _thread_main(self) -> None:
        # The runner ends whatever is still running when _main returns (a library's own
        # task) before it closes the loop: nothing is left pending on a closed loop.
        with asyncio.Runner(loop_factory=lambda: self._loop) as runner:
            runner.run(self._main())

    async def _main(self) -> None:
        try:
            store, incident = open_store(self.data_dir / "hub.db", self._clock())
        except BaseException as exc:  # handed to start()'s caller, who reports it
            self._startup_error = exc
            self._ready.set()
            return
        self._store = store
        stopping = self._stopping = asyncio.Event()
        try:
            services = await self._start_services(store, incident, stopping)
        except BaseException as exc:  # a hub that cannot build its services does not start: said to start()'s caller
            self._startup_error = exc
            store.close()
            self._ready.set()
            return
        watchdog = asyncio.create_task(self._notifier.ping_forever(), name="watchdog")
        try:
            store.audit(AuditEntry("system", "hub.started", detail={"version": __version__}))
        except StoreWriteError:  # a hub whose store cannot write still starts: Help works without it
            log.error("The hub's start could not be written to its audit log")
        with self._lock:
            self._accepting = True
        self._notifier.notify("READY=1")
        log.info("Hub core running (store %s, schema %d)", store.path, store.schema_version)
        self._ready.set()
        await stopping.wait()
        services.scheduler.shutdown(wait=False)
        services.looking.stop()
        services.link.stop_listening()
        if self._spawned:
            await asyncio.gather(*self._spawned, return_exceptions=True)
        await services.serial.stop()
        await services.ble.stop()
        await services.link.stop()
        watchdog.cancel()
        await asyncio.gather(watchdog, return_exceptions=True)
        try:
            store.audit(AuditEntry("system", "hub.stopped"))
        except StoreWriteError:  # said already; stopping must not fail for it
            log.warning("The hub's stop could not be written to its audit log")
        store.close()

    async def _start_services(self, store: Store, incident, stopping: asyncio.Event) -> Services:
        looking = Looking(self._clock, self._spawn, stopping)

        async def send_sms(number: str, text: str) -> None:
            await services.serial.send_sms(number, text)

        ctx = HubContext(self.config, store, self._clock, self._emit, self._spawn, looking.tick, looking.wake, send_sms)
        services = build(ctx, subscribe=self.subscribe, screen=self.screen, looking=looking, stopping=stopping,
                         origins=self.call_origins, recent_logs=self._recent_logs,
                         started_monotonic=self.started_monotonic, device_options=self._device_options,
                         ble_options=self._ble_options)
        self._services = services
        services.plans.load_at_start()
        await services.serial.start()
        await services.ble.start()
        services.scheduler.start()
        looking.start(self._heartbeat_s)
        services.link.start()
        if incident is not None:  # the care service hears of it at once, as a technical alarm
            await services.rules.store_replaced(incident.what, incident.detail())
        await looking.tick()  # what was due while the hub was off, and alarms mid-escalation
        return services

    def _emit(self, message: Message) -> None:
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:  # a broken listener must not stop the core
                log.exception("A core listener failed")

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Run in the background on the core loop; shutdown waits for it (nothing half-done)."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._spawned.add(task)
        task.add_done_callback(self._spawned.discard)


def _on_the_loop(function: Callable[..., Any]) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def run(*args: Any) -> Any:
        result = function(*args)
        if inspect.isawaitable(result):  # a lambda that makes a coroutine
            result = await result
        return result

    return run
