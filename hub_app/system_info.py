"""Real figures for the technician's system page."""

from __future__ import annotations

import platform
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SystemFigures:
    version: str
    data_dir: Path
    database: Path
    database_bytes: int
    schema_version: int
    events_stored: int
    free_disk_bytes: int
    time_zone: str
    local_time: datetime
    hub_uptime_s: float
    system_uptime_s: float | None
    python: str
    log_lines: list[str]
    # The latest time the hub started on a fresh store in place of a damaged or lost one
    # (what, reason, set_aside, restored, at), None if never: the technician's page says it.
    store_incident: dict | None = None
    # How the hub speaks in the resident's language (speech_status), "" when not asked.
    speech: str = ""


def system_uptime() -> float | None:
    try:
        return float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def collect(*, version: str, data_dir: Path, store, time_zone: str, started_monotonic: float, log_lines: list[str],
            language: str | None = None) -> SystemFigures:
    from hub_app.speech import speech_status
    from hub_app.store_recovery import last_incident

    return SystemFigures(
        version=version,
        data_dir=data_dir,
        database=store.path,
        database_bytes=store.size_bytes(),
        schema_version=store.schema_version,
        events_stored=store.count("events"),
        free_disk_bytes=shutil.disk_usage(data_dir).free,
        time_zone=time_zone,
        local_time=datetime.now(ZoneInfo(time_zone)),
        hub_uptime_s=time.monotonic() - started_monotonic,
        system_uptime_s=system_uptime(),
        python=platform.python_version(),
        log_lines=log_lines,
        store_incident=last_incident(store),
        speech=speech_status(language, shutil.which("espeak-ng") or "") if language else "",
    )



def human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def human_duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {minutes} min"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s"
