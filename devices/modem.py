"""The GSM modem: SMS to relatives, neighbours and the nurse on call when the home-care
service cannot be reached, SMS they send back, plus signal and registration for the
technician.

AT commands in text mode over a serial port (docs/protocols/gsm-modem.md): the exchange
itself is devices/at_exchange.py, receiving is devices/sms_inbox.py, and what the modem
gives and raises is devices/modem_types.py (importable from here as well). SMS text and
phone numbers are logged at debug level only and never put into error messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from devices.at_exchange import CTRL_Z, ESC
from devices.modem_types import (
    IncomingSms,
    ModemDisconnected,
    ModemError,
    ModemInfo,
    ModemTimeout,
    OnSms,
    Registration,
    SignalQuality,
)
from devices.sms_inbox import SmsInbox
from drivers.serial.gsm import (
    GsmCodecError,
    SmsPart,
    is_error_line,
    normalise_phone_number,
    number_type,
    parse_cmgs,
    parse_creg,
    parse_csq,
    parse_error,
    split_sms,
    ucs2_encode,
)
from drivers.serial.transport import SerialException, open_serial

log = logging.getLogger(__name__)

__all__ = ["GsmModem", "IncomingSms", "ModemDisconnected", "ModemError", "ModemInfo", "ModemTimeout", "OnSms",
           "Registration", "SignalQuality"]


def _strip_info(line: str, command: str) -> str:
    """'+CGMI: "Quectel"' -> 'Quectel' for AT+CGMI; plain lines stay as they are."""
    prefix = "+" + command[3:] + ":" if command.startswith("AT+") else ""
    if prefix and line.upper().startswith(prefix):
        line = line[len(prefix) :]
    return line.strip().strip('"').strip()


class GsmModem(SmsInbox):
    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 115200,
        command_timeout: float = 10.0,
        send_timeout: float = 60.0,
        on_sms: OnSms | None = None,
        inbox_sweep_s: float = 60.0,
    ) -> None:
        """`on_sms`: where received SMS go (none: the modem only sends, and leaves what it
        receives where it is, so a probe never takes a message from the hub)."""
        super().__init__(port, baudrate=baudrate, command_timeout=command_timeout, on_sms=on_sms,
                         inbox_sweep_s=inbox_sweep_s)
        self.send_timeout = send_timeout

    # -- public ---------------------------------------------------------------------------

    async def open(self) -> ModemInfo:
        """Open the port, wake the modem, set it up for text-mode SMS and identify it; with
        `on_sms`, also start reading what it has received and receives from now on."""
        await self._stop_inbox()
        async with self._lock:
            if self._link is not None:
                await self._link.close()
                self._link = None
            self._in_doubt = False
            self.info = None
            self._forget_messages()
            try:
                self._link = await open_serial(self.port, self.baudrate)
            except (SerialException, OSError) as error:
                raise ModemDisconnected(f"cannot open the modem's port {self.port}: {error}") from None
            try:
                await self._wake()
                await self._command("ATE0", "ATE0 (echo off)")
                await self._command("AT+CMEE=1", "AT+CMEE=1 (numeric errors)")
                await self._command("AT+CMGF=1", "AT+CMGF=1 (SMS text mode)")
                values = []
                for command in ("AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN"):
                    lines = await self._command(command, command, expect=f"+{command[3:]}:", plain_info=True)
                    values.append(_strip_info(lines[0], command) if lines else "")
                if self._on_sms is not None:
                    await self._set_up_receiving()
            except BaseException:
                await self._link.close()
                self._link = None
                raise
            self.info = info = ModemInfo(*values)
            log.info("GSM modem ready: %s %s, firmware %s", info.manufacturer, info.model, info.firmware)
        if self._on_sms is not None:
            self._inbox = asyncio.create_task(self._read_inbox(), name=f"SMS inbox {self.port}")
        return info

    async def signal_quality(self) -> SignalQuality:
        async with self._lock:
            lines = await self._command("AT+CSQ", "AT+CSQ (signal quality)", expect="+CSQ:")
            if not lines:
                raise ModemError("the modem answered AT+CSQ without a +CSQ line")
            try:
                csq = parse_csq(lines[0])
            except GsmCodecError as error:
                raise ModemError(f"the modem's +CSQ answer makes no sense: {error}") from None
            return SignalQuality(rssi_dbm=csq.dbm, bars=csq.bars, ber=csq.bit_error_rate)

    async def registration(self) -> Registration:
        async with self._lock:
            lines = await self._command("AT+CREG?", "AT+CREG? (network registration)", expect="+CREG:")
            for line in lines:
                try:
                    creg = parse_creg(line)
                except GsmCodecError as error:
                    raise ModemError(f"the modem's +CREG answer makes no sense: {error}") from None
                if creg.n is not None:  # the answer, not an unsolicited +CREG: <stat>
                    return Registration(state=creg.state, stat=creg.stat)
            raise ModemError("the modem answered AT+CREG? without a +CREG line")

    async def send_sms(self, number: str, text: str) -> list[int]:
        """Send `text` to `number` as one or more SMS; the message references, in order.

        Bad numbers or text raise GsmCodecError (a ValueError) before anything is sent.
        """
        number = normalise_phone_number(number)
        parts = split_sms(text)
        references: list[int] = []
        async with self._lock:
            for part in parts:
                try:
                    references.append(await self._send_part(number, part))
                except asyncio.CancelledError:
                    # the modem may sit at the "> " prompt: our next command must not become SMS text
                    self._in_doubt = True
                    with contextlib.suppress(ModemError):
                        self._write(ESC)
                    raise
                except ModemError as error:
                    if len(parts) > 1:
                        message = f"{error} ({len(references)} of {len(parts)} SMS parts were sent before this)"
                    else:
                        message = str(error)
                    raise type(error)(message, kind=error.kind, code=error.code, parts_sent=references) from error
        log.info("SMS sent in %d part(s)", len(parts))
        return references

    async def close(self) -> None:
        await self._stop_inbox()
        link, self._link = self._link, None
        if link is not None:
            await link.close()

    async def _send_part(self, number: str, part: SmsPart) -> int:
        await self._command(f'AT+CSCS="{part.encoding}"', f'AT+CSCS="{part.encoding}"')
        await self._command(f"AT+CSMP=17,167,0,{part.dcs}", f"AT+CSMP=17,167,0,{part.dcs}")
        destination = number if part.encoding == "GSM" else ucs2_encode(number)
        command = f'AT+CMGS="{destination}",{number_type(number)}'
        loop = asyncio.get_running_loop()

        self._send_line(command)
        deadline = loop.time() + self.command_timeout
        try:
            while True:
                line = await self._read_line(deadline, prompt=True)
                if line == ">":
                    break
                if is_error_line(line):
                    raise self._refused("AT+CMGS", parse_error(line))
                if line == "OK":
                    self._in_doubt = True
                    self._write(ESC)  # in case the prompt comes after all
                    raise ModemError("the modem answered OK to AT+CMGS instead of the > prompt")
        except TimeoutError:
            self._in_doubt = True
            self._write(ESC)
            raise ModemTimeout(f"the modem gave no > prompt for AT+CMGS within {self.command_timeout:g} s") from None

        payload = part.payload()
        log.debug("-> SMS part %d/%d, %s, %d bytes, then Ctrl-Z", part.index, part.total, part.encoding, len(payload))
        self._write(payload + CTRL_Z)
        deadline = loop.time() + self.send_timeout
        reference: int | None = None
        try:
            while True:
                line = await self._read_line(deadline)
                if line.startswith("+CMGS:"):
                    try:
                        reference = parse_cmgs(line)
                    except GsmCodecError as error:
                        raise ModemError(f"the modem's +CMGS answer makes no sense: {error}") from None
                elif line == "OK" and reference is not None:
                    return reference
                elif line == "OK":
                    raise ModemError("the modem said OK to the SMS without a +CMGS message reference")
                elif is_error_line(line):
                    raise self._refused("the SMS", parse_error(line))
        except TimeoutError:
            self._in_doubt = True
            raise ModemTimeout(
                f"the modem did not confirm the SMS within {self.send_timeout:g} s; it may or may not have been sent"
            ) from None
