"""The nurse sees the home's devices: each heartbeat tells the service every device
and sensor with battery and last contact (never a reading). A real hub with a
simulated sensor receiver on a pseudo-terminal, and the real service on 127.0.0.1."""

from __future__ import annotations

import pytest
import requests
from tests.helpers.plans import running_on_a_host, wait_for

from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator
from hub_app.config import load_config
from hub_app.core import Core
from hub_app.secret_files import write_secret

FALL = "00D4E5F6"


@pytest.fixture
def receiver(tmp_path):
    sim = SensorReceiverSimulator(PtyPort(tmp_path / "ttyRX"), retry_base=0.05, sensors={FALL: "fall"})
    with running_on_a_host(sim) as host:
        yield host, sim


def test_the_heartbeat_tells_the_devices_and_their_batteries(service, receiver, tmp_path):
    host, sim = receiver
    token, patient = service.store.add_hub("Kari")
    write_secret(tmp_path / "care-service-credential", token)
    (tmp_path / "hub.toml").write_text(f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n'
                                       f"heartbeat_seconds = 10\n", encoding="utf-8")
    core = Core(load_config(tmp_path / "hub.toml").with_data_dir(tmp_path / "data"))
    core.start()
    try:
        core.call(core.serial.assign, sim.port.path, "sensor_receiver")
        host.call(sim.set_sensor_battery, FALL, 64)
        host.call(sim.send_checkins)
        wait_for(lambda: any(s.battery == 64 for s in core.call(core.serial.sensors, sim.port.path)),
                 what="the sensor's check-in")

        def told():
            core.call(core.tick)
            return {d["kind"]: d for d in service.store.devices_of(patient)}

        wait_for(lambda: "sensor_fall" in told(), timeout=20, what="the devices at the service (every 10 s)")
        devices = told()
        assert devices["sensor_receiver"]["connected"] and devices["sensor_receiver"]["last_contact"]
        assert devices["sensor_fall"]["battery"] == 64 and devices["sensor_fall"]["name"] == f"Fall sensor {FALL}"
        assert set(devices["sensor_fall"]) == {"name", "kind", "battery", "last_contact", "connected", "problem"}
    finally:
        core.stop()


def test_a_heartbeat_with_malformed_devices_is_refused_and_changes_nothing(service):
    token, patient = service.store.add_hub("Kari")
    headers = {"Authorization": f"Bearer {token}"}
    good = [{"name": "Bed sensor", "kind": "sensor_bed", "battery": 80, "last_contact": None, "connected": True,
             "problem": ""}]
    assert requests.post(f"{service.url}/hub/heartbeat", json={"devices": good}, headers=headers,
                         timeout=5).status_code == 200
    for bad in ({"devices": "all fine"}, {"devices": [{"name": "x", "battery": "full"}]},
                {"devices": [{"name": "x", "reading": 120}]}):
        answer = requests.post(f"{service.url}/hub/heartbeat", json=bad, headers=headers, timeout=5)
        assert answer.status_code == 400 and answer.json()["resourceType"] == "OperationOutcome"
    assert service.store.devices_of(patient) == good
    assert requests.post(f"{service.url}/hub/heartbeat", data="{not json", headers=headers, timeout=5).status_code == 400
