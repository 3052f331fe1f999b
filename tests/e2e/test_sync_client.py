"""The hub's client for the care service, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
import uuid
from datetime import datetime, timezone

import pytest

from sync import fhir_mapping as fm
from sync.client import CareServiceClient, ClientConfigError, CredentialRefused, Retry, retry_after_seconds

AT = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)


def readings(patient, count=3):
    return [fm.observation(str(uuid.uuid4()), "heart_rate", {"pulse": 60 + i}, AT, patient) for i in range(count)]


def test_a_batch_is_stored_once_however_often_it_is_sent(service):
    token, patient = service.store.add_hub("Kari")
    client = CareServiceClient(service.url, token)
    bundle = fm.batch(readings(f"Patient/{patient}"))
    first = client.send_batch(bundle)
    again = client.send_batch(bundle)
    assert [r.status for r in first] == [201, 201, 201] and [r.status for r in again] == [200, 200, 200]
    assert all(r.stored for r in first + again)
    assert service.store.db["resources"].count == 3
    assert client.check()["resourceType"] == "CapabilityStatement"


def test_a_refused_entry_is_a_dead_letter_the_rest_is_stored(service):
    token, patient = service.store.add_hub("Kari")
    good = readings(f"Patient/{patient}", 2)
    bad = fm.observation(str(uuid.uuid4()), "heart_rate", {"pulse": 60}, AT, f"Patient/{patient}")
    bad["effectiveDateTime"] = "yesterday"
    results = CareServiceClient(service.url, token).send_batch(fm.batch([good[0], bad, good[1]]))
    assert [(r.stored, r.status) for r in results] == [(True, 201), (False, 422), (True, 201)]
    assert "effectiveDateTime" in results[1].detail


def test_a_revoked_credential_and_a_stopped_service(service):
    token, patient = service.store.add_hub("Kari")
    client = CareServiceClient(service.url, token)
    service.store.revoke_hub_of(patient)
    with pytest.raises(CredentialRefused):
        client.send_batch(fm.batch(readings(f"Patient/{patient}")))
    url = service.url
    service.stop()
    with pytest.raises(Retry, match="cannot be reached"):
        CareServiceClient(url, token, timeout=(1, 1)).send_batch(fm.batch(readings(f"Patient/{patient}")))


class Busy(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the stdlib's name
        self.send_response(503)
        self.send_header("Retry-After", "7")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_busy_service_is_tried_again_when_it_says():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = CareServiceClient(f"http://127.0.0.1:{server.server_address[1]}", "token")
        with pytest.raises(Retry) as caught:
            client.send_batch(fm.batch([]))
        assert caught.value.retry_after == 7
    finally:
        server.shutdown()


def test_retry_after_as_seconds_or_a_date():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Mon, 23 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Mon, 23 Nov 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_tls_is_never_switched_off_and_plain_http_only_on_loopback():
    with pytest.raises(ClientConfigError, match="must be reached over https"):
        CareServiceClient("http://care.example.no", "token")
    with pytest.raises(ClientConfigError, match="not a service address"):
        CareServiceClient("care.example.no", "token")
    with pytest.raises(ClientConfigError, match="no hub credential"):
        CareServiceClient("https://care.example.no", "")
    client = CareServiceClient("https://care.example.no", "token", ca_bundle="/etc/welfare-hub/ca.pem")
    assert client._session.verify == "/etc/welfare-hub/ca.pem"
    assert CareServiceClient("https://care.example.no", "token")._session.verify is True


def test_the_care_plan_with_its_etag(service):
    token, patient = service.store.add_hub("Kari")
    client = CareServiceClient(service.url, token)
    assert client.fetch_plan(None) is None  # none set yet (404)
    service.store.set_plan(patient, {"version": 7}, "Sykepleier Nina")
    document, etag = client.fetch_plan(None)
    assert '"version": 7' in document and etag == '"7"'
    assert client.fetch_plan(etag) is None  # unchanged: 304, nothing sent again
