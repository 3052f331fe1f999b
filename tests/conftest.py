"""Shared test set-up.

The tests live in one folder per level, and each test gets its level's marker from its
folder (`./dev test -m unit`):

- unit: codecs, parsers, config, schedule, vitals, care plan and the store alone; no
  subprocess, no Qt, no network, no D-Bus.
- core: the hub's core, headless, on real SQLite, pseudo-terminals and the BlueZ
  stand-in on a private D-Bus; the source's layers and the architecture picture.
- service: the reference care service over real HTTP on 127.0.0.1, and its command line.
- e2e: the hub, the care service and the simulators together; the command lines as
  subprocesses, the demo, the fault bench's short run, sync end to end.
- ui: the hub's Qt screens, offscreen (pytest-qt).
- browser: the nurse console and video calls in Debian's Chromium (Playwright).

Qt runs offscreen, and the platform's config, data and cache folders point into a
temporary folder, so a test run never reads or writes the real user's hub. Qt WebEngine
is loaded only when a test that makes a QApplication is to run.

An asyncio task left pending on an event loop that was closed, or destroyed while
pending ("Task was destroyed but it is pending!"), fails the test it happened in.
"""

import asyncio
import asyncio.tasks
import gc
import logging
import os
import re
import tempfile
import weakref
from collections import Counter
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = Path(tempfile.mkdtemp(prefix="welfare-hub-tests-"))
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[name] = str(_home / name.lower())

# The call screen's web engine: fake camera and microphone (Chromium's own test pattern
# and tone), and WebRTC allowed over loopback, since every call in the tests stays on
# 127.0.0.1. Set before Qt WebEngine starts (see pytest_collection_finish).
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--use-fake-device-for-media-stream "
                      "--allow-loopback-in-peer-connection")

TESTS = Path(__file__).resolve().parent
ARTIFACTS = TESTS.parent / "test-artifacts"
LEVELS = ("unit", "core", "service", "e2e", "ui", "browser")
QT_LEVELS = {"ui", "e2e", "browser"}


def level_of(path: Path) -> str | None:
    """The level of a file or folder under tests/ (its first folder), or None."""
    try:
        parts = Path(path).resolve().relative_to(TESTS).parts
    except ValueError:
        return None
    return parts[0] if parts and parts[0] in LEVELS else None


# -- levels -----------------------------------------------------------------------------


_WORD = r"[A-Za-z_][A-Za-z0-9_]*"


def _levels_only(expression: str) -> bool:
    words = set(re.findall(_WORD, expression))
    return bool(words) and words <= {*LEVELS, "and", "or", "not"}


def _selects(expression: str, level: str) -> bool:
    """Whether a -m made of level names alone selects a test of `level`."""
    python = re.sub(_WORD, lambda m: m[0] if m[0] in {"and", "or", "not"} else str(m[0] == level), expression)
    return bool(eval(python, {"__builtins__": {}}))


def pytest_ignore_collect(collection_path, config):
    """`-m unit` (or any -m made of level names alone) does not even import the other
    levels' test modules, so a unit run never loads Qt, Playwright or a simulator."""
    expression = config.getoption("markexpr", "") or ""
    level = level_of(collection_path)
    if level is None or not _levels_only(expression) or collection_path.parent != TESTS:
        return None
    return True if not _selects(expression, level) else None


# The files with the longest tests, longest first (`--durations`): when the tests run in
# several processes (./dev test hands them out one at a time to the first one free), these
# are handed out first, so the run does not wait for them at its end. Then the levels,
# the slower ones first.
FIRST = ("e2e/test_faults_bench.py", "e2e/test_demo_and_window.py", "e2e/test_sync_end_to_end.py",
         "browser/test_call_end_to_end.py", "service/test_console_login_guard.py", "e2e/test_sync_faults.py",
         "core/test_sensor_supervision.py", "e2e/test_ble_orphaned_link.py", "service/test_console_auth.py",
         "browser/test_console_browser.py", "browser/test_call_browser.py", "e2e/test_heartbeat_devices.py",
         "core/test_ble_scripts.py")
