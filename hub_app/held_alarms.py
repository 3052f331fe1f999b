"""The alarms' rows, written to the store, or held in memory when it cannot write (disk
full, read-only, an I/O error): a held alarm is acted on all the same (its screen, its
SMS, its events sent straight to the care service from here), and written to the
store, whole, when it can write again. `hub_app/alarms.py` reads and writes its alarms
through this alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from hub_app.store import AuditEntry, Store, StoreWriteError
from vocabulary import Event

log = logging.getLogger("hub_app.alarms")

FLUSH_RETRY_S = 2.0  # how soon alarms held in memory are tried again in the store


@dataclass
class _Held:
    """An alarm whose latest state the store could not write."""

    row: dict[str, Any]  # as the store's alarms table holds it, detail read
    events: list[tuple[Event, int | None]] = field(default_factory=list)  # to store, with their outbox priority
    queue: list[str] = field(default_factory=list)  # events stored earlier, into the outbox
    audits: list[AuditEntry] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)  # event uids the care service has had from here


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


class AlarmRows:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._flush_timer: asyncio.TimerHandle | None = None

    def active(self) -> list[dict[str, Any]]:
        """The alarms not ended, stored or held, oldest first."""
        rows = {row["uid"]: row for row in self._store.active_alarms()}
        rows.update({uid: held.row for uid, held in self._held.items()})
        return [row for row in sorted(rows.values(), key=lambda row: row["created_at"]) if row["ended_at"] is None]

    def row(self, uid: str) -> dict[str, Any] | None:
        held = self._held.get(uid)
        return dict(held.row) if held is not None else self._store.alarm(uid)

    def event_of(self, uid: str) -> Event | None:
        """An alarm's own event, stored or held."""
        held = self._held.get(uid)
        for event, _priority in held.events if held else ():
            if event.uid == uid:
                return event
        return self._store.event_by_uid(uid)

    # -- writing, or holding what cannot be written ------------------------------------

    def put(self, uid: str, *, type: str, source: str, state: str, step: int, next_at: datetime | None,
            detail: dict[str, Any], acknowledged_by: str = "", ended: bool = False, events: list[Event] | tuple = (),
            audit: AuditEntry | None = None, outbox_priority: int | None = None, queue: list[str] | tuple = ()) -> None:
        """An alarm's new state into the store; held in memory when the store cannot write
        (and while an earlier state of it is held: states are written in their order)."""
        if uid not in self._held:
            try:
                self._store.put_alarm(uid, type=type, source=source, state=state, step=step, next_at=next_at,
                                      detail=detail, acknowledged_by=acknowledged_by, ended=ended, events=events,
                                      audit=audit, outbox_priority=outbox_priority, queue=queue)
                return
            except StoreWriteError as exc:
                self._hold(uid, exc, {"uid": uid, "type": type, "source": source, "created_at": _now_iso(),
                                      "ended_at": None})
        held = self._held[uid]
        held.row.update(state=state, step=step, next_at=next_at.isoformat() if next_at else None,
                        acknowledged_by=acknowledged_by, detail=detail, ended_at=_now_iso() if ended else None)
        held.events += [(event, outbox_priority) for event in events]
        held.queue += [q for q in queue if q not in held.queue]
        if audit is not None:
            held.audits.append(audit)

    def update_detail(self, uid: str, change: Callable[[dict[str, Any]], dict[str, Any]], events: list[Event] | tuple = (),
                      audit: AuditEntry | None = None, outbox_priority: int | None = None) -> dict[str, Any]:
        """Change only an alarm's detail (who was told, what is pending); held when it cannot be written."""
        if uid not in self._held:
            try:
                return self._store.update_alarm_detail(uid, change, events=events, audit=audit,
                                                       outbox_priority=outbox_priority)
            except StoreWriteError as exc:
                row = self._store.alarm(uid)
                assert row is not None
                self._hold(uid, exc, row)
        held = self._held[uid]
        held.row["detail"] = change(held.row["detail"])
        held.events += [(event, outbox_priority) for event in events]
        if audit is not None:
            held.audits.append(audit)
        return held.row["detail"]

    def _hold(self, uid: str, exc: StoreWriteError, row: dict[str, Any]) -> None:
        log.error("Alarm %s could not be stored (%s): it is held in memory and acted on all the same", uid, exc.problem)
        self._held[uid] = _Held(row=dict(row))
        self._flush_later()

    def _flush_later(self) -> None:
        if self._flush_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # not on the loop (a test's direct call): the next look flushes
            self._flush_timer = loop.call_later(FLUSH_RETRY_S, self._flush_on_timer)

    def _flush_on_timer(self) -> None:
        self._flush_timer = None
        self.flush()
        if self._held:
            self._flush_later()

    def flush(self) -> int:
        """Write the held alarms to the store, each whole in one transaction, in the order
        they were held; stop at the first the store still refuses. Returns how many were written."""
        written = 0
        for uid, held in list(self._held.items()):
            events = [(e, p) for e, p in held.events if self._store.event_by_uid(e.uid) is None]
            try:
                self._store.put_held_alarm(held.row, events, held.queue, held.sent, held.audits)
            except StoreWriteError:
                break
            del self._held[uid]
            written += 1
            log.info("Alarm %s, held in memory, is stored now", uid)
        return written

    def held_outbox(self) -> list[Event]:
        """What the held alarms have for the care service and it has not yet had from
        here: sent straight from memory while the store cannot write."""
        out = []
        for held in self._held.values():
            mine = {event.uid: event for event, priority in held.events if priority is not None}
            for uid in held.queue:
                if uid not in mine:
                    event = next((e for e, _p in held.events if e.uid == uid), None) or self._store.event_by_uid(uid)
                    if event is not None:
                        mine[uid] = event
            out += [event for uid, event in mine.items() if uid not in held.sent]
        return sorted(out, key=lambda event: event.occurred_at)

    def held_delivered(self, event_uids: list[str]) -> None:
        """The care service has these (sent from memory). One whose alarm was written to the
        store meanwhile is marked sent in the outbox, so it is not sent again."""
        stored = []
        for uid in event_uids:
            held = next((h for h in self._held.values()
                         if uid in h.queue or any(e.uid == uid for e, _p in h.events)), None)
            if held is not None:
                held.sent.add(uid)
            else:
                stored.append(uid)
        if stored:
            self._store.outbox_sent_for(stored, self._clock())
