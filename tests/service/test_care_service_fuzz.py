"""Property test: whatever arrives with a hub's credential at an endpoint a hub reaches,
the care service answers 2xx or 4xx, never 5xx, and within a couple of seconds.
Random JSON, JSON the hub really sends with parts replaced or removed, JSON nested
deep, broken JSON and random bytes, under odd content types and headers, over real
HTTP to a running service on 127.0.0.1 (one service for the module)."""

from __future__ import annotations

import copy
import json
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
import requests
from tests.helpers.service import RunningService
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from care_service.fhir_api import RESOURCE_TYPES
from sync import fhir_mapping as fm

AT = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)
EXAMPLES = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])
ANSWER_WITHIN_S = 2.0


class Hub:
    def __init__(self, service: RunningService) -> None:
        token, self.pid = service.store.add_hub("Kari Nordmann")
        self.url, self.patient = service.url, f"Patient/{self.pid}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             **options) -> requests.Response:
        started = time.monotonic()
        answer = self.session.request(method, f"{self.url}{path}", data=body, headers=headers, timeout=10, **options)
        took = time.monotonic() - started
        assert answer.status_code < 500, (method, path, body[:300] if body else body, answer.text[:300])
        assert took < ANSWER_WITHIN_S, (method, path, took)
        return answer


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    service = RunningService(tmp_path_factory.mktemp("fuzz") / "service").start()
    home = Hub(service)
    service.store.set_plan(home.pid, {"version": 1, "contacts": [{"name": "Ola", "calls": True}]}, "test")
    home.room = service.start_call(home.pid).room  # a real call, so an outcome reaches its room
    home.service = service
    yield home
    home.session.close()
    service.stop()


# -- what is sent ----------------------------------------------------------------------------

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
           | st.sampled_from(["Patient/x", "batch", "transaction", "urn:uuid:1", "2026-11-23T07:05:00Z", *RESOURCE_TYPES])
           | st.integers(0, 10_000).map(lambda n: "x" * n)
           | st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3))  # lone surrogates, escaped by dumps
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(st.text(max_size=15), inner, max_size=5), max_leaves=25)


