"""The technician's door: a PIN, stored as a scrypt hash in a secret file, with a
lockout after five wrong tries. Every attempt is written to the audit log, and the
lockout is read back from the audit log, so it survives a restart."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hub_app.secret_files import SecretFileError, read_secret, write_secret
from hub_app.store import AuditEntry, Store
from vocabulary import utc_now

log = logging.getLogger(__name__)

MAX_WRONG = 5
LOCKOUT = timedelta(minutes=5)
PIN_PATTERN = re.compile(r"^[0-9]{4,8}\Z")  # \Z, not $: "1234\n" is not a PIN

# scrypt cost: about 50 ms here, which is nothing for one technician and a lot for
# someone trying all 10^4..10^8 PINs against a stolen hash file.
_N, _R, _P = 2**14, 8, 1

A_OK, A_WRONG, A_LOCKED, A_REFUSED, A_NO_PIN = (
    "technician.pin_ok",
    "technician.pin_wrong",
    "technician.locked",
    "technician.pin_refused_locked",
    "technician.pin_not_set",
)


class PinFormatError(ValueError):
    pass


def hash_pin(pin: str) -> str:
    if not PIN_PATTERN.match(pin):
        raise PinFormatError("The PIN must be 4 to 8 digits.")
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def set_pin(pin_file: Path, pin: str) -> None:
    write_secret(pin_file, hash_pin(pin))


@dataclass(frozen=True)
class DoorAnswer:
    opened: bool
    # "ok", "wrong", "locked", "not_set", "unreadable"
    reason: str
    tries_left: int = 0
    locked_until: datetime | None = None
    message: str = ""  # for the technician, already in plain words (English: technician UI)


class TechnicianDoor:
    def __init__(self, store: Store, pin_file: Path, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._pin_file = pin_file
        self._clock = clock

    async def open_with(self, pin: str) -> DoorAnswer:
        """The technician typed a PIN on the screen, now."""
        answer = self.try_pin(pin, self._clock())
        log.info("Technician door: %s", answer.reason)
        return answer

    def locked_until(self, now: datetime) -> datetime | None:
        rows = self._store.audit_rows(actions=[A_LOCKED], limit=1)
        if rows:
            until = datetime.fromisoformat(rows[0]["detail"]["until"])
            if until > now:
                return until
        return None

    def _wrong_since_last_reset(self) -> int:
        """Wrong tries since the last success or the last lockout, newest first."""
        count = 0
        for row in self._store.audit_rows(actions=[A_OK, A_WRONG, A_LOCKED], limit=MAX_WRONG + 1):
            if row["action"] != A_WRONG:
                break
            count += 1
        return count

    def try_pin(self, pin: str, now: datetime) -> DoorAnswer:
        """Check a PIN; every call leaves exactly one audit row (two when it locks)."""
        until = self.locked_until(now)
        if until is not None:
            self._store.audit(AuditEntry("technician", A_REFUSED), at=now)
            return DoorAnswer(False, "locked", locked_until=until, message="Locked after too many wrong PINs.")
        try:
            stored = read_secret(self._pin_file)
        except FileNotFoundError:
            self._store.audit(AuditEntry("technician", A_NO_PIN), at=now)
            return DoorAnswer(
                False,
                "not_set",
                message=f"No technician PIN is set on this hub. Set one with 'welfare-hub set-pin' (file {self._pin_file}).",
            )
        except SecretFileError as exc:
            self._store.audit(AuditEntry("technician", A_NO_PIN, detail={"problem": "unreadable"}), at=now)
            return DoorAnswer(False, "unreadable", message=str(exc))
        if pin_matches(pin, stored):
            self._store.audit(AuditEntry("technician", A_OK), at=now)
            return DoorAnswer(True, "ok")
        self._store.audit(AuditEntry("technician", A_WRONG), at=now)
        wrong = self._wrong_since_last_reset()
        if wrong >= MAX_WRONG:
            until = now + LOCKOUT
            self._store.audit(AuditEntry("technician", A_LOCKED, detail={"until": until.isoformat()}), at=now)
            return DoorAnswer(False, "locked", locked_until=until, message="Locked after too many wrong PINs.")
        return DoorAnswer(False, "wrong", tries_left=MAX_WRONG - wrong, message="Wrong PIN.")
