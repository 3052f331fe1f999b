"""The fast channel back to a hub: server-sent events on `GET /hub/events`.

A hub keeps this request open; the service sends each acknowledgement, and a note
that the care plan changed (the hub then fetches `GET /hub/care-plan`), as an event
with a number. A hub that
reconnects sends `Last-Event-ID` and gets everything after it, so nothing is lost
across a dropped connection; a comment line every 15 s keeps proxies from closing it.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from care_service.fhir_api import STORE_KEY, hub_of

KEEPALIVE_S = 15.0
LOOK_S = 0.5
WAKE_KEY = web.AppKey("hub_wake", asyncio.Condition)
CLOSING_KEY = web.AppKey("hub_channels_closing", asyncio.Event)


async def events(request: web.Request) -> web.StreamResponse:
    hub = hub_of(request)
    store, wake = request.app[STORE_KEY], request.app[WAKE_KEY]
    try:
        last = int(request.headers.get("Last-Event-ID") or request.query.get("after") or 0)
    except ValueError:
        last = 0
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    closing = request.app[CLOSING_KEY]
    quiet = 0.0
    while not closing.is_set():
        for number, kind, body in store.to_hub_after(hub.patient_id, last):
            await response.write(f"id: {number}\nevent: {kind}\ndata: {json.dumps(body)}\n\n".encode())
            last, quiet = number, 0.0
        async with wake:
            try:
                # Short waits, so a shutdown never waits long for an open channel.
                await asyncio.wait_for(wake.wait(), LOOK_S)
                continue
            except asyncio.TimeoutError:
                quiet += LOOK_S
        if quiet >= KEEPALIVE_S:
            await response.write(b": still here\n\n")
            quiet = 0.0
    return response


async def announce(app: web.Application) -> None:
    """Something new for a hub: wake the open channels."""
    wake = app[WAKE_KEY]
    async with wake:
        wake.notify_all()


async def close_channels(app: web.Application) -> None:
    """On shutdown the open channels end at once (the hubs reconnect to whoever serves next)."""
    app[CLOSING_KEY].set()
    await announce(app)


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


async def heartbeat(request: web.Request) -> web.Response:
    """`POST /hub/heartbeat`: the hub is alive (the service's supervision counts on it)."""
    hub = hub_of(request)
    seen = request.app[STORE_KEY].heard_from(hub.id)
    return web.json_response({"seen": seen})


def add_routes(app: web.Application) -> None:
    app[WAKE_KEY] = asyncio.Condition()
    app[CLOSING_KEY] = asyncio.Event()
    app.on_shutdown.append(close_channels)
    app.router.add_get("/hub/events", events)
    app.router.add_get("/hub/care-plan", care_plan)
    app.router.add_post("/hub/heartbeat", heartbeat)
