"""One resident's hub can neither read nor suppress another resident's data through an
identifier: identifiers are unique per resident at the care service, in the
conditional create's look-up (`If-None-Exist`, alone and in batch Bundles) and in the
storage rule, and no answer tells a hub that an identifier is in use elsewhere.
Real HTTP to the service on 127.0.0.1."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timezone

import pytest
import requests

from care_service.alarm_desk import AlarmDesk
from care_service.storage import ServiceStore
from sync import fhir_mapping as fm

AT = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)


class Home:
    """A resident and their hub at the service, as the hub speaks to it."""

    def __init__(self, service, name: str) -> None:
        token, self.pid = service.store.add_hub(name)
        self.url, self.patient = service.url, f"Patient/{self.pid}"
        self.headers = {"Authorization": f"Bearer {token}"}

    def alarm(self, uid: str) -> dict:
        return fm.detected_issue(uid, "fall", AT, self.patient)

    def create(self, resource: dict) -> requests.Response:
        ident = resource["identifier"][0]
        condition = {"If-None-Exist": f"identifier={ident['system']}|{ident['value']}"}
        return requests.post(f"{self.url}/fhir/{resource['resourceType']}", json=resource,
                             headers={**self.headers, **condition}, timeout=5)

    def send_batch(self, resources: list[dict]) -> requests.Response:
        return requests.post(f"{self.url}/fhir", json=fm.batch(resources), headers=self.headers, timeout=5)

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(f"{self.url}{path}", params=params, headers=self.headers, timeout=5)


@pytest.fixture
def homes(service):
    return Home(service, "Kari Nordmann"), Home(service, "Ola Hansen")


def stored_with(service, uid: str) -> dict[str, str]:
    """patient id -> resource id, for every resource the service holds with the uid's identifier."""
    rows = service.store.db.conn.execute("SELECT patient_id, id FROM resources WHERE identifier = ?",
                                         (f"{fm.URI}|urn:uuid:{uid}",)).fetchall()
    assert len(rows) == len({pid for pid, _ in rows}), "one resident holds an identifier twice"
    return dict(rows)


def test_an_identifier_another_hub_used_first_does_not_suppress_the_alarm(service, homes):
    kari, ola = homes
    uid = str(uuid.uuid4())
    squatter = ola.create(ola.alarm(uid))  # Ola's hub claims the identifier of Kari's coming alarm
    assert squatter.status_code == 201

    answer = kari.create(kari.alarm(uid))
    assert answer.status_code == 201  # stored, not "found"
    mine = answer.json()
    assert mine["patient"]["reference"] == kari.patient and mine["id"] != squatter.json()["id"]
    assert answer.headers["Location"] == f"/fhir/DetectedIssue/{mine['id']}"
    assert stored_with(service, uid) == {kari.pid: mine["id"], ola.pid: squatter.json()["id"]}
    assert any(a.uid == uid for a in service.desk.alarms(patient_id=kari.pid))  # on the nurses' list

    # Each hub reads and finds only its own.
    assert kari.get(answer.headers["Location"]).json()["patient"]["reference"] == kari.patient
    assert ola.get(answer.headers["Location"]).status_code == 403
    assert kari.get(squatter.headers["Location"]).status_code == 403
    for home, own in ((kari, mine["id"]), (ola, squatter.json()["id"])):
        found = home.get("/fhir/DetectedIssue", patient=home.patient).json()
        assert [e["resource"]["id"] for e in found["entry"]] == [own]

    # A retry is still found: the resident's own, never the other's.
    again = kari.create(kari.alarm(uid))
    assert again.status_code == 200 and again.json()["id"] == mine["id"]
    assert len(stored_with(service, uid)) == 2


def test_the_same_inside_a_batch_bundle(service, homes):
    kari, ola = homes
    taken, free = str(uuid.uuid4()), str(uuid.uuid4())
    squatted = ola.send_batch([ola.alarm(taken)])
    assert [e["response"]["status"] for e in squatted.json()["entry"]] == ["201 Created"]

    answer = kari.send_batch([kari.alarm(taken), kari.alarm(free)])
    assert answer.status_code == 200
    entries = [e["response"] for e in answer.json()["entry"]]
    assert [e["status"] for e in entries] == ["201 Created", "201 Created"]
    assert entries[0]["location"] != squatted.json()["entry"][0]["response"]["location"]
    assert stored_with(service, taken)[kari.pid] == entries[0]["location"].split("/")[1]
    assert kari.get(f"/fhir/{entries[0]['location']}").json()["patient"]["reference"] == kari.patient

    again = kari.send_batch([kari.alarm(taken)])  # the hub sends it again: found, its own
    assert again.json()["entry"][0]["response"] == {"status": "200 OK", "location": entries[0]["location"]}

    transaction = {**fm.batch([kari.alarm(t) for t in (str(uuid.uuid4()),)]), "type": "transaction"}
    other = str(uuid.uuid4())
    ola.create(ola.alarm(other))
    transaction["entry"] += fm.batch([kari.alarm(other)])["entry"]
    answer = requests.post(f"{kari.url}/fhir", json=transaction, headers=kari.headers, timeout=5)
    assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created", "201 Created"]
    assert set(stored_with(service, other)) == {kari.pid, ola.pid}


