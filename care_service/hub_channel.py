"""The fast channel back to a hub: server-sent events on `GET /hub/events`.

A hub keeps this request open; the service sends each acknowledgement, and a note
that the care plan changed (the hub then fetches `GET /hub/care-plan`), as an event
with a number. A hub that
reconnects sends `Last-Event-ID` and gets everything after it, so nothing is lost
across a dropped connection; a comment line every 15 s keeps proxies from closing it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from aiohttp import web

from care_service import changes
from care_service.fhir_api import STORE_KEY, FhirProblem, hub_of, json_body
from care_service.supervision import hub_cannot_store, store_health

async def events(request: web.Request) -> web.StreamResponse:
    hub = hub_of(request)
    store = request.app[STORE_KEY]
    try:
        last = int(request.headers.get("Last-Event-ID") or request.query.get("after") or 0)
    except ValueError:
        last = 0

    def pending() -> list[str]:
        nonlocal last
        out = []
        for number, kind, body in store.to_hub_after(hub.patient_id, last):
            out.append(f"id: {number}\nevent: {kind}\ndata: {json.dumps(body)}\n\n")
            last = number
        return out

    # A revoked credential ends the channel at once (a stolen tablet hears no more).
    return await changes.event_stream(request, pending, lambda: store.hub_active(hub.id))


async def care_plan(request: web.Request) -> web.Response:
    """`GET /hub/care-plan`: the resident's plan document; its version is the ETag, so a
    hub asking with `If-None-Match` gets 304 until the nurse changes it."""
    hub = hub_of(request)
    found = request.app[STORE_KEY].plan_of(hub.patient_id)
    if found is None:
        return web.Response(status=404, text="no care plan yet")
    version, document = found
    etag = f'"{version}"'
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(text=document, content_type="application/json", headers={"ETag": etag})


DEVICE_FIELDS = {"name": str, "kind": str, "battery": (int, type(None)), "last_contact": (str, type(None)),
                 "connected": bool, "problem": str}
MAX_DEVICES = 64
MAX_TEXT = 200  # characters in a device's name, kind, last_contact or problem: a nurse reads them on one line


def _devices(body: object) -> list[dict] | None:
    """The devices a heartbeat tells (optional), checked field by field: 400 if wrong."""
    if not isinstance(body, dict) or "devices" not in body:
        return None
    devices = body["devices"]
    if not isinstance(devices, list) or len(devices) > MAX_DEVICES:
        raise FhirProblem(400, "invalid", f"devices must be a list of at most {MAX_DEVICES}")
    for i, device in enumerate(devices):
        if not isinstance(device, dict) or set(device) - set(DEVICE_FIELDS):
            raise FhirProblem(400, "invalid", f"devices[{i}] has fields this service does not know")
        for name, kind in DEVICE_FIELDS.items():
            if name in device and not isinstance(device[name], kind):
                raise FhirProblem(400, "invalid", f"devices[{i}].{name} has the wrong type")
            if isinstance(device.get(name), str) and len(device[name]) > MAX_TEXT:
                raise FhirProblem(400, "invalid", f"devices[{i}].{name} is longer than {MAX_TEXT} characters")
    return devices


async def heartbeat(request: web.Request) -> web.Response:
    """`POST /hub/heartbeat`: the hub is alive (the service's supervision counts on it);
    its JSON body may tell its devices' state for the nurse's resident page, and its
    store's: a hub that cannot store is a technical alarm for the nurses."""
    hub = hub_of(request)
    body = json_body(request, optional=True)
    try:
        health = store_health(body)
    except ValueError as exc:
        raise FhirProblem(400, "invalid", str(exc)) from None
    store = request.app[STORE_KEY]
    seen = store.heard_from(hub.id, _devices(body))
    if health is not None and health["state"] == "cannot_store":
        if hub_cannot_store(store, hub.id, hub.patient_id, health, datetime.now(timezone.utc)):
            await changes.announce(request.app)
    return web.json_response({"seen": seen})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/hub/events", events)
    app.router.add_get("/hub/care-plan", care_plan)
    app.router.add_post("/hub/heartbeat", heartbeat)
