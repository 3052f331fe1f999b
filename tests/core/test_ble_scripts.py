"""BLE scenario scripts that name the six health devices by kind and tell them what to
do in the product's words (simulators/bluez/script.py, health_kinds.py;
docs/bluez-standin.md). Each kind is played on the BlueZ stand-in and heard through
real bleak; what arrives is decoded with the hub's own codecs (drivers/ble) and must be
what the script said. A malformed script is refused before anything runs, with the
file, the place and what is allowed."""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import sys
import threading
import time
import tomllib
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bleak import BleakClient, BleakScanner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators.bluez.health_kinds import KINDS, kind_of
from simulators.bluez.script import SCRIPTS, ScriptError, load_script, parse_script, run_script, start_script
from drivers.ble.registry import decode

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = SCRIPTS / "morning-measurements.toml"


def full(short: str) -> str:
    return f"0000{short.lower()}-0000-1000-8000-00805f9b34fb"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def listen(address: str, subscribe: list[str], count: int, racp: bytes | None) -> list[tuple[str, object]]:
    """Connect with bleak, subscribe, (ask the RACP for all records,) and collect
    `count` values, decoded by the hub's codecs, in the order they came."""
    got: list[tuple[str, object]] = []
    device = await BleakScanner.find_device_by_address(address, timeout=5)
    assert device is not None, f"{address} was not found by scanning"
    client = BleakClient(device, timeout=10)
    await client.connect()
    try:
        for char in subscribe:
            await client.start_notify(full(char), lambda c, data: got.append((c.uuid[4:8].upper(), decode(c.uuid, bytes(data)))))
        if racp is not None:
            await client.write_gatt_char(full("2A52"), racp, response=True)
        for _ in range(500):
            if len(got) >= count:
                break
            await asyncio.sleep(0.01)
        battery = decode(full("2A19"), bytes(await client.read_gatt_char(full("2A19"))))
    finally:
        await client.disconnect()
    return [*got, ("2A19", battery)]


def play(tmp_path: Path, monkeypatch, text: str, subscribe: list[str], count: int,
         racp: bytes | None = None) -> tuple[list[tuple[str, object]], list[str]]:
    """Load the script, start its stand-in, play its steps while bleak listens."""
    script = load_script(write(tmp_path, text))
    address = script.peripherals[0][0].address
    said: list[str] = []
    failures: list[BaseException] = []

    def player() -> None:
        try:
            run_script(script, standin, say=said.append)
        except BaseException as problem:  # handed to the test's thread
            failures.append(problem)

    with start_script(script) as standin:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", standin.address)
        thread = threading.Thread(target=player, daemon=True)
        thread.start()
        if racp is not None:  # records are asked for after the script has made them
            thread.join(10)
        got = asyncio.run(asyncio.wait_for(listen(address, subscribe, count, racp), 30))
        thread.join(10)
    assert not thread.is_alive() and not failures, (failures, said)
    return got, said


def values(got: list[tuple[str, object]], char: str) -> list[object]:
    return [value for uuid, value in got if uuid == char]


# -- each kind, played and heard ---------------------------------------------------------------


def test_a_cuff_hands_out_its_stored_record_then_pumps_and_measures(tmp_path, monkeypatch):
    got, _ = play(tmp_path, monkeypatch, """
[[peripheral]]
kind = "blood_pressure_cuff"
paired = true
[[peripheral.record]]
systolic = 135
diastolic = 85
pulse = 70
taken_at = 2026-03-15T07:30:00

[[step]]
do = "wait_subscribed"
timeout = "20s"
[[step]]
do = "pump"
pressures = [40, 150, 90]
every = "50ms"
[[step]]
do = "measure"
systolic = 121
diastolic = 81
pulse = 72
irregular_pulse = true
""", ["2A36", "2A35"], 5)
    stored, measured = values(got, "2A35")
    assert (stored.systolic, stored.diastolic, stored.pulse_rate, stored.unit) == (135, 85, 70, "mmHg")
    assert stored.timestamp.isoformat() == "2026-03-15T07:30:00"
    assert (measured.systolic, measured.diastolic, measured.pulse_rate) == (121, 81, 72)
    assert measured.status.irregular_pulse
    assert [p.cuff_pressure for p in values(got, "2A36")] == [40, 150, 90]


