"""Serial event latency benchmark. Prints JSON.

- latency_ms: from the moment the last byte of a device's event frame is written on
  the pseudo-terminal to the moment the hub has committed that event to its store
  (the core announces it right after the commit), for events sent one at a time as a
  device does (stop and wait): p50, p99, max.
- commit_ms: the cost of one committed write (one event, synchronous=FULL) on the same
  disk, measured in the same run: the floor the latency stands on.
- ratio_p99: latency p99 / commit p99.
- frames_per_s: frames read and decoded per second by the codec alone (FrameReader
  and from_frame over a long byte stream).

Targets: latency p99 <= 20 ms and <= 3 x the commit p99.
Usage: python bench/serial_events.py [--events 500] [--dir DIR]
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
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from percentiles import percentile  # noqa: E402  (bench/, the script's own folder)

from simulators.pty import PtyPort  # noqa: E402
from drivers.serial.framing import Frame, FrameReader, encode_frame  # noqa: E402
from drivers.serial.messages import from_frame  # noqa: E402
from hub_app.config import HubConfig  # noqa: E402
from hub_app.core import Core  # noqa: E402
from hub_app.messages import EventRecorded  # noqa: E402
from hub_app.store import Store  # noqa: E402
from vocabulary import Event, EventKind  # noqa: E402

TARGET_P99_MS = 20.0
TARGET_RATIO = 3.0
HELLO = Frame(0, "HELLO", {"kind": "dispenser", "model": "BENCH", "serial": "B0001", "fw": "1", "proto": "1",
                           "epoch": "0000BEEF", "hb": "300"})


class Device(threading.Thread):
    """The device end: answers the hub's HELLO and commands, and waits for ACKs."""

    def __init__(self, port: PtyPort) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.reader = FrameReader()
        self.acked: set[int] = set()
        self.changed = threading.Condition()
        self.running = True

    def run(self) -> None:
        fd = self.port.master_fd
        while self.running:
            try:
                data = os.read(fd, 4096)
            except BlockingIOError:
                time.sleep(0.0005)
                continue
            except OSError:
                return
            for frame in self.reader.feed(data):
                if frame.type == "HELLO":
                    os.write(fd, encode_frame(HELLO))
                elif frame.type == "ACK":
                    with self.changed:
                        self.acked.add(int(frame.fields["ref"]))
                        self.changed.notify_all()
                elif frame.seq:
                    os.write(fd, encode_frame(Frame(0, "ACK", {"ref": str(frame.seq)})))

    def wait_ack(self, seq: int, timeout: float = 5.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: seq in self.acked, timeout):
                raise TimeoutError(f"no ACK for {seq}")


def hub_latency(folder: Path, count: int) -> list[float]:
    port = PtyPort(folder / "dispenser")
    device = Device(port)
    device.start()
    core = Core(HubConfig().with_data_dir(folder / "hub"))
    committed: dict[str, int] = {}
    arrived = threading.Event()

    def on_message(message) -> None:
        if isinstance(message, EventRecorded) and message.event.kind == EventKind.DEVICE:
            committed[message.event.data["left"]] = time.perf_counter_ns()
            arrived.set()

    core.subscribe(on_message)
    core.start()
    try:
        core.call(core.serial.assign, port.path, "dispenser")
        deadline = time.monotonic() + 10
        while not core.call(core.serial.statuses)[0].connected:
            if time.monotonic() > deadline:
                raise SystemExit("the hub did not connect to the bench device")
            time.sleep(0.01)
        time.sleep(0.5)  # the hub's set-up commands (TIME) are done
        latencies = []
        for seq in range(1, count + 1):
            data = encode_frame(Frame(seq, "LOW_STOCK", {"left": str(seq)}))
            arrived.clear()
            os.write(port.master_fd, data)
            written = time.perf_counter_ns()
            device.wait_ack(seq)
            if not arrived.wait(5):
                raise SystemExit(f"event {seq} was not committed")
            latencies.append((committed[seq] - written) / 1e6)
        return latencies
    finally:
        core.stop()
        device.running = False
        port.close()


def commit_cost(folder: Path, count: int) -> list[float]:
    store = Store(folder / "baseline.db")
    try:
        costs = []
        for index in range(count):
            event = Event(EventKind.DEVICE, "low_stock", "dispenser:B0001", datetime.now(timezone.utc), {"left": index})
            start = time.perf_counter_ns()
            store.record_event(event)
            costs.append((time.perf_counter_ns() - start) / 1e6)
        return costs
    finally:
        store.close()


def parse_rate(count: int = 50_000) -> float:
    frames = [encode_frame(Frame(seq, "DOSE_TAKEN", {"comp": str(seq % 28 + 1), "at": "20261123T070200Z",
                                                    "due": "20261123T070000Z"})) for seq in range(1, count + 1)]
    stream = b"".join(frames)
    start = time.perf_counter()
    reader = FrameReader()
    decoded = [from_frame(frame) for chunk in range(0, len(stream), 4096) for frame in reader.feed(stream[chunk:chunk + 4096])]
    elapsed = time.perf_counter() - start
    assert len(decoded) == count
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--dir", type=Path, help="where the stores go (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="welfare-hub-bench-", dir=args.dir) as tmp:
        folder = Path(tmp)
        commits = commit_cost(folder, args.events)
        latencies = hub_latency(folder, args.events)
    figures = {
        "events": args.events,
        "latency_ms": {"p50": round(statistics.median(latencies), 3), "p99": round(percentile(latencies, 0.99), 3),
                       "max": round(max(latencies), 3)},
        "commit_ms": {"p50": round(statistics.median(commits), 3), "p99": round(percentile(commits, 0.99), 3)},
        "frames_per_s": round(parse_rate()),
    }
    figures["ratio_p99"] = round(figures["latency_ms"]["p99"] / figures["commit_ms"]["p99"], 2)
    figures["targets"] = {"latency_p99_ms": TARGET_P99_MS, "ratio_p99": TARGET_RATIO}
    figures["met"] = {"latency_p99_ms": figures["latency_ms"]["p99"] <= TARGET_P99_MS,
                      "ratio_p99": figures["ratio_p99"] <= TARGET_RATIO}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
