"""The line framing (drivers/serial/framing.py) against docs/protocols/framing.md.

The worked examples are read from the protocol documents themselves, so a document
and the codec cannot drift apart unnoticed. Then: the CRC against the document's own
bitwise reference, and the reader against whatever a serial line can bring (noise,
cut frames, flipped bytes, wrong CRCs, overlong lines, floods). Pure: no I/O.
"""

from __future__ import annotations

import binascii
import functools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from drivers.serial.framing import (
    MAX_FRAME,
    MAX_SEQ,
    Frame,
    FrameError,
    FrameReader,
    crc16,
    decode_frame,
    encode_body,
    encode_frame,
    quote,
    unquote,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "protocols"
PROTOCOL_DOCS = ("framing.md", "dispenser.md", "sensor-receiver.md")
# A frame as the documents write it (CR LF not shown): $body*CRC, the body being
# tokens separated by single spaces, never containing '*', '$', '`' or white space.
DOC_FRAME = re.compile(r"\$((?:[^\s`$*]+)(?: [^\s`$*]+)*)\*([0-9A-Fa-f]{4})")

SETTINGS = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def doc_frames(name: str) -> list[str]:
    """Every `$...*XXXX` frame written in one protocol document, in order."""
    text = (DOCS / name).read_text(encoding="utf-8")
    found = [m.group(0) for m in DOC_FRAME.finditer(text)]
    # Anything that starts like a frame ("$" and a digit) must have been found whole:
    # a mangled example in a document must fail here, not be silently left out.
    starts = [m.start() for m in re.finditer(r"\$\d", text)]
    assert starts == [m.start() for m in DOC_FRAME.finditer(text)], f"{name}: a frame-like text the regex did not read"
    return found


ALL_DOC_FRAMES = [(name, frame) for name in PROTOCOL_DOCS for frame in doc_frames(name)]


def wire(doc_frame: str) -> bytes:
    return doc_frame.encode("ascii") + b"\r\n"


def feed_all(reader: FrameReader, chunks) -> list[Frame]:
    frames: list[Frame] = []
    for chunk in chunks:
        frames.extend(reader.feed(chunk))
    return frames


def chop(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(max(c, 0), len(data)) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:])]


def bitwise_crc16(data: bytes) -> int:
    """An independent CRC-16/IBM-3740, bit by bit, straight from its definition."""
    crc = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = (crc >> 15) ^ ((byte >> bit) & 1)
            crc = (crc << 1) & 0xFFFF
            if top:
                crc ^= 0x1021
    return crc


