"""Translations go through Qt's system: every string on screen has a finished bokmål
translation, the .ts compiles with lrelease, and the compiled file is used."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from hub_app.ui import i18n
from hub_app.ui.countdown_screen import RESIDENT_WORDS
from vocabulary import ALARM_KINDS

UI = Path(i18n.__file__).parent


def test_every_string_in_the_ui_has_a_finished_bokmal_translation(tmp_path):
    copy = tmp_path / "hub_nb.ts"
    shutil.copy(UI / "i18n" / "hub_nb.ts", copy)
    lupdate = Path(i18n.lrelease_command()[0]).with_name("lupdate")
    sources = sorted(str(p) for p in UI.glob("*.py"))
    result = subprocess.run([str(lupdate), "-locations", "none", "-no-obsolete", *sources, "-ts", str(copy)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    messages = list(ET.parse(copy).iter("message"))
    assert len(messages) > 40
    unfinished = [m.findtext("source") for m in messages
                  if m.find("translation").get("type") == "unfinished" or not (m.findtext("translation") or "").strip()]
    assert unfinished == [], "translate these in hub_app/ui/i18n/hub_nb.ts"
    # Placeholders survive translation, or .format() would fail on screen.
    for message in messages:
        source, translation = message.findtext("source"), message.findtext("translation")
        assert sorted(_placeholders(source)) == sorted(_placeholders(translation)), source


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\{[a-z_]+\}", text)


def test_ts_compiles_and_the_compiled_file_translates(qapp, tmp_path):
    qm = i18n.compiled("nb", cache_dir=tmp_path)
    assert qm.exists() and qm.stat().st_size > 100
    assert i18n.compiled("nb", cache_dir=tmp_path) == qm  # cached by content: not compiled twice
    installed = i18n.install(qapp, "nb")
    try:
        assert QCoreApplication.translate("HomeScreen", "Help") == "Hjelp"
        assert QCoreApplication.translate("HomeScreen", "Everything is working") == "Alt virker som det skal"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
    assert QCoreApplication.translate("HomeScreen", "Help") == "Help"


def test_english_needs_no_translation_file(qapp):
    assert i18n.install(qapp, "en") == []


def test_the_countdowns_words_for_each_alarm_kind_are_written_out_for_linguist_and_translated(qapp):
    """The catalogue gives the resident's words (vocabulary/alarm_kinds.py); the screen
    module writes the same words out for lupdate, and each has its bokmål."""
    words = {kind.resident for kind in ALARM_KINDS.values() if kind.resident}
    assert words == set(RESIDENT_WORDS)
    installed = i18n.install(qapp, "nb")
    try:
        for text in words:
            assert QCoreApplication.translate("CountdownScreen", text) != text, text
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


def test_nynorsk_and_north_sami_compile_and_translate(qapp, tmp_path):
    for language, help_word in (("nn", "Hjelp"), ("se", "Veahkki")):
        qm = i18n.compiled(language, cache_dir=tmp_path)
        assert qm.exists() and qm.stat().st_size > 100
        installed = i18n.install(qapp, language)
        try:
            assert QCoreApplication.translate("HomeScreen", "Help") == help_word
        finally:
            for translator in installed:
                qapp.removeTranslator(translator)
