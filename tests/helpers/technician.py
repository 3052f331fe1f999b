"""The technician's visit, for a hub that will then run as `welfare-hub run --headless`
(which has no technician's pages): start the hub's core on CONFIG and DATA_DIR, assign
each serial port and pair each Bluetooth device exactly as the technician's pages do
(the port must answer the handshake; the device must connect, bond and show its
service), then stop the core cleanly. What it did is printed as one JSON line.

    python tests/helpers/technician.py CONFIG DATA_DIR [--serial PATH=KIND ...] [--ble ADDRESS=PROFILE ...]

KIND is dispenser, sensor_receiver or gsm_modem; PROFILE a Bluetooth health profile
(blood_pressure, glucose, ...). The assignments and pairings are kept in the hub's
store, so the hub started afterwards on DATA_DIR runs these devices by itself.
Exit status 1 when a device was not taken (the reason is printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hub_app.config import load_config  # noqa: E402
from hub_app.core import Core  # noqa: E402


def _pairs(values: list[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        left, sep, right = value.rpartition("=")
        if not sep or not left or not right:
            raise SystemExit(f"technician: {what} must be given as X=Y, not {value!r}")
        pairs.append((left, right))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--serial", action="append", default=[], metavar="PATH=KIND")
    parser.add_argument("--ble", action="append", default=[], metavar="ADDRESS=PROFILE")
    args = parser.parse_args()
    core = Core(load_config(args.config).with_data_dir(args.data_dir))
    core.start()
    done: dict[str, dict[str, str]] = {"serial": {}, "ble": {}}
    try:
        for port, kind in _pairs(args.serial, "--serial"):
            identity = core.call(core.serial.assign, port, kind, timeout=60)
            done["serial"][port] = f"{kind} {identity.model} {identity.serial}"
        for address, profile in _pairs(args.ble, "--ble"):
            done["ble"][address] = core.call(core.ble.pair, address, profile, timeout=90)
    except Exception as exc:  # said plainly, as the technician's message line says it
        print(f"technician: not taken: {exc}", file=sys.stderr)
        return 1
    finally:
        core.stop()
    print(json.dumps(done), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
