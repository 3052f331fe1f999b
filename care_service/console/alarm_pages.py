"""The live alarm list: the page, its server-sent event channel (`/console/live`: the
whole list each time it changes, so a page that reconnects is right at once; residents
calling the nurses by video likewise), and the
nurse's two actions, acknowledge and resolve with a note, which reach the hub."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

from aiohttp import web

from care_service import changes
from care_service.alarm_desk import Alarm, DeskError
from care_service.console import call_pages, i18n
from care_service.console.resident_view import ZONE
from care_service.console.web import DESK_KEY, render, session_of, wants_json
from vocabulary import ALARM_KINDS

log = logging.getLogger(__name__)
SHOW_RESOLVED = timedelta(hours=12)  # a shift's worth of what was done
# Resolved alarms are shown this many at a time (`?resolved_page=N`, 1 the newest);
# every alarm not resolved is on every page, however many there are.
RESOLVED_PAGE = 50

# The nurse's words for each kind of alarm are the catalogue's (vocabulary/alarm_kinds.py).
KINDS = {**{kind.name: kind.nurse for kind in ALARM_KINDS.values()}, "unknown": ("Ukjent alarm", "Unknown alarm")}
i18n.add({f"kind.{kind}": words for kind, words in KINDS.items()})
i18n.add({
    "state.open": ("Ny", "New"), "state.acknowledged": ("Tatt", "Taken"), "state.resolved": ("Løst", "Resolved"),
    "escalated": ("Eskalert til teamleder", "Escalated to team lead"),
    "acknowledge": ("Ta alarmen", "Acknowledge"), "resolve": ("Avslutt", "Resolve"),
    "note": ("Hva ble gjort", "What was done"), "no_alarms": ("Ingen alarmer nå.", "No alarms now."),
    "resident": ("Bruker", "Resident"), "kind": ("Hva", "What"), "age": ("Siden", "Since"),
    "state": ("Status", "State"), "taken_by": ("Tatt av {name}", "Taken by {name}"),
    "on_the_way": ("{who} er på vei, {time}", "{who} is on the way, {time}"),
    "resolved_by": ("Løst av {name}", "Resolved by {name}"),
    "live_lost": ("Mistet forbindelsen – prøver igjen …", "Connection lost – trying again …"),
    "sound_on": ("Slå på lyd", "Turn sound on"), "sound_is_on": ("Lyd er på (slå av)", "Sound is on (turn off)"),
    "minutes_ago": ("{n} min", "{n} min"), "hours_ago": ("{h} t {m} min", "{h} h {m} min"), "just_now": ("nå", "now"),
    "older_resolved": ("Eldre løste alarmer", "Older resolved alarms"),
    "newer_resolved": ("Nyere løste alarmer", "Newer resolved alarms"),
    "escalated_ladder": ("Eskalert: ingen har tatt alarmen", "Escalated: nobody has taken the alarm"),
    "raised_at": ("kl. {time}", "at {time}"),
    "reading": ("Måling", "Reading"),
    "steps": ("Varslet så langt", "Told so far"),
    "step.alarm_sms_sent": ("SMS til {who}", "SMS to {who}"),
    "step.on_call": ("Vakttelefon", "On-call phone"), "step.on_call_who": ("vakttelefonen", "the on-call phone"),
    "step.alarm_sms_failed": ("SMS til {who} kunne ikke sendes", "SMS to {who} could not be sent"),
    "step.alarm_taken_by_contact": ("{who} er på vei", "{who} is on the way"),
    "step.alarm_declined_by_contact": ("{who} kan ikke komme", "{who} cannot come"),
    "step.alarm_unanswered": ("Ingen svar – hele kjeden er varslet", "No answer – the whole ladder was told"),
    "phone": ("Telefon", "Phone"), "address": ("Adresse", "Address"),
    "no_contact": ("Telefon og adresse mangler", "Phone and address missing"),
    "announce_new": ("Ny alarm: {kind}, {name}", "New alarm: {kind}, {name}"),
})


def local_time(instant: str) -> str:
    """"14:32" in the homes' time (Europe/Oslo), "" for no time."""
    try:
        return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(ZONE).strftime("%H:%M")
    except ValueError:
        return ""


