"""Every alarm, from the moment it starts until a person has it: one persisted state
machine for all of them.

    countdown --(I'm OK)--> cancelled
        |
        v (the countdown ran out, or there was none)
    raised --(a person acknowledges)--> acknowledged
        |  no acknowledgement in time: send again, and the next rung of the ladder
        v
    escalating (step 1, 2, ...) --(acknowledged)--> acknowledged
        |  past the last rung
        v
    top_of_ladder

An alarm is raised into the outbox for the care service in the same transaction as
its event. When the care service cannot be reached, the on-call number gets an SMS at
once. The ladder (computed when the alarm is raised, and stored with it, so a restart
follows the same one): the care service, then each consenting relative or neighbour
in the plan's order, then the on-call number. Technical alarms (a device silent, a
battery low, the care service unreachable) climb only to the on-call number. Every
step is stored before it is acted on, and `due()` picks up whatever is due after a
restart, so an alarm survives the hub stopping in the middle of its escalation; a
state the store cannot write is held in memory meanwhile (hub_app/held_alarms.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub_app.care_plan import CarePlan
from hub_app.context import HubContext
from hub_app.held_alarms import AlarmRows
from hub_app.sms_replies import read_reply, same_number, short_code
from hub_app.store import AuditEntry
from vocabulary import Event, EventKind
from vocabulary.alarm_kinds import PERSON_ALARM_KINDS, alarm_sms, countdowns, sms_not_understood, sms_thanks

log = logging.getLogger(__name__)

# The kinds of alarm, what they are called and what their SMS say: vocabulary/alarm_kinds.py
# (RESIDENT_FACING, the alarms the resident is in the middle of: the screens follow them).
ALARM_PRIORITY = 0  # outbox: alarms go before everything else
ALARM_NAMESPACE = uuid.UUID("0d7b1c55-2a8e-4f0e-8f43-7c1d5e2b9a60")


class AlarmError(Exception):
    """An alarm action that cannot be done (unknown alarm, already ended)."""


@dataclass(frozen=True)
class AlarmView:
    """What the screens show of one alarm."""

    uid: str
    type: str
    state: str  # countdown, raised, escalating, acknowledged, cancelled, top_of_ladder
    step: int
    next_at: datetime | None
    acknowledged_by: str = ""
    told: tuple[str, ...] = ()  # who has been sent an SMS, by name
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.state in ("countdown", "raised", "escalating", "taken")

    @property
    def taken_by(self) -> str:
        """The relative or neighbour who answered "yes" to the alarm's SMS and is on the way."""
        return str(self.detail.get("taken_by", {}).get("name", "")) if self.state == "taken" else ""


@dataclass(frozen=True)
class CareLinkState:
    """Whether the care service can be reached now (the sync layer keeps this true)."""

    reachable: bool = False
    reason: str = "no care service is configured"
    unreachable_since: datetime | None = None  # set by the sync layer when a configured service stops answering


SmsSender = Callable[[str, str], Awaitable[None]]  # (number, text); raises with the reason when it cannot


