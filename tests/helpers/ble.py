"""Looking at what a running hub stored from its Bluetooth devices (its core runs on a
thread of its own, so everything is read through core.call)."""

from __future__ import annotations

from tests.helpers.plans import wait_for as _wait_for
from vocabulary import EventKind


def wait_for(condition, timeout=15.0, what="the condition"):
    """Room for a reconnection: a search that finds nothing, the backoff, a connection."""
    _wait_for(condition, timeout, what)


def readings(core, type_=None):
    """The readings stored, oldest first."""
    events = [e for e in reversed(core.call(core.diagnostics.recent_events, 1000)) if e.kind == EventKind.READING]
    return [e for e in events if type_ is None or e.type == type_]


def audit_rows(core, *actions):
    """The audit log's rows (those of `actions` only, if given), newest first."""
    async def read():
        return core.store.audit_rows(actions=list(actions) or None, limit=1000)

    return core.call(read)
