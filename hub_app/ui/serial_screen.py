"""The technician's page for wired devices: the serial ports found, assigning a port a
device kind (only after a successful handshake), and per device its identity, last
contact, battery and a test action."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from devices.framed_device import DeviceStatus
from devices.sensor_receiver import SensorState
from hub_app.serial_devices import KINDS, PortInfo
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import fill, show_status, table


class SerialScreen(QWidget):
    refresh_requested = Signal()
    assign_requested = Signal(str, str)  # port, kind
    forget_requested = Signal(str)
    test_requested = Signal(str)  # dispenser: signal the resident
    learn_requested = Signal(str, bool)
    signal_check_requested = Signal(str)  # modem
    sms_requested = Signal(str, str)  # modem: port, number

    def __init__(self, theme: Theme, time_zone: str) -> None:
        super().__init__()
        self.setObjectName("serial_screen")
        self._zone = ZoneInfo(time_zone)
        self._statuses: list[DeviceStatus] = []
        self.kind_names = {"dispenser": self.tr("Medicine dispenser"), "sensor_receiver": self.tr("Sensor receiver"),
                           "gsm_modem": self.tr("GSM modem")}

        self.ports = table([self.tr("Port"), self.tr("USB id"), self.tr("Serial number"), self.tr("Description")])
        self.ports.itemSelectionChanged.connect(self._port_chosen)
        self.port_path = QLineEdit(placeholderText=self.tr("or type a port path"))
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(self.kind_names[kind], kind)
        self.assign_button = QPushButton(self.tr("Check and assign"), objectName="confirm")
        self.assign_button.clicked.connect(self._assign)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.message = QLabel(objectName="status")
        self.message.setWordWrap(True)

        self.devices = table([self.tr("Port"), self.tr("Kind"), self.tr("Model"), self.tr("Serial number"),
                               self.tr("Firmware"), self.tr("State"), self.tr("Last contact"), self.tr("Battery")])
        self.devices.itemSelectionChanged.connect(self._device_chosen)
        # Long stable paths would push the figures off the side: keep their ends.
        self.devices.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.devices.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.devices.setColumnWidth(0, 260)
        self.test_button = QPushButton(self.tr("Test: signal the resident"))
        self.learn_button = QPushButton(self.tr("Learn mode on"))
        self.learn_off_button = QPushButton(self.tr("Learn mode off"))
        self.forget_button = QPushButton(self.tr("Forget device"))
        self.signal_button = QPushButton(self.tr("Check signal"))
        self.sms_number = QLineEdit(placeholderText=self.tr("phone number for a test SMS"))
        self.sms_button = QPushButton(self.tr("Send test SMS"))
        self.signal_button.clicked.connect(lambda: self._selected() and self.signal_check_requested.emit(self._selected()))
        self.sms_button.clicked.connect(self._send_sms)
        self.test_button.clicked.connect(lambda: self._selected() and self.test_requested.emit(self._selected()))
        self.learn_button.clicked.connect(lambda: self._selected() and self.learn_requested.emit(self._selected(), True))
        self.learn_off_button.clicked.connect(lambda: self._selected() and self.learn_requested.emit(self._selected(), False))
        self.forget_button.clicked.connect(lambda: self._selected() and self.forget_requested.emit(self._selected()))
        self.sensors_title = QLabel(self.tr("Enrolled sensors"))
        self.sensors = table([self.tr("Sensor"), self.tr("Kind"), self.tr("Battery"), self.tr("Signal"),
                               self.tr("Last check-in"), self.tr("State")])

        for button in (self.assign_button, self.refresh_button, self.test_button, self.learn_button,
                       self.learn_off_button, self.forget_button, self.signal_button, self.sms_button):
            button.setMinimumHeight(theme.min_target_px)

        assign_row = QHBoxLayout()
        assign_row.addWidget(self.port_path, 2)
        assign_row.addWidget(self.kind, 1)
        assign_row.addWidget(self.assign_button)
        assign_row.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        for widget in (self.test_button, self.learn_button, self.learn_off_button, self.signal_button,
                       self.sms_number, self.sms_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.forget_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Serial ports found")))
        layout.addWidget(self.ports, 2)
        layout.addLayout(assign_row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr("Assigned devices")))
        layout.addWidget(self.devices, 2)
        layout.addLayout(actions)
        layout.addWidget(self.sensors_title)
        layout.addWidget(self.sensors, 2)
        self._device_chosen()

    # -- showing -----------------------------------------------------------------------

    def show_ports(self, ports: list[PortInfo]) -> None:
        fill(self.ports, [[p.path, p.usb_id, p.serial_number, p.description] for p in ports])

    def show_devices(self, statuses: list[DeviceStatus]) -> None:
        chosen = self._selected()
        self._statuses = statuses
        rows = []
        for s in statuses:
            ident = s.identity
            rows.append([
                s.port, self.kind_names.get(s.kind, s.kind),
                ident.model if ident else "", ident.serial if ident else "", ident.firmware if ident else "",
                self._state_text(s), self._time(s.last_contact), f"{s.battery} %" if s.battery is not None else "",
            ])
        fill(self.devices, rows)
        for row, status in enumerate(statuses):
            if status.port == chosen:
                self.devices.selectRow(row)
        self._device_chosen()

    def show_sensors(self, sensors: list[SensorState]) -> None:
        names = {"fall": self.tr("fall detector"), "help": self.tr("help button"), "bed": self.tr("bed sensor"),
                 "door": self.tr("door sensor")}
        fill(self.sensors, [[s.sensor_id, names.get(s.kind, s.kind), f"{s.battery} %" if s.battery is not None else "",
                              f"{s.rssi} dBm" if s.rssi is not None else "", self._time(s.last_seen),
                              self.tr("silent") if s.silent else self.tr("ok")] for s in sensors])

    def show_message(self, text: str, ok: bool) -> None:
        show_status(self.message, text, ok)

    def _state_text(self, status: DeviceStatus) -> str:
        if status.silent:
            return self.tr("silent")
        if status.connected:
            return self.tr("connected") + (f": {status.problem}" if status.problem else "")
        return status.problem or self.tr("not connected")

    def _time(self, moment) -> str:
        return f"{moment.astimezone(self._zone):%d.%m %H:%M:%S}" if moment else ""

    # -- choosing ------------------------------------------------------------------------

    def _port_chosen(self) -> None:
        rows = self.ports.selectionModel().selectedRows()
        if rows:
            self.port_path.setText(self.ports.item(rows[0].row(), 0).text())

    def _assign(self) -> None:
        port = self.port_path.text().strip()
        if not port:
            self.show_message(self.tr("Choose a port in the list or type its path."), ok=False)
            return
        self.assign_button.setEnabled(False)
        self.show_message(self.tr("Checking {port}...").format(port=port), ok=True)
        self.assign_requested.emit(port, self.kind.currentData())

    def assign_finished(self) -> None:
        self.assign_button.setEnabled(True)

    def _selected(self) -> str:
        rows = self.devices.selectionModel().selectedRows()
        return self.devices.item(rows[0].row(), 0).text() if rows else ""

    def selected_status(self) -> DeviceStatus | None:
        port = self._selected()
        return next((s for s in self._statuses if s.port == port), None)

    def _device_chosen(self) -> None:
        status = self.selected_status()
        kind = status.kind if status else ""
        self.test_button.setVisible(kind == "dispenser")
        for widget in (self.learn_button, self.learn_off_button, self.sensors_title, self.sensors):
            widget.setVisible(kind == "sensor_receiver")
        for widget in (self.signal_button, self.sms_number, self.sms_button):
            widget.setVisible(kind == "gsm_modem")
        self.forget_button.setEnabled(status is not None)
        connected = bool(status and status.connected)
        for button in (self.test_button, self.learn_button, self.learn_off_button, self.signal_button, self.sms_button):
            button.setEnabled(connected)

    def _send_sms(self) -> None:
        number = self.sms_number.text().strip()
        if not number:
            self.show_message(self.tr("Type the phone number to send the test SMS to."), ok=False)
        elif self._selected():
            self.sms_requested.emit(self._selected(), number)
