"""`welfare-hub ble decode`: a technician's "what did this device send?", as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hub(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "hub_app", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)


def test_decode_prints_the_measurement_as_json():
    result = hub("ble", "decode", "0x2A35", "1E 79 00 51 00 5E 00 E8 07 03 0F 0E 1E 2D 48 00 01 04 00")
    assert result.returncode == 0, result.stderr
    reading = json.loads(result.stdout)
    assert (reading["systolic"], reading["diastolic"], reading["pulse_rate"]) == (121.0, 81.0, 72.0)
    assert reading["timestamp"] == "2024-03-15T14:30:45" and reading["status"]["irregular_pulse"] is True


def test_a_special_value_is_no_value_not_a_number():
    result = hub("ble", "decode", "2a37", "00:FF")  # 255 bpm is a number; the SFLOAT NaN below is not
    assert result.returncode == 0 and json.loads(result.stdout)["heart_rate"] == 255
    result = hub("ble", "decode", "2a5e", "00 FF 07 48 00")  # SpO2 = NaN
    assert result.returncode == 0 and json.loads(result.stdout)["spo2"] is None


def test_bad_input_is_a_clear_error_and_exit_1():
    for args, words in ((("2a35", "1E 79"), "too short"), (("zz", "00"), "not a Bluetooth SIG UUID"),
                        (("2a35", "XY"), "not a hex digit"), (("2a00", "00"), "no codec")):
        result = hub("ble", "decode", *args)
        assert result.returncode == 1 and words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_missing_arguments_are_a_usage_error():
    assert hub("ble").returncode == 2
    assert hub("ble", "decode", "2a35").returncode == 2
