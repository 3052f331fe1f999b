"""The technician's wired-devices page with simulated devices on real ptys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from simulators.dispenser_sim import DispenserSimulator
from simulators.host import SimulatorHost
from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def sims(tmp_path):
    host = SimulatorHost()
    made = []

    def make(cls, name, **options):
        sim = cls(PtyPort(tmp_path / name), **options)
        if cls is ModemSimulator:
            host.call(sim.start, host.loop)
        else:
            host.run(sim.start())
        made.append(sim)
        return sim

    yield host, make
    for sim in made:
        if isinstance(sim, ModemSimulator):
            host.call(sim.stop)
        else:
            host.run(sim.stop())
            sim.port.close()
    host.stop()


def open_wired_devices(qtbot, window):
    window.open_technician_door()
    for digit in "2468":
        qtbot.mouseClick(window.pin.keys[digit], LEFT)
    qtbot.mouseClick(window.pin.open_key, LEFT)
    qtbot.waitUntil(lambda: window.currentWidget() is window.technician, timeout=5000)
    window.technician.tabs.setCurrentWidget(window.serial)


def assign(qtbot, window, path, kind):
    page = window.serial
    page.port_path.setText(path)
    page.kind.setCurrentIndex(page.kind.findData(kind))
    qtbot.mouseClick(page.assign_button, LEFT)
    qtbot.waitUntil(lambda: page.assign_button.isEnabled(), timeout=10000)
    return page.message.text()


def select_device(qtbot, window, path):
    page = window.serial
    qtbot.waitUntil(lambda: any(page.devices.item(r, 0).text() == path for r in range(page.devices.rowCount())), timeout=5000)
    row = next(r for r in range(page.devices.rowCount()) if page.devices.item(r, 0).text() == path)
    page.devices.selectRow(row)


def test_assign_test_and_learn_from_the_page(hub, qtbot, sims, screenshot):
    host, make = sims
    core, window = hub(language="en")
    open_wired_devices(qtbot, window)
    dispenser = make(DispenserSimulator, "dispenser", auto=False)
    receiver = make(SensorReceiverSimulator, "receiver", sensors={"00A1B2C3": "help"})

    assert "Assigned" in assign(qtbot, window, dispenser.port.path, "dispenser")
    assert "OD-28, serial number OD2400117, firmware 1.4.2" in window.serial.message.text()
    wrong = assign(qtbot, window, receiver.port.path, "dispenser")
    assert wrong.startswith("Not assigned:") and "is a sensor_receiver, not a dispenser" in wrong
    assert "Assigned" in assign(qtbot, window, receiver.port.path, "sensor_receiver")

    select_device(qtbot, window, dispenser.port.path)
    page = window.serial
    qtbot.waitUntil(lambda: page.test_button.isVisible() and page.test_button.isEnabled(), timeout=10000)
    assert not page.learn_button.isVisible()
    qtbot.mouseClick(page.test_button, LEFT)
    qtbot.waitUntil(lambda: page.message.text() == "The dispenser signalled the resident.", timeout=5000)
    assert dispenser.signals == 1

    select_device(qtbot, window, receiver.port.path)
    qtbot.waitUntil(lambda: page.learn_button.isVisible() and page.learn_button.isEnabled(), timeout=10000)
    qtbot.mouseClick(page.learn_button, LEFT)
    qtbot.waitUntil(lambda: "Learn mode is on" in page.message.text(), timeout=5000)
    assert host.call(receiver.press_to_enrol, "00C0FFEE", "door")
    qtbot.waitUntil(lambda: page.sensors.rowCount() == 2, timeout=10000)
    sensor_ids = {page.sensors.item(r, 0).text() for r in range(2)}
    assert sensor_ids == {"00A1B2C3", "00C0FFEE"}
    screenshot(window, "technician-wired-devices-en")

    actions = [row["action"] for row in core.call(_audit, core)]
    for action in ("device.assigned", "device.assign_failed", "device.test_signal", "receiver.learn_on"):
        assert action in actions


def test_modem_signal_and_test_sms_from_the_page(hub, qtbot, sims, screenshot):
    host, make = sims
    core, window = hub(language="nb")
    open_wired_devices(qtbot, window)
    modem = make(ModemSimulator, "modem")
    assert "Tilordnet" in assign(qtbot, window, modem.port.path, "gsm_modem")
    select_device(qtbot, window, modem.port.path)
    page = window.serial
    qtbot.waitUntil(lambda: page.signal_button.isVisible() and page.signal_button.isEnabled(), timeout=10000)
    qtbot.mouseClick(page.signal_button, LEFT)
    qtbot.waitUntil(lambda: page.message.text().startswith("Signal:"), timeout=10000)
    assert "dBm" in page.message.text() and "Nett: hjemmenett" in page.message.text()
    qtbot.mouseClick(page.sms_button, LEFT)
    assert "Skriv telefonnummeret" in page.message.text()  # no number: a plain request, nothing sent
    page.sms_number.setText("+47 22 33 44 55")
    qtbot.mouseClick(page.sms_button, LEFT)
    qtbot.waitUntil(lambda: page.message.text() == "Test-SMS-en er sendt.", timeout=15000)
    assert modem.sent[0].number == "+4722334455" and "æøå ÆØÅ" in modem.sent[0].text
    screenshot(window, "technician-modem-nb")
    actions = [row["action"] for row in core.call(_audit, core)]
    assert "modem.checked" in actions and "modem.test_sms" in actions


async def _audit(core):
    return core.store.audit_rows(limit=1000)
