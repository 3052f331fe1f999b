"""The reaction is as durable as the event: a help press the hub has stored (and
acknowledged to the pendant, which then stops repeating it) becomes its alarm exactly
once, also when the hub dies with SIGKILL before it has raised the alarm, and when the
store refuses the alarm's write for a while. The real hub core (in a process of its
own for the kill), a simulated sensor receiver on a pseudo-terminal, a real SQLite
store and the real care service on 127.0.0.1."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers.home import PENDANT, alarms_at, hub_config, pendant_on_a_receiver, read_store
from tests.helpers.plans import wait_for

from hub_app.config import load_config
from hub_app.core import Core

REPO = Path(__file__).resolve().parents[2]
DIES_REACTING = Path(__file__).resolve().parents[1] / "helpers" / "dies_reacting.py"


@pytest.fixture
def home(tmp_path, service):
    """The care service, a hub configured for it, and Kari's pendant on a receiver."""
    config = hub_config(tmp_path, service)
    cores: list[Core] = []
    with pendant_on_a_receiver(tmp_path) as (host, receiver):

        class Home:
            def __init__(self):
                self.service, self.receiver, self.host, self.config = service, receiver, host, config
                self.data = tmp_path / "data"

            def start_core(self) -> Core:
                core = Core(load_config(config).with_data_dir(self.data),
                            device_options={"retry_base": 0.05, "backoff_max": 0.3})
                core.start()
                cores.append(core)
                if not core.call(core.serial.statuses):
                    core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
                wait_for(lambda: all(s.connected for s in core.call(core.serial.statuses)), what="the receiver")
                return core

            def issues_at_service(self, uid: str) -> int:
                """How many alarms the service keeps for the hub's alarm `uid`."""
                return alarms_at(service).count(uid)

            def read_store(self, sql: str, *args):
                return read_store(self.data / "hub.db", sql, *args)

        yield Home()
        for core in cores:
            core.stop()


def test_a_hub_killed_between_storing_a_press_and_raising_its_alarm_raises_it_once_when_it_is_back(home):
    hub = subprocess.Popen([sys.executable, str(DIES_REACTING), str(home.config), str(home.data),
                            str(home.receiver.port.path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert hub.stdout.readline().strip() == "ready"
        seq = home.host.call(home.receiver.help_button, PENDANT)
        assert hub.wait(timeout=20) == -9  # SIGKILL, as it began to react
    finally:
        if hub.poll() is None:
            hub.kill()
    # The press was stored and acknowledged (the pendant stops repeating it); no alarm yet.
    wait_for(lambda: seq in home.receiver.acked, what="the pendant's acknowledgement")
    [(uid,)] = home.read_store("SELECT uid FROM events WHERE type = 'help_button'")
    assert home.read_store("SELECT count(*) FROM alarms") == [(0,)]
    assert home.read_store("SELECT event_uid FROM reactions") == [(uid,)]

    core = home.start_core()
    wait_for(lambda: home.issues_at_service(uid) == 1, timeout=20, what="the alarm at the care service")
    [alarm] = core.call(core.alarms.active)  # the resident's screen shows it
    assert (alarm.uid, alarm.type, alarm.state) == (uid, "help_button", "raised")
    assert home.read_store("SELECT count(*) FROM reactions") == [(0,)]
    assert home.read_store("SELECT action FROM audit_log WHERE action = 'alarm.raised'") == [("alarm.raised",)]
    core.stop()
    # Once: a second restart finds nothing left to do, and the service still has one.
    core = home.start_core()
    assert [a.uid for a in core.call(core.alarms.active)] == [uid]
    assert home.issues_at_service(uid) == 1
    assert home.read_store("SELECT count(*) FROM alarms") == [(1,)]


def test_a_store_error_on_the_way_from_press_to_alarm_is_tried_again_not_swallowed(home):
    core = home.start_core()
    # A real SQLite error on exactly that path: the store refuses to write any alarm.
    db = sqlite3.connect(home.data / "hub.db")
    with db:
        db.execute("CREATE TRIGGER refuse_alarms BEFORE INSERT ON alarms "
                   "BEGIN SELECT RAISE(ABORT, 'the store refuses to write an alarm'); END")
    seq = home.host.call(home.receiver.help_button, PENDANT)
    wait_for(lambda: seq in home.receiver.acked, what="the pendant's acknowledgement")
    wait_for(lambda: home.read_store("SELECT attempts FROM reactions")[0][0] >= 2, what="the reaction to be tried again")
    [(uid, error)] = home.read_store("SELECT event_uid, last_error FROM reactions")
    assert error == "IntegrityError"
    assert core.call(core.alarms.active) == []
    with db:
        db.execute("DROP TRIGGER refuse_alarms")
    db.close()
    wait_for(lambda: home.issues_at_service(uid) == 1, timeout=20, what="the alarm at the care service")
    [alarm] = core.call(core.alarms.active)
    assert (alarm.uid, alarm.type, alarm.state) == (uid, "help_button", "raised")
    assert home.read_store("SELECT count(*) FROM reactions") == [(0,)]
    assert home.read_store("SELECT count(*) FROM alarms") == [(1,)]
    assert home.issues_at_service(uid) == 1
