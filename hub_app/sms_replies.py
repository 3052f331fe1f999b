"""What a relative or neighbour answers to an alarm's SMS, read the way people write:
"JA", "ja!", " Ja  kommer", "yes", "JUO", "JA 4K" (with the alarm's short code when they
were sent more than one), "NEI", "kan ikkje", "II". Any language's words count, whatever the
resident's: a son in Oslo may answer in bokmål to a North Sámi SMS. Pure functions: no
store, no modem."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# The forms people send from a phone, per language: one word, or two ("kan ikke").
# `not`: the words that turn a yes after them into a no ("kommer ikke").
REPLY_WORDS: dict[str, dict[str, frozenset[str]]] = {
    "nb": {"yes": frozenset({"ja", "jada", "jepp", "jo", "j", "ok", "okei", "kommer", "drar", "reiser"}),
           "no": frozenset({"nei", "n", "ikke", "kan ikke"}),
           "not": frozenset({"ikke"})},
    "nn": {"yes": frozenset({"ja", "jau", "jo", "j", "ok", "okei", "kjem", "kjem no", "dreg", "reiser"}),
           "no": frozenset({"nei", "n", "ikkje", "kan ikkje"}),
           "not": frozenset({"ikkje"})},
    # North Sámi: juo (yes), boađán (I come), vuolggán (I set off); ii (no), in sáhte (I cannot),
    # in boađe (I do not come): the negation comes first, so nothing turns a yes after it.
    # "in" alone is left out: it is an English word too ("yes, in 10 min").
    "se": {"yes": frozenset({"juo", "jua", "boađán", "boadan", "vuolggán", "vuolggan"}),
           "no": frozenset({"ii", "in sáhte", "in sahte", "ii sáhte", "ii sahte", "in boađe", "in boade"}),
           "not": frozenset()},
    "en": {"yes": frozenset({"yes", "y", "yep", "ok", "okay", "coming", "going"}),
           "no": frozenset({"no", "nope", "cannot", "can't", "cant"}),
           "not": frozenset({"not"})},
}
YES = frozenset().union(*(words["yes"] for words in REPLY_WORDS.values()))
NO = frozenset().union(*(words["no"] for words in REPLY_WORDS.values()))
NOT = frozenset().union(*(words["not"] for words in REPLY_WORDS.values()))
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
    words = re.findall(r"[a-zæøåáčđŋšŧž0-9']+", text.casefold())
    code = next((w.upper() for w in words if CODE.match(w)), None)
    answer = None
    for index, word in enumerate(words):
        pair = " ".join(words[index:index + 2])
        if pair in NO or word in NO:
            answer = "no"
            break
        if pair in YES or word in YES:
            following = words[index + 1] if index + 1 < len(words) else ""
            answer = "no" if following in NOT else "yes"  # "kommer ikke"
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
