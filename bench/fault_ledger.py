"""What arrived, for the fault suite (bench/faults.py): the care service's own database
read by identifier, set against what the devices say the hub accepted, the SMS the
modem sent, and the faults' times.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fault_home import ALARMS, Sent
from percentiles import figures

ID = "urn:ietf:rfc:3986|urn:uuid:"  # how the service keeps an identifier (system|value)
SMS_WORDS = {"help_button": "trykket på alarmknappen", "fall": "kan ha falt"}  # in the hub's SMS (hub_app/alarms.py)


@dataclass(frozen=True)
class Fault:
    kind: str
    started: float  # wall clock
    cleared: float  # wall clock: the fault is gone (the process is back, the proxy passes through...)
    detail: dict


@dataclass(frozen=True)
class Stored:
    type: str
    identifier: str | None
    stored_at: float  # the service's meta.lastUpdated, as wall clock
    body: dict


def _when(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def at_service(db: Path, patient: str) -> list[Stored]:
    """Every resource the service holds for the resident (repeats kept), read from its
    database file by another process (WAL: the service may be running)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute("SELECT type, identifier, last_updated, body FROM resources WHERE patient_id = ?",
                            (patient,)).fetchall()
    finally:
        conn.close()
    return [Stored(kind, ident, _when(at), json.loads(body)) for kind, ident, at, body in rows]


def _device_made(stored: Stored) -> str | None:
    """The kind of device event a resource stands for (a press, a fall, a dose taken, a
    meter's reading), or None for anything else (an SMS sent, a hub's own alarm...)."""
    body = stored.body
    if stored.type == "MedicationDispense":
        return "dose_taken"
    if stored.type == "Observation" and any(c.get("code") == "15074-8" for c in body.get("code", {}).get("coding", [])):
        return "blood_glucose"
    if stored.type == "DetectedIssue" and "implicated" not in body:
        codes = {c.get("code") for c in body.get("code", {}).get("coding", [])}
        found = codes & set(ALARMS)
        return found.pop() if found else None
    return None


def _clear_start(pressed: float, arrived: float, faults: list[Fault]) -> float:
    """From when an alarm's delivery counts: its press, or later the end of any fault
    that was on while it was on its way."""
    start = pressed
    for fault in faults:
        if fault.started < arrived and fault.cleared > pressed:
            start = max(start, fault.cleared)
    return start


def account(sent: list[Sent], accepted: set[tuple[str, int]], stored: list[Stored], sms: list[tuple[float, str]],
            faults: list[Fault], deadline_s: float, ble_sent: list[Sent]) -> dict:
    """The figures of one run. A serial device's event counts once its device has the
    hub's ACK; a meter's record counts as soon as the meter holds it (it keeps it, and
    the hub must fetch it)."""
    taken = [s for s in sent if (s.device, s.number) in accepted] + list(ble_sent)
    by_identifier = Counter(s.identifier for s in stored)
    where = {s.identifier: s for s in stored}
    expected = {ID + s.uid for s in taken}
    lost = [s for s in taken if ID + s.uid not in by_identifier]
    repeats = sum(count - 1 for ident, count in by_identifier.items() if ident is not None and count > 1)
    # A device event at the service that is none of those accepted: an event stored twice
    # under a new identity (or one the devices never sent).
    strangers = [s for s in stored if _device_made(s) is not None and s.identifier not in expected]

    alarms = [s for s in taken if s.alarm]
    free_sms = sorted(sms)
    raw_ms, after_clear, late, unreached = [], [], [], []
    for alarm in sorted(alarms, key=lambda a: a.pressed):
        found = where.get(ID + alarm.uid)
        if found is not None:
            raw_ms.append(found.stored_at - alarm.pressed)
            since_clear = found.stored_at - _clear_start(alarm.pressed, found.stored_at, faults)
            after_clear.append(since_clear)
            if since_clear <= deadline_s:
                continue
        # Not at the service in time: did the on-call phone get an SMS about it in time?
        start = _clear_start(alarm.pressed, found.stored_at if found else float("inf"), faults)
        words = SMS_WORDS[alarm.kind]
        match = next((m for m in free_sms if m[0] >= alarm.pressed and m[0] - start <= deadline_s and words in m[1]),
                     None)
        if match is not None:
            free_sms.remove(match)
            late.append(alarm)
        else:
            unreached.append(alarm)

    kinds = Counter(s.kind for s in taken)
    return {
        "events_accepted": len(taken),
        "events_accepted_by_kind": dict(sorted(kinds.items())),
        "lost": len(lost),
        "duplicated": repeats + len(strangers),
        "alarms_accepted": len(alarms),
        "alarms_not_reached": len(unreached),
        "alarms_reached_by_sms_only": len(late),
        "sms_sent": len(sms),
        "press_to_alarm_at_service_s": figures(raw_ms) if raw_ms else None,
        "press_to_alarm_after_fault_cleared_s": figures(after_clear) if after_clear else None,
        "longest_press_to_alarm_after_fault_cleared_s": round(max(after_clear), 2) if after_clear else None,
        "examples": {  # a few, to start looking from (uids: no health data)
            "lost": [f"{s.kind} {s.uid}" for s in lost[:5]],
            "duplicated": [f"{s.type} {s.identifier}" for s in strangers[:5]],
            "alarms_not_reached": [f"{s.kind} {s.uid}" for s in unreached[:5]],
        },
    }
