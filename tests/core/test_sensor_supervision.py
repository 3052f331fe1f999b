"""Sensor supervision on the hub's side: check-ins, silent sensors, low batteries and
sensors the hub never enrolled, against a byte-exact receiver on a real pty."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from devices.sensor_receiver import SensorReceiver
from simulators.pty import PtyPort
from drivers.serial.framing import Frame, FrameReader, encode_frame
from vocabulary import EventKind

HELLO = Frame(0, "HELLO", {"kind": "sensor_receiver", "model": "SR-4", "serial": "SR2400042", "fw": "2.1.0",
                           "proto": "1", "epoch": "0BADCAFE", "hb": "30"})
ENROLLED = {"00A1B2C3": "help", "00D4E5F6": "fall"}


class Receiver:
    def __init__(self, port: PtyPort) -> None:
        self.port = port
        self.reader = FrameReader()
        self.supervise = []
        port.attach(asyncio.get_running_loop(), self._data)

    def _data(self, data: bytes) -> None:
        for frame in self.reader.feed(data):
            if frame.type == "HELLO":
                self.send(HELLO)
                continue
            if frame.seq:
                self.send(Frame(0, "ACK", {"ref": str(frame.seq)}))
            if frame.type == "SUPERVISE":
                self.supervise.append(int(frame.fields["interval"]))
            if frame.type == "LIST":
                for sensor, kind in ENROLLED.items():
                    self.send(Frame(0, "SENSOR", {"sensor": sensor, "kind": kind, "bat": "90", "rssi": "-60", "last": ""}))
                self.send(Frame(0, "LIST_END", {"count": str(len(ENROLLED))}))

    def send(self, frame: Frame) -> None:
        self.port.write(encode_frame(frame))

    def checkin(self, sensor: str, bat: int = 90) -> None:
        self.send(Frame(0, "CHECKIN", {"sensor": sensor, "bat": str(bat), "rssi": "-61"}))


def test_a_sensor_that_stops_checking_in_is_reported_once_and_its_return_too(tmp_path):
    async def body():
        port = PtyPort(tmp_path / "receiver")
        receiver = Receiver(port)
        now = [datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)]
        stored = []

        async def on_event(event):
            stored.append(event)

        hub = SensorReceiver(port.path, on_event=on_event, clock=lambda: now[0], supervision_s=600, retry_base=0.05)
        task = asyncio.create_task(hub.run())
        async with asyncio.timeout(10):
            while set(hub.sensors) != set(ENROLLED):
                await asyncio.sleep(0.02)
        assert receiver.supervise == [600]
        # 30 minutes (the limit is 2.5 x 10 = 25): the pendant checks in, the fall sensor is quiet.
        for _ in range(6):
            now[0] += timedelta(minutes=5)
            receiver.checkin("00A1B2C3")
            receiver.checkin("99999999")  # the neighbour's sensor: not enrolled here, ignored
            await asyncio.sleep(2.2)  # past the limit at two looks in a row
        assert hub.sensors["00D4E5F6"].silent and not hub.sensors["00A1B2C3"].silent
        assert "99999999" not in hub.sensors
        receiver.checkin("00D4E5F6", bat=15)  # back, with a low battery
        await asyncio.sleep(0.3)
        assert not hub.sensors["00D4E5F6"].silent
        assert [(e.type, e.source) for e in stored] == [
            ("sensor_silent", "sensor:00D4E5F6"), ("sensor_back", "sensor:00D4E5F6"), ("battery_low", "sensor:00D4E5F6"),
        ]
        assert all(e.kind == EventKind.DEVICE for e in stored)
        receiver.checkin("00D4E5F6", bat=14)  # still low: not reported again
        await asyncio.sleep(0.3)
        assert [e.type for e in stored].count("battery_low") == 1
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        port.close()

    asyncio.run(body())
