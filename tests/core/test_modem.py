"""The GSM modem end to end: GsmModem on a real pseudo-terminal, the simulated modem on
its far side in the same event loop."""

from __future__ import annotations

import asyncio
import logging
import re
import time

import pytest

from devices.modem import (
    GsmModem,
    ModemDisconnected,
    ModemError,
    ModemInfo,
    ModemTimeout,
    Registration,
    SignalQuality,
)
from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort
from drivers.serial.gsm import GsmCodecError

KARI = "Kari (85) har trykket på hjelpeknappen. Ring henne på 22 33 44 55. Hilsen Ærlige Øyvind på Ås"
PREFIX = re.compile(r"^\((\d)/(\d)\) ")


def run(scenario, tmp_path, *, timeout: float = 8.0, sim: bool = True, **modem_options):
    """Run `scenario(modem, sim, port)` in a fresh loop with the simulator started."""

    async def main():
        port = PtyPort(tmp_path / "ttyGSM")
        simulator = ModemSimulator(port)
        if sim:
            simulator.start()
        modem = GsmModem(port.path, **{"command_timeout": 2.0, **modem_options})
        try:
            return await asyncio.wait_for(scenario(modem, simulator, port), timeout)
        finally:
            await modem.close()
            port.close()

    return asyncio.run(main())


