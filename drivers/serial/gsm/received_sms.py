"""Received SMS in text mode: the +CMTI indication, and the answers to AT+CPMS?,
AT+CMGR and AT+CMGL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drivers.serial.gsm.alphabet import decode_text, gsm7_decode, ucs2_decode
from drivers.serial.gsm.answer_fields import quoted_fields, whole_number
from drivers.serial.gsm.errors import GsmCodecError
from drivers.serial.gsm.time_stamps import parse_scts
from drivers.serial.gsm.user_data import Concatenation, dcs_alphabet, user_data_decode

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


def parse_cmti(line: str) -> NewMessage:
    """+CMTI: "SM",3 -> NewMessage("SM", 3)."""
    fields = quoted_fields(line, "+CMTI:")
    if len(fields) != 2 or not fields[0]:
        raise GsmCodecError('+CMTI has two values: the memory and the index')
    return NewMessage(fields[0], whole_number(fields[1], "the CMTI index"))


def parse_cpms(line: str) -> tuple[str, ...]:
    """The read answer +CPMS: "SM",1,30,"ME",0,100,"SM",1,30 -> ("SM", "ME", "SM"):
    where the modem reads and deletes, where it writes, and where it stores what arrives."""
    fields = quoted_fields(line, "+CPMS:")
    if len(fields) % 3 or not fields[0]:
        raise GsmCodecError("+CPMS gives a memory, its use and its size for each of up to three memories")
    for field in fields[1::3] + fields[2::3]:
        whole_number(field, "a CPMS count")
    return tuple(fields[0::3])


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
    fields = quoted_fields(lines[0], "+CMGR:")
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
        first_octet = whole_number(fields[5], "the CMGR first octet")
        dcs = whole_number(fields[7], "the CMGR data coding scheme")
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
        fields = quoted_fields(line, "+CMGL:")
        if len(fields) < 3:
            raise GsmCodecError("a +CMGL line has at least an index, a status and a number")
        if fields[1] not in STORED_STATUSES:
            raise GsmCodecError("a +CMGL line has no text-mode message status")
        listed.append(ListedSms(whole_number(fields[0], "the CMGL index"), fields[1]))
    return listed