def test_a_cuff_set_to_kpa_sends_kpa(tmp_path, monkeypatch):
    got, _ = play(tmp_path, monkeypatch, """
[[peripheral]]
kind = "blood_pressure_cuff"
address = "C4:7C:8D:6A:1B:21"
unit = "kPa"
paired = true
[[step]]
do = "wait_subscribed"
timeout = "20s"
[[step]]
do = "pump"
pressures = [21.5]
[[step]]
do = "measure"
peripheral = "C4:7C:8D:6A:1B:21"
systolic = 16.1
diastolic = 10.8
pulse = 66
""", ["2A36", "2A35"], 2)
    [pressure], [measured] = values(got, "2A36"), values(got, "2A35")
    assert (pressure.cuff_pressure, pressure.unit) == (21.5, "kPa")
    assert measured.unit == "kPa"
    assert (measured.systolic, measured.diastolic, measured.pulse_rate) == (16.1, 10.8, 66)
    assert measured.mean_arterial_pressure == pytest.approx((16.1 + 2 * 10.8) / 3, abs=0.05)


def test_a_pulse_sensor_streams_its_beats_in_turn_and_the_battery_step_is_read(tmp_path, monkeypatch):
    got, said = play(tmp_path, monkeypatch, """
[[peripheral]]
kind = "pulse"
[[step]]
do = "wait_subscribed"
timeout = "20s"
[[step]]
do = "battery"
level = 8
[[step]]
do = "beat"
bpm = [70, 71, 72]
count = 5
every = "20ms"
""", ["2A37"], 5)
    assert [m.heart_rate for m in values(got, "2A37")] == [70, 71, 72, 70, 71]
    assert all(m.sensor_contact == "detected" for m in values(got, "2A37"))
    assert values(got, "2A19")[0].percent == 8
    assert sum("beat 7" in line for line in said) == 5


def test_an_oximeter_with_a_clock_two_hours_behind_spot_checks_and_streams(tmp_path, monkeypatch):
    got, said = play(tmp_path, monkeypatch, """
[[peripheral]]
kind = "oximeter"
clock_offset = "-2h"
[[step]]
do = "wait_subscribed"
timeout = "20s"
[[step]]
do = "spot_check"
spo2 = 97
pulse = 72
[[step]]
do = "stream"
spo2 = [96, 95]
pulse = 70
count = 3
every = "20ms"
""", ["2A5F", "2A5E"], 4)
    [check] = values(got, "2A5E")
    assert (check.spo2, check.pulse_rate, check.clock_set) == (97, 72, True)
    two_hours_ago = datetime.now(ZoneInfo("Europe/Oslo")).replace(tzinfo=None) - timedelta(hours=2)
    assert abs(check.timestamp - two_hours_ago) < timedelta(minutes=1)
    assert [(m.spo2, m.pulse_rate) for m in values(got, "2A5F")] == [(96, 70), (95, 70), (96, 70)]
    assert sum("SpO2 9" in line for line in said) == 3


@pytest.mark.parametrize("unit, value, wire_unit", [("celsius", 36.7, "Cel"), ("fahrenheit", 98.6, "[degF]")])
def test_a_thermometer_in_either_unit(tmp_path, monkeypatch, unit, value, wire_unit):
    got, _ = play(tmp_path, monkeypatch, f"""
[[peripheral]]
kind = "thermometer"
unit = "{unit}"
[[step]]
do = "wait_subscribed"
timeout = "20s"
[[step]]
do = "measure"
temperature = {value}
""", ["2A1C"], 1)
    [measured] = values(got, "2A1C")
    assert (measured.temperature, measured.unit) == (pytest.approx(value), wire_unit)


