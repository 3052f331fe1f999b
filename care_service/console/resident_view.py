"""What the nurse sees about one resident, gathered from the service's store and alarm
desk: vital-sign series against the resident's limits, dose adherence, a timeline of
what happened, the devices, and the care plan in plain fields.

Pure functions of the store, the desk and a moment `now` (no aiohttp, no templates),
so the pages stay thin. Nothing here writes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from care_service.alarm_desk import AlarmDesk
from care_service.storage import ServiceStore
from sync import fhir_mapping as fm
from vocabulary.codes import LOINC
from vocabulary.measures import LIMITED_MEASURES, MEASURE_OF_LOINC, MEASURES, READING_TYPES

ZONE = ZoneInfo("Europe/Oslo")  # the homes' and the nurses' time zone (DESIGN.md: times)
CHART_MEASURES = tuple(MEASURES)  # LIMITED_MEASURES: those with a band (weight has none)
UNITS = {m.name: m.shown for m in MEASURES.values()}
# The LOINC codes each measure has (spo2 has two), and the panel whose components are the two pressures.
MEASURE_OF_CODE = MEASURE_OF_LOINC
BP_PANEL_CODE = READING_TYPES["blood_pressure"].panel[0].code

# measure -> (green, yellow): the hub's defaults too (docs/measuring.md, "Limits: green,
# yellow, red"), from the shared catalogue. Used where the resident's plan gives none.
DEFAULT_LIMITS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    m.name: m.limits for m in MEASURES.values() if m.limits is not None}
WINDOWS = (7, 30)
TIMELINE_LIMIT = 40
CONSENT_FEATURES = ("vital_sign_sharing", "bed_and_inactivity_monitoring", "auto_answer_calls", "relatives_told")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# -- small helpers ---------------------------------------------------------------------------

def instant(text: Any) -> datetime | None:
    """A FHIR instant ("2026-11-23T07:05:00Z") as an aware datetime; None if it is not one."""
    if not isinstance(text, str) or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def stamp(moment: datetime) -> str:
    """The store's own form of a time (UTC, milliseconds, Z), to compare with its columns."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def window_start(now: datetime, days: int) -> datetime:
    """The start of the window "the last `days` days": local midnight `days - 1` days
    before today, so that 7 days are today and the six before."""
    today = now.astimezone(ZONE).date()
    return datetime.combine(today - timedelta(days=days - 1), time(0), ZONE)


def window_end(now: datetime) -> datetime:
    """The end of today (local midnight tonight): a chart's last column is all of today."""
    today = now.astimezone(ZONE).date()
    return datetime.combine(today + timedelta(days=1), time(0), ZONE)


def _number(value: Any) -> float | None:
    if type(value) in (int, float) and math.isfinite(value):
        return float(value)
    return None


def band(value: float, limits: Limits | None) -> str | None:
    if limits is None:
        return None
    if limits.green[0] <= value <= limits.green[1]:
        return "green"
    if limits.yellow[0] <= value <= limits.yellow[1]:
        return "yellow"
    return "red"


def worse(a: str | None, b: str | None) -> str | None:
    order = (None, "green", "yellow", "red")
    return max(a, b, key=order.index)


def resources_since(store: ServiceStore, resource_type: str, patient_id: str, since: datetime,
                    limit: int = 5000) -> list[dict[str, Any]]:
    """The resident's resources of a type received since a time, NEWEST first.
    (`store.search` gives the oldest first and stops at its limit, which would drop the
    newest readings of a busy month.) A resource measured in the window was received
    in it too, so the receipt time bounds the search and the caller filters on the
    measured time."""
    rows = store.db.conn.execute(
        "SELECT body FROM resources WHERE type = ? AND patient_id = ? AND last_updated >= ? "
        "ORDER BY last_updated DESC LIMIT ?", (resource_type, patient_id, stamp(since), limit)).fetchall()
    return [json.loads(row[0]) for row in rows]


# -- the plan ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    green: tuple[float, float]
    yellow: tuple[float, float]
    own: bool  # from the resident's plan (False: the defaults)


