"""The screens that take over: the reminder, "Are you OK?", and what happens to an
alarm, with real widgets offscreen, the real core and a clock the test moves."""

from __future__ import annotations

from tests.helpers.plans import PLANS, Clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

LEFT = Qt.MouseButton.LeftButton
PLAN = f'[care_plan]\nfile = "{PLANS / "kari.toml"}"\n'


def clock_at(hour, minute=0):
    clock = Clock(None)
    clock.set_local(2026, 11, 23, hour, minute)
    return clock


def big_enough(page, minimum=24):
    window = page.window()
    for widget in [w for w in page.findChildren(QLabel) + page.findChildren(QAbstractButton) if w.isVisibleTo(page)]:
        assert window.theme.points_of_widget(widget) >= minimum - 0.1, (widget.objectName(), widget.text())


def test_the_days_plan_on_the_home_screen(hub, qtbot, screenshot):
    clock = clock_at(7)
    core, window = hub(language="nb", extra=PLAN, clock=clock)
    core.call(core.tick)
    qtbot.waitUntil(lambda: "08:00" in window.home.plan.text(), timeout=5000)
    assert window.home.plan.text().replace("\u00ad", "").splitlines() == [
        "08:00   Morgenmedisin (1 pose)", "08:30   Mål blodtrykket", "14:00   Sykepleier Kari ringer deg (video)",
        "20:00   Kveldsmedisin (1 pose)"]
    screenshot(window, "home-with-plan-nb")


def test_a_medicine_reminder_takes_over_and_the_resident_confirms_once(hub, qtbot, screenshot, tmp_path):
    clock = clock_at(7, 59)
    core, window = hub(language="nb", extra=PLAN, clock=clock)
    clock.set_local(2026, 11, 23, 8, 0)
    core.call(core.tick)
    qtbot.waitUntil(lambda: window.currentWidget() is window.reminder, timeout=5000)
    screen = window.reminder
    assert screen.title.text() == "Tid for medisinen din"
    assert screen.what.text().replace("\u00ad", "") == "Morgenmedisin (1 pose)"
    assert screen.body.text() == "Ta medisinen din, og trykk så på den grønne knappen."
    assert screen.confirm_button.isVisible() and not screen.measure_button.isVisible()
    big_enough(screen)
    screenshot(window, "reminder-medicine-nb")
    qtbot.waitUntil(lambda: len(list((tmp_path / "speech").glob("chime-*.wav"))) == 1, timeout=5000)
    assert list((tmp_path / "speech").glob("speech-*.wav"))  # and said aloud
    qtbot.mouseClick(screen.confirm_button, LEFT)
    qtbot.waitUntil(lambda: screen.title.text() == "Takk", timeout=5000)
    assert not screen.confirm_button.isVisible()  # nothing invites a second dose
    screenshot(window, "reminder-thanks-nb")
    screen._thanks.setInterval(10)
    screen._thanks.start()
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=5000)


def test_a_late_measurement_reminder_offers_to_measure(hub, qtbot, screenshot):
    clock = clock_at(7)
    core, window = hub(language="en", extra=PLAN, clock=clock)
    core.stop()
    clock.set_local(2026, 11, 23, 8, 40)  # the hub was off at 08:00 and 08:30
    core, window = hub(language="en", extra=PLAN, clock=clock)
    qtbot.waitUntil(lambda: window.currentWidget() is window.reminder, timeout=5000)
    texts = window.reminder.body.text()
    assert "(This was due at" in texts
    screenshot(window, "reminder-late-en")


def test_a_fall_asks_are_you_ok_and_im_ok_goes_home(hub, qtbot, screenshot):
    clock = clock_at(10)
    core, window = hub(language="nb", extra=PLAN, clock=clock)
    core.call(core.alarms.start, "fall", "sensor:00D4E5F6")
    qtbot.waitUntil(lambda: window.currentWidget() is window.countdown, timeout=5000)
    screen = window.countdown
    assert screen.title.text() == "Går det bra?"
    assert screen.seconds.text() == "Hvis du ikke svarer, blir hjemmetjenesten tilkalt om 30 sekunder."
    assert screen.ok_button.height() >= 3 * window.theme.min_target_px  # one large button
    big_enough(screen)
    screenshot(window, "countdown-fall-nb")
    qtbot.mouseClick(screen.ok_button, LEFT)
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=5000)
    assert core.call(core.alarms.active) == []


