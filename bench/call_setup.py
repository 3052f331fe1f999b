"""How fast a video call sets up, end to end on 127.0.0.1 with fake cameras. Prints JSON.

The real care service on a thread, a logged-in nurse in Debian's Chromium (headless,
Playwright, fake camera and microphone), and the real hub: its core and its window
(Qt WebEngine, offscreen). Each round the nurse presses "Call" on the resident page,
the hub rings, the resident's "Answer" is pressed, both pages connect, and the nurse
hangs up.

- click_to_ringing_ms: from the nurse's click on "Call" to the hub's core announcing
  the call ringing (what the ringing screen reacts to): p50, p99, max.
- answer_to_connected_ms: from "Answer" pressed on the hub to the hub's call page
  reporting its peer connection "connected" (read from `window.callState` every
  20 ms): p50, p99, max. The first round includes starting the web engine's page.

Targets: click_to_ringing p99 <= 500 ms; answer_to_connected p50 <= 2 s.
Usage: QT_QPA_PLATFORM=offscreen python bench/call_setup.py [--calls 20] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS",
                      "--use-fake-device-for-media-stream --allow-loopback-in-peer-connection")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the product, and tests.helpers

import PySide6.QtWebEngineWidgets  # noqa: E402,F401  (before the QApplication, as WebEngine requires)
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.helpers.browser import launch, log_in  # noqa: E402
from care_service.app import build_app  # noqa: E402
from care_service.fhir_api import STORE_KEY  # noqa: E402
from care_service.threaded import ServiceThread  # noqa: E402
from hub_app.config import load_config  # noqa: E402
from hub_app.messages import CallChanged  # noqa: E402
from hub_app.core import Core  # noqa: E402
from hub_app.secret_files import write_secret  # noqa: E402
from hub_app.speech import Speaker  # noqa: E402
from hub_app.ui.app import build_window  # noqa: E402

NURSE, PASSWORD = "nina", "benk-passord-1357"


def figures(values_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values_ms, n=100, method="inclusive") if len(values_ms) > 1 else values_ms * 99
    return {"p50": round(statistics.median(values_ms), 1), "p99": round(cuts[98], 1), "max": round(max(values_ms), 1)}


def pump_until(app: QApplication, condition, timeout: float, what: str) -> float:
    """Run Qt's loop until `condition()`; the monotonic time it became true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.002)
    return time.monotonic()


def page_state(app: QApplication, window) -> str | None:
    box: dict = {}
    window.call.web.page().runJavaScript("window.callState ? window.callState.state : null", 0,
                                         lambda r: box.setdefault("r", r))
    pump_until(app, lambda: "r" in box, 5, "the page's answer")
    return box["r"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="call-bench-"))
    app = QApplication.instance() or QApplication(sys.argv[:1])

    service_app = build_app(folder / "service")
    store = service_app[STORE_KEY]
    store.add_nurse(NURSE, PASSWORD, "Sykepleier Nina")
    token, patient = store.add_hub("Kari Nordmann")
    served = ServiceThread(service_app)
    served.start()
    write_secret(folder / "care-service-credential", token)
    (folder / "hub.toml").write_text(f'[hub]\nfullscreen = false\n[care_service]\nurl = "{served.url}"\n'
                                     f'patient_id = "{patient}"\n', encoding="utf-8")
    core = Core(load_config(folder / "hub.toml").with_data_dir(folder / "data"))
    core.start()
    ringing_at: dict[str, float] = {}
    core.subscribe(lambda m: ringing_at.setdefault(m.call.uid, time.monotonic())
                   if isinstance(m, CallChanged) and m.call.state == "ringing" else None)
    window = build_window(core, app, Speaker("nb", wave_dir=folder / "speech"))
    window.resize(1280, 800)
    window.show()

    from playwright.sync_api import sync_playwright

    to_ringing, to_connected = [], []
    load_before = os.getloadavg()[0]
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright, media=True)
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            log_in(page, served.url, NURSE, PASSWORD)
            for _ in range(args.calls):
                page.goto(f"{served.url}/console/residents/{patient}")
                before = set(ringing_at)
                clicked = time.monotonic()
                page.click("button.call-button")
                pump_until(app, lambda: set(ringing_at) - before, 10, "the hub ringing")
                [uid] = set(ringing_at) - before
                to_ringing.append((ringing_at[uid] - clicked) * 1000)
                pump_until(app, lambda: window.currentWidget() is window.call and window.call.answer_button.isEnabled(),
                           10, "the ringing screen")
                answered = time.monotonic()
                window.call.answer_button.click()
                pump_until(app, lambda: window.call.web is not None, 10, "the call page")
                connected = pump_until(app, lambda: page_state(app, window) == "connected", 30, "connected")
                to_connected.append((connected - answered) * 1000)
                page.click("#call-end")
                pump_until(app, lambda: window.currentWidget() is window.home, 10, "the hub back home")
            browser.close()
    finally:
        window.close()
        core.stop()
        served.stop()
    result = {
        "calls": args.calls,
        "click_to_ringing_ms": figures(to_ringing),
        "answer_to_connected_ms": figures(to_connected),
        "targets": {"click_to_ringing_p99_ms": 500, "answer_to_connected_p50_ms": 2000},
        "met": {"click_to_ringing": figures(to_ringing)["p99"] <= 500,
                "answer_to_connected": figures(to_connected)["p50"] <= 2000},
        "machine": {"cpus": os.cpu_count(), "load_1min_before": round(load_before, 2),
                    "load_1min_after": round(os.getloadavg()[0], 2)},
    }
    print(json.dumps(result, indent=2))
    return 0 if all(result["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
