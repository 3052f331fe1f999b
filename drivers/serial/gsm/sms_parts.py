"""Long text split into SMS: one if it fits, else up to MAX_PARTS parts that start with
"(k/n) " and each choose their own encoding."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.serial.gsm.alphabet import (
    Encoding,
    choose_encoding,
    encode_text,
    gsm7_septets,
    is_gsm7_safe,
    ucs2_encode,
    ucs2_units,
)
from drivers.serial.gsm.errors import GsmCodecError

SMS_SEPTETS = 160
SMS_UCS2_UNITS = 70
MAX_PARTS = 9
PREFIX_LENGTH = len("(1/9) ")


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
    while end_gsm < len(text) and is_gsm7_safe(text[end_gsm]) and used + 1 <= budget_gsm:
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


