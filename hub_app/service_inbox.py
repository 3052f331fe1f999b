"""What the care service sends the hub on its fast channel, each message handled once:
an alarm acknowledged by a nurse ("Help is on the way: Nina"), the nurse's note when
the alarm is resolved, a new care plan to fetch, and a message for the resident.

Each message carries the service's number. It is kept in the store after it has been
acted on (acting twice is harmless: an acknowledged alarm stays acknowledged), so a
restart resumes after the last one kept and a message heard twice is acted on once.
A nurse's message is itself what is kept: it stays on the resident's screen until
they have read it, across restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub_app.alarms import AlarmError, Alarms
from hub_app.calls import Calls
from hub_app.store import Store

log = logging.getLogger(__name__)
MAX_TEXT = 500


@dataclass(frozen=True)
class NurseMessage:
    """A message from the home-care service for the resident (a core message to the UI)."""

    number: int
    text: str
    sender: str
    received_at: str


class ServiceInbox:
    def __init__(self, store: Store, alarms: Alarms, calls: Calls, pull_plan: Callable[[], Awaitable[Any]],
                 show: Callable[[NurseMessage], None], clock: Callable[[], datetime]) -> None:
        self._store, self._alarms, self._calls = store, alarms, calls
        self._pull_plan, self._show, self._clock = pull_plan, show, clock

    @property
    def resume_after(self) -> int:
        return self._store.last_service_message()

    async def run(self, queue: asyncio.Queue[tuple[int | None, str, dict[str, Any]]]) -> None:
        """Handle what the channel delivers, one message after the other, in the
        service's order (the highest number kept must mean all before it are done)."""
        while True:
            number, kind, body = await queue.get()
            try:
                await self.receive(number, kind, body)
            except Exception:  # one bad message must not stop the rest; the service sends again on reconnect
                log.exception("A message from the care service could not be handled")

    async def receive(self, number: int | None, kind: str, body: dict[str, Any]) -> None:
        if kind == "message":
            self._message(number, body)
            return
        alarm = str(body.get("alarm", ""))
        try:
            if kind == "acknowledged" and alarm:
                await self._alarms.acknowledge(alarm, str(body.get("by", "")) or "home-care service")
            elif kind == "resolved" and alarm:
                await self._alarms.resolved(alarm, str(body.get("by", "")), str(body.get("note", ""))[:MAX_TEXT])
            elif kind == "care_plan":
                await self._pull_plan()
            elif kind == "call":
                await self._call(number, body)
            elif kind == "call_ended" and body.get("room"):
                await self._calls.peer_gone(str(body["room"]), str(body.get("state", "ended")))
            else:
                log.info("A message of a kind this hub does not know (%s) was kept and not acted on", kind)
        except AlarmError:
            log.info("The care service named an alarm this hub does not have (%s); ignored", alarm)
        if number is not None:
            self._store.service_message(number, kind, body, self._clock())

    async def _call(self, number: int | None, body: dict[str, Any]) -> None:
        url, room = str(body.get("url", "")), str(body.get("room", ""))
        expires = body.get("expires_at")
        try:
            expired = bool(expires) and datetime.fromisoformat(str(expires)) <= self._clock()
        except ValueError:
            expired = False
        if not url or not room or expired:
            # Heard late (the hub was off while it rang): nothing rings now; the service marked it missed.
            log.info("A call from the care service was not rung (%s)", "over already" if expired else "incomplete")
            return
        who = str(body.get("from", "")).strip()[:60] or "home-care service"
        await self._calls.ring(who, url, key=f"service/{number if number is not None else room}", room=room,
                               caller=str(body.get("caller", "nurse")))

    def _message(self, number: int | None, body: dict[str, Any]) -> None:
        text = str(body.get("text", "")).strip()[:MAX_TEXT]
        if number is None or not text:
            log.warning("A nurse's message without a number or text was ignored")
            return
        if self._store.service_message(number, "message", {"text": text, "from": str(body.get("from", ""))},
                                       self._clock()):
            log.info("A message from the care service for the resident (number %d)", number)
            self._show(next(m for m in self.unread() if m.number == number))

    def unread(self) -> list[NurseMessage]:
        return [NurseMessage(m["number"], m["text"], m.get("from", ""), m["received_at"])
                for m in self._store.unread_nurse_messages()]

    def read(self, number: int) -> None:
        self._store.nurse_message_read(number, self._clock())
