"""Video calls in Debian's Chromium (headless, through Playwright) with Chromium's fake
camera and microphone (tests/helpers/browser.py, MEDIA_FLAGS), the real care service on
127.0.0.1 between two real pages: a nurse calls from the console and the home's page
answers, the picture goes both ways (frames decoded on each side), either side ends it;
a page on a machine with no camera says so and still receives; a relative calls with an
invitation on a phone; a resident's call to the nurses is joined from the alarm list."""

from __future__ import annotations

import time

import pytest
import requests
from tests.helpers.browser import DESK, PHONE, launch, log_in
from tests.helpers.service import RunningService
from tests.conftest import ARTIFACTS

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright):
    browser = launch(playwright, media=True)
    yield browser
    browser.close()


@pytest.fixture
def home(tmp_path):
    """The service with a nurse and Kari, whose hub is represented by its credential."""
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD, "Sykepleier Nina")
    token, patient = service.store.add_hub("Kari Nordmann")
    yield service, patient, {"Authorization": f"Bearer {token}"}
    service.stop()


def page_for(browser, size=DESK, locale="nb-NO"):
    return browser.new_context(viewport=size, locale=locale).new_page()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def call_state(page) -> dict:
    return page.evaluate("({...window.callState})")


def wait_call(page, condition, what, timeout=30.0) -> dict:
    """Until `condition(window.callState)` (generous: WebRTC on a busy machine)."""
    deadline = time.monotonic() + timeout
    while True:
        state = call_state(page)
        if condition(state):
            return state
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {state}"
        time.sleep(0.1)


def pictures_both_ways(*pages) -> None:
    for page in pages:
        wait_call(page, lambda s: s["state"] == "connected", "connected")
    for page in pages:
        wait_call(page, lambda s: s["framesDecoded"] > 0, "frames decoded from the other side")


def hub_event(service, patient, kind) -> dict:
    found = [body for _n, k, body in service.store.to_hub_after(patient, 0) if k == kind]
    assert found, f"no {kind} event for the hub"
    return found[-1]


def test_a_nurse_calls_from_the_console_and_the_home_answers(browser, home):
    service, patient, _headers = home
    nurse = page_for(browser)
    log_in(nurse, service.url, NURSE, PASSWORD)
    nurse.goto(f"{service.url}/console/residents/{patient}")
    nurse.get_by_role("button", name="Ring Kari Nordmann").click()
    nurse.wait_for_url("**/console/calls/*")
    nurse.locator("#call-state:text('Ringer …')").wait_for(timeout=10000)
    assert call_state(nurse)["role"] == "caller" and call_state(nurse)["camera"] is True
    event = hub_event(service, patient, "call")
    assert event["from"] == "Sykepleier Nina" and event["url"].startswith(service.url)

    resident = page_for(browser)  # what the hub's own view opens when Kari answers
    resident.goto(event["url"])
    pictures_both_ways(nurse, resident)
    assert nurse.locator("#call-state").inner_text() == "Tilkoblet"
    assert call_state(resident)["role"] == "home" and call_state(resident)["framesSent"] > 0
    assert resident.locator("#call-end").count() == 0 and resident.locator("#call-state").count() == 0
    assert service.call_state(event["room"]) == "connected"
    time.sleep(0.5)  # a few frames more, for the picture
    shot(nurse, "call-nurse-connected-nb")
    shot(resident, "call-home-connected")

    end = nurse.get_by_role("button", name="Avslutt samtalen")
    box = end.bounding_box()
    assert box["height"] >= 64
    end.click()
    wait_call(resident, lambda s: s["state"] == "ended", "the home's page told the call ended")
    wait_call(nurse, lambda s: s["state"] == "ended", "the nurse's page ended")
    assert nurse.locator("#call-state").inner_text() == "Samtalen er avsluttet"
    assert service.call_state(event["room"]) == "ended"
    nurse.context.close()
    resident.context.close()


def test_the_home_can_end_the_call_and_the_nurse_sees_it_in_english(browser, home):
    service, patient, _headers = home
    call = service.start_call(patient)
    nurse = page_for(browser, locale="en-GB")
    log_in(nurse, service.url, NURSE, PASSWORD)
    nurse.goto(call.nurse_url)
    resident = page_for(browser)
    resident.goto(call.home_url)
    pictures_both_ways(nurse, resident)
    resident.evaluate("window.callEnd()")  # the hub's own "End call" button
    wait_call(nurse, lambda s: s["state"] == "ended", "the nurse's page told")
    assert nurse.locator("#call-state").inner_text() == "The call has ended"
    nurse.context.close()
    resident.context.close()


