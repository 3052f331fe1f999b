"""The nurse console in Debian's Chromium (headless, through Playwright), with the real
care service and a real hub on 127.0.0.1: log in, an alarm appears without a reload
(with its sound cue), acknowledge it and the hub shows who is coming, resolve it with
a note; escalation, wrong passwords held back, Norwegian and English, a phone-sized
screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.helpers.browser import DESK, PHONE, launch, log_in
from tests.helpers.service import RunningService
from tests.conftest import ARTIFACTS
from tests.helpers.plans import wait_for

from hub_app.config import load_config
from hub_app.messages import AlarmChanged
from hub_app.core import Core
from hub_app.secret_files import write_secret

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
def home(tmp_path):
    """The service (escalating after 2 s, looking every 0.2 s) and Kari's hub, connected."""
    service = RunningService(tmp_path / "service", escalate_after=timedelta(seconds=2), watch_every_s=0.2).start()
    service.store.add_nurse(NURSE, PASSWORD)
    token, patient = service.store.add_hub("Kari Nordmann")
    write_secret(tmp_path / "care-service-credential", token)
    (tmp_path / "hub.toml").write_text(f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n',
                                       encoding="utf-8")
    core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
    core.start()
    changes = []
    core.subscribe(lambda m: changes.append(m.alarm) if isinstance(m, AlarmChanged) else None)
    yield service, core, changes
    core.stop()
    service.stop()


def page_for(browser, size=DESK, locale="nb-NO"):
    context = browser.new_context(viewport=size, locale=locale)
    return context.new_page()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_alarm_appears_live_is_acknowledged_and_the_hub_shows_who_comes(browser, home):
    service, core, changes = home
    page = page_for(browser)
    log_in(page, service.url, NURSE, PASSWORD)
    page.wait_for_selector("text=Ingen alarmer nå.")
    page.wait_for_selector("body[data-alarms-shown='0']", state="attached")  # the live list is connected
    event = core.call(core.rules.help_pressed, "pendant")
    card = page.locator("article.alarm.open")
    card.wait_for(timeout=5000)  # no reload: pushed over the live channel
    assert "Trygghetsalarm" in card.inner_text() and "Kari Nordmann" in card.inner_text()
    assert page.locator("body").get_attribute("data-cues") == "1"  # the sound cue for a new alarm
    shot(page, "console-alarm-new-nb")
    card.get_by_role("button", name="Ta alarmen").click()
    page.locator("article.alarm.acknowledged").wait_for(timeout=5000)
    wait_for(lambda: any(a.uid == event.uid and a.state == "acknowledged" for a in changes), timeout=2.0,
             what="the acknowledgement on the hub")
    assert next(a for a in changes if a.state == "acknowledged").acknowledged_by == NURSE
    page.fill("article.alarm.acknowledged input[name=note]", "Hjalp Kari opp, ingen skade")
    page.locator("article.alarm.acknowledged").get_by_role("button", name="Avslutt").click()
    page.locator("article.alarm.resolved").wait_for(timeout=5000)
    assert "Hjalp Kari opp, ingen skade" in page.locator("article.alarm.resolved").inner_text()
    shot(page, "console-alarm-resolved-nb")

    async def stored():
        return core.store.alarm(event.uid)

    wait_for(lambda: "resolution" in core.call(stored)["detail"], what="the note on the hub")
    assert core.call(stored)["detail"]["resolution"]["note"] == "Hjalp Kari opp, ingen skade"
    page.context.close()


def test_an_alarm_nobody_takes_is_escalated_on_the_page(browser, home):
    service, core, _changes = home
    page = page_for(browser, locale="en-GB")
    log_in(page, service.url, NURSE, PASSWORD)
    page.wait_for_selector("text=No alarms now.")
    core.call(core.rules.help_pressed, "screen")
    page.locator("article.alarm.open").wait_for(timeout=5000)
    page.locator("article.alarm.escalated").wait_for(timeout=6000)  # 2 s in this service
    assert "Escalated to team lead" in page.locator("article.alarm.escalated").inner_text()
    shot(page, "console-alarm-escalated-en")
    page.context.close()


def test_the_console_on_a_phone(browser, home):
    service, core, _changes = home
    core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: service.desk.alarms(), what="the alarm at the service")
    page = page_for(browser, size=PHONE)
    log_in(page, service.url, NURSE, PASSWORD)
    card = page.locator("article.alarm.open")
    card.wait_for(timeout=5000)
    # Measured once the page has loaded with its stylesheet: the card is in the page's
    # HTML, so it can be found before the styles arrive on a busy machine.
    page.wait_for_load_state("load")
    # Nothing wider than the screen, and the buttons big enough for a thumb.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = card.get_by_role("button", name="Ta alarmen").bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shot(page, "console-phone-nb")
    page.context.close()


def test_wrong_passwords_hold_a_stranger_back_but_not_her_own_browser(browser, home):
    service, _core, _changes = home
    hers = page_for(browser, locale="en-GB")
    log_in(hers, service.url, NURSE, PASSWORD)  # her browser now has her device cookie
    hers.wait_for_selector("h1:text('Alarms')")
    stranger = page_for(browser, locale="en-GB")
    for _ in range(5):
        log_in(stranger, service.url, NURSE, "wrong password")
        assert stranger.locator("[role=alert]").inner_text() == "Wrong user name or password."
    for _ in range(8):  # then held back, for longer and longer
        log_in(stranger, service.url, NURSE, "wrong password")
        if stranger.locator("[role=alert]").inner_text().startswith("Too many attempts. Try again in "):
            break
    else:
        pytest.fail("the stranger was never held back")
    shot(stranger, "console-held-en")
    log_in(hers, service.url, NURSE, PASSWORD)  # the nurse, from her own browser: in
    hers.wait_for_selector("h1:text('Alarms')")
    for page in (hers, stranger):
        page.context.close()


