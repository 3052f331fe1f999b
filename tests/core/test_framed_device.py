"""The hub's side of the line framing against a byte-exact peer on a real pty.

The peer here is written frame by frame in the test, so each rule of
docs/protocols/framing.md is checked on its own (the full simulators are tested
with the hub in tests/test_serial_end_to_end.py).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from devices.dispenser import Dispenser, DoseSlot
from devices.framed_device import CommandRefused, DeviceError
from simulators.pty import PtyPort
from drivers.serial.framing import Frame, FrameReader, encode_frame
from vocabulary import EventKind

DEVICE_HELLO = Frame(0, "HELLO", {"kind": "dispenser", "model": "OD-28", "serial": "OD2400117", "fw": "1.4.2",
                                  "proto": "1", "epoch": "5F3A9C01", "hb": "30"})


class Peer:
    """The device end, driven by the test."""

    def __init__(self, port: PtyPort) -> None:
        self.port = port
        self.reader = FrameReader()
        self.inbox: asyncio.Queue[Frame] = asyncio.Queue()
        self.unclaimed: list[Frame] = []
        self.answer_hello = True
        self.auto_ack = True  # acknowledge the hub's commands

    def start(self) -> None:
        self.port.attach(asyncio.get_running_loop(), self._data)

    def _data(self, data: bytes) -> None:
        for frame in self.reader.feed(data):
            if frame.type == "HELLO" and self.answer_hello:
                self.send(DEVICE_HELLO)
            elif frame.seq and self.auto_ack:
                self.send(Frame(0, "ACK", {"ref": str(frame.seq)}))
            self.inbox.put_nowait(frame)

    def send(self, frame: Frame) -> None:
        self.port.write(encode_frame(frame))

    async def expect(self, type_: str, timeout: float = 5.0, **fields: str) -> Frame:
        """The first frame of that type and fields not yet expected, whenever it came."""
        async with asyncio.timeout(timeout):
            while True:
                for frame in self.unclaimed:
                    if frame.type == type_ and all(frame.fields.get(k) == v for k, v in fields.items()):
                        self.unclaimed.remove(frame)
                        return frame
                self.unclaimed.append(await self.inbox.get())


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def run(body):
    asyncio.run(asyncio.wait_for(body(), 30))


@pytest.fixture
def port(tmp_path):
    port = PtyPort(tmp_path / "dispenser")
    yield port
    port.close()


def start_hub(port, stored, clock=None, fail_store=None, **options):
    async def on_event(event):
        if fail_store and fail_store():
            raise OSError("disk full")
        if event.uid not in {e.uid for e in stored}:
            stored.append(event)

    device = Dispenser(port.path, on_event=on_event, retry_base=0.05, clock=clock or Clock(), **options)
    task = asyncio.create_task(device.run())
    return device, task


def test_handshake_sets_the_clock_and_events_are_stored_then_acknowledged_once(port):
    async def body():
        peer = Peer(port)
        peer.start()
        stored = []
        device, task = start_hub(port, stored)
        await peer.expect("HELLO", role="hub")
        await peer.expect("TIME")
        await device.wait_connected(5)
        assert device.status.identity.serial == "OD2400117"
        taken = Frame(17, "DOSE_TAKEN", {"comp": "3", "at": "20261123T070200Z", "due": "20261123T070000Z"})
        peer.send(taken)
        await peer.expect("ACK", ref="17")
        peer.send(taken)  # the device did not get our ACK and repeats
        await peer.expect("ACK", ref="17")
        assert [(e.kind, e.type, e.data["compartment"]) for e in stored] == [(EventKind.DOSE, "dose_taken", 3)]
        assert stored[0].occurred_at == datetime(2026, 11, 23, 7, 2, tzinfo=timezone.utc)
        assert stored[0].source == "dispenser:OD2400117"
        task.cancel()

    run(body)


def test_an_event_that_cannot_be_stored_is_not_acknowledged(port):
    async def body():
        peer = Peer(port)
        peer.start()
        stored, failing = [], [True]
        device, task = start_hub(port, stored, fail_store=lambda: failing[0])
        await device.wait_connected(5)
        peer.send(Frame(5, "JAM", {"comp": "2"}))
        with pytest.raises(TimeoutError):
            await peer.expect("ACK", ref="5", timeout=0.5)
        failing[0] = False
        peer.send(Frame(5, "JAM", {"comp": "2"}))  # the device repeats it
        await peer.expect("ACK", ref="5")
        assert [e.type for e in stored] == ["jam"]
        task.cancel()

    run(body)


def test_commands_wait_for_their_ack_and_report_refusals_and_silence(port):
    async def body():
        peer = Peer(port)
        peer.start()
        device, task = start_hub(port, [])
        await device.wait_connected(5)
        await peer.expect("TIME")
        await device.signal_resident()
        assert (await peer.expect("SIGNAL")).fields == {"reason": "test"}

        peer.auto_ack = False
        command = asyncio.create_task(device.signal_resident())
        signal = await peer.expect("SIGNAL")
        peer.send(Frame(0, "ERR", {"code": "state", "ref": str(signal.seq), "text": "lid open"}))
        with pytest.raises(CommandRefused, match="state: lid open"):
            await command
        with pytest.raises(DeviceError, match="did not acknowledge SIGNAL after 5 tries"):
            await device.signal_resident()
        task.cancel()

    run(body)


def test_the_schedule_is_loaded_after_every_handshake(port):
    async def body():
        peer = Peer(port)
        peer.start()
        device, task = start_hub(port, [])
        due = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)
        await device.set_schedule([DoseSlot(1, due, 60), DoseSlot(2, due + timedelta(hours=10), 90)])
        await peer.expect("SCHED_CLEAR")
        assert (await peer.expect("SLOT", comp="1")).fields["due"] == "20261124T070000Z"
        assert (await peer.expect("SLOT", comp="2")).fields["window"] == "90"
        peer.send(DEVICE_HELLO)  # the dispenser restarted: everything again
        await peer.expect("HELLO", role="hub")
        await peer.expect("TIME")
        await peer.expect("SCHED_CLEAR")
        await peer.expect("SLOT", comp="2")
        task.cancel()

    run(body)


def test_bad_frames_are_counted_answered_and_skipped(port):
    async def body():
        peer = Peer(port)
        peer.start()
        stored = []
        device, task = start_hub(port, stored)
        await device.wait_connected(5)
        good = encode_frame(Frame(9, "EMPTY", {}))
        broken = bytearray(good)
        broken[4] ^= 0x01
        port.write(b"\x00\xffnoise" + bytes(broken) + b"$3 HALF" + good)
        await peer.expect("ERR", code="crc")
        await peer.expect("ACK", ref="9")
        assert [e.type for e in stored] == ["empty"]
        assert device.status.bad_frames == 2  # the flipped one and the cut-short one
        task.cancel()

    run(body)


def test_wrong_kind_or_protocol_is_refused_with_a_reason(port):
    async def body():
        peer = Peer(port)
        peer.answer_hello = False
        peer.start()
        device = Dispenser(port.path, on_event=lambda e: asyncio.sleep(0))
        probe = asyncio.create_task(device.probe())
        await peer.expect("HELLO", role="hub")
        peer.send(Frame(0, "HELLO", {**DEVICE_HELLO.fields, "kind": "sensor_receiver"}))
        with pytest.raises(DeviceError, match="is a sensor_receiver, not a dispenser"):
            await probe
        probe = asyncio.create_task(device.probe())
        await peer.expect("HELLO", role="hub")
        peer.send(Frame(0, "HELLO", {**DEVICE_HELLO.fields, "proto": "2"}))
        with pytest.raises(DeviceError, match="speaks protocol 2; this hub speaks 1"):
            await probe
        await peer.expect("ERR", code="version")
        with pytest.raises(DeviceError, match="no answer to HELLO"):
            await device.probe(timeout=0.5)

    run(body)


def test_silence_and_low_battery_are_recorded_once(port):
    async def body():
        peer = Peer(port)
        peer.start()
        stored, clock = [], Clock()
        device, task = start_hub(port, stored, clock=clock)
        await device.wait_connected(5)
        for level in ("25", "15", "12"):
            peer.send(Frame(0, "HB", {"bat": level, "power": "battery"}))
        await asyncio.sleep(0.3)
        clock.now += timedelta(seconds=91)  # three heartbeats of 30 s, and a second
        await asyncio.sleep(2.5)  # past the limit at two looks in a row
        assert device.status.silent
        peer.send(Frame(0, "HB", {"bat": "12"}))
        await asyncio.sleep(0.3)
        assert not device.status.silent
        assert [e.type for e in stored] == ["battery_low", "device_silent", "device_back"]
        assert device.status.battery == 12 and device.status.power == "battery"
        task.cancel()

    run(body)


def test_unplug_and_replug_reconnects_on_the_same_path(port):
    async def body():
        peer = Peer(port)
        peer.start()
        stored = []
        device, task = start_hub(port, stored, backoff_max=0.5)
        await device.wait_connected(5)
        port.write(encode_frame(Frame(21, "LID_OPEN", {"at": "20261123T080000Z"}))[:12])  # half a frame...
        port.unplug()  # ...and the cable is pulled
        await asyncio.sleep(0.3)
        assert not device.status.connected and "disconnected" in device.status.problem
        port.plug()
        await device.wait_connected(10)
        peer.send(Frame(21, "LID_OPEN", {"at": "20261123T080000Z"}))
        await peer.expect("ACK", ref="21")
        assert [e.type for e in stored] == ["lid_open"]
        task.cancel()

    run(body)


def test_a_refused_slot_does_not_stop_the_rest_of_the_schedule(port):
    async def body():
        peer = Peer(port)
        peer.start()
        device, task = start_hub(port, [])
        await device.wait_connected(5)
        await peer.expect("TIME")
        await asyncio.sleep(0.3)  # the set-up after the handshake is over
        peer.auto_ack = False

        async def answer():
            while True:
                frame = await peer.inbox.get()
                if frame.type == "SLOT" and frame.fields["comp"] == "1":
                    peer.send(Frame(0, "ERR", {"code": "state", "ref": str(frame.seq), "text": "taken"}))
                elif frame.seq:
                    peer.send(Frame(0, "ACK", {"ref": str(frame.seq)}))
                peer.unclaimed.append(frame)

        answering = asyncio.create_task(answer())
        due = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)
        with pytest.raises(DeviceError, match="compartment 1: the device refused the command \\(state: taken\\)"):
            await device.set_schedule([DoseSlot(1, due, 60), DoseSlot(2, due, 60)])
        # (a slot may be repeated, with its own sequence number, if the answer was slow)
        slots = sorted({(f.seq, f.fields["comp"]) for f in peer.unclaimed if f.type == "SLOT"})
        assert [comp for _, comp in slots] == ["1", "2"]
        answering.cancel()
        task.cancel()

    run(body)


def test_a_device_that_never_answers_after_a_restart_is_silent_too(port):
    async def body():
        peer = Peer(port)
        peer.answer_hello = False  # unplugged before the power cut, say: nothing answers
        peer.start()
        stored, clock = [], Clock()
        device, task = start_hub(port, stored, clock=clock)
        await asyncio.sleep(1.2)
        assert not device.status.silent
        clock.now += timedelta(seconds=91)
        await asyncio.sleep(2.2)  # past the limit at two looks in a row
        assert device.status.silent
        assert [(e.type, e.source) for e in stored] == [("device_silent", f"dispenser:{port.path}")]
        task.cancel()

    run(body)
