"""Forward-only schema migrations for the hub's store.

Each migration is a list of SQL statements run in one transaction together with the
`PRAGMA user_version` bump, so a migration either happens entirely or not at all.
Never edit a released migration; add the next one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="events and the append-only audit log",
        statements=(
            """
            CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                uid TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                type TEXT NOT NULL,
                source TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                data TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX events_kind_occurred ON events (kind, occurred_at)",
            """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX audit_log_action_at ON audit_log (action, at)",
            # The audit log is evidence: the database itself refuses to change or
            # delete a row, whatever code asks it to.
            """
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """,
            """
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=2,
        description="serial devices assigned to ports",
        statements=(
            """
            CREATE TABLE serial_devices (
                port TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                model TEXT NOT NULL DEFAULT '',
                serial_number TEXT NOT NULL DEFAULT '',
                firmware TEXT NOT NULL DEFAULT '',
                assigned_at TEXT NOT NULL
            )
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=3,
        description="Bluetooth health devices paired to this hub (the allow-list)",
        statements=(
            """
            CREATE TABLE ble_devices (
                address TEXT PRIMARY KEY,
                profile TEXT NOT NULL,
                name TEXT NOT NULL DEFAULT '',
                paired_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX events_source_kind ON events (source, kind)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=4,
        description="care plans, reminders, alarms and the outbox to the care service",
        statements=(
            # Every valid plan the hub applied; the one in force is the highest version.
            """
            CREATE TABLE care_plans (
                version INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL,
                source TEXT NOT NULL,
                document TEXT NOT NULL
            )
            """,
            # One row per reminder occurrence (its uid from the plan item and the local
            # date): what became of it, so a restart or a clock jump neither repeats
            # nor loses one.
            """
            CREATE TABLE reminders (
                uid TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                item_id TEXT NOT NULL,
                due_at TEXT NOT NULL,
                closes_at TEXT NOT NULL,
                state TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX reminders_state_due ON reminders (state, due_at)",
            # One row per alarm: its place in the escalation, so it survives a restart.
            """
            CREATE TABLE alarms (
                uid TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL,
                state TEXT NOT NULL,
                step INTEGER NOT NULL DEFAULT 0,
                next_at TEXT,
                acknowledged_by TEXT NOT NULL DEFAULT '',
                ended_at TEXT,
                detail TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX alarms_state ON alarms (state)",
            # What must reach the care service, written in the same transaction as the
            # event; alarms first. The sync layer sends and marks these.
            """
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                event_uid TEXT NOT NULL UNIQUE,
                priority INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NOT NULL DEFAULT '',
                sent_at TEXT
            )
            """,
            "CREATE INDEX outbox_pending ON outbox (sent_at, priority, id)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=5,
        description="dead letters in the outbox (what the care service refused for good)",
        statements=("ALTER TABLE outbox ADD COLUMN dead_at TEXT",),
    ),
)

MIGRATIONS += (
    Migration(
        version=6,
        description="what the care service sent (acknowledgements, notes, nurses' messages), by its number",
        statements=(
            # The service's own number for each: a message heard twice (a reconnect) is
            # kept once, and the highest number is where the channel resumes after a restart.
            """
            CREATE TABLE service_messages (
                number INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                body TEXT NOT NULL,
                received_at TEXT NOT NULL,
                read_at TEXT
            )
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=7,
        description="video calls: ringing, answered, declined, missed, ended",
        statements=(
            # `key` makes a call heard twice (the channel's resend, a check-in's reminder
            # after a restart) ring once.
            """
            CREATE TABLE calls (
                uid TEXT PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL,
                who TEXT NOT NULL,
                url TEXT NOT NULL,
                room TEXT,
                state TEXT NOT NULL,
                started_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX calls_state ON calls (state)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=8,
        description="marks in time: how far the hub has looked (reminders after a long power cut)",
        statements=(
            # `reminders`: every occurrence before this moment has been looked at, under
            # the plan in force at its time. After a restart the hub goes on from here,
            # however long it was off.
            "CREATE TABLE marks (name TEXT PRIMARY KEY, at TEXT NOT NULL)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        version=9,
        description="reactions still to do: an event that should raise an alarm until it has",
        statements=(
            # Written in the same transaction as a device's event and deleted when the
            # hub has reacted to it (raised its alarm, ended its reminder): a hub that
            # dies in between, or a store error on the way, leaves the row here, and the
            # next look does the reaction again. Reactions are idempotent by the event's
            # uid, so the alarm is raised exactly once.
            """
            CREATE TABLE reactions (
                event_uid TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NOT NULL DEFAULT ''
            )
            """,
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
