"""The resident's care plan: the resident's language, medications, measurements, video
check-ins, contacts, limits for vital signs, the night and inactivity limits, and consent.

A plan is one document (TOML in a file, or the same shape as JSON from the care
service) with a `version`. `parse_plan` checks all of it and lists every problem at
once, with where it is; a plan with any problem is refused whole, so the plan in force
is always one that was valid. Times are wall-clock times in the home's time zone.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from hub_app.config import check_language
from hub_app.vitals import DEFAULT_LIMITS, Limits
from vocabulary import PERSON_ALARM_KINDS, overlapping_doses
from vocabulary.device_kinds import PLANNED_MEASUREMENTS
from vocabulary.measures import LIMITED_MEASURES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MEASUREMENT_KINDS = PLANNED_MEASUREMENTS  # the health profiles a resident measures with
LOOPBACK_LINKS = ("http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/")  # demos, tests
CONSENT_FEATURES = ("vital_sign_sharing", "bed_and_inactivity_monitoring", "auto_answer_calls", "relatives_told")
PHONE = re.compile(r"\+?[0-9]{3,15}")
HH_MM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


class PlanError(Exception):
    """The plan cannot be used. `problems` lists each one, with where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: the care plan cannot be used:\n{lines}")


@dataclass(frozen=True)
class Medication:
    id: str
    name: str  # as the resident knows it, e.g. "Morning medicine"
    dose: str  # e.g. "1 bag", shown with the name
    times: tuple[time, ...]
    window_minutes: int = 60  # may be taken from the time until this much later
    compartment: int | None = None  # the dispenser's compartment; None: the resident confirms on screen
    days: tuple[str, ...] = WEEKDAYS


@dataclass(frozen=True)
class Measurement:
    id: str
    kind: str  # one of MEASUREMENT_KINDS
    times: tuple[time, ...]
    window_minutes: int = 120
    days: tuple[str, ...] = WEEKDAYS


@dataclass(frozen=True)
class CheckIn:
    id: str
    time: time
    who: str  # "Nurse Kari"
    link: str  # the call's address (allow-listed by the call issue)
    days: tuple[str, ...] = WEEKDAYS
    window_minutes: int = 15


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    relation: str = ""
    order: int = 1  # who is asked first on the alarm ladder
    consent: bool = False  # agreed to be told of alarms by SMS
    calls: bool = False  # the resident agreed this contact may video-call (a tile on the call screen)
    first_for: tuple[str, ...] = ()  # kinds of alarm this contact is asked first for (a neighbour: a fall)


@dataclass(frozen=True)
class Consent:
    given: bool
    recorded_by: str
    recorded_at: str  # ISO date or date-time, as recorded


@dataclass(frozen=True)
class Night:
    start: time = time(23, 0)
    end: time = time(7, 0)
    out_of_bed_minutes: int = 30  # out of bed longer than this at night: an alarm
    door_minutes: int = 10  # a door opened at night with no sign of a return inside this long: an alarm


