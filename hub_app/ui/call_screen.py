"""The video call, as the resident sees it: one thing at a time.

- Ringing: who calls, in large letters, a green "Answer" and a red "Not now"; the
  chime and the caller's name are heard every few seconds. With consent, a countdown
  says when it answers by itself.
- In the call: the other person large (the page shows the resident small), one large
  red "End call", and "Quieter" / "Louder". A missing camera or microphone is said
  in plain words; the call goes on with what there is.
- Missed: who called and when, and that they have been told; one "OK".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedLayout, QVBoxLayout, QWidget

from hub_app.calls import CallView
from hub_app.speech import Speaker
from hub_app.ui.call_view import CallWebView
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import WrapButton, notice_layout

RING_EVERY_MS = 4000
PEER_GONE = ("ended", "cancelled", "declined", "missed", "failed")


class CallScreen(QWidget):
    answer = Signal(str)  # the call's uid
    decline = Signal(str)
    end = Signal(str)
    done = Signal()  # the missed-call notice was read

    def __init__(self, theme: Theme, time_zone: str, speaker: Speaker, origins: frozenset[str],
                 now: Callable[[], datetime]) -> None:
        super().__init__()
        self.setObjectName("call_screen")
        self._theme, self._zone, self._speaker, self._origins, self._now = theme, ZoneInfo(time_zone), speaker, origins, now
        self.call: CallView | None = None
        self.web: CallWebView | None = None  # made at the first call: the web engine starts then
        self._stack = QStackedLayout(self)

        # Ringing
        self.ringing = QWidget(objectName="ringing")
        self.caller = QLabel(objectName="clock")
        self.caller.setWordWrap(True)
        self.caller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ring_words = QLabel(objectName="title")
        self.ring_words.setWordWrap(True)
        self.ring_words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = QLabel(objectName="status")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setProperty("attention", "false")
        self.answer_button = WrapButton(self.tr("Answer"), objectName="confirm")
        self.decline_button = WrapButton(self.tr("Not now"), objectName="help")
        for button in (self.answer_button, self.decline_button):
            button.setMinimumSize(theme.target_px(60), theme.target_px(30))
        self.decline_button.setProperty("size", "large")
        self.answer_button.setProperty("size", "large")
        self.answer_button.clicked.connect(lambda: self._send(self.answer))
        self.decline_button.clicked.connect(lambda: self._send(self.decline))
        buttons = QHBoxLayout()
        buttons.addWidget(self.decline_button)
        buttons.addSpacing(48)
        buttons.addWidget(self.answer_button)
        ring_layout = QVBoxLayout(self.ringing)
        ring_layout.setContentsMargins(60, 48, 60, 48)
        ring_layout.addStretch(1)
        ring_layout.addWidget(self.caller)
        ring_layout.addWidget(self.ring_words)
        ring_layout.addSpacing(24)
        ring_layout.addWidget(self.countdown)
        ring_layout.addStretch(1)
        ring_layout.addLayout(buttons)
        self._stack.addWidget(self.ringing)

        # In the call
        self.in_call = QWidget(objectName="in_call")
        self.web_box = QVBoxLayout()
        self.web_box.setContentsMargins(0, 0, 0, 0)
        self.notice = QLabel(objectName="status")
        self.notice.setWordWrap(True)
        self.notice.setProperty("attention", "true")
        self.notice.hide()
        self.quieter = QPushButton(self.tr("Quieter"))
        self.louder = QPushButton(self.tr("Louder"))
        self.volume = QLabel(objectName="strong")  # dark and bold: read during a call
        self.end_button = QPushButton(self.tr("End call"), objectName="help")
        self.end_button.setMinimumSize(theme.target_px(70), theme.target_px(22))
        self.end_button.setProperty("size", "large")
        for button in (self.quieter, self.louder):
            button.setMinimumSize(theme.target_px(30), theme.target_px(22))
        self.quieter.clicked.connect(lambda: self._change_volume(-2))
        self.louder.clicked.connect(lambda: self._change_volume(+2))
        self.end_button.clicked.connect(lambda: self._send(self.end))
        bar = QHBoxLayout()
        bar.addWidget(self.quieter)
        bar.addWidget(self.volume)
        bar.addWidget(self.louder)
        bar.addStretch(1)
        bar.addWidget(self.end_button)
        call_layout = QVBoxLayout(self.in_call)
        call_layout.setContentsMargins(16, 16, 16, 16)
        call_layout.addLayout(self.web_box, 1)
        call_layout.addWidget(self.notice)
        call_layout.addLayout(bar)
        self._stack.addWidget(self.in_call)

        # Missed
        self.missed = QWidget(objectName="missed_call")
        self.missed_title = QLabel(objectName="title")
        self.missed_body = QLabel(objectName="message_text")
        self.missed_ok = QPushButton(self.tr("OK"), objectName="confirm")
        self.missed_ok.clicked.connect(self.done)
        notice_layout(self.missed, self.missed_title, self.missed_body, self.missed_ok, theme)
        self._stack.addWidget(self.missed)

        self._ring = QTimer(self, interval=RING_EVERY_MS)
        self._ring.timeout.connect(self._ring_once)
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._show_countdown)

    # -- what the core says ---------------------------------------------------------------

    def show_ringing(self, call: CallView) -> None:
        self.call = call
        self.caller.setText(call.who)
        at = call.started_at.astimezone(self._zone)
        self.ring_words.setText(self.tr("Video call as planned, {time}").format(time=f"{at:%H:%M}") if call.scheduled
                                else self.tr("is calling you on video"))
        self.answer_button.setEnabled(True)
        self.decline_button.setEnabled(True)
        self._show_countdown()
        self._tick.start()
        self._stack.setCurrentWidget(self.ringing)
        self._ring_once()
        self._ring.start()

    def show_in_call(self, call: CallView) -> None:
        self.stop_ringing()
        same = self.call is not None and self.call.uid == call.uid and self._stack.currentWidget() is self.in_call
        self.call = call
        if same:
            return
        if self.web is None:
            self.web = CallWebView(self._origins)
            self.web.page_state.connect(self._page_state)
            self.web_box.addWidget(self.web)
        self.notice.hide()
        self.end_button.setEnabled(True)
        self._show_volume()
        self._stack.setCurrentWidget(self.in_call)
        self.web.open_call(call.url)

    def show_missed(self, call: CallView) -> None:
        self.hang_up()
        self.call = call
        at = call.started_at.astimezone(self._zone)
        self.missed_title.setText(self.tr("You missed a video call"))
        body = self.tr("{who} called at {time}.").format(who=call.who, time=f"{at:%H:%M}")
        if call.caller_told:
            body += " " + self.tr("{who} has been told that you could not answer.").format(who=call.who)
        self.missed_body.setText(body)
        self._stack.setCurrentWidget(self.missed)

    def hang_up(self) -> None:
        self.stop_ringing()
        if self.web is not None:
            self.web.close_call()

    def stop_ringing(self) -> None:
        self._ring.stop()
        self._tick.stop()
        self._speaker.stop()

    # -- inside -----------------------------------------------------------------------------

    def _send(self, signal) -> None:
        if self.call is not None:
            for button in (self.answer_button, self.decline_button, self.end_button):
                button.setEnabled(False)  # one touch is one answer
            signal.emit(self.call.uid)

    def _ring_once(self) -> None:
        if self.call is not None:
            self._speaker.chime()
            self._speaker.say(f"{self.call.who}. {self.ring_words.text()}")

    def _show_countdown(self) -> None:
        call = self.call
        if call is None or call.auto_answer_at is None:
            self.countdown.setText("")
            return
        left = max(0, int((call.auto_answer_at - self._now()).total_seconds() + 0.999))
        self.countdown.setText(self.tr("Answers by itself in {seconds} seconds").format(seconds=left))

    def _change_volume(self, step: int) -> None:
        if self.web is not None:
            self.web.set_volume(self.web.volume + step)
            self._show_volume()

    def _show_volume(self) -> None:
        level = self.web.volume if self.web is not None else 8
        self.volume.setText(self.tr("Sound: {level} of 10").format(level=level))

    def _page_state(self, found: dict) -> None:
        if self.call is None or self._stack.currentWidget() is not self.in_call:
            return
        if found.get("camera") is False and found.get("microphone") is False:
            text = self.tr("No camera and no microphone found: you can see and hear the other person, "
                           "but they cannot see or hear you.")
        elif found.get("camera") is False:
            text = self.tr("No camera found: the other person can hear you, but cannot see you.")
        elif found.get("microphone") is False:
            text = self.tr("No microphone found: the other person can see you, but cannot hear you.")
        else:
            text = ""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if found.get("state") in PEER_GONE and self.end_button.isEnabled():
            self.end_button.setEnabled(False)
            self.end.emit(self.call.uid)  # the other side hung up: the core ends the call
