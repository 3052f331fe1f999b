"""Bluetooth LE health codecs (drivers/ble/).

The worked examples of STANDARDS.md section 1 and of docs/protocols/ble-health.md,
byte for byte; the known public-suite errors; "no value" and status flags; hypothesis
round trips for every encoder; and whatever bytes a device sends, every decoder answers
with a value or a BleCodecError, never anything else and never a wrong number.
Pure: no I/O, no bleak.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.ble import BleCodecError, decode, decode_hex_to_json, encode, parse_hex, to_json
from drivers.ble.battery import BatteryLevel, decode_battery_level, encode_battery_level
from drivers.ble.blood_pressure import (
    BloodPressureMeasurement,
    BloodPressureStatus,
    IntermediateCuffPressure,
    decode_blood_pressure_measurement,
    encode_blood_pressure_measurement,
)
from drivers.ble.current_time import AdjustReason, CurrentTime, decode_current_time, encode_current_time
from drivers.ble.date_time import decode_date_time, encode_date_time
from drivers.ble.device_info import (
    DEVICE_INFORMATION_FIELDS,
    DeviceInformationText,
    decode_device_information_text,
)
from drivers.ble.glucose import (
    SAMPLE_LOCATIONS,
    SAMPLE_TYPES,
    GlucoseMeasurement,
    GlucoseSensorStatus,
    decode_glucose_measurement,
    encode_glucose_measurement,
)
from drivers.ble.heart_rate import HeartRateMeasurement, decode_heart_rate_measurement, encode_heart_rate_measurement
from drivers.ble.ieee11073 import (
    FLOAT,
    FLOAT_SPECIALS,
    SFLOAT,
    SFLOAT_SPECIALS,
    decode_float,
    decode_sfloat,
    encode_float,
    encode_sfloat,
)
from drivers.ble.plx import (
    PlxContinuous,
    PlxDeviceStatus,
    PlxMeasurementStatus,
    PlxSpotCheck,
    decode_plx_continuous,
    decode_plx_spot_check,
    encode_plx_spot_check,
)
from drivers.ble.racp import (
    RacpNumberOfRecords,
    RacpOpcode,
    RacpOperator,
    RacpRequest,
    RacpRequestError,
    RacpResponse,
    RacpResponseCode,
    abort_operation,
    decode_racp,
    decode_racp_request,
    decode_racp_response,
    delete_all_records,
    encode_racp_request,
    encode_racp_response,
    report_all_records,
    report_number_of_records,
    report_records_from,
)
from drivers.ble.registry import CODECS
from drivers.ble.thermometer import TEMPERATURE_TYPES, TemperatureMeasurement, decode_temperature_measurement
from drivers.ble.units import glucose_to_mg_per_dl, glucose_to_mmol_per_l, to_celsius, to_kg, to_mmhg
from drivers.ble.uuids import (
    BLOOD_PRESSURE_MEASUREMENT,
    GLUCOSE_MEASUREMENT,
    HEALTH_SERVICES,
    NAMES,
    full_uuid,
    short_uuid,
)
from drivers.ble.weight import WeightMeasurement, decode_weight_measurement, encode_weight_measurement
from drivers.ble.wire import FlagSet

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocols" / "ble-health.md"
SETTINGS = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WHEN = datetime(2024, 3, 15, 14, 30, 45)
WHEN_BYTES = "E8 07 03 0F 0E 1E 2D"


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# -- the worked examples -------------------------------------------------------------------

# (characteristic, bytes) -> what they mean. The STANDARDS.md examples, and the ones
# docs/protocols/ble-health.md adds; each is also encoded back to exactly these bytes
# unless it is listed in NOT_CANONICAL.
EXPECTED = {
    ("2A35", "1E 79 00 51 00 5E 00 E8 07 03 0F 0E 1E 2D 48 00 01 04 00"): BloodPressureMeasurement(
        121, 81, 94, "mmHg", WHEN, pulse_rate=72, user_id=1, status=BloodPressureStatus(irregular_pulse=True)),
    ("2A35", "01 A0 F0 A0 F0 A0 F0"): BloodPressureMeasurement(16.0, 16.0, 16.0, "kPa"),
    ("2A35", "00 78 00 50 00 5D 00"): BloodPressureMeasurement(120, 80, 93),
    ("2A36", "00 8C 00 FF 07 FF 07"): IntermediateCuffPressure(140),
    ("2A37", "16 48 2C 03"): HeartRateMeasurement(72, "detected", rr_intervals=(812,)),
    ("2A5E", "00 61 00 48 00"): PlxSpotCheck(97, 72),
    ("2A5E", "11 60 00 4A 00 00 00 00 00 00 00 00"): PlxSpotCheck(96, 74, clock_set=False),
    ("2A5F", "00 62 00 46 00"): PlxContinuous(98, 70),
    ("2A1C", "02 6F 01 00 FF " + WHEN_BYTES): TemperatureMeasurement(36.7, "Cel", WHEN),
    ("2A9D", "00 B0 36"): WeightMeasurement(70.0, "kg"),
    ("2A18", "0B 07 00 " + WHEN_BYTES + " FB FF 5F B0 11 01 00"): GlucoseMeasurement(
        7, WHEN, -5, 0.00095, "kg/L", "capillary_whole_blood", "finger", GlucoseSensorStatus(battery_low=True)),
    ("2A18", "06 08 00 " + WHEN_BYTES + " 37 C0 F1"): GlucoseMeasurement(
        8, WHEN, None, 0.0055, "mol/L", "capillary_whole_blood", "not_available"),
    ("2A52", "01 01"): RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.ALL_RECORDS),
    ("2A52", "01 03 01 2A 00"): RacpRequest(RacpOpcode.REPORT_STORED_RECORDS,
                                            RacpOperator.GREATER_THAN_OR_EQUAL_TO, minimum=42),
    ("2A52", "06 00 01 01"): RacpResponse(RacpOpcode.REPORT_STORED_RECORDS, RacpResponseCode.SUCCESS),
    ("2A52", "06 00 01 06"): RacpResponse(RacpOpcode.REPORT_STORED_RECORDS, RacpResponseCode.NO_RECORDS_FOUND),
    ("2A52", "04 01"): RacpRequest(RacpOpcode.REPORT_NUMBER_OF_STORED_RECORDS, RacpOperator.ALL_RECORDS),
    ("2A52", "05 00 0C 00"): RacpNumberOfRecords(12),
    ("2A52", "02 01"): RacpRequest(RacpOpcode.DELETE_STORED_RECORDS, RacpOperator.ALL_RECORDS),
    ("2A52", "03 00"): RacpRequest(RacpOpcode.ABORT_OPERATION, RacpOperator.NULL),
    ("2A2B", WHEN_BYTES + " 05 00 01"): CurrentTime(WHEN, 5, 0, AdjustReason(manual_time_update=True)),
    ("2A19", "5A"): BatteryLevel(90),
    ("2A29", "4F 4D 52 4F 4E 00 00"): DeviceInformationText("manufacturer_name", "OMRON"),
}
# Right values, but the hub writes them shorter: 16.0 is 10 00 (16 x 10^0), not A0 F0
# (160 x 10^-1); a spot-check from an unset clock carries no timestamp field; text
# goes without NUL padding.
NOT_CANONICAL = {("2A35", "01 A0 F0 A0 F0 A0 F0"), ("2A5E", "11 60 00 4A 00 00 00 00 00 00 00 00"),
                 ("2A29", "4F 4D 52 4F 4E 00 00")}


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda key: f"{key[0]}:{key[1].replace(' ', '')[:24]}")
def test_worked_examples_decode_and_encode(key):
    uuid, hex_text = key
    value = decode(uuid, h(hex_text))
    assert value == EXPECTED[key]
    assert type(value) is type(EXPECTED[key])
    again = encode(uuid, value)
    if key not in NOT_CANONICAL:
        assert again == h(hex_text)
    assert decode(uuid, again) == value


def test_blood_pressure_example_in_detail():
    bp = decode_blood_pressure_measurement(h("1E 79 00 51 00 5E 00 E8 07 03 0F 0E 1E 2D 48 00 01 04 00"))
    assert (bp.systolic, bp.diastolic, bp.mean_arterial_pressure, bp.unit) == (121, 81, 94, "mmHg")
    assert bp.timestamp == datetime(2024, 3, 15, 14, 30, 45) and bp.timestamp.tzinfo is None
    assert (bp.pulse_rate, bp.user_id) == (72, 1)
    assert bp.status.irregular_pulse and bp.status.set_flags() == ("irregular_pulse",)
    assert bp.status.pulse_rate_range == "in_range"


def test_sixteen_kpa():
    assert decode_sfloat(h("A0 F0")) == 16.0
    bp = decode_blood_pressure_measurement(h("01 A0 F0 A0 F0 A0 F0"))
    assert (bp.systolic, bp.unit) == (16.0, "kPa")
    assert to_mmhg(bp.systolic, bp.unit) == 120.00992
    assert decode_sfloat(encode_sfloat(16.0)) == 16.0


def test_heart_rate_example_in_detail():
    hr = decode_heart_rate_measurement(h("16 48 2C 03"))
    assert (hr.heart_rate, hr.sensor_contact, hr.energy_expended) == (72, "detected", None)
    assert hr.rr_intervals == (812,) and hr.rr_intervals_s == (812 / 1024,)


def test_temperature_example_in_detail():
    t = decode_temperature_measurement(h("02 6F 01 00 FF " + WHEN_BYTES))
    assert (t.temperature, t.unit, t.timestamp, t.temperature_type) == (36.7, "Cel", WHEN, None)
    assert encode_float(36.7) == h("6F 01 00 FF")


def test_racp_worked_exchange():
    assert report_all_records() == h("01 01")
    assert decode_racp_response(h("06 00 01 01")) == RacpResponse(1, RacpResponseCode.SUCCESS)
    assert decode_racp_response(h("06 00 01 01")).success
    assert report_number_of_records() == h("04 01")
    for count in (0, 1, 0x1234, 0xFFFF):
        response = count.to_bytes(2, "little")
        assert decode_racp_response(h("05 00") + response) == RacpNumberOfRecords(count)
        assert encode_racp_response(RacpNumberOfRecords(count)) == h("05 00") + response
    assert report_records_from(0x0102) == h("01 03 01 02 01")
    assert report_number_of_records(from_sequence_number=5) == h("04 03 01 05 00")
    assert delete_all_records() == h("02 01")
    assert abort_operation() == h("03 00")


def test_current_time_from_a_datetime():
    written = encode_current_time(CurrentTime.from_datetime(WHEN, AdjustReason(manual_time_update=True)))
    assert written == h(WHEN_BYTES + " 05 00 01")
    half = CurrentTime.from_datetime(datetime(2024, 3, 17, 8, 0, 0, 500000))  # a Sunday, half a second
    assert (half.day_of_week, half.fractions256, half.time.microsecond) == (7, 128, 0)
    read = decode_current_time(written)
    assert read.time == WHEN and read.day_of_week == 5 and read.adjust_reason.set_flags() == ("manual_time_update",)


# -- the documentation ---------------------------------------------------------------------

DOC_ROW = re.compile(r"^\| 0x([0-9A-F]{4}) [^|]*\| `([0-9A-F]{2}(?: [0-9A-F]{2})*)` \|", re.M)


def test_every_worked_example_of_the_document_is_checked_here():
    text = DOC.read_text(encoding="utf-8")
    rows = {(uuid, hex_text) for uuid, hex_text in DOC_ROW.findall(text)}
    assert len(rows) >= 15
    assert rows <= set(EXPECTED), f"examples in the document without an expected value: {rows - set(EXPECTED)}"
    assert set(EXPECTED) <= rows, f"examples the document does not show: {set(EXPECTED) - rows}"
    for needle in ("78 80", "78 00", "1.2e-06", "7.50062", "100000", "clock_set", "BleCodecError"):
        assert needle in text, needle


# -- known public-suite errors ----------------------------------------------------------------


def test_78_80_is_not_120_mmhg():
    wrong = decode_sfloat(h("78 80"))  # exponent 8 is -8: 120 x 10^-8
    assert wrong == pytest.approx(1.2e-06) and wrong != 120
    assert decode_sfloat(h("78 00")) == 120
    assert encode_sfloat(120) == h("78 00")
    bp = decode_blood_pressure_measurement(h("00 78 80 50 00 5D 00"))
    assert bp.systolic == pytest.approx(1.2e-06)


def test_continuous_layout_on_the_spot_check_characteristic_is_refused():
    # Continuous flags b0 = "fast pair present": 4 more bytes. On a spot-check b0 means a
    # 7-byte timestamp: reading it as one would be wrong, so the value is refused.
    continuous = h("01 61 00 48 00 62 00 49 00")
    assert decode_plx_continuous(continuous) == PlxContinuous(97, 72, spo2_fast=98, pulse_rate_fast=73)
    with pytest.raises(BleCodecError, match="too short"):
        decode_plx_spot_check(continuous)
    # ...and the spot-check's layout on the continuous characteristic: a timestamp is
    # neither a fast nor a slow pair.
    with pytest.raises(BleCodecError):
        decode_plx_continuous(h("01 61 00 48 00 " + WHEN_BYTES))


# -- "no value" --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(SFLOAT_SPECIALS))
def test_sfloat_specials_are_no_value(code):
    raw = code.to_bytes(2, "little")
    assert decode_sfloat(raw) is None
    bp = decode_blood_pressure_measurement(b"\x04" + raw * 3 + raw)
    assert (bp.systolic, bp.diastolic, bp.mean_arterial_pressure, bp.pulse_rate) == (None, None, None, None)
    spot = decode_plx_spot_check(b"\x00" + raw + raw)
    assert (spot.spo2, spot.pulse_rate) == (None, None)
    glucose = decode_glucose_measurement(b"\x02\x01\x00" + h(WHEN_BYTES) + raw + b"\x11")
    assert glucose.concentration is None and glucose.concentration_mg_per_dl is None
    assert to_json(bp)["systolic"] is None
    assert json.dumps(to_json(bp), allow_nan=False)


@pytest.mark.parametrize("code", sorted(FLOAT_SPECIALS))
def test_float_specials_are_no_value(code):
    raw = code.to_bytes(4, "little")
    assert decode_float(raw) is None
    assert decode_temperature_measurement(b"\x00" + raw).temperature is None


def test_special_codes_need_exponent_zero():
    # 0x17FF is 2047 x 10^1, a number; only 0x07FF itself is NaN.
    assert decode_sfloat(h("FF 17")) == 20470
    assert decode_sfloat(h("FF F7")) == 204.7
    assert decode_float(h("FF FF 7F 01")) == 83886070
    # Numbers that would collide with a special at exponent 0 are written another way.
    for value in (2046, 2047, -2046, -2047, -2048):
        assert SFLOAT.encode(value) not in SFLOAT_SPECIALS
        assert decode_sfloat(encode_sfloat(value)) == pytest.approx(value, rel=5e-3)  # 3 digits here
    for value in (8388606, 8388607, -8388606, -8388607, -8388608):
        assert FLOAT.encode(value) not in FLOAT_SPECIALS
        assert decode_float(encode_float(value)) == pytest.approx(value, rel=1e-6)


def test_no_value_is_written_as_nan():
    assert encode_sfloat(None) == h("FF 07") and encode_sfloat(float("nan")) == h("FF 07")
    assert encode_float(None) == h("FF FF 7F 00")
    assert encode_sfloat(float("inf")) == h("FE 07") and encode_sfloat(float("-inf")) == h("02 08")
    assert decode_sfloat(encode_sfloat(float("inf"))) is None


def test_weight_unsuccessful_is_no_value():
    w = decode_weight_measurement(h("00 FF FF"))
    assert w.weight is None
    assert encode_weight_measurement(w) == h("00 FF FF")
    assert decode_weight_measurement(h("00 FE FF")).weight == 327.67


def test_sfloat_and_float_formats():
    assert decode_sfloat(h("00 00")) == 0
    assert decode_sfloat(h("FF 0F")) == -1  # mantissa 0xFFF is -1
    assert decode_sfloat(h("01 80")) == 1e-08  # smallest exponent
    assert decode_sfloat(h("FD 77")) == 2045e7  # largest exponent
    assert encode_sfloat(1e9) == (0x6000 | 1000).to_bytes(2, "little")  # 1000 x 10^6
    assert encode_sfloat(2e10) == (0x7000 | 2000).to_bytes(2, "little")  # 2000 x 10^7: the largest exponent
    assert encode_sfloat(0.1 + 0.2) == h("03 F0")  # rounded to what fits: 3 x 10^-1
    assert encode_sfloat(36.75) == h("70 F1")  # 3675 does not fit 12 bits: 368 x 10^-1 (half to even)
    assert decode_sfloat(encode_sfloat(-36.7)) == -36.7
    with pytest.raises(BleCodecError, match="too large"):
        encode_sfloat(3e10)
    with pytest.raises(BleCodecError):
        encode_sfloat("12")
    for bad in (b"", b"\x00", b"\x00\x00\x00"):
        with pytest.raises(BleCodecError):
            decode_sfloat(bad)
    with pytest.raises(BleCodecError):
        decode_float(b"\x00\x00\x00")


# -- dates and clocks ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["00 00 03 0F 0E 1E 2D", "E8 07 00 0F 0E 1E 2D", "E8 07 03 00 0E 1E 2D",
                                 "00 00 00 00 00 00 00"])
def test_unknown_dates_are_none(raw):
    assert decode_date_time(h(raw)) is None
    assert decode_temperature_measurement(h("02 6F 01 00 FF " + raw)).timestamp is None


@pytest.mark.parametrize("raw, why", [
    ("E8 07 0D 0F 0E 1E 2D", "month 13"),
    ("E8 07 02 1E 0E 1E 2D", "does not exist"),  # 30 February
    ("E8 07 03 0F 18 1E 2D", "hours 24"),
    ("E8 07 03 0F 0E 3C 2D", "minutes 60"),
    ("E8 07 03 0F 0E 1E 3C", "seconds 60"),
    ("E8 03 03 0F 0E 1E 2D", "year 1000"),
    ("10 27 03 0F 0E 1E 2D", "year 10000"),
    ("00 00 0D 00 00 00 00", "month 13"),
])
def test_impossible_dates_are_clear_errors(raw, why):
    with pytest.raises(BleCodecError, match=why):
        decode_date_time(h(raw))
    with pytest.raises(BleCodecError, match="timestamp"):
        decode_blood_pressure_measurement(h("02 79 00 51 00 5E 00 " + raw))


def test_date_time_encoding():
    assert encode_date_time(WHEN) == h(WHEN_BYTES)
    assert encode_date_time(None) == bytes(7)
    assert encode_date_time(WHEN.replace(microsecond=999999)) == h(WHEN_BYTES)
    with pytest.raises(BleCodecError, match="naive"):
        encode_date_time(WHEN.replace(tzinfo=timezone.utc))
    with pytest.raises(BleCodecError, match="year"):
        encode_date_time(datetime(1500, 1, 1))


def test_far_off_clocks_are_returned_as_sent():
    # The caller decides what to do with a cuff that thinks it is 2000 or 2099.
    for year in (1582, 2000, 2099, 9999):
        moment = datetime(year, 1, 1, 0, 0, 0)
        assert decode_date_time(encode_date_time(moment)) == moment


def test_plx_clock_not_set():
    # b0 timestamp + b4 clock not set: whatever the timestamp says is ignored, even nonsense.
    for stamp in (WHEN_BYTES, "00 00 00 00 00 00 00", "E8 07 0D 0F 0E 1E 2D"):
        spot = decode_plx_spot_check(h("11 60 00 4A 00 " + stamp))
        assert spot == PlxSpotCheck(96, 74, timestamp=None, clock_set=False)
    assert decode_plx_spot_check(h("10 60 00 4A 00")).clock_set is False
    assert encode_plx_spot_check(PlxSpotCheck(96, 74, clock_set=False)) == h("10 60 00 4A 00")
    with pytest.raises(BleCodecError, match="clock"):
        encode_plx_spot_check(PlxSpotCheck(96, 74, timestamp=WHEN, clock_set=False))
    # With the clock set, a bad timestamp is an error, never ignored.
    with pytest.raises(BleCodecError, match="month 13"):
        decode_plx_spot_check(h("01 60 00 4A 00 E8 07 0D 0F 0E 1E 2D"))


def test_glucose_time_and_offset():
    g = decode(GLUCOSE_MEASUREMENT, h("0B 07 00 " + WHEN_BYTES + " FB FF 5F B0 11 01 00"))
    assert g.time == WHEN - timedelta(minutes=5)
    assert GlucoseMeasurement(1, None, 30).time is None
    with pytest.raises(BleCodecError, match="calendar"):
        decode_glucose_measurement(h("01 01 00 0F 27 0C 1F 17 3B 3B FF 7F"))  # 9999-12-31 23:59:59 + 32767 min
    with pytest.raises(BleCodecError, match="calendar"):
        encode_glucose_measurement(GlucoseMeasurement(1, datetime(9999, 12, 31), 32767))


# -- status flags and enumerations ------------------------------------------------------------------


def test_blood_pressure_status_bits():
    def status(bits: int) -> BloodPressureStatus:
        return decode_blood_pressure_measurement(h("10 79 00 51 00 5E 00") + bits.to_bytes(2, "little")).status

    assert status(0x0001).body_movement and status(0x0002).cuff_too_loose
    assert status(0x0004).irregular_pulse and status(0x0020).improper_position
    assert [status(r << 3).pulse_rate_range for r in (0, 1, 2)] == ["in_range", "above", "below"]
    assert status(0xFFC0) == BloodPressureStatus()  # reserved bits are not kept
    with pytest.raises(BleCodecError, match="pulse rate range 3 is reserved"):
        status(0x0018)
    everything = BloodPressureStatus(True, True, True, "below", True)
    assert everything.to_bits() == 0x0037
    with pytest.raises(BleCodecError, match="pulse_rate_range"):
        encode_blood_pressure_measurement(BloodPressureMeasurement(1, 2, 3, status=BloodPressureStatus(
            pulse_rate_range="high")))


def test_heart_rate_contact_and_formats():
    contact = {0b000: "not_supported", 0b010: "not_supported", 0b100: "not_detected", 0b110: "detected"}
    for bits, name in contact.items():
        assert decode_heart_rate_measurement(bytes([bits, 60])).sensor_contact == name
    wide = decode_heart_rate_measurement(h("09 2C 01 10 27"))  # u16 300 bpm, energy 10000 kJ
    assert (wide.heart_rate, wide.energy_expended) == (300, 10000)
    assert encode_heart_rate_measurement(wide) == h("09 2C 01 10 27")
    several = decode_heart_rate_measurement(h("10 48 00 04 2C 03 10 04"))
    assert several.rr_intervals == (1024, 812, 1040) and several.rr_intervals_s[0] == 1.0
    with pytest.raises(BleCodecError, match="RR intervals are 2 bytes"):
        decode_heart_rate_measurement(h("10 48 00 04 2C"))
    with pytest.raises(BleCodecError, match="after the last field"):
        decode_heart_rate_measurement(h("00 48 00"))


def test_plx_status_bits():
    spot = decode_plx_spot_check(h("0E 61 00 48 00 20 80 01 80 00 FF 07"))
    assert spot.measurement_status.set_flags() == ("measurement_ongoing", "invalid_measurement_detected")
    assert spot.device_status.set_flags() == ("extended_display_update_ongoing", "sensor_disconnected")
    assert spot.pulse_amplitude_index is None
    assert decode_plx_spot_check(h("02 61 00 48 00 1F 00")).measurement_status == PlxMeasurementStatus()
    assert decode_plx_spot_check(h("04 61 00 48 00 00 00 FF")).device_status == PlxDeviceStatus()
    cont = decode_plx_continuous(h("1E 61 00 48 00 60 00 47 00 00 20 20 00 00 05 F0"))
    assert cont.spo2_slow == 96 and cont.pulse_rate_slow == 71 and cont.spo2_fast is None
    assert cont.measurement_status.measurement_unavailable and cont.device_status.low_perfusion_detected
    assert cont.pulse_amplitude_index == 0.5


@pytest.mark.parametrize("cls", [BloodPressureStatus, PlxMeasurementStatus, PlxDeviceStatus, GlucoseSensorStatus,
                                 AdjustReason])
def test_flag_sets_name_every_field(cls):
    assert issubclass(cls, FlagSet)
    names = {f.name for f in fields(cls)} - {"pulse_rate_range"}
    assert set(cls.BITS) == names
    assert len(set(cls.BITS.values())) == len(cls.BITS)
    for name, bit in cls.BITS.items():
        assert cls.from_bits(1 << bit).set_flags() == (name,)
        assert cls(**{name: True}).to_bits() == 1 << bit


def test_temperature_types_and_units():
    assert decode_temperature_measurement(h("05 6F 01 00 FF 06")).temperature_type == "mouth"
    fahrenheit = decode_temperature_measurement(h("01 DA 03 00 FF"))  # 98.6 F
    assert (fahrenheit.temperature, fahrenheit.unit) == (98.6, "[degF]")
    assert to_celsius(fahrenheit.temperature, fahrenheit.unit) == pytest.approx(37.0)
    for reserved in (0, 10, 255):
        with pytest.raises(BleCodecError, match=f"temperature type {reserved} is reserved"):
            decode_temperature_measurement(h("04 6F 01 00 FF") + bytes([reserved]))
    intermediate = decode("2a1e", h("00 6F 01 00 FF"))
    assert intermediate.intermediate and intermediate.temperature == 36.7
    with pytest.raises(BleCodecError, match="does not carry"):
        encode("2a1c", intermediate)


def test_weight_imperial_bmi_and_height():
    w = decode_weight_measurement(h("0D 48 3C 02 F2 00 AF 02"))  # 154.32 lb, user 2, BMI 24.2, 68.7 in
    assert (w.weight, w.unit, w.user_id, w.bmi, w.height, w.height_unit) == (154.32, "[lb_av]", 2, 24.2, 68.7,
                                                                                "[in_i]")
    assert to_kg(w.weight, w.unit) == pytest.approx(69.998, abs=0.001)
    assert encode_weight_measurement(w) == h("0D 48 3C 02 F2 00 AF 02")
    si = decode_weight_measurement(h("08 B0 36 F2 00 CA 06"))
    assert (si.bmi, si.height, si.height_unit) == (24.2, 1.738, "m")
    with pytest.raises(BleCodecError, match="together"):
        encode_weight_measurement(WeightMeasurement(70, bmi=24.2))
    with pytest.raises(BleCodecError, match="out of range"):
        encode_weight_measurement(WeightMeasurement(400))


def test_glucose_nibbles_and_units():
    base = "02 01 00 " + WHEN_BYTES + " 5F B0 "
    for type_code, name in SAMPLE_TYPES.items():
        assert decode_glucose_measurement(h(base) + bytes([0x10 | type_code])).sample_type == name
    for location_code, name in SAMPLE_LOCATIONS.items():
        assert decode_glucose_measurement(h(base) + bytes([location_code << 4 | 1])).sample_location == name
    for bad, why in ((0x10, "sample type 0"), (0x1B, "sample type 11"), (0x01, "sample location 0"),
                     (0x51, "sample location 5")):
        with pytest.raises(BleCodecError, match=why):
            decode_glucose_measurement(h(base) + bytes([bad]))
    g = decode_glucose_measurement(h(base + "11"))
    assert g.concentration_mg_per_dl == 95.0 and g.concentration_mmol_per_l == pytest.approx(5.27, abs=0.01)
    with pytest.raises(BleCodecError, match="sample type"):
        encode_glucose_measurement(GlucoseMeasurement(1, WHEN, concentration=0.001))
    context = decode_glucose_measurement(h("10 02 00 " + WHEN_BYTES))
    assert context.context_follows and context.concentration is None


def test_unit_conversions():
    assert to_mmhg(16.0, "kPa") == 120.00992 and to_mmhg(120, "mmHg") == 120 and to_mmhg(None, "kPa") is None
    assert to_celsius(98.6, "[degF]") == pytest.approx(37.0) and to_celsius(36.7, "Cel") == 36.7
    assert to_kg(154.32, "[lb_av]") == pytest.approx(69.998, abs=0.001) and to_kg(70, "kg") == 70
    assert glucose_to_mg_per_dl(0.00095, "kg/L") == 95.0
    assert glucose_to_mmol_per_l(0.0055, "mol/L") == 5.5
    assert glucose_to_mg_per_dl(0.0055, "mol/L") == pytest.approx(99.09, abs=0.01)
    assert glucose_to_mmol_per_l(0.001, "kg/L") == pytest.approx(5.55, abs=0.01)
    with pytest.raises(ValueError):
        to_mmhg(120, "psi")


def test_battery_and_device_information():
    assert decode_battery_level(h("64")) == BatteryLevel(100)
    for bad in ("65", "FF", "", "64 00"):
        with pytest.raises(BleCodecError):
            decode_battery_level(h(bad))
    with pytest.raises(BleCodecError):
        encode_battery_level(BatteryLevel(101))
    assert decode_device_information_text("Bjørn 1.0\0\0".encode(), "firmware_revision").text == "Bjørn 1.0"
    assert decode("2a25", b"A\x00B\x00").text == "A\x00B"  # only trailing NULs go
    assert decode("2a24", b"").text == ""
    with pytest.raises(BleCodecError, match="not UTF-8"):
        decode("2a26", b"\xff\xfe1.0")
    assert encode("2a27", DeviceInformationText("hardware_revision", "rev B")) == b"rev B"
    with pytest.raises(BleCodecError, match="does not carry"):
        encode("2a27", DeviceInformationText("software_revision", "1.0"))


# -- RACP -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, code", [
    ("", RacpResponseCode.OP_CODE_NOT_SUPPORTED),
    ("07 01", RacpResponseCode.OP_CODE_NOT_SUPPORTED),
    ("01", RacpResponseCode.INVALID_OPERATOR),
    ("01 00", RacpResponseCode.INVALID_OPERATOR),
    ("03 01", RacpResponseCode.INVALID_OPERATOR),
    ("01 07", RacpResponseCode.OPERATOR_NOT_SUPPORTED),
    ("01 03", RacpResponseCode.INVALID_OPERAND),
    ("01 03 01 05", RacpResponseCode.INVALID_OPERAND),
    ("01 03 02 " + WHEN_BYTES, RacpResponseCode.OPERAND_NOT_SUPPORTED),
    ("01 04 01 09 00 05 00", RacpResponseCode.INVALID_OPERAND),
    ("01 01 00", RacpResponseCode.INVALID_OPERAND),
    ("03 00 00", RacpResponseCode.INVALID_OPERAND),
])
def test_racp_bad_requests_carry_the_response_code(raw, code):
    with pytest.raises(RacpRequestError) as caught:
        decode_racp_request(h(raw))
    assert caught.value.response_code == code
    assert isinstance(caught.value, BleCodecError)
    # What a meter answers: a response the hub reads back.
    answer = encode_racp_response(RacpResponse(caught.value.request_opcode, code))
    assert decode_racp_response(answer).response_code == code


def test_racp_requests_in_every_form():
    for request in (RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.LESS_THAN_OR_EQUAL_TO, maximum=9),
                    RacpRequest(RacpOpcode.DELETE_STORED_RECORDS, RacpOperator.WITHIN_RANGE_OF, 3, 9),
                    RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.FIRST_RECORD),
                    RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.LAST_RECORD)):
        assert decode_racp_request(encode_racp_request(request)) == request
    assert encode_racp_request(RacpRequest(2, 4, 3, 9)) == h("02 04 01 03 00 09 00")
    for bad in (RacpRequest(RacpOpcode.RESPONSE_CODE, RacpOperator.NULL),
                RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.NULL),
                RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.GREATER_THAN_OR_EQUAL_TO),
                RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.ALL_RECORDS, minimum=1),
                RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.WITHIN_RANGE_OF, 9, 3),
                RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.GREATER_THAN_OR_EQUAL_TO, 70000),
                RacpRequest(9, RacpOperator.ALL_RECORDS)):
        with pytest.raises(BleCodecError):
            encode_racp_request(bad)
    with pytest.raises(BleCodecError):
        report_records_from(-1)


def test_racp_bad_responses():
    for raw, why in (("06 01 01 01", "operator"), ("06 00 01 00", "response code 0 is reserved"),
                     ("06 00 01 0A", "reserved"), ("05 00 01", "too short"), ("06 00 01 01 00", "after the last"),
                     ("01 01", "not a response")):
        with pytest.raises(BleCodecError, match=why):
            decode_racp_response(h(raw))
    odd = decode_racp(h("06 00 09 02"))  # answer to an op code the meter does not know
    assert odd == RacpResponse(9, RacpResponseCode.OP_CODE_NOT_SUPPORTED) and not odd.success
    assert to_json(odd)["request_opcode"] == 9


# -- the registry and the technician's decode ---------------------------------------------------------


@pytest.mark.parametrize("uuid", ["2a35", "2A35", "0x2A35", "0x2a35", " 2a35 ", "00002a35",
                                  "00002a35-0000-1000-8000-00805f9b34fb", "00002A35-0000-1000-8000-00805F9B34FB"])
def test_uuid_forms(uuid):
    assert short_uuid(uuid) == 0x2A35
    assert decode(uuid, h("00 78 00 50 00 5D 00")).systolic == 120


@pytest.mark.parametrize("uuid", ["2a", "2a355", "0x", "", "zz35", "00002a35-0000-1000-8000-00805f9b34fc",
                                  "12345678-1234-5678-1234-567812345678"])
def test_bad_uuids(uuid):
    with pytest.raises(BleCodecError, match="not a Bluetooth SIG UUID"):
        decode(uuid, b"\x00")


def test_unknown_characteristics():
    with pytest.raises(BleCodecError, match=r"no codec for characteristic 0x2A49 \(Blood Pressure Feature\)"):
        decode("2a49", b"\x00\x00")
    with pytest.raises(BleCodecError, match="0x1234"):
        decode_hex_to_json("1234", "00")
    with pytest.raises(BleCodecError, match="does not carry"):
        encode("2a35", HeartRateMeasurement(60))


def test_uuid_constants():
    assert full_uuid(0x2A35) == BLOOD_PRESSURE_MEASUREMENT == "00002a35-0000-1000-8000-00805f9b34fb"
    services = {short_uuid(u) for u in NAMES if short_uuid(u) < 0x2000}
    assert services == {0x1810, 0x180D, 0x1822, 0x1809, 0x181D, 0x1808, 0x180F, 0x180A, 0x1805}
    for characteristics in HEALTH_SERVICES.values():
        for uuid in characteristics:
            assert short_uuid(uuid) in CODECS
    for short in CODECS:
        assert full_uuid(short) in NAMES


@pytest.mark.parametrize("text", ["16 48 2C 03", "16:48:2c:03", "16482C03", "0x16 0x48 0x2C 0x03", " 16-48-2c-03\n",
                                  "0x16482C03"])
def test_hex_forms(text):
    assert parse_hex(text) == h("16 48 2C 03")
    assert decode_hex_to_json("2a37", text)["heart_rate"] == 72


@pytest.mark.parametrize("text, why", [("16 48 2C 0", "not a whole number of bytes"), ("16 4G", "'G' is not a hex"),
                                       ("16;48", "';' is not a hex"), ("", "too short")])
def test_bad_hex(text, why):
    with pytest.raises(BleCodecError, match=why):
        decode_hex_to_json("2a37", text)


def test_decode_hex_to_json_is_plain_json():
    result = decode_hex_to_json("0x2A35", "1E 79 00 51 00 5E 00 E8 07 03 0F 0E 1E 2D 48 00 01 04 00")
    assert result["type"] == "blood_pressure_measurement" and result["characteristic"] == "0x2A35"
    assert result["timestamp"] == "2024-03-15T14:30:45" and result["unit"] == "mmHg"
    assert result["status"]["irregular_pulse"] is True and result["status"]["pulse_rate_range"] == "in_range"
    assert result["units"]["pulse_rate"] == "/min"
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    glucose = decode_hex_to_json("2a18", "06 08 00 " + WHEN_BYTES + " 37 C0 F1")
    assert glucose["concentration_mmol_per_l"] == 5.5 and glucose["units"]["concentration"] == "mol/L"
    assert decode_hex_to_json("2a52", "06 00 01 06")["response_code"] == "no_records_found"
    with pytest.raises(TypeError):
        to_json(object())


# -- property-based: every encoder round-trips, every decoder only ever raises BleCodecError ----------


def sfloat_codes() -> st.SearchStrategy[float]:
    return st.integers(0, 0xFFFF).filter(lambda raw: raw not in SFLOAT_SPECIALS).map(SFLOAT.decode)


def float_codes() -> st.SearchStrategy[float]:
    return st.integers(0, 0xFFFFFFFF).filter(lambda raw: raw not in FLOAT_SPECIALS).map(FLOAT.decode)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


SFLOATS = maybe(sfloat_codes())
TIMES = st.datetimes(min_value=datetime(1582, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)).map(
    lambda moment: moment.replace(microsecond=0))
U8, U16 = st.integers(0, 0xFF), st.integers(0, 0xFFFF)


def flag_sets(cls) -> st.SearchStrategy:
    extra = {"pulse_rate_range": st.sampled_from(["in_range", "above", "below"])} if cls is BloodPressureStatus else {}
    return st.builds(cls, **{name: st.booleans() for name in cls.BITS}, **extra)


BP_STATUS = maybe(flag_sets(BloodPressureStatus))


def weights(unit: str, steps: int, height_steps: int) -> st.SearchStrategy[WeightMeasurement]:
    """Weights on the wire's grid (1/200 kg or 1/100 lb); BMI and height together or not at all."""
    return st.builds(lambda weight, when, user, bmi_height: WeightMeasurement(weight, unit, when, user,
                                                                              *(bmi_height or (None, None))),
                     maybe(st.integers(0, 0xFFFE).map(lambda raw: raw / steps)), maybe(TIMES), maybe(U8),
                     maybe(st.tuples(U16.map(lambda raw: raw / 10), U16.map(lambda raw: raw / height_steps))))


