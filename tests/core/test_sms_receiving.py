"""Receiving SMS end to end: GsmModem with `on_sms` on a real pseudo-terminal, the
simulated modem on its far side delivering messages as a relative's phone would."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from devices.modem import GsmModem, IncomingSms
from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort

OSLO = ZoneInfo("Europe/Oslo")
AT = datetime(2024, 3, 15, 14, 30, 45, tzinfo=OSLO)
RELATIVE = "+4791234567"


class Inbox:
    """The hub's side: keeps what it is handed, or fails as long as `failing` is set."""

    def __init__(self) -> None:
        self.taken: list[IncomingSms] = []
        self.failing = 0
        self.calls = 0

    async def __call__(self, sms: IncomingSms) -> None:
        self.calls += 1
        if self.failing:
            self.failing -= 1
            raise OSError("the store is full")
        self.taken.append(sms)

    @property
    def texts(self) -> list[str]:
        return [sms.text for sms in self.taken]


async def until(predicate, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)


def run(scenario, tmp_path, *, sim_class=ModemSimulator, timeout: float = 10.0, on_sms=None, **modem_options):
    """Run `scenario(modem, sim, inbox, port)` with the simulator started; the modem is
    not opened yet, so a scenario can deliver before the hub is there. It hands what it
    receives to `inbox`, or to `on_sms` if given ("none": nowhere)."""

    async def main():
        port = PtyPort(tmp_path / "ttyGSM")
        sim = sim_class(port)
        sim.start()
        inbox = Inbox()
        options = {"command_timeout": 2.0, "inbox_sweep_s": 30.0, **modem_options}
        handler = None if on_sms == "none" else on_sms or inbox
        modem = GsmModem(port.path, on_sms=handler, **options)
        try:
            return await asyncio.wait_for(scenario(modem, sim, inbox, port), timeout)
        finally:
            await modem.close()
            port.close()

    return asyncio.run(main())


def test_an_sms_is_handed_over_once_and_then_deleted(tmp_path):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        assert {"AT+CNMI=2,1,0,0,0", "AT+CSDH=1"} <= set(sim.commands)
        assert sim.cnmi == (2, 1)
        [index] = sim.deliver_sms(RELATIVE, "Ja", at=AT)
        await until(lambda: sim.deleted)
        assert inbox.taken == [IncomingSms(RELATIVE, "Ja", AT, index)]
        assert inbox.taken[0].received_at.utcoffset() == timedelta(hours=1)
        assert sim.stored == {} and sim.deleted == [index]
        # read with +CMTI alone: no listing needed after the first one at opening
        assert sim.commands.count('AT+CMGL="ALL"') == 1
        await asyncio.sleep(0.3)
        assert len(inbox.taken) == 1
        # and the next one, at the place just freed
        sim.deliver_sms("22334455", "Nei", at=AT + timedelta(minutes=1))
        await until(lambda: len(sim.deleted) == 2)
        assert [(s.number, s.text, s.index) for s in inbox.taken] == [(RELATIVE, "Ja", 1), ("22334455", "Nei", 1)]

    run(scenario, tmp_path)


def test_sms_that_came_while_the_hub_was_off_are_handed_over_at_opening(tmp_path):
    async def scenario(modem, sim, inbox, port):
        sim.deliver_sms(RELATIVE, "JA", at=AT)
        sim.deliver_sms("+4799887766", "nei", at=AT + timedelta(seconds=5))
        await modem.open()
        await until(lambda: len(inbox.taken) == 2 and not sim.stored)
        assert [(s.number, s.text, s.received_at) for s in inbox.taken] == [
            (RELATIVE, "JA", AT), ("+4799887766", "nei", AT + timedelta(seconds=5))]
        assert sim.deleted == [1, 2]

    run(scenario, tmp_path)


