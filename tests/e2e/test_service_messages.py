"""What the nurse decides reaches the home: a message for the resident on the hub's
screen (read aloud, kept until read, never shown twice), the note written when an
alarm is resolved, each handled once across reconnects and restarts. Both programs
run for real on 127.0.0.1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from tests.helpers.plans import wait_for

from hub_app.secret_files import write_secret


def connect_hub(hub, service, tmp_path, language="en"):
    token, patient = service.store.add_hub("Kari Nordmann")
    write_secret(tmp_path / "care-service-credential", token)
    core, window = hub(language=language,
                       extra=f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n')
    return core, window, patient


def audit(core):
    async def rows():
        return core.store.audit_rows(limit=50)

    return core.call(rows)


def test_a_nurses_message_is_shown_read_aloud_and_kept_until_read(hub, service, qtbot, screenshot, tmp_path):
    core, window, patient = connect_hub(hub, service, tmp_path)
    service.message(patient, "We come at 14 today instead of 12. Regards, Nina", "Nurse Nina")
    qtbot.waitUntil(lambda: window.currentWidget() is window.message, timeout=5000)
    assert window.message.title.text().startswith("A message from Nurse Nina at ")
    assert window.message.body.text() == "We come at 14 today instead of 12. Regards, Nina"
    from PySide6.QtGui import QFontInfo

    # the words, large (fonts are set in pixels of the real screen: compared as shown)
    assert QFontInfo(window.message.body.font()).pointSizeF() >= QFontInfo(window.message.title.font()).pointSizeF() + 6
    qtbot.waitUntil(lambda: any((tmp_path / "speech").glob("*.wav")), timeout=5000)  # said aloud
    screenshot(window, "nurse-message-en")
    qtbot.mouseClick(window.message.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentWidget() is window.home, timeout=5000)
    assert core.call(core.link.unread_messages) == []
    assert any(row["action"] == "message.read" for row in audit(core))


def test_a_message_that_arrives_during_an_alarm_waits_for_the_home_screen(hub, service, qtbot, tmp_path):
    core, window, patient = connect_hub(hub, service, tmp_path)
    qtbot.mouseClick(window.home.help_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentWidget() is window.help, timeout=10000)
    service.message(patient, "Vi kommer straks", "Nina")
    wait_for(lambda: len(core.call(core.link.unread_messages)) == 1, what="the message kept")
    assert window.currentWidget() is window.help  # the alarm screen is never covered
    qtbot.mouseClick(window.help.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.currentWidget() is window.message, timeout=10000)
    assert window.message.body.text() == "Vi kommer straks"


def test_after_a_restart_nothing_is_repeated_and_what_came_meanwhile_arrives_once(service, tmp_path):
    from hub_app.config import load_config
    from hub_app.core import Core

    token, patient = service.store.add_hub("Kari")
    write_secret(tmp_path / "care-service-credential", token)
    (tmp_path / "hub.toml").write_text(f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n',
                                       encoding="utf-8")

    def start():
        core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
        core.start()
        return core

    core = start()
    try:
        alarm = core.call(core.rules.help_pressed, "screen")
        wait_for(lambda: service.store.find_by_identifier(
            "DetectedIssue", f"urn:ietf:rfc:3986|urn:uuid:{alarm.uid}"), what="the alarm at the service")
        service.message(patient, "first", "Nina")
        wait_for(lambda: [m.text for m in core.call(core.link.unread_messages)] == ["first"], what="the first message")
        core.call(core.link.message_read, core.call(core.link.unread_messages)[0].number)
        core.stop()
        service.resolve(alarm.uid, "Nina", "Helped Kari up; no injury")  # acknowledges and resolves
        service.message(patient, "second", "Nina")
        core = start()
        wait_for(lambda: [m.text for m in core.call(core.link.unread_messages)] == ["second"], what="the second message")
        wait_for(lambda: any(r["action"] == "alarm.resolved" for r in audit(core)), what="the resolution")
        assert core.call(core.alarms.active) == []
        stored = core.call(lambda: _alarm(core, alarm.uid))
        assert stored["acknowledged_by"] == "Nina"
        assert stored["detail"]["resolution"] == {"by": "Nina", "note": "Helped Kari up; no injury"}
        assert [r["action"] for r in audit(core)].count("alarm.resolved") == 1
    finally:
        core.stop()


async def _alarm(core, uid):
    return core.store.alarm(uid)


def test_a_message_heard_twice_is_kept_and_shown_once(tmp_path):
    import asyncio
    from datetime import datetime, timezone

    from hub_app.alarms import Alarms, CareLinkState
    from hub_app.service_inbox import ServiceInbox
    from hub_app.store import Store

    store = Store(tmp_path / "hub.db")
    shown = []
    clock = lambda: datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)  # noqa: E731
    async def nothing(*_args):
        return None

    from hub_app.calls import Calls
    from hub_app.config import HubConfig
    from hub_app.context import HubContext

    ctx = HubContext(HubConfig(), store, clock, emit=lambda message: None, spawn=asyncio.ensure_future, look=nothing,
                     wake=lambda: None, send_sms=nothing)
    alarms = Alarms(ctx, link=lambda: CareLinkState(), on_change=lambda view: None)
    calls = Calls(ctx, origins=frozenset, auto_answer=lambda: False, on_change=lambda view: None)
    inbox = ServiceInbox(store, alarms, calls, nothing, shown.append, clock)
    for _ in range(2):
        asyncio.run(inbox.receive(7, "message", {"text": "Hei Kari", "from": "Nina"}))
    asyncio.run(inbox.receive(8, "something_new", {}))
    assert [m.text for m in shown] == ["Hei Kari"] and inbox.resume_after == 8
    asyncio.run(inbox.receive(9, "message", {"text": "   ", "from": "Nina"}))  # nothing to show
    assert len(shown) == 1 and [m.number for m in inbox.unread()] == [7]
    store.close()
