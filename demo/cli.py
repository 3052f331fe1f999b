"""`welfare-demo` (or `python -m demo`): start the simulated home."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from hub_app.cli import display_available
from hub_app.config import LANGUAGE_NAMES, LANGUAGES


def shows_a_screen() -> bool:
    """A display a person looks at: Qt's offscreen and minimal platforms draw nowhere (a
    windowed demo there would play in real time, for ever, unseen)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    return display_available() and platform not in ("offscreen", "minimal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="welfare-demo",
                                     description="Start a simulated home with its own data: the hub, a care "
                                                 "service and simulated devices.")
    parser.add_argument("--offscreen", action="store_true",
                        help="run the scripted scenario offscreen even when a display exists")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="folder for the screenshots (default: inside the demo's data folder)")
    parser.add_argument("--language", choices=LANGUAGES, default="nb",
                        help="the resident's language: " + ", ".join(f"{code} ({name})" for code, name in
                                                                      LANGUAGE_NAMES.items()) + "; default nb")
    args = parser.parse_args(argv)
    from demo.run import run_demo

    try:
        return run_demo(offscreen=args.offscreen or not shows_a_screen(), screenshots=args.screenshots,
                        language=args.language)
    except KeyboardInterrupt:
        return 1
