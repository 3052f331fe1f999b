"""A hub core with a clock the test moves, a care plan file, and simulated serial
devices on pseudo-terminals: what the reminder and alarm tests share."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hub_app.config import load_config
from hub_app.core import Core

OSLO = ZoneInfo("Europe/Oslo")
PLANS = Path(__file__).resolve().parents[1] / "plans"


class Clock:
    """The hub's wall clock, moved by the test (a clock jump is a plain assignment)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, year, month, day, hour, minute=0, second=0) -> None:
        self.now = datetime(year, month, day, hour, minute, second, tzinfo=OSLO).astimezone(timezone.utc)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def write_config(folder: Path, plan: str | None = None, on_call: str = "", extra: str = "") -> Path:
    path = folder / "hub.toml"
    plan_line = f'[care_plan]\nfile = "{plan}"\n' if plan else ""
    path.write_text(f'[resident]\nname = "Kari"\nlanguage = "nb"\n[hub]\nfullscreen = false\n{plan_line}'
                    f'[alarms]\non_call_number = "{on_call}"\n{extra}', encoding="utf-8")
    return path


def start_core(folder: Path, clock: Clock, heartbeat_s: float | None = None, **config) -> Core:
    cfg = load_config(write_config(folder, **config)).with_data_dir(folder / "data")
    core = Core(cfg, clock=clock, device_options={"retry_base": 0.05, "backoff_max": 0.3, "clock": clock},
                **({"heartbeat_s": heartbeat_s} if heartbeat_s else {}))
    core.start()
    return core


def wait_for(condition, timeout=10.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def wait_as_time_passes(condition, advance, timeout=10.0, what="the condition"):
    """Wait while the test's clock keeps moving (`advance` moves it a step), as a real one
    would: a frame the hub reads late moves its 'last heard' past a single jump."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        advance()
        time.sleep(0.05)


async def _store(core):
    return core.store


def store_rows(core, sql, *args):
    async def read():
        return [dict(row) for row in core.store.db.query(sql, args)]

    return core.call(read)


@contextmanager
def running_on_a_host(simulator):
    """A framed-device simulator running on a simulator host of its own; stopped, its
    pseudo-terminal closed and the host stopped afterwards."""
    from simulators.host import SimulatorHost

    host = SimulatorHost()
    host.run(simulator.start())
    try:
        yield host
    finally:
        host.run(simulator.stop())
        simulator.port.close()
        host.stop()
