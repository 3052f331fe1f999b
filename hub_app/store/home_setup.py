"""What a technician or a nurse set up in a home: the wired devices' ports, the
Bluetooth pairings (the allow-list) and the care plans; and the copy of that setup kept
beside the store, so a hub whose store is damaged or lost starts on a fresh one with the
same devices and plan."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from hub_app.store.base import StoreBase
from hub_app.store.rows import AuditEntry, iso_utc, now_utc

log = logging.getLogger(__name__)

SETUP_TABLES = ("serial_devices", "ble_devices", "care_plans")  # what a technician or a nurse set up


def setup_copy_path(store_path: Path) -> Path:
    """Where the copy of a store's setup lives: beside it (store.keep_setup_copy)."""
    return store_path.with_name(store_path.name + ".setup.json")


def read_setup_copy(store_path: Path) -> dict[str, list[dict[str, Any]]] | None:
    """The setup copy kept beside a store; None when there is none (a new hub) or it
    cannot be read."""
    path = setup_copy_path(store_path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("The copy of the hub's setup %s cannot be read: %s", path, exc)
        return None
    setup = document.get("setup") if isinstance(document, dict) else None
    if not isinstance(setup, dict) or not all(isinstance(rows, list) for rows in setup.values()):
        log.warning("The copy of the hub's setup %s is not one this hub can read", path)
        return None
    return {table: [row for row in setup.get(table, []) if isinstance(row, dict)] for table in SETUP_TABLES}


def stored_plan_document(path: Path) -> str | None:
    """The plan in force in a hub's store, read without writing anything (a running hub
    may be using the file); None when there is no store or no plan yet."""
    if not Path(path).exists():
        return None
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT document FROM care_plans ORDER BY version DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # an older store without plans, or not a hub store: no plan
        return None
    return row[0] if row else None


class HomeSetup(StoreBase):
    # -- serial devices ----------------------------------------------------------

    def assign_device(self, port: str, kind: str, model: str, serial_number: str, firmware: str, audit: AuditEntry) -> None:
        now = now_utc()
        with self._writing():
            self.db.conn.execute(
                "INSERT OR REPLACE INTO serial_devices (port, kind, model, serial_number, firmware, assigned_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (port, kind, model, serial_number, firmware, now),
            )
            self._insert_audit(audit, now)
        self.keep_setup_copy()

    def unassign_device(self, port: str, audit: AuditEntry) -> bool:
        with self._writing():
            removed = self.db.conn.execute("DELETE FROM serial_devices WHERE port = ?", (port,)).rowcount
            self._insert_audit(audit, now_utc())
        self.keep_setup_copy()
        return bool(removed)

    def assigned_devices(self) -> list[dict[str, Any]]:
        return list(self.db["serial_devices"].rows_where(order_by="assigned_at"))

    # -- Bluetooth devices ------------------------------------------------------------

    def pair_ble(self, address: str, profile: str, name: str, audit: AuditEntry) -> None:
        now = now_utc()
        with self._writing():
            self.db.conn.execute(
                "INSERT OR REPLACE INTO ble_devices (address, profile, name, paired_at) VALUES (?, ?, ?, ?)",
                (address, profile, name, now),
            )
            self._insert_audit(audit, now)
        self.keep_setup_copy()

    def forget_ble(self, address: str, audit: AuditEntry) -> bool:
        with self._writing():
            removed = self.db.conn.execute("DELETE FROM ble_devices WHERE address = ?", (address,)).rowcount
            self._insert_audit(audit, now_utc())
        self.keep_setup_copy()
        return bool(removed)

    def paired_ble(self) -> list[dict[str, Any]]:
        return list(self.db["ble_devices"].rows_where(order_by="paired_at"))

    # -- care plans --------------------------------------------------------------------

    def save_plan(self, version: int, document: str, source: str, audit: AuditEntry, at: datetime) -> None:
        """`at`: when it came into force, by the hub's clock (reminders count from then)."""
        now = iso_utc(at)
        with self._writing():
            self.db.conn.execute("INSERT OR REPLACE INTO care_plans (version, applied_at, source, document) "
                                 "VALUES (?, ?, ?, ?)", (version, now, source, document))
            self._insert_audit(audit, now)
        self.keep_setup_copy()

    def plan_in_force(self) -> dict[str, Any] | None:
        rows = list(self.db["care_plans"].rows_where(order_by="version desc", limit=1))
        return rows[0] if rows else None

    # -- the setup, kept beside the store as well -------------------------------------

    @property
    def setup_copy_path(self) -> Path:
        return setup_copy_path(self.path)

    def setup(self) -> dict[str, list[dict[str, Any]]]:
        """What a technician or a nurse set up: the wired devices' ports, the Bluetooth
        pairings (the allow-list) and the care plan in force."""
        found = {table: list(self.db[table].rows) for table in SETUP_TABLES if table != "care_plans"}
        plan = self.plan_in_force()
        found["care_plans"] = [plan] if plan else []
        return found

    def keep_setup_copy(self) -> None:
        """Write the setup to a file beside the store (written whole, then renamed into
        place), so that a hub whose store is damaged or lost starts on a fresh one with
        the same devices and plan. A copy that cannot be written is said and never fatal:
        the store itself has it."""
        path = self.setup_copy_path
        part = path.with_name(path.name + ".part")
        try:
            # The plan names the resident's contacts and medicines: readable by the hub's user only.
            with open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
                json.dump({"format": 1, "setup": self.setup()}, out, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, path)
        except OSError as exc:
            log.warning("The copy of the hub's setup could not be written (%s)", exc.strerror or exc)
            part.unlink(missing_ok=True)

    def restore_setup(self, setup: dict[str, list[dict[str, Any]]], audit: AuditEntry) -> int:
        """Put a setup copy into this (fresh) store, in one transaction; returns the rows put."""
        count = 0
        with self._writing():
            for table in SETUP_TABLES:
                columns = set(self.db[table].columns_dict)
                for row in setup.get(table, []):
                    if not row or set(row) - columns:  # a copy from another version: what fits is kept
                        row = {name: value for name, value in row.items() if name in columns}
                    if not row:
                        continue
                    names = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    self.db.conn.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",
                                         tuple(row.values()))
                    count += 1
            self._insert_audit(audit, now_utc())
        self.keep_setup_copy()
        return count
