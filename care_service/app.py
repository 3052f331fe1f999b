"""The reference care service as an aiohttp application: the FHIR API and the fast
channel for hubs, the supervision of hubs and alarms, and the nurse console."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiohttp import web

from care_service import changes, fhir_api, hub_calls, hub_channel
from care_service.alarm_desk import AlarmDesk
from care_service.call_invitations import Invitations
from care_service.call_rooms import CallRooms
from care_service.call_signaling import Calls, add_signaling
from care_service.console import add_console
from care_service.console.web import guard
from care_service.ice_servers import IceServers
from care_service.storage import ServiceStore
from care_service.supervision import add_supervision


def build_app(data_dir: Path, hub_silent_after: timedelta = timedelta(minutes=5),
              escalate_after: timedelta = timedelta(minutes=5), watch_every_s: float = 30.0,
              stun: tuple[str, ...] = (), turn: tuple[str, ...] = (), turn_secret: str | None = None,
              ring_timeout_s: float = 60.0) -> web.Application:
    """`stun`, `turn`, `turn_secret`: the ICE servers calls are given (docs/video-calls.md);
    `ring_timeout_s`: a call nobody answers is missed after it."""
    ice = IceServers(tuple(stun), tuple(turn), turn_secret)  # wrong options fail here, before serving
    store = ServiceStore(Path(data_dir) / "care-service.db")
    desk = AlarmDesk(store)
    # Each endpoint a hub sends to has its own, smaller limit (fhir_api.BODY_LIMITS).
    app = web.Application(middlewares=[fhir_api.outcomes, fhir_api.hub_bodies, guard],
                          client_max_size=8 * 1024 * 1024)
    app[fhir_api.STORE_KEY] = store
    changes.setup(app)
    fhir_api.add_routes(app)
    hub_channel.add_routes(app)
    add_signaling(app, Calls(CallRooms(store), Invitations(store), ice, ring_timeout_s))
    hub_calls.add_routes(app)
    add_supervision(app, desk, hub_silent_after, escalate_after, watch_every_s)
    add_console(app, desk)

    async def close_store(_app: web.Application) -> None:
        store.close()

    app.on_cleanup.append(close_store)
    return app
