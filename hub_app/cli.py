"""The `welfare-hub` command line. Imports stay light (no Qt) until a window is needed."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from hub_app import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    # The path options work before or after the subcommand ("welfare-hub run --config X").
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                        help="configuration file (default: the platform's config folder, hub.toml)")
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="where the store and logs live (overrides the configuration)")

    parser = argparse.ArgumentParser(
        prog="welfare-hub",
        description="Welfare-technology hub for home care.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"welfare-hub {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser("run", parents=[common], help="start the hub (the resident's screen)")
    run.add_argument("--headless", action="store_true", help="run the core only, without any screen")

    check = commands.add_parser("check-config", help="validate a configuration file without starting")
    check.add_argument("file", type=Path, metavar="FILE")

    pin = commands.add_parser("set-pin", parents=[common], help="set the technician PIN (4 to 8 digits)")
    pin.add_argument("--stdin", action="store_true", help="read the PIN from standard input (for install scripts)")

    ble = commands.add_parser("ble", help="Bluetooth tools for technicians")
    ble_commands = ble.add_subparsers(dest="ble_command", metavar="TOOL", required=True)
    decode = ble_commands.add_parser("decode", help="decode what a device sent: a characteristic UUID and hex bytes")
    decode.add_argument("uuid", help="e.g. 2a35, 0x2A35 or 00002a35-0000-1000-8000-00805f9b34fb")
    decode.add_argument("hex", nargs="+", help="the bytes, e.g. 1E 79 00 51 00 5E 00")

    schedule = commands.add_parser("schedule", help="what the care plan gives, day by day")
    schedule_commands = schedule.add_subparsers(dest="schedule_command", metavar="TOOL", required=True)
    preview = schedule_commands.add_parser(
        "preview", parents=[common],
        help="print every reminder and check-in as JSON lines, with local and UTC times")
    preview.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE",
                         help="the first local day, e.g. 2026-10-24")
    preview.add_argument("--days", type=_days, default=1, metavar="N", help="how many days (1 to 366; default 1)")
    preview.add_argument("--plan", type=Path, metavar="FILE",
                         help="a plan file (TOML or JSON); default: the configured one, else the plan in force")

    commands.add_parser("settings", help="print every setting with its default and meaning")
    return parser


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-24") from None


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= 366:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 1 to 366")
    return days


def display_available() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return EXIT_FAILED


def _fail(message: str) -> int:
    print(f"welfare-hub: {message}", file=sys.stderr)
    return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    from hub_app.config import ConfigError

    if args.command == "settings":
        from hub_app.config import describe_settings

        print(describe_settings())
        return EXIT_OK
    if args.command == "ble":
        return _ble_decode(args.uuid, " ".join(args.hex))
    if args.command == "check-config":
        return _check_config(args.file)
    if args.command == "schedule":
        return _schedule_preview(args)

    from hub_app import startup
    from hub_app.store import StoreError

    if args.command == "run" and not args.headless and not display_available():
        return _fail("no display found (DISPLAY and WAYLAND_DISPLAY are unset). "
                     "Use 'welfare-hub run --headless', or set QT_QPA_PLATFORM.")
    try:
        config, recent = startup.prepare(getattr(args, "config", None), getattr(args, "data_dir", None))
    except ConfigError as exc:
        return _fail(str(exc))
    if args.command == "set-pin":
        return _set_pin(config, from_stdin=args.stdin)

    core = startup.build_core(config, recent)
    try:
        if args.headless:
            from hub_app.headless import run_headless

            return run_headless(core)
        from hub_app.ui.app import run_window

        return run_window(core)
    except StoreError as exc:
        return _fail(str(exc))


def _schedule_preview(args: argparse.Namespace) -> int:
    import json
    from zoneinfo import ZoneInfo

    from hub_app import startup
    from hub_app.care_plan import PlanError, load_plan_file, plan_from_json
    from hub_app.config import ConfigError
    from hub_app.schedule import occurrences
    from hub_app.store import stored_plan_document

    try:
        config = startup.load(getattr(args, "config", None), getattr(args, "data_dir", None))
    except ConfigError as exc:
        return _fail(str(exc))
    try:
        if args.plan is not None:
            plan = load_plan_file(args.plan)
        elif config.plan_file is not None:
            plan = load_plan_file(config.plan_file)
        else:
            document = stored_plan_document(config.data_dir / "hub.db")
            if document is None:
                return _fail("there is no care plan: give one with --plan FILE, or set [care_plan] file")
            plan = plan_from_json(document)
    except PlanError as exc:
        return _fail(str(exc))
    zone = ZoneInfo(config.resident.time_zone)
    for occurrence in occurrences(plan, args.start, args.days, zone):
        print(json.dumps(occurrence.as_json(), ensure_ascii=False))
    return EXIT_OK


def _ble_decode(uuid: str, hex_text: str) -> int:
    import json

    from drivers.ble.errors import BleCodecError
    from drivers.ble.registry import decode_hex_to_json

    try:
        print(json.dumps(decode_hex_to_json(uuid, hex_text), indent=2, ensure_ascii=False))
    except BleCodecError as exc:
        return _fail(str(exc))
    return EXIT_OK


def _check_config(path: Path) -> int:
    from hub_app.config import ConfigError, load_config
    from hub_app.startup import check_secrets

    try:
        config = load_config(path)
    except ConfigError as exc:
        return _fail(str(exc))
    problems = check_secrets(config)
    if problems:
        return _fail(str(ConfigError(str(path), problems)))
    pin_state = "set" if config.pin_file.exists() else "not set (run 'welfare-hub set-pin')"
    print(f"{path}: valid.")
    print(f"  language {config.resident.language}, time zone {config.resident.time_zone}, "
          f"larger text {'on' if config.resident.larger_text else 'off'}")
    print(f"  data directory {config.data_dir}")
    print(f"  technician PIN {pin_state} ({config.pin_file})")
    return EXIT_OK


def _set_pin(config, from_stdin: bool) -> int:
    from hub_app.store import AuditEntry, Store, StoreError
    from hub_app.technician import PinFormatError, set_pin

    if from_stdin:
        pin = sys.stdin.readline().strip()
    else:
        if not sys.stdin.isatty():
            return _fail("there is no terminal to ask for the PIN; give it on standard input with --stdin. "
                         "Nothing was changed.")
        try:
            pin = getpass.getpass("New technician PIN (4 to 8 digits): ")
            again = getpass.getpass("The same PIN again: ")
        except EOFError:
            return _fail("no PIN was given; nothing was changed.")
        if again != pin:
            return _fail("the two PINs differ; nothing was changed.")
    try:
        set_pin(config.pin_file, pin)
    except PinFormatError as exc:
        return _fail(f"{exc} Nothing was changed.")
    try:
        store = Store(config.data_dir / "hub.db")
        store.audit(AuditEntry("technician", "technician.pin_set"))
        store.close()
    except StoreError as exc:
        print(f"welfare-hub: warning: the PIN was set but not audited: {exc}", file=sys.stderr)
    print(f"Technician PIN set ({config.pin_file}, readable only by this user).")
    return EXIT_OK
