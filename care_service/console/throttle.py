"""Holding back password guessing at the console's login without letting anyone lock a
nurse out (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

Failed logins are counted per key: the client's address, the user name tried (known or
not, so a hold says nothing about which names exist), and a device cookie. A few
failures are free; after them each failure holds its key back twice as long as the one
before (1 s, 2 s, 4 s ... at most 15 minutes), and an attempt on a held key is answered
at once, without checking the password. Which keys a login counts against is the
caller's choice: a browser with a valid device cookie for the name is counted against
that cookie alone, so an outsider's failures never hold the nurse back there.

The table stays small whatever is tried: a key not failed for an hour is forgotten, and
each kind keeps at most MAX_KEYS keys, dropping those with the fewest failures first, so
that a flood of random names cannot push out the count on a name under attack.
"""

from __future__ import annotations

import ipaddress
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS login_throttle (key TEXT PRIMARY KEY, failures INTEGER NOT NULL, "
    "last_failure REAL NOT NULL, held_until REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS login_throttle_last ON login_throttle (last_failure)",
)
FREE_FAILURES = 5
FIRST_HOLD_S = 1.0
LONGEST_HOLD = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
MAX_KEYS = 1000  # of each kind
KINDS = ("client:", "name:", "device:")
LONGEST_NAME = 200  # a longer "name" is no nurse's: counted by its beginning


def client_key(address: str | None) -> str:
    """An IPv6 client is its /64: one home or phone gets a whole network of addresses."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return f"client:{(address or 'unknown')[:64]}"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:  # an IPv4 client on a dual-stack socket
            return f"client:{parsed.ipv4_mapped}"
        return f"client:{ipaddress.ip_network(f'{parsed}/64', strict=False)}"
    return f"client:{parsed}"


def name_key(username: str) -> str:
    return f"name:{username[:LONGEST_NAME]}"


def device_key(nonce: str) -> str:
    return f"device:{nonce}"


def hold_after(failures: int) -> float:
    """Seconds a key is held after its `failures`-th failure in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(FIRST_HOLD_S * 2 ** min(failures - FREE_FAILURES - 1, 30), LONGEST_HOLD.total_seconds())


class Throttle:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self.conn, self._clock = conn, clock
        with conn:
            for statement in SCHEMA:
                conn.execute(statement)

    def _now(self) -> float:
        return self._clock().timestamp()

    def held_for(self, keys: Sequence[str]) -> float:
        """Seconds until none of `keys` is held (0: go ahead)."""
        marks = ",".join("?" * len(keys))
        row = self.conn.execute(f"SELECT max(held_until) FROM login_throttle WHERE key IN ({marks})",
                                tuple(keys)).fetchone()
        return max(0.0, (row[0] or 0.0) - self._now())

    def failed(self, keys: Sequence[str]) -> float:
        """A failed login counted against each of `keys`; the longest hold it starts (s)."""
        now, longest = self._now(), 0.0
        with self.conn:
            self.conn.execute("DELETE FROM login_throttle WHERE last_failure < ? AND held_until < ?",
                              (now - FORGET_AFTER.total_seconds(), now))
            for key in keys:
                row = self.conn.execute("SELECT failures FROM login_throttle WHERE key = ?", (key,)).fetchone()
                failures = (row[0] if row else 0) + 1
                hold = hold_after(failures)
                longest = max(longest, hold)
                self.conn.execute("INSERT OR REPLACE INTO login_throttle (key, failures, last_failure, held_until) "
                                  "VALUES (?, ?, ?, ?)", (key, failures, now, now + hold))
                if row is None:
                    self._keep_at_most(next(kind for kind in KINDS if key.startswith(kind)))
        return longest

    def _keep_at_most(self, kind: str) -> None:
        # Keys of a kind run from "kind:" up to (not with) "kind;" (';' follows ':').
        span = (kind, kind[:-1] + ";")
        count = self.conn.execute("SELECT count(*) FROM login_throttle WHERE key >= ? AND key < ?", span).fetchone()[0]
        if count > MAX_KEYS:
            self.conn.execute("DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle "
                              "WHERE key >= ? AND key < ? ORDER BY failures, last_failure LIMIT ?)",
                              (*span, count - MAX_KEYS))

    def succeeded(self, keys: Sequence[str]) -> None:
        """The password was right: what was counted against `keys` is forgotten."""
        marks = ",".join("?" * len(keys))
        with self.conn:
            self.conn.execute(f"DELETE FROM login_throttle WHERE key IN ({marks})", tuple(keys))
