"""Opening the hub's store: a file we cannot read, or one written by a newer hub, is
refused with a clear error and left exactly as it was; then WAL, `synchronous=FULL`,
and the forward migrations, each in one transaction with its version bump, after a
backup of the file as it was."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import sqlite_utils

from hub_app.migrations import Migration
from hub_app.private_files import private_file, private_folder
from hub_app.store.errors import StoreError

log = logging.getLogger(__name__)


def open_database(path: Path, migrations: Sequence[Migration]) -> sqlite_utils.Database:
    """The store at `path`, checked, set up and migrated to the last of `migrations`."""
    latest = migrations[-1].version if migrations else 0
    private_folder(path.parent)
    existed = path.exists() and path.stat().st_size > 0
    try:
        # Health data: the file (and the WAL SQLite makes with its mode) readable by
        # the hub's user only. An existing file is only closed to others, never written.
        private_file(path)
    except OSError as exc:
        raise StoreError(f"Cannot open the hub database {path}: {exc.strerror or exc}.") from exc
    try:
        # An existing file is only looked at (read-only) until we know it is ours: a
        # read-write connection would fold a WAL left by another hub into it on close.
        if existed:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        else:
            conn = sqlite3.connect(path)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open the hub database {path}: {exc}.") from exc
    db = sqlite_utils.Database(conn)
    try:
        _check_readable(db, path, existed)
        version = user_version(db)
        if version > latest:
            raise StoreError(
                f"The hub database {path} has schema version {version}, but this "
                f"hub only knows versions up to {latest}. It was written by a newer "
                "hub; install that version again (the file was left untouched).", kind="newer"
            )
        if existed:  # ours and readable: now open it for writing
            conn.close()
            conn = sqlite3.connect(path)
            db = sqlite_utils.Database(conn)
        # WAL and FULL sync only after we know the file is ours and readable:
        # switching the journal mode writes to the file.
        db.conn.execute("PRAGMA journal_mode=WAL")
        db.conn.execute("PRAGMA synchronous=FULL")
        db.conn.execute("PRAGMA foreign_keys=ON")
        if version < latest:
            _migrate(db, path, version, migrations)
    except BaseException:
        conn.close()
        raise
    return db


def user_version(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def _check_readable(db: sqlite_utils.Database, path: Path, existed: bool) -> None:
    if not existed:
        return
    try:
        result = [row[0] for row in db.conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"The hub database {path} cannot be read ({exc}). It was left "
            "untouched. Restore it from a backup, or move it aside to start with an "
            "empty store.", kind="damaged"
        ) from exc
    if result != ["ok"]:
        raise StoreError(
            f"The hub database {path} is damaged ({'; '.join(result[:3])}). It "
            "was left untouched. Restore it from a backup, or move it aside to start "
            "with an empty store.", kind="damaged"
        )


def _migrate(db: sqlite_utils.Database, path: Path, current: int, migrations: Sequence[Migration]) -> None:
    if current > 0:
        backup = private_file(path.with_name(f"{path.name}.v{current}.bak"))
        with sqlite3.connect(backup) as target:
            db.conn.backup(target)
        target.close()
        log.info("Backed up the store before migration to %s", backup)
    for migration in migrations:
        if migration.version <= current:
            continue
        conn = db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.commit()
        except sqlite3.Error as exc:
            conn.rollback()
            raise StoreError(
                f"Migration of {path} to schema version {migration.version} "
                f"({migration.description}) failed: {exc}. Nothing was changed; the "
                f"store stays at version {current}.", kind="migration"
            ) from exc
        current = migration.version
        log.info("Store migrated to schema version %d (%s)", current, migration.description)
