"""A hub that dies with SIGKILL at the worst moment: it has stored a device's alarm
event (and acknowledged it to the device, which stops repeating it) and has not yet
raised the alarm. For tests/test_alarm_durability.py and bench/faults.py.

    python tests/helpers/dies_reacting.py CONFIG DATA_DIR [RECEIVER_PORT]

It starts the hub's core from CONFIG on DATA_DIR (logging as the hub does, to
stderr), assigns the sensor receiver on RECEIVER_PORT if one is given and none is
assigned, prints "ready" when its devices are connected, and kills itself the moment it
begins to react to an alarm event.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hub_app.config import load_config  # noqa: E402
from hub_app.core import Core  # noqa: E402
from hub_app.logs import setup_logging  # noqa: E402
from hub_app.rules import Rules  # noqa: E402
from vocabulary import EventKind  # noqa: E402

react = Rules.react


async def die_before_reacting(self: Rules, event) -> None:
    if event.kind == EventKind.ALARM:
        os.kill(os.getpid(), signal.SIGKILL)
    await react(self, event)


def main() -> None:
    Rules.react = die_before_reacting
    config = load_config(Path(sys.argv[1])).with_data_dir(Path(sys.argv[2]))
    setup_logging("info", None)
    core = Core(config, device_options={"retry_base": 0.05, "backoff_max": 0.3})
    core.start()
    if len(sys.argv) > 3 and not core.call(core.serial.statuses):
        core.call(core.serial.assign, sys.argv[3], "sensor_receiver")
    deadline = time.monotonic() + 20
    while not all(status.connected for status in core.call(core.serial.statuses)):
        if time.monotonic() > deadline:
            sys.exit("the devices did not connect")
        time.sleep(0.05)
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
