"""Signaling for video calls (docs/video-calls.md): the WebSocket `GET /call/{room}/ws?k=KEY`
that passes the two pages' offers, answers and candidates between them unchanged, the
room's state as it changes (pushed to both sides; a final state closes the sockets),
the fast-channel events for the hub (`call`, `call_ended`), and the watch that makes an
unanswered room `missed` after the ring timeout and ends a room at the end of its life.

The picture and sound never pass through here: only these few JSON messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import WSMsgType, web

from care_service import changes
from care_service.call_invitations import Invitations
from care_service.call_rooms import CallRooms, Room, StateRefused
from care_service.ice_servers import IceServers

log = logging.getLogger(__name__)
OTHER = {"caller": "home", "home": "caller"}
MAX_MESSAGE = 64 * 1024  # an SDP is a few kB


@dataclass
class Calls:
    rooms: CallRooms
    invitations: Invitations
    ice: IceServers
    ring_timeout_s: float
    lines: dict[str, dict[str, web.WebSocketResponse]] = field(default_factory=dict)  # room -> role -> its socket
    watch: asyncio.Task | None = None


CALLS_KEY = web.AppKey("calls", Calls)


def origin_of(request: web.Request) -> str:
    """The service's own origin as the browser or hub reached it ("https://care.example.no").
    Behind a TLS-terminating proxy (docs/care-service.md) the proxy's `X-Forwarded-Proto:
    https` makes it https; the header can only ever turn http into https, never the host."""
    origin = request.url.origin()
    if request.headers.get("X-Forwarded-Proto", "").strip().lower() == "https" and origin.scheme == "http":
        origin = origin.with_scheme("https").with_port(None if origin.port in (80, 443) else origin.port)
    return str(origin)


def home_url(origin: str, room: Room) -> str:
    return f"{origin}/call/{room.id}?k={room.home_key}"


def caller_url(origin: str, room: Room) -> str:
    return f"{origin}/call/{room.id}?k={room.caller_key}"


async def _send(ws: web.WebSocketResponse, message: dict) -> None:
    if ws.closed:
        return
    try:
        await ws.send_json(message)
    except (ConnectionError, RuntimeError):  # the page went away meanwhile: its own close tidies up
        pass


async def ring_home(app: web.Application, room: Room, origin: str) -> None:
    """Tell the resident's hub on its fast channel that someone is calling."""
    store = app[CALLS_KEY].rooms.store
    with store.db.conn:
        store.queue_for_hub(room.patient_id, "call", {
            "room": room.id, "url": home_url(origin, room), "from": room.caller_name, "caller": room.caller,
            "expires_at": room.expires_at.isoformat().replace("+00:00", "Z")})
    await changes.announce(app)


async def change_state(app: web.Application, room_id: str, state: str, by: str = "service") -> Room:
    """The room in `state` (StateRefused if it cannot be), both pages told. `by`: "caller",
    "home" or "hub" (the hub itself), or "service" (the ring timeout, the room's end).
    A call that ends before it was answered, not by the hub, is told to the hub too."""
    calls = app[CALLS_KEY]
    before = calls.rooms.get(room_id)
    room = calls.rooms.change(room_id, state)
    log.info("Call %s: %s", room_id, state)
    lines = calls.lines.get(room_id, {})
    for ws in list(lines.values()):
        await _send(ws, {"type": "state", "state": state})
    if before is not None and before.state == "ringing" and room.final and by not in ("hub", "home"):
        store = calls.rooms.store
        with store.db.conn:
            store.queue_for_hub(room.patient_id, "call_ended", {"room": room.id, "state": state})
    if room.final:
        for ws in list(lines.values()):
            await ws.close()
    await changes.announce(app)
    return room


async def socket(request: web.Request) -> web.StreamResponse:
    app, calls = request.app, request.app[CALLS_KEY]
    opened = calls.rooms.open(request.match_info["room"], request.query.get("k", ""))
    if opened is None:
        raise web.HTTPNotFound(text="no such call")
    room, role = opened
    ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=MAX_MESSAGE)
    await ws.prepare(request)
    lines = calls.lines.setdefault(room.id, {})
    replaced = lines.get(role)
    lines[role] = ws
    if replaced is not None:  # a reloaded page: the newer one is the side now
        await replaced.close(code=4000, message=b"replaced by a newer page")
    peer = lines.get(OTHER[role])
    await _send(ws, {"type": "hello", "role": role, "state": room.state, "peer": peer is not None,
                     "ice_servers": calls.ice.for_room(room.id, room.expires_at)})
    if room.final:
        await ws.close()
        return ws
    if peer is not None:
        await _send(peer, {"type": "peer", "present": True})
    try:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(message.data)
            except ValueError:
                continue
            kind = data.get("type") if isinstance(data, dict) else None
            if kind == "signal" and isinstance(data.get("data"), dict):
                peer = lines.get(OTHER[role])
                if peer is not None:
                    await _send(peer, {"type": "signal", "data": data["data"]})
            elif kind in ("connected", "bye"):
                current = calls.rooms.get(room.id)
                if current is None or current.final:
                    continue
                if kind == "connected" and current.state != "ringing":
                    continue
                state = "connected" if kind == "connected" else "cancelled" if current.state == "ringing" else "ended"
                try:
                    await change_state(app, room.id, state, by=role)
                except StateRefused:
                    pass
    finally:
        if lines.get(role) is ws:
            del lines[role]
            peer = lines.get(OTHER[role])
            over = calls.rooms.get(room.id)
            if peer is not None and over is not None and not over.final:  # (a call that is over is closing both)
                await _send(peer, {"type": "peer", "present": False})
            if not lines:
                calls.lines.pop(room.id, None)
    return ws


async def _watch(app: web.Application) -> None:
    """Every moment: an unanswered room past the ring timeout is missed; a room past its
    life is over."""
    calls = app[CALLS_KEY]
    every = max(0.1, min(1.0, calls.ring_timeout_s / 4))
    while True:
        await asyncio.sleep(every)
        try:
            for room in calls.rooms.unanswered(timedelta(seconds=calls.ring_timeout_s)):
                try:
                    await change_state(app, room.id, "missed")
                except StateRefused:
                    pass
            for room in calls.rooms.overdue():
                try:
                    await change_state(app, room.id, "ended" if room.state == "connected" else "missed")
                except StateRefused:
                    pass
        except Exception:  # the watch must go on; the log says what broke
            log.exception("The watch over call rooms failed")


def add_signaling(app: web.Application, calls: Calls) -> None:
    app[CALLS_KEY] = calls
    app.router.add_get("/call/{room}/ws", socket)

    async def start(app: web.Application) -> None:
        calls.watch = asyncio.get_running_loop().create_task(_watch(app))

    async def stop(app: web.Application) -> None:
        if calls.watch is not None:
            calls.watch.cancel()
        for lines in list(calls.lines.values()):
            for ws in list(lines.values()):
                await ws.close(code=1001, message=b"the service is stopping")

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
