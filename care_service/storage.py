"""The reference care service's one SQLite file, through sqlite-utils: residents,
hubs (with the hash of their credential), nurses (argon2 hashes), and the FHIR
resources the hubs send (kept as JSON, found by type, patient, identifier and time).

A production service keeps its resources in a FHIR server instead (README): the API
the hubs use stays the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

RESOURCES = ("CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, type TEXT NOT NULL, "
             "patient_id TEXT NOT NULL, identifier TEXT, last_updated TEXT NOT NULL, "
             "version INTEGER NOT NULL DEFAULT 1, body TEXT NOT NULL)")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS patients (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS hubs (id TEXT PRIMARY KEY, patient_id TEXT NOT NULL REFERENCES patients(id), "
    "token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)",
    "CREATE TABLE IF NOT EXISTS nurses (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
    "created_at TEXT NOT NULL)",
    RESOURCES.format(table="resources"),
    # An identifier is the resident's own: one hub's identifier never stands for, nor
    # stands in the way of, another resident's resource.
    "CREATE UNIQUE INDEX IF NOT EXISTS resources_identifier ON resources (patient_id, type, identifier)",
    "CREATE INDEX IF NOT EXISTS resources_patient ON resources (patient_id, type, last_updated)",
    # What goes back to a hub (an acknowledgement, a nurse's message), numbered so a hub
    # that reconnects asks for what it has not seen (SSE Last-Event-ID) and loses nothing.
    "CREATE TABLE IF NOT EXISTS to_hub (id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, kind TEXT NOT NULL, "
    "body TEXT NOT NULL, created_at TEXT NOT NULL)",
    # Each resident's care plan, as the hub reads it (the plan document, JSON); its
    # version is the ETag.
    "CREATE TABLE IF NOT EXISTS care_plans (patient_id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
    "document TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL)",
)
_hasher = PasswordHasher()


def check_contact(phone: str, address: str) -> tuple[str, str]:
    """A phone number (digits, spaces, one leading +; 3 to 15 digits) and an address (one
    line, at most 200 characters), both optional; ValueError says what is wrong."""
    phone, address = " ".join(phone.split()), " ".join(address.split())
    if phone and not re.fullmatch(r"\+?[0-9 ]+", phone) or phone and not 3 <= sum(c.isdigit() for c in phone) <= 15:
        raise ValueError("phone")
    if len(address) > 200:
        raise ValueError("address")
    return phone, address


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def token_hash(token: str) -> str:
    # A credential is 256 random bits: a plain SHA-256 of it cannot be guessed back.
    return hashlib.sha256(token.encode()).hexdigest()


def _identifiers_per_resident(conn: sqlite3.Connection) -> None:
    """A file from before kept an identifier unique across all residents (`UNIQUE (type,
    identifier)` in the table itself), so a hub could claim another home's identifier
    first. SQLite cannot drop a table's constraint: the table is copied into one without
    it, rows and rowids (the order they came in) as they were, in one transaction; the
    indexes are made again by SCHEMA."""
    def old_rule() -> bool:
        return any(row[3] == "u" for row in conn.execute("PRAGMA index_list(resources)"))

    if not old_rule():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if old_rule():  # still: another process may have done it while we waited
            conn.execute(RESOURCES.format(table="resources_new"))
            conn.execute("INSERT INTO resources_new (rowid, id, type, patient_id, identifier, last_updated, version, "
                         "body) SELECT rowid, id, type, patient_id, identifier, last_updated, version, body "
                         "FROM resources")
            conn.execute("DROP TABLE resources")
            conn.execute("ALTER TABLE resources_new RENAME TO resources")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


@dataclass(frozen=True)
class Hub:
    id: str
    patient_id: str


class ServiceStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Residents' health data: the folder closed to others, the database (and the WAL
        # SQLite makes with its mode) readable by the service's user only, whatever the umask.
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.path.parent, 0o700)
        try:
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        os.chmod(self.path, 0o600)
        conn = sqlite3.connect(self.path, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.db.conn.execute("PRAGMA journal_mode=WAL")
        self.db.conn.execute("PRAGMA synchronous=FULL")
        _identifiers_per_resident(self.db.conn)
        with self.db.conn:
            for statement in SCHEMA:
                self.db.conn.execute(statement)
            columns = {row[1] for row in self.db.conn.execute("PRAGMA table_info(hubs)")}
            if "last_seen" not in columns:  # a file from before heartbeats
                self.db.conn.execute("ALTER TABLE hubs ADD COLUMN last_seen TEXT")
            if "devices" not in columns:  # a file from before heartbeats told the devices
                self.db.conn.execute("ALTER TABLE hubs ADD COLUMN devices TEXT")
            patient_columns = {row[1] for row in self.db.conn.execute("PRAGMA table_info(patients)")}
            for column in ("phone", "address"):  # a file from before the nurse kept them
                if column not in patient_columns:
                    self.db.conn.execute(f"ALTER TABLE patients ADD COLUMN {column} TEXT")
            nurse_columns = {row[1] for row in self.db.conn.execute("PRAGMA table_info(nurses)")}
            if "display_name" not in nurse_columns:  # a file from before nurses had names
                self.db.conn.execute("ALTER TABLE nurses ADD COLUMN display_name TEXT")

    def close(self) -> None:
        self.db.conn.close()

    # -- residents, hubs, nurses -----------------------------------------------------------

    def residents_named(self, name: str) -> list[str]:
        """The ids of the residents with this name (two people may share one)."""
        return [row[0] for row in self.db.conn.execute("SELECT id FROM patients WHERE name = ?", (name,))]

    def nurse_exists(self, username: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM nurses WHERE username = ?", (username,)).fetchone() is not None

    def set_nurse_password(self, username: str, password: str, display_name: str = "") -> None:
        """A new password for a nurse who exists; her name stays unless a new one is given."""
        with self.db.conn:
            self.db.conn.execute("UPDATE nurses SET password_hash = ?, display_name = coalesce(?, display_name) "
                                 "WHERE username = ?", (_hasher.hash(password), display_name.strip() or None, username))

    def add_hub(self, resident_name: str) -> tuple[str, str]:
        """A resident and their hub: (the hub's credential, shown once; the resident's id)."""
        patient_id, hub_id, token = str(uuid.uuid4()), str(uuid.uuid4()), secrets.token_urlsafe(32)
        with self.db.conn:
            self.db.conn.execute("INSERT INTO patients (id, name, created_at) VALUES (?, ?, ?)",
                                 (patient_id, resident_name, now_iso()))
            self.db.conn.execute("INSERT INTO hubs (id, patient_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
                                 (hub_id, patient_id, token_hash(token), now_iso()))
        return token, patient_id

    def hub_for(self, token: str) -> Hub | None:
        row = self.db.conn.execute("SELECT id, patient_id FROM hubs WHERE token_hash = ? AND revoked_at IS NULL",
                                   (token_hash(token),)).fetchone()
        return Hub(row[0], row[1]) if row else None

    def heard_from(self, hub_id: str, devices: list[dict[str, Any]] | None = None) -> str:
        """A heartbeat; `devices`: the hub's devices as it sees them now (kept as told,
        the latest only), when it said."""
        stamp = now_iso()
        with self.db.conn:
            if devices is None:
                self.db.conn.execute("UPDATE hubs SET last_seen = ? WHERE id = ?", (stamp, hub_id))
            else:
                self.db.conn.execute("UPDATE hubs SET last_seen = ?, devices = ? WHERE id = ?",
                                     (stamp, json.dumps(devices), hub_id))
        return stamp

    def devices_of(self, patient_id: str) -> list[dict[str, Any]]:
        """What the resident's hub last said about its devices (name, kind, battery,
        last_contact, connected, problem), [] before it has said anything."""
        row = self.db.conn.execute("SELECT devices FROM hubs WHERE patient_id = ? AND devices IS NOT NULL "
                                   "ORDER BY last_seen DESC LIMIT 1", (patient_id,)).fetchone()
        return json.loads(row[0]) if row else []

    def patients(self) -> list[dict[str, Any]]:
        rows = self.db.conn.execute("SELECT id, name FROM patients ORDER BY name").fetchall()
        return [{"id": row[0], "name": row[1]} for row in rows]

    def last_seen(self, patient_id: str) -> str | None:
        row = self.db.conn.execute("SELECT max(last_seen) FROM hubs WHERE patient_id = ?", (patient_id,)).fetchone()
        return row[0] if row else None

    def revoke_hub_of(self, patient_id: str) -> int:
        """Revoke the resident's hub credential: every request with it is refused from now
        on, and its open event channel ends within a second (`hub_active`)."""
        with self.db.conn:
            return self.db.conn.execute("UPDATE hubs SET revoked_at = ? WHERE patient_id = ? AND revoked_at IS NULL",
                                        (now_iso(), patient_id)).rowcount

    def hub_active(self, hub_id: str) -> bool:
        """Whether the hub's credential still holds (not revoked): asked by its open channel."""
        return self.db.conn.execute("SELECT 1 FROM hubs WHERE id = ? AND revoked_at IS NULL",
                                    (hub_id,)).fetchone() is not None

    def add_nurse(self, username: str, password: str, display_name: str = "") -> None:
        """`display_name`: what a resident is told ("Help is on the way: Sykepleier Nina");
        the user name when empty."""
        with self.db.conn:
            self.db.conn.execute("INSERT OR REPLACE INTO nurses (username, password_hash, created_at, display_name) "
                                 "VALUES (?, ?, ?, ?)", (username, _hasher.hash(password), now_iso(),
                                                         display_name.strip() or None))

    def nurse_name(self, username: str) -> str:
        row = self.db.conn.execute("SELECT display_name FROM nurses WHERE username = ?", (username,)).fetchone()
        return (row[0] if row and row[0] else username)

    def nurse_password_hash(self, username: str) -> str | None:
        row = self.db.conn.execute("SELECT password_hash FROM nurses WHERE username = ?", (username,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def password_matches(password_hash: str | None, password: str) -> bool:
        """Whether `password` is the one behind `password_hash` (None: no such nurse).
        Argon2 takes a good tenth of a second of CPU on purpose, and touches no database:
        a server runs it off its event loop."""
        if password_hash is None:
            _hasher.hash(password)  # the same time for an unknown name: no hint which names exist
            return False
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def check_nurse(self, username: str, password: str) -> bool:
        return self.password_matches(self.nurse_password_hash(username), password)

    def patient(self, patient_id: str) -> dict[str, Any] | None:
        row = self.db.conn.execute("SELECT id, name, coalesce(phone, ''), coalesce(address, '') FROM patients "
                                   "WHERE id = ?", (patient_id,)).fetchone()
        return {"id": row[0], "name": row[1], "phone": row[2], "address": row[3]} if row else None

    def set_contact(self, patient_id: str, phone: str, address: str) -> None:
        """The resident's phone number and address, as the nurse wrote them (checked by
        `check_contact` first)."""
        phone, address = check_contact(phone, address)
        with self.db.conn:
            self.db.conn.execute("UPDATE patients SET phone = ?, address = ? WHERE id = ?",
                                 (phone or None, address or None, patient_id))

    # -- what goes back to the hubs ------------------------------------------------------------

    def queue_for_hub(self, patient_id: str, kind: str, body: dict[str, Any]) -> int:
        """Something for the resident's hub (an acknowledgement, a note, a nurse's message,
        a new plan), in the caller's transaction; returns its number. The caller wakes
        the channels (`changes.announce`)."""
        return self.db.conn.execute("INSERT INTO to_hub (patient_id, kind, body, created_at) VALUES (?, ?, ?, ?)",
                                    (patient_id, kind, json.dumps(body), now_iso())).lastrowid

    def to_hub_after(self, patient_id: str, after: int) -> list[tuple[int, str, dict[str, Any]]]:
        rows = self.db.conn.execute("SELECT id, kind, body FROM to_hub WHERE patient_id = ? AND id > ? ORDER BY id",
                                    (patient_id, after)).fetchall()
        return [(row[0], row[1], json.loads(row[2])) for row in rows]

    def set_plan(self, patient_id: str, document: dict[str, Any], by: str) -> int:
        """A new version of the resident's plan (the console checks it first); tells the hub."""
        version = int(document.get("version", 0))
        with self.db.conn:
            self.db.conn.execute(
                "INSERT OR REPLACE INTO care_plans (patient_id, version, document, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?, ?)", (patient_id, version, json.dumps(document, sort_keys=True), now_iso(), by))
            self.queue_for_hub(patient_id, "care_plan", {"version": version})
        return version

    def plan_of(self, patient_id: str) -> tuple[int, str] | None:
        row = self.db.conn.execute("SELECT version, document FROM care_plans WHERE patient_id = ?",
                                   (patient_id,)).fetchone()
        return (row[0], row[1]) if row else None

    # -- FHIR resources ----------------------------------------------------------------------

    def find_by_identifier(self, resource_type: str, identifier: str,
                           patient_id: str | None = None) -> dict[str, Any] | None:
        """The resident's resource with this identifier. Without `patient_id`, the first
        of any resident's: only for the service's own look-ups (a hub's alarm uid, in a
        test or a tool), never for an answer to a hub."""
        if patient_id is None:
            row = self.db.conn.execute("SELECT body FROM resources WHERE type = ? AND identifier = ? "
                                       "ORDER BY rowid LIMIT 1", (resource_type, identifier)).fetchone()
        else:
            row = self.db.conn.execute("SELECT body FROM resources WHERE patient_id = ? AND type = ? "
                                       "AND identifier = ?", (patient_id, resource_type, identifier)).fetchone()
        return json.loads(row[0]) if row else None

    def create(self, resource: dict[str, Any], patient_id: str, identifier: str | None,
               conn: sqlite3.Connection | None = None) -> tuple[dict[str, Any], bool]:
        """Store a new resource of the resident (id and meta set here): (the stored
        resource, created?). A resource whose identifier the resident has stored already
        is that one, not a second; another resident's is no concern of this one."""
        if identifier:
            existing = self.find_by_identifier(resource["resourceType"], identifier, patient_id)
            if existing is not None:
                return existing, False
        stamp = now_iso()
        stored = {**resource, "id": str(uuid.uuid4()), "meta": {"versionId": "1", "lastUpdated": stamp}}
        (conn or self.db.conn).execute(
            "INSERT INTO resources (id, type, patient_id, identifier, last_updated, body) VALUES (?, ?, ?, ?, ?, ?)",
            (stored["id"], stored["resourceType"], patient_id, identifier, stamp, json.dumps(stored, sort_keys=True)))
        return stored, True

    def read(self, resource_type: str, resource_id: str) -> tuple[dict[str, Any], str] | None:
        row = self.db.conn.execute("SELECT body, patient_id FROM resources WHERE type = ? AND id = ?",
                                   (resource_type, resource_id)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def search(self, resource_type: str, patient_id: str, updated_since: str | None = None,
               limit: int = 500) -> list[dict[str, Any]]:
        sql = "SELECT body FROM resources WHERE type = ? AND patient_id = ?"
        args: list[Any] = [resource_type, patient_id]
        if updated_since:
            sql += " AND last_updated >= ?"
            args.append(updated_since)
        rows = self.db.conn.execute(sql + " ORDER BY last_updated LIMIT ?", (*args, limit)).fetchall()
        return [json.loads(row[0]) for row in rows]
