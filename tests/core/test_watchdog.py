"""systemd's notify protocol over a real AF_UNIX datagram socket, and the unit file.

A listener stands in for systemd: it binds the socket NOTIFY_SOCKET names and records
every datagram with the time it arrived. The core's pings must come from its loop, so
a blocked loop must go silent.
"""

from __future__ import annotations

import configparser
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path

import platformdirs
import pytest

from hub_app.config import APP_NAME, HubConfig
from hub_app.core import Core
from hub_app.watchdog import SystemdNotifier

UNIT = Path(__file__).resolve().parents[2] / "packaging" / "systemd" / "welfare-hub.service"


class NotifyListener:
    """Bind an AF_UNIX datagram socket (a path, or '@name' for the abstract namespace)
    and collect (monotonic time, message) pairs on a background thread."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.datagrams: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind("\0" + address[1:] if address.startswith("@") else address)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, name="notify-listener", daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.datagrams.append((time.monotonic(), data.decode()))

    def messages(self) -> list[tuple[float, str]]:
        with self._lock:
            return list(self.datagrams)

    def times_of(self, message: str, after: float = float("-inf"), before: float = float("inf")) -> list[float]:
        return [t for t, m in self.messages() if m == message and after < t < before]

    def wait_for(self, message: str, count: int = 1, after: float = float("-inf"), timeout: float = 3.0) -> list[float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.times_of(message, after=after)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(
            f"expected {count} x {message!r} within {timeout} s; got {[m for _, m in self.messages()]}"
        )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()
        if not self.address.startswith("@"):
            Path(self.address).unlink(missing_ok=True)


@pytest.fixture
def listener(tmp_path):
    made: list[NotifyListener] = []

    def make(address: str | None = None) -> NotifyListener:
        made.append(NotifyListener(address or str(tmp_path / "notify.sock")))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def run_core(tmp_path):
    """Start a Core with the given notifier; stop it after the test if the test did not."""
    cores: list[Core] = []

    def start(notifier: SystemdNotifier) -> Core:
        core = Core(HubConfig().with_data_dir(tmp_path / "data"), notifier=notifier)
        cores.append(core)
        core.start()
        return core

    yield start
    for core in cores:
        core.stop()


async def _block_loop(seconds: float, window: dict[str, float]) -> None:
    # Blocking on purpose: this is the stalled loop the watchdog exists to catch.
    window["start"] = time.monotonic()
    time.sleep(seconds)
    window["end"] = time.monotonic()


def test_core_pings_from_its_loop_and_goes_silent_when_the_loop_blocks(listener, run_core):
    sock = listener()
    notifier = SystemdNotifier(env={"NOTIFY_SOCKET": sock.address, "WATCHDOG_USEC": "200000"})
    assert notifier.enabled and notifier.interval == pytest.approx(0.1)

    core = run_core(notifier)
    ready = sock.wait_for("READY=1")[0]
    assert sock.messages()[0][1] == "READY=1", "READY=1 must come before any ping"

    time.sleep(1.0)
    pings = sock.times_of("WATCHDOG=1", after=ready, before=ready + 1.0)
    # Every 0.1 s: about 10 in a second. At least 5 allows for a slow CI machine; more
    # than 15 would mean the interval is not half of WATCHDOG_USEC.
    assert 5 <= len(pings) <= 15, pings
    gaps = sorted(b - a for a, b in zip(pings, pings[1:]))
    assert 0.07 < gaps[len(gaps) // 2] < 0.16, f"median gap {gaps[len(gaps) // 2]:.3f} s, expected about 0.1 s"

    window: dict[str, float] = {}
    core.call(_block_loop, 1.2, window)
    during = sock.times_of("WATCHDOG=1", after=window["start"] + 0.15, before=window["end"])
    assert during == [], f"{len(during)} ping(s) while the core loop was blocked"

    after = sock.wait_for("WATCHDOG=1", count=3, after=window["end"], timeout=1.0)
    assert after[0] - window["end"] < 0.3, "pings did not resume promptly after the loop unblocked"

    core.stop()
    stopping = sock.wait_for("STOPPING=1")
    assert len(stopping) == 1
    assert "READY=1" not in [m for t, m in sock.messages() if t > ready]


def test_abstract_namespace_socket_and_own_watchdog_pid(listener, run_core):
    sock = listener(f"@welfare-hub-test-{secrets.token_hex(8)}")
    notifier = SystemdNotifier(
        env={"NOTIFY_SOCKET": sock.address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(os.getpid())}
    )
    core = run_core(notifier)
    ready = sock.wait_for("READY=1")[0]
    sock.wait_for("WATCHDOG=1", count=2, after=ready)
    core.stop()
    sock.wait_for("STOPPING=1")


def test_watchdog_meant_for_another_pid_sends_no_pings(listener, run_core):
    sock = listener()
    other_pid = os.getppid()
    assert other_pid != os.getpid()
    notifier = SystemdNotifier(
        env={"NOTIFY_SOCKET": sock.address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(other_pid)}
    )
    assert notifier.interval is None
    core = run_core(notifier)
    sock.wait_for("READY=1")
    time.sleep(0.5)  # five ping intervals
    core.stop()
    sock.wait_for("STOPPING=1")
    assert [m for _, m in sock.messages()] == ["READY=1", "STOPPING=1"]


def test_without_notify_socket_the_notifier_is_off_and_nothing_fails(run_core, caplog):
    caplog.set_level(logging.WARNING, logger="hub_app.watchdog")
    notifier = SystemdNotifier(env={"WATCHDOG_USEC": "200000"})
    assert not notifier.enabled
    notifier.notify("READY=1")  # a no-op, not an error
    core = run_core(notifier)
    time.sleep(0.3)
    assert core.running
    core.stop()
    assert not core.running
    assert [r for r in caplog.records if r.name == "hub_app.watchdog"] == []


@pytest.mark.parametrize("value", ["0", "-200000", "soon"])
def test_invalid_watchdog_usec_disables_pings(value, caplog):
    caplog.set_level(logging.WARNING, logger="hub_app.watchdog")
    notifier = SystemdNotifier(env={"NOTIFY_SOCKET": "/nonexistent", "WATCHDOG_USEC": value})
    assert notifier.interval is None
    assert "WATCHDOG_USEC" in caplog.text


@pytest.mark.parametrize("kind", ["missing path", "nobody listening"])
def test_unreachable_socket_logs_a_warning_but_the_core_runs(kind, tmp_path, run_core, caplog):
    caplog.set_level(logging.WARNING, logger="hub_app.watchdog")
    path = tmp_path / "gone.sock"
    if kind == "nobody listening":  # the socket file exists, but its owner closed it
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as dead:
            dead.bind(str(path))
        assert path.exists()
    notifier = SystemdNotifier(env={"NOTIFY_SOCKET": str(path)})
    core = run_core(notifier)
    assert core.running
    core.stop()
    assert not core.running
    warnings = [r.getMessage() for r in caplog.records if r.name == "hub_app.watchdog"]
    assert any("READY" in w for w in warnings), warnings
    assert any("STOPPING" in w for w in warnings), warnings


# -- the unit file -------------------------------------------------------------------


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"), source=str(UNIT))
    return parser


def _all_values(section: str, key: str) -> list[str]:
    """Every assignment of a key systemd lets repeat (configparser keeps the last)."""
    values, current = [], None
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section and line.startswith(f"{key}="):
            values.append(line.split("=", 1)[1])
    return values


def test_unit_file_runs_the_hub_as_a_notify_service_with_a_watchdog():
    unit = _unit()
    assert set(unit.sections()) >= {"Unit", "Service", "Install"}
    service = unit["Service"]
    assert service["Type"] == "notify"
    assert service["NotifyAccess"] == "main"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "always"
    assert "welfare-hub run" in service["ExecStart"]
    assert service["ExecStart"].split()[0].startswith("/")
    assert service["User"] == service["Group"] == "welfare-hub"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert "PrivateDevices" not in service, "serial devices must stay reachable"
    assert "ProtectClock" not in service, "implies a device allow-list that hides serial devices"
    assert "dialout" in " ".join(_all_values("Service", "SupplementaryGroups")).split()
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_unit_file_folders_match_where_platformdirs_puts_them(monkeypatch):
    service = _unit()["Service"]
    environment = dict(
        pair.split("=", 1) for line in _all_values("Service", "Environment") for pair in line.split()
    )
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, environment[name])
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    assert data_dir == Path("/var/lib/welfare-hub") == HubConfig().data_dir
    assert config_dir == Path("/etc/welfare-hub") == HubConfig().config_dir

    writable = [p.lstrip("-") for p in service["ReadWritePaths"].split()]
    assert str(data_dir) in writable
    assert str(config_dir) not in writable  # the running hub only reads its configuration
    assert Path("/var/lib", service["StateDirectory"]) == data_dir
    cache_dir = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    assert Path("/var/cache", service["CacheDirectory"]) == cache_dir
    # A clean shutdown (up to 30 s for accepted commands) must fit before SIGKILL.
    assert int(service["TimeoutStopSec"].removesuffix("s")) >= 60
