"""Reading a relative's answer to an alarm's SMS the way people write it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_app.sms_replies import Reply, read_reply, same_number, short_code


@pytest.mark.parametrize(("text", "reply"), [
    ("JA", Reply("yes", None)), ("ja!", Reply("yes", None)), ("  Ja   kommer ", Reply("yes", None)),
    ("Jepp, jeg drar nå", Reply("yes", None)), ("Yes", Reply("yes", None)), ("kjem", Reply("yes", None)),
    ("OK", Reply("yes", None)), ("ja t5", Reply("yes", "T5")), ("JA\nT5", Reply("yes", "T5")),
    ("NEI", Reply("no", None)), ("nei K4", Reply("no", "K4")), ("Kan ikke nå", Reply("no", None)),
    ("kan ikkje", Reply("no", None)), ("Kommer ikke", Reply("no", None)), ("no", Reply("no", None)),
    ("Hvem er dette?", Reply(None, None)), ("", Reply(None, None)),
])
def test_answers_in_bokmal_nynorsk_and_english_any_case_and_spacing(text, reply):
    assert read_reply(text) == reply


def test_a_number_written_three_ways_is_one_number():
    assert same_number("+47 912 34 567", "+4791234567") and same_number("004791234567", "91234567")
    assert not same_number("+4791234567", "+4691234567")


def test_short_codes_are_a_letter_and_a_digit_and_the_same_for_an_alarm():
    code = short_code("0d7b1c55-2a8e-4f0e-8f43-7c1d5e2b9a60")
    assert len(code) == 2 and code[0].isalpha() and code[1].isdigit()
    assert code == short_code("0d7b1c55-2a8e-4f0e-8f43-7c1d5e2b9a60")
    assert read_reply(f"ja {code.lower()}").code == code


@given(st.text(max_size=300))
def test_any_text_is_read_without_a_crash(text):
    reply = read_reply(text)
    assert reply.answer in ("yes", "no", None)
