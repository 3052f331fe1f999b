"""A hub that syncs with the care service, in a process of its own: for the test that
kills it with SIGKILL in the middle of a batch (tests/test_sync_faults.py).

    python tests/helpers/sync_hub.py CONFIG DATA_DIR [READINGS [ALARMS]]

It starts the hub's core from CONFIG on DATA_DIR, puts READINGS heart-rate readings and
then ALARMS help alarms into its outbox (none: it goes on with what the outbox holds),
prints "filled", and syncs until it is killed (SIGTERM stops it cleanly).
"""

from __future__ import annotations

import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

from hub_app.config import load_config
from hub_app.core import Core
from vocabulary import Event, EventKind, utc_now


def main() -> None:
    config = load_config(Path(sys.argv[1])).with_data_dir(Path(sys.argv[2]))
    readings = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    alarms = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    core = Core(config)
    core.start()

    async def fill() -> None:
        store = core.store
        start = utc_now() - timedelta(seconds=readings)
        for number in range(readings):  # one a second, as a monitor would send them
            event = Event(EventKind.READING, "heart_rate", "ble:C4:7C:8D:6A:1B:02", start + timedelta(seconds=number),
                          {"heart_rate": 60 + number % 30})
            store.record_event(event, outbox_priority=core.rules.outbox_priority(event))

    core.call(fill, timeout=300)
    for _ in range(alarms):
        core.call(core.rules.help_pressed, "screen")  # wakes the sender: alarms first, then the readings
    print("filled", flush=True)
    stop.wait()
    core.stop()


if __name__ == "__main__":
    main()
