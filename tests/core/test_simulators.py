"""The simulated dispenser and sensor receiver, tested at their real boundary: a
pseudo-terminal, with a minimal hub written here from docs/protocols/ (it opens the
port's path as the hub does, flushes what came before, sends HELLO, reads frames with
FrameReader and acknowledges them)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import termios
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from simulators.dispenser_sim import DispenserSimulator
from simulators.framed import HELLO_ECHO_WINDOW
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator
from simulators.script import SCRIPTS, ScriptError, load_script, make_simulator, run_script
from drivers.serial.framing import Frame, FrameReader, crc16, encode_frame
from drivers.serial.messages import (
    Ack,
    Err,
    Fall,
    Hello,
    Learn,
    ListSensors,
    Message,
    Remove,
    ScheduleClear,
    SetTime,
    Signal,
    Slot,
    Supervise,
    format_time,
    from_frame,
    to_frame,
)

T0 = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)


def run(coro, timeout: float = 15.0):
    """Run one test body on a fresh loop, and never hang the test run."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


class MiniHub:
    """Just enough of a hub to talk to a simulator over its pseudo-terminal."""

    def __init__(self, path: str, *, flush: bool = False, auto_ack: bool = False) -> None:
        self.path = path
        self.auto_ack = auto_ack
        self.reader = FrameReader()
        # Every line that looked like a frame: (arrival time, raw bytes, Frame or None if bad)
        self.lines: list[tuple[float, bytes, Frame | None]] = []
        self.pos = 0
        self.partial = bytearray()
        self.eof = False
        self.fd: int | None = None
        self._loop = asyncio.get_running_loop()
        self._news = asyncio.Event()
        self.open(flush=flush)

    def open(self, *, flush: bool = False) -> None:
        """flush: forget what the device said before (pyserial does so on open); without
        it, the hub is one that was listening when the device started."""
        self.fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        if flush:
            termios.tcflush(self.fd, termios.TCIFLUSH)
        self.opened_at = len(self.lines)
        self.eof = False
        self.partial.clear()
        self._loop.add_reader(self.fd, self._readable)

    def close(self) -> None:
        if self.fd is not None:
            self._loop.remove_reader(self.fd)
            os.close(self.fd)
            self.fd = None

    def _readable(self) -> None:
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the device went away (unplugged)
            self.eof = True
            self.close()
            self._news.set()
            return
        self.partial += data
        while b"\n" in self.partial:
            line, _, rest = bytes(self.partial).partition(b"\n")
            self.partial = bytearray(rest)
            start = line.rfind(b"$")
            if start < 0:
                continue  # line noise
            raw = line[start:] + b"\n"
            frames = self.reader.feed(raw)
            frame = frames[0] if frames else None
            self.lines.append((self._loop.time(), raw, frame))
            if frame is not None and frame.seq and self.auto_ack:
                self.send(Ack(ref=frame.seq))
        self._news.set()

    # -- writing ----------------------------------------------------------------------

    def send(self, msg: Message, seq: int = 0) -> None:
        self.send_raw(encode_frame(to_frame(msg, seq)))

    def send_frame(self, seq: int, type_: str, **fields: str) -> None:
        self.send_raw(encode_frame(Frame(seq, type_, fields)))

    def send_raw(self, data: bytes) -> None:
        assert self.fd is not None, "the port is closed"
        os.write(self.fd, data)

    # -- reading ----------------------------------------------------------------------

    async def next(self, type_: str | None = None, timeout: float = 2.0,
                   where: Callable[[Frame], bool] = lambda f: True) -> tuple[float, bytes, Frame]:
        """The next good frame (of `type_`) after the last one taken; skips the rest."""
        deadline = self._loop.time() + timeout
        while True:
            while self.pos < len(self.lines):
                item = self.lines[self.pos]
                self.pos += 1
                frame = item[2]
                if frame is not None and (type_ is None or frame.type == type_) and where(frame):
                    return item  # type: ignore[return-value]
            left = deadline - self._loop.time()
            if left <= 0:
                raise AssertionError(f"no {type_ or 'frame'} within {timeout} s; got {self.types()}")
            self._news.clear()
            try:
                await asyncio.wait_for(self._news.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def answer(self, msg: Message, seq: int, timeout: float = 2.0) -> Frame:
        """Send a command; return the ACK or ERR that refers to it."""
        self.send(msg, seq)
        return await self.reply_to(seq, timeout)

    async def reply_to(self, seq: int, timeout: float = 2.0) -> Frame:
        _, _, frame = await self.next(
            timeout=timeout, where=lambda f: f.type in ("ACK", "ERR") and f.fields.get("ref") == str(seq))
        return frame

    async def handshake(self, timeout: float = 3.0, *, answered: bool = False) -> Frame:
        """HELLO, repeated (as the hub does) until the device's HELLO is there: any since
        the port was opened, or (answered) one that came after ours."""
        self.pos = len(self.lines) if answered else self.opened_at
        deadline = self._loop.time() + timeout
        while self._loop.time() < deadline:
            self.send(Hello(proto=1, role="hub"))
            try:
                _, _, frame = await self.next("HELLO", timeout=0.3)
                return frame
            except AssertionError:
                continue
        raise AssertionError("the device did not answer HELLO")

    async def frames_during(self, seconds: float, type_: str | None = None) -> list[tuple[float, bytes, Frame]]:
        await asyncio.sleep(seconds)
        found = [item for item in self.lines[self.pos:] if item[2] is not None and (type_ is None or item[2].type == type_)]
        self.pos = len(self.lines)
        return found  # type: ignore[return-value]

    async def until_eof(self, timeout: float = 2.0) -> None:
        deadline = self._loop.time() + timeout
        while not self.eof:
            assert self._loop.time() < deadline, "the port did not go away"
            self._news.clear()
            try:
                await asyncio.wait_for(self._news.wait(), 0.05)
            except asyncio.TimeoutError:
                pass

    def types(self) -> list[str]:
        return [item[2].type if item[2] else "<bad>" for item in self.lines]


async def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


@pytest.fixture
def port(tmp_path):
    port = PtyPort(tmp_path / "ttySIM")
    yield port
    port.close()


# -- handshake and heartbeats ----------------------------------------------------------------------


def test_hello_is_sent_at_start_and_answers_the_hubs_hello(port):
    async def body():
        sim = DispenserSimulator(port, serial="OD2400117", fw="1.4.2", hb=0.3, retry_base=0.1)
        await sim.start()
        try:
            hub = MiniHub(port.path)  # keeps what the device said before we opened
            _, raw, first = await hub.next("HELLO")
            assert first.seq == 0 and raw.endswith(b"\r\n")
            hub.close()
            await asyncio.sleep(HELLO_ECHO_WINDOW)  # so our HELLO is not taken as the answer to it
            hub = MiniHub(port.path, flush=True)  # as pyserial opens a port: what came before is gone
            frame = await hub.handshake(answered=True)
            assert [item[2].type for item in hub.lines].count("HELLO") == 1  # the one before was flushed
            hello = from_frame(frame)
            assert frame.seq == 0
            assert isinstance(hello, Hello)
            assert (hello.proto, hello.kind, hello.model, hello.serial, hello.fw) == (1, "dispenser", "OD-28", "OD2400117", "1.4.2")
            assert hello.role is None and hello.missing_for_device() == []
            assert re.fullmatch(r"[0-9A-F]{8}", hello.epoch) and hello.epoch == sim.epoch
            assert hello.hb == 5  # the protocol's least; it beats faster than it says, never slower

            # Nothing else to say: a heartbeat every hb seconds.
            t1, _, _ = await hub.next("HB", timeout=1.0)
            t2, _, beat = await hub.next("HB", timeout=1.0)
            assert 0.25 <= t2 - t1 <= 0.6
            assert beat.fields == {}
            seq = sim.battery(55)
            _, _, event = await hub.next("BATTERY")
            assert event.seq == seq and event.fields == {"level": "55"}
            hub.send(Ack(ref=seq))
            _, _, beat = await hub.next("HB", timeout=1.0)
            assert beat.fields == {"bat": "55"}
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_a_hub_hello_just_after_the_devices_own_is_its_answer_and_not_answered_again(port):
    """Device HELLO -> hub answers HELLO -> the device must not answer that, or the two
    HELLOs would bounce for ever (the hub answers every device HELLO)."""

    async def body():
        sim = SensorReceiverSimulator(port, retry_base=0.2)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            before = sim.hub_hellos
            sim.unplug()
            await hub.until_eof()
            sim.replug()
            hub.open(flush=False)
            await hub.next("HELLO")  # the device's own, after the replug
            hub.send(Hello(proto=1, role="hub"))  # the hub's answer to it
            assert await hub.frames_during(0.3, "HELLO") == []
            await asyncio.sleep(HELLO_ECHO_WINDOW)
            assert (await hub.handshake(answered=True)).type == "HELLO"  # a later HELLO is a new handshake
            assert sim.hub_hellos == before + 2
            hub.close()
        finally:
            await sim.stop()

    run(body())


# -- events: stop and wait, retransmission ------------------------------------------------------------


def test_an_event_is_repeated_with_the_same_bytes_backing_off_until_acknowledged(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=0.1, hb=30)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            seq = sim.low_stock(4)
            copies = [await hub.next("LOW_STOCK", timeout=2.5) for _ in range(6)]
            assert {raw for _, raw, _ in copies} == {encode_frame(Frame(seq, "LOW_STOCK", {"left": "4"}))}
            assert {frame.seq for _, _, frame in copies} == {seq}
            # When the simulator sent each copy (when the hub read it can lag under load).
            sent = [at for number, at in sim.event_sends if number == seq][:6]
            gaps = [b - a for a, b in zip(sent, sent[1:])]
            # 1, 2, 4, 8, then 8 again, times retry_base
            for gap, expected in zip(gaps, (0.1, 0.2, 0.4, 0.8, 0.8)):
                assert expected * 0.8 <= gap <= expected * 1.6 + 0.05, gaps
            assert gaps[1] > gaps[0] * 1.5 and gaps[2] > gaps[1] * 1.5 and gaps[3] > gaps[2] * 1.5
            assert 0.75 <= gaps[4] / gaps[3] <= 1.33, gaps
            hub.send(Ack(ref=seq))
            await sim.wait_until_idle(1.0)
            assert await hub.frames_during(0.5, "LOW_STOCK") == []
            assert sim.acked == [seq] and sim.retransmissions >= 5 and sim.queued == []
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_stop_and_wait_sends_the_next_event_only_after_the_ack(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=0.1)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            seqs = [sim.dose_due(1), sim.dose_taken(1), sim.jam(2)]
            assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]
            received = []
            for seq in seqs:
                _, _, frame = await hub.next(where=lambda f: f.seq != 0)
                assert frame.seq == seq
                later = await hub.frames_during(0.25)
                assert {f.seq for _, _, f in later if f.seq} == {seq}, "only the outstanding event, repeated"
                received.append(frame.type)
                hub.send(Ack(ref=seq))
            await sim.wait_until_idle(1.0)
            assert received == ["DOSE_DUE", "DOSE_TAKEN", "JAM"]
            assert sim.acked == seqs
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_err_crc_from_the_hub_makes_the_device_repeat_at_once_and_a_refusal_moves_on(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=3.0)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            seq = sim.jam(3)
            t1, raw1, _ = await hub.next("JAM")
            hub.send(Err(code="crc"))
            t2, raw2, _ = await hub.next("JAM", timeout=1.0)
            assert raw2 == raw1 and t2 - t1 < 1.0  # long before the 3 s retry
            second = sim.lid_open()
            hub.send(Err(code="field", ref=seq, text="no"))  # the hub refuses event seq
            _, _, frame = await hub.next("LID_OPEN", timeout=1.0)
            assert frame.seq == second
            assert sim.refused == [(seq, "field", "no")]
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_a_corrupted_frame_from_the_device_fails_its_crc_and_the_repeat_is_intact(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=3.0)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            sim.corrupt_next_frame()
            seq = sim.empty()
            await wait_until(lambda: any(frame is None for _, _, frame in hub.lines))
            assert hub.reader.counters.bad_frames == 1
            assert hub.reader.errors[-1].reason == "crc"
            hub.send(Err(code="crc"))
            _, raw, frame = await hub.next("EMPTY", timeout=1.0)
            assert frame.seq == seq and raw == encode_frame(Frame(seq, "EMPTY", {}))
            hub.send(Ack(ref=seq))
            await sim.wait_until_idle(1.0)
            hub.close()
        finally:
            await sim.stop()

    run(body())