@functools.cache
def doc_reference_crc16():
    """The `crc16` of framing.md's ```python block, executed as written."""
    text = (DOCS / "framing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    source = next(b for b in blocks if "def crc16" in b)
    namespace: dict = {}
    exec(compile(source, "framing.md", "exec"), namespace)  # noqa: S102 - our own document
    return namespace["crc16"]


# -- the documents' worked examples ----------------------------------------------------


def test_documents_have_their_examples():
    counts = {name: len(doc_frames(name)) for name in PROTOCOL_DOCS}
    assert counts["framing.md"] >= 9
    assert counts["dispenser.md"] >= 8
    assert counts["sensor-receiver.md"] >= 7


@pytest.mark.parametrize(("doc", "text"), ALL_DOC_FRAMES, ids=[f"{d}:{t[:28]}" for d, t in ALL_DOC_FRAMES])
def test_doc_frame_crc_and_exact_round_trip(doc, text):
    body, crc_text = DOC_FRAME.fullmatch(text).groups()
    assert re.fullmatch(r"[0-9A-F]{4}", crc_text), "CRCs are written in upper-case hex"
    assert crc16(body.encode("ascii")) == int(crc_text, 16)
    assert bitwise_crc16(body.encode("ascii")) == int(crc_text, 16)
    frame = decode_frame(wire(text))
    assert encode_body(frame) == body.encode("ascii")
    assert encode_frame(frame) == wire(text)  # field order is kept: byte for byte
    assert decode_frame(text.encode("ascii") + b"\n") == frame  # a bare LF ends a frame too
    assert decode_frame(text.encode("ascii")) == frame


@pytest.mark.parametrize("doc", PROTOCOL_DOCS)
@SETTINGS
@given(cuts=st.lists(st.integers(0, 5000), max_size=30))
def test_doc_transcript_through_the_reader_in_any_chunks(doc, cuts):
    frames = doc_frames(doc)
    # The example dialogues, with a technician's notes between frames as line noise.
    stream = b"".join(b"...note " + wire(f) for f in frames)
    reader = FrameReader()
    got = feed_all(reader, chop(stream, cuts))
    assert [encode_frame(f) for f in got] == [wire(f) for f in frames]
    assert reader.counters.good_frames == len(frames)
    assert reader.counters.bad_frames == 0
    assert reader.counters.noise_bytes == len(b"...note ") * len(frames)


def test_worked_example_bytes():
    text = (DOCS / "framing.md").read_text(encoding="utf-8")
    section = text[text.index("Working the first one through"):]
    hex_bytes = bytes.fromhex(re.search(r"\(`((?:[0-9A-F]{2} ?)+)`\)", section).group(1))
    first = doc_frames("framing.md")[0]
    body = DOC_FRAME.fullmatch(first).group(1).encode("ascii")
    assert hex_bytes == body
    crc = re.search(r"CRC-16/IBM-3740 is `0x([0-9A-F]{4})`", section).group(1)
    assert crc16(body) == int(crc, 16)
    assert encode_frame(decode_frame(first.encode())) == b"$" + body + b"*" + crc.encode() + bytes.fromhex("0D 0A")


def test_worked_example_states_the_right_length():
    text = (DOCS / "framing.md").read_text(encoding="utf-8")
    stated = int(re.search(r"the body is the (\d+) bytes", text).group(1))
    first = doc_frames("framing.md")[0]
    assert stated == len(DOC_FRAME.fullmatch(first).group(1))


def test_percent_encoding_example_of_the_document():
    text = (DOCS / "framing.md").read_text(encoding="utf-8")
    plain, encoded = re.search(r"`([^`%]+)` is `([^`]*%[^`]+)`", text).groups()
    assert (plain, encoded) == ("Bjørn", "Bj%C3%B8rn")
    assert quote(plain) == encoded
    assert unquote(encoded.encode("ascii")) == plain


# -- CRC ------------------------------------------------------------------------------


def test_crc_check_value():
    assert crc16(b"123456789") == 0x29B1
    assert bitwise_crc16(b"123456789") == 0x29B1
    assert doc_reference_crc16()(b"123456789") == 0x29B1
    assert crc16(b"") == 0xFFFF


@SETTINGS
@given(data=st.binary(max_size=600))
def test_crc_agrees_with_the_documents_bitwise_reference(data):
    reference = doc_reference_crc16()
    assert crc16(data) == reference(data) == bitwise_crc16(data) == binascii.crc_hqx(data, 0xFFFF)


def test_crc_catches_every_single_byte_change_in_the_documents_frames():
    """CRC-16 detects every burst of up to 16 bits, so any one changed byte: exhaustively."""
    for _, text in ALL_DOC_FRAMES:
        body = DOC_FRAME.fullmatch(text).group(1).encode("ascii")
        good = crc16(body)
        for i in range(len(body)):
            for mask in range(1, 256):
                changed = bytearray(body)
                changed[i] ^= mask
                assert crc16(bytes(changed)) != good, (text, i, mask)


@SETTINGS
@given(body=st.binary(min_size=1, max_size=510), data=st.data())
def test_crc_catches_any_single_byte_change(body, data):
    i = data.draw(st.integers(0, len(body) - 1))
    mask = data.draw(st.integers(1, 255))
    changed = bytearray(body)
    changed[i] ^= mask
    assert crc16(bytes(changed)) != crc16(body)


# -- frames: what may be sent ----------------------------------------------------------

KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
TYPES = st.from_regex(r"[A-Z0-9_]{1,24}", fullmatch=True)
VALUES = st.text(
    st.characters(exclude_categories=("Cs",)) | st.sampled_from(list("æøåÆØÅ *$%=\r\n\x00")), max_size=40
)
FRAMES = st.builds(
    Frame,
    seq=st.sampled_from([0, 1, MAX_SEQ]) | st.integers(0, MAX_SEQ),
    type=TYPES,
    fields=st.dictionaries(KEYS, VALUES, max_size=6),
)


def encodable(frame: Frame) -> bool:
    return len(encode_body(frame)) + 8 <= MAX_FRAME


@SETTINGS
@given(frame=FRAMES, data=st.data())
def test_any_frame_round_trips_through_the_reader_in_any_chunks(frame, data):
    assume(encodable(frame))
    data_bytes = encode_frame(frame)
    assert data_bytes.startswith(b"$") and data_bytes.endswith(b"\r\n")
    assert data_bytes.count(b"$") == 1 and data_bytes.count(b"*") == 1 and data_bytes.count(b"\n") == 1
    assert all(0x20 <= b < 0x7F for b in data_bytes[:-2]), "frames are printable ASCII"
    cuts = data.draw(st.lists(st.integers(0, len(data_bytes)), max_size=10))
    reader = FrameReader()
    got = feed_all(reader, chop(data_bytes, cuts))
    assert got == [frame]
    assert encode_frame(got[0]) == data_bytes  # field order kept
    assert reader.counters.bad_frames == 0 and reader.errors == []


@SETTINGS
@given(value=st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(list("æøå *$%")), max_size=80))
def test_quote_unquote(value):
    quoted = quote(value)
    assert re.fullmatch(r"(?:[A-Za-z0-9\-._:+/,]|%[0-9A-F]{2})*", quoted)
    assert unquote(quoted.encode("ascii")) == value


