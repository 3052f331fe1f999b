"""Long-lived channels end with their credential, over real HTTP on 127.0.0.1: a hub's
event channel when its credential is revoked (also by another process on the same
database), a nurse's live alarm list when she logs out or her session runs out; and
nothing more reaches them after that."""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
import requests
from tests.helpers.service import RunningService

from care_service.console.web import COOKIE
from care_service.storage import ServiceStore
from sync import fhir_mapping as fm

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"
PROMPTLY_S = 3.0  # "within a second or two", with room for a busy machine


class OpenStream:
    """A server-sent event response read on a thread of its own, over a plain socket (so
    the test sees exactly when the service ends it): what came, and whether it ended."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        request = [f"GET {parts.path} HTTP/1.1", f"Host: {parts.netloc}", "Accept: text/event-stream",
                   "Connection: close", *(f"{name}: {value}" for name, value in headers.items())]
        self.sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode())
        self.received = b""
        while b"\r\n\r\n" not in self.received:
            chunk = self.sock.recv(65536)
            assert chunk, "the service closed the connection before answering"
            self.received += chunk
        status = self.received.split(b"\r\n", 1)[0].decode()
        assert status.split()[1] == "200", status
        self.ended = threading.Event()
        self.ended_at: float | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while chunk := self.sock.recv(65536):  # b"": the service ended the response
                self.received += chunk
        except OSError:  # closed by the test
            pass
        self.ended_at = time.monotonic()
        self.ended.set()

    def text(self) -> str:
        return self.received.decode(errors="replace")

    def wait_for(self, words: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text():
            assert time.monotonic() < deadline, f"{words!r} did not arrive; got {self.text()!r}"
            time.sleep(0.02)

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)  # also wakes the reading thread
        self.sock.close()


@pytest.fixture
def service(tmp_path):
    running = RunningService(tmp_path / "service").start()
    running.store.add_nurse(NURSE, PASSWORD)
    yield running
    running.stop()


def hub_channel(service, token):
    return OpenStream(f"{service.url}/hub/events", {"Authorization": f"Bearer {token}"})


def test_a_revoked_hub_hears_nothing_more_and_its_channel_ends(service):
    token, patient = service.store.add_hub("Kari Nordmann")
    channel = hub_channel(service, token)
    try:
        service.message(patient, "We come at 14", "Nina")
        channel.wait_for("We come at 14")
        service.store.revoke_hub_of(patient)
        revoked = time.monotonic()
        # Right after: a message and a call with the home's key, that a stolen tablet must not get.
        service.message(patient, "The key box code is 4711", "Nina")
        call = service.start_call(patient)
        assert channel.ended.wait(PROMPTLY_S), "the revoked hub's channel is still open"
        assert channel.ended_at - revoked < PROMPTLY_S
        assert "4711" not in channel.text() and call.room not in channel.text()
    finally:
        channel.close()
    again = requests.get(f"{service.url}/hub/events", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert again.status_code == 401


def test_a_hub_revoked_by_another_process_loses_its_channel_too(service):
    token, patient = service.store.add_hub("Kari Nordmann")
    other_token, other_patient = service.store.add_hub("Ola Hansen")
    channel, others = hub_channel(service, token), hub_channel(service, other_token)
    try:
        service.message(patient, "hello", "Nina")
        channel.wait_for("hello")
        elsewhere = ServiceStore(service.store.path)  # an administrator's tool on the same database
        try:
            elsewhere.revoke_hub_of(patient)  # nobody wakes the service's channels
        finally:
            elsewhere.close()
        assert channel.ended.wait(PROMPTLY_S), "the channel outlived its revoked credential"
        service.message(other_patient, "still here", "Nina")
        others.wait_for("still here")  # another home's channel is untouched
        assert not others.ended.is_set()
    finally:
        channel.close()
        others.close()


def post_alarm(service, token, patient, uid):
    issue = fm.detected_issue(uid, "fall", datetime.now(timezone.utc), f"Patient/{patient}")
    answer = requests.post(f"{service.url}/fhir/DetectedIssue", json=issue, timeout=5,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201


def nurse_live(service):
    """A logged-in browser (its session, its CSRF token) and its live alarm list, open."""
    browser = requests.Session()
    page = browser.post(f"{service.url}/console/login", data={"username": NURSE, "password": PASSWORD}, timeout=10)
    assert page.status_code == 200 and page.url.endswith("/console")
    csrf = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
    live = OpenStream(f"{service.url}/console/live", {"Cookie": f"{COOKIE}={browser.cookies[COOKIE]}"})
    live.wait_for("event: alarms")
    return browser, csrf, live


FIRST, SECOND = "6f1c7a2e-0000-4000-8000-000000000001", "6f1c7a2e-0000-4000-8000-000000000002"


def test_logging_out_ends_the_live_alarm_list_at_once(service):
    token, patient = service.store.add_hub("Kari Nordmann")
    browser, csrf, live = nurse_live(service)
    try:
        post_alarm(service, token, patient, FIRST)
        live.wait_for(FIRST)
        assert browser.post(f"{service.url}/console/logout", data={"csrf": csrf}, timeout=5).status_code == 200
        assert live.ended.wait(PROMPTLY_S), "the live list outlived the logout"
        post_alarm(service, token, patient, SECOND)
        time.sleep(0.3)
        assert SECOND not in live.text()
    finally:
        live.close()
    assert requests.get(f"{service.url}/console/live", cookies={COOKIE: browser.cookies.get(COOKIE, "")},
                        timeout=5).status_code == 401


def test_a_session_that_runs_out_ends_its_live_alarm_list(service):
    token, patient = service.store.add_hub("Kari Nordmann")
    _browser, _csrf, live = nurse_live(service)
    try:
        # The shift's end passes (as the clock would make it, 12 h on).
        elsewhere = ServiceStore(service.store.path)
        try:
            with elsewhere.db.conn:
                elsewhere.db.conn.execute("UPDATE nurse_sessions SET expires_at = ?",
                                          (datetime.now(timezone.utc).isoformat(timespec="seconds"),))
        finally:
            elsewhere.close()
        post_alarm(service, token, patient, FIRST)  # wakes the channels
        assert live.ended.wait(PROMPTLY_S), "the live list outlived its session"
        assert FIRST not in live.text()
    finally:
        live.close()
