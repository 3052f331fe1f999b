"""Opening the hub's store so that a damaged or lost one never takes Help away.

A store file that cannot be read is set aside untouched (renamed, with its WAL, to
`hub.db.damaged-<time>`) for the technician, and the hub starts on a fresh store with
the setup it keeps beside the store (`hub.db.setup.json`: the wired devices' ports,
the Bluetooth pairings and the care plan), so the pendant's receiver is opened again
at once. A store that was there before (its setup copy says so) and is now missing or
empty is never taken for a new hub in silence: it is an incident too. Either way the
core raises a technical alarm for the care service, and the technician's system page
says what happened and how to restore.

A store written by a newer hub is still refused (nothing is damaged: the technician
installs that version again), as is one that cannot be opened at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from hub_app.store import AuditEntry, Store, StoreError, read_setup_copy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreIncident:
    what: str  # "damaged", "emptied" (a zero-length file), "missing"
    reason: str  # in plain words, for the technician
    set_aside: Path | None  # where the old file was kept
    restored: bool  # the devices, pairings and plan came back from the setup copy

    def detail(self) -> dict[str, object]:
        return {"what": self.what, "reason": self.reason, "restored": self.restored,
                "set_aside": self.set_aside.name if self.set_aside else ""}


def _set_aside(path: Path, why: str, at: datetime) -> Path:
    """Rename the store and its WAL files out of the way, untouched."""
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{number}")
    for suffix in ("-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            part.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target


def open_store(path: Path, now: datetime | None = None) -> tuple[Store, StoreIncident | None]:
    """The hub's store, and what had to be done to open it (None: nothing)."""
    at = now or datetime.now(timezone.utc)
    copy = read_setup_copy(path)
    incident: StoreIncident | None = None
    if copy is not None and not path.exists():
        incident = StoreIncident("missing", f"the store {path.name} was there before and is gone", None, False)
    elif copy is not None and path.stat().st_size == 0:
        incident = StoreIncident("emptied", f"the store {path.name} was there before and is now empty",
                                 _set_aside(path, "empty", at), False)
    try:
        store = Store(path)
    except StoreError as exc:
        if exc.kind != "damaged":
            raise
        try:
            aside = _set_aside(path, "damaged", at)
        except OSError as move:
            raise StoreError(f"{exc} It could not be set aside either ({move.strerror or move}).", "open") from exc
        store = Store(path)
        incident = StoreIncident("damaged", str(exc).split(". It ")[0], aside, False)
    if incident is None:
        if copy is None:
            store.keep_setup_copy()  # a hub from before the copy existed gets one at once
        return store, None
    restored = False
    if copy is not None:
        restored = store.restore_setup(copy, AuditEntry("system", "store.setup_restored",
                                                        detail={"from": store.setup_copy_path.name})) > 0
    else:
        store.keep_setup_copy()
    incident = StoreIncident(incident.what, incident.reason, incident.set_aside, restored)
    store.audit(AuditEntry("system", "store.replaced", detail=incident.detail()))
    log.error("The hub's store was %s: %s. The hub runs on a fresh store%s%s.", incident.what, incident.reason,
              " with its devices and plan from the setup copy" if restored else "",
              f"; the old file is kept as {incident.set_aside}" if incident.set_aside else "")
    return store, incident


def last_incident(store: Store) -> dict[str, object] | None:
    """The latest time this store was started fresh in place of a damaged or lost one
    (for the technician's page): its detail and when, or None."""
    rows = store.audit_rows(["store.replaced"], limit=1)
    return {**rows[0]["detail"], "at": rows[0]["at"]} if rows else None
