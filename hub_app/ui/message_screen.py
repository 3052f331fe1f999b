"""A message from the home-care service for the resident ("We come at 14 today
instead of 12"): big text, read aloud, and one button to say it has been read. It
stays until then, across restarts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from hub_app.service_inbox import NurseMessage
from hub_app.speech import Speaker
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import WrapButton, notice_layout


class MessageScreen(QWidget):
    read = Signal(int)  # the message's number

    def __init__(self, theme: Theme, time_zone: str, speaker: Speaker) -> None:
        super().__init__()
        self.setObjectName("message_screen")
        self._zone, self._speaker = ZoneInfo(time_zone), speaker
        self.message: NurseMessage | None = None
        self.title = QLabel(objectName="muted")
        self.body = QLabel(objectName="message_text")
        self.body.setTextFormat(Qt.TextFormat.PlainText)  # a nurse's words, never markup
        self.ok_button = WrapButton(self.tr("OK, I have read it"), objectName="confirm")
        self.ok_button.clicked.connect(self._read)
        notice_layout(self, self.title, self.body, self.ok_button, theme)

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
