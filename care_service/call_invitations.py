"""Invitations for relatives (docs/video-calls.md): a nurse makes a link, valid 1 to 72
hours, for a contact the resident agreed may video-call; the relative opens it on a
phone and calls the resident as often as they like until it runs out. The token is the
credential (128 random bits), kept so the resident's page can show the link again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from care_service.storage import ServiceStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS call_invitations (token TEXT PRIMARY KEY, patient_id TEXT NOT NULL "
    "REFERENCES patients(id), contact_name TEXT NOT NULL, made_by TEXT NOT NULL, created_at TEXT NOT NULL, "
    "expires_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS call_invitations_patient ON call_invitations (patient_id, expires_at)",
)
HOURS = (1, 72)
KEEP_EXPIRED = timedelta(days=30)  # an old link still says "expired" (not "unknown") for a while


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Invitation:
    token: str
    patient_id: str
    contact_name: str
    made_by: str
    expires_at: datetime


class Invitations:
    def __init__(self, store: ServiceStore, clock=lambda: datetime.now(timezone.utc)) -> None:
        self.store, self._clock = store, clock
        with store.db.conn:
            for statement in SCHEMA:
                store.db.conn.execute(statement)

    def make(self, patient_id: str, contact_name: str, hours: int, made_by: str) -> Invitation:
        if not HOURS[0] <= hours <= HOURS[1]:
            raise ValueError(f"an invitation lasts {HOURS[0]} to {HOURS[1]} hours")
        now, token = self._clock(), secrets.token_urlsafe(16)
        with self.store.db.conn:
            self.store.db.conn.execute("DELETE FROM call_invitations WHERE expires_at < ?",
                                       (_stamp(now - KEEP_EXPIRED),))
            self.store.db.conn.execute(
                "INSERT INTO call_invitations (token, patient_id, contact_name, made_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (token, patient_id, contact_name, made_by, _stamp(now), _stamp(now + timedelta(hours=hours))))
        return Invitation(token, patient_id, contact_name, made_by, now + timedelta(hours=hours))

    def find(self, token: str) -> Invitation | None:
        """The invitation, expired or not (`expired` tells)."""
        row = self.store.db.conn.execute(
            "SELECT token, patient_id, contact_name, made_by, expires_at FROM call_invitations WHERE token = ?",
            (token,)).fetchone()
        return Invitation(row[0], row[1], row[2], row[3], datetime.fromisoformat(row[4])) if row else None

    def expired(self, invitation: Invitation) -> bool:
        return invitation.expires_at <= self._clock()

    def valid_for(self, patient_id: str) -> list[Invitation]:
        rows = self.store.db.conn.execute(
            "SELECT token, patient_id, contact_name, made_by, expires_at FROM call_invitations "
            "WHERE patient_id = ? AND expires_at > ? ORDER BY expires_at", (patient_id, _stamp(self._clock()))).fetchall()
        return [Invitation(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    def withdraw(self, patient_id: str, token: str) -> bool:
        with self.store.db.conn:
            return self.store.db.conn.execute(
                "UPDATE call_invitations SET expires_at = ? WHERE token = ? AND patient_id = ? AND expires_at > ?",
                (_stamp(self._clock()), token, patient_id, _stamp(self._clock()))).rowcount > 0


def callable_contacts(document: dict) -> list[str]:
    """The names of the plan's contacts the resident agreed may video-call (`calls = true`)."""
    contacts = document.get("contact") if isinstance(document.get("contact"), list) else []
    return [c["name"] for c in contacts
            if isinstance(c, dict) and c.get("calls") is True and isinstance(c.get("name"), str) and c["name"]]
