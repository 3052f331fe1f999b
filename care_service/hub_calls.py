"""The hub's side of video calls (docs/video-calls.md), with the hub's credential like
every `/hub/...` request: what the resident did with a call (`POST /hub/calls/{room}/outcome`)
and a call the resident makes (`POST /hub/calls`, to the nurses or to a contact)."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from care_service import changes
from care_service.call_invitations import callable_contacts
from care_service.call_rooms import StateRefused
from care_service.call_signaling import CALLS_KEY, caller_url, change_state, home_url, origin_of
from care_service.fhir_api import FhirProblem, hub_of, json_body

log = logging.getLogger(__name__)
OUTCOMES = ("answered", "declined", "missed")


async def _body(request: web.Request) -> dict:
    body = json_body(request)  # read, bounded and parsed once for every hub endpoint (fhir_api.hub_bodies)
    if not isinstance(body, dict):
        raise FhirProblem(400, "structure", "the body must be a JSON object")
    return body


async def outcome(request: web.Request) -> web.Response:
    """`{"outcome": "answered" | "declined" | "missed"}`: the caller's page is told at
    once; "answered" stops the ring clock (the pages then connect). A call no longer
    ringing is left as it is, and the answer's `state` says what it is."""
    hub = hub_of(request)
    calls = request.app[CALLS_KEY]
    room = calls.rooms.get(request.match_info["room"])
    if room is None or room.patient_id != hub.patient_id:
        raise FhirProblem(404, "not-found", "no such call for this hub")
    said = (await _body(request)).get("outcome")
    if said not in OUTCOMES:
        raise FhirProblem(400, "value", f"outcome must be one of {', '.join(OUTCOMES)}")
    if room.state != "ringing":
        # Over already (the caller hung up, or the service's own ring timeout came first),
        # or connected: nothing to change; the answer says how the call stands.
        return web.json_response({"room": room.id, "state": room.state})
    if said == "answered":
        room = calls.rooms.answered(room.id)
    else:
        try:
            room = await change_state(request.app, room.id, said, by="hub")
        except StateRefused as problem:
            raise FhirProblem(409, "conflict", str(problem)) from None
    log.info("Call %s: the hub says %s", room.id, said)
    return web.json_response({"room": room.id, "state": room.state})


async def call_out(request: web.Request) -> web.Response:
    """`{"to": "service"}` or `{"to": "contact", "name": "..."}`: a room the resident's hub
    opens at `url`; a contact gets `guest_url` (the hub sends it by SMS), the nurses see
    the call on their consoles and join from there."""
    hub = hub_of(request)
    body = await _body(request)
    calls = request.app[CALLS_KEY]
    store = calls.rooms.store
    if body.get("to") == "service":
        room = calls.rooms.create(hub.patient_id, "nurse", "", from_home=True)
        guest = None
    elif body.get("to") == "contact":
        name = body.get("name")
        found = store.plan_of(hub.patient_id)
        try:
            document = json.loads(found[1]) if found else {}
        except json.JSONDecodeError:
            document = {}
        if not isinstance(name, str) or name not in callable_contacts(document if isinstance(document, dict) else {}):
            raise FhirProblem(422, "business-rule", "no contact by that name in the care plan may be video-called")
        room = calls.rooms.create(hub.patient_id, "relative", name, from_home=True)
        guest = caller_url(origin_of(request), room)
    else:
        raise FhirProblem(400, "value", 'to must be "service" or "contact" (with a name)')
    await changes.announce(request.app)
    log.info("Call %s: the resident calls %s", room.id, body["to"])
    return web.json_response({"room": room.id, "url": home_url(origin_of(request), room),
                              "guest_url": guest, "expires_at": room.expires_at.isoformat().replace("+00:00", "Z")})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/hub/calls", call_out)
    app.router.add_post("/hub/calls/{room}/outcome", outcome)
