"""GSM modem codecs, no I/O: the GSM 7-bit default alphabet and UCS-2 as a modem takes
them in AT text mode, splitting long text into SMS, phone numbers, the answers to
AT+CSQ, AT+CREG?, AT+CMGS and the error result codes, and received SMS: +CMTI, the
answers to AT+CMGR, AT+CMGL and AT+CPMS?, time stamps, 7-bit packing and the
concatenation header.

See docs/protocols/gsm-modem.md for the rules and worked examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

Encoding = Literal["GSM", "UCS2"]


class GsmCodecError(ValueError):
    """Text, bytes or an answer line that the codecs cannot take; the message is plain."""


# -- GSM 03.38 / TS 23.038 default alphabet ---------------------------------------------

# Index = septet value. 0x1B is the escape to the extension table, not a character.
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
assert len(_BASIC) == 128
ESCAPE = 0x1B
CTRL_Z = 0x1A

_EXTENSION = {
    0x0A: "\x0c",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}

_TO_BASIC = {char: code for code, char in enumerate(_BASIC) if code != ESCAPE}
_TO_EXTENSION = {char: code for code, char in _EXTENSION.items()}

# Default-alphabet codes the hub never sends raw in text mode (see the doc, section 4):
# @ NUL, CR, _ DC1/XON, Γ DC3/XOFF, Ξ Ctrl-Z. Extension characters need ESC and are
# unsafe as well.
_UNSAFE_CODES = frozenset({0x00, 0x0D, 0x11, 0x13, CTRL_Z})
_SAFE_GSM = frozenset(char for char, code in _TO_BASIC.items() if code not in _UNSAFE_CODES)

SMS_SEPTETS = 160
SMS_UCS2_UNITS = 70
MAX_PARTS = 9
PREFIX_LENGTH = len("(1/9) ")


def _describe(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


def can_encode_gsm7(text: str) -> bool:
    """Whether every character is in the default alphabet or its extension table."""
    return all(char in _TO_BASIC or char in _TO_EXTENSION for char in text)


def is_gsm7_safe(text: str) -> bool:
    """Whether the text may go as GSM 7-bit in text mode: default alphabet only, and
    none of @, CR, _, Γ, Ξ (see the doc)."""
    return all(char in _SAFE_GSM for char in text)


def gsm7_encode(text: str) -> bytes:
    """One byte per septet, as the TE sends it with AT+CSCS="GSM"; extension
    characters as 0x1B and their code."""
    out = bytearray()
    for char in text:
        code = _TO_BASIC.get(char)
        if code is not None:
            out.append(code)
            continue
        code = _TO_EXTENSION.get(char)
        if code is None:
            raise GsmCodecError(f"{_describe(char)} is not in the GSM 7-bit alphabet")
        out += bytes((ESCAPE, code))
    return bytes(out)


def gsm7_decode(data: bytes) -> str:
    """The inverse of gsm7_encode. An escape followed by a code the extension table does
    not define gives the default-alphabet character, as TS 23.038 asks."""
    out = []
    escaped = False
    for position, byte in enumerate(data):
        if byte > 0x7F:
            raise GsmCodecError(f"byte 0x{byte:02X} at position {position} is not a GSM 7-bit septet")
        if escaped:
            escaped = False
            if byte in _EXTENSION:
                out.append(_EXTENSION[byte])
            elif byte == ESCAPE:
                raise GsmCodecError(f"two escapes (0x1B 0x1B) at position {position - 1}")
            else:
                out.append(_BASIC[byte])
        elif byte == ESCAPE:
            escaped = True
        else:
            out.append(_BASIC[byte])
    if escaped:
        raise GsmCodecError("the text ends with an escape (0x1B) and no character after it")
    return "".join(out)


def gsm7_septets(text: str) -> int:
    """Length in septets: an extension character counts 2."""
    return sum(2 if char in _TO_EXTENSION else 1 for char in text)


# -- UCS-2 -------------------------------------------------------------------------------


def ucs2_units(text: str) -> int:
    """Length in UTF-16 code units: a character outside the BMP counts 2."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def ucs2_encode(text: str) -> str:
    """Four upper-case hex digits per UTF-16 code unit, big-endian (surrogate pairs for
    characters outside the BMP), as the TE sends it with AT+CSCS="UCS2"."""
    try:
        return text.encode("utf-16-be").hex().upper()
    except UnicodeEncodeError as error:
        char = text[error.start]
        raise GsmCodecError(f"{_describe(char)} is a lone surrogate, not a character") from None


