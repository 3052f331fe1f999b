"""The `welfare-hub` command line, run for real in a subprocess."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
[resident]
name = "Kari"
language = "en"
time_zone = "Europe/Oslo"

[hub]
log_level = "info"

[technician]
pin_file = "secrets/technician-pin"
"""


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """The environment of a real start: the repo importable, the platform folders in tmp."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp_path / "platform" / name.lower())
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    return env


def hub(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hub_app", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def simulate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulators", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=15)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def audit_actions(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    finally:
        conn.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- usage -------------------------------------------------------------------------------


def test_help_lists_the_commands(cli_env):
    result = hub(cli_env, "--help")
    assert result.returncode == 0
    for command in ("run", "check-config", "set-pin", "settings"):
        assert command in result.stdout
    # the simulated home and the simulators are test equipment with commands of their own
    assert "demo" not in result.stdout and "simulate" not in result.stdout
    assert "--config" in result.stdout and "--data-dir" in result.stdout


def test_version(cli_env):
    from hub_app import __version__

    result = hub(cli_env, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"welfare-hub {__version__}"


@pytest.mark.parametrize(
    "args",
    [[], ["frobnicate"], ["run", "--bogus"], ["check-config"], ["set-pin", "extra"]],
    ids=["nothing", "unknown-command", "unknown-option", "missing-file", "extra-argument"],
)
def test_usage_errors_exit_2_with_a_short_usage(cli_env, args):
    result = hub(cli_env, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: welfare-hub")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 6  # short: the usage and the error, not the help
    assert result.stdout == ""


def test_settings_prints_a_valid_config(cli_env, tmp_path):
    result = hub(cli_env, "settings")
    assert result.returncode == 0
    path = write(tmp_path / "described.toml", result.stdout)
    assert hub(cli_env, "check-config", str(path)).returncode == 0


# -- check-config ------------------------------------------------------------------------


def test_check_config_of_a_good_file(cli_env, tmp_path):
    path = write(tmp_path / "good.toml", GOOD)
    result = hub(cli_env, "check-config", str(path))
    assert result.returncode == 0, result.stderr
    assert f"{path}: valid." in result.stdout
    assert "language en" in result.stdout
    assert "technician PIN not set" in result.stdout
    assert str(tmp_path / "secrets" / "technician-pin") in result.stdout


def test_check_config_of_a_bad_file_names_the_file_and_keys(cli_env, tmp_path):
    path = write(tmp_path / "bad.toml", '[resident]\nlangauge = "en"\nlarger_text = 1\n')
    result = hub(cli_env, "check-config", str(path))
    assert result.returncode == 1
    assert str(path) in result.stderr
    assert "langauge" in result.stderr and "Did you mean 'language'?" in result.stderr
    assert "[resident] larger_text = 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert "valid." not in result.stdout


def test_check_config_of_a_missing_file(cli_env, tmp_path):
    path = tmp_path / "absent.toml"
    result = hub(cli_env, "check-config", str(path))
    assert result.returncode == 1
    assert str(path) in result.stderr
    assert "does not exist" in result.stderr


def test_check_config_refuses_a_readable_pin_file(cli_env, tmp_path):
    path = write(tmp_path / "good.toml", GOOD)
    pin = write(tmp_path / "secrets" / "technician-pin", "scrypt$x")
    pin.chmod(0o644)
    result = hub(cli_env, "check-config", str(path))
    assert result.returncode == 1
    assert f"chmod 600 {pin}" in result.stderr


# -- set-pin -----------------------------------------------------------------------------


def test_set_pin_from_stdin_writes_a_0600_file_and_audits(cli_env, tmp_path):
    config = write(tmp_path / "etc" / "hub.toml", GOOD)
    data = tmp_path / "data"
    result = hub(cli_env, "set-pin", "--stdin", "--config", str(config), "--data-dir", str(data), stdin="4711\n")
    assert result.returncode == 0, result.stderr
    pin = tmp_path / "etc" / "secrets" / "technician-pin"  # relative to the config file
    assert pin.exists()
    assert stat.S_IMODE(pin.stat().st_mode) == 0o600
    assert "4711" not in pin.read_text()
    assert "4711" not in result.stdout + result.stderr

    from hub_app.technician import pin_matches

    assert pin_matches("4711", pin.read_text().strip())
    assert audit_actions(data / "hub.db") == ["technician.pin_set"]

    # the options also work before the command
    again = hub(cli_env, "--config", str(config), "--data-dir", str(data), "set-pin", "--stdin", stdin="13579\n")
    assert again.returncode == 0, again.stderr
    assert pin_matches("13579", pin.read_text().strip())
    assert audit_actions(data / "hub.db") == ["technician.pin_set", "technician.pin_set"]


@pytest.mark.parametrize("bad", ["12", "abcd", "123456789", ""])
def test_set_pin_with_a_bad_pin_writes_nothing(cli_env, tmp_path, bad):
    config = write(tmp_path / "etc" / "hub.toml", GOOD)
    data = tmp_path / "data"
    result = hub(cli_env, "set-pin", "--stdin", "--config", str(config), "--data-dir", str(data), stdin=bad + "\n")
    assert result.returncode == 1
    assert "4 to 8 digits" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert not (tmp_path / "etc" / "secrets").exists()
    assert not (data / "hub.db").exists()


def test_set_pin_with_a_bad_pin_keeps_the_old_one(cli_env, tmp_path):
    config = write(tmp_path / "etc" / "hub.toml", GOOD)
    data = tmp_path / "data"
    assert hub(cli_env, "set-pin", "--stdin", "--config", str(config), "--data-dir", str(data), stdin="4711\n").returncode == 0
    pin = tmp_path / "etc" / "secrets" / "technician-pin"
    before = pin.read_bytes()
    result = hub(cli_env, "set-pin", "--stdin", "--config", str(config), "--data-dir", str(data), stdin="12\n")
    assert result.returncode == 1
    assert pin.read_bytes() == before
    assert audit_actions(data / "hub.db") == ["technician.pin_set"]


# -- run --headless ------------------------------------------------------------------------


class Hub:
    """A `run --headless` process whose stderr is read line by line in a thread."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "hub_app", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stdout = ""

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._seen:
            while not any(text in line for line in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"{text!r} did not appear; stderr was:\n" + "\n".join(self.log_lines()))
                self._seen.wait(min(left, 0.2))

    def finish(self, timeout: float) -> int:
        code = self.process.wait(timeout)
        self._reader.join(5)
        self.stdout = self.process.stdout.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def import_lines(self) -> list[str]:
        return [line for line in self.lines if line.startswith("import time:")]

    def log_lines(self) -> list[str]:
        return [line for line in self.lines if not line.startswith("import time:")]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_headless_runs_without_qt_and_stops_cleanly_on_a_signal(cli_env, tmp_path, stop):
    config = write(tmp_path / "hub.toml", GOOD)
    data = tmp_path / "data"
    hub_process = Hub(cli_env, "run", "--headless", "--config", str(config), "--data-dir", str(data))
    try:
        hub_process.wait_for("Hub core running", timeout=30)
        assert hub_process.process.poll() is None
        hub_process.process.send_signal(stop)
        code = hub_process.finish(timeout=15)
    finally:
        hub_process.kill()
    log = "\n".join(hub_process.log_lines())
    assert code == 0, log
    assert "Traceback" not in log
    assert f"Received {stop.name}" in log
    assert "Hub core stopped" in log

    imports = hub_process.import_lines()
    assert any("hub_app.core" in line for line in imports), "importtime output is missing"
    assert any("sqlite_utils" in line for line in imports)
    qt = [line for line in imports if "PySide6" in line or "shiboken6" in line]
    assert qt == [], "the headless core imported Qt:\n" + "\n".join(qt)

    actions = audit_actions(data / "hub.db")
    assert actions == ["hub.started", "hub.stopped"]
    assert (data / "logs" / "hub.log").read_text().count("Hub core running") == 1
    # a clean stop folds the WAL back into the database file
    wal = data / "hub.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_store_its_wal_and_the_logs_are_the_hubs_alone_whatever_the_umask(cli_env, tmp_path):
    config = write(tmp_path / "hub.toml", GOOD)
    data = tmp_path / "data"
    previous = os.umask(0o022)  # the usual umask: files readable by every user of the machine
    try:
        hub_process = Hub(cli_env, "run", "--headless", "--config", str(config), "--data-dir", str(data))
    finally:
        os.umask(previous)
    try:
        hub_process.wait_for("Hub core running", timeout=30)
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in
                 (data, data / "logs", data / "hub.db", data / "hub.db-wal", data / "hub.db-shm",
                  data / "hub.db.setup.json", data / "logs" / "hub.log")}
        hub_process.process.send_signal(signal.SIGTERM)
        assert hub_process.finish(timeout=15) == 0
    finally:
        hub_process.kill()
    assert modes == {"data": 0o700, "logs": 0o700, "hub.db": 0o600, "hub.db-wal": 0o600, "hub.db-shm": 0o600,
                     "hub.db.setup.json": 0o600, "hub.log": 0o600}


