"""`welfare-demo` and `welfare-hub run` as a person starts them: real subprocesses."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def hub_env(**changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(changes)
    return env


def test_demo_without_a_display_runs_the_scenario_offscreen(tmp_path):
    shots = tmp_path / "shots"
    result = subprocess.run([sys.executable, "-m", "demo", "--screenshots", str(shots)],
                            capture_output=True, text=True, timeout=120, env=hub_env(), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in ("hub started", "technician assigned", "home screen at 07:58", "resident pressed Help",
                 "stored: alarm help_button from screen",
                 "the alarm reached the care service (FHIR DetectedIssue) and is live on the nurse's console",
                 "the nurse's console: the alarm arrived without a reload",
                 'the acknowledgement reached the hub: "Hjelpen er på vei: Sykepleier Nina"',
                 "the nurse resolves the alarm with a note",
                 'a message from the nurse, shown large and read aloud: "Hei Kari! Vi kommer klokken 14',
                 "technician paired the blood-pressure device BP-7000",
                 "the cuff handed over the 7 readings it kept from last week",
                 'resident pressed "Measure blood pressure"', 'the cuff pumps: "Måler ... 120 mmHg"',
                 'result shown and spoken: "128 / 82 mmHg" "●  Blodtrykket ditt er innenfor grensene dine."',
                 "resident looked at earlier readings",
                 'oxygen spot check: "93 %" "▲  Oksygennivået ditt er litt utenfor grensene dine.',
                 "a red blood pressure", "an alarm for the nurse is raised",
                 "it is 08:00", 'the reminder takes over with a chime: "Tid for medisinen din"',
                 "stored: dose dose_taken from dispenser:OD2400117", 'DOSE_TAKEN ends the reminder: "Takk.',
                 "stored: alarm fall from sensor:00D4E5F6", '"Går det bra?"', 'resident pressed "I\'m OK"',
                 "the simulated modem sent an SMS to +4740000113", "SMS to +4791234567 (Ola, who consented)",
                 "from his phone; the hub reads it through the modem", '"Ola Nordmann kommer"',
                 "Ola Nordmann (sønn) is on the way",
                 'the planned video check-in rings: "Sykepleier Nina" "Avtalt videosamtale, 12:00"',
                 "both sides connected on 127.0.0.1", "the nurse hung up: the hub went home by itself",
                 "the care service goes down (an outage)", "the care service is back",
                 "the fall on the nurse's console after the outage",
                 'the nurse acknowledges on the console: "Hjelpen er på vei: Sykepleier Nina"',
                 "it is 20:00", "stored: dose dose_missed from dispenser:OD2400117",
                 "the missed dose is recorded and reported",
                 # Every step of the red reading's ladder nobody acknowledged, and of the fall's.
                 "not acknowledged, step 1 of 2: Ola Nordmann",
                 "ladder: alarm vital_sign_red", "SMS sent to Ola Nordmann (relative)",
                 "not acknowledged, step 2 of 2: the on-call phone", "SMS sent to the on-call phone",
                 "went up the whole ladder unacknowledged (told: Ola Nordmann, on-call): escalated on the nurse's console",
                 "Ola Nordmann answered yes and is on the way", "acknowledged by Sykepleier Nina",
                 "the nurse keeps Kari's phone and address with her record",
                 "technician PIN accepted", "wired devices page", "hub stopped cleanly",
                 "0 still waiting"):
        assert step in out, step
    assert "silent" not in out  # a jump of the demo's day is not silence
    assert f"Screenshots: {shots}" in out
    assert re.search(r"Nurse console: http://127\.0\.0\.1:\d+/console \(user nina, password \S+\)", out)
    pictures = sorted(shots.glob("*.png"))
    assert [p.name[3:] for p in pictures] == [
        "home.png", "help-registered.png", "console-alarm.png", "help-on-the-way.png", "console-resolved.png",
        "nurse-message.png", "measure-guide.png", "measure-live.png",
        "measure-result.png", "measure-history.png", "measure-oxygen.png", "measure-red.png", "reminder-morning.png",
        "reminder-taken.png", "fall-are-you-ok.png", "check-in-ringing.png", "check-in-call.png",
        "console-check-in-call.png", "fall-raised.png", "fall-escalating.png", "fall-ola-coming.png", "console-fall.png", "reminder-evening.png",
        "technician-pin.png", "technician-system.png", "technician-wired-devices.png"]
    # What the hub said aloud, and the reminder chimes.
    assert len(list(shots.glob("speech-*.wav"))) >= 8 and len(list(shots.glob("chime-*.wav"))) >= 5  # the nurse's message, morning medicine, measurement, evening, and the check-in's ringing
    for picture in pictures:
        image = QImage(str(picture))
        assert (image.width(), image.height()) == (1280, 800)
        colours = {image.pixel(x, y) for x in range(0, 1280, 40) for y in range(0, 800, 40)}
        assert len(colours) > 2, f"{picture.name} looks blank"


def _start_window(tmp_path: Path):
    config = tmp_path / "hub.toml"
    config.write_text('[resident]\nlanguage = "en"\n[hub]\nfullscreen = false\n', encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "hub_app", "run", "--config", str(config), "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=hub_env(QT_QPA_PLATFORM="offscreen"), cwd=ROOT,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while not any("First frame of the home screen painted" in line for line in lines):
        assert process.poll() is None, "".join(lines)
        assert time.monotonic() < deadline, "".join(lines)
        time.sleep(0.05)
    return process, lines, reader


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_window_shuts_down_cleanly_on_a_stop_signal(tmp_path, stop_signal):
    process, lines, reader = _start_window(tmp_path)
    process.send_signal(stop_signal)
    assert process.wait(timeout=15) == 0, "".join(lines)
    reader.join(5)
    assert any("Hub core stopped" in line for line in lines)
    with sqlite3.connect(tmp_path / "data" / "hub.db") as db:
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["hub.started", "hub.stopped"]


def test_closing_the_window_shuts_the_hub_down_and_keeps_what_it_accepted(qapp, make_config):
    from PySide6.QtCore import QTimer

    from hub_app.logs import setup_logging
    from hub_app.startup import build_core
    from hub_app.ui.app import run_window

    config = make_config(language="en")
    core = build_core(config, setup_logging("info", config.data_dir))
    pressed = []

    def press_help_then_close() -> None:
        window = next(w for w in qapp.topLevelWidgets() if w.isVisible() and hasattr(w, "home"))
        window.home.help_button.click()
        pressed.append(True)
        window.close()  # straight after the press: the alarm must still be stored

    QTimer.singleShot(500, press_help_then_close)
    assert run_window(core) == 0
    assert pressed and not core.running
    with sqlite3.connect(config.data_dir / "hub.db") as db:
        alarms = db.execute("SELECT count(*) FROM events WHERE kind = 'alarm'").fetchone()[0]
        last = db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert (alarms, last) == (1, "hub.stopped")
