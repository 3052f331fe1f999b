"""The resident's home screen and the Help flow, as real widgets offscreen."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from hub_app.ui.home_screen import HomeScreen
from hub_app.ui.theme import LARGER_TEXT_SCALE, PAIRS, Theme, contrast_ratio
from vocabulary import DeviceKind, EventKind, Problem

OSLO = ZoneInfo("Europe/Oslo")


def visible(page: QWidget, kind):
    return [w for w in page.findChildren(kind) if w.isVisibleTo(page)]


def resident_text_widgets(page: QWidget):
    return [w for w in visible(page, QLabel) + visible(page, QAbstractButton) if w.objectName() != "discreet"]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("larger", [False, True], ids=["normal", "larger"])
def test_home_screen_reads_well(hub, screenshot, language, larger):
    core, window = hub(language=language, larger_text=larger)
    home = window.home
    assert window.currentWidget() is home

    now = datetime.now(OSLO)
    assert re.fullmatch(r"\d\d:\d\d", home.clock.text())
    assert home.clock.text() in (f"{now:%H:%M}", f"{now - timedelta(minutes=1):%H:%M}")  # a minute may turn
    words = {
        "nb": ("Kari", "I dag", "Ingenting er planlagt i dag.", "Alt virker som det skal", "Hjelp"),
        "en": ("Kari", "Today", "Nothing is planned for today.", "Everything is working", "Help"),
    }[language]
    assert words[0] in home.greeting.text()
    assert home.plan_title.text() == words[1]
    assert home.plan.text() == words[2]
    assert words[3] in home.status.text()
    assert home.help_button.text() == words[4]
    weekday_nb = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"][now.weekday()]
    weekday_en = now.strftime("%A") if language == "en" else weekday_nb
    assert home.date.text().startswith(weekday_nb if language == "nb" else weekday_en)

    minimum = 24 * (LARGER_TEXT_SCALE if larger else 1.0)
    for widget in resident_text_widgets(home):
        assert window.theme.points_of_widget(widget) >= minimum - 0.1, (widget.objectName(), widget.text())
    target = window.theme.min_target_px
    for button in visible(home, QAbstractButton):
        assert button.width() >= target and button.height() >= target, button.objectName()
    assert home.help_button.width() >= 4 * target  # the one thing to find from across the room
    path = screenshot(window, f"home-{language}-{'larger' if larger else 'normal'}")
    assert path.stat().st_size > 10_000


def test_larger_text_is_larger(hub):
    _, normal = hub(larger_text=False)
    _, larger = hub(larger_text=True)
    assert larger.home.plan.font().pixelSize() == pytest.approx(normal.home.plan.font().pixelSize() * LARGER_TEXT_SCALE, abs=1)
    assert larger.home.greeting.font().pixelSize() > normal.home.greeting.font().pixelSize()


def test_colours_have_high_contrast():
    for name, (foreground, background) in PAIRS.items():
        assert contrast_ratio(foreground, background) >= 7.0, name


def test_touch_targets_follow_the_screen_density():
    assert Theme.for_screen(False, 96).min_target_px == 57  # 15 mm at 96 dpi
    assert Theme.for_screen(False, 220).min_target_px == 130  # a dense tablet


@pytest.mark.parametrize(
    ("hour", "nb", "en"),
    [(7, "God morgen, Kari", "Good morning, Kari"), (13, "God dag, Kari", "Good afternoon, Kari"),
     (20, "God kveld, Kari", "Good evening, Kari"), (2, "God natt, Kari", "Good night, Kari")],
)
def test_greeting_follows_the_local_hour(hub, hour, nb, en):
    for language, expected in (("nb", nb), ("en", en)):
        _, window = hub(language=language)
        moment = datetime(2026, 11, 23, hour, 5, tzinfo=OSLO).timestamp()
        screen = HomeScreen(window.theme, window.home._locale, window.home._date_format, "Kari", "Europe/Oslo",
                            now=lambda: moment)
        assert screen.greeting.text() == expected
        assert screen.clock.text() == f"{hour:02d}:05"
        # The clock wakes on the next minute, not every second.
        assert 0 < screen._tick.remainingTime() <= 60_020


def test_clock_uses_the_homes_time_zone_not_the_machines(hub):
    _, window = hub()
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("UTC")).timestamp()  # 03:30 in Oslo (summer time)
    screen = HomeScreen(window.theme, window.home._locale, window.home._date_format, "", "Europe/Oslo", now=lambda: moment)
    assert screen.clock.text() == "03:30"
    assert screen.date.text().replace("\n", " ").replace("\u00ad", "") == "søndag 29. mars"
    assert screen.greeting.text() == "God natt"  # no name configured: no dangling comma


def test_help_button_records_an_alarm_and_says_what_happens_next(hub, qtbot, screenshot):
    core, window = hub(language="nb")
    qtbot.mouseClick(window.home.help_button, _left())
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=5000)
    events = core.call(core.diagnostics.recent_events, 10)
    assert [(e.kind, e.type, e.source) for e in events] == [(EventKind.ALARM, "help_button", "screen")]
    audit = core.call(_audit_actions, core)
    assert "alarm.raised" in audit
    local = events[0].occurred_at.astimezone(OSLO)
    assert window.help.title.text() == "Vi har registrert at du trenger hjelp"
    assert f"klokka {local:%H:%M}" in window.help.body.text()
    assert "Hjemmetjenesten blir varslet" in window.help.body.text()
    for widget in resident_text_widgets(window.help):
        assert window.theme.points_of_widget(widget) >= 24 - 0.1
    screenshot(window, "help-registered-nb")
    qtbot.mouseClick(window.help.ok_button, _left())
    assert window.currentWidget() is window.home


def test_help_when_the_core_cannot_record_tells_the_resident_to_phone(hub, qtbot, screenshot):
    core, window = hub(language="en")
    core.stop()  # the core is gone: the press must not vanish silently
    qtbot.mouseClick(window.home.help_button, _left())
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=5000)
    assert window.help.title.text() == "Your call for help could not be registered"
    assert "113" in window.help.body.text()
    screenshot(window, "help-failed-en")


def test_status_line_names_the_device_that_needs_attention(hub, qtbot, screenshot):
    core, window = hub(language="nb")
    core.call(core.screen.set_problem, Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "silent"))
    qtbot.waitUntil(lambda: "Blodtrykksmåleren må sjekkes" in window.home.status.text(), timeout=5000)
    assert window.home.status.property("attention") == "true"
    screenshot(window, "home-nb-attention")
    core.call(core.screen.set_problem, Problem(DeviceKind.DISPENSER, "battery_low"))
    qtbot.waitUntil(lambda: "(og 1 til)" in window.home.status.text(), timeout=5000)
    core.call(core.screen.clear_problem, DeviceKind.BLOOD_PRESSURE_MONITOR)
    core.call(core.screen.clear_problem, DeviceKind.DISPENSER)
    qtbot.waitUntil(lambda: "Alt virker som det skal" in window.home.status.text(), timeout=5000)


def test_a_hub_that_cannot_store_says_it_needs_service_and_help_still_works(hub, qtbot, screenshot):
    core, window = hub(language="nb")
    core.call(core.screen.set_problem, Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "silent"))
    core.call(core.screen.set_problem, Problem(DeviceKind.HUB, "cannot_store"))  # what the core sets when its store fails
    qtbot.waitUntil(lambda: "Huben trenger service" in window.home.status.text(), timeout=5000)
    assert "Hjelp-knappen virker fortsatt" in window.home.status.text()  # it outranks the cuff
    assert window.home.status.property("attention") == "true"
    assert window.theme.points_of_widget(window.home.status) >= 24 - 0.1
    screenshot(window, "home-nb-hub-needs-service")
    qtbot.mouseClick(window.home.help_button, _left())
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=5000)
    assert window.help.title.text() == "Vi har registrert at du trenger hjelp"


def test_english_status_line(hub, qtbot):
    core, window = hub(language="en")
    core.call(core.screen.set_problem, Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "silent"))
    qtbot.waitUntil(lambda: "The blood-pressure monitor needs attention" in window.home.status.text(), timeout=5000)


def test_every_device_kind_has_a_plain_name(hub):
    for language in ("nb", "en"):
        _, window = hub(language=language)
        names = {window.home.device_name(kind) for kind in DeviceKind}
        assert len(names) == len(DeviceKind)


async def _audit_actions(core):
    return [row["action"] for row in core.store.audit_rows()]


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