def ucs2_decode(hex_text: str | bytes) -> str:
    if isinstance(hex_text, (bytes, bytearray)):
        try:
            hex_text = bytes(hex_text).decode("ascii")
        except UnicodeDecodeError:
            raise GsmCodecError("UCS-2 text must be hex digits only") from None
    if len(hex_text) % 4:
        raise GsmCodecError(f"UCS-2 hex must come in groups of 4 digits, got {len(hex_text)} digits")
    if not all(c in "0123456789abcdefABCDEF" for c in hex_text):
        raise GsmCodecError("UCS-2 text must be hex digits only")
    try:
        return bytes.fromhex(hex_text).decode("utf-16-be")
    except UnicodeDecodeError:
        raise GsmCodecError("UCS-2 text has a surrogate without its pair") from None


# -- choosing and splitting --------------------------------------------------------------


def choose_encoding(text: str) -> Encoding:
    """GSM 7-bit when it is safe in text mode, UCS-2 otherwise (see the doc, section 4)."""
    return "GSM" if is_gsm7_safe(text) else "UCS2"


def encode_text(text: str, encoding: Encoding) -> bytes:
    """The bytes that follow the "> " prompt (without the Ctrl-Z)."""
    if encoding == "GSM":
        if not is_gsm7_safe(text):
            raise GsmCodecError("this text cannot go as GSM 7-bit in text mode; use UCS2")
        return gsm7_encode(text)
    if encoding == "UCS2":
        return ucs2_encode(text).encode("ascii")
    raise GsmCodecError(f"unknown encoding {encoding!r}: GSM or UCS2")


def decode_text(data: bytes, encoding: str) -> str:
    """What a modem makes of the bytes typed at the prompt in a character set."""
    if encoding == "GSM":
        return gsm7_decode(data)
    if encoding == "UCS2":
        return ucs2_decode(data)
    if encoding == "IRA":
        if any(byte > 0x7F for byte in data):
            raise GsmCodecError("IRA text must be 7-bit ASCII")
        return data.decode("ascii")
    raise GsmCodecError(f"unknown character set {encoding!r}: GSM, UCS2 or IRA")


def _length(text: str, encoding: Encoding) -> int:
    return gsm7_septets(text) if encoding == "GSM" else ucs2_units(text)


def _limit(encoding: Encoding) -> int:
    return SMS_SEPTETS if encoding == "GSM" else SMS_UCS2_UNITS


@dataclass(frozen=True)
class SmsPart:
    """One SMS: `text` is what is sent (prefix included), `body` the piece of the original."""

    text: str
    body: str
    encoding: Encoding
    index: int = 1
    total: int = 1

    @property
    def dcs(self) -> int:
        """Data coding scheme for AT+CSMP: 0 GSM 7-bit, 8 UCS-2."""
        return 0 if self.encoding == "GSM" else 8

    @property
    def length(self) -> int:
        """Septets (GSM) or UTF-16 code units (UCS2)."""
        return _length(self.text, self.encoding)

    def payload(self) -> bytes:
        return encode_text(self.text, self.encoding)


def _chunk_end(text: str, start: int, budget_gsm: int, budget_ucs2: int) -> tuple[int, Encoding]:
    end_gsm, used = start, 0
    while end_gsm < len(text) and text[end_gsm] in _SAFE_GSM and used + 1 <= budget_gsm:
        used += 1  # a safe character is always one septet
        end_gsm += 1
    end_ucs2, used = start, 0
    while end_ucs2 < len(text):
        cost = 2 if ord(text[end_ucs2]) > 0xFFFF else 1
        if used + cost > budget_ucs2:
            break
        used += cost
        end_ucs2 += 1
    if end_gsm >= end_ucs2:
        return end_gsm, "GSM"
    return end_ucs2, "UCS2"


