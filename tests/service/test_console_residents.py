"""The nurse's resident pages in the console, for real: the care service on 127.0.0.1,
a nurse logged in over HTTP (session cookie, CSRF token), the hub's resources posted as
FHIR with its bearer credential, and the pages read as a browser gets them. The care
plan the console writes is checked with the hub's own parser."""

from __future__ import annotations

import json
import re
import tomllib
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from care_service.console import charts, i18n
from care_service.console import plan_form as pf
from care_service.console import resident_view as rv
from hub_app.care_plan import parse_plan
from sync import fhir_mapping as fm

PLANS = Path(__file__).parents[1] / "plans"
NURSE, PASSWORD = "Sykepleier Nina", "a long nurse password 7"  # NURSE: the name residents see


def kari_plan() -> dict:
    """tests/plans/kari.toml as the JSON document the service keeps (dates as text)."""
    raw = tomllib.loads((PLANS / "kari.toml").read_text(encoding="utf-8"))
    for entry in raw["consent"].values():
        entry["recorded_at"] = entry["recorded_at"].isoformat()
    return raw


class Hub:
    """What a resident's hub does at the service: FHIR in a batch, heartbeats, the plan."""

    def __init__(self, service, name: str) -> None:
        token, self.pid = service.store.add_hub(name)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.patient = f"Patient/{self.pid}"
        self.url = service.url

    def send(self, *resources: dict) -> list[str]:
        answer = requests.post(f"{self.url}/fhir", json=fm.batch(list(resources)), headers=self.headers, timeout=10)
        assert answer.status_code == 200, answer.text
        statuses = [e["response"]["status"] for e in answer.json()["entry"]]
        assert statuses == ["201 Created"] * len(resources), statuses
        return [e["response"]["location"].split("/")[1] for e in answer.json()["entry"]]

    def reading(self, kind: str, values: dict, at: datetime) -> dict:
        return fm.observation(str(uuid.uuid4()), kind, values, at, self.patient)

    def alarm(self, kind: str, at: datetime, detail: str = "") -> dict:
        return fm.detected_issue(str(uuid.uuid4()), kind, at, self.patient, detail=detail)

    def dose(self, medicine: str, at: datetime) -> dict:
        return fm.medication_dispense(str(uuid.uuid4()), medicine, at, self.patient)

    def heartbeat(self, devices: list[dict] | None = None) -> None:
        body = {"devices": devices} if devices is not None else None
        answer = requests.post(f"{self.url}/hub/heartbeat", json=body, headers=self.headers, timeout=10)
        assert answer.status_code == 200, answer.text

    def care_plan(self) -> requests.Response:
        return requests.get(f"{self.url}/hub/care-plan", headers=self.headers, timeout=10)


class Nurse:
    """A nurse at the console: logged in with a password, the session's CSRF token in hand."""

    def __init__(self, service, name: str = "nina", lang: str = "nb") -> None:
        service.store.add_nurse(name, PASSWORD, NURSE if name == "nina" else "")
        self.url, self.http = service.url, requests.Session()
        self.http.headers["Accept-Language"] = lang
        answer = self.http.post(f"{self.url}/console/login", data={"username": name, "password": PASSWORD},
                                allow_redirects=False, timeout=10)
        assert answer.status_code == 303 and answer.headers["Location"] == "/console"
        self.csrf = re.search(r'data-csrf="([^"]+)"', self.get("/console/residents").text)[1]

    def get(self, path: str, **options) -> requests.Response:
        return self.http.get(self.url + path, timeout=10, **options)

    def post(self, path: str, data: dict, csrf: bool = True) -> requests.Response:
        fields = {**data, "csrf": self.csrf} if csrf else dict(data)
        return self.http.post(self.url + path, data=fields, allow_redirects=False, timeout=10)

    def form(self, path: str, action: str) -> dict[str, str]:
        """The fields of a form on a page as a browser would submit them untouched."""
        page = self.get(path)
        assert page.status_code == 200
        reader = FormReader(action)
        reader.feed(page.text)
        assert reader.found, f"no form for {action} on {path}"
        return reader.fields


class FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.found, self.fields = action, False, False, {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
            self.found |= self.inside
        elif self.inside and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            else:
                self.fields[a["name"]] = a.get("value") or ""
        elif self.inside and tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None


def svgs(page: str) -> dict[str, ET.Element]:
    """The page's charts by name, parsed as XML (which they must be)."""
    found = {}
    for text in re.findall(r"<svg .*?</svg>", page, re.S):
        svg = ET.fromstring(text)
        title = svg.find("{http://www.w3.org/2000/svg}title")
        found[title.get("id").removeprefix("chart-").removesuffix("-t")] = svg
    return found


def point_bands(svg: ET.Element) -> list[str]:
    return sorted(e.get("class").split()[1] for e in svg.iter() if (e.get("class") or "").startswith("point "))


def svg_texts(svg: ET.Element, cls: str) -> list[str]:
    return [e.text for e in svg.iter() if e.get("class") == cls]


def problems_on(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-problem" id="p-([^"]+)"[^>]*>(.*?)</p>', page, re.S))


def section(page: str, section_id: str) -> str:
    start = page.index(f'<section id="{section_id}"')
    return page[start:page.index("</section>", start)]


@pytest.fixture
def kari(service):
    return Hub(service, "Kari Nordmann")


@pytest.fixture
def nurse(service):
    return Nurse(service)


def ago(**delta) -> datetime:
    return datetime.now(timezone.utc) - timedelta(**delta)


# -- the list and the resident's page -------------------------------------------------------------

def test_the_list_shows_each_resident_with_open_alarms_and_when_last_heard(service, kari, nurse):
    per = Hub(service, "Per Hansen")
    kari.send(kari.alarm("fall", ago(minutes=30)), kari.alarm("help_button", ago(minutes=5)))
    kari.heartbeat()
    page = nurse.get("/console/residents")
    assert page.status_code == 200 and page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    rows = re.findall(r'<li class="resident-row.*?</li>', page.text, re.S)
    assert [re.search(r'class="resident-name">(.*?)<', r)[1] for r in rows] == ["Kari Nordmann", "Per Hansen"]
    assert 'data-open-alarms="2"' in rows[0] and f'href="/console/residents/{kari.pid}"' in rows[0]
    assert 'data-open-alarms="0"' in rows[1] and f'href="/console/residents/{per.pid}"' in rows[1]
    assert "i dag" in rows[0] and "(nå)" in rows[0]  # heard from just now
    assert "aldri" in rows[1]  # Per's hub has never said a word


def local(days_ago: int, hour: int, minute: int) -> datetime:
    """A wall-clock time in the home `days_ago` days before today (UTC)."""
    day = datetime.now(rv.ZONE).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), rv.ZONE).astimezone(timezone.utc)


def test_the_resident_page_charts_doses_timeline_and_devices(service, kari, nurse):
    bp = "blood_pressure"
    ids = kari.send(
        kari.reading(bp, {"systolic": 140, "diastolic": 90}, local(20, 9, 0)),  # only in the 30 days
        kari.reading(bp, {"systolic": 128, "diastolic": 82}, local(3, 9, 0)),  # green, green
        kari.reading(bp, {"systolic": 150, "diastolic": 85}, local(2, 9, 0)),  # yellow, green
        kari.reading(bp, {"systolic": 185, "diastolic": 95}, local(1, 9, 0)),  # red, yellow
        kari.reading("heart_rate", {"pulse": 68}, local(1, 9, 5)),
        kari.reading("oxygen_saturation", {"spo2": 97}, local(1, 9, 10)),
        kari.reading("body_temperature", {"temperature": 37.2}, local(1, 9, 15)),
        kari.reading("body_weight", {"weight": 72.5}, local(1, 9, 20)),
        kari.reading("blood_glucose", {"glucose": 6.1}, local(1, 9, 25)),
        kari.dose("Morgenmedisin (1 pose)", local(3, 8, 3)),
        kari.dose("Morgenmedisin (1 pose)", local(2, 8, 5)),
        kari.alarm("missed_dose", local(2, 21, 10), "Missed dose: Kveldsmedisin (1 pose)"),
        kari.alarm("help_button", local(2, 14, 0)),
        kari.alarm("fall", ago(minutes=50)),
    )
    help_id = ids[12]
    resolved = nurse.post(f"/console/alarms/{help_id}/resolve", {"note": "Kari hadde trykket ved et uhell"})
    assert resolved.status_code == 303
    kari.heartbeat([{"name": "Blodtrykksmåler", "kind": "blood_pressure", "battery": 15,
                     "last_contact": stamp(local(1, 9, 0)), "connected": False, "problem": "battery low"},
                    {"name": "Medisindispenser", "kind": "dispenser", "battery": None,
                     "last_contact": stamp(ago(minutes=1)), "connected": True, "problem": ""}])

    page = nurse.get(f"/console/residents/{kari.pid}").text
    assert "<h1>Kari Nordmann</h1>" in page and 'style="' not in page
    charts_found = svgs(page)
    assert set(charts_found) == {"blood_pressure", "pulse", "spo2", "temperature", "weight", "glucose"}
    assert point_bands(charts_found["blood_pressure"]) == sorted(["green", "yellow", "red", "green", "green", "yellow"])
    assert sorted(svg_texts(charts_found["blood_pressure"], "limit-label")) == ["109", "179", "50", "90"]
    assert point_bands(charts_found["weight"]) == ["none"]  # weight has no band
    assert svg_texts(charts_found["temperature"], "limit-label") == ["35,1", "39,0"]  # Norwegian decimals
    assert charts_found["pulse"].get("viewBox") == "0 0 400 230" and charts_found["pulse"].get("width") == "100%"
    assert "Siste: 185/95 mmHg" in page

    month = nurse.get(f"/console/residents/{kari.pid}?days=30").text
    assert len(point_bands(svgs(month)["blood_pressure"])) == 8  # the reading 20 days ago too
    assert 'aria-current="page">30 dager' in month

    doses = section(page, "doses")
    assert "67 % av dosene tatt (2 av 3)" in doses
    days = re.findall(r'<li class="dose-day ([a-z-]+)">\s*<span class="dose-date">(.*?)</span>\s*'
                      r'<span class="dose-count">(.*?)</span>', doses)
    assert len(days) == 7 and days[-1] == ("empty", "i dag", "ingen")
    assert [d[0] for d in days[-4:]] == ["all", "some", "empty", "empty"]
    assert [d[2] for d in days[-4:-2]] == ["1 av 1", "1 av 2"]

    timeline = section(page, "timeline")
    order = [timeline.index(text) for text in ("Fall", "Blodsukker", "185/95 mmHg", "Glemt medisin", "Trygghetsalarm",
                                               "150/85 mmHg", "Medisin tatt", "128/82 mmHg")]
    assert order == sorted(order), "newest first"
    assert "140/90" not in timeline  # 20 days ago: outside the week
    assert "løst av Sykepleier Nina" in timeline and "Kari hadde trykket ved et uhell" in timeline
    waiting = page[page.index('class="waiting"'):page.index('id="readings"')]
    assert "Fall" in waiting and "Glemt medisin" in waiting and "Trygghetsalarm" not in waiting

    devices = section(page, "devices")
    assert "Blodtrykksmåler" in devices and "15 %" in devices and "battery low" not in devices
    assert "ikke tilkoblet" in devices and "Medisindispenser" in devices and "lavt batteri" in devices
    assert "Huben sist hørt fra: i dag" in devices and "i går 09:00" in devices  # the cuff's last contact


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def test_the_charts_use_the_residents_own_limits_and_the_defaults_elsewhere(service, kari, nurse):
    plan = kari_plan()
    plan["limits"] = {"systolic": {"green": [110, 140], "yellow": [95, 160]}}
    service.store.set_plan(kari.pid, plan, by="test")
    kari.send(kari.reading("blood_pressure", {"systolic": 165, "diastolic": 80}, ago(hours=2)),
              kari.reading("heart_rate", {"pulse": 135}, ago(hours=1)))
    page = nurse.get(f"/console/residents/{kari.pid}").text
    found = svgs(page)
    assert point_bands(found["blood_pressure"]) == ["green", "red"]  # 165 is red against her own 95-160
    assert sorted(svg_texts(found["blood_pressure"], "limit-label")) == ["109", "160", "50", "95"]
    assert point_bands(found["pulse"]) == ["red"] and svg_texts(found["pulse"], "limit-label") == ["41", "130"]
    plan_part = section(page, "plan")
    assert re.search(r"Systolisk \(øvre\) <span class=\"meta\">\(egne\)</span></th>\s*<td>110–140</td>", plan_part)
    assert "Puls <span class=\"meta\">(standard)</span>" in plan_part
    assert "Morgenmedisin" in plan_part and "tel:+4791234567" in plan_part
    assert "https://care.example.no/rooms/kari" in plan_part


def test_an_unknown_resident_is_404_and_an_empty_resident_page_says_so(service, kari, nurse):
    assert nurse.get(f"/console/residents/{uuid.uuid4()}").status_code == 404
    assert nurse.get(f"/console/residents/{uuid.uuid4()}/plan").status_code == 404
    page = nurse.get(f"/console/residents/{kari.pid}?days=banana").text
    assert "Ingen målinger de siste 7 dagene." in page and "Ingen pleieplan ennå." in page
    assert "Huben har ikke meldt noe utstyr ennå." in page and "<svg" not in page


def test_what_residents_and_hubs_wrote_is_shown_as_text_never_as_markup(service, nurse):
    evil = Hub(service, '<img src=x onerror="alert(1)">')
    evil.heartbeat([{"name": "<script>alert(2)</script>", "kind": "scale", "battery": 50,
                     "last_contact": None, "connected": True, "problem": "<b>x</b>"}])
    evil.send(evil.dose("<i>pille</i>", ago(minutes=5)))
    for path in ("/console/residents", f"/console/residents/{evil.pid}", f"/console/residents/{evil.pid}/plan"):
        page = nurse.get(path).text
        assert "<img src=x" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    page = nurse.get(f"/console/residents/{evil.pid}").text
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<i>pille</i>" not in page and "&lt;i&gt;pille&lt;/i&gt;" in page


# -- the care plan ------------------------------------------------------------------------------------

def test_a_good_plan_edit_is_the_next_version_for_the_hub_with_consent_recorded(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    before = service.store.to_hub_after(kari.pid, 0)[-1][0]
    path = f"/console/residents/{kari.pid}/plan"
    fields = nurse.form(path, path)
    assert fields["version"] == "3" and fields["med-0-times"] == "08:00" and fields["contacts"] == "3"
    assert fields["lim-systolic-green-high"] == "150" and fields["lim-temperature-green-low"] == "36,1"
    assert fields["consent-relatives_told"] == "yes" and fields["consent-auto_answer_calls"] == ""
    fields.update({
        "med-0-times": "07:30, 13:00", "med-1-window": "90",
        "lim-pulse-green-high": "95", "lim-temperature-green-low": "36,0",
        "contact-1-remove": "on",
        "contact-2-name": "Lise Nordmann", "contact-2-phone": "+47 400 00 000", "contact-2-relation": "datter",
        "contact-2-order": "2", "contact-2-consent": "on",
        "consent-auto_answer_calls": "yes", "consent-relatives_told": "no",
    })
    fields.pop("csrf")
    answer = nurse.post(path, fields)
    assert answer.status_code == 303 and answer.headers["Location"] == f"{path}?saved=1"

    got = kari.care_plan()
    assert got.status_code == 200 and got.headers["ETag"] == '"4"'
    plan = parse_plan(got.json(), "from the console")  # the hub's own parser takes it
    assert plan.version == 4
    assert plan.medications[0].times == (time(7, 30), time(13, 0)) and plan.medications[1].window_minutes == 90
    assert plan.medications[0].compartment == 1 and plan.medications[0].name == "Morgenmedisin"  # kept
    assert plan.limits["pulse"].green == (51, 95) and plan.limits["pulse"].yellow == (41, 130)
    assert plan.limits["temperature"].green == (36.0, 38.0)
    assert plan.limits["systolic"].green == (100, 150)  # the plan's own, kept
    assert "diastolic" not in got.json()["limits"]  # untouched defaults are not written into the plan
    assert [(c.name, c.phone, c.relation, c.order, c.consent) for c in plan.contacts] == [
        ("Ola Nordmann", "+4791234567", "son", 1, True), ("Lise Nordmann", "+4740000000", "datter", 2, True)]
    today = datetime.now(rv.ZONE).date().isoformat()
    answered = plan.consent["auto_answer_calls"]
    assert (answered.given, answered.recorded_by, answered.recorded_at) == (True, NURSE, today)
    assert (plan.consent["relatives_told"].given, plan.consent["relatives_told"].recorded_by) == (False, NURSE)
    assert plan.consent["vital_sign_sharing"].recorded_by == "Sykepleier Kari"  # unchanged: as recorded
    assert plan.check_ins[0].who == "Sykepleier Kari" and plan.measurements[0].kind == "blood_pressure"
    assert service.store.to_hub_after(kari.pid, before) == [(before + 1, "care_plan", {"version": 4})]

    shown = nurse.get(f"{path}?saved=1").text
    assert "Lagret som versjon 4." in shown and 'value="07:30, 13:00"' in shown
    day = datetime.now(rv.ZONE).date()
    summary = nurse.get(f"/console/residents/{kari.pid}").text
    assert f"registrert av Sykepleier Nina, {day.day}.{day.month}.{day.year}" in summary


def test_saving_the_plan_untouched_changes_nothing_but_the_version(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    path = f"/console/residents/{kari.pid}/plan"
    fields = nurse.form(path, path)
    fields.pop("csrf")
    assert nurse.post(path, fields).status_code == 303
    old, new = parse_plan(kari_plan()).document(), parse_plan(kari.care_plan().json()).document()
    assert new.pop("version") == 4 and old.pop("version") == 3
    assert new == old


def test_a_bad_plan_edit_shows_every_problem_by_its_field_and_saves_nothing(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    before = service.store.to_hub_after(kari.pid, 0)
    path = f"/console/residents/{kari.pid}/plan"
    fields = nurse.form(path, path)
    fields.pop("csrf")
    fields.update({"med-0-times": "25:00", "lim-systolic-green-high": "175", "contact-0-phone": ""})
    answer = nurse.post(path, fields)
    assert answer.status_code == 400
    problems = problems_on(answer.text)
    assert problems == {
        "med-0-times": "«25:00» er ikke et klokkeslett. Skriv tt:mm, fra 00:00 til 23:59.",
        "lim-systolic-green-high": "Grønt område må ligge innenfor gult.",
        "contact-0-phone": "Telefonnummer må fylles ut.",
    }
    assert "3 ting må rettes. Ingenting er lagret." in answer.text
    # ... listed at the top too, each a link to its field (a long form on a phone).
    assert '<a href="#f-med-0-times">Morgenmedisin: Tider (tt:mm, skill med komma)</a>' in answer.text
    assert '<a href="#f-lim-systolic-green-high">Systolisk (øvre): Grønt til</a>' in answer.text
    assert '<a href="#f-contact-0-phone">Kontakt 1: Telefon (med landskode)</a>' in answer.text
    # What the nurse typed is still there, the field marked.
    assert re.search(r'id="f-med-0-times" name="med-0-times" type="text" value="25:00"[^>]*aria-invalid="true"',
                     answer.text)
    assert 'name="lim-systolic-green-high" type="text" value="175"' in answer.text
    assert 'name="contact-1-phone" type="tel" value="+4798765432"' in answer.text
    assert service.store.plan_of(kari.pid)[0] == 3 and kari.care_plan().headers["ETag"] == '"3"'
    assert service.store.to_hub_after(kari.pid, 0) == before

    english = Nurse(service, "Nora", lang="en")
    answer = english.post(path, {**fields, "lim-pulse-green-low": "fast", "contact-0-phone": "call me"})
    assert problems_on(answer.text)["lim-pulse-green-low"] == "Write a number, like 36.5."
    assert problems_on(answer.text)["contact-0-phone"] == "Write + and the country code first, like +4791234567."


def test_dose_windows_that_overlap_are_refused_in_the_editor(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    path = f"/console/residents/{kari.pid}/plan"
    fields = nurse.form(path, path)
    fields.pop("csrf")
    fields.update({"med-0-times": "08:00, 09:00", "med-0-window": "90"})
    answer = nurse.post(path, fields)
    assert answer.status_code == 400
    assert problems_on(answer.text) == {"med-0-window": "Dosene kl. 08:00 og kl. 09:00 ligger nærmere enn vinduet: "
                                                        "to doser ville vært åpne samtidig. Gjør vinduet kortere."}
    assert service.store.plan_of(kari.pid)[0] == 3


def test_a_plan_changed_meanwhile_is_not_overwritten(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    path = f"/console/residents/{kari.pid}/plan"
    fields = nurse.form(path, path)
    fields.pop("csrf")
    service.store.set_plan(kari.pid, {**kari_plan(), "version": 4}, by="another nurse")
    answer = nurse.post(path, {**fields, "med-0-times": "09:00"})
    assert answer.status_code == 400 and "nå versjon 4" in answer.text
    assert service.store.plan_of(kari.pid)[0] == 4
    again = nurse.post(path, {**fields_of(answer.text, path), "med-0-times": "09:00"})
    assert again.status_code == 303 and kari.care_plan().json()["medication"][0]["times"] == ["09:00"]


def fields_of(page: str, action: str) -> dict[str, str]:
    reader = FormReader(action)
    reader.feed(page)
    fields = dict(reader.fields)
    fields.pop("csrf")
    return fields


def test_the_first_plan_made_in_the_console_is_version_1(service, kari, nurse):
    path = f"/console/residents/{kari.pid}/plan"
    assert kari.care_plan().status_code == 404
    fields = nurse.form(path, path)
    fields.pop("csrf")
    fields.update({"contact-0-name": "Ola", "contact-0-phone": "+4791234567", "consent-vital_sign_sharing": "yes"})
    assert nurse.post(path, fields).status_code == 303
    plan = parse_plan(kari.care_plan().json())
    assert plan.version == 1 and plan.contacts[0].name == "Ola" and plan.consent["vital_sign_sharing"].given


def test_a_video_check_in_is_added_to_the_plan_as_a_new_version(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    path, action = f"/console/residents/{kari.pid}/plan", f"/console/residents/{kari.pid}/check-in"
    fields = nurse.form(path, action)
    fields.pop("csrf")
    assert fields == {"version": "3", "time": "", "who": "", "link": ""}
    bad = nurse.post(action, {**fields, "time": "9", "who": "Nina", "link": "http://care.example.no/r"})
    assert bad.status_code == 400
    assert set(problems_on(bad.text)) == {"time", "days", "link"}
    assert "3 ting må rettes." in bad.text and '<a href="#f-days">Dager</a>' in bad.text and 'id="f-days"' in bad.text
    assert 'value="http://care.example.no/r"' in bad.text and service.store.plan_of(kari.pid)[0] == 3
    good = nurse.post(action, {**fields, "time": "10:15", "day-tue": "on", "day-thu": "on", "who": "Sykepleier Nina",
                               "link": "https://care.example.no/rooms/kari-2"})
    assert good.status_code == 303 and good.headers["Location"] == f"{path}?scheduled=1#check-ins"
    plan = parse_plan(kari.care_plan().json())
    assert plan.version == 4 and len(plan.check_ins) == 2
    added = plan.check_ins[1]
    assert (added.time, added.days, added.who, added.link) == (time(10, 15), ("tue", "thu"), "Sykepleier Nina",
                                                                "https://care.example.no/rooms/kari-2")
    assert service.store.to_hub_after(kari.pid, 0)[-1][1:] == ("care_plan", {"version": 4})
    assert "Videosamtalen er lagt inn (versjon 4)." in nurse.get(f"{path}?scheduled=1").text
    # ... and a check-in can be taken out again in the plan form.
    fields = nurse.form(path, path)
    fields.pop("csrf")
    assert nurse.post(path, {**fields, "checkin-0-remove": "on"}).status_code == 303
    assert [c.who for c in parse_plan(kari.care_plan().json()).check_ins] == ["Sykepleier Nina"]


# -- a message to the hub ----------------------------------------------------------------------------

def test_a_message_is_queued_for_the_residents_hub(service, kari, nurse):
    path = f"/console/residents/{kari.pid}/message"
    answer = nurse.post(path, {"text": "  Husk å drikke vann i dag. Hilsen Nina  "})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/console/residents/{kari.pid}?sent=1#message"
    queued = service.store.to_hub_after(kari.pid, 0)
    assert [q[1:] for q in queued] == [("message", {"text": "Husk å drikke vann i dag. Hilsen Nina", "from": NURSE})]
    assert "Meldingen er sendt til huben." in nurse.get(answer.headers["Location"]).text
    # The hub gets it on its channel.
    with requests.get(f"{service.url}/hub/events", headers=kari.headers, stream=True, timeout=10) as channel:
        lines = channel.iter_lines(decode_unicode=True)
        got = [next(lines) for _ in range(3)]
    assert got == [f"id: {queued[0][0]}", "event: message",
                   "data: " + json.dumps({"text": "Husk å drikke vann i dag. Hilsen Nina", "from": NURSE})]


def test_an_empty_or_too_long_message_is_refused_and_kept(service, kari, nurse):
    path = f"/console/residents/{kari.pid}/message"
    empty = nurse.post(path, {"text": "   "})
    assert empty.status_code == 400 and problems_on(empty.text) == {"text": "Skriv en melding først."}
    long_text = "<b>" + "x" * 498
    too_long = nurse.post(path, {"text": long_text})
    assert too_long.status_code == 400
    assert problems_on(too_long.text) == {"text": "Meldingen er 501 tegn; høyst 500 går."}
    assert "&lt;b&gt;" + "x" * 498 + "</textarea>" in too_long.text
    assert nurse.post(path, {"text": "y" * 500}).status_code == 303
    assert [q[2]["text"] for q in service.store.to_hub_after(kari.pid, 0)] == ["y" * 500]


# -- the guard ----------------------------------------------------------------------------------------

def test_a_nurse_who_is_not_logged_in_is_sent_to_the_login(service, kari):
    stranger = requests.Session()
    for path in ("/console/residents", f"/console/residents/{kari.pid}", f"/console/residents/{kari.pid}/plan"):
        answer = stranger.get(service.url + path, allow_redirects=False, timeout=10)
        assert answer.status_code == 303 and answer.headers["Location"] == "/console/login"
    answer = stranger.post(f"{service.url}/console/residents/{kari.pid}/message", data={"text": "hei"},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and service.store.to_hub_after(kari.pid, 0) == []


def test_a_post_without_the_csrf_token_is_refused(service, kari, nurse):
    service.store.set_plan(kari.pid, kari_plan(), by="test")
    path = f"/console/residents/{kari.pid}/plan"
    fields = nurse.form(path, path)
    fields.pop("csrf")
    assert nurse.post(path, {**fields, "med-0-times": "09:00"}, csrf=False).status_code == 403
    assert nurse.post(path, {**fields, "csrf": "guessed"}, csrf=False).status_code == 403
    assert nurse.post(f"/console/residents/{kari.pid}/message", {"text": "hei"}, csrf=False).status_code == 403
    assert nurse.post(f"/console/residents/{kari.pid}/check-in", {"version": "3", "time": "10:00", "day-mon": "on",
                                                                   "who": "x", "link": "https://a.no"},
                      csrf=False).status_code == 403
    assert service.store.plan_of(kari.pid)[0] == 3 and len(service.store.to_hub_after(kari.pid, 0)) == 1


# -- the form parsers and the charts on their own ----------------------------------------------------

KARI_DOC = kari_plan()
FIELDS = sorted(set(pf.form_values(KARI_DOC, "nb")) | {"contact-2-name", "contact-2-phone", "contact-2-consent",
                                                        "contact-0-calls", "contact-2-calls",
                                                        "contact-0-remove", "checkin-0-remove", "med-5-times",
                                                        "time", "who", "link", "day-mon", "day-sun"})
VALUES = st.one_of(st.text(max_size=24), st.sampled_from(
    ["", "on", "yes", "no", "08:00", "25:00", "7:5", "3", "0", "99", "720", "36,5", "1e9", "-1", "nan",
     "+4791234567", "+47 912 34 567", "https://care.example.no/r", "http://x", "08:00,08:00", "3"]))


def _say_all(problems: pf.Problems) -> None:
    """Every problem has words in both languages, filled without error."""
    for key, values in problems.values():
        for lang in i18n.LANGUAGES:
            assert i18n.text(lang, key).format(**values)


LIMIT_FIELDS = [f"lim-{m}-{n}" for m in rv.LIMITED_MEASURES for n in pf.LIMIT_FIELDS]
NUMBERS = st.one_of(st.integers(-5, 320).map(str),
                    st.decimals(0, 60, places=1).map(lambda d: str(d).replace(".", ",")))


def _near(name: str):
    """A limit field and a number about where that measure's limits lie."""
    low, high = pf.PLAUSIBLE[name.split("-")[1]]
    return st.tuples(st.just(name), st.one_of(st.integers(int(low) - 2, int(high) + 2).map(str),
                                              st.decimals(low, high, places=1).map(lambda d: str(d).replace(".", ","))))


LIMIT_EDITS = st.lists(st.sampled_from(LIMIT_FIELDS).flatmap(_near), max_size=3).map(dict)


BASES = st.sampled_from([KARI_DOC, {}, {"version": 7, "medication": [{"name": "Pille", "times": ["08:00"]}]}])


def _check_outcome(document, problems, base) -> None:
    assert (document is None) == bool(problems)
    if document is None:
        _say_all(problems)
    else:  # the hub's own parser takes it
        plan = parse_plan(json.loads(json.dumps(document)), "console form")
        assert plan.version == pf.current_version(base) + 1


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=2), limits=LIMIT_EDITS,
       noise=st.dictionaries(st.text(max_size=12), VALUES, max_size=4), base=BASES)
def test_edited_plan_forms_give_a_plan_the_hub_takes_or_problems(edits, limits, noise, base):
    """A nurse's edits of the form as shown (and unknown fields): a plan the hub's own
    parser takes, or problems with words for each."""
    form = {**noise, **pf.form_values(base, "nb"), **limits, **edits}
    document, problems = pf.parse_plan_form(form, base, NURSE, date(2026, 11, 23))
    _check_outcome(document, problems, base)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=st.dictionaries(st.one_of(st.sampled_from(FIELDS + LIMIT_FIELDS), st.text(max_size=12)),
                            st.one_of(VALUES, NUMBERS), max_size=30), base=BASES)
def test_random_plan_forms_never_crash(form, base):
    document, problems = pf.parse_plan_form(form, base, NURSE, date(2026, 11, 23))
    _check_outcome(document, problems, base)


@settings(max_examples=300, deadline=None)
@given(changes=st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), VALUES, max_size=12),
       base=st.sampled_from([KARI_DOC, {}]))
def test_random_check_in_forms_give_a_plan_the_hub_takes_or_problems(changes, base):
    form = {"version": str(pf.current_version(base)), "time": "10:00", "day-wed": "on", "who": "Nina",
            "link": "https://care.example.no/r", **changes}
    document, problems = pf.parse_check_in(form, base)
    assert (document is None) == bool(problems)
    if document is None:
        _say_all(problems)
    else:
        assert len(parse_plan(document).check_ins) == len(base.get("check_in", [])) + 1


def test_a_contact_the_resident_agreed_may_video_call_is_kept_in_the_plan():
    form = {**pf.form_values(KARI_DOC, "nb"), "contact-1-calls": "on"}
    document, problems = pf.parse_plan_form(form, KARI_DOC, NURSE, date(2026, 11, 23))
    assert problems == {}
    assert [c.get("calls", False) for c in document["contact"]] == [False, True]
    assert "calls" not in document["contact"][0]  # only when agreed (the hub's default is no)
    plan = parse_plan(json.loads(json.dumps(document)), "console form")
    assert [c.calls for c in plan.contacts] == [False, True]
    assert pf.form_values(document, "nb")["contact-1-calls"] == "on"


@given(text=st.text(max_size=600))
def test_random_messages_are_taken_or_refused_with_words(text):
    message, problems = pf.parse_message({"text": text})
    assert (message is None) == bool(problems)
    if message is not None:
        assert message == message.strip() and 0 < len(message) <= pf.MAX_MESSAGE
    else:
        _say_all(problems)


def test_a_chart_is_escaped_svg_with_higher_values_higher_up():
    start = datetime(2026, 11, 17, tzinfo=rv.ZONE)
    points = [rv.Point(start + timedelta(days=d), v, rv.band(v, LIM)) for d, v in ((1, 120), (3, 150), (5, 85))]
    svg = charts.line_chart([charts.Line("Systolic", points, LIM)], start, start + timedelta(days=7), "mmHg",
                            "<script>x</script>", "en", "c")
    tree = ET.fromstring(str(svg))
    assert "<script>" not in str(svg) and tree.find("{http://www.w3.org/2000/svg}title").text == "<script>x</script>"
    assert "style" not in str(svg)
    marks = [e for e in tree.iter() if (e.get("class") or "").startswith("point ")]
    assert [m.get("class") for m in marks] == ["point green", "point yellow", "point red"]
    heights = [float(m.get("cy") or m.get("y") or m.get("points").split()[0].split(",")[1]) for m in marks]
    assert heights[1] < heights[0] < heights[2]  # 150 above 120 above 85
    xs = [float(m.get("cx") or m.get("x") or m.get("points").split()[0].split(",")[0]) for m in marks]
    assert xs == sorted(xs)
    assert svg_texts(tree, "day")[:2] == ["17 Nov", "18 Nov"]
    assert charts.line_chart([charts.Line("x", [], LIM)], start, start + timedelta(days=7), "", "", "en", "e") == ""


LIM = rv.Limits((100, 139), (90, 159), own=True)


def test_the_plan_form_asks_a_neighbour_first_for_a_fall_and_the_hub_takes_it():
    old = kari_plan()
    values = pf.form_values(old, "nb")
    assert not any(key.endswith("-first-fall") for key in values)  # nobody is asked first yet
    berit = next(i for i in range(pf.contact_rows(values)) if values.get(f"contact-{i}-name") == "Nabo Berit")
    values.update({f"contact-{berit}-consent": "on", f"contact-{berit}-first-fall": "on",
                   f"contact-{berit}-first-door_open_at_night": "on"})
    document, problems = pf.parse_plan_form(values, old, "Sykepleier Nina", date(2026, 11, 30))
    assert problems == {}
    plan = parse_plan(document, "from the console")  # the hub's own parser takes it
    [neighbour] = [c for c in plan.contacts if c.name == "Nabo Berit"]
    assert neighbour.first_for == ("fall", "door_open_at_night") and neighbour.consent
    shown = pf.form_values(document, "nb")  # and the form shows it again
    assert shown[f"contact-{berit}-first-fall"] == shown[f"contact-{berit}-first-door_open_at_night"] == "on"
    assert f"contact-{berit}-first-help_button" not in shown
