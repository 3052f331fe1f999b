"""Bad input from a hub's credential is answered 4xx with an OperationOutcome, never
500: a Bundle not shaped as FHIR says, JSON nested too deep, a body larger than its
endpoint takes (413, fhir_api.BODY_LIMITS), a body that says it is not JSON (415),
and device fields too long for a nurse's screen. Real HTTP to the service on 127.0.0.1."""

from __future__ import annotations

import json
import re
import select
import socket
import uuid
from datetime import datetime, timezone

import pytest
import requests

from care_service.fhir_api import BODY_LIMITS, MAX_DEPTH
from care_service.hub_channel import MAX_TEXT
from sync import fhir_mapping as fm

AT = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)


@pytest.fixture
def kari(service):
    token, patient = service.store.add_hub("Kari Nordmann")
    return {"Authorization": f"Bearer {token}"}, f"Patient/{patient}"


def refused(answer: requests.Response, status: int) -> str:
    """The OperationOutcome's diagnostics, after checking the answer is one with `status`."""
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"].startswith("application/fhir+json")
    body = answer.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["diagnostics"]


def reading(patient: str) -> dict:
    return fm.observation(str(uuid.uuid4()), "heart_rate", {"pulse": 64}, AT, patient)


@pytest.mark.parametrize("kind", ["batch", "transaction"])
@pytest.mark.parametrize("entry", [{"resource": {}}, "all of them", 5, True,
                                   ["not an entry"], [None], [7],
                                   [{"request": "POST"}], [{"request": ["POST"]}],
                                   [{"request": {"method": "POST", "ifNoneExist": 5}}]])
def test_a_bundle_not_shaped_as_fhir_says_is_refused_whole(service, kari, kind, entry):
    headers, patient = kari
    good = fm.batch([reading(patient)])["entry"]
    if isinstance(entry, list):  # each with a resource, so only its shape is wrong
        entry = good + [{"resource": reading(patient), **e} if isinstance(e, dict) else e for e in entry]
    bundle = {"resourceType": "Bundle", "type": kind, "entry": entry}
    refused(requests.post(f"{service.url}/fhir", json=bundle, headers=headers, timeout=5), 400)
    assert service.store.db["resources"].count == 0


def nested(depth: int) -> str:
    """A JSON object `depth` containers deep that a heartbeat takes (a key it does not read)."""
    return '{"later": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("path", ["/fhir", "/fhir/Observation", "/hub/heartbeat", "/hub/calls"])
@pytest.mark.parametrize("body", ["[" * 15_000, '{"a": ' * 2000 + "1" + "}" * 2000, nested(MAX_DEPTH + 1)])
def test_json_nested_too_deep_is_refused(service, kari, path, body):
    headers, _ = kari
    answer = requests.post(f"{service.url}{path}", data=body, headers={**headers, "Content-Type": "application/json"},
                           timeout=5)
    assert "nests deeper" in refused(answer, 400)


def test_json_as_deep_as_allowed_is_read(service, kari):
    headers, _ = kari
    answer = requests.post(f"{service.url}/hub/heartbeat", data=nested(MAX_DEPTH), headers=headers, timeout=5)
    assert answer.status_code == 200


@pytest.mark.parametrize("body", ['{"devices": [{"battery": NaN}]}', '{"x": Infinity}', '{"x": 1e999}',
                                  '{"x": ' + "9" * 5000 + "}", b'{"name": "\xff"}', "{", "[1,]",
                                  '{"devices": [{"name": "\\udc80"}]}', '["\\ud800 alone"]'])
def test_what_is_not_strict_json_is_refused(service, kari, body):
    headers, _ = kari
    for path in ("/fhir", "/fhir/Observation", "/hub/heartbeat", "/hub/calls"):
        answer = requests.post(f"{service.url}{path}", data=body, headers=headers, timeout=5)
        assert "not JSON" in refused(answer, 400)


def test_a_surrogate_pair_is_text(service, kari):
    headers, _ = kari
    device = {"name": "Pulsklokke \U0001F493", "kind": "pulse", "battery": 80, "last_contact": None,
              "connected": True, "problem": ""}
    answer = requests.post(f"{service.url}/hub/heartbeat", data=json.dumps({"devices": [device]}),  # as \\ud83d\\udc93
                           headers=headers, timeout=5)
    assert answer.status_code == 200


def test_null_where_an_element_is_absent_is_no_crash(service, kari):
    """FHIR JSON has no nulls, but fhir.resources takes one for an absent element."""
    headers, patient = kari
    without_identifier = {**reading(patient), "identifier": None}
    answer = requests.post(f"{service.url}/fhir/Observation", json=without_identifier, headers=headers, timeout=5)
    assert answer.status_code == 201
    refused(requests.post(f"{service.url}/fhir/Observation", json={**reading(patient), "subject": None},
                          headers=headers, timeout=5), 403)  # about nobody: not this hub's resident
    answer = requests.post(f"{service.url}/fhir", json=fm.batch([reading(patient)]) | {"entry": [
        {"resource": {**reading(patient), "identifier": None}, "request": {"method": "POST", "url": "Observation"}}]},
        headers=headers, timeout=5)
    assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created"]


def test_an_if_none_exist_that_is_not_ascii_is_refused(service, kari):
    headers, patient = kari
    answer = requests.post(f"{service.url}/fhir/Observation", json=reading(patient),
                           headers={**headers, "If-None-Exist": "identifier=urn:ietf:rfc:3986|\xe6\xf8\xe5"}, timeout=5)
    assert "If-None-Exist" in refused(answer, 400)


