"""GSM modem codecs: the worked examples of docs/protocols/gsm-modem.md, round trips and
fuzzing with hypothesis, splitting long text, and the AT answer parsers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.serial.gsm import (
    MAX_PARTS,
    SMS_SEPTETS,
    SMS_UCS2_UNITS,
    GsmCodecError,
    can_encode_gsm7,
    choose_encoding,
    csq_to_bars,
    csq_to_dbm,
    decode_text,
    encode_text,
    gsm7_decode,
    gsm7_encode,
    gsm7_septets,
    is_gsm7_safe,
    normalise_phone_number,
    number_type,
    parse_cmgs,
    parse_creg,
    parse_csq,
    parse_error,
    split_sms,
    ucs2_decode,
    ucs2_encode,
    ucs2_units,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "protocols" / "gsm-modem.md"


def spaced(data: bytes) -> str:
    return " ".join(f"{b:02X}" for b in data)


# -- the worked examples ------------------------------------------------------------------

HEI_KARI = "Hei! Kari trenger hjelp. Ring 22 33 44 55."
HEI_KARI_BYTES = (
    "48 65 69 21 20 4B 61 72 69 20 74 72 65 6E 67 65 72 20 68 6A 65 6C 70 2E 20 52 69 6E 67 "
    "20 32 32 20 33 33 20 34 34 20 35 35 2E 1A"
)
CMGS_BYTES = "41 54 2B 43 4D 47 53 3D 22 2B 34 37 32 32 33 33 34 34 35 35 22 2C 31 34 35 0D"


def test_worked_example_gsm():
    assert choose_encoding(HEI_KARI) == "GSM"
    assert spaced(gsm7_encode(HEI_KARI) + b"\x1a") == HEI_KARI_BYTES
    parts = split_sms(HEI_KARI)
    assert len(parts) == 1 and parts[0].text == HEI_KARI and parts[0].dcs == 0
    number = normalise_phone_number("+47 22 33 44 55")
    command = f'AT+CMGS="{number}",{number_type(number)}\r'.encode()
    assert spaced(command) == CMGS_BYTES


def test_norwegian_letters_are_single_septets_at_their_codes():
    assert gsm7_encode("æøåÆØÅ") == bytes([0x1D, 0x0C, 0x0F, 0x1C, 0x0B, 0x0E])
    assert spaced(gsm7_encode("Blåbærsyltetøy")) == "42 6C 0F 62 1D 72 73 79 6C 74 65 74 0C 79"
    assert spaced(gsm7_encode("ÆØÅ")) == "1C 0B 0E"
    assert gsm7_decode(bytes([0x1D, 0x0C, 0x0F, 0x1C, 0x0B, 0x0E])) == "æøåÆØÅ"
    assert choose_encoding("Blåbærsyltetøy på Ås, ÆØÅ") == "GSM"


@pytest.mark.parametrize(
    "text, hex_text",
    [
        ("Ring meg 😀", "00520069006E00670020006D006500670020D83DDE00"),
        ("Hilsen Paweł", "00480069006C00730065006E002000500061007700650142"),
        ("+4722334455", "002B0034003700320032003300330034003400350035"),
    ],
)
def test_worked_examples_ucs2(text, hex_text):
    assert ucs2_encode(text) == hex_text
    assert ucs2_decode(hex_text) == text
    if text[0] != "+":
        assert choose_encoding(text) == "UCS2"
        assert split_sms(text)[0].payload() == hex_text.encode("ascii")
        assert split_sms(text)[0].dcs == 8


def test_the_doc_shows_the_bytes_the_tests_check():
    doc = DOC.read_text(encoding="utf-8")
    for expected in (
        HEI_KARI_BYTES,
        CMGS_BYTES,
        "42 6C 0F 62 1D 72 73 79 6C 74 65 74 0C 79",
        "00520069006E00670020006D006500670020D83DDE00",
        "00480069006C00730065006E002000500061007700650142",
        "002B0034003700320032003300330034003400350035",
        "AT+CSMP=17,167,0,0",
        "AT+CSMP=17,167,0,8",
    ):
        assert expected in doc, expected


# -- the alphabet and the rule --------------------------------------------------------------


def test_extension_characters_take_an_escape_and_two_septets():
    assert gsm7_encode("€") == b"\x1b\x65"
    assert gsm7_encode("[x]") == b"\x1b\x3cx\x1b\x3e"
    assert gsm7_decode(b"\x1b\x65\x1b\x40") == "€|"
    assert gsm7_septets("a€b") == 4
    assert can_encode_gsm7("{€}")
    assert not is_gsm7_safe("{€}")


def test_ascii_look_alikes_that_differ_in_gsm():
    assert gsm7_encode("$") == b"\x02"
    assert gsm7_encode("@") == b"\x00"
    assert gsm7_encode("¤") == b"\x24"
    assert gsm7_encode("¡") == b"\x40"
    assert gsm7_decode(b"\x24\x40") == "¤¡"
    with pytest.raises(GsmCodecError, match=r"U\+0060"):
        gsm7_encode("`")


@pytest.mark.parametrize(
    "text",
    ["Ξ", "€", "[", "\\", "^", "~", "|", "{", "}", "\x0c", "\r", "@", "_", "Γ", "ł", "😀", "–", "“", "\x00", "\t"],
)
def test_characters_that_force_ucs2(text):
    assert choose_encoding(f"Hei {text} du") == "UCS2"
    with pytest.raises(GsmCodecError):
        encode_text(f"Hei {text} du", "GSM")


def test_ctrl_z_and_escape_never_appear_in_what_the_hub_sends_as_gsm():
    every_safe_char = "".join(c for c in map(chr, range(0x3000)) if is_gsm7_safe(c))
    assert "æ" in every_safe_char and "Ω" in every_safe_char and "$" in every_safe_char
    assert len(every_safe_char) == 128 - 6  # the basic table minus escape, @, CR, _, Γ, Ξ
    payload = encode_text(every_safe_char, "GSM")
    assert not {0x00, 0x0D, 0x11, 0x13, 0x1A, 0x1B} & set(payload)


def test_decode_errors_are_plain():
    with pytest.raises(GsmCodecError, match="ends with an escape"):
        gsm7_decode(b"abc\x1b")
    with pytest.raises(GsmCodecError, match="0x80"):
        gsm7_decode(b"\x80")
    with pytest.raises(GsmCodecError, match="two escapes"):
        gsm7_decode(b"\x1b\x1b")
    assert gsm7_decode(b"\x1b\x41") == "A"  # undefined extension: the default character
    with pytest.raises(GsmCodecError, match="groups of 4"):
        ucs2_decode("004")
    with pytest.raises(GsmCodecError, match="hex"):
        ucs2_decode("00G1")
    with pytest.raises(GsmCodecError, match="surrogate"):
        ucs2_decode("D83D0041")
    with pytest.raises(GsmCodecError, match="surrogate"):
        ucs2_encode("a\ud83d")
    with pytest.raises(GsmCodecError, match="IRA"):
        decode_text("æ".encode("latin-1"), "IRA")


# -- round trips ---------------------------------------------------------------------------

GSM_CHARS = [chr(c) for c in range(0x2FFF) if can_encode_gsm7(chr(c))] + ["€"]
NORDIC = "æøåÆØÅäöüéè"
TRICKY = "@_Γ\rΞ€[]{}^~|\\ł😀👩‍⚕️–“\n"


@given(st.text(alphabet=st.sampled_from(GSM_CHARS), max_size=300))
def test_gsm7_round_trip(text):
    encoded = gsm7_encode(text)
    assert len(encoded) == gsm7_septets(text)
    assert all(byte <= 0x7F for byte in encoded)
    assert gsm7_decode(encoded) == text


@given(st.text(max_size=200) | st.text(alphabet=st.sampled_from(list(NORDIC + TRICKY) + ["a", " "]), max_size=200))
def test_ucs2_round_trip(text):
    hex_text = ucs2_encode(text)
    assert len(hex_text) == 4 * ucs2_units(text)
    assert re.fullmatch("[0-9A-F]*", hex_text)
    assert ucs2_decode(hex_text) == text
    assert ucs2_decode(hex_text.lower()) == text


@given(st.text(alphabet=st.sampled_from(GSM_CHARS), max_size=200))
def test_chosen_encoding_round_trips_through_what_a_modem_decodes(text):
    encoding = choose_encoding(text)
    assert decode_text(encode_text(text, encoding), encoding) == text


# -- splitting -------------------------------------------------------------------------------

TEXT_FOR_SMS = st.text(
    alphabet=st.sampled_from(list("abc defghij KLM.,!?0123\n") + list(NORDIC) + list(TRICKY)),
    min_size=1,
    max_size=1300,
)
PREFIX = re.compile(r"^\((\d)/(\d)\) ")


def check_parts(text, parts):
    assert 1 <= len(parts) <= MAX_PARTS
    assert "".join(part.body for part in parts) == text
    for index, part in enumerate(parts, start=1):
        assert part.index == index and part.total == len(parts)
        limit = SMS_SEPTETS if part.encoding == "GSM" else SMS_UCS2_UNITS
        assert part.length <= limit
        if part.encoding == "GSM":
            assert is_gsm7_safe(part.text)
            assert gsm7_septets(part.text) <= SMS_SEPTETS
        else:
            assert ucs2_units(part.text) <= SMS_UCS2_UNITS
        assert decode_text(part.payload(), part.encoding) == part.text
        if len(parts) == 1:
            assert part.text == text
        else:
            assert PREFIX.match(part.text).groups() == (str(index), str(len(parts)))
            assert part.text == PREFIX.match(part.text).group(0) + part.body
            assert part.body


@settings(max_examples=150)
@given(TEXT_FOR_SMS)
def test_split_sms_parts_fit_and_rejoin(text):
    try:
        parts = split_sms(text)
    except GsmCodecError as error:
        # only when the text could not fit even with every part half full
        assert "too long" in str(error)
        assert ucs2_units(text) > MAX_PARTS * (SMS_UCS2_UNITS - 6) // 2
        return
    check_parts(text, parts)


def test_400_norwegian_characters_go_as_three_gsm_parts_broken_at_spaces():
    text = ("Kari har trykket på hjelpeknappen. Ring henne på 22 33 44 55. " * 7)[:400]
    parts = split_sms(text)
    check_parts(text, parts)
    assert len(parts) == 3
    assert [p.encoding for p in parts] == ["GSM"] * 3
    assert parts[0].text.startswith("(1/3) Kari har")
    assert all(p.body.endswith(" ") for p in parts[:-1])


def test_a_single_emoji_makes_only_its_own_part_ucs2():
    text = "a" * 300 + "😀" + "b" * 10
    parts = split_sms(text)
    check_parts(text, parts)
    assert [p.encoding for p in parts] == ["GSM", "GSM", "UCS2"]


def test_exactly_at_the_limits():
    assert len(split_sms("a" * 160)) == 1
    assert len(split_sms("a" * 161)) == 2
    assert len(split_sms("ł" * 70)) == 1
    assert len(split_sms("ł" * 71)) == 2
    assert len(split_sms("😀" * 35)) == 1
    assert len(split_sms("😀" * 36)) == 2
    assert split_sms("😀" * 36)[0].body == "😀" * 32
    assert len(split_sms("a" * 9 * 154)) == 9
    with pytest.raises(GsmCodecError, match="more than 9"):
        split_sms("a" * (9 * 154 + 1))


def test_split_refuses_empty_text():
    with pytest.raises(GsmCodecError, match="empty"):
        split_sms("")


# -- random input never does anything but GsmCodecError ---------------------------------

# any code point, lone surrogates included, and the characters AT answers are made of
ANY_TEXT = st.lists(
    st.characters()
    | st.integers(0xD800, 0xDFFF).map(chr)
    | st.sampled_from(list("+0123456789 ,:\"CSQREGMCMSEROK")),
    max_size=400,
).map("".join) | st.sampled_from(["+CSQ: 99,99", "+CREG: 0,1", "+CMGS: 7", "+CMS ERROR: 500", "ERROR"])


@settings(max_examples=200)
@given(ANY_TEXT)
def test_random_text_gives_results_or_codec_errors(text):
    for call in (
        split_sms,
        choose_encoding,
        gsm7_encode,
        ucs2_encode,
        ucs2_decode,
        normalise_phone_number,
        parse_csq,
        parse_creg,
        parse_cmgs,
        parse_error,
        lambda t: encode_text(t, "GSM"),
        lambda t: encode_text(t, "UCS2"),
    ):
        try:
            call(text)
        except GsmCodecError:
            pass


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_random_bytes_decode_or_give_codec_errors(data):
    for encoding in ("GSM", "UCS2", "IRA", "latin-1"):
        try:
            decode_text(data, encoding)
        except GsmCodecError:
            pass
    try:
        ucs2_decode(data)
    except GsmCodecError:
        pass


@given(st.text(alphabet="+0123456789 -()x.", max_size=25))
def test_numbers_are_digits_with_an_optional_plus_first(typed):
    try:
        number = normalise_phone_number(typed)
    except GsmCodecError:
        return
    assert re.fullmatch(r"\+?\d{3,15}", number)
    assert number.lstrip("+") == "".join(c for c in typed if c.isdigit())


# -- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, number",
    [
        ("+47 22 33 44 55", "+4722334455"),
        ("22334455", "22334455"),
        ("22 33 44 55", "22334455"),
        ("  +46-8-123 456 78 ", "+46812345678"),
        ("1881", "1881"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_accepted(typed, number):
    if number is None:
        with pytest.raises(GsmCodecError):
            normalise_phone_number(typed)
    else:
        assert normalise_phone_number(typed) == number


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("22 33 44 5a", "digits only"),
        ("Kari", "digits only"),
        ("22+334455", "only stand first"),
        ("++4722334455", "only stand first"),
        ("12", "3 to 15"),
        ("1234567890123456", "3 to 15"),
        ("+47 2233 445", "8 digits after 47"),
        ("+47 2233 44556", "8 digits after 47"),
        ("+0 1234 5678", "not start with 0"),
        ("+123456", "7 to 15"),
        ("٢٢٣٣٤٤٥٥", "digits only"),
    ],
)
def test_phone_numbers_refused_without_repeating_them(typed, message):
    with pytest.raises(GsmCodecError, match=message) as caught:
        normalise_phone_number(typed)
    digits = "".join(c for c in typed if c.isdigit())
    if len(digits) >= 3:
        assert digits not in str(caught.value)


def test_number_type():
    assert number_type("+4722334455") == 145
    assert number_type("22334455") == 129


# -- AT answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rssi, dbm, bars",
    [
        (0, -113, 0),
        (1, -111, 0),
        (2, -109, 1),
        (5, -103, 1),
        (6, -101, 2),
        (9, -95, 2),
        (10, -93, 3),
        (14, -85, 3),
        (15, -83, 4),
        (19, -75, 4),
        (20, -73, 5),
        (30, -53, 5),
        (31, -51, 5),
        (99, None, 0),
    ],
)
def test_csq_to_dbm_and_bars(rssi, dbm, bars):
    assert csq_to_dbm(rssi) == dbm
    assert csq_to_bars(rssi) == bars
    csq = parse_csq(f"+CSQ: {rssi},99")
    assert (csq.rssi, csq.dbm, csq.bars, csq.bit_error_rate) == (rssi, dbm, bars, None)


def test_csq_parsing():
    assert parse_csq("+CSQ: 17,3").bit_error_rate == 3
    assert parse_csq("  +CSQ:31,0 ").dbm == -51
    for bad in ("+CSQ: 32,0", "+CSQ: 98,99", "+CSQ: 20,8", "+CSQ: 20", "+CSQ: a,1", "+CSQ: -1,0", "+CSQ:", "CSQ: 1,1"):
        with pytest.raises(GsmCodecError):
            parse_csq(bad)
    with pytest.raises(GsmCodecError):
        csq_to_dbm(40)


@pytest.mark.parametrize(
    "line, n, stat, state, lac, ci",
    [
        ("+CREG: 0,0", 0, 0, "not_registered", None, None),
        ("+CREG: 0,1", 0, 1, "home", None, None),
        ("+CREG: 0,2", 0, 2, "searching", None, None),
        ("+CREG: 0,3", 0, 3, "denied", None, None),
        ("+CREG: 0,4", 0, 4, "unknown", None, None),
        ("+CREG: 0,5", 0, 5, "roaming", None, None),
        ("+CREG: 2,1,\"00C3\",\"1A2B\"", 2, 1, "home", "00C3", "1A2B"),
        ("+CREG: 2,5,\"00C3\",\"01A2B3C\",7", 2, 5, "roaming", "00C3", "01A2B3C"),
        ("+CREG: 0,6", 0, 6, "home", None, None),
        ("+CREG: 0,7", 0, 7, "roaming", None, None),
        ("+CREG: 0,8", 0, 8, "unknown", None, None),
        # unsolicited forms: no <n>
        ("+CREG: 1", None, 1, "home", None, None),
        ("+CREG: 3", None, 3, "denied", None, None),
        ("+CREG: 5,\"00C3\",\"1A2B\"", None, 5, "roaming", "00C3", "1A2B"),
    ],
)
def test_creg_parsing(line, n, stat, state, lac, ci):
    creg = parse_creg(line)
    assert (creg.n, creg.stat, creg.state, creg.lac, creg.ci) == (n, stat, state, lac, ci)
    assert creg.registered == (state in ("home", "roaming"))


def test_creg_refuses_nonsense():
    for bad in ("+CREG:", "+CREG: x,1", "+CREG: 0,", "+CSQ: 0,1"):
        with pytest.raises(GsmCodecError):
            parse_creg(bad)


def test_cmgs_parsing():
    assert parse_cmgs("+CMGS: 12") == 12
    assert parse_cmgs("+CMGS: 255,\"24/03/15,14:30:45+04\"") == 255
    for bad in ("+CMGS: 256", "+CMGS:", "+CMGS: x", "+CMGR: 1"):
        with pytest.raises(GsmCodecError):
            parse_cmgs(bad)


@pytest.mark.parametrize(
    "line, kind, code, meaning",
    [
        ("+CMS ERROR: 330", "CMS", 330, "SMS service centre address unknown"),
        ("+CMS ERROR: 331", "CMS", 331, "no network service"),
        ("+CMS ERROR: 38", "CMS", 38, "network out of order"),
        ("+CME ERROR: 10", "CME", 10, "SIM not inserted"),
        ("+CME ERROR: 11", "CME", 11, "SIM PIN required"),
        ("+CME ERROR: SIM not inserted", "CME", None, "SIM not inserted"),
        ("+CMS ERROR: 999", "CMS", 999, "no plain meaning"),
        ("ERROR", "", None, "ERROR"),
    ],
)
def test_error_parsing(line, kind, code, meaning):
    error = parse_error(line)
    assert (error.kind, error.code) == (kind, code)
    assert meaning in error.meaning
    assert meaning in str(error) or kind == ""


def test_error_parsing_refuses_other_lines():
    for bad in ("OK", "+CMGS: 1", "+CMS ERROR", "ERRORS"):
        with pytest.raises(GsmCodecError):
            parse_error(bad)
