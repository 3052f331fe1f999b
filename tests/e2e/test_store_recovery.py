"""A damaged or lost store does not take Help away: the hub starts on a fresh store with
the devices, pairings and plan it keeps beside the store, keeps the damaged file aside
untouched, and tells the care service at once as a technical alarm. A store that was
there before and is now empty or missing is reported, never silently replaced. The real
core and store, a simulated sensor receiver on a pseudo-terminal, the real care service."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from tests.helpers.home import PENDANT, alarms_at, hub_config, pendant_on_a_receiver
from tests.helpers.plans import PLANS, wait_for

from hub_app.config import load_config
from hub_app.core import Core
from hub_app.store import Store, read_setup_copy
from hub_app.store_recovery import open_store


@pytest.fixture
def home(tmp_path, service):
    config = hub_config(tmp_path, service, sections=f'[care_plan]\nfile = "{PLANS / "kari.toml"}"\n')
    cores: list[Core] = []
    with pendant_on_a_receiver(tmp_path) as (host, receiver):

        class Home:
            db = tmp_path / "data" / "hub.db"

            def __init__(self):
                self.service, self.receiver, self.host = service, receiver, host

            def start_core(self) -> Core:
                core = Core(load_config(config).with_data_dir(tmp_path / "data"),
                            device_options={"retry_base": 0.05, "backoff_max": 0.3})
                core.start()
                cores.append(core)
                return core

            def stop(self, core: Core) -> None:
                core.stop()
                cores.remove(core)

            def installed(self) -> None:
                """A technician's visit: the receiver assigned; then the hub is switched off."""
                core = self.start_core()
                core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
                self.stop(core)

            def alarm_kinds_at_service(self) -> list[str]:
                return [kind for kind in ("help_button", "store_replaced") for _ in alarms_at(service, kind)]

        yield Home()
        for core in cores:
            core.stop()


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def help_reaches_the_service(home, core) -> None:
    wait_for(lambda: all(s.connected for s in core.call(core.serial.statuses)), what="the receiver, assigned again")
    seq = home.host.call(home.receiver.help_button, PENDANT)
    wait_for(lambda: seq in home.receiver.acked, what="the press to be stored")
    wait_for(lambda: "help_button" in home.alarm_kinds_at_service(), timeout=20, what="the help alarm at the service")


def test_a_damaged_store_is_set_aside_untouched_and_help_still_works_on_a_fresh_one(home):
    home.installed()
    with open(home.db, "r+b") as handle:  # the header's first page overwritten: not a database any more
        handle.write(os.urandom(200))
    for suffix in ("-wal", "-shm"):
        home.db.with_name(home.db.name + suffix).unlink(missing_ok=True)
    before = sha256(home.db)

    core = home.start_core()
    [aside] = home.db.parent.glob("hub.db.damaged-*")
    assert sha256(aside) == before
    [alarm] = [a for a in core.call(core.alarms.active) if a.type == "store_replaced"]
    assert alarm.detail["data"]["what"] == "damaged" and alarm.detail["data"]["set_aside"] == aside.name
    assert alarm.detail["data"]["restored"] is True
    # The receiver came back from the setup copy: the pendant reaches the nurse.
    assert [s.kind for s in core.call(core.serial.statuses)] == ["sensor_receiver"]
    help_reaches_the_service(home, core)
    assert "store_replaced" in home.alarm_kinds_at_service()
    assert core.plans.plan.version > 0  # the plan in force came back as well
    figures = core.call(core.diagnostics.figures)
    assert figures.store_incident["what"] == "damaged" and figures.store_incident["set_aside"] == aside.name


@pytest.mark.parametrize("what", ["emptied", "missing"])
def test_a_store_that_was_there_and_is_now_empty_or_missing_is_reported_not_silently_replaced(home, what):
    home.installed()
    for suffix in ("-wal", "-shm"):
        home.db.with_name(home.db.name + suffix).unlink(missing_ok=True)
    if what == "emptied":
        home.db.write_bytes(b"")
    else:
        home.db.unlink()

    core = home.start_core()
    [alarm] = [a for a in core.call(core.alarms.active) if a.type == "store_replaced"]
    assert alarm.detail["data"]["what"] == what and alarm.detail["data"]["restored"] is True
    assert len(list(home.db.parent.glob("hub.db.empty-*"))) == (1 if what == "emptied" else 0)
    help_reaches_the_service(home, core)
    wait_for(lambda: "store_replaced" in home.alarm_kinds_at_service(), what="the technical alarm at the service")


def test_a_new_hub_is_no_incident_and_a_restart_is_none_either(tmp_path):
    store, incident = open_store(tmp_path / "hub.db")
    assert incident is None
    store.close()
    store, incident = open_store(tmp_path / "hub.db")
    assert incident is None
    assert store.audit_rows(["store.replaced"]) == []
    store.close()


def test_the_setup_copy_follows_every_change_and_a_damaged_copy_is_never_fatal(tmp_path):
    from hub_app.store import AuditEntry

    store, _ = open_store(tmp_path / "hub.db")
    store.assign_device("/dev/ttyUSB0", "sensor_receiver", "RX-1", "S1", "1.0", AuditEntry("technician", "x"))
    store.pair_ble("C4:7C:8D:6A:1B:01", "blood_pressure", "Cuff", AuditEntry("technician", "y"))
    copy = read_setup_copy(tmp_path / "hub.db")
    assert [row["port"] for row in copy["serial_devices"]] == ["/dev/ttyUSB0"]
    assert [row["address"] for row in copy["ble_devices"]] == ["C4:7C:8D:6A:1B:01"]
    store.unassign_device("/dev/ttyUSB0", AuditEntry("technician", "z"))
    assert read_setup_copy(tmp_path / "hub.db")["serial_devices"] == []
    store.close()
    assert os.stat(tmp_path / "hub.db.setup.json").st_mode & 0o777 == 0o600  # contacts, medicines: the hub's only
    (tmp_path / "hub.db.setup.json").write_text("{not json", encoding="utf-8")
    assert read_setup_copy(tmp_path / "hub.db") is None
    store = Store(tmp_path / "hub.db")  # the store itself is fine, and rewrites the copy on the next change
    store.keep_setup_copy()
    assert json.loads((tmp_path / "hub.db.setup.json").read_text())["setup"]["ble_devices"][0]["profile"] == "blood_pressure"
    store.close()
