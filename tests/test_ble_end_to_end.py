"""The hub core with real bleak against the BlueZ stand-in on a private D-Bus.

Simulated health devices send the SIG byte layouts; the hub scans, pairs, subscribes,
fetches stored records and stores readings in its real SQLite store.
"""

from __future__ import annotations

import time

import pytest

from devices.simulators.bluez import BluezStandin
from devices.simulators.health_peripherals import BloodPressureCuff, GlucoseMeter
from hub_app.ble_devices import BleError
from hub_app.config import HubConfig
from hub_app.core import Core
from vocabulary import EventKind


def wait_for(condition, timeout=15.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def air(tmp_path, monkeypatch):
    standin = BluezStandin()
    standin.start()
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", standin.address)
    cores = []

    def hub() -> Core:
        core = Core(HubConfig().with_data_dir(tmp_path / "data"), ble_options={"find_timeout": 3.0, "backoff_max": 1.0})
        core.start()
        cores.append(core)
        return core

    yield standin, hub
    for core in cores:
        core.stop()
    standin.stop()


def readings(core, type_=None):
    events = [e for e in reversed(core.call(core.recent_events, 1000)) if e.kind == EventKind.READING]
    return [e for e in events if type_ is None or e.type == type_]


def audit(core):
    async def read():
        return [row["action"] for row in core._store().audit_rows(limit=1000)]

    return core.call(read)


def test_scan_pair_and_an_indicated_measurement_is_stored(air):
    standin, hub = air
    cuff = standin.add(BloodPressureCuff())
    core = hub()
    found = core.call(core.ble_scan, 2.0, timeout=30)
    assert [(a.address, a.profile, paired) for a, paired in found] == [(cuff.address, "blood_pressure", False)]
    assert core.call(core.ble_pair, cuff.address, "blood_pressure", timeout=60) == "BP-7000"
    assert "ble.paired" in audit(core)
    wait_for(lambda: cuff.subscribed("2A35"), what="the hub to subscribe")
    cuff.measure(132, 84, 68, cuff_pressures=(40, 90, 150))
    wait_for(lambda: readings(core), what="the reading")
    [reading] = readings(core)
    assert reading.type == "blood_pressure" and reading.source == f"ble:{cuff.address}"
    assert (reading.data["systolic"], reading.data["diastolic"], reading.data["pulse_rate"]) == (132.0, 84.0, 68.0)
    assert reading.data["unit"] == "mmHg"
    status = core.call(core.ble_statuses)[0]
    assert status.connected and status.model == "BP-7000" and status.battery == 90


def test_only_paired_devices_are_connected_the_neighbours_cuff_is_ignored(air):
    standin, hub = air
    ours = standin.add(BloodPressureCuff("C4:7C:8D:6A:1B:01", name="Ours"))
    neighbours = standin.add(BloodPressureCuff("C4:7C:8D:6A:1B:99", name="Neighbour"))
    core = hub()
    core.call(core.ble_pair, ours.address, "blood_pressure", timeout=60)
    wait_for(lambda: ours.subscribed("2A35"), what="our cuff")
    neighbours.measure(180, 110, 90)  # it keeps it: nobody listens
    ours.measure(121, 81, 72)
    wait_for(lambda: readings(core), what="our reading")
    time.sleep(1.0)
    assert not neighbours.connected
    assert [r.source for r in readings(core)] == [f"ble:{ours.address}"]


def test_stored_records_arrive_once_across_reconnections(air):
    standin, hub = air
    cuff = standin.add(BloodPressureCuff(), paired=True)  # paired on an earlier visit
    core = hub()
    core.call(core.ble_pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: cuff.subscribed("2A35"), what="the subscription")
    cuff.go_away()  # the resident takes it to the kitchen...
    wait_for(lambda: not cuff.connected, what="the link to drop")
    cuff.measure(140, 90, 75)  # ...and measures there: kept in the cuff
    cuff.measure(138, 88, 74)
    cuff.come_back()
    wait_for(lambda: len(readings(core)) == 2, what="the stored records")
    # Re-subscribed on the new connection: a live measurement still arrives.
    cuff.measure(125, 80, 70)
    wait_for(lambda: len(readings(core)) == 3, what="the live reading after the reconnect")
    assert [r.data["systolic"] for r in readings(core)] == [140.0, 138.0, 125.0]


def test_racp_transfer_cut_in_the_middle_resumes_and_keeps_every_record_once(air):
    standin, hub = air
    meter = standin.add(GlucoseMeter(), paired=True)
    for value in (5.1, 6.2, 7.3, 5.8, 6.6):
        meter.add_record(value)
    meter.drop_after = 2  # out of range after two records of the first transfer
    core = hub()
    core.call(core.ble_pair, meter.address, "glucose", timeout=60)
    wait_for(lambda: len(readings(core)) >= 2, what="the first records")
    wait_for(lambda: not meter.connected, what="the cut")
    meter.come_back()
    wait_for(lambda: len(readings(core)) == 5, what="the rest of the records", timeout=30)
    assert [r.data["sequence_number"] for r in readings(core)] == [1, 2, 3, 4, 5]
    assert meter.requests[-1] == bytes.fromhex("0103010300")  # asked from record 3 on
    time.sleep(1.0)
    assert len(readings(core)) == 5


def test_an_unset_device_clock_is_set_and_its_old_readings_marked(air):
    standin, hub = air
    cuff = standin.add(BloodPressureCuff(clock_set=False), paired=True)
    cuff.measure(150, 95, 80)  # stamped by a clock that was never set (year 2000)
    core = hub()
    core.call(core.ble_pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: readings(core), what="the stored record")
    assert cuff.clock_set  # the hub set it through Current Time
    [old] = readings(core)
    assert old.data["device_clock_wrong"] is True and old.data["timestamp"].startswith("2000-")
    cuff.measure(128, 82, 71)
    wait_for(lambda: len(readings(core)) == 2, what="the new reading")
    new = readings(core)[1]
    assert "device_clock_wrong" not in new.data
    assert abs((new.occurred_at - old.occurred_at).total_seconds()) < 60  # both placed now, not in 2000


def test_a_missing_adapter_is_a_plain_error_not_a_crash(tmp_path, monkeypatch):
    standin = BluezStandin(adapter=False)
    standin.start()
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", standin.address)
    core = Core(HubConfig().with_data_dir(tmp_path / "data"))
    core.start()
    try:
        with pytest.raises(BleError, match="no Bluetooth adapter"):
            core.call(core.ble_scan, 1.0, timeout=30)
    finally:
        core.stop()
        standin.stop()


def test_a_pulse_stream_keeps_every_beat_but_not_a_repeat_delivered_twice(air):
    from devices.simulators.health_peripherals import PulseSensor
    from drivers.ble.heart_rate import HeartRateMeasurement, encode_heart_rate_measurement

    standin, hub = air
    sensor = standin.add(PulseSensor(), paired=True)
    core = hub()
    core.call(core.ble_pair, sensor.address, "pulse", timeout=60)
    wait_for(lambda: sensor.subscribed("2A37"), what="the subscription")
    value = encode_heart_rate_measurement(HeartRateMeasurement(72, sensor_contact="detected"))
    sensor.notify("2A37", value, times=2)  # BlueZ delivering one notification twice
    wait_for(lambda: readings(core), what="the first beat")
    time.sleep(1.0)
    sensor.notify("2A37", value)  # a second later, the same pulse again: a new reading
    wait_for(lambda: len(readings(core)) == 2, what="the second beat")
    time.sleep(0.5)
    assert [r.data["heart_rate"] for r in readings(core, "heart_rate")] == [72, 72]


# -- the resident's status line ---------------------------------------------------------

def test_out_of_range_is_normal_and_not_told_to_the_resident(air):
    standin, hub = air
    cuff = standin.add(BloodPressureCuff(), paired=True)
    core = hub()
    core.call(core.ble_pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: core.state.measures == ("blood_pressure",), what="the measure to be offered")
    cuff.go_away()
    wait_for(lambda: [s.problem for s in core.call(core.ble_statuses)] == ["not in range (or switched off)"],
             timeout=30, what="the device to be missed")
    assert core.state.problems == ()


def test_a_low_battery_is_told_to_the_resident_and_cleared_when_changed(air):
    from drivers.ble import uuids as u
    from drivers.ble.battery import BatteryLevel, encode_battery_level
    from vocabulary import DeviceKind, Problem

    standin, hub = air
    cuff = standin.add(BloodPressureCuff(battery=8), paired=True)
    core = hub()
    core.call(core.ble_pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: core.state.problems == (Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "battery_low"),),
             what="the low battery on the status line")
    cuff.set_value(u.BATTERY_LEVEL, encode_battery_level(BatteryLevel(100)))  # new batteries
    core.call(core.ble_test_read, cuff.address)
    wait_for(lambda: core.state.problems == (), what="the problem to clear")


