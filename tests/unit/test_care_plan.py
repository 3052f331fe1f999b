"""The care plan: read whole or refused whole, with every problem said."""

from __future__ import annotations

import json
import tomllib
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_app.care_plan import PlanError, load_plan_file, parse_plan, plan_from_json
from hub_app.vitals import DEFAULT_LIMITS, Limits

PLANS = Path(__file__).parents[1] / "plans"


def kari() -> dict:
    return tomllib.loads((PLANS / "kari.toml").read_text(encoding="utf-8"))


def test_a_whole_plan_is_read():
    plan = load_plan_file(PLANS / "kari.toml")
    assert plan.version == 3
    assert [(m.id, m.times, m.compartment, m.window_minutes) for m in plan.medications] == [
        ("morning", (time(8, 0),), 1, 60), ("evening", (time(20, 0),), 2, 60)]
    assert plan.measurements[0].kind == "blood_pressure" and plan.measurements[0].window_minutes == 120
    assert plan.check_ins[0].days == ("mon", "wed", "fri") and plan.check_ins[0].who == "Sykepleier Kari"
    assert [(c.name, c.consent) for c in plan.contacts] == [("Ola Nordmann", True), ("Nabo Berit", False)]
    assert plan.limits["systolic"] == Limits(green=(100, 150), yellow=(90, 170))
    assert plan.limits["diastolic"] == DEFAULT_LIMITS["diastolic"]  # not given: the default stays
    assert plan.night.out_of_bed_minutes == 20 and plan.inactivity_hours == 5
    assert plan.night.door_minutes == 10  # not given: the default
    assert plan.consented("vital_sign_sharing") and not plan.consented("auto_answer_calls")
    assert plan.consent["relatives_told"].recorded_at == "2026-11-01"


def test_a_plan_survives_storing_and_reading_back():
    plan = load_plan_file(PLANS / "kari.toml")
    again = plan_from_json(plan.to_json())
    assert again == plan


def test_json_plans_are_read_too(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(load_plan_file(PLANS / "kari.toml").to_json(), encoding="utf-8")
    assert load_plan_file(path).version == 3


def test_every_problem_is_listed_with_where_it_is():
    raw = kari()
    raw["medication"][0]["times"] = ["8:00", "25:00"]
    raw["medication"][1]["compartment"] = 65
    raw["measurement"][0]["kind"] = "blood_presure"
    raw["check_in"][0]["link"] = "http://insecure.example/room"
    raw["contact"][0]["phone"] = "call me"
    raw["contact"][1]["first_for"] = ["fall", "nap"]
    raw["limits"]["systolic"] = {"green": [100, 180], "yellow": [90, 170]}
    raw["night"]["strat"] = "22:00"
    raw["night"]["door_minutes"] = 0
    raw["consent"]["vital_sign_sharing"]["given"] = "yes"
    with pytest.raises(PlanError) as caught:
        parse_plan(raw, "plan.toml")
    problems = caught.value.problems
    expected = [
        "medication[0].times[0] = '8:00': must be a time of day like \"08:00\"",
        "medication[0].times[1] = '25:00'",
        "medication[1].compartment = 65: must be a whole number from 1 to 64",
        "measurement[0].kind = 'blood_presure': must be one of blood_pressure",
        "check_in[0].link = 'http://insecure.example/room': must be an https:// address",
        "contact[0].phone = 'call me'",
        "contact[1].first_for = ['fall', 'nap']: must be a list of alarm kinds from help_button, fall",
        "[limits.systolic]: the green range (100.0, 180.0) must lie inside the yellow range",
        "[night]: unknown key 'strat'",
        "[night].door_minutes = 0: must be a whole number from 1 to 120",
        "[consent.vital_sign_sharing] given = 'yes': must be true or false",
    ]
    for part in expected:
        assert any(part in p for p in problems), (part, problems)
    assert len(problems) == len(expected)
    assert str(caught.value).startswith("plan.toml: the care plan cannot be used:\n  - medication[0]")


def test_a_plan_needs_a_version_and_known_sections():
    with pytest.raises(PlanError) as caught:
        parse_plan({"medicaton": []})
    assert caught.value.problems == [
        "the plan: unknown key 'medicaton' (allowed: version, medication, measurement, check_in, contact, limits, "
        "night, inactivity, ladder, consent, resident)", "the plan: 'version' is missing", "the plan.version = None: must be a whole "
        "number from 1 to 2147483648"]


def test_an_id_used_twice_is_refused():
    raw = kari()
    raw["medication"][1]["id"] = "morning"
    with pytest.raises(PlanError, match="the id 'morning' is used twice"):
        parse_plan(raw)


@pytest.mark.parametrize("times, window", [(["08:00", "09:00"], 120), (["23:30", "00:15"], 60),
                                           (["08:00", "20:00"], 721)])
def test_doses_whose_windows_overlap_are_refused(times, window):
    """Two windows of one medicine open at once would invite a double dose."""
    raw = kari()
    raw["medication"][0].update(times=times, window_minutes=min(window, 720))
    if window > 720:  # the longest window is 12 h: two doses 12 h apart just fit
        parse_plan(raw)
        return
    with pytest.raises(PlanError, match=r"medication\[0\]: the doses at \S+ and \S+ are closer than window_minutes"):
        parse_plan(raw)


def test_files_that_cannot_be_read(tmp_path):
    with pytest.raises(PlanError, match="cannot be read"):
        load_plan_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("version = = 3", encoding="utf-8")
    with pytest.raises(PlanError, match="not valid TOML"):
        load_plan_file(bad)
    worse = tmp_path / "bad.json"
    worse.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(PlanError):
        load_plan_file(worse)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["version", "medication", "measurement", "check_in", "contact", "limits", "night",
                                        "inactivity", "consent", "other"]), json_values, max_size=6))
def test_nothing_but_a_plan_error_ever_comes_out(raw):
    try:
        parse_plan(raw)
    except PlanError as exc:
        assert exc.problems


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutating_one_field_of_a_good_plan_gives_a_plan_or_a_plan_error(data):
    raw = json.loads(load_plan_file(PLANS / "kari.toml").to_json())
    section = data.draw(st.sampled_from(["medication", "measurement", "check_in", "contact"]))
    item = raw[section][0]
    key = data.draw(st.sampled_from(sorted(item)))
    item[key] = data.draw(json_values)
    try:
        parse_plan(raw)
    except PlanError as exc:
        assert exc.problems


def test_the_residents_language_is_in_the_plan_and_checked_like_the_configs():
    plan = parse_plan({"version": 1, "resident": {"language": "se"}})
    assert plan.language == "se" and plan.language_or("nb") == "se"
    assert plan_from_json(plan.to_json()).language == "se"
    unset = parse_plan({"version": 1})
    assert unset.language == "" and unset.language_or("nn") == "nn" and "resident" not in unset.document()
    with pytest.raises(PlanError) as refused:
        parse_plan({"version": 1, "resident": {"language": "sme"}})
    assert "[resident] language = 'sme'" in str(refused.value) and "'se' (North Sámi)" in str(refused.value)
    with pytest.raises(PlanError) as unknown:
        parse_plan({"version": 1, "resident": {"tongue": "nn"}})
    assert "unknown key 'tongue'" in str(unknown.value)
