"""Phone numbers as a technician types them, made into what AT+CMGS takes."""

from __future__ import annotations

from drivers.serial.gsm.errors import GsmCodecError

_SEPARATORS = " \t-.()/\u00a0"


def normalise_phone_number(number: str) -> str:
    """Digits with an optional leading +, from what a technician typed.

    "+47 22 33 44 55" -> "+4722334455", "22 33 44 55" -> "22334455". Errors never repeat
    the number (it is personal data).
    """
    if not isinstance(number, str):
        raise GsmCodecError("the phone number must be text")
    kept = "".join(char for char in number.strip() if char not in _SEPARATORS)
    if not kept:
        raise GsmCodecError("the phone number is empty")
    international = kept.startswith("+")
    digits = kept[1:] if international else kept
    for char in digits:
        if char == "+":
            raise GsmCodecError("a + may only stand first in a phone number")
        if not ("0" <= char <= "9"):
            raise GsmCodecError(f"a phone number has digits only (and + first); it has {char!r}")
    if international:
        if not 7 <= len(digits) <= 15:
            raise GsmCodecError("an international number (+ and country code) has 7 to 15 digits")
        if digits[0] == "0":
            raise GsmCodecError("a country code does not start with 0")
        if digits.startswith("47") and len(digits) != 10:
            raise GsmCodecError("a Norwegian number (+47) has 8 digits after 47")
    elif not 3 <= len(digits) <= 15:
        raise GsmCodecError("a phone number has 3 to 15 digits")
    return ("+" if international else "") + digits


def number_type(number: str) -> int:
    """<toda> for AT+CMGS: 145 international, 129 otherwise."""
    return 145 if number.startswith("+") else 129


