"""Keeping the hub's store able to write, and saying so when it cannot: the space
reserve and the low-space alarm, the store's health for the heartbeat and the status
line, and the retention rule (events older than the plan's days are deleted)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from hub_app.context import HubContext
from hub_app.screen_state import ScreenState
from hub_app.storage_space import StorageSpace
from hub_app.store import AuditEntry
from vocabulary import DeviceKind, Problem

log = logging.getLogger(__name__)


class StoreUpkeep:
    def __init__(self, ctx: HubContext, *, space: StorageSpace, screen: ScreenState,
                 space_low: Callable[[int], Awaitable[None]], tell_service_now: Callable[[], None]) -> None:
        self._ctx, self._space, self._screen = ctx, space, screen
        self._space_low = space_low  # the rule: a technical alarm
        self._tell_service_now = tell_service_now  # the heartbeat, at once
        self._trouble: tuple[str, datetime] | None = None  # why the store cannot write, since when
        self._forgot_on: date | None = None

    def problem(self, problem: str | None) -> None:
        """The store stopped (a problem) or started again (None) being able to write."""
        if problem == "busy" or (problem is None and self._trouble is None):
            return  # a lock held too long and then let go: tried again, nothing to tell
        if problem == "full" and self._space.release_reserve():
            self._ctx.wake()  # what was refused is tried again now, in the space freed
        if problem is None:
            log.warning("The hub's store can write again")
            self._trouble = None
            self._screen.apply_problems({DeviceKind.HUB: None})
        else:
            if self._trouble is None:
                log.error("The hub's store cannot write (%s): alarms are held in memory and sent all the same", problem)
                self._trouble = (problem, self._ctx.clock())
            self._screen.apply_problems({DeviceKind.HUB: Problem(DeviceKind.HUB, "cannot_store")})
        self._tell_service_now()

    def health(self) -> dict[str, Any]:
        """What the heartbeat tells the care service of the store: "ok", "low" (free space
        below the mark) or "cannot_store" (with why and since when); never any content."""
        health: dict[str, Any] = {"state": "ok", "free_mb": self._space.free_bytes() // 1_000_000}
        if self._trouble is not None:
            problem, since = self._trouble
            health.update(state="cannot_store", problem=problem, since=since.isoformat())
        elif self._space.low():
            health["state"] = "low"
        return health

    async def look(self) -> None:
        """Free space below the mark is a technical alarm while there is still room to
        store it; above it, the reserve is made again. Once a day, the retention rule."""
        if self._space.low():
            await self._space_low(self._space.free_bytes())
        else:
            self._space.keep_reserve()
        today = self._ctx.today()
        if self._forgot_on != today:
            self._forgot_on = today
            self.forget_old()

    def forget_old(self) -> int:
        keep_days = self._ctx.config.privacy.keep_days
        cutoff = self._ctx.clock() - timedelta(days=keep_days)
        store = self._ctx.store
        removed = store.forget_before(cutoff)
        if removed:
            store.audit(AuditEntry("system", "retention.deleted", detail={"events": removed,
                                                                          "before": cutoff.isoformat()}))
            log.info("Retention: %d event(s) older than %d days deleted", removed, keep_days)
        return removed
