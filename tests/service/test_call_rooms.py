"""Video-call rooms at the care service, for real (docs/video-calls.md): the service on
127.0.0.1, the two sides' WebSockets opened with aiohttp's client, the hub's requests
with its bearer credential, a nurse logged in over HTTP. What passes between the pages,
who may open what, the states and who is told of them, TURN credentials, invitations."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
import requests
from tests.helpers.service import RunningService
from tests.helpers.plans import wait_for

from care_service.call_signaling import CALLS_KEY
from care_service.cli import main as service_cli

PASSWORD = "a long nurse password 7"
TIMEOUT = aiohttp.ClientTimeout(total=30)


class Home:
    """A resident with a hub: its credential, and the plan with its contacts."""

    def __init__(self, service: RunningService, name: str = "Kari Nordmann") -> None:
        token, self.pid = service.store.add_hub(name)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.url, self.service = service.url, service

    def post(self, path: str, body) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, headers=self.headers, timeout=10)

    def events(self, kind: str) -> list[dict]:
        return [body for _n, k, body in self.service.store.to_hub_after(self.pid, 0) if k == kind]

    def plan_with_contacts(self, *contacts: dict) -> None:
        self.service.on_service(lambda: self.service.store.set_plan(
            self.pid, {"version": 1, "contact": list(contacts)}, by="test"))


class Nurse:
    def __init__(self, service: RunningService, name: str = "nina", display: str = "Sykepleier Nina",
                 lang: str = "en") -> None:
        service.store.add_nurse(name, PASSWORD, display)
        self.url, self.http = service.url, requests.Session()
        self.http.headers["Accept-Language"] = lang
        answer = self.http.post(f"{self.url}/console/login", data={"username": name, "password": PASSWORD},
                                allow_redirects=False, timeout=10)
        assert answer.status_code == 303
        self.csrf = re.search(r'data-csrf="([^"]+)"', self.get("/console/residents").text)[1]

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url + path, timeout=10)

    def post(self, path: str, data: dict | None = None, csrf: bool = True) -> requests.Response:
        fields = {**(data or {}), **({"csrf": self.csrf} if csrf else {})}
        return self.http.post(self.url + path, data=fields, allow_redirects=False, timeout=10)


@pytest.fixture
def quick(tmp_path):
    """A service whose calls are missed after 1 s of ringing."""
    running = RunningService(tmp_path / "quick", ring_timeout_s=1.0).start()
    yield running
    running.stop()


def ws_url(service: RunningService, room: str, key: str) -> str:
    return f"{service.url}/call/{room}/ws?k={key}"


def keys(service: RunningService, room: str) -> tuple[str, str]:
    found = service.app[CALLS_KEY].rooms.get(room)
    return found.caller_key, found.home_key


async def receive(ws: aiohttp.ClientWebSocketResponse, timeout: float = 10.0) -> dict:
    message = await ws.receive(timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def both_sides(http: aiohttp.ClientSession, service: RunningService, room: str):
    """The caller's page, then the home's, each past its hello; the caller told the home is there."""
    caller_key, home_key = keys(service, room)
    caller = await http.ws_connect(ws_url(service, room, caller_key))
    await receive(caller)
    home_ws = await http.ws_connect(ws_url(service, room, home_key))
    await receive(home_ws)
    assert await receive(caller) == {"type": "peer", "present": True}
    return caller, home_ws


async def closed(ws: aiohttp.ClientWebSocketResponse, timeout: float = 10.0) -> int:
    message = await ws.receive(timeout)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING), message
    return ws.close_code


def expire(service: RunningService, table: str, key: str, value: str) -> None:
    """The room or invitation ran out a moment ago."""
    past = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat(timespec="seconds")

    def update():
        with service.store.db.conn:
            service.store.db.conn.execute(f"UPDATE {table} SET expires_at = ? WHERE {key} = ?", (past, value))

    service.on_service(update)


def run(coroutine):
    return asyncio.run(coroutine)


# -- signaling ----------------------------------------------------------------------------------

def test_the_two_sides_are_told_of_each_other_and_pass_their_messages_unchanged(service):
    home = Home(service)
    call = service.start_call(home.pid)
    caller_key, home_key = keys(service, call.room)
    offer = {"sdp": {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}}
    candidate = {"candidate": {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
                               "sdpMid": "0", "sdpMLineIndex": 0}}

    async def talk():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            caller = await http.ws_connect(ws_url(service, call.room, caller_key))
            assert await receive(caller) == {"type": "hello", "role": "caller", "state": "ringing", "peer": False,
                                             "ice_servers": []}
            home_ws = await http.ws_connect(ws_url(service, call.room, home_key))
            assert await receive(home_ws) == {"type": "hello", "role": "home", "state": "ringing", "peer": True,
                                              "ice_servers": []}
            assert await receive(caller) == {"type": "peer", "present": True}
            await caller.send_json({"type": "signal", "data": offer})
            assert await receive(home_ws) == {"type": "signal", "data": offer}
            await home_ws.send_json({"type": "signal", "data": candidate})
            assert await receive(caller) == {"type": "signal", "data": candidate}
            await home_ws.send_str("not json")  # ignored, the line stays up
            await home_ws.send_json({"type": "connected"})
            assert await receive(caller) == {"type": "state", "state": "connected"}
            assert await receive(home_ws) == {"type": "state", "state": "connected"}
            assert service.call_state(call.room) == "connected"
            await home_ws.send_json({"type": "bye"})
            assert await receive(caller) == {"type": "state", "state": "ended"}
            assert await receive(home_ws) == {"type": "state", "state": "ended"}
            await closed(caller)
            await closed(home_ws)

    run(talk())
    room = service.app[CALLS_KEY].rooms.get(call.room)
    assert [state for state, _when in room.history] == ["ringing", "connected", "ended"]
    assert all(datetime.fromisoformat(when.replace("Z", "+00:00")) for _state, when in room.history)
    assert home.events("call_ended") == []  # answered: the hub knows how it ended


def test_a_side_that_leaves_is_told_to_the_other(service):
    home = Home(service)
    call = service.start_call(home.pid)

    async def talk():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            caller, home_ws = await both_sides(http, service, call.room)
            await home_ws.close()
            assert await receive(caller) == {"type": "peer", "present": False}

    run(talk())
    assert service.call_state(call.room) == "ringing"


def test_a_wrong_or_expired_key_gets_404_and_no_hint_that_the_room_exists(service):
    home = Home(service)
    call = service.start_call(home.pid)
    caller_key, home_key = keys(service, call.room)
    unknown = requests.get(f"{service.url}/call/no-such-room?k={caller_key}", timeout=10)
    wrong = requests.get(f"{service.url}/call/{call.room}?k={caller_key[:-1]}x", timeout=10)
    none = requests.get(f"{service.url}/call/{call.room}", timeout=10)
    assert unknown.status_code == wrong.status_code == none.status_code == 404
    assert unknown.text == wrong.text == none.text

    async def refused(url: str) -> int:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as raised:
                await http.ws_connect(url)
            return raised.value.status

    assert run(refused(ws_url(service, call.room, "x" * len(caller_key)))) == 404
    assert run(refused(ws_url(service, "no-such-room", home_key))) == 404
    assert requests.get(call.caller_url, timeout=10).status_code == 200
    expire(service, "call_rooms", "id", call.room)
    expired = requests.get(call.caller_url, timeout=10)
    assert expired.status_code == 404 and expired.text == unknown.text
    assert run(refused(ws_url(service, call.room, caller_key))) == 404


def test_a_second_page_for_a_side_replaces_the_first(service):
    home = Home(service)
    call = service.start_call(home.pid)
    caller_key, _home_key = keys(service, call.room)

    async def talk():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            first, home_ws = await both_sides(http, service, call.room)
            second = await http.ws_connect(ws_url(service, call.room, caller_key))
            assert await closed(first) == 4000
            assert (await receive(second))["peer"] is True
            assert await receive(home_ws) == {"type": "peer", "present": True}  # the caller offers anew
            await home_ws.send_json({"type": "signal", "data": {"sdp": {"type": "answer", "sdp": "x"}}})
            assert await receive(second) == {"type": "signal", "data": {"sdp": {"type": "answer", "sdp": "x"}}}

    run(talk())


def test_a_call_nobody_answers_is_missed_and_the_caller_and_the_hub_are_told(quick):
    home = Home(quick)
    call = quick.start_call(home.pid)
    caller_key, _home_key = keys(quick, call.room)

    async def wait():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            caller = await http.ws_connect(ws_url(quick, call.room, caller_key))
            assert (await receive(caller))["state"] == "ringing"
            assert await receive(caller, timeout=15) == {"type": "state", "state": "missed"}
            await closed(caller)

    run(wait())
    assert quick.call_state(call.room) == "missed"
    wait_for(lambda: home.events("call_ended"), what="call_ended on the hub's channel")
    assert home.events("call_ended") == [{"room": call.room, "state": "missed"}]


def test_a_call_the_hub_says_was_answered_is_not_missed(quick):
    home = Home(quick)
    call = quick.start_call(home.pid)
    answer = home.post(f"/hub/calls/{call.room}/outcome", {"outcome": "answered"})
    assert answer.status_code == 200 and answer.json() == {"room": call.room, "state": "ringing"}
    missed_one = quick.start_call(home.pid)
    wait_for(lambda: quick.call_state(missed_one.room) == "missed", timeout=15, what="the other call missed")
    assert quick.call_state(call.room) == "ringing"  # the pages are connecting


def test_a_call_still_going_at_the_end_of_the_rooms_life_is_ended(service):
    home = Home(service)
    call = service.start_call(home.pid)

    async def talk():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            caller, home_ws = await both_sides(http, service, call.room)
            await caller.send_json({"type": "connected"})
            assert await receive(home_ws) == {"type": "state", "state": "connected"}
            await asyncio.to_thread(expire, service, "call_rooms", "id", call.room)
            assert await receive(home_ws, timeout=15) == {"type": "state", "state": "ended"}
            await closed(home_ws)

    run(talk())
    assert service.call_state(call.room) == "ended"


def test_the_caller_hanging_up_first_cancels_and_tells_the_hub(service):
    home = Home(service)
    call = service.start_call(home.pid)
    caller_key, _home_key = keys(service, call.room)

    async def hang_up():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            caller = await http.ws_connect(ws_url(service, call.room, caller_key))
            await receive(caller)
            await caller.send_json({"type": "bye"})
            assert await receive(caller) == {"type": "state", "state": "cancelled"}
            await closed(caller)
            # The room is over: a page opening it later is told so, and nothing more.
            again = await http.ws_connect(ws_url(service, call.room, caller_key))
            assert (await receive(again))["state"] == "cancelled"
            await closed(again)

    run(hang_up())
    assert service.call_state(call.room) == "cancelled"
    assert home.events("call_ended") == [{"room": call.room, "state": "cancelled"}]


# -- the hub's side ----------------------------------------------------------------------------

def test_the_hubs_outcome_reaches_the_callers_page_at_once(service):
    home, other = Home(service), Home(service, "Per Hansen")
    call = service.start_call(home.pid)
    caller_key, _home_key = keys(service, call.room)
    path = f"/hub/calls/{call.room}/outcome"
    assert requests.post(f"{service.url}{path}", json={"outcome": "declined"}, timeout=10).status_code == 401
    assert other.post(path, {"outcome": "declined"}).status_code == 404  # another resident's call
    assert home.post("/hub/calls/no-such-room/outcome", {"outcome": "declined"}).status_code == 404
    assert home.post(path, {"outcome": "maybe"}).status_code == 400
    assert home.post(path, ["declined"]).status_code == 400

    async def decline():
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            caller = await http.ws_connect(ws_url(service, call.room, caller_key))
            await receive(caller)
            answer = await asyncio.to_thread(home.post, path, {"outcome": "declined"})
            assert answer.status_code == 200 and answer.json() == {"room": call.room, "state": "declined"}
            assert await receive(caller) == {"type": "state", "state": "declined"}
            await closed(caller)

    run(decline())
    # Too late (the hub's own ring timeout after the service's, say): changes nothing, says how it stands.
    late = home.post(path, {"outcome": "missed"})
    assert late.status_code == 200 and late.json() == {"room": call.room, "state": "declined"}
    assert home.events("call_ended") == []  # the hub said it itself
    missed = service.start_call(home.pid)
    assert home.post(f"/hub/calls/{missed.room}/outcome", {"outcome": "missed"}).json()["state"] == "missed"


def test_the_resident_calls_the_service_and_a_nurse_joins_from_the_console(service):
    home = Home(service)
    nurse = Nurse(service)
    assert home.post("/hub/calls", {"to": "nobody"}).status_code == 400
    assert requests.post(f"{service.url}/hub/calls", json={"to": "service"}, timeout=10).status_code == 401
    answer = home.post("/hub/calls", {"to": "service"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["url"].startswith(f"{service.url}/call/{body['room']}?k=") and body["guest_url"] is None
    page = requests.get(body["url"], timeout=10)
    assert page.status_code == 200 and 'data-role="home"' in page.text
    listed = nurse.get("/console")
    assert "Kari Nordmann is calling" in listed.text and f'href="/console/calls/{body["room"]}"' in listed.text
    view = nurse.get(f"/console/calls/{body['room']}")
    assert view.status_code == 200 and 'data-role="caller"' in view.text and "End call" in view.text
    assert service.app[CALLS_KEY].rooms.get(body["room"]).caller_name == "Sykepleier Nina"
    assert requests.get(f"{service.url}/console/calls/{body['room']}", allow_redirects=False,
                        timeout=10).status_code == 303  # no session: to the login
    assert home.events("call") == []  # the hub made it: nothing to ring


def test_links_behind_a_tls_proxy_are_https(service):
    home = Home(service)
    answer = requests.post(f"{service.url}/hub/calls", json={"to": "service"},
                           headers={**home.headers, "X-Forwarded-Proto": "https"}, timeout=10)
    assert answer.json()["url"].startswith(f"https://127.0.0.1:{service.port}/call/")


def test_the_live_list_pushes_a_residents_call_to_every_console(service):
    home = Home(service)
    nurse = Nurse(service)

    def first_calls_event(response: requests.Response) -> list:
        lines = response.iter_lines(decode_unicode=True)
        for line in lines:
            if line == "event: calls":
                return json.loads(next(lines).removeprefix("data: "))
        raise AssertionError("no calls event")

    with nurse.http.get(f"{service.url}/console/live", stream=True, timeout=10) as live:
        assert first_calls_event(live) == []
    room = home.post("/hub/calls", {"to": "service"}).json()["room"]
    with nurse.http.get(f"{service.url}/console/live", stream=True, timeout=10) as live:
        calling = first_calls_event(live)
    assert [(c["room"], c["resident"], c["patient_id"]) for c in calling] == [(room, "Kari Nordmann", home.pid)]


def test_the_resident_calls_a_contact_who_may_be_video_called(service):
    home = Home(service)
    home.plan_with_contacts({"name": "Ola Nordmann", "phone": "+4791234567", "order": 1, "calls": True},
                            {"name": "Nabo Berit", "phone": "+4798765432", "order": 2, "consent": True})
    assert home.post("/hub/calls", {"to": "contact", "name": "Nabo Berit"}).status_code == 422
    assert home.post("/hub/calls", {"to": "contact", "name": "Someone"}).status_code == 422
    assert home.post("/hub/calls", {"to": "contact"}).status_code == 422
    body = home.post("/hub/calls", {"to": "contact", "name": "Ola Nordmann"}).json()
    assert body["guest_url"].startswith(f"{service.url}/call/{body['room']}?k=")
    guest = requests.get(body["guest_url"], timeout=10)
    assert guest.status_code == 200 and 'data-role="caller"' in guest.text
    room = service.app[CALLS_KEY].rooms.get(body["room"])
    assert (room.caller, room.caller_name, room.from_home) == ("relative", "Ola Nordmann", True)


# -- the console's "Call" button ----------------------------------------------------------------

def test_the_call_button_makes_a_room_rings_the_hub_and_opens_the_nurses_view(service):
    home = Home(service)
    nurse = Nurse(service)
    page = nurse.get(f"/console/residents/{home.pid}")
    assert f'action="/console/residents/{home.pid}/call"' in page.text
    assert nurse.post(f"/console/residents/{home.pid}/call", csrf=False).status_code == 403
    assert nurse.post("/console/residents/nobody/call").status_code == 404
    answer = nurse.post(f"/console/residents/{home.pid}/call")
    assert answer.status_code == 303
    room = answer.headers["Location"].removeprefix("/console/calls/")
    (event,) = home.events("call")
    _caller_key, home_key = keys(service, room)
    assert event["room"] == room and event["url"] == f"{service.url}/call/{room}?k={home_key}"
    assert (event["from"], event["caller"]) == ("Sykepleier Nina", "nurse")
    assert datetime.fromisoformat(event["expires_at"].replace("Z", "+00:00")) - datetime.now(timezone.utc) \
        > timedelta(hours=1, minutes=55)
    view = nurse.get(f"/console/calls/{room}")
    assert view.status_code == 200 and "Video call with Kari Nordmann" in view.text

    # The hub's fast channel carries it, as the hub reads it.
    with requests.get(f"{service.url}/hub/events", headers=home.headers, stream=True, timeout=10) as channel:
        lines = channel.iter_lines(decode_unicode=True)
        assert next(lines) == "id: 1" and next(lines) == "event: call"
        assert json.loads(next(lines).removeprefix("data: ")) == event


def test_the_call_page_is_protected_and_may_use_the_camera(service):
    home = Home(service)
    nurse = Nurse(service)
    call = service.start_call(home.pid)
    page = requests.get(call.caller_url, timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    assert "microphone=(self)" in page.headers["Permissions-Policy"]
    assert "<script>" not in page.text and "/console/static/call.js" in page.text
    home_page = requests.get(call.home_url, timeout=10)
    assert 'data-role="home"' in home_page.text and "call-end" not in home_page.text  # the hub draws its own
    assert "camera=()" in nurse.get("/console").headers["Permissions-Policy"]
    assert "camera=(self)" in nurse.get(f"/console/calls/{call.room}").headers["Permissions-Policy"]
    norsk = requests.get(call.caller_url, headers={"Accept-Language": "nb-NO"}, timeout=10)
    assert "Avslutt samtalen" in norsk.text and 'lang="nb"' in norsk.text


# -- the resident's page: recent calls, invitations ---------------------------------------------

def test_the_resident_page_lists_recent_calls_with_missed_ones_marked(quick):
    home = Home(quick)
    nurse = Nurse(quick)
    missed = quick.start_call(home.pid, nurse="Sykepleier Nina")
    wait_for(lambda: quick.call_state(missed.room) == "missed", timeout=15, what="the call missed")
    answered = quick.start_call(home.pid, nurse="Sykepleier Ola", caller="relative")
    home.post(f"/hub/calls/{answered.room}/outcome", {"outcome": "answered"})
    page = nurse.get(f"/console/residents/{home.pid}").text
    calls = page[page.index('<section id="calls"'):]
    assert re.search(r'class="call-item call-missed">.*?Sykepleier Nina called.*?not answered', calls, re.S)
    assert re.search(r'class="call-item call-ringing">.*?Sykepleier Ola called.*?ringing', calls, re.S)


def test_an_invitation_lets_a_relative_call_until_it_runs_out(service):
    home = Home(service)
    nurse = Nurse(service)
    home.plan_with_contacts({"name": "Ola Nordmann", "phone": "+4791234567", "order": 1, "calls": True},
                            {"name": "Nabo Berit", "phone": "+4798765432", "order": 2})
    page = nurse.get(f"/console/residents/{home.pid}").text
    assert 'name="contact" value="Ola Nordmann"' in page and 'value="Nabo Berit"' not in page
    path = f"/console/residents/{home.pid}/invite"
    for hours in ("0", "73", "x", ""):
        answer = nurse.post(path, {"contact": "Ola Nordmann", "hours": hours})
        assert answer.headers["Location"].endswith("invite_problem=hours#calls")
    assert nurse.post(path, {"contact": "Nabo Berit", "hours": "2"}).headers["Location"].endswith(
        "invite_problem=contact#calls")
    assert nurse.post(path, {"contact": "Ola Nordmann", "hours": "2"}, csrf=False).status_code == 403
    assert "Choose 1 to 72 hours." in nurse.get(f"/console/residents/{home.pid}?invite_problem=hours").text
    assert service.app[CALLS_KEY].invitations.valid_for(home.pid) == []
    assert nurse.post(path, {"contact": "Ola Nordmann", "hours": "2"}).status_code == 303
    page = nurse.get(f"/console/residents/{home.pid}").text
    link = re.search(r'class="invite-link" type="text" readonly value="([^"]+)"', page)[1]
    assert link.startswith(f"{service.url}/call/invite/")

    relative = requests.Session()  # no session, a phone
    relative.headers["Accept-Language"] = "en-GB,en"
    invite = relative.get(link, timeout=10)
    assert invite.status_code == 200 and "Call Kari" in invite.text and "Nordmann" not in invite.text
    answer = relative.post(link, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    room = answer.headers["Location"].split("/")[2].split("?")[0]
    caller_key, home_key = keys(service, room)
    assert answer.headers["Location"] == f"/call/{room}?k={caller_key}"
    (event,) = home.events("call")
    assert (event["room"], event["from"], event["caller"]) == (room, "Ola Nordmann", "relative")
    assert event["url"] == f"{service.url}/call/{room}?k={home_key}"

    assert relative.get(f"{service.url}/call/invite/not-a-token", timeout=10).status_code == 404
    token = link.rsplit("/", 1)[1]
    expire(service, "call_invitations", "token", token)
    gone = relative.get(link, headers={"Accept-Language": "en"}, timeout=10)
    assert gone.status_code == 410 and "This invitation has expired." in gone.text
    assert relative.post(link, allow_redirects=False, timeout=10).status_code == 410
    assert len(home.events("call")) == 1
    assert "invite-link" not in nurse.get(f"/console/residents/{home.pid}").text


def test_an_invitation_can_be_withdrawn(service):
    home = Home(service)
    nurse = Nurse(service)
    home.plan_with_contacts({"name": "Ola Nordmann", "phone": "+4791234567", "order": 1, "calls": True})
    nurse.post(f"/console/residents/{home.pid}/invite", {"contact": "Ola Nordmann", "hours": "72"})
    (invitation,) = service.app[CALLS_KEY].invitations.valid_for(home.pid)
    nurse.post(f"/console/residents/{home.pid}/invite/withdraw", {"token": invitation.token})
    assert requests.get(f"{service.url}/call/invite/{invitation.token}", timeout=10).status_code == 410


# -- ICE servers and the command line ---------------------------------------------------------

def test_pages_get_stun_and_coturn_rest_credentials_for_their_room(tmp_path):
    secret = "a-shared-coturn-secret"
    service = RunningService(tmp_path / "ice", stun=("stun:stun.example.no:3478",),
                             turn=("turn:turn.example.no:3478?transport=udp", "turns:turn.example.no:5349"),
                             turn_secret=secret).start()
    try:
        home = Home(service)
        call = service.start_call(home.pid)
        caller_key, _home_key = keys(service, call.room)

        async def hello():
            async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
                ws = await http.ws_connect(ws_url(service, call.room, caller_key))
                return await receive(ws)

        servers = run(hello())["ice_servers"]
        expiry = int(service.app[CALLS_KEY].rooms.get(call.room).expires_at.timestamp())
    finally:
        service.stop()
    assert servers[0] == {"urls": ["stun:stun.example.no:3478"]}
    turn = servers[1]
    assert turn["urls"] == ["turn:turn.example.no:3478?transport=udp", "turns:turn.example.no:5349"]
    assert turn["username"] == f"{expiry}:{call.room}"
    assert expiry - datetime.now(timezone.utc).timestamp() > 7000  # valid for the room's two hours
    expected = base64.b64encode(hmac.new(secret.encode(), turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected
    assert secret not in json.dumps(servers)


def test_turn_needs_its_secret_in_a_private_file(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path / "data")]
    assert service_cli(["serve", *data, "--turn", "turn:turn.example.no:3478"]) == 1
    assert "--turn-secret-file" in capsys.readouterr().err
    secret = tmp_path / "turn-secret"
    secret.write_text("s3cret\n", encoding="utf-8")
    os.chmod(secret, 0o644)
    assert service_cli(["serve", *data, "--turn", "turn:turn.example.no:3478", "--turn-secret-file", str(secret)]) == 1
    said = capsys.readouterr().err
    assert "can be read by others than its owner (mode 0644)" in said and "chmod 600" in said
    assert "s3cret" not in said
    assert service_cli(["serve", *data, "--stun", "http://stun.example.no"]) == 1
    assert "stun:HOST" in capsys.readouterr().err
    assert service_cli(["serve", *data, "--turn-secret-file", str(tmp_path / "missing")]) == 1
    assert "cannot read the TURN secret file" in capsys.readouterr().err
