"""A video call end to end on 127.0.0.1 with fake cameras and microphones: the nurse
presses "Call" in the console (Debian's Chromium, headless), the hub (its real window,
Qt WebEngine offscreen) rings, the resident answers, both pages reach "connected" and
each decodes the other's video frames (getStats); the call ends from either side and
the hub goes home. With consent the hub answers by itself after its 10 s countdown;
without, the call rings out as missed and the nurse's page says so."""

from __future__ import annotations

import json
import time

import pytest
from tests.helpers.browser import launch, log_in
from tests.helpers.plans import store_rows, wait_for

from hub_app.messages import CallChanged
from hub_app.secret_files import write_secret
from tests.helpers.service import RunningService

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, media=True)
        yield browser
        browser.close()


@pytest.fixture
def home(hub, tmp_path):
    """The service, and Kari's hub with its window, connected; `consent`: auto-answer."""
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD, "Sykepleier Nina")
    token, patient = service.store.add_hub("Kari Nordmann")
    write_secret(tmp_path / "care-service-credential", token)

    def start(consent: bool = False, ring_seconds: int = 60):
        if consent:
            service.store.set_plan(patient, {"version": 2, "consent": {"auto_answer_calls": {
                "given": True, "recorded_by": "Sykepleier Nina", "recorded_at": "2026-11-20"}}}, NURSE)
        core, window = hub(extra=f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n'
                                 f'[calls]\nring_seconds = {ring_seconds}\n')
        calls = []
        core.subscribe(lambda m: calls.append(m.call) if isinstance(m, CallChanged) else None)
        if consent:
            wait_for(lambda: core.plans.plan.consented("auto_answer_calls"), what="the plan with consent on the hub")
        return service, patient, core, window, calls

    yield start
    service.stop()


def nurse_calls(browser, service, patient):
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO").new_page()
    log_in(page, service.url, NURSE, PASSWORD)
    page.goto(f"{service.url}/console/residents/{patient}")
    page.click("button.call-button")
    page.wait_for_url("**/console/calls/**")
    return page


def nurse_state(page) -> dict:
    return page.evaluate("({...window.callState})")


def hub_state(qtbot, window) -> dict:
    if window.call.web is None:
        return {}
    box = {}
    window.call.web.page().runJavaScript("JSON.stringify(window.callState || null)", 0,
                                         lambda r: box.setdefault("r", r))
    qtbot.waitUntil(lambda: "r" in box, timeout=5000)
    return json.loads(box["r"] or "null") or {}


def until(condition, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def pictures_both_ways(qtbot, window, page) -> None:
    """Both peers connected, and each has decoded video frames from the other."""
    qtbot.waitUntil(lambda: hub_state(qtbot, window).get("state") == "connected", timeout=30000)
    qtbot.waitUntil(lambda: hub_state(qtbot, window).get("framesDecoded", 0) > 0, timeout=30000)
    until(lambda: nurse_state(page).get("state") == "connected", "the nurse's page connected")
    until(lambda: nurse_state(page).get("framesDecoded", 0) > 0, "frames from the hub on the nurse's page")


def test_the_nurse_calls_the_resident_answers_and_the_nurse_hangs_up(browser, home, qtbot, screenshot):
    service, patient, core, window, calls = home()
    page = nurse_calls(browser, service, patient)
    qtbot.waitUntil(lambda: window.currentWidget() is window.call
                    and window.call.caller.text() == "Sykepleier Nina", timeout=10000)
    assert window.call.ring_words.text() == "ringer deg på video"
    assert window.call.countdown.text() == ""  # no consent: no countdown
    screenshot(window, "call-ringing")
    qtbot.mouseClick(window.call.answer_button, qtbot_left())
    pictures_both_ways(qtbot, window, page)
    assert hub_state(qtbot, window)["role"] == "home" and not window.call.notice.isVisible()
    qtbot.wait(1500)  # a picture on the screenshot
    screenshot(window, "call-in-call")
    qtbot.mouseClick(window.call.louder, qtbot_left())
    assert window.call.volume.text() == "Lyd: 10 av 10"

    page.click("#call-end")  # the nurse hangs up
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=10000)
    wait_for(lambda: calls[-1].state == "ended", what="the call ended on the hub")
    assert service.call_state(calls[-1].room) == "ended"
    ended = store_rows(core, "SELECT data FROM events WHERE kind = 'call' AND type = 'call_ended'")
    assert json.loads(ended[0]["data"])["direction"] == "incoming"