def test_a_missing_adapter_with_paired_devices_is_told_to_the_resident(tmp_path, monkeypatch):
    from hub_app.store import AuditEntry, Store
    from vocabulary import DeviceKind, Problem

    store = Store(tmp_path / "data" / "hub.db")
    store.pair_ble("C4:7C:8D:6A:1B:01", "blood_pressure", "BP-7000", AuditEntry("technician", "ble.paired"))
    store.close()
    standin = BluezStandin(adapter=False)  # the dongle was pulled out
    standin.start()
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", standin.address)
    core = Core(HubConfig().with_data_dir(tmp_path / "data"), ble_options={"find_timeout": 1.0, "backoff_max": 1.0})
    core.start()
    try:
        wait_for(lambda: core.state.problems == (Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "no_adapter"),),
                 what="the missing adapter on the status line")
        status = core.call(core.ble_statuses)[0]
        assert status.problem == "no Bluetooth adapter is available (missing or switched off)"
        assert core.running  # a problem, never a crash
    finally:
        core.stop()
        standin.stop()


def test_only_repeated_failures_become_a_problem():
    from devices.ble_health import FAILURES_BEFORE_PROBLEM, BleStatus

    status = BleStatus("C4:7C:8D:6A:1B:01", "blood_pressure", problem="Bluetooth error: br-connection-canceled")
    assert BleStatus(**{**status.__dict__, "failures": FAILURES_BEFORE_PROBLEM - 1}).resident_problem is None
    assert BleStatus(**{**status.__dict__, "failures": FAILURES_BEFORE_PROBLEM}).resident_problem == "failing"


def test_the_simulated_meter_answers_a_request_it_cannot_carry_out(air):
    """A technician poking the meter with a raw RACP request (through bleak) gets the
    standard error answer, as from a real meter: here, "report records >=" with a
    filter type it does not support (only 1, the sequence number)."""
    import asyncio

    from bleak import BleakClient, BleakScanner

    from drivers.ble import uuids as u
    from drivers.ble.racp import decode_racp_response

    standin, _hub = air
    meter = standin.add(GlucoseMeter(), paired=True)

    async def poke() -> bytes:
        device = await BleakScanner.find_device_by_address(meter.address, timeout=10)
        answers: asyncio.Queue[bytes] = asyncio.Queue()
        async with BleakClient(device) as client:
            await client.start_notify(u.RECORD_ACCESS_CONTROL_POINT, lambda _c, data: answers.put_nowait(bytes(data)))
            await client.write_gatt_char(u.RECORD_ACCESS_CONTROL_POINT, bytes([0x01, 0x03, 0x07]), response=True)
            return await asyncio.wait_for(answers.get(), 5)

    answer = decode_racp_response(asyncio.run(poke()))
    assert answer.request_opcode == 0x01 and answer.response_code.name == "OPERAND_NOT_SUPPORTED"