def plan_document(store: ServiceStore, patient_id: str) -> tuple[int, dict[str, Any]]:
    """(version, document) of the resident's plan; (0, {}) before the first."""
    found = store.plan_of(patient_id)
    if found is None:
        return 0, {}
    try:
        document = json.loads(found[1])
    except json.JSONDecodeError:
        return found[0], {}
    return found[0], document if isinstance(document, dict) else {}


def _pair(raw: Any) -> tuple[float, float] | None:
    if isinstance(raw, list) and len(raw) == 2:
        low, high = _number(raw[0]), _number(raw[1])
        if low is not None and high is not None and low <= high:
            return low, high
    return None


def limits_of(document: dict[str, Any]) -> dict[str, Limits]:
    """Each limited measure's green and yellow range: the plan's own where it has
    them (and they make sense), else the defaults."""
    raw = document.get("limits")
    raw = raw if isinstance(raw, dict) else {}
    out = {}
    for measure in LIMITED_MEASURES:
        spec = raw.get(measure)
        green = _pair(spec.get("green")) if isinstance(spec, dict) else None
        yellow = _pair(spec.get("yellow")) if isinstance(spec, dict) else None
        if green and yellow and yellow[0] <= green[0] <= green[1] <= yellow[1]:
            out[measure] = Limits(green, yellow, own=True)
        else:
            default_green, default_yellow = DEFAULT_LIMITS[measure]
            out[measure] = Limits(default_green, default_yellow, own=False)
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def plan_summary(document: dict[str, Any]) -> dict[str, Any]:
    """The plan in plain fields the page shows (every key present, whatever the document)."""
    def days(item: dict) -> list[str]:
        chosen = [d for d in _list(item.get("days")) if d in WEEKDAYS]
        return chosen or list(WEEKDAYS)

    medications = [{"name": _text(m.get("name")), "dose": _text(m.get("dose")),
                    "times": [t for t in _list(m.get("times")) if isinstance(t, str)],
                    "window_minutes": m.get("window_minutes", 60), "compartment": m.get("compartment"),
                    "days": days(m)}
                   for m in _list(document.get("medication")) if isinstance(m, dict)]
    measurements = [{"kind": _text(m.get("kind")), "times": [t for t in _list(m.get("times")) if isinstance(t, str)],
                     "days": days(m)}
                    for m in _list(document.get("measurement")) if isinstance(m, dict)]
    check_ins = [{"time": _text(c.get("time")), "who": _text(c.get("who")), "link": _text(c.get("link")),
                  "days": days(c)}
                 for c in _list(document.get("check_in")) if isinstance(c, dict)]
    contacts = sorted(({"name": _text(c.get("name")), "phone": _text(c.get("phone")),
                        "relation": _text(c.get("relation")),
                        "order": c.get("order") if type(c.get("order")) is int else 99,
                        "consent": c.get("consent") is True, "calls": c.get("calls") is True}
                       for c in _list(document.get("contact")) if isinstance(c, dict)), key=lambda c: c["order"])
    raw_consent = document.get("consent")
    raw_consent = raw_consent if isinstance(raw_consent, dict) else {}
    consent = []
    for feature in CONSENT_FEATURES:
        entry = raw_consent.get(feature)
        if isinstance(entry, dict):
            consent.append({"feature": feature, "recorded": True, "given": entry.get("given") is True,
                            "recorded_by": _text(entry.get("recorded_by")),
                            "recorded_at": str(entry.get("recorded_at", ""))})
        else:
            consent.append({"feature": feature, "recorded": False, "given": False, "recorded_by": "",
                            "recorded_at": ""})
    return {"medications": medications, "measurements": measurements, "check_ins": check_ins,
            "contacts": contacts, "consent": consent, "limits": limits_of(document)}


# -- vital signs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    at: datetime
    value: float
    band: str | None


def _measure_of(concept: Any) -> str | None:
    if not isinstance(concept, dict):
        return None
    for coding in _list(concept.get("coding")):
        if isinstance(coding, dict) and coding.get("system") == LOINC and coding.get("code") in MEASURE_OF_CODE:
            return MEASURE_OF_CODE[coding["code"]]
    return None


def _quantity(measure: str, quantity: Any) -> float | None:
    """The value if it is in the unit the measure is judged in (never a number in another unit)."""
    if not isinstance(quantity, dict) or quantity.get("code", MEASURES[measure].ucum) != MEASURES[measure].ucum:
        return None
    return _number(quantity.get("value"))