# -- what the device makes of the hub's frames -----------------------------------------------------


def with_crc(body: bytes) -> bytes:
    return b"$" + body + b"*" + f"{crc16(body):04X}".encode() + b"\r\n"


def test_bad_frames_from_the_hub_are_answered_with_err_and_change_nothing(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=1.0)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            good = encode_frame(to_frame(Slot(comp=3, due=T0, window=60), 1))
            bad_crc = good[:-6] + (b"0000" if not good.endswith(b"*0000\r\n") else b"1111") + b"\r\n"
            for data, code in (
                (bad_crc, "crc"),
                (with_crc(b"2 slot comp=3"), "syntax"),  # lower-case type
                (with_crc(b"3 SLOT comp=3 comp=4"), "syntax"),  # a key twice
                (b"$4 TIME now=2026" + encode_frame(Frame(0, "HB")), "syntax"),  # cut short by a new $
            ):
                await asyncio.sleep(0.25)  # the device answers bad frames at most every 0.2 s
                hub.send_raw(data)
                _, _, err = await hub.next("ERR")
                assert err.fields == {"code": code}, (data, err)  # no ref: the seq cannot be trusted
            hub.send_raw(b"\x00\xff line noise \r\n")  # not a frame at all: skipped quietly
            assert await hub.frames_during(0.3, "ERR") == []
            assert sim.commands == [] and sim.slots == {}
            assert (await hub.answer(SetTime(now=T0), 5)).type == "ACK"  # and it still works
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_dispenser_commands_are_acknowledged_or_refused_with_the_right_code(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=0.5, compartments=28)
        await sim.start()
        try:
            hub = MiniHub(port.path, auto_ack=True)
            await hub.handshake()
            now = datetime.now(timezone.utc).replace(microsecond=0)
            assert (await hub.answer(SetTime(now=now + timedelta(hours=2)), 1)).type == "ACK"
            assert abs((sim.now() - now - timedelta(hours=2)).total_seconds()) < 5

            later = sim.now().replace(microsecond=0) + timedelta(hours=1)
            assert (await hub.answer(Slot(comp=3, due=later, window=60), 2)).type == "ACK"
            assert sim.slots[3].due == later and sim.slots[3].state == "pending"

            err = await hub.answer(Slot(comp=29, due=later, window=60), 3)
            assert (err.type, err.fields["code"], err.fields["text"]) == ("ERR", "field", "comp must be 1..28")
            hub.send_frame(4, "SLOT", comp="65", due=format_time(later), window="60")
            assert (await hub.reply_to(4)).fields["code"] == "field"
            hub.send_frame(5, "SLOT", comp="4", due=format_time(later))  # no window
            assert (await hub.reply_to(5)).fields["code"] == "field"
            hub.send_frame(6, "FROBNICATE", x="1")
            err = await hub.reply_to(6)
            assert err.fields["code"] == "type" and err.fields["ref"] == "6"
            err = await hub.answer(Fall(sensor="00A1B2C3", at=now, bat=90, rssi=-50), 7)  # not a dispenser command
            assert err.fields["code"] == "type"

            assert (await hub.answer(Signal(reason="test"), 8)).type == "ACK"
            assert (await hub.answer(Signal(reason="test"), 8)).type == "ACK"  # the ACK was lost: repeated
            assert sim.signals == 1 and sim.duplicate_commands == 1

            # A compartment that is open, or whose dose was taken, cannot be reloaded otherwise.
            due = sim.now().replace(microsecond=0) - timedelta(minutes=1)
            assert (await hub.answer(Slot(comp=1, due=due, window=30), 9)).type == "ACK"
            _, _, opened = await hub.next("DOSE_DUE")
            assert opened.fields == {"comp": "1", "due": format_time(due)}
            err = await hub.answer(Slot(comp=1, due=due + timedelta(days=1), window=30), 10)
            assert (err.type, err.fields["code"]) == ("ERR", "state")
            assert (await hub.answer(Slot(comp=1, due=due, window=30), 11)).type == "ACK"  # the same slot again
            taken = sim.take_dose()
            _, _, frame = await hub.next("DOSE_TAKEN")
            assert frame.fields["comp"] == "1" and frame.fields["due"] == format_time(due)
            assert frame.fields["at"] == format_time(taken.at)
            assert (await hub.answer(ScheduleClear(), 12)).type == "ACK"
            assert set(sim.slots) == {1}  # the taken dose stays taken; the rest is forgotten
            err = await hub.answer(Slot(comp=1, due=due + timedelta(days=1), window=30), 13)
            assert err.fields["code"] == "state"
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_the_dispenser_runs_its_schedule_on_its_own_clock(port):
    async def body():
        now = [T0]
        sim = DispenserSimulator(port, retry_base=0.2, clock=lambda: now[0], tick=0.02)
        await sim.start()
        try:
            hub = MiniHub(port.path, auto_ack=True)
            await hub.handshake()
            assert (await hub.answer(SetTime(now=T0), 1)).type == "ACK"
            morning, evening = T0 + timedelta(minutes=10), T0 + timedelta(hours=10)
            assert (await hub.answer(Slot(comp=1, due=morning, window=60), 2)).type == "ACK"
            assert (await hub.answer(Slot(comp=2, due=evening, window=60), 3)).type == "ACK"

            sim.take_dose()  # too early
            _, _, frame = await hub.next("EARLY_ATTEMPT")
            assert frame.fields == {"comp": "1", "at": format_time(T0)}

            now[0] = morning + timedelta(seconds=5)
            _, _, frame = await hub.next("DOSE_DUE")
            assert frame.fields == {"comp": "1", "due": format_time(morning)}
            now[0] = morning + timedelta(minutes=2)
            sim.take_dose()
            _, _, frame = await hub.next("DOSE_TAKEN")
            assert frame.fields == {"comp": "1", "at": format_time(now[0]), "due": format_time(morning)}

            now[0] = evening
            _, _, frame = await hub.next("DOSE_DUE")
            assert frame.fields["comp"] == "2"
            now[0] = evening + timedelta(minutes=60)
            _, _, frame = await hub.next("DOSE_MISSED")
            assert frame.fields == {"comp": "2", "due": format_time(evening)}
            await sim.wait_until_idle(1.0)
            assert [s.state for s in (sim.slots[1], sim.slots[2])] == ["taken", "missed"]
            assert await hub.frames_during(0.2, "DOSE_MISSED") == []  # once only
            hub.close()
        finally:
            await sim.stop()

    run(body())


