"""The nurses' alarm desk: every DetectedIssue a hub sent (or the service raised, such
as "hub silent") is an alarm with a state the nurses move on:

    open --acknowledge--> acknowledged --resolve (with a note)--> resolved
    open --not acknowledged within `escalate_after`--> open, escalated (to the team lead)

Acknowledging tells the resident's hub at once ("Help is on the way: <name>"); a note
written when resolving goes to the hub as well. Nothing here deletes an alarm.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from care_service.storage import ServiceStore, now_iso
from sync import fhir_mapping as fm

# The alarm a step of an alarm's story names (escalated, SMS sent, a relative on the way).
_IMPLICATED = "json_extract(body, '$.implicated[0].identifier.value')"
SCHEMA = (
    f"CREATE INDEX IF NOT EXISTS resources_implicated ON resources ({_IMPLICATED}) WHERE type = 'DetectedIssue'",
    "CREATE TABLE IF NOT EXISTS alarm_states (resource_id TEXT PRIMARY KEY REFERENCES resources(id), "
    "state TEXT NOT NULL, escalated_at TEXT, acknowledged_by TEXT, acknowledged_at TEXT, "
    "resolved_by TEXT, resolved_at TEXT, note TEXT NOT NULL DEFAULT '')",
    # Resolved alarms are listed most recently resolved first, a page at a time, from here.
    "CREATE INDEX IF NOT EXISTS alarm_states_resolved ON alarm_states (state, resolved_at, resource_id)",
    # The alarms not resolved are found by walking the DetectedIssues newest first here
    # and skipping the resolved ones by id, so the long resolved past is passed over
    # without reading its JSON.
    "CREATE INDEX IF NOT EXISTS resources_type_time ON resources (type, last_updated, id)",
)
STATES = ("open", "acknowledged", "resolved")

_SELECT = ("SELECT r.id, r.patient_id, p.name, r.body, coalesce(s.state, 'open'), s.escalated_at, "
           "s.acknowledged_by, s.resolved_by, coalesce(s.note, ''), coalesce(p.phone, ''), coalesce(p.address, ''), "
           # A red reading's alarm names its reading (evidence): the Observation, found by its identifier.
           "(SELECT o.body FROM resources o WHERE o.patient_id = r.patient_id AND o.type = 'Observation' "
           "AND o.identifier = json_extract(r.body, '$.evidence[0].detail[0].identifier.system') || '|' || "
           "json_extract(r.body, '$.evidence[0].detail[0].identifier.value')) FROM resources r "
           "JOIN patients p ON p.id = r.patient_id LEFT JOIN alarm_states s ON s.resource_id = r.id ")
# An alarm is a DetectedIssue coded as one: not a record of something that happened
# (coded as an event) nor a step in an alarm's story (which names the alarm in
# `implicated`). Said in SQL, so nothing else is read or takes a place in a page.
_IS_ALARM = ("r.type = 'DetectedIssue' AND json_extract(r.body, '$.implicated') IS NULL AND EXISTS "
             "(SELECT 1 FROM json_each(r.body, '$.code.coding') WHERE json_extract(value, '$.system') = :alarm_codes)")


# The steps of an alarm's ladder the nurse is shown, as the hub reports them.
LADDER_STEPS = ("alarm_sms_sent", "alarm_sms_failed", "alarm_taken_by_contact", "alarm_declined_by_contact",
                "alarm_unanswered")


class DeskError(ValueError):
    """An action the alarm's state does not allow (acknowledging a resolved alarm, say)."""


@dataclass(frozen=True)
class Alarm:
    id: str  # the DetectedIssue's id at this service
    uid: str  # the hub's own alarm uid (what its acknowledgement names)
    patient_id: str
    resident: str
    kind: str
    severity: str
    raised_at: str
    state: str
    escalated: bool
    acknowledged_by: str | None
    resolved_by: str | None
    note: str
    on_the_way: str = ""  # a relative or neighbour who answered the hub's SMS "yes" ("Ola Nordmann (son)")
    on_the_way_at: str = ""  # when they answered
    # The ladder's steps the hub reported so far, oldest first: {"step": "alarm_sms_sent",
    # "who": "Ola Nordmann (son)" or "on-call", "at": instant}.
    steps: tuple[dict[str, str], ...] = ()
    reading: str = ""  # a red reading's values with units ("182/95 mmHg")
    phone: str = ""  # the resident's, as the service keeps them
    address: str = ""

    def json(self) -> dict[str, Any]:
        return asdict(self)


