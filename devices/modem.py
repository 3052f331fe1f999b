"""The GSM modem: SMS to relatives, neighbours and the nurse on call when the home-care
service cannot be reached, SMS they send back, plus signal and registration for the
technician.

AT commands in text mode over a serial port (docs/protocols/gsm-modem.md). One command
at a time; every wait has a deadline; an unplugged modem is a ModemDisconnected, never
a crash or a hang. SMS text and phone numbers are logged at debug level only and never
put into error messages.

Receiving (section 10 of the doc): given `on_sms`, the modem announces each stored SMS
with +CMTI, and the hub also lists what is stored at opening and every `inbox_sweep_s`.
Each message is read with AT+CMGR, handed to `on_sms`, and deleted with AT+CMGD only
when `on_sms` returned: a message the hub could not take stays in the modem and is
handed over again at the next listing. So a message comes at least once; it comes twice
only if the delete after `on_sms` fails (the modem went away or did not answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from drivers.serial.gsm import (
    Concatenation,
    ErrorResult,
    GsmCodecError,
    SmsPart,
    is_error_line,
    normalise_phone_number,
    number_type,
    parse_cmgl,
    parse_cmgr,
    parse_cmgs,
    parse_cmti,
    parse_cpms,
    parse_creg,
    parse_csq,
    parse_error,
    split_sms,
    ucs2_encode,
)
from drivers.serial.transport import SerialException, SerialLink, open_serial

log = logging.getLogger(__name__)

CTRL_Z = b"\x1a"
ESC = b"\x1b"
# Lines modems send on their own that carry no "+" or "^" to tell them apart.
_PLAIN_UNSOLICITED = {"RING", "RDY", "CALL READY", "SMS READY", "NO CARRIER", "NORMAL POWER DOWN"}
_BUFFER_LIMIT = 64 * 1024


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
# The character set the hub reads in: every text comes as one line of hex, so a reply
# "OK" is never taken for a result code and spacing survives (doc, section 10).
READ_CHARSET = "UCS2"
IDLE_LOOK_S = 0.25  # how often the idle modem's input is looked at for a new-SMS indication


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


def _strip_info(line: str, command: str) -> str:
    """'+CGMI: "Quectel"' -> 'Quectel' for AT+CGMI; plain lines stay as they are."""
    prefix = "+" + command[3:] + ":" if command.startswith("AT+") else ""
    if prefix and line.upper().startswith(prefix):
        line = line[len(prefix) :]
    return line.strip().strip('"').strip()


class GsmModem:
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
        self.port = port
        self.baudrate = baudrate
        self.command_timeout = command_timeout
        self.send_timeout = send_timeout
        self.inbox_sweep_s = inbox_sweep_s
        self.info: ModemInfo | None = None
        self._link: SerialLink | None = None
        self._lock = asyncio.Lock()
        # After a timeout an answer may still be on its way: resynchronise before the next command.
        self._in_doubt = False
        self._on_sms = on_sms
        self._inbox: asyncio.Task[None] | None = None
        self._announced: dict[int, str | None] = {}  # index -> memory, from +CMTI and listings
        self._mail = asyncio.Event()
        self._memory: str | None = None  # where AT+CMGR reads, when known
        self._unreadable: set[int] = set()  # said once, left in the modem
        self._next_sweep = 0.0

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
            self._announced.clear()
            self._unreadable.clear()
            self._memory = None
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

    # -- the AT exchange ------------------------------------------------------------------

    def _ready_link(self) -> SerialLink:
        if self._link is None:
            raise ModemError("the modem is not open")
        if self._link.lost:
            raise self._disconnected()
        return self._link

    def _disconnected(self) -> ModemDisconnected:
        reason = self._link.lost_reason if self._link is not None else None
        detail = f": {reason}" if reason is not None else ""
        return ModemDisconnected(f"the modem's port {self.port} went away{detail}")

    def _write(self, data: bytes) -> None:
        link = self._ready_link()
        try:
            link.write(data)
        except (ConnectionError, SerialException, OSError):
            raise self._disconnected() from None

    def _send_line(self, command: str) -> None:
        link = self._ready_link()
        end = self._take_indications(link.buffer)
        tail = bytes(link.buffer[end:]).lstrip(b"\r\n")
        link.buffer.clear()  # whatever came before (unsolicited codes, late answers) is not ours
        if tail and (tail.startswith(b"+CMTI") or b"+CMTI".startswith(tail)):
            link.buffer.extend(tail)  # ...but an SMS indication still arriving is: kept, and noted when whole
        log.debug("-> %s", command)
        self._write(command.encode("latin-1") + b"\r")

    async def _read_line(self, deadline: float, *, prompt: bool = False) -> str:
        """The next non-empty line, or ">" for the SMS prompt when `prompt` is set.

        TimeoutError at `deadline` (loop time), ModemDisconnected when the port is lost.
        """
        link = self._ready_link()
        loop = asyncio.get_running_loop()
        while True:
            buffer = link.buffer
            start = 0
            while start < len(buffer) and buffer[start] in b"\r\n":
                start += 1
            if start:
                del buffer[:start]
            if prompt and buffer[:1] == b">":
                del buffer[: 2 if buffer[1:2] == b" " else 1]
                log.debug("<- >")
                return ">"
            end = next((i for i, byte in enumerate(buffer) if byte in b"\r\n"), -1)
            if end >= 0:
                line = bytes(buffer[:end]).decode("latin-1").strip()
                del buffer[: end + 1]
                if line:
                    log.debug("<- %s", line)
                    if line.startswith("+CMTI:"):  # never an answer: note it, read it later
                        self._note_indication(line)
                        continue
                    return line
                continue
            if len(buffer) > _BUFFER_LIMIT:
                buffer.clear()  # a babbling modem: drop the noise
            if link.lost:
                raise self._disconnected()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            await link.wait(remaining)

    async def _command(
        self,
        command: str,
        label: str,
        *,
        expect: str | None = None,
        plain_info: bool = False,
        timeout: float | None = None,
    ) -> list[str]:
        """Send `command`; the information lines of its answer (those starting with
        `expect`, or plain lines if `plain_info`) once OK arrives. `label` names the
        command in errors and must hold no personal data."""
        timeout = self.command_timeout if timeout is None else timeout
        if self._in_doubt:
            await self._resync()
        self._send_line(command)
        deadline = asyncio.get_running_loop().time() + timeout
        lines: list[str] = []
        try:
            while True:
                line = await self._read_line(deadline)
                if line == "OK":
                    return lines
                if is_error_line(line):
                    raise self._refused(label, parse_error(line))
                if line == command:
                    continue  # echo
                if expect is not None and line.startswith(expect):
                    lines.append(line)
                elif plain_info and not self._unsolicited(line):
                    lines.append(line)
                # anything else is an unsolicited result code: not ours
        except TimeoutError:
            self._in_doubt = True
            raise ModemTimeout(f"the modem did not answer {label} within {timeout:g} s") from None
        except asyncio.CancelledError:
            self._in_doubt = True  # its answer may still come
            raise

    async def _resync(self) -> None:
        """Read past late answers to an earlier command: ask AT+CMGF? and take only the OK
        that follows its +CMGF line. Puts text mode back if the modem restarted meanwhile."""
        self._send_line("AT+CMGF?")
        deadline = asyncio.get_running_loop().time() + self.command_timeout
        mode = None
        try:
            while True:
                line = await self._read_line(deadline)
                if line.startswith("+CMGF:"):
                    mode = line[6:].strip()
                elif line == "OK" and mode is not None:
                    break
        except TimeoutError:
            raise ModemTimeout(
                f"the modem stopped answering (no answer to AT+CMGF? within {self.command_timeout:g} s)"
            ) from None
        self._in_doubt = False
        if mode != "1" and self.info is not None:
            log.warning("GSM modem left SMS text mode (restarted?); setting it again")
            await self._command("AT+CMGF=1", "AT+CMGF=1 (SMS text mode)")
            if self._on_sms is not None:  # a restart forgets the indications too
                await self._set_up_receiving()
                self._next_sweep = 0.0

    @staticmethod
    def _unsolicited(line: str) -> bool:
        return line[:1] in ("+", "^") or line.upper() in _PLAIN_UNSOLICITED

    @staticmethod
    def _refused(label: str, error: ErrorResult) -> ModemError:
        return ModemError(f"the modem refused {label}: {error}", kind=error.kind or None, code=error.code)

    async def _wake(self) -> None:
        """AT until OK: a modem that just powered up needs a moment."""
        loop = asyncio.get_running_loop()
        self._write(ESC)  # leave a half-typed SMS from an earlier run
        await asyncio.sleep(0.05)
        deadline = loop.time() + self.command_timeout
        last = "no answer"
        timed_out = False
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise ModemTimeout(
                    f"the modem on {self.port} did not answer AT within {self.command_timeout:g} s ({last}): "
                    "check its power, the cable and the configured port"
                )
            self._in_doubt = False  # no resync between attempts
            try:
                await self._command("AT", "AT", timeout=min(1.0, remaining))
                # an earlier attempt's OK may still come: resynchronise before ATE0
                self._in_doubt = timed_out
                return
            except ModemDisconnected:
                raise
            except ModemTimeout:
                timed_out = True
            except ModemError as error:  # ERROR: alive but not ready yet
                last = str(error)
                await asyncio.sleep(min(0.2, max(deadline - loop.time(), 0)))

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

    # -- receiving ------------------------------------------------------------------------

    async def _try(self, command: str, label: str, **options) -> list[str] | None:
        """The answer, or None when the modem refuses the command (it may not know it);
        a lost port or a modem that stopped answering still raises."""
        try:
            return await self._command(command, label, **options)
        except (ModemDisconnected, ModemTimeout):
            raise
        except ModemError as error:
            log.info("GSM modem: %s", error)
            return None

    async def _set_up_receiving(self) -> None:
        """Read from where the modem stores what arrives, have it announce each stored SMS
        with +CMTI, and show <fo> and <dcs> in +CMGR. Called with the lock held."""
        lines = await self._try("AT+CPMS?", "AT+CPMS? (SMS memories)", expect="+CPMS:")
        try:
            memories = parse_cpms(lines[0]) if lines else ()
        except GsmCodecError as error:
            log.info("GSM modem: its +CPMS answer makes no sense: %s", error)
            memories = ()
        self._memory = memories[0] if memories else None
        if len(memories) == 3 and memories[2] != memories[0]:
            await self._select_memory(memories[2])
        # mode 2 keeps indications while the modem is busy (at the "> " prompt) and sends
        # them after; mode 1, which some modems have instead, drops them: the sweep finds those
        for command in ("AT+CNMI=2,1,0,0,0", "AT+CNMI=1,1,0,0,0"):
            if await self._try(command, f"{command} (announce new SMS)") is not None:
                break
        else:
            log.warning("GSM modem does not announce new SMS; the hub looks for them every %g s", self.inbox_sweep_s)
        await self._try("AT+CSDH=1", "AT+CSDH=1 (show SMS header values)")

    async def _select_memory(self, memory: str) -> None:
        if await self._try(f'AT+CPMS="{memory}"', "AT+CPMS (SMS memory)", expect="+CPMS:") is not None:
            self._memory = memory

    def _note_indication(self, line: str) -> None:
        if self._on_sms is None:
            return
        try:
            new = parse_cmti(line)
        except GsmCodecError as error:
            log.info("GSM modem: an SMS indication makes no sense: %s", error)
            return
        self._announced.setdefault(new.index, new.memory)
        self._mail.set()

    def _take_indications(self, buffer: bytearray) -> int:
        """Note every +CMTI among the whole lines in `buffer`; the length of those lines."""
        end = max(buffer.rfind(b"\r"), buffer.rfind(b"\n")) + 1
        if self._on_sms is not None:
            for raw in bytes(buffer[:end]).splitlines():
                line = raw.decode("latin-1").strip()
                if line.startswith("+CMTI:"):
                    log.debug("<- %s", line)
                    self._note_indication(line)
        return end

    async def _stop_inbox(self) -> None:
        task, self._inbox = self._inbox, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _read_inbox(self) -> None:
        """Until the port goes away: list at once (what came while the hub was away),
        then read each announced message, and list again every `inbox_sweep_s`."""
        loop = asyncio.get_running_loop()
        self._next_sweep = loop.time()
        while self._link is not None:
            try:
                await self._wait_for_mail()
                if loop.time() >= self._next_sweep:
                    self._next_sweep = loop.time() + self.inbox_sweep_s
                    await self._sweep()
                while self._announced:
                    index = next(iter(self._announced))
                    await self._take(index, self._announced.pop(index))
            except ModemDisconnected:
                log.debug("GSM modem: the port went away; SMS are read again after reconnecting")
                return
            except ModemError as error:  # a message that failed stays in the modem: the next sweep
                log.warning("GSM modem: reading SMS failed: %s", error)

    async def _wait_for_mail(self) -> None:
        """Until a message is announced or the next sweep is due. An indication that
        comes while no command runs is taken from the buffer here."""
        loop = asyncio.get_running_loop()
        while not self._announced and loop.time() < self._next_sweep:
            link = self._ready_link()
            if self._take_indications(link.buffer):
                async with self._lock:  # after any command that is reading these lines
                    del link.buffer[: self._take_indications(link.buffer)]
                continue
            self._mail.clear()
            # Looked at again every IDLE_LOOK_S: waiting on the link itself from a second
            # task lost a wakeup now and then (bytes that came before that wait began, or
            # the command reader's own wait clearing it), and an SMS then waited for the sweep.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._mail.wait(),
                                       timeout=max(min(IDLE_LOOK_S, self._next_sweep - loop.time()), 0.0))

    async def _sweep(self) -> None:
        async with self._lock:
            await self._command(f'AT+CSCS="{READ_CHARSET}"', f'AT+CSCS="{READ_CHARSET}"')
            lines = await self._try('AT+CMGL="ALL"', "AT+CMGL (list SMS)", expect="+CMGL:")
            if lines is None:
                # some firmware wants string parameters in the TE character set too
                lines = await self._command(
                    f'AT+CMGL="{ucs2_encode("ALL")}"', "AT+CMGL (list SMS, in UCS2)", expect="+CMGL:"
                )
        try:
            listed = parse_cmgl(lines)
        except GsmCodecError as error:
            raise ModemError(f"the modem's +CMGL answer makes no sense: {error}") from None
        for sms in listed:
            if sms.received and sms.index not in self._unreadable:
                self._announced.setdefault(sms.index, self._memory)

    async def _take(self, index: int, memory: str | None) -> None:
        """Read the message at `index`, hand it over, and delete it once the hub has it."""
        assert self._on_sms is not None
        async with self._lock:
            if memory is not None and memory != self._memory:
                await self._select_memory(memory)
            await self._command(f'AT+CSCS="{READ_CHARSET}"', f'AT+CSCS="{READ_CHARSET}"')
            # an empty place answers OK alone or +CMS ERROR: 321: taken already
            lines = await self._try(f"AT+CMGR={index}", "AT+CMGR (read SMS)", expect="+CMGR:", plain_info=True)
        if not lines:
            return
        try:
            sms = parse_cmgr(lines, READ_CHARSET)
        except GsmCodecError as error:
            if index not in self._unreadable:
                self._unreadable.add(index)
                log.warning("GSM modem: the SMS at %d cannot be read (%s); it is left in the modem", index, error)
            return
        incoming = IncomingSms(sms.number, sms.text, sms.received_at, index, sms.part)
        log.debug("SMS received at %d from %s: %r", index, incoming.number, incoming.text)
        try:
            await self._on_sms(incoming)
        except Exception as error:  # the hub could not keep it: it stays in the modem
            log.warning("GSM modem: the hub did not take the SMS at %d (%s); it is handed over again later",
                        index, type(error).__name__)
            log.debug("the hub did not take the SMS at %d", index, exc_info=True)
            return
        async with self._lock:
            await self._command(f"AT+CMGD={index}", "AT+CMGD (delete SMS)")
        log.info("SMS received and handed over")
