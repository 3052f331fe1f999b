"""The fault suite's short run (bench/faults.py --short): the real hub and the real care
service, each SIGKILLed and broken while the resident presses, falls and takes doses,
a Bluetooth meter cut off mid-transfer, the hub killed between storing a press and
raising its alarm, its store refusing writes, its disk full, and its store damaged. Nothing the devices saw accepted is lost or
doubled, and every alarm reaches the service (or the on-call phone) within 60 s of
the fault clearing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "faults.py"


def test_the_short_fault_run_loses_nothing_and_every_alarm_reaches_a_person(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH), "--short", "--dir", str(tmp_path / "run")], cwd=REPO,
                          capture_output=True, text=True, timeout=175)
    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout)
    said = f"seed {result['seed']}, files in {result['dir']}: {json.dumps(result, indent=1)}"
    assert result["problems"] == [], said
    assert all(times >= 1 for times in result["faults_injected"].values()), said
    assert set(result["faults_injected"]) >= {"hub_kill", "service_kill", "service_faults", "ble_disconnect",
                                              "reaction_kill", "store_error", "disk_full", "damaged_store"}, said
    assert result["events_accepted"] > 0 and result["alarms_accepted"] > 0, said
    assert result["lost"] == 0, said
    assert result["duplicated"] == 0, said
    assert result["alarms_not_reached"] == 0, said
    assert result["longest_press_to_alarm_after_fault_cleared_s"] <= 60, said
    assert done.returncode == 0, said
