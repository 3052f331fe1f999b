"""What an alarm card tells the nurse: the time of day, a red reading's value, the steps
of the ladder the hub reported, the resident's phone and address; the desk's order (the
longest waiting first) and an alarm that went up the whole ladder shown as escalated.
The FHIR is made by the hub's own mapping from its events, validated as R4."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from fhir.resources.R4B.detectedissue import DetectedIssue
from tests.helpers.service import RunningService
from tests.service.test_console_auth import logged_in as auth_logged_in
from tests.service.test_console_residents import kari_plan

from care_service.storage import ServiceStore, check_contact
from hub_app.care_plan import parse_plan
from hub_app.outbound import Addresses, resources_for
from sync import fhir_mapping as fm
from vocabulary import Event, EventKind

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"
T0 = datetime(2026, 6, 1, 12, 30, tzinfo=timezone.utc)  # 14:30 in Oslo (summer time)


@pytest.fixture
def running(tmp_path):
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD)
    token, patient = service.store.add_hub("Kari Nordmann")
    yield service, {"Authorization": f"Bearer {token}"}, patient
    service.stop()


def send(service, headers, patient, *events: Event) -> None:
    plan, where = parse_plan(kari_plan()), Addresses(f"Patient/{patient}", "Device/hub-1")
    resources = [r for e in events for r in resources_for(e, plan, where)]
    for resource in resources:
        if resource["resourceType"] == "DetectedIssue":
            DetectedIssue.model_validate(resource)  # FHIR R4, as the hub sends it
    answer = requests.post(f"{service.url}/fhir", json=fm.batch(resources), headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text


def red_blood_pressure(uid: str, at: datetime) -> list[Event]:
    reading = Event(EventKind.READING, "blood_pressure", "ble:AA", at, {"systolic": 182, "diastolic": 95, "pulse": 88})
    alarm = Event(EventKind.ALARM, "vital_sign_red", "ble:AA", at, {"reading": reading.uid, "type": "blood_pressure"},
                  uid=uid)
    return [reading, alarm]


def step(uid: str, what: str, at: datetime, **data) -> Event:
    return Event(EventKind.ALARM, what, "hub", at, {"alarm": uid, "alarm_type": "vital_sign_red", **data})


def test_a_red_readings_card_has_its_time_value_ladder_and_the_residents_phone_and_address(running):
    service, headers, patient = running
    uid = str(uuid.uuid4())
    send(service, headers, patient, *red_blood_pressure(uid, T0),
         step(uid, "alarm_sms_sent", T0 + timedelta(minutes=2), to="Ola Nordmann"),
         step(uid, "alarm_escalated", T0 + timedelta(minutes=7), step=2, to="on-call"),
         step(uid, "alarm_sms_sent", T0 + timedelta(minutes=7), to="on-call"),
         step(uid, "alarm_taken_by_contact", T0 + timedelta(minutes=12), by="Ola Nordmann", relation="son"))
    service.store.set_contact(patient, "+47 912 34 567", "Storgata 1, 0155 Oslo")
    session, _csrf = auth_logged_in(service)
    [card] = session.get(f"{service.url}/console", headers={"Accept": "application/json"}, timeout=5).json()
    assert (card["kind"], card["reading"]) == ("vital_sign_red", "182/95 mmHg")
    assert (card["time_of_day"], card["raised_text"]) == ("14:30", "1.6. kl. 14:30")  # another day: which one
    assert card["step_texts"] == ["SMS til Ola Nordmann (son) 14:32", "Vakttelefon 14:37",
                                  "Ola Nordmann (son) er på vei 14:42"]
    assert (card["phone"], card["address"]) == ("+47 912 34 567", "Storgata 1, 0155 Oslo")
    page = session.get(f"{service.url}/console/residents/{patient}", timeout=5).text
    for said in ("1.6. kl. 14:30", "182/95", "Vakttelefon 14:37", "Storgata 1, 0155 Oslo", 'href="tel:+4791234567"',
                 f"/console/alarms/{card['id']}/acknowledge?from=resident"):
        assert said in page


def test_the_card_in_english(running):
    service, headers, patient = running
    uid = str(uuid.uuid4())
    send(service, headers, patient, *red_blood_pressure(uid, T0),
         step(uid, "alarm_sms_sent", T0 + timedelta(minutes=2), to="Ola Nordmann"),
         step(uid, "alarm_sms_failed", T0 + timedelta(minutes=7), to="on-call", reason="no modem"),
         step(uid, "alarm_declined_by_contact", T0 + timedelta(minutes=8), by="Ola Nordmann"))
    session, _csrf = auth_logged_in(service)
    [card] = session.get(f"{service.url}/console?lang=en", headers={"Accept": "application/json"}, timeout=5).json()
    assert card["raised_text"] == "1.6. at 14:30" and card["state_text"] == "New"
    assert card["step_texts"] == ["SMS to Ola Nordmann (son) 14:32", "SMS to the on-call phone could not be sent 14:37",
                                  "Ola Nordmann (son) cannot come 14:38"]


def test_an_alarm_up_the_whole_ladder_is_escalated_not_new(running):
    service, headers, patient = running
    uid = str(uuid.uuid4())
    send(service, headers, patient, *red_blood_pressure(uid, T0),
         step(uid, "alarm_sms_sent", T0 + timedelta(minutes=2), to="Ola Nordmann"),
         step(uid, "alarm_sms_sent", T0 + timedelta(minutes=7), to="on-call"),
         step(uid, "alarm_unanswered", T0 + timedelta(minutes=12), told=["Ola Nordmann", "on-call"]))
    session, _csrf = auth_logged_in(service)
    [card] = session.get(f"{service.url}/console", headers={"Accept": "application/json"}, timeout=5).json()
    assert card["state"] == "open" and card["escalated"]
    assert card["state_text"] == "Eskalert: ingen har tatt alarmen"
    assert card["step_texts"][-1] == "Ingen svar – hele kjeden er varslet 14:42"
    page = session.get(f"{service.url}/console", timeout=5).text
    assert 'class="alarm open escalated"' in page and ">Ny<" not in page


def test_the_desk_lists_the_longest_waiting_first(running):
    service, headers, patient = running
    uids = [str(uuid.uuid4()) for _ in range(3)]
    # Sent newest first: the order they arrive in is not the order they waited.
    for minutes, uid in zip((30, 10, 20), uids):
        send(service, headers, patient, *red_blood_pressure(uid, T0 + timedelta(minutes=minutes)))
    session, _csrf = auth_logged_in(service)
    cards = session.get(f"{service.url}/console", headers={"Accept": "application/json"}, timeout=5).json()
    assert [c["time_of_day"] for c in cards] == ["14:40", "14:50", "15:00"]


def test_taking_an_alarm_from_the_residents_page_goes_back_to_it(running):
    service, headers, patient = running
    uid = str(uuid.uuid4())
    send(service, headers, patient, *red_blood_pressure(uid, T0))
    session, csrf = auth_logged_in(service)
    [card] = session.get(f"{service.url}/console", headers={"Accept": "application/json"}, timeout=5).json()
    answer = session.post(f"{service.url}/console/alarms/{card['id']}/acknowledge?from=resident", data={"csrf": csrf},
                          allow_redirects=False, timeout=5)
    assert answer.status_code == 303 and answer.headers["Location"] == f"/console/residents/{patient}"
    assert service.desk.alarm(card["id"]).state == "acknowledged"


def test_the_phone_and_address_are_checked_and_kept(running):
    service, _headers, patient = running
    session, csrf = auth_logged_in(service)
    url = f"{service.url}/console/residents/{patient}/contact"
    wrong = session.post(url, data={"csrf": csrf, "phone": "call me", "address": "Storgata 1"}, timeout=5)
    assert wrong.status_code == 400 and "3 til 15 sifre" in wrong.text and "Storgata 1" in wrong.text
    assert service.store.patient(patient)["phone"] == ""
    good = session.post(url, data={"csrf": csrf, "phone": " +47  912 34 567 ", "address": "Storgata 1"},
                        allow_redirects=False, timeout=5)
    assert good.status_code == 303
    assert (service.store.patient(patient)["phone"], service.store.patient(patient)["address"]) == \
        ("+47 912 34 567", "Storgata 1")


@pytest.mark.parametrize(("phone", "address", "ok"), [
    ("", "", True), ("+4791234567", "x", True), ("112", "", True), ("12", "", False), ("+47 12a", "", False),
    ("1" * 16, "", False), ("", "a" * 201, False), ("++47 1234", "", False)])
def test_what_a_phone_number_and_an_address_may_be(phone, address, ok):
    if ok:
        check_contact(phone, address)
    else:
        with pytest.raises(ValueError):
            check_contact(phone, address)


def test_a_file_from_before_gets_the_phone_and_address_columns(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE patients (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)")
    conn.execute("INSERT INTO patients VALUES ('p1', 'Kari', '2026-01-01T00:00:00Z')")
    conn.commit()
    conn.close()
    store = ServiceStore(path)
    assert store.patient("p1") == {"id": "p1", "name": "Kari", "phone": "", "address": ""}
    store.set_contact("p1", "+4791234567", "Storgata 1")
    assert store.patient("p1")["phone"] == "+4791234567"
    store.close()
