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
    if not offscreen:
        from hub_app.ui.app import run_window

        return run_window(core)
    return run_scenario(core, screenshots or root / "screenshots", Timeline())


def run_scenario(core, shots: Path, timeline: Callable[[str], None]) -> int:
    from hub_app.ui.app import application, build_window

    shots.mkdir(parents=True, exist_ok=True)
    app = application()
    core.start()
    timeline(f"hub started: store {core.data_dir / 'hub.db'}")
    window = build_window(core, app)
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
        timeline("resident pressed Help")
        _wait_until(app, lambda: window.currentWidget() is window.help, "the help confirmation")
        alarm = core.call(core.recent_events, 1)[0]
        timeline(f"alarm recorded in the store: {alarm.type} from {alarm.source}, event {alarm.uid}")
        shot("help-registered", f"resident told: \"{window.help.title.text()}\"")
        window.help.ok_button.click()
        _wait_until(app, lambda: window.currentWidget() is window.home, "the home screen")
        timeline("resident pressed OK; back on the home screen")

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