def observation_values(observation: dict[str, Any]) -> dict[str, float]:
    """measure -> value of one vital-sign Observation (a blood-pressure panel gives two)."""
    if observation.get("status") in ("entered-in-error", "cancelled"):
        return {}
    concept = observation.get("code")
    codes = {c.get("code") for c in _list(concept.get("coding")) if isinstance(c, dict)} \
        if isinstance(concept, dict) else set()
    out: dict[str, float] = {}
    if BP_PANEL_CODE in codes:
        for component in _list(observation.get("component")):
            if not isinstance(component, dict):
                continue
            measure = _measure_of(component.get("code"))
            if measure in ("systolic", "diastolic"):
                value = _quantity(measure, component.get("valueQuantity"))
                if value is not None:
                    out[measure] = value
        return out
    measure = _measure_of(concept)
    if measure is not None:
        value = _quantity(measure, observation.get("valueQuantity"))
        if value is not None:
            out[measure] = value
    return out


def _observations(store: ServiceStore, patient_id: str, since: datetime) -> list[tuple[datetime, dict[str, float]]]:
    """(measured at, values), newest first, measured in the window."""
    out = []
    for resource in resources_since(store, "Observation", patient_id, since):
        at = instant(resource.get("effectiveDateTime"))
        values = observation_values(resource)
        if at is not None and at >= since and values:
            out.append((at, values))
    out.sort(key=lambda pair: pair[0], reverse=True)
    return out


def vital_series(store: ServiceStore, patient_id: str, since: datetime,
                 limits: dict[str, Limits]) -> dict[str, list[Point]]:
    """measure -> its points in the window, oldest first, each with its band."""
    series: dict[str, list[Point]] = {m: [] for m in CHART_MEASURES}
    for at, values in reversed(_observations(store, patient_id, since)):
        for measure, value in values.items():
            series[measure].append(Point(at, value, band(value, limits.get(measure))))
    return series


# -- doses -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DayDoses:
    day: date
    taken: int
    missed: int

    @property
    def percent(self) -> int | None:
        total = self.taken + self.missed
        return round(100 * self.taken / total) if total else None


@dataclass(frozen=True)
class Adherence:
    days: list[DayDoses]  # oldest first, every day of the window (also days without doses)
    taken: int
    missed: int

    @property
    def percent(self) -> int | None:
        total = self.taken + self.missed
        return round(100 * self.taken / total) if total else None


def _issue_kind(issue: dict[str, Any]) -> str:
    concept = issue.get("code")
    for coding in _list(concept.get("coding")) if isinstance(concept, dict) else []:
        if isinstance(coding, dict) and coding.get("system") == fm.ALARM_CODES and isinstance(coding.get("code"), str):
            return coding["code"]
    return "unknown"


def _doses(store: ServiceStore, patient_id: str, since: datetime) -> tuple[list[tuple[datetime, str]],
                                                                            list[tuple[datetime, str]]]:
    """(taken, missed): (when, what) in the window."""
    taken = []
    for dispense in resources_since(store, "MedicationDispense", patient_id, since):
        at = instant(dispense.get("whenHandedOver"))
        if at is not None and at >= since and dispense.get("status", "completed") == "completed":
            medicine = dispense.get("medicationCodeableConcept")
            taken.append((at, _text(medicine.get("text")) if isinstance(medicine, dict) else ""))
    missed = []
    for issue in resources_since(store, "DetectedIssue", patient_id, since):
        at = instant(issue.get("identifiedDateTime"))
        if at is not None and at >= since and _issue_kind(issue) == "missed_dose" and not issue.get("implicated"):
            missed.append((at, _text(issue.get("detail"))))
    return taken, missed


def adherence(store: ServiceStore, patient_id: str, since: datetime, now: datetime) -> Adherence:
    """Doses taken (MedicationDispense) and missed (DetectedIssue missed_dose), per local day."""
    taken, missed = _doses(store, patient_id, since)
    first, last = since.astimezone(ZONE).date(), now.astimezone(ZONE).date()
    counts: dict[date, list[int]] = {}
    day = first
    while day <= last:
        counts[day] = [0, 0]
        day += timedelta(days=1)
    for index, events in ((0, taken), (1, missed)):
        for at, _what in events:
            local = at.astimezone(ZONE).date()
            if local in counts:
                counts[local][index] += 1
    days = [DayDoses(d, t, m) for d, (t, m) in counts.items()]
    return Adherence(days, sum(d.taken for d in days), sum(d.missed for d in days))


