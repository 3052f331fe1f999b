"""The technician's door (PIN prompt with an on-screen keypad: a tablet has no
keyboard) and the pages behind it. Later issues add device and sync pages."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hub_app.system_info import SystemFigures, human_bytes, human_duration
from hub_app.ui.bluetooth_screen import BluetoothScreen
from hub_app.ui.serial_screen import SerialScreen
from hub_app.technician import DoorAnswer
from hub_app.ui.sync_screen import SyncScreen
from hub_app.ui.theme import Theme


class PinScreen(QWidget):
    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, theme: Theme, time_zone: str) -> None:
        super().__init__()
        self.setObjectName("pin_screen")
        self._zone = ZoneInfo(time_zone)
        self.title = QLabel(self.tr("Technician: enter the PIN"), objectName="title")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setReadOnly(True)  # typed through the keypad below
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(objectName="status")
        self.message.setProperty("attention", "true")
        self.message.setWordWrap(True)

        keypad = QGridLayout()
        keypad.setSpacing(12)
        self.keys: dict[str, QPushButton] = {}
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", self.tr("Open")]
        for index, label in enumerate(labels):
            key = QPushButton(label)
            key.setMinimumSize(theme.target_px(22), theme.target_px(15))
            if label == self.tr("Open"):
                key.setObjectName("confirm")
                key.clicked.connect(self._submit)
            elif label == "⌫":
                key.setAccessibleName(self.tr("Delete"))
                key.clicked.connect(self.pin.backspace)
            else:
                key.clicked.connect(lambda _=False, d=label: self.pin.insert(d))
            self.keys[label] = key
            keypad.addWidget(key, index // 3, index % 3)
        self.open_key = self.keys[self.tr("Open")]
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.setMinimumSize(theme.target_px(40), theme.target_px(15))
        self.back_button.clicked.connect(self.cancelled)

        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addWidget(self.pin)
        column.addWidget(self.message)
        column.addLayout(keypad)
        column.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 2)
        outer.addStretch(1)

    def reset(self) -> None:
        self.pin.clear()
        self.message.clear()
        self.open_key.setEnabled(True)

    def _submit(self) -> None:
        if self.pin.text():
            self.open_key.setEnabled(False)  # one attempt at a time
            self.submitted.emit(self.pin.text())

    def show_answer(self, answer: DoorAnswer) -> None:
        self.pin.clear()
        self.open_key.setEnabled(True)
        if answer.reason == "wrong":
            self.message.setText(self.tr("Wrong PIN. {count} tries left before the door locks.").format(count=answer.tries_left))
        elif answer.reason == "locked" and answer.locked_until is not None:
            until = answer.locked_until.astimezone(self._zone)
            self.message.setText(self.tr("Locked after too many wrong PINs. Try again after {time}.").format(time=f"{until:%H:%M}"))
        elif answer.reason == "not_set":
            self.message.setText(self.tr("No technician PIN is set on this hub. Set one with: welfare-hub set-pin"))
        else:
            self.message.setText(self.tr("The PIN file cannot be used: {reason}").format(reason=answer.message))

    def show_error(self) -> None:
        self.open_key.setEnabled(True)
        self.message.setText(self.tr("The PIN could not be checked. See the log."))


UUID = re.compile(r"\b([0-9a-fA-F]{8})-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")


def short_uids(line: str) -> str:
    """A log line with each uuid shortened to its first 8 characters (enough to tell
    them apart on one page; the log file keeps them whole)."""
    return UUID.sub(lambda match: match.group(1) + "…", line)


class SystemScreen(QWidget):
    refresh_requested = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.setObjectName("system_screen")
        self.title = QLabel(self.tr("System"), objectName="title")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        rows = [
            ("version", self.tr("Version")),
            ("data_dir", self.tr("Data folder")),
            ("database", self.tr("Database")),
            ("store_incident", self.tr("Store replaced")),
            ("disk", self.tr("Free disk space")),
            ("clock", self.tr("Clock")),
            ("uptime", self.tr("Running for")),
            ("speech", self.tr("Speech")),
        ]
        for key, label in rows:
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(label, value)
        self.log_title = QLabel(self.tr("Last log lines"))
        self.log = QPlainTextEdit(readOnly=True)
        # Long lines wrap rather than run off the page.
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setMinimumSize(theme.target_px(40), theme.target_px(15))
        self.refresh_button.clicked.connect(self.refresh_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(form)
        layout.addWidget(self.log_title)
        layout.addWidget(self.log, 1)
        layout.addLayout(buttons)

    def show_figures(self, figures: SystemFigures) -> None:
        local: datetime = figures.local_time
        offset = local.strftime("%z")
        uptime = self.tr("hub {hub}, system {system}").format(
            hub=human_duration(figures.hub_uptime_s),
            system=human_duration(figures.system_uptime_s) if figures.system_uptime_s is not None else self.tr("unknown"),
        )
        self.values["version"].setText(f"{figures.version} (Python {figures.python})")
        self.values["data_dir"].setText(str(figures.data_dir))
        self.values["database"].setText(
            self.tr("{size}, schema {schema}, {events} events").format(
                size=human_bytes(figures.database_bytes), schema=figures.schema_version, events=figures.events_stored
            )
        )
        self.values["store_incident"].setText(self._incident_text(figures))
        self.values["disk"].setText(human_bytes(figures.free_disk_bytes))
        self.values["clock"].setText(self.tr("{time}, time zone {zone} (UTC{offset})").format(
            time=f"{local:%Y-%m-%d %H:%M:%S}", zone=figures.time_zone, offset=f"{offset[:3]}:{offset[3:]}"))
        self.values["uptime"].setText(uptime)
        self.log.setPlainText("\n".join(short_uids(line) for line in figures.log_lines))

    def _incident_text(self, figures: SystemFigures) -> str:
        incident = figures.store_incident
        if not incident:
            return self.tr("never: this is the store the hub started with")
        what = {"damaged": self.tr("the store could not be read"),
                "emptied": self.tr("the store was there before and was empty"),
                "missing": self.tr("the store was there before and was gone")}.get(str(incident["what"]), str(incident["what"]))
        at = datetime.fromisoformat(str(incident["at"])).astimezone(figures.local_time.tzinfo)
        text = self.tr("{at}: {what}. The hub started on a fresh store; the care service was told.").format(
            at=f"{at:%Y-%m-%d %H:%M}", what=what)
        text += " " + (self.tr("Devices, pairings and the care plan came back from the setup copy.")
                       if incident.get("restored") else self.tr("Nothing could be restored: assign the devices again."))
        if incident.get("set_aside"):
            text += " " + self.tr("The old file is kept untouched as {file} in the data folder: to restore it, stop "
                                  "the hub and put it back as hub.db (docs/faults.md).").format(file=incident["set_aside"])
        return text

    def show_speech(self, engine: str, voice: str) -> None:
        if not engine:
            text = self.tr("none: the hub shows its words but cannot say them (install espeak-ng)")
        elif not voice:  # eSpeak NG has no voice for this language (North Sámi)
            text = self.tr("no voice for this language: the screen shows the words")
        else:
            text = self.tr("{engine}, voice {voice}").format(engine=engine, voice=voice)
        self.values["speech"].setText(text)


class TechnicianArea(QWidget):
    """Behind the door: one tab per page, and one way out that locks the door again."""

    closed = Signal()

    def __init__(self, theme: Theme, time_zone: str) -> None:
        super().__init__()
        self.setObjectName("technician")
        # Technicians read tables at arm's length: smaller than the resident's text.
        self.restyle(theme)
        self.title = QLabel(self.tr("Technician"), objectName="title")
        self.system = SystemScreen(theme)
        self.serial = SerialScreen(theme, time_zone)
        self.bluetooth = BluetoothScreen(theme, time_zone)
        self.sync = SyncScreen(theme, time_zone)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.system, self.tr("System"))
        self.tabs.addTab(self.serial, self.tr("Wired devices"))
        self.tabs.addTab(self.bluetooth, self.tr("Bluetooth devices"))
        self.tabs.addTab(self.sync, self.tr("Care service"))
        self.close_button = QPushButton(self.tr("Close and lock"), objectName="confirm")
        self.close_button.setMinimumSize(theme.target_px(40), theme.target_px(15))
        self.close_button.clicked.connect(self.closed)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def restyle(self, theme: Theme) -> None:
        self.setStyleSheet(f"QWidget {{ font-size: {theme.font(12)}; }} QLabel#title {{ font-size: {theme.font(18)}; }}")
