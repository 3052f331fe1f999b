"""`welfare-hub demo`: a simulated home with its own temporary data folder.

With a display, the hub opens its window and a person can try it. Without one (or
with --offscreen) the same home runs offscreen through a scripted scenario, prints a
timeline of what happened, saves a screenshot of each screen and exits 0. Later
issues add their devices and flows to `SCENARIO`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

DEMO_PIN = "2468"
DEMO_CONFIG = """\
# The demo home. Every setting: welfare-hub settings
[resident]
name = "Kari"
language = "nb"
time_zone = "Europe/Oslo"

[hub]
fullscreen = false

[technician]
pin_file = "technician-pin"
"""


class Timeline:
    def __init__(self, out=sys.stdout) -> None:
        self._start = time.monotonic()
        self._out = out

    def __call__(self, what: str) -> None:
        print(f"[{time.monotonic() - self._start:7.2f} s] {what}", file=self._out, flush=True)


def make_home(root: Path) -> Path:
    """Write the demo configuration and technician PIN; return the config path."""
    from hub_app.technician import set_pin

    config_path = root / "hub.toml"
    config_path.write_text(DEMO_CONFIG, encoding="utf-8")
    set_pin(root / "technician-pin", DEMO_PIN)
    return config_path


def run_demo(offscreen: bool, screenshots: Path | None = None) -> int:
    if offscreen:
        # Must be decided before Qt is imported and the platform plugin is chosen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from hub_app import startup

    root = Path(tempfile.mkdtemp(prefix="welfare-hub-demo-"))
    config_path = make_home(root)
    config, recent = startup.prepare(config_path, root / "data")
    core = startup.build_core(config, recent)
    print(f"Demo home in {root} (technician PIN {DEMO_PIN})", flush=True)
    timeline = Timeline()
    core.subscribe(_print_events(timeline, config.resident.time_zone))
    home = SimulatedHome(root / "dev")
    try:
        core.start()
        timeline(f"hub started: store {core.data_dir / 'hub.db'}")
        home.connect(core, timeline)
        if not offscreen:
            from hub_app.ui.app import run_window

            home.play_in_background(timeline)
            return run_window(core)
        return run_scenario(core, home, screenshots or root / "screenshots", timeline)
    finally:
        core.stop()
        home.close()


def _print_events(timeline: Callable[[str], None], zone: str):
    from zoneinfo import ZoneInfo

    from hub_app.core import EventRecorded

    def show(message) -> None:
        if isinstance(message, EventRecorded):
            event = message.event
            local = event.occurred_at.astimezone(ZoneInfo(zone))
            timeline(f"stored: {event.kind.value} {event.type} from {event.source} (happened {local:%H:%M:%S})")

    return show


class SimulatedHome:
    """The demo's devices: a dispenser and a sensor receiver on pseudo-terminals,
    running on their own loop like real devices, assigned to the hub as a technician
    would assign them (each must pass the handshake)."""

    PENDANT, FALL_SENSOR = "00A1B2C3", "00D4E5F6"
    LAST_WEEK = ((134, 84, 70), (129, 81, 66), (142, 90, 72), (131, 83, 69), (127, 80, 65), (138, 86, 71), (133, 85, 68))

    def __init__(self, folder: Path) -> None:
        from devices.simulators.dispenser_sim import DispenserSimulator
        from devices.simulators.host import SimulatorHost
        from devices.simulators.pty import PtyPort
        from devices.simulators.receiver_sim import SensorReceiverSimulator

        from devices.simulators.bluez import BluezStandin
        from devices.simulators.health_peripherals import BloodPressureCuff, Oximeter

        folder.mkdir(parents=True, exist_ok=True)
        self.host = SimulatorHost()
        # Bluetooth: the BlueZ stand-in on a private D-Bus, given to bleak as the system
        # bus before the hub first uses Bluetooth.
        self.air = BluezStandin(host=self.host)
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = self.air.start()
        self.cuff = self.air.add(BloodPressureCuff())
        self.oximeter = self.air.add(Oximeter())
        # Last week's mornings, kept in the cuff: handed to the hub when it first listens.
        today = self.cuff.device_now().replace(hour=8, minute=5, second=0)
        for days_ago, (systolic, diastolic, pulse) in enumerate(self.LAST_WEEK, start=1):
            self.cuff.remember(systolic, diastolic, pulse, today - timedelta(days=days_ago))
        self.dispenser = DispenserSimulator(PtyPort(folder / "dispenser"), auto=False)
        self.receiver = SensorReceiverSimulator(PtyPort(folder / "sensor-receiver"),
                                                sensors={self.PENDANT: "help", self.FALL_SENSOR: "fall"})
        for simulator in (self.dispenser, self.receiver):
            self.host.run(simulator.start())

    def connect(self, core, timeline: Callable[[str], None]) -> None:
        for simulator, kind in ((self.dispenser, "dispenser"), (self.receiver, "sensor_receiver")):
            identity = core.call(core.assign_serial, simulator.port.path, kind)
            timeline(f"technician assigned {simulator.port.path} as {kind}: {identity.model} {identity.serial}")
        _wait(lambda: all(s.connected for s in core.call(core.serial_statuses)), "the devices to connect")
        for device, profile in ((self.cuff, "blood_pressure"), (self.oximeter, "oximeter")):
            name = core.call(core.ble_pair, device.address, profile, timeout=60)
            timeline(f"technician paired the {profile.replace('_', '-')} device {name} ({device.address})")
        _wait(lambda: self.cuff.subscribed("2A35") and self.oximeter.subscribed("2A5E"), "the Bluetooth devices")

    def play(self, timeline: Callable[[str], None], pause: float = 0.0) -> None:
        """The whole morning, for the windowed demo: the wired devices, then a blood
        pressure and an oxygen reading."""
        self.play_wired(timeline, pause)
        timeline("blood-pressure cuff: the resident measures (cuff pressure rises, then the result)")
        self.cuff.measure(128, 82, 68, cuff_pressures=(60, 120, 160, 110))
        timeline("oximeter: a spot check")
        self.oximeter.spot_check(96, 70)
        time.sleep(pause or 1.0)

    def play_wired(self, timeline: Callable[[str], None], pause: float = 0.0) -> None:
        """A dose on time, the resident's pendant, a fall, a missed dose."""
        steps = [
            ("dispenser: compartment 1 is due; the resident is signalled", self.dispenser.dose_due, 1),
            ("dispenser: the resident takes the dose from compartment 1 on time", self.dispenser.dose_taken, 1),
            ("receiver: the resident presses the help button on the pendant", self.receiver.help_button, self.PENDANT),
            ("receiver: the fall detector detects a fall", self.receiver.fall, self.FALL_SENSOR),
            ("dispenser: compartment 2 is due", self.dispenser.dose_due, 2),
            ("dispenser: the window for compartment 2 closes; the dose was not taken", self.dispenser.dose_missed, 2),
        ]
        for text, action, argument in steps:
            timeline(text)
            self.host.call(action, argument)
            self.host.run(self.dispenser.wait_until_idle(10))
            self.host.run(self.receiver.wait_until_idle(10))
            time.sleep(pause)

    def play_in_background(self, timeline: Callable[[str], None]) -> None:
        import threading

        threading.Thread(target=self.play, args=(timeline, 5.0), daemon=True, name="demo-devices").start()

    def close(self) -> None:
        self.air.stop()
        self.host.stop(self.dispenser, self.receiver)
        for simulator in (self.dispenser, self.receiver):
            simulator.port.close()


