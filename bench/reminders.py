"""Reminder timeliness and fall-to-alarm latency. Prints JSON.

- reminder_late_ms: how late each reminder is shown (the core announcing it, after
  its row and event are committed) against its scheduled wall-clock time, through the
  real APScheduler, LocalTimesTrigger and store: p50, p99, max. The plan is built with
  second-precise times (a plan file has minutes) so that many reminders fall within a
  minute or two.
- fall_to_alarm_ms: from a fall frame handed to the simulated sensor receiver on a
  pseudo-terminal to the alarm committed for sending (its row, event and outbox row in
  one transaction; the core announces it right after), with no countdown: p50, p99, max.

Targets: reminder_late p99 <= 100 ms; fall_to_alarm p99 <= 20 ms.
Usage: python bench/reminders.py [--reminders 120] [--falls 200] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import datetime, time as clock_time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from percentiles import figures  # noqa: E402  (bench/, the script's own folder)

from simulators.host import SimulatorHost  # noqa: E402
from simulators.pty import PtyPort  # noqa: E402
from simulators.receiver_sim import SensorReceiverSimulator  # noqa: E402
from hub_app.care_plan import CarePlan, Medication  # noqa: E402
from hub_app.config import load_config  # noqa: E402
from hub_app.messages import AlarmChanged  # noqa: E402
from hub_app.core import Core  # noqa: E402
from hub_app.messages import ReminderChanged  # noqa: E402

TARGET_REMINDER_P99_MS = 100.0
TARGET_FALL_P99_MS = 20.0
ZONE = "Europe/Oslo"
FALL_SENSOR = "00D4E5F6"


def start_core(folder: Path) -> Core:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "hub.toml"
    config.write_text(f'[resident]\ntime_zone = "{ZONE}"\n[alarms]\nfall_countdown_seconds = 0\n', encoding="utf-8")
    core = Core(load_config(config).with_data_dir(folder / "data"))
    core.start()
    return core


def reminders(folder: Path, count: int) -> list[float]:
    core = start_core(folder / "reminders")
    shown: dict[str, float] = {}
    done = threading.Event()

    def listen(message) -> None:
        if isinstance(message, ReminderChanged) and message.reminder.state == "due":
            shown[message.reminder.item_id] = time.time()
            if len(shown) >= count:
                done.set()

    core.subscribe(listen)
    zone = ZoneInfo(ZONE)
    first = datetime.now(zone).replace(microsecond=0) + timedelta(seconds=5)
    due: dict[str, datetime] = {}
    medications = []
    for i in range(count):
        at = first + timedelta(seconds=i // 2)  # two reminders each second
        item = f"m{i:03d}"
        due[item] = at
        medications.append(Medication(id=item, name=f"Medicine {i}", dose="", times=(clock_time(at.hour, at.minute, at.second),),
                                      window_minutes=60))
    try:
        core.call(core.plans.apply, CarePlan(version=1, medications=tuple(medications)), "bench", "bench")
        done.wait(count / 2 + 30)
    finally:
        core.stop()
    late = [(shown[item] - due[item].timestamp()) * 1000 for item in shown]
    if len(late) < count:
        raise SystemExit(f"only {len(late)} of {count} reminders were shown")
    return late


def falls(folder: Path, count: int) -> list[float]:
    host = SimulatorHost()
    receiver = SensorReceiverSimulator(PtyPort(folder / "ttyRX"), sensors={FALL_SENSOR: "fall"}, retry_base=0.05)
    host.run(receiver.start())
    core = start_core(folder / "falls")
    raised: list[float] = []
    arrived = threading.Condition()

    def listen(message) -> None:
        if isinstance(message, AlarmChanged) and message.alarm.state == "raised" and message.alarm.type == "fall":
            with arrived:
                raised.append(time.perf_counter())
                arrived.notify_all()

    core.subscribe(listen)
    latencies = []
    try:
        core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
        deadline = time.monotonic() + 15
        while not all(s.connected for s in core.call(core.serial.statuses)):
            if time.monotonic() > deadline:
                raise SystemExit("the receiver did not connect")
            time.sleep(0.02)
        for _ in range(count):
            with arrived:
                before = len(raised)
                sent = time.perf_counter()
                host.call(receiver.fall, FALL_SENSOR)
                if not arrived.wait_for(lambda: len(raised) > before, timeout=5):
                    raise SystemExit("a fall did not become an alarm")
                latencies.append((raised[-1] - sent) * 1000)
            time.sleep(0.005)
    finally:
        core.stop()
        host.run(receiver.stop())
        receiver.port.close()
        host.stop()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=120)
    parser.add_argument("--falls", type=int, default=200)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    folder.mkdir(parents=True, exist_ok=True)
    late = reminders(folder, args.reminders)
    fall = falls(folder, args.falls)
    result = {
        "reminders": len(late), "reminder_late_ms": figures(late),
        "falls": len(fall), "fall_to_alarm_ms": figures(fall),
        "targets": {"reminder_late_p99_ms": TARGET_REMINDER_P99_MS, "fall_to_alarm_p99_ms": TARGET_FALL_P99_MS},
    }
    result["met"] = {"reminder_late_p99_ms": result["reminder_late_ms"]["p99"] <= TARGET_REMINDER_P99_MS,
                     "fall_to_alarm_p99_ms": result["fall_to_alarm_ms"]["p99"] <= TARGET_FALL_P99_MS}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
