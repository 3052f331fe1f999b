"""Shared test set-up.

Qt runs offscreen, and the platform's config, data and cache folders point into a
temporary folder, so a test run never reads or writes the real user's hub.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = Path(tempfile.mkdtemp(prefix="welfare-hub-tests-"))
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[name] = str(_home / name.lower())

# The call screen's web engine: fake camera and microphone (Chromium's own test pattern
# and tone), and WebRTC allowed over loopback, since every call in the tests stays on
# 127.0.0.1. Set before Qt WebEngine starts, and the module imported before any
# QApplication exists, as WebEngine requires.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--use-fake-device-for-media-stream "
                      "--allow-loopback-in-peer-connection")
import PySide6.QtWebEngineWidgets  # noqa: E402,F401

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

import pytest  # noqa: E402


@pytest.fixture
def make_config(tmp_path):
    """Write a hub.toml (and a technician PIN) into tmp_path and load it as the hub would."""
    from hub_app.config import load_config
    from hub_app.technician import set_pin

    def make(language="nb", larger_text=False, name="Kari", pin="2468", extra=""):
        path = tmp_path / "hub.toml"
        path.write_text(
            f'[resident]\nname = "{name}"\nlanguage = "{language}"\n'
            f"larger_text = {'true' if larger_text else 'false'}\n"
            f'[hub]\nfullscreen = false\n{extra}',
            encoding="utf-8",
        )
        if pin:
            set_pin(tmp_path / "technician-pin", pin)
        return load_config(path).with_data_dir(tmp_path / "data")

    return make


@pytest.fixture
def hub(qapp, qtbot, make_config, tmp_path):
    """Start a real core and window for a config; stop both after the test. What the
    hub says aloud goes to WAV files in tmp_path/speech (real eSpeak NG, no speakers)."""
    from hub_app.logs import setup_logging
    from hub_app.speech import Speaker
    from hub_app.startup import build_core
    from hub_app.ui.app import build_window

    started = []

    def start(clock=None, **options):
        config = make_config(**options)
        recent = setup_logging("info", config.data_dir)
        if clock is None:
            core = build_core(config, recent)
        else:  # a clock the test moves (reminders, countdowns)
            from hub_app.core import Core

            core = Core(config, recent_logs=recent, clock=clock)
        core.start()
        window = build_window(core, qapp, Speaker(config.resident.language, wave_dir=tmp_path / "speech"))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        started.append(core)
        return core, window

    yield start
    for core in started:
        core.stop()
    for translator in getattr(qapp, "_welfare_translators", []):  # the next test starts in English
        qapp.removeTranslator(translator)
    qapp._welfare_translators = []


@pytest.fixture
def screenshot(qapp):
    """Save a widget's picture under test-artifacts/screenshots/ (look at them)."""

    def save(widget, name: str) -> Path:
        for _ in range(5):
            qapp.processEvents()
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        assert widget.grab().save(str(path)), f"could not save {path}"
        return path

    return save


@pytest.fixture
def technician_tab(qtbot):
    """Open the technician's pages with the PIN (2468) as a technician would, on `tab`."""
    from PySide6.QtCore import Qt

    def open_tab(window, tab):
        window.open_technician_door()
        for digit in "2468":
            qtbot.mouseClick(window.pin.keys[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.pin.open_key, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.currentWidget() is window.technician, timeout=5000)
        window.technician.tabs.setCurrentWidget(tab)
        return tab

    return open_tab


@pytest.fixture
def air(request, monkeypatch):
    """The BlueZ stand-in on a private D-Bus, given to bleak as the system bus. Its
    options (`adapter=False`, `powered=False`) by indirect parametrization."""
    from simulators.bluez import BluezStandin

    standin = BluezStandin(**getattr(request, "param", {}))
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", standin.start())
    yield standin
    standin.stop()


@pytest.fixture
def ble_hub(air, tmp_path):
    """Start the hub's core, headless, on the stand-in (again on the same data folder to
    restart it); it looks for missing devices often, so a test need not wait a minute."""
    from hub_app.config import HubConfig
    from hub_app.core import Core

    cores = []

    def start():
        core = Core(HubConfig().with_data_dir(tmp_path / "data"), ble_options={"find_timeout": 3.0, "backoff_max": 1.0})
        core.start()
        cores.append(core)
        return core

    yield start
    for core in cores:
        core.stop()


@pytest.fixture
def service(tmp_path):
    """The reference care service running on 127.0.0.1 (tests/helpers/service.py)."""
    from tests.helpers.service import RunningService

    running = RunningService(tmp_path / "service").start()
    yield running
    running.stop()