def glucose(seq, base, offset, block, unit, status, context) -> GlucoseMeasurement:
    concentration, sample_type, location = block or (None, None, None)
    return GlucoseMeasurement(seq, base, offset, concentration, unit, sample_type, location, status, context)

STRATEGIES = {
    "2A35": st.builds(BloodPressureMeasurement, SFLOATS, SFLOATS, SFLOATS, st.sampled_from(["mmHg", "kPa"]),
                      maybe(TIMES), SFLOATS, maybe(U8), BP_STATUS),
    "2A36": st.builds(IntermediateCuffPressure, SFLOATS, st.sampled_from(["mmHg", "kPa"]), maybe(TIMES), SFLOATS,
                      maybe(U8), BP_STATUS),
    "2A37": st.builds(HeartRateMeasurement, U16, st.sampled_from(["not_supported", "not_detected", "detected"]),
                      maybe(U16), st.lists(U16, max_size=9).map(tuple)),
    "2A5E": st.one_of(
        st.builds(PlxSpotCheck, SFLOATS, SFLOATS, maybe(TIMES), st.just(True), maybe(flag_sets(PlxMeasurementStatus)),
                  maybe(flag_sets(PlxDeviceStatus)), SFLOATS),
        st.builds(PlxSpotCheck, SFLOATS, SFLOATS, st.none(), st.just(False), maybe(flag_sets(PlxMeasurementStatus)),
                  maybe(flag_sets(PlxDeviceStatus)), SFLOATS)),
    "2A5F": st.builds(PlxContinuous, SFLOATS, SFLOATS, SFLOATS, SFLOATS, SFLOATS, SFLOATS,
                      maybe(flag_sets(PlxMeasurementStatus)), maybe(flag_sets(PlxDeviceStatus)), SFLOATS),
    "2A1C": st.builds(TemperatureMeasurement, maybe(float_codes()), st.sampled_from(["Cel", "[degF]"]), maybe(TIMES),
                      maybe(st.sampled_from(sorted(TEMPERATURE_TYPES.values()))), st.just(False)),
    "2A1E": st.builds(TemperatureMeasurement, maybe(float_codes()), st.sampled_from(["Cel", "[degF]"]), maybe(TIMES),
                      maybe(st.sampled_from(sorted(TEMPERATURE_TYPES.values()))), st.just(True)),
    "2A9D": weights("kg", 200, 1000) | weights("[lb_av]", 100, 10),
    "2A18": st.builds(glucose, U16, maybe(TIMES.filter(lambda t: t.year < 9999)), maybe(st.integers(-0x8000, 0x7FFF)),
                      maybe(st.tuples(SFLOATS, st.sampled_from(sorted(SAMPLE_TYPES.values())),
                                      st.sampled_from(sorted(SAMPLE_LOCATIONS.values())))),
                      st.sampled_from(["kg/L", "mol/L"]), maybe(flag_sets(GlucoseSensorStatus)), st.booleans()),
    "2A52": st.one_of(
        st.builds(RacpRequest, st.sampled_from([1, 2, 4]).map(RacpOpcode),
                  st.sampled_from([RacpOperator.ALL_RECORDS, RacpOperator.FIRST_RECORD, RacpOperator.LAST_RECORD])),
        st.builds(lambda op, low: RacpRequest(op, RacpOperator.GREATER_THAN_OR_EQUAL_TO, minimum=low),
                  st.sampled_from([1, 2, 4]).map(RacpOpcode), U16),
        st.builds(lambda op, high: RacpRequest(op, RacpOperator.LESS_THAN_OR_EQUAL_TO, maximum=high),
                  st.sampled_from([1, 2, 4]).map(RacpOpcode), U16),
        st.builds(lambda op, a, b: RacpRequest(op, RacpOperator.WITHIN_RANGE_OF, min(a, b), max(a, b)),
                  st.sampled_from([1, 2, 4]).map(RacpOpcode), U16, U16),
        st.just(RacpRequest(RacpOpcode.ABORT_OPERATION, RacpOperator.NULL)),
        st.builds(RacpResponse, U8, st.sampled_from(list(RacpResponseCode))),
        st.builds(RacpNumberOfRecords, U16)),
    "2A2B": st.builds(CurrentTime, maybe(TIMES), maybe(st.integers(1, 7)), U8, flag_sets(AdjustReason)),
    "2A19": st.builds(BatteryLevel, st.integers(0, 100)),
    **{f"{short:04X}": st.builds(DeviceInformationText, st.just(name),
                                 st.text(max_size=40).filter(lambda t: not t.endswith("\x00")))
       for short, name in DEVICE_INFORMATION_FIELDS.items()},
}