def split_sms(text: str) -> list[SmsPart]:
    """The SMS that carry `text`: one if it fits, else up to MAX_PARTS parts that start
    with "(k/n) " and each choose their own encoding. Joined bodies == text."""
    if not isinstance(text, str):
        raise GsmCodecError("the SMS text must be a string")
    if not text:
        raise GsmCodecError("the SMS text is empty")
    ucs2_encode(text)  # refuses lone surrogates with a plain message
    encoding = choose_encoding(text)
    if _length(text, encoding) <= _limit(encoding):
        return [SmsPart(text=text, body=text, encoding=encoding)]

    budget_gsm = SMS_SEPTETS - PREFIX_LENGTH
    budget_ucs2 = SMS_UCS2_UNITS - PREFIX_LENGTH
    pieces: list[tuple[str, Encoding]] = []
    start = 0
    while start < len(text):
        if len(pieces) == MAX_PARTS:
            raise GsmCodecError(f"the text is too long: it would need more than {MAX_PARTS} SMS")
        end, encoding = _chunk_end(text, start, budget_gsm, budget_ucs2)
        if end < len(text):
            middle = start + (end - start) // 2
            for cut in range(end, middle, -1):
                if text[cut - 1] in " \n":
                    end = cut
                    break
        piece = text[start:end]
        # a UCS-2 chunk cut back at a space may have lost its only non-GSM character
        pieces.append((piece, "GSM" if encoding == "GSM" or is_gsm7_safe(piece) else "UCS2"))
        start = end
    total = len(pieces)
    return [
        SmsPart(text=f"({index}/{total}) {body}", body=body, encoding=encoding, index=index, total=total)
        for index, (body, encoding) in enumerate(pieces, start=1)
    ]


# -- phone numbers -----------------------------------------------------------------------

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


# -- answers -----------------------------------------------------------------------------


def _values(line: str, prefix: str) -> str:
    """What follows `prefix` on an answer line; a clear error when it is not that line."""
    if not isinstance(line, str) or not line.strip().startswith(prefix):
        raise GsmCodecError(f"expected a {prefix} line")
    rest = line.strip()[len(prefix) :].strip()
    if not rest:
        raise GsmCodecError(f"the {prefix} line has no values")
    return rest


def _fields(line: str, prefix: str) -> list[str]:
    return [field.strip() for field in _values(line, prefix).split(",")]


def _int(field: str, what: str) -> int:
    if not field.isascii() or not field.isdigit():
        raise GsmCodecError(f"{what} is not a number")
    if len(field) > 9:  # no AT value is this long; and int() refuses thousands of digits
        raise GsmCodecError(f"{what} is out of range")
    return int(field)


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
    fields = _fields(line, "+CSQ:")
    if len(fields) != 2:
        raise GsmCodecError("+CSQ has two values: rssi and ber")
    rssi, ber = _int(fields[0], "the CSQ rssi"), _int(fields[1], "the CSQ ber")
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
    fields = _fields(line, "+CREG:")
    unquoted = [field.strip('"') for field in fields]
    if len(fields) == 1 or fields[1].startswith('"'):
        # unsolicited: +CREG: <stat>[,<lac>,<ci>[,<AcT>]]
        stat = _int(fields[0], "the CREG stat")
        lac, ci = (unquoted[1], unquoted[2]) if len(fields) >= 3 else (None, None)
        return Creg(stat=stat, lac=lac, ci=ci)
    n = _int(fields[0], "the CREG mode")
    stat = _int(fields[1], "the CREG stat")
    lac, ci = (unquoted[2], unquoted[3]) if len(fields) >= 4 else (None, None)
    return Creg(stat=stat, n=n, lac=lac, ci=ci)


def parse_cmgs(line: str) -> int:
    """+CMGS: <mr>[,<scts>] -> the message reference (0-255)."""
    fields = _fields(line, "+CMGS:")
    reference = _int(fields[0], "the CMGS message reference")
    if reference > 255:
        raise GsmCodecError(f"message reference {reference} is out of range (0-255)")
    return reference


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


# -- received SMS in text mode ------------------------------------------------------------
#
# The hub reads with AT+CSCS="UCS2" and AT+CSDH=1 (see the doc, section 10): then every
# text arrives as one line of hex, whatever its alphabet, so a reply "OK" cannot be taken
# for the final result code, and +CMGR shows <fo> and <dcs>, which say whether the text
# carries a concatenation header. GSM and IRA are understood too, for modems set so.

RECEIVED_STATUSES = ("REC UNREAD", "REC READ")
STORED_STATUSES = RECEIVED_STATUSES + ("STO UNSENT", "STO SENT")


