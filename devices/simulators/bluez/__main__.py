"""Run the BlueZ stand-in by hand: ``python -m devices.simulators.bluez [SCRIPT]``.

It starts a private bus, serves org.bluez on it with the script's peripherals
(default: scripts/home.toml, a blood-pressure cuff and a heart-rate strap), prints
the line to give the hub (``export DBUS_SYSTEM_BUS_ADDRESS=...``), plays the
script's steps, and then takes more steps typed on standard input, one per line in
the form ``ACTION key=value ...`` (for instance
``notify peripheral=C4:7C:8D:6A:1B:01 characteristic=2A35 hex=1E79...``,
``power on=false``, ``go_away peripheral=C4:7C:8D:6A:1B:01``; ``help`` lists them).
Stop it with Ctrl-C or ``quit``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import threading
from pathlib import Path

from devices.simulators.bluez.script import (
    ACTIONS,
    SCRIPTS,
    ScriptError,
    load_script,
    parse_step,
    run_script,
    run_step,
    start_script,
)


def _value(text: str) -> object:
    lowered = text.lower()
    if lowered in ("true", "on", "yes"):
        return True
    if lowered in ("false", "off", "no"):
        return False
    try:
        return int(text)
    except ValueError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.simulators.bluez", description=__doc__.split("\n\n")[0])
    parser.add_argument("script", nargs="?", type=Path, default=SCRIPTS / "home.toml",
                        help="peripherals and steps (TOML; see devices/simulators/bluez/script.py)")
    parser.add_argument("--bus", metavar="ADDRESS", help="serve on this D-Bus instead of a private one")
    parser.add_argument("--no-adapter", action="store_true", help="no Bluetooth adapter at all")
    parser.add_argument("--powered-off", action="store_true", help="the adapter is switched off")
    parser.add_argument("--exit", action="store_true", help="stop when the script's steps are done")
    args = parser.parse_args(argv)

    try:
        script = load_script(args.script)
    except ScriptError as problem:
        print(problem, file=sys.stderr)
        return 2
    if args.no_adapter:
        script.adapter = False
    if args.powered_off:
        script.powered = False
    standin = start_script(script, bus_address=args.bus)
    print(f"BlueZ stand-in on {standin.address}")
    print(f"export DBUS_SYSTEM_BUS_ADDRESS='{standin.address}'", flush=True)
    for peripheral, paired in script.peripherals:
        print(f"  {peripheral.address}  {peripheral.name or '(no name)'}{'  (paired)' if paired else ''}")
    stop = threading.Event()
    player = threading.Thread(target=run_script, args=(script, standin),
                              kwargs={"say": lambda text: print(text, flush=True), "stop": stop},
                              name="bluez-script", daemon=True)
    player.start()
    try:
        if args.exit:
            player.join()
            return 0
        for line in sys.stdin:
            words = shlex.split(line)
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                break
            if words[0] == "help":
                for action, params in ACTIONS.items():
                    print(f"  {action} {' '.join(f'{k}=' for k in params)}", flush=True)
                continue
            try:
                table = {"do": words[0], **{k: _value(v) for k, v in (w.split("=", 1) for w in words[1:])}}
                step = parse_step(table, "input")
                if "peripheral" in step.args:
                    standin.peripheral(step.args["peripheral"])
                run_step(step, standin, say=lambda text: print(text, flush=True))
            except (ScriptError, ValueError, KeyError, StopIteration) as problem:
                print(f"? {problem or 'no such peripheral'}", flush=True)
        else:
            if not sys.stdin.isatty():
                stop.wait()  # stdin closed (not a terminal): keep serving until Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