def test_a_door_open_at_night_asks_are_you_outside_and_im_ok_goes_home(hub, qtbot, screenshot):
    clock = clock_at(2)
    core, window = hub(language="nb", extra=PLAN, clock=clock)
    core.call(core.alarms.start, "door_open_at_night", "sensors")
    qtbot.waitUntil(lambda: window.currentWidget() is window.countdown, timeout=5000)
    screen = window.countdown
    assert screen.reason.text() == "Døra er åpen. Er du ute?"
    assert screen.seconds.text() == "Hvis du ikke svarer, blir hjemmetjenesten tilkalt om 60 sekunder."
    big_enough(screen)
    screenshot(window, "countdown-door-at-night-nb")
    qtbot.mouseClick(screen.ok_button, LEFT)
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=5000)
    assert core.call(core.alarms.active) == []


def test_a_fall_with_no_answer_then_help_is_on_the_way(hub, qtbot, screenshot):
    clock = clock_at(10)
    core, window = hub(language="nb", extra=PLAN, clock=clock)
    alarm = core.call(core.alarms.start, "fall", "sensor:00D4E5F6")
    qtbot.waitUntil(lambda: window.currentWidget() is window.countdown, timeout=5000)
    clock.advance(seconds=30)
    core.call(core.tick)
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=5000)
    assert window.help.title.text() == "Hjelp er tilkalt"
    screenshot(window, "alarm-raised-nb")
    core.call(core.alarms.acknowledge, alarm.uid, "Sykepleier Nina")
    qtbot.waitUntil(lambda: window.help.title.text() == "Hjelpen er på vei: Sykepleier Nina", timeout=5000)
    big_enough(window.help)
    screenshot(window, "alarm-acknowledged-nb")


def test_a_reminder_never_covers_an_alarm(hub, qtbot):
    clock = clock_at(7, 59)
    clock.advance(seconds=45)  # the countdown runs until 08:00:15
    core, window = hub(language="en", extra=PLAN, clock=clock)
    core.call(core.alarms.start, "fall", "sensor:00D4E5F6")
    qtbot.waitUntil(lambda: window.currentWidget() is window.countdown, timeout=5000)
    clock.set_local(2026, 11, 23, 8, 0)
    core.call(core.tick)
    qtbot.wait(200)
    assert window.currentWidget() is window.countdown


def test_technical_alarms_do_not_take_over_the_residents_screen(hub, qtbot):
    clock = clock_at(10)
    core, window = hub(language="en", extra=PLAN, clock=clock)
    core.call(core.alarms.start, "device_silent", "dispenser:OD1")
    qtbot.wait(200)
    assert window.currentWidget() is window.home


def test_my_data_says_what_is_kept_how_long_and_who_gets_it(hub, qtbot, screenshot):
    clock = clock_at(10)
    core, window = hub(language="nb", extra=PLAN, clock=clock)
    core.call(core.rules.help_pressed, "screen")
    window.show_home()
    qtbot.mouseClick(window.home.my_data_button, LEFT)
    qtbot.waitUntil(lambda: window.currentWidget() is window.my_data, timeout=5000)
    sections = {key: label.text() for key, label in window.my_data.sections.items()}
    assert "Alarmer: 1" in sections["kept"]
    assert sections["how_long"].startswith("180 dager.")
    assert "Hjemmetjenesten: alarmene og medisinene dine, og målingene dine." in sections["who"]
    assert "På SMS, når ingen svarer på en alarm: Ola Nordmann." in sections["who"]  # Berit did not consent
    assert "Deling av målingene dine: ja (registrert av Sykepleier Kari, 2026-11-01)" in sections["agreed"]
    assert "Svare på videosamtaler av seg selv: ikke spurt" in sections["agreed"]
    big_enough(window.my_data)
    screenshot(window, "my-data-nb")
    qtbot.mouseClick(window.my_data.ok_button, LEFT)
    assert window.currentWidget() is window.home
