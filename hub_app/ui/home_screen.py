"""The resident's home screen: clock and date, a greeting, today's plan, one line that
says whether everything works, and the Help button."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

from hub_app.messages import HubState
from hub_app.ui.measure_screen import GUIDES
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import WrapButton, breakable
from vocabulary import DeviceKind

HOLD_TO_OPEN_MS = 2000


class DayScroll(QScrollArea):
    """Scrolls up and down only: what it holds is as wide as what it shows, so long
    words wrap instead of running under the scroll bar."""

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.widget() is not None:
            self.widget().setFixedWidth(self.viewport().width())


class HomeScreen(QWidget):
    help_pressed = Signal()
    measure_requested = Signal(str)  # the profile of a paired health device
    my_data_requested = Signal()
    call_requested = Signal()  # the resident wants to make a video call
    technician_requested = Signal()
    larger_text_requested = Signal(bool)  # the resident's choice: larger text on or off
    first_painted = Signal(float)  # time.monotonic() of the first paint

    def __init__(
        self,
        theme: Theme,
        locale: QLocale,
        date_format: str,
        resident_name: str,
        time_zone: str,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.setObjectName("home")
        self._theme = theme
        self._locale = locale
        self._date_format = date_format
        self._name = resident_name.strip()
        self._zone = ZoneInfo(time_zone)
        self._now = now
        self._painted = False

        self.clock = QLabel(objectName="clock")
        self.date = QLabel(objectName="strong")
        self.greeting = QLabel(objectName="strong")
        self.greeting.setWordWrap(True)
        self.date.setWordWrap(True)

        self.plan_title = QLabel(self.tr("Today"), objectName="title")
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.plan.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        panel = QFrame(objectName="panel")
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(8, 8, 8, 8)
        panel_layout.addWidget(self.plan_title)
        panel_layout.addWidget(self.plan)

        # One button per kind of paired health device the resident measures with.
        self.measures = QGridLayout()
        self.measure_buttons: dict[str, QPushButton] = {}

        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)

        self.help_button = QPushButton(self.tr("Help"), objectName="help")
        self.help_button.setToolTip(self.tr("Press to call the home-care service"))
        self.help_button.setAccessibleName(self.tr("Help: call the home-care service"))
        self.help_button.setMinimumSize(theme.target_px(35), theme.target_px(30))
        self.help_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.help_button.clicked.connect(self.help_pressed)
        self.help_hint = QLabel(self.tr("Press to call\nthe home-care service"), objectName="muted")
        self.help_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # The technician's door: a faint corner button that opens only when held, so
        # a resident who brushes it does not land somewhere strange.
        self.technician_button = QPushButton("⋯", objectName="discreet")
        self.technician_button.setAccessibleName(self.tr("Technician (press and hold)"))
        self.technician_button.setFixedSize(theme.min_target_px, theme.min_target_px)
        self._hold = QTimer(self, singleShot=True, interval=HOLD_TO_OPEN_MS)
        self._hold.timeout.connect(self.technician_requested)
        self.technician_button.pressed.connect(self._hold.start)
        self.technician_button.released.connect(self._hold.stop)

        # The clock stays; the day (date, greeting, plan, what to measure) scrolls under
        # it when it does not fit, with a bar as wide as a touch target, so a full day in
        # large text never pushes the window past the screen.
        self.clock.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        day = QWidget(objectName="day")
        day_layout = QVBoxLayout(day)
        day_layout.setContentsMargins(0, 0, 4, 0)
        day_layout.addWidget(self.date)
        day_layout.addWidget(self.greeting)
        day_layout.addSpacing(8)
        day_layout.addWidget(panel)
        day_layout.addLayout(self.measures)
        day_layout.addStretch(1)
        self.plan_scroll = DayScroll()
        self.plan_scroll.setWidget(day)
        self.plan_scroll.setWidgetResizable(True)
        self.plan_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.plan_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plan_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        left = QVBoxLayout()
        left.addWidget(self.clock)
        left.addWidget(self.plan_scroll, 1)
        left.addSpacing(8)
        bottom = QHBoxLayout()
        self._bottom = bottom
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.technician_button, 0, Qt.AlignmentFlag.AlignBottom)
        left.addLayout(bottom)
        right = QVBoxLayout()
        right.addWidget(self.help_button, 1)
        # The words under Help fit only a large screen; the button says enough alone.
        self.help_hint.setVisible(False)
        # Calling out sits under Help, in the column that has room for it on any screen.
        self.call_button = WrapButton(self.tr("Video call"), objectName="measure")
        self.call_button.setMinimumHeight(theme.min_target_px)
        self.call_button.clicked.connect(self.call_requested)
        self._right = right
        self._day_layout = day_layout
        self._narrow = False
        right.addSpacing(8)
        right.addWidget(self.call_button)
        self.my_data_button = WrapButton(self.tr("My data"))
        self.my_data_button.setMinimumHeight(theme.min_target_px)
        self.my_data_button.clicked.connect(self.my_data_requested)
        right.addSpacing(8)
        right.addWidget(self.my_data_button)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addSpacing(16)
        top.addLayout(right, 2)
        self._top = top
        # Larger text, for the resident or a relative to choose on the screen itself.
        self.larger_text_button = WrapButton(self.tr("Larger text"), objectName="larger_text")
        self.larger_text_button.setCheckable(True)
        self.larger_text_button.setChecked(theme.scale > 1.0)
        self.larger_text_button.setMinimumHeight(theme.min_target_px)
        self.larger_text_button.clicked.connect(self.larger_text_requested)
        right.addSpacing(8)
        right.addWidget(self.larger_text_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 12, 12)
        outer.addLayout(top, 1)

        # The clock shows minutes, so it wakes once a minute, on the minute: an idle
        # hub uses next to no CPU.
        self._tick = QTimer(self, singleShot=True)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self.refresh_clock)
        self.refresh_clock()
        self.show_state(HubState())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """On a narrow screen with large text, Help keeps a column of its own and the
        status and other buttons go to the end of the day, where they scroll with it: two columns
        of words this large do not fit side by side."""
        secondary = (self.call_button, self.my_data_button, self.larger_text_button)
        needed = max(button.sizeHint().width() for button in secondary)
        narrow = needed > 0.4 * self.width()
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self._top.setStretch(0, 1 if narrow else 3)
        self._top.setStretch(2, 0 if narrow else 2)
        self.help_button.setMaximumWidth(max(self._theme.target_px(35), self.help_button.sizeHint().width())
                                         if narrow else 16777215)
        if narrow:  # the status too: its words would leave the day no room
            self._bottom.removeWidget(self.status)
            self._day_layout.insertWidget(self._day_layout.count() - 1, self.status)
        else:
            self._day_layout.removeWidget(self.status)
            self._bottom.insertWidget(0, self.status, 1)
        for button in secondary:
            if narrow:  # after the day's plan and what to measure, before the stretch
                self._right.removeWidget(button)
                self._day_layout.insertWidget(self._day_layout.count() - 1, button)
            else:
                self._day_layout.removeWidget(button)
                self._right.addWidget(button)

    # -- clock, date, greeting ----------------------------------------------------

    def local_now(self) -> datetime:
        return datetime.fromtimestamp(self._now(), self._zone)

    def refresh_clock(self) -> None:
        now = self.local_now()
        self.clock.setText(f"{now:%H:%M}")
        date = self._locale.toString(QDate(now.year, now.month, now.day), self._date_format)
        # The weekday on a line of its own, the date under it; the date wraps too when
        # large text on a small screen leaves no room for it on one line.
        weekday, _, rest = date.partition(" ")
        self.date.setText(breakable(f"{weekday}\n{rest}" if rest else weekday, longest=7))
        self.greeting.setText(self._greeting(now.hour))
        to_next_minute = 60 - now.second - now.microsecond / 1e6
        self._tick.start(int(to_next_minute * 1000) + 20)

    def _greeting(self, hour: int) -> str:
        if 5 <= hour < 10:
            text = self.tr("Good morning, {name}") if self._name else self.tr("Good morning")
        elif 10 <= hour < 17:
            text = self.tr("Good afternoon, {name}") if self._name else self.tr("Good afternoon")
        elif 17 <= hour < 23:
            text = self.tr("Good evening, {name}") if self._name else self.tr("Good evening")
        else:
            text = self.tr("Good night, {name}") if self._name else self.tr("Good night")
        return text.format(name=self._name)

    # -- plan and status ----------------------------------------------------------

    def show_state(self, state: HubState) -> None:
        self._show_measures(tuple(p for p in state.measures if p in GUIDES))
        if state.today:
            lines = [f"{item.at.astimezone(self._zone):%H:%M}   {self._plan_words(item.kind, item.title)}"
                     for item in state.today]
            self.plan.setText(breakable("\n".join(lines)))
        else:
            self.plan.setText(self.tr("Nothing is planned for today."))
        if not state.problems:
            self.status.setText("●  " + self.tr("Everything is working"))
            attention = False
        elif any(p.device == DeviceKind.HUB for p in state.problems):
            # The one problem the resident must not misread: Help still works, the hub
            # needs a person to look at it.
            self.status.setText("▲  " + self.tr("The hub needs service. The Help button still works."))
            attention = True
        else:
            first = self.device_name(state.problems[0].device)
            text = self.tr("The {device} needs attention").format(device=first)
            if len(state.problems) > 1:
                text += " " + self.tr("(and {count} more)").format(count=len(state.problems) - 1)
            self.status.setText("▲  " + text)
            attention = True
        self.status.setProperty("attention", "true" if attention else "false")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def _plan_words(self, kind: str, title: str) -> str:
        if kind == "measurement":
            return self._measure_labels().get(title, title)
        if kind == "check_in":
            return self.tr("{who} calls you (video)").format(who=title)
        return title

    def _measure_labels(self) -> dict[str, str]:
        return {
            "blood_pressure": self.tr("Measure blood pressure"), "oximeter": self.tr("Measure oxygen"),
            "thermometer": self.tr("Measure temperature"), "scale": self.tr("Weigh yourself"),
            "glucose": self.tr("Measure blood sugar"),
        }

    def _show_measures(self, profiles: tuple[str, ...]) -> None:
        if tuple(self.measure_buttons) == profiles:
            return
        for button in self.measure_buttons.values():
            self.measures.removeWidget(button)
            button.deleteLater()
        labels = self._measure_labels()
        self.measure_buttons = {}
        for index, profile in enumerate(profiles):
            button = WrapButton(labels[profile], objectName="measure")
            button.setMinimumHeight(self._theme.target_px(18))
            button.clicked.connect(lambda _checked=False, p=profile: self.measure_requested.emit(p))
            self.measures.addWidget(button, index, 0)  # one a row: the words are long at 24 pt
            self.measure_buttons[profile] = button

    def device_name(self, device: DeviceKind) -> str:
        names = {
            DeviceKind.DISPENSER: self.tr("medicine dispenser"),
            DeviceKind.SENSOR_RECEIVER: self.tr("alarm sensor receiver"),
            DeviceKind.GSM_MODEM: self.tr("mobile modem"),
            DeviceKind.BLOOD_PRESSURE_MONITOR: self.tr("blood-pressure monitor"),
            DeviceKind.PULSE_SENSOR: self.tr("pulse sensor"),
            DeviceKind.PULSE_OXIMETER: self.tr("oxygen meter"),
            DeviceKind.THERMOMETER: self.tr("thermometer"),
            DeviceKind.WEIGHT_SCALE: self.tr("scale"),
            DeviceKind.GLUCOSE_METER: self.tr("blood-sugar meter"),
            DeviceKind.CARE_SERVICE_LINK: self.tr("connection to the home-care service"),
            DeviceKind.HUB: self.tr("hub"),
            DeviceKind.FALL_SENSOR: self.tr("fall sensor"),
            DeviceKind.HELP_PENDANT: self.tr("alarm pendant"),
            DeviceKind.BED_SENSOR: self.tr("bed sensor"),
            DeviceKind.DOOR_SENSOR: self.tr("door sensor"),
        }
        return names[device]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit(time.monotonic())
