"""The console's login under attack, over real HTTP on 127.0.0.1 (clients on addresses of
their own in 127.0.0.0/8): password checks never stall the hubs, a flood is answered
"busy" instead of queued, one client has only a few checks at a time, an outsider's
guesses are held back more and more without locking the nurse out of her own browser
(device cookie), and the throttle's table stays small whatever names are tried."""

from __future__ import annotations

import asyncio
import http.client
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from argon2.exceptions import VerifyMismatchError
from tests.helpers.service import RunningService

import care_service.storage
from care_service.console import throttle
from care_service.console.device_cookies import DeviceCookies
from care_service.console.sessions import STRANGERS_AT_ONCE, HeldBack, LoginRefused, SessionBook
from care_service.console.throttle import FREE_FAILURES, Throttle, client_key, name_key
from care_service.console.web import SESSIONS_KEY
from care_service.storage import ServiceStore

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"


def log_in(service, username, password, source="127.0.0.1", cookies=None, forwarded_for=None):
    """A login from `source` with the browser's `cookies` (through a proxy on this machine
    when `forwarded_for`): (status, headers, cookies set)."""
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=20, source_address=(source, 0))
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        connection.request("POST", "/console/login", urlencode({"username": username, "password": password}), headers)
        answer = connection.getresponse()
        answer.read()
        jar = SimpleCookie()
        for header in answer.headers.get_all("Set-Cookie") or ():
            jar.load(header)
        return answer.status, answer.headers, {name: morsel.value for name, morsel in jar.items()}
    finally:
        connection.close()


