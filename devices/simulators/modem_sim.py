"""A GSM modem on the far side of a pseudo-terminal, speaking AT as a real one does
(3GPP TS 27.005 / 27.007 text mode, docs/protocols/gsm-modem.md).

It starts as a real modem powers up: echo on, PDU mode, character set IRA, numeric
errors off. It decodes each SMS by the character set the hub chose, checks it against
the data coding scheme and the length limits as the network would, and records it.
Faults for tests and the demo: fail or stall the next SMS, weak signal, lost
registration, unsolicited result codes at awkward moments, unplugging.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from devices.simulators.pty import PtyPort
from drivers.serial.gsm import (
    CME_MEANINGS,
    CMS_MEANINGS,
    SMS_SEPTETS,
    SMS_UCS2_UNITS,
    GsmCodecError,
    can_encode_gsm7,
    decode_text,
    gsm7_septets,
    ucs2_units,
)

log = logging.getLogger(__name__)

CTRL_Z = 0x1A
ESC = 0x1B


@dataclass(frozen=True)
class SentSms:
    number: str
    text: str
    encoding: str  # the AT+CSCS character set it was typed in: GSM, UCS2 or IRA
    dcs: int = 0  # the data coding scheme set with AT+CSMP: 0 GSM 7-bit, 8 UCS-2
    reference: int = 0
    raw: bytes = b""  # the bytes typed after the "> " prompt, without the Ctrl-Z


_CMGS = re.compile(r'^AT\+CMGS="([^"]*)"(?:,(\d+))?$', re.IGNORECASE)
_CSCS = re.compile(r'^AT\+CSCS="([^"]*)"$', re.IGNORECASE)
_CSMP = re.compile(r"^AT\+CSMP=(\d+),(\d+),(\d+),(\d+)$", re.IGNORECASE)


class ModemSimulator:
    def __init__(
        self,
        port: PtyPort,
        *,
        manufacturer: str = "Welfare Hub",
        model: str = "Simulated GSM modem",
        firmware: str = "sim-1.0",
        imei: str = "490154203237518",
        on_sms: Callable[[SentSms], None] | None = None,
    ) -> None:
        self.port = port
        self.manufacturer, self.model, self.firmware, self.imei = manufacturer, model, firmware, imei
        self.on_sms = on_sms
        self.sent: list[SentSms] = []
        self.commands: list[str] = []  # every command line, in order (for tests)
        self.rssi, self.ber = 20, 99
        self.stat = 1
        self._fail_next: list[int] = []
        self._stall_next = 0
        self._before_next_answer: list[tuple[str | None, list[str]]] = []
        self._current = ""  # the command being answered, upper case
        self._reference = 0
        self._stopped: asyncio.Event | None = None
        self.power_on()

    # -- running --------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Answer what the hub writes, on `loop` (the running loop by default)."""
        self.port.attach(loop or asyncio.get_running_loop(), self._on_data)

    async def run(self) -> None:
        """Start and answer until stop()."""
        self._stopped = asyncio.Event()
        self.start()
        await self._stopped.wait()

    def stop(self) -> None:
        """Switch off: the port closes, as when the modem loses power."""
        self.port.close()
        if self._stopped is not None:
            self._stopped.set()

    def power_on(self) -> None:
        """Settings as after power-up."""
        self.echo = True
        self.cmee = 0
        self.cmgf = 0
        self.cscs = "IRA"
        self.csmp = (17, 167, 0, 0)
        self.creg_n = 0
        self._line = bytearray()
        self._text: bytearray | None = None  # the text being typed after the "> " prompt
        self._number = ""

    def unplug(self) -> None:
        self.port.unplug()

    def plug(self) -> None:
        """Plug back in: a new pseudo-terminal behind the same link, a freshly powered modem."""
        self.power_on()
        self.port.plug()

    # -- faults and settings --------------------------------------------------------------

    def fail_next_sms(self, cms_code: int) -> None:
        """The next SMS is refused with +CMS ERROR: <cms_code> (and not recorded)."""
        self._fail_next.append(cms_code)

    def stall_next_sms(self) -> None:
        """The next SMS is taken and recorded, but never answered (a network that hangs)."""
        self._stall_next += 1

    def set_signal(self, rssi: int, ber: int = 99) -> None:
        self.rssi, self.ber = rssi, ber

    def set_registration(self, stat: int) -> None:
        self.stat = stat
        if self.creg_n >= 1:
            self.send_unsolicited(f"+CREG: {stat}")

    def send_unsolicited(self, line: str) -> None:
        """An unsolicited result code, now (RING, +CMTI: "SM",3, ...)."""
        self.port.write(b"\r\n" + line.encode("latin-1") + b"\r\n")

    def unsolicited_before_next_answer(self, *lines: str, command: str | None = None) -> None:
        """Unsolicited result codes written just before the next answer (to `command`, if
        given, e.g. "AT+CGMI"), after the command arrived."""
        self._before_next_answer.append((command.upper() if command else None, list(lines)))

    # -- bytes in -------------------------------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        for byte in data:
            if self._text is not None:
                self._typed(byte)
            else:
                self._command_byte(byte)

    def _command_byte(self, byte: int) -> None:
        if self.echo:
            self.port.write(bytes((byte,)))
        if byte == 0x0D:
            line, self._line = bytes(self._line).decode("latin-1").strip(), bytearray()
            if line:
                self._command(line)
        elif byte == 0x08:
            del self._line[-1:]
        elif byte == ESC:
            self._line.clear()
        elif byte != 0x0A:
            self._line.append(byte)

    def _typed(self, byte: int) -> None:
        assert self._text is not None
        if self.echo and byte not in (CTRL_Z, ESC):
            self.port.write(bytes((byte,)))
        if byte == CTRL_Z:
            text, self._text = bytes(self._text), None
            self._submit(text)
        elif byte == ESC:  # TS 27.005: ESC cancels the message being typed
            self._text = None
            self._answer()
        elif byte == 0x0D:
            self._text.append(byte)
            self.port.write(b"\r\n> ")
        else:
            self._text.append(byte)

    # -- answers --------------------------------------------------------------------------

    def _answer(self, *lines: str, final: str = "OK") -> None:
        out = bytearray()
        for waiting in list(self._before_next_answer):
            command, urcs = waiting
            if command is None or command == self._current:
                self._before_next_answer.remove(waiting)
                for urc in urcs:
                    out += b"\r\n" + urc.encode("latin-1") + b"\r\n"
        for line in lines:
            out += b"\r\n" + line.encode("latin-1") + b"\r\n"
        out += b"\r\n" + final.encode("latin-1") + b"\r\n"
        self.port.write(bytes(out))

    def _cme(self, code: int) -> None:
        if self.cmee == 0:
            self._answer(final="ERROR")
        elif self.cmee == 1:
            self._answer(final=f"+CME ERROR: {code}")
        else:
            self._answer(final=f"+CME ERROR: {CME_MEANINGS.get(code, 'unknown')}")

    def _cms(self, code: int) -> None:
        if self.cmee == 2:
            self._answer(final=f"+CMS ERROR: {CMS_MEANINGS.get(code, 'unknown error')}")
        else:
            self._answer(final=f"+CMS ERROR: {code}")

    def _command(self, line: str) -> None:
        self.commands.append(line)
        upper = self._current = line.upper()
        if not upper.startswith("AT"):
            return  # real modems ignore what does not start with AT
        simple = {
            "AT": lambda: self._answer(),
            "ATE0": lambda: self._set_echo(False),
            "ATE1": lambda: self._set_echo(True),
            "ATZ": self._reset,
            "AT&F": self._reset,
            "ATI": lambda: self._answer(self.manufacturer, self.model, f"Revision: {self.firmware}"),
            "AT+CGMI": lambda: self._answer(self.manufacturer),
            "AT+GMI": lambda: self._answer(self.manufacturer),
            "AT+CGMM": lambda: self._answer(self.model),
            "AT+GMM": lambda: self._answer(self.model),
            "AT+CGMR": lambda: self._answer(self.firmware),
            "AT+GMR": lambda: self._answer(self.firmware),
            "AT+CGSN": lambda: self._answer(self.imei),
            "AT+GSN": lambda: self._answer(self.imei),
            "AT+CSQ": lambda: self._answer(f"+CSQ: {self.rssi},{self.ber}"),
            "AT+CREG?": lambda: self._answer(f"+CREG: {self.creg_n},{self.stat}"),
            "AT+CPIN?": lambda: self._answer("+CPIN: READY"),
            "AT+CMEE?": lambda: self._answer(f"+CMEE: {self.cmee}"),
            "AT+CMGF?": lambda: self._answer(f"+CMGF: {self.cmgf}"),
            "AT+CSCS?": lambda: self._answer(f'+CSCS: "{self.cscs}"'),
            "AT+CSCS=?": lambda: self._answer('+CSCS: ("GSM","IRA","UCS2")'),
            "AT+CSMP?": lambda: self._answer("+CSMP: " + ",".join(map(str, self.csmp))),
        }
        if upper in simple:
            simple[upper]()
            return
        for name, values, attribute in (
            ("AT+CMEE=", (0, 1, 2), "cmee"),
            ("AT+CMGF=", (0, 1), "cmgf"),
            ("AT+CREG=", (0, 1, 2), "creg_n"),
        ):
            if upper.startswith(name):
                value = line[len(name) :]
                if value.isdigit() and int(value) in values:
                    setattr(self, attribute, int(value))
                    self._answer()
                else:
                    self._cme(50)
                return
        if match := _CSCS.match(line):
            charset = match.group(1).upper()
            if charset in ("GSM", "UCS2", "IRA"):
                self.cscs = charset
                self._answer()
            else:
                self._cme(50)
            return
        if match := _CSMP.match(line):
            values = tuple(int(v) for v in match.groups())
            if values[3] in (0, 8) and all(v <= 255 for v in values):
                self.csmp = values  # type: ignore[assignment]
                self._answer()
            else:
                self._cms(305)
            return
        if upper.startswith("AT+CMGS="):
            self._cmgs(line)
            return
        self._answer(final="ERROR")

    def _set_echo(self, on: bool) -> None:
        self.echo = on
        self._answer()

    def _reset(self) -> None:
        self.power_on()
        self._answer()

    def _cmgs(self, line: str) -> None:
        if self.cmgf != 1:
            self._cms(302)  # PDU mode would want a length, not a number
            return
        match = _CMGS.match(line)
        if not match:
            self._cms(305)
            return
        try:
            number = decode_text(match.group(1).encode("latin-1"), self.cscs)
        except GsmCodecError:
            self._cms(305)
            return
        if not number or not all(c.isdigit() for c in number.removeprefix("+")):
            self._cms(305)
            return
        self._number = number
        self._text = bytearray()
        self.port.write(b"\r\n> ")

    def _submit(self, data: bytes) -> None:
        dcs = self.csmp[3]
        try:
            text = decode_text(data, self.cscs)
        except GsmCodecError:
            self._cms(305)
            return
        if dcs == 0 and not (can_encode_gsm7(text) and gsm7_septets(text) <= SMS_SEPTETS):
            self._cms(305)  # GSM 7-bit cannot carry it, or it is too long for one SMS
            return
        if dcs == 8 and ucs2_units(text) > SMS_UCS2_UNITS:
            self._cms(305)
            return
        if self._fail_next:
            self._cms(self._fail_next.pop(0))
            return
        self._reference = (self._reference + 1) % 256
        sms = SentSms(self._number, text, self.cscs, dcs, self._reference, data)
        self.sent.append(sms)
        log.debug("simulated modem took an SMS, %s, reference %d", self.cscs, self._reference)
        if self.on_sms is not None:
            try:
                self.on_sms(sms)
            except Exception:  # a test's callback must not silence the modem
                log.exception("on_sms callback failed")
        if self._stall_next:
            self._stall_next -= 1
            return
        self._answer(f"+CMGS: {self._reference}")
