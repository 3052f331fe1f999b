"""The nurse's pages about residents: the list, one resident's page (charts of the
last 7 or 30 days, doses, what happened, devices, video calls, the care plan), the
care-plan editor, scheduling a video check-in, and a short message to the resident's
screen (calling and inviting are call_pages.py's).

Every page works without JavaScript; every form posts with the session's CSRF token
and is answered with a redirect back (303), or, when something is wrong, with the
same page showing each problem next to its field and what the nurse typed.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

from aiohttp import web

from care_service import changes
from care_service.console import call_pages, charts, i18n
from care_service.console import plan_form as pf
from care_service.console import resident_view as rv
from care_service.console.web import DESK_KEY, render, session_of
from vocabulary import PERSON_ALARM_KINDS

log = logging.getLogger(__name__)

MEASURE_WORDS = {
    "blood_pressure": ("Blodtrykk", "Blood pressure"), "systolic": ("Systolisk (øvre)", "Systolic"),
    "diastolic": ("Diastolisk (nedre)", "Diastolic"), "pulse": ("Puls", "Pulse"),
    "spo2": ("Oksygenmetning", "Oxygen saturation"), "temperature": ("Temperatur", "Temperature"),
    "weight": ("Vekt", "Weight"), "glucose": ("Blodsukker", "Blood sugar"),
}
i18n.add({f"res.m.{m}": words for m, words in MEASURE_WORDS.items()})
i18n.add({f"res.kind.{k}": words for k, words in {
    "blood_pressure": ("Blodtrykk", "Blood pressure"), "oximeter": ("Oksygenmetning", "Oxygen saturation"),
    "thermometer": ("Temperatur", "Temperature"), "scale": ("Vekt", "Weight"), "glucose": ("Blodsukker", "Blood sugar"),
}.items()})
i18n.add({f"res.day.{d}": words for d, words in zip(rv.WEEKDAYS, (
    ("man", "Mon"), ("tir", "Tue"), ("ons", "Wed"), ("tor", "Thu"), ("fre", "Fri"), ("lør", "Sat"), ("søn", "Sun")))})
i18n.add({f"res.consent.{f}": words for f, words in {
    "vital_sign_sharing": ("Målinger deles med hjemmetjenesten", "Readings shared with home care"),
    "bed_and_inactivity_monitoring": ("Varsel om seng og inaktivitet", "Bed and inactivity alarms"),
    "auto_answer_calls": ("Videosamtaler besvares automatisk", "Video calls answered automatically"),
    "relatives_told": ("Pårørende varsles ved alarm", "Relatives told of alarms"),
}.items()})
# The device kinds and problems a hub's heartbeat tells (hub_app/device_report.py);
# anything else is shown as the hub said it.
i18n.add({f"res.device.{k}": words for k, words in {
    "dispenser": ("Medisindispenser", "Medicine dispenser"), "sensor_receiver": ("Sensormottaker", "Sensor receiver"),
    "gsm_modem": ("Mobilmodem", "Mobile modem"), "sensor_fall": ("Fallsensor", "Fall sensor"),
    "sensor_help": ("Alarmknapp", "Help pendant"), "sensor_bed": ("Sengesensor", "Bed sensor"),
    "sensor_door": ("Dørsensor", "Door sensor"), "ble_blood_pressure": ("Blodtrykksmåler", "Blood pressure monitor"),
    "ble_pulse": ("Pulsmåler", "Pulse sensor"), "ble_oximeter": ("Pulsoksymeter", "Pulse oximeter"),
    "ble_thermometer": ("Termometer", "Thermometer"), "ble_scale": ("Vekt", "Scale"),
    "ble_glucose": ("Blodsukkermåler", "Glucose meter"),
    "problem.silent": ("svarer ikke", "silent"), "problem.battery low": ("lavt batteri", "battery low"),
}.items()})
i18n.add({
    "res.title": ("Brukere", "Residents"),
    "res.name": ("Navn", "Name"),
    "res.open_alarms": ("Åpne alarmer", "Open alarms"),
    "res.last_heard": ("Sist hørt fra", "Last heard from"),
    "res.never": ("aldri", "never"),
    "res.none": ("Ingen brukere ennå.", "No residents yet."),
    "res.now": ("nå", "now"),
    "res.ago_min": ("{n} min siden", "{n} min ago"),
    "res.ago_h": ("{n} t siden", "{n} h ago"),
    "res.ago_d": ("{n} d siden", "{n} d ago"),
    "res.today": ("i dag", "today"),
    "res.yesterday": ("i går", "yesterday"),
    "res.escalated": ("eskalert", "escalated"),
    "res.hub_heard": ("Huben sist hørt fra: {when}", "Hub last heard from: {when}"),
    "res.alarms_waiting": ("Alarmer som venter", "Alarms waiting"),
    "res.to_alarms": ("Til alarmlisten", "To the alarm list"),
    "res.readings": ("Målinger", "Readings"),
    "res.days": ("{n} dager", "{n} days"),
    "res.period": ("Periode", "Period"),
    "res.no_readings": ("Ingen målinger de siste {n} dagene.", "No readings in the last {n} days."),
    "res.latest": ("Siste: {value}", "Latest: {value}"),
    "res.legend_green": ("innenfor grensene", "within limits"),
    "res.legend_yellow": ("litt utenfor", "a little outside"),
    "res.legend_red": ("langt utenfor", "far outside"),
    "res.legend_band": ("skravert: grønt område; stiplet: gule grenser",
                        "shaded: green range; dashed: yellow limits"),
    "res.doses": ("Medisiner", "Medicines"),
    "res.adherence": ("{percent} % av dosene tatt ({taken} av {total})",
                      "{percent} % of doses taken ({taken} of {total})"),
    "res.no_doses": ("Ingen doser registrert de siste {n} dagene.", "No doses recorded in the last {n} days."),
    "res.day_doses": ("{taken} av {total}", "{taken} of {total}"),
    "res.day_none": ("ingen", "none"),
    "res.timeline": ("Hva har skjedd", "What happened"),
    "res.nothing": ("Ingenting registrert de siste {n} dagene.", "Nothing recorded in the last {n} days."),
    "res.dose_taken": ("Medisin tatt", "Medicine taken"),
    "res.alarm": ("Alarm", "Alarm"),
    "res.state_open": ("ny", "new"),
    "res.state_acknowledged": ("tatt av {name}", "taken by {name}"),
    "res.state_resolved": ("løst av {name}", "resolved by {name}"),
    "res.devices": ("Utstyr", "Devices"),
    "res.no_devices": ("Huben har ikke meldt noe utstyr ennå.", "The hub has not told of any devices yet."),
    "res.device": ("Utstyr", "Device"),
    "res.battery": ("Batteri", "Battery"),
    "res.last_contact": ("Sist kontakt", "Last contact"),
    "res.connection": ("Tilkobling", "Connection"),
    "res.connected": ("tilkoblet", "connected"),
    "res.not_connected": ("ikke tilkoblet", "not connected"),
    "res.problem": ("Problem", "Problem"),
    "res.message": ("Melding til brukerens skjerm", "Message to the resident's screen"),
    "res.message_hint": ("Kort og enkelt, høyst {n} tegn. Vises på huben.",
                         "Short and plain, at most {n} characters. Shown on the hub."),
    "res.send": ("Send melding", "Send message"),
    "res.sent": ("Meldingen er sendt til huben.", "The message has been sent to the hub."),
    "res.p.message_empty": ("Skriv en melding først.", "Write a message first."),
    "res.p.message_long": ("Meldingen er {length} tegn; høyst {n} går.",
                           "The message is {length} characters; at most {n} fit."),
    "res.plan": ("Pleieplan", "Care plan"),
    "res.plan_version": ("Versjon {version}", "Version {version}"),
    "res.no_plan": ("Ingen pleieplan ennå.", "No care plan yet."),
    "res.edit_plan": ("Endre pleieplan", "Edit care plan"),
    "res.schedule_check_in": ("Planlegg videosamtale", "Schedule a video check-in"),
    "res.medicines": ("Medisiner", "Medicines"),
    "res.measurements": ("Målinger", "Measurements"),
    "res.check_ins": ("Videosamtaler", "Video check-ins"),
    "res.contacts": ("Kontakter (i rekkefølge)", "Contacts (in order)"),
    "res.limits": ("Grenser", "Limits"),
    "res.consent": ("Samtykke", "Consent"),
    "res.green": ("Grønt", "Green"),
    "res.yellow": ("Gult", "Yellow"),
    "res.own_limits": ("egne", "own"),
    "res.default_limits": ("standard", "default"),
    "res.window": ("{n} min vindu", "{n} min window"),
    "res.compartment": ("rom {n}", "compartment {n}"),
    "res.every_day": ("hver dag", "every day"),
    "res.sms_yes": ("varsles på SMS", "told by SMS"),
    "res.sms_no": ("ikke SMS", "no SMS"),
    "res.calls_yes": ("videosamtaler", "video calls"),
    "res.given": ("Ja", "Yes"),
    "res.not_given": ("Nei", "No"),
    "res.not_recorded": ("Ikke registrert", "Not recorded"),
    "res.recorded": ("registrert av {by}, {at}", "recorded by {by}, {at}"),
    "res.none_listed": ("Ingen.", "None."),
    "res.unknown": ("Ukjent bruker.", "Unknown resident."),
})
i18n.add({
    "plan.title": ("Pleieplan: {name}", "Care plan: {name}"),
    "plan.back": ("Tilbake til {name}", "Back to {name}"),
    "plan.version": ("Versjon {version} i bruk. Lagring gir versjon {next}.",
                     "Version {version} in force. Saving makes version {next}."),
    "plan.saved": ("Lagret som versjon {version}. Huben henter den nå.",
                   "Saved as version {version}. The hub is fetching it now."),
    "plan.scheduled": ("Videosamtalen er lagt inn (versjon {version}).",
                       "The video check-in is scheduled (version {version})."),
    "plan.problems": ("{n} ting må rettes. Ingenting er lagret.", "{n} things to fix. Nothing has been saved."),
    "plan.medicines": ("Medisiner", "Medicines"),
    "plan.no_medicines": ("Planen har ingen medisiner.", "The plan has no medicines."),
    "plan.times": ("Tider (tt:mm, skill med komma)", "Times (hh:mm, separated by commas)"),
    "plan.window": ("Vindu (minutter)", "Window (minutes)"),
    "plan.limits": ("Grenser for målinger", "Limits for readings"),
    "plan.limits_hint": ("Grønt må ligge innenfor gult. Tøm alle fire for å bruke standard.",
                         "Green must lie inside yellow. Empty all four to use the default."),
    "plan.green_low": ("Grønt fra", "Green from"),
    "plan.green_high": ("Grønt til", "Green to"),
    "plan.yellow_low": ("Gult fra", "Yellow from"),
    "plan.yellow_high": ("Gult til", "Yellow to"),
    "plan.contacts": ("Kontakter", "Contacts"),
    "plan.contact_new": ("Ny kontakt", "New contact"),
    "plan.contact_n": ("Kontakt {n}", "Contact {n}"),
    "plan.order": ("Rekkefølge", "Order"),
    "plan.name": ("Navn", "Name"),
    "plan.relation": ("Relasjon", "Relation"),
    "plan.phone": ("Telefon (med landskode)", "Phone (with country code)"),
    "plan.sms_consent": ("Har sagt ja til SMS ved alarm", "Agreed to SMS on alarms"),
    "plan.calls_consent": ("Brukeren har sagt ja til videosamtaler med denne", "The resident agreed to video calls with them"),
    "plan.first_for": ("Spørres først ved", "Asked first for"),
    "plan.remove": ("Fjern", "Remove"),
    "plan.consent": ("Samtykke", "Consent"),
    "plan.consent_hint": ("En endring registreres på deg, med dagens dato.",
                          "A change is recorded in your name, with today's date."),
    "plan.check_ins": ("Videosamtaler", "Video check-ins"),
    "plan.remove_check_in": ("Fjern denne", "Remove this one"),
    "plan.save": ("Lagre ny versjon", "Save new version"),
    "plan.cancel": ("Avbryt", "Cancel"),
    "plan.add_check_in": ("Ny videosamtale", "New video check-in"),
    "plan.time": ("Klokkeslett (tt:mm)", "Time (hh:mm)"),
    "plan.own_limits": ("Brukerens egne grenser", "The resident's own limits"),
    "plan.default_limits": ("Standardgrenser (de samme som hubens)", "Default limits (the hub's)"),
    "plan.days": ("Dager", "Days"),
    "plan.who": ("Hvem ringer", "Who calls"),
    "plan.link": ("Lenke til rommet (https://)", "Link to the room (https://)"),
    "plan.schedule": ("Legg inn videosamtale", "Schedule check-in"),
    "plan.p.needed": ("Må fylles ut.", "Required."),
    "plan.p.too_long": ("Høyst {n} tegn.", "At most {n} characters."),
    "plan.p.time": ("«{value}» er ikke et klokkeslett. Skriv tt:mm, fra 00:00 til 23:59.",
                    "“{value}” is not a time of day. Write hh:mm, from 00:00 to 23:59."),
    "plan.p.times_needed": ("Skriv minst ett klokkeslett, som 08:00.", "Write at least one time, like 08:00."),
    "plan.p.too_many_times": ("Høyst {n} tider.", "At most {n} times."),
    "plan.p.times_twice": ("Samme tid står to ganger.", "The same time is there twice."),
    "plan.p.windows_overlap": ("Dosene kl. {first} og kl. {second} ligger nærmere enn vinduet: to doser ville vært "
                               "åpne samtidig. Gjør vinduet kortere.",
                               "The doses at {first} and {second} are closer than the window: two doses would be open "
                               "at once. Make the window shorter."),
    "plan.p.whole_number": ("Skriv et helt tall fra {low} til {high}.", "Write a whole number from {low} to {high}."),
    "plan.p.number": ("Skriv et tall, som 36,5.", "Write a number, like 36.5."),
    "plan.p.plausible": ("Må være fra {low} til {high}.", "Must be from {low} to {high}."),
    "plan.p.all_four": ("Fyll inn alle fire, eller tøm alle fire for standard.",
                        "Fill in all four, or empty all four for the default."),
    "plan.p.low_high": ("«Til» må være minst like høy som «fra».", "“To” must be at least “from”."),
    "plan.p.green_inside_yellow": ("Grønt område må ligge innenfor gult.",
                                   "The green range must lie inside the yellow."),
    "plan.p.phone_needed": ("Telefonnummer må fylles ut.", "A phone number is required."),
    "plan.p.phone": ("Skriv + og landskode foran nummeret, som +4791234567.",
                     "Write + and the country code first, like +4791234567."),
    "plan.p.consent": ("Velg ja eller nei.", "Choose yes or no."),
    "plan.p.changed": ("Noen andre har lagret planen i mellomtiden (nå versjon {version}). Se over og lagre igjen.",
                       "Someone else saved the plan meanwhile (now version {version}). Check and save again."),
    "plan.p.days_needed": ("Velg minst én dag.", "Choose at least one day."),
    "plan.p.link": ("Lenken må være en https://-adresse.", "The link must be an https:// address."),
    "plan.p.too_many_check_ins": ("Planen har allerede {n} videosamtaler.", "The plan has {n} check-ins already."),
})

DAY_CHOICES = (7, 30)
DECIMALS = {"temperature": 1, "weight": 1, "glucose": 1}  # the others are whole numbers
MIN_SPAN = {"weight": 4.0, "temperature": 1.5, "glucose": 3.0}  # a chart's least value range


# -- how times and values are said ----------------------------------------------------------------

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


# -- the pages ----------------------------------------------------------------------------------

def _store(request: web.Request):
    return request.app[DESK_KEY].store


def _resident(request: web.Request) -> dict[str, Any]:
    found = _store(request).patient(request.match_info["id"])
    if found is None:
        raise web.HTTPNotFound(text=i18n.text(i18n.language_of(request), "res.unknown"))
    return found


def _days(request: web.Request) -> int:
    text = request.query.get("days", "")
    return int(text) if text in {str(d) for d in DAY_CHOICES} else DAY_CHOICES[0]


def _nurse(request: web.Request) -> str:
    """The logged-in nurse as residents and colleagues know her ("Sykepleier Nina")."""
    session = session_of(request)
    return session.name or session.username


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


async def resident_list(request: web.Request) -> web.Response:
    desk = request.app[DESK_KEY]
    say = Say(i18n.language_of(request), datetime.now(timezone.utc))
    return render(request, "residents.html", rows=rv.residents(desk.store, desk), say=say)


def _charts(series: dict[str, list[rv.Point]], limits: dict[str, rv.Limits], since: datetime, now: datetime,
            say: Say) -> list[dict[str, Any]]:
    end = rv.window_end(now)

    def latest(measures: tuple[str, ...]) -> dict[str, Any]:
        points = [series[m][-1] for m in measures if series[m]]
        judged = None
        for point in points:
            judged = rv.worse(judged, point.band)
        values = {m: series[m][-1].value for m in measures if series[m]}
        return {"text": say.reading(values), "band": judged, "at": say.when(max(p.at for p in points))}

    out = []
    groups = (("blood_pressure", ("systolic", "diastolic")), ("pulse", ("pulse",)), ("spo2", ("spo2",)),
              ("temperature", ("temperature",)), ("weight", ("weight",)), ("glucose", ("glucose",)))
    for name, measures in groups:
        if not any(series[m] for m in measures):
            continue
        lines = [charts.Line(say.t(f"res.m.{m}"), series[m], limits.get(m), dashed=(m == "diastolic"))
                 for m in measures]
        title = say.t(f"res.m.{name}")
        svg = charts.line_chart(lines, since, end, rv.UNITS[measures[0]], title, say.lang, f"chart-{name}",
                                decimals=DECIMALS.get(name, 0), min_span=MIN_SPAN.get(name, 1.0))
        out.append({"name": name, "title": title, "svg": svg, "latest": latest(measures)})
    return out


def _timeline(entries: list[rv.Entry], say: Say) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        if entry.kind == "reading":
            title, value = say.t(f"res.m.{entry.what}"), say.reading(entry.values)
        elif entry.kind == "dose_taken":
            title, value = say.t("res.dose_taken"), entry.detail
        else:  # the hub says a missed dose as "Missed dose: <medicine>": the title says the first half
            title, value = say.alarm_kind(entry.what), entry.detail.removeprefix("Missed dose: ")
        state = ""
        if entry.kind == "alarm":
            state = (say.t("res.state_open") if entry.state == "open"
                     else say.t(f"res.state_{entry.state}", name=entry.by))
            if entry.escalated and entry.state == "open":
                state += f" · {say.t('res.escalated')}"
        out.append({"kind": entry.kind, "at": entry.at.isoformat(), "when": say.when(entry.at), "title": title,
                    "value": value, "band": entry.band, "state": entry.state, "state_text": state,
                    "note": entry.note})
    return out


def _resident_page(request: web.Request, status: int = 200, message: str = "",
                   message_problems: pf.Problems | None = None) -> web.Response:
    resident = _resident(request)
    desk, store, pid = request.app[DESK_KEY], _store(request), resident["id"]
    now, days = datetime.now(timezone.utc), _days(request)
    say = Say(i18n.language_of(request), now)
    since = rv.window_start(now, days)
    version, document = rv.plan_document(store, pid)
    summary = rv.plan_summary(document)
    limits = summary["limits"]
    waiting = [e for e in rv.alarms_of(desk, pid, since) if e.state != "resolved"]
    return render(
        request, "resident.html", status=status, resident=resident, days=days, day_choices=DAY_CHOICES, say=say,
        charts=_charts(rv.vital_series(store, pid, since, limits), limits, since, now, say),
        adherence=rv.adherence(store, pid, since, now),
        timeline=_timeline(rv.timeline(store, desk, pid, since, limits), say),
        waiting=_timeline(waiting, say), devices=rv.devices(store, pid), last_seen=rv.instant(store.last_seen(pid)),
        version=version, plan=summary, weekdays=rv.WEEKDAYS, sent=request.query.get("sent") == "1",
        message=message, message_problems=message_problems or {}, max_message=pf.MAX_MESSAGE,
        **call_pages.resident_calls(request, resident, document))


async def resident_page(request: web.Request) -> web.Response:
    return _resident_page(request)


async def send_message(request: web.Request) -> web.Response:
    resident = _resident(request)
    form = await request.post()
    text, problems = pf.parse_message(form)
    if problems or text is None:
        typed = form.get("text", "")
        return _resident_page(request, status=400, message=typed if isinstance(typed, str) else "",
                              message_problems=problems)
    store = _store(request)
    with store.db.conn:
        number = store.queue_for_hub(resident["id"], "message", {"text": text, "from": _nurse(request)})
    await changes.announce(request.app)
    log.info("A nurse's message for resident %s queued for the hub (number %d)", resident["id"], number)
    return _see_other(f"/console/residents/{resident['id']}?sent=1#message")


LIMIT_WORDS = {"green-low": "plan.green_low", "green-high": "plan.green_high", "yellow-low": "plan.yellow_low",
               "yellow-high": "plan.yellow_high"}


def _problem_list(problems: pf.Problems, plan: dict[str, Any], say: Say) -> list[dict[str, str]]:
    """Each problem with the name of its field, for the list at the top of a long form
    (each links to its field)."""
    out = []
    for name, (key, values) in problems.items():
        if name == "_form":
            continue
        parts = name.split("-")
        if parts[0] == "med" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(plan["medications"]):
            field = say.t("plan.times" if parts[2] == "times" else "plan.window")
            label = f"{plan['medications'][int(parts[1])]['name']}: {field}"
        elif parts[0] == "lim" and len(parts) == 4 and parts[1] in rv.LIMITED_MEASURES:
            label = f"{say.t('res.m.' + parts[1])}: {say.t(LIMIT_WORDS['-'.join(parts[2:])])}"
        elif parts[0] == "contact" and len(parts) == 3 and parts[1].isdigit():
            label = f"{say.t('plan.contact_n', n=int(parts[1]) + 1)}: {say.known('plan.' + parts[2], parts[2])}"
        elif parts[0] == "consent":
            label = say.known("res.consent." + name.removeprefix("consent-"), name)
        else:
            label = say.known("plan." + name, name)
        out.append({"field": name, "label": label, "text": say.t(key, **values)})
    return out


def _plan_page(request: web.Request, resident: dict[str, Any], status: int = 200,
               values: dict[str, str] | None = None, problems: pf.Problems | None = None,
               check_in: dict[str, str] | None = None, check_in_problems: pf.Problems | None = None) -> web.Response:
    store = _store(request)
    lang = i18n.language_of(request)
    version, document = rv.plan_document(store, resident["id"])
    shown = values if values is not None else pf.form_values(document, lang)
    shown["version"] = str(version)  # a re-shown form saves over the version it now shows
    typed_check_in = dict(check_in or {})
    typed_check_in["version"] = str(version)
    plan, say = rv.plan_summary(document), Say(lang, datetime.now(timezone.utc))
    summary = problems or check_in_problems or {}  # listed at the top, each linking to its field
    return render(
        request, "plan.html", status=status, resident=resident, version=version, plan=plan,
        values=shown, problems=problems or {}, summary=summary, problem_list=_problem_list(summary, plan, say),
        contact_rows=pf.contact_rows(shown), check_in=typed_check_in, check_in_problems=check_in_problems or {},
        measures=rv.LIMITED_MEASURES, units=rv.UNITS, features=rv.CONSENT_FEATURES, weekdays=rv.WEEKDAYS, say=say,
        alarm_kinds=PERSON_ALARM_KINDS,
        saved=request.query.get("saved") == "1", scheduled=request.query.get("scheduled") == "1")


async def plan_page(request: web.Request) -> web.Response:
    return _plan_page(request, _resident(request))


def _fields(form) -> dict[str, str]:
    """The posted fields as plain text (the first of a repeated name; files ignored)."""
    out: dict[str, str] = {}
    for name, value in form.items():
        if isinstance(name, str) and isinstance(value, str) and name not in out:
            out[name] = value
    return out


async def save_plan(request: web.Request) -> web.Response:
    resident = _resident(request)
    fields = _fields(await request.post())
    store, nurse = _store(request), _nurse(request)
    _version, old = rv.plan_document(store, resident["id"])
    document, problems = pf.parse_plan_form(fields, old, nurse, datetime.now(rv.ZONE).date())
    if document is None:
        return _plan_page(request, resident, status=400, values=fields, problems=problems)
    version = store.set_plan(resident["id"], document, by=nurse)
    await changes.announce(request.app)
    log.info("Care plan of resident %s saved as version %d by a nurse", resident["id"], version)
    return _see_other(f"/console/residents/{resident['id']}/plan?saved=1")


async def add_check_in(request: web.Request) -> web.Response:
    resident = _resident(request)
    fields = _fields(await request.post())
    store, nurse = _store(request), _nurse(request)
    _version, old = rv.plan_document(store, resident["id"])
    document, problems = pf.parse_check_in(fields, old)
    if document is None:
        return _plan_page(request, resident, status=400, check_in=fields, check_in_problems=problems)
    version = store.set_plan(resident["id"], document, by=nurse)
    await changes.announce(request.app)
    log.info("A video check-in added to the care plan of resident %s (version %d)", resident["id"], version)
    return _see_other(f"/console/residents/{resident['id']}/plan?scheduled=1#check-ins")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/residents", resident_list)
    app.router.add_get("/console/residents/{id}", resident_page)
    app.router.add_post("/console/residents/{id}/message", send_message)
    app.router.add_get("/console/residents/{id}/plan", plan_page)
    app.router.add_post("/console/residents/{id}/plan", save_plan)
    app.router.add_post("/console/residents/{id}/check-in", add_check_in)
