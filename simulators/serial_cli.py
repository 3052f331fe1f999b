"""`welfare-simulate dispenser|sensors|modem` (or `python -m simulators`): one simulated
device on a pseudo-terminal, so that a technician can try the hub (or a serial terminal)
without hardware. Prints the port's path, then what the device does, until Ctrl-C or
SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from simulators.modem_sim import ModemSimulator
from simulators.pty import LinkError, PtyPort, check_link
from simulators.script import ScriptError, load_script, make_simulator, run_script

DEVICES = ("dispenser", "sensors", "modem")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="welfare-simulate",
                                     description="Run a simulated serial device and print its port's path.")
    parser.add_argument("device", choices=DEVICES)
    parser.add_argument("--script", type=Path, metavar="FILE", help="a scenario to play (docs/simulators.md)")
    parser.add_argument("--link", type=Path, metavar="PATH", help="a stable path for the port, like a udev name")
    parser.add_argument("--state", type=Path, metavar="FILE",
                        help="keep the device's numbering and unsent events here, across restarts")
    parser.add_argument("--exit", action="store_true", help="stop when the script has run")
    args = parser.parse_args(argv)
    return run_simulator(args.device, args.script, args.link, args.state, args.exit)


def run_simulator(device: str, script_path: Path | None, link: Path | None, state: Path | None, stop_after_script: bool) -> int:
    try:
        script = load_script(script_path) if script_path else None
    except ScriptError as exc:
        print(f"welfare-simulate: error: {exc}", file=sys.stderr)
        return 2
    if script is not None and {"dispenser": "dispenser", "sensors": "sensor_receiver", "modem": "gsm_modem"}[device] \
            != script.device:
        print(f"welfare-simulate: error: {script_path} is a script for a {script.device}, not for {device}", file=sys.stderr)
        return 2
    if link is not None:
        try:
            check_link(link)
        except LinkError as exc:
            print(f"welfare-simulate: error: {exc}", file=sys.stderr)
            return 2
    try:
        return asyncio.run(_serve(device, script, link, state, stop_after_script))
    except KeyboardInterrupt:
        return 0


async def _serve(device, script, link, state, stop_after_script) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    port = PtyPort(link)
    if device == "modem":
        simulator = ModemSimulator(port, on_sms=lambda sms: print(f"SMS to {sms.number} ({sms.encoding}): {sms.text}", flush=True))
        simulator.start(loop)
        print(f"modem {simulator.imei} on {port.path}", flush=True)
    else:
        simulator = make_simulator(script or device, port, state_file=state)
        await simulator.start()
        print(f"{simulator.kind} {simulator.serial} on {port.path}", flush=True)
    try:
        if script is not None:
            zone = ZoneInfo(script.time_zone)
            running = asyncio.create_task(run_script(script, simulator, on_step=lambda step, when: print(
                f"{when.astimezone(zone):%H:%M:%S} step {step.number}: {step.describe()}", flush=True)))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if running.done():
                running.result()
            else:
                running.cancel()
        if not (stop_after_script and script is not None):
            await stop.wait()
    except ScriptError as exc:
        print(f"welfare-simulate: error: {exc}", file=sys.stderr)
        return 1
    finally:
        stopped = simulator.stop()  # the modem's stop is plain, a framed device's a coroutine
        if asyncio.iscoroutine(stopped):
            await stopped
        port.close()
    return 0
