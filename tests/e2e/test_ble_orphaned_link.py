"""A hub killed (SIGKILL: a power cut of its own, the watchdog, the OOM killer) while a
Bluetooth device is connected leaves BlueZ holding the link: the device, connected,
does not advertise, so a scan never finds it again. The restarted hub takes the link
over, and the records the device keeps still arrive. The real hub (`welfare-hub run
--headless`, a process of its own) and real bleak on the BlueZ stand-in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.home import read_store
from tests.helpers.plans import wait_for

from simulators.health_peripherals import GlucoseMeter

REPO = Path(__file__).resolve().parents[2]
TECHNICIAN = REPO / "tests" / "helpers" / "technician.py"
HUB = Path(sys.executable).parent / "welfare-hub"


def test_a_hub_killed_while_a_meter_is_connected_takes_the_link_over_when_it_is_back(air, tmp_path):
    meter = air.add(GlucoseMeter(), paired=True)
    meter.add_record(5.6)
    config = tmp_path / "hub.toml"
    config.write_text('[resident]\nname = "Kari"\n', encoding="utf-8")
    data, env = tmp_path / "data", {**os.environ, **air.environment()}
    paired = subprocess.run([sys.executable, str(TECHNICIAN), str(config), str(data), f"--ble={meter.address}=glucose"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert paired.returncode == 0, paired.stderr[-2000:]

    def run_hub() -> subprocess.Popen:
        return subprocess.Popen([str(HUB), "run", "--headless", "--config", str(config), "--data-dir", str(data)],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def glucose_readings() -> int:
        return read_store(data / "hub.db", "SELECT count(*) FROM events WHERE type = 'blood_glucose'")[0][0]

    hub = run_hub()
    try:
        wait_for(lambda: meter.connected and glucose_readings() == 1, timeout=60, what="the meter's first record")
        hub.kill()
        hub.wait(10)
        assert meter.connected  # BlueZ holds the link for a process that is gone
        meter.add_record(6.1)  # measured while no hub listened
        meter.add_record(5.9)
        hub = run_hub()
        wait_for(lambda: glucose_readings() == 3, timeout=60, what="the records kept while the hub was dead")
    finally:
        hub.terminate()
        said = hub.communicate(timeout=30)[1]
    assert "still connected in BlueZ from before: taking its link over" in said
