"""What a relative or neighbour answers to an alarm's SMS, read the way people write:
"JA", "ja!", " Ja  kommer", "yes", "JA 4K" (with the alarm's short code when they were
sent more than one), "NEI", "kan ikkje". Pure functions: no store, no modem."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# Bokmål, nynorsk and English, the forms people send from a phone.
YES = {"ja", "jada", "jepp", "jo", "j", "yes", "y", "ok", "okei", "kommer", "kjem", "drar", "reiser"}
NO = {"nei", "n", "no", "nope", "ikke", "ikkje", "kan ikke", "kan ikkje", "cannot", "can't"}
# A short code: a letter and a digit, never letters people write in an answer.
CODE_LETTERS = "ACDEFHKLMPRTUVWXY"
CODE = re.compile(r"^[a-z][0-9]$")


@dataclass(frozen=True)
class Reply:
    answer: str | None  # "yes", "no", or None when neither could be read
    code: str | None  # the alarm's short code, when one was given


def short_code(alarm_uid: str) -> str:
    """A letter and a digit that name an alarm in an SMS ("4K" reads badly: "K4")."""
    digest = hashlib.sha256(alarm_uid.encode()).digest()
    return f"{CODE_LETTERS[digest[0] % len(CODE_LETTERS)]}{digest[1] % 10}"


def read_reply(text: str) -> Reply:
    """The answer and code in an SMS; the first yes or no word counts."""
    words = re.findall(r"[a-zæøå0-9']+", text.casefold())
    code = next((w.upper() for w in words if CODE.match(w)), None)
    answer = None
    for index, word in enumerate(words):
        pair = " ".join(words[index:index + 2])
        if pair in NO or word in NO:
            answer = "no"
            break
        if word in YES:
            following = words[index + 1] if index + 1 < len(words) else ""
            answer = "no" if following in ("ikke", "ikkje", "not") else "yes"  # "kommer ikke"
            break
    return Reply(answer, code)


def same_number(a: str, b: str) -> bool:
    """Two ways of writing one Norwegian (or other) number: +47 91234567, 004791234567, 91234567."""
    return _digits(a) == _digits(b)


def _digits(number: str) -> str:
    digits = re.sub(r"[^0-9+]", "", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+") and len(digits) == 8:  # a Norwegian number without its country code
        digits = "+47" + digits
    return digits
