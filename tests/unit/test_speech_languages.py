"""Speech in each of the hub's languages: nynorsk is read with the Norwegian voice; North
Sámi has no eSpeak NG voice, so the hub says nothing and the technician's page says why."""

from __future__ import annotations

from hub_app.config import LANGUAGES
from hub_app.speech import VOICES, Speaker
from hub_app.speech import speech_status


def test_every_language_has_a_voice_entry():
    assert set(VOICES) == set(LANGUAGES)


def test_nynorsk_is_read_with_the_norwegian_voice():
    speaker = Speaker("nn", engine="/usr/bin/espeak-ng")
    assert speaker.voice == "nb" and speaker.available
    assert "Norwegian voice (nb)" in speaker.status


def test_north_sami_shows_the_words_and_says_nothing(tmp_path):
    speaker = Speaker("se", wave_dir=tmp_path, engine="/usr/bin/espeak-ng")
    assert not speaker.available
    assert speaker.say("Buorre iđit") is None
    assert list(tmp_path.iterdir()) == []
    assert speech_status("se", "/usr/bin/espeak-ng") == "speech: no voice for North Sámi; the screen shows the words"


def test_without_espeak_the_page_says_so_in_any_language():
    for language in LANGUAGES:
        assert "install espeak-ng" in speech_status(language, "")
