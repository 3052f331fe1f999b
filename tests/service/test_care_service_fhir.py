"""The reference care service's FHIR API over real HTTP on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import datetime, timezone

import pytest
import requests
from tests.helpers.service import RunningService

from sync import fhir_mapping as fm

AT = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)


@pytest.fixture
def kari(service):
    token, patient = service.store.add_hub("Kari Nordmann")
    return {"Authorization": f"Bearer {token}"}, f"Patient/{patient}"


def reading(patient, pulse=64, uid=None):
    return fm.observation(uid or str(uuid.uuid4()), "heart_rate", {"pulse": pulse}, AT, patient)


def test_metadata_says_what_the_service_takes(service):
    answer = requests.get(f"{service.url}/fhir/metadata", timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/fhir+json")
    body = answer.json()
    assert body["resourceType"] == "CapabilityStatement" and body["fhirVersion"] == "4.0.1"
    assert {r["type"] for r in body["rest"][0]["resource"]} >= {"Observation", "DetectedIssue", "MedicationDispense"}


def test_create_read_and_search(service, kari):
    headers, patient = kari
    created = requests.post(f"{service.url}/fhir/Observation", json=reading(patient), headers=headers, timeout=5)
    assert created.status_code == 201 and created.headers["Location"].startswith("/fhir/Observation/")
    stored = created.json()
    again = requests.get(f"{service.url}{created.headers['Location']}", headers=headers, timeout=5)
    assert again.status_code == 200 and again.json()["id"] == stored["id"]
    found = requests.get(f"{service.url}/fhir/Observation", params={"patient": patient}, headers=headers, timeout=5)
    assert found.json()["total"] == 1
    later = requests.get(f"{service.url}/fhir/Observation", params={"patient": patient, "_lastUpdated": "ge2999-01-01"},
                         headers=headers, timeout=5)
    assert later.json()["total"] == 0


def test_a_retried_create_is_created_once(service, kari):
    headers, patient = kari
    resource = reading(patient)
    condition = {"If-None-Exist": f"identifier={resource['identifier'][0]['system']}|{resource['identifier'][0]['value']}"}
    first = requests.post(f"{service.url}/fhir/Observation", json=resource, headers={**headers, **condition}, timeout=5)
    second = requests.post(f"{service.url}/fhir/Observation", json=resource, headers={**headers, **condition}, timeout=5)
    plain_retry = requests.post(f"{service.url}/fhir/Observation", json=resource, headers=headers, timeout=5)
    assert (first.status_code, second.status_code, plain_retry.status_code) == (201, 200, 200)
    assert first.json()["id"] == second.json()["id"] == plain_retry.json()["id"]
    assert service.store.db["resources"].count == 1


def test_a_batch_of_readings_each_created_once_and_a_bad_entry_alone_refused(service, kari):
    headers, patient = kari
    resources = [reading(patient, 60 + i) for i in range(5)]
    bad = reading(patient)
    bad["effectiveDateTime"] = "yesterday"
    bundle = fm.batch(resources)
    bundle["entry"].append({"resource": bad, "request": {"method": "POST", "url": "Observation"}})
    answer = requests.post(f"{service.url}/fhir", json=bundle, headers=headers, timeout=5)
    statuses = [e["response"]["status"] for e in answer.json()["entry"]]
    assert statuses == ["201 Created"] * 5 + ["422"]
    again = requests.post(f"{service.url}/fhir", json=fm.batch(resources), headers=headers, timeout=5)
    assert [e["response"]["status"] for e in again.json()["entry"]] == ["200 OK"] * 5
    assert service.store.db["resources"].count == 5


def test_a_transaction_is_all_or_nothing(service, kari):
    headers, patient = kari
    good, bad = reading(patient), reading(patient)
    bad["valueQuantity"]["value"] = "lots"
    bundle = {**fm.batch([good, bad]), "type": "transaction"}
    answer = requests.post(f"{service.url}/fhir", json=bundle, headers=headers, timeout=5)
    assert answer.status_code == 422 and answer.json()["resourceType"] == "OperationOutcome"
    assert service.store.db["resources"].count == 0


def test_invalid_fhir_is_refused_and_nothing_stored(service, kari):
    headers, patient = kari
    not_json = requests.post(f"{service.url}/fhir/Observation", data="{", headers=headers, timeout=5)
    assert not_json.status_code == 400 and not_json.json()["issue"][0]["code"] == "structure"
    missing_code = reading(patient)
    del missing_code["code"]
    invalid = requests.post(f"{service.url}/fhir/Observation", json=missing_code, headers=headers, timeout=5)
    assert invalid.status_code == 422 and "code" in invalid.json()["issue"][0]["diagnostics"]
    unknown = requests.post(f"{service.url}/fhir/Patient", json={"resourceType": "Patient"}, headers=headers, timeout=5)
    assert unknown.status_code == 400
    assert service.store.db["resources"].count == 0


def test_credentials_a_hub_sees_only_its_own_resident(service, kari):
    headers, patient = kari
    other_token, other_patient = service.store.add_hub("Ola Hansen")
    other = {"Authorization": f"Bearer {other_token}"}
    mine = requests.post(f"{service.url}/fhir/Observation", json=reading(patient), headers=headers, timeout=5)
    assert requests.post(f"{service.url}/fhir/Observation", json=reading(patient), timeout=5).status_code == 401
    assert requests.post(f"{service.url}/fhir/Observation", json=reading(patient),
                         headers={"Authorization": "Bearer guess"}, timeout=5).status_code == 401
    assert requests.post(f"{service.url}/fhir/Observation", json=reading(patient), headers=other,
                         timeout=5).status_code == 403  # writing about someone else
    assert requests.get(f"{service.url}{mine.headers['Location']}", headers=other, timeout=5).status_code == 403
    assert requests.get(f"{service.url}/fhir/Observation", params={"patient": patient}, headers=other,
                        timeout=5).status_code == 403
    service.store.revoke_hub_of(patient.removeprefix("Patient/"))
    assert requests.get(f"{service.url}{mine.headers['Location']}", headers=headers, timeout=5).status_code == 401
    assert other_patient


def test_the_command_line_sets_the_service_up(tmp_path):
    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "care_service", *args], input=stdin, capture_output=True,
                              text=True, timeout=60)

    hub = run("add-hub", "Kari Nordmann", "--data-dir", str(tmp_path))
    assert hub.returncode == 0 and "hub credential" in hub.stdout and "resident id:" in hub.stdout
    short = run("add-nurse", "nina", "--password-stdin", "--data-dir", str(tmp_path), stdin="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    nurse = run("add-nurse", "nina", "--password-stdin", "--data-dir", str(tmp_path), stdin="correct horse battery\n")
    assert nurse.returncode == 0
    from care_service.storage import ServiceStore

    store = ServiceStore(tmp_path / "care-service.db")
    assert store.check_nurse("nina", "correct horse battery") and not store.check_nurse("nina", "wrong password!")
    assert not store.check_nurse("nobody", "correct horse battery")
    token = hub.stdout.split(": ")[-1].strip()
    assert store.hub_for(token) is not None
    store.close()
    for command in ("serve", "add-nurse", "add-hub"):
        helped = run(command, "--help")
        assert helped.returncode == 0 and "--data-dir" in helped.stdout
    assert run("serve").returncode == 2  # --data-dir is required


def test_a_silent_hub_becomes_an_alarm_once(tmp_path):
    import time
    from datetime import timedelta

    running = RunningService(tmp_path / "watched", hub_silent_after=timedelta(seconds=0.3), watch_every_s=0.1).start()
    try:
        token, patient = running.store.add_hub("Kari")
        assert requests.post(f"{running.url}/hub/heartbeat", headers={"Authorization": f"Bearer {token}"},
                             timeout=5).status_code == 200
        deadline = time.monotonic() + 5
        while not running.store.search("DetectedIssue", patient) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the watch looks several more times: still one alarm for this silence
        [issue] = running.store.search("DetectedIssue", patient)
        assert issue["code"]["coding"][0]["code"] == "hub_silent" and "not been heard from" in issue["detail"]
        assert requests.post(f"{running.url}/hub/heartbeat", headers={"Authorization": f"Bearer {token}"},
                             timeout=5).status_code == 200
        deadline = time.monotonic() + 5
        while len(running.store.search("DetectedIssue", patient)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(running.store.search("DetectedIssue", patient)) == 2  # silent again later: a new alarm
    finally:
        running.stop()