@pytest.mark.parametrize(
    ("seq", "type_", "fields"),
    [
        (-1, "HB", {}),
        (MAX_SEQ + 1, "HB", {}),
        (0, "", {}),
        (0, "hb", {}),
        (0, "A" * 25, {}),
        (0, "DOSE TAKEN", {}),
        (0, "HB\n", {}),
        (0, "HB", {"Bat": "1"}),
        (0, "HB", {"1bat": "1"}),
        (0, "HB", {"a" * 17: "1"}),
        (0, "HB", {"bat\n": "1"}),
        (0, "HB", {"": "1"}),
        (0, "HØ", {}),
    ],
)
def test_frame_refuses_what_the_grammar_forbids(seq, type_, fields):
    with pytest.raises(ValueError):
        Frame(seq, type_, fields)


def test_encode_refuses_frames_longer_than_512_bytes():
    overhead = len(encode_frame(Frame(0, "ERR", {"text": ""})))
    fits = Frame(0, "ERR", {"text": "a" * (MAX_FRAME - overhead)})
    assert len(encode_frame(fits)) == MAX_FRAME
    with pytest.raises(ValueError):
        encode_frame(Frame(0, "ERR", {"text": "a" * (MAX_FRAME - overhead + 1)}))
    with pytest.raises(ValueError):  # 171 characters, but 513 bytes once percent-encoded
        encode_frame(Frame(0, "ERR", {"text": " " * ((MAX_FRAME - overhead) // 3 + 1)}))


# -- frames: what a receiver must refuse -----------------------------------------------


def framed(body: bytes, end: bytes = b"\r\n") -> bytes:
    return b"$" + body + b"*" + f"{crc16(body):04X}".encode() + end


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"0",
        b"0 ",
        b"HB",
        b" 0 HB",
        b"0 HB ",
        b"0  HB",
        b"01 HB",
        b"-1 HB",
        b"+1 HB",
        b"4294967296 HB",
        b"99999999999 HB",
        b"0 hb",
        b"0 " + b"A" * 25,
        b"0 H-B",
        b"0 HB bat",
        b"0 HB =1",
        b"0 HB Bat=1",
        b"0 HB 1bat=1",
        b"0 HB " + b"a" * 17 + b"=1",
        b"0 HB bat=1 bat=1",
        b"0 HB bat=1  power=mains",
        b"0 HB text=a%2",
        b"0 HB text=a%G1",
        b"0 HB text=a%c3%b8",  # the grammar's hex digits are upper case
        b"0 HB text=%FF",  # not UTF-8
        b"0 HB text=%C3",  # cut UTF-8
        b"0 HB text=Bj\xc3\xb8rn",  # raw UTF-8 must be percent-encoded
        b"0 HB text=a=b",
        b"0 HB text=a\tb",
        b"0 HB text=a\rb",
        b"0 HB\x00",
    ],
)
def test_grammar_violations_are_bad_frames(body):
    data = framed(body)
    with pytest.raises(FrameError) as caught:
        decode_frame(data)
    assert caught.value.reason == "syntax"
    reader = FrameReader()
    got = reader.feed(data + wire("$0 ACK ref=17*2BC0"))
    assert [encode_frame(f) for f in got] == [wire("$0 ACK ref=17*2BC0")]
    assert reader.counters.bad_frames == 1 and reader.counters.good_frames == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"0 HB", Frame(0, "HB", {})),
        (b"4294967295 X", Frame(MAX_SEQ, "X", {})),
        (b"0 " + b"A" * 24, Frame(0, "A" * 24, {})),
        (b"0 HB " + b"a" * 16 + b"=", Frame(0, "HB", {"a" * 16: ""})),
        (b"0 ERR text=", Frame(0, "ERR", {"text": ""})),
        (b"0 ERR text=%2A%24%25%20", Frame(0, "ERR", {"text": "*$% "})),
        (b"0 ERR text=-._:+/,", Frame(0, "ERR", {"text": "-._:+/,"})),
    ],
)
def test_grammar_edges_that_are_good(body, expected):
    for end in (b"\r\n", b"\n"):
        assert decode_frame(framed(body, end)) == expected
        assert FrameReader().feed(framed(body, end)) == [expected]


