"""The hub core with real bleak against the BlueZ stand-in on a private D-Bus.

Simulated health devices send the SIG byte layouts; the hub scans, pairs, subscribes,
fetches stored records and stores readings in its real SQLite store.
"""

from __future__ import annotations

import time

import pytest

from tests.helpers.ble import audit_rows, readings, wait_for
from simulators.health_peripherals import BloodPressureCuff, GlucoseMeter
from hub_app.ble_devices import BleError
from vocabulary import DeviceKind, Problem

NO_ADAPTER = "no Bluetooth adapter is available (missing or switched off)"
WITHOUT_BLUETOOTH = pytest.mark.parametrize("air", [{"adapter": False}, {"powered": False}], indirect=True,
                                            ids=["no-adapter", "adapter-switched-off"])


def test_scan_pair_and_an_indicated_measurement_is_stored(air, ble_hub):
    cuff = air.add(BloodPressureCuff())
    core = ble_hub()
    found = core.call(core.ble.scan, 2.0, timeout=30)
    assert [(a.address, a.profile, paired) for a, paired in found] == [(cuff.address, "blood_pressure", False)]
    assert core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60) == "BP-7000"
    assert audit_rows(core, "ble.paired")
    wait_for(lambda: cuff.subscribed("2A35"), what="the hub to subscribe")
    cuff.measure(132, 84, 68, cuff_pressures=(40, 90, 150))
    wait_for(lambda: readings(core), what="the reading")
    [reading] = readings(core)
    assert reading.type == "blood_pressure" and reading.source == f"ble:{cuff.address}"
    assert (reading.data["systolic"], reading.data["diastolic"], reading.data["pulse_rate"]) == (132.0, 84.0, 68.0)
    assert reading.data["unit"] == "mmHg"
    status = core.call(core.ble.statuses)[0]
    assert status.connected and status.model == "BP-7000" and status.battery == 90


def test_the_scan_lists_health_devices_only(air, ble_hub):
    import asyncio

    from bleak import BleakScanner

    from simulators.bluez import Characteristic, Service, SimulatedPeripheral

    cuff = air.add(BloodPressureCuff(rssi=-75))
    others = [  # all of them louder than the cuff
        air.add(SimulatedPeripheral("D0:0D:00:00:00:01", name="Speaker", advertised_uuids=["FE2C"], rssi=-40)),
        air.add(SimulatedPeripheral("D0:0D:00:00:00:02", name="Phone", rssi=-45)),  # no service in its advertisement
        # a heart-rate service in its GATT table, but its advertisement names only its battery
        air.add(SimulatedPeripheral("D0:0D:00:00:00:03", name="Watch", advertised_uuids=["180F"], rssi=-50,
                                    services=[Service("180D", [Characteristic("2A37", ["notify"])])])),
    ]

    async def everything_heard() -> set[str]:
        return {device.address for device in await BleakScanner.discover(timeout=1.0)}

    # They are all on the air (an unfiltered scan hears them), ...
    assert asyncio.run(everything_heard()) >= {cuff.address, *(o.address for o in others)}
    core = ble_hub()
    found = core.call(core.ble.scan, 2.0, timeout=30)
    # ... but the hub lists only the device that advertises a health service.
    assert [(advert.address, advert.profile) for advert, _paired in found] == [(cuff.address, "blood_pressure")]


def test_a_scan_is_audited_without_the_devices_it_heard(air, ble_hub):
    from simulators.health_peripherals import Oximeter

    cuff, oximeter = air.add(BloodPressureCuff()), air.add(Oximeter())
    core = ble_hub()
    assert len(core.call(core.ble.scan, 2.0, timeout=30)) == 2
    [row] = audit_rows(core, "ble.scan")
    assert (row["actor"], row["subject"], row["detail"]) == ("technician", "", {"ok": True, "found": 2})
    air.power(False)
    with pytest.raises(BleError):
        core.call(core.ble.scan, 1.0, timeout=30)
    failed = audit_rows(core, "ble.scan")[0]
    assert failed["detail"] == {"ok": False, "reason": NO_ADAPTER}
    for row in audit_rows(core, "ble.scan"):
        assert cuff.address not in str(row) and oximeter.address not in str(row)


def test_an_adapter_switched_off_just_as_a_scan_starts_is_told_in_plain_words(air, ble_hub):
    air.add(BloodPressureCuff())
    core = ble_hub()
    assert len(core.call(core.ble.scan, 1.0, timeout=30)) == 1

    async def switch_off_and_scan():
        air.power(False)  # this holds the hub's loop: its bleak has not heard of it when the scan starts
        return await core.ble.scan(1.0)

    with pytest.raises(BleError) as scanning:
        core.call(switch_off_and_scan, timeout=30)
    assert str(scanning.value) == NO_ADAPTER