def test_an_empty_body_is_a_heartbeat_but_no_resource(service, kari):
    headers, _ = kari
    for body in ("", "  \n"):
        assert requests.post(f"{service.url}/hub/heartbeat", data=body, headers=headers, timeout=5).status_code == 200
        for path in ("/fhir", "/fhir/Observation"):
            assert "empty" in refused(requests.post(f"{service.url}{path}", data=body, headers=headers, timeout=5), 400)


def post_too_much(service, path: str, headers: dict[str, str], size: int, chunked: bool) -> tuple[int, dict]:
    """POST `size` bytes of body over a socket of its own (with a Content-Length, or
    chunked: no length to look at first), sending while the service has not answered;
    its status and JSON answer. The rest is sent after it, as a simple client does, so
    the service is done with the connection when this returns."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"

    def send_piece() -> int:
        piece = b" " * min(65536, size - sent)
        sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        return len(piece)

    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}{length}\r\n\r\n".encode())
        sent, answer = 0, b""
        while b"\r\n\r\n" not in answer:
            readable, writable, _ = select.select([sock], [sock] if sent < size else [], [], 10)
            assert readable or writable, f"no answer from {path}"
            if readable:
                answer += sock.recv(65536)
            else:
                sent += send_piece()
        head, _, body = answer.partition(b"\r\n\r\n")
        wanted = int(re.search(rb"Content-Length: (\d+)", head, re.IGNORECASE).group(1))
        while len(body) < wanted:
            body += sock.recv(65536)
        while sent < size:
            sent += send_piece()
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(65536):  # the service closes its end once it has read to the end
            pass
    assert b"application/fhir+json" in head
    return int(head.split()[1]), json.loads(body)


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize(("path", "limit"), [(p, limit) for (_, p), limit in BODY_LIMITS.items()])
def test_a_body_larger_than_its_endpoint_takes_is_413(service, kari, path, limit, chunked):
    headers, _ = kari
    path = path.replace("{type}", "Observation").replace("{room}", "no-such-room")
    status, answer = post_too_much(service, path, headers, limit + 1, chunked)
    assert status == 413 and answer["resourceType"] == "OperationOutcome"
    assert answer["issue"][0]["code"] == "too-costly"
    # Without a credential nothing is read at all.
    status, answer = post_too_much(service, path, {}, limit + 1, chunked)
    assert status == 401 and answer["resourceType"] == "OperationOutcome"


def test_a_batch_under_the_limit_is_taken(service, kari):
    headers, patient = kari
    bundle = fm.batch([reading(patient) for _ in range(1000)])  # ten batches' worth of readings
    assert len(json.dumps(bundle)) < BODY_LIMITS["POST", "/fhir"]
    answer = requests.post(f"{service.url}/fhir", json=bundle, headers=headers, timeout=30)
    assert answer.status_code == 200 and service.store.db["resources"].count == 1000


def test_a_devices_text_fields_are_bounded(service, kari):
    headers, patient = kari
    device = {"name": "Blodtrykksmåler", "kind": "blood_pressure", "battery": 80,
              "last_contact": "2026-11-23T07:05:00Z", "connected": True, "problem": ""}
    longest = [{**device, "name": "n" * MAX_TEXT, "problem": "p" * MAX_TEXT}]
    assert requests.post(f"{service.url}/hub/heartbeat", json={"devices": longest}, headers=headers,
                         timeout=5).status_code == 200
    for field in ("name", "kind", "last_contact", "problem"):
        too_long = [{**device, field: "x" * (MAX_TEXT + 1)}]
        answer = requests.post(f"{service.url}/hub/heartbeat", json={"devices": too_long}, headers=headers, timeout=5)
        assert field in refused(answer, 400)
    assert post_too_much(service, "/hub/heartbeat", headers, 7 * 1024 * 1024, chunked=False)[0] == 413  # a 7 MB name
    assert service.store.devices_of(patient.removeprefix("Patient/")) == longest


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded",
                                          "application/fhir+json; charset=latin-1", "application/json; charset=nonsense"])
def test_a_body_that_says_it_is_not_json_is_415(service, kari, content_type):
    headers, patient = kari
    body = json.dumps(reading(patient))
    for path in ("/fhir/Observation", "/fhir", "/hub/heartbeat", "/hub/calls"):
        answer = requests.post(f"{service.url}{path}", data=body, headers={**headers, "Content-Type": content_type},
                               timeout=5)
        refused(answer, 415)
    assert service.store.db["resources"].count == 0


@pytest.mark.parametrize("content_type", [None, "application/fhir+json", "application/json",
                                          "application/fhir+json; charset=UTF-8", "Application/JSON"])
def test_json_is_taken_however_it_is_named(service, kari, content_type):
    headers, patient = kari
    extra = {"Content-Type": content_type} if content_type else {}
    answer = requests.post(f"{service.url}/fhir/Observation", data=json.dumps(reading(patient)).encode(),
                           headers={**headers, **extra}, timeout=5)
    assert answer.status_code == 201


def test_a_credential_that_is_not_ascii_is_no_credential(service, kari):
    for header in ("Bearer \xe6\xf8\xe5", "Bearer \xff\xfe", "Bearer k\xe5ri"):
        answer = requests.get(f"{service.url}/hub/care-plan", headers={"Authorization": header}, timeout=5)
        assert answer.status_code == 401
        refused(requests.post(f"{service.url}/fhir", data=b"{}", headers={"Authorization": header}, timeout=5), 401)
