"""The AT exchange with a GSM modem over a serial port (docs/protocols/gsm-modem.md): one
command at a time, every wait with a deadline, an unplugged modem a ModemDisconnected,
never a crash or a hang. After a timeout an answer may still be on its way: the next
command first reads past it (resynchronises). Labels name commands in errors and hold
no personal data.

A +CMTI (new SMS) line is never an answer: it is handed to `_note_indication`, which
`SmsInbox` (devices/sms_inbox.py) fills in.
"""

from __future__ import annotations

import asyncio
import logging

from devices.modem_types import ModemDisconnected, ModemError, ModemInfo, ModemTimeout
from drivers.serial.gsm import ErrorResult, is_error_line, parse_error
from drivers.serial.transport import SerialException, SerialLink

log = logging.getLogger(__name__)

CTRL_Z = b"\x1a"
ESC = b"\x1b"
# Lines modems send on their own that carry no "+" or "^" to tell them apart.
_PLAIN_UNSOLICITED = {"RING", "RDY", "CALL READY", "SMS READY", "NO CARRIER", "NORMAL POWER DOWN"}
_BUFFER_LIMIT = 64 * 1024


class AtExchange:
    def __init__(self, port: str, *, baudrate: int, command_timeout: float) -> None:
        self.port = port
        self.baudrate = baudrate
        self.command_timeout = command_timeout
        self.info: ModemInfo | None = None  # set once the modem is open and identified
        self._link: SerialLink | None = None
        self._lock = asyncio.Lock()  # one command (or SMS) at a time
        # After a timeout an answer may still be on its way: resynchronise before the next command.
        self._in_doubt = False

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
            await self._after_restart()

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

    # -- what the SMS inbox hears (SmsInbox fills these in) ----------------------------------

    def _note_indication(self, line: str) -> None:
        """A +CMTI line (an SMS was stored) read among the answers."""

    def _take_indications(self, buffer: bytearray) -> int:
        """The length of the whole lines in `buffer` (after noting every +CMTI among them)."""
        return max(buffer.rfind(b"\r"), buffer.rfind(b"\n")) + 1

    async def _after_restart(self) -> None:
        """The modem had restarted and is back in SMS text mode."""