def test_no_answer_tells_a_hub_that_an_identifier_is_used_elsewhere(service, homes):
    """An identifier Ola's hub holds and one nobody holds give Kari's hub the same answers."""
    kari, ola = homes
    used, unused = str(uuid.uuid4()), str(uuid.uuid4())
    ola_issue = ola.create(ola.alarm(used)).json()

    def seen(uid: str) -> list:
        fresh = kari.send_batch([kari.alarm(uid)])
        alone = kari.create(kari.alarm(uid))
        plain = requests.post(f"{kari.url}/fhir/DetectedIssue", json=kari.alarm(uid), headers=kari.headers, timeout=5)
        answers = [fresh, alone, plain]
        for answer in answers:
            assert ola_issue["id"] not in answer.text and ola.pid not in answer.text
            assert ola_issue["id"] not in answer.headers.get("Location", "")
        return [(a.status_code, sorted(a.json())) for a in answers] + \
            [[e["response"]["status"] for e in fresh.json()["entry"]]]

    resource_keys = sorted([*kari.alarm(used), "id", "meta"])
    assert seen(used) == seen(unused) == [(200, ["entry", "resourceType", "type"]), (200, resource_keys),
                                          (200, resource_keys), ["201 Created"]]
    found = kari.get("/fhir/DetectedIssue", patient=kari.patient).json()
    assert found["total"] == 2 and ola.pid not in str(found)


def test_the_service_still_finds_a_hubs_alarm_by_its_uid(service, homes):
    """The service's own look-ups by identifier: for one resident, or across them when
    the service itself needs it (one hub's alarm uid is its own uuid4)."""
    kari, ola = homes
    uid = str(uuid.uuid4())
    ola_issue = ola.create(ola.alarm(uid)).json()
    kari_issue = kari.create(kari.alarm(uid)).json()
    identifier = f"{fm.URI}|urn:uuid:{uid}"
    assert service.store.find_by_identifier("DetectedIssue", identifier, kari.pid)["id"] == kari_issue["id"]
    assert service.store.find_by_identifier("DetectedIssue", identifier, ola.pid)["id"] == ola_issue["id"]
    assert service.store.find_by_identifier("Observation", identifier, kari.pid) is None
    assert service.store.find_by_identifier("DetectedIssue", identifier)["id"] in (kari_issue["id"], ola_issue["id"])


OLD_RESOURCES = ("CREATE TABLE resources (id TEXT PRIMARY KEY, type TEXT NOT NULL, patient_id TEXT NOT NULL, "
                 "identifier TEXT, last_updated TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1, "
                 "body TEXT NOT NULL, UNIQUE (type, identifier))")


def test_a_file_from_before_keeps_its_resources_and_gets_the_rule_per_resident(tmp_path):
    path = tmp_path / "care-service.db"
    first = ServiceStore(path)
    AlarmDesk(first)  # every other table as it is, alarm_states naming resources among them
    first.close()
    old = sqlite3.connect(path)
    with old:
        old.execute("DROP TABLE resources")
        old.execute(OLD_RESOURCES)
        old.execute("CREATE INDEX resources_patient ON resources (patient_id, type, last_updated)")
        for n in range(3):
            old.execute("INSERT INTO resources (rowid, id, type, patient_id, identifier, last_updated, body) "
                        "VALUES (?, ?, 'DetectedIssue', 'kari', ?, '2026-01-01T00:00:00Z', ?)",
                        (10 + n, f"r{n}", f"{fm.URI}|urn:uuid:u{n}", f'{{"resourceType": "DetectedIssue", "id": "r{n}"}}'))
    old.close()

    store = ServiceStore(path)
    try:
        rows = store.db.conn.execute("SELECT rowid, id, identifier FROM resources ORDER BY rowid").fetchall()
        assert rows == [(10 + n, f"r{n}", f"{fm.URI}|urn:uuid:u{n}") for n in range(3)]  # kept, in order
        issue = {"resourceType": "DetectedIssue", "status": "final"}
        with store.db.conn:
            _, created = store.create(issue, "ola", f"{fm.URI}|urn:uuid:u0")
        assert created  # another resident may hold the same identifier now
        with store.db.conn:
            assert store.create(issue, "kari", f"{fm.URI}|urn:uuid:u0") == (
                {"resourceType": "DetectedIssue", "id": "r0"}, False)
        with pytest.raises(sqlite3.IntegrityError), store.db.conn:  # and the file itself says so
            store.db.conn.execute("INSERT INTO resources (id, type, patient_id, identifier, last_updated, body) "
                                  f"VALUES ('x', 'DetectedIssue', 'kari', '{fm.URI}|urn:uuid:u1', 'now', '{{}}')")
        indexes = {row[1] for row in store.db.conn.execute("PRAGMA index_list(resources)")}
        assert {"resources_patient", "resources_identifier"} <= indexes
        AlarmDesk(store)  # its index on resources made again
        with store.db.conn:
            store.db.conn.execute("INSERT INTO alarm_states (resource_id, state) VALUES ('r2', 'open')")
        assert store.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []  # it names the new table
        assert "resources_type_time" in {row[1] for row in store.db.conn.execute("PRAGMA index_list(resources)")}
    finally:
        store.close()
    ServiceStore(path).close()  # opened again: nothing to do, nothing lost
    again = sqlite3.connect(path)
    assert again.execute("SELECT count(*) FROM resources").fetchone() == (4,)
    again.close()