def test_a_page_with_no_camera_says_so_plainly_and_still_receives(playwright, browser, home):
    service, patient, _headers = home
    bare = launch(playwright, media=True, fake_devices=False)  # a machine with no camera or microphone
    try:
        call = service.start_call(patient)
        caller = page_for(bare, locale="en-GB")
        caller.goto(call.caller_url)
        said = caller.locator("#call-devices")
        said.wait_for(timeout=10000)
        assert said.inner_text().startswith("No camera or microphone found: you see and hear the other person")
        assert call_state(caller)["camera"] is False and call_state(caller)["microphone"] is False
        resident = page_for(browser)
        resident.goto(call.home_url)
        pictures_both_ways(caller)  # receive-only: the home's picture arrives
        wait_call(resident, lambda s: s["state"] == "connected", "the home connected")
        assert call_state(resident)["framesDecoded"] == 0  # nothing to see from a page with no camera
        assert caller.locator("#own-video").is_hidden()
        shot(caller, "call-no-camera-en")
        caller.get_by_role("button", name="End call").click()
        wait_call(resident, lambda s: s["state"] == "ended", "the home told")
        resident.context.close()
    finally:
        bare.close()


def test_a_relative_calls_with_an_invitation_on_a_phone(browser, home):
    service, patient, _headers = home
    service.on_service(lambda: service.store.set_plan(patient, {"version": 1, "contact": [
        {"name": "Ola Nordmann", "phone": "+4791234567", "order": 1, "relation": "sønn", "calls": True}]}, by="test"))
    nurse = page_for(browser)
    log_in(nurse, service.url, NURSE, PASSWORD)
    nurse.goto(f"{service.url}/console/residents/{patient}#calls")
    form = nurse.locator("form.invite-form")
    form.locator("input[name=hours]").fill("3")
    form.get_by_role("button", name="Inviter til videosamtale").click()
    nurse.locator("text=Invitasjonen er laget").wait_for(timeout=10000)
    link = nurse.locator("input.invite-link").input_value()
    assert link.startswith(f"{service.url}/call/invite/")
    nurse.locator("#calls").screenshot(path=str(SHOTS / "call-invitation-console-nb.png"))
    nurse.context.close()

    phone = page_for(browser, size=PHONE)
    phone.goto(link)
    button = phone.get_by_role("button", name="Ring Kari")
    box = button.bounding_box()
    assert box["height"] >= 64 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "call-invite-phone-nb")
    button.click()
    phone.wait_for_url("**/call/*?k=*")
    phone.locator("#call-state:text('Ringer …')").wait_for(timeout=10000)
    event = hub_event(service, patient, "call")
    assert (event["from"], event["caller"]) == ("Ola Nordmann", "relative")
    resident = page_for(browser)
    resident.goto(event["url"])
    pictures_both_ways(phone, resident)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    end = phone.get_by_role("button", name="Avslutt samtalen").bounding_box()
    assert end["height"] >= 64 and end["x"] + end["width"] <= PHONE["width"]
    assert end["y"] + end["height"] <= PHONE["height"]  # on screen without scrolling
    time.sleep(0.5)
    shot(phone, "call-relative-phone-nb")
    phone.get_by_role("button", name="Avslutt samtalen").click()
    wait_call(resident, lambda s: s["state"] == "ended", "the home told")
    phone.context.close()
    resident.context.close()


def test_a_residents_call_to_the_nurses_is_joined_from_the_alarm_list(browser, home):
    service, patient, headers = home
    nurse = page_for(browser, locale="en-GB")
    log_in(nurse, service.url, NURSE, PASSWORD)
    nurse.wait_for_selector("body[data-alarms-shown='0']", state="attached")  # the live list is connected
    answer = requests.post(f"{service.url}/hub/calls", json={"to": "service"}, headers=headers, timeout=10)
    assert answer.status_code == 200
    resident = page_for(browser)
    resident.goto(answer.json()["url"])  # the hub waits in its room
    card = nurse.locator("article.incoming-call")
    card.wait_for(timeout=10000)  # pushed, no reload
    assert "Kari Nordmann is calling" in card.inner_text()
    shot(nurse, "call-incoming-on-console-en")
    card.get_by_role("link", name="Join").click()
    nurse.wait_for_url("**/console/calls/*")
    pictures_both_ways(nurse, resident)
    nurse.get_by_role("button", name="End call").click()
    wait_call(resident, lambda s: s["state"] == "ended", "the home told")
    nurse.goto(f"{service.url}/console")
    nurse.wait_for_selector("body[data-calls-shown='0']", state="attached")
    assert nurse.locator("article.incoming-call").count() == 0
    nurse.context.close()
    resident.context.close()