@dataclass(frozen=True)
class NewMessage:
    """+CMTI: "<mem>",<index>: a received SMS was stored at `index` in memory `memory`."""

    memory: str
    index: int


@dataclass(frozen=True)
class Concatenation:
    """One part of a concatenated SMS, from its user-data header (TS 23.040 9.2.3.24.1)."""

    reference: int
    total: int
    sequence: int


@dataclass(frozen=True)
class ReceivedSms:
    """An SMS-DELIVER as +CMGR shows it. `number` is the sender as the network gave it:
    +4791234567, a national number, or an alphanumeric sender such as Telenor."""

    status: str
    number: str
    text: str
    received_at: datetime
    part: Concatenation | None = None


@dataclass(frozen=True)
class ListedSms:
    """One entry of an AT+CMGL answer: where a message is and what state it is in."""

    index: int
    status: str

    @property
    def received(self) -> bool:
        return self.status in RECEIVED_STATUSES


def _split_fields(rest: str, what: str) -> list[str]:
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


def _header(line: str, prefix: str) -> list[str]:
    return _split_fields(_values(line, prefix), prefix)


def parse_cmti(line: str) -> NewMessage:
    """+CMTI: "SM",3 -> NewMessage("SM", 3)."""
    fields = _header(line, "+CMTI:")
    if len(fields) != 2 or not fields[0]:
        raise GsmCodecError('+CMTI has two values: the memory and the index')
    return NewMessage(fields[0], _int(fields[1], "the CMTI index"))


def parse_cpms(line: str) -> tuple[str, ...]:
    """The read answer +CPMS: "SM",1,30,"ME",0,100,"SM",1,30 -> ("SM", "ME", "SM"):
    where the modem reads and deletes, where it writes, and where it stores what arrives."""
    fields = _header(line, "+CPMS:")
    if len(fields) % 3 or not fields[0]:
        raise GsmCodecError("+CPMS gives a memory, its use and its size for each of up to three memories")
    for field in fields[1::3] + fields[2::3]:
        _int(field, "a CPMS count")
    return tuple(fields[0::3])


_SCTS = re.compile(r"^(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-])(\d\d?)$")


def parse_scts(value: str) -> datetime:
    """The service centre time stamp "yy/MM/dd,hh:mm:ss±zz", zz in quarter hours:
    "24/03/15,14:30:45+04" is 14:30:45 at UTC+01:00."""
    match = _SCTS.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise GsmCodecError('the time stamp is not "yy/MM/dd,hh:mm:ss±zz"')
    yy, month, day, hour, minute, second, sign, quarters = match.groups()
    if int(quarters) > 56:  # UTC+14:00 is the furthest any zone goes
        raise GsmCodecError(f"the time stamp's zone {sign}{quarters} quarter hours is out of range")
    offset = timedelta(minutes=15 * int(quarters)) * (-1 if sign == "-" else 1)
    try:
        return datetime(2000 + int(yy), int(month), int(day), int(hour), int(minute), int(second),
                        tzinfo=timezone(offset))
    except ValueError:
        raise GsmCodecError("the time stamp is not a real date and time") from None


def format_scts(when: datetime) -> str:
    """The inverse of parse_scts, for a time with a zone in whole quarter hours."""
    offset = when.utcoffset()
    if offset is None:
        raise GsmCodecError("a time stamp needs a time zone")
    quarters, rest = divmod(int(offset.total_seconds()), 15 * 60)
    if rest or abs(quarters) > 56 or not 2000 <= when.year <= 2099:
        raise GsmCodecError("a time stamp needs years 2000-2099 and a zone in quarter hours")
    sign = "-" if quarters < 0 else "+"
    return when.strftime("%y/%m/%d,%H:%M:%S") + f"{sign}{abs(quarters):02d}"


# -- user data: 7-bit packing, the user-data header, data coding schemes -----------------


