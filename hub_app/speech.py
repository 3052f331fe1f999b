"""Speaking to the resident, where the hub has a speech engine.

eSpeak NG (the Debian package `espeak-ng`) speaks bokmål and English offline, needs
no network and no account, and starts in milliseconds. It has no nynorsk voice, so
nynorsk is read with the Norwegian (bokmål) voice, and no North Sámi voice, so in North
Sámi the hub shows its words and says nothing. Without eSpeak NG the hub only shows its
words. The technician's system page says which (`speech_status`). Each utterance runs as its own
process so the screen never waits for it; a new one stops the one still speaking, so
the resident hears the latest thing, not a queue.

`wave_dir`: write each utterance to a numbered WAV file there instead of playing it
(the offscreen demo keeps what the hub said next to its screenshots; tests listen).
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

log = logging.getLogger(__name__)

# The eSpeak NG voice for each language the hub speaks; "" where eSpeak NG has none.
VOICES = {"nb": "nb", "nn": "nb", "se": "", "en": "en"}
CHIME_TONES = ((659.25, 0.35), (523.25, 0.6))  # E5 then C5: a doorbell, soft at the ends


def chime_wave(path: Path, rate: int = 22050) -> Path:
    """Write the reminder chime (two soft tones) as a 16-bit mono WAV."""
    frames = bytearray()
    for frequency, seconds in CHIME_TONES:
        count = int(rate * seconds)
        for i in range(count):
            envelope = min(1.0, i / (0.02 * rate)) * (1 - i / count) ** 2  # no click in, a bell's fade out
            frames += struct.pack("<h", int(0.45 * 32767 * envelope * math.sin(2 * math.pi * frequency * i / rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path
# Per language: the voice's name for the technician, or why there is none. eSpeak NG has
# no nynorsk voice (the Norwegian one reads it well) and no North Sámi one at all.
SPEECH_NOTES = {
    "nb": "Norwegian voice (nb)",
    "nn": "Norwegian voice (nb)",
    "se": "no voice for North Sámi; the screen shows the words",
    "en": "English voice (en)",
}


def speech_status(language: str, engine: str) -> str:
    """The system page's line on speech: "speech: Norwegian voice (nb)" and the like."""
    if not engine:
        return "speech: none: the hub shows its words but cannot say them (install espeak-ng)"
    if not VOICES.get(language, "en"):
        return f"speech: {SPEECH_NOTES.get(language, 'no voice for this language; the screen shows the words')}"
    return f"speech: {Path(engine).name}, {SPEECH_NOTES.get(language, VOICES.get(language, 'en'))}"


WORDS_PER_MINUTE = 140  # slower than the default 175: clearer for older ears


class Speaker:
    def __init__(self, language: str, *, wave_dir: Path | None = None, engine: str | None = None) -> None:
        self.language = language
        self.voice = VOICES.get(language, "en")
        self.engine = engine if engine is not None else (shutil.which("espeak-ng") or "")
        self._wave_dir = wave_dir
        self._count = 0
        self._speaking: subprocess.Popen[bytes] | None = None

    @property
    def available(self) -> bool:
        return bool(self.engine) and bool(self.voice)

    @property
    def status(self) -> str:
        """What the technician's page says of speech, in plain words."""
        return speech_status(self.language, self.engine)

    def say(self, text: str) -> Path | None:
        """Start speaking `text` (never waits). Returns the WAV file when writing them."""
        if not self.available or not text.strip():
            return None
        self.stop()
        command = [self.engine, "-v", self.voice, "-s", str(WORDS_PER_MINUTE)]
        wave: Path | None = None
        if self._wave_dir is not None:
            self._count += 1
            self._wave_dir.mkdir(parents=True, exist_ok=True)
            wave = self._wave_dir / f"speech-{self._count:02d}.wav"
            command += ["-w", str(wave)]
        try:
            # The text goes on stdin, not the command line: it may hold a reading, and
            # a command line is visible to every user of the machine in `ps`.
            self._speaking = subprocess.Popen([*command, "--stdin"], stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert self._speaking.stdin is not None
            self._speaking.stdin.write(text.encode("utf-8"))
            self._speaking.stdin.close()
        except OSError as exc:
            log.warning("Speech is not available: %s", exc)
            self.engine = ""
            return None
        return wave

    def chime(self) -> Path | None:
        """The reminder chime, before the words (played with aplay from alsa-utils)."""
        if self._wave_dir is not None:
            self._count += 1
            self._wave_dir.mkdir(parents=True, exist_ok=True)
            return chime_wave(self._wave_dir / f"chime-{self._count:02d}.wav")
        player = shutil.which("aplay")
        if not player:
            return None
        path = chime_wave(Path(tempfile.gettempdir()) / "welfare-hub-chime.wav")
        try:
            subprocess.Popen([player, "-q", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            log.warning("The chime could not be played: %s", exc)
        return path

    def wait(self, timeout: float = 10.0) -> None:
        if self._speaking is not None:
            self._speaking.wait(timeout)

    def stop(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
            self._speaking.wait(2)
        self._speaking = None
