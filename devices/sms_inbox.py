"""The GSM modem's SMS inbox (section 10 of docs/protocols/gsm-modem.md): given `on_sms`,
the modem announces each stored SMS with +CMTI, and the hub also lists what is stored
at opening and every `inbox_sweep_s`. Each message is read with AT+CMGR, handed to
`on_sms`, and deleted with AT+CMGD only when `on_sms` returned: a message the hub could
not take stays in the modem and is handed over again at the next listing. So a message
comes at least once; it comes twice only if the delete after `on_sms` fails (the modem
went away or did not answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from devices.at_exchange import AtExchange
from devices.modem_types import IncomingSms, ModemDisconnected, ModemError, OnSms
from drivers.serial.gsm import GsmCodecError, parse_cmgl, parse_cmgr, parse_cmti, parse_cpms, ucs2_encode

log = logging.getLogger(__name__)

# The character set the hub reads in: every text comes as one line of hex, so a reply
# "OK" is never taken for a result code and spacing survives (doc, section 10).
READ_CHARSET = "UCS2"
IDLE_LOOK_S = 0.25  # how often the idle modem's input is looked at for a new-SMS indication


class SmsInbox(AtExchange):
    def __init__(self, port: str, *, baudrate: int, command_timeout: float, on_sms: OnSms | None,
                 inbox_sweep_s: float) -> None:
        super().__init__(port, baudrate=baudrate, command_timeout=command_timeout)
        self.inbox_sweep_s = inbox_sweep_s
        self._on_sms = on_sms
        self._inbox: asyncio.Task[None] | None = None
        self._announced: dict[int, str | None] = {}  # index -> memory, from +CMTI and listings
        self._mail = asyncio.Event()
        self._memory: str | None = None  # where AT+CMGR reads, when known
        self._unreadable: set[int] = set()  # said once, left in the modem
        self._next_sweep = 0.0

    def _forget_messages(self) -> None:
        """What was known of the modem's messages; at each opening it is learnt again."""
        self._announced.clear()
        self._unreadable.clear()
        self._memory = None

    async def _after_restart(self) -> None:
        if self._on_sms is not None:  # a restart forgets the indications too
            await self._set_up_receiving()
            self._next_sweep = 0.0

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
        end = super()._take_indications(buffer)
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
