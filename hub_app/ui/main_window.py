"""The hub's one window: a stack of screens, one shown at a time."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QPushButton, QStackedWidget, QWidget

from hub_app.config import HubConfig
from hub_app.alarms import AlarmView
from hub_app.messages import LiveValue
from hub_app.reminders import ReminderView
from hub_app.speech import Speaker
from hub_app.technician import DoorAnswer
from hub_app.calls import CallView
from hub_app.ui.bridge import CoreBridge
from hub_app.ui.call_out_screen import CallOutScreen
from hub_app.ui.call_screen import CallScreen
from hub_app.ui.help_screen import HelpScreen
from hub_app.ui.home_screen import HomeScreen
from hub_app.ui.countdown_screen import CountdownScreen
from hub_app.ui.measure_screen import MeasureScreen
from hub_app.ui.message_screen import MessageScreen
from hub_app.ui.my_data_screen import MyDataScreen
from hub_app.ui.reminder_screen import ReminderScreen
from hub_app.ui.technician_screens import PinScreen, TechnicianArea
from hub_app.ui.theme import Theme, screen_px_per_inch
from hub_app.ui.widgets import scroll_when_too_tall
from vocabulary.alarm_kinds import RESIDENT_FACING
from vocabulary import Event

log = logging.getLogger(__name__)


class MainWindow(QStackedWidget):
    def __init__(self, bridge: CoreBridge, config: HubConfig, locale: QLocale, date_format: str, speaker: Speaker,
                 px_per_inch: float | None = None, larger_text: bool | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Welfare hub")
        self.bridge = bridge
        core = bridge.core
        screen = QGuiApplication.primaryScreen()
        # Sizes are physical: from the screen's real pixels per inch (a test gives its own).
        self._px_per_inch = px_per_inch or screen_px_per_inch(screen)
        larger = config.resident.larger_text if larger_text is None else larger_text
        self.theme = Theme.for_screen(larger, self._px_per_inch)
        self.setStyleSheet(self.theme.stylesheet())
        zone = config.resident.time_zone
        self._zone = ZoneInfo(zone)

        self.home = HomeScreen(self.theme, locale, date_format, config.resident.name, zone,
                               now=lambda: core.clock().timestamp())
        self.help = HelpScreen(self.theme)
        self.speaker = speaker
        self.measure = MeasureScreen(self.theme, locale, zone, speaker, clock=core.clock)
        self.reminder = ReminderScreen(self.theme, zone, speaker)
        self.countdown = CountdownScreen(self.theme, speaker, now=core.clock)
        self.my_data = MyDataScreen(self.theme)
        self.message = MessageScreen(self.theme, zone, speaker)
        self.call = CallScreen(self.theme, zone, speaker, core.call_origins, now=core.clock)
        self.call_out = CallOutScreen(self.theme)
        self.pin = PinScreen(self.theme, zone)
        self.technician = TechnicianArea(self.theme, zone)
        self.system = self.technician.system
        self.system.show_speech(speaker.engine, speaker.voice)
        self.serial = self.technician.serial
        self.bluetooth = self.technician.bluetooth
        for page in (self.home, self.help, self.measure, self.reminder, self.countdown, self.my_data, self.message, self.call,
                     self.call_out, self.pin, self.technician):
            self.addWidget(page)

        # Help from every screen a resident can be on: the home screen has its own big
        # button; the others share this one, in the bottom left corner.
        self.help_corner = QPushButton(self.tr("Help"), self, objectName="help_corner")
        self.help_corner.setAccessibleName(self.tr("Help: call the home-care service"))
        self.help_corner.clicked.connect(self._ask_for_help)
        self.help_corner.hide()
        self.currentChanged.connect(lambda _index: self._place_help_corner())

        # Taller than the window (a small screen, larger text): these scroll, never squeeze.
        # (Not the countdown: its "I'm OK" must never scroll out of sight.)
        for page in (self.help, self.reminder, self.message, self.my_data, self.call.ringing,
                     self.call.missed, self.call_out, self.measure.guide_page, self.measure.result_page):
            scroll_when_too_tall(page)

        self.home.first_painted.connect(self._log_first_frame)
        self.home.help_pressed.connect(self._ask_for_help)
        self.home.technician_requested.connect(self.open_technician_door)
        self.home.larger_text_requested.connect(self._choose_larger_text)
        self.help.done.connect(self.show_home)
        self.home.measure_requested.connect(self.start_measurement)
        self.measure.done.connect(self.show_home)
        self.measure.history_requested.connect(self._reading_history)
        bridge.live_value.connect(self._live_value)
        bridge.reminder_changed.connect(self._reminder_changed)
        bridge.alarm_changed.connect(self._alarm_changed)
        bridge.nurse_message.connect(self._nurse_message)
        self.message.read.connect(self._message_read)
        bridge.call_changed.connect(self._call_changed)
        self.call.answer.connect(lambda uid: self._call_command(self.bridge.core.calls.answer, uid))
        self.call.decline.connect(lambda uid: self._call_command(self.bridge.core.calls.decline, uid))
        self.call.end.connect(lambda uid: self._call_command(self.bridge.core.calls.end, uid))
        self.call.done.connect(self.show_home)
        self.home.call_requested.connect(self._choose_call)
        self.call_out.back.connect(self.show_home)
        self.call_out.call_requested.connect(self._call_out)
        self.reminder.later.connect(self.show_home)
        self.reminder.confirmed.connect(self._confirm_reminder)
        self.reminder.measure_requested.connect(self.start_measurement)
        self.countdown.im_ok.connect(self._im_ok)
        self.home.my_data_requested.connect(self._show_my_data)
        self.my_data.done.connect(self.show_home)
        bridge.event_recorded.connect(self._event_recorded)
        self.pin.cancelled.connect(self.show_home)
        self.pin.submitted.connect(self._check_pin)
        self.technician.closed.connect(self._close_technician_pages)
        self.system.refresh_requested.connect(self._refresh_system)
        self.serial.refresh_requested.connect(self._refresh_serial)
        self.serial.assign_requested.connect(self._assign_port)
        self.serial.forget_requested.connect(self._forget_port)
        self.serial.test_requested.connect(self._test_dispenser)
        self.serial.learn_requested.connect(self._learn)
        self.serial.signal_check_requested.connect(self._check_modem)
        self.serial.sms_requested.connect(self._test_sms)
        self.bluetooth.scan_requested.connect(self._ble_scan)
        self.bluetooth.pair_requested.connect(self._ble_pair)
        self.bluetooth.forget_requested.connect(self._ble_forget)
        self.bluetooth.test_requested.connect(self._ble_test_read)
        self.sync = self.technician.sync
        self.sync.test_requested.connect(lambda: self.bridge.run(self.bridge.core.link.test, on_result=self.sync.show_test,
                                                                  on_error=self.sync.show_test))
        self.serial.devices.itemSelectionChanged.connect(self._refresh_sensors)
        # While the technician pages are open, their figures follow the devices.
        self._live = QTimer(self, interval=2000)
        self._live.timeout.connect(self._refresh_live)
        bridge.state_changed.connect(self.home.show_state)
        self.home.show_state(core.state)
        # What was already under way when the window opened (a restart mid-alarm, a
        # reminder due while the hub was off) takes over at once.
        bridge.run(core.reminders.shown, on_result=lambda reminders: [self._reminder_changed(r) for r in reminders[:1]])
        bridge.run(core.alarms.active, on_result=lambda alarms: [self._alarm_changed(a) for a in alarms])
        bridge.run(core.link.unread_messages, on_result=lambda messages: [self._nurse_message(m) for m in messages[:1]])
        bridge.run(core.calls.open, on_result=lambda calls: [self._call_changed(c) for c in calls[:1]])

    def show_home(self) -> None:
        self.setCurrentWidget(self.home)
        # A nurse's message that waited behind an alarm or a reminder comes now.
        self.bridge.run(self.bridge.core.link.unread_messages,
                        on_result=lambda messages: [self._nurse_message(m) for m in messages[:1]])

    def _help_corner_screens(self) -> tuple:
        return (self.measure, self.reminder, self.message, self.my_data, self.call_out, self.call)

    def _place_help_corner(self) -> None:
        corner = self.help_corner
        show = self.currentWidget() in self._help_corner_screens()
        corner.setVisible(show)
        if show:
            width = max(self.theme.target_px(40), corner.sizeHint().width())
            height = max(self.theme.target_px(17), corner.sizeHint().height())
            # A strip at the bottom of the window is kept for it: it covers nothing.
            self.setContentsMargins(0, 0, 0, height + 16)
            corner.setGeometry(12, self.height() - height - 8, width, height)
            corner.raise_()
        else:
            self.setContentsMargins(0, 0, 0, 0)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_help_corner()

    # -- larger text ------------------------------------------------------------------

    def _choose_larger_text(self, on: bool) -> None:
        self.bridge.run(self.bridge.core.settings.set_larger_text, on, on_result=self.apply_larger_text,
                        on_error=lambda _e: self.home.larger_text_button.setChecked(self.theme.scale > 1.0))

    def apply_larger_text(self, on: bool) -> None:
        """Every screen's text at the new size, at once (touch targets are in mm and stay)."""
        self.theme = Theme.for_screen(on, self._px_per_inch)
        for widget in [self, *self.findChildren(QWidget)]:
            if "_theme" in vars(widget):
                widget._theme = self.theme
        self.setStyleSheet(self.theme.stylesheet())
        self.technician.restyle(self.theme)
        self.home.larger_text_button.setChecked(on)
        self._place_help_corner()

    # -- help ---------------------------------------------------------------------

    def _ask_for_help(self) -> None:
        self.home.help_button.setEnabled(False)  # one press is one alarm
        self.help_corner.setEnabled(False)
        self.bridge.run(self.bridge.core.rules.help_pressed, "screen", on_result=self._help_recorded, on_error=self._help_failed)

    def _help_recorded(self, event: Event) -> None:
        self.home.help_button.setEnabled(True)
        self.help_corner.setEnabled(True)
        self.help.show_recorded(event.occurred_at.astimezone(self._zone))
        self.setCurrentWidget(self.help)

    def _help_failed(self, error: BaseException) -> None:
        self.home.help_button.setEnabled(True)
        self.help_corner.setEnabled(True)
        self.help.show_failed()
        self.setCurrentWidget(self.help)

    # -- reminders and alarms: the screens that take over -----------------------------------

    def _busy_with_alarm(self) -> bool:
        return self.currentWidget() in (self.countdown, self.help)

    def _reminder_changed(self, reminder: ReminderView) -> None:
        if reminder.open:
            if not self._busy_with_alarm():  # an alarm on the screen is never covered by a reminder
                self.reminder.show_reminder(reminder)
                self.setCurrentWidget(self.reminder)
        elif self.currentWidget() is self.reminder and self.reminder.reminder and self.reminder.reminder.uid == reminder.uid:
            if reminder.state in ("taken", "confirmed", "done"):
                self.reminder.show_done(reminder)
            else:
                self.show_home()

    def _confirm_reminder(self, uid: str) -> None:
        def failed(error: BaseException) -> None:
            self.reminder.confirm_finished()
            self.show_home()

        self.bridge.run(self.bridge.core.reminders.confirm, uid, on_result=lambda _r: self.reminder.confirm_finished(),
                        on_error=failed)

    def _alarm_changed(self, alarm: AlarmView) -> None:
        if alarm.type not in RESIDENT_FACING:
            return  # for the nurse and the technician (a red reading, a missed dose, a silent device)
        if alarm.state == "countdown":
            self.countdown.show_alarm(alarm)
            self.setCurrentWidget(self.countdown)
            return
        if alarm.state == "cancelled":
            if self.currentWidget() is self.countdown:
                self.countdown.stop()
                self.show_home()
            return
        if self.currentWidget() is self.countdown:
            self.countdown.stop()
        raised = datetime.fromisoformat(alarm.detail.get("raised_at")) if alarm.detail.get("raised_at") else None
        self.help.show_alarm(alarm, (raised or datetime.now(self._zone)).astimezone(self._zone))
        self.setCurrentWidget(self.help)
        if alarm.state == "taken":  # a relative or neighbour answered "yes": said aloud too
            self.speaker.say(self.help.title.text())

    # -- messages from the home-care service ----------------------------------------------

    def _nurse_message(self, message) -> None:
        # An alarm or a reminder on the screen comes first; the message waits (unread)
        # and is shown when the resident is back home.
        if self.currentWidget() in (self.home, self.message, self.my_data):
            self.message.show_message(message)
            self.setCurrentWidget(self.message)

    # -- video calls ------------------------------------------------------------------------

    def _call_changed(self, call: CallView) -> None:
        showing = self.currentWidget() is self.call and self.call.call is not None and self.call.call.uid == call.uid
        if call.state == "ringing":
            if not self._busy_with_alarm():  # an alarm is never covered; the call rings out as missed
                self.call.show_ringing(call)
                self.setCurrentWidget(self.call)
        elif call.state == "answered":
            self.call.show_in_call(call)
            self.setCurrentWidget(self.call)
        elif call.state == "missed" and call.direction == "incoming":
            if showing or self.currentWidget() in (self.home, self.call_out):
                self.call.show_missed(call)
                self.setCurrentWidget(self.call)
        elif showing:  # declined or ended: back home
            self.call.hang_up()
            self.show_home()

    def _call_command(self, command, uid: str) -> None:
        # A call that is already over (the other side hung up first) just goes home.
        def failed(_error: BaseException) -> None:
            if self.currentWidget() is self.call:
                self.call.hang_up()
                self.show_home()

        self.bridge.run(command, uid, on_error=failed)

    def _choose_call(self) -> None:
        def show(tiles) -> None:
            self.call_out.show_tiles(tiles)
            self.setCurrentWidget(self.call_out)

        self.bridge.run(self.bridge.core.call_desk.tiles, on_result=show)

    def _call_out(self, target: str) -> None:
        self.bridge.run(self.bridge.core.call_desk.call_out, target,
                        on_error=lambda _e: self.call_out.show_failed("" if target == "service" else target))

    def _message_read(self, number: int) -> None:
        self.bridge.run(self.bridge.core.link.message_read, number, on_result=lambda _r: self.show_home(),
                        on_error=lambda _e: self.show_home())

    def _show_my_data(self) -> None:
        def show(data) -> None:
            self.my_data.show_data(data)
            self.setCurrentWidget(self.my_data)

        self.bridge.run(self.bridge.core.plans.my_data, on_result=show)

    def _im_ok(self, uid: str) -> None:
        self.bridge.run(self.bridge.core.alarms.cancel, uid, on_error=lambda _e: None)

    # -- measuring ----------------------------------------------------------------------

    def start_measurement(self, profile: str) -> None:
        self.measure.start(profile, dict(self.bridge.core.plans.limits))
        self.setCurrentWidget(self.measure)

    def _live_value(self, live: LiveValue) -> None:
        if self.currentWidget() is self.measure:
            self.measure.show_live(live.profile, live.value)

    def _event_recorded(self, event: Event) -> None:
        if self.currentWidget() is self.measure and self.measure.accepts(event):
            self.measure.show_result(self.bridge.core.plans.assess(event))

    def _reading_history(self, reading_type: str, days: int) -> None:
        self.bridge.run(self.bridge.core.plans.reading_history, reading_type, days,
                        on_result=lambda items: self.measure.show_history(items, days))

    # -- technician -------------------------------------------------------------------

    def open_technician_door(self) -> None:
        self.pin.reset()
        self.setCurrentWidget(self.pin)

    def _check_pin(self, pin: str) -> None:
        self.bridge.run(self.bridge.core.door.open_with, pin, on_result=self._door_answered, on_error=lambda _e: self.pin.show_error())

    def _door_answered(self, answer: DoorAnswer) -> None:
        if answer.opened:
            self.pin.reset()
            self._refresh_system()
            self._refresh_serial()
            self.setCurrentWidget(self.technician)
            self._live.start()
        else:
            self.pin.show_answer(answer)

    def _refresh_system(self) -> None:
        self.bridge.run(self.bridge.core.diagnostics.figures, on_result=self.system.show_figures)

    def _close_technician_pages(self) -> None:
        self._live.stop()
        self.show_home()

    def _refresh_live(self) -> None:
        if self.technician.tabs.currentWidget() is self.sync:
            self.bridge.run(self.bridge.core.link.status, on_result=self.sync.show_status)
        if self.technician.tabs.currentWidget() is self.bluetooth:
            self.bridge.run(self.bridge.core.ble.statuses, on_result=self.bluetooth.show_paired)
        if self.technician.tabs.currentWidget() is self.serial:
            self.bridge.run(self.bridge.core.serial.statuses, on_result=self.serial.show_devices)
            self._refresh_sensors()

    def _refresh_serial(self) -> None:
        core = self.bridge.core
        self.bridge.run(core.serial.ports, on_result=self.serial.show_ports)
        self.bridge.run(core.serial.statuses, on_result=self.serial.show_devices)

    def _refresh_sensors(self) -> None:
        status = self.serial.selected_status()
        if status and status.kind == "sensor_receiver":
            self.bridge.run(self.bridge.core.serial.sensors, status.port, on_result=self.serial.show_sensors)

    def _assign_port(self, port: str, kind: str) -> None:
        def done(identity) -> None:
            self.serial.assign_finished()
            self.serial.show_message(
                self.tr("Assigned {port}: {model}, serial number {serial}, firmware {firmware}.").format(
                    port=port, model=identity.model, serial=identity.serial, firmware=identity.firmware), ok=True)
            self._refresh_serial()

        def failed(error: BaseException) -> None:
            self.serial.assign_finished()
            self.serial.show_message(self.tr("Not assigned: {reason}").format(reason=error), ok=False)

        self.bridge.run(self.bridge.core.serial.assign, port, kind, on_result=done, on_error=failed)

    def _forget_port(self, port: str) -> None:
        self.bridge.run(self.bridge.core.serial.unassign, port, on_result=lambda _r: self._refresh_serial())

    def _device_action(self, command, *args, done_text: str) -> None:
        self.bridge.run(command, *args,
                        on_result=lambda _r: self.serial.show_message(done_text, ok=True),
                        on_error=lambda e: self.serial.show_message(self.tr("Failed: {reason}").format(reason=e), ok=False))

    def _test_dispenser(self, port: str) -> None:
        self._device_action(self.bridge.core.serial.signal_dispenser, port,
                            done_text=self.tr("The dispenser signalled the resident."))

    def _learn(self, port: str, on: bool) -> None:
        self._device_action(self.bridge.core.serial.learn, port, on,
                            done_text=self.tr("Learn mode is on: press the button on each sensor.") if on
                            else self.tr("Learn mode is off."))

    # -- life cycle ---------------------------------------------------------------------

    def _log_first_frame(self, at_monotonic: float) -> None:
        log.info("First frame of the home screen painted (monotonic %.6f, %.3f s after core start)",
                 at_monotonic, at_monotonic - self.bridge.core.started_monotonic)

    def closeEvent(self, event: QCloseEvent) -> None:
        log.info("Window closed; shutting down")
        super().closeEvent(event)



    def _check_modem(self, port: str) -> None:
        def show(result) -> None:
            signal, registration = result
            strength = (self.tr("{dbm} dBm ({bars} of 5 bars)").format(dbm=signal.rssi_dbm, bars=signal.bars)
                        if signal.rssi_dbm is not None else self.tr("unknown"))
            networks = {"home": self.tr("home network"), "roaming": self.tr("roaming"),
                        "searching": self.tr("searching for a network"), "denied": self.tr("refused by the network"),
                        "not_registered": self.tr("not registered"), "unknown": self.tr("unknown")}
            self.serial.show_message(self.tr("Signal: {strength}. Network: {network}.").format(
                strength=strength, network=networks.get(registration.state, registration.state)),
                ok=registration.registered)

        self.bridge.run(self.bridge.core.serial.check_modem, port, on_result=show,
                        on_error=lambda e: self.serial.show_message(self.tr("Failed: {reason}").format(reason=e), ok=False))

    def _test_sms(self, port: str, number: str) -> None:
        self._device_action(self.bridge.core.serial.test_sms, port, number, done_text=self.tr("The test SMS was sent."))

    # -- Bluetooth ------------------------------------------------------------------------

    def _ble_scan(self) -> None:
        self.bridge.run(self.bridge.core.ble.scan, 5.0, on_result=self.bluetooth.show_found,
                        on_error=lambda e: self.bluetooth.scan_failed(str(e)))

    def _ble_pair(self, address: str, profile: str) -> None:
        def done(name: str) -> None:
            self.bluetooth.pair_finished(self.tr("Paired {name} ({address}).").format(name=name or "-", address=address), ok=True)
            self.bridge.run(self.bridge.core.ble.statuses, on_result=self.bluetooth.show_paired)

        self.bridge.run(self.bridge.core.ble.pair, address, profile, on_result=done,
                        on_error=lambda e: self.bluetooth.pair_finished(self.tr("Not paired: {reason}").format(reason=e), ok=False))

    def _ble_test_read(self, address: str) -> None:
        self.bridge.run(self.bridge.core.ble.test_read, address, on_result=self.bluetooth.show_test_read,
                        on_error=self.bluetooth.show_test_read)

    def _ble_forget(self, address: str) -> None:
        self.bridge.run(self.bridge.core.ble.forget, address,
                        on_result=lambda _r: self.bridge.run(self.bridge.core.ble.statuses, on_result=self.bluetooth.show_paired))
