"""Bluetooth reading benchmark, through real bleak and the BlueZ stand-in. Prints JSON.

- latency_ms: from the moment a simulated pulse sensor sends a value (the stand-in
  turns it into a D-Bus PropertiesChanged) to the moment the hub has committed the
  reading to its store (the core announces it right after the commit): p50, p99.
- core_cpu_percent: CPU used by the hub's core thread (where bleak, the store and all
  device handling run) while the pulse sensor notifies once a second, as a share of
  one core. The stand-in runs in its own thread and is not counted.

Targets: latency p99 <= 50 ms; core CPU <= 2 % of a core.
Usage: python bench/ble_readings.py [--samples 200] [--minutes 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.simulators.bluez import BluezStandin  # noqa: E402
from devices.simulators.health_peripherals import PulseSensor  # noqa: E402
from hub_app.config import HubConfig  # noqa: E402
from hub_app.core import Core, EventRecorded  # noqa: E402

TARGETS = {"latency_p99_ms": 50.0, "core_cpu_percent": 2.0}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def thread_cpu(thread: threading.Thread) -> float:
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args()

    standin = BluezStandin()
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = standin.start()
    sensor = standin.add(PulseSensor(), paired=True)
    with tempfile.TemporaryDirectory(prefix="welfare-hub-bench-") as tmp:
        core = Core(HubConfig().with_data_dir(Path(tmp)))
        stored = threading.Event()
        committed: list[int] = []

        def on_message(message) -> None:
            if isinstance(message, EventRecorded) and message.event.type == "heart_rate":
                committed.append(time.perf_counter_ns())
                stored.set()

        core.subscribe(on_message)
        core.start()
        try:
            core.call(core.ble_pair, sensor.address, "pulse", timeout=60)
            if not sensor.wait_until(lambda p: p.subscribed("2A37"), 30):
                raise SystemExit("the hub did not subscribe to the pulse sensor")
            time.sleep(0.5)
            latencies = []
            for index in range(args.samples):
                stored.clear()
                sent = time.perf_counter_ns()
                sensor.beat(40 + index % 200)  # values differ, so none is taken for a repeat
                if not stored.wait(5):
                    raise SystemExit(f"reading {index} was not stored")
                latencies.append((committed[-1] - sent) / 1e6)
                time.sleep(0.02)

            core_thread = next(t for t in threading.enumerate() if t.name == "hub-core")
            before, started = thread_cpu(core_thread), time.monotonic()
            end = started + args.minutes * 60
            beats = 0
            while time.monotonic() < end:
                sensor.beat(60 + beats % 40)
                beats += 1
                time.sleep(1.0)
            used, elapsed = thread_cpu(core_thread) - before, time.monotonic() - started
        finally:
            core.stop()
            standin.stop()
    figures = {
        "samples": args.samples,
        "latency_ms": {"p50": round(statistics.median(latencies), 2), "p99": round(percentile(latencies, 0.99), 2),
                       "max": round(max(latencies), 2)},
        "notify_seconds": round(elapsed, 1),
        "notifications": beats,
        "core_cpu_percent": round(100 * used / elapsed, 3),
        "targets": TARGETS,
    }
    figures["met"] = {"latency_p99_ms": figures["latency_ms"]["p99"] <= TARGETS["latency_p99_ms"],
                      "core_cpu_percent": figures["core_cpu_percent"] <= TARGETS["core_cpu_percent"]}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
