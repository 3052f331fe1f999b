"""`welfare-demo` (`./dev demo`): a simulated home with its own temporary data folder.

With a display, the hub opens its window and a person can try it (the day starts at
07:58, so the morning reminder comes two minutes later). Without one (or with
--offscreen) the same home runs offscreen through a scripted day (demo/scenario.py),
prints a timeline of what happened, saves a screenshot of each screen and exits 0.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from demo.home import DEMO_PLAN, ON_CALL, DemoClock, SimulatedHome
from demo.scenario import DEMO_PIN
from demo.service import NURSE_PASSWORD, NURSE_USER, DemoCareService

DEMO_CONFIG = f"""\
# The demo home. Every setting: welfare-hub settings
[resident]
name = "Kari"
language = "{{language}}"
time_zone = "Europe/Oslo"

[hub]
fullscreen = false

[technician]
pin_file = "technician-pin"

[care_plan]
file = "care-plan.toml"

[alarms]
on_call_number = "{ON_CALL}"
"""
CARE_SERVICE_CONFIG = """
# The demo's own reference care service on 127.0.0.1 (welfare-care-service)
[care_service]
url = "{url}"
patient_id = "{patient_id}"
heartbeat_seconds = 10
"""


class Timeline:
    """Each line: seconds since the demo started, and the demo day's local time."""

    def __init__(self, clock: DemoClock, out=sys.stdout) -> None:
        self._start = time.monotonic()
        self._clock = clock
        self._out = out

    def __call__(self, what: str) -> None:
        print(f"[{time.monotonic() - self._start:7.2f} s | {self._clock.local()}] {what}", file=self._out, flush=True)


CHECK_IN = """
[[check_in]]
id = "midday"
time = "12:00"
who = "Sykepleier Nina"
link = "{url}/call/check-in"
"""


def make_home(root: Path, service: DemoCareService | None = None, language: str = "nb") -> Path:
    """Write the demo configuration (in `language`: nb, nn, se or en) and technician PIN;
    return the config path."""
    from hub_app.technician import set_pin

    config_path = root / "hub.toml"
    text = DEMO_CONFIG.replace("{language}", language)
    if service is not None:
        text += CARE_SERVICE_CONFIG.format(url=service.url, patient_id=service.patient_id)
    config_path.write_text(text, encoding="utf-8")
    plan = DEMO_PLAN
    if service is not None:  # the afternoon check-in, through the demo service's rooms
        plan += CHECK_IN.format(url=service.url)
    (root / "care-plan.toml").write_text(plan, encoding="utf-8")
    set_pin(root / "technician-pin", DEMO_PIN)
    return config_path


def run_demo(offscreen: bool, screenshots: Path | None = None, language: str = "nb") -> int:
    if offscreen:
        # Must be decided before Qt is imported and the platform plugin is chosen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # The demo home has no camera: Chromium's test pattern and tone stand in, and the
    # call between the "nurse" and the hub stays on 127.0.0.1.
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--use-fake-device-for-media-stream "
                          "--allow-loopback-in-peer-connection")
    from hub_app import startup
    from hub_app.ui.app import application
    from hub_app.ui.call_view import warm_up

    # The web engine starts before the home's BlueZ stand-in puts its private bus in
    # DBUS_SYSTEM_BUS_ADDRESS: Chromium looks for the system bus once, at its start, and
    # aborts the whole process if a bus it holds goes away (the stand-in's, at the end).
    application()
    warm_up()

    root = Path(tempfile.mkdtemp(prefix="welfare-hub-demo-"))
    service = DemoCareService(root)
    service.set_up("Kari Nordmann", root / "care-service-credential")
    service.start()
    config_path = make_home(root, service, language)
    from hub_app.core import Core

    config, recent = startup.prepare(config_path, root / "data")
    clock = DemoClock(config.resident.time_zone)
    # The whole home on the demo's clock; the scheduler looks every 2 s, so a jump of
    # the demo's day is noticed at once.
    core = Core(config, recent_logs=recent, clock=clock, device_options={"clock": clock},
                ble_options={"clock": clock}, heartbeat_s=2.0)
    print(f"Demo home in {root} (technician PIN {DEMO_PIN})", flush=True)
    print(f"Nurse console: {service.url}/console (user {NURSE_USER}, password {NURSE_PASSWORD})", flush=True)
    timeline = Timeline(clock)
    core.subscribe(_print_events(timeline, config.resident.time_zone))
    home = SimulatedHome(root / "dev", clock)
    try:
        core.start()
        timeline(f"hub started: store {core.data_dir / 'hub.db'}")
        home.connect(core, timeline)
        if not offscreen:
            from hub_app.ui.app import run_window

            home.play_in_background(timeline)
            return run_window(core)
        return run_scenario(core, home, service, clock, screenshots or root / "screenshots", timeline)
    finally:
        core.stop()
        home.close()
        service.stop()