def test_only_paired_devices_are_connected_the_neighbours_cuff_is_ignored(air, ble_hub):
    ours = air.add(BloodPressureCuff("C4:7C:8D:6A:1B:01", name="Ours"))
    neighbours = air.add(BloodPressureCuff("C4:7C:8D:6A:1B:99", name="Neighbour"))
    core = ble_hub()
    core.call(core.ble.pair, ours.address, "blood_pressure", timeout=60)
    wait_for(lambda: ours.subscribed("2A35"), what="our cuff")
    neighbours.measure(180, 110, 90)  # it keeps it: nobody listens
    ours.measure(121, 81, 72)
    wait_for(lambda: readings(core), what="our reading")
    time.sleep(1.0)
    assert not neighbours.connected
    assert [r.source for r in readings(core)] == [f"ble:{ours.address}"]


def test_stored_records_arrive_once_across_reconnections(air, ble_hub):
    cuff = air.add(BloodPressureCuff(), paired=True)  # paired on an earlier visit
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
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


def test_racp_transfer_cut_in_the_middle_resumes_and_keeps_every_record_once(air, ble_hub):
    meter = air.add(GlucoseMeter(), paired=True)
    for value in (5.1, 6.2, 7.3, 5.8, 6.6):
        meter.add_record(value)
    meter.drop_after = 2  # out of range after two records of the first transfer
    core = ble_hub()
    core.call(core.ble.pair, meter.address, "glucose", timeout=60)
    wait_for(lambda: len(readings(core)) >= 2, what="the first records")
    wait_for(lambda: not meter.connected, what="the cut")
    meter.come_back()
    wait_for(lambda: len(readings(core)) == 5, what="the rest of the records", timeout=30)
    assert [r.data["sequence_number"] for r in readings(core)] == [1, 2, 3, 4, 5]
    assert meter.requests[-1] == bytes.fromhex("0103010300")  # asked from record 3 on
    time.sleep(1.0)
    assert len(readings(core)) == 5


def test_an_unset_device_clock_is_set_and_its_old_readings_marked(air, ble_hub):
    cuff = air.add(BloodPressureCuff(clock_set=False), paired=True)
    cuff.measure(150, 95, 80)  # stamped by a clock that was never set (year 2000)
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: readings(core), what="the stored record")
    assert cuff.clock_set  # the hub set it through Current Time
    [old] = readings(core)
    assert old.data["device_clock_wrong"] is True and old.data["timestamp"].startswith("2000-")
    cuff.measure(128, 82, 71)
    wait_for(lambda: len(readings(core)) == 2, what="the new reading")
    new = readings(core)[1]
    assert "device_clock_wrong" not in new.data
    assert abs((new.occurred_at - old.occurred_at).total_seconds()) < 60  # both placed now, not in 2000


@WITHOUT_BLUETOOTH
def test_a_missing_adapter_is_a_plain_error_not_a_crash(air, ble_hub):
    core = ble_hub()
    with pytest.raises(BleError) as scanning:
        core.call(core.ble.scan, 1.0, timeout=30)
    assert str(scanning.value) == NO_ADAPTER
    with pytest.raises(BleError) as pairing:
        core.call(core.ble.pair, "C4:7C:8D:6A:1B:01", "blood_pressure", timeout=60)
    assert str(pairing.value) == NO_ADAPTER
    assert core.running


def test_a_pulse_stream_keeps_every_beat_but_not_a_repeat_delivered_twice(air, ble_hub):
    from simulators.health_peripherals import PulseSensor
    from drivers.ble.heart_rate import HeartRateMeasurement, encode_heart_rate_measurement

    sensor = air.add(PulseSensor(), paired=True)
    core = ble_hub()
    core.call(core.ble.pair, sensor.address, "pulse", timeout=60)
    wait_for(lambda: sensor.subscribed("2A37"), what="the subscription")
    value = encode_heart_rate_measurement(HeartRateMeasurement(72, sensor_contact="detected"))
    sensor.notify("2A37", value, times=2)  # BlueZ delivering one notification twice
    wait_for(lambda: readings(core), what="the first beat")
    time.sleep(1.0)
    sensor.notify("2A37", value)  # a second later, the same pulse again: a new reading
    wait_for(lambda: len(readings(core)) == 2, what="the second beat")
    time.sleep(0.5)
    assert [r.data["heart_rate"] for r in readings(core, "heart_rate")] == [72, 72]


def test_a_device_that_refuses_to_pair_is_not_kept_and_the_technician_is_told_why(air, ble_hub):
    cuff = air.add(BloodPressureCuff(pairing_mode=False))  # its Bluetooth button was not held
    core = ble_hub()
    with pytest.raises(BleError) as refused:
        core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    reason = "the device refused to pair: put it in pairing mode (hold its Bluetooth button) and try again"
    assert str(refused.value) == reason
    [row] = audit_rows(core, "ble.pair_failed")
    assert (row["subject"], row["detail"]) == (cuff.address, {"reason": reason})
    assert core.call(core.ble.statuses) == [] and not audit_rows(core, "ble.paired")
    wait_for(lambda: not cuff.connected, what="the hub to let go of the device")
    cuff.set_pairing_mode(True)  # the technician holds the button and tries again
    assert core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60) == "BP-7000"


