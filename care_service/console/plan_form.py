"""The care-plan editor's forms, read and checked: pure functions from the posted
fields (and the plan they change) to a new plan document, or to every problem, each
named by the field it is about, so the page shows it next to that field.

The document is the plan's own shape (docs/care-plan.md; `CarePlan.document()` on the
hub), and the checks here are at least as strict as the hub's `parse_plan`, so a plan
the console saves is never one the hub refuses (a test holds the two together).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from vocabulary import PERSON_ALARM_KINDS, overlapping_doses

from care_service.console.resident_view import CONSENT_FEATURES, DEFAULT_LIMITS, LIMITED_MEASURES, WEEKDAYS, limits_of

HH_MM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
PHONE = re.compile(r"\+[0-9]{6,15}")
MAX_CONTACTS = 20
MAX_TIMES = 12
MAX_CHECK_INS = 20
# What a limit can possibly be (a typo such as 1400 is caught here, not on a chart).
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "systolic": (40, 300), "diastolic": (20, 200), "pulse": (20, 250), "spo2": (50, 100),
    "temperature": (30, 45), "glucose": (1, 40),
}
LIMIT_FIELDS = ("green-low", "green-high", "yellow-low", "yellow-high")

Problem = tuple[str, dict[str, Any]]  # (text key, values for it)
Problems = dict[str, Problem]  # field name ("_form" for the whole form) -> its problem


def _field(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def contact_rows(form: Mapping[str, Any]) -> int:
    """How many contact rows the form had (the page shows as many again)."""
    text = _field(form, "contacts")
    return min(int(text), MAX_CONTACTS) if re.fullmatch(r"[0-9]{1,3}", text) else 0


def decimal(text: str) -> float | None:
    """A number as a nurse types it: "36,1" or "36.1"; None if it is not one."""
    if not re.fullmatch(r"-?[0-9]{1,4}([.,][0-9]{1,3})?", text):
        return None
    value = float(text.replace(",", "."))
    return value if math.isfinite(value) else None


def _plain_number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _shown(value: Any, lang: str) -> str:
    if type(value) not in (int, float):
        return ""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "nb" else text


def current_version(document: Mapping[str, Any]) -> int:
    version = document.get("version", 0)
    return version if type(version) is int else 0


def _items(document: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    raw = document.get(key)
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []


# -- what the form shows for a stored plan ----------------------------------------------------------

def form_values(document: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The plan's values as the form's fields (strings; a ticked checkbox is "on")."""
    values: dict[str, str] = {"version": str(current_version(document))}
    for i, medication in enumerate(_items(document, "medication")):
        times = medication.get("times")
        values[f"med-{i}-times"] = ", ".join(t for t in times if isinstance(t, str)) if isinstance(times, list) else ""
        values[f"med-{i}-window"] = str(medication.get("window_minutes", 60))
    limits = limits_of(dict(document))
    for measure in LIMITED_MEASURES:
        lim = limits[measure]
        for name, value in zip(LIMIT_FIELDS, (*lim.green, *lim.yellow)):
            values[f"lim-{measure}-{name}"] = _shown(value, lang)
    contacts = sorted(_items(document, "contact"), key=lambda c: c.get("order") if type(c.get("order")) is int else 99)
    for i, contact in enumerate(contacts):
        for key in ("name", "phone", "relation"):
            values[f"contact-{i}-{key}"] = contact.get(key) if isinstance(contact.get(key), str) else ""
        values[f"contact-{i}-order"] = str(contact.get("order", i + 1))
        if contact.get("consent") is True:
            values[f"contact-{i}-consent"] = "on"
        if contact.get("calls") is True:
            values[f"contact-{i}-calls"] = "on"
        first_for = contact.get("first_for") if isinstance(contact.get("first_for"), list) else []
        for kind in PERSON_ALARM_KINDS:
            if kind in first_for:
                values[f"contact-{i}-first-{kind}"] = "on"
    values["contacts"] = str(len(contacts) + 1)  # the last row is empty, for a new contact
    values[f"contact-{len(contacts)}-order"] = str(len(contacts) + 1)
    consent = document.get("consent") if isinstance(document.get("consent"), dict) else {}
    for feature in CONSENT_FEATURES:
        entry = consent.get(feature)
        answer = ("yes" if entry.get("given") is True else "no") if isinstance(entry, dict) else ""
        values[f"consent-{feature}"] = answer
    return values


# -- the plan form ------------------------------------------------------------------------------------

def _times(text: str, name: str, problems: Problems) -> list[str]:
    parts = [p for p in re.split(r"[\s,;]+", text) if p]
    if not parts:
        problems[name] = ("plan.p.times_needed", {})
        return []
    if len(parts) > MAX_TIMES:
        problems[name] = ("plan.p.too_many_times", {"n": MAX_TIMES})
        return []
    wrong = [p for p in parts if not HH_MM.fullmatch(p)]
    if wrong:
        problems[name] = ("plan.p.time", {"value": wrong[0]})
        return []
    if len(set(parts)) != len(parts):
        problems[name] = ("plan.p.times_twice", {})
        return []
    return sorted(parts)


