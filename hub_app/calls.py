"""Video calls on the hub's side: one call at a time, kept in the store.

A call rings (a nurse or relative calling through the care service, or a scheduled
check-in from the care plan coming due), is answered by the resident or, with their
consent, by itself after a visible countdown, or is declined ("Not now") or missed.
The resident can also call out. Every step is stored with its event, so a missed
call is recorded and sent to the care service like anything else; when the call
came through one of the service's rooms, the caller is told at once as well.

The picture itself is the screen's business (Qt WebEngine); this module holds the
state, which runs headless and is tested with a controllable clock.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hub_app.call_origins import is_allowed, origin_of
from hub_app.context import HubContext
from hub_app.store import AuditEntry
from vocabulary import Event, EventKind

log = logging.getLogger(__name__)

AUTO_ANSWER = timedelta(seconds=10)  # the countdown the resident sees before a consented call answers itself
CALL_PRIORITY = 1  # outbox: with the doses, after alarms
CALL_NAMESPACE = uuid.UUID("5b0f3f1e-8f0c-4d55-9a51-2f3e1c7d9b21")
OPEN = ("ringing", "answered")
FINISHED = ("declined", "missed", "ended", "cancelled")


class CallError(Exception):
    """A call cannot be made or changed as asked (said in plain words)."""


@dataclass(frozen=True)
class CallView:
    """A call as the screen shows it."""

    uid: str
    direction: str  # "incoming" or "outgoing"
    who: str  # "Sykepleier Nina", "Kari"
    url: str  # the call page the hub opens (allow-listed)
    room: str | None  # the care service's room, if it came through one
    state: str  # ringing, answered, declined, missed, ended, cancelled
    started_at: datetime
    auto_answer_at: datetime | None = None  # consent given: when it answers by itself
    scheduled: bool = False  # a check-in from the care plan
    caller_told: bool = False  # the caller's page was told the call was missed or declined

    @property
    def open(self) -> bool:
        return self.state in OPEN


Tell = Callable[[str, str], Awaitable[None]]  # (room, outcome): the care service tells the caller


class Calls:
    def __init__(self, ctx: HubContext, *, origins: Callable[[], frozenset[str]], auto_answer: Callable[[], bool],
                 on_change: Callable[[CallView], None], tell_service: Tell | None = None) -> None:
        self._store = ctx.store
        self._clock = ctx.clock
        self._origins = origins
        self._auto_answer = auto_answer
        self._ring = timedelta(seconds=ctx.config.calls.ring_seconds)
        self._on_change = on_change
        self._tell_service = tell_service

    # -- a call comes in ---------------------------------------------------------------------

    async def ring(self, who: str, url: str, *, key: str, room: str | None = None, scheduled: bool = False,
                   caller: str = "nurse") -> CallView | None:
        """A call for the resident. `key` identifies it, so hearing it twice rings once.
        None when it is not rung: heard before, or from an origin not allowed."""
        if self._store.call_by_key(key) is not None:
            return None
        now = self._clock()
        if not is_allowed(url, self._origins()):
            # Never shown and never opened: a link to somewhere the hub does not trust.
            log.warning("A call from an origin not on the allow-list was refused: %s", origin_of(url) or "not a web address")
            self._store.audit(AuditEntry("system", "call.refused", detail={"origin": origin_of(url) or ""}))
            if room:
                await self._tell(room, "declined")
            return None
        busy = next(iter(self._store.open_calls()), None)
        detail: dict[str, Any] = {"scheduled": scheduled, "caller": caller}
        call = {"uid": str(uuid.uuid5(CALL_NAMESPACE, key)), "key": key, "direction": "incoming", "who": who,
                "url": url, "room": room, "started_at": now.isoformat(), "detail": detail}
        if busy is not None:
            # One call at a time: the second caller is told, and the resident sees it later as missed.
            detail["busy"] = True
            return await self._finish(dict(call, state="ringing"), "missed", "call_missed")
        if self._auto_answer():
            detail["auto_answer_at"] = (now + AUTO_ANSWER).isoformat()
        call["state"] = "ringing"
        self._store.put_call(call, audit=AuditEntry("system", "call.ringing", subject=call["uid"],
                                                    detail={"scheduled": scheduled, "caller": caller}))
        log.info("A video call is ringing (%s)", "scheduled check-in" if scheduled else caller)
        return self._changed(call["uid"])

    async def peer_gone(self, room: str, state: str) -> CallView | None:
        """The care service says the caller hung up (or the room ended)."""
        for row in self._store.open_calls():
            if row["room"] == room:
                if row["state"] == "ringing":
                    return await self._finish(row, "missed", "call_missed", told=False, detail={"cancelled": True})
                return await self._finish(row, "ended", "call_ended", told=False, detail={"ended_by": "caller"})
        return None

    # -- the resident answers ----------------------------------------------------------------------

    async def answer(self, uid: str, by: str = "resident") -> CallView:
        row = self._open(uid)
        if row["state"] != "ringing":
            raise CallError("this call is not ringing")
        now = self._clock()
        detail = dict(row["detail"], answered_at=now.isoformat(), answered_by=by)
        detail.pop("auto_answer_at", None)
        self._store.put_call(dict(row, state="answered", detail=detail),
                             audit=AuditEntry("resident" if by == "resident" else "system", "call.answered",
                                              subject=uid, detail={"by": by}))
        log.info("Video call answered (%s)", by)
        if row["room"]:
            await self._tell(row["room"], "answered")
        return self._changed(uid)

    async def decline(self, uid: str) -> CallView:
        row = self._open(uid)
        if row["state"] != "ringing":
            raise CallError("this call is not ringing")
        return await self._finish(row, "declined", "call_declined")

    async def end(self, uid: str, by: str = "resident") -> CallView:
        row = self._open(uid)
        if row["state"] == "ringing":
            return await self.decline(uid)
        return await self._finish(row, "ended", "call_ended", told=False, detail={"ended_by": by})

    # -- the resident calls out ----------------------------------------------------------------

    async def started(self, who: str, url: str, room: str | None) -> CallView:
        """An outgoing call the care service has made a room for: open at once."""
        if not is_allowed(url, self._origins()):
            raise CallError("the care service gave a call address this hub does not trust")
        if self._store.open_calls():
            raise CallError("a call is already under way")
        now = self._clock()
        uid = str(uuid.uuid4())
        self._store.put_call({"uid": uid, "key": f"out/{uid}", "direction": "outgoing", "who": who, "url": url,
                              "room": room, "state": "answered", "started_at": now.isoformat(),
                              "detail": {"answered_at": now.isoformat(), "answered_by": "resident"}},
                             audit=AuditEntry("resident", "call.started", subject=uid))
        log.info("The resident started a video call")
        return self._changed(uid)

    # -- time ----------------------------------------------------------------------------------

    async def due(self) -> None:
        """Answer what its countdown says, and give up on what rang too long."""
        now = self._clock()
        for row in self._store.open_calls():
            if row["state"] != "ringing":
                continue
            auto = row["detail"].get("auto_answer_at")
            if auto and now >= datetime.fromisoformat(auto):
                await self.answer(row["uid"], by="auto")
            elif now >= datetime.fromisoformat(row["started_at"]) + self._ring:
                await self._finish(row, "missed", "call_missed")

    def next_due(self) -> datetime | None:
        times = []
        for row in self._store.open_calls():
            if row["state"] == "ringing":
                auto = row["detail"].get("auto_answer_at")
                times.append(datetime.fromisoformat(auto) if auto else
                             datetime.fromisoformat(row["started_at"]) + self._ring)
        return min(times) if times else None

    def open(self) -> list[CallView]:
        return [self._view(row) for row in self._store.open_calls()]

    def view(self, uid: str) -> CallView | None:
        row = self._store.call(uid)
        return self._view(row) if row else None

    # -- inside --------------------------------------------------------------------------------

    def _open(self, uid: str) -> dict[str, Any]:
        row = self._store.call(uid)
        if row is None:
            raise CallError("there is no such call")
        if row["state"] not in OPEN:
            raise CallError("this call is over")
        return row

    async def _finish(self, row: dict[str, Any], state: str, event_type: str, *, told: bool = True,
                      detail: dict[str, Any] | None = None) -> CallView:
        now = self._clock()
        detail = {**row["detail"], **(detail or {}), "finished_at": now.isoformat()}
        detail.pop("auto_answer_at", None)
        data: dict[str, Any] = {"call": row["uid"], "direction": row["direction"],
                                "scheduled": bool(detail.get("scheduled"))}
        if "answered_at" in detail:
            data["seconds"] = round((now - datetime.fromisoformat(detail["answered_at"])).total_seconds())
        # Who called is kept on the hub (the resident's screen says it); the service knows its own rooms.
        event = Event(EventKind.CALL, event_type, "calls", now, data)
        finished = dict(row, state=state, detail=detail)
        self._store.put_call(finished, event=event,
                             audit=AuditEntry("resident" if state == "declined" else "system", f"call.{state}",
                                              subject=row["uid"]),
                             outbox_priority=CALL_PRIORITY)
        log.info("Video call %s", state)
        view = self._changed(row["uid"])
        # Stored first, then the caller is told: a slow or absent service never holds the screen.
        if told and row["room"] and await self._tell(row["room"], state):
            self._store.put_call(dict(finished, detail={**detail, "caller_told": True}))
            view = self._changed(row["uid"])
        return view

    async def _tell(self, room: str, outcome: str) -> bool:
        if self._tell_service is None:
            return False
        try:
            await self._tell_service(room, outcome)
            return True
        except Exception as exc:  # the record still goes by the outbox; the caller's page times out by itself
            log.warning("The care service could not be told the call was %s: %s", outcome, exc)
            return False

    def _changed(self, uid: str) -> CallView:
        view = self.view(uid)
        assert view is not None
        self._on_change(view)
        return view

    @staticmethod
    def _view(row: dict[str, Any]) -> CallView:
        detail = row["detail"]
        auto = detail.get("auto_answer_at")
        return CallView(uid=row["uid"], direction=row["direction"], who=row["who"], url=row["url"], room=row["room"],
                        state=row["state"], started_at=datetime.fromisoformat(row["started_at"]),
                        auto_answer_at=datetime.fromisoformat(auto) if auto else None,
                        scheduled=bool(detail.get("scheduled")), caller_told=bool(detail.get("caller_told")))