# -- unplugging, hanging, restarting -----------------------------------------------------------------


def test_unplugged_mid_frame_the_event_comes_whole_after_the_replug(port):
    async def body():
        sim = DispenserSimulator(port, retry_base=0.5)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            hello = await hub.handshake()
            seq = sim.dose_taken(2)
            _, raw, _ = await hub.next("DOSE_TAKEN")
            sim.unplug_mid_frame()
            await hub.until_eof()
            # The hub saw half a frame (no end), or just the port going away.
            if hub.partial:
                assert raw.startswith(bytes(hub.partial)) and b"\n" not in hub.partial
            assert not Path(port.path).exists()
            assert sim.queued == [seq]

            await asyncio.sleep(0.2)
            sim.replug()
            hub = MiniHub(port.path)  # the same path, a new pseudo-terminal behind it
            again = await hub.handshake()
            assert again.fields["epoch"] == hello.fields["epoch"]
            _, raw2, frame = await hub.next("DOSE_TAKEN")
            assert frame.seq == seq and raw2 == raw
            hub.send(Ack(ref=seq))
            await sim.wait_until_idle(1.0)
            assert sim.acked == [seq]
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_a_silent_device_sends_and_hears_nothing_until_it_wakes(port):
    async def body():
        sim = DispenserSimulator(port, hb=0.1, retry_base=0.1)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            await hub.handshake()
            await hub.next("HB", timeout=1.0)
            sim.go_silent()
            await asyncio.sleep(0.05)
            hub.pos = len(hub.lines)
            seq = sim.refilled(28)
            hub.send(Hello(proto=1, role="hub"))
            assert await hub.frames_during(0.5) == []
            sim.wake_up()
            _, _, frame = await hub.next("REFILLED", timeout=0.5)
            assert frame.seq == seq
            hub.send(Ack(ref=seq))
            await sim.wait_until_idle(1.0)
            await hub.next("HB", timeout=1.0)
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_a_restart_with_the_same_state_file_keeps_the_numbering_and_resends_the_unacknowledged(port, tmp_path):
    state = tmp_path / "dispenser-state.json"

    async def first_life():
        sim = DispenserSimulator(port, state_file=state, retry_base=0.2)
        await sim.start()
        hub = MiniHub(port.path)
        await hub.handshake()
        acked = sim.low_stock(3)
        await hub.next("LOW_STOCK")
        hub.send(Ack(ref=acked))
        await sim.wait_until_idle(1.0)
        lost = sim.empty()
        _, raw, _ = await hub.next("EMPTY")  # seen, never acknowledged: then the power goes
        await sim.stop()
        sim.unplug()
        hub.close()
        return sim.epoch, acked, lost, raw

    epoch, acked, lost, raw = run(first_life())
    saved = json.loads(state.read_text())
    assert saved["epoch"] == epoch and saved["next_seq"] == lost + 1
    assert [item["seq"] for item in saved["queue"]] == [lost]

    async def second_life():
        port.plug()
        sim = DispenserSimulator(port, state_file=state, retry_base=0.2)
        await sim.start()
        try:
            hub = MiniHub(port.path)
            hello = await hub.handshake()
            assert hello.fields["epoch"] == epoch
            _, raw2, frame = await hub.next("EMPTY")
            assert frame.seq == lost and raw2 == raw
            hub.send(Ack(ref=lost))
            new = sim.refilled(28)
            assert new == lost + 1
            _, _, frame = await hub.next("REFILLED")
            assert frame.seq == new
            hub.send(Ack(ref=new))
            await sim.wait_until_idle(1.0)
            hub.close()
        finally:
            await sim.stop()

    run(second_life())
    assert json.loads(state.read_text())["queue"] == []
    assert acked < lost

    # Without the state (or with a broken one) it is a new device life: a new epoch, from 1.
    state.write_text("{ not json")
    fresh = DispenserSimulator(port, state_file=state)
    assert fresh.epoch != epoch and fresh.next_seq == 1
    assert json.loads(state.read_text())["epoch"] == fresh.epoch


