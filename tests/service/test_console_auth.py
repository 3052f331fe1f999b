"""The console's doors, over real HTTP on 127.0.0.1: no session no page, no state
change without the session's CSRF token, cookies a script cannot read, holds after
failures that end; and the alarm desk's rules (who may move an alarm where)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone

import pytest
import requests
from tests.helpers.service import RunningService

from care_service.alarm_desk import AlarmDesk, DeskError
from care_service.console.sessions import HeldBack, LoginRefused, SessionBook
from care_service.console.throttle import FREE_FAILURES
from care_service.storage import ServiceStore
from sync import fhir_mapping as fm

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"


@pytest.fixture
def running(tmp_path):
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD)
    token, patient = service.store.add_hub("Kari Nordmann")
    yield service, token, patient
    service.stop()


def post_alarm(service, token, patient, uid="6f1c7a2e-0000-4000-8000-000000000001"):
    issue = fm.detected_issue(uid, "fall", datetime.now(timezone.utc), f"Patient/{patient}")
    answer = requests.post(f"{service.url}/fhir/DetectedIssue", json=issue, timeout=5,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201
    return answer.json()["id"]


def logged_in(service):
    session = requests.Session()
    answer = session.post(f"{service.url}/console/login", data={"username": NURSE, "password": PASSWORD}, timeout=5)
    assert answer.status_code == 200 and answer.url.endswith("/console")
    csrf = re.search(r'data-csrf="([^"]+)"', answer.text).group(1)
    return session, csrf


def test_without_a_session_there_is_no_page_and_no_action(running):
    service, token, patient = running
    alarm = post_alarm(service, token, patient)
    answer = requests.get(f"{service.url}/console", allow_redirects=False, timeout=5)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/login"
    assert requests.get(f"{service.url}/console/live", timeout=5).status_code == 401
    answer = requests.post(f"{service.url}/console/alarms/{alarm}/acknowledge", allow_redirects=False, timeout=5)
    assert answer.status_code == 303  # to the login page; nothing done
    assert service.desk.alarm(alarm).state == "open"


def test_a_state_change_needs_the_sessions_csrf_token(running):
    service, token, patient = running
    alarm = post_alarm(service, token, patient)
    session, csrf = logged_in(service)
    assert session.post(f"{service.url}/console/alarms/{alarm}/acknowledge", timeout=5).status_code == 403
    assert session.post(f"{service.url}/console/alarms/{alarm}/acknowledge", data={"csrf": "forged"},
                        timeout=5).status_code == 403
    assert service.desk.alarm(alarm).state == "open"
    answer = session.post(f"{service.url}/console/alarms/{alarm}/acknowledge", headers={
        "X-CSRF-Token": csrf, "Accept": "application/json"}, timeout=5)
    assert answer.status_code == 200 and answer.json()["acknowledged_by"] == NURSE
    assert service.store.to_hub_after(patient, 0)[-1][1:] == ("acknowledged", {"alarm": "6f1c7a2e-0000-4000-8000-000000000001",
                                                                            "by": NURSE})


def test_the_session_cookie_and_the_pages_protect_themselves(running):
    service, _token, _patient = running
    answer = requests.post(f"{service.url}/console/login", data={"username": NURSE, "password": PASSWORD},
                           allow_redirects=False, timeout=5)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    session, csrf = logged_in(service)
    page = session.get(f"{service.url}/console", timeout=5)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    session.post(f"{service.url}/console/logout", data={"csrf": csrf}, timeout=5)
    assert session.get(f"{service.url}/console", allow_redirects=False, timeout=5).status_code == 303


def test_a_wrong_login_says_nothing_about_which_part_was_wrong(running):
    service, _token, _patient = running
    unknown = requests.post(f"{service.url}/console/login", data={"username": "nobody", "password": "x" * 12}, timeout=5)
    wrong = requests.post(f"{service.url}/console/login", data={"username": NURSE, "password": "x" * 12}, timeout=5)
    assert unknown.status_code == wrong.status_code == 401
    assert "Feil brukernavn eller passord." in unknown.text and "Feil brukernavn eller passord." in wrong.text


def test_a_hold_after_failures_ends_and_a_good_login_clears_the_count(tmp_path):
    now = [datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)]
    store = ServiceStore(tmp_path / "s.db")
    store.add_nurse(NURSE, PASSWORD)
    book = SessionBook(store, clock=lambda: now[0])

    async def attempts():
        async def log_in(password):
            return await book.log_in(NURSE, password, "192.0.2.7")

        for _ in range(FREE_FAILURES - 1):
            with pytest.raises(LoginRefused):
                await log_in("wrong")
        await log_in(PASSWORD)  # resets the count
        for _ in range(FREE_FAILURES + 1):  # the last one starts a hold
            with pytest.raises(LoginRefused):
                await log_in("wrong")
        with pytest.raises(HeldBack):
            await log_in(PASSWORD)  # not even tried while held
        now[0] += timedelta(seconds=2)
        return await log_in(PASSWORD)

    logged_in = asyncio.run(attempts())
    assert book.session(logged_in.token) == logged_in.session
    now[0] += timedelta(hours=13)  # longer than a shift
    assert book.session(logged_in.token) is None
    book.close()
    store.close()


def test_the_alarm_desk_moves_alarms_only_forward(running):
    service, token, patient = running
    alarm = post_alarm(service, token, patient)
    desk: AlarmDesk = service.desk
    with pytest.raises(DeskError):
        desk.resolve(alarm, NURSE, "   ")  # what was done must be written
    desk.acknowledge(alarm, NURSE)
    with pytest.raises(DeskError):
        desk.acknowledge(alarm, "ola")
    resolved = desk.resolve(alarm, NURSE, "Besøkt")
    assert (resolved.state, resolved.resolved_by, resolved.note) == ("resolved", NURSE, "Besøkt")
    with pytest.raises(DeskError):
        desk.resolve(alarm, NURSE, "igjen")
    assert desk.alarms() == []  # resolved ones are listed only when asked for
    assert [a.id for a in desk.alarms(include_resolved_since="")] == [alarm]


def test_only_open_alarms_past_the_limit_are_escalated_and_only_once(running):
    service, token, patient = running
    first = post_alarm(service, token, patient, "6f1c7a2e-0000-4000-8000-000000000001")
    taken = post_alarm(service, token, patient, "6f1c7a2e-0000-4000-8000-000000000002")
    service.desk.acknowledge(taken, NURSE)
    later = datetime.now(timezone.utc) + timedelta(minutes=6)
    assert [a.id for a in service.desk.escalate_overdue(timedelta(minutes=5), later)] == [first]
    assert service.desk.escalate_overdue(timedelta(minutes=5), later) == []
    assert service.desk.alarm(first).escalated and not service.desk.alarm(taken).escalated
    fresh = post_alarm(service, token, patient, "6f1c7a2e-0000-4000-8000-000000000003")
    assert service.desk.escalate_overdue(timedelta(minutes=5)) == []  # raised just now: not yet
    assert [a.id for a in service.desk.escalate_overdue(timedelta(minutes=5), later)] == [fresh]


def test_only_alarms_are_alarm_cards_and_an_unknown_kind_is_still_shown(running):
    service, token, patient = running
    now, who = datetime.now(timezone.utc), f"Patient/{patient}"
    alarm_uid = "6f1c7a2e-0000-4000-8000-00000000000a"
    step = fm.detected_issue("6f1c7a2e-0000-4000-8000-00000000000b", "fall", now, who, detail="alarm escalated")
    step["implicated"] = [{"identifier": fm.identifier(alarm_uid)}]  # a step in the alarm's story
    record = fm.detected_issue("6f1c7a2e-0000-4000-8000-00000000000c", "measurement_missed", now, who,
                               system=fm.EVENT_CODES)
    newer = fm.detected_issue("6f1c7a2e-0000-4000-8000-00000000000d", "smoke", now, who)  # a newer hub's kind
    for resource in (fm.detected_issue(alarm_uid, "fall", now, who), step, record, newer):
        assert requests.post(f"{service.url}/fhir/DetectedIssue", json=resource, timeout=5,
                             headers={"Authorization": f"Bearer {token}"}).status_code == 201
    assert sorted(a.kind for a in service.desk.alarms()) == ["fall", "smoke"]
    session, _csrf = logged_in(service)
    listed = session.get(f"{service.url}/console", headers={"Accept": "application/json"}, timeout=5).json()
    assert sorted(a["kind_key"] for a in listed) == ["kind.fall", "kind.unknown"]
    page = session.get(f"{service.url}/console", timeout=5)
    assert page.status_code == 200 and "Ukjent alarm" in page.text and "Fall" in page.text


def test_a_page_that_is_not_there_is_protected_like_the_rest(running):
    service, _token, _patient = running
    session, _csrf = logged_in(service)
    answer = session.get(f"{service.url}/console/residents/no-such-resident", timeout=5)
    assert answer.status_code == 404 and answer.headers["X-Frame-Options"] == "DENY"