def card_texts(alarm: dict, lang: str) -> dict:
    """What an alarm card says beyond its kind, in the nurse's language: the time of day it
    was raised and each step of its ladder so far ("SMS til Ola Nordmann (sønn) 14:32")."""
    def step_text(step: dict) -> str:
        who = step.get("who", "")
        if who == "on-call" and step["step"] == "alarm_sms_sent":
            words = i18n.text(lang, "step.on_call")
        else:
            if who == "on-call":
                who = i18n.text(lang, "step.on_call_who")
            words = i18n.text(lang, f"step.{step['step']}").format(who=who)
        at = local_time(step.get("at", ""))
        return f"{words} {at}".strip()

    state = i18n.text(lang, f"state.{alarm['state']}")
    if alarm["state"] == "open" and alarm["escalated"]:  # escalated is what she must see, not "new"
        unanswered = any(step["step"] == "alarm_unanswered" for step in alarm.get("steps", ()))
        state = i18n.text(lang, "escalated_ladder" if unanswered else "escalated")
    elif alarm["state"] == "acknowledged" and alarm.get("acknowledged_by"):
        state = i18n.text(lang, "taken_by").format(name=alarm["acknowledged_by"])  # "Taken by Nina"
    raised, age = i18n.text(lang, "raised_at").format(time=local_time(alarm["raised_at"])), ""
    try:
        moment = datetime.fromisoformat(alarm["raised_at"].replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is not None:
        day = moment.astimezone(ZONE).date()
        if day != datetime.now(ZONE).date():  # waiting since another day: which one
            raised = f"{day.day}.{day.month}. {raised}"
        # How long ago, as the page first shows it (the live list keeps it counting).
        minutes = max(0, int((datetime.now(timezone.utc) - moment).total_seconds() // 60))
        age = (i18n.text(lang, "just_now") if minutes < 1 else
               i18n.text(lang, "minutes_ago").format(n=minutes) if minutes < 60 else
               i18n.text(lang, "hours_ago").format(h=minutes // 60, m=minutes % 60))
    return {"time_of_day": local_time(alarm["raised_at"]), "raised_text": raised, "age_text": age,
            "state_text": state,
            "step_texts": [step_text(step) for step in alarm.get("steps", ())]}


def _page(request: web.Request) -> int:
    """Which page of resolved alarms is asked for (`?resolved_page=N`, 1 the newest)."""
    try:
        return max(1, int(request.query.get("resolved_page", "1")))
    except ValueError:
        raise web.HTTPBadRequest(text="resolved_page is a page number") from None


def _listed(request: web.Request, page: int) -> list[dict]:
    since = (datetime.now(timezone.utc) - SHOW_RESOLVED).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return cards(request, request.app[DESK_KEY].alarms(include_resolved_since=since, resolved_limit=RESOLVED_PAGE,
                                                       resolved_offset=(page - 1) * RESOLVED_PAGE))


def cards(request: web.Request, alarms: list[Alarm]) -> list[dict]:
    """The alarms as their cards show them (the desk's list, the resident's page)."""
    # A kind this console has no words for (a newer hub's) is shown as "unknown alarm", never dropped.
    lang = i18n.language_of(request)
    out = []
    for a in alarms:
        listed = {**a.json(), "kind_key": f"kind.{a.kind}" if a.kind in KINDS else "kind.unknown"}
        out.append({**listed, **card_texts(listed, lang)})
    return out


async def alarm_list(request: web.Request) -> web.Response:
    page = _page(request)
    listed = _listed(request, page)
    if wants_json(request):  # the same list for a script (the demo's nurse)
        return web.json_response(listed)
    lang = i18n.language_of(request)
    words = {k: v for k, v in i18n.catalogue(lang).items()
             if k.startswith(("kind.", "state.")) or k in ("escalated", "acknowledge", "resolve", "note", "no_alarms",
                                                          "taken_by", "on_the_way", "resolved_by", "live_lost",
                                                          "minutes_ago", "hours_ago", "escalated_ladder", "raised_at",
                                                          "reading",
                                                          "steps", "phone", "address", "no_contact", "announce_new",
                                                          "just_now", "sound_on", "sound_is_on", "call.incoming", "call.join")}
    return render(request, "alarms.html", alarms=listed, calls=call_pages.calling_now(request),
                  words=json.dumps(words), resolved_page=page,
                  older=sum(a["state"] == "resolved" for a in listed) == RESOLVED_PAGE)  # full: maybe more


async def live(request: web.Request) -> web.StreamResponse:
    """`event: alarms` with the whole list whenever it changes; `event: calls` with the
    residents calling the nurses now (a video call), likewise."""
    sent: dict[str, str] = {}
    page = _page(request)  # a wrong one is refused before the stream starts

    def pending() -> list[str]:
        out = []
        for kind, now in (("alarms", _listed(request, page)), ("calls", call_pages.calling_now(request))):
            listed = json.dumps(now)
            if listed != sent.get(kind):
                sent[kind] = listed
                out.append(f"event: {kind}\ndata: {listed}\n\n")
        return out

    return await changes.event_stream(request, pending)


async def _act(request: web.Request, action: str) -> web.Response:
    desk, nurse = request.app[DESK_KEY], session_of(request).name
    try:
        if action == "acknowledge":
            alarm = desk.acknowledge(request.match_info["id"], nurse)
        else:
            note = str((await request.post()).get("note", ""))
            alarm = desk.resolve(request.match_info["id"], nurse, note)
    except DeskError as problem:
        if wants_json(request):
            return web.json_response({"problem": str(problem)}, status=409)
        raise web.HTTPConflict(text=str(problem)) from None
    log.info("Alarm %s: %s by a nurse", alarm.id, action)
    await changes.announce(request.app)
    if wants_json(request):
        return web.json_response(alarm.json())
    # Taken from the resident's page: back to it; else the desk.
    back = f"/console/residents/{alarm.patient_id}"
    return web.Response(status=303, headers={"Location": back if request.query.get("from") == "resident" else "/console"})


async def acknowledge(request: web.Request) -> web.Response:
    return await _act(request, "acknowledge")


async def resolve(request: web.Request) -> web.Response:
    return await _act(request, "resolve")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console", alarm_list)
    app.router.add_get("/console/live", live)
    app.router.add_post("/console/alarms/{id}/acknowledge", acknowledge)
    app.router.add_post("/console/alarms/{id}/resolve", resolve)
