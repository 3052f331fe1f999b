"""The alarm desk with many alarms, for real: the care service on 127.0.0.1 holding 2000
open alarms from 40 hubs (sent as hubs send them, in batch Bundles), a nurse logged in
over HTTP. However old an open alarm is, the nurse can take and resolve it, and the
hub hears of it; the live list has every alarm not resolved; resolved ones come a page
at a time."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from tests.helpers.service import RunningService

from care_service.console.alarm_pages import RESOLVED_PAGE
from sync import fhir_mapping as fm

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"
HUBS, PER_HUB = 40, 50  # 2000 alarms
KINDS = ("help_button", "fall", "out_of_bed_at_night", "inactivity", "missed_dose", "battery_low")


class Home:
    def __init__(self, service: RunningService, number: int) -> None:
        token, self.pid = service.store.add_hub(f"Beboer {number:02d}")
        self.headers = {"Authorization": f"Bearer {token}"}
        self.url = service.url

    def events(self, after: int, count: int) -> list[tuple[int, str, dict]]:
        """The next `count` messages on the hub's channel after number `after`."""
        got, message = [], {}
        with requests.get(f"{self.url}/hub/events", params={"after": after}, headers=self.headers,
                          stream=True, timeout=10) as channel:
            for line in channel.iter_lines(decode_unicode=True):
                if line.startswith(("id: ", "event: ", "data: ")):
                    name, value = line.split(": ", 1)
                    message[name] = value
                elif not line and "data" in message:
                    got.append((int(message["id"]), message["event"], json.loads(message["data"])))
                    message = {}
                    if len(got) == count:
                        return got
        return got


@pytest.fixture
def many(tmp_path):
    """The service with 2000 open alarms, raised one every 30 s over the last ~17 hours:
    (the service, its homes, each alarm's id at the service -> (its home, its uid), the
    oldest alarm's id). The oldest is sent on its own first, so it is the oldest at the
    service too; the rest come in one batch Bundle per hub."""
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD)
    homes = [Home(service, n) for n in range(HUBS)]
    start = datetime.now(timezone.utc) - timedelta(seconds=30 * HUBS * PER_HUB)
    alarms: dict[str, tuple[Home, str]] = {}

    def send(home: Home, issues: list[dict]) -> None:
        answer = requests.post(f"{service.url}/fhir", json=fm.batch(issues), headers=home.headers, timeout=30)
        assert answer.status_code == 200, answer.text
        for entry, issue in zip(answer.json()["entry"], issues, strict=True):
            assert entry["response"]["status"] == "201 Created"
            alarms[entry["response"]["location"].split("/")[1]] = (home, issue["identifier"][0]["value"][9:])

    def issue(home: Home, n: int) -> dict:
        return fm.detected_issue(str(uuid.uuid4()), KINDS[n % len(KINDS)], start + timedelta(seconds=30 * n),
                                 f"Patient/{home.pid}")

    send(homes[0], [issue(homes[0], 0)])
    oldest = next(iter(alarms))
    time.sleep(0.01)  # the service stamps in milliseconds: the rest arrive later
    for h, home in enumerate(homes):
        send(home, [issue(home, h * PER_HUB + i) for i in range(PER_HUB) if h * PER_HUB + i > 0])
    assert len(alarms) == HUBS * PER_HUB
    yield service, homes, alarms, oldest
    service.stop()


def logged_in(service) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{service.url}/console/login", data={"username": NURSE, "password": PASSWORD}, timeout=10)
    assert answer.status_code == 200
    session.headers["X-CSRF-Token"] = re.search(r'data-csrf="([^"]+)"', answer.text)[1]
    return session


def act(service, session, alarm_id: str, action: str, **form) -> requests.Response:
    """The console's button, as its script presses it."""
    return session.post(f"{service.url}/console/alarms/{alarm_id}/{action}", data=form,
                        headers={"Accept": "application/json"}, timeout=10)


