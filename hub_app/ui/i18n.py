"""Translations through Qt's own system: `.ts` sources in the repository, compiled to
`.qm` with lrelease the first time a language is used (then cached by content hash).

The source strings are English; Norwegian bokmål comes from hub_nb.ts, nynorsk from
hub_nn.ts and North Sámi from hub_se.ts.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from pathlib import Path

import platformdirs
import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)
TS_DIR = Path(__file__).parent / "i18n"
LOCALES = {"nb": QLocale(QLocale.Language.NorwegianBokmal, QLocale.Country.Norway),
           "nn": QLocale(QLocale.Language.NorwegianNynorsk, QLocale.Country.Norway),
           "se": QLocale(QLocale.Language.NorthernSami, QLocale.Country.Norway),
           "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)}


# Weekday, day and month: what a resident orients by, short enough for one line.
DATE_FORMATS = {"nb": "dddd d. MMMM", "nn": "dddd d. MMMM", "se": "dddd d. MMMM", "en": "dddd d MMMM"}


class TranslationError(RuntimeError):
    pass


def locale_for(language: str) -> QLocale:
    return LOCALES[language]


def lrelease_command() -> list[str]:
    bundled = Path(PySide6.__file__).parent / "lrelease"
    if bundled.exists():
        return [str(bundled)]
    wrapper = shutil.which("pyside6-lrelease")
    if wrapper:
        return [wrapper]
    raise TranslationError("lrelease was not found (it ships with PySide6)")


def compiled(language: str, cache_dir: Path | None = None) -> Path:
    """The .qm file for `language`, compiled from its .ts now if not cached yet."""
    source = TS_DIR / f"hub_{language}.ts"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    cache = cache_dir or Path(platformdirs.user_cache_dir("welfare-hub", appauthor=False)) / "i18n"
    target = cache / f"hub_{language}-{digest}.qm"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial.qm")
        result = subprocess.run(
            [*lrelease_command(), "-silent", str(source), "-qm", str(partial)],
            capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0 or not partial.exists():
            raise TranslationError(f"lrelease failed on {source}: {result.stderr.strip() or result.stdout.strip()}")
        partial.replace(target)
        log.info("Compiled translations %s", target.name)
    return target


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install our translations and Qt's own for `language`; keep the result alive."""
    QLocale.setDefault(locale_for(language))
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    ours = QTranslator(app)
    if not ours.load(str(compiled(language))):
        raise TranslationError(f"could not load the compiled translations for {language!r}")
    app.installTranslator(ours)
    installed.append(ours)
    qt_own = QTranslator(app)
    if qt_own.load(locale_for(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    return installed
