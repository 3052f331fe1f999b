"""The answers to AT+CSQ (signal quality), AT+CREG? (network registration) and AT+CMGS
(the message reference of a sent SMS)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.serial.gsm.answer_fields import answer_fields, whole_number
from drivers.serial.gsm.errors import GsmCodecError


@dataclass(frozen=True)
class Csq:
    """+CSQ: <rssi>,<ber>."""

    rssi: int
    ber: int

    @property
    def dbm(self) -> int | None:
        return csq_to_dbm(self.rssi)

    @property
    def bars(self) -> int:
        return csq_to_bars(self.rssi)

    @property
    def bit_error_rate(self) -> int | None:
        """RXQUAL 0-7, or None when the modem does not know."""
        return None if self.ber == 99 else self.ber


def parse_csq(line: str) -> Csq:
    fields = answer_fields(line, "+CSQ:")
    if len(fields) != 2:
        raise GsmCodecError("+CSQ has two values: rssi and ber")
    rssi, ber = whole_number(fields[0], "the CSQ rssi"), whole_number(fields[1], "the CSQ ber")
    if not (rssi <= 31 or rssi == 99):
        raise GsmCodecError(f"CSQ rssi {rssi} is out of range (0-31, 99)")
    if not (ber <= 7 or ber == 99):
        raise GsmCodecError(f"CSQ ber {ber} is out of range (0-7, 99)")
    return Csq(rssi, ber)


def csq_to_dbm(rssi: int) -> int | None:
    """0 -> -113 (or less), 1 -> -111, 2..30 -> -109..-53, 31 -> -51 (or more), 99 -> None."""
    if rssi == 99:
        return None
    if not 0 <= rssi <= 31:
        raise GsmCodecError(f"CSQ rssi {rssi} is out of range (0-31, 99)")
    return -113 + 2 * rssi


def csq_to_bars(rssi: int) -> int:
    """0-5 bars: 99 and 0-1 none; 2-5 one; 6-9 two; 10-14 three; 15-19 four; 20-31 five."""
    if csq_to_dbm(rssi) is None or rssi < 2:
        return 0
    for bars, lowest in ((5, 20), (4, 15), (3, 10), (2, 6)):
        if rssi >= lowest:
            return bars
    return 1


CREG_STATES = {
    0: "not_registered",
    1: "home",
    2: "searching",
    3: "denied",
    4: "unknown",
    5: "roaming",
    6: "home",
    7: "roaming",
    9: "home",
    10: "roaming",
}


@dataclass(frozen=True)
class Creg:
    """+CREG: the read answer (n, stat, ...) or the unsolicited form (stat, ...): n is None."""

    stat: int
    n: int | None = None
    lac: str | None = None
    ci: str | None = None

    @property
    def state(self) -> str:
        return CREG_STATES.get(self.stat, "unknown")

    @property
    def registered(self) -> bool:
        return self.state in ("home", "roaming")


def parse_creg(line: str) -> Creg:
    fields = answer_fields(line, "+CREG:")
    unquoted = [field.strip('"') for field in fields]
    if len(fields) == 1 or fields[1].startswith('"'):
        # unsolicited: +CREG: <stat>[,<lac>,<ci>[,<AcT>]]
        stat = whole_number(fields[0], "the CREG stat")
        lac, ci = (unquoted[1], unquoted[2]) if len(fields) >= 3 else (None, None)
        return Creg(stat=stat, lac=lac, ci=ci)
    n = whole_number(fields[0], "the CREG mode")
    stat = whole_number(fields[1], "the CREG stat")
    lac, ci = (unquoted[2], unquoted[3]) if len(fields) >= 4 else (None, None)
    return Creg(stat=stat, n=n, lac=lac, ci=ci)


def parse_cmgs(line: str) -> int:
    """+CMGS: <mr>[,<scts>] -> the message reference (0-255)."""
    fields = answer_fields(line, "+CMGS:")
    reference = whole_number(fields[0], "the CMGS message reference")
    if reference > 255:
        raise GsmCodecError(f"message reference {reference} is out of range (0-255)")
    return reference