@dataclass(frozen=True)
class CarePlan:
    version: int
    medications: tuple[Medication, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    check_ins: tuple[CheckIn, ...] = ()
    contacts: tuple[Contact, ...] = ()
    limits: dict[str, Limits] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    night: Night = field(default_factory=Night)
    inactivity_hours: float = 4.0  # no activity for this long in the day: an alarm
    taken_minutes: int = 45  # an alarm a relative took ("JA") and nobody closed this long climbs on
    consent: dict[str, Consent] = field(default_factory=dict)
    # [resident] language: the resident's own ("nb", "nn", "se", "en") for SMS, speech and
    # (from the next start) the screens; "": the hub's configured language.
    language: str = ""

    def language_or(self, configured: str) -> str:
        """The resident's language: the plan's when it names one, else the configuration's."""
        return self.language or configured

    def consented(self, feature: str) -> bool:
        entry = self.consent.get(feature)
        return bool(entry and entry.given)

    def document(self) -> dict[str, Any]:
        """The plan in the shape `parse_plan` reads (what is stored and sent)."""
        def items(things) -> list[dict[str, Any]]:
            out = []
            for thing in things:
                entry = _plain(asdict(thing))
                # A contact asked first for nothing says nothing of it (the documents stay as they were).
                out.append({k: v for k, v in entry.items() if v is not None and not (k == "first_for" and not v)})
            return out

        return {
            "version": self.version,
            **({"resident": {"language": self.language}} if self.language else {}),
            "medication": items(self.medications), "measurement": items(self.measurements),
            "check_in": items(self.check_ins), "contact": items(self.contacts),
            "limits": {m: {"green": list(lim.green), "yellow": list(lim.yellow)} for m, lim in self.limits.items()},
            "night": _plain(asdict(self.night)), "inactivity": {"hours": self.inactivity_hours},
            **({"ladder": {"taken_minutes": self.taken_minutes}} if self.taken_minutes != 45 else {}),
            "consent": {f: asdict(entry) for f, entry in self.consent.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.document(), sort_keys=True, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


EMPTY_PLAN = CarePlan(version=0)


# -- reading a plan ----------------------------------------------------------------------

class _Checker:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def table(self, raw: Any, where: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(raw, Mapping):
            self.problems.append(f"{where}: must be a table of keys")
            return None
        for key in raw:
            if key not in allowed:
                self.problems.append(f"{where}: unknown key '{key}' (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in raw:
                self.problems.append(f"{where}: '{key}' is missing")
        return dict(raw)

    def text(self, raw: Mapping, key: str, where: str, default: str | None = None, max_len: int = 200) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or not value.strip() and default is None or len(value) > max_len:
            self.problems.append(f"{where}.{key}: must be text of at most {max_len} characters")
            return ""
        return value.strip()

    def integer(self, raw: Mapping, key: str, where: str, low: int, high: int, default: int | None = None) -> int:
        value = raw.get(key, default)
        if type(value) is not int or not low <= value <= high:
            self.problems.append(f"{where}.{key} = {value!r}: must be a whole number from {low} to {high}")
            return low
        return value

    def number(self, raw: Mapping, key: str, where: str, low: float, high: float, default: float) -> float:
        value = raw.get(key, default)
        if type(value) not in (int, float) or not low <= value <= high:
            self.problems.append(f"{where}.{key} = {value!r}: must be a number from {low} to {high}")
            return default
        return float(value)

    def clock(self, value: Any, where: str) -> time:
        match = HH_MM.fullmatch(value) if isinstance(value, str) else None
        if not match:
            self.problems.append(f"{where} = {value!r}: must be a time of day like \"08:00\" (24-hour, local time)")
            return time(0, 0)
        return time(int(match[1]), int(match[2]))

    def clocks(self, raw: Mapping, key: str, where: str) -> tuple[time, ...]:
        values = raw.get(key)
        if not isinstance(values, list) or not values:
            self.problems.append(f"{where}.{key}: must be a list of one or more times like [\"08:00\", \"20:00\"]")
            return ()
        before = len(self.problems)
        times = tuple(self.clock(v, f"{where}.{key}[{i}]") for i, v in enumerate(values))
        if len(self.problems) == before and len(set(times)) != len(times):
            self.problems.append(f"{where}.{key}: the same time twice")
        return tuple(sorted(times))

    def days(self, raw: Mapping, where: str) -> tuple[str, ...]:
        values = raw.get("days", list(WEEKDAYS))
        if not isinstance(values, list) or not values or any(v not in WEEKDAYS for v in values):
            self.problems.append(f"{where}.days = {values!r}: must be a list of days from {', '.join(WEEKDAYS)}")
            return WEEKDAYS
        return tuple(d for d in WEEKDAYS if d in values)

    def items(self, raw: Any, where: str) -> list[Mapping]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problems.append(f"[[{where}]]: must be a list of tables")
            return []
        return raw


def parse_plan(raw: Any, source: str = "<plan>") -> CarePlan:
    """A valid CarePlan from a plan document, or PlanError listing every problem."""
    c = _Checker()
    top = c.table(raw, "the plan", ("version", "medication", "measurement", "check_in", "contact", "limits", "night",
                                    "inactivity", "ladder", "consent", "resident"), required=("version",))
    if top is None:
        raise PlanError(source, c.problems)
    version = c.integer(top, "version", "the plan", 1, 2**31)

    medications = []
    for i, item in enumerate(c.items(top.get("medication"), "medication")):
        where = f"medication[{i}]"
        if c.table(item, where, ("id", "name", "dose", "times", "window_minutes", "compartment", "days"),
                   required=("name", "times")) is None:
            continue
        name = c.text(item, "name", where, max_len=60)
        compartment = item.get("compartment")
        if compartment is not None:
            compartment = c.integer(item, "compartment", where, 1, 64)
        medication = Medication(
            id=c.text(item, "id", where, default=_slug(name) or f"medication-{i + 1}", max_len=40), name=name,
            dose=c.text(item, "dose", where, default="", max_len=60), times=c.clocks(item, "times", where),
            window_minutes=c.integer(item, "window_minutes", where, 5, 720, default=60),
            compartment=compartment, days=c.days(item, where))
        overlap = overlapping_doses([t.strftime("%H:%M") for t in medication.times], medication.window_minutes)
        if overlap:
            c.problems.append(f"{where}: the doses at {overlap[0]} and {overlap[1]} are closer than window_minutes = "
                              f"{medication.window_minutes}; two doses would be open at once")
        medications.append(medication)

    measurements = []
    for i, item in enumerate(c.items(top.get("measurement"), "measurement")):
        where = f"measurement[{i}]"
        if c.table(item, where, ("id", "kind", "times", "window_minutes", "days"), required=("kind", "times")) is None:
            continue
        kind = item.get("kind")
        if kind not in MEASUREMENT_KINDS:
            c.problems.append(f"{where}.kind = {kind!r}: must be one of {', '.join(MEASUREMENT_KINDS)}")
        measurements.append(Measurement(
            id=c.text(item, "id", where, default=f"{kind}-{i + 1}", max_len=40), kind=str(kind),
            times=c.clocks(item, "times", where), window_minutes=c.integer(item, "window_minutes", where, 5, 720, 120),
            days=c.days(item, where)))

    check_ins = []
    for i, item in enumerate(c.items(top.get("check_in"), "check_in")):
        where = f"check_in[{i}]"
        if c.table(item, where, ("id", "time", "who", "link", "days", "window_minutes"),
                   required=("time", "who", "link")) is None:
            continue
        link = c.text(item, "link", where, max_len=500)
        if link and not (link.startswith("https://") or link.startswith(LOOPBACK_LINKS)):
            c.problems.append(f"{where}.link = {link!r}: must be an https:// address")
        check_ins.append(CheckIn(
            id=c.text(item, "id", where, default=f"check-in-{i + 1}", max_len=40), time=c.clock(item.get("time"), f"{where}.time"),
            who=c.text(item, "who", where, max_len=60), link=link, days=c.days(item, where),
            window_minutes=c.integer(item, "window_minutes", where, 1, 120, 15)))

    contacts = []
    for i, item in enumerate(c.items(top.get("contact"), "contact")):
        where = f"contact[{i}]"
        if c.table(item, where, ("name", "phone", "relation", "order", "consent", "calls", "first_for"),
                   required=("name", "phone")) is None:
            continue
        first_for = item.get("first_for", [])
        if not isinstance(first_for, (list, tuple)) or not all(kind in PERSON_ALARM_KINDS for kind in first_for):
            c.problems.append(f"{where}.first_for = {first_for!r}: must be a list of alarm kinds from "
                              f"{', '.join(PERSON_ALARM_KINDS)}")
            first_for = []
        phone = str(item.get("phone", "")).replace(" ", "")
        if not PHONE.fullmatch(phone):
            c.problems.append(f"{where}.phone = {item.get('phone')!r}: must be a phone number like \"+4791234567\"")
        consent, calls = item.get("consent", False), item.get("calls", False)
        for key, value in (("consent", consent), ("calls", calls)):
            if type(value) is not bool:
                c.problems.append(f"{where}.{key} = {value!r}: must be true or false")
        contacts.append(Contact(name=c.text(item, "name", where, max_len=60), phone=phone,
                                relation=c.text(item, "relation", where, default="", max_len=40),
                                order=c.integer(item, "order", where, 1, 99, default=i + 1), consent=consent is True,
                                calls=calls is True, first_for=tuple(dict.fromkeys(first_for))))

    limits = dict(DEFAULT_LIMITS)
    raw_limits = top.get("limits", {})
    if c.table(raw_limits, "[limits]", LIMITED_MEASURES) is not None:
        for measure, spec in raw_limits.items():
            where = f"[limits.{measure}]"
            if measure not in limits or c.table(spec, where, ("green", "yellow"), required=("green", "yellow")) is None:
                continue
            ranges = []
            for key in ("green", "yellow"):
                pair = spec.get(key)
                if (not isinstance(pair, list) or len(pair) != 2 or any(type(v) not in (int, float) for v in pair)
                        or pair[0] > pair[1]):
                    c.problems.append(f"{where} {key} = {pair!r}: must be [lowest, highest], e.g. [100, 139]")
                    break
                ranges.append((float(pair[0]), float(pair[1])))
            else:
                try:
                    limits[measure] = Limits(green=ranges[0], yellow=ranges[1])
                except ValueError as exc:
                    c.problems.append(f"{where}: {exc}")

    night = Night()
    raw_night = top.get("night")
    if raw_night is not None and c.table(raw_night, "[night]", ("start", "end", "out_of_bed_minutes",
                                                                 "door_minutes")) is not None:
        night = Night(start=c.clock(raw_night.get("start", "23:00"), "[night] start"),
                      end=c.clock(raw_night.get("end", "07:00"), "[night] end"),
                      out_of_bed_minutes=c.integer(raw_night, "out_of_bed_minutes", "[night]", 1, 600, 30),
                      door_minutes=c.integer(raw_night, "door_minutes", "[night]", 1, 120, 10))

    inactivity = 4.0
    raw_inactivity = top.get("inactivity")
    if raw_inactivity is not None and c.table(raw_inactivity, "[inactivity]", ("hours",)) is not None:
        inactivity = c.number(raw_inactivity, "hours", "[inactivity]", 0.5, 24, 4.0)

    taken_minutes = 45
    raw_ladder = top.get("ladder")
    if raw_ladder is not None and c.table(raw_ladder, "[ladder]", ("taken_minutes",)) is not None:
        taken_minutes = c.integer(raw_ladder, "taken_minutes", "[ladder]", 5, 240, 45)

    language = ""
    raw_resident = top.get("resident")
    if raw_resident is not None and c.table(raw_resident, "[resident]", ("language",)) is not None:
        language = c.text(raw_resident, "language", "[resident]", default="", max_len=10)
        problem = check_language(language) if language else None
        if problem:
            c.problems.append(f"[resident] language = {language!r}: must be {problem}")
            language = ""

    consent: dict[str, Consent] = {}
    raw_consent = top.get("consent", {})
    if c.table(raw_consent, "[consent]", CONSENT_FEATURES) is not None:
        for feature, entry in raw_consent.items():
            where = f"[consent.{feature}]"
            if feature not in CONSENT_FEATURES or c.table(entry, where, ("given", "recorded_by", "recorded_at"),
                                                          required=("given", "recorded_by", "recorded_at")) is None:
                continue
            given = entry.get("given")
            if type(given) is not bool:
                c.problems.append(f"{where} given = {given!r}: must be true or false")
            recorded_at = entry.get("recorded_at")
            if isinstance(recorded_at, datetime):  # TOML dates and date-times arrive parsed
                recorded_at = recorded_at.isoformat()
            elif hasattr(recorded_at, "isoformat"):
                recorded_at = recorded_at.isoformat()
            if not isinstance(recorded_at, str) or not recorded_at:
                c.problems.append(f"{where} recorded_at: must be the date it was recorded, e.g. 2026-11-01")
                recorded_at = ""
            consent[feature] = Consent(given=given is True, recorded_by=c.text(entry, "recorded_by", where, max_len=60),
                                       recorded_at=str(recorded_at))

    ids = [m.id for m in medications] + [m.id for m in measurements] + [x.id for x in check_ins]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        c.problems.append(f"the id '{duplicate}' is used twice: each medication, measurement and check-in needs its own")
    if c.problems:
        raise PlanError(source, c.problems)
    return CarePlan(version=version, medications=tuple(medications), measurements=tuple(measurements),
                    check_ins=tuple(check_ins), contacts=tuple(sorted(contacts, key=lambda x: x.order)),
                    limits=limits, night=night, inactivity_hours=inactivity, consent=consent,
                    taken_minutes=taken_minutes, language=language)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def load_plan_file(path: Path) -> CarePlan:
    """A plan from a .toml or .json file; PlanError (never anything else) when it cannot be used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(str(path), [f"cannot be read: {exc}"]) from exc
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(str(path), [f"not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}"]) from exc
    except RecursionError as exc:
        raise PlanError(str(path), ["values are nested too deeply"]) from exc
    return parse_plan(raw, str(path))


def plan_from_json(text: str, source: str = "<stored plan>") -> CarePlan:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(source, [f"not valid JSON: {exc}"]) from exc
    return parse_plan(raw, source)
