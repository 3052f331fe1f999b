"""The resident's guided measurement and the technician's test read: real widgets,
real bleak, the BlueZ stand-in, real eSpeak NG writing what it says to WAV files."""

from __future__ import annotations

import wave
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from simulators.health_peripherals import BloodPressureCuff, Oximeter
from hub_app.ui.theme import Theme

LEFT = Qt.MouseButton.LeftButton
OSLO = ZoneInfo("Europe/Oslo")


def paired_home(air, hub, qtbot, language="en", **cuff_options):
    cuff = air.add(BloodPressureCuff(**cuff_options), paired=True)
    core, window = hub(language=language)
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    qtbot.waitUntil(lambda: "blood_pressure" in window.home.measure_buttons, timeout=5000)
    qtbot.waitUntil(lambda: cuff.subscribed("2A35") and cuff.subscribed("2A36"), timeout=20000)
    return core, window, cuff


def spoken(tmp_path) -> list[float]:
    """Seconds of each utterance the hub wrote, in order."""
    lengths = []
    for path in sorted((tmp_path / "speech").glob("speech-*.wav")):
        with wave.open(str(path)) as audio:
            lengths.append(audio.getnframes() / audio.getframerate())
    return lengths


def test_a_guided_blood_pressure_measurement(air, hub, qtbot, screenshot, tmp_path):
    core, window, cuff = paired_home(air, hub, qtbot)
    assert list(window.home.measure_buttons) == ["blood_pressure"]  # only what is paired
    qtbot.mouseClick(window.home.measure_buttons["blood_pressure"], LEFT)
    screen = window.measure
    assert window.currentWidget() is screen
    assert screen.instruction.text().replace("\u00ad", "") == "Put on the cuff, then press the button on the monitor."
    assert screen.picture.renderer().isValid()
    screenshot(window, "measure-guide-en")
    # The resident listens to the instruction first (a result that comes sooner cuts it
    # off, as it should; on a slow machine that left one utterance instead of two).
    window.speaker.wait()

    cuff.pump(147)
    qtbot.waitUntil(lambda: screen.progress.text().replace("\u00ad", "") == "Measuring... 147 mmHg", timeout=10000)
    cuff.measure(128, 82, 68, cuff_pressures=(110,))
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.result_page, timeout=10000)
    assert (screen.numbers.text(), screen.unit.text()) == ("128 / 82", "mmHg")
    assert screen.details.text() == "Pulse 68 per minute"
    assert screen.verdict.text() == "●  Your blood pressure is within your limits."
    assert screen.verdict.property("band") == "green"
    assert screen.notes.text() == ""
    screenshot(window, "measure-result-green-en")

    qtbot.waitUntil(lambda: len(spoken(tmp_path)) == 2, timeout=10000)
    window.speaker.wait()
    instruction, result = spoken(tmp_path)
    assert instruction > 1.5 and result > 2.0  # said aloud: the instruction, then the result

    qtbot.mouseClick(screen.done_button, LEFT)
    assert window.currentWidget() is window.home


def test_a_red_reading_with_an_irregular_pulse_in_norwegian(air, hub, qtbot, screenshot):
    core, window, cuff = paired_home(air, hub, qtbot, language="nb")
    window.home.measure_buttons["blood_pressure"].click()
    screen = window.measure
    assert screen.instruction.text().replace("\u00ad", "") == "Ta på mansjetten, og trykk så på knappen på måleren."
    cuff.measure(186, 104, 92, irregular_pulse=True)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.result_page, timeout=10000)
    assert (screen.numbers.text(), screen.unit.text()) == ("186 / 104", "mmHg")
    assert screen.verdict.property("band") == "red"
    assert screen.verdict.text().startswith("■  Blodtrykket ditt er langt utenfor grensene dine.")
    assert screen.notes.text() == "Måleren merket en uregelmessig puls."
    minimum = 24
    for widget in [w for w in screen.result_page.findChildren(QLabel) + screen.result_page.findChildren(QAbstractButton)
                   if w.isVisibleTo(screen)]:
        assert window.theme.points_of_widget(widget) >= minimum - 0.1, widget.text()
    target = window.theme.min_target_px
    for button in (screen.done_button, screen.history_button):
        assert button.width() >= target and button.height() >= target
    screenshot(window, "measure-result-red-nb")


def test_an_old_stored_record_is_not_taken_for_the_new_measurement(air, hub, qtbot):
    cuff = air.add(BloodPressureCuff(), paired=True)
    core, window = hub(language="en")
    window.show_home()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    qtbot.waitUntil(lambda: cuff.subscribed("2A35"), timeout=20000)
    window.home.measure_buttons["blood_pressure"].click()
    cuff.remember(150, 95, 70, cuff.device_now() - timedelta(days=2))
    cuff.disconnect()  # on reconnect it hands out what it kept: a reading from two days ago
    qtbot.waitUntil(lambda: cuff.subscribed("2A35") and not cuff.stored, timeout=30000)
    qtbot.wait(500)
    screen = window.measure
    assert screen.pages.currentWidget() is screen.guide_page  # still waiting for today's
    cuff.measure(121, 79, 64)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.result_page, timeout=10000)
    assert screen.numbers.text() == "121 / 79"


def test_no_reading_says_what_to_check_and_keeps_waiting(air, hub, qtbot):
    core, window, cuff = paired_home(air, hub, qtbot)
    window.home.measure_buttons["blood_pressure"].click()
    screen = window.measure
    screen._waiting.setInterval(50)
    screen._waiting.start()
    qtbot.waitUntil(lambda: screen.progress.text().replace("\u00ad", "").startswith("No measurement has come yet."), timeout=5000)
    cuff.measure(125, 80, 70)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.result_page, timeout=10000)


