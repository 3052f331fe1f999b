"""How the nurse's pages say times and values, in the nurse's language and local time
(Europe/Oslo): "i dag 08:02", "12 min siden", "36,5", "121/81 mmHg"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from care_service.console import charts, i18n
from care_service.console import resident_view as rv
from care_service.console import resident_words  # noqa: F401  (the res.* words Say speaks)

DECIMALS = {"temperature": 1, "weight": 1, "glucose": 1}  # the others are whole numbers


class Say:
    """Times and values in the nurse's language (local time, Europe/Oslo)."""

    def __init__(self, lang: str, now: datetime) -> None:
        self.lang, self.now = lang, now
        self.today = now.astimezone(rv.ZONE).date()

    def t(self, key: str, **values: Any) -> str:
        words = i18n.text(self.lang, key)
        return words.format(**values) if values else words

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return self.t("res.never")
        local = moment.astimezone(rv.ZONE)
        days = (self.today - local.date()).days
        day = (self.t("res.today") if days == 0 else self.t("res.yesterday") if days == 1
               else charts.day_label(local.date(), self.lang))
        return f"{day} {local:%H:%M}"

    def day(self, day) -> str:
        """"man 23.11." / "Mon 23 Nov"; today and yesterday by name."""
        days = (self.today - day).days
        if days in (0, 1):
            return self.t("res.today" if days == 0 else "res.yesterday")
        return f"{self.t('res.day.' + rv.WEEKDAYS[day.weekday()])} {charts.day_label(day, self.lang)}"

    def ago(self, moment: datetime | None) -> str:
        if moment is None:
            return self.t("res.never")
        minutes = int((self.now - moment).total_seconds() // 60)
        if minutes < 1:
            return self.t("res.now")
        if minutes < 120:
            return self.t("res.ago_min", n=minutes)
        if minutes < 48 * 60:
            return self.t("res.ago_h", n=minutes // 60)
        return self.t("res.ago_d", n=minutes // (24 * 60))

    def value(self, measure: str, value: float) -> str:
        return charts.number(value, self.lang, DECIMALS.get(measure, 0), fixed=True)

    def date(self, text: str) -> str:
        """A recorded date ("2026-11-01") the local way ("1.11.2026" / "1 Nov 2026"); other text as it is."""
        try:
            day = datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
        except ValueError:
            return text
        return f"{charts.day_label(day, self.lang)}{'' if self.lang == 'nb' else ' '}{day.year}"

    def reading(self, values: dict[str, float]) -> str:
        if "systolic" in values and "diastolic" in values:
            return f"{self.value('systolic', values['systolic'])}/{self.value('diastolic', values['diastolic'])} mmHg"
        return ", ".join(f"{self.value(m, v)} {rv.UNITS[m]}" for m, v in values.items())

    def alarm_kind(self, kind: str) -> str:
        return self.known(f"kind.{kind}", kind.replace("_", " "))

    def known(self, key: str, fallback: str) -> str:
        """The words for `key` if the console has them, else `fallback` as it came."""
        return self.t(key) if key in i18n.catalogue(self.lang) else fallback

    def days(self, days: list[str]) -> str:
        if len(days) == 7:
            return self.t("res.every_day")
        return ", ".join(self.t(f"res.day.{d}") for d in days)
