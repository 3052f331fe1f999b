"""\"Are you OK?\": the countdown before an alarm from a sensor is raised (a fall, a
long time out of bed at night, a long quiet day), with one large "I'm OK" button. It
says, in seconds, when help will be called."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from hub_app.alarms import AlarmView
from hub_app.speech import Speaker
from hub_app.ui.theme import Theme
from vocabulary import ALARM_KINDS

# What the screen says of each kind of alarm is the catalogue's (vocabulary/alarm_kinds.py,
# `AlarmKind.resident`, in English); Qt Linguist finds the words to translate here.
RESIDENT_WORDS = (
    QT_TRANSLATE_NOOP("CountdownScreen", "The fall sensor noticed a fall."),
    QT_TRANSLATE_NOOP("CountdownScreen", "You have been out of bed for a long time tonight."),
    QT_TRANSLATE_NOOP("CountdownScreen", "The door is open. Are you outside?"),
    QT_TRANSLATE_NOOP("CountdownScreen", "We have not noticed you moving for a long time."),
)


class CountdownScreen(QWidget):
    im_ok = Signal(str)  # alarm uid

    def __init__(self, theme: Theme, speaker: Speaker, now=lambda: datetime.now(timezone.utc)) -> None:
        super().__init__()
        self.setObjectName("countdown")
        self._speaker = speaker
        self._now = now
        self.alarm: AlarmView | None = None
        self.title = QLabel(self.tr("Are you OK?"), objectName="clock")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.reason = QLabel(objectName="title")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seconds = QLabel()
        self.seconds.setWordWrap(True)
        self.seconds.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ok_button = QPushButton(self.tr("I'm OK"), objectName="confirm")
        self.ok_button.setMinimumSize(theme.target_px(60), theme.target_px(22))
        self.ok_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.ok_button.setProperty("size", "huge")
        self.ok_button.clicked.connect(self._ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        layout.addWidget(self.seconds)
        layout.addSpacing(16)
        layout.addWidget(self.ok_button, 1)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._refresh)

    def show_alarm(self, alarm: AlarmView) -> None:
        self.alarm = alarm
        self.ok_button.setEnabled(True)
        kind = ALARM_KINDS.get(alarm.type)
        self.reason.setText(self.tr(kind.resident) if kind is not None and kind.resident
                            else self.tr("An alarm is about to be sent."))
        self._refresh()
        self._tick.start()
        self._speaker.say(self.tr("Are you OK? Press the green button if you are."))

    def remaining(self) -> int:
        if self.alarm is None or self.alarm.next_at is None:
            return 0
        return max(0, int((self.alarm.next_at - self._now()).total_seconds() + 0.999))

    def _refresh(self) -> None:
        left = self.remaining()
        self.seconds.setText(self.tr("If you do not answer, the home-care service is called in {seconds} seconds.")
                             .format(seconds=left) if left else self.tr("Calling the home-care service..."))

    def _ok(self) -> None:
        if self.alarm is not None:
            self.ok_button.setEnabled(False)
            self._tick.stop()
            self.im_ok.emit(self.alarm.uid)

    def stop(self) -> None:
        self._tick.stop()
