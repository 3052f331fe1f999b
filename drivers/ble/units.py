"""Units as the devices send them, and conversions for display.

Readings are kept as measured, with the unit the device used; these helpers convert
for display or for a receiver that wants one unit. They pass None ("no value")
through. Factors are applied in decimal, so 16.0 kPa is 120.00992 mmHg, not
120.00992000000001.
"""

from __future__ import annotations

from decimal import Decimal

MMHG, KPA = "mmHg", "kPa"
CELSIUS, FAHRENHEIT = "Cel", "[degF]"
KILOGRAM, POUND = "kg", "[lb_av]"
METRE, INCH = "m", "[in_i]"
KG_PER_M2 = "kg/m2"
KG_PER_L, MOL_PER_L = "kg/L", "mol/L"
MMOL_PER_L, MG_PER_DL = "mmol/L", "mg/dL"
PERCENT, PER_MINUTE = "%", "/min"
KILOJOULE, SECOND, MINUTE = "kJ", "s", "min"

KPA_TO_MMHG = Decimal("7.50062")
POUND_TO_KG = Decimal("0.45359237")  # exact, by definition
GLUCOSE_MG_PER_DL_PER_MMOL_PER_L = Decimal("18.0156")  # molar mass of glucose 180.156 g/mol, / 10


def _times(value: float, factor: Decimal | int) -> float:
    return float(Decimal(repr(float(value))) * factor)


def _divided(value: float, divisor: Decimal | int) -> float:
    return float(Decimal(repr(float(value))) / divisor)


def _check(unit: str, known: tuple[str, ...], what: str) -> None:
    if unit not in known:
        raise ValueError(f"{unit!r} is not a {what} unit ({', '.join(known)})")


def to_mmhg(value: float | None, unit: str) -> float | None:
    """A pressure in mmHg (kPa x 7.50062)."""
    _check(unit, (MMHG, KPA), "pressure")
    if value is None:
        return None
    return float(value) if unit == MMHG else _times(value, KPA_TO_MMHG)


def to_celsius(value: float | None, unit: str) -> float | None:
    """A temperature in degrees Celsius ((F - 32) x 5/9)."""
    _check(unit, (CELSIUS, FAHRENHEIT), "temperature")
    if value is None:
        return None
    return float(value) if unit == CELSIUS else float((Decimal(repr(float(value))) - 32) * 5 / 9)


def to_kg(value: float | None, unit: str) -> float | None:
    """A weight in kilograms (lb x 0.45359237)."""
    _check(unit, (KILOGRAM, POUND), "weight")
    if value is None:
        return None
    return float(value) if unit == KILOGRAM else _times(value, POUND_TO_KG)


def glucose_to_mmol_per_l(value: float | None, unit: str) -> float | None:
    """A glucose concentration in mmol/L: mol/L x 1000; kg/L via mg/dL / 18.0156."""
    _check(unit, (KG_PER_L, MOL_PER_L), "glucose concentration")
    if value is None:
        return None
    if unit == MOL_PER_L:
        return _times(value, 1000)
    return float(Decimal(repr(float(value))) * 100000 / GLUCOSE_MG_PER_DL_PER_MMOL_PER_L)


def glucose_to_mg_per_dl(value: float | None, unit: str) -> float | None:
    """A glucose concentration in mg/dL: kg/L x 100000; mol/L via mmol/L x 18.0156."""
    _check(unit, (KG_PER_L, MOL_PER_L), "glucose concentration")
    if value is None:
        return None
    if unit == KG_PER_L:
        return _times(value, 100000)
    return _times(value, 1000 * GLUCOSE_MG_PER_DL_PER_MMOL_PER_L)
