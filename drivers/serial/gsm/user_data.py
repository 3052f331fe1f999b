"""The user data of an SMS as text mode shows it in hex (TS 23.040, TS 23.038): 7-bit
packing, the user-data header with its concatenation element, and the data coding
schemes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from drivers.serial.gsm.alphabet import gsm7_decode, gsm7_encode, ucs2_decode, ucs2_encode
from drivers.serial.gsm.errors import GsmCodecError


@dataclass(frozen=True)
class Concatenation:
    """One part of a concatenated SMS, from its user-data header (TS 23.040 9.2.3.24.1)."""

    reference: int
    total: int
    sequence: int


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


