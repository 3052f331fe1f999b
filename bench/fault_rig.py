"""The real parts the fault suite (bench/faults.py) breaks: the reference care service
and the hub as processes of their own (so that either can be SIGKILLed), the real TCP
fault proxy between them (tests/helpers/fault_proxy.py), and the home's simulated devices,
which know which of their events the hub acknowledged.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's welfare-hub and welfare-care-service sit beside its python
TECHNICIAN = REPO / "tests" / "helpers" / "technician.py"
DIES_REACTING = REPO / "tests" / "helpers" / "dies_reacting.py"
HUB_READY = "Hub core running"  # the core's log line once it accepts work (hub_app/core.py)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class Process:
    """A program of the product, started again as often as a fault needs, its output
    appended to one log file."""

    def __init__(self, name: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.name, self.log = name, log
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def _spawn(self, argv: list[str]) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(argv, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # our Ctrl-C is not theirs
        self.starts += 1

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a power cut or the OOM killer."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int | None:
        """SIGTERM and wait (a clean stop); the exit status, or None if never started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class CareService(Process):
    """`welfare-care-service serve` on 127.0.0.1:`port` with its data in `data_dir`;
    started again, it is the same service (same port, same database)."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        super().__init__("care service", log)
        self.data_dir = data_dir
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "care-service.db"

    def admin(self, *args: str, stdin: str | None = None) -> str:
        """One of the service's administration commands (add-hub, add-nurse); its output."""
        done = subprocess.run([str(BIN / "welfare-care-service"), args[0], "--data-dir", str(self.data_dir), *args[1:]],
                              cwd=REPO, input=stdin, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"welfare-care-service {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def add_hub(self, resident: str) -> tuple[str, str]:
        """(the hub's credential, the resident's id), from what add-hub prints."""
        said = dict(line.split(": ", 1) for line in self.admin("add-hub", resident).splitlines() if ": " in line)
        patient = said["resident id"]
        token = next(value for key, value in said.items() if key.startswith("hub credential"))
        return token.strip(), patient.strip()

    def start(self) -> float:
        """Start it and wait until it answers; the wall-clock time it did."""
        self._spawn([str(BIN / "welfare-care-service"), "serve", "--data-dir", str(self.data_dir),
                     "--port", str(self.port)])

        def answers() -> bool:
            if not self.running:
                raise RuntimeError(f"the care service exited at start:\n{self.tail()}")
            try:
                return requests.get(f"{self.url}/fhir/metadata", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, 30, "the care service to answer")
        return time.time()


class Hub(Process):
    """`welfare-hub run --headless` on `config` and `data_dir`: the hub the resident has."""

    def __init__(self, config: Path, data_dir: Path, log: Path, env: dict[str, str]) -> None:
        super().__init__("hub", log, env)
        self.config, self.data_dir = config, data_dir

    def technician(self, serial: dict[str, str], ble: dict[str, str]) -> str:
        """The technician's visit (tests/helpers/technician.py): assign and pair, then leave."""
        argv = [sys.executable, str(TECHNICIAN), str(self.config), str(self.data_dir)]
        argv += [f"--serial={port}={kind}" for port, kind in serial.items()]
        argv += [f"--ble={address}={profile}" for address, profile in ble.items()]
        done = subprocess.run(argv, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=180)
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(done.stderr)
        if done.returncode != 0:
            raise RuntimeError(f"the technician could not set the hub up: {done.stderr.strip()[-2000:]}")
        return done.stdout.strip()

    def _said_since(self, offset: int) -> str:
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def start(self) -> float:
        """Start it on the same data and wait until its core runs; the wall-clock time it did."""
        return self._start([str(BIN / "welfare-hub"), "run", "--headless", "--config", str(self.config),
                            "--data-dir", str(self.data_dir)])

    def start_dying_in_reaction(self) -> float:
        """Start it as a hub that kills itself (SIGKILL) the moment it begins to react to
        an alarm event it has stored and acknowledged (tests/helpers/dies_reacting.py)."""
        return self._start([sys.executable, str(DIES_REACTING), str(self.config), str(self.data_dir)], dies=True)

    def _start(self, argv: list[str], dies: bool = False) -> float:
        offset = self.log.stat().st_size if self.log.exists() else 0
        self._spawn(argv)

        def ready() -> bool:
            if not self.running:
                if dies and self.proc.returncode == -signal.SIGKILL and HUB_READY in self._said_since(offset):
                    return True  # it ran, and died as it was made to, reacting to a device's queued event
                raise RuntimeError(f"the hub exited at start:\n{self.tail()}")
            return HUB_READY in self._said_since(offset)

        wait_until(ready, 60, "the hub's core to run", every=0.02)
        return time.time()
