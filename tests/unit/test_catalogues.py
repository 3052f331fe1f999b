"""One catalogue per concept (vocabulary/): the alarm kinds, the measures and the BLE
health profiles are written down once, and every layer that names them reads them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from care_service.console import alarm_pages
from devices import ble_health
from drivers.ble import units
from drivers.ble import uuids as u
from drivers.ble.registry import CODECS
from hub_app import care_plan, vitals
from simulators.bluez.health_kinds import KINDS
from sync import fhir_mapping as fm
from vocabulary import ALARM_KINDS, BLE_PROFILES, MEASURES, PERSON_ALARM_KINDS, READING_TYPES
from vocabulary.alarm_kinds import CARE_SERVICE, PERSON, RESIDENT_FACING, TECHNICAL, alarm_sms, countdowns
from vocabulary import measures
from vocabulary.codes import LOINC
from vocabulary.measures import values

AT = datetime(2026, 3, 15, 14, 42, tzinfo=ZoneInfo("Europe/Oslo"))


def test_the_countdowns_are_the_catalogues_with_the_falls_from_the_configuration():
    assert countdowns(30) == {"fall": 30, "out_of_bed_at_night": 60, "door_open_at_night": 60, "inactivity": 60}
    assert countdowns(0)["fall"] == 0
    assert all(ALARM_KINDS[kind].resident for kind in countdowns(30)), "a countdown screen needs its words"


def test_each_alarm_kind_has_what_every_layer_needs():
    assert PERSON_ALARM_KINDS == ("help_button", "fall", "out_of_bed_at_night", "door_open_at_night", "inactivity",
                                  "vital_sign_red", "missed_dose")
    assert RESIDENT_FACING == ("help_button", "fall", "out_of_bed_at_night", "door_open_at_night", "inactivity")
    for kind in ALARM_KINDS.values():
        assert kind.audience in (PERSON, TECHNICAL) and kind.severity in ("high", "moderate", "low"), kind.name
        assert all(kind.nurse), kind.name
        assert kind.sms or kind.raised_by == CARE_SERVICE or kind.name == "sensor_silent", kind.name
        assert alarm_pages.KINDS[kind.name] == kind.nurse  # the console's words are the catalogue's
        assert fm.detected_issue("u", kind.name, AT, "Patient/p")["severity"] == kind.severity


def test_the_fhir_codes_of_an_alarm_come_from_the_catalogue():
    fall = fm.detected_issue("u", "fall", AT, "Patient/p")
    assert fall["code"]["coding"][0] == {"system": "http://snomed.info/sct", "code": "217082002",
                                         "display": "Accidental fall"}
    assert fm.detected_issue("u", "something_new", AT, "Patient/p")["severity"] == "low"


def test_the_sms_words_are_the_catalogues():
    assert alarm_sms("fall", "Kari", AT) == ("Trygghetsalarm: Kari kan ha falt (kl. 14:42). Hjemmetjenesten er "
                                             "varslet. Kan du, ring Kari eller hjemmetjenesten.")
    assert alarm_sms("door_open_at_night", "Kari", AT, "K4") == (
        "Trygghetsalarm: Kari har åpnet ytterdøra i natt og er kanskje ute (kl. 14:42). Svar JA K4 hvis du drar til "
        "Kari nå, NEI K4 hvis du ikke kan. Hjemmetjenesten er varslet.")
    assert "Kari har en alarm (kl. 14:42)" in alarm_sms("from_a_newer_hub", "Kari", AT)


def test_every_measure_and_reading_type_is_coded_and_united():
    for measure in MEASURES.values():
        assert measure.codings[0].system == LOINC and measure.ucum, measure.name
        assert vitals.MEASURES[measure.name] == measure.unit
    for reading in READING_TYPES.values():
        assert all(m in MEASURES for m in reading.measures), reading.name
    assert vitals.DEFAULT_LIMITS["spo2"].green == (96, 100) and "weight" not in vitals.DEFAULT_LIMITS


@pytest.mark.parametrize(("reading_type", "data", "expected"), [
    ("blood_pressure", {"systolic": 16.0, "diastolic": 10.0, "unit": "kPa", "pulse_rate": 72}, {
        "systolic": 120.0, "diastolic": 75.0, "pulse": 72}),
    ("body_temperature", {"temperature": 98.6, "unit": "[degF]"}, {"temperature": 37.0}),
    ("body_weight", {"weight": 154.32, "unit": "[lb_av]"}, {"weight": 70.0}),
    ("blood_glucose", {"concentration": 0.0055, "unit": "mol/L"}, {"glucose": 5.5}),
    ("blood_glucose", {"concentration": None, "unit": "kg/L"}, {}),
    ("something_new", {"value": 1}, {}),
])
def test_a_reading_is_converted_once_in_the_catalogue(reading_type, data, expected):
    assert values(reading_type, data) == expected
    assert vitals.measured_values(reading_type, data) == expected


def test_the_codecs_convert_with_the_catalogues_conversions():
    assert units.to_mmhg is measures.to_mmhg and units.glucose_to_mmol_per_l is measures.glucose_to_mmol_per_l


def test_the_ble_profiles_are_one_table_for_the_hub_the_codecs_and_the_bluez_stand_in():
    assert ble_health.PROFILES is BLE_PROFILES
    assert care_plan.MEASUREMENT_KINDS == ("blood_pressure", "oximeter", "thermometer", "scale", "glucose")
    for profile in BLE_PROFILES.values():
        assert profile.service in u.NAMES and profile.reading_type in READING_TYPES
        for characteristic in profile.measurements:
            assert u.short_uuid(characteristic) in CODECS, (profile.name, characteristic)
    simulated = {kind.device.PROFILE.name: kind for kind in KINDS.values()}
    assert set(simulated) == set(BLE_PROFILES)
    for name, kind in simulated.items():
        assert kind.measurement in BLE_PROFILES[name].measurements
        assert kind.device().advertised_uuids == [BLE_PROFILES[name].service]
