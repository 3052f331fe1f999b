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
    sms: str = ""  # what the SMS says of the resident (bokmål, after the name); "" if the hub never sends it
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
SMS_UNKNOWN_KIND = "har en alarm"


def countdowns(fall_seconds: int) -> dict[str, int]:
    """Each kind with a countdown -> its seconds; the fall's from the configuration
    (`alarms.fall_countdown_seconds`, 0: raised at once)."""
    settings = {FALL_COUNTDOWN_SETTING: fall_seconds}
    return {k.name: settings[k.countdown_setting] if k.countdown_setting else k.countdown
            for k in ALARM_KINDS.values() if k.countdown is not None}


def alarm_sms(kind: str, resident: str, raised_local: datetime, code: str = "") -> str:
    """The ladder's SMS (bokmål, one SMS long). With `code`, to a relative or neighbour, who
    can take the alarm by answering; without, to the on-call number."""
    found = ALARM_KINDS.get(kind)
    what = found.sms if found is not None and found.sms else SMS_UNKNOWN_KIND
    if code:
        return (f"Trygghetsalarm: {resident} {what} (kl. {raised_local:%H:%M}). Svar JA {code} hvis du drar til "
                f"{resident} nå, NEI {code} hvis du ikke kan. Hjemmetjenesten er varslet.")
    return (f"Trygghetsalarm: {resident} {what} (kl. {raised_local:%H:%M}). Hjemmetjenesten er varslet. "
            f"Kan du, ring {resident} eller hjemmetjenesten.")


def sms_not_understood(resident: str, codes: tuple[str, ...] = ()) -> str:
    """The word back to an answer that could not be read; `codes` when several alarms are open."""
    if len(codes) > 1:
        return (f"Vi forsto ikke svaret. Svar {' eller '.join(f'JA {code}' for code in codes)} hvis du drar til "
                f"{resident} nå, eller NEI og koden hvis du ikke kan.")
    return f"Vi forsto ikke svaret. Svar JA hvis du drar til {resident} nå, NEI hvis du ikke kan."


def sms_thanks(contact: str, resident: str) -> str:
    """The word back to a contact who answered yes: they are on the way."""
    return f"Takk, {contact}. Hjemmetjenesten vet at du drar til {resident}. Ring 113 hvis det haster."
