"""Nurses' sessions in the console: log in with a password (argon2, checked off the event
loop), a random session token in an HttpOnly cookie (only its hash is kept), a CSRF
token per session that every form and every script request sends back.

Guessing is held back without a lock anyone could set off (throttle.py): failures count
against the client's address and the name tried, with growing holds, and a browser
showing the nurse's device cookie (device_cookies.py) is counted on its own.

Argon2 costs a good tenth of a second of CPU per try, on purpose. It runs on a few
threads of its own, never on the event loop the hubs' alarms and heartbeats need, and
only so many logins wait for it at once: beyond that a login is answered at once with
"busy, try again" (503), and one client has at most PER_CLIENT_AT_ONCE in progress (429).
Browsers with a device cookie have places of their own, so a flood of strangers does not
keep the nurses out.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from care_service.console.device_cookies import DeviceCookies
from care_service.console.throttle import Throttle, client_key, device_key, name_key
from care_service.storage import ServiceStore, token_hash

log = logging.getLogger(__name__)
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS nurse_sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, "
    "csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)",
    "DROP TABLE IF EXISTS login_failures",  # the hard lockout's counts, before throttle.py
)
SESSION_LIFE = timedelta(hours=12)  # one shift
# Argon2 runs several threads of its own per hash: half the CPUs leave the rest to the loop.
HASH_THREADS = max(1, (os.cpu_count() or 2) // 2)
STRANGERS_AT_ONCE = 4 * HASH_THREADS  # logins hashing or waiting to, from browsers without a device cookie
KNOWN_AT_ONCE = 2  # and from browsers with one (on a thread of their own)
PER_CLIENT_AT_ONCE = 2


class LoginRefused(Exception):
    """Wrong name or password (which one is never said)."""


class HeldBack(Exception):
    """Not tried now: held after failures, too many at once from this client (429), or the
    service busy checking others (503, `busy`). Try again after `seconds`."""

    def __init__(self, seconds: float, busy: bool = False) -> None:
        super().__init__(f"try again in {seconds:.0f} s")
        self.seconds, self.busy = seconds, busy


@dataclass(frozen=True)
class Session:
    username: str
    csrf: str
    name: str = ""  # what residents and colleagues see ("Sykepleier Nina")

    def csrf_ok(self, offered: str | None) -> bool:
        return bool(offered) and hmac.compare_digest(self.csrf, offered)


@dataclass(frozen=True)
class LoggedIn:
    token: str  # for the session cookie
    session: Session
    device_cookie: tuple[str, str]  # (name, value): the browser is one she has logged in from


def _yield_cpu() -> None:
    """A password check's thread (and the threads argon2 starts from it) runs at the
    lowest CPU priority: when the machine is busy, the hubs' alarms go first."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # Linux: one thread's niceness
    except (AttributeError, OSError):
        pass  # elsewhere hashing keeps the process's priority; it is still off the event loop


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


class SessionBook:
    def __init__(self, store: ServiceStore, clock=lambda: datetime.now(timezone.utc)) -> None:
        self.store, self._clock = store, clock
        with store.db.conn:
            for statement in SCHEMA:
                store.db.conn.execute(statement)
        self.throttle = Throttle(store.db.conn, clock)
        self.devices = DeviceCookies(store.db.conn, lambda: clock().timestamp())
        # Strangers and browsers with a device cookie each have their own places and
        # threads: a flood of strangers is never a queue a nurse waits in.
        self._hashing = {known: ThreadPoolExecutor(threads, thread_name_prefix="password-check",
                                                   initializer=_yield_cpu)
                         for known, threads in ((False, HASH_THREADS), (True, 1))}
        self._places = {False: asyncio.Semaphore(STRANGERS_AT_ONCE), True: asyncio.Semaphore(KNOWN_AT_ONCE)}
        self._in_progress: Counter[str] = Counter()

    async def log_in(self, username: str, password: str, client: str | None,
                     device_cookie: str | None = None) -> LoggedIn:
        """A new session, or LoginRefused / HeldBack. `client`: the address it came from;
        `device_cookie`: this browser's device cookie for `username`, if it has one."""
        nonce = self.devices.nonce_of(username, device_cookie)
        keys = [device_key(nonce)] if nonce else [client_key(client), name_key(username)]
        held = self.throttle.held_for(keys)
        if held > 0:
            raise HeldBack(held)
        known = nonce is not None
        places = self._places[known]
        if places.locked():  # rather than a queue that grows with the flood
            raise HeldBack(1, busy=True)
        counted = keys[0]  # the client (or the device): at most a few of its tries at once
        if self._in_progress[counted] >= PER_CLIENT_AT_ONCE:
            raise HeldBack(1)
        self._in_progress[counted] += 1
        try:
            async with places:
                right = await asyncio.get_running_loop().run_in_executor(
                    self._hashing[known], self.store.password_matches, self.store.nurse_password_hash(username),
                    password)
        finally:
            self._in_progress[counted] -= 1
            if not self._in_progress[counted]:
                del self._in_progress[counted]
        if not right:
            held = self.throttle.failed(keys)
            if held >= 60:  # (the kind only: a name field sometimes holds a mistyped password)
                log.warning("Console logins held back %d s after repeated failures (%s)", held,
                            ", ".join(key.split(":")[0] for key in keys))
            raise LoginRefused()
        self.throttle.succeeded(keys)
        return LoggedIn(*self._start(username), (self.devices.cookie_name(username), self.devices.issue(username)))

    def _start(self, username: str) -> tuple[str, Session]:
        conn, now = self.store.db.conn, self._clock()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with conn:
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

    def alive(self, token: str | None) -> bool:
        """Whether the session still holds (not logged out, not past its shift)."""
        return bool(token) and self.store.db.conn.execute(
            "SELECT 1 FROM nurse_sessions WHERE token_hash = ? AND expires_at > ?",
            (token_hash(token), _stamp(self._clock()))).fetchone() is not None

    def log_out(self, token: str) -> None:
        with self.store.db.conn:
            self.store.db.conn.execute("DELETE FROM nurse_sessions WHERE token_hash = ?", (token_hash(token),))

    @property
    def checking(self) -> int:
        """Logins whose password is being checked, or waiting to be, now."""
        return sum(self._in_progress.values())

    def close(self) -> None:
        for hashing in self._hashing.values():
            hashing.shutdown(wait=False, cancel_futures=True)
