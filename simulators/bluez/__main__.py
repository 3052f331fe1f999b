"""Run the BlueZ stand-in by hand: ``python -m simulators.bluez [SCRIPT]``.

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
import time
from collections.abc import Callable
from pathlib import Path

from simulators.bluez import health_kinds
from simulators.bluez.script import (
    ACTIONS,
    SCRIPTS,
    Script,
    ScriptError,
    load_script,
    parse_step,
    run_script,
    run_step,
    start_script,
)


def _value(text: str) -> object:
    """A typed value as a script would have it: true/false, numbers, "60,62,64" a list."""
    lowered = text.lower()
    if lowered in ("true", "on", "yes"):
        return True
    if lowered in ("false", "off", "no"):
        return False
    if "," in text:
        return [_value(part) for part in text.split(",")]
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text


def _help(script: Script) -> list[str]:
    lines = [f"  {action} {' '.join(f'{k}=' for k in params)}" for action, params in ACTIONS.items()]
    for peripheral, _ in script.peripherals:
        kind = health_kinds.kind_of(peripheral)
        if kind is not None:
            for action, params in kind.does(health_kinds.unit_of(peripheral)).items():
                lines.append(f"  {action} peripheral={peripheral.address} {' '.join(f'{k}=' for k in params)}"
                             f"   ({kind.name})")
    return lines


def _printer(timestamps: bool) -> Callable[[str], None]:
    # the script's thread and the typed steps both say things: print() writes the text and
    # its newline apart, so two threads could run their lines together; one write per line
    lock = threading.Lock()

    def say(text: str) -> None:
        if timestamps:
            # CLOCK_MONOTONIC, which every process on the machine shares: another program
            # (a benchmark) can line its own time.monotonic() up with these lines
            text = f"[{time.monotonic():.6f}] {text}"
        with lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    return say


def _play(script: Script, standin, say: Callable[[str], None], stop: threading.Event, failed: threading.Event) -> None:
    try:
        run_script(script, standin, say=say, stop=stop)
    except ScriptError as problem:
        failed.set()
        print(f"stopped: {problem}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.bluez", description=__doc__.split("\n\n")[0])
    parser.add_argument("script", nargs="?", type=Path, default=SCRIPTS / "home.toml",
                        help="peripherals and steps (TOML; see simulators/bluez/script.py)")
    parser.add_argument("--bus", metavar="ADDRESS", help="serve on this D-Bus instead of a private one")
    parser.add_argument("--no-adapter", action="store_true", help="no Bluetooth adapter at all")
    parser.add_argument("--powered-off", action="store_true", help="the adapter is switched off")
    parser.add_argument("--exit", action="store_true", help="stop when the script's steps are done")
    parser.add_argument("--timestamps", action="store_true",
                        help="begin each line with the monotonic clock's seconds (to line it up with another program)")
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
    say = _printer(args.timestamps)
    print(f"BlueZ stand-in on {standin.address}")
    print(f"export DBUS_SYSTEM_BUS_ADDRESS='{standin.address}'", flush=True)
    for peripheral, paired in script.peripherals:
        kind = health_kinds.kind_of(peripheral)
        print(f"  {peripheral.address}  {peripheral.name or '(no name)'}{f'  ({kind.name})' if kind else ''}"
              f"{'  (paired)' if paired else ''}", flush=True)
    stop, failed = threading.Event(), threading.Event()
    player = threading.Thread(target=_play, args=(script, standin, say, stop, failed), name="bluez-script",
                              daemon=True)
    player.start()
    try:
        if args.exit:
            player.join()
            return 1 if failed.is_set() else 0
        for line in sys.stdin:
            words = shlex.split(line)
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                break
            if words[0] == "help":
                say("\n".join(_help(script)))
                continue
            try:
                table = {"do": words[0], **{k: _value(v) for k, v in (w.split("=", 1) for w in words[1:])}}
                step = parse_step(table, "input", {p.address: p for p, _ in script.peripherals})
                run_step(step, standin, say=say)
            except (ScriptError, ValueError, KeyError, StopIteration) as problem:
                say(f"? {problem or 'no such peripheral'}")
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
