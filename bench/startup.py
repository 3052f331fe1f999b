"""Start-up benchmark for the resident's screen. Prints JSON.

- first_frame_s: seconds from just before the process is spawned to the first painted
  frame of the home screen (the hub logs the monotonic time of that paint; Linux's
  monotonic clock is shared between processes). The first run also compiles the
  translations into an empty cache and is reported on its own.
- rss_mb: resident set size of the hub a few seconds after start.
- idle_cpu_percent: CPU used by the whole hub process (all threads) while idle on its
  home screen, as a percentage of one core.

Targets on a 2-core machine: first frame <= 1.0 s, RSS <= 150 MB, idle CPU <= 0.5 %.
Usage: python bench/startup.py [--runs 5] [--idle-seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAINTED = re.compile(r"First frame of the home screen painted \(monotonic ([0-9.]+)")
TARGETS = {"first_frame_s": 1.0, "rss_mb": 150.0, "idle_cpu_percent": 0.5}


def start_hub(workdir: Path, cache: Path):
    workdir.mkdir(parents=True)
    config = workdir / "hub.toml"
    config.write_text('[resident]\nname = "Kari"\nlanguage = "nb"\n[hub]\nfullscreen = false\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(cache),
               XDG_CONFIG_HOME=str(workdir / "config"), PYTHONPATH=str(ROOT))
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "hub_app", "run", "--config", str(config), "--data-dir", str(workdir / "data")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )
    painted: list[float] = []
    lines: list[str] = []

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            match = PAINTED.search(line)
            if match:
                painted.append(float(match.group(1)))

    threading.Thread(target=read, daemon=True).start()
    deadline = started + 60
    while not painted:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("the hub did not paint its home screen:\n" + "".join(lines))
        time.sleep(0.005)
    return process, painted[0] - started


def stop_hub(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    if process.wait(timeout=30) != 0:
        raise SystemExit(f"the hub exited with {process.returncode} on SIGTERM")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="welfare-hub-bench-") as tmp:
        tmp_path = Path(tmp)
        cache = tmp_path / "cache"
        first_start = None
        times = []
        for run in range(args.runs + 1):
            process, seconds = start_hub(tmp_path / f"run{run}", cache)
            if run == 0:
                first_start = seconds
            else:
                times.append(seconds)
            if run < args.runs:
                stop_hub(process)
        # The last run stays up for the memory and idle measurements.
        time.sleep(3)
        rss = rss_mb(process.pid)
        before, t0 = cpu_seconds(process.pid), time.monotonic()
        time.sleep(args.idle_seconds)
        used, elapsed = cpu_seconds(process.pid) - before, time.monotonic() - t0
        stop_hub(process)

    figures = {
        "first_frame_s": round(max(times), 3),
        "first_frame_median_s": round(statistics.median(times), 3),
        "first_frame_runs_s": [round(t, 3) for t in times],
        "first_frame_first_start_s": round(first_start, 3),
        "rss_mb": round(rss, 1),
        "idle_cpu_percent": round(100 * used / elapsed, 3),
        "idle_seconds": round(elapsed, 1),
        "cpu_tick_s": round(1 / os.sysconf("SC_CLK_TCK"), 3),
        "targets": TARGETS,
    }
    figures["met"] = {key: figures[key] <= limit for key, limit in TARGETS.items()}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