def test_every_codec_has_a_strategy():
    assert {int(uuid, 16) for uuid in STRATEGIES} == set(CODECS)


@pytest.mark.parametrize("uuid", sorted(STRATEGIES))
@settings(SETTINGS, max_examples=60)
@given(data=st.data())
def test_every_encoder_round_trips(uuid, data):
    value = data.draw(STRATEGIES[uuid], label="value")
    raw = encode(uuid, value)
    assert decode(uuid, raw) == value
    assert encode(uuid, decode(uuid, raw)) == raw  # and the bytes are the hub's canonical form
    assert json.dumps(to_json(value), allow_nan=False)


@settings(SETTINGS, max_examples=300)
@given(raw=st.integers(0, 0xFFFF))
def test_every_sfloat_code_reads_back(raw):
    value = SFLOAT.decode(raw)
    if raw in SFLOAT_SPECIALS:
        assert value is None
        return
    assert decode_sfloat(encode_sfloat(value)) == value


@settings(SETTINGS, max_examples=300)
@given(raw=st.integers(0, 0xFFFFFFFF))
def test_every_float_code_reads_back(raw):
    value = FLOAT.decode(raw)
    if raw in FLOAT_SPECIALS:
        assert value is None
        return
    assert decode_float(encode_float(value)) == value