@pytest.mark.parametrize("unit, value, wire_unit", [("kg", 72.4, "kg"), ("lb", 159.6, "[lb_av]")])
def test_a_scale_in_either_unit_with_a_clock_nobody_set(tmp_path, monkeypatch, unit, value, wire_unit):
    got, _ = play(tmp_path, monkeypatch, f"""
[[peripheral]]
kind = "scale"
unit = "{unit}"
clock_set = false
battery = 35
[[step]]
do = "wait_subscribed"
timeout = "20s"
[[step]]
do = "weigh"
weight = {value}
""", ["2A9D"], 1)
    [measured] = values(got, "2A9D")
    assert (measured.weight, measured.unit) == (pytest.approx(value), wire_unit)
    assert measured.timestamp.year == 2000  # an unset clock starts at 2000-01-01
    assert values(got, "2A19")[0].percent == 35


@pytest.mark.parametrize("unit, stored, added, field", [
    ("mmol/L", 5.8, 6.4, "concentration_mmol_per_l"),
    ("mg/dL", 104, 115, "concentration_mg_per_dl"),
])
def test_a_glucose_meter_hands_out_stored_and_added_records_over_the_racp(tmp_path, monkeypatch, unit, stored,
                                                                          added, field):
    got, said = play(tmp_path, monkeypatch, f"""
[[peripheral]]
kind = "glucose_meter"
unit = "{unit}"
[[peripheral.record]]
glucose = {stored}
[[step]]
do = "add_record"
glucose = {added}
taken_at = "2026-03-15 08:00"
""", ["2A18", "2A52"], 3, racp=b"\x01\x01")
    first, second = values(got, "2A18")
    assert (first.sequence_number, second.sequence_number) == (1, 2)
    assert getattr(first, field) == pytest.approx(stored, rel=1e-3)
    assert getattr(second, field) == pytest.approx(added, rel=1e-3)
    assert second.base_time.isoformat() == "2026-03-15T08:00:00"
    assert values(got, "2A52")[0].success
    assert any("record 2 kept" in line for line in said)


def test_a_reading_nobody_hears_is_said_and_the_cuff_keeps_it(tmp_path):
    script = load_script(write(tmp_path, """
[[peripheral]]
kind = "cuff"
[[peripheral]]
kind = "thermometer"
[[step]]
do = "measure"
peripheral = "C4:7C:8D:6A:1B:01"
systolic = 120
diastolic = 80
pulse = 60
[[step]]
do = "measure"
peripheral = "C4:7C:8D:6A:1B:04"
temperature = 37.0
"""))
    said: list[str] = []
    with start_script(script) as standin:
        run_script(script, standin, say=said.append)
        cuff = standin.peripheral("C4:7C:8D:6A:1B:01")
        assert [(r.systolic, r.diastolic) for r in cuff.stored] == [(120, 80)]
    assert "step 1: not heard: the cuff keeps it as a stored record until the hub listens" in "\n".join(said)
    assert "step 2: not heard: the hub is not connected or not listening" in "\n".join(said)


# -- the example and the command ---------------------------------------------------------------


def test_the_morning_example_has_all_six_kinds_and_the_raw_home_still_loads():
    script = load_script(EXAMPLE)
    assert sorted(kind_of(p).name for p, _ in script.peripherals) == sorted(KINDS)
    assert {"pump", "measure", "beat", "spot_check", "weigh", "add_record", "battery"} <= {s.action for s in script.steps}
    home = load_script(SCRIPTS / "home.toml")
    assert [kind_of(p) for p, _ in home.peripherals] == [None, None]


def test_the_examples_in_the_docs_load():
    """The TOML shown in docs/bluez-standin.md and docs/simulators.md is a script that loads."""
    for doc, at in (("bluez-standin.md", "### Scenario files"), ("simulators.md", "## Bluetooth health devices")):
        text = (REPO / "docs" / doc).read_text(encoding="utf-8")
        block = text[text.index(at):].split("```toml\n", 1)[1].split("```", 1)[0]
        script = parse_script(tomllib.loads(block), Path(doc))
        assert script.steps and all(kind_of(p) for p, _ in script.peripherals)


