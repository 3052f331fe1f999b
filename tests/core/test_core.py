"""The core's loop thread: commands in, messages out, and a shutdown that loses nothing."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from hub_app.config import HubConfig
from hub_app.messages import AlarmChanged, EventRecorded, StateChanged
from hub_app.core import Core, CoreStopped
from hub_app.store import Store, StoreError
from vocabulary import DeviceKind, EventKind, Problem


@pytest.fixture
def config(tmp_path):
    return HubConfig().with_data_dir(tmp_path / "data")


def test_commands_run_on_the_core_thread_and_messages_come_from_it(config):
    core = Core(config)
    seen = []
    core.subscribe(lambda message: seen.append((type(message), threading.current_thread().name)))
    core.start()
    try:
        event = core.call(core.rules.help_pressed, "pendant")
        core.call(core.screen.set_problem, Problem(DeviceKind.DISPENSER, "silent"))
        core.call(core.screen.set_problem, Problem(DeviceKind.DISPENSER, "silent"))  # no change: no message
    finally:
        core.stop()
    assert event.id is not None and event.source == "pendant"
    assert seen == [(AlarmChanged, "hub-core"), (EventRecorded, "hub-core"), (StateChanged, "hub-core")]
    assert core.state.problems == (Problem(DeviceKind.DISPENSER, "silent"),)


def test_every_accepted_command_is_stored_even_when_stop_comes_at_once(config):
    """Help presses race a shutdown: each press is either refused (CoreStopped, so the
    screen can say so) or stored. None is accepted and then lost."""
    core = Core(config)
    core.start()
    accepted, refused = [], []

    def press_help() -> None:
        for _ in range(40):
            try:
                accepted.append(core.submit(core.rules.help_pressed, "screen"))
            except CoreStopped:
                refused.append(1)

    presser = threading.Thread(target=press_help)
    presser.start()
    core.stop()
    presser.join()
    uids = [future.result(timeout=0).uid for future in accepted]  # every accepted one finished
    assert len(uids) + len(refused) == 40
    store = Store(config.data_dir / "hub.db")
    try:
        stored = {event.uid for event in store.events(kind=EventKind.ALARM, limit=1000)}
        assert set(uids) == stored
        actions = [row["action"] for row in store.audit_rows(limit=1000)]
        assert actions.count("alarm.raised") == len(uids)
        assert actions[0] == "hub.stopped"  # the last thing written
    finally:
        store.close()


def test_after_stop_commands_are_refused_not_dropped(config):
    core = Core(config)
    core.start()
    core.stop()
    with pytest.raises(CoreStopped):
        core.submit(core.rules.help_pressed)
    core.stop()  # a second stop is harmless


def test_a_store_written_by_a_newer_hub_stops_the_start_with_its_error(config):
    # Nothing is damaged: the technician installs that version again (a damaged store
    # is set aside instead: tests/test_store_recovery.py).
    config.data_dir.mkdir(parents=True)
    conn = sqlite3.connect(config.data_dir / "hub.db")
    conn.execute("PRAGMA user_version = 999")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY)")
    conn.close()
    core = Core(config)
    with pytest.raises(StoreError, match="newer"):
        core.start()
    with pytest.raises(CoreStopped):
        core.submit(core.rules.help_pressed)


def test_a_short_fall_countdown_ends_on_time_without_waiting_for_the_next_look(config):
    """A countdown wakes the hub for its end, however short: the heartbeat look (an hour
    here) is not what raises the alarm."""
    import dataclasses
    import time

    config = dataclasses.replace(config, alarms=dataclasses.replace(config.alarms, fall_countdown_seconds=2))
    core = Core(config, heartbeat_s=3600)
    core.start()
    try:
        view = core.call(core.alarms.start, "fall", "sensor:00D4E5F6")
        assert view.state == "countdown"
        deadline = time.monotonic() + 10
        while core.call(core.alarms.get, view.uid).state == "countdown" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert core.call(core.alarms.get, view.uid).state != "countdown"
        assert time.monotonic() < deadline
    finally:
        core.stop()