def _print_events(timeline: Callable[[str], None], zone: str):
    from zoneinfo import ZoneInfo

    from hub_app.messages import EventRecorded

    from hub_app.messages import AlarmChanged

    seen: dict[str, tuple[str, int, tuple[str, ...]]] = {}  # each alarm's state, step and who was told, as last said

    def show(message) -> None:
        if isinstance(message, EventRecorded):
            event = message.event
            local = event.occurred_at.astimezone(ZoneInfo(zone))
            timeline(f"stored: {event.kind.value} {event.type} from {event.source} (happened {local:%H:%M:%S})")
        elif isinstance(message, AlarmChanged):
            for line in _ladder_steps(message.alarm, seen):
                timeline(line)

    return show


def _ladder_steps(alarm, seen: dict[str, tuple[str, int, tuple[str, ...]]]) -> list[str]:
    """Each step of an alarm's escalation ladder, once: an SMS to a relative or to the
    on-call phone, a climb nobody acknowledged, the top of the ladder reached."""
    state, step, told = seen.get(alarm.uid, ("", 0, ()))
    seen[alarm.uid] = (alarm.state, alarm.step, tuple(alarm.told))
    name = f"alarm {alarm.type} ({alarm.uid[:8]})"
    lines = []
    if alarm.state == "escalating" and alarm.step > step:
        ladder = alarm.detail.get("ladder", [])
        rung = ladder[alarm.step] if alarm.step < len(ladder) else {}
        to = "the on-call phone" if rung.get("name") == "on-call" else rung.get("name", rung.get("to", "?"))
        lines.append(f"ladder: {name} not acknowledged, step {alarm.step} of {len(ladder) - 1}: {to}")
    for who in alarm.told:
        if who not in told:
            lines.append(f"ladder: {name}: SMS sent to "
                         f"{'the on-call phone' if who == 'on-call' else who + ' (relative)'}")
    if alarm.state == "taken" and state != "taken":
        lines.append(f"ladder: {name}: {alarm.taken_by} answered yes and is on the way")
    if alarm.state == "top_of_ladder" and state != "top_of_ladder":
        lines.append(f"ladder: {name} went up the whole ladder unacknowledged (told: "
                     f"{', '.join(alarm.told) or 'nobody'}): escalated on the nurse's console")
    if alarm.state == "acknowledged" and state != "acknowledged":
        lines.append(f"ladder: {name} acknowledged by {alarm.acknowledged_by}")
    return lines


def run_scenario(core, home, service, clock, shots: Path, timeline: Callable[[str], None]) -> int:
    from demo.scenario import Scenario

    scenario = Scenario(core, home, service, clock, shots, timeline)
    try:
        scenario.run()
    finally:
        scenario.close()
        core.stop()
    events = len(_read_store(core.data_dir / "hub.db", "events"))
    audits = _read_store(core.data_dir / "hub.db", "audit_log")
    waiting = _read_store(core.data_dir / "hub.db", "outbox")
    unsent = [row for row in waiting if row["sent_at"] is None and row["dead_at"] is None]
    timeline(f"hub stopped cleanly: {events} event(s), {len(audits)} audit row(s) in the store; "
             f"{len(waiting) - len(unsent)} delivered to the care service, {len(unsent)} still waiting")
    print(f"Screenshots: {shots}", flush=True)
    return 0


def _read_store(path: Path, table: str) -> list[dict]:
    from hub_app.store import Store

    store = Store(path)
    try:
        return list(store.db[table].rows)
    finally:
        store.close()