def stand_in_command(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulators.bluez", *args], input=stdin, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)


def test_the_example_runs_by_hand_and_takes_typed_steps_in_product_words(tmp_path):
    done = stand_in_command(str(EXAMPLE), stdin="help\nbeat peripheral=C4:7C:8D:6A:1B:02 bpm=60,61 every=0\n"
                                                "weigh weight=900\nquit\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("export DBUS_SYSTEM_BUS_ADDRESS=")
    for kind in KINDS:
        assert any(f"({kind})" in line for line in lines), kind
    assert any(line.startswith("  weigh peripheral=C4:7C:8D:6A:1B:05 weight=") for line in lines)
    assert "input: beat 60 bpm" in lines and "input: beat 61 bpm" in lines
    assert any(line.startswith("? input: key 'weight': 900 is outside 0..327 kg") for line in lines)


def test_a_malformed_script_by_hand_is_refused_without_a_traceback(tmp_path):
    path = write(tmp_path, '[[peripheral]]\nkind = "scale"\nunit = "stone"\n')
    done = stand_in_command(str(path))
    assert done.returncode == 2
    assert done.stderr.strip() == f"{path}: peripheral 1: key 'unit': 'stone' is not one of kg, lb"


def test_timestamps_use_the_monotonic_clock_other_programs_read(tmp_path):
    path = write(tmp_path, '[[peripheral]]\nkind = "pulse"\n[[step]]\ndo = "beat"\nbpm = 70\n')
    before = time.monotonic()
    done = stand_in_command(str(path), "--exit", "--timestamps")
    after = time.monotonic()
    assert done.returncode == 0, done.stderr
    [beat] = [line for line in done.stdout.splitlines() if line.endswith("beat 70 bpm")]
    assert before < float(beat[1:beat.index("]")]) < after


# -- malformed scripts ----------------------------------------------------------------------------

CUFF = '[[peripheral]]\nkind = "blood_pressure_cuff"\n'
THERMO = '[[peripheral]]\nkind = "thermometer"\n'


@pytest.mark.parametrize("text, expected", [
    ('[[peripheral]]\nkind = "toaster"\n', "peripheral 1: key 'kind': 'toaster' is not one of blood_pressure_cuff, "
                                            "pulse, oximeter, thermometer, scale, glucose_meter"),
    ('[[peripheral]]\nkind = "scale"\nunit = "stone"\n', "peripheral 1: key 'unit': 'stone' is not one of kg, lb"),
    ('[[peripheral]]\nkind = "pulse"\nunit = "bpm"\n', "peripheral 1: a pulse takes no key 'unit'"),
    ('[[peripheral]]\nkind = "pulse"\n[[peripheral.service]]\nuuid = "180D"\n',
     "peripheral 1: a pulse takes no key 'service' (it takes: kind, address, name"),
    ('[[peripheral]]\nkind = "pulse"\n[[peripheral.service]]\nuuid = "180D"\n', "; a pulse has its own GATT table"),
    ('[[peripheral]]\nkind = "oximeter"\n[[peripheral.record]]\nspo2 = 97\n', "an oximeter takes no key 'record'"),
    (CUFF + '[[peripheral.record]]\nsystolic = 120\ndiastolic = 80\n', "peripheral 1, record 1: a record needs pulse"),
    (CUFF + '[[peripheral.record]]\nsystolic = 120\ndiastolic = 80\npulse = 60\ntaken_at = "yesterday"\n',
     "peripheral 1, record 1: key 'taken_at': 'yesterday' is not a date and time"),
    (CUFF + 'battery = 101\n', "peripheral 1: key 'battery': 101 is outside 0..100 %"),
    (CUFF + 'rssi = "loud"\n', "peripheral 1: key 'rssi': 'loud' must be a whole number"),
    (CUFF + 'address = "C4:7C"\n', "peripheral 1: key 'address': 'C4:7C' is not a Bluetooth address"),
    (CUFF + 'time_zone = "Mars/Olympus"\n', "key 'time_zone': 'Mars/Olympus' is not a known time zone"),
    (CUFF + 'clock_offset = "a while"\n', "key 'clock_offset': 'a while' is not an offset like \"2h\" (ahead) or \"-90m\""),
    (THERMO + '[[step]]\ndo = "measure"\ntemperature = 98.6\n',  # a Fahrenheit value for a Celsius thermometer
     "step 1: key 'temperature': 98.6 is outside 0..50 °C"),
    ('[[peripheral]]\nkind = "pulse"\n[[peripheral]]\nkind = "pulse"\n',
     "peripheral 2: key 'address': C4:7C:8D:6A:1B:02 is used by another peripheral already"),
    (CUFF + '[[step]]\ndo = "measure"\nsystolic = 400\ndiastolic = 80\npulse = 60\n',
     "step 1: key 'systolic': 400 is outside 0..300 mmHg"),
    (CUFF + 'unit = "kPa"\n[[step]]\ndo = "measure"\nsystolic = 120\ndiastolic = 80\npulse = 60\n',
     "step 1: key 'systolic': 120 is outside 0..40 kPa"),
    (CUFF + '[[step]]\ndo = "measure"\nsys = 120\n', "step 1: measure takes no key 'sys' (it takes: systolic, diastolic, "
                                                     "pulse, irregular_pulse)"),
    (CUFF + '[[step]]\ndo = "measure"\nsystolic = 120\n', "step 1: measure needs diastolic, pulse"),
    (CUFF + '[[step]]\ndo = "pump"\npressures = [40, "high"]\n',
     "step 1: key 'pressures': item 2 ('high') is not a number in 0..300 mmHg"),
    ('[[peripheral]]\nkind = "pulse"\n[[step]]\ndo = "beat"\nbpm = [60, 61.5]\n',
     "step 1: key 'bpm': item 2 (61.5) is not a whole number in 20..300"),
    ('[[peripheral]]\nkind = "pulse"\n[[step]]\ndo = "beat"\nbpm = 60\nevery = "often"\n',
     "step 1: key 'every': 'often' is not a duration like \"500ms\""),
    (CUFF + THERMO + '[[step]]\ndo = "measure"\ntemperature = 37\n',
     "step 1: key 'peripheral' is missing: 2 peripherals can measure (C4:7C:8D:6A:1B:01, C4:7C:8D:6A:1B:04); say which"),
    (THERMO + '[[step]]\ndo = "weigh"\nweight = 70\n', "step 1: key 'do': 'weigh' is not something these peripherals do"
                                                       " (one of: notify, set_value"),
    (THERMO + '[[peripheral]]\nkind = "scale"\n[[step]]\ndo = "weigh"\nperipheral = "C4:7C:8D:6A:1B:04"\nweight = 70\n',
     "step 1: key 'do': 'weigh' is not something a thermometer does (it does: measure, battery, notify"),
    (THERMO + '[[step]]\ndo = "measure"\nperipheral = "C4:7C:8D:6A:1B:09"\ntemperature = 37\n',
     "step 1: key 'peripheral': no peripheral C4:7C:8D:6A:1B:09 in this script"),
    (THERMO + '[[step]]\ndo = "notify"\nperipheral = "C4:7C:8D:6A:1B:04"\ncharacteristic = "2A99"\nhex = "00"\n',
     "step 1: key 'characteristic': 2A99 is not in C4:7C:8D:6A:1B:04's GATT table (it has: 2A1C, 2A19"),
    (THERMO + '[[step]]\ndo = 5\n', "step 1: key 'do': 5 is not something these peripherals do"),
    (THERMO + '[[step]]\nafter = "5 parsecs"\ndo = "say"\ntext = "hi"\n', "step 1: key 'after': '5 parsecs' is not a duration"),
    (THERMO + '[[step]]\ntext = "hi"\n', "step 1: key 'do' is missing: say what happens (one of: notify"),
    ('[[peripheral]]\naddress = "F0:0D:00:00:00:01"\n[[step]]\ndo = "wait_subscribed"\nperipheral = "F0:0D:00:00:00:01"\n',
     "step 1: wait_subscribed needs characteristic"),
    ('[[peripheral]]\nname = "x"\n', "peripheral 1: a peripheral without kind needs address"),
    ('[[peripheral]]\naddress = "F0:0D:00:00:00:01"\nservice = "180D"\n', "peripheral 1: key 'service': '180D' must be [[...]] tables"),
    ('[[peripheral]]\naddress = "F0:0D:00:00:00:01"\n[[peripheral.service]]\nuuid = "180D"\n'
     '[[peripheral.service.characteristic]]\nuuid = "2A37"\nflags = ["shout"]\n',
     "peripheral 1, service 1, characteristic 1: key 'flags': ['shout'] must be a list of flags from broadcast, read"),
    ('[[peripheral]]\naddress = "F0:0D:00:00:00:01"\n[[peripheral.reply]]\nwrite = "2A52"\n',
     "peripheral 1, reply 1: key 'write': 2A52 is not in F0:0D:00:00:00:01's GATT table (it has: none)"),
    ('peripheral = "cuff"\n', "key 'peripheral': 'cuff' must be [[...]] tables"),
    ('adapter = "no"\n', "key 'adapter': 'no' must be true or false"),
    ('colour = "blue"\n', "a script takes no key 'colour' (it takes: adapter, powered, peripheral, step)"),
    ('[[peripheral]\n', "is not valid TOML"),
])
def test_a_malformed_script_names_the_file_the_place_and_what_is_allowed(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ScriptError) as refused:
        load_script(path)
    assert str(refused.value).startswith(f"{path}: ")
    assert expected in str(refused.value)


# Anything a TOML file can hold, in the places a script has: a script either loads or is
# refused with a ScriptError, never another exception.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "2A35", "0x2A37", "C4:7C:8D:6A:1B:01", "1E79", "zz", "5s", "10m", "mmHg", "kPa", "lb",
                     "celsius", "pulse", "scale", "measure", "beat", "2026-03-15 07:30", "Europe/Oslo", "\u00ff"]),
    st.datetimes(), st.dates(), st.times(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=4), max_leaves=12)


