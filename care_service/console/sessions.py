"""Nurses' sessions in the console: log in with a password (argon2, checked by the
store), a random session token in an HttpOnly cookie (only its hash is kept), a CSRF
token per session that every form and every script request sends back, and a lockout
after repeated failures for a user name (known or not, so a lockout says nothing about
which names exist).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from care_service.storage import ServiceStore, token_hash

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS nurse_sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, "
    "csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS login_failures (username TEXT PRIMARY KEY, failures INTEGER NOT NULL, "
    "locked_until TEXT)",
)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFE = timedelta(hours=12)  # one shift


class LoginRefused(Exception):
    """Wrong name or password (which one is never said)."""


class LockedOut(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class Session:
    username: str
    csrf: str
    name: str = ""  # what residents and colleagues see ("Sykepleier Nina")

    def csrf_ok(self, offered: str | None) -> bool:
        return bool(offered) and hmac.compare_digest(self.csrf, offered)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


class SessionBook:
    def __init__(self, store: ServiceStore, clock=lambda: datetime.now(timezone.utc)) -> None:
        self.store, self._clock = store, clock
        with store.db.conn:
            for statement in SCHEMA:
                store.db.conn.execute(statement)

    def log_in(self, username: str, password: str) -> tuple[str, Session]:
        """A new session (its token, for the cookie), or LoginRefused / LockedOut."""
        conn, now = self.store.db.conn, self._clock()
        row = conn.execute("SELECT failures, locked_until FROM login_failures WHERE username = ?",
                           (username,)).fetchone()
        if row and row[1] and datetime.fromisoformat(row[1]) > now:
            raise LockedOut(datetime.fromisoformat(row[1]))
        if not self.store.check_nurse(username, password):
            failures = (row[0] if row and not row[1] else 0) + 1
            locked = _stamp(now + LOCKOUT) if failures >= MAX_FAILURES else None
            with conn:
                conn.execute("INSERT OR REPLACE INTO login_failures (username, failures, locked_until) VALUES (?, ?, ?)",
                             (username, 0 if locked else failures, locked))
            if locked:
                raise LockedOut(datetime.fromisoformat(locked))
            raise LoginRefused()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with conn:
            conn.execute("DELETE FROM login_failures WHERE username = ?", (username,))
            conn.execute("DELETE FROM nurse_sessions WHERE expires_at < ?", (_stamp(now),))
            conn.execute("INSERT INTO nurse_sessions (token_hash, username, csrf, created_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", (token_hash(token), username, csrf, _stamp(now),
                                                   _stamp(now + SESSION_LIFE)))
        return token, Session(username, csrf, self.store.nurse_name(username))

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        row = self.store.db.conn.execute(
            "SELECT username, csrf FROM nurse_sessions WHERE token_hash = ? AND expires_at > ?",
            (token_hash(token), _stamp(self._clock()))).fetchone()
        return Session(row[0], row[1], self.store.nurse_name(row[0])) if row else None

    def log_out(self, token: str) -> None:
        with self.store.db.conn:
            self.store.db.conn.execute("DELETE FROM nurse_sessions WHERE token_hash = ?", (token_hash(token),))