def test_the_language_can_be_switched_and_is_remembered(browser, home):
    service, _core, _changes = home
    page = page_for(browser)
    log_in(page, service.url, NURSE, PASSWORD)
    page.wait_for_selector("h1:text('Alarmer')")
    page.click("text=English")
    page.wait_for_selector("h1:text('Alarms')")
    page.goto(f"{service.url}/console")
    page.wait_for_selector("h1:text('Alarms')")
    page.context.close()


def test_a_care_plan_change_in_the_console_reaches_the_hub(browser, home):
    import json

    from tests.helpers.plans import PLANS

    from hub_app.care_plan import load_plan_file

    service, core, _changes = home
    patient = service.store.patients()[0]["id"]
    service.on_service(lambda: service.store.set_plan(patient, load_plan_file(PLANS / "kari.toml").document(), "seed"))
    wait_for(lambda: core.plans.plan.version == 3, what="the plan from the service on the hub")
    page = page_for(browser)
    log_in(page, service.url, NURSE, PASSWORD)
    page.goto(f"{service.url}/console/residents/{patient}/plan")
    page.fill("#f-med-0-times", "07:30")
    page.locator("form.plan-form").first.locator("button[type=submit]").click()
    page.wait_for_url("**/plan?saved=1")
    shot(page, "console-plan-saved-nb")
    wait_for(lambda: core.plans.plan.version == 4, what="the nurse's plan on the hub")
    assert core.plans.plan.medications[0].times[0].strftime("%H:%M") == "07:30"
    assert json.loads(core.plans.plan.to_json())["medication"][1]["times"] == ["20:00"]  # the rest as it was
    page.context.close()


def test_a_fall_from_the_sensor_reaches_the_console_and_the_nurse_answer_reaches_the_resident(browser, tmp_path):
    """The whole way: a fall frame on the receiver's serial line, the hub, FHIR to the
    service, the live list in the browser, the nurse's click, the hub's alarm state."""
    from simulators.host import SimulatorHost
    from simulators.pty import PtyPort
    from simulators.receiver_sim import SensorReceiverSimulator

    fall_sensor = "00D4E5F6"
    host = SimulatorHost()
    receiver = SensorReceiverSimulator(PtyPort(tmp_path / "ttyRX"), retry_base=0.05, sensors={fall_sensor: "fall"})
    host.run(receiver.start())
    service = RunningService(tmp_path / "service").start()
    service.store.add_nurse(NURSE, PASSWORD, "Sykepleier Nina")
    token, patient = service.store.add_hub("Kari Nordmann")
    write_secret(tmp_path / "care-service-credential", token)
    (tmp_path / "hub.toml").write_text(f'[alarms]\nfall_countdown_seconds = 0\n[care_service]\nurl = "{service.url}"\n'
                                       f'patient_id = "{patient}"\n', encoding="utf-8")
    core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
    seen = []
    core.subscribe(lambda m: seen.append(m.alarm) if isinstance(m, AlarmChanged) else None)
    core.start()
    try:
        core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
        page = page_for(browser)
        log_in(page, service.url, NURSE, PASSWORD)
        page.wait_for_selector("body[data-alarms-shown='0']", state="attached")
        host.call(receiver.fall, fall_sensor)
        card = page.locator("article.alarm.open")
        card.wait_for(timeout=5000)
        assert card.locator("strong").inner_text() == "Fall"
        card.get_by_role("button", name="Ta alarmen").click()
        wait_for(lambda: any(a.type == "fall" and a.state == "acknowledged" and a.acknowledged_by == "Sykepleier Nina"
                             for a in seen), what="the acknowledgement on the hub")
        page.context.close()
    finally:
        core.stop()
        service.stop()
        host.run(receiver.stop())
        receiver.port.close()
        host.stop()


def test_the_list_says_who_is_on_the_way_and_a_session_ended_elsewhere_goes_to_the_login(browser, home):
    from hub_app.outbound import Addresses, resources_for
    from vocabulary import Event, EventKind

    service, core, _changes = home
    page = page_for(browser)
    log_in(page, service.url, NURSE, PASSWORD)
    page.wait_for_selector("body[data-alarms-shown='0']", state="attached")
    event = core.call(core.rules.help_pressed, "pendant")
    page.locator("article.alarm.open").wait_for(timeout=5000)
    # Ola answered the hub's SMS "JA": the step the hub sends, as the service keeps it.
    [patient] = [p["id"] for p in service.store.patients()]
    taken = Event(EventKind.ALARM, "alarm_taken_by_contact", "hub", core.clock(),
                  {"alarm": event.uid, "alarm_type": "help_button", "by": "Ola Nordmann", "relation": "sønn"})
    [issue] = resources_for(taken, core.plans.plan, Addresses(patient=f"Patient/{patient}", hub=f"Device/hub-{patient}"))
    service.on_service(lambda: service.store.create(issue, patient, "urn:ietf:rfc:3986|" + issue["identifier"][0]["value"]))
    page.wait_for_selector("article.alarm.open >> text=Ola Nordmann (sønn) er på vei", timeout=5000)
    shot(page, "console-alarm-relative-on-the-way-nb")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    page.context.request.post(f"{service.url}/console/logout", form={"csrf": csrf})  # the same browser, elsewhere
    page.wait_for_url(f"{service.url}/console/login", timeout=10000)
    page.context.close()
