"""The resident's guided measurement: what to do, the cuff pressure while it pumps,
then the result in plain words against their own limits, and the last days' readings.

One thing at a time: a picture and one sentence; then big numbers and one sentence in
the band's colour (with a symbol as well, for those who do not see colours); the chart
only when asked for. What the screen says is also spoken where the hub can speak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from hub_app.speech import Speaker
from hub_app.ui.history_chart import HistoryChart, Series
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import WrapButton, breakable
from hub_app.vitals import Assessment, Band, Limits
from vocabulary import BLE_PROFILES, Event
from vocabulary.device_kinds import PLANNED_MEASUREMENTS
from vocabulary.measures import MMHG, to_mmhg

PICTURES = Path(__file__).resolve().parent / "pictures"
NO_READING_AFTER = timedelta(minutes=3)  # then the screen says what to check, and keeps waiting
EARLIER_GRACE = timedelta(minutes=2)  # a reading stamped a little before the screen opened is this one


@dataclass(frozen=True)
class Guide:
    reading_type: str
    picture: str


OWN_PICTURES = {"blood_pressure": "blood_pressure.svg", "oximeter": "oximeter.svg"}  # the others: device.svg
# The profiles a resident measures with (a pulse sensor just streams), and what each gives.
GUIDES: dict[str, Guide] = {name: Guide(BLE_PROFILES[name].reading_type, OWN_PICTURES.get(name, "device.svg"))
                            for name in PLANNED_MEASUREMENTS}
BAND_SYMBOLS = {Band.GREEN: "●", Band.YELLOW: "▲", Band.RED: "■"}


class MeasureScreen(QWidget):
    done = Signal()
    history_requested = Signal(str, int)  # reading type, days

    def __init__(self, theme: Theme, locale: QLocale, time_zone: str, speaker: Speaker,
                 clock=lambda: datetime.now(timezone.utc)) -> None:
        super().__init__()
        self.setObjectName("measure")
        self._theme = theme
        self._locale = locale
        self._zone = time_zone
        self._speaker = speaker
        self._clock = clock
        self.profile = ""
        self._opened_at = clock()
        self._limits: dict[str, Limits] = {}

        self.pages = QStackedWidget()
        self.guide_page, self.result_page, self.history_page = QWidget(), QWidget(), QWidget()
        for page in (self.guide_page, self.result_page, self.history_page):
            self.pages.addWidget(page)

        # -- what to do
        self.picture = QSvgWidget()
        self.picture.setMinimumSize(theme.target_px(80), theme.target_px(60))
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.instruction = QLabel(objectName="strong")
        self.instruction.setWordWrap(True)
        self.progress = QLabel(objectName="title")  # the cuff's pressure as it rises: big and dark
        self.progress.setWordWrap(True)
        self.cancel_button = WrapButton(self.tr("Back"))
        self.cancel_button.clicked.connect(self._finish)
        guide = QHBoxLayout(self.guide_page)
        guide.addWidget(self.picture, 4)
        words = QVBoxLayout()
        words.addWidget(self.instruction)
        words.addSpacing(24)
        words.addWidget(self.progress, 1)
        words.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        guide.addSpacing(32)
        guide.addLayout(words, 5)

        # -- the result
        self.numbers = QLabel(objectName="clock")
        self.unit = QLabel(objectName="title")  # beside the numbers, smaller, so "186 / 104" never wraps
        self.details = QLabel(objectName="title")
        self.verdict = QLabel(objectName="verdict")
        self.verdict.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.history_button = WrapButton(self.tr("Earlier readings"))
        self.history_button.clicked.connect(lambda: self._ask_history(7))
        self.done_button = QPushButton(self.tr("Done"), objectName="confirm")
        self.done_button.clicked.connect(self._finish)
        result = QVBoxLayout(self.result_page)
        figures = QHBoxLayout()
        figures.addWidget(self.numbers)
        figures.addSpacing(16)
        figures.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBottom)
        figures.addStretch(1)
        result.addLayout(figures)
        result.addWidget(self.details)
        result.addSpacing(16)
        result.addWidget(self.verdict)
        result.addWidget(self.notes, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        result.addLayout(buttons)

        # -- earlier readings
        self.history_title = QLabel(objectName="title")
        self.history_title.setWordWrap(True)
        self.chart = HistoryChart(theme, time_zone)
        self.week_button = QPushButton(self.tr("7 days"))
        self.week_button.clicked.connect(lambda: self._ask_history(7))
        self.month_button = QPushButton(self.tr("30 days"))
        self.month_button.clicked.connect(lambda: self._ask_history(30))
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)  # the one shown looks pressed
        self.history_empty = QLabel(objectName="muted")
        self.history_done_button = QPushButton(self.tr("Done"), objectName="confirm")
        self.history_done_button.clicked.connect(self._finish)
        history = QVBoxLayout(self.history_page)
        history.addWidget(self.history_title)
        history.addWidget(self.history_empty)
        history.addWidget(self.chart, 1)
        row = QHBoxLayout()
        row.addWidget(self.week_button)
        row.addWidget(self.month_button)
        row.addStretch(1)
        row.addWidget(self.history_done_button)
        history.addLayout(row)

        for button in (self.cancel_button, self.history_button, self.done_button, self.week_button,
                       self.month_button, self.history_done_button):
            button.setMinimumSize(theme.target_px(40), theme.target_px(18))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.pages)

        self._waiting = QTimer(self, singleShot=True, interval=int(NO_READING_AFTER.total_seconds() * 1000))
        self._waiting.timeout.connect(self._nothing_came)

    # -- words ---------------------------------------------------------------------------

    def _instruction(self, profile: str) -> str:
        return {
            "blood_pressure": self.tr("Put on the cuff, then press the button on the monitor."),
            "oximeter": self.tr("Put the clip on a finger and keep your hand still."),
            "thermometer": self.tr("Take your temperature as you usually do."),
            "scale": self.tr("Step onto the scale and stand still."),
            "glucose": self.tr("Measure your blood sugar as you usually do."),
        }[profile]

    def _subject(self, reading_type: str) -> str:
        return {
            "blood_pressure": self.tr("Your blood pressure"), "oxygen_saturation": self.tr("Your oxygen level"),
            "body_temperature": self.tr("Your temperature"), "body_weight": self.tr("Your weight"),
            "blood_glucose": self.tr("Your blood sugar"),
        }[reading_type]

    def _verdict(self, assessment: Assessment) -> str:
        what = self._subject(assessment.reading_type)
        if assessment.band is None:
            return self.tr("{what} is saved.").format(what=what)
        return {
            Band.GREEN: self.tr("{what} is within your limits."),
            Band.YELLOW: self.tr("{what} is a little outside your limits. Measure again at the usual time."),
            Band.RED: self.tr("{what} is far outside your limits. Sit down and rest. If you feel unwell, press Help."),
        }[assessment.band].format(what=what)

    def _note(self, note: str) -> str:
        return {
            "irregular_pulse": self.tr("The monitor noticed an irregular pulse."),
            "cuff_too_loose": self.tr("The cuff was too loose. Put it on a little tighter and measure once more."),
            "body_movement": self.tr("You moved while it measured. Sit still and measure once more."),
            "improper_position": self.tr("The cuff was not in the right place. Put it on again and measure once more."),
            "pulse_out_of_range": self.tr("Your pulse was outside what the monitor can measure."),
        }.get(note, self.tr("The device was not sure of this reading. Measure once more."))

    def _number(self, value: float, decimals: int = 0) -> str:
        return self._locale.toString(float(value), "f", decimals)

    def _numbers(self, a: Assessment) -> tuple[str, str, str]:
        """(the numbers, their unit, the pulse line)"""
        v = a.values
        pulse = self.tr("Pulse {pulse} per minute").format(pulse=self._number(v["pulse"])) if "pulse" in v else ""
        if a.reading_type == "blood_pressure" and {"systolic", "diastolic"} <= v.keys():
            return f"{self._number(v['systolic'])} / {self._number(v['diastolic'])}", "mmHg", pulse
        if a.reading_type == "oxygen_saturation" and "spo2" in v:
            return self._number(v["spo2"]), "%", pulse
        if "temperature" in v:
            return self._number(v["temperature"], 1), "°C", ""
        if "weight" in v:
            return self._number(v["weight"], 1), "kg", ""
        if "glucose" in v:
            return self._number(v["glucose"], 1), "mmol/L", ""
        return "–", "", pulse

    # -- flow ----------------------------------------------------------------------------

    def start(self, profile: str, limits: dict[str, Limits]) -> None:
        self.profile = profile
        self._limits = limits
        self._opened_at = self._clock()
        self.picture.load(str(PICTURES / GUIDES[profile].picture))
        self.instruction.setText(breakable(self._instruction(profile)))
        self.progress.setText(breakable(self.tr("Waiting for the measurement..."), longest=8))
        self.pages.setCurrentWidget(self.guide_page)
        self._waiting.start()
        self._speaker.say(self._instruction(profile))

    @property
    def reading_type(self) -> str:
        return GUIDES[self.profile].reading_type if self.profile else ""

    def show_live(self, profile: str, value: dict) -> None:
        if profile != self.profile or self.pages.currentWidget() is not self.guide_page:
            return
        pressure = to_mmhg(value.get("cuff_pressure"), value.get("unit", MMHG))
        if pressure is not None:
            self.progress.setText(breakable(self.tr("Measuring... {pressure} mmHg").format(
                pressure=self._number(pressure)), longest=8))

    def accepts(self, event: Event) -> bool:
        """Is `event` the reading this screen is waiting for (not an old stored record)?"""
        return (self.pages.currentWidget() is self.guide_page and event.type == self.reading_type
                and event.occurred_at >= self._opened_at - EARLIER_GRACE)

    def show_result(self, assessment: Assessment) -> None:
        self._waiting.stop()
        numbers, unit, details = self._numbers(assessment)
        self.numbers.setText(numbers)
        self.unit.setText(unit)
        self.details.setText(details)
        verdict = self._verdict(assessment)
        symbol = BAND_SYMBOLS.get(assessment.band, "") if assessment.band else ""
        self.verdict.setText(f"{symbol}  {verdict}" if symbol else verdict)
        self.verdict.setProperty("band", assessment.band.value if assessment.band else "none")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        notes = [self._note(note) for note in assessment.notes]
        self.notes.setText("\n".join(notes))
        self.pages.setCurrentWidget(self.result_page)
        said = numbers.replace(" / ", " " + self.tr("over") + " ")
        self._speaker.say(" ".join(part for part in (f"{said} {unit}.", details + "." if details else "", verdict, *notes)
                                   if part))

    def _nothing_came(self) -> None:
        self.progress.setText(self.tr("No measurement has come yet. Check that the device is switched on and "
                                      "near this screen, then try again."))

    def _ask_history(self, days: int) -> None:
        self.history_requested.emit(self.reading_type, days)

    def show_history(self, items: list[tuple[Event, Assessment]], days: int) -> None:
        by_measure: dict[str, list] = {}
        for event, assessment in items:
            for measure, value in assessment.values.items():
                if measure == "pulse" and self.reading_type != "heart_rate":
                    continue  # one thing at a time: the pulse is on the result page
                by_measure.setdefault(measure, []).append((event.occurred_at, value, assessment.bands.get(measure)))
        series = [Series(measure, tuple(points)) for measure, points in by_measure.items()]
        self.chart.show_series(series, self._limits, days, self._clock())
        what = self._subject(self.reading_type)
        self.history_title.setText(self.tr("{what}, the last {days} days").format(what=what, days=days))
        self.history_empty.setText("" if series else self.tr("No readings in these days."))
        self.history_empty.setVisible(not series)
        self.week_button.setChecked(days == 7)
        self.month_button.setChecked(days == 30)
        self.pages.setCurrentWidget(self.history_page)

    def _finish(self) -> None:
        self._waiting.stop()
        self._speaker.stop()
        self.done.emit()
