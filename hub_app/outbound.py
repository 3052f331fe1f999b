"""What each outbox event becomes for the care service (FHIR R4, through
sync/fhir_mapping.py). The hub knows what its events mean (a reading's values in the
units the service wants, which medicine a dose was); the mapping knows how FHIR says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub_app.care_plan import CarePlan
from hub_app.vitals import measured_values
from sync import fhir_mapping as fm
from vocabulary import READING_TYPES, Event, EventKind


@dataclass(frozen=True)
class Addresses:
    patient: str  # "Patient/<id>"
    hub: str  # "Device/<id>"


def _device(source: str) -> str:
    # "ble:C4:7C:..." / "dispenser:OD2400117" -> a Device reference by the hub's own naming
    return "Device/" + source.replace(":", "-").replace("_", "-").lower()


def _medicine(plan: CarePlan, event: Event) -> str:
    item = event.data.get("item")
    for medication in plan.medications:
        if medication.id == item or (event.data.get("compartment") is not None
                                     and medication.compartment == event.data.get("compartment")):
            return f"{medication.name} ({medication.dose})" if medication.dose else medication.name
    return f"compartment {event.data.get('compartment')}" if event.data.get("compartment") else "medicine"


def _contact_named(plan: CarePlan, name: str) -> str:
    """"Ola Nordmann (son)" for a contact of the plan, the name as it is otherwise ("on-call")."""
    contact = next((c for c in plan.contacts if c.name == name), None)
    return f"{name} ({contact.relation})" if contact is not None and contact.relation else name


def resources_for(event: Event, plan: CarePlan, where: Addresses) -> list[dict[str, Any]]:
    """The FHIR resources for one outbox event (a reading can be two: its values and its pulse)."""
    if event.kind == EventKind.READING:
        values = measured_values(event.type, event.data)
        found = [fm.observation(event.uid, event.type, values, event.occurred_at, where.patient, _device(event.source))]
        reading = READING_TYPES.get(event.type)
        if reading is not None and reading.pulse_apart and "pulse" in values:
            found.append(fm.pulse_observation(event.uid, values["pulse"], event.occurred_at, where.patient,
                                              _device(event.source)))
        return found
    if event.kind == EventKind.DOSE and event.type == "dose_taken":
        performer = _device(event.source) if event.source != "screen" else None
        return [fm.medication_dispense(event.uid, _medicine(plan, event), event.occurred_at, where.patient, performer)]
    if event.kind == EventKind.DOSE and event.type == "dose_missed":
        detail = f"Missed dose: {_medicine(plan, event)}" + (
            " (the hub was off during the whole window)" if event.data.get("missed_while_hub_off") else "")
        # The record of the dose; the alarm for the nurse is the missed_dose alarm that follows it.
        return [fm.detected_issue(event.uid, "missed_dose", event.occurred_at, where.patient, where.hub, detail,
                                  system=fm.EVENT_CODES)]
    if event.kind == EventKind.ALARM:
        # The alarm itself, and what happened to it (escalated, SMS sent, acknowledged...),
        # each as a DetectedIssue naming the alarm it is about.
        alarm_type = event.data.get("alarm_type", event.type)
        detail = event.type.replace("_", " ") if "alarm" in event.data else ""
        if event.type == "alarm_taken_by_contact":  # what the nurse reads on the alarm: who is coming
            relation = f" ({event.data['relation']})" if event.data.get("relation") else ""
            detail = f"{event.data.get('by', '')}{relation}"
        elif event.type in ("alarm_sms_sent", "alarm_sms_failed", "alarm_escalated", "alarm_declined_by_contact"):
            # Whom the step of the ladder told (or who said no): a relative by name and relation, or "on-call".
            detail = _contact_named(plan, str(event.data.get("to", event.data.get("by", ""))))
        issue = fm.detected_issue(event.uid, alarm_type, event.occurred_at, where.patient, where.hub, detail)
        if "reading" in event.data and "alarm" not in event.data:
            # A red reading's alarm names the reading (an Observation sent with the same uid).
            reading = {"type": "Observation", "identifier": fm.identifier(event.data["reading"])}
            issue["evidence"] = [{"detail": [reading]}]
        if "alarm" in event.data:
            issue["implicated"] = [{"identifier": fm.identifier(event.data["alarm"])}]
            # Which step of the alarm's story this is, in words a reader can search for.
            issue["code"]["coding"].append({"system": fm.EVENT_CODES, "code": event.type,
                                            "display": event.type.replace("_", " ")})
        return [issue]
    # Reminders and everything else that reaches the outbox: the service's record of what happened.
    return [fm.detected_issue(event.uid, event.type, event.occurred_at, where.patient, where.hub,
                              event.type.replace("_", " "), system=fm.EVENT_CODES)]