# -- the sensor receiver --------------------------------------------------------------------------


def test_learn_mode_enrols_a_sensor_and_list_reports_it(port):
    async def body():
        sim = SensorReceiverSimulator(port, retry_base=0.3)
        await sim.start()
        try:
            hub = MiniHub(port.path, auto_ack=True)
            await hub.handshake()
            assert sim.press_to_enrol("00A1B2C3", "help") is False  # not listening
            assert await hub.frames_during(0.2, "ENROLLED") == []

            assert (await hub.answer(Learn(on=True, seconds=120), 1)).type == "ACK"
            assert sim.learning
            assert sim.press_to_enrol("00A1B2C3", "help") is True
            _, _, frame = await hub.next("ENROLLED")
            assert frame.fields == {"sensor": "00A1B2C3", "kind": "help"}
            err = await hub.answer(Learn(on=True), 2)  # no seconds
            assert err.fields["code"] == "field"
            assert (await hub.answer(Learn(on=False), 3)).type == "ACK"
            await hub.next("LEARN_END")
            assert not sim.learning

            hub.pos = len(hub.lines)
            hub.send(ListSensors(), 4)
            replies = [(await hub.next(where=lambda f: f.type in ("ACK", "SENSOR", "LIST_END")))[2] for _ in range(3)]
            assert [f.type for f in replies] == ["ACK", "SENSOR", "LIST_END"]
            assert replies[1].seq == 0 and replies[1].fields == {
                "sensor": "00A1B2C3", "kind": "help", "bat": "100", "rssi": "-60", "last": ""}
            assert from_frame(replies[1]).last is None
            assert replies[2].fields == {"count": "1"}

            assert (await hub.answer(Remove(sensor="00A1B2C3"), 5)).type == "ACK"
            hub.send(ListSensors(), 6)
            _, _, end = await hub.next("LIST_END")
            assert end.fields == {"count": "0"}
            with pytest.raises(ValueError):
                sim.fall("00A1B2C3")

            sim.start_learning(0.2)  # the receiver's own learn button; it times out
            _, _, frame = await hub.next("LEARN_END", timeout=1.0)
            assert frame.seq > 0 and not sim.learning
            await sim.wait_until_idle(1.0)
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_sensors_check_in_at_the_interval_until_silenced(port):
    async def body():
        pendant, detector = "00A1B2C3", "00B2C3D4"
        sim = SensorReceiverSimulator(port, sensors={pendant: "help", detector: "fall"}, checkin_interval=0.1,
                                      retry_base=0.3)
        await sim.start()
        try:
            hub = MiniHub(port.path, auto_ack=True)
            await hub.handshake()
            checkins = await hub.frames_during(0.55, "CHECKIN")
            by_sensor = {sensor: [t for t, _, f in checkins if f.fields["sensor"] == sensor] for sensor in (pendant, detector)}
            for times in by_sensor.values():
                assert 3 <= len(times) <= 7, checkins
                assert all(0.06 <= b - a <= 0.2 for a, b in zip(times, times[1:])), times
            assert checkins[0][2].fields == {"sensor": pendant, "bat": "100", "rssi": "-60"}

            sim.silence_sensor(detector)
            sim.set_sensor_battery(pendant, 15)
            await asyncio.sleep(0.05)
            hub.pos = len(hub.lines)
            checkins = await hub.frames_during(0.4, "CHECKIN")
            assert len(checkins) >= 2
            assert {f.fields["sensor"] for _, _, f in checkins} == {pendant}
            assert all(f.fields["bat"] == "15" for _, _, f in checkins)

            seq = sim.help_button(pendant)
            _, _, frame = await hub.next("HELP_BUTTON")
            assert frame.seq == seq and (frame.fields["bat"], frame.fields["rssi"]) == ("15", "-60")
            assert sim.sensors[pendant].last is not None and sim.sensors[detector].last is not None

            assert (await hub.answer(Supervise(interval=60), 1)).type == "ACK"
            assert sim.checkin_interval == 60
            assert await hub.frames_during(0.3, "CHECKIN") == []
            with pytest.raises(ValueError):
                sim.door_open("0000FFFF")
            await sim.wait_until_idle(1.0)
            hub.close()
        finally:
            await sim.stop()

    run(body())