def test_headless_restarts_on_the_same_store(cli_env, tmp_path):
    config = write(tmp_path / "hub.toml", GOOD)
    data = tmp_path / "data"
    for _ in range(2):
        hub_process = Hub(cli_env, "run", "--headless", "--config", str(config), "--data-dir", str(data))
        try:
            hub_process.wait_for("Hub core running", timeout=30)
            hub_process.process.send_signal(signal.SIGTERM)
            assert hub_process.finish(timeout=15) == 0
        finally:
            hub_process.kill()
    assert audit_actions(data / "hub.db") == ["hub.started", "hub.stopped"] * 2


def test_window_without_a_display_points_to_headless(cli_env, tmp_path):
    env = {k: v for k, v in cli_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    config = write(tmp_path / "hub.toml", GOOD)
    result = hub(env, "run", "--config", str(config), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "--headless" in result.stderr
    assert "display" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_refuses_an_invalid_config(cli_env, tmp_path):
    config = write(tmp_path / "hub.toml", '[hub]\nlog_level = "loud"\n')
    result = hub(cli_env, "run", "--headless", "--config", str(config), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert str(config) in result.stderr
    assert "log_level" in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("damage", ["garbage", "damaged-page"])
def test_headless_sets_a_corrupt_store_aside_untouched_and_runs_on_a_fresh_one(cli_env, tmp_path, damage):
    config = write(tmp_path / "hub.toml", GOOD)
    data = tmp_path / "data"
    db = data / "hub.db"
    if damage == "garbage":
        write(db, "this is not a database\n" * 500)
    else:
        from hub_app.store import Store
        from vocabulary import Event, EventKind, utc_now

        store = Store(db)
        for i in range(300):
            store.record_event(Event(EventKind.READING, "pulse", "test", utc_now(), {"bpm": i, "pad": "x" * 50}))
        store.close()
        with open(db, "r+b") as handle:
            handle.seek(4096)  # page 2, the root of the events table
            handle.write(b"\xa5" * 4096)
    before = sha256(db)
    running = Hub(cli_env, "run", "--headless", "--config", str(config), "--data-dir", str(data))
    try:
        running.wait_for("Hub core running", timeout=30)  # Help works: the hub did not stop
        running.process.send_signal(signal.SIGTERM)
        assert running.finish(timeout=30) == 0
    finally:
        running.kill()
    said = "\n".join(running.log_lines())
    assert "damaged" in said and "fresh store" in said and "Traceback" not in said
    [aside] = [path for path in data.glob("hub.db.damaged-*") if not path.name.endswith(("-wal", "-shm"))]
    assert aside.name in said
    assert sha256(aside) == before  # kept for the technician exactly as it was
    actions = audit_actions(db)
    assert actions.index("store.replaced") < actions.index("hub.started")


# -- what a technician meets at the command line ---------------------------------------------


def test_set_pin_without_a_terminal_says_so_in_one_sentence(cli_env, tmp_path):
    config = write(tmp_path / "hub.toml", GOOD)
    result = hub(cli_env, "set-pin", "--config", str(config), "--data-dir", str(tmp_path / "data"), stdin="")
    assert result.returncode == 1
    assert result.stderr.strip() == ("welfare-hub: there is no terminal to ask for the PIN; give it on standard input "
                                     "with --stdin. Nothing was changed.")
    assert not (tmp_path / "secrets" / "technician-pin").exists()


def test_simulate_refuses_a_link_that_is_not_its_own_and_leaves_it_alone(cli_env, tmp_path):
    precious = write(tmp_path / "notes.txt", "the technician's notes\n")
    result = simulate(cli_env, "sensors", "--link", str(precious), "--exit")
    assert result.returncode == 2
    assert "exists and is not a simulated port's link" in result.stderr and "Traceback" not in result.stderr
    assert precious.read_text() == "the technician's notes\n"
    missing = simulate(cli_env, "sensors", "--link", str(tmp_path / "no-such-folder" / "ttyRX"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr


def test_the_simulators_own_link_is_replaced_and_removed_when_it_stops(tmp_path):
    from simulators.pty import PtyPort

    link = tmp_path / "ttyRX"
    first = PtyPort(link)
    stale = os.readlink(link)
    os.close(first.master_fd)  # a run that died: its pseudo-terminal is gone, its link stays behind
    os.close(first._slave_fd)
    second = PtyPort(link)  # the next run takes its own stale link over
    assert os.readlink(link) == second.tty_path != "" and stale.startswith("/dev/pts/")
    second.close()
    assert not link.exists() and not link.is_symlink()


@pytest.mark.parametrize(("platform", "display", "screen"), [
    ("offscreen", "", False), ("minimal", "", False), ("offscreen", ":0", False), ("xcb", ":0", True),
    ("", ":0", True), ("", "", False)])
def test_the_demo_plays_offscreen_where_qt_draws_nowhere(monkeypatch, platform, display, screen):
    from demo.cli import shows_a_screen

    for name, value in (("QT_QPA_PLATFORM", platform), ("DISPLAY", display), ("WAYLAND_DISPLAY", "")):
        monkeypatch.setenv(name, value) if value else monkeypatch.delenv(name, raising=False)
    assert shows_a_screen() is screen
