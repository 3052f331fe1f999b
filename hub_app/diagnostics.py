"""What the technician's system page shows: the hub's figures, its recent log lines and
the last events it stored."""

from __future__ import annotations

import time

from hub_app import __version__, system_info
from hub_app.context import HubContext
from hub_app.logs import RecentLines
from vocabulary import Event


class Diagnostics:
    def __init__(self, ctx: HubContext, recent_logs: RecentLines, started_monotonic: float | None = None) -> None:
        self._ctx, self._recent_logs = ctx, recent_logs
        self.started_monotonic = time.monotonic() if started_monotonic is None else started_monotonic

    async def figures(self) -> system_info.SystemFigures:
        return system_info.collect(version=__version__, data_dir=self._ctx.config.data_dir, store=self._ctx.store,
                                   time_zone=self._ctx.zone, started_monotonic=self.started_monotonic,
                                   log_lines=self._recent_logs.last(15))

    async def recent_events(self, limit: int = 20) -> list[Event]:
        return self._ctx.store.events(limit=limit)