def test_random_bytes_from_the_hub_never_stop_the_device(port):
    async def body():
        sim = SensorReceiverSimulator(port, retry_base=0.3, sensors={"00A1B2C3": "door"})
        await sim.start()
        try:
            hub = MiniHub(port.path)
            rng = random.Random(20261123)
            pieces = [b"$", b"*", b"\r\n", b"\n", b" ", b"=", b"%", b"0 ACK ref=", b"1 LEARN on=1", b"\xff", b"\x00"]
            for _ in range(300):
                chunk = b"".join(rng.choice(pieces) if rng.random() < 0.5 else bytes([rng.randrange(256)])
                                 for _ in range(rng.randrange(1, 40)))
                hub.send_raw(chunk)
            for body_ in (b"7 LEARN on=2 seconds=5", b"0 ACK", b"0 ERR code=nonsense", b"8 LIST extra=%ZZ", b"9 REMOVE sensor=xyz"):
                hub.send_raw(with_crc(body_))
            await asyncio.sleep(0.2)
            assert sim.bad_frames > 0
            assert all(not task.done() for task in sim._tasks)
            await hub.handshake()
            assert (await hub.answer(SetTime(now=T0), 1)).type == "ACK"
            seq = sim.door_open("00A1B2C3")
            _, _, frame = await hub.next("DOOR_OPEN")
            assert frame.seq == seq
            hub.close()
        finally:
            await sim.stop()

    run(body())