def test_crc_must_be_four_upper_case_hex_digits():
    good = b"$0 HELLO proto=1 role=hub*95DD\r\n"
    for bad in (good.replace(b"95DD", b"95dd"), good.replace(b"95DD", b"95D"), good.replace(b"95DD", b"95DD0"),
                good.replace(b"*95DD", b"95DD"), good.replace(b"*95DD", b"*95DD*95DD")):
        with pytest.raises(FrameError) as caught:
            decode_frame(bad)
        assert caught.value.reason in ("syntax", "crc")
        reader = FrameReader()
        assert reader.feed(bad) == []
        assert reader.counters.bad_frames == 1


@SETTINGS
@given(frame=FRAMES, wrong=st.integers(0, 0xFFFF))
def test_wrong_crc_is_refused_as_crc(frame, wrong):
    assume(encodable(frame))
    body = encode_body(frame)
    assume(wrong != crc16(body))
    data = b"$" + body + b"*" + f"{wrong:04X}".encode() + b"\r\n"
    with pytest.raises(FrameError) as caught:
        decode_frame(data)
    assert caught.value.reason == "crc"
    reader = FrameReader()
    assert reader.feed(data) == []
    assert reader.counters.bad_frames == 1
    assert [e.reason for e in reader.take_errors()] == ["crc"]
    assert reader.errors == []


def expect_after_one_changed_byte(data: bytes, i: int, new: int) -> tuple[list[Frame], int]:
    """What a reader must make of frame `data` (ending CR LF) with byte i (before CR) set to `new`.

    The only way a changed byte can leave a frame behind is by becoming a '$': the
    bytes before it are a frame cut short, the bytes after it a frame of their own,
    judged on their own.
    """
    if i == 0:  # no '$': the whole line is noise
        return [], 0
    if new == ord("$"):
        rest = b"$" + data[i + 1 :]
        try:
            return [decode_frame(rest)], 1
        except FrameError:
            return [], 2
    return [], 1


def check_changed_byte(data: bytes, i: int, new: int) -> None:
    assert 0 <= i < len(data) - 2 and new != data[i]
    changed = bytearray(data)
    changed[i] = new
    frames, bad = expect_after_one_changed_byte(data, i, new)
    reader = FrameReader()
    got = reader.feed(bytes(changed))
    assert got == frames, (data, i, new)
    if frames:
        assert encode_frame(frames[0]) != data  # never the original frame
    # An LF put in the middle ends the frame early; the rest of the line is then noise.
    # A CR or anything else keeps it a frame, and the CRC or the grammar refuses it.
    assert reader.counters.bad_frames == bad, (data, i, new, reader.errors)
    # ...and the line is left clean: the next frame is read as usual.
    after = reader.feed(wire("$0 ACK ref=17*2BC0"))
    assert [encode_frame(f) for f in after] == [wire("$0 ACK ref=17*2BC0")]


