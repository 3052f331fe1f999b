"""The error result codes: ERROR, +CMS ERROR and +CME ERROR, with the plain meaning of
the codes a technician meets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from drivers.serial.gsm.errors import GsmCodecError

CMS_MEANINGS = {
    1: "unassigned (unallocated) number",
    8: "operator determined barring",
    10: "call barred",
    21: "short message transfer rejected",
    27: "destination out of service",
    28: "unidentified subscriber",
    29: "facility rejected",
    30: "unknown subscriber",
    38: "network out of order",
    41: "temporary failure",
    42: "congestion",
    47: "resources unavailable",
    50: "requested facility not subscribed",
    69: "requested facility not implemented",
    300: "modem failure",
    301: "SMS service of the modem reserved",
    302: "operation not allowed",
    303: "operation not supported",
    304: "invalid PDU mode parameter",
    305: "invalid text mode parameter",
    310: "SIM not inserted",
    311: "SIM PIN required",
    313: "SIM failure",
    314: "SIM busy",
    316: "SIM PUK required",
    322: "memory full",
    330: "SMS service centre address unknown (check AT+CSCA)",
    331: "no network service",
    332: "network timeout",
    500: "unknown error",
}

CME_MEANINGS = {
    0: "phone failure",
    3: "operation not allowed",
    4: "operation not supported",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    14: "SIM busy",
    15: "SIM wrong",
    16: "incorrect password",
    30: "no network service",
    31: "network timeout",
    32: "network not allowed, emergency calls only",
    50: "incorrect parameters",
    100: "unknown",
}


@dataclass(frozen=True)
class ErrorResult:
    """+CMS ERROR / +CME ERROR / ERROR. `code` is None for a bare or verbose error."""

    kind: Literal["CMS", "CME", ""]
    code: int | None
    text: str = ""

    @property
    def meaning(self) -> str:
        if self.code is None:
            return self.text or "the modem said ERROR"
        table = CMS_MEANINGS if self.kind == "CMS" else CME_MEANINGS
        return table.get(self.code, "no plain meaning known for this code")

    def __str__(self) -> str:
        if not self.kind:
            return "ERROR"
        value = self.code if self.code is not None else self.text
        return f"+{self.kind} ERROR: {value} ({self.meaning})"


_ERROR_LINE = re.compile(r"^\+(CMS|CME) ERROR:\s*(.*)$")


def is_error_line(line: str) -> bool:
    line = line.strip()
    return line == "ERROR" or _ERROR_LINE.match(line) is not None


def parse_error(line: str) -> ErrorResult:
    line = line.strip()
    if line == "ERROR":
        return ErrorResult("", None)
    match = _ERROR_LINE.match(line)
    if match is None:
        raise GsmCodecError("expected ERROR, +CMS ERROR or +CME ERROR")
    kind, value = match.group(1), match.group(2).strip()
    if value.isascii() and value.isdigit():
        return ErrorResult(kind, int(value))  # type: ignore[arg-type]
    return ErrorResult(kind, None, value)  # type: ignore[arg-type]