def paths(value, here=()):
    """Every place in a parsed TOML document: ('step', 3, 'systolic'), ..."""
    yield here
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from paths(inner, (*here, key))


def replaced(document, path, new):
    if not path:
        return new
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[path[0]] = replaced(document[path[0]], path[1:], new)
    return copy


DOCUMENTS = [tomllib.loads(path.read_text(encoding="utf-8")) for path in (EXAMPLE, SCRIPTS / "home.toml")]
PLACES = [(document, path) for document in DOCUMENTS for path in paths(document)]


def loads_or_refuses(document) -> None:
    try:
        parse_script(document, Path("fuzz.toml"))
    except ScriptError as refused:
        assert str(refused).startswith("fuzz.toml: ")


ODD_VALUES = [None, True, 0, -5, 10**9, 1.5, -0.0, math.nan, math.inf, "", "zz", "\u00ff\u2603", [], [1, "a"], {},
              {"x": 1}, datetime(2026, 3, 15, 7, 30, tzinfo=timezone.utc), date(2026, 3, 15), dtime(7, 30)]


def without(document, path):
    """The document with the key or item at `path` left out."""
    if len(path) == 1:
        return {k: v for k, v in document.items() if k != path[0]} if isinstance(document, dict) else \
            [v for i, v in enumerate(document) if i != path[0]]
    return replaced(document, path[:1], without(document[path[0]], path[1:]))