def listed(service, session, **query) -> list[dict]:
    answer = session.get(f"{service.url}/console", params=query, headers={"Accept": "application/json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_oldest_of_2000_open_alarms_is_taken_and_resolved_and_its_hub_told(many):
    service, _homes, alarms, oldest = many
    home, uid = alarms[oldest]
    session = logged_in(service)
    taken = act(service, session, oldest, "acknowledge")
    assert taken.status_code == 200, taken.text
    assert (taken.json()["state"], taken.json()["acknowledged_by"]) == ("acknowledged", NURSE)
    [(number, event, data)] = home.events(after=0, count=1)
    assert (event, data) == ("acknowledged", {"alarm": uid, "by": NURSE})
    done = act(service, session, oldest, "resolve", note="Besøkt, alt i orden")
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["note"]) == ("resolved", "Besøkt, alt i orden")
    [(_number, event, data)] = home.events(after=number, count=1)
    assert (event, data) == ("resolved", {"alarm": uid, "by": NURSE, "note": "Besøkt, alt i orden"})


def test_the_live_list_has_every_one_of_2000_alarms_not_resolved(many):
    service, _homes, alarms, oldest = many
    session = logged_in(service)
    # Taken but not resolved is still waiting: listed, like the open ones.
    taken = sorted(set(alarms) - {oldest})[:3] + [oldest]
    for alarm_id in taken:
        assert act(service, session, alarm_id, "acknowledge").status_code == 200
    shown = listed(service, session)
    assert len(shown) == len(alarms) and {a["id"] for a in shown} == set(alarms)
    assert {a["id"] for a in shown if a["state"] == "acknowledged"} == set(taken)
    # The longest waiting first: the open ones oldest first, then those taken, oldest first.
    assert [a["state"] for a in shown[:len(alarms) - len(taken)]] == ["open"] * (len(alarms) - len(taken))
    assert shown[len(alarms) - len(taken)]["id"] == oldest
    waited = [a["raised_at"] for a in shown if a["state"] == "open"]
    assert waited == sorted(waited)
    # The live channel the page redraws from, and the page itself, have them all too.
    with session.get(f"{service.url}/console/live", stream=True, timeout=30) as channel:
        lines = channel.iter_lines(decode_unicode=True)
        assert next(lines) == "event: alarms"
        live = json.loads(next(lines).removeprefix("data: "))
    assert {a["id"] for a in live} == set(alarms)
    page = session.get(f"{service.url}/console", timeout=30).text
    assert set(re.findall(r'<article class="alarm [^"]*" data-id="([^"]+)"', page)) == set(alarms)


def test_resolved_alarms_come_a_page_at_a_time_with_every_open_one_on_each(many):
    service, _homes, alarms, oldest = many
    session = logged_in(service)
    resolved = sorted(set(alarms) - {oldest})[:2 * RESOLVED_PAGE + 20]
    for alarm_id in resolved:
        assert act(service, session, alarm_id, "resolve", note="Ringt, alt vel").status_code == 200
    time.sleep(0.01)
    assert act(service, session, oldest, "resolve", note="Ringt, alt vel").status_code == 200  # the last resolved
    resolved.append(oldest)
    still_open = set(alarms) - set(resolved)
    pages = [listed(service, session, resolved_page=n) for n in (1, 2, 3, 4)]
    for page in pages:
        assert {a["id"] for a in page if a["state"] != "resolved"} == still_open
    shown = [[a["id"] for a in page if a["state"] == "resolved"] for page in pages]
    assert [len(ids) for ids in shown] == [RESOLVED_PAGE, RESOLVED_PAGE, 21, 0]
    assert sorted(sum(shown, [])) == sorted(resolved)  # each once
    assert shown[0][0] == oldest  # the most recently resolved first
    assert listed(service, session) == pages[0]
    # The page links to the next older page while there may be one.
    first = session.get(f"{service.url}/console", timeout=30).text
    assert 'href="/console?resolved_page=2"' in first
    third = session.get(f"{service.url}/console", params={"resolved_page": 3}, timeout=30).text
    assert 'href="/console?resolved_page=2"' in third and "resolved_page=4" not in third
    assert session.get(f"{service.url}/console", params={"resolved_page": "x"}, timeout=10).status_code == 400


def test_an_unknown_id_or_a_record_that_is_not_an_alarm_is_no_alarm(many):
    service, homes, _alarms, _oldest = many
    home = homes[1]
    now, who = datetime.now(timezone.utc), f"Patient/{home.pid}"
    record = fm.detected_issue(str(uuid.uuid4()), "measurement_missed", now, who, system=fm.EVENT_CODES)
    step = fm.detected_issue(str(uuid.uuid4()), "fall", now, who, detail="alarm escalated")
    step["implicated"] = [{"identifier": fm.identifier(str(uuid.uuid4()))}]
    answer = requests.post(f"{service.url}/fhir", json=fm.batch([record, step]), headers=home.headers, timeout=10)
    not_alarms = [e["response"]["location"].split("/")[1] for e in answer.json()["entry"]]
    session = logged_in(service)
    for alarm_id in ["no-such-alarm", *not_alarms]:
        for action, form in (("acknowledge", {}), ("resolve", {"note": "Besøkt"})):
            answer = act(service, session, alarm_id, action, **form)
            assert (answer.status_code, answer.json()) == (409, {"problem": f"no alarm {alarm_id}"})
    assert not set(not_alarms) & {a["id"] for a in listed(service, session)}
    assert service.store.to_hub_after(home.pid, 0) == []  # nothing told to the hub