# -- alarms, the timeline ------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""
    at: datetime
    kind: str  # "reading", "dose_taken", "alarm"
    what: str  # reading: "blood_pressure" or a measure; alarm: its kind; dose: ""
    values: dict[str, float] = field(default_factory=dict)  # reading: measure -> value
    band: str | None = None
    detail: str = ""  # the medicine; the alarm's detail
    state: str = ""  # alarm: open / acknowledged / resolved
    escalated: bool = False
    by: str = ""  # alarm: who took it or resolved it
    note: str = ""


def alarms_of(desk: AlarmDesk, patient_id: str, since: datetime) -> list[Entry]:
    """The resident's alarms that are not resolved (whenever raised) and those raised in
    the window, newest first, with their state."""
    issues = {r.get("id"): r for r in resources_since(desk.store, "DetectedIssue", patient_id, since)}
    out = []
    for alarm in desk.alarms(patient_id=patient_id, include_resolved_since=stamp(since)):
        at = instant(alarm.raised_at)
        if at is None or (at < since and alarm.state == "resolved"):
            continue
        issue = issues.get(alarm.id)
        if issue is None:  # raised before the window, still not resolved
            found = desk.store.read("DetectedIssue", alarm.id)
            issue = found[0] if found else {}
        out.append(Entry(at, "alarm", alarm.kind, detail=_text(issue.get("detail")), state=alarm.state,
                         escalated=alarm.escalated, by=alarm.resolved_by or alarm.acknowledged_by or "",
                         note=alarm.note))
    out.sort(key=lambda e: e.at, reverse=True)
    return out


def timeline(store: ServiceStore, desk: AlarmDesk, patient_id: str, since: datetime, limits: dict[str, Limits],
             limit: int = TIMELINE_LIMIT) -> list[Entry]:
    """Readings, doses taken and alarms in the window, newest first, at most `limit`."""
    entries = [e for e in alarms_of(desk, patient_id, since) if e.at >= since]
    for at, values in _observations(store, patient_id, since):
        what = "blood_pressure" if "systolic" in values or "diastolic" in values else next(iter(values))
        judged = None
        for measure, value in values.items():
            judged = worse(judged, band(value, limits.get(measure)))
        entries.append(Entry(at, "reading", what, values=values, band=judged))
    taken, _missed = _doses(store, patient_id, since)  # a missed dose is an alarm: it is there already
    entries += [Entry(at, "dose_taken", "", detail=what) for at, what in taken]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# -- devices, residents ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Device:
    name: str
    kind: str
    battery: int | None
    last_contact: datetime | None
    connected: bool
    problem: str


def devices(store: ServiceStore, patient_id: str) -> list[Device]:
    """What the hub last told about its devices (the heartbeat checked the fields' types)."""
    out = []
    for raw in store.devices_of(patient_id):
        if not isinstance(raw, dict):
            continue
        battery = raw.get("battery")
        out.append(Device(name=_text(raw.get("name")), kind=_text(raw.get("kind")),
                          battery=battery if type(battery) is int else None,
                          last_contact=instant(raw.get("last_contact")), connected=raw.get("connected") is True,
                          problem=_text(raw.get("problem"))))
    return out


@dataclass(frozen=True)
class ResidentRow:
    id: str
    name: str
    open_alarms: int
    escalated: bool
    last_seen: datetime | None


def residents(store: ServiceStore, desk: AlarmDesk) -> list[ResidentRow]:
    """Every resident with their alarms not yet resolved and when their hub was last heard."""
    waiting: dict[str, list[bool]] = {}
    for alarm in desk.alarms():
        waiting.setdefault(alarm.patient_id, []).append(alarm.escalated and alarm.state == "open")
    return [ResidentRow(p["id"], p["name"], len(waiting.get(p["id"], [])), any(waiting.get(p["id"], [])),
                        instant(store.last_seen(p["id"]))) for p in store.patients()]
