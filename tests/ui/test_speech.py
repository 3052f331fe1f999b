"""The hub speaks through eSpeak NG (installed by ./dev); tests listen to WAV files."""

from __future__ import annotations

import wave

from hub_app.speech import Speaker


def seconds(path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_an_utterance_is_spoken_in_the_residents_language(tmp_path):
    norwegian = Speaker("nb", wave_dir=tmp_path / "nb")
    assert norwegian.available and norwegian.voice == "nb"
    path = norwegian.say("Blodtrykket ditt er 128 over 82. Det er fint.")
    norwegian.wait()
    assert path is not None and 1.5 < seconds(path) < 15


def test_each_utterance_is_its_own_file_and_empty_text_says_nothing(tmp_path):
    speaker = Speaker("en", wave_dir=tmp_path)
    first = speaker.say("Put on the cuff.")
    speaker.wait()
    assert speaker.say("   ") is None
    second = speaker.say("Press the button on the monitor.")
    speaker.wait()
    assert first != second and seconds(first) > 0.5 and seconds(second) > 0.5


def test_a_new_utterance_cuts_the_old_one_short(tmp_path):
    speaker = Speaker("en", wave_dir=tmp_path)
    speaker.say("one two three four five six seven eight nine ten " * 40)
    long_one = speaker._speaking
    speaker.say("Stop.")
    speaker.wait()
    assert long_one.returncode is not None  # ended (terminated), not left running


def test_without_an_engine_the_hub_only_shows_its_words(tmp_path):
    speaker = Speaker("nb", wave_dir=tmp_path, engine="")
    assert not speaker.available
    assert speaker.say("Hei") is None
    assert not list(tmp_path.iterdir())


def test_a_broken_engine_is_given_up_not_crashed_on(tmp_path):
    speaker = Speaker("nb", engine=str(tmp_path / "no-such-program"))
    assert speaker.say("Hei") is None
    assert not speaker.available


def test_the_system_page_says_when_the_hub_cannot_speak(qapp):
    from hub_app.ui.technician_screens import SystemScreen
    from hub_app.ui.theme import Theme

    page = SystemScreen(Theme.for_screen(False, 96))
    page.show_speech("", "nb")
    assert page.values["speech"].text().startswith("none: the hub shows its words but cannot say them")


def test_the_chime_is_two_soft_tones(tmp_path):
    speaker = Speaker("nb", wave_dir=tmp_path)
    path = speaker.chime()
    assert 0.9 < seconds(path) < 1.0
    with wave.open(str(path)) as audio:
        samples = audio.readframes(audio.getnframes())
    import array

    values = array.array("h", samples)
    assert abs(values[0]) < 200 and abs(values[-1]) < 200  # no click at either end
    assert max(values) > 10000  # loud enough to hear across a room
