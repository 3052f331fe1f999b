"""The technician's Bluetooth page, with real widgets, real bleak and the BlueZ stand-in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from devices.simulators.health_peripherals import BloodPressureCuff, Oximeter

LEFT = Qt.MouseButton.LeftButton


def test_scan_pair_and_forget_from_the_page(air, hub, qtbot, screenshot, technician_tab):
    cuff = air.add(BloodPressureCuff())
    air.add(Oximeter())
    core, window = hub(language="en")
    page = technician_tab(window, window.bluetooth)

    qtbot.mouseClick(page.pair_button, LEFT)
    assert "choose the device" in page.message.text()  # nothing chosen: a plain request
    qtbot.mouseClick(page.scan_button, LEFT)
    qtbot.waitUntil(lambda: page.found.rowCount() == 2, timeout=20000)
    names = {page.found.item(r, 0).text(): r for r in range(2)}
    assert set(names) == {"BP-7000", "Oxi-1"}
    page.found.selectRow(names["BP-7000"])
    assert page.profile.currentData() == "blood_pressure"  # recognised from its advertisement
    qtbot.mouseClick(page.pair_button, LEFT)
    qtbot.waitUntil(lambda: page.pair_button.isEnabled(), timeout=60000)
    assert page.message.text() == f"Paired BP-7000 ({cuff.address})."
    qtbot.waitUntil(lambda: page.paired.rowCount() == 1 and page.paired.item(0, 5).text() == "connected", timeout=20000)
    assert page.paired.item(0, 2).text() == "BP-7000" and page.paired.item(0, 7).text() == "90 %"
    screenshot(window, "technician-bluetooth-en")

    page.paired.selectRow(0)
    qtbot.mouseClick(page.forget_button, LEFT)
    qtbot.waitUntil(lambda: page.paired.rowCount() == 0, timeout=10000)
    actions = [row["action"] for row in core.call(_audit, core)]
    assert "ble.paired" in actions and "ble.forgotten" in actions


async def _audit(core):
    return core._store().audit_rows(limit=100)
