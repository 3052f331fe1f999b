"""The values on an AT answer line ("+CSQ: 21,99", "+CMGR: "REC UNREAD","+47...",...),
with clear errors when a line is not the one expected."""

from __future__ import annotations

from drivers.serial.gsm.errors import GsmCodecError


def answer_values(line: str, prefix: str) -> str:
    """What follows `prefix` on an answer line; a clear error when it is not that line."""
    if not isinstance(line, str) or not line.strip().startswith(prefix):
        raise GsmCodecError(f"expected a {prefix} line")
    rest = line.strip()[len(prefix) :].strip()
    if not rest:
        raise GsmCodecError(f"the {prefix} line has no values")
    return rest


def answer_fields(line: str, prefix: str) -> list[str]:
    return [field.strip() for field in answer_values(line, prefix).split(",")]


def whole_number(field: str, what: str) -> int:
    if not field.isascii() or not field.isdigit():
        raise GsmCodecError(f"{what} is not a number")
    if len(field) > 9:  # no AT value is this long; and int() refuses thousands of digits
        raise GsmCodecError(f"{what} is out of range")
    return int(field)


def split_fields(rest: str, what: str) -> list[str]:
    """Comma-separated values; a quoted value keeps its commas (the time stamp has one)."""
    fields: list[str] = []
    position = 0
    while True:
        while position < len(rest) and rest[position] == " ":
            position += 1
        if position < len(rest) and rest[position] == '"':
            end = rest.find('"', position + 1)
            if end < 0:
                raise GsmCodecError(f"the {what} line has a quote that is never closed")
            fields.append(rest[position + 1 : end])
            position = end + 1
            while position < len(rest) and rest[position] == " ":
                position += 1
            if position < len(rest) and rest[position] != ",":
                raise GsmCodecError(f"the {what} line has text after a quoted value")
        else:
            end = rest.find(",", position)
            end = len(rest) if end < 0 else end
            fields.append(rest[position:end].strip())
            position = end
        if position >= len(rest):
            return fields
        position += 1  # the comma


def quoted_fields(line: str, prefix: str) -> list[str]:
    return split_fields(answer_values(line, prefix), prefix)