def run_scenario(core, home: SimulatedHome, shots: Path, timeline: Callable[[str], None]) -> int:
    from hub_app.speech import Speaker
    from hub_app.ui.app import application, build_window

    shots.mkdir(parents=True, exist_ok=True)
    app = application()
    # What the hub says aloud is kept as WAV files beside the screenshots.
    window = build_window(core, app, Speaker(core.config.resident.language, wave_dir=shots))
    try:
        window.resize(1280, 800)
        window.show()
        painted: list[float] = []
        window.home.first_painted.connect(painted.append)
        _wait_until(app, lambda: bool(painted) or window.home._painted, "the home screen to paint")
        step = 0

        def shot(name: str, what: str) -> None:
            nonlocal step
            step += 1
            _settle(app)
            path = shots / f"{step:02d}-{name}.png"
            if not window.grab().save(str(path)):
                raise RuntimeError(f"could not save the screenshot {path}")
            timeline(f"{what} -> {path.name}")

        shot("home", f"home screen: status \"{window.home.status.text().lstrip('●▲ ')}\"")

        window.home.help_button.click()
        timeline("resident pressed Help on the screen")
        _wait_until(app, lambda: window.currentWidget() is window.help, "the help confirmation")
        shot("help-registered", f"resident told: \"{window.help.title.text()}\"")
        window.help.ok_button.click()
        _wait_until(app, lambda: window.currentWidget() is window.home, "the home screen")
        timeline("resident pressed OK; back on the home screen")

        home.play_wired(timeline)
        _wait(lambda: _readings(core) == len(home.LAST_WEEK), "last week's readings from the cuff")
        timeline(f"the cuff handed over the {len(home.LAST_WEEK)} readings it kept from last week")
        _measure(app, window, home, shot, timeline)

        window.home.technician_button.pressed.emit()
        _wait_until(app, lambda: window.currentWidget() is window.pin, "the technician door")
        window.home.technician_button.released.emit()
        shot("technician-pin", "technician held the corner button; PIN prompt shown")
        for digit in DEMO_PIN:
            window.pin.keys[digit].click()
        window.pin.open_key.click()
        _wait_until(app, lambda: window.currentWidget() is window.technician and window.system.values["database"].text(),
                    "the system page")
        shot("technician-system", "technician PIN accepted; system page shown")
        window.technician.tabs.setCurrentWidget(window.serial)
        _wait_until(app, lambda: window.serial.devices.rowCount() == 2, "the wired devices")
        window.serial.devices.selectRow(1)
        _wait_until(app, lambda: window.serial.sensors.rowCount() == 2, "the sensor list")
        shot("technician-wired-devices", "wired devices page: dispenser and receiver with its sensors")
        window.technician.close_button.click()
        _settle(app)
    finally:
        window.close()
        core.stop()
    events = len(_read_store(core.data_dir / "hub.db", "events"))
    audits = _read_store(core.data_dir / "hub.db", "audit_log")
    timeline(f"hub stopped cleanly: {events} event(s), {len(audits)} audit row(s) in the store")
    print(f"Screenshots: {shots}", flush=True)
    return 0


