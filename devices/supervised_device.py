"""What every supervised serial device of a home shares, the line-protocol devices
(`FramedDevice`) and the GSM modem (`ModemDevice`) alike: its port and the hub's
callbacks, its status as one snapshot for a technician and the status line, its
identity, the errors a technician reads, the backoff between reconnections, and the
events the hub itself records about it (silent, back, battery low)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vocabulary import Event, EventKind, utc_now

if TYPE_CHECKING:
    from drivers.serial.messages import Hello

SILENT_AFTER_HEARTBEATS = 3
FIRST_BACKOFF_S = 0.5  # the wait before reconnecting after a connection that worked


class DeviceError(Exception):
    """A command could not be carried out; the message is for a technician."""


class DeviceNotConnected(DeviceError):
    pass


@dataclass(frozen=True)
class Identity:
    kind: str
    model: str
    serial: str
    firmware: str
    epoch: str
    heartbeat_s: int

    @classmethod
    def from_hello(cls, hello: Hello) -> Identity:
        return cls(hello.kind, hello.model, hello.serial, hello.fw, hello.epoch, hello.hb)

    @property
    def source(self) -> str:
        return f"{self.kind}:{self.serial}"


@dataclass(frozen=True)
class DeviceStatus:
    """What a technician (and the status line) needs to know, as one snapshot."""

    port: str
    kind: str
    connected: bool = False
    identity: Identity | None = None
    last_contact: datetime | None = None
    battery: int | None = None
    power: str | None = None
    silent: bool = False
    problem: str = ""  # plain words for a technician when it is not working
    bad_frames: int = 0


class SupervisedDevice:
    """One device on one serial port, supervised for as long as `run()` runs."""

    KIND = ""

    def __init__(
        self,
        port: str,
        *,
        on_event: Callable[[Event], Awaitable[None]],
        on_status: Callable[[DeviceStatus], None] = lambda status: None,
        clock: Callable[[], datetime] = utc_now,
        backoff_max: float = 30.0,
    ) -> None:
        self.port = port
        self._on_event = on_event
        self._on_status = on_status
        self._clock = clock
        self._backoff_max = backoff_max
        self.status = DeviceStatus(port=port, kind=self.KIND)

    def _set_status(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        self._on_status(self.status)

    def _longer_backoff(self, backoff: float) -> float:
        """The next wait before reconnecting, after one more failure."""
        return min(backoff * 2, self._backoff_max)

    def _hub_event(self, type_: str, data: dict[str, Any], kind: EventKind = EventKind.DEVICE) -> Event:
        """An event the hub makes about this device (not one the device sent), named by
        its identity once known, else by its kind and port."""
        identity = self.status.identity
        source = identity.source if identity else f"{self.KIND}:{self.port}"
        return Event(kind=kind, type=type_, source=source, occurred_at=self._clock(), data=data)