def test_a_connection_the_controller_gives_up_is_tried_again_and_nothing_is_lost(air, ble_hub):
    """BlueZ answers `le-connection-abort-by-local` now and then (interference, a busy
    radio); the connection is retried, and the cuff's kept reading, which a bonded cuff
    hands out a second after connecting and only once, is still stored."""
    cuff = air.add(BloodPressureCuff(connect_failures=2), paired=True)
    core = ble_hub()
    assert core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60) == "BP-7000"
    assert cuff.connect_failures == 0  # pairing connected through both failures
    wait_for(lambda: core.call(core.ble.statuses)[0].connected, what="the connection")
    cuff.go_away()
    wait_for(lambda: not cuff.connected, what="the link to drop")
    cuff.measure(141, 91, 77)  # kept in the cuff
    cuff.fail_connections(2)
    cuff.come_back()
    wait_for(lambda: readings(core), what="the kept reading")
    assert cuff.connect_failures == 0
    cuff.measure(126, 81, 70)
    wait_for(lambda: len(readings(core)) == 2, what="a new reading on the same connection")
    assert [r.data["systolic"] for r in readings(core)] == [141.0, 126.0]
    status = core.call(core.ble.statuses)[0]
    assert (status.connected, status.problem, status.failures) == (True, "", 0)


# -- the resident's status line ---------------------------------------------------------

def test_out_of_range_is_normal_and_not_told_to_the_resident(air, ble_hub):
    cuff = air.add(BloodPressureCuff(), paired=True)
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: core.state.measures == ("blood_pressure",), what="the measure to be offered")
    cuff.go_away()
    wait_for(lambda: [s.problem for s in core.call(core.ble.statuses)] == ["not in range (or switched off)"],
             timeout=30, what="the device to be missed")
    assert core.state.problems == ()


def test_a_low_battery_is_told_to_the_resident_and_cleared_when_changed(air, ble_hub):
    from drivers.ble import uuids as u
    from drivers.ble.battery import BatteryLevel, encode_battery_level

    cuff = air.add(BloodPressureCuff(battery=8), paired=True)
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: core.state.problems == (Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "battery_low"),),
             what="the low battery on the status line")
    cuff.set_value(u.BATTERY_LEVEL, encode_battery_level(BatteryLevel(100)))  # new batteries
    core.call(core.ble.test_read, cuff.address)
    wait_for(lambda: core.state.problems == (), what="the problem to clear")


@WITHOUT_BLUETOOTH
def test_a_missing_adapter_with_paired_devices_is_told_to_the_resident(air, ble_hub, tmp_path):
    from hub_app.store import AuditEntry, Store

    store = Store(tmp_path / "data" / "hub.db")  # paired on an earlier visit
    store.pair_ble("C4:7C:8D:6A:1B:01", "blood_pressure", "BP-7000", AuditEntry("technician", "ble.paired"))
    store.close()
    core = ble_hub()
    wait_for(lambda: core.state.problems == (Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "no_adapter"),),
             what="the missing adapter on the status line")
    status = core.call(core.ble.statuses)[0]
    assert status.problem == NO_ADAPTER
    assert core.running  # a problem, never a crash


def test_an_adapter_switched_off_in_a_session_is_a_problem_until_it_is_on_again(air, ble_hub):
    cuff = air.add(BloodPressureCuff(), paired=True)
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: core.call(core.ble.statuses)[0].connected, what="the connection")
    air.power(False)  # `bluetoothctl power off`, or the hub's rfkill switch
    wait_for(lambda: core.state.problems == (Problem(DeviceKind.BLOOD_PRESSURE_MONITOR, "no_adapter"),),
             what="the switched-off adapter on the status line")
    status = core.call(core.ble.statuses)[0]
    assert (status.connected, status.problem) == (False, NO_ADAPTER)
    cuff.measure(144, 92, 76)  # nobody is listening: the cuff keeps it
    assert core.running
    air.power(True)
    wait_for(lambda: core.state.problems == (), what="the problem to clear")
    wait_for(lambda: readings(core), what="the reading the cuff kept")
    cuff.measure(127, 83, 69)
    wait_for(lambda: len(readings(core)) == 2, what="a new reading")
    assert [r.data["systolic"] for r in readings(core)] == [144.0, 127.0]
    assert core.call(core.ble.statuses)[0].connected


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

    meter = air.add(GlucoseMeter(), paired=True)

    async def poke() -> bytes:
        device = await BleakScanner.find_device_by_address(meter.address, timeout=10)
        answers: asyncio.Queue[bytes] = asyncio.Queue()
        async with BleakClient(device) as client:
            await client.start_notify(u.RECORD_ACCESS_CONTROL_POINT, lambda _c, data: answers.put_nowait(bytes(data)))
            await client.write_gatt_char(u.RECORD_ACCESS_CONTROL_POINT, bytes([0x01, 0x03, 0x07]), response=True)
            return await asyncio.wait_for(answers.get(), 5)

    answer = decode_racp_response(asyncio.run(poke()))
    assert answer.request_opcode == 0x01 and answer.response_code.name == "OPERAND_NOT_SUPPORTED"
