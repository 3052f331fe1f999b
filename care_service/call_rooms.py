"""Rooms for video calls (docs/video-calls.md): one call about one resident, with two
secret keys, one for the caller (a nurse, or a relative with an invitation) and one for
the resident's hub, and a state whose every change is stored with its time.

    ringing -> connected -> ended
    ringing -> declined | missed | cancelled

The keys are kept as they are (the nurse's console opens the caller's side again from
them) for the room's short life, and compared in constant time.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from care_service.storage import ServiceStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS call_rooms (id TEXT PRIMARY KEY, patient_id TEXT NOT NULL REFERENCES patients(id), "
    "caller TEXT NOT NULL, caller_name TEXT NOT NULL, from_home INTEGER NOT NULL, caller_key TEXT NOT NULL, "
    "home_key TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, "
    "answered_at TEXT, history TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS call_rooms_patient ON call_rooms (patient_id, created_at)",
    "CREATE INDEX IF NOT EXISTS call_rooms_state ON call_rooms (state, created_at)",
)
ROLES = ("caller", "home")
CALLERS = ("nurse", "relative")
FINAL = ("ended", "declined", "missed", "cancelled")
LIFETIME = timedelta(hours=2)
# Which state may follow which (anything else is refused: a late "declined" after the
# caller hung up changes nothing).
NEXT = {"ringing": {"connected", "declined", "missed", "cancelled"}, "connected": {"ended"}}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Room:
    id: str
    patient_id: str
    caller: str  # "nurse" | "relative"
    caller_name: str  # the nurse's or relative's name ("" for a call to the service nobody has joined yet)
    from_home: bool  # the resident called out
    caller_key: str
    home_key: str
    state: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    history: tuple[tuple[str, str], ...]  # (state, when) for every change, the first one "ringing"

    def key(self, role: str) -> str:
        return self.caller_key if role == "caller" else self.home_key

    def role_of(self, key: str) -> str | None:
        """Which side this key opens (compared in constant time), or None."""
        found = None
        for role in ROLES:
            if hmac.compare_digest(self.key(role).encode(), key.encode()):
                found = role
        return found

    @property
    def final(self) -> bool:
        return self.state in FINAL

    def changed_at(self, state: str) -> str | None:
        return next((when for s, when in self.history if s == state), None)


class StateRefused(Exception):
    """The room is not in a state that can become the one asked for."""


class CallRooms:
    def __init__(self, store: ServiceStore, lifetime: timedelta = LIFETIME,
                 clock=lambda: datetime.now(timezone.utc)) -> None:
        self.store, self.lifetime, self._clock = store, lifetime, clock
        with store.db.conn:
            for statement in SCHEMA:
                store.db.conn.execute(statement)

    def now(self) -> datetime:
        return self._clock()

    def create(self, patient_id: str, caller: str, caller_name: str, from_home: bool = False) -> Room:
        if caller not in CALLERS:
            raise ValueError(f"caller must be one of {CALLERS}")
        now = self._clock()
        room_id, caller_key, home_key = secrets.token_urlsafe(12), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        history = [["ringing", _stamp(now)]]
        with self.store.db.conn:
            self.store.db.conn.execute(
                "INSERT INTO call_rooms (id, patient_id, caller, caller_name, from_home, caller_key, home_key, state, "
                "created_at, expires_at, history) VALUES (?, ?, ?, ?, ?, ?, ?, 'ringing', ?, ?, ?)",
                (room_id, patient_id, caller, caller_name, int(from_home), caller_key, home_key, _stamp(now),
                 _stamp(now + self.lifetime), json.dumps(history)))
        found = self.get(room_id)
        assert found is not None
        return found

    def get(self, room_id: str) -> Room | None:
        """The room, expired or not (None if there is none)."""
        row = self.store.db.conn.execute(
            "SELECT id, patient_id, caller, caller_name, from_home, caller_key, home_key, state, created_at, "
            "expires_at, answered_at, history FROM call_rooms WHERE id = ?", (room_id,)).fetchone()
        return self._room(row) if row else None

    def open(self, room_id: str, key: str) -> tuple[Room, str] | None:
        """(the room, the role the key opens) for a live room and a right key; else None
        (which the pages answer with 404, never saying which part was wrong)."""
        room = self.get(room_id)
        if room is None or room.expires_at <= self._clock() or not key:
            return None
        role = room.role_of(key)
        return (room, role) if role else None

    def change(self, room_id: str, state: str) -> Room:
        """The room in `state` now (stored with the time), or StateRefused."""
        with self.store.db.conn:
            room = self.get(room_id)
            if room is None or state not in NEXT.get(room.state, ()):
                raise StateRefused(f"{room.state if room else 'no room'} cannot become {state}")
            history = [list(entry) for entry in room.history] + [[state, _stamp(self._clock())]]
            self.store.db.conn.execute("UPDATE call_rooms SET state = ?, history = ? WHERE id = ?",
                                       (state, json.dumps(history), room_id))
        return self.get(room_id)  # type: ignore[return-value]

    def answered(self, room_id: str) -> Room:
        """The hub says the resident answered: the ring clock stops."""
        with self.store.db.conn:
            self.store.db.conn.execute("UPDATE call_rooms SET answered_at = coalesce(answered_at, ?) WHERE id = ?",
                                       (_stamp(self._clock()), room_id))
        return self.get(room_id)  # type: ignore[return-value]

    def joined_by(self, room_id: str, name: str) -> None:
        """A nurse took a call to the service: her name on the room."""
        with self.store.db.conn:
            self.store.db.conn.execute("UPDATE call_rooms SET caller_name = ? WHERE id = ? AND caller_name = ''",
                                       (name, room_id))

    def unanswered(self, older_than: timedelta) -> list[Room]:
        """Rooms still ringing, not answered, made more than `older_than` ago."""
        since = _stamp(self._clock() - older_than)
        rows = self.store.db.conn.execute(
            "SELECT id, patient_id, caller, caller_name, from_home, caller_key, home_key, state, created_at, "
            "expires_at, answered_at, history FROM call_rooms WHERE state = 'ringing' AND answered_at IS NULL "
            "AND created_at < ?", (since,)).fetchall()
        return [self._room(row) for row in rows]

    def overdue(self) -> list[Room]:
        """Rooms past their life that are not over yet."""
        rows = self.store.db.conn.execute(
            "SELECT id, patient_id, caller, caller_name, from_home, caller_key, home_key, state, created_at, "
            "expires_at, answered_at, history FROM call_rooms WHERE state IN ('ringing', 'connected') "
            "AND expires_at <= ?", (_stamp(self._clock()),)).fetchall()
        return [self._room(row) for row in rows]

    def of_patient(self, patient_id: str, limit: int = 10) -> list[Room]:
        rows = self.store.db.conn.execute(
            "SELECT id, patient_id, caller, caller_name, from_home, caller_key, home_key, state, created_at, "
            "expires_at, answered_at, history FROM call_rooms WHERE patient_id = ? ORDER BY created_at DESC LIMIT ?",
            (patient_id, limit)).fetchall()
        return [self._room(row) for row in rows]

    def calling_the_service(self) -> list[Room]:
        """Residents calling the nurses now (ringing, not expired), oldest first."""
        rows = self.store.db.conn.execute(
            "SELECT id, patient_id, caller, caller_name, from_home, caller_key, home_key, state, created_at, "
            "expires_at, answered_at, history FROM call_rooms WHERE state = 'ringing' AND from_home = 1 "
            "AND caller = 'nurse' AND expires_at > ? ORDER BY created_at", (_stamp(self._clock()),)).fetchall()
        return [self._room(row) for row in rows]

    @staticmethod
    def _room(row: Any) -> Room:
        return Room(id=row[0], patient_id=row[1], caller=row[2], caller_name=row[3], from_home=bool(row[4]),
                    caller_key=row[5], home_key=row[6], state=row[7], created_at=_instant(row[8]),
                    expires_at=_instant(row[9]), answered_at=_instant(row[10]) if row[10] else None,
                    history=tuple((s, when) for s, when in json.loads(row[11])))
