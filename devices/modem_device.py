"""The GSM modem as a supervised device of the home: kept open, checked at an interval
(signal and registration), reopened with backoff when it goes away, and reported
silent when it stops answering. SMS go through `send_sms`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from devices.modem import GsmModem, ModemDisconnected, ModemError, ModemInfo, OnSms, Registration, SignalQuality
from devices.supervised_device import (
    FIRST_BACKOFF_S,
    SILENT_AFTER_HEARTBEATS,
    DeviceError,
    DeviceNotConnected,
    DeviceStatus,
    Identity,
    SupervisedDevice,
)
from vocabulary import Event, utc_now

log = logging.getLogger(__name__)
CHECK_INTERVAL_S = 60


def _identity(info: ModemInfo, interval: int) -> Identity:
    return Identity("gsm_modem", f"{info.manufacturer} {info.model}".strip(), info.imei, info.firmware, "", interval)


class ModemDevice(SupervisedDevice):
    KIND = "gsm_modem"

    def __init__(
        self,
        port: str,
        *,
        on_event: Callable[[Event], Awaitable[None]],
        on_status: Callable[[DeviceStatus], None] = lambda status: None,
        clock: Callable[[], datetime] = utc_now,
        check_interval_s: int = CHECK_INTERVAL_S,
        backoff_max: float = 30.0,
        command_timeout: float = 10.0,
        on_sms: OnSms | None = None,
    ) -> None:
        super().__init__(port, on_event=on_event, on_status=on_status, clock=clock, backoff_max=backoff_max)
        self._on_sms = on_sms  # incoming SMS, handed over once stored (replies to an alarm's SMS)
        self._interval = check_interval_s
        self._timeout = command_timeout
        self._modem: GsmModem | None = None
        self.signal: SignalQuality | None = None
        self.registration: Registration | None = None

    async def probe(self) -> Identity:
        modem = GsmModem(self.port, command_timeout=min(self._timeout, 5.0))
        try:
            return _identity(await modem.open(), self._interval)
        except ModemError as exc:
            raise DeviceError(f"no modem answered on {self.port}: {exc}") from exc
        finally:
            await modem.close()

    async def run(self) -> None:
        self._started = self._clock()
        backoff = FIRST_BACKOFF_S
        try:
            while True:
                modem = GsmModem(self.port, command_timeout=self._timeout, on_sms=self._on_sms)
                try:
                    info = await modem.open()
                    self._modem = modem
                    self._set_status(connected=True, identity=_identity(info, self._interval), problem="")
                    backoff = FIRST_BACKOFF_S
                    while True:
                        await self.check()
                        await asyncio.sleep(self._interval)
                except ModemError as exc:
                    self._set_status(connected=False, problem=str(exc))
                    log.info("Modem on %s: %s; reopening", self.port, exc)
                finally:
                    self._modem = None
                    await modem.close()
                await self._check_silence()
                await asyncio.sleep(backoff)
                backoff = self._longer_backoff(backoff)
        finally:
            self._set_status(connected=False)

    async def check(self) -> None:
        """Ask for signal and registration: the modem's heartbeat."""
        modem = self._connected()
        self.signal = await modem.signal_quality()
        self.registration = await modem.registration()
        if self.status.silent:
            await self._record("device_back", {})
        self._set_status(last_contact=self._clock(), silent=False,
                         problem="" if self.registration.registered else f"not registered on the network ({self.registration.state})")

    async def _check_silence(self) -> None:
        # Counted from the last answer, or from the start if it never answered.
        last = self.status.last_contact or self._started
        if self.status.silent:
            return
        if (self._clock() - last).total_seconds() > SILENT_AFTER_HEARTBEATS * self._interval:
            self._set_status(silent=True)
            await self._record("device_silent", {"after_s": SILENT_AFTER_HEARTBEATS * self._interval})

    async def _record(self, type_: str, data: dict[str, Any]) -> None:
        await self._on_event(self._hub_event(type_, data))

    def _connected(self) -> GsmModem:
        if self._modem is None:
            raise DeviceNotConnected(f"the modem on {self.port} is not connected")
        return self._modem

    async def send_sms(self, number: str, text: str) -> list[int]:
        try:
            return await self._connected().send_sms(number, text)
        except ModemDisconnected as exc:
            raise DeviceNotConnected(str(exc)) from exc
        except ModemError as exc:
            raise DeviceError(str(exc)) from exc
