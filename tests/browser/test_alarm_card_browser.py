"""The alarm card in Debian's Chromium (headless, through Playwright) with the real care
service on 127.0.0.1, fed the FHIR the hub's own mapping makes: the card's time of day,
red value, ladder steps, phone and address; taking the alarm from the resident's page;
a new alarm said in the live region; the sound kept on after a reload; a 390 px phone."""

from __future__ import annotations

import re

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from tests.helpers.browser import DESK, PHONE, launch, log_in
from tests.helpers.service import RunningService
from tests.conftest import ARTIFACTS
from tests.service.test_alarm_cards import red_blood_pressure, send, step

NURSE, PASSWORD = "nina", "korrekt-hest-batteri"
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def service(tmp_path):
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD)
    token, patient = service.store.add_hub("Kari Nordmann")
    service.store.set_contact(patient, "+47 912 34 567", "Storgata 1, 0155 Oslo")
    yield service, {"Authorization": f"Bearer {token}"}, patient
    service.stop()


def page_for(browser, size=DESK):
    return browser.new_context(viewport=size, locale="nb-NO").new_page()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def a_red_reading_up_the_ladder(service, headers, patient) -> datetime:
    """A red blood pressure 12 minutes ago, its SMS to Ola and to the on-call phone."""
    start = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=12)
    uid = str(uuid.uuid4())
    send(service, headers, patient, *red_blood_pressure(uid, start),
         step(uid, "alarm_sms_sent", start + timedelta(minutes=2), to="Ola Nordmann"),
         step(uid, "alarm_sms_sent", start + timedelta(minutes=7), to="on-call"))
    return start


def local(moment: datetime) -> str:
    from zoneinfo import ZoneInfo
    return moment.astimezone(ZoneInfo("Europe/Oslo")).strftime("%H:%M")


@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_a_new_card_says_time_value_steps_phone_and_address_and_is_announced(browser, service, size):
    service_, headers, patient = service
    page = page_for(browser, size)
    log_in(page, service_.url, NURSE, PASSWORD)
    page.wait_for_selector("body[data-alarms-shown='0']", state="attached")  # the live list is connected
    start = a_red_reading_up_the_ladder(service_, headers, patient)
    card = page.locator("article.alarm.open")
    card.wait_for(timeout=5000)  # pushed over the live channel, no reload
    text = card.inner_text()
    for said in (f"kl. {local(start)}", "Måling: 182/95 mmHg",
                 f"SMS til Ola Nordmann (son) {local(start + timedelta(minutes=2))}",
                 f"Vakttelefon {local(start + timedelta(minutes=7))}", "Telefon: +47 912 34 567",
                 "Adresse: Storgata 1, 0155 Oslo"):
        assert said in text, (said, text)
    assert re.search(r"\b1[23] min\b", text), text  # raised 12 minutes ago: 13 once the minute turns
    assert card.locator("a[href='tel:+4791234567']").count() == 1
    # Said to a screen reader: the live region has the new alarm.
    region = page.locator("#announcer")
    assert region.get_attribute("aria-live") == "assertive"
    page.wait_for_function("document.getElementById('announcer').textContent.includes('Kari Nordmann')", timeout=3000)
    assert "Måling i rødt" in region.text_content() and "182/95 mmHg" in region.text_content()
    page.wait_for_load_state("load")
    # Nothing wider than the screen (390 px on a phone), every part of the card inside it.
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    for part in ("div.what", "ol.steps", "div.contact", "button.primary", "input[name=note]"):
        box = card.locator(part).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], part
    assert card.get_by_role("button", name="Ta alarmen").bounding_box()["height"] >= 44
    shot(page, f"console-alarm-card-{'phone' if size is PHONE else 'desk'}-nb")
    page.context.close()


@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_the_alarm_is_taken_from_the_residents_page(browser, service, size):
    service_, headers, patient = service
    a_red_reading_up_the_ladder(service_, headers, patient)
    page = page_for(browser, size)
    log_in(page, service_.url, NURSE, PASSWORD)
    page.goto(f"{service_.url}/console/residents/{patient}")
    card = page.locator("section.waiting article.alarm.open")
    for said in ("182/95 mmHg", "Storgata 1, 0155 Oslo", "Vakttelefon"):
        assert said in card.inner_text(), said
    assert re.search(r"\b1[23] min\b", card.inner_text())  # raised 12 minutes ago: 13 once the minute turns
    page.wait_for_load_state("load")
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    shot(page, f"console-resident-alarm-card-{'phone' if size is PHONE else 'desk'}-nb")
    card.get_by_role("button", name="Ta alarmen").click()
    page.wait_for_url(f"{service_.url}/console/residents/{patient}", timeout=5000)
    taken = page.locator("section.waiting article.alarm.acknowledged")
    taken.wait_for(timeout=5000)
    assert f"Tatt av {NURSE}" in taken.inner_text() and "Tatt · " not in taken.inner_text()
    [alarm] = service_.desk.alarms(patient_id=patient)
    assert (alarm.state, alarm.acknowledged_by) == ("acknowledged", NURSE)
    page.context.close()


def test_the_sound_stays_on_after_a_reload_and_off_once_turned_off(browser, service):
    service_, _headers, _patient = service
    page = page_for(browser)
    log_in(page, service_.url, NURSE, PASSWORD)
    sound = page.locator("#sound")
    assert sound.inner_text() == "Slå på lyd" and sound.get_attribute("aria-pressed") == "false"
    sound.click()
    assert sound.inner_text() == "Lyd er på (slå av)" and sound.get_attribute("aria-pressed") == "true"
    page.reload()
    page.wait_for_selector("body[data-alarms-shown='0']", state="attached")
    sound = page.locator("#sound")
    assert sound.inner_text() == "Lyd er på (slå av)" and sound.get_attribute("aria-pressed") == "true"
    assert page.evaluate("localStorage.getItem('console.sound')") == "on"
    sound.click()  # off again, and kept off
    page.reload()
    page.wait_for_selector("body[data-alarms-shown='0']", state="attached")
    assert page.locator("#sound").inner_text() == "Slå på lyd"
    assert page.evaluate("localStorage.getItem('console.sound')") == "off"
    page.context.close()
