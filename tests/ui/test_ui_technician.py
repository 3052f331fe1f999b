"""The technician's door and system page, as real widgets over a real core and store."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt

from hub_app import __version__
from hub_app.migrations import LATEST_VERSION

LEFT = Qt.MouseButton.LeftButton


def enter(qtbot, window, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(window.pin.keys[digit], LEFT)
    qtbot.mouseClick(window.pin.open_key, LEFT)


def hold_corner(qtbot, window, ms: int) -> None:
    button = window.home.technician_button
    qtbot.mousePress(button, LEFT)
    qtbot.wait(ms)
    qtbot.mouseRelease(button, LEFT)


def audit_actions(core):
    async def read():
        return [row["action"] for row in core.store.audit_rows(limit=1000)]

    return list(reversed(core.call(read)))


def test_a_short_touch_in_the_corner_does_nothing_a_long_hold_opens_the_door(hub, qtbot):
    core, window = hub(language="en")
    hold_corner(qtbot, window, 400)
    qtbot.wait(1900)  # past the hold time: the released press must not open it late
    assert window.currentWidget() is window.home
    hold_corner(qtbot, window, 2200)
    assert window.currentWidget() is window.pin


def test_right_pin_opens_the_system_page_with_real_figures(hub, qtbot, screenshot):
    core, window = hub(language="en", name="Ingrid")
    qtbot.mouseClick(window.home.help_button, LEFT)  # something in the log and the store
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=5000)
    window.open_technician_door()
    screenshot(window, "technician-pin-en")
    enter(qtbot, window, "2468")
    qtbot.waitUntil(lambda: window.currentWidget() is window.technician and bool(window.system.values["database"].text()), timeout=5000)
    values = {key: label.text() for key, label in window.system.values.items()}
    assert str(core.data_dir) == values["data_dir"]
    assert f"schema {LATEST_VERSION}, 1 events" in values["database"]
    assert "Europe/Oslo" in values["clock"] and "UTC+0" in values["clock"]
    assert values["version"].startswith(__version__)
    assert values["speech"] == f"{shutil.which('espeak-ng')}, voice en"
    log_text = window.system.log.toPlainText()
    assert "Alarm raised from screen" in log_text
    assert "help" not in log_text.lower()  # the kind of alarm is health data: debug only
    assert "Ingrid" not in log_text  # no names in the log
    assert "technician.pin_ok" in audit_actions(core)
    screenshot(window, "technician-system-en")
    qtbot.mouseClick(window.technician.close_button, LEFT)
    assert window.currentWidget() is window.home


def test_five_wrong_pins_lock_the_door_and_every_try_is_audited(hub, qtbot, screenshot):
    core, window = hub(language="nb")
    window.open_technician_door()
    for tries_left in (4, 3, 2, 1):
        enter(qtbot, window, "1111")
        qtbot.waitUntil(lambda: f"{tries_left} forsøk igjen" in window.pin.message.text(), timeout=5000)
    enter(qtbot, window, "1111")
    qtbot.waitUntil(lambda: "Låst etter for mange feil PIN-koder" in window.pin.message.text(), timeout=5000)
    screenshot(window, "technician-locked-nb")
    enter(qtbot, window, "2468")  # the right PIN, but the door is locked
    qtbot.wait(300)
    assert window.currentWidget() is window.pin
    actions = [a for a in audit_actions(core) if a.startswith("technician.")]
    assert actions == ["technician.pin_wrong"] * 5 + ["technician.locked", "technician.pin_refused_locked"]


def test_no_pin_set_says_how_to_set_one(hub, qtbot):
    core, window = hub(language="en", pin=None)
    window.open_technician_door()
    enter(qtbot, window, "2468")
    qtbot.waitUntil(lambda: "welfare-hub set-pin" in window.pin.message.text(), timeout=5000)
    assert "technician.pin_not_set" in audit_actions(core)


def test_back_returns_home_and_clears_the_typed_digits(hub, qtbot):
    core, window = hub()
    window.open_technician_door()
    qtbot.mouseClick(window.pin.keys["1"], LEFT)
    assert window.pin.pin.text() == "1"
    qtbot.mouseClick(window.pin.back_button, LEFT)
    assert window.currentWidget() is window.home
    window.open_technician_door()
    assert window.pin.pin.text() == ""


def test_the_system_page_says_when_the_store_was_replaced_and_how_to_restore(hub, make_config, qtbot, screenshot):
    config = make_config(language="nb")
    config.data_dir.mkdir(parents=True, exist_ok=True)
    (config.data_dir / "hub.db").write_bytes(b"not a database: the card was pulled mid-write" * 200)
    core, window = hub(language="nb")  # the same data folder: the hub starts all the same
    window.open_technician_door()
    enter(qtbot, window, "2468")
    qtbot.waitUntil(lambda: bool(window.system.values["store_incident"].text()), timeout=5000)
    said = window.system.values["store_incident"].text()
    [aside] = [p for p in config.data_dir.glob("hub.db.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert "lageret kunne ikke leses" in said and "hjemmetjenesten ble varslet" in said
    assert aside.name in said and "hub.db" in said
    assert "store.replaced" in audit_actions(core)
    screenshot(window, "technician-system-store-replaced-nb")


def test_the_system_page_says_the_store_is_the_one_the_hub_started_with(hub, qtbot):
    core, window = hub(language="en")
    window.open_technician_door()
    enter(qtbot, window, "2468")
    qtbot.waitUntil(lambda: bool(window.system.values["store_incident"].text()), timeout=5000)
    assert window.system.values["store_incident"].text() == "never: this is the store the hub started with"