@settings(SETTINGS, max_examples=200)
@given(value=st.floats(min_value=-2e10, max_value=2e10, allow_nan=False))
def test_any_number_is_written_to_the_nearest_sfloat(value):
    got = decode_sfloat(encode_sfloat(value))
    # 4 significant digits at most (3 where the mantissa would pass 2047), down to 10^-8.
    assert abs(got - value) <= max(abs(value) * 5e-3, 5e-9)


@pytest.mark.parametrize("uuid", sorted(STRATEGIES))
@settings(SETTINGS, max_examples=150)
@given(data=st.data())
def test_random_bytes_give_a_value_or_a_codec_error(uuid, data):
    raw = data.draw(st.binary(max_size=40) | st.builds(
        lambda flags, body: bytes([flags]) + body, U8, st.binary(min_size=2, max_size=30)), label="raw")
    try:
        value = decode(uuid, raw)
    except BleCodecError as exc:
        assert str(exc)
        return
    # Whatever decoded is a value the hub can show, store and send back unchanged.
    assert json.dumps(to_json(value), allow_nan=False)
    assert decode(uuid, encode(uuid, value)) == value


@settings(SETTINGS, max_examples=100)
@given(text=st.text(max_size=30))
def test_any_text_given_as_hex_gives_json_or_a_codec_error(text):
    try:
        result = decode_hex_to_json("2a37", text)
    except BleCodecError:
        return
    assert result["type"] == "heart_rate_measurement"