def _slots(value, holder, key):
    """Every place in a JSON value: (its container, its key or index)."""
    yield holder, key
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _slots(v, value, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _slots(v, value, i)


@st.composite
def mutated(draw, template):
    """The template with one to four places removed, null (FHIR has no nulls, but
    JSON does) or replaced by something random."""
    holder = {"root": copy.deepcopy(template)}
    for _ in range(draw(st.integers(1, 4))):
        container, key = draw(st.sampled_from(list(_slots(holder["root"], holder, "root"))))
        change = draw(st.sampled_from(["remove", "null", "random", "random"]))
        if change == "remove" and container is not holder:
            del container[key]
        else:
            container[key] = None if change == "null" else draw(JSON)
    return holder["root"]


def deep(n: int, kind: str) -> bytes:
    return {"list": "[" * n + "]" * n, "object": '{"a": ' * n + "1" + "}" * n, "open": "[" * n}[kind].encode()


@st.composite
def bodies(draw, templates: list, most: int = 12_000):
    """A body as bytes: a template mutated, random JSON, deep JSON, broken JSON or bytes."""
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "random", "deep", "broken", "bytes"]))
    if kind == "mutated":
        return json.dumps(draw(mutated(draw(st.sampled_from(templates))))).encode()
    if kind == "random":
        return json.dumps(draw(JSON)).encode()
    if kind == "deep":
        return deep(draw(st.integers(1, most // 7)), draw(st.sampled_from(["list", "object", "open"])))
    if kind == "broken":
        text = json.dumps(draw(st.sampled_from(templates))).encode()
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.binary(max_size=5)) + text[at + draw(st.integers(0, 10)):]
    return draw(st.binary(max_size=400))


# Mostly JSON, as a hub sends, so most bodies get past the content type to be read.
CONTENT_TYPES = (st.sampled_from([None, "application/fhir+json", "application/json", "application/json; charset=utf-8"])
                 | st.sampled_from(["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1",
                                    "application/json; charset=nonsense", "multipart/form-data; boundary=x", ";;"]))
# What requests lets through as a header value: no line breaks, no leading space, Latin-1.
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=80).map(str.lstrip)


def with_type(content_type: str | None) -> dict:
    return {"Content-Type": content_type} if content_type else {}


def resources(hub: Hub) -> list[dict]:
    uid = str(uuid.uuid4())
    return [fm.observation(uid, "blood_pressure", {"systolic": 121, "diastolic": 81, "pulse": 72}, AT, hub.patient),
            fm.detected_issue(uid, "fall", AT, hub.patient, detail="Fall in the kitchen"),
            fm.device(uid, "Blodtrykksmåler", "blood_pressure", patient=hub.patient),
            fm.medication_dispense(uid, "Paracet", AT, hub.patient)]


# -- the endpoints -------------------------------------------------------------------------------

@EXAMPLES
@given(data=st.data())
def test_fhir_bundles(hub, data):
    batch = fm.batch(resources(hub))
    templates = [batch, {**batch, "type": "transaction"}, {"resourceType": "Bundle", "type": "batch", "entry": []}]
    body = data.draw(bodies(templates, most=200_000))
    hub.send("POST", "/fhir", body, with_type(data.draw(CONTENT_TYPES)))


@EXAMPLES
@given(data=st.data())
def test_fhir_creates(hub, data):
    template = data.draw(st.sampled_from(resources(hub)))
    resource_type = data.draw(st.just(template["resourceType"]) | st.sampled_from(RESOURCE_TYPES)
                              | st.text(min_size=1, max_size=20))
    body = data.draw(bodies([template], most=200_000))
    headers = with_type(data.draw(CONTENT_TYPES))
    if data.draw(st.booleans()):
        headers["If-None-Exist"] = data.draw(st.sampled_from([f"identifier={fm.URI}|urn:uuid:{uuid.uuid4()}", ""])
                                             | HEADER_TEXT)
    hub.send("POST", f"/fhir/{quote(resource_type, safe='')}", body, headers)


@EXAMPLES
@given(data=st.data())
def test_fhir_reads_and_searches(hub, data):
    resource_type = quote(data.draw(st.sampled_from(RESOURCE_TYPES) | st.text(min_size=1, max_size=20)), safe="")
    resource_id = data.draw(st.sampled_from([str(uuid.uuid4())]) | st.text(min_size=1, max_size=60))
    hub.send("GET", f"/fhir/{resource_type}/{quote(resource_id, safe='')}")
    query = data.draw(st.dictionaries(st.sampled_from(["patient", "subject", "_lastUpdated", "identifier"])
                                      | st.text(max_size=10),
                                      st.sampled_from([hub.patient, "ge2026-01-01", "ge"]) | st.text(max_size=60),
                                      max_size=4))
    hub.send("GET", f"/fhir/{resource_type}", params=query)


@EXAMPLES
@given(data=st.data())
def test_heartbeats(hub, data):
    device = {"name": "Blodtrykksmåler", "kind": "blood_pressure", "battery": 80,
              "last_contact": "2026-11-23T07:05:00Z", "connected": True, "problem": ""}
    templates = [{"devices": [device, {**device, "name": "Fallsensor", "kind": "sensor_fall"}]},
                 {"store": {"state": "cannot_store", "problem": "full", "since": "2026-11-23T07:05:00+00:00",
                            "free_mb": 0}},
                 {"devices": [device], "store": {"state": "ok"}}]
    hub.send("POST", "/hub/heartbeat", data.draw(bodies(templates, most=60_000)), with_type(data.draw(CONTENT_TYPES)))


@EXAMPLES
@given(data=st.data())
def test_calls(hub, data):
    templates = [{"to": "service"}, {"to": "contact", "name": "Ola"}, {"outcome": "declined"}, {"outcome": "answered"}]
    body = data.draw(bodies(templates))
    room = data.draw(st.just(hub.room) | st.text(min_size=1, max_size=40))
    path = data.draw(st.sampled_from(["/hub/calls", f"/hub/calls/{quote(room, safe='')}/outcome"]))
    hub.send("POST", path, body, with_type(data.draw(CONTENT_TYPES)))


@EXAMPLES
@given(headers=st.dictionaries(st.sampled_from(["If-None-Match", "Accept", "Accept-Encoding", "Accept-Language",
                                                "Authorization", "Range", "If-Modified-Since", "Cookie"]),
                               HEADER_TEXT | st.sampled_from(['"1"', '"2"', "*", "W/\"1\"", "Bearer ", "Bearer x"]),
                               max_size=4))
def test_the_care_plan_with_odd_headers(hub, headers):
    answer = hub.send("GET", "/hub/care-plan", headers=headers)
    if "Authorization" not in headers:
        assert answer.status_code in (200, 304)


def test_the_service_still_works_after_all_that(hub):
    created = hub.send("POST", "/fhir/Observation", json.dumps(resources(hub)[0]).encode(),
                       {"Content-Type": "application/fhir+json"})
    assert created.status_code == 201
    assert hub.send("POST", "/hub/heartbeat").status_code == 200
    assert not hub.service.store.db.conn.in_transaction  # no request left a transaction open
