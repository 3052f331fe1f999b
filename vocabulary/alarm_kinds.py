"""Every kind of alarm, once: what FHIR calls it, how serious it is, whether it is for a
person or technical, how long the resident has to say "I'm OK" first, and its words for
the resident's screen, the nurse's console and the SMS.

The hub's alarm rules (`hub_app/rules.py`) and its ladder (`hub_app/alarms.py`), the FHIR mapping
(`sync/fhir_mapping.py`), the resident's countdown screen and the nurse's console all
read this table. A new kind of alarm is a record here, its translations (the resident's
words in `hub_app/ui/countdown_screen.py` and its .ts file) and the rule that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vocabulary.codes import SNOMED, Coding

PERSON, TECHNICAL = "person", "technical"
HUB, CARE_SERVICE = "hub", "care_service"
FALL_COUNTDOWN_SETTING = "alarms.fall_countdown_seconds"


@dataclass(frozen=True)
class AlarmKind:
    name: str  # the machine word: the event's type, the FHIR code in the hub's own system
    audience: str  # PERSON: someone must go to the resident; TECHNICAL: something must be fixed
    severity: str  # FHIR DetectedIssue.severity: "high", "moderate" or "low"
    nurse: tuple[str, str]  # the console's words (bokmål, English)
    sms: str = ""  # what the SMS says of the resident (bokmål, after the name; other languages: SMS_WORDS); "" if never sent
    snomed: Coding | None = None  # SNOMED CT, where a concept fits (the hub's own code goes always)
    countdown: int | None = None  # seconds of "Are you OK?" before it is raised; None: raised at once
    countdown_setting: str = ""  # the configuration key that sets the countdown, when one does
    resident: str = ""  # the countdown screen's words (English: the source text of Qt's translation)
    resident_facing: bool = False  # the resident is in the middle of it: their screen follows it
    raised_by: str = HUB  # HUB, or CARE_SERVICE (about a hub: silent, cannot store)


ALARM_KINDS: dict[str, AlarmKind] = {kind.name: kind for kind in (
    # -- for a person, in the order the nurse's plan editor shows them -------------------------
    AlarmKind("help_button", PERSON, "high", ("Trygghetsalarm", "Help button"), sms="trykket på alarmknappen",
              resident_facing=True),
    AlarmKind("fall", PERSON, "high", ("Fall", "Fall"), sms="kan ha falt", snomed=Coding(SNOMED, "217082002", "Accidental fall"),
              countdown=30, countdown_setting=FALL_COUNTDOWN_SETTING, resident="The fall sensor noticed a fall.",
              resident_facing=True),
    AlarmKind("out_of_bed_at_night", PERSON, "high", ("Ute av sengen om natten", "Out of bed at night"),
              sms="har vært oppe av sengen lenge i natt", countdown=60,
              resident="You have been out of bed for a long time tonight.", resident_facing=True),
    AlarmKind("door_open_at_night", PERSON, "high", ("Døra åpnet om natten", "Door opened at night"),
              sms="har åpnet ytterdøra i natt og er kanskje ute", countdown=60,
              resident="The door is open. Are you outside?", resident_facing=True),
    AlarmKind("inactivity", PERSON, "high", ("Ingen aktivitet", "No activity"), sms="har ikke vært aktiv på lenge",
              countdown=60, resident="We have not noticed you moving for a long time.", resident_facing=True),
    # A red reading and a missed dose are for the nurse: the resident has seen the result, or the reminder.
    AlarmKind("vital_sign_red", PERSON, "high", ("Måling i rødt", "Reading in the red"),
              sms="har en måling langt utenfor grensene"),
    AlarmKind("missed_dose", PERSON, "moderate", ("Glemt medisin", "Missed dose"), sms="har ikke tatt medisinen",
              snomed=Coding(SNOMED, "702565001", "Non-adherence to medication")),
    # -- technical: they climb only to the on-call number -------------------------------------
    AlarmKind("device_silent", TECHNICAL, "low", ("Utstyr svarer ikke", "Device silent"),
              sms="har et utstyr som har sluttet å svare"),
    AlarmKind("battery_low", TECHNICAL, "low", ("Lavt batteri", "Battery low"), sms="har et utstyr med lavt batteri"),
    AlarmKind("care_service_unreachable", TECHNICAL, "low", ("Får ikke kontakt med tjenesten", "Cannot reach the service"),
              sms="har en hub som ikke når hjemmetjenesten"),
    AlarmKind("sync_refused", TECHNICAL, "low", ("Data avvist", "Data refused"),
              sms="har en hub som hjemmetjenesten avviser data fra"),
    AlarmKind("hub_silent", TECHNICAL, "low", ("Huben er taus", "Hub silent"), raised_by=CARE_SERVICE),
    # A sensor gone quiet, as hubs before the sensor's kind went with device_silent named it.
    AlarmKind("sensor_silent", TECHNICAL, "low", ("Sensor svarer ikke", "Sensor silent")),
    # The hub's alarms still arrive, from its memory, but nothing new is kept there.
    AlarmKind("hub_cannot_store", TECHNICAL, "moderate", ("Huben kan ikke lagre", "Hub cannot store"),
              raised_by=CARE_SERVICE),
    AlarmKind("storage_low", TECHNICAL, "low", ("Huben har lite lagringsplass", "Hub storage low"),
              sms="har en hub som snart er full (lite ledig lagringsplass)"),
    AlarmKind("store_replaced", TECHNICAL, "moderate", ("Hubens lager ble byttet ut", "Hub store replaced"),
              sms="har en hub som måtte starte med nytt lager (det gamle var skadet eller borte)"),
)}

# The kinds of alarm for a person. A contact may be asked first for some of them (a
# neighbour for a fall or a door at night): the plan, the hub's ladder and the console read this.
PERSON_ALARM_KINDS = tuple(k.name for k in ALARM_KINDS.values() if k.audience == PERSON)
RESIDENT_FACING = tuple(k.name for k in ALARM_KINDS.values() if k.resident_facing)
COUNTDOWN_KINDS = tuple(k.name for k in ALARM_KINDS.values() if k.countdown is not None)


def countdowns(fall_seconds: int) -> dict[str, int]:
    """Each kind with a countdown -> its seconds; the fall's from the configuration
    (`alarms.fall_countdown_seconds`, 0: raised at once)."""
    settings = {FALL_COUNTDOWN_SETTING: fall_seconds}
    return {k.name: settings[k.countdown_setting] if k.countdown_setting else k.countdown
            for k in ALARM_KINDS.values() if k.countdown is not None}


# -- the SMS in the resident's language ---------------------------------------------------
# Relatives, neighbours and the on-call phone read these. One table per language: what the
# SMS says of the resident after the name (bokmål is the kind's own `sms`), then the
# sentences around it. A language is added here, not in code. North Sámi letters (á č đ ŋ
# š ŧ ž) are not in the GSM alphabet, so a North Sámi SMS goes in UCS-2, as two or three parts.
SMS_WORDS: dict[str, dict[str, str]] = {
    "nb": {kind.name: kind.sms for kind in ALARM_KINDS.values() if kind.sms} | {"": "har en alarm"},
    "nn": {
        "help_button": "trykte på alarmknappen",
        "fall": "kan ha falle",
        "out_of_bed_at_night": "har vore oppe av senga lenge i natt",
        "door_open_at_night": "har opna ytterdøra i natt og er kanskje ute",
        "inactivity": "har ikkje vore aktiv på lenge",
        "vital_sign_red": "har ei måling langt utanfor grensene",
        "missed_dose": "har ikkje teke medisinen",
        "device_silent": "har eit utstyr som har slutta å svare",
        "battery_low": "har eit utstyr med lågt batteri",
        "care_service_unreachable": "har ein hub som ikkje når heimetenesta",
        "sync_refused": "har ein hub som heimetenesta avviser data frå",
        "storage_low": "har ein hub som snart er full (lite ledig lagringsplass)",
        "store_replaced": "har ein hub som måtte starte med nytt lager (det gamle var skadd eller borte)",
        "": "har ein alarm",
    },
    "se": {
        "help_button": "deattastii alárbmaboalu",
        "fall": "sáhttá leat gahččan",
        "out_of_bed_at_night": "lea leamaš guhká bajil dán ija",
        "door_open_at_night": "lea rahpan olgoutsa dán ija ja soaitá leat olgun",
        "inactivity": "ii leat lihkadan guhkes áigái",
        "vital_sign_red": "lea mihtidan árvvu mii lea guhkkin rájiid olggobealde",
        "missed_dose": "ii leat váldán dálkkasa",
        "device_silent": "ruovttus lea rusttet mii ii šat vástit",
        "battery_low": "ruovttus lea rusttet mas lea unnán batteriija",
        "care_service_unreachable": "ruovttus lea hub mii ii olahe ruoktobálvalusa",
        "sync_refused": "ruovttus lea hub man dieđuid ruoktobálvalus hilgu",
        "storage_low": "ruovttus lea hub mii lea fargga dievva (unnán friddja saji)",
        "store_replaced": "ruovttus lea hub mii fertii álgit ođđa vurkkáin (boares lei billašuvvan dahje jávkan)",
        "": "ruovttus lea alárbma",
    },
    "en": {
        "help_button": "pressed the alarm button",
        "fall": "may have fallen",
        "out_of_bed_at_night": "has been out of bed for a long time tonight",
        "door_open_at_night": "opened the front door tonight and may be outside",
        "inactivity": "has not moved about for a long time",
        "vital_sign_red": "has a reading far outside the limits",
        "missed_dose": "has not taken the medicine",
        "device_silent": "has a device that stopped answering",
        "battery_low": "has a device with a low battery",
        "care_service_unreachable": "has a hub that cannot reach home care",
        "sync_refused": "has a hub whose data home care refuses",
        "storage_low": "has a hub that is nearly full (little free storage)",
        "store_replaced": "has a hub that had to start on a new store (the old one was damaged or gone)",
        "": "has an alarm",
    },
}
SMS_UNKNOWN_KIND = SMS_WORDS["nb"][""]

# The sentences: {resident}, {what}, {time} (HH:MM), {code}, {contact}, {choices}. `yes` and
# `no` are the words the reader is asked to answer with (hub_app/sms_replies.py reads them).
SMS_SENTENCES: dict[str, dict[str, str]] = {
    "nb": {
        "yes": "JA", "no": "NEI", "or": " eller ",
        "to_contact": "Trygghetsalarm: {resident} {what} (kl. {time}). Svar JA {code} hvis du drar til {resident} nå, "
                      "NEI {code} hvis du ikke kan. Hjemmetjenesten er varslet.",
        "to_on_call": "Trygghetsalarm: {resident} {what} (kl. {time}). Hjemmetjenesten er varslet. "
                      "Kan du, ring {resident} eller hjemmetjenesten.",
        "not_understood": "Vi forsto ikke svaret. Svar JA hvis du drar til {resident} nå, NEI hvis du ikke kan.",
        "not_understood_codes": "Vi forsto ikke svaret. Svar {choices} hvis du drar til {resident} nå, "
                                "eller NEI og koden hvis du ikke kan.",
        "thanks": "Takk, {contact}. Hjemmetjenesten vet at du drar til {resident}. Ring 113 hvis det haster.",
    },
    "nn": {
        "yes": "JA", "no": "NEI", "or": " eller ",
        "to_contact": "Tryggleiksalarm: {resident} {what} (kl. {time}). Svar JA {code} om du dreg til {resident} no, "
                      "NEI {code} om du ikkje kan. Heimetenesta er varsla.",
        "to_on_call": "Tryggleiksalarm: {resident} {what} (kl. {time}). Heimetenesta er varsla. "
                      "Om du kan, ring {resident} eller heimetenesta.",
        "not_understood": "Vi forstod ikkje svaret. Svar JA om du dreg til {resident} no, NEI om du ikkje kan.",
        "not_understood_codes": "Vi forstod ikkje svaret. Svar {choices} om du dreg til {resident} no, "
                                "eller NEI og koden om du ikkje kan.",
        "thanks": "Takk, {contact}. Heimetenesta veit at du dreg til {resident}. Ring 113 om det hastar.",
    },
    "se": {
        "yes": "JUO", "no": "II", "or": " dahje ",
        "to_contact": "Dorvoalárbma: {resident} {what} (dii. {time}). Vástit JUO {code} jus vuolggát {resident} lusa dál, "
                      "II {code} jus it sáhte. Ruoktobálvalus lea ožžon dieđu.",
        "to_on_call": "Dorvoalárbma: {resident} {what} (dii. {time}). Ruoktobálvalus lea ožžon dieđu. "
                      "Jus sáhtát, de riŋge {resident} lusa dahje ruoktobálvalussii.",
        "not_understood": "Mii eat ipmirdan vástádusa. Vástit JUO jus vuolggát {resident} lusa dál, II jus it sáhte.",
        "not_understood_codes": "Mii eat ipmirdan vástádusa. Vástit {choices} jus vuolggát {resident} lusa dál, "
                                "dahje II ja koda jus it sáhte.",
        "thanks": "Giitu, {contact}. Ruoktobálvalus diehtá ahte vuolggát {resident} lusa. Riŋge 113 jus lea hoahppu.",
    },
    "en": {
        "yes": "YES", "no": "NO", "or": " or ",
        "to_contact": "Safety alarm: {resident} {what} (at {time}). Reply YES {code} if you are going to {resident} now, "
                      "NO {code} if you cannot. Home care has been told.",
        "to_on_call": "Safety alarm: {resident} {what} (at {time}). Home care has been told. "
                      "If you can, call {resident} or home care.",
        "not_understood": "We did not understand the reply. Reply YES if you are going to {resident} now, NO if you cannot.",
        "not_understood_codes": "We did not understand the reply. Reply {choices} if you are going to {resident} now, "
                                "or NO and the code if you cannot.",
        "thanks": "Thank you, {contact}. Home care knows you are going to {resident}. Call 113 if it is urgent.",
    },
}


def _sentences(language: str) -> dict[str, str]:
    return SMS_SENTENCES.get(language, SMS_SENTENCES["nb"])


def alarm_sms(kind: str, resident: str, raised_local: datetime, code: str = "", language: str = "nb") -> str:
    """The ladder's SMS in `language` (the resident's). With `code`, to a relative or neighbour,
    who can take the alarm by answering; without, to the on-call number."""
    words = SMS_WORDS.get(language, SMS_WORDS["nb"])
    what = words.get(kind) or words[""]
    sentence = _sentences(language)["to_contact" if code else "to_on_call"]
    return sentence.format(resident=resident, what=what, time=f"{raised_local:%H:%M}", code=code)


def sms_not_understood(resident: str, codes: tuple[str, ...] = (), language: str = "nb") -> str:
    """The word back to an answer that could not be read; `codes` when several alarms are open."""
    sentences = _sentences(language)
    if len(codes) > 1:
        choices = sentences["or"].join(f"{sentences['yes']} {code}" for code in codes)
        return sentences["not_understood_codes"].format(resident=resident, choices=choices)
    return sentences["not_understood"].format(resident=resident)


def sms_thanks(contact: str, resident: str, language: str = "nb") -> str:
    """The word back to a contact who answered yes: they are on the way."""
    return _sentences(language)["thanks"].format(contact=contact, resident=resident)