def test_decoders_refuse_what_is_not_bytes():
    for uuid in ("2a35", "2a29", "2a52", "2a19"):
        for bad in ("1E 79", None, 12, [1, 2]):
            with pytest.raises(BleCodecError, match="bytes"):
                decode(uuid, bad)
    assert decode("2a19", bytearray(b"\x32")) == decode("2a19", memoryview(b"\x32")) == BatteryLevel(50)


def test_encoders_refuse_out_of_range_values():
    for uuid, value, why in (
        ("2a35", BloodPressureMeasurement(120, 80, 90, user_id=256), "user id 256"),
        ("2a35", BloodPressureMeasurement(120, 80, 90, unit="psi"), "unit"),
        ("2a35", BloodPressureMeasurement(120, 80, 90, timestamp=WHEN.replace(tzinfo=timezone.utc)), "naive"),
        ("2a37", HeartRateMeasurement(-1), "heart rate -1"),
        ("2a37", HeartRateMeasurement(70000), "heart rate 70000"),
        ("2a37", HeartRateMeasurement(60, "maybe"), "sensor_contact"),
        ("2a37", HeartRateMeasurement(60, rr_intervals=(65536,)), "RR interval"),
        ("2a1c", TemperatureMeasurement(36.7, temperature_type="nose"), "temperature type"),
        ("2a18", GlucoseMeasurement(-1, WHEN), "sequence number"),
        ("2a18", GlucoseMeasurement(1, WHEN, unit="mg/dL"), "unit"),
        ("2a2b", CurrentTime(WHEN, 8), "day of week"),
        ("2a2b", CurrentTime(WHEN, 5, 256), "fractions256"),
        ("2a9d", WeightMeasurement(-1), "out of range"),
    ):
        with pytest.raises(BleCodecError, match=why):
            encode(uuid, value)
