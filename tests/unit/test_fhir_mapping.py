"""What the hub sends the care service, validated as FHIR R4 with fhir.resources (R4B)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.medicationdispense import MedicationDispense
from fhir.resources.R4B.observation import Observation
from hypothesis import given
from hypothesis import strategies as st

from sync import fhir_mapping as fm

AT = datetime(2026, 11, 23, 7, 5, tzinfo=timezone.utc)
PATIENT, CUFF = "Patient/kari", "Device/cuff-1"


def uid() -> str:
    return str(uuid.uuid4())


def codes(concept) -> set[tuple[str, str]]:
    return {(c.system, c.code) for c in concept.coding}


def test_a_blood_pressure_panel_with_its_components():
    event = uid()
    resource = Observation.model_validate(fm.observation(event, "blood_pressure", {"systolic": 128, "diastolic": 82},
                                                    AT, PATIENT, CUFF))
    assert codes(resource.code) == {("http://loinc.org", "85354-9"), ("http://snomed.info/sct", "75367002")}
    assert resource.valueQuantity is None  # the panel has no value of its own
    parts = {next(iter(codes(c.code)))[1]: c.valueQuantity for c in resource.component}
    assert parts["8480-6"].value == 128 and parts["8480-6"].code == "mm[Hg]" and parts["8462-4"].value == 82
    assert resource.category[0].coding[0].code == "vital-signs"
    assert resource.effectiveDateTime.isoformat().startswith("2026-11-23T07:05:00")
    assert resource.identifier[0].value == f"urn:uuid:{event}" and resource.subject.reference == PATIENT
    assert resource.device.reference == CUFF


@pytest.mark.parametrize(("reading_type", "values", "loinc", "ucum"), [
    ("oxygen_saturation", {"spo2": 96, "pulse": 70}, {"2708-6", "59408-5"}, "%"),
    ("heart_rate", {"pulse": 64}, {"8867-4"}, "/min"),
    ("body_temperature", {"temperature": 37.2}, {"8310-5"}, "Cel"),
    ("body_weight", {"weight": 68.4}, {"29463-7"}, "kg"),
    ("blood_glucose", {"glucose": 6.1}, {"15074-8"}, "mmol/L"),
])
def test_each_vital_sign_with_loinc_snomed_and_ucum(reading_type, values, loinc, ucum):
    resource = Observation.model_validate(fm.observation(uid(), reading_type, values, AT, PATIENT))
    assert {code for system, code in codes(resource.code) if system == "http://loinc.org"} == loinc
    assert any(system == "http://snomed.info/sct" for system, _ in codes(resource.code))
    assert resource.valueQuantity.code == ucum and resource.valueQuantity.system == "http://unitsofmeasure.org"


def test_the_pulse_with_a_reading_is_its_own_observation_with_its_own_identity():
    reading = uid()
    first = fm.pulse_observation(reading, 70, AT, PATIENT, CUFF)
    assert first == fm.pulse_observation(reading, 70, AT, PATIENT, CUFF)  # the same on a retry
    assert first["identifier"][0]["value"] != f"urn:uuid:{reading}"
    Observation.model_validate(first)


def test_a_reading_without_its_values_has_no_observation():
    with pytest.raises(fm.MappingError):
        fm.observation(uid(), "blood_pressure", {"systolic": 128}, AT, PATIENT)
    with pytest.raises(fm.MappingError):
        fm.observation(uid(), "body_weight", {}, AT, PATIENT)
    with pytest.raises(fm.MappingError, match="time zone"):
        fm.observation(uid(), "heart_rate", {"pulse": 60}, AT.replace(tzinfo=None), PATIENT)


@pytest.mark.parametrize("alarm_type", ["help_button", "fall", "out_of_bed_at_night", "inactivity", "vital_sign_red",
                                        "missed_dose", "device_silent", "battery_low", "care_service_unreachable"])
def test_every_alarm_is_a_detected_issue(alarm_type):
    resource = DetectedIssue.model_validate(fm.detected_issue(uid(), alarm_type, AT, PATIENT, "Device/hub", "detail"))
    assert ("urn:welfare-hub:alarm-type", alarm_type) in codes(resource.code)
    assert resource.severity in ("high", "moderate", "low") and resource.patient.reference == PATIENT
    if alarm_type == "fall":
        assert ("http://snomed.info/sct", "217082002") in codes(resource.code)


def test_a_dose_taken_is_a_medication_dispense_and_a_check_in_an_appointment():
    dispense = MedicationDispense.model_validate(fm.medication_dispense(uid(), "Morgenmedisin (1 pose)", AT, PATIENT,
                                                                   "Device/dispenser-OD2400117"))
    assert dispense.status == "completed" and dispense.performer[0].actor.reference == "Device/dispenser-OD2400117"
    meeting = Appointment.model_validate(fm.appointment(uid(), AT, AT + timedelta(minutes=15), PATIENT, "Sykepleier Kari",
                                                   "https://care.example.no/rooms/kari"))
    assert meeting.status == "booked" and len(meeting.participant) == 2


def test_the_hub_and_its_devices_are_devices():
    hub = Device.model_validate(fm.device(uid(), "Velferdshub", "welfare-technology hub", serial="HUB-1", patient=PATIENT))
    cuff = Device.model_validate(fm.device(uid(), "BP-7000", "blood-pressure monitor", serial="BP70001234", model="BP-7000"))
    assert hub.patient.reference == PATIENT and cuff.serialNumber == "BP70001234"


def test_readings_travel_in_a_batch_each_created_once():
    resources = [fm.observation(uid(), "heart_rate", {"pulse": 60 + i}, AT, PATIENT) for i in range(3)]
    bundle = Bundle.model_validate(fm.batch(resources))
    assert bundle.type == "batch" and len(bundle.entry) == 3
    for entry, resource in zip(bundle.entry, resources):
        assert entry.request.method == "POST" and entry.request.url == "Observation"
        assert entry.request.ifNoneExist == f"identifier=urn:ietf:rfc:3986|{resource['identifier'][0]['value']}"


@given(st.floats(min_value=0, max_value=400, allow_nan=False), st.floats(min_value=0, max_value=400, allow_nan=False),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)))
def test_any_blood_pressure_maps_to_a_valid_observation(systolic, diastolic, when):
    Observation.model_validate(fm.observation(uid(), "blood_pressure", {"systolic": systolic, "diastolic": diastolic},
                                         when, PATIENT))


def test_the_validator_has_teeth():
    """The check above means something: a malformed time or a missing required element is
    refused. (fhir.resources checks structure, cardinality and primitive formats, not the
    required value sets; the codes above are asserted one by one.)"""
    from pydantic import ValidationError

    wrong = fm.detected_issue(uid(), "fall", AT, PATIENT)
    wrong["identifiedDateTime"] = "yesterday"
    with pytest.raises(ValidationError):
        DetectedIssue.model_validate(wrong)
    missing = fm.observation(uid(), "heart_rate", {"pulse": 60}, AT, PATIENT)
    del missing["code"]
    with pytest.raises(ValidationError):
        Observation.model_validate(missing)
