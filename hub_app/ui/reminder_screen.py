"""The reminder that takes over the screen: a chime, one sentence spoken, and one thing
to do. A medicine in the dispenser is taken from the dispenser (the screen never
offers to record it); without a dispenser, one button records it, once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hub_app.reminders import ReminderView
from hub_app.speech import Speaker
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import WrapButton, breakable

THANKS_MS = 5000  # the short confirmation stays this long, then the home screen


class ReminderScreen(QWidget):
    confirmed = Signal(str)  # reminder uid
    measure_requested = Signal(str)  # profile
    later = Signal()

    def __init__(self, theme: Theme, time_zone: str, speaker: Speaker) -> None:
        super().__init__()
        self.setObjectName("reminder")
        self._zone = ZoneInfo(time_zone)
        self._speaker = speaker
        self.reminder: ReminderView | None = None
        self.title = QLabel(objectName="title")
        self.title.setWordWrap(True)
        self.what = QLabel(objectName="clock")
        self.what.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.confirm_button = WrapButton(self.tr("I have taken it"), objectName="confirm")
        self.confirm_button.clicked.connect(self._confirm)
        self.measure_button = WrapButton(self.tr("Measure now"), objectName="confirm")
        self.measure_button.clicked.connect(self._measure)
        self.later_button = WrapButton(self.tr("Later"))
        self.later_button.clicked.connect(self.later)
        for button in (self.confirm_button, self.measure_button, self.later_button):
            button.setMinimumSize(theme.target_px(50), theme.target_px(20))
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.measure_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 48, 60, 48)
        layout.addWidget(self.title)
        layout.addWidget(self.what)
        layout.addSpacing(16)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self._thanks = QTimer(self, singleShot=True, interval=THANKS_MS)
        self._thanks.timeout.connect(self.later)

    def show_reminder(self, reminder: ReminderView) -> None:
        self.reminder = reminder
        self._thanks.stop()
        at = f"{reminder.due_at.astimezone(self._zone):%H:%M}"
        measure_words = {
            "blood_pressure": self.tr("your blood pressure"), "oximeter": self.tr("your oxygen level"),
            "thermometer": self.tr("your temperature"), "scale": self.tr("your weight"),
            "glucose": self.tr("your blood sugar"),
        }
        self.confirm_button.setVisible(False)
        self.measure_button.setVisible(False)
        self.later_button.setVisible(True)
        self.later_button.setText(self.tr("Later"))
        if reminder.kind == "medication":
            self.title.setText(self.tr("Time for your medicine"))
            self.what.setText(breakable(reminder.title))
            if reminder.with_dispenser:
                text = self.tr("Take it from the medicine dispenser. Its light shows where.")
            else:
                text = self.tr("Take your medicine, then press the green button.")
                self.confirm_button.setVisible(True)
        elif reminder.kind == "measurement":
            self.title.setText(self.tr("Time to measure"))
            self.what.setText(measure_words.get(reminder.title, reminder.title).capitalize())
            text = self.tr("Press the green button when you are ready.")
            self.measure_button.setVisible(True)
        else:
            self.title.setText(self.tr("Video call"))
            self.what.setText(reminder.title)
            text = self.tr("{who} calls at {time}.").format(who=reminder.title, time=at)
        if reminder.late:
            text += " " + self.tr("(This was due at {time}.)").format(time=at)
        if reminder.repeat:
            text += " " + self.tr("This is a reminder again.")
        self.body.setText(text)
        self._speaker.chime()
        self._speaker.say(f"{self.title.text()}. {self.what.text().replace(chr(0xAD), '')}. {text}")

    def show_done(self, reminder: ReminderView) -> None:
        """The dose is registered (by the dispenser or the button): thank, then go home."""
        self.reminder = reminder
        self.title.setText(self.tr("Thank you"))
        self.what.setText(reminder.title if reminder.kind == "medication" else "")
        self.body.setText(self.tr("It is registered."))
        self.confirm_button.setVisible(False)
        self.measure_button.setVisible(False)
        self.later_button.setText(self.tr("OK"))
        self._speaker.say(self.tr("Thank you. It is registered."))
        self._thanks.start()

    def _confirm(self) -> None:
        if self.reminder is not None:
            self.confirm_button.setEnabled(False)  # one press is one dose
            self.confirmed.emit(self.reminder.uid)

    def confirm_finished(self) -> None:
        self.confirm_button.setEnabled(True)

    def _measure(self) -> None:
        if self.reminder is not None:
            self.measure_requested.emit(self.reminder.title)
