"""Readings as the resident and the nurse see them: display units and bands."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.ble import uuids as u
from drivers.ble.blood_pressure import BloodPressureMeasurement, BloodPressureStatus
from drivers.ble.glucose import GlucoseMeasurement
from drivers.ble.plx import PlxSpotCheck
from drivers.ble.registry import decode, encode, to_json
from drivers.ble.thermometer import TemperatureMeasurement
from drivers.ble.weight import WeightMeasurement
from hub_app.vitals import DEFAULT_LIMITS, Band, Limits, assess, measured_values
from vocabulary import Event, EventKind

AT = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def reading(characteristic: str, reading_type: str, value: object) -> Event:
    """A reading the way the hub stores it: through the wire format and back."""
    data = to_json(decode(characteristic, encode(characteristic, value)))
    return Event(kind=EventKind.READING, type=reading_type, source="ble:test", occurred_at=AT, data=data)


def blood_pressure(systolic, diastolic, pulse=70.0, unit="mmHg", **status) -> Event:
    return reading(u.BLOOD_PRESSURE_MEASUREMENT, "blood_pressure", BloodPressureMeasurement(
        systolic, diastolic, None, unit=unit, pulse_rate=pulse,
        status=BloodPressureStatus(**status) if status else None))


@pytest.mark.parametrize(("systolic", "diastolic", "band"), [
    (128, 82, Band.GREEN), (139, 89, Band.GREEN), (140, 85, Band.YELLOW), (130, 95, Band.YELLOW),
    (180, 95, Band.RED), (150, 110, Band.RED), (85, 55, Band.RED), (95, 65, Band.YELLOW),
])
def test_blood_pressure_bands_take_the_worse_of_the_two_pressures(systolic, diastolic, band):
    result = assess(blood_pressure(systolic, diastolic))
    assert result.band is band
    assert result.values == {"systolic": systolic, "diastolic": diastolic, "pulse": 70}


def test_a_cuff_measuring_in_kpa_is_judged_in_mmhg():
    result = assess(blood_pressure(24.0, 12.0, unit="kPa"))  # 180 / 90 mmHg
    assert result.values["systolic"] == pytest.approx(180.0, abs=0.1)
    assert result.bands["systolic"] is Band.RED


def test_what_the_cuff_noticed_becomes_notes():
    result = assess(blood_pressure(128, 82, irregular_pulse=True, body_movement=True))
    assert set(result.notes) == {"irregular_pulse", "body_movement"}
    assert assess(blood_pressure(128, 82, pulse_rate_range="above")).notes == ("pulse_out_of_range",)


def test_each_kind_of_reading_in_display_units():
    oxygen = assess(reading(u.PLX_SPOT_CHECK_MEASUREMENT, "oxygen_saturation", PlxSpotCheck(93.0, 88.0)))
    assert oxygen.values == {"spo2": 93.0, "pulse": 88.0} and oxygen.band is Band.YELLOW
    fever = assess(reading(u.TEMPERATURE_MEASUREMENT, "body_temperature", TemperatureMeasurement(102.2, unit="[degF]")))
    assert fever.values == {"temperature": 39.0} and fever.band is Band.YELLOW
    weight = assess(reading(u.WEIGHT_MEASUREMENT, "body_weight", WeightMeasurement(150.0, unit="[lb_av]")))
    assert weight.values == {"weight": 68.0} and weight.band is None  # change matters, not a band
    sugar = assess(reading(u.GLUCOSE_MEASUREMENT, "blood_glucose", GlucoseMeasurement(
        sequence_number=1, base_time=datetime(2026, 11, 23, 8, 0), concentration=0.003, unit="kg/L",
        sample_type="capillary_whole_blood", sample_location="finger")))
    assert sugar.values["glucose"] == pytest.approx(16.7, abs=0.1) and sugar.band is Band.RED


def test_no_value_is_left_out_never_judged():
    result = assess(blood_pressure(None, None, pulse=None))
    assert result.values == {} and result.band is None


def test_the_residents_own_limits_replace_the_defaults():
    limits = {**DEFAULT_LIMITS, "systolic": Limits(green=(100, 150), yellow=(90, 170))}
    assert assess(blood_pressure(148, 80), limits).band is Band.GREEN
    assert assess(blood_pressure(148, 80)).band is Band.YELLOW


def test_limits_that_do_not_nest_are_refused():
    with pytest.raises(ValueError, match="inside the yellow range"):
        Limits(green=(100, 150), yellow=(110, 170))


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_every_value_falls_in_exactly_one_band(value):
    limits = DEFAULT_LIMITS["systolic"]
    band = limits.band(value)
    assert (band is Band.GREEN) == (100 <= value <= 139)
    assert (band is Band.RED) == (value < 90 or value > 179)


def test_unknown_reading_types_give_no_numbers():
    assert measured_values("something_else", {"value": 3}) == {}
