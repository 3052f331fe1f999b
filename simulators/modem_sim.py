"""A GSM modem on the far side of a pseudo-terminal, speaking AT as a real one does
(3GPP TS 27.005 / 27.007 text mode, docs/protocols/gsm-modem.md).

It starts as a real modem powers up: echo on, PDU mode, character set IRA, numeric
errors off, no new-message indications. It decodes each SMS by the character set the
hub chose, checks it against the data coding scheme and the length limits as the
network would, and records it.

Received SMS: `deliver_sms` stores a message in the simulated SIM (as a phone sends
it: GSM 7-bit when the alphabet has every character, else UCS-2, and a long text as a
concatenated SMS in parts with a user-data header), announces it with +CMTI when AT+CNMI
asks for that, and AT+CMGR, AT+CMGL and AT+CMGD read, list and delete it. The SIM keeps
its messages across unplugging and power cycles, until they are deleted.

Faults for tests and the demo: fail or stall the next SMS, weak signal, lost
registration, unsolicited result codes at awkward moments, unplugging.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from simulators.pty import PtyPort
from drivers.serial.gsm import (
    CME_MEANINGS,
    CMS_MEANINGS,
    SMS_SEPTETS,
    SMS_UCS2_UNITS,
    Concatenation,
    GsmCodecError,
    can_encode_gsm7,
    decode_text,
    format_scts,
    gsm7_encode,
    gsm7_septets,
    ucs2_encode,
    ucs2_units,
    user_data_encode,
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


@dataclass
class StoredSms:
    """A received SMS (or one part of it) in the simulated SIM."""

    number: str
    text: str  # this part's text
    received_at: datetime
    alphabet: str  # GSM or UCS2: the data coding scheme the sending phone chose
    part: Concatenation | None = None
    status: str = "REC UNREAD"

    @property
    def dcs(self) -> int:
        return 0 if self.alphabet == "GSM" else 8

    @property
    def first_octet(self) -> int:
        # SMS-DELIVER, no more messages waiting (TP-MMS), and TP-UDHI with a header
        return 0x44 if self.part else 0x04


SIM_CAPACITY = 30
SMSC = "+4790002100"
# a phone's concatenated parts: 153 septets or 67 UCS-2 units after the 6-octet header
_PART_SEPTETS, _PART_UCS2_UNITS = 153, 67

_CMGS = re.compile(r'^AT\+CMGS="([^"]*)"(?:,(\d+))?$', re.IGNORECASE)
_CMGR = re.compile(r"^AT\+CMGR=(\d+)$", re.IGNORECASE)
_CMGL = re.compile(r'^AT\+CMGL(?:="([^"]*)")?$', re.IGNORECASE)
_CMGD = re.compile(r"^AT\+CMGD=(\d+)(?:,(\d))?$", re.IGNORECASE)
_CNMI = re.compile(r"^AT\+CNMI=(\d)(?:,(\d)(?:,(\d)(?:,(\d)(?:,(\d))?)?)?)?$", re.IGNORECASE)
_CPMS = re.compile(r'^AT\+CPMS="([^"]*)"(?:,"([^"]*)")?(?:,"([^"]*)")?$', re.IGNORECASE)
_CSCS = re.compile(r'^AT\+CSCS="([^"]*)"$', re.IGNORECASE)
_CSMP = re.compile(r"^AT\+CSMP=(\d+),(\d+),(\d+),(\d+)$", re.IGNORECASE)


class ModemSimulator:
    kind = "gsm_modem"  # as scripts name the device they drive (simulators/script.py)

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
        self.stored: dict[int, StoredSms] = {}  # the SIM's messages by index; kept across power cycles
        self.deleted: list[int] = []  # every index deleted with AT+CMGD, in order (for tests)
        self._concat_reference = 0
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
        self.cnmi = (0, 0)  # <mode>, <mt>: no indications
        self.csdh = 0
        self._held: list[str] = []  # indications kept while the hub types an SMS (CNMI mode 2)
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

    def deliver_sms(self, number: str, text: str, at: datetime | None = None) -> list[int]:
        """An SMS from `number` arrives: stored in the SIM (in parts, if long) and
        announced with +CMTI if the hub asked for that. `at`, the service centre's time,
        needs a zone (default: now in Oslo). The indexes it is stored at."""
        at = at or datetime.now(ZoneInfo("Europe/Oslo")).replace(microsecond=0)
        format_scts(at)  # refuses a time without a zone
        alphabet = "GSM" if can_encode_gsm7(text) else "UCS2"
        pieces = _phone_parts(text, alphabet)
        free = [index for index in range(1, SIM_CAPACITY + 1) if index not in self.stored]
        if len(free) < len(pieces):
            raise RuntimeError(f"the simulated SIM is full ({SIM_CAPACITY} messages)")
        self._concat_reference = (self._concat_reference + 1) % 256
        indexes = free[: len(pieces)]
        for sequence, (index, piece) in enumerate(zip(indexes, pieces), start=1):
            part = Concatenation(self._concat_reference, len(pieces), sequence) if len(pieces) > 1 else None
            self.stored[index] = StoredSms(number, piece, at, alphabet, part)
            self._indicate(index)
        return indexes

    def _indicate(self, index: int) -> None:
        mode, mt = self.cnmi
        if mode == 0 or mt != 1:
            return  # stored, not announced
        line = f'+CMTI: "SM",{index}'
        if self._text is not None:  # the hub is typing an SMS: the link is reserved
            if mode >= 2:
                self._held.append(line)
            return
        self.send_unsolicited(line)

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
        if self._text is None:
            for held in self._held:
                out += b"\r\n" + held.encode("latin-1") + b"\r\n"
            self._held.clear()
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
            "AT+CNMI?": lambda: self._answer(f"+CNMI: {self.cnmi[0]},{self.cnmi[1]},0,0,0"),
            "AT+CSDH?": lambda: self._answer(f"+CSDH: {self.csdh}"),
            "AT+CPMS?": lambda: self._answer("+CPMS: " + ",".join([f'"SM",{len(self.stored)},{SIM_CAPACITY}'] * 3)),
        }
        if upper in simple:
            simple[upper]()
            return
        for name, values, attribute in (
            ("AT+CMEE=", (0, 1, 2), "cmee"),
            ("AT+CMGF=", (0, 1), "cmgf"),
            ("AT+CREG=", (0, 1, 2), "creg_n"),
            ("AT+CSDH=", (0, 1), "csdh"),
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
        if match := _CNMI.match(line):
            values = [int(v or 0) for v in match.groups()]
            if values[0] > 3 or values[1] > 1 or any(values[2:]):
                self._cms(303)  # direct routing (+CMT) and broadcasts are not simulated
            else:
                self.cnmi = (values[0], values[1])
                self._answer()
            return
        if match := _CPMS.match(line):
            if any(memory.upper() != "SM" for memory in match.groups() if memory is not None):
                self._cms(302)  # the simulated modem has the SIM's memory only
            else:
                self._answer("+CPMS: " + ",".join([f"{len(self.stored)},{SIM_CAPACITY}"] * 3))
            return
        for pattern, handler in ((_CMGR, self._cmgr), (_CMGL, self._cmgl), (_CMGD, self._cmgd)):
            if match := pattern.match(line):
                handler(match)
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

    # -- received SMS ---------------------------------------------------------------------

    def _string(self, value: str) -> str:
        """A string parameter in the TE character set."""
        if self.cscs == "UCS2":
            return ucs2_encode(value)
        if self.cscs == "GSM" and can_encode_gsm7(value):
            return gsm7_encode(value).decode("latin-1")
        return value

    def _data(self, sms: StoredSms) -> str:
        """The text as text mode shows it (TS 27.005 3.1): hex octets of the user data
        with a header or in UCS-2; GSM 7-bit text converted to the TE character set."""
        if sms.part is not None or sms.alphabet == "UCS2":
            return user_data_encode(sms.text, sms.alphabet, sms.part).hex().upper()  # type: ignore[arg-type]
        if self.cscs == "UCS2":
            return ucs2_encode(sms.text)
        if self.cscs == "GSM":
            return gsm7_encode(sms.text).decode("latin-1")
        return "".join(char if char.isascii() else "?" for char in sms.text)

    def _sender(self, sms: StoredSms) -> tuple[str, int]:
        number = sms.number
        kind = 145 if number.startswith("+") else 129 if number.isdigit() else 208
        return f'"{self._string(number)}",,"{format_scts(sms.received_at)}"', kind

    def _cmgr(self, match: re.Match[str]) -> None:
        if self.cmgf != 1:
            self._cms(302)  # PDU mode is not simulated
            return
        sms = self.stored.get(int(match.group(1)))
        if sms is None:
            self._answer()  # an empty place: OK alone, as many modems answer
            return
        sender, kind = self._sender(sms)
        header = f'+CMGR: "{sms.status}",{sender}'
        data = self._data(sms)
        if self.csdh:
            length = len(data) // 2 if sms.part or sms.alphabet == "UCS2" else len(sms.text)
            header += f',{kind},{sms.first_octet},0,{sms.dcs},"{self._string(SMSC)}",145,{length}'
        sms.status = "REC READ"
        self._answer(f"{header}\r\n{data}")  # the text follows its header line directly

    def _cmgl(self, match: re.Match[str]) -> None:
        if self.cmgf != 1:
            self._cms(302)
            return
        wanted = (match.group(1) or "REC UNREAD").upper()
        if wanted not in ("ALL", "REC UNREAD", "REC READ", "STO UNSENT", "STO SENT"):
            self._cms(305)
            return
        lines = []
        for index, sms in sorted(self.stored.items()):
            if wanted in ("ALL", sms.status):
                sender, kind = self._sender(sms)
                data = self._data(sms)
                header = f'+CMGL: {index},"{sms.status}",{sender}' + (f",{kind},{len(data)}" if self.csdh else "")
                lines.append(f"{header}\r\n{data}")
                sms.status = "REC READ"
        self._answer(*lines)

    def _cmgd(self, match: re.Match[str]) -> None:
        index, flag = int(match.group(1)), int(match.group(2) or 0)
        if flag == 0 and not 1 <= index <= SIM_CAPACITY:
            self._cms(321)  # invalid memory index
            return
        if flag > 4:
            self._cms(305)
            return
        if flag == 0:
            doomed = [index] if index in self.stored else []
        elif flag == 4:
            doomed = list(self.stored)
        else:  # 1-3: the read ones (this SIM holds no messages of its own to send)
            doomed = [i for i, sms in self.stored.items() if sms.status == "REC READ"]
        for gone in sorted(doomed):
            del self.stored[gone]
            self.deleted.append(gone)
        self._answer()


def _phone_parts(text: str, alphabet: str) -> list[str]:
    """How a phone cuts `text`: one SMS if it fits, else parts of 153 septets or 67
    UCS-2 units, never splitting an escaped character or a surrogate pair."""
    length, single, limit = (
        (gsm7_septets, SMS_SEPTETS, _PART_SEPTETS) if alphabet == "GSM" else (ucs2_units, SMS_UCS2_UNITS, _PART_UCS2_UNITS)
    )
    if length(text) <= single:
        return [text]
    parts, current = [], ""
    for char in text:
        if length(current + char) > limit:
            parts.append(current)
            current = ""
        current += char
    return parts + [current]
