"""The technician's page for the link to the care service: where it goes, whether the
credential is in place, what waits to be sent, when it last worked and why not, and a
"Test connection" button."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hub_app.ui.theme import Theme
from hub_app.ui.widgets import show_status


class SyncScreen(QWidget):
    test_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, theme: Theme, time_zone: str) -> None:
        super().__init__()
        self.setObjectName("sync_screen")
        self._zone = ZoneInfo(time_zone)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for key, label in (("address", self.tr("Service address")), ("credential", self.tr("Credential")),
                           ("state", self.tr("Connection")), ("queue", self.tr("Waiting to be sent")),
                           ("dead", self.tr("Refused by the service")), ("last_success", self.tr("Last sent")),
                           ("last_error", self.tr("Last problem"))):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(label, value)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setMinimumHeight(theme.min_target_px)
        self.test_button.clicked.connect(self._test)
        self.message = QLabel(objectName="status")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _when(self, moment) -> str:
        return f"{moment.astimezone(self._zone):%d.%m %H:%M:%S}" if moment else self.tr("never")

    def show_status(self, status) -> None:
        if not status.url:
            self.values["address"].setText(self.tr("not set: the hub keeps everything and tells the on-call phone "
                                                   "by SMS ([care_service] url)"))
        else:
            self.values["address"].setText(status.url)
        self.values["credential"].setText(status.credential)
        self.values["state"].setText(self.tr("connected") if status.reachable else
                                     self.tr("not connected since {since}").format(since=self._when(status.since))
                                     if status.since else self.tr("not connected"))
        self.values["queue"].setText(self.tr("{alarms} alarm(s), {doses} dose event(s), {readings} reading(s)").format(
            alarms=status.queue.get(0, 0), doses=status.queue.get(1, 0), readings=status.queue.get(2, 0)))
        self.values["dead"].setText(str(status.dead))
        self.values["last_success"].setText(self._when(status.last_success))
        self.values["last_error"].setText(status.last_error or "-")

    def _test(self) -> None:
        self.test_button.setEnabled(False)
        show_status(self.message, self.tr("Testing..."), True)
        self.test_requested.emit()

    def show_test(self, result) -> None:
        """`result`: the service's software name, or an exception with the reason."""
        self.test_button.setEnabled(True)
        if isinstance(result, BaseException):
            show_status(self.message, self.tr("The test failed: {reason}").format(reason=result), False)
        else:
            show_status(self.message, self.tr("The service answered and accepted the credential ({software}).")
                        .format(software=result), True)