def test_every_single_bit_flip_in_the_documents_frames_is_caught():
    for _, text in ALL_DOC_FRAMES:
        data = wire(text)
        for i in range(len(data) - 2):
            for bit in range(8):
                check_changed_byte(data, i, data[i] ^ (1 << bit))


@SETTINGS
@given(index=st.sampled_from(range(len(ALL_DOC_FRAMES))), data=st.data())
def test_any_changed_byte_in_the_documents_frames_is_caught(index, data):
    frame_bytes = wire(ALL_DOC_FRAMES[index][1])
    i = data.draw(st.integers(0, len(frame_bytes) - 3))
    new = data.draw(st.integers(0, 255).filter(lambda b: b != frame_bytes[i]))
    check_changed_byte(frame_bytes, i, new)


@SETTINGS
@given(frame=FRAMES, data=st.data())
def test_any_changed_byte_in_any_frame_is_caught(frame, data):
    assume(encodable(frame))
    frame_bytes = encode_frame(frame)
    i = data.draw(st.integers(0, len(frame_bytes) - 3))
    new = data.draw(st.sampled_from([0x24, 0x0A, 0x0D, 0x2A, 0x20, 0x3D]) | st.integers(0, 255))
    assume(new != frame_bytes[i])
    check_changed_byte(frame_bytes, i, new)


def test_a_cr_turned_into_lf_still_gives_the_frame():
    """Not a corruption the CRC sees: the frame simply ends one byte early (CR is optional)."""
    data = bytearray(wire("$0 HB bat=100 power=mains*FFF7"))
    data[-2] = 0x0A
    reader = FrameReader()
    assert [encode_frame(f) for f in reader.feed(bytes(data))] == [wire("$0 HB bat=100 power=mains*FFF7")]
    assert reader.counters.bad_frames == 0 and reader.counters.noise_bytes == 1


@SETTINGS
@given(index=st.sampled_from(range(len(ALL_DOC_FRAMES))), data=st.data())
def test_truncated_frames_are_bad_and_the_next_frame_is_read(index, data):
    whole = wire(ALL_DOC_FRAMES[index][1])
    cut = data.draw(st.integers(1, len(whole) - 1))  # up to, not including, the LF
    good = wire("$0 ACK ref=17*2BC0")
    reader = FrameReader()
    got = feed_all(reader, chop(whole[:cut] + good, data.draw(st.lists(st.integers(0, 200), max_size=5))))
    assert [encode_frame(f) for f in got] == [good]
    assert reader.counters.bad_frames == 1
    assert [e.reason for e in reader.errors] == ["truncated"]


@SETTINGS
@given(index=st.sampled_from(range(len(ALL_DOC_FRAMES))), data=st.data())
def test_frames_cut_short_by_a_line_end_are_bad(index, data):
    whole = wire(ALL_DOC_FRAMES[index][1])
    cut = data.draw(st.integers(1, len(whole) - 3))  # lose at least one CRC digit
    reader = FrameReader()
    assert reader.feed(whole[:cut] + data.draw(st.sampled_from([b"\n", b"\r\n"]))) == []
    assert reader.counters.bad_frames == 1


# -- noise, garbage and floods ---------------------------------------------------------

NO_DOLLAR = st.binary(max_size=300).map(lambda b: b.replace(b"$", b""))
LINE_BITS = [b"$", b"*", b"\r", b"\n", b"0 ", b"HB", b"=", b"%", b"\xff"]
GARBAGE = st.binary(max_size=300) | st.lists(st.sampled_from(LINE_BITS), max_size=60).map(b"".join)


@SETTINGS
@given(garbage=GARBAGE, cuts=st.lists(st.integers(0, 400), max_size=10))
def test_garbage_never_raises_never_gives_frames_and_is_counted(garbage, cuts):
    reader = FrameReader()
    got = feed_all(reader, chop(garbage, cuts))
    got += reader.feed(b"\n")  # end whatever frame is still open
    assert got == []
    # Every '$' opens one frame, and each frame ends exactly once, good or bad.
    assert reader.counters.bad_frames == garbage.count(b"$")
    assert reader.counters.good_frames == 0
    assert len(reader.errors) == min(reader.counters.bad_frames, 100)
    if b"$" not in garbage:
        assert reader.counters.noise_bytes == len(garbage) + 1


