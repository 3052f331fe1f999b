"""Codes from the open terminologies the hub speaks (LOINC, SNOMED CT, UCUM), as FHIR
names their systems."""

from __future__ import annotations

from dataclasses import dataclass

LOINC, SNOMED, UCUM = "http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org"


@dataclass(frozen=True)
class Coding:
    system: str
    code: str
    display: str

    def json(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}
