"""The hub and the reference care service, both running, on 127.0.0.1: what the hub
records reaches the service as FHIR, alarms first, each once."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest
from tests.helpers.service import RunningService
from tests.helpers.plans import wait_for

from hub_app.config import load_config
from hub_app.core import Core
from hub_app.secret_files import write_secret
from vocabulary import Event, EventKind


@pytest.fixture
def both(tmp_path):
    service = RunningService(tmp_path / "service").start()
    token, patient = service.store.add_hub("Kari Nordmann")
    write_secret(tmp_path / "care-service-credential", token)
    plan = os.path.join(os.path.dirname(os.path.dirname(__file__)), "plans", "kari.toml")
    (tmp_path / "hub.toml").write_text(
        f'[resident]\nname = "Kari"\n[care_plan]\nfile = "{plan}"\n'
        f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n', encoding="utf-8")
    core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
    core.start()
    yield core, service, patient
    core.stop()
    service.stop()


def pending(core):
    async def read():
        return core.store.outbox_pending()

    return core.call(read)


def test_an_alarm_reaches_the_service_and_the_link_is_up(both):
    core, service, patient = both
    event = core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: service.store.find_by_identifier("DetectedIssue", f"urn:ietf:rfc:3986|urn:uuid:{event.uid}"),
             what="the alarm at the service")
    issue = service.store.find_by_identifier("DetectedIssue", f"urn:ietf:rfc:3986|urn:uuid:{event.uid}")
    assert issue["patient"]["reference"] == f"Patient/{patient}" and issue["severity"] == "high"
    wait_for(lambda: not pending(core), what="the outbox to empty")
    assert core.link.state.reachable


def test_readings_and_doses_arrive_once_with_their_fhir_codes(both):
    core, service, patient = both

    async def record():
        store = core.store
        at = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)
        reading = Event(EventKind.READING, "blood_pressure", "ble:C4:7C:8D:6A:1B:01", at,
                        {"systolic": 128.0, "diastolic": 82.0, "unit": "mmHg", "pulse_rate": 68.0})
        dose = Event(EventKind.DOSE, "dose_taken", "dispenser:OD2400117", at,
                     {"compartment": 1, "item": "morning"})
        for event in (reading, dose):
            stored = store.record_event(event, outbox_priority=core.rules.outbox_priority(event))
            core.reactions.device_event(stored)

    core.call(record)
    wait_for(lambda: not pending(core), what="the outbox to empty")
    observations = service.store.search("Observation", patient)
    assert sorted(o["code"]["coding"][0]["code"] for o in observations) == ["85354-9", "8867-4"]  # BP panel, pulse
    [dispense] = service.store.search("MedicationDispense", patient)
    assert dispense["medicationCodeableConcept"]["text"] == "Morgenmedisin (1 pose)"
    assert dispense["performer"][0]["actor"]["reference"] == "Device/dispenser-od2400117"


def test_alarms_go_before_readings(both):
    core, service, patient = both
    service.stop()  # the service is down while the home records

    async def record():
        store = core.store
        for i in range(30):
            event = Event(EventKind.READING, "heart_rate", "ble:x", datetime.now(timezone.utc), {"heart_rate": 60 + i})
            store.record_event(event, outbox_priority=2)

    core.call(record)
    core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: not core.link.state.reachable and core.link.state.unreachable_since is not None,
             what="the link to be down")
    rows = pending(core)
    assert rows[0]["priority"] == 0 and len(rows) == 31  # kept, the alarm first in line


def test_a_nurses_acknowledgement_reaches_the_hub_within_two_seconds(both):
    from hub_app.messages import AlarmChanged

    core, service, patient = both
    seen = []
    core.subscribe(lambda m: seen.append((time.monotonic(), m.alarm)) if isinstance(m, AlarmChanged) else None)
    event = core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: service.store.find_by_identifier("DetectedIssue", f"urn:ietf:rfc:3986|urn:uuid:{event.uid}"),
             what="the alarm at the service")
    started = time.monotonic()
    service.acknowledge(patient, event.uid, "Sykepleier Nina")
    wait_for(lambda: any(a.state == "acknowledged" for _, a in seen), timeout=2.0, what="the acknowledgement")
    at, alarm = next((t, a) for t, a in seen if a.state == "acknowledged")
    assert alarm.acknowledged_by == "Sykepleier Nina" and at - started < 2.0


def test_an_acknowledgement_sent_while_the_hub_was_away_arrives_when_it_is_back(tmp_path):
    service = RunningService(tmp_path / "service").start()
    token, patient = service.store.add_hub("Kari")
    write_secret(tmp_path / "care-service-credential", token)
    (tmp_path / "hub.toml").write_text(f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n',
                                       encoding="utf-8")
    core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
    core.start()
    try:
        event = core.call(core.rules.help_pressed, "screen")
        wait_for(lambda: not pending(core), what="the alarm sent")
        core.stop()
        service.acknowledge(patient, event.uid, "Sykepleier Nina")  # while the hub is off
        core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
        core.start()
        wait_for(lambda: core.call(core.alarms.active) == [], what="the acknowledgement after the restart")
    finally:
        core.stop()
        service.stop()


def test_a_care_plan_change_reaches_the_hub_and_an_invalid_one_is_refused(both):
    import json

    core, service, patient = both
    assert core.plans.plan.version == 3  # from the file
    document = json.loads(core.plans.plan.to_json())
    document["version"] = 4
    document["medication"][0]["times"] = ["09:00"]

    def nurse_sets(doc):
        service.on_service(lambda: service.store.set_plan(patient, doc, "Sykepleier Nina"))

    nurse_sets(document)
    wait_for(lambda: core.plans.plan.version == 4, what="the new plan on the hub")
    assert core.plans.plan.medications[0].times[0].strftime("%H:%M") == "09:00"
    broken = {**document, "version": 5, "medication": [{"name": "X", "times": ["25:00"]}]}
    nurse_sets(broken)
    wait_for(lambda: any(row["action"] == "plan.refused" for row in core.call(_audit, core)), what="the refusal")
    assert core.plans.plan.version == 4  # the plan in force stays


async def _audit(core):
    return core.store.audit_rows(limit=50)


def test_the_hub_tells_the_service_it_is_alive(both):
    core, service, patient = both
    core.call(core.tick)  # the scheduler does this every 30 s; the first look sends a heartbeat
    wait_for(lambda: service.store.last_seen(patient) is not None, what="the heartbeat")


def test_a_refused_plan_is_shown_as_the_last_problem(both):
    core, service, patient = both
    service.on_service(lambda: service.store.set_plan(
        patient, {"version": 9, "medication": [{"name": "X", "times": ["25:00"]}]}, "Nina"))
    wait_for(lambda: "plan was refused" in core.call(core.link.status).last_error, what="the problem shown")
    assert "medication[0].times[0]" in core.call(core.link.status).last_error
