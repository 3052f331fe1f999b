"""The pages of video calls (docs/video-calls.md): the call page both sides open with
their key (`/call/{room}?k=`, no session: the key is the credential), the nurse's own
view of it in the console (`/console/calls/{room}`), the "Call" button and the relatives'
invitations on the resident's page, and the relative's invitation page
(`/call/invite/{token}`, no session: the token is the credential).

The call itself is call.js in the browser; the pages only hand it the room, its key and
the words, in data- attributes (the pages' CSP allows no inline script)."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from aiohttp import web

from care_service.call_invitations import HOURS, callable_contacts
from care_service.call_rooms import Room
from care_service.call_signaling import CALLS_KEY, origin_of, ring_home
from care_service.console import i18n
from care_service.console.resident_view import ZONE
from care_service.console.web import DESK_KEY, nurse_name, render, resident_of

log = logging.getLogger(__name__)
# The call page may use the camera and microphone (itself only); every other page neither.
CALL_PERMISSIONS = {"Permissions-Policy": "camera=(self), microphone=(self), fullscreen=(self), geolocation=()"}

i18n.add({
    "call.title": ("Videosamtale", "Video call"),
    "call.title_with": ("Videosamtale med {name}", "Video call with {name}"),
    "call.state.waiting": ("Åpner samtalen …", "Opening the call …"),
    "call.state.ringing": ("Ringer …", "Ringing …"),
    "call.state.connecting": ("Kobler til …", "Connecting …"),
    "call.state.connected": ("Tilkoblet", "Connected"),
    "call.state.declined": ("Avvist", "Declined"),
    "call.state.missed": ("Ikke besvart", "Not answered"),
    "call.state.cancelled": ("Samtalen er avsluttet", "The call has ended"),
    "call.state.ended": ("Samtalen er avsluttet", "The call has ended"),
    "call.state.failed": ("Fikk ikke forbindelse. Prøv igjen.", "Could not connect. Try again."),
    "call.end": ("Avslutt samtalen", "End call"),
    "call.sound": ("Slå på lyden", "Turn the sound on"),
    "call.no_camera": ("Fant ikke noe kamera: den andre hører deg, men ser deg ikke.",
                       "No camera found: the other person hears you but cannot see you."),
    "call.no_microphone": ("Fant ikke noen mikrofon: den andre ser deg, men hører deg ikke.",
                           "No microphone found: the other person sees you but cannot hear you."),
    "call.no_devices": ("Fant verken kamera eller mikrofon: du ser og hører den andre, men den andre "
                        "verken ser eller hører deg.",
                        "No camera or microphone found: you see and hear the other person, but they can neither "
                        "see nor hear you."),
    "call.not_allowed": ("Nettleseren fikk ikke lov å bruke kamera eller mikrofon (se låsen ved adressen).",
                         "The browser was not allowed to use the camera or microphone (see the padlock by the "
                         "address)."),
    "call.you": ("Deg", "You"),
    "call.back": ("Tilbake til {name}", "Back to {name}"),
    "call.gone": ("Denne samtalen finnes ikke eller er over.", "This call does not exist or is over."),
    # The resident's page.
    "call.button": ("Ring {name}", "Call {name}"),
    "call.section": ("Videosamtaler", "Video calls"),
    "call.recent": ("Siste samtaler", "Recent calls"),
    "call.none": ("Ingen videosamtaler ennå.", "No video calls yet."),
    "call.to_home": ("{name} ringte", "{name} called"),
    "call.from_home": ("{resident} ringte {name}", "{resident} called {name}"),
    "call.the_service": ("hjemmetjenesten", "home care"),
    "call.st.ringing": ("ringer", "ringing"), "call.st.connected": ("pågår", "in progress"),
    "call.st.ended": ("besvart", "answered"), "call.st.declined": ("avvist", "declined"),
    "call.st.missed": ("ikke besvart", "not answered"), "call.st.cancelled": ("lagt på før svar", "hung up first"),
    "call.invite": ("Inviter til videosamtale", "Invite to a video call"),
    "call.invite_hint": ("Pårørende som brukeren har sagt ja til kan ringe med en lenke som varer i 1–72 timer. "
                         "Send lenken til dem selv (SMS eller e-post).",
                         "Relatives the resident agreed to can call with a link that lasts 1 to 72 hours. "
                         "Send them the link yourself (SMS or e-mail)."),
    "call.no_contacts": ("Ingen kontakter har samtykke til videosamtaler (kryss av i pleieplanen).",
                         "No contact has agreed video calls (tick it in the care plan)."),
    "call.hours": ("Timer lenken varer", "Hours the link lasts"),
    "call.hours_problem": ("Velg fra {low} til {high} timer.", "Choose {low} to {high} hours."),
    "call.contact_problem": ("Den kontakten kan ikke inviteres til videosamtale.",
                             "That contact cannot be invited to a video call."),
    "call.invitations": ("Gyldige invitasjoner", "Invitations in force"),
    "call.invitation": ("{name}, til {until}", "{name}, until {until}"),
    "call.copy": ("Kopier lenken", "Copy the link"),
    "call.copied": ("Kopiert", "Copied"),
    "call.withdraw": ("Trekk tilbake", "Withdraw"),
    "call.made": ("Invitasjonen er laget. Kopier lenken og send den.", "The invitation is made. Copy the link and send it."),
    # The nurses' alarm list.
    "call.incoming": ("{name} ringer", "{name} is calling"),
    "call.join": ("Svar", "Join"),
    # The relative's invitation page.
    "call.invite_title": ("Videosamtale med {name}", "Video call with {name}"),
    "call.invite_text": ("Trykk på knappen for å ringe {name}. Nettleseren spør om kamera og mikrofon: svar ja.",
                         "Press the button to call {name}. The browser asks for the camera and microphone: allow them."),
    "call.invite_until": ("Lenken virker til {until}.", "The link works until {until}."),
    "call.invite_unknown": ("Denne lenken er ikke gyldig.", "This link is not valid."),
    "call.invite_expired": ("Denne invitasjonen er utløpt. Be hjemmetjenesten om en ny.",
                            "This invitation has expired. Ask the home-care service for a new one."),
})
JS_WORDS = ("call.state.", "call.no_", "call.not_allowed", "call.sound", "call.you")


def _words(lang: str) -> str:
    return json.dumps({k: v for k, v in i18n.catalogue(lang).items() if k.startswith(JS_WORDS)})


def _first_name(name: str) -> str:
    return (name.split() or [name])[0]


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%d.%m. %H:%M")


def _call_page(request: web.Request, room: Room, role: str, back: dict[str, str] | None = None) -> web.Response:
    store = request.app[DESK_KEY].store
    resident = store.patient(room.patient_id) or {"name": ""}
    other = resident["name"] if role == "caller" else room.caller_name
    response = render(request, "call.html", room=room, role=role, key=room.key(role), other=other, back=back,
                      words=_words(i18n.language_of(request)))
    response.headers.update(CALL_PERMISSIONS)
    return response


def _gone(request: web.Request) -> web.HTTPNotFound:
    return web.HTTPNotFound(text=i18n.text(i18n.language_of(request), "call.gone"))


async def call_page(request: web.Request) -> web.Response:
    """`/call/{room}?k=KEY`: the call page for the side the key opens; 404 for anything else."""
    opened = request.app[CALLS_KEY].rooms.open(request.match_info["room"], request.query.get("k", ""))
    if opened is None:
        raise _gone(request)
    return _call_page(request, *opened)


async def nurse_call(request: web.Request) -> web.Response:
    """`/console/calls/{room}`: the nurse's side of a call (a call she made, or a resident
    calling the service that she joins)."""
    calls = request.app[CALLS_KEY]
    room = calls.rooms.get(request.match_info["room"])
    if room is None or room.caller != "nurse" or room.expires_at <= calls.rooms.now():
        raise _gone(request)
    if room.from_home and not room.caller_name:
        calls.rooms.joined_by(room.id, nurse_name(request))
    resident = request.app[DESK_KEY].store.patient(room.patient_id) or {"name": ""}
    lang = i18n.language_of(request)
    back = {"href": f"/console/residents/{room.patient_id}",
            "text": i18n.text(lang, "call.back").format(name=resident["name"])}
    return _call_page(request, room, "caller", back)


def _plan(request: web.Request, patient_id: str) -> dict[str, Any]:
    found = request.app[DESK_KEY].store.plan_of(patient_id)
    try:
        document = json.loads(found[1]) if found else {}
    except json.JSONDecodeError:
        return {}
    return document if isinstance(document, dict) else {}


async def start_call(request: web.Request) -> web.Response:
    """The resident page's "Call" button: a room, the hub rung, the nurse's call view."""
    resident = resident_of(request)
    room = request.app[CALLS_KEY].rooms.create(resident["id"], "nurse", nurse_name(request))
    await ring_home(request.app, room, origin_of(request))
    log.info("Call %s: a nurse calls resident %s", room.id, resident["id"])
    return web.Response(status=303, headers={"Location": f"/console/calls/{room.id}"})


async def invite(request: web.Request) -> web.Response:
    """An invitation for a contact with `calls = true`, lasting `hours` (1-72)."""
    resident = resident_of(request)
    form = await request.post()
    contact, hours = str(form.get("contact", "")), str(form.get("hours", "")).strip()
    where = f"/console/residents/{resident['id']}"
    if contact not in callable_contacts(_plan(request, resident["id"])):
        return web.Response(status=303, headers={"Location": f"{where}?invite_problem=contact#calls"})
    if not hours.isdigit() or not HOURS[0] <= int(hours) <= HOURS[1]:
        return web.Response(status=303, headers={"Location": f"{where}?invite_problem=hours#calls"})
    request.app[CALLS_KEY].invitations.make(resident["id"], contact, int(hours), nurse_name(request))
    log.info("An invitation to video-call resident %s made for %d hours", resident["id"], int(hours))
    return web.Response(status=303, headers={"Location": f"{where}?invited=1#calls"})


async def withdraw(request: web.Request) -> web.Response:
    resident = resident_of(request)
    token = str((await request.post()).get("token", ""))
    request.app[CALLS_KEY].invitations.withdraw(resident["id"], token)
    return web.Response(status=303, headers={"Location": f"/console/residents/{resident['id']}#calls"})


def resident_calls(request: web.Request, resident: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """What the resident page shows about calls: recent ones, who may be invited, the
    invitations in force (with their links)."""
    calls = request.app[CALLS_KEY]
    lang = i18n.language_of(request)
    recent = []
    for room in calls.rooms.of_patient(resident["id"], limit=10):
        who = room.caller_name or i18n.text(lang, "call.the_service")
        said = (i18n.text(lang, "call.from_home").format(resident=_first_name(resident["name"]), name=who)
                if room.from_home else i18n.text(lang, "call.to_home").format(name=who))
        recent.append({"state": room.state, "at": room.created_at.isoformat(), "when": _local(room.created_at),
                       "what": said, "state_text": i18n.text(lang, f"call.st.{room.state}")})
    origin = origin_of(request)
    invitations = [{"token": i.token, "name": i.contact_name, "until": _local(i.expires_at),
                    "link": f"{origin}/call/invite/{i.token}"} for i in calls.invitations.valid_for(resident["id"])]
    problem = request.query.get("invite_problem")
    return {"recent_calls": recent, "callable": callable_contacts(document), "invitations": invitations,
            "invite_hours": HOURS, "invited": request.query.get("invited") == "1",
            "invite_problem": problem if problem in ("hours", "contact") else ""}


def calling_now(request: web.Request) -> list[dict[str, Any]]:
    """Residents calling the nurses now, for the live alarm list."""
    store = request.app[DESK_KEY].store
    out = []
    for room in request.app[CALLS_KEY].rooms.calling_the_service():
        resident = store.patient(room.patient_id) or {"name": "", "id": room.patient_id}
        out.append({"room": room.id, "patient_id": room.patient_id, "resident": resident["name"],
                    "since": room.created_at.isoformat()})
    return out


def _invitation_page(request: web.Request):
    calls = request.app[CALLS_KEY]
    found = calls.invitations.find(request.match_info["token"])
    if found is None:
        return None, render(request, "invite.html", status=404, gone="call.invite_unknown", resident=None)
    if calls.invitations.expired(found):
        return None, render(request, "invite.html", status=410, gone="call.invite_expired", resident=None)
    return found, None


async def invitation(request: web.Request) -> web.Response:
    """`/call/invite/{token}`: the relative's page, one big "Call" button."""
    found, refused = _invitation_page(request)
    if refused is not None:
        return refused
    resident = request.app[DESK_KEY].store.patient(found.patient_id) or {"name": ""}
    return render(request, "invite.html", gone="", resident=resident, first_name=_first_name(resident["name"]),
                  until=_local(found.expires_at), token=found.token)


async def call_from_invitation(request: web.Request) -> web.Response:
    found, refused = _invitation_page(request)
    if refused is not None:
        return refused
    calls = request.app[CALLS_KEY]
    room = calls.rooms.create(found.patient_id, "relative", found.contact_name)
    await ring_home(request.app, room, origin_of(request))
    log.info("Call %s: a relative calls resident %s with an invitation", room.id, found.patient_id)
    return web.Response(status=303, headers={"Location": f"/call/{room.id}?k={room.caller_key}"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/call/invite/{token}", invitation)
    app.router.add_post("/call/invite/{token}", call_from_invitation)
    app.router.add_get("/call/{room}", call_page)
    app.router.add_get("/console/calls/{room}", nurse_call)
    app.router.add_post("/console/residents/{id}/call", start_call)
    app.router.add_post("/console/residents/{id}/invite", invite)
    app.router.add_post("/console/residents/{id}/invite/withdraw", withdraw)
