"""The console's words in Norwegian (bokmål, the default) and English. Each page module
adds its own texts with `add`; a template asks with `t("key")`, and a key that is
missing in either language is an error at start-up, not a blank on a nurse's screen."""

from __future__ import annotations

from aiohttp import web

LANGUAGES = ("nb", "en")
_TEXTS: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}


def add(texts: dict[str, tuple[str, str]]) -> None:
    """`{"key": ("norsk", "English")}`."""
    for key, (nb, en) in texts.items():
        if key in _TEXTS["nb"]:
            raise ValueError(f"the console text {key!r} is defined twice")
        _TEXTS["nb"][key], _TEXTS["en"][key] = nb, en


def text(lang: str, key: str) -> str:
    return _TEXTS[lang][key]


def catalogue(lang: str) -> dict[str, str]:
    return dict(_TEXTS[lang])


def language_of(request: web.Request) -> str:
    """`?lang=` (remembered in a cookie), else the cookie, else the browser's first
    choice of ours, else Norwegian."""
    for choice in (request.query.get("lang"), request.cookies.get("lang")):
        if choice in LANGUAGES:
            return choice
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in ("nb", "no", "nn"):
            return "nb"
        if code == "en":
            return "en"
    return "nb"


add({
    "app_name": ("Hjemmetjenestens vaktrom", "Home-care console"),
    "alarms": ("Alarmer", "Alarms"),
    "residents": ("Brukere", "Residents"),
    "log_in": ("Logg inn", "Log in"),
    "log_out": ("Logg ut", "Log out"),
    "username": ("Brukernavn", "User name"),
    "password": ("Passord", "Password"),
    "login_refused": ("Feil brukernavn eller passord.", "Wrong user name or password."),
    "locked_out": ("For mange forsøk. Prøv igjen etter {time}.", "Too many attempts. Try again after {time}."),
    "session_over": ("Økten er over. Logg inn igjen.", "Your session has ended. Log in again."),
    "form_expired": ("Skjemaet var utløpt. Prøv igjen.", "The form had expired. Try again."),
    "language": ("English", "Norsk"),
    "signed_in_as": ("Innlogget: {name}", "Signed in: {name}"),
})
