"""Delivering the outbox to the care service: alarms first, readings in batches, each
resource created once however often it is sent.

The sender does not own the outbox (the hub's store does); it is given three calls:
`next_batch()` (the highest-priority pending items, each with its FHIR resources),
`delivered(ids)` and `dead(id, reason)`. It runs on the hub's asyncio loop and does
the blocking HTTP in a worker thread. After a failure it waits with exponential
backoff and jitter (or as long as the service's Retry-After says), and it reports the
link's state (reachable, or since when not, and why) after every attempt.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sync.client import CareServiceClient, CredentialRefused, Retry
from sync.fhir_mapping import batch

log = logging.getLogger(__name__)

BACKOFF_FIRST_S, BACKOFF_MAX_S = 1.0, 300.0
CREDENTIAL_RETRY_S = 600.0  # a refused credential is tried again rarely: a person has to fix it


@dataclass(frozen=True)
class OutboxItem:
    id: int
    priority: int
    resources: tuple[dict[str, Any], ...]  # one event may be more than one resource (a reading and its pulse)


@dataclass(frozen=True)
class LinkReport:
    reachable: bool
    reason: str = ""
    since: datetime | None = None  # unreachable since
    delivered: int = 0


@dataclass
class Sender:
    client: CareServiceClient
    next_batch: Callable[[], list[OutboxItem]]
    delivered: Callable[[list[int]], None]
    dead: Callable[[int, str], None]
    report: Callable[[LinkReport], None] = lambda report: None
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    idle_s: float = 5.0  # how often an empty outbox is looked at again (new items also wake it)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    _failures: int = 0
    _down_since: datetime | None = None

    def poke(self) -> None:
        """Something new is in the outbox: send now, not at the next look."""
        self.wake.set()

    async def run(self) -> None:
        while True:
            try:
                wait = await self.round()
            except Exception as exc:
                # Anything unforeseen in a round (a bug, an item that cannot be mapped) used to
                # end this task for good, silently, with the link still shown as reachable:
                # nothing sent again until a restart, no SMS fallback. Now it is said in the
                # link's state and tried again after the backoff. Only the kind of error is
                # logged above debug: its words may name a reading.
                log.error("Sending to the care service failed unexpectedly (%s)", type(exc).__name__)
                log.debug("The unexpected failure", exc_info=True)
                self._failed(f"unexpected error ({type(exc).__name__})")
                wait = self._backoff()
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                # cancellation that comes as the wake-up fires, and the hub's stop then hangs.
                async with asyncio.timeout(wait):
                    await self.wake.wait()
            except TimeoutError:
                pass
            self.wake.clear()

    async def round(self) -> float:
        """Send what is pending until the outbox is empty or the service fails; return
        how long to wait before the next round."""
        while True:
            items = self.next_batch()
            if not items:
                return self.idle_s
            resources = [r for item in items for r in item.resources]
            try:
                results = await asyncio.get_running_loop().run_in_executor(None, self.client.send_batch, batch(resources))
            except CredentialRefused as exc:
                self._failed(str(exc))
                return CREDENTIAL_RETRY_S
            except Retry as exc:
                self._failed(exc.reason)
                return exc.retry_after if exc.retry_after is not None else self._backoff()
            self._settle(items, results)

    def _settle(self, items: list[OutboxItem], results) -> None:
        position, sent = 0, []
        for item in items:
            mine = results[position:position + len(item.resources)]
            position += len(item.resources)
            refused = [r for r in mine if not r.stored]
            if refused:
                # The service will never take it as it is: said, kept aside, and the queue moves on.
                self.dead(item.id, f"{refused[0].status}: {refused[0].detail}")
            else:
                sent.append(item.id)
        if sent:
            self.delivered(sent)
        self._failures, self._down_since = 0, None
        self.report(LinkReport(True, delivered=len(sent)))

    def _failed(self, reason: str) -> None:
        self._failures += 1
        if self._down_since is None:
            self._down_since = self.clock()
        log.info("The care service: %s (attempt %d)", reason, self._failures)
        self.report(LinkReport(False, reason, self._down_since))

    def _backoff(self) -> float:
        ceiling = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (self._failures - 1))
        return random.uniform(ceiling / 2, ceiling)  # jitter: a whole town's hubs do not come back at once