def gsm7_pack(septets: bytes, fill_bits: int = 0) -> bytes:
    """Septets packed into octets, least significant bit first (TS 23.038 6.1.2.1),
    after `fill_bits` zero bits that align them behind a user-data header."""
    value, bits = 0, fill_bits
    for septet in septets:
        if septet > 0x7F:
            raise GsmCodecError(f"0x{septet:02X} is not a septet")
        value |= septet << bits
        bits += 7
    return value.to_bytes((bits + 7) // 8, "little")


def gsm7_unpack(octets: bytes, fill_bits: int = 0) -> bytes:
    """Every whole septet in `octets` after `fill_bits`. When the last septet is 0 and
    fits exactly, it is the zero padding of the last octet, not an @, and is dropped
    (text mode shows no septet count to tell them apart)."""
    value = int.from_bytes(octets, "little") >> fill_bits
    available = len(octets) * 8 - fill_bits
    count = max(available // 7, 0)
    septets = bytes((value >> (7 * i)) & 0x7F for i in range(count))
    if septets and septets[-1] == 0 and available % 7 == 0:
        septets = septets[:-1]
    return septets


def dcs_alphabet(dcs: int) -> Literal["GSM", "8BIT", "UCS2"]:
    """The alphabet a TP-DCS value gives (TS 23.038 section 4)."""
    if not 0 <= dcs <= 255:
        raise GsmCodecError(f"data coding scheme {dcs} is out of range (0-255)")
    group = dcs >> 4
    if group <= 0x7:  # general data coding (and "marked for automatic deletion")
        if dcs & 0x20:
            raise GsmCodecError("the text is compressed, which the hub cannot read")
        return ("GSM", "8BIT", "UCS2", "GSM")[(dcs >> 2) & 0x3]  # type: ignore[return-value]
    if group == 0xE:
        return "UCS2"
    if group == 0xF:
        return "8BIT" if dcs & 0x04 else "GSM"
    return "GSM"  # message waiting groups, reserved groups


def _user_data_header(octets: bytes) -> tuple[int, Concatenation | None]:
    """The header's length in octets (with its length octet) and any concatenation."""
    if not octets:
        raise GsmCodecError("the user-data header is missing")
    length = octets[0] + 1
    if length > len(octets):
        raise GsmCodecError(f"the user-data header says {length} octets, the message has {len(octets)}")
    part = None
    position = 1
    while position < length:
        if position + 2 > length:
            raise GsmCodecError("the user-data header ends inside an element")
        iei, size = octets[position], octets[position + 1]
        data = octets[position + 2 : position + 2 + size]
        if position + 2 + size > length:
            raise GsmCodecError("an element of the user-data header runs past its end")
        if (iei, size) in ((0x00, 3), (0x08, 4)):
            reference = int.from_bytes(data[:-2], "big")
            total, sequence = data[-2], data[-1]
            if total and 1 <= sequence <= total:  # otherwise TS 23.040 says to ignore it
                part = Concatenation(reference, total, sequence)
        position += 2 + size
    return length, part


def user_data_decode(octets: bytes, dcs: int, with_header: bool) -> tuple[str, Concatenation | None]:
    """The text and concatenation of a TP-UD that text mode shows as hex octets."""
    alphabet = dcs_alphabet(dcs)
    header_length, part = _user_data_header(octets) if with_header else (0, None)
    if alphabet == "8BIT":
        raise GsmCodecError("the message is 8-bit data, not text")
    if alphabet == "UCS2":
        body = octets[header_length:]
        if len(body) % 2:
            raise GsmCodecError("UCS-2 text has an odd number of octets")
        return ucs2_decode(body.hex()), part
    fill_bits = (7 - header_length * 8 % 7) % 7  # the text starts on a septet boundary
    return gsm7_decode(gsm7_unpack(octets[header_length:], fill_bits)), part


def user_data_encode(text: str, alphabet: Literal["GSM", "UCS2"], part: Concatenation | None = None) -> bytes:
    """The TP-UD for `text`, with a concatenation header when `part` is given (8-bit
    reference up to 255, 16-bit above): what a phone sends, for the simulator and tests."""
    header = b""
    if part is not None:
        if part.reference > 0xFFFF or not 1 <= part.sequence <= part.total <= 255:
            raise GsmCodecError("a concatenation needs a reference up to 65535 and 1 <= sequence <= total <= 255")
        if part.reference > 0xFF:
            element = bytes((0x08, 4)) + part.reference.to_bytes(2, "big")
        else:
            element = bytes((0x00, 3, part.reference))
        element += bytes((part.total, part.sequence))
        header = bytes((len(element),)) + element
    if alphabet == "UCS2":
        return header + bytes.fromhex(ucs2_encode(text))
    fill_bits = (7 - len(header) * 8 % 7) % 7
    return header + gsm7_pack(gsm7_encode(text), fill_bits)


# -- +CMGR and +CMGL ----------------------------------------------------------------------


def _decode_field(value: str, charset: str) -> str:
    """A string parameter (the sender) in the TE character set. A modem that left it
    unconverted is understood too: in UCS2, a value that is not hex, or whose hex would
    give characters beyond Latin-1 (12345678 is digits, not U+1234 U+5678), is taken as
    written."""
    if charset == "UCS2":
        try:
            decoded = ucs2_decode(value)
        except GsmCodecError:
            return value
        return decoded if all(ord(char) < 0x100 for char in decoded) else value
    if charset == "GSM":
        try:
            return gsm7_decode(value.encode("latin-1"))
        except (UnicodeEncodeError, GsmCodecError):
            return value
    return value


def _decode_data(lines: list[str], charset: str) -> str:
    if charset == "UCS2":
        return ucs2_decode("".join(line.strip() for line in lines))
    try:
        data = "\n".join(lines).encode("latin-1")
    except UnicodeEncodeError:
        raise GsmCodecError("a text line has characters no modem sends") from None
    return decode_text(data, charset)


def _hex_octets(lines: list[str]) -> bytes:
    hex_text = "".join(line.strip() for line in lines)
    if len(hex_text) % 2 or not all(c in "0123456789abcdefABCDEF" for c in hex_text):
        raise GsmCodecError("the message's data should be hex octets")
    return bytes.fromhex(hex_text)


def parse_cmgr(lines: list[str], charset: str) -> ReceivedSms:
    """A received SMS from the AT+CMGR answer in text mode: the +CMGR line, then its
    text lines (none when the text is empty), without the final OK.

    +CMGR: <stat>,<oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]

    With the extra values (AT+CSDH=1), a text with a user-data header, or in 8-bit or
    UCS-2, is hex octets (TS 27.005 3.1) and is decoded by <dcs>; otherwise the text is
    in the TE character set `charset` (GSM, UCS2 or IRA). Errors never quote the number
    or the text.
    """
    if not lines:
        raise GsmCodecError("the +CMGR answer is empty")
    fields = _header(lines[0], "+CMGR:")
    status = fields[0]
    if status not in STORED_STATUSES:
        raise GsmCodecError("the +CMGR line does not start with a text-mode message status")
    if status not in RECEIVED_STATUSES:
        raise GsmCodecError(f"the message is {status}, not a received one")
    if len(fields) == 3:  # some modems leave out the empty <alpha>
        fields.insert(2, "")
    if len(fields) not in (4, 11):
        raise GsmCodecError(f"a received message's +CMGR line has 4 or 11 values, not {len(fields)}")
    number = _decode_field(fields[1], charset)
    if not number:
        raise GsmCodecError("the +CMGR line has no sender")
    received_at = parse_scts(fields[3])
    data = lines[1:]
    if len(fields) == 11:
        first_octet = _int(fields[5], "the CMGR first octet")
        dcs = _int(fields[7], "the CMGR data coding scheme")
        if first_octet > 255:
            raise GsmCodecError(f"first octet {first_octet} is out of range (0-255)")
        with_header = bool(first_octet & 0x40)  # TP-UDHI
        if with_header or dcs_alphabet(dcs) != "GSM":
            text, part = user_data_decode(_hex_octets(data), dcs, with_header)
            return ReceivedSms(status, number, text, received_at, part)
    return ReceivedSms(status, number, _decode_data(data, charset), received_at)


def parse_cmgl(lines: list[str]) -> list[ListedSms]:
    """Where each message of an AT+CMGL answer is: its +CMGL lines
    (+CMGL: <index>,<stat>,<oa/da>,[<alpha>],[<scts>][,<tooa/toda>,<length>]); the text
    lines between them are passed over, since the hub reads each message with AT+CMGR,
    which alone shows whether it has a user-data header."""
    listed = []
    for line in lines:
        if not isinstance(line, str) or not line.strip().startswith("+CMGL:"):
            continue
        fields = _header(line, "+CMGL:")
        if len(fields) < 3:
            raise GsmCodecError("a +CMGL line has at least an index, a status and a number")
        if fields[1] not in STORED_STATUSES:
            raise GsmCodecError("a +CMGL line has no text-mode message status")
        listed.append(ListedSms(_int(fields[0], "the CMGL index"), fields[1]))
    return listed
