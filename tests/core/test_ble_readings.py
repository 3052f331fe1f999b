"""What the hub stores from each kind of Bluetooth health device: real bleak against
the BlueZ stand-in, real SQLite. Each reading is stored once, whatever the device or
BlueZ repeats, and a device clock that is hours off is set and its readings marked.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.helpers.ble import readings, wait_for
from simulators.health_peripherals import (
    BloodPressureCuff,
    GlucoseMeter,
    Oximeter,
    PulseSensor,
    Scale,
    Thermometer,
)
from drivers.ble import uuids as u
from drivers.ble.blood_pressure import encode_blood_pressure_measurement
from drivers.ble.glucose import encode_glucose_measurement
from vocabulary import utc_now


def connected(core, address):
    return any(s.address == address and s.connected for s in core.call(core.ble.statuses))


def test_each_kind_of_health_device_is_paired_and_its_reading_stored(air, ble_hub):
    cuff = air.add(BloodPressureCuff())
    pulse = air.add(PulseSensor())
    oximeter = air.add(Oximeter())
    thermometer = air.add(Thermometer(fahrenheit=True))
    scale = air.add(Scale())
    meter = air.add(GlucoseMeter())
    meter.add_record(6.2)  # measured before the hub knew it: fetched through its RACP
    core = ble_hub()
    for device, profile in ((cuff, "blood_pressure"), (pulse, "pulse"), (oximeter, "oximeter"),
                            (thermometer, "thermometer"), (scale, "scale"), (meter, "glucose")):
        assert core.call(core.ble.pair, device.address, profile, timeout=60) == device.name
    for device, characteristic in ((cuff, u.BLOOD_PRESSURE_MEASUREMENT), (pulse, u.HEART_RATE_MEASUREMENT),
                                   (oximeter, u.PLX_CONTINUOUS_MEASUREMENT), (thermometer, u.TEMPERATURE_MEASUREMENT),
                                   (scale, u.WEIGHT_MEASUREMENT)):
        wait_for(lambda: device.subscribed(characteristic), what=f"the hub to listen to {device.name}")
    cuff.measure(132, 84, 68)
    pulse.beat(64)
    oximeter.spot_check(97, 61)
    oximeter.stream(95, 66)
    thermometer.measure(100.4)
    scale.weigh(72.5)
    wait_for(lambda: len(readings(core)) == 7, what="a reading from every device")

    stored = {(r.source, r.type, r.data["type"]): r for r in readings(core)}
    source = "ble:{}".format
    bp = stored[source(cuff.address), "blood_pressure", "blood_pressure_measurement"]
    assert (bp.data["systolic"], bp.data["diastolic"], bp.data["pulse_rate"], bp.data["unit"]) == (132, 84, 68, "mmHg")
    assert stored[source(pulse.address), "heart_rate", "heart_rate_measurement"].data["heart_rate"] == 64
    spot = stored[source(oximeter.address), "oxygen_saturation", "plx_spot_check_measurement"]
    stream = stored[source(oximeter.address), "oxygen_saturation", "plx_continuous_measurement"]
    assert (spot.data["spo2"], spot.data["pulse_rate"], stream.data["spo2"], stream.data["pulse_rate"]) == (97, 61, 95, 66)
    temperature = stored[source(thermometer.address), "body_temperature", "temperature_measurement"]
    # Kept as measured, in Fahrenheit; shown to people in Celsius.
    assert (temperature.data["temperature"], temperature.data["unit"]) == (100.4, "[degF]")
    assert core.plans.assess(temperature).values == {"temperature": 38.0}
    weight = stored[source(scale.address), "body_weight", "weight_measurement"]
    assert (weight.data["weight"], weight.data["unit"]) == (72.5, "kg")
    glucose = stored[source(meter.address), "blood_glucose", "glucose_measurement"]
    assert (glucose.data["sequence_number"], glucose.data["unit"]) == (1, "mol/L")
    assert core.plans.assess(glucose).values == {"glucose": 6.2}


def test_a_record_sent_again_and_again_after_a_reconnection_is_stored_once(air, ble_hub):
    cuff = air.add(BloodPressureCuff(), paired=True)
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: connected(core, cuff.address), what="the connection")
    record = cuff.measure(131, 85, 66)
    # Not confirmed in time, the cuff indicates it again, and BlueZ delivers that twice.
    cuff.notify(u.BLOOD_PRESSURE_MEASUREMENT, encode_blood_pressure_measurement(record), times=2)
    cuff.go_away()
    wait_for(lambda: not connected(core, cuff.address), what="the link to drop")
    cuff.remember(131, 85, 66, record.timestamp)  # it still has it: handed out as a stored record
    cuff.come_back()
    wait_for(lambda: connected(core, cuff.address), what="the reconnection")
    wait_for(lambda: not cuff.stored, what="the cuff to hand out its stored record")
    cuff.measure(133, 86, 67)  # readings are stored in the order they come: this one comes after the repeats
    wait_for(lambda: len(readings(core)) >= 2, what="the next reading")
    assert [r.data["systolic"] for r in readings(core)] == [131.0, 133.0]


def test_a_meter_that_ignores_which_records_it_was_asked_for_gives_each_one_once(air, ble_hub):
    meter = air.add(GlucoseMeter(), paired=True)
    meter.ignores_operand = True
    for value in (5.1, 6.2, 7.3):
        meter.add_record(value)
    core = ble_hub()
    core.call(core.ble.pair, meter.address, "glucose", timeout=60)
    wait_for(lambda: len(readings(core)) == 3, what="the meter's records")
    # Record 2 again, twice, as the meter might send it when its notification was lost.
    meter.notify(u.GLUCOSE_MEASUREMENT, encode_glucose_measurement(meter.records[1]), times=2)
    meter.go_away()
    wait_for(lambda: not connected(core, meter.address), what="the link to drop")
    meter.add_record(5.5)
    meter.come_back()
    # Asked for the records from number 4 on, it sends all four again: 4 comes last.
    wait_for(lambda: len(readings(core)) >= 4, what="the new record")
    assert meter.requests[-1] == bytes.fromhex("0103010400")
    assert [r.data["sequence_number"] for r in readings(core)] == [1, 2, 3, 4]


def test_a_device_clock_hours_off_is_set_and_the_readings_it_stamped_marked(air, ble_hub):
    zone = ZoneInfo("Europe/Oslo")  # the hub's default time zone: health devices keep local time

    def local_now() -> datetime:
        return datetime.now(zone).replace(tzinfo=None)

    cuff = air.add(BloodPressureCuff(clock_offset=timedelta(hours=2)), paired=True)  # set by hand, wrongly
    old_record = cuff.measure(150, 95, 80)  # nobody listens: kept, stamped two hours ahead
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: readings(core), what="the kept reading")
    clock = cuff.characteristic(u.CURRENT_TIME).uuid
    assert [w.response for w in cuff.writes if w.uuid == clock] == [True]  # set once, with a write request
    assert abs(cuff.device_now() - local_now()) < timedelta(minutes=1)
    [old] = readings(core)
    assert old.data["device_clock_wrong"] is True
    assert old.data["timestamp"] == old_record.timestamp.isoformat()  # what the cuff said is kept
    assert abs(old.occurred_at - utc_now()) < timedelta(minutes=1)  # placed when the hub got it
    new_record = cuff.measure(128, 82, 71)
    wait_for(lambda: len(readings(core)) == 2, what="the reading after the clock was set")
    new = readings(core)[1]
    assert "device_clock_wrong" not in new.data
    assert new.occurred_at == new_record.timestamp.replace(tzinfo=zone)  # the cuff's own time, now right


def test_a_red_blood_pressure_from_the_cuff_is_an_alarm_for_the_nurse(air, ble_hub):
    """From the cuff's indication to the alarm, with no hand in between: 150/85 is
    yellow and only stored; 186/104 is red against the limits and raises the alarm."""
    cuff = air.add(BloodPressureCuff())
    core = ble_hub()
    core.call(core.ble.pair, cuff.address, "blood_pressure", timeout=60)
    wait_for(lambda: cuff.subscribed(u.BLOOD_PRESSURE_MEASUREMENT), what="the hub to listen to the cuff")
    cuff.measure(150, 85, 70)
    wait_for(lambda: len(readings(core)) == 1, what="the yellow reading")
    assert core.call(core.alarms.active) == []
    cuff.measure(186, 104, 92)
    wait_for(lambda: core.call(core.alarms.active), what="the red reading's alarm")
    [alarm] = core.call(core.alarms.active)
    red = [r for r in readings(core) if r.data["systolic"] == 186]
    assert alarm.type == "vital_sign_red" and alarm.state == "raised" and alarm.detail["data"]["reading"] == red[0].uid
