"""The technician's page for the care service, with the real service on 127.0.0.1."""

from __future__ import annotations

from tests.helpers.service import RunningService
from PySide6.QtCore import Qt

from hub_app.secret_files import write_secret

LEFT = Qt.MouseButton.LeftButton


def test_the_care_service_page_and_test_connection(hub, qtbot, screenshot, technician_tab, tmp_path):
    service = RunningService(tmp_path / "service").start()
    try:
        token, patient = service.store.add_hub("Kari")
        write_secret(tmp_path / "care-service-credential", token)
        core, window = hub(language="en", extra=f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n')
        core.call(core.rules.help_pressed, "screen")
        window.show_home()
        page = technician_tab(window, window.technician.sync)
        window._refresh_live()
        qtbot.waitUntil(lambda: page.values["last_success"].text() not in ("", "never"), timeout=10000)
        qtbot.waitUntil(lambda: page.values["state"].text() == "connected", timeout=10000)
        assert page.values["address"].text() == service.url
        assert page.values["credential"].text().startswith("in place")
        assert page.values["queue"].text() == "0 alarm(s), 0 dose event(s), 0 reading(s)"
        qtbot.mouseClick(page.test_button, LEFT)
        qtbot.waitUntil(lambda: page.test_button.isEnabled() and page.message.text() != "Testing...", timeout=10000)
        assert page.message.text().startswith("The service answered and accepted the credential")
        screenshot(window, "technician-care-service-en")
        service.store.revoke_hub_of(patient)
        qtbot.mouseClick(page.test_button, LEFT)
        qtbot.waitUntil(lambda: page.test_button.isEnabled() and page.message.text() != "Testing...", timeout=10000)
        assert "refused this hub's credential" in page.message.text()
    finally:
        service.stop()


def test_without_a_care_service_the_page_says_so(hub, qtbot, technician_tab):
    core, window = hub(language="en")
    page = technician_tab(window, window.technician.sync)
    window._refresh_live()
    qtbot.waitUntil(lambda: page.values["address"].text().startswith("not set"), timeout=5000)
    qtbot.mouseClick(page.test_button, LEFT)
    qtbot.waitUntil(lambda: page.test_button.isEnabled() and "no care service is configured" in page.message.text(),
                    timeout=5000)
