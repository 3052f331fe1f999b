"""A simulated sensor receiver (docs/protocols/sensor-receiver.md) on a pseudo-terminal.

It hears the home's radio sensors: a sensor is enrolled by pressing its button while
the receiver is in learn mode (`press_to_enrol`, heard only then, as on a real radio),
each enrolled sensor checks in every supervision interval (`CHECKIN`, unless
`silence_sensor` took it away), and the sensors report falls, help presses, bed and
door changes (`fall("00A1B2C3")`, ...), each with the sensor's battery and signal.

Enrolled sensors are kept with the rest of the device's state (`state_file`), as a
real receiver keeps them through a power cut.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from simulators.framed import FramedDeviceSimulator
from simulators.pty import PtyPort
from drivers.serial.framing import encode_frame
from drivers.serial.messages import (
    SENSOR_KINDS,
    BedExit,
    BedReturn,
    Checkin,
    DoorClose,
    DoorOpen,
    Enrolled,
    Fall,
    HelpButton,
    Learn,
    LearnEnd,
    ListEnd,
    ListSensors,
    Message,
    MessageError,
    Remove,
    SensorInfo,
    SensorReport,
    SetTime,
    Supervise,
    format_time,
    parse_time,
    to_frame,
)

DEFAULT_CHECKIN_S = 3600.0  # until the hub says otherwise with SUPERVISE
_SENSOR_ID = re.compile(r"[0-9A-F]{8}\Z")


@dataclass
class SimSensor:
    sensor: str
    kind: str  # fall, help, bed, door
    bat: int = 100
    rssi: int = -60
    last: datetime | None = None  # the last check-in, on the receiver's clock
    silenced: bool = False  # gone quiet: flat battery, out of range


class SensorReceiverSimulator(FramedDeviceSimulator):
    COMMANDS = (SetTime, Learn, Remove, Supervise, ListSensors)

    def __init__(
        self,
        port: PtyPort,
        *,
        model: str = "SR-4",
        serial: str = "SR2400042",
        fw: str = "2.1.0",
        hb: float = 30,
        sensors: dict[str, str] | None = None,
        checkin_interval: float | None = None,
        state_file: Path | None = None,
        retry_base: float = 1.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.sensors: dict[str, SimSensor] = {}
        self.learning = False
        # How often each sensor checks in: `checkin_interval` (fast, for tests) until a
        # SUPERVISE from the hub sets it.
        self.checkin_interval = float(checkin_interval) if checkin_interval is not None else DEFAULT_CHECKIN_S
        if self.checkin_interval <= 0:
            raise ValueError("checkin_interval must be more than 0 seconds")
        self._learn_timer: asyncio.TimerHandle | None = None
        self._interval_changed: asyncio.Event | None = None
        super().__init__(port, kind="sensor_receiver", model=model, serial=serial, fw=fw, hb=hb,
                         state_file=state_file, retry_base=retry_base, clock=clock)
        for sensor_id, kind in (sensors or {}).items():
            if sensor_id not in self.sensors:
                self.add_sensor(sensor_id, kind)

    # -- commands ---------------------------------------------------------------------------

    def handle_command(self, msg: Message) -> str | None:
        if isinstance(msg, Learn):
            if msg.on:
                if msg.seconds is None:
                    raise MessageError("field", "LEARN on=1 needs seconds (10-600)")
                self.start_learning(msg.seconds)
            else:
                self.stop_learning()
            return None
        if isinstance(msg, Remove):
            if self.sensors.pop(msg.sensor, None) is not None:
                self._save()
            return None  # forgetting a sensor that is not there leaves what was asked for
        if isinstance(msg, Supervise):
            self.checkin_interval = float(msg.interval)
            if self._interval_changed is not None:
                self._interval_changed.set()
            return None
        if isinstance(msg, ListSensors):
            # After the ACK, which is written as soon as this returns.
            asyncio.get_running_loop().call_soon(self._send_list)
            return None
        return super().handle_command(msg)

    def _send_list(self) -> None:
        for sensor in self.sensors.values():
            frame = to_frame(SensorInfo(sensor=sensor.sensor, kind=sensor.kind, bat=sensor.bat, rssi=sensor.rssi,
                                        last=sensor.last))
            if sensor.last is None:
                frame.fields["last"] = ""  # "may be empty": said so, rather than left out
            self._send_frame(encode_frame(frame))
        self._send(ListEnd(count=len(self.sensors)))

    # -- learn mode and enrolment --------------------------------------------------------------

    def start_learning(self, seconds: float) -> None:
        """Learn mode for `seconds` (LEARN on=1, or the receiver's own learn button);
        ends with LEARN_END."""
        loop = self._loop or asyncio.get_running_loop()
        if self._learn_timer is not None:
            self._learn_timer.cancel()
        self.learning = True
        self._learn_timer = loop.call_later(seconds, self._learn_timed_out)

    def stop_learning(self) -> None:
        """End learn mode now (LEARN on=0); LEARN_END if it was on."""
        if self._learn_timer is not None:
            self._learn_timer.cancel()
            self._learn_timer = None
        if self.learning:
            self.learning = False
            self.queue_event(LearnEnd())

    def _learn_timed_out(self) -> None:
        self._learn_timer = None
        if self.learning:
            self.learning = False
            self.queue_event(LearnEnd())

    def press_to_enrol(self, sensor_id: str, kind: str, *, bat: int = 100, rssi: int = -60) -> bool:
        """The technician presses a sensor's button. Enrolled (ENROLLED sent) only in learn
        mode; otherwise the receiver does not listen and nothing happens (False)."""
        self._check_new(sensor_id, kind, bat, rssi)
        if not self.learning:
            return False
        previous = self.sensors.get(sensor_id)
        self.sensors[sensor_id] = SimSensor(sensor_id, kind, bat, rssi, previous.last if previous else None)
        self._save()
        self.queue_event(Enrolled(sensor=sensor_id, kind=kind))
        return True

    def add_sensor(self, sensor_id: str, kind: str, *, bat: int = 100, rssi: int = -60) -> None:
        """A sensor enrolled before (as if from an earlier visit): no ENROLLED is sent."""
        self._check_new(sensor_id, kind, bat, rssi)
        self.sensors[sensor_id] = SimSensor(sensor_id, kind, bat, rssi)
        self._save()

    @staticmethod
    def _check_new(sensor_id: str, kind: str, bat: int, rssi: int) -> None:
        if not isinstance(sensor_id, str) or not _SENSOR_ID.match(sensor_id):
            raise ValueError(f"a sensor id is 8 hex digits (0-9, A-F), not {sensor_id!r}")
        if kind not in SENSOR_KINDS:
            raise ValueError(f"a sensor kind is one of {', '.join(SENSOR_KINDS)}, not {kind!r}")
        _check_level(bat)
        _check_rssi(rssi)

    # -- what the sensors say -------------------------------------------------------------------

    def fall(self, sensor: str) -> int:
        return self._report(Fall, sensor)

    def help_button(self, sensor: str) -> int:
        return self._report(HelpButton, sensor)

    def bed_exit(self, sensor: str) -> int:
        return self._report(BedExit, sensor)

    def bed_return(self, sensor: str) -> int:
        return self._report(BedReturn, sensor)

    def door_open(self, sensor: str) -> int:
        return self._report(DoorOpen, sensor)

    def door_close(self, sensor: str) -> int:
        return self._report(DoorClose, sensor)

    def silence_sensor(self, sensor: str) -> None:
        """The sensor stops checking in (flat battery, out of range)."""
        self._enrolled(sensor).silenced = True

    def resume_sensor(self, sensor: str) -> None:
        """The sensor checks in again."""
        self._enrolled(sensor).silenced = False

    def set_sensor_battery(self, sensor: str, level: int) -> None:
        _check_level(level)
        self._enrolled(sensor).bat = level
        self._save()

    def set_sensor_rssi(self, sensor: str, rssi: int) -> None:
        _check_rssi(rssi)
        self._enrolled(sensor).rssi = rssi

    def send_checkins(self) -> None:
        """Every enrolled, not silenced sensor checks in now (CHECKIN, not acknowledged)."""
        now = self.now().replace(microsecond=0)
        for sensor in list(self.sensors.values()):
            if sensor.silenced or self.silent:
                continue
            sensor.last = now
            self._send(Checkin(sensor=sensor.sensor, bat=sensor.bat, rssi=sensor.rssi))

    def _report(self, cls: type[SensorReport], sensor: str) -> int:
        state = self._enrolled(sensor)
        return self.queue_event(cls(sensor=sensor, at=self.now().replace(microsecond=0), bat=state.bat, rssi=state.rssi))

    def _enrolled(self, sensor: str) -> SimSensor:
        state = self.sensors.get(sensor)
        if state is None:
            raise ValueError(f"sensor {sensor!r} is not enrolled in this receiver")
        return state

    # -- tasks and state --------------------------------------------------------------------------

    def _extra_tasks(self) -> list[Coroutine[Any, Any, None]]:
        self._interval_changed = asyncio.Event()
        return [self._checkins()]

    async def _checkins(self) -> None:
        assert self._interval_changed is not None
        while True:
            self._interval_changed.clear()
            try:
                await asyncio.wait_for(self._interval_changed.wait(), self.checkin_interval)
                continue  # a new interval: count it from now
            except asyncio.TimeoutError:
                pass
            self.send_checkins()

    def _on_stop(self) -> None:
        if self._learn_timer is not None:
            self._learn_timer.cancel()
            self._learn_timer = None
        self.learning = False  # learn mode does not survive a restart
        self._interval_changed = None

    def _state_extra(self) -> dict[str, Any]:
        return {
            "sensors": [
                {"sensor": s.sensor, "kind": s.kind, "bat": s.bat, "rssi": s.rssi,
                 "last": format_time(s.last) if s.last else None}
                for s in self.sensors.values()
            ]
        }

    def _restore_extra(self, data: dict[str, Any]) -> None:
        sensors = {}
        for item in data.get("sensors", []):
            self._check_new(item["sensor"], item["kind"], item["bat"], item["rssi"])
            last = parse_time(item["last"]) if item.get("last") else None
            sensors[item["sensor"]] = SimSensor(item["sensor"], item["kind"], item["bat"], item["rssi"], last)
        self.sensors = sensors


def _check_level(level: int) -> None:
    if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 100:
        raise ValueError(f"a battery level is 0 to 100, not {level!r}")


def _check_rssi(rssi: int) -> None:
    if not isinstance(rssi, int) or isinstance(rssi, bool) or not -120 <= rssi <= 0:
        raise ValueError(f"a signal strength is -120 to 0 dBm, not {rssi!r}")
