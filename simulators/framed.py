"""The device side of the line framing (docs/protocols/framing.md), as firmware does it.

`FramedDeviceSimulator` sits on the far side of a `PtyPort` and behaves like a real
dispenser or sensor receiver: it greets with `HELLO`, answers the hub's `HELLO`, sends
heartbeats, numbers its events and repeats each one (stop and wait, backing off 1, 2,
4, 8, 8, ... times `retry_base`) until the hub acknowledges it, answers commands with
`ACK` or `ERR`, and answers bad frames with `ERR code=crc` or `code=syntax`. With a
`state_file` its epoch, sequence counter and unacknowledged events survive a restart,
as they do in a real device's non-volatile memory.

It also breaks in the ways real hardware does, on purpose: line noise, an unplugged
cable (even in the middle of a frame), a hung device, a corrupted frame.

Everything runs on the asyncio loop that called `start()`; call the methods from that
loop's thread. Subclasses add their commands (`handle_command`) and events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from simulators.pty import PtyPort
from drivers.serial.framing import MAX_SEQ, Frame, FrameError, FrameReader, decode_frame, encode_frame
from drivers.serial.messages import (
    ERROR_CODES,
    PROTOCOL_VERSION,
    Ack,
    Err,
    Heartbeat,
    Hello,
    Message,
    MessageError,
    SetTime,
    from_frame,
    to_frame,
)

log = logging.getLogger(__name__)

STATE_VERSION = 1
BACKOFF_CAP = 8  # retransmissions wait 1, 2, 4, 8, 8, 8, ... times retry_base
# A hub HELLO that arrives this soon after the device sent its own HELLO is the hub's
# answer to it, and is not answered again: otherwise, as the hub answers a device's
# HELLO with its own, the two would answer each other for ever. Shorter than the hub's
# one-second HELLO repeat, so a real handshake is at most one repeat late.
HELLO_ECHO_WINDOW = 0.5
ERR_MIN_INTERVAL = 0.2  # at most one ERR for bad frames this often: no floods
MID_FRAME_SETTLE = 0.05  # unplug_mid_frame: let the half frame reach the hub first
MAX_OUTPUT = 64 * 1024  # bytes waiting for a hub that does not read; the rest is lost
_EPOCH = re.compile(r"[0-9A-F]{8}\Z")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class QueuedEvent:
    seq: int
    data: bytes  # the exact frame, sent again byte for byte


class FramedDeviceSimulator:
    """A device that speaks the framing protocol over a pseudo-terminal.

    Counters for tests and technicians: `sent_frames` (every whole frame written,
    repeats included), `retransmissions` (repeats of an event), `acked` (sequence
    numbers the hub acknowledged, in order), `refused` ((seq, code, text) the hub
    refused with ERR), `commands` (every command message received, duplicates not
    counted twice), `duplicate_commands`, `errors_received` (ERR messages from the hub),
    `bad_frames` (from the hub, see `reader.counters`).
    """

    # Commands this device accepts; anything else sequenced gets ERR code=type.
    COMMANDS: tuple[type[Message], ...] = (SetTime,)

    def __init__(
        self,
        port: PtyPort,
        *,
        kind: str,
        model: str,
        serial: str,
        fw: str = "1.0.0",
        hb: float = 30,
        state_file: Path | None = None,
        retry_base: float = 1.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not 0 < hb <= 300:
            raise ValueError(f"hb must be more than 0 and at most 300 seconds, not {hb}")
        if retry_base <= 0:
            raise ValueError(f"retry_base must be more than 0, not {retry_base}")
        self.port = port
        self.kind, self.model, self.serial, self.fw = kind, model, serial, fw
        # The interval actually used. HELLO says at least 5 (the protocol's minimum): a
        # device that beats more often than it says is never taken for silent.
        self.hb = float(hb)
        self.retry_base = float(retry_base)
        self.state_file = Path(state_file) if state_file is not None else None
        self.clock: Callable[[], datetime] = clock or utc_now
        self.clock_offset = timedelta(0)  # set by TIME: the hub's time minus `clock`
        self.follow_hub_time = True  # False while a script owns the clock
        self.bat: int | None = None  # carried in HB when set (0-100)
        self.power_source: str | None = None  # carried in HB as power= when set (mains, battery)

        self.sent_frames = 0
        self.retransmissions = 0
        self.event_sends: list[tuple[int, float]] = []  # (seq, loop time) of every event sent, repeats too
        self.acked: list[int] = []
        self.refused: list[tuple[int, str, str]] = []
        self.commands: list[Message] = []
        self.duplicate_commands = 0
        self.errors_received: list[Err] = []
        self.hub_hellos = 0
        self.reader = FrameReader()

        self.epoch = ""
        self._next_seq = 1
        self._queue: list[QueuedEvent] = []
        self._load_state()

        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._wake: asyncio.Event | None = None
        self._running = False
        self._silent = False
        self._corrupt_next = False
        self._pending_unplug: asyncio.TimerHandle | None = None
        self._last_command: tuple[int, bytes] | None = None  # (seq, our answer) in this connection
        self._last_sent = 0.0
        self._last_hello_sent = -math.inf
        self._last_err_sent = -math.inf
        # the outstanding event: which, when it goes next, how far the backoff is
        self._outstanding: int | None = None
        self._next_try = 0.0
        self._backoff = 0
        self._resend = False
        # bytes a slow (or absent) reader has not taken yet
        self._out = bytearray()
        self._out_fd: int | None = None

    # -- state ------------------------------------------------------------------------

    @property
    def next_seq(self) -> int:
        return self._next_seq

    @property
    def queued(self) -> list[int]:
        """Sequence numbers not yet acknowledged, the outstanding one first."""
        return [event.seq for event in self._queue]

    @property
    def outstanding(self) -> int | None:
        """The event sent and waiting for its ACK, if any."""
        if self._queue and self._outstanding == self._queue[0].seq:
            return self._outstanding
        return None

    @property
    def running(self) -> bool:
        return self._running

    @property
    def silent(self) -> bool:
        return self._silent

    @property
    def bad_frames(self) -> int:
        return self.reader.counters.bad_frames

    @property
    def advertised_hb(self) -> int:
        return min(300, max(5, math.ceil(self.hb)))

    def now(self) -> datetime:
        """The device's clock: `clock` moved by the last TIME from the hub."""
        return self.clock() + self.clock_offset

    def use_clock(self, clock: Callable[[], datetime], *, follow_hub_time: bool = False) -> None:
        """Run on another clock (a script's simulated time); TIME is then only acknowledged."""
        self.clock = clock
        self.clock_offset = timedelta(0)
        self.follow_hub_time = follow_hub_time

    def _load_state(self) -> None:
        if self.state_file is None or not self.state_file.exists():
            self._new_epoch()
            return
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            epoch, next_seq = data["epoch"], data["next_seq"]
            if not isinstance(epoch, str) or not _EPOCH.match(epoch):
                raise ValueError(f"epoch {epoch!r} is not 8 hex digits")
            if not isinstance(next_seq, int) or not 1 <= next_seq <= MAX_SEQ + 1:
                raise ValueError(f"next_seq {next_seq!r} is out of range")
            queue = []
            for item in data.get("queue", []):
                raw = item["frame"].encode("ascii")
                frame = decode_frame(raw)
                if frame.seq != item["seq"] or not 1 <= frame.seq < next_seq:
                    raise ValueError(f"queued frame {item['seq']} does not match its sequence number")
                queue.append(QueuedEvent(frame.seq, raw))
            self._restore_extra(data.get("device", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, FrameError) as exc:
            # Like firmware whose memory is corrupt: start again under a new epoch.
            log.warning("%s: the state in %s cannot be used (%s); starting a new epoch", self.serial, self.state_file, exc)
            self._new_epoch()
            return
        self.epoch, self._next_seq, self._queue = epoch, next_seq, queue

    def _new_epoch(self) -> None:
        self.epoch = secrets.token_hex(4).upper()
        self._next_seq = 1
        self._save()

    def _save(self) -> None:
        """Write the state atomically (a crash leaves the old file or the new, never half)."""
        if self.state_file is None:
            return
        data = {
            "version": STATE_VERSION,
            "kind": self.kind,
            "serial": self.serial,
            "epoch": self.epoch,
            "next_seq": self._next_seq,
            "queue": [{"seq": event.seq, "frame": event.data.decode("ascii")} for event in self._queue],
            "device": self._state_extra(),
        }
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.state_file)
        try:
            folder = os.open(self.state_file.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(folder)
        except OSError:
            pass
        finally:
            os.close(folder)

    # -- for subclasses ----------------------------------------------------------------

    def handle_command(self, msg: Message) -> str | None:
        """Carry out a command: None to acknowledge it, or an ERR code to refuse it.

        Raise MessageError(code, text) to refuse with an explanation. Subclasses handle
        their own commands and pass the rest here (TIME is handled here).
        """
        if isinstance(msg, SetTime):
            if self.follow_hub_time:
                self.clock_offset = msg.now - self.clock()
            return None
        return "type"

    def _state_extra(self) -> dict[str, Any]:
        """What else the device keeps in non-volatile memory (JSON-able).

        Called from the base __init__: subclasses set their attributes before calling it.
        """
        return {}

    def _restore_extra(self, data: dict[str, Any]) -> None:
        """Take back what `_state_extra` wrote; raise ValueError/KeyError/TypeError if unusable."""

    def _extra_tasks(self) -> list[Coroutine[Any, Any, None]]:
        """Coroutines to run while started (check-ins, the dispenser's own schedule)."""
        return []

    def _on_stop(self) -> None:
        """Called by stop(), after the tasks are cancelled."""

    # -- life ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Attach to the running loop, say HELLO and start heartbeats and retransmissions."""
        if self._running:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._running = True
        self._last_sent = self._loop.time()
        self.port.attach(self._loop, self._on_data)
        self._send_hello()
        self._resend_now(reset=True)
        coros = [self._sender(), self._heartbeat(), *self._extra_tasks()]
        self._tasks = [self._loop.create_task(coro, name=f"{self.kind} simulator") for coro in coros]

    async def stop(self) -> None:
        """Stop every task and let go of the port (it stays plugged in)."""
        if not self._running:
            return
        self._running = False
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._on_stop()
        if self._pending_unplug is not None:
            self._pending_unplug.cancel()
            self._pending_unplug = None
            self.port.unplug()
        self._drop_output()
        self._detach()

    def _detach(self) -> None:
        detach = getattr(self.port, "detach", None)
        if detach is not None:
            detach()
            return
        # PtyPort has no detach(): stop watching its master and forget the callback.
        loop = getattr(self.port, "_loop", None)
        if loop is not None and self.port.master_fd is not None and not loop.is_closed():
            loop.remove_reader(self.port.master_fd)
        self.port._loop = None  # noqa: SLF001
        self.port._on_data = None  # noqa: SLF001

    async def wait_until_idle(self, timeout: float | None = None) -> None:
        """Return once every queued event is acknowledged (or refused); TimeoutError if not in time."""

        async def idle() -> None:
            while self._queue:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(idle(), timeout)

    # -- sending -----------------------------------------------------------------------

    def queue_event(self, msg: Message) -> int:
        """Number an event, keep it (persistently) and send it when its turn comes."""
        if not msg.SEQUENCED:
            raise ValueError(f"{msg.TYPE} is not a sequenced event")
        try:
            from_frame(to_frame(msg, 1))  # the codec's checks: ranges, choices, patterns
        except (MessageError, ValueError) as exc:
            raise ValueError(f"{msg.TYPE} cannot be sent: {exc}") from exc
        if self._next_seq > MAX_SEQ:
            log.warning("%s: sequence numbers used up; starting a new epoch", self.serial)
            self.epoch = secrets.token_hex(4).upper()
            self._next_seq = 1
        seq = self._next_seq
        self._next_seq += 1
        self._queue.append(QueuedEvent(seq, encode_frame(to_frame(msg, seq))))
        self._save()
        log.debug("%s: event %d %s queued", self.serial, seq, msg.TYPE)
        self._poke()
        return seq

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _resend_now(self, *, reset: bool = False) -> None:
        """Send the outstanding event at the next chance (reset: back off from 1x again)."""
        self._resend = True
        if reset:
            self._backoff = 0
        self._poke()

    async def _sender(self) -> None:
        assert self._wake is not None and self._loop is not None
        while True:
            self._wake.clear()
            delay = self._sender_step(self._loop.time())
            if delay is None:
                await self._wake.wait()
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), delay)
            except asyncio.TimeoutError:
                pass

    def _sender_step(self, now: float) -> float | None:
        """Send what is due; return how long until the next try (None: nothing to do)."""
        if not self._queue or self._silent or not self.port.plugged or self._pending_unplug is not None:
            return None
        head = self._queue[0]
        first = head.seq != self._outstanding
        if first:
            self._outstanding, self._next_try, self._backoff = head.seq, now, 0
        if self._resend:
            self._resend = False
            self._next_try = now
        if now >= self._next_try:
            if self._send_frame(head.data):
                self.event_sends.append((head.seq, now))
                if not first:
                    self.retransmissions += 1
            self._next_try = now + self.retry_base * min(2 ** self._backoff, BACKOFF_CAP)
            self._backoff = min(self._backoff + 1, 3)
        return max(0.0, self._next_try - now)

    def heartbeat_now(self) -> None:
        """Send a heartbeat at once (a demo's day jumped ahead: the device was there all along)."""
        if self.port.plugged and not self._silent:
            self._send(Heartbeat(bat=self.bat, power=self.power_source))

    async def _heartbeat(self) -> None:
        assert self._loop is not None
        while True:
            now = self._loop.time()
            due = self._last_sent + self.hb
            if now < due:
                await asyncio.sleep(due - now)
                continue
            if self.port.plugged and not self._silent and self._pending_unplug is None:
                self._send(Heartbeat(bat=self.bat, power=self.power_source))
            else:
                await asyncio.sleep(self.hb)

    def _send_hello(self) -> None:
        hello = Hello(proto=PROTOCOL_VERSION, kind=self.kind, model=self.model, serial=self.serial, fw=self.fw,
                      epoch=self.epoch, hb=self.advertised_hb)
        if self._send(hello) and self._loop is not None:
            self._last_hello_sent = self._loop.time()

    def _send(self, msg: Message) -> bool:
        return self._send_frame(encode_frame(to_frame(msg)))

    def _send_frame(self, data: bytes) -> bool:
        """Write one whole frame (corrupted if asked); False if it could not go out."""
        if self._silent or self._pending_unplug is not None:
            return False
        wire = data
        if self._corrupt_next:
            wire = _corrupt(data)
        if not self._write(wire):
            return False
        self._corrupt_next = False
        self.sent_frames += 1
        if self._loop is not None:
            self._last_sent = self._loop.time()
        if log.isEnabledFor(logging.DEBUG):  # frames carry health data: debug only
            log.debug("%s -> %s", self.serial, wire.decode("ascii", "replace").rstrip())
        return True

    def _write(self, data: bytes) -> bool:
        """Bytes onto the line without ever blocking the loop (like a UART without flow
        control, what nobody reads is eventually lost)."""
        fd = self.port.master_fd
        if fd is None:
            return False
        if self._out_fd is not None and self._out_fd != fd:
            self._drop_output()
        if self._out:
            if len(self._out) + len(data) <= MAX_OUTPUT:
                self._out += data
            return True
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            written = 0
        except OSError as exc:
            log.debug("%s: write failed: %s", self.serial, exc)
            return False
        if written < len(data) and self._loop is not None and not self._loop.is_closed():
            self._out = bytearray(data[written:])
            self._out_fd = fd
            self._loop.add_writer(fd, self._flush)
        return True

    def _flush(self) -> None:
        fd = self._out_fd
        if fd is None or fd != self.port.master_fd:
            self._drop_output()
            return
        try:
            written = os.write(fd, self._out)
        except BlockingIOError:
            return
        except OSError:
            self._drop_output()
            return
        del self._out[:written]
        if not self._out:
            self._drop_output()

    def _drop_output(self) -> None:
        if self._out_fd is not None and self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.remove_writer(self._out_fd)
            except (OSError, ValueError):
                pass
        self._out_fd = None
        self._out.clear()

    # -- receiving ---------------------------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        if self._silent:
            return  # a hung device hears nothing
        try:
            frames = self.reader.feed(data)
            errors = self.reader.take_errors()
            for frame in frames:
                self._handle_frame(frame)
            if errors:
                self._answer_bad_frame(errors[-1])
        except Exception:  # nothing the hub sends may stop the device
            log.exception("%s: failed to handle bytes from the hub", self.serial)

    def _answer_bad_frame(self, error: FrameError) -> None:
        log.debug("%s: bad frame from the hub: %s", self.serial, error)
        now = self._loop.time() if self._loop else time.monotonic()
        if now - self._last_err_sent < ERR_MIN_INTERVAL:
            return
        self._last_err_sent = now
        self._send(Err(code="crc" if error.reason == "crc" else "syntax"))

    def _handle_frame(self, frame: Frame) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s <- %d %s %s", self.serial, frame.seq, frame.type, frame.fields)
        if frame.seq and self._last_command is not None and frame.seq == self._last_command[0]:
            # The hub did not get our answer and repeats the command: answer again, do not redo it.
            self.duplicate_commands += 1
            self._send_frame(self._last_command[1])
            return
        try:
            msg = from_frame(frame)
        except MessageError as exc:
            if frame.type == "ERR" and not frame.seq:
                return  # never answer an error with an error
            self._answer(frame.seq, Err(code=exc.code, ref=frame.seq or None, text=_text(str(exc))))
            return
        if isinstance(msg, Hello):
            self._on_hello(msg)
        elif isinstance(msg, Ack):
            self._on_ack(msg.ref)
        elif isinstance(msg, Err):
            self._on_err(msg)
        elif msg.SEQUENCED:
            self._on_command(frame.seq, msg)
        # other unsequenced messages (a HB from the hub, a stray report) need nothing

    def _answer(self, seq: int, msg: Message) -> None:
        data = encode_frame(to_frame(msg))
        if seq:
            self._last_command = (seq, data)
        self._send_frame(data)

    def _on_hello(self, hello: Hello) -> None:
        if hello.role != "hub":
            return  # not from a hub (another device, or our own HELLO coming back)
        self.hub_hellos += 1
        self._last_command = None  # a new connection: the hub numbers from 1 again
        if hello.proto != PROTOCOL_VERSION:
            self._send(Err(code="version", text=f"this device speaks protocol {PROTOCOL_VERSION}"))
        now = self._loop.time() if self._loop else time.monotonic()
        if now - self._last_hello_sent > HELLO_ECHO_WINDOW:
            self._send_hello()
        # The hub is (back) there: what it has not acknowledged goes now, not at the next try.
        self._resend_now(reset=True)

    def _on_ack(self, ref: int) -> None:
        if not self._queue or self._queue[0].seq != ref:
            return  # late or stray: that event is already done
        self._queue.pop(0)
        self.acked.append(ref)
        self._save()
        log.debug("%s: event %d acknowledged", self.serial, ref)
        self._poke()

    def _on_err(self, err: Err) -> None:
        self.errors_received.append(err)
        if err.ref is not None:
            if self._queue and self._queue[0].seq == err.ref:
                # Refused: stop and wait goes on with the next event.
                self._queue.pop(0)
                self.refused.append((err.ref, err.code, err.text or ""))
                self._save()
                log.warning("%s: the hub refused event %d (%s %s)", self.serial, err.ref, err.code, err.text or "")
                self._poke()
        elif err.code in ("crc", "syntax") and self.outstanding is not None:
            self._resend_now()

    def _on_command(self, seq: int, msg: Message) -> None:
        self.commands.append(msg)
        if not isinstance(msg, self.COMMANDS):
            self._answer(seq, Err(code="type", ref=seq, text=f"{msg.TYPE} is not a {self.kind} command"))
            return
        text: str | None = None
        try:
            code = self.handle_command(msg)
        except MessageError as exc:
            code, text = exc.code, str(exc)
        except Exception:
            log.exception("%s: command %s failed", self.serial, msg.TYPE)
            code, text = "busy", "the device failed to carry it out"
        if code is None:
            self._answer(seq, Ack(ref=seq))
        else:
            if code not in ERROR_CODES:
                code = "state"
            self._answer(seq, Err(code=code, ref=seq, text=_text(text) if text else None))

    # -- faults ------------------------------------------------------------------------------

    def send_garbage(self, data: bytes) -> None:
        """Raw bytes onto the line: noise, a broken frame, whatever a bad cable makes."""
        self._write(bytes(data))

    def corrupt_next_frame(self) -> None:
        """Flip one byte of the next frame so that its CRC fails; a repeat goes out intact."""
        self._corrupt_next = True

    def unplug(self) -> None:
        """Pull the cable: the pseudo-terminal (and its stable link) goes away."""
        if self._pending_unplug is not None:
            self._pending_unplug.cancel()
            self._pending_unplug = None
        self._drop_output()
        self.port.unplug()
        self._new_connection()

    def replug(self) -> None:
        """Put the cable back: a new pseudo-terminal behind the same link; HELLO, then the
        outstanding event again."""
        if self._pending_unplug is not None:
            self.unplug()
        if self.port.plugged:
            return
        self.port.plug()
        self._new_connection()
        if self._running:
            self._send_hello()
            self._resend_now(reset=True)

    def unplug_mid_frame(self) -> None:
        """Write the first half of the next frame, then pull the cable (a moment later, so
        that the half frame reaches the hub as it would on a wire). The event stays
        unacknowledged and goes whole after `replug()`."""
        if not self.port.plugged or self._pending_unplug is not None:
            return
        if self._queue:
            data = self._queue[0].data
            self._outstanding = self._queue[0].seq  # it has (half) gone out
        else:
            data = encode_frame(to_frame(Heartbeat(bat=self.bat, power=self.power_source)))
        self._write(data[: len(data) // 2])
        if self._loop is None or self._loop.is_closed():
            self.unplug()
            return

        def pull() -> None:
            self._pending_unplug = None
            self.unplug()

        self._pending_unplug = self._loop.call_later(MID_FRAME_SETTLE, pull)

    def go_silent(self) -> None:
        """Hang: send nothing (not even heartbeats) and hear nothing, cable still in."""
        self._silent = True

    def wake_up(self) -> None:
        """Recover from `go_silent`: answer again and send what is outstanding at once."""
        if not self._silent:
            return
        self._silent = False
        self.reader = FrameReader()  # whatever was half-heard while hung is gone
        self._resend_now(reset=True)

    def _new_connection(self) -> None:
        self.reader = FrameReader()
        self._last_command = None


def _corrupt(data: bytes) -> bytes:
    """Flip the lowest bit of a letter or digit near the middle of the body: the frame
    still looks like one, but its CRC no longer matches."""
    star = data.rfind(b"*")
    body = range(1, star if star > 1 else len(data))
    middle = (body.start + body.stop) // 2
    for index in sorted(body, key=lambda i: abs(i - middle)):
        if chr(data[index]).isalnum():
            out = bytearray(data)
            out[index] ^= 0x01
            return bytes(out)
    return data


def _text(text: str | None) -> str | None:
    """An ERR text: printable, at most 200 characters."""
    if not text:
        return None
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)[:200]


__all__ = ["FramedDeviceSimulator", "QueuedEvent", "HELLO_ECHO_WINDOW", "utc_now"]
