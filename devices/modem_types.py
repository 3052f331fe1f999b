"""What the GSM modem gives and raises: its identity, signal quality and registration,
an SMS it received, and its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from drivers.serial.gsm import Concatenation


@dataclass(frozen=True)
class ModemInfo:
    manufacturer: str
    model: str
    firmware: str
    imei: str


@dataclass(frozen=True)
class SignalQuality:
    rssi_dbm: int | None  # None: the modem does not know (CSQ 99)
    bars: int  # 0-5
    ber: int | None  # RXQUAL 0-7, None when not known


@dataclass(frozen=True)
class Registration:
    state: str  # not_registered, home, searching, denied, unknown, roaming
    stat: int | None = None  # the raw +CREG <stat>

    @property
    def registered(self) -> bool:
        return self.state in ("home", "roaming")


@dataclass(frozen=True)
class IncomingSms:
    """An SMS the modem received. `number` is the sender as the network gave it
    (+4791234567, a national number, or a name such as Telenor); `received_at` the
    service centre's time, with its zone; `index` where the modem keeps it until the hub
    has taken it. A message a phone sent in several parts comes as its parts, each with
    `part` (reference, total, sequence) so they can be joined; otherwise `part` is None."""

    number: str
    text: str
    received_at: datetime
    index: int
    part: Concatenation | None = None


OnSms = Callable[[IncomingSms], Awaitable[None]]


class ModemError(Exception):
    """Something a technician can act on. `kind` and `code` come from +CMS/+CME ERROR;
    `parts_sent` holds the message references of the SMS parts sent before a failure."""

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        code: int | None = None,
        parts_sent: list[int] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.parts_sent = list(parts_sent or [])


class ModemDisconnected(ModemError):
    """The modem's port went away (unplugged, powered off, or taken by another program)."""


class ModemTimeout(ModemError):
    """The modem did not answer in time. After AT+CMGS's text this means the SMS may or
    may not have been sent."""
