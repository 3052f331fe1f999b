"""A message from the home-care service for the resident ("We come at 14 today
instead of 12"): big text, read aloud, and one button to say it has been read. It
stays until then, across restarts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from hub_app.service_inbox import NurseMessage
from hub_app.speech import Speaker
from hub_app.ui.theme import Theme


class MessageScreen(QWidget):
    read = Signal(int)  # the message's number

    def __init__(self, theme: Theme, time_zone: str, speaker: Speaker) -> None:
        super().__init__()
        self.setObjectName("message_screen")
        self._zone, self._speaker = ZoneInfo(time_zone), speaker
        self.message: NurseMessage | None = None
        self.title = QLabel(objectName="muted")
        self.title.setWordWrap(True)
        self.body = QLabel(objectName="message_text")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)  # a nurse's words, never markup
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.ok_button = QPushButton(self.tr("OK, I have read it"), objectName="confirm")
        self.ok_button.setMinimumSize(theme.target_px(70), theme.target_px(20))
        self.ok_button.clicked.connect(self._read)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 48, 60, 48)
        layout.addWidget(self.title)
        layout.addSpacing(24)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.ok_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_message(self, message: NurseMessage) -> None:
        self.message = message
        at = datetime.fromisoformat(message.received_at).astimezone(self._zone)
        sender = message.sender or self.tr("the home-care service")
        self.title.setText(self.tr("A message from {sender} at {time}").format(sender=sender, time=f"{at:%H:%M}"))
        self.body.setText(message.text)
        self._speaker.chime()
        self._speaker.say(f"{self.title.text()}. {message.text}")

    def _read(self) -> None:
        if self.message is not None:
            self.read.emit(self.message.number)
