"""The technician's page for Bluetooth health devices: scan for devices nearby, pair
one (it must connect, bond and show its profile's service first), see the paired ones,
test-read one (battery and device information, now) and forget one. Only paired
devices are ever connected or believed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from devices.ble_health import PROFILES, Advert, BleStatus
from hub_app.ui.theme import Theme
from hub_app.ui.widgets import fill, show_status, table


class BluetoothScreen(QWidget):
    scan_requested = Signal()
    pair_requested = Signal(str, str)  # address, profile
    forget_requested = Signal(str)
    test_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, theme: Theme, time_zone: str) -> None:
        super().__init__()
        self.setObjectName("bluetooth_screen")
        self._zone = ZoneInfo(time_zone)
        self._adverts: list[Advert] = []
        self.profile_names = {
            "blood_pressure": self.tr("Blood-pressure monitor"), "pulse": self.tr("Pulse sensor"),
            "oximeter": self.tr("Pulse oximeter"), "thermometer": self.tr("Thermometer"),
            "scale": self.tr("Scale"), "glucose": self.tr("Blood-sugar meter"),
        }
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.clicked.connect(self._scan)
        self.found = table([self.tr("Name"), self.tr("Address"), self.tr("Signal"), self.tr("Kind"), self.tr("Paired")])
        self.found.itemSelectionChanged.connect(self._advert_chosen)
        self.profile = QComboBox()
        for key in PROFILES:
            self.profile.addItem(self.profile_names[key], key)
        self.pair_button = QPushButton(self.tr("Pair"), objectName="confirm")
        self.pair_button.clicked.connect(self._pair)
        self.message = QLabel(objectName="status")
        self.message.setWordWrap(True)
        self.paired = table([self.tr("Address"), self.tr("Kind"), self.tr("Model"), self.tr("Serial number"),
                              self.tr("Firmware"), self.tr("State"), self.tr("Last contact"), self.tr("Battery")])
        self.forget_button = QPushButton(self.tr("Forget device"))
        self.forget_button.clicked.connect(self._forget)
        self.test_button = QPushButton(self.tr("Test read"))
        self.test_button.clicked.connect(self._test)
        for button in (self.scan_button, self.pair_button, self.forget_button, self.test_button):
            button.setMinimumHeight(theme.min_target_px)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Health devices nearby")), 1)
        top.addWidget(self.scan_button)
        pair_row = QHBoxLayout()
        pair_row.addWidget(self.profile, 1)
        pair_row.addWidget(self.pair_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)
        bottom.addStretch(1)
        bottom.addWidget(self.forget_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.found, 2)
        layout.addLayout(pair_row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr("Paired with this hub")))
        layout.addWidget(self.paired, 2)
        layout.addLayout(bottom)

    def _scan(self) -> None:
        self.scan_button.setEnabled(False)
        self.show_message(self.tr("Looking for health devices nearby..."), ok=True)
        self.scan_requested.emit()

    def show_found(self, found: list[tuple[Advert, bool]]) -> None:
        self.scan_button.setEnabled(True)
        self._adverts = [advert for advert, _ in found]
        fill(self.found, [[a.name, a.address, f"{a.rssi} dBm" if a.rssi is not None else "",
                            self.profile_names.get(a.profile, self.tr("not recognised")),
                            self.tr("yes") if paired else self.tr("no")] for a, paired in found])
        self.show_message(self.tr("{count} health device(s) found.").format(count=len(found)), ok=True)

    def scan_failed(self, reason: str) -> None:
        self.scan_button.setEnabled(True)
        self.show_message(self.tr("Scanning failed: {reason}").format(reason=reason), ok=False)

    def _advert_chosen(self) -> None:
        rows = self.found.selectionModel().selectedRows()
        if rows and self._adverts[rows[0].row()].profile:
            self.profile.setCurrentIndex(self.profile.findData(self._adverts[rows[0].row()].profile))

    def _pair(self) -> None:
        rows = self.found.selectionModel().selectedRows()
        if not rows:
            self.show_message(self.tr("Scan, then choose the device to pair in the list."), ok=False)
            return
        address = self._adverts[rows[0].row()].address
        self.pair_button.setEnabled(False)
        self.show_message(self.tr("Pairing {address}... (put the device in pairing mode if it has one)").format(address=address), ok=True)
        self.pair_requested.emit(address, self.profile.currentData())

    def pair_finished(self, text: str, ok: bool) -> None:
        self.pair_button.setEnabled(True)
        self.show_message(text, ok=ok)

    def show_paired(self, statuses: list[BleStatus]) -> None:
        rows = []
        for s in statuses:
            state = self.tr("connected") if s.connected else (s.problem or self.tr("waiting for the device"))
            last = f"{s.last_contact.astimezone(self._zone):%d.%m %H:%M:%S}" if s.last_contact else ""
            rows.append([s.address, self.profile_names.get(s.profile, s.profile), s.model, s.serial, s.firmware,
                         state, last, f"{s.battery} %" if s.battery is not None else ""])
        fill(self.paired, rows)

    def _chosen_paired(self) -> str | None:
        rows = self.paired.selectionModel().selectedRows()
        if not rows:
            self.show_message(self.tr("Choose a paired device in the list first."), ok=False)
            return None
        return self.paired.item(rows[0].row(), 0).text()

    def _forget(self) -> None:
        address = self._chosen_paired()
        if address:
            self.forget_requested.emit(address)

    def _test(self) -> None:
        address = self._chosen_paired()
        if address:
            self.test_button.setEnabled(False)
            self.show_message(self.tr("Reading {address}...").format(address=address), ok=True)
            self.test_requested.emit(address)

    def show_test_read(self, result) -> None:
        """`result`: a TestRead, or an exception with the reason in plain words."""
        self.test_button.setEnabled(True)
        if isinstance(result, BaseException):
            self.show_message(self.tr("Test read failed: {reason}").format(reason=result), ok=False)
            return
        s = result.status
        battery = f"{s.battery} %" if s.battery is not None else self.tr("unknown")
        last = (f"{result.last_reading.occurred_at.astimezone(self._zone):%d.%m %H:%M}" if result.last_reading
                else self.tr("none yet"))
        self.show_message(self.tr("Connected. Battery {battery}. {model}, serial number {serial}, firmware {firmware}. "
                                  "Last reading stored: {last}.").format(
            battery=battery, model=s.model or "-", serial=s.serial or "-", firmware=s.firmware or "-", last=last), ok=True)

    def show_message(self, text: str, ok: bool) -> None:
        show_status(self.message, text, ok)
