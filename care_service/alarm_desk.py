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
           "s.acknowledged_by, s.resolved_by, coalesce(s.note, '') FROM resources r "
           "JOIN patients p ON p.id = r.patient_id LEFT JOIN alarm_states s ON s.resource_id = r.id ")
# An alarm is a DetectedIssue coded as one: not a record of something that happened
# (coded as an event) nor a step in an alarm's story (which names the alarm in
# `implicated`). Said in SQL, so nothing else is read or takes a place in a page.
_IS_ALARM = ("r.type = 'DetectedIssue' AND json_extract(r.body, '$.implicated') IS NULL AND EXISTS "
             "(SELECT 1 FROM json_each(r.body, '$.code.coding') WHERE json_extract(value, '$.system') = :alarm_codes)")


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
        newest first: a nurse must see each one that waits. Then the resolved ones since a
        time (None: none; "": all), most recently resolved first, a page of
        `resolved_limit` (None: all) after the first `resolved_offset`."""
        mine = " AND r.patient_id = :patient" if patient_id else ""
        args = {"alarm_codes": fm.ALARM_CODES, "patient": patient_id}
        # Not resolved is asked first, so no resolved alarm's JSON is read.
        out = self._select("WHERE NOT EXISTS (SELECT 1 FROM alarm_states x WHERE x.resource_id = r.id "
                           f"AND x.state = 'resolved') AND {_IS_ALARM}{mine} ORDER BY r.last_updated DESC", args)
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
        """Each alarm not resolved, with the relative or neighbour who answered its SMS "yes"
        (the hub's `alarm_taken_by_contact` step), found by the alarm each step names
        (an index on it): however old the alarm, only its own steps are read."""
        waiting = {f"urn:uuid:{a.uid}": a.uid for a in alarms if a.uid and a.state != "resolved"}
        coming: dict[str, tuple[str, str]] = {}
        names = list(waiting)
        for first in range(0, len(names), 500):  # a page of alarms per query, well inside SQLite's limits
            chunk = names[first:first + 500]
            for body, in self.store.db.conn.execute(
                    # Named: on a young database the planner would walk every DetectedIssue.
                    f"SELECT body FROM resources INDEXED BY resources_implicated WHERE type = 'DetectedIssue' "
                    f"AND {_IMPLICATED} IN "
                    f"({', '.join('?' for _ in chunk)}) ORDER BY last_updated", chunk):
                step = json.loads(body)
                if any(c.get("code") == "alarm_taken_by_contact" for c in step.get("code", {}).get("coding", [])):
                    uid = waiting[step["implicated"][0]["identifier"]["value"]]
                    coming[uid] = (step.get("detail", ""), step.get("identifiedDateTime", ""))
        return [replace(a, on_the_way=coming[a.uid][0], on_the_way_at=coming[a.uid][1]) if a.uid in coming else a
                for a in alarms]

    def _select(self, where: str, args: dict[str, Any]) -> list[Alarm]:
        out = []
        for rid, pid, name, body, state, escalated_at, ack_by, res_by, note in \
                self.store.db.conn.execute(_SELECT + where, args).fetchall():
            issue = json.loads(body)
            out.append(Alarm(id=rid, uid=_uid(issue), patient_id=pid, resident=name, kind=_kind(issue),
                             severity=issue.get("severity", "low"), raised_at=issue.get("identifiedDateTime", ""),
                             state=state, escalated=escalated_at is not None, acknowledged_by=ack_by,
                             resolved_by=res_by, note=note))
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


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