@SETTINGS
@given(garbage=NO_DOLLAR, cuts=st.lists(st.integers(0, 600), max_size=10))
def test_good_frames_after_garbage_without_dollar(garbage, cuts):
    good = [wire("$0 ACK ref=17*2BC0"), wire("$42 FALL sensor=00A1B2C3 bat=87 rssi=-61 at=20261123T091500Z*7223")]
    reader = FrameReader()
    got = feed_all(reader, chop(garbage + b"".join(good), cuts))
    assert [encode_frame(f) for f in got] == good
    assert reader.counters.bad_frames == 0
    assert reader.counters.noise_bytes == len(garbage)


@SETTINGS
@given(garbage=GARBAGE, cuts=st.lists(st.integers(0, 600), max_size=10))
def test_good_frames_after_any_garbage(garbage, cuts):
    """The good frame's own '$' cuts short whatever the garbage left open: nothing is lost."""
    good = [wire("$0 ACK ref=17*2BC0"), wire("$42 FALL sensor=00A1B2C3 bat=87 rssi=-61 at=20261123T091500Z*7223")]
    reader = FrameReader()
    got = feed_all(reader, chop(garbage + b"".join(good), cuts))
    assert [encode_frame(f) for f in got] == good
    assert reader.counters.bad_frames == garbage.count(b"$")


def test_overlong_line_is_refused_and_reading_goes_on():
    reader = FrameReader()
    good = wire("$0 ACK ref=17*2BC0")
    got = reader.feed(b"$0 HB text=" + b"a" * 10_000 + b"*0000\r\n" + good)
    assert [encode_frame(f) for f in got] == [good]
    assert [e.reason for e in reader.errors] == ["too_long"]
    assert reader.counters.bad_frames == 1


def long_frame(total: int, end: bytes = b"\r\n") -> bytes:
    """A frame with a correct CRC, `total` bytes from '$' to LF."""
    overhead = len(framed(b"0 ERR text=", end))
    return framed(b"0 ERR text=" + b"a" * (total - overhead), end)


@pytest.mark.parametrize("end", [b"\r\n", b"\n"])
def test_frame_of_exactly_512_bytes_is_good(end):
    data = long_frame(MAX_FRAME, end)
    assert len(data) == MAX_FRAME
    assert decode_frame(data).fields["text"] == "a" * (MAX_FRAME - len(framed(b"0 ERR text=", end)))
    reader = FrameReader()
    assert len(reader.feed(data)) == 1 and reader.counters.bad_frames == 0


@pytest.mark.parametrize("total", [514, 600, 2000])
@pytest.mark.parametrize("end", [b"\r\n", b"\n"])
def test_frames_longer_than_512_bytes_are_refused(total, end):
    data = long_frame(total, end)
    with pytest.raises(FrameError) as caught:
        decode_frame(data)
    assert caught.value.reason == "too_long"
    reader = FrameReader()
    assert reader.feed(data) == []
    assert reader.counters.bad_frames == 1


def test_decode_refuses_a_513_byte_frame():
    with pytest.raises(FrameError):
        decode_frame(long_frame(MAX_FRAME + 1))


@pytest.mark.parametrize("end", [b"\r\n", b"\n"])
def test_reader_refuses_a_513_byte_frame(end):
    data = long_frame(MAX_FRAME + 1, end)
    assert len(data) == MAX_FRAME + 1
    reader = FrameReader()
    assert reader.feed(data) == []
    assert reader.counters.bad_frames == 1


def test_a_flood_of_garbage_keeps_errors_bounded():
    reader = FrameReader()
    for _ in range(50):
        reader.feed(b"$x\n$0 HB*0000\n$" + b"z" * 600 + b"\x00\xff$$$" * 20)
    # Every '$' is one bad frame (the last one is still open), and the list of them stays short.
    flood_bad = reader.counters.bad_frames
    assert flood_bad >= 50 * 60
    assert len(reader.errors) == 100
    assert len(reader.take_errors()) == 100
    assert reader.errors == []
    reader.feed(b"$$$\n")  # cuts short the flood's last open frame, then three of its own
    assert len(reader.errors) == 4
    assert reader.feed(wire("$0 ACK ref=17*2BC0")) == [Frame(0, "ACK", {"ref": "17"})]