# -- scripts -------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, expected",
    [
        ('start = "08:00"\n[[step]]\ndo = "empty"\n', "key 'device' is missing"),
        ('device = "toaster"\n[[step]]\ndo = "empty"\n', "key 'device'"),
        ('device = "dispenser"\nsped = 60\n[[step]]\ndo = "empty"\n', "unknown key 'sped'"),
        ('device = "dispenser"\n', "no steps"),
        ('device = "dispenser"\n[[step]]\ndo = "empty"\n[[step]]\ndo = "fall"\n', "step 2: key 'do'"),
        ('device = "dispenser"\n[[step]]\ndo = "dose_taken"\n', "step 1: key 'comp' is missing"),
        ('device = "dispenser"\n[[step]]\ndo = "dose_taken"\ncomp = "one"\n', "step 1: key 'comp': 'one' must be a whole number"),
        ('device = "dispenser"\n[[step]]\ndo = "dose_taken"\ncomp = 99\n', "step 1: key 'comp': 99 is outside 1..64"),
        ('device = "dispenser"\n[[step]]\ndo = "jam"\ncomp = 1\nspeed = 2\n', "step 1: key 'speed' is not an argument of jam"),
        ('device = "dispenser"\n[[step]]\nat = "08:00"\ndo = "empty"\n', "step 1: key 'at' needs 'start'"),
        ('device = "dispenser"\nstart = "07:00"\n[[step]]\nat = "09:00"\ndo = "empty"\n[[step]]\nat = "08:00"\ndo = "empty"\n',
         "step 2: key 'at': 08:00:00 is earlier"),
        ('device = "dispenser"\nstart = "07:00"\n[[step]]\nat = "25:00"\ndo = "empty"\n', "step 1: key 'at'"),
        ('device = "dispenser"\n[[step]]\nafter = "5 parsecs"\ndo = "empty"\n', "step 1: key 'after'"),
        ('device = "dispenser"\n[[step]]\nafter = "5s"\nat = "08:00"\ndo = "empty"\n', "step 1: keys 'at' and 'after'"),
        ('device = "dispenser"\n[[step]]\ndo = "power"\nsource = "solar"\n', "step 1: key 'source'"),
        ('device = "dispenser"\n[[step]]\ndo = "garbage"\nbytes = "Bjørn ☃"\n', "step 1: key 'bytes'"),
        ('device = "sensors"\n[[step]]\ndo = "fall"\nsensor = "00a1b2c3"\n', "step 1: key 'sensor'"),
        ('device = "sensors"\n[sensors]\n"00A1B2C3" = "toaster"\n[[step]]\ndo = "checkin"\n', "key 'sensors.00A1B2C3'"),
        ('device = "dispenser"\ntime_zone = "Mars/Olympus"\n[[step]]\ndo = "empty"\n', "key 'time_zone'"),
        ('device = "dispenser"\nspeed = 0\n[[step]]\ndo = "empty"\n', "key 'speed'"),
        ('device = "dispenser"\n[[step]\ndo = "empty"\n', "not valid TOML"),
    ],
)
def test_a_bad_script_is_refused_with_the_step_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ScriptError) as caught:
        load_script(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_the_example_scripts_load():
    morning = load_script(SCRIPTS / "dispenser-morning.toml")
    assert morning.device == "dispenser" and morning.speed == 600
    assert [s.do for s in morning.steps][:2] == ["dose_due", "dose_taken"]
    assert {"dose_missed", "low_stock"} <= {s.do for s in morning.steps}
    day = load_script(SCRIPTS / "sensors-day.toml")
    assert day.device == "sensor_receiver" and day.sensors["00A1B2C3"] == "help"
    assert {"help_button", "fall", "unplug", "replug", "garbage"} <= {s.do for s in day.steps}


def test_a_script_naming_a_sensor_never_enrolled_runs_nothing(port, tmp_path):
    script = load_script(write(tmp_path, 'device = "sensors"\n[[step]]\ndo = "go_silent"\n'
                                         '[[step]]\ndo = "fall"\nsensor = "00A1B2C3"\n'))

    async def body():
        sim = SensorReceiverSimulator(port)
        with pytest.raises(ScriptError, match="step 2: key 'sensor': 00A1B2C3 is not enrolled"):
            await run_script(script, sim)
        assert not sim.running and not sim.silent
        with pytest.raises(ScriptError, match="for a sensor_receiver"):
            await run_script(script, DispenserSimulator(port))

    run(body())


def test_a_script_run_sends_the_expected_frames_on_the_simulated_clock(port, tmp_path):
    script = load_script(write(tmp_path, """
device = "dispenser"
start = "07:59:58"
date = "2026-11-23"
time_zone = "Europe/Oslo"
speed = 120

[[step]]
at = "08:00"
do = "dose_due"
comp = 1

[[step]]
at = "08:02"
do = "dose_taken"
comp = 1

[[step]]
do = "wait_idle"
timeout = 5

[[step]]
do = "unplug"

[[step]]
after = "30s"
do = "replug"

[[step]]
do = "garbage"
hex = "00ff2431"

[[step]]
after = "1m"
do = "low_stock"
left = 2

[[step]]
do = "wait_idle"
timeout = 5
"""))

    async def body():
        sim = make_simulator(script, port, retry_base=0.2)
        timeline = []
        await sim.start()
        hub = MiniHub(port.path, auto_ack=True)
        await hub.handshake()
        assert (await hub.answer(SetTime(now=datetime.now(timezone.utc)), 1)).type == "ACK"
        runner = asyncio.create_task(run_script(script, sim, on_step=lambda step, when: timeline.append((step.do, when))))
        try:
            _, _, due = await hub.next("DOSE_DUE", timeout=3)
            _, _, taken = await hub.next("DOSE_TAKEN", timeout=3)
            # 08:00 and 08:02 in Oslo in November are 07:00 and 07:02 UTC: the script's clock,
            # not the hub's TIME.
            assert due.fields == {"comp": "1", "due": "20261123T070000Z"}
            assert taken.fields == {"comp": "1", "at": "20261123T070200Z", "due": "20261123T070000Z"}
            await hub.until_eof(timeout=3)
            await wait_until(lambda: port.plugged)
            hub = MiniHub(port.path, auto_ack=True)
            await hub.handshake()
            hub.pos = 0  # it may have come (and been acknowledged) before the device's HELLO
            _, _, low = await hub.next("LOW_STOCK", timeout=3)
            assert low.fields == {"left": "2"}
            await asyncio.wait_for(runner, 5)
        finally:
            runner.cancel()
            await sim.stop()
            hub.close()
        assert [do for do, _ in timeline] == [
            "dose_due", "dose_taken", "wait_idle", "unplug", "replug", "garbage", "low_stock", "wait_idle"]
        assert timeline[0][1] == datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)
        assert sim.acked == [1, 2, 3]

    run(body())


def test_a_script_can_enrol_a_sensor_in_learn_mode(port, tmp_path):
    script = load_script(write(tmp_path, 'device = "sensors"\n[[step]]\ndo = "learn"\nseconds = 30\n'
                                         '[[step]]\ndo = "enrol"\nsensor = "00C0FFEE"\nkind = "door"\n'
                                         '[[step]]\ndo = "door_open"\nsensor = "00C0FFEE"\n'))

    async def body():
        sim = SensorReceiverSimulator(port)
        await run_script(script, sim)
        assert sim.sensors["00C0FFEE"].kind == "door"
        assert len(sim.queued) == 2  # ENROLLED and DOOR_OPEN, waiting for a hub to acknowledge them
        await sim.stop()

    run(body())
