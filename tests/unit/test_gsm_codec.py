"""GSM modem codecs: the worked examples of docs/protocols/gsm-modem.md, round trips and
fuzzing with hypothesis, splitting long text, the AT answer parsers, and received SMS:
+CMTI, +CMGR and +CMGL in text mode, time stamps, 7-bit packing and concatenation."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.serial.gsm import (
    MAX_PARTS,
    Concatenation,
    ListedSms,
    NewMessage,
    dcs_alphabet,
    format_scts,
    gsm7_pack,
    gsm7_unpack,
    parse_cmgl,
    parse_cmgr,
    parse_cmti,
    parse_cpms,
    parse_scts,
    user_data_decode,
    user_data_encode,
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

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocols" / "gsm-modem.md"


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


# -- received SMS -----------------------------------------------------------------------------

NUMBER_UCS2 = "002B0034003700390031003200330034003500360037"  # +4791234567
ASE_UCS2 = (
    "004A0061002C0020006B006F006D006D006500720020006B006C002E002000310035002E00200048"
    "0069006C00730065006E002000C500730065"
)  # "Ja, kommer kl. 15. Hilsen Åse"
UDH_GSM = "05000307020190E53408FE0091CB67"  # part 1 of 2, reference 7: "Hei på deg"
UDH_UCS2 = "060804012C0202004A00610020D83DDE00"  # part 2 of 2, 16-bit reference 300: "Ja 😀"
AT_1430 = datetime(2024, 3, 15, 14, 30, 45, tzinfo=timezone(timedelta(hours=1)))


def test_new_message_indication():
    assert parse_cmti('+CMTI: "SM",3') == NewMessage("SM", 3)
    assert parse_cmti('+CMTI: "ME", 12') == NewMessage("ME", 12)
    for bad in ('+CMTI: "SM"', '+CMTI: "SM",x', "+CMTI:", '+CMTI: "SM,3', '+CMTI: "SM",3,4', "+CMGS: 3", '+CMTI: "",3'):
        with pytest.raises(GsmCodecError):
            parse_cmti(bad)


@pytest.mark.parametrize(
    "stamp, utc",
    [
        ("24/03/15,14:30:45+04", datetime(2024, 3, 15, 13, 30, 45, tzinfo=timezone.utc)),
        ("24/07/01,00:10:00+08", datetime(2024, 6, 30, 22, 10, 0, tzinfo=timezone.utc)),  # summer in Oslo
        ("24/03/15,14:30:45-14", datetime(2024, 3, 15, 18, 0, 45, tzinfo=timezone.utc)),  # Newfoundland, -3:30
        ("00/01/01,00:00:00+00", datetime(2000, 1, 1, tzinfo=timezone.utc)),
        ("24/02/29,23:59:59+56", datetime(2024, 2, 29, 9, 59, 59, tzinfo=timezone.utc)),
    ],
)
def test_time_stamps_are_aware_with_their_quarter_hour_zone(stamp, utc):
    when = parse_scts(stamp)
    assert when.tzinfo is not None and when == utc
    assert format_scts(when) == stamp
    assert parse_scts(stamp).utcoffset() == timedelta(minutes=15 * int(stamp[-3:]))


@pytest.mark.parametrize(
    "stamp, message",
    [
        ("24/13/15,14:30:45+04", "real date"),
        ("23/02/29,14:30:45+04", "real date"),
        ("24/03/15,24:00:00+04", "real date"),
        ("24/03/15,14:30:45+57", "out of range"),
        ("24/03/15,14:30:45", "yy/MM/dd"),
        ("24/03/15 14:30:45+04", "yy/MM/dd"),
        ("2024/03/15,14:30:45+04", "yy/MM/dd"),
        ("", "yy/MM/dd"),
    ],
)
def test_bad_time_stamps_are_refused(stamp, message):
    with pytest.raises(GsmCodecError, match=message):
        parse_scts(stamp)


def test_cpms_names_the_three_memories():
    assert parse_cpms('+CPMS: "SM",1,30,"ME",0,100,"SM",1,30') == ("SM", "ME", "SM")
    assert parse_cpms('+CPMS: "ME",0,23') == ("ME",)
    for bad in ('+CPMS: "SM",1', '+CPMS: "SM",x,30', "+CPMS: 1,30,1,30,1,30,", "+CPMS:"):
        with pytest.raises(GsmCodecError):
            parse_cpms(bad)


def test_cmgr_gsm_character_set_the_example_of_the_doc():
    sms = parse_cmgr(['+CMGR: "REC UNREAD","+4791234567",,"24/03/15,14:30:45+04"', "Ja takk"], "GSM")
    assert (sms.status, sms.number, sms.text, sms.received_at, sms.part) == (
        "REC UNREAD", "+4791234567", "Ja takk", AT_1430, None)
    # GSM text arrives as its septet codes: Ø is 0x0B
    line = bytes.fromhex("4A 61 20 74 61 6B 6B 2C 20 0B 79 76 69 6E 64").decode("latin-1")
    assert parse_cmgr(['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04"', line], "GSM").text == "Ja takk, Øyvind"
    # a text with a line break comes as two lines
    assert parse_cmgr(['+CMGR: "REC READ","1881",,"24/03/15,14:30:45+04"', "Nei", "takk"], "GSM").text == "Nei\ntakk"


def test_cmgr_ucs2_character_set():
    sms = parse_cmgr([f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04"', ASE_UCS2], "UCS2")
    assert (sms.number, sms.text, sms.received_at) == ("+4791234567", "Ja, kommer kl. 15. Hilsen Åse", AT_1430)
    # "OK" as a reply is hex in UCS2, never the final result code
    assert parse_cmgr([f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04"', "004F004B"], "UCS2").text == "OK"
    # an empty text has no text line
    assert parse_cmgr([f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04"'], "UCS2").text == ""
    # a modem that leaves the number unconverted, or leaves out <alpha>
    plain = parse_cmgr(['+CMGR: "REC READ","91234567","24/03/15,14:30:45+04"', "004A0041"], "UCS2")
    assert (plain.number, plain.text) == ("91234567", "JA")
    assert parse_cmgr(['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04"', "004A0041"], "UCS2").number == "+4791234567"
    # an alphanumeric sender
    telenor = ucs2_encode("Telenor")
    assert parse_cmgr([f'+CMGR: "REC READ","{telenor}",,"24/03/15,14:30:45+04"', "004A0041"], "UCS2").number == "Telenor"


def test_cmgr_with_header_values_and_concatenation():
    header = f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04",145,{{fo}},0,{{dcs}},"{NUMBER_UCS2}",145,{{n}}'
    plain = parse_cmgr([header.format(fo=4, dcs=0, n=29), ASE_UCS2], "UCS2")
    assert (plain.text, plain.part) == ("Ja, kommer kl. 15. Hilsen Åse", None)
    gsm_part = parse_cmgr([header.format(fo=68, dcs=0, n=15), UDH_GSM], "UCS2")
    assert (gsm_part.text, gsm_part.part) == ("Hei på deg", Concatenation(7, 2, 1))
    ucs2_part = parse_cmgr([header.format(fo=68, dcs=8, n=17), UDH_UCS2], "UCS2")
    assert (ucs2_part.text, ucs2_part.part) == ("Ja 😀", Concatenation(300, 2, 2))
    # UCS-2 without a header is hex octets too, whatever the character set
    assert parse_cmgr([header.format(fo=4, dcs=8, n=4), "004A0041"], "GSM").text == "JA"
    with pytest.raises(GsmCodecError, match="8-bit data"):
        parse_cmgr([header.format(fo=4, dcs=4, n=2), "4A41"], "UCS2")
    with pytest.raises(GsmCodecError, match="compressed"):
        parse_cmgr([header.format(fo=4, dcs=0x20, n=2), "4A41"], "UCS2")
    with pytest.raises(GsmCodecError, match="header says"):
        parse_cmgr([header.format(fo=68, dcs=0, n=15), UDH_GSM[:8]], "UCS2")  # truncated
    with pytest.raises(GsmCodecError, match="hex octets"):
        parse_cmgr([header.format(fo=68, dcs=0, n=15), UDH_GSM[:-1]], "UCS2")
    with pytest.raises(GsmCodecError, match="odd number"):
        parse_cmgr([header.format(fo=68, dcs=8, n=17), UDH_UCS2[:-2]], "UCS2")


@pytest.mark.parametrize(
    "lines, message",
    [
        ([], "empty"),
        (['+CMGL: 1,"REC READ","+4791234567",,"24/03/15,14:30:45+04"', "4A"], "expected a \\+CMGR"),
        (['+CMGR: "STO SENT","+4791234567",,145,17', "4A"], "not a received one"),
        (['+CMGR: "RECEIVED","+4791234567",,"24/03/15,14:30:45+04"'], "status"),
        (['+CMGR: "REC READ",,,"24/03/15,14:30:45+04"'], "no sender"),
        (['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04'], "never closed"),
        (['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30"'], "yy/MM/dd"),
        (['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04",145,4'], "4 or 11"),
        (['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04"', "004"], "groups of 4"),
        (['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04"', "D83D"], "surrogate"),
        (['+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04",145,x,0,0,"",145,2', "4A41"], "first octet"),
    ],
)
def test_bad_cmgr_answers_are_refused_without_quoting_them(lines, message):
    with pytest.raises(GsmCodecError, match=message) as caught:
        parse_cmgr(lines, "UCS2")
    assert "4791234567" not in str(caught.value)


def test_cmgl_lists_where_each_message_is():
    lines = [
        f'+CMGL: 1,"REC READ","{NUMBER_UCS2}",,"24/03/15,14:30:45+04",145,4',
        "004A0041",
        f'+CMGL: 4,"REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:31:00+04"',
        ASE_UCS2,
        '+CMGL: 7,"STO SENT","002B0034003700320032003300330034003400350035",,',
        "00480065006900210020",
        '+CMGL: 9,"REC UNREAD","+4791234567",,"24/03/15,14:31:00+04"',
    ]
    listed = parse_cmgl(lines)
    assert listed == [ListedSms(1, "REC READ"), ListedSms(4, "REC UNREAD"), ListedSms(7, "STO SENT"),
                      ListedSms(9, "REC UNREAD")]
    assert [sms.received for sms in listed] == [True, True, False, True]
    assert parse_cmgl([]) == []
    for bad in (['+CMGL: x,"REC READ","+47"'], ['+CMGL: 1,"NEW","+47"'], ["+CMGL: 1"], ['+CMGL: 1,"REC READ,"+47"']):
        with pytest.raises(GsmCodecError):
            parse_cmgl(bad)


def test_seven_bit_packing():
    assert gsm7_pack(gsm7_encode("hellohello")).hex().upper() == "E8329BFD4697D9EC37"
    assert gsm7_decode(gsm7_unpack(bytes.fromhex("E8329BFD4697D9EC37"))) == "hellohello"
    # 7 septets leave 7 spare bits, taken for padding, not an @
    assert gsm7_unpack(gsm7_pack(b"abcdefg")) == b"abcdefg"
    assert gsm7_unpack(gsm7_pack(b"abcdefgh")) == b"abcdefgh"
    with pytest.raises(GsmCodecError):
        gsm7_pack(b"\x80")


@pytest.mark.parametrize(
    "dcs, alphabet",
    [(0x00, "GSM"), (0x04, "8BIT"), (0x08, "UCS2"), (0x11, "GSM"), (0x48, "UCS2"), (0xC0, "GSM"), (0xD1, "GSM"),
     (0xE0, "UCS2"), (0xF0, "GSM"), (0xF4, "8BIT"), (0x90, "GSM")],
)
def test_data_coding_schemes(dcs, alphabet):
    assert dcs_alphabet(dcs) == alphabet


def test_the_doc_shows_the_received_examples_the_tests_check():
    doc = DOC.read_text(encoding="utf-8")
    for expected in (
        '+CMTI: "SM",3',
        '+CMGR: "REC UNREAD","+4791234567",,"24/03/15,14:30:45+04"',
        NUMBER_UCS2,
        ASE_UCS2,
        UDH_GSM,
        UDH_UCS2,
        "4A 61 20 74 61 6B 6B 2C 20 0B 79 76 69 6E 64",
        "AT+CNMI=2,1,0,0,0",
        "AT+CSDH=1",
    ):
        assert expected in doc, expected


SEPTETS = st.binary(max_size=200).map(lambda data: bytes(b & 0x7F for b in data))


@given(SEPTETS.filter(lambda septets: not septets.endswith(b"\x00")), st.integers(0, 6))
def test_packing_round_trip(septets, fill_bits):
    packed = gsm7_pack(septets, fill_bits)
    assert len(packed) == (fill_bits + 7 * len(septets) + 7) // 8
    assert gsm7_unpack(packed, fill_bits) == septets


@settings(max_examples=150)
@given(
    st.text(alphabet=st.sampled_from(GSM_CHARS), max_size=153).filter(lambda t: not t.endswith("@")),
    st.text(max_size=67),
    st.integers(0, 0xFFFF),
    st.integers(1, 255).flatmap(lambda total: st.tuples(st.just(total), st.integers(1, total))),
)
def test_user_data_round_trip(gsm_text, any_text, reference, total_sequence):
    part = Concatenation(reference, *total_sequence)
    for text, alphabet, dcs in ((gsm_text, "GSM", 0), (any_text, "UCS2", 8)):
        try:
            ucs2_encode(text)
        except GsmCodecError:
            continue  # lone surrogates are not text
        for with_part in (part, None):
            octets = user_data_encode(text, alphabet, with_part)
            assert user_data_decode(octets, dcs, with_part is not None) == (text, with_part)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)), st.integers(-56, 56))
def test_time_stamp_round_trip(when, quarters):
    when = when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=15 * quarters)))
    assert parse_scts(format_scts(when)) == when


CMGR_LINES = st.lists(
    ANY_TEXT
    | st.sampled_from([
        f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04"',
        f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04",145,68,0,0,"",145,15',
        f'+CMGR: "REC UNREAD","{NUMBER_UCS2}",,"24/03/15,14:30:45+04",145,68,0,8,"",145,15',
        '+CMGL: 3,"REC UNREAD","+4791234567",,"24/03/15,14:30:45+04"',
        UDH_GSM, UDH_UCS2, ASE_UCS2, UDH_GSM[:9], "05000307", "0500", "FF",
    ]),
    max_size=5,
)


@settings(max_examples=300)
@given(CMGR_LINES, st.sampled_from(["GSM", "UCS2", "IRA"]))
def test_random_answers_give_messages_or_codec_errors(lines, charset):
    for call in (lambda: parse_cmgr(lines, charset), lambda: parse_cmgl(lines),
                 lambda: [parse_cmti(line) for line in lines], lambda: [parse_cpms(line) for line in lines],
                 lambda: [parse_scts(line) for line in lines]):
        try:
            call()
        except GsmCodecError:
            pass


def test_numbers_of_any_length_are_codec_errors():
    digits = "1" * 5000
    for call in (lambda: parse_cmgs(f"+CMGS: {digits}"), lambda: parse_cmti(f'+CMTI: "SM",{digits}'),
                 lambda: parse_cmgl([f'+CMGL: {digits},"REC READ","+47"']), lambda: parse_csq(f"+CSQ: {digits},0")):
        with pytest.raises(GsmCodecError, match="out of range"):
            call()


@settings(max_examples=300)
@given(st.binary(max_size=200), st.integers(0, 255), st.booleans())
def test_random_user_data_gives_text_or_codec_errors(octets, dcs, with_header):
    try:
        text, part = user_data_decode(octets, dcs, with_header)
    except GsmCodecError:
        return
    assert isinstance(text, str)
    assert part is None or 1 <= part.sequence <= part.total
