"""Units as the devices send them (UCUM). The units of the measures, and their
conversions, are the shared catalogue's (vocabulary/measures.py), named here as well
for the codecs; the ones below are the codecs' own."""

from __future__ import annotations

from vocabulary.measures import (  # noqa: F401  (the codecs' and their tests' names)
    CELSIUS,
    FAHRENHEIT,
    KG_PER_L,
    KILOGRAM,
    KPA,
    MG_PER_DL,
    MMHG,
    MMOL_PER_L,
    MOL_PER_L,
    PER_MINUTE,
    PERCENT,
    POUND,
    glucose_to_mg_per_dl,
    glucose_to_mmol_per_l,
    to_celsius,
    to_kg,
    to_mmhg,
)

METRE, INCH = "m", "[in_i]"
KG_PER_M2 = "kg/m2"
KILOJOULE, SECOND, MINUTE = "kJ", "s", "min"