class SlowHasher:
    """Argon2 held until the test lets it go: a password check that takes as long as the
    test needs, so that what happens meanwhile can be seen."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.entered = 0

    def _wait(self) -> None:
        self.entered += 1
        assert self.go.wait(30), "the test never let the hashing go"

    def verify(self, _hash, password):
        self._wait()
        if password != PASSWORD:
            raise VerifyMismatchError()
        return True

    def hash(self, _password):
        self._wait()
        return "$argon2id$never"


@pytest.fixture
def service(tmp_path):
    running = RunningService(tmp_path / "service").start()
    running.store.add_nurse(NURSE, PASSWORD)
    yield running
    running.stop()


@pytest.fixture
def slow_hashing(monkeypatch):
    hasher = SlowHasher()
    monkeypatch.setattr(care_service.storage, "_hasher", hasher)
    yield hasher
    hasher.go.set()


def in_background(work) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def wait_until(condition, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.02)


def test_a_hub_is_answered_while_passwords_are_being_checked(service, slow_hashing):
    token, _patient = service.store.add_hub("Kari Nordmann")
    answers = []
    logins = [in_background(lambda n=n: answers.append(log_in(service, f"guess{n}", "x" * 12, f"127.0.0.{n + 2}")))
              for n in range(3)]
    wait_until(lambda: slow_hashing.entered >= 1, "a password check")
    heartbeat = http.client.HTTPConnection("127.0.0.1", service.port, timeout=5)
    heartbeat.request("POST", "/hub/heartbeat", "{}", {"Authorization": f"Bearer {token}",
                                                       "Content-Type": "application/json"})
    assert heartbeat.getresponse().status == 200  # while the logins are still being checked
    assert not answers
    slow_hashing.go.set()
    for login in logins:
        login.join(20)
    assert sorted(status for status, _, _ in answers) == [401, 401, 401]


def test_a_flood_is_told_to_come_back_rather_than_queued(service, slow_hashing):
    book = service.app[SESSIONS_KEY]
    answers = []
    for n in range(STRANGERS_AT_ONCE):  # each from its own address: the service's places fill
        in_background(lambda n=n: answers.append(log_in(service, secrets.token_hex(4), "x" * 12, f"127.0.1.{n + 1}")))
    wait_until(lambda: book.checking == STRANGERS_AT_ONCE, "the places filling")
    status, headers, _ = log_in(service, secrets.token_hex(4), "x" * 12, "127.0.2.1")
    assert status == 503 and int(headers["Retry-After"]) >= 1
    # A browser where the nurse has logged in before has places of its own.
    her_browser = {book.devices.cookie_name(NURSE): book.devices.issue(NURSE)}
    hers = []
    in_background(lambda: hers.append(log_in(service, NURSE, PASSWORD, "127.0.2.2", her_browser)))
    wait_until(lambda: book.checking == STRANGERS_AT_ONCE + 1, "her login being checked")
    slow_hashing.go.set()
    wait_until(lambda: len(answers) == STRANGERS_AT_ONCE and hers, "every login answered")
    assert hers[0][0] == 303 and {status for status, _, _ in answers} == {401}


def test_one_client_has_only_a_few_checks_at_a_time(service, slow_hashing):
    book = service.app[SESSIONS_KEY]
    for n in range(2):
        in_background(lambda n=n: log_in(service, f"name{n}", "x" * 12, "127.0.3.1"))
    wait_until(lambda: book.checking == 2, "two checks from one client")
    status, headers, _ = log_in(service, "name3", "x" * 12, "127.0.3.1")
    assert status == 429 and int(headers["Retry-After"]) >= 1
    in_background(lambda: log_in(service, "name4", "x" * 12, "127.0.3.2"))
    wait_until(lambda: book.checking == 3, "another client's check")  # that one is not held
    slow_hashing.go.set()


def test_an_outsider_is_held_back_but_the_nurse_gets_in_from_her_own_browser(service):
    status, _, her_browser = log_in(service, NURSE, PASSWORD, "127.0.0.1")
    assert status == 303 and any(name.startswith("nurse_device_") for name in her_browser)
    answers = [log_in(service, NURSE, f"guess-{n:04d}", "127.0.9.9") for n in range(FREE_FAILURES + 4)]
    assert [status for status, _, _ in answers[:FREE_FAILURES + 1]] == [401] * (FREE_FAILURES + 1)
    held = [headers for status, headers, _ in answers[FREE_FAILURES + 1:] if status == 429]
    assert held and all(int(headers["Retry-After"]) >= 1 for headers in held)  # not even tried
    # Her own browser, with the right password: in, however the outsider fares.
    assert log_in(service, NURSE, PASSWORD, "127.0.0.1", her_browser)[0] == 303


def test_behind_a_proxy_each_client_is_held_on_its_own(service):
    # What the client wrote itself comes first; the proxy adds the address it saw last.
    answers = [log_in(service, secrets.token_hex(4), "x" * 12, forwarded_for=f"198.51.100.{n}, 203.0.113.9")[0]
               for n in range(FREE_FAILURES + 4)]
    assert answers[:FREE_FAILURES + 1] == [401] * (FREE_FAILURES + 1) and 429 in answers
    assert log_in(service, secrets.token_hex(4), "x" * 12, forwarded_for="203.0.113.9, 198.51.100.1")[0] == 401


def test_the_name_under_attack_is_held_for_strangers_only_and_holds_grow(tmp_path):
    now = [datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)]
    store = ServiceStore(tmp_path / "s.db")
    store.add_nurse(NURSE, PASSWORD)
    book = SessionBook(store, clock=lambda: now[0])

    async def attempts():
        her_browser = (await book.log_in(NURSE, PASSWORD, "192.0.2.10")).device_cookie[1]
        for _ in range(FREE_FAILURES + 1):
            with pytest.raises(LoginRefused):
                await book.log_in(NURSE, "guess", "203.0.113.66")
        with pytest.raises(HeldBack) as outsider:
            await book.log_in(NURSE, "guess", "203.0.113.66")
        with pytest.raises(HeldBack):  # from elsewhere, without her device cookie: the name is held
            await book.log_in(NURSE, PASSWORD, "198.51.100.7")
        await book.log_in(NURSE, PASSWORD, "198.51.100.7", her_browser)  # with it: in
        now[0] += timedelta(seconds=outsider.value.seconds + 0.1)
        with pytest.raises(LoginRefused):
            await book.log_in(NURSE, "guess", "203.0.113.66")
        with pytest.raises(HeldBack) as longer:
            await book.log_in(NURSE, "guess", "203.0.113.66")
        assert longer.value.seconds > outsider.value.seconds

    asyncio.run(attempts())
    book.close()
    store.close()


def test_a_device_cookie_counts_for_its_own_name_only_and_can_be_held_too(tmp_path):
    store = ServiceStore(tmp_path / "s.db")
    now = [1_800_000_000.0]
    cookies = DeviceCookies(store.db.conn, lambda: now[0])
    value = cookies.issue(NURSE)
    assert cookies.nonce_of(NURSE, value)
    assert cookies.nonce_of("ola", value) is None
    assert cookies.nonce_of(NURSE, value[:-1] + ("0" if value[-1] != "0" else "1")) is None
    assert cookies.nonce_of(NURSE, "garbage") is None and cookies.nonce_of(NURSE, None) is None
    assert cookies.cookie_name(NURSE) != cookies.cookie_name("ola")
    now[0] += timedelta(days=181).total_seconds()
    assert cookies.nonce_of(NURSE, value) is None  # too old
    store.close()


def test_holds_grow_to_a_ceiling():
    assert [throttle.hold_after(n) for n in range(1, FREE_FAILURES + 1)] == [0.0] * FREE_FAILURES
    grown = [throttle.hold_after(FREE_FAILURES + n) for n in range(1, 6)]
    assert grown == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert throttle.hold_after(1000) == throttle.LONGEST_HOLD.total_seconds()


def test_ten_thousand_random_names_leave_the_table_small(tmp_path, monkeypatch):
    class QuickHasher:  # argon2 for real would take half an hour here
        def verify(self, _hash, _password):
            raise VerifyMismatchError()

        def hash(self, _password):
            return "$argon2id$never"

    monkeypatch.setattr(care_service.storage, "_hasher", QuickHasher())
    now = [datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)]
    store = ServiceStore(tmp_path / "s.db")
    book = SessionBook(store, clock=lambda: now[0])

    def rows(kind=""):
        return store.db.conn.execute("SELECT count(*) FROM login_throttle WHERE key LIKE ?",
                                     (f"{kind}%",)).fetchone()[0]

    async def flood():
        for n in range(10):  # a name under attack: more failures than any random name
            with pytest.raises(LoginRefused):
                await book.log_in(NURSE, "wrong", f"198.51.100.{n}")
            now[0] += timedelta(seconds=300)  # past each hold
        for n in range(10_000):
            with pytest.raises(LoginRefused):
                await book.log_in(secrets.token_hex(6), "wrong", f"10.{n // 62500}.{n // 250 % 250}.{n % 250}")

    asyncio.run(flood())
    assert rows("name:") <= throttle.MAX_KEYS and rows("client:") <= throttle.MAX_KEYS
    counted = store.db.conn.execute("SELECT failures FROM login_throttle WHERE key = ?", (name_key(NURSE),)).fetchone()
    assert counted == (10,)  # the name under attack is not pushed out by the flood
    now[0] += timedelta(hours=2)
    Throttle(store.db.conn, lambda: now[0]).failed([client_key("192.0.2.1")])  # old rows go on the next failure
    assert rows() == 1
    book.close()
    store.close()
