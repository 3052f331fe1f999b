"""The receiver for fall detectors, help buttons, bed and door sensors
(docs/protocols/sensor-receiver.md), as the hub sees it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from devices.framed_device import DeviceError, FramedDevice, Identity, battery_watch
from drivers.serial import messages as m
from vocabulary import Event, EventKind

SILENT_AFTER_INTERVALS = 2.5
DEFAULT_SUPERVISION_S = 3600

_ALARMS = {m.Fall: "fall", m.HelpButton: "help_button"}
_ACTIVITY = {m.BedExit: "bed_exit", m.BedReturn: "bed_return", m.DoorOpen: "door_open", m.DoorClose: "door_close"}


@dataclass(frozen=True)
class SensorState:
    sensor_id: str
    kind: str  # fall, help, bed, door
    battery: int | None = None
    rssi: int | None = None
    last_seen: datetime | None = None
    silent: bool = False
    battery_low: bool = False


class SensorReceiver(FramedDevice):
    KIND = "sensor_receiver"

    def __init__(self, port: str, *, supervision_s: int = DEFAULT_SUPERVISION_S, on_sensors=lambda sensors: None, **kwargs) -> None:
        super().__init__(port, **kwargs)
        self.supervision_s = supervision_s
        self.sensors: dict[str, SensorState] = {}
        self.learning = False
        self._on_sensors = on_sensors
        self._listing: tuple[list[SensorState], asyncio.Future[list[SensorState]]] | None = None
        self._supervisor: asyncio.Task[None] | None = None

    # -- events -------------------------------------------------------------------------

    def translate(self, msg: m.Message, identity: Identity) -> list[Event]:
        receiver = identity.serial
        if isinstance(msg, m.SensorReport):
            kind = EventKind.ALARM if type(msg) in _ALARMS else EventKind.ACTIVITY
            type_ = _ALARMS.get(type(msg)) or _ACTIVITY[type(msg)]
            return [Event(kind=kind, type=type_, source=f"sensor:{msg.sensor}", occurred_at=msg.at,
                          data={"receiver": receiver, "battery": msg.bat, "rssi": msg.rssi})]
        if isinstance(msg, m.Enrolled):
            self.sensors[msg.sensor] = SensorState(msg.sensor, msg.kind, last_seen=self._clock())
            self._publish()
            return [self._event(EventKind.DEVICE, "sensor_enrolled", identity, None, sensor=msg.sensor,
                                sensor_kind=msg.kind)]
        if isinstance(msg, m.LearnEnd):
            self.learning = False
            self._publish()
        return []

    async def observe(self, msg: m.Message) -> None:
        if isinstance(msg, m.SensorReport):
            await self._seen(msg.sensor, msg.bat, msg.rssi)

    async def on_report(self, msg: m.Message) -> None:
        if isinstance(msg, m.Checkin):
            await self._seen(msg.sensor, msg.bat, msg.rssi)
        elif isinstance(msg, m.SensorInfo) and self._listing:
            self._listing[0].append(SensorState(msg.sensor, msg.kind, msg.bat, msg.rssi, msg.last))
        elif isinstance(msg, m.ListEnd) and self._listing and not self._listing[1].done():
            self._listing[1].set_result(self._listing[0])

    async def _seen(self, sensor_id: str, battery: int, rssi: int) -> None:
        """A sign of life from a sensor: note it, and record a return or a low battery."""
        state = self.sensors.get(sensor_id)
        if state is None:
            return  # not enrolled here (or removed; or the neighbour's): nothing the hub believes
        low, became_low = battery_watch(battery, state.battery_low)
        self.sensors[sensor_id] = replace(state, battery=battery, rssi=rssi, last_seen=self._clock(), silent=False,
                                          battery_low=low)
        self._publish()
        if state.silent:
            await self._sensor_event("sensor_back", sensor_id)
        if became_low:
            await self._sensor_event("battery_low", sensor_id, battery=battery)

    async def _sensor_event(self, type_: str, sensor_id: str, **data: Any) -> None:
        state = self.sensors[sensor_id]
        await self._on_event(Event(kind=EventKind.DEVICE, type=type_, source=f"sensor:{sensor_id}",
                                   occurred_at=self._clock(), data={"sensor_kind": state.kind, **data}))

    def _publish(self) -> None:
        self._on_sensors(dict(self.sensors))

    # -- supervision ------------------------------------------------------------------------

    async def after_handshake(self) -> None:
        await self.command(m.Supervise(interval=self.supervision_s))
        listed = await self.list_sensors()
        now = self._clock()
        known = {}
        for entry in listed:
            previous = self.sensors.get(entry.sensor_id)
            # The newest sign of life we know of; a sensor never heard of gets a full
            # interval of grace from now, not an alarm for the time before we knew it.
            known_times = [t for t in (entry.last_seen, previous.last_seen if previous else None) if t]
            last = max(known_times) if known_times else now
            known[entry.sensor_id] = replace(entry, last_seen=last, silent=previous.silent if previous else False,
                                             battery_low=previous.battery_low if previous else False)
        self.sensors = known
        self._publish()
        if self._supervisor is None or self._supervisor.done():
            self._supervisor = self._spawn(self._supervise())

    async def _supervise(self) -> None:
        past_limit: set[str] = set()  # sensors past the limit at the last look
        while True:
            await asyncio.sleep(1.0)
            limit = SILENT_AFTER_INTERVALS * self.supervision_s
            now = self._clock()
            was_past, past_limit = past_limit, {
                sensor_id for sensor_id, state in self.sensors.items()
                if not state.silent and state.last_seen and (now - state.last_seen).total_seconds() > limit}
            for sensor_id, state in list(self.sensors.items()):
                # Two looks in a row, as for the receiver itself: a jump of the wall clock is no silence.
                if sensor_id in past_limit and sensor_id in was_past:
                    self.sensors[sensor_id] = replace(state, silent=True)
                    self._publish()
                    await self._sensor_event("sensor_silent", sensor_id, after_s=int(limit))

    # -- commands for the technician ---------------------------------------------------------

    async def learn(self, on: bool, seconds: int = 120) -> None:
        await self.command(m.Learn(on=on, seconds=seconds if on else None))
        self.learning = on
        self._publish()

    async def remove(self, sensor_id: str) -> None:
        await self.command(m.Remove(sensor=sensor_id))
        self.sensors.pop(sensor_id, None)
        self._publish()

    async def list_sensors(self, timeout: float = 5.0) -> list[SensorState]:
        done: asyncio.Future[list[SensorState]] = asyncio.get_running_loop().create_future()
        self._listing = ([], done)
        try:
            await self.command(m.ListSensors())
            return await asyncio.wait_for(done, timeout)
        except asyncio.TimeoutError as exc:
            raise DeviceError(f"the receiver on {self.port} did not finish its sensor list") from exc
        finally:
            self._listing = None
