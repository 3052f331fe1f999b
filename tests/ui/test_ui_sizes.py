"""Every resident screen measured on a real screen's physical size: the smallest text
in real points (at least 24 pt), the smallest touch target in millimetres (at least
15 mm), nothing cut off or outside the window; in every language the hub offers, with
and without larger text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QWidget

from hub_app.config import LANGUAGES
from hub_app.messages import HubState
from hub_app.ui.i18n import TS_DIR
from hub_app.ui.widgets import WrapButton
from hub_app.ui.theme import MIN_READ_PT, MIN_TARGET_MM, px_per_inch_for
from vocabulary.plan import PlanItem

OSLO = ZoneInfo("Europe/Oslo")
SCREENS = {"10in": (1280, 800, 10.1), "7in": (1024, 600, 7.0)}
MEASURED: dict[tuple, tuple[float, float]] = {}


def full_day() -> HubState:
    day = datetime.now(OSLO).replace(hour=0, minute=0, second=0, microsecond=0)
    at = lambda h, m=0: day + timedelta(hours=h, minutes=m)  # noqa: E731
    return HubState(today=(
        PlanItem(at(8), "medication", "Morgenmedisin: Albyl-E og Metoprolol"),
        PlanItem(at(9), "measurement", "blood_pressure"),
        PlanItem(at(10, 30), "check_in", "Hjemmesykepleien"),
        PlanItem(at(13), "medication", "Middagsmedisin"),
        PlanItem(at(15), "measurement", "oximeter"),
        PlanItem(at(18), "medication", "Kveldsmedisin"),
        PlanItem(at(22), "medication", "Sovemedisin"),
    ), measures=("blood_pressure", "oximeter"))


@pytest.fixture
def sized_hub(qapp, qtbot, make_config, tmp_path):
    from hub_app.logs import setup_logging
    from hub_app.speech import Speaker
    from hub_app.startup import build_core
    from hub_app.ui.app import build_window

    started = []

    def start(screen: str, language: str, larger: bool):
        width, height, inches = SCREENS[screen]
        config = make_config(language=language, larger_text=larger)
        core = build_core(config, setup_logging("info", config.data_dir))
        core.start()
        started.append(core)
        window = build_window(core, qapp, Speaker(language, wave_dir=tmp_path / "speech"),
                              px_per_inch=px_per_inch_for(width, height, inches))
        qtbot.addWidget(window)
        window.setFixedSize(width, height)
        window.show()
        qtbot.waitExposed(window)
        return core, window

    yield start
    for core in started:
        core.stop()
    for translator in getattr(qapp, "_welfare_translators", []):
        qapp.removeTranslator(translator)
    qapp._welfare_translators = []


def shown(page: QWidget, kind) -> list:
    return [w for w in page.findChildren(kind) if w.isVisibleTo(page) and w.width() > 0 and w.height() > 0]


def scroll_of(widget: QWidget, page: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def inside_scroll(widget: QWidget, page: QWidget) -> bool:
    return scroll_of(widget, page) is not None


def measure(window, page: QWidget) -> tuple[float, float]:
    """(smallest text in real pt, smallest touch target in mm) of what `page` shows;
    asserts that each is within the window and not cut off."""
    theme = window.theme
    window.setCurrentWidget(page)
    window.layout().activate() if window.layout() else None
    smallest_pt, smallest_mm = 999.0, 999.0
    for widget in shown(page, QLabel) + shown(page, QAbstractButton):
        if widget.objectName() == "discreet" or not widget.text().strip():
            continue
        smallest_pt = min(smallest_pt, theme.points_of_widget(widget))
        top_left = widget.mapTo(window, widget.rect().topLeft())
        assert top_left.x() >= 0 and top_left.x() + widget.width() <= window.width() + 1, widget.text()
        if isinstance(widget, QLabel) and widget.wordWrap() and not inside_scroll(widget, page):
            need = widget.heightForWidth(widget.width())
            assert need <= widget.height() + 2, f"cut off below: {widget.text()!r} needs {need} px, has {widget.height()}"
        if isinstance(widget, QLabel) and widget.wordWrap():
            words = widget.text().replace("\u00ad", " ").split()  # a soft hyphen may break a word
            word = max(words, key=widget.fontMetrics().horizontalAdvance)
            widest = widget.fontMetrics().horizontalAdvance(word)
            room = widget.contentsRect().width()
            assert widest <= room + 2, f"a word cut off: {word!r} ({widest} px in {room})"
        if widget.minimumWidth() > widget.width() + 1 or widget.minimumHeight() > widget.height() + 1:
            raise AssertionError(f"squeezed below its minimum: {widget.text()!r}")
        if (isinstance(widget, QAbstractButton) and not isinstance(widget, WrapButton)) or (
                isinstance(widget, QLabel) and not widget.wordWrap()):
            need = widget.fontMetrics().horizontalAdvance(widget.text().split("\n")[0])
            assert need <= widget.width() + 2, f"cut off: {widget.text()!r} needs {need} px, has {widget.width()}"
    for widget in shown(page, QLabel) + shown(page, QAbstractButton):
        area = scroll_of(widget, page)
        if area is not None:  # inside a scroll area: never wider than what it shows
            right = widget.mapTo(area.viewport(), widget.rect().topRight()).x()
            assert right <= area.viewport().width() + 1, f"cut off at the right: {widget.text()!r}"
    buttons = shown(page, QAbstractButton)
    rects = [(b, QRect(b.mapTo(window, QPoint(0, 0)), b.size())) for b in buttons if scroll_of(b, page) is None]
    for i, (one, first) in enumerate(rects):
        for other, second in rects[i + 1:]:
            assert not first.intersects(second), f"{one.text()!r} overlaps {other.text()!r}"
    for button in buttons:
        smallest_mm = min(smallest_mm, theme.mm_of(min(button.width(), button.height())))
    assert window.width() <= window.screen().geometry().width() or window.width() <= SCREENS["10in"][0]
    return smallest_pt, smallest_mm


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("larger", [False, True], ids=["normal", "larger"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_home_screen_sizes(sized_hub, screenshot, screen, language, larger):
    core, window = sized_hub(screen, language, larger)
    window.home.show_state(full_day())
    window.setCurrentWidget(window.home)
    screenshot(window, f"sizes-home-{screen}-{language}-{'larger' if larger else 'normal'}")
    points, mm = measure(window, window.home)
    scroll = window.home.plan_scroll
    if scroll.verticalScrollBar().maximum() > 0:  # the plan scrolls: its bar is a target too
        assert window.theme.mm_of(scroll.verticalScrollBar().width()) >= MIN_TARGET_MM - 0.1
    assert window.width() == SCREENS[screen][0]
    assert points >= MIN_READ_PT - 0.1
    assert mm >= MIN_TARGET_MM - 0.1
    print(f"home {screen} {language} larger={larger}: {points:.1f} pt, {mm:.1f} mm")


def test_larger_text_is_chosen_on_the_screen_and_remembered(sized_hub, qtbot, screenshot):
    from PySide6.QtCore import Qt

    core, window = sized_hub("10in", "nb", False)
    normal = window.home.plan.font().pixelSize()
    button = window.home.larger_text_button
    assert button.isVisibleTo(window.home) and button.text() == "Større tekst"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.theme.scale > 1.0, timeout=5000)
    qtbot.waitUntil(lambda: window.home.plan.font().pixelSize() > normal, timeout=5000)
    assert button.isChecked()
    rows = core.call(_audit_rows, core)
    assert rows[0]["actor"] == "resident" and rows[0]["detail"] == {"on": True}
    window.home.show_state(full_day())
    screenshot(window, "sizes-home-larger-chosen-10in-nb")
    core.stop()

    core, again = sized_hub("10in", "nb", False)  # a restart: the choice holds
    assert again.theme.scale > 1.0 and again.home.larger_text_button.isChecked()
    qtbot.mouseClick(again.home.larger_text_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.theme.scale == 1.0, timeout=5000)
    assert again.home.plan.font().pixelSize() == normal


async def _audit_rows(core):
    return core.store.audit_rows(actions=["resident.larger_text"])


def resident_screens(core, window):
    """Each resident screen as it is shown, with its page: (name, page, show)."""
    from hub_app.alarms import AlarmView
    from hub_app.call_desk import CallTile
    from hub_app.calls import CallView
    from hub_app.reminders import ReminderView
    from hub_app.service_inbox import NurseMessage
    from hub_app.vitals import Assessment, Band
    from vocabulary.alarm_kinds import COUNTDOWN_KINDS
    from vocabulary.measures import MMHG

    now = datetime.now(OSLO)
    measure = window.measure
    bp = Assessment("blood_pressure", {"systolic": 186, "diastolic": 104, "pulse": 88}, Band.RED,
                    {"systolic": Band.RED, "diastolic": Band.RED}, ("irregular_pulse",))

    def guide():
        window.start_measurement("blood_pressure")

    def live():
        guide()
        measure.show_live("blood_pressure", {"cuff_pressure": 142, "unit": MMHG})

    def result():
        guide()
        measure.show_result(bp)

    def history():
        guide()
        measure.show_history([], 7)

    def show(page, action):
        def run():
            action()
            window.setCurrentWidget(page)
        return run

    return [
        ("help", window.help, show(window.help, lambda: window.help.show_alarm(
            AlarmView("a1", "help_button", "escalating", 1, None, told=("Ola Nordmann",)), now))),
        ("countdown", window.countdown, show(window.countdown, lambda: window.countdown.show_alarm(
            AlarmView("a2", COUNTDOWN_KINDS[0], "countdown", 0, datetime.now(timezone.utc) + timedelta(seconds=60))))),
        ("reminder", window.reminder, show(window.reminder, lambda: window.reminder.show_reminder(
            ReminderView("r1", "medication", "morning", "Morgenmedisin: Albyl-E og Metoprolol", now,
                         now + timedelta(hours=1), "shown")))),
        ("message", window.message, show(window.message, lambda: window.message.show_message(
            NurseMessage(1, "Hei Kari! Frisøren kommer klokka 11 i morgen.", "Sykepleier Nina", now.isoformat())))),
        ("my-data", window.my_data, show(window.my_data, lambda: window.my_data.show_data(core.call(core.plans.my_data)))),
        ("call-ringing", window.call, show(window.call, lambda: window.call.show_ringing(
            CallView("c1", "incoming", "Sykepleier Nina", "https://127.0.0.1/call", None, "ringing", now)))),
        ("call-out", window.call_out, show(window.call_out, lambda: window.call_out.show_tiles(
            [CallTile("service", ""), CallTile("Ola", "Ola Nordmann", "sønn"), CallTile("Eva", "Eva", "datter")]))),
        ("measure-guide", measure, show(measure, guide)),
        ("measure-live", measure, show(measure, live)),
        ("measure-result", measure, show(measure, result)),
        ("measure-history", measure, show(measure, history)),
    ]


STILL_TO_FIT = pytest.mark.xfail(strict=True, reason=(
    "still to fit on the 7-inch screen: the countdown (its words squeezed above the I'm OK button), the "
    "blood-pressure result's '186 / 104', the history's title above the chart, and in some languages a long "
    "word beside the measuring picture or in the reminder"))

# The screens that take over for an alarm already are help (the help screen, the countdown).
HELP_IS_UNDER_WAY = {"help", "countdown"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("larger", [False, True], ids=["normal", "larger"])
@pytest.mark.parametrize("screen", ["10in", pytest.param("7in", marks=STILL_TO_FIT)])
def test_resident_screens_sizes(sized_hub, qapp, screenshot, screen, language, larger):
    core, window = sized_hub(screen, language, larger)
    failures, figures = [], []
    for name, page, show in resident_screens(core, window):
        show()
        for _ in range(3):
            qapp.processEvents()
        screenshot(window, f"sizes-{name}-{screen}-{language}-{'larger' if larger else 'normal'}")
        try:
            points, mm = measure(window, page)
            if name not in HELP_IS_UNDER_WAY:
                corner = window.help_corner
                assert corner.isVisible(), "no Help button"
                box = QRect(corner.pos(), corner.size())
                for widget in shown(page, QLabel) + shown(page, QAbstractButton):
                    if widget.text().strip() and scroll_of(widget, page) is None:
                        other = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
                        text_box = other.adjusted(*(lambda m: (m, m, -m, -m))(0))
                        assert not box.intersects(text_box) or not widget.isVisible(), \
                            f"Help covers {widget.text()!r}"
                mm = min(mm, window.theme.mm_of(min(corner.width(), corner.height())))
            figures.append(f"{name}: {points:.1f} pt, {mm:.1f} mm")
            assert points >= MIN_READ_PT - 0.1, f"{points:.1f} pt"
            assert mm >= MIN_TARGET_MM - 0.1, f"{mm:.1f} mm"
        except AssertionError as problem:
            failures.append(f"{name}: {problem}")
    print(f"\n{screen} {language} larger={larger}: " + "; ".join(figures))
    assert not failures, "\n".join(failures)


def test_help_from_a_screen_without_its_own_button(sized_hub, qtbot):
    from PySide6.QtCore import Qt

    core, window = sized_hub("10in", "nb", False)
    window.start_measurement("blood_pressure")
    assert window.help_corner.isVisible() and window.help_corner.text() == "Hjelp"
    qtbot.mouseClick(window.help_corner, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=5000)
    assert not window.help_corner.isVisible()
