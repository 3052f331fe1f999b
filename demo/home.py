"""The demo's simulated home: its day's clock, its care plan and its devices.

The day runs on a `DemoClock`: it starts at 07:58 on today's date in the home's time
zone, moves with real time, and the scripted scenario jumps it ahead ("it is now
20:00"). The hub core and every simulated device run on it, so the medicine reminders,
the dispenser's windows and the devices' own clocks all agree.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ON_CALL = "+4740000113"
DEMO_PLAN = """\
# The demo home's care plan, as a file; the demo's care service can send newer ones.
version = 1

[[medication]]
id = "morning"
name = "Morgenmedisin"
dose = "1 pose"
times = ["08:00"]
window_minutes = 60
compartment = 1

[[medication]]
id = "evening"
name = "Kveldsmedisin"
dose = "1 pose"
times = ["20:00"]
window_minutes = 60
compartment = 2

[[measurement]]
kind = "blood_pressure"
times = ["08:30"]

[[contact]]
name = "Ola Nordmann"
relation = "sønn"
phone = "+4791234567"
consent = true

[consent.vital_sign_sharing]
given = true
recorded_by = "Sykepleier Nina"
recorded_at = 2026-11-01

[consent.relatives_told]
given = true
recorded_by = "Sykepleier Nina"
recorded_at = 2026-11-01
"""


class DemoClock:
    """Today's date at 07:58 local time, running with real time, jumped by the scenario."""

    def __init__(self, zone: str, start_hour: int = 7, start_minute: int = 58) -> None:
        self.zone = ZoneInfo(zone)
        today = datetime.now(self.zone).date()
        self._origin = datetime.combine(today, datetime.min.time(), tzinfo=self.zone).replace(
            hour=start_hour, minute=start_minute).astimezone(timezone.utc)
        self._started = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._origin + timedelta(seconds=time.monotonic() - self._started)

    def jump_to(self, hour: int, minute: int = 0) -> datetime:
        """Move on to today's `hour:minute` (never backwards)."""
        with self._lock:
            now = self._origin + timedelta(seconds=time.monotonic() - self._started)
            local = now.astimezone(self.zone)
            target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if target > local:
                self._origin += target - local
        return self()

    def advance(self, **delta) -> datetime:
        with self._lock:
            self._origin += timedelta(**delta)
        return self()

    def local(self) -> str:
        return f"{self().astimezone(self.zone):%H:%M:%S}"

    @property
    def today(self) -> date:
        return self().astimezone(self.zone).date()


class SimulatedHome:
    """The demo's devices: a dispenser, a sensor receiver and a mobile modem on
    pseudo-terminals, a blood-pressure cuff and a pulse oximeter on the BlueZ stand-in;
    all on their own loop like real devices, on the demo's clock."""

    PENDANT, FALL_SENSOR = "00A1B2C3", "00D4E5F6"
    LAST_WEEK = ((134, 84, 70), (129, 81, 66), (142, 90, 72), (131, 83, 69), (127, 80, 65), (138, 86, 71), (133, 85, 68))

    def __init__(self, folder: Path, clock: DemoClock) -> None:
        from simulators.bluez import BluezStandin
        from simulators.dispenser_sim import DispenserSimulator
        from simulators.health_peripherals import BloodPressureCuff, Oximeter
        from simulators.host import SimulatorHost
        from simulators.modem_sim import ModemSimulator
        from simulators.pty import PtyPort
        from simulators.receiver_sim import SensorReceiverSimulator

        folder.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self.host = SimulatorHost()
        # Bluetooth: the BlueZ stand-in on a private D-Bus, given to bleak as the system
        # bus before the hub first uses Bluetooth.
        self.air = BluezStandin(host=self.host)
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = self.air.start()
        self.cuff = self.air.add(BloodPressureCuff(clock=clock))
        self.oximeter = self.air.add(Oximeter(clock=clock))
        # Last week's mornings, kept in the cuff: handed to the hub when it first listens.
        today = self.cuff.device_now().replace(hour=8, minute=5, second=0)
        for days_ago, (systolic, diastolic, pulse) in enumerate(self.LAST_WEEK, start=1):
            self.cuff.remember(systolic, diastolic, pulse, today - timedelta(days=days_ago))
        self.dispenser = DispenserSimulator(PtyPort(folder / "dispenser"), auto=False, clock=clock)
        self.receiver = SensorReceiverSimulator(PtyPort(folder / "sensor-receiver"), clock=clock,
                                                sensors={self.PENDANT: "help", self.FALL_SENSOR: "fall"})
        self.modem = ModemSimulator(PtyPort(folder / "modem"))
        for simulator in (self.dispenser, self.receiver):
            self.host.run(simulator.start())
        self.host.call(self.modem.start)

    def connect(self, core, timeline: Callable[[str], None]) -> None:
        for port, kind in ((self.dispenser.port, "dispenser"), (self.receiver.port, "sensor_receiver"),
                           (self.modem.port, "gsm_modem")):
            identity = core.call(core.serial.assign, port.path, kind)
            timeline(f"technician assigned {port.path} as {kind}: {identity.model} {identity.serial}")
        wait(lambda: all(s.connected for s in core.call(core.serial.statuses)), "the devices to connect")
        for device, profile in ((self.cuff, "blood_pressure"), (self.oximeter, "oximeter")):
            name = core.call(core.ble.pair, device.address, profile, timeout=60)
            timeline(f"technician paired the {profile.replace('_', '-')} device {name} ({device.address})")
        wait(lambda: self.cuff.subscribed("2A35") and self.oximeter.subscribed("2A5E"), "the Bluetooth devices")

    def heard_from_all(self) -> None:
        """After a jump of the demo's day: the devices were there all along (heartbeats,
        sensor check-ins), so the hub does not take the jump for silence."""
        for simulator in (self.dispenser, self.receiver):
            self.host.call(simulator.heartbeat_now)
        self.host.call(self.receiver.send_checkins)

    def sms(self) -> list:
        return self.host.call(lambda: list(self.modem.sent))

    def play(self, timeline: Callable[[str], None], pause: float = 5.0) -> None:
        """For the windowed demo: the devices' morning, in the background."""
        def after_eight() -> None:  # the dispenser opens compartment 1 at 08:00 of the demo's day
            while self.clock().astimezone(self.clock.zone).hour < 8:
                time.sleep(1)

        steps = [
            ("blood-pressure cuff: the resident measures", lambda: self.cuff.measure(128, 82, 68,
                                                                                    cuff_pressures=(60, 120, 160, 110))),
            ("oximeter: a spot check", lambda: self.oximeter.spot_check(96, 70)),
            ("(waiting for 08:00 on the demo's clock)", after_eight),
            ("dispenser: compartment 1 is due", lambda: self.host.call(self.dispenser.dose_due, 1)),
            ("dispenser: the resident takes the dose", lambda: self.host.call(self.dispenser.dose_taken, 1)),
            ("receiver: the fall detector detects a fall (answer \"I'm OK\" on the screen within 30 s)",
             lambda: self.host.call(self.receiver.fall, self.FALL_SENSOR)),
        ]
        for text, action in steps:
            time.sleep(pause)
            timeline(text)
            action()

    def play_in_background(self, timeline: Callable[[str], None]) -> None:
        threading.Thread(target=self.play, args=(timeline,), daemon=True, name="demo-devices").start()

    def close(self) -> None:
        self.air.stop()
        self.host.stop(self.dispenser, self.receiver)
        for port in (self.dispenser.port, self.receiver.port, self.modem.port):
            port.close()


def wait(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo waited {timeout:.0f} s for {what}")
        time.sleep(0.02)