def _readings(core) -> int:
    return len([e for e in core.call(core.recent_events, 100) if e.kind.value == "reading"])


def _measure(app, window, home: SimulatedHome, shot, timeline: Callable[[str], None]) -> None:
    """The resident measures blood pressure and oxygen with the guided screen."""
    screen = window.measure
    window.home.measure_buttons["blood_pressure"].click()
    _wait_until(app, lambda: window.currentWidget() is screen, "the measurement screen")
    shot("measure-guide", f"resident pressed \"Measure blood pressure\": \"{screen.instruction.text()}\"")
    home.cuff.pump(120)
    _wait_until(app, lambda: "120" in screen.progress.text(), "the cuff pressure on the screen")
    shot("measure-live", f"the cuff pumps: \"{screen.progress.text()}\"")
    home.cuff.measure(128, 82, 68, cuff_pressures=(160, 110))
    _wait_until(app, lambda: screen.pages.currentWidget() is screen.result_page, "the blood-pressure result")
    shot("measure-result", f"result shown and spoken: \"{screen.numbers.text()} {screen.unit.text()}\" \"{screen.verdict.text()}\"")
    screen.history_button.click()
    _wait_until(app, lambda: screen.pages.currentWidget() is screen.history_page and screen.chart.point_count,
                "the history chart")
    shot("measure-history", f"resident looked at earlier readings: {screen.chart.point_count} points over 7 days")
    screen.history_done_button.click()
    window.home.measure_buttons["oximeter"].click()
    _wait_until(app, lambda: screen.pages.currentWidget() is screen.guide_page, "the oxygen guide")
    home.oximeter.spot_check(93, 74)
    _wait_until(app, lambda: screen.pages.currentWidget() is screen.result_page, "the oxygen result")
    shot("measure-oxygen", f"oxygen spot check: \"{screen.numbers.text()} {screen.unit.text()}\" \"{screen.verdict.text()}\"")
    screen.done_button.click()
    _wait_until(app, lambda: window.currentWidget() is window.home, "the home screen")


def _wait(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo waited {timeout:.0f} s for {what}")
        time.sleep(0.02)


def _read_store(path: Path, table: str) -> list[dict]:
    from hub_app.store import Store

    store = Store(path)
    try:
        return list(store.db[table].rows)
    finally:
        store.close()


def _settle(app) -> None:
    for _ in range(5):
        app.processEvents()


def _wait_until(app, condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo waited {timeout:.0f} s for {what}")
        app.processEvents()
        time.sleep(0.01)