def _kind(issue: dict[str, Any]) -> str:
    """The alarm's kind: its code in the alarm code system (`_IS_ALARM` chose only alarms)."""
    return next((c.get("code", "unknown") for c in issue.get("code", {}).get("coding", [])
                 if c.get("system") == fm.ALARM_CODES), "unknown")


def _uid(issue: dict[str, Any]) -> str:
    for ident in issue.get("identifier", []):
        if ident.get("system") == fm.URI and ident.get("value", "").startswith("urn:uuid:"):
            return ident["value"].removeprefix("urn:uuid:")
    return ""


class AlarmDesk:
    def __init__(self, store: ServiceStore) -> None:
        self.store = store
        with store.db.conn:
            for statement in SCHEMA:
                store.db.conn.execute(statement)

    def alarms(self, patient_id: str | None = None, include_resolved_since: str | None = None,
               resolved_limit: int | None = None, resolved_offset: int = 0) -> list[Alarm]:
        """Every alarm not resolved (open or acknowledged), however old and however many,
        the longest waiting first (the open ones, then those taken): a nurse must see each
        one that waits. Then the resolved ones since a
        time (None: none; "": all), most recently resolved first, a page of
        `resolved_limit` (None: all) after the first `resolved_offset`."""
        mine = " AND r.patient_id = :patient" if patient_id else ""
        args = {"alarm_codes": fm.ALARM_CODES, "patient": patient_id}
        # Not resolved is asked first, so no resolved alarm's JSON is read.
        out = self._select("WHERE NOT EXISTS (SELECT 1 FROM alarm_states x WHERE x.resource_id = r.id "
                           f"AND x.state = 'resolved') AND {_IS_ALARM}{mine} "
                           "ORDER BY json_extract(r.body, '$.identifiedDateTime'), r.last_updated", args)
        # Open ones before the taken ones: those nobody has taken yet wait for her.
        out.sort(key=lambda a: a.state != "open")
        if include_resolved_since is not None:
            # One resident's own alarms are fewer than everyone's resolved ones: the unary
            # + keeps SQLite from walking all of alarm_states_resolved for them.
            plus = "+" if patient_id else ""
            out += self._select(f"WHERE {plus}s.state = 'resolved' AND {plus}s.resolved_at >= :since AND {_IS_ALARM}"
                                f"{mine} ORDER BY s.resolved_at DESC, s.resource_id DESC LIMIT :limit OFFSET :offset",
                                {**args, "since": include_resolved_since, "offset": resolved_offset,
                                 "limit": -1 if resolved_limit is None else resolved_limit})  # -1: no limit
        return self._with_who_is_coming(out)

    def alarm(self, resource_id: str) -> Alarm:
        """The one alarm, by its id here, whatever its age or state."""
        found = self._select(f"WHERE r.id = :id AND {_IS_ALARM}", {"id": resource_id, "alarm_codes": fm.ALARM_CODES})
        if not found:  # no such resource, or a DetectedIssue that is not an alarm
            raise DeskError(f"no alarm {resource_id}")
        return found[0]

    def _with_who_is_coming(self, alarms: list[Alarm]) -> list[Alarm]:
        """Each alarm not resolved, with the steps of its ladder the hub reported (SMS to a
        relative, to the on-call phone, no answer at all) and the relative or neighbour who
        answered its SMS "yes" (the hub's `alarm_taken_by_contact` step), found by the alarm
        each step names (an index on it): however old the alarm, only its own steps are read."""
        waiting = {f"urn:uuid:{a.uid}": a.uid for a in alarms if a.uid and a.state != "resolved"}
        coming: dict[str, tuple[str, str]] = {}
        steps: dict[str, list[dict[str, str]]] = {}
        names = list(waiting)
        for first in range(0, len(names), 500):  # a page of alarms per query, well inside SQLite's limits
            chunk = names[first:first + 500]
            for body, in self.store.db.conn.execute(
                    # Named: on a young database the planner would walk every DetectedIssue.
                    f"SELECT body FROM resources INDEXED BY resources_implicated WHERE type = 'DetectedIssue' "
                    f"AND {_IMPLICATED} IN "
                    f"({', '.join('?' for _ in chunk)}) ORDER BY last_updated", chunk):
                step = json.loads(body)
                uid = waiting[step["implicated"][0]["identifier"]["value"]]
                codes = {c.get("code") for c in step.get("code", {}).get("coding", [])}
                at = step.get("identifiedDateTime", "")
                if "alarm_taken_by_contact" in codes:
                    coming[uid] = (step.get("detail", ""), at)
                for code in LADDER_STEPS:
                    if code in codes:
                        steps.setdefault(uid, []).append({"step": code, "who": step.get("detail", ""), "at": at})
        out = []
        for a in alarms:
            if a.uid in coming:
                a = replace(a, on_the_way=coming[a.uid][0], on_the_way_at=coming[a.uid][1])
            if a.uid in steps:
                mine = tuple(sorted(steps[a.uid], key=lambda s: s["at"]))
                # Up the whole ladder with nobody taking it: escalated, whatever the service's own clock says.
                a = replace(a, steps=mine, escalated=a.escalated or any(s["step"] == "alarm_unanswered" for s in mine))
            out.append(a)
        return out

    def _select(self, where: str, args: dict[str, Any]) -> list[Alarm]:
        out = []
        for rid, pid, name, body, state, escalated_at, ack_by, res_by, note, phone, address, reading in \
                self.store.db.conn.execute(_SELECT + where, args).fetchall():
            issue = json.loads(body)
            out.append(Alarm(id=rid, uid=_uid(issue), patient_id=pid, resident=name, kind=_kind(issue),
                             severity=issue.get("severity", "low"), raised_at=issue.get("identifiedDateTime", ""),
                             state=state, escalated=escalated_at is not None, acknowledged_by=ack_by,
                             resolved_by=res_by, note=note, phone=phone, address=address,
                             reading=reading_text(json.loads(reading)) if reading else ""))
        return out

    def acknowledge(self, resource_id: str, nurse: str) -> Alarm:
        """The nurse takes the alarm: recorded, and the hub told (its SSE channel)."""
        alarm = self.alarm(resource_id)
        if alarm.state != "open":
            raise DeskError(f"the alarm is {alarm.state} already")
        with self.store.db.conn:
            self.store.db.conn.execute(
                "INSERT INTO alarm_states (resource_id, state, acknowledged_by, acknowledged_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(resource_id) DO UPDATE SET state = excluded.state, "
                "acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at",
                (resource_id, "acknowledged", nurse, now_iso()))
            if alarm.uid:
                self.store.queue_for_hub(alarm.patient_id, "acknowledged", {"alarm": alarm.uid, "by": nurse})
        return self.alarm(resource_id)

    def resolve(self, resource_id: str, nurse: str, note: str) -> Alarm:
        """Done, with what was done (the note also reaches the hub). An open alarm is
        acknowledged by the same act: nobody resolves what nobody has taken."""
        note = note.strip()
        if not note:
            raise DeskError("write what was done before resolving")
        alarm = self.alarm(resource_id)
        if alarm.state == "resolved":
            raise DeskError("the alarm is resolved already")
        if alarm.state == "open":
            alarm = self.acknowledge(resource_id, nurse)
        with self.store.db.conn:
            self.store.db.conn.execute(
                "UPDATE alarm_states SET state = 'resolved', resolved_by = ?, resolved_at = ?, note = ? "
                "WHERE resource_id = ?", (nurse, now_iso(), note, resource_id))
            if alarm.uid:
                self.store.queue_for_hub(alarm.patient_id, "resolved", {"alarm": alarm.uid, "by": nurse, "note": note})
        return self.alarm(resource_id)

    def escalate_overdue(self, escalate_after: timedelta, now: datetime | None = None) -> list[Alarm]:
        """Open alarms nobody acknowledged in time: marked escalated (once each)."""
        now = now or datetime.now(timezone.utc)
        cutoff = (now - escalate_after).astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        overdue = [a for a in self.alarms() if a.state == "open" and not a.escalated and a.raised_at
                   and _instant(a.raised_at) <= _instant(cutoff)]
        stamp = now_iso()
        with self.store.db.conn:
            for alarm in overdue:
                self.store.db.conn.execute(
                    "INSERT INTO alarm_states (resource_id, state, escalated_at) VALUES (?, 'open', ?) "
                    "ON CONFLICT(resource_id) DO UPDATE SET escalated_at = excluded.escalated_at", (alarm.id, stamp))
        return [self.alarm(a.id) for a in overdue]


def reading_text(observation: dict[str, Any]) -> str:
    """An Observation's values as the nurse reads them: "182/95 mmHg", "38.9 Cel", "SpO2 88 %"."""
    quantities = [c.get("valueQuantity", {}) for c in observation.get("component", [])] or \
        [observation.get("valueQuantity", {})]
    quantities = [q for q in quantities if "value" in q]
    if not quantities:
        return ""
    values = "/".join(f"{q['value']:g}" if isinstance(q["value"], (int, float)) else str(q["value"]) for q in quantities)
    units = {q.get("unit", "") for q in quantities}
    return f"{values} {units.pop()}".strip() if len(units) == 1 else \
        ", ".join(f"{q['value']:g} {q.get('unit', '')}".strip() for q in quantities)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
