"""Every language the hub offers has every string: each source string of hub_nb.ts is in
hub_nn.ts and hub_se.ts with a finished translation that keeps its {placeholders}.
(tests/ui/test_translations.py checks that hub_nb.ts itself matches the screens.)"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hub_app.config import LANGUAGES

I18N = Path(__file__).resolve().parents[2] / "hub_app" / "ui" / "i18n"
TRANSLATED = [language for language in LANGUAGES if language not in ("nb", "en")]


def _messages(language: str) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(I18N / f"hub_{language}.ts")
    return {(context.findtext("name"), message.findtext("source")): message
            for context in tree.iter("context") for message in context.iter("message")}


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[a-z_]+\}", text))


def test_each_language_but_english_has_its_file():
    # English is the source language: it needs no file.
    assert {path.stem.removeprefix("hub_") for path in I18N.glob("hub_*.ts")} == {"nb", *TRANSLATED}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_bokmal_string_is_translated_in(language):
    bokmal, other = _messages("nb"), _messages(language)
    missing = sorted(key for key in bokmal if key not in other)
    assert missing == [], f"run lupdate for hub_{language}.ts and translate these"
    unfinished = sorted(key for key, message in other.items()
                        if message.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
                        or not (message.findtext("translation") or "").strip())
    assert unfinished == [], f"translate these in hub_app/ui/i18n/hub_{language}.ts"
    for (context, source), message in other.items():
        assert _placeholders(source) == _placeholders(message.findtext("translation")), (context, source)
        assert source.count("\n") == message.findtext("translation").count("\n"), (context, source)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_file_says_its_language(language):
    assert ET.parse(I18N / f"hub_{language}.ts").getroot().get("language") == f"{language}_NO"