def test_sms_that_came_while_the_modem_was_unplugged_are_handed_over_after_reconnecting(tmp_path):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        port.unplug()
        await asyncio.sleep(0.1)
        sim.deliver_sms(RELATIVE, "Ja, jeg kommer", at=AT)  # its +CMTI goes nowhere
        sim.plug()  # a freshly powered modem: indications off again
        assert sim.cnmi == (0, 0)
        # as the supervised device does: a new modem object, opened
        again = GsmModem(port.path, command_timeout=2.0, on_sms=inbox, inbox_sweep_s=30.0)
        try:
            await again.open()
            await until(lambda: inbox.taken and not sim.stored)
            assert inbox.texts == ["Ja, jeg kommer"]
            assert sim.cnmi == (2, 1)
            sim.deliver_sms(RELATIVE, "Er der nå")
            await until(lambda: len(inbox.taken) == 2)
        finally:
            await again.close()
        assert inbox.texts == ["Ja, jeg kommer", "Er der nå"]

    run(scenario, tmp_path)


class IndicationBeforePrompt(ModemSimulator):
    """An SMS arrives just after AT+CMGS: +CMTI comes before the "> " prompt."""

    deliver_on_cmgs = True

    def _cmgs(self, line: str) -> None:
        if self.deliver_on_cmgs:
            self.deliver_on_cmgs = False
            self.deliver_sms(RELATIVE, "før prompten")
        super()._cmgs(line)


class IndicationWhileTyping(ModemSimulator):
    """An SMS arrives while the hub types its text: the modem holds +CMTI (AT+CNMI mode
    2) and sends it after the answer."""

    deliver_on_prompt = True
    held: list[str] = []

    def _cmgs(self, line: str) -> None:
        super()._cmgs(line)
        if self.deliver_on_prompt and self._text is not None:
            self.deliver_on_prompt = False
            self.deliver_sms(RELATIVE, "mens teksten skrives")
            self.held = list(self._held)  # not sent yet


@pytest.mark.parametrize("where", ["before the prompt", "while typing", "before +CMGS"])
def test_an_sms_arriving_in_the_middle_of_a_send_breaks_nothing(tmp_path, where):
    sim_class = {"before the prompt": IndicationBeforePrompt, "while typing": IndicationWhileTyping,
                 "before +CMGS": ModemSimulator}[where]

    async def scenario(modem, sim, inbox, port):
        await modem.open()
        if where == "before +CMGS":  # the network took our SMS, and one arrives before the answer
            sim.on_sms = lambda sent: sim.deliver_sms(RELATIVE, "mellom svarene") if len(sim.sent) == 1 else None
        references = await modem.send_sms("+4722334455", "Kari trenger hjelp. Svar JA eller NEI.")
        assert references == [sim.sent[0].reference]
        assert sim.sent[0].text == "Kari trenger hjelp. Svar JA eller NEI."
        await until(lambda: inbox.taken and not sim.stored)
        assert len(inbox.taken) == 1
        if where == "while typing":
            assert sim.held == ['+CMTI: "SM",1']
        # and the next send is fine
        assert await modem.send_sms("+4722334455", "Takk") == [sim.sent[-1].reference]
        assert [s.text for s in sim.sent] == ["Kari trenger hjelp. Svar JA eller NEI.", "Takk"]

    run(scenario, tmp_path, sim_class=sim_class)


def test_sms_arriving_during_a_long_send_and_signal_checks(tmp_path):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        sim.on_sms = lambda sent: sim.deliver_sms(RELATIVE, f"svar {len(sim.sent)}")
        results = await asyncio.gather(
            modem.send_sms("+4722334455", "Kari har falt. " * 30),
            modem.signal_quality(),
            modem.send_sms("+4722334455", "Hei 😀"),
            modem.registration(),
        )
        assert len(results[0]) == 3 and len(results[2]) == 1
        assert results[1].bars == 5 and results[3].registered
        await until(lambda: len(inbox.taken) == 4 and not sim.stored)
        assert sorted(inbox.texts) == ["svar 1", "svar 2", "svar 3", "svar 4"]
        assert len(sim.deleted) == 4

    run(scenario, tmp_path)


