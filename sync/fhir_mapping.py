"""The hub's events as HL7 FHIR R4 resources, the way the Norwegian welfare-technology
node (VKP) takes them (STANDARDS.md section 5):

- a vital sign is an `Observation` (category vital-signs) with LOINC and SNOMED CT
  codings and UCUM units, effective at the device's measurement time;
- an alarm, and a missed dose, is a `DetectedIssue`;
- a dose taken is a `MedicationDispense` (performer: the dispenser, or the resident);
- a video check-in is an `Appointment`; the hub and its devices are `Device`s;
- readings travel together in a `Bundle` of type batch.

Every resource carries the event's uid as its identifier (`urn:uuid:...`), and every
Bundle entry a conditional create on it (`ifNoneExist`), so a retried upload is
recognised and created once. Values arrive in the units the care service wants (the
hub converts what its devices measured); this module only names and codes them. The
codes, units and severities are the shared catalogues' (vocabulary/measures.py,
vocabulary/alarm_kinds.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from vocabulary.alarm_kinds import ALARM_KINDS
from vocabulary.codes import UCUM
from vocabulary.measures import MEASURES, PULSE_READING_TYPE, READING_TYPES

URI = "urn:ietf:rfc:3986"  # the identifier system for a value that is itself a URI (urn:uuid:...)
CATEGORY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs", "display": "Vital Signs"}]}
ALARM_CODES = "urn:welfare-hub:alarm-type"  # an alarm: a person must act on it
EVENT_CODES = "urn:welfare-hub:event-type"  # a record of what happened (a missed measurement): no alarm


class MappingError(ValueError):
    """An event that has no FHIR form (a reading without the values its code needs)."""


def identifier(uid: str) -> dict[str, str]:
    return {"system": URI, "value": f"urn:uuid:{uid}"}


def _instant(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise MappingError("a time without a time zone cannot be sent")
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _quantity(measure: str, value: float) -> dict[str, Any]:
    m = MEASURES[measure]
    return {"value": round(float(value), 2), "unit": m.unit, "system": UCUM, "code": m.ucum}


def observation(uid: str, reading_type: str, values: dict[str, float], effective: datetime, patient: str,
                device: str | None = None) -> dict[str, Any]:
    """A vital-sign Observation. `values`: measure -> value in MEASURES' unit."""
    base: dict[str, Any] = {"resourceType": "Observation", "identifier": [identifier(uid)], "status": "final",
                            "category": [CATEGORY], "subject": {"reference": patient},
                            "effectiveDateTime": _instant(effective)}
    if device:
        base["device"] = {"reference": device}
    reading = READING_TYPES.get(reading_type)
    if reading is not None and reading.panel:
        if not set(reading.measures) <= values.keys():
            raise MappingError(f"a {reading_type} reading needs {' and '.join(reading.measures)}")
        # The panel has no value of its own: its measures are its components.
        base["code"] = {"coding": [c.json() for c in reading.panel], "text": reading.panel_text}
        base["component"] = [{"code": {"coding": [c.json() for c in MEASURES[m].codings]},
                              "valueQuantity": _quantity(m, values[m])} for m in reading.measures]
        return base
    main = reading.measures[0] if reading is not None else None
    if main is None or main not in values:
        raise MappingError(f"a {reading_type} reading without its value has no Observation")
    base["code"] = {"coding": [c.json() for c in MEASURES[main].codings]}
    base["valueQuantity"] = _quantity(main, values[main])
    return base


def pulse_observation(uid: str, pulse: float, effective: datetime, patient: str, device: str | None = None) -> dict[str, Any]:
    """The pulse a cuff or an oximeter measured with its reading, as an Observation of its
    own, with an identity derived from the reading's (so it too is created once)."""
    return observation(str(uuid.uuid5(uuid.UUID(uid), "pulse")), PULSE_READING_TYPE, {"pulse": pulse}, effective, patient,
                       device)


def detected_issue(uid: str, alarm_type: str, identified: datetime, patient: str, author: str | None = None,
                   detail: str = "", system: str = ALARM_CODES) -> dict[str, Any]:
    """An alarm (or a missed dose) for the nurse; with `system=EVENT_CODES`, a record
    of something that happened that is not itself an alarm."""
    kind = ALARM_KINDS.get(alarm_type)
    codings = [{"system": system, "code": alarm_type, "display": alarm_type.replace("_", " ")}]
    if kind is not None and kind.snomed is not None:
        codings.insert(0, kind.snomed.json())
    issue: dict[str, Any] = {"resourceType": "DetectedIssue", "identifier": [identifier(uid)], "status": "final",
                             "code": {"coding": codings}, "severity": kind.severity if kind is not None else "low",
                             "patient": {"reference": patient}, "identifiedDateTime": _instant(identified)}
    if author:
        issue["author"] = {"reference": author}
    if detail:
        issue["detail"] = detail
    return issue


def medication_dispense(uid: str, medicine: str, handed_over: datetime, patient: str,
                        performer: str | None = None) -> dict[str, Any]:
    """A dose taken: from the dispenser (performer: the dispenser's Device) or confirmed on the screen."""
    dispense: dict[str, Any] = {"resourceType": "MedicationDispense", "identifier": [identifier(uid)],
                                "status": "completed", "medicationCodeableConcept": {"text": medicine},
                                "subject": {"reference": patient}, "whenHandedOver": _instant(handed_over)}
    if performer:
        dispense["performer"] = [{"actor": {"reference": performer}}]
    return dispense


def appointment(uid: str, start: datetime, end: datetime, patient: str, who: str, link: str) -> dict[str, Any]:
    """A scheduled video check-in."""
    return {"resourceType": "Appointment", "identifier": [identifier(uid)], "status": "booked",
            "serviceType": [{"text": "Video check-in"}], "description": f"Video check-in: {who}",
            "start": _instant(start), "end": _instant(end),
            "participant": [{"actor": {"reference": patient}, "status": "accepted"},
                            {"actor": {"display": who}, "status": "accepted"}],
            "supportingInformation": [{"display": link}]}


def device(uid: str, name: str, kind: str, serial: str = "", model: str = "", manufacturer: str = "",
           patient: str | None = None) -> dict[str, Any]:
    """The hub, or a device paired to it."""
    resource: dict[str, Any] = {"resourceType": "Device", "identifier": [identifier(uid)], "status": "active",
                                "deviceName": [{"name": name, "type": "user-friendly-name"}], "type": {"text": kind}}
    if serial:
        resource["serialNumber"] = serial
    if model:
        resource["modelNumber"] = model
    if manufacturer:
        resource["manufacturer"] = manufacturer
    if patient:
        resource["patient"] = {"reference": patient}
    return resource


def batch(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """Resources that travel together, each created once however often the batch is sent."""
    entries = []
    for resource in resources:
        ident = resource["identifier"][0]
        entries.append({"resource": resource, "request": {
            "method": "POST", "url": resource["resourceType"],
            "ifNoneExist": f"identifier={ident['system']}|{ident['value']}"}})
    return {"resourceType": "Bundle", "type": "batch", "entry": entries}
