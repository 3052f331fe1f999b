"""A relative takes an alarm by answering its SMS, end to end: Kari presses Help, the
care service (real, on 127.0.0.1) does not answer within the wait, Ola gets the SMS
through the modem (a simulator on a pseudo-terminal), answers "JA" from his phone, and
the nurse's alarm list says he is on the way."""

from __future__ import annotations

from tests.helpers.home import hub_config
from tests.helpers.plans import PLANS, Clock, wait_for

from simulators.host import SimulatorHost
from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort
from hub_app.config import load_config
from hub_app.core import Core

OLA = "+4791234567"


def test_olas_ja_reaches_the_nurses_alarm_list(tmp_path, service):
    clock = Clock(None)
    clock.set_local(2026, 11, 23, 14, 40)
    host = SimulatorHost()
    modem = ModemSimulator(PtyPort(tmp_path / "ttyGSM"))
    host.call(modem.start)
    config = hub_config(tmp_path, service, sections=f'[care_plan]\nfile = "{PLANS / "kari.toml"}"\n')
    core = Core(load_config(config).with_data_dir(tmp_path / "data"), clock=clock)
    core.start()
    try:
        core.call(core.serial.assign, modem.port.path, "gsm_modem")
        wait_for(lambda: all(s.connected for s in core.call(core.serial.statuses)), what="the modem")
        uid = core.call(core.rules.help_pressed, "screen").uid
        wait_for(lambda: any(a.uid == uid for a in service.desk.alarms()), what="the alarm at the service")
        clock.advance(minutes=5)  # nobody at the desk took it: Ola is next on Kari's ladder
        core.call(core.tick)
        wait_for(lambda: any(sms.number == OLA for sms in modem.sent), what="Ola's SMS")
        wait_for(lambda: "Ola Nordmann" in core.call(core.alarms.active)[0].told, what="Ola's SMS recorded")
        host.call(modem.deliver_sms, OLA, "JA")
        wait_for(lambda: core.call(core.alarms.active)[0].state == "taken", timeout=15, what="Ola's answer read")
        wait_for(lambda: [a for a in service.desk.alarms() if a.uid == uid][0].on_the_way == "Ola Nordmann (son)",
                 timeout=15, what="the nurse's list to say Ola is on the way")
        [alarm] = [a for a in service.desk.alarms() if a.uid == uid]
        assert alarm.state == "open" and alarm.on_the_way_at  # the nurse can still take it over
        service.acknowledge("", uid, "Sykepleier Nina")
        wait_for(lambda: core.call(core.alarms.active) == [], what="the nurse's acknowledgement at the hub")
    finally:
        core.stop()
        host.call(modem.stop)
        modem.port.close()
        host.stop()