def test_a_failing_hub_leaves_the_sms_in_the_modem_until_it_takes_it(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario(modem, sim, inbox, port):
        inbox.failing = 2
        await modem.open()
        sim.deliver_sms(RELATIVE, "JA hemmelig", at=AT)
        await until(lambda: inbox.calls == 1)
        await asyncio.sleep(0.1)
        assert sim.deleted == [] and sim.stored[1].status == "REC READ"
        # handed over again at the next listing, until the hub takes it
        await until(lambda: inbox.taken and not sim.stored, timeout=5)
        assert inbox.calls == 3
        assert inbox.taken == [IncomingSms(RELATIVE, "JA hemmelig", AT, 1)]
        assert sim.deleted == [1]

    run(scenario, tmp_path, inbox_sweep_s=0.5)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("handed over again" in message for message in warnings)
    for record in caplog.records:
        if record.levelno > logging.DEBUG:
            message = record.getMessage()
            assert "4791234567" not in message and "hemmelig" not in message and "store is full" not in message


@pytest.mark.parametrize(
    "text",
    [
        "JA", "ja", "Ja", "  ja  ", "\tJA\n", "NEI!", "nei takk", "OK", "ok", "RING", "+CMTI: \"SM\",1",
        "Ja, vi kommer kl. 15. Hilsen Åse og Bjørn på Ærø", "æøå ÆØÅ", "@ Ja _ Ξ {€}", "Nei 😀", "",
        "Line one\r\nLine two\n\nLine four", "Paweł: tak",
    ],
)
def test_norwegian_letters_odd_spacing_and_case_survive(tmp_path, text):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        sim.deliver_sms(RELATIVE, text, at=AT)
        await until(lambda: inbox.taken and not sim.stored)
        assert inbox.taken == [IncomingSms(RELATIVE, text, AT, 1)]

    run(scenario, tmp_path)


@pytest.mark.parametrize(
    "text, alphabet, parts",
    [
        ("Ja, jeg kommer så fort jeg kan, men bussen går først om en halvtime. " * 4, "GSM", 2),
        ("Æ" * 153 + "ø" * 153 + "å", "GSM", 3),
        ("Hei! " + "Jeg kommer 😀 " * 12, "UCS2", 3),
    ],
)
def test_a_message_in_several_parts_comes_as_its_parts(tmp_path, text, alphabet, parts):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        indexes = sim.deliver_sms(RELATIVE, text, at=AT)
        assert len(indexes) == parts
        assert {sim.stored[i].alphabet for i in indexes} == {alphabet}
        await until(lambda: len(inbox.taken) == parts and not sim.stored)
        assert [s.index for s in inbox.taken] == indexes
        references = {s.part.reference for s in inbox.taken}
        assert len(references) == 1
        assert [(s.part.sequence, s.part.total) for s in inbox.taken] == [(k, parts) for k in range(1, parts + 1)]
        joined = "".join(s.text for s in sorted(inbox.taken, key=lambda s: s.part.sequence))
        assert joined == text
        assert all(s.number == RELATIVE and s.received_at == AT for s in inbox.taken)

    run(scenario, tmp_path)


def test_a_single_part_message_has_no_part(tmp_path):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        sim.deliver_sms(RELATIVE, "a" * 160)
        sim.deliver_sms(RELATIVE, "ł" * 70)
        await until(lambda: len(inbox.taken) == 2)
        assert [s.part for s in inbox.taken] == [None, None]

    run(scenario, tmp_path)


class NoIndications(ModemSimulator):
    """A modem that knows no AT+CNMI: the hub finds its SMS by listing."""

    def _command(self, line: str) -> None:
        if line.upper().startswith("AT+CNMI="):
            self.commands.append(line)
            self._cms(303)
            return
        super()._command(line)


def test_a_modem_that_announces_nothing_is_listed_at_an_interval(tmp_path, caplog):
    async def scenario(modem, sim, inbox, port):
        await modem.open()
        assert sim.commands.count("AT+CNMI=2,1,0,0,0") == 1 and sim.commands.count("AT+CNMI=1,1,0,0,0") == 1
        sim.deliver_sms(RELATIVE, "Ja")
        await until(lambda: inbox.taken and not sim.stored, timeout=3)
        assert inbox.texts == ["Ja"]

    run(scenario, tmp_path, sim_class=NoIndications, inbox_sweep_s=0.4)
    assert any("does not announce new SMS" in r.getMessage() for r in caplog.records)


class StringsInUcs2(ModemSimulator):
    """Firmware that wants string parameters in the TE character set too."""

    def _cmgl(self, match: re.Match[str]) -> None:
        stat = match.group(1) or ""
        if self.cscs == "UCS2":
            if stat == "ALL":
                self._cms(305)
                return
            try:
                match = re.match(r'^(?:.*)="([^"]*)"$', f'x="{bytes.fromhex(stat).decode("utf-16-be")}"')
            except ValueError:
                self._cms(305)
                return
        super()._cmgl(match)


def test_listing_where_the_status_must_be_in_ucs2_too(tmp_path):
    async def scenario(modem, sim, inbox, port):
        sim.deliver_sms(RELATIVE, "Ja")
        await modem.open()
        await until(lambda: inbox.taken and not sim.stored)
        assert 'AT+CMGL="0041004C004C"' in sim.commands

    run(scenario, tmp_path, sim_class=StringsInUcs2)


class OneUnreadable(ModemSimulator):
    """The message at place 1 comes back as nonsense (8-bit data with a broken header)."""

    def _cmgr(self, match: re.Match[str]) -> None:
        if match.group(1) == "1" and 1 in self.stored:
            self._answer('+CMGR: "REC READ","+4791234567",,"24/03/15,14:30:45+04",145,68,0,4,"",145,3', "0700")
            return
        super()._cmgr(match)


def test_an_unreadable_sms_is_left_in_the_modem_and_the_others_still_come(tmp_path, caplog):
    async def scenario(modem, sim, inbox, port):
        sim.deliver_sms(RELATIVE, "ødelagt")
        sim.deliver_sms(RELATIVE, "Ja")
        await modem.open()
        await until(lambda: inbox.taken)
        await asyncio.sleep(1.0)  # a few listings
        assert inbox.texts == ["Ja"]
        assert list(sim.stored) == [1] and sim.deleted == [2]
        sim.deliver_sms(RELATIVE, "Nei")
        await until(lambda: len(inbox.taken) == 2)

    run(scenario, tmp_path, sim_class=OneUnreadable, inbox_sweep_s=0.2)
    said = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(said) == 1 and "ødelagt" not in said[0]


def test_without_on_sms_the_modem_leaves_received_sms_alone(tmp_path):
    async def main():
        port = PtyPort(tmp_path / "ttyGSM")
        sim = ModemSimulator(port)
        sim.start()
        sim.deliver_sms(RELATIVE, "Ja")
        modem = GsmModem(port.path, command_timeout=2.0)  # as the technician's probe opens it
        try:
            await modem.open()
            sim.deliver_sms(RELATIVE, "Nei")
            await asyncio.sleep(0.2)
            assert await modem.send_sms("22334455", "Test") == [sim.sent[-1].reference]
            assert sorted(sim.stored) == [1, 2] and sim.deleted == []
            assert not any(c.startswith(("AT+CMGL", "AT+CMGR", "AT+CMGD", "AT+CNMI")) for c in sim.commands)
        finally:
            await modem.close()
            port.close()

    asyncio.run(asyncio.wait_for(main(), 8))


def test_closing_while_the_hub_takes_an_sms_leaves_it_in_the_modem(tmp_path):
    started = []

    async def slow(sms):
        started.append(sms)
        await asyncio.sleep(10)

    async def scenario(modem, sim, inbox, port):
        await modem.open()
        sim.deliver_sms(RELATIVE, "Ja")
        await until(lambda: started)
        await modem.close()
        assert list(sim.stored) == [1] and sim.deleted == []

    run(scenario, tmp_path, on_sms=slow)


def test_received_numbers_and_text_are_not_logged_above_debug(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario(modem, sim, inbox, port):
        await modem.open()
        sim.deliver_sms(RELATIVE, "Ja hemmelig", at=AT)
        sim.deliver_sms(RELATIVE, "Hemmelig lang " * 20, at=AT)
        await until(lambda: len(inbox.taken) == 3 and not sim.stored)

    run(scenario, tmp_path)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("4791234567" in message and "hemmelig" in message for message in debug)
    above = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert any("SMS received" in message for message in above)
    for message in above:
        assert "4791234567" not in message and "emmelig" not in message


def test_the_simulator_answers_as_a_modem_does(tmp_path):
    """AT+CMGR, AT+CMGL and AT+CMGD on the wire, in the GSM character set without
    header values, as a technician would type them."""

    async def scenario(modem, sim, inbox, port):
        await modem.open()
        sim.deliver_sms(RELATIVE, "Ja på Ås", at=datetime(2024, 3, 15, 14, 30, 45, tzinfo=timezone(timedelta(hours=1))))
        link = modem._link
        for command, expected in (
            ('AT+CSCS="GSM"', b"\r\nOK\r\n"),
            ("AT+CMGR=1", b'\r\n+CMGR: "REC UNREAD","+4791234567",,"24/03/15,14:30:45+04"\r\nJa p\x0f \x0es\r\n\r\nOK\r\n'),
            ('AT+CMGL="REC UNREAD"', b"\r\nOK\r\n"),
            ('AT+CMGL="ALL"', b'\r\n+CMGL: 1,"REC READ","+4791234567",,"24/03/15,14:30:45+04"\r\nJa p\x0f \x0es\r\n\r\nOK\r\n'),
            ("AT+CMGD=1", b"\r\nOK\r\n"),
            ("AT+CMGR=1", b"\r\nOK\r\n"),
            ("AT+CMGD=31", b"\r\n+CMS ERROR: 321\r\n"),
            ("AT+CPMS?", b'\r\n+CPMS: "SM",0,30,"SM",0,30,"SM",0,30\r\n\r\nOK\r\n'),
        ):
            link.buffer.clear()
            link.write(command.encode() + b"\r")
            await until(lambda: link.buffer.endswith((b"OK\r\n", b"321\r\n")))
            assert bytes(link.buffer) == expected, command
        assert sim.deleted == [1]

    run(scenario, tmp_path, on_sms="none")


def test_every_sms_is_read_at_once_not_at_the_next_sweep_also_while_the_hub_talks_to_the_modem(tmp_path):
    # An indication that came as the hub sent a command, or just before the reader began
    # to wait on the port, was lost now and then: the SMS waited for the sweep (here 30 s).
    async def scenario(modem, sim, inbox, port):
        await modem.open()

        async def busy() -> None:
            while True:
                await modem.signal_quality()

        chatter = asyncio.create_task(busy())
        try:
            for number in range(40):
                await asyncio.sleep(0.003 * (number % 5))  # in any phase of a command or a wait
                sim.deliver_sms(RELATIVE, f"Ja {number}", at=AT)
                await until(lambda: len(inbox.taken) == number + 1, timeout=2.0)
        finally:
            chatter.cancel()
        assert inbox.texts == [f"Ja {number}" for number in range(40)]

    run(scenario, tmp_path, timeout=120)