def test_open_sets_up_text_mode_and_returns_the_identity(tmp_path):
    async def scenario(modem, sim, port):
        info = await modem.open()
        assert info == ModemInfo("Welfare Hub", "Simulated GSM modem", "sim-1.0", "490154203237518")
        assert modem.info == info
        assert sim.commands[-7:] == ["ATE0", "AT+CMEE=1", "AT+CMGF=1", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN"]
        assert sim.commands[0] == "AT"
        assert (sim.echo, sim.cmee, sim.cmgf) == (False, 1, 1)

    run(scenario, tmp_path)


class StubbornEcho(ModemSimulator):
    """A modem that says OK to ATE0 and goes on echoing (some firmware does)."""

    def _set_echo(self, on: bool) -> None:
        self._answer()


def test_identification_past_echo_and_unsolicited_codes(tmp_path):
    async def main():
        port = PtyPort(tmp_path / "ttyGSM")
        sim = StubbornEcho(port, manufacturer="Telit")
        sim.start()
        sim.unsolicited_before_next_answer('+CMTI: "SM",1', "RING", command="AT+CGMI")
        sim.unsolicited_before_next_answer("^RSSI: 12", "Call Ready", command="AT+CGMM")
        modem = GsmModem(port.path, command_timeout=2.0)
        try:
            info = await modem.open()
            assert sim.echo
            assert (info.manufacturer, info.model) == ("Telit", "Simulated GSM modem")
            await modem.send_sms("22334455", "Ekko")
            assert sim.sent[-1].text == "Ekko"
        finally:
            await modem.close()
            port.close()

    asyncio.run(asyncio.wait_for(main(), 8))


def test_identification_with_prefixes_and_quotes(tmp_path):
    async def scenario(modem, sim, port):
        sim.manufacturer = "+CGMI: Quectel"
        sim.imei = '"867530900000000"'
        info = await modem.open()
        assert info.manufacturer == "Quectel"
        assert info.imei == "867530900000000"

    run(scenario, tmp_path)


@pytest.mark.parametrize(
    "rssi, ber, expected",
    [(31, 0, SignalQuality(-51, 5, 0)), (7, 3, SignalQuality(-99, 2, 3)), (99, 99, SignalQuality(None, 0, None))],
)
def test_signal_quality_reflects_the_simulator(tmp_path, rssi, ber, expected):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.set_signal(rssi, ber)
        assert await modem.signal_quality() == expected

    run(scenario, tmp_path)


def test_registration_reflects_the_simulator(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        seen = []
        for stat in (0, 1, 2, 3, 4, 5):
            sim.set_registration(stat)
            seen.append(await modem.registration())
        assert [r.state for r in seen] == ["not_registered", "home", "searching", "denied", "unknown", "roaming"]
        assert [r.registered for r in seen] == [False, True, False, False, False, True]
        assert seen[5] == Registration("roaming", 5)

    run(scenario, tmp_path)


def test_norwegian_sms_arrives_intact_in_gsm_7_bit(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        references = await modem.send_sms("+47 22 33 44 55", KARI)
        assert len(sim.sent) == 1
        sms = sim.sent[0]
        assert references == [sms.reference]
        assert (sms.number, sms.text, sms.encoding, sms.dcs) == ("+4722334455", KARI, "GSM", 0)
        # on the wire: one byte each for å, Æ, Ø, Å at their GSM 03.38 codes
        assert b"p\x0f hjelpeknappen" in sms.raw
        assert b"Hilsen \x1crlige \x0byvind p\x0f \x0es" in sms.raw
        assert sim.commands[-3:] == ['AT+CSCS="GSM"', "AT+CSMP=17,167,0,0", 'AT+CMGS="+4722334455",145']

    run(scenario, tmp_path)


def test_emoji_sms_arrives_intact_in_ucs2(tmp_path):
    text = "Kari har det fint 😀 hilsen Paweł"
    async def scenario(modem, sim, port):
        await modem.open()
        await modem.send_sms("22334455", text)
        sms = sim.sent[0]
        assert (sms.number, sms.text, sms.encoding, sms.dcs) == ("22334455", text, "UCS2", 8)
        assert sms.raw == text.encode("utf-16-be").hex().upper().encode("ascii")
        assert b"D83DDE00" in sms.raw and sms.raw.endswith(b"0142")
        assert sim.commands[-1] == 'AT+CMGS="00320032003300330034003400350035",129'

    run(scenario, tmp_path)


def test_long_text_arrives_as_parts_that_rejoin(tmp_path):
    text = ("Kari har trykket på hjelpeknappen og svarer ikke på telefonen. " * 7)[:400]
    mixed = "Æ" * 150 + " 😀 " + "ø" * 200

    async def scenario(modem, sim, port):
        await modem.open()
        references = await modem.send_sms("+4722334455", text)
        parts = list(sim.sent)
        assert len(parts) == len(references) == 3
        assert references == [p.reference for p in parts] and len(set(references)) == 3
        assert [p.encoding for p in parts] == ["GSM"] * 3
        assert [PREFIX.match(p.text).groups() for p in parts] == [("1", "3"), ("2", "3"), ("3", "3")]
        assert "".join(PREFIX.sub("", p.text) for p in parts) == text

        sim.sent.clear()
        await modem.send_sms("+4722334455", mixed)
        assert "".join(PREFIX.sub("", p.text) for p in sim.sent) == mixed
        assert {p.encoding for p in sim.sent} == {"GSM", "UCS2"}
        assert all(p.dcs == (8 if p.encoding == "UCS2" else 0) for p in sim.sent)

    run(scenario, tmp_path)


def test_cms_error_raises_modem_error_with_the_code_and_no_personal_data(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.fail_next_sms(331)
        with pytest.raises(ModemError) as caught:
            await modem.send_sms("+47 22 33 44 55", KARI)
        error = caught.value
        assert not isinstance(error, ModemDisconnected)
        assert (error.kind, error.code, error.parts_sent) == ("CMS", 331, [])
        assert "331" in str(error) and "no network service" in str(error)
        assert "22334455" not in str(error) and "Kari" not in str(error)
        assert sim.sent == []
        # the modem is fine afterwards
        assert len(await modem.send_sms("22334455", "Test")) == 1

    run(scenario, tmp_path)


def test_a_failed_second_part_tells_which_parts_were_sent(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.on_sms = lambda sms: sim.fail_next_sms(42)
        with pytest.raises(ModemError) as caught:
            await modem.send_sms("22334455", "a " * 200)
        assert caught.value.code == 42
        assert caught.value.parts_sent == [sim.sent[0].reference]
        assert "1 of 3" in str(caught.value)

    run(scenario, tmp_path)


def test_cmgs_refused_before_the_prompt(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.cmgf = 0  # as if the modem had been reset into PDU mode
        with pytest.raises(ModemError) as caught:
            await modem.send_sms("22334455", "Test")
        assert caught.value.code == 302
        assert "AT+CMGS" in str(caught.value) and "22334455" not in str(caught.value)

    run(scenario, tmp_path)


def test_unplug_during_send_raises_modem_disconnected_at_once(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.on_sms = lambda sms: port.unplug()  # took the text, then the cable came out
        started = time.monotonic()
        with pytest.raises(ModemDisconnected) as caught:
            await modem.send_sms("22334455", "Hjelp")
        assert time.monotonic() - started < 2.0  # not the 30 s send timeout
        assert "went away" in str(caught.value)
        with pytest.raises(ModemDisconnected):
            await modem.signal_quality()
        # plugged back in: a new open() on the same path works again
        sim.on_sms = None
        sim.plug()
        assert (await modem.open()).model == "Simulated GSM modem"
        assert await modem.send_sms("22334455", "Igjen") == [sim.sent[-1].reference]

    run(scenario, tmp_path, send_timeout=30.0)


def test_unplug_while_waiting_for_a_stalled_network(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.stall_next_sms()
        sending = asyncio.create_task(modem.send_sms("22334455", "Hjelp"))
        while not sim.sent:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert not sending.done()
        port.unplug()
        with pytest.raises(ModemDisconnected):
            await asyncio.wait_for(sending, 1.0)

    run(scenario, tmp_path, send_timeout=30.0)


def test_a_stalled_network_times_out(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.stall_next_sms()
        started = time.monotonic()
        with pytest.raises(ModemTimeout, match="may or may not have been sent"):
            await modem.send_sms("22334455", "Hjelp")
        assert 0.4 < time.monotonic() - started < 2.0
        # the late answer must not be taken for the next command's
        sim.send_unsolicited("+CMGS: 200")
        sim.send_unsolicited("OK")
        sim.set_signal(12)
        sim.cmgf = 0  # and the modem restarted into PDU mode meanwhile
        assert (await modem.signal_quality()).rssi_dbm == -89
        assert sim.cmgf == 1
        assert await modem.send_sms("22334455", "Igjen") == [sim.sent[-1].reference]

    run(scenario, tmp_path, send_timeout=0.5)


class SilentPrompt(ModemSimulator):
    """Takes AT+CMGS into the text state but never shows the "> " prompt."""

    silent = True

    def _cmgs(self, line: str) -> None:
        if self.silent:
            self._number, self._text = "?", bytearray()
        else:
            super()._cmgs(line)


def test_a_cancelled_send_cannot_turn_later_commands_into_sms_text(tmp_path):
    async def main():
        port = PtyPort(tmp_path / "ttyGSM")
        sim = SilentPrompt(port)
        sim.start()
        modem = GsmModem(port.path, command_timeout=2.0)
        try:
            await modem.open()
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(modem.send_sms("22334455", "Hei"), 0.3)
            await asyncio.sleep(0.05)
            assert sim._text is None  # the hub's ESC left the text state
            assert (await modem.signal_quality()).bars == 5
            assert sim.sent == []

            sim.stall_next_sms()
            sim.silent = False
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(modem.send_sms("22334455", "Hei"), 0.3)
            assert [s.text for s in sim.sent] == ["Hei"]
            assert (await modem.registration()).state == "home"
            assert await modem.send_sms("22334455", "Igjen") == [sim.sent[-1].reference]
        finally:
            await modem.close()
            port.close()

    asyncio.run(asyncio.wait_for(main(), 8))


def test_a_modem_that_never_answers_times_out(tmp_path):
    async def scenario(modem, sim, port):
        started = time.monotonic()
        with pytest.raises(ModemTimeout, match="did not answer AT within 1 s"):
            await modem.open()
        assert 0.9 < time.monotonic() - started < 3.0
        with pytest.raises(ModemError, match="not open"):
            await modem.signal_quality()

    run(scenario, tmp_path, sim=False, command_timeout=1.0)


def test_a_modem_that_needs_a_moment_is_waited_for(tmp_path):
    async def scenario(modem, sim, port):
        opening = asyncio.create_task(modem.open())
        await asyncio.sleep(1.3)  # two unanswered AT attempts pile up in the port
        assert not opening.done()
        sim.start()  # now it answers every one of them: late OKs the hub must not mistake
        info = await opening
        assert info.imei == "490154203237518"
        assert sim.commands.count("AT") >= 2 and "AT+CMGF?" in sim.commands
        assert (sim.echo, sim.cmee, sim.cmgf) == (False, 1, 1)
        assert (await modem.signal_quality()).bars == 5

    run(scenario, tmp_path, sim=False, command_timeout=4.0)


def test_a_missing_port_is_a_disconnect(tmp_path):
    async def main():
        with pytest.raises(ModemDisconnected, match="cannot open"):
            await GsmModem(str(tmp_path / "nothing-here")).open()

    asyncio.run(main())


def test_unsolicited_codes_between_and_inside_answers_are_ignored(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.set_signal(17)
        sim.send_unsolicited("RING")
        sim.send_unsolicited('+CMTI: "SM",3')
        await asyncio.sleep(0.05)
        assert (await modem.signal_quality()).rssi_dbm == -79

        sim.stat = 1
        sim.unsolicited_before_next_answer("+CREG: 5", "RING", '+CMTI: "SM",4', "^RSSI: 3")
        assert await modem.registration() == Registration("home", 1)

        sim.unsolicited_before_next_answer("+CSQ: 2,0")  # a stray line of the expected kind
        sim.send_unsolicited('+CMTI: "SM",5')
        sim.creg_n = 1
        sim.set_registration(5)  # sends +CREG: 5 on its own
        await asyncio.sleep(0.05)
        sms = await modem.send_sms("22334455", "Hei")
        assert sms == [sim.sent[-1].reference] and sim.sent[-1].text == "Hei"
        assert await modem.registration() == Registration("roaming", 5)

        sim.echo = True  # a modem that forgot ATE0
        sim.unsolicited_before_next_answer("RING")
        assert (await modem.signal_quality()).rssi_dbm == -79
        await modem.send_sms("22334455", "Hei igjen")
        assert sim.sent[-1].text == "Hei igjen"

    run(scenario, tmp_path)


def test_commands_are_one_at_a_time(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        sim.set_signal(25)
        results = await asyncio.gather(
            modem.send_sms("22334455", "a " * 150),
            modem.signal_quality(),
            modem.registration(),
            modem.send_sms("+4799887766", "Hei 😀"),
            modem.signal_quality(),
        )
        assert len(results[0]) == 2 and len(results[3]) == 1
        assert results[1] == results[4] == SignalQuality(-63, 5, None)
        assert results[2].state == "home"
        assert [(s.number, s.encoding) for s in sim.sent] == [
            ("22334455", "GSM"),
            ("22334455", "GSM"),
            ("+4799887766", "UCS2"),
        ]

    run(scenario, tmp_path)


def test_bad_input_is_refused_before_anything_is_sent(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        before = len(sim.commands)
        with pytest.raises(GsmCodecError, match="digits only"):
            await modem.send_sms("22 33 44 5x", "Hei")
        with pytest.raises(GsmCodecError, match="empty"):
            await modem.send_sms("22334455", "")
        assert len(sim.commands) == before

    run(scenario, tmp_path)


def test_numbers_and_text_are_not_logged_above_debug(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario(modem, sim, port):
        await modem.open()
        await modem.send_sms("+47 22 33 44 55", KARI)
        sim.fail_next_sms(500)
        with pytest.raises(ModemError):
            await modem.send_sms("+47 22 33 44 55", KARI)

    run(scenario, tmp_path)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("4722334455" in message for message in debug)  # the check below can see it
    above = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert any("SMS sent" in message for message in above)
    for message in above:
        assert "22334455" not in message and "Kari" not in message and "hjelpeknappen" not in message


def test_the_simulator_cancels_on_escape(tmp_path):
    async def scenario(modem, sim, port):
        await modem.open()
        link = modem._link
        link.buffer.clear()
        link.write(b'AT+CSCS="GSM"\r')
        link.write(b'AT+CMGS="22334455"\r')
        await asyncio.sleep(0.1)
        assert b"> " in link.buffer
        link.write(b"Avbrutt\x1b")
        await asyncio.sleep(0.1)
        assert link.buffer.endswith(b"\r\nOK\r\n")
        assert sim.sent == []
        assert await modem.registration() == Registration("home", 1)

    run(scenario, tmp_path)
