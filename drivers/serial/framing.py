"""The hub's line framing (docs/protocols/framing.md): pure, no I/O.

`encode_frame` turns a Frame into bytes; `FrameReader` turns a byte stream, however it
is chopped, into good frames, counting and skipping everything else.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field

MAX_FRAME = 512
MAX_SEQ = 4_294_967_295
_TYPE = re.compile(rb"[A-Z0-9_]{1,24}\Z")
_KEY = re.compile(rb"[a-z][a-z0-9_]{0,15}\Z")
_SEQ = re.compile(rb"(0|[1-9][0-9]{0,9})\Z")
_VALUE = re.compile(rb"(?:[A-Za-z0-9\-._:+/,]|%[0-9A-F]{2})*\Z")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._:+/,")


class FrameError(ValueError):
    """A frame that cannot be used. `reason` is one of: crc, syntax, too_long, truncated."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class Frame:
    seq: int
    type: str
    fields: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.seq <= MAX_SEQ:
            raise ValueError(f"seq {self.seq} is outside 0..{MAX_SEQ}")
        if not _TYPE.match(self.type.encode("ascii", "replace")):
            raise ValueError(f"message type {self.type!r} must be 1-24 of A-Z, 0-9, _")
        for key in self.fields:
            if not _KEY.match(key.encode("ascii", "replace")):
                raise ValueError(f"field name {key!r} must be a-z then up to 15 of a-z, 0-9, _")


def crc16(data: bytes) -> int:
    """CRC-16/IBM-3740 (poly 0x1021, init 0xFFFF, not reflected, no final XOR)."""
    return binascii.crc_hqx(data, 0xFFFF)


def quote(value: str) -> str:
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8"))


def unquote(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25:  # '%'
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8")  # UnicodeDecodeError is a ValueError: the caller's syntax error


def encode_body(frame: Frame) -> bytes:
    parts = [str(frame.seq), frame.type] + [f"{key}={quote(value)}" for key, value in frame.fields.items()]
    return " ".join(parts).encode("ascii")


def encode_frame(frame: Frame) -> bytes:
    body = encode_body(frame)
    data = b"$" + body + b"*" + f"{crc16(body):04X}".encode() + b"\r\n"
    if len(data) > MAX_FRAME:
        raise ValueError(f"frame of {len(data)} bytes is longer than {MAX_FRAME}")
    return data


def decode_frame(line: bytes) -> Frame:
    """One frame from `$` to its end (CR LF, LF or nothing); raises FrameError."""
    if len(line) > MAX_FRAME:
        raise FrameError("too_long", f"{len(line)} bytes")
    line = line.rstrip(b"\n").rstrip(b"\r")
    if not line.startswith(b"$"):
        raise FrameError("syntax", "does not start with $")
    star = line.rfind(b"*")
    if star < 0 or len(line) - star != 5:
        raise FrameError("syntax", "no *CRC at the end")
    body, crc_text = line[1:star], line[star + 1 :]
    if not re.fullmatch(rb"[0-9A-F]{4}", crc_text):
        raise FrameError("syntax", "the CRC is not four upper-case hex digits")
    if int(crc_text, 16) != crc16(body):
        raise FrameError("crc", f"CRC {crc_text.decode()} does not match {crc16(body):04X}")
    tokens = body.split(b" ")
    if len(tokens) < 2 or not _SEQ.match(tokens[0]) or not _TYPE.match(tokens[1]):
        raise FrameError("syntax", "expected a sequence number and a message type")
    seq = int(tokens[0])
    if seq > MAX_SEQ:
        raise FrameError("syntax", "sequence number too large")
    fields: dict[str, str] = {}
    for token in tokens[2:]:
        key, eq, value = token.partition(b"=")
        if not eq or not _KEY.match(key) or not _VALUE.match(value):
            raise FrameError("syntax", f"bad field {token[:40]!r}")
        name = key.decode()
        if name in fields:
            raise FrameError("syntax", f"field {name} given twice")
        try:
            fields[name] = unquote(value)
        except ValueError as exc:
            raise FrameError("syntax", f"field {name} is not UTF-8") from exc
    return Frame(seq, tokens[1].decode(), fields)


@dataclass
class ReaderCounters:
    good_frames: int = 0
    bad_frames: int = 0
    noise_bytes: int = 0


class FrameReader:
    """Incremental: feed any chunks of bytes, get the good frames back in order.

    Bad frames are counted, kept in `errors` (the caller may answer ERR and log them),
    and skipped; reading goes on with the next `$`.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._in_frame = False
        self.counters = ReaderCounters()
        self.errors: list[FrameError] = []

    def feed(self, data: bytes) -> list[Frame]:
        frames: list[Frame] = []
        for byte in data:
            if byte == 0x24:  # '$' starts a frame, and cuts one in progress short
                if self._in_frame:
                    self._bad(FrameError("truncated", "a new $ arrived before the end of the frame"))
                self._buffer = bytearray(b"$")
                self._in_frame = True
            elif not self._in_frame:
                self.counters.noise_bytes += 1
            elif byte == 0x0A:
                self._in_frame = False
                try:
                    frames.append(decode_frame(bytes(self._buffer)))
                    self.counters.good_frames += 1
                except FrameError as error:
                    self._bad(error)
            else:
                self._buffer.append(byte)
                if len(self._buffer) >= MAX_FRAME:  # the buffer holds all but the final LF
                    self._in_frame = False
                    self._bad(FrameError("too_long", f"no end within {MAX_FRAME} bytes"))
        return frames

    def end_of_stream(self) -> None:
        """The line went away: a frame still in progress was cut short."""
        if self._in_frame:
            self._in_frame = False
            self._bad(FrameError("truncated", "the line closed before the end of the frame"))

    def take_errors(self) -> list[FrameError]:
        errors, self.errors = self.errors, []
        return errors

    def _bad(self, error: FrameError) -> None:
        self.counters.bad_frames += 1
        if len(self.errors) < 100:  # a flood of garbage must not grow memory
            self.errors.append(error)
