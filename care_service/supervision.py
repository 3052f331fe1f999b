"""The service watches its hubs: a hub that has not been heard from (heartbeat) for
`silent_after` becomes a "hub silent" alarm for the nurses, once per silence, stored
as a DetectedIssue authored by the service so it stands in the alarm list with the
rest. The same watch escalates alarms nobody acknowledged in time (`AlarmDesk`)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta, timezone

from aiohttp import web

from care_service import changes
from care_service.alarm_desk import AlarmDesk
from care_service.storage import ServiceStore
from sync import fhir_mapping as fm

log = logging.getLogger(__name__)
SILENCE_NAMESPACE = uuid.UUID("9a4e2f17-0c3b-4d6e-8a51-2b7f3c9d1e08")
SUPERVISION_KEY = web.AppKey("supervision", asyncio.Task)


def silent_hubs(store: ServiceStore, silent_after: timedelta, now: datetime) -> list[dict]:
    """Hubs heard from once and not since `silent_after`: one DetectedIssue per silence
    (its identity is the hub and the last time it was heard), created once."""
    created = []
    cutoff = (now - silent_after).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    rows = store.db.conn.execute("SELECT id, patient_id, last_seen FROM hubs WHERE revoked_at IS NULL "
                                 "AND last_seen IS NOT NULL AND last_seen < ?", (cutoff,)).fetchall()
    for hub_id, patient_id, last_seen in rows:
        uid = str(uuid.uuid5(SILENCE_NAMESPACE, f"{hub_id}/{last_seen}"))
        issue = fm.detected_issue(uid, "hub_silent", now, f"Patient/{patient_id}", None,
                                  f"The hub has not been heard from since {last_seen}")
        with store.db.conn:
            stored, new = store.create(issue, patient_id, fm.URI + "|" + issue["identifier"][0]["value"])
        if new:
            log.warning("Hub %s is silent (last heard %s)", hub_id, last_seen)
            created.append(stored)
    return created


STORE_STATES = ("ok", "low", "cannot_store")
STORE_PROBLEMS = ("full", "read_only", "io_error")


def store_health(body: object) -> dict | None:
    """The store's state a heartbeat tells (optional), checked: None if absent, ValueError if wrong."""
    if not isinstance(body, dict) or "store" not in body:
        return None
    health = body["store"]
    if not isinstance(health, dict) or health.get("state") not in STORE_STATES:
        raise ValueError(f"store.state must be one of {', '.join(STORE_STATES)}")
    if health["state"] == "cannot_store":
        if health.get("problem") not in STORE_PROBLEMS or not isinstance(health.get("since"), str):
            raise ValueError(f"a store that cannot write needs problem ({', '.join(STORE_PROBLEMS)}) and since")
        try:
            datetime.fromisoformat(health["since"])
        except ValueError:
            raise ValueError("store.since must be an ISO 8601 time") from None
    return health


def hub_cannot_store(store: ServiceStore, hub_id: str, patient_id: str, health: dict, now: datetime) -> dict | None:
    """A hub whose store cannot write (its disk full, read-only or failing) is a technical
    alarm for the nurses, once per episode (its identity is the hub and since when):
    its alarms still arrive, from the hub's memory, but nothing new is kept there."""
    uid = str(uuid.uuid5(SILENCE_NAMESPACE, f"{hub_id}/store/{health['since']}"))
    words = {"full": "its disk is full", "read_only": "its disk is read-only", "io_error": "its disk fails"}
    issue = fm.detected_issue(uid, "hub_cannot_store", now, f"Patient/{patient_id}", None,
                              f"The hub cannot store anything since {health['since']}: {words[health['problem']]}. "
                              "Alarms still arrive; a technician must see to the hub.")
    with store.db.conn:
        stored, new = store.create(issue, patient_id, fm.URI + "|" + issue["identifier"][0]["value"])
    if not new:
        return None
    log.warning("Hub %s cannot store (%s)", hub_id, health["problem"])
    return stored


def add_supervision(app: web.Application, desk: AlarmDesk, silent_after: timedelta, escalate_after: timedelta,
                    every_s: float) -> None:
    async def watch() -> None:
        while True:
            await asyncio.sleep(every_s)
            try:
                now = datetime.now(timezone.utc)
                silent = silent_hubs(desk.store, silent_after, now)
                escalated = desk.escalate_overdue(escalate_after, now)
                for alarm in escalated:
                    log.warning("Alarm %s not acknowledged in time: escalated to the team lead", alarm.id)
                if silent or escalated:
                    await changes.announce(app)
            except Exception:  # the watch must go on; the log says what broke
                log.exception("Hub supervision failed")

    async def start(app: web.Application) -> None:
        app[SUPERVISION_KEY] = asyncio.get_running_loop().create_task(watch())

    async def stop(app: web.Application) -> None:
        app[SUPERVISION_KEY].cancel()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
