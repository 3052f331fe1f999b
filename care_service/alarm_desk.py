"""The nurses' alarm desk: every DetectedIssue a hub sent (or the service raised, such
as "hub silent") is an alarm with a state the nurses move on:

    open --acknowledge--> acknowledged --resolve (with a note)--> resolved
    open --not acknowledged within `escalate_after`--> open, escalated (to the team lead)

Acknowledging tells the resident's hub at once ("Help is on the way: <name>"); a note
written when resolving goes to the hub as well. Nothing here deletes an alarm.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from care_service.storage import ServiceStore, now_iso
from sync import fhir_mapping as fm

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS alarm_states (resource_id TEXT PRIMARY KEY REFERENCES resources(id), "
    "state TEXT NOT NULL, escalated_at TEXT, acknowledged_by TEXT, acknowledged_at TEXT, "
    "resolved_by TEXT, resolved_at TEXT, note TEXT NOT NULL DEFAULT '')",
)
STATES = ("open", "acknowledged", "resolved")


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

    def json(self) -> dict[str, Any]:
        return asdict(self)


def _kind(issue: dict[str, Any]) -> str | None:
    """The alarm's kind; None for a DetectedIssue that is not an alarm (a record of a
    missed measurement, or a step in an alarm's story: escalated, SMS sent...)."""
    if issue.get("implicated"):
        return None
    for coding in issue.get("code", {}).get("coding", []):
        if coding.get("system") == fm.ALARM_CODES:
            return coding["code"]
    return None


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

    def alarms(self, patient_id: str | None = None, include_resolved_since: str | None = None) -> list[Alarm]:
        """Open and acknowledged alarms (newest first), and resolved ones since a time."""
        sql = ("SELECT r.id, r.patient_id, p.name, r.body, coalesce(s.state, 'open'), s.escalated_at, "
               "s.acknowledged_by, s.resolved_by, coalesce(s.note, '') FROM resources r "
               "JOIN patients p ON p.id = r.patient_id LEFT JOIN alarm_states s ON s.resource_id = r.id "
               "WHERE r.type = 'DetectedIssue' AND json_extract(r.body, '$.implicated') IS NULL AND (coalesce(s.state, 'open') != 'resolved' OR s.resolved_at >= ?)")
        # None: no resolved ones; "": all of them.
        args: list[Any] = ["9999" if include_resolved_since is None else include_resolved_since]
        if patient_id:
            sql += " AND r.patient_id = ?"
            args.append(patient_id)
        rows = self.store.db.conn.execute(sql + " ORDER BY r.last_updated DESC LIMIT 500", args).fetchall()
        out = []
        for rid, pid, name, body, state, escalated_at, ack_by, res_by, note in rows:
            issue = json.loads(body)
            kind = _kind(issue)
            if kind is None:
                continue
            out.append(Alarm(id=rid, uid=_uid(issue), patient_id=pid, resident=name, kind=kind,
                             severity=issue.get("severity", "low"), raised_at=issue.get("identifiedDateTime", ""),
                             state=state, escalated=escalated_at is not None, acknowledged_by=ack_by,
                             resolved_by=res_by, note=note))
        return out

    def alarm(self, resource_id: str) -> Alarm:
        for alarm in self.alarms(include_resolved_since=""):
            if alarm.id == resource_id:
                return alarm
        raise DeskError(f"no alarm {resource_id}")

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