class Alarms:
    def __init__(self, ctx: HubContext, *, link: Callable[[], CareLinkState],
                 on_change: Callable[[AlarmView], None]) -> None:
        store, config = ctx.store, ctx.config
        self._store = store
        self._clock = clock = ctx.clock
        self._zone = ZoneInfo(ctx.zone)
        self._name = config.resident.name or "the resident"
        self._configured_language = config.resident.language
        self._wait = timedelta(minutes=config.alarms.acknowledge_minutes)
        self._countdowns = countdowns(config.alarms.fall_countdown_seconds)
        self._on_call = config.alarms.on_call_number
        self._send_sms: SmsSender = ctx.send_sms
        self._link = link
        self._on_change = on_change
        # SMS go out in the background: the screen and the store never wait for a modem.
        self._spawn = ctx.spawn
        self._sending: set[tuple[str, str]] = set()  # (alarm, rung) being sent now
        self._rows = AlarmRows(store, clock)
        self.plan: CarePlan | None = None

    def _language(self) -> str:
        """The resident's language (the plan's, else the configuration's): relatives read the SMS in it."""
        return self.plan.language_or(self._configured_language) if self.plan else self._configured_language

    # -- views ---------------------------------------------------------------------------

    @staticmethod
    def view(row: dict[str, Any]) -> AlarmView:
        next_at = datetime.fromisoformat(row["next_at"]) if row["next_at"] else None
        return AlarmView(row["uid"], row["type"], row["state"], row["step"], next_at, row["acknowledged_by"],
                         tuple(row["detail"].get("told", [])), row["detail"])

    def active(self) -> list[AlarmView]:
        return [self.view(row) for row in self._rows.active()]

    def get(self, uid: str) -> AlarmView:
        row = self._row(uid)
        if row is None:
            raise AlarmError(f"no alarm {uid}")
        return self.view(row)

    def _row(self, uid: str) -> dict[str, Any] | None:
        return self._rows.row(uid)

    def event_of(self, uid: str) -> Event | None:
        """An alarm's own event, stored or held."""
        return self._rows.event_of(uid)

    # -- alarms held in memory while the store cannot write (hub_app/held_alarms.py) ----

    def flush(self) -> int:
        """Write the held alarms to the store; how many were written."""
        return self._rows.flush()

    def held_outbox(self) -> list[Event]:
        """What the held alarms have for the care service and it has not had from here."""
        return self._rows.held_outbox()

    def held_delivered(self, event_uids: list[str]) -> None:
        """The care service has these (sent from memory)."""
        self._rows.held_delivered(event_uids)

    # -- starting ------------------------------------------------------------------------

    async def start(self, alarm_type: str, source: str, data: dict[str, Any] | None = None,
                    occurred_at: datetime | None = None, event_uid: str | None = None, key: str | None = None,
                    actor: str = "system", unstored: Event | None = None) -> AlarmView:
        """A new alarm: counting down first when its kind has a countdown, else raised now.
        `event_uid`: the alarm's event is stored already (a device's frame); else it is made here.
        `key`: what the alarm is about (one episode), so finding it again starts nothing new.
        `unstored`: the device's event (uid `event_uid`) that the store could not take: it
        goes in with the alarm (held in memory with it if the store still cannot write)."""
        now = self._clock()
        uid = event_uid or (str(uuid.uuid5(ALARM_NAMESPACE, key)) if key else str(uuid.uuid4()))
        if self._row(uid) is not None:  # a device repeating its frame: the same alarm
            return self.get(uid)
        countdown = self._countdowns.get(alarm_type, 0)
        events = []
        if unstored is not None:  # a device's event the store could not take: stored with the alarm
            events.append(unstored)
        elif event_uid is None:
            events.append(Event(EventKind.ALARM, alarm_type, source, occurred_at or now, dict(data or {}), uid=uid))
        detail = {"ladder": self._ladder(alarm_type), "told": [], "data": data or {}}
        if countdown > 0:
            self._rows.put(uid, type=alarm_type, source=source, state="countdown", step=0,
                                  next_at=now + timedelta(seconds=countdown), detail=detail, events=events,
                                  outbox_priority=None,
                                  audit=AuditEntry(actor, "alarm.countdown", subject=uid, detail={"seconds": countdown}))
            log.info("Alarm %s: counting down %d s", uid, countdown)
            view = self.get(uid)
            self._on_change(view)
            return view
        return await self._raise(uid, alarm_type, source, detail, events, actor)

    def _ladder(self, alarm_type: str) -> list[dict[str, str]]:
        rungs: list[dict[str, str]] = [{"to": "care_service"}]
        if alarm_type in PERSON_ALARM_KINDS and self.plan is not None and self.plan.consented("relatives_told"):
            # Those the plan asks first for this kind of alarm (a neighbour for a fall), then the rest, each by order.
            for contact in sorted(self.plan.contacts, key=lambda c: (alarm_type not in c.first_for, c.order)):
                if contact.consent:
                    rungs.append({"to": "sms", "name": contact.name, "phone": contact.phone})
        if self._on_call:
            rungs.append({"to": "sms", "name": "on-call", "phone": self._on_call})
        return rungs

    def _still_consented(self, rung: dict[str, str]) -> bool:
        """A relative's rung holds only while the consent that put it there does: the
        ladder is kept with the alarm (so a restart goes on), but a withdrawal counts
        from the moment it is recorded, also for an alarm already climbing."""
        if rung.get("to") != "sms" or rung.get("name") == "on-call":
            return True
        plan = self.plan
        return (plan is not None and plan.consented("relatives_told")
                and any(c.consent and c.name == rung["name"] and c.phone == rung["phone"] for c in plan.contacts))

    async def _raise(self, uid: str, alarm_type: str, source: str, detail: dict[str, Any], events: list[Event],
                     actor: str) -> AlarmView:
        now = self._clock()
        detail = {**detail, "raised_at": now.isoformat()}
        if not self._link().reachable and self._on_call:
            # The service cannot be told now: a person on call is, at once (sent just after).
            detail["sms_pending"] = [*detail.get("sms_pending", []), {"name": "on-call", "phone": self._on_call}]
        # The alarm's own event goes to the care service now, not during the countdown.
        self._rows.put(uid, type=alarm_type, source=source, state="raised", step=0, next_at=now + self._wait,
                              detail=detail, events=events, queue=[uid], outbox_priority=ALARM_PRIORITY,
                              audit=AuditEntry(actor, "alarm.raised", subject=uid))
        log.info("Alarm %s raised for the care service", uid)
        log.debug("Alarm %s is of type %s", uid, alarm_type)
        view = self.get(uid)
        self._on_change(view)
        self._send_pending(view)
        return view

    def link_lost(self) -> None:
        """The care service stopped answering: every alarm it has not acknowledged goes
        to the on-call phone now, not at the next rung (an alarm raised while the link
        still looked fine would otherwise wait a whole rung)."""
        if not self._on_call:
            return
        for view in self.active():
            if view.state == "countdown" or "on-call" in view.detail.get("told", []):
                continue
            if any(rung["name"] == "on-call" for rung in view.detail.get("sms_pending", [])):
                continue
            detail = self._rows.update_detail(view.uid, lambda d: {**d, "sms_pending": [
                *d.get("sms_pending", []), {"name": "on-call", "phone": self._on_call}]})
            log.info("Alarm %s: the care service is out of reach; the on-call phone is told now", view.uid)
            self._send_pending(replace(view, detail=detail))

    def _marker(self, uid: str, alarm_type: str, source: str, what: str, data: dict[str, Any]) -> Event:
        return Event(EventKind.ALARM, what, source, self._clock(), {"alarm": uid, "alarm_type": alarm_type, **data})

    # -- the resident, the nurse ----------------------------------------------------------

    async def cancel(self, uid: str, by: str = "resident") -> AlarmView:
        """"I'm OK" during the countdown: recorded, and nobody is called."""
        row = self._row(uid)
        if row is None or row["state"] != "countdown":
            raise AlarmError("only an alarm still counting down can be cancelled")
        self._rows.put(uid, type=row["type"], source=row["source"], state="cancelled", step=0, next_at=None,
                              detail=row["detail"], ended=True,
                              events=[self._marker(uid, row["type"], row["source"], "alarm_cancelled", {"by": by})],
                              audit=AuditEntry(by, "alarm.cancelled", subject=uid))
        log.info("Alarm %s cancelled by the %s", uid, by)
        view = self.get(uid)
        self._on_change(view)
        return view

    async def acknowledge(self, uid: str, by: str) -> AlarmView:
        """A person has it (the care service says who): the climb stops."""
        row = self._row(uid)
        if row is None:
            raise AlarmError(f"no alarm {uid}")
        if row["state"] not in ("raised", "escalating", "taken", "top_of_ladder"):
            return self.view(row)  # acknowledged already (a repeat), or cancelled
        self._rows.put(uid, type=row["type"], source=row["source"], state="acknowledged", step=row["step"],
                              next_at=None, detail=row["detail"], acknowledged_by=by, ended=True,
                              events=[self._marker(uid, row["type"], row["source"], "alarm_acknowledged", {"by": by})],
                              audit=AuditEntry("nurse", "alarm.acknowledged", subject=uid, detail={"by": by}))
        log.info("Alarm %s acknowledged", uid)
        view = self.get(uid)
        self._on_change(view)
        return view

    async def resolved(self, uid: str, by: str, note: str) -> None:
        """The nurse has finished with the alarm and written what was done: kept with it."""
        if self._row(uid) is None:
            raise AlarmError(f"no alarm {uid}")
        self._rows.update_detail(uid, lambda detail: {**detail, "resolution": {"by": by, "note": note}},
                                        audit=AuditEntry("nurse", "alarm.resolved", subject=uid, detail={"by": by}))
        log.info("Alarm %s resolved by the care service", uid)

    # -- a relative or neighbour answers the alarm's SMS ---------------------------------

    async def sms_reply(self, number: str, text: str) -> str:
        """An SMS to the hub: "JA" takes the alarm (the ladder waits for them, the resident is
        told who is coming, the care service sees it, they get a word back), "NEI" moves the
        ladder on at once. A sender not told of an open alarm is ignored (and audited): the
        outcome says which ("taken", "declined", "unclear", "ambiguous", "ignored")."""
        reply = read_reply(text)
        candidates = []
        for view in self.active():
            for rung in view.detail.get("ladder", []):
                if (rung.get("to") == "sms" and rung.get("name") != "on-call" and rung.get("name") in view.told
                        and same_number(rung["phone"], number)):
                    candidates.append((view, rung))
        if reply.code:
            candidates = [(view, rung) for view, rung in candidates if short_code(view.uid) == reply.code]
        if not candidates:
            self._store.audit(AuditEntry("system", "sms.reply_ignored",
                                         detail={"reason": "not told of an open alarm", "answer": reply.answer}))
            log.info("An SMS came from a number not told of an open alarm; ignored")
            return "ignored"
        name = candidates[0][1]["name"]
        if reply.answer is None or len(candidates) > 1:
            codes = tuple(short_code(view.uid) for view, _ in candidates)
            self._spawn(self._tell(number, sms_not_understood(self._name, codes, language=self._language())))
            return "ambiguous" if len(candidates) > 1 else "unclear"
        view, rung = candidates[0]
        row = self._row(view.uid)
        assert row is not None
        contact = next((c for c in (self.plan.contacts if self.plan else ()) if c.name == name), None)
        relation = contact.relation if contact else ""
        if reply.answer == "no":
            self._rows.update_detail(view.uid, lambda d: d, events=[self._marker(
                view.uid, row["type"], row["source"], "alarm_declined_by_contact", {"by": name})],
                audit=AuditEntry("system", "alarm.declined_by_contact", subject=view.uid, detail={"by": name}),
                outbox_priority=ALARM_PRIORITY)
            log.info("Alarm %s: a contact cannot come; the next step now", view.uid)
            current = self._row(view.uid)
            ladder = current["detail"].get("ladder", [])
            if current["step"] < len(ladder) and ladder[current["step"]].get("name") == name and \
                    view.state in ("escalating", "taken"):
                await self._climb(current)  # their step: the next one now, not after the wait
            return "declined"
        now = self._clock()
        taken_minutes = self.plan.taken_minutes if self.plan else 45
        detail = {**row["detail"], "taken_by": {"name": name, "relation": relation, "at": now.isoformat()}}
        self._rows.put(view.uid, type=row["type"], source=row["source"], state="taken", step=row["step"],
                  next_at=now + timedelta(minutes=taken_minutes), detail=detail,
                  events=[self._marker(view.uid, row["type"], row["source"], "alarm_taken_by_contact",
                                       {"by": name, "relation": relation})],
                  outbox_priority=ALARM_PRIORITY,
                  audit=AuditEntry("system", "alarm.taken_by_contact", subject=view.uid, detail={"by": name}))
        log.info("Alarm %s taken by a contact, who is on the way", view.uid)
        self._on_change(self.get(view.uid))
        self._spawn(self._tell(number, sms_thanks(name, self._name, language=self._language())))
        return "taken"

    async def _tell(self, number: str, text: str) -> None:
        try:
            await self._send_sms(number, text)
        except Exception as exc:  # a word back that cannot go is said; the alarm is what matters
            log.warning("An SMS answer to a contact could not be sent: %s", exc)

    # -- time ----------------------------------------------------------------------------

    def next_due(self) -> datetime | None:
        times = [view.next_at for view in self.active() if view.next_at is not None]
        return min(times) if times else None

    async def due(self) -> None:
        """Do whatever is due now: countdowns that ran out, climbs not acknowledged."""
        self.flush()  # alarms held while the store could not write
        now = self._clock()
        for view in self.active():
            self._send_pending(view)  # an SMS that failed, or was not sent before a restart
            if view.next_at is None or view.next_at > now:
                continue
            row = self._row(view.uid)
            assert row is not None
            if view.state == "countdown":
                await self._raise(view.uid, row["type"], row["source"], row["detail"], [], "system")
            else:
                await self._climb(row)

    async def _climb(self, row: dict[str, Any]) -> None:
        uid, detail = row["uid"], row["detail"]
        ladder = detail.get("ladder", [])
        step = row["step"] + 1
        while step < len(ladder) and not self._still_consented(ladder[step]):
            log.info("Alarm %s: a rung is passed by, its consent is withdrawn", uid)
            step += 1
        now = self._clock()
        if step >= len(ladder):
            self._rows.put(uid, type=row["type"], source=row["source"], state="top_of_ladder", step=step,
                                  next_at=None, detail=detail, ended=False,
                                  events=[self._marker(uid, row["type"], row["source"], "alarm_unanswered",
                                                       {"told": detail.get("told", [])})],
                                  outbox_priority=ALARM_PRIORITY, audit=AuditEntry("system", "alarm.top_of_ladder", subject=uid))
            log.warning("Alarm %s reached the top of its ladder without an acknowledgement", uid)
            self._on_change(self.get(uid))
            return
        rung = ladder[step]
        if rung["to"] == "sms" and rung["name"] not in detail.get("told", []):
            detail = {**detail, "sms_pending": [*detail.get("sms_pending", []),
                                                {"name": rung["name"], "phone": rung["phone"]}]}
        # Stored first: a restart in the middle goes on from this step, not from the last.
        self._rows.put(uid, type=row["type"], source=row["source"], state="escalating", step=step,
                              next_at=now + self._wait, detail=detail,
                              events=[self._marker(uid, row["type"], row["source"], "alarm_escalated",
                                                   {"step": step, "to": rung.get("name", rung["to"])})],
                              outbox_priority=ALARM_PRIORITY,
                              audit=AuditEntry("system", "alarm.escalated", subject=uid, detail={"step": step}))
        log.info("Alarm %s not acknowledged: step %d of its ladder", uid, step)
        view = self.get(uid)
        self._on_change(view)
        self._send_pending(view)

    # -- SMS -----------------------------------------------------------------------------

    def _send_pending(self, view: AlarmView) -> None:
        for rung in view.detail.get("sms_pending", []):
            if not self._still_consented({"to": "sms", **rung}):
                continue  # waiting since before the consent was withdrawn: never sent now
            key = (view.uid, rung["name"])
            if key not in self._sending:
                self._sending.add(key)
                self._spawn(self._sms(view.uid, rung["name"], rung["phone"], view.type))

    async def _sms(self, uid: str, name: str, phone: str, alarm_type: str) -> None:
        """Send one SMS of the ladder, in the background. A failure is said once (an
        event for the care service, the reason in the alarm) and the SMS stays pending:
        it is tried again at every later look, while the ladder goes on climbing."""
        try:
            row = self._row(uid)
            assert row is not None
            raised = datetime.fromisoformat(row["detail"].get("raised_at", row["created_at"]))
            try:
                code = short_code(uid) if name != "on-call" else ""
                await self._send_sms(phone, alarm_sms(alarm_type, self._name, raised.astimezone(self._zone), code,
                                                         language=self._language()))
            except Exception as exc:  # no modem, no network: said once, tried again later
                reason = str(exc) or type(exc).__name__
                if name in row["detail"].get("sms_failed", []):
                    return
                log.warning("Alarm %s: the SMS to %s could not be sent (tried again later): %s", uid, name, reason)
                self._rows.update_detail(
                    uid, lambda d: {**d, "sms_failed": [*d.get("sms_failed", []), name]},
                    events=[self._marker(uid, row["type"], row["source"], "alarm_sms_failed", {"to": name, "reason": reason})],
                    outbox_priority=ALARM_PRIORITY)
                self._on_change(self.get(uid))
                return
            self._rows.update_detail(
                uid, lambda d: {**d, "told": [*d.get("told", []), name],
                                "sms_pending": [p for p in d.get("sms_pending", []) if p["name"] != name]},
                events=[self._marker(uid, row["type"], row["source"], "alarm_sms_sent", {"to": name})],
                outbox_priority=ALARM_PRIORITY, audit=AuditEntry("system", "alarm.sms_sent", subject=uid, detail={"to": name}))
            log.info("Alarm %s: SMS sent to %s", uid, "the on-call number" if name == "on-call" else "a contact")
            self._on_change(self.get(uid))
        finally:
            self._sending.discard((uid, name))
