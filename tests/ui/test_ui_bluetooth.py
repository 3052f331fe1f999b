"""The technician's Bluetooth page, with real widgets, real bleak and the BlueZ stand-in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.helpers.ble import audit_rows
from simulators.health_peripherals import BloodPressureCuff, Oximeter

LEFT = Qt.MouseButton.LeftButton


def test_scan_pair_and_forget_from_the_page(air, hub, qtbot, screenshot, technician_tab):
    cuff = air.add(BloodPressureCuff(rssi=-52, pairing_mode=False))  # its Bluetooth button not held yet
    oximeter = air.add(Oximeter(rssi=-81))
    core, window = hub(language="en")
    page = technician_tab(window, window.bluetooth)

    qtbot.mouseClick(page.pair_button, LEFT)
    assert "choose the device" in page.message.text()  # nothing chosen: a plain request
    qtbot.mouseClick(page.scan_button, LEFT)
    qtbot.waitUntil(lambda: page.found.rowCount() == 2, timeout=20000)
    # Strongest signal first: the device next to the hub is on top.
    rows = [[page.found.item(r, c).text() for c in range(5)] for r in range(2)]
    assert rows == [["BP-7000", cuff.address, "-52 dBm", "Blood-pressure monitor", "no"],
                    ["Oxi-1", oximeter.address, "-81 dBm", "Pulse oximeter", "no"]]
    [scan] = audit_rows(core, "ble.scan")
    assert scan["detail"] == {"ok": True, "found": 2}  # how many, never which
    page.found.selectRow(0)
    assert page.profile.currentData() == "blood_pressure"  # recognised from its advertisement
    qtbot.mouseClick(page.pair_button, LEFT)
    qtbot.waitUntil(lambda: page.pair_button.isEnabled(), timeout=60000)
    assert page.message.text() == ("Not paired: the device refused to pair: put it in pairing mode "
                                   "(hold its Bluetooth button) and try again")
    assert page.paired.rowCount() == 0 and audit_rows(core, "ble.pair_failed")

    cuff.set_pairing_mode(True)  # the technician holds the button and presses Pair again
    qtbot.mouseClick(page.pair_button, LEFT)
    qtbot.waitUntil(lambda: page.pair_button.isEnabled(), timeout=60000)
    assert page.message.text() == f"Paired BP-7000 ({cuff.address})."
    qtbot.waitUntil(lambda: page.paired.rowCount() == 1 and page.paired.item(0, 5).text() == "connected", timeout=20000)
    assert page.paired.item(0, 2).text() == "BP-7000" and page.paired.item(0, 7).text() == "90 %"
    screenshot(window, "technician-bluetooth-en")

    page.paired.selectRow(0)
    qtbot.mouseClick(page.forget_button, LEFT)
    qtbot.waitUntil(lambda: page.paired.rowCount() == 0, timeout=10000)
    assert audit_rows(core, "ble.paired") and audit_rows(core, "ble.forgotten")