def test_the_resident_hangs_up_and_the_nurse_is_told(browser, home, qtbot):
    service, patient, core, window, calls = home()
    page = nurse_calls(browser, service, patient)
    qtbot.waitUntil(lambda: window.currentWidget() is window.call and window.call.answer_button.isEnabled(),
                    timeout=10000)
    qtbot.mouseClick(window.call.answer_button, qtbot_left())
    pictures_both_ways(qtbot, window, page)
    qtbot.mouseClick(window.call.end_button, qtbot_left())
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=10000)
    until(lambda: nurse_state(page).get("state") == "ended", "the nurse's page told the call ended")
    assert service.call_state(calls[-1].room) == "ended"


def test_with_consent_the_call_answers_itself_after_ten_seconds(browser, home, qtbot, screenshot):
    service, patient, core, window, calls = home(consent=True)
    page = nurse_calls(browser, service, patient)
    qtbot.waitUntil(lambda: window.currentWidget() is window.call and window.call.countdown.text() != "",
                    timeout=10000)
    assert window.call.countdown.text() in {f"Svarer av seg selv om {n} sekunder" for n in (9, 10)}
    screenshot(window, "call-ringing-auto-answer")
    rang_at = time.monotonic()
    pictures_both_ways(qtbot, window, page)
    assert time.monotonic() - rang_at >= 8.5  # not before the countdown the resident saw
    assert [c.state for c in calls][:2] == ["ringing", "answered"]
    audit = store_rows(core, "SELECT detail FROM audit_log WHERE action = 'call.answered'")
    assert json.loads(audit[0]["detail"]) == {"by": "auto"}


def test_without_consent_it_rings_out_missed_and_the_nurse_is_told(browser, home, qtbot, screenshot):
    service, patient, core, window, calls = home(ring_seconds=15)
    page = nurse_calls(browser, service, patient)
    qtbot.waitUntil(lambda: window.currentWidget() is window.call, timeout=10000)
    qtbot.wait(11000)
    assert [c.state for c in calls] == ["ringing"]  # no consent: it does not answer itself
    qtbot.waitUntil(lambda: window.call.missed_body.text().endswith("Sykepleier Nina har fått beskjed om at du ikke kunne svare."),
                    timeout=15000)
    assert window.call.missed_title.text() == "Du gikk glipp av en videosamtale"
    assert window.call.missed_body.text().startswith("Sykepleier Nina ringte klokka ")
    screenshot(window, "call-missed")
    until(lambda: nurse_state(page).get("state") == "missed", "the nurse's page told nobody answered")
    assert service.call_state(calls[-1].room) == "missed"
    qtbot.mouseClick(window.call.missed_ok, qtbot_left())
    assert window.currentWidget() is window.home


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_resident_calls_the_home_care_service_and_a_nurse_joins(browser, home, qtbot, screenshot):
    service, patient, core, window, calls = home()
    window.home.call_button.click()
    qtbot.waitUntil(lambda: window.currentWidget() is window.call_out and "service" in window.call_out.tiles,
                    timeout=5000)
    assert window.call_out.tiles["service"].text().endswith("Hjemmetjenesten")
    screenshot(window, "call-out-tiles")
    window.call_out.tiles["service"].click()
    qtbot.waitUntil(lambda: window.currentWidget() is window.call and window.call.web is not None, timeout=10000)
    assert calls[-1].direction == "outgoing" and calls[-1].room
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO").new_page()
    log_in(page, service.url, NURSE, PASSWORD)
    page.goto(f"{service.url}/console/calls/{calls[-1].room}")  # the "Join" on the incoming card
    pictures_both_ways(qtbot, window, page)
    qtbot.mouseClick(window.call.end_button, qtbot_left())
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=10000)
    until(lambda: nurse_state(page).get("state") == "ended", "the nurse's page told the call ended")
