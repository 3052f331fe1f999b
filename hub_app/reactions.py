"""A device's stored event, told to the screens and reacted to durably.

A device event that calls for something (an alarm, a reminder ended) is stored with a
pending reaction in the same transaction (`Store.record_event_once(react=True)`); the
row is deleted only when the reaction is done. Pending reactions are redone at start, at
every look and shortly after a failure, so a hub that dies in between, or a store that
refuses a write on the way, raises the alarm when it can: never dropped, never twice
(each rule is idempotent by the event's uid)."""

from __future__ import annotations

import asyncio
import logging

from hub_app.context import HubContext
from hub_app.messages import EventRecorded
from hub_app.rules import Rules
from vocabulary import Event, EventKind

log = logging.getLogger(__name__)

RETRY_S = 2.0  # a reaction that failed is tried again this soon (and at every look)


class Reactions:
    def __init__(self, ctx: HubContext, rules: Rules, stopping: asyncio.Event) -> None:
        self._ctx, self._rules, self._stopping = ctx, rules, stopping
        self._reacting: set[str] = set()  # uids of the events being reacted to now
        self._retrying: set[str] = set()  # uids of the events with a retry waiting
        self._failures: dict[str, int] = {}  # uid -> failed attempts since start

    def device_event(self, event: Event) -> None:
        """A new event from a device, stored already (with its reaction pending when it
        needs one): tell the screens, then react."""
        self._ctx.emit(EventRecorded(event))
        if self._rules.needs_reaction(event):
            self._ctx.spawn(self.react_once(event))
        elif event.kind == EventKind.ACTIVITY:
            self._ctx.wake()  # the bed, the door: the look works out what they mean

    def device_event_unstored(self, event: Event) -> None:
        """A device's event the store could not take: its alarm goes out from memory."""

        async def raise_unstored() -> None:
            try:
                await self._rules.react_unstored(event)
            except Exception:
                log.exception("An alarm the store could not take could not be raised either")

        self._ctx.spawn(raise_unstored())

    async def react_once(self, event: Event) -> None:
        """React to a stored event, then mark its reaction done. A failure (a store error
        on the way) leaves the reaction pending with the attempt counted: it is tried
        again shortly and at every look until it is done, never dropped."""
        if event.uid in self._reacting:
            return
        self._reacting.add(event.uid)
        try:
            await self._rules.react(event)
            self._ctx.store.reaction_done(event.uid)
            self._failures.pop(event.uid, None)
        except Exception as exc:
            failures = self._failures[event.uid] = self._failures.get(event.uid, 0) + 1
            # Said once at error level; a store that stays full would otherwise fill the log too.
            (log.error if failures == 1 else log.debug)("Reacting to event %s failed (%s); it is tried again",
                                                        event.uid, type(exc).__name__)
            log.debug("The failed reaction", exc_info=True)  # its words may name a reading
            try:
                self._ctx.store.reaction_failed(event.uid, type(exc).__name__)
            except Exception:  # the store itself is failing: the row stays pending all the same
                log.debug("Counting the failed reaction failed too", exc_info=True)
            if not self._stopping.is_set() and event.uid not in self._retrying:
                self._retrying.add(event.uid)  # one retry waiting per event, whoever failed
                asyncio.get_running_loop().call_later(RETRY_S, self._retry, event)
        finally:
            self._reacting.discard(event.uid)

    def _retry(self, event: Event) -> None:
        self._retrying.discard(event.uid)
        if not self._stopping.is_set():
            self._ctx.spawn(self.react_once(event))

    async def redo(self) -> None:
        """Reactions left pending by a hub that died after storing an event, or by an
        error on the way: done now (at start, and at every look)."""
        try:
            pending = self._ctx.store.pending_reactions()
        except Exception:
            log.exception("The pending reactions could not be read")
            return
        for event, attempts in pending:
            if attempts == 0 and event.uid not in self._reacting:
                log.warning("Event %s was stored but not reacted to: reacting now", event.uid)
            await self.react_once(event)