def test_every_place_in_the_examples_with_every_kind_of_value_or_left_out_loads_or_is_refused_clearly():
    for document, path in PLACES:
        for odd in ODD_VALUES:
            loads_or_refuses(replaced(document, path, odd))
        if path:
            loads_or_refuses(without(document, path))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=st.sampled_from(PLACES), new=VALUES)
def test_any_value_anywhere_in_the_examples_loads_or_is_refused_clearly(place, new):
    document, path = place
    loads_or_refuses(replaced(document, path, new))


@settings(max_examples=200, deadline=None)
@given(document=st.dictionaries(st.sampled_from(["adapter", "powered", "peripheral", "step", "kind"]), VALUES, max_size=4),
       peripheral=st.dictionaries(st.sampled_from(["kind", "address", "unit", "record", "service", "reply", "battery",
                                                    "rssi", "paired", "advertise", "drop_after", "clock_set"]),
                                  VALUES, max_size=5),
       step=st.dictionaries(st.sampled_from(["do", "after", "peripheral", "characteristic", "bpm", "count", "every",
                                             "systolic", "pressures", "glucose", "taken_at", "hex", "level"]),
                            VALUES, max_size=5))
def test_random_tables_load_or_are_refused_clearly(document, peripheral, step):
    loads_or_refuses({**document, "peripheral": [peripheral], "step": [step]})
    loads_or_refuses(document)

