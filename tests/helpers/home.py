"""A home for the tests that break things in it: Kari's pendant on a simulated sensor
receiver, a hub configured for the real care service, and ways to read what the hub's
store and the service kept (tests/test_alarm_durability.py, test_store_recovery.py,
test_store_cannot_write.py)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from simulators.host import SimulatorHost
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator
from hub_app.secret_files import write_secret
from sync.fhir_mapping import ALARM_CODES

PENDANT = "00A1B2C3"


@contextmanager
def pendant_on_a_receiver(folder: Path):
    """(host, receiver): a sensor receiver with Kari's help pendant on a pseudo-terminal."""
    host = SimulatorHost()
    receiver = SensorReceiverSimulator(PtyPort(folder / "ttyRX"), retry_base=0.05, sensors={PENDANT: "help"})
    host.run(receiver.start())
    try:
        yield host, receiver
    finally:
        host.run(receiver.stop())
        receiver.port.close()
        host.stop()


def hub_config(folder: Path, service, hub: str = "", sections: str = "") -> Path:
    """hub.toml for a hub of Kari's at `service` (its credential beside it); `hub`: more
    lines for [hub], `sections`: more sections."""
    token, patient = service.store.add_hub("Kari Nordmann")
    write_secret(folder / "care-service-credential", token)
    config = folder / "hub.toml"
    config.write_text(f'[resident]\nname = "Kari"\n[hub]\nfullscreen = false\n{hub}'
                      f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n{sections}', encoding="utf-8")
    return config


def read_store(db: Path, sql: str, *args) -> list[tuple]:
    """Rows from a hub's store, read-only (the hub may be running, or dead)."""
    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def alarms_at(service, code: str | None = None) -> list[str]:
    """The hub alarm uids the service keeps as alarms (not their steps), of kind `code` or all."""
    found = []
    for (body,) in service.store.db.conn.execute("SELECT body FROM resources WHERE type = 'DetectedIssue'"):
        issue = json.loads(body)
        kinds = [c["code"] for c in issue["code"]["coding"] if c.get("system") == ALARM_CODES]
        if "implicated" not in issue and (code is None or code in kinds):
            found.append(issue["identifier"][0]["value"].removeprefix("urn:uuid:"))
    return found
