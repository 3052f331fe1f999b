"""The alarm SMS and the answers to it in each of the resident's languages: bokmål,
nynorsk, North Sámi and English, kept as tables (vocabulary/alarm_kinds.py, hub_app/sms_replies.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from hub_app.config import LANGUAGES
from hub_app.sms_replies import REPLY_WORDS, Reply, read_reply
from vocabulary.alarm_kinds import ALARM_KINDS, SMS_SENTENCES, SMS_WORDS, alarm_sms, sms_not_understood, sms_thanks

AT = datetime(2026, 3, 2, 14, 42)


def test_every_language_has_the_words_for_every_kind_the_hub_texts_about():
    texted = {kind.name for kind in ALARM_KINDS.values() if kind.sms} | {""}
    assert set(SMS_WORDS) == set(SMS_SENTENCES) == set(REPLY_WORDS) == set(LANGUAGES)
    for language in LANGUAGES:
        assert set(SMS_WORDS[language]) == texted, language
        assert set(SMS_SENTENCES[language]) == set(SMS_SENTENCES["nb"]), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_sms_names_the_resident_the_time_and_the_code_and_leaves_no_placeholder(language):
    for kind in [*ALARM_KINDS, "from_a_newer_hub"]:
        for text in (alarm_sms(kind, "Kari", AT, "K4", language), alarm_sms(kind, "Kari", AT, language=language)):
            assert "Kari" in text and "14:42" in text and "{" not in text, text
    assert "K4" in alarm_sms("fall", "Kari", AT, "K4", language)
    yes = SMS_SENTENCES[language]["yes"]
    assert f"{yes} K4" in sms_not_understood("Kari", ("K4", "M2"), language)
    assert "{" not in sms_not_understood("Kari", (), language) + sms_thanks("Ola", "Kari", language)


def test_the_sms_is_in_the_residents_language():
    assert alarm_sms("fall", "Kari", AT, "K4", "nn").startswith("Tryggleiksalarm: Kari kan ha falle (kl. 14:42). Svar JA K4 om")
    assert "Vástit JUO K4" in alarm_sms("fall", "Kari", AT, "K4", "se")
    assert alarm_sms("fall", "Kari", AT, language="en").startswith("Safety alarm: Kari may have fallen (at 14:42).")
    assert alarm_sms("fall", "Kari", AT) == alarm_sms("fall", "Kari", AT, language="nb")


@pytest.mark.parametrize(("text", "answer"), [
    ("JUO", "yes"), ("juo K4", "yes"), ("Boađán dál", "yes"), ("II", "no"), ("in sáhte", "no"), ("In boađe", "no"),
    ("Kjem no", "yes"), ("Eg kjem", "yes"), ("Kan ikkje", "no"),
    ("Yes, in 10 min", "yes"), ("Coming", "yes"), ("can't", "no"), ("NO K4", "no"),
])
def test_answers_in_each_language(text, answer):
    assert read_reply(text).answer == answer


def test_the_word_asked_for_in_each_language_is_read_back():
    for language in LANGUAGES:
        sentences = SMS_SENTENCES[language]
        assert read_reply(f"{sentences['yes']} K4") == Reply("yes", "K4"), language
        assert read_reply(f"{sentences['no']} K4") == Reply("no", "K4"), language
        # The words asked for are written in the SMS itself.
        assert re.search(rf"\b{sentences['yes']}\b", alarm_sms("fall", "Kari", AT, "K4", language))


def test_the_video_call_invitation_and_the_test_sms_in_each_language():
    from hub_app.call_desk import INVITATIONS, invitation_text
    from hub_app.serial_devices import TEST_SMS_TEXTS, test_sms_text

    assert set(INVITATIONS) == set(TEST_SMS_TEXTS) == set(LANGUAGES)
    for language in LANGUAGES:
        text = invitation_text(language, "Kari", "https://x.example/r/1")
        assert text.startswith("Kari ") and text.endswith("https://x.example/r/1"), text
        assert "{" not in invitation_text(language, "", "https://x.example/r/1")
        assert TEST_SMS_TEXTS["en"] in test_sms_text(language)
    assert invitation_text("nn", "", "L") == "Din pårørande vil gjerne ha ein videosamtale med deg. Opne: L"
    assert "ŋ" in test_sms_text("se") and test_sms_text("nb").startswith("Test fra velferdshuben")