ORDER = ("e2e", "browser", "core", "service", "ui", "unit")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Each test gets its folder's level marker, before -m chooses. In a worker process
    (./dev test), the long tests come first; every worker sorts alike, as it must."""
    for item in items:
        level = level_of(item.path)
        if level is not None:
            item.add_marker(getattr(pytest.mark, level))
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return

    def rank(item) -> int:
        relative = Path(item.path).resolve().relative_to(TESTS).as_posix()
        if relative in FIRST:
            return FIRST.index(relative)
        level = level_of(item.path)
        return len(FIRST) + (ORDER.index(level) if level in ORDER else len(ORDER))

    items[:] = [item for _, item in sorted(enumerate(items), key=lambda pair: (rank(pair[1]), pair[0]))]


def _levels_to_run(config) -> set[str]:
    """The levels a run can reach, from its paths and a -m made of level names."""
    levels: set[str] = set()
    for arg in config.args or [str(TESTS)]:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        level = level_of(path)
        levels |= {level} if level is not None else set(LEVELS)
    expression = config.getoption("markexpr", "") or ""
    if _levels_only(expression):
        levels = {level for level in levels if _selects(expression, level)}
    return levels


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (./dev test): unit tests keep the processors busy, one process each;
    the other levels mostly wait (on subprocesses, sockets, timeouts), three each."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own: the number given there
    cpus = os.cpu_count() or 1
    return cpus if _levels_to_run(config) <= {"unit"} else 3 * cpus


def pytest_xdist_make_scheduler(config, log):
    """Unit tests alone are many and short: handed out in batches (xdist's own way), not
    one at a time as ./dev test asks for the levels with long tests."""
    if config.getoption("dist") == "load" and _levels_to_run(config) <= {"unit"}:
        from xdist.scheduler import LoadScheduling

        config.option.maxschedchunk = None
        return LoadScheduling(config, log)
    return None


def pytest_collection_finish(session):
    """Qt WebEngine must be imported before any QApplication exists (the call screen's
    tests); import it only when a test that makes one (qapp, qtbot, hub) is to run."""
    if any(level_of(item.path) in QT_LEVELS or "qapp" in getattr(item, "fixturenames", ())
           for item in session.items):
        import PySide6.QtWebEngineWidgets  # noqa: F401


# -- asyncio tasks left pending ---------------------------------------------------------

_DESTROYED = "Task was destroyed but it is pending!"


def _which(task: str) -> str:
    """A task's name and coroutine from its repr (what it waits for changes as it dies)."""
    found = re.search(r"name='[^']*' coro=<[^>]*>", task)
    return found[0] if found else ""


class _PendingTasks(logging.Handler):
    """Watches for asyncio tasks that can never finish: pending on a loop that was closed
    (looked for after each test), or destroyed while pending (asyncio's own log line)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.destroyed: list[str] = []
        self.reported: weakref.WeakSet[asyncio.Task] = weakref.WeakSet()
        self.not_yet_destroyed: Counter[str] = Counter()  # said already; its log line is no news

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(_DESTROYED):
            self.destroyed.append(message)

    def problems(self) -> list[str]:
        found = []
        for _ in range(5):  # another thread may add a task while we look
            try:
                tasks = list(asyncio.tasks._all_tasks)
                break
            except RuntimeError:
                continue
        else:
            tasks = []
        for task in tasks:
            try:
                stuck = not task.done() and task.get_loop().is_closed() and task not in self.reported
            except Exception:  # noqa: BLE001 - a task half torn down
                continue
            if stuck:
                self.reported.add(task)
                self.not_yet_destroyed[_which(repr(task))] += 1
                found.append(f"an asyncio task is still pending on an event loop that was closed "
                             f"(it can never finish, and is destroyed pending later): {task!r}")
        destroyed, self.destroyed = self.destroyed, []
        for message in destroyed:
            said = _which(message.partition("task: ")[2])
            if said and self.not_yet_destroyed[said] > 0:
                self.not_yet_destroyed[said] -= 1
            else:
                found.append(f"asyncio: {message}")
        return found


_pending_tasks = _PendingTasks()


def pytest_configure(config):
    logging.getLogger("asyncio").addHandler(_pending_tasks)


def pytest_unconfigure(config):
    logging.getLogger("asyncio").removeHandler(_pending_tasks)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is None:  # the last test here: what is left unreferenced goes now
        gc.collect()
    problems = _pending_tasks.problems()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    return result


# -- fixtures -----------------------------------------------------------------------------


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