def _whole(text: str, name: str, low: int, high: int, problems: Problems) -> int:
    if not re.fullmatch(r"[0-9]{1,6}", text) or not low <= int(text) <= high:
        problems[name] = ("plan.p.whole_number", {"low": low, "high": high})
        return low
    return int(text)


def _text(form: Mapping[str, Any], name: str, most: int, problems: Problems, needed: bool) -> str:
    value = _field(form, name)
    if needed and not value:
        problems[name] = ("plan.p.needed", {})
    elif len(value) > most:
        problems[name] = ("plan.p.too_long", {"n": most})
    return value


def _limits(form: Mapping[str, Any], old: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """measure -> {"green": [...], "yellow": [...]}: the ones the plan had and the ones
    that differ from the defaults; a measure left all empty goes back to the defaults."""
    old_limits = old.get("limits") if isinstance(old.get("limits"), dict) else {}
    out: dict[str, Any] = {}
    for measure in LIMITED_MEASURES:
        names = [f"lim-{measure}-{n}" for n in LIMIT_FIELDS]
        texts = [_field(form, n) for n in names]
        if not any(texts):
            continue
        numbers: list[float] = []
        low_ok, high_ok = PLAUSIBLE[measure]
        for name, text in zip(names, texts):
            value = decimal(text) if text else None
            if not text:
                problems[name] = ("plan.p.all_four", {})
            elif value is None:
                problems[name] = ("plan.p.number", {})
            elif not low_ok <= value <= high_ok:
                problems[name] = ("plan.p.plausible", {"low": _plain_number(low_ok), "high": _plain_number(high_ok)})
            else:
                numbers.append(value)
                continue
        if len(numbers) != 4:
            continue
        g_low, g_high, y_low, y_high = numbers
        if g_low > g_high:
            problems[names[1]] = ("plan.p.low_high", {})
        if y_low > y_high:
            problems[names[3]] = ("plan.p.low_high", {})
        if g_low <= g_high and y_low <= y_high:
            if g_low < y_low:
                problems[names[0]] = ("plan.p.green_inside_yellow", {})
            if g_high > y_high:
                problems[names[1]] = ("plan.p.green_inside_yellow", {})
        if any(n in problems for n in names):
            continue
        chosen = {"green": [_plain_number(g_low), _plain_number(g_high)],
                  "yellow": [_plain_number(y_low), _plain_number(y_high)]}
        default = DEFAULT_LIMITS[measure]
        if measure in old_limits or (tuple(numbers[:2]), tuple(numbers[2:])) != default:
            out[measure] = chosen
    return out


def _contacts(form: Mapping[str, Any], problems: Problems) -> list[dict[str, Any]]:
    out = []
    for i in range(contact_rows(form)):
        prefix = f"contact-{i}-"
        if _field(form, prefix + "remove") == "on":
            continue
        if not any(_field(form, prefix + key) for key in ("name", "phone", "relation")):
            continue  # the empty row for a new contact, left empty
        name = _text(form, prefix + "name", 60, problems, needed=True)
        relation = _text(form, prefix + "relation", 40, problems, needed=False)
        phone = re.sub(r"[\s-]", "", _field(form, prefix + "phone"))
        if not phone:
            problems[prefix + "phone"] = ("plan.p.phone_needed", {})
        elif not PHONE.fullmatch(phone):
            problems[prefix + "phone"] = ("plan.p.phone", {})
        order_text = _field(form, prefix + "order")
        order = _whole(order_text, prefix + "order", 1, 99, problems) if order_text else i + 1
        contact: dict[str, Any] = {"name": name, "phone": phone, "order": order,
                                   "consent": _field(form, prefix + "consent") == "on"}
        if relation:
            contact["relation"] = relation
        if _field(form, prefix + "calls") == "on":  # only when agreed: the hub's default is no
            contact["calls"] = True
        first_for = [kind for kind in PERSON_ALARM_KINDS if _field(form, f"{prefix}first-{kind}") == "on"]
        if first_for:  # asked before the others for these kinds of alarm (a neighbour: a fall)
            contact["first_for"] = first_for
        out.append(contact)
    return sorted(out, key=lambda c: c["order"])


def _consent(form: Mapping[str, Any], old: Mapping[str, Any], nurse: str, today: date,
             problems: Problems) -> dict[str, Any]:
    """Each feature as recorded; a changed answer is recorded anew, by this nurse, today."""
    old_consent = old.get("consent") if isinstance(old.get("consent"), dict) else {}
    out = {f: e for f, e in old_consent.items() if f in CONSENT_FEATURES and isinstance(e, dict)}
    for feature in CONSENT_FEATURES:
        name = f"consent-{feature}"
        answer = _field(form, name)
        if answer == "":
            continue  # not recorded, and still not
        if answer not in ("yes", "no"):
            problems[name] = ("plan.p.consent", {})
            continue
        given = answer == "yes"
        entry = out.get(feature)
        if entry is None or entry.get("given") is not given:
            out[feature] = {"given": given, "recorded_by": nurse[:60], "recorded_at": today.isoformat()}
    return out


def _check_version(form: Mapping[str, Any], old: Mapping[str, Any], problems: Problems) -> None:
    if _field(form, "version") != str(current_version(old)):
        problems["_form"] = ("plan.p.changed", {"version": current_version(old)})


def parse_plan_form(form: Mapping[str, Any], old: Mapping[str, Any], nurse: str,
                    today: date) -> tuple[dict[str, Any] | None, Problems]:
    """(the new plan document, version old + 1, {}) or (None, every problem)."""
    problems: Problems = {}
    _check_version(form, old, problems)
    document = copy.deepcopy(dict(old))
    document["version"] = current_version(old) + 1
    medications = []
    for i, medication in enumerate(_items(old, "medication")):
        medication = dict(medication)
        times = _times(_field(form, f"med-{i}-times"), f"med-{i}-times", problems)
        window = _whole(_field(form, f"med-{i}-window"), f"med-{i}-window", 5, 720, problems)
        overlap = overlapping_doses(times, window)
        if overlap and f"med-{i}-window" not in problems:
            problems[f"med-{i}-window"] = ("plan.p.windows_overlap", {"first": overlap[0], "second": overlap[1]})
        medication.update(times=times, window_minutes=window)
        medications.append(medication)
    if "medication" in old or medications:
        document["medication"] = medications
    document["limits"] = _limits(form, old, problems)
    document["contact"] = _contacts(form, problems)
    document["consent"] = _consent(form, old, nurse, today, problems)
    check_ins = _items(old, "check_in")
    kept = [c for i, c in enumerate(check_ins) if _field(form, f"checkin-{i}-remove") != "on"]
    if "check_in" in old or kept:
        document["check_in"] = kept
    if problems:
        return None, problems
    return document, {}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def _ids(document: Mapping[str, Any]) -> set[Any]:
    """The ids the hub gives the plan's items: their own, or the ones it makes up for
    items without (the same rules as the hub's parse_plan), so a new one never clashes."""
    ids = set()
    for i, item in enumerate(_items(document, "medication")):
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        ids.add(item.get("id", _slug(name.strip()) or f"medication-{i + 1}"))
    for i, item in enumerate(_items(document, "measurement")):
        ids.add(item.get("id", f"{item.get('kind')}-{i + 1}"))
    for i, item in enumerate(_items(document, "check_in")):
        ids.add(item.get("id", f"check-in-{i + 1}"))
    return ids


# -- a new video check-in --------------------------------------------------------------------------

def parse_check_in(form: Mapping[str, Any], old: Mapping[str, Any]) -> tuple[dict[str, Any] | None, Problems]:
    """The plan with one more check-in (version old + 1), or every problem. Fields:
    time, day-mon ... day-sun (ticked: "on"), who, link, version."""
    problems: Problems = {}
    _check_version(form, old, problems)
    at = _field(form, "time")
    if not HH_MM.fullmatch(at):
        problems["time"] = ("plan.p.time", {"value": at})
    days = [d for d in WEEKDAYS if _field(form, f"day-{d}") == "on"]
    if not days:
        problems["days"] = ("plan.p.days_needed", {})
    who = _text(form, "who", 60, problems, needed=True)
    link = _field(form, "link")
    parts = urlsplit(link) if link.isprintable() and " " not in link else None
    if not link:
        problems["link"] = ("plan.p.needed", {})
    elif len(link) > 500:
        problems["link"] = ("plan.p.too_long", {"n": 500})
    elif parts is None or parts.scheme != "https" or not parts.hostname or not link.startswith("https://"):
        problems["link"] = ("plan.p.link", {})
    check_ins = _items(old, "check_in")
    if len(check_ins) >= MAX_CHECK_INS:
        problems["_form"] = ("plan.p.too_many_check_ins", {"n": MAX_CHECK_INS})
    if problems:
        return None, problems
    taken = _ids(old)
    number = len(check_ins) + 1
    while f"check-in-{number}" in taken:
        number += 1
    document = copy.deepcopy(dict(old))
    document["version"] = current_version(old) + 1
    document["check_in"] = [*check_ins, {"id": f"check-in-{number}", "time": at, "days": days, "who": who,
                                         "link": link}]
    return document, {}


# -- a message to the resident's hub ------------------------------------------------------------------

MAX_MESSAGE = 500


def parse_message(form: Mapping[str, Any]) -> tuple[str | None, Problems]:
    text = form.get("text", "")
    text = text.strip().replace("\r\n", "\n") if isinstance(text, str) else ""
    if not text:
        return None, {"text": ("res.p.message_empty", {})}
    if len(text) > MAX_MESSAGE:
        return None, {"text": ("res.p.message_long", {"n": MAX_MESSAGE, "length": len(text)})}
    return text, {}
