"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): when
a nurse logs in, her browser is given a cookie signed by the service that names her,
so the next login from that browser is known to come from somewhere she has been. Such
a login is throttled on its own cookie only; an outsider guessing her password from
elsewhere is held back without holding her back.

The value holds a random nonce (the cookie's own throttle key) and when it was given,
signed with HMAC-SHA256 over the user name too, so it counts for that name only; the
name itself is not in it. Each nurse's cookie has a name of its own (keyed by the user
name), so on a shared workstation every nurse who logged in there keeps hers. The key
lives in the service's database: deleting its row withdraws every device cookie at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from datetime import timedelta

SCHEMA = ("CREATE TABLE IF NOT EXISTS console_keys (name TEXT PRIMARY KEY, key BLOB NOT NULL)",)
PREFIX = "nurse_device_"
LIFE = timedelta(days=180)
PATH = "/console/login"  # only the login needs it


class DeviceCookies:
    def __init__(self, conn: sqlite3.Connection, clock=time.time) -> None:
        self._clock = clock
        with conn:
            for statement in SCHEMA:
                conn.execute(statement)
            conn.execute("INSERT OR IGNORE INTO console_keys (name, key) VALUES ('device_cookie', ?)",
                         (secrets.token_bytes(32),))
        self._key = conn.execute("SELECT key FROM console_keys WHERE name = 'device_cookie'").fetchone()[0]

    def _sign(self, *parts: str) -> str:
        return hmac.new(self._key, "\0".join(parts).encode(), hashlib.sha256).hexdigest()

    def cookie_name(self, username: str) -> str:
        return PREFIX + self._sign("name", username)[:16]

    def issue(self, username: str) -> str:
        nonce, issued = secrets.token_urlsafe(16), str(int(self._clock()))
        return f"{nonce}.{issued}.{self._sign('device', username, nonce, issued)}"

    def nonce_of(self, username: str, value: str | None) -> str | None:
        """The cookie's nonce if `value` is a device cookie this service gave for `username`
        within LIFE; None otherwise."""
        parts = (value or "").split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        nonce, issued, signature = parts
        if not hmac.compare_digest(signature, self._sign("device", username, nonce, issued)):
            return None
        if self._clock() - int(issued) > LIFE.total_seconds():
            return None
        return nonce
