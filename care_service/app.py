"""The reference care service as an aiohttp application: the FHIR API for hubs (and,
with the console, the nurses' pages)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiohttp import web

from care_service import fhir_api, hub_channel
from care_service.storage import ServiceStore
from care_service.supervision import add_supervision


def build_app(data_dir: Path, hub_silent_after: timedelta = timedelta(minutes=5), watch_every_s: float = 30.0) -> web.Application:
    store = ServiceStore(Path(data_dir) / "care-service.db")
    app = web.Application(middlewares=[fhir_api.outcomes], client_max_size=8 * 1024 * 1024)
    app[fhir_api.STORE_KEY] = store
    fhir_api.add_routes(app)
    hub_channel.add_routes(app)
    add_supervision(app, store, hub_silent_after, watch_every_s)

    async def close_store(_app: web.Application) -> None:
        store.close()

    app.on_cleanup.append(close_store)
    return app
