"""The text of an SMS as a modem takes it in AT text mode: the GSM 03.38 / TS 23.038
default alphabet with its extension table, UCS-2 as hex, which text may go as GSM 7-bit
(see docs/protocols/gsm-modem.md, section 4), and lengths in septets or UTF-16 units."""

from __future__ import annotations

from typing import Literal

from drivers.serial.gsm.errors import GsmCodecError

Encoding = Literal["GSM", "UCS2"]

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

