"""The hub's side of a device that speaks the line framing (docs/protocols/framing.md).

One `FramedDevice` supervises one serial port for as long as it runs: it connects,
shakes hands, turns the device's events into hub events (stored through `on_event`
*before* they are acknowledged, so a crash in between only makes the device repeat
them), sends commands and waits for their acknowledgement, notices a device that has
gone silent or whose battery is low, and reconnects with backoff when the port goes
away (an unplugged USB cable, a port error). It never raises out of `run()` for
anything a device or a cable can do.

Subclasses (dispenser, sensor receiver) say what the messages mean. The port itself is
devices/frame_port.py; what every supervised device shares (status, identity, errors,
backoff, the hub's own events about it) is devices/supervised_device.py.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from devices.frame_port import LineProtocol, close_frame_port, open_frame_port
from devices.supervised_device import (
    FIRST_BACKOFF_S,
    SILENT_AFTER_HEARTBEATS,
    DeviceError,
    DeviceNotConnected,
    DeviceStatus,
    Identity,
    SupervisedDevice,
)
from drivers.serial.framing import Frame, encode_frame
from drivers.serial.messages import (
    PROTOCOL_VERSION,
    Ack,
    Battery,
    Err,
    Heartbeat,
    Hello,
    Message,
    MessageError,
    SetTime,
    error_text,
    from_frame,
    to_frame,
)
from vocabulary import Event, EventKind, utc_now

log = logging.getLogger(__name__)

# Device events are named by (serial, epoch, seq): the same event repeated, even
# after a hub restart, gets the same uid, and the store keeps it once.
EVENT_NAMESPACE = uuid.UUID("6f1d2c4e-8a5b-4f7e-9c3d-2b1a0e9f8d7c")
HANDSHAKE_TIMEOUT = 3.0
COMMAND_TRIES = 5
DEFAULT_HEARTBEAT_S = 30  # until a device has said its own in HELLO
BATTERY_LOW, BATTERY_OK = 20, 30


class CommandRefused(DeviceError):
    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"the device refused the command ({code}{': ' + text if text else ''})")
        self.code = code


def battery_watch(level: int | None, was_low: bool) -> tuple[bool, bool]:
    """(is it low now, should a battery_low event be recorded) with hysteresis."""
    if level is None:
        return was_low, False
    if not was_low and level < BATTERY_LOW:
        return True, True
    if was_low and level >= BATTERY_OK:
        return False, False
    return was_low, False


class FramedDevice(SupervisedDevice, abc.ABC):

    def __init__(
        self,
        port: str,
        *,
        on_event: Callable[[Event], Awaitable[None]],
        on_status: Callable[[DeviceStatus], None] = lambda status: None,
        clock: Callable[[], datetime] = utc_now,
        retry_base: float = 1.0,
        backoff_max: float = 30.0,
        baudrate: int = 115200,
    ) -> None:
        super().__init__(port, on_event=on_event, on_status=on_status, clock=clock, backoff_max=backoff_max)
        self._retry_base = retry_base
        self._baudrate = baudrate
        self._transport: asyncio.Transport | None = None
        self._protocol: LineProtocol | None = None
        self._command_lock = asyncio.Lock()
        self._pending: tuple[int, bytes, asyncio.Future[None]] | None = None
        self._next_seq = 1
        self._last_event: tuple[str, int] | None = None  # (epoch, seq) last acknowledged
        self._unstored = 0  # device events in a row the hub could not store
        self._battery_low = False
        self._connected = asyncio.Event()
        self._last_err_sent = 0.0
        self._tasks: set[asyncio.Task[Any]] = set()  # fire-and-forget, kept alive here

    # -- life ------------------------------------------------------------------------

    async def run(self) -> None:
        """Supervise the port until cancelled: connect, serve, reconnect with backoff."""
        watch = asyncio.create_task(self._watch_silence(), name=f"silence {self.port}")
        backoff = FIRST_BACKOFF_S
        try:
            while True:
                served = await self._session()
                backoff = FIRST_BACKOFF_S if served else self._longer_backoff(backoff)
                await asyncio.sleep(backoff)
        finally:
            watch.cancel()
            for task in list(self._tasks):
                task.cancel()
            await self._close()

    async def probe(self, timeout: float = HANDSHAKE_TIMEOUT) -> Identity:
        """Open the port, shake hands, close again: the check before a port is assigned."""
        frames: asyncio.Queue = asyncio.Queue()
        try:
            await self._open(frames)
            return await self._handshake(frames, timeout)
        finally:
            await self._close()

    async def _open(self, frames: asyncio.Queue) -> None:
        self._transport, self._protocol = await open_frame_port(self.port, self._baudrate, frames)

    async def _close(self) -> None:
        """Close the port and wait until it is released (it is opened exclusively)."""
        transport, self._transport = self._transport, None
        if transport is not None:
            assert self._protocol is not None
            await close_frame_port(transport, self._protocol)

    async def _session(self) -> bool:
        """One connection, from open to loss. True if the handshake succeeded."""
        frames: asyncio.Queue = asyncio.Queue()
        try:
            await self._open(frames)
            identity = await self._handshake(frames, HANDSHAKE_TIMEOUT)
        except DeviceError as exc:
            await self._close()
            self._set_status(connected=False, problem=str(exc))
            log.debug("%s: %s", self.port, exc)
            return False
        self._next_seq = 1
        self._set_status(connected=True, identity=identity, problem="")
        await self._contact()
        log.info("%s connected on %s (%s, firmware %s)", self.KIND, self.port, identity.model, identity.firmware)
        self._connected.set()
        setup = asyncio.create_task(self._after_handshake_safely(), name=f"setup {self.port}")
        try:
            await self._serve(frames)
        finally:
            self._connected.clear()
            setup.cancel()
            self._fail_pending(DeviceNotConnected(f"the {self.KIND} on {self.port} disconnected"))
            await self._close()
            self._set_status(connected=False, problem=f"disconnected from {self.port}")
            log.info("%s on %s disconnected; reconnecting", self.KIND, self.port)
        return True

    async def _handshake(self, frames: asyncio.Queue, timeout: float) -> Identity:
        hello = encode_frame(to_frame(Hello(proto=PROTOCOL_VERSION, role="hub")))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            self._write(hello)
            resend = min(loop.time() + 1.0, deadline)
            while (left := resend - loop.time()) > 0:
                try:
                    item = await asyncio.wait_for(frames.get(), left)
                except asyncio.TimeoutError:
                    break
                if isinstance(item, BaseException):
                    raise DeviceNotConnected(f"{self.port} went away during the handshake: {item}")
                if isinstance(item, list):
                    self._bad_frames(item)
                    continue
                if item.type != "HELLO":
                    continue
                try:
                    answer = from_frame(item)
                except MessageError as exc:
                    raise DeviceError(f"the device on {self.port} sent an unusable HELLO: {exc}") from exc
                assert isinstance(answer, Hello)
                if answer.role == "hub":
                    continue  # our own HELLO echoed back: not a device
                return self._accept_hello(answer)
        raise DeviceNotConnected(f"no answer to HELLO on {self.port} within {timeout:.0f} s")

    def _accept_hello(self, hello: Hello) -> Identity:
        if hello.proto != PROTOCOL_VERSION:
            self._send(Err(code="version", text=f"this hub speaks protocol {PROTOCOL_VERSION}"))
            raise DeviceError(f"the device on {self.port} speaks protocol {hello.proto}; this hub speaks {PROTOCOL_VERSION}")
        missing = hello.missing_for_device()
        if missing:
            raise DeviceError(f"the device on {self.port} did not say its {', '.join(missing)}")
        if hello.kind != self.KIND:
            raise DeviceError(f"the device on {self.port} is a {hello.kind}, not a {self.KIND}")
        return Identity.from_hello(hello)

    # -- serving a connection ---------------------------------------------------------

    async def _serve(self, frames: asyncio.Queue) -> None:
        while True:
            item = await frames.get()
            if isinstance(item, BaseException):
                return
            if isinstance(item, list):  # bad frames from the reader
                self._bad_frames(item)
                continue
            await self._contact()
            await self._handle(item)

    def _bad_frames(self, errors: list) -> None:
        self._set_status(bad_frames=self.status.bad_frames + len(errors))  # over all connections
        log.debug("%s: %d bad frame(s): %s", self.port, len(errors), errors[-1])
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_err_sent > 1.0:  # tell the device, but do not flood it
            self._last_err_sent = loop.time()
            self._send(Err(code="crc" if any(e.reason == "crc" for e in errors) else "syntax"))

    async def _handle(self, frame: Frame) -> None:
        try:
            msg = from_frame(frame)
        except MessageError as exc:
            log.debug("%s: refused %s: %s", self.port, frame.type, exc)
            self._send(Err(code=exc.code, ref=frame.seq or None, text=error_text(str(exc))))
            return
        if isinstance(msg, Ack):
            self._resolve(msg.ref, None)
        elif isinstance(msg, Err):
            self._on_err(msg)
        elif isinstance(msg, Hello):
            await self._device_restarted(msg)
        elif isinstance(msg, Heartbeat):
            await self._power_report(msg.bat, msg.power)
        elif msg.SEQUENCED:
            await self._device_event(frame.seq, msg)
        else:
            await self.on_report(msg)

    async def _device_event(self, seq: int, msg: Message) -> None:
        identity = self.status.identity
        assert identity is not None
        if self._last_event == (identity.epoch, seq):
            self._send(Ack(ref=seq))  # our ACK was lost; the event is already stored
            return
        await self.observe(msg)
        events = [
            replace(event, uid=str(uuid.uuid5(EVENT_NAMESPACE, f"{identity.serial}/{identity.epoch}/{seq}/{index}")))
            for index, event in enumerate(self.translate(msg, identity))
        ]
        try:
            for event in events:
                await self._on_event(event)
        except Exception as exc:
            # Not stored, so not acknowledged: the device will send it again. Said once
            # at error level while it goes on (a full disk refuses every repeat).
            self._unstored += 1
            (log.error if self._unstored == 1 else log.debug)(
                "%s: could not store an event (%s); the device will repeat it", self.port, type(exc).__name__)
            log.debug("The event that could not be stored", exc_info=True)
            return
        self._unstored = 0
        self._last_event = (identity.epoch, seq)
        self._send(Ack(ref=seq))
        if isinstance(msg, Battery):
            await self._power_report(msg.level, None)

    async def _device_restarted(self, hello: Hello) -> None:
        if hello.role == "hub":
            return
        try:
            identity = self._accept_hello(hello)
        except DeviceError as exc:
            self._set_status(problem=str(exc))
            if self._transport is not None:
                self._transport.close()  # the session ends when the port reports the loss
            return
        self._send(Hello(proto=PROTOCOL_VERSION, role="hub"))
        self._set_status(identity=identity)
        self._spawn(self._after_handshake_safely())

    async def _power_report(self, level: int | None, power: str | None) -> None:
        changes: dict[str, Any] = {}
        if level is not None:
            changes["battery"] = level
        if power is not None:
            changes["power"] = power
        if changes:
            self._set_status(**changes)
        self._battery_low, record = battery_watch(level, self._battery_low)
        if record and self.status.identity is not None:
            await self._record(EventKind.DEVICE, "battery_low", {"battery": level})

    async def _contact(self) -> None:
        self._set_status(last_contact=self._clock())
        if self.status.silent:
            self._set_status(silent=False)
            # Before the message that shows it is back: the store keeps the order.
            await self._record(EventKind.DEVICE, "device_back", {})

    async def _watch_silence(self) -> None:
        # A device that never answers since the hub started is silent as well: counted
        # from the start, with the usual heartbeat until it has told us its own.
        started = self._clock()
        past_limit = False
        while True:
            await asyncio.sleep(1.0)
            identity = self.status.identity
            last = self.status.last_contact or started
            if self.status.silent:
                continue
            limit = SILENT_AFTER_HEARTBEATS * (identity.heartbeat_s if identity else DEFAULT_HEARTBEAT_S)
            # Past the limit at two looks in a row: a wall clock that jumps forward puts a
            # device past it at once, and the word it sends just after must clear that.
            was_past, past_limit = past_limit, (self._clock() - last).total_seconds() > limit
            if past_limit and was_past:
                self._set_status(silent=True)
                log.warning("%s on %s is silent (nothing for %d s)", self.KIND, self.port, limit)
                await self._record(EventKind.DEVICE, "device_silent", {"after_s": limit})

    async def _record(self, kind: EventKind, type_: str, data: dict[str, Any]) -> None:
        """A hub-made event about this device (not one the device sent)."""
        try:
            await self._on_event(self._hub_event(type_, data, kind))
        except Exception:
            log.exception("%s: could not store a %s event", self.port, type_)

    def _spawn(self, coro) -> asyncio.Task[Any]:
        """A task that lives at most as long as run(); kept referenced until done."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- commands ------------------------------------------------------------------------

    async def command(self, msg: Message) -> None:
        """Send a sequenced command and wait for its ACK (5 tries), or raise DeviceError."""
        if not self._connected.is_set():
            raise DeviceNotConnected(f"the {self.KIND} on {self.port} is not connected")
        async with self._command_lock:
            seq, self._next_seq = self._next_seq, self._next_seq + 1
            data = encode_frame(to_frame(msg, seq))
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._pending = (seq, data, done)
            try:
                wait = self._retry_base
                for _ in range(COMMAND_TRIES):
                    self._write(data)
                    try:
                        await asyncio.wait_for(asyncio.shield(done), wait)
                        return
                    except asyncio.TimeoutError:
                        wait = min(wait * 2, 8 * self._retry_base)
                raise DeviceError(f"the {self.KIND} on {self.port} did not acknowledge {msg.TYPE} after {COMMAND_TRIES} tries")
            finally:
                self._pending = None

    def _resolve(self, ref: int, error: BaseException | None) -> None:
        if self._pending and self._pending[0] == ref and not self._pending[2].done():
            if error is None:
                self._pending[2].set_result(None)
            else:
                self._pending[2].set_exception(error)

    def _on_err(self, err: Err) -> None:
        if err.ref is not None:
            self._resolve(err.ref, CommandRefused(err.code, err.text or ""))
        elif err.code in ("crc", "syntax") and self._pending:
            self._write(self._pending[1])  # it did not read our last frame: repeat at once

    def _fail_pending(self, error: BaseException) -> None:
        if self._pending and not self._pending[2].done():
            self._pending[2].set_exception(error)

    def _send(self, msg: Message) -> None:
        self._write(encode_frame(to_frame(msg)))

    def _write(self, data: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    async def _after_handshake_safely(self) -> None:
        try:
            await self.command(SetTime(now=self._clock()))
            await self.after_handshake()
        except DeviceError as exc:
            log.warning("%s on %s: setting up after the handshake failed: %s", self.KIND, self.port, exc)
            self._set_status(problem=str(exc))

    # -- for subclasses ----------------------------------------------------------------------

    @abc.abstractmethod
    def translate(self, msg: Message, identity: Identity) -> list[Event]:
        """The hub events a device event means (may be none)."""

    async def observe(self, msg: Message) -> None:
        """Note what a device event says about the device, before it is translated."""

    async def after_handshake(self) -> None:
        """Bring the device up to date after each (re)connection (its clock is already set)."""

    async def on_report(self, msg: Message) -> None:
        """A message that is not acknowledged (check-ins, list answers)."""

    async def wait_connected(self, timeout: float) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    def _event(self, kind: EventKind, type_: str, identity: Identity, at: datetime | None, **data: Any) -> Event:
        return Event(kind=kind, type=type_, source=identity.source, occurred_at=at or self._clock(), data=_plain(data))


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in data.items() if value is not None}


