"""The small context every service of the hub is handed by the runtime (`Core`), so
that no service ever calls back into the runtime: the store, the clock, the resident's
time zone and the configuration, and a few things to do: tell the screens (`emit`), run
something in the background that shutdown waits for (`spawn`), look at what is due now
and wait for it (`look`) or in the background (`wake`), and send an SMS through the
modem (`send_sms`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from hub_app.config import HubConfig
from hub_app.store import Store

if TYPE_CHECKING:  # the messages name the services' views; the services import this module
    from hub_app.messages import Message


@dataclass(frozen=True)
class HubContext:
    config: HubConfig
    store: Store
    clock: Callable[[], datetime]
    emit: Callable[[Message], None]
    spawn: Callable[[Coroutine[Any, Any, Any]], None]
    look: Callable[[], Coroutine[Any, Any, None]]
    wake: Callable[[], None]
    send_sms: Callable[[str, str], Awaitable[None]]

    @property
    def zone(self) -> str:
        return self.config.resident.time_zone

    def today(self):
        """The resident's local date now."""
        return self.clock().astimezone(ZoneInfo(self.zone)).date()