def test_earlier_readings_for_7_and_30_days(air, hub, qtbot, screenshot):
    cuff = air.add(BloodPressureCuff(), paired=True)
    now = cuff.device_now()
    for days_ago, systolic in ((2, 131), (5, 145), (12, 128), (25, 182), (40, 120)):
        cuff.remember(systolic, 84, 70, now - timedelta(days=days_ago))
    core, window = hub(language="en")
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    qtbot.waitUntil(lambda: not cuff.stored, timeout=20000)  # handed over to the hub
    qtbot.waitUntil(lambda: "blood_pressure" in window.home.measure_buttons, timeout=5000)
    window.home.measure_buttons["blood_pressure"].click()
    cuff.measure(127, 83, 66)
    screen = window.measure
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.result_page, timeout=10000)

    qtbot.mouseClick(screen.history_button, LEFT)
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.history_page, timeout=5000)
    assert screen.history_title.text() == "Your blood pressure, the last 7 days"
    assert screen.chart.point_count == 2 * 3  # today, 2 and 5 days ago; systolic and diastolic
    assert screen.week_button.isChecked() and not screen.month_button.isChecked()
    screenshot(window, "measure-history-7-en")
    qtbot.mouseClick(screen.month_button, LEFT)
    qtbot.waitUntil(lambda: screen.chart.point_count == 2 * 5, timeout=5000)  # not the one 40 days ago
    assert screen.history_title.text() == "Your blood pressure, the last 30 days"
    bands = [band.value for s in screen.chart._series if s.measure == "systolic" for _, _, band in s.points]
    assert bands == ["red", "green", "yellow", "green", "green"]  # 25, 12, 5, 2 days ago, today
    screenshot(window, "measure-history-30-en")
    qtbot.mouseClick(screen.history_done_button, LEFT)
    assert window.currentWidget() is window.home


def test_an_empty_history_says_so(air, hub, qtbot):
    core, window, cuff = paired_home(air, hub, qtbot)
    window.start_measurement("blood_pressure")
    window.measure.history_button.click()
    qtbot.waitUntil(lambda: window.measure.pages.currentWidget() is window.measure.history_page, timeout=5000)
    assert window.measure.history_empty.text() == "No readings in these days."
    assert window.measure.chart.point_count == 0


def test_oxygen_is_measured_the_same_way(air, hub, qtbot, screenshot):
    oximeter = air.add(Oximeter(), paired=True)
    core, window = hub(language="nb")
    core.call(core.ble.pair, oximeter.address, "oximeter", timeout=60)
    qtbot.waitUntil(lambda: "oximeter" in window.home.measure_buttons and oximeter.subscribed("2A5E"), timeout=20000)
    assert window.home.measure_buttons["oximeter"].text() == "Mål oksygenet"
    window.home.measure_buttons["oximeter"].click()
    oximeter.spot_check(97, 61)
    screen = window.measure
    qtbot.waitUntil(lambda: screen.pages.currentWidget() is screen.result_page, timeout=10000)
    assert (screen.numbers.text(), screen.unit.text()) == ("97", "%")
    assert screen.details.text() == "Puls 61 i minuttet"
    assert screen.verdict.property("band") == "green"
    screenshot(window, "measure-oxygen-nb")


def test_forgetting_the_device_takes_its_button_away(air, hub, qtbot):
    core, window, cuff = paired_home(air, hub, qtbot)
    core.call(core.ble.forget, cuff.address, timeout=30)
    qtbot.waitUntil(lambda: not window.home.measure_buttons, timeout=5000)


def test_the_technicians_test_read(air, hub, qtbot, screenshot, technician_tab):
    core, window, cuff = paired_home(air, hub, qtbot)
    qtbot.waitUntil(lambda: any(s.connected for s in core.call(core.ble.statuses)), timeout=20000)
    cuff.measure(120, 80, 60)
    qtbot.waitUntil(lambda: bool(core.call(core.diagnostics.recent_events, 5)), timeout=10000)
    page = technician_tab(window, window.bluetooth)
    qtbot.mouseClick(page.test_button, LEFT)
    assert page.message.text() == "Choose a paired device in the list first."
    qtbot.waitUntil(lambda: page.paired.rowCount() == 1, timeout=5000)
    page.paired.selectRow(0)
    qtbot.mouseClick(page.test_button, LEFT)
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and page.message.text().startswith("Connected."), timeout=10000)
    today = datetime.now(OSLO).strftime("%d.%m")
    assert page.message.text().startswith("Connected. Battery 90 %. BP-7000, serial number BP70001234, firmware 1.0. "
                                          f"Last reading stored: {today} ")
    assert "120" not in page.message.text()  # the technician sees that readings come, not what they are
    screenshot(window, "technician-bluetooth-test-read-en")

    cuff.go_away()
    qtbot.waitUntil(lambda: not any(s.connected for s in core.call(core.ble.statuses)), timeout=20000)
    qtbot.mouseClick(page.test_button, LEFT)
    qtbot.waitUntil(lambda: page.message.text().startswith("Test read failed:"), timeout=10000)
    assert "is not connected now: wake the device" in page.message.text()
    rows = core.call(_audit, core)
    assert [r["detail"]["connected"] for r in rows if r["action"] == "ble.test_read"] == [False, True]


async def _audit(core):
    return core.store.audit_rows(limit=100)
