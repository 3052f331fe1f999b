"""`welfare-hub schedule preview`, run as a technician would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "plans" / "kari.toml"


def hub(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "hub_app", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=60)


def test_preview_across_the_autumn_night_prints_json_lines():
    result = hub("schedule", "preview", "--from", "2026-10-24", "--days", "2", "--plan", str(PLAN))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["id"], x["local"], x["utc"]) for x in lines if x["id"] == "morning"] == [
        ("morning", "2026-10-24T08:00:00+02:00", "2026-10-24T06:00:00Z"),
        ("morning", "2026-10-25T08:00:00+01:00", "2026-10-25T07:00:00Z")]
    assert len(lines) == 6  # two medicines and a measurement a day; the check-in is Mon/Wed/Fri


def test_the_configured_plan_and_then_the_plan_in_force(tmp_path):
    config = tmp_path / "hub.toml"
    config.write_text(f'[care_plan]\nfile = "{PLAN}"\n', encoding="utf-8")
    result = hub("schedule", "preview", "--from", "2026-11-23", "--config", str(config))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 4  # a Monday: with the check-in

    from hub_app.care_plan import load_plan_file
    from hub_app.store import AuditEntry, Store

    store = Store(tmp_path / "data" / "hub.db")
    from datetime import datetime, timezone

    store.save_plan(3, load_plan_file(PLAN).to_json(), "test", AuditEntry("nurse", "plan.applied"),
                    at=datetime.now(timezone.utc))
    store.close()
    result = hub("schedule", "preview", "--from", "2026-11-24", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 3


def test_wrong_arguments_say_what_is_wrong():
    bad_date = hub("schedule", "preview", "--from", "2026-13-01", "--plan", str(PLAN))
    assert bad_date.returncode == 2 and "'2026-13-01' is not a date like 2026-10-24" in bad_date.stderr
    bad_days = hub("schedule", "preview", "--from", "2026-10-24", "--days", "0", "--plan", str(PLAN))
    assert bad_days.returncode == 2 and "from 1 to 366" in bad_days.stderr
    missing = hub("schedule", "preview", "--from", "2026-10-24", "--plan", "/nonexistent/plan.toml")
    assert missing.returncode == 1 and "cannot be read" in missing.stderr


def test_no_plan_anywhere_is_a_clear_error(tmp_path):
    result = hub("schedule", "preview", "--from", "2026-10-24", "--data-dir", str(tmp_path / "empty"))
    assert result.returncode == 1
    assert "there is no care plan: give one with --plan FILE, or set [care_plan] file" in result.stderr


def test_an_invalid_plan_lists_its_problems(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n[[medication]]\nname = "X"\ntimes = ["8"]\n', encoding="utf-8")
    result = hub("schedule", "preview", "--from", "2026-10-24", "--plan", str(bad))
    assert result.returncode == 1
    assert "medication[0].times[0] = '8': must be a time of day like \"08:00\"" in result.stderr
