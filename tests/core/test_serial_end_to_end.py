"""The hub core with the simulated dispenser, sensor receiver and modem on real ptys.

The simulators run on their own loop in their own thread (as separate devices), the
hub's store is a real SQLite file, and the devices are assigned through the same core
commands the technician's page uses.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from tests.helpers.plans import wait_as_time_passes, wait_for

from simulators.dispenser_sim import DispenserSimulator
from simulators.host import SimulatorHost
from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator
from hub_app.config import HubConfig
from hub_app.core import Core
from hub_app.store import Store
from vocabulary import DeviceKind, EventKind


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def home(tmp_path):
    host = SimulatorHost()
    cores: list[Core] = []
    simulators = []

    def start_core(clock=None) -> Core:
        options = {"retry_base": 0.05, "backoff_max": 0.3}
        if clock is not None:
            options["clock"] = clock
        core = Core(HubConfig().with_data_dir(tmp_path / "data"), device_options=options)
        core.start()
        cores.append(core)
        return core

    def simulator(cls, name, **options):
        sim = cls(PtyPort(tmp_path / name), retry_base=0.05, **options)
        host.run(sim.start())
        simulators.append(sim)
        return sim

    yield SimpleNamespace(host=host, start_core=start_core, simulator=simulator, tmp=tmp_path)
    for core in cores:
        core.stop()
    for sim in simulators:
        host.run(sim.stop())
        sim.port.close()
    host.stop()


def events(core, kind=None):
    return [e for e in reversed(core.call(core.diagnostics.recent_events, 1000)) if kind is None or e.kind == kind]


def stored_events(path):
    store = Store(path)
    try:
        return list(reversed(store.events(limit=1000)))
    finally:
        store.close()


def test_assigning_a_port_needs_a_handshake_and_is_audited(home):
    core = home.start_core()
    dispenser = home.simulator(DispenserSimulator, "dispenser", auto=False)
    identity = core.call(core.serial.assign, dispenser.port.path, "dispenser")
    assert (identity.model, identity.serial, identity.firmware) == ("OD-28", "OD2400117", "1.4.2")
    wait_for(lambda: any(s.connected for s in core.call(core.serial.statuses)), what="the dispenser to connect")
    # A port with nothing on it is not saved.
    empty = PtyPort(home.tmp / "nothing")
    with pytest.raises(Exception, match="no answer to HELLO"):
        core.call(core.serial.assign, empty.path, "dispenser")
    # The wrong kind is not saved either.
    receiver = home.simulator(SensorReceiverSimulator, "receiver")
    with pytest.raises(Exception, match="is a sensor_receiver, not a dispenser"):
        core.call(core.serial.assign, receiver.port.path, "dispenser")
    statuses = core.call(core.serial.statuses)
    assert [s.port for s in statuses] == [dispenser.port.path]
    actions = [row["action"] for row in core.call(_audit, core)]
    assert actions.count("device.assigned") == 1 and actions.count("device.assign_failed") == 2
    empty.close()


async def _audit(core):
    return list(reversed(core.store.audit_rows(limit=1000)))


def test_a_dose_taken_and_a_dose_missed_land_in_the_store_once(home):
    core = home.start_core()
    dispenser = home.simulator(DispenserSimulator, "dispenser", auto=False)
    core.call(core.serial.assign, dispenser.port.path, "dispenser")
    home.host.call(dispenser.dose_due, 1)
    home.host.call(dispenser.dose_taken, 1)
    home.host.call(dispenser.dose_missed, 2)
    home.host.run(dispenser.wait_until_idle(10))
    doses = events(core, EventKind.DOSE)
    assert [(e.type, e.data["compartment"]) for e in doses] == [("dose_due", 1), ("dose_taken", 1), ("dose_missed", 2)]
    assert all(e.source == "dispenser:OD2400117" for e in doses)


def test_retransmissions_and_a_hub_restart_in_the_middle_store_each_event_once(home):
    state = home.tmp / "dispenser-state.json"
    dispenser = home.simulator(DispenserSimulator, "dispenser", auto=False, state_file=state)
    core = home.start_core()
    core.call(core.serial.assign, dispenser.port.path, "dispenser")
    core.stop()  # the hub goes down...
    home.host.call(dispenser.dose_taken, 4)  # ...the dispenser keeps repeating this to nobody
    before_ack = home.tmp / "state-before-ack.json"
    shutil.copy(state, before_ack)
    time.sleep(0.5)
    assert dispenser.retransmissions >= 2
    core = home.start_core()  # the hub is back: it reads the buffered repeats
    home.host.run(dispenser.wait_until_idle(10))
    assert [e.type for e in events(core, EventKind.DOSE)] == ["dose_taken"]
    # The hub stored it and acknowledged it; now both restart, and the dispenser has
    # lost that acknowledgement (its memory is from before): it sends the event again.
    core.stop()
    home.host.run(dispenser.stop())
    shutil.copy(before_ack, state)
    again = home.simulator(DispenserSimulator, "dispenser", auto=False, state_file=state)
    assert again.queued  # the old event is waiting to go again
    core = home.start_core()
    home.host.run(again.wait_until_idle(10))
    assert [e.type for e in stored_events(home.tmp / "data" / "hub.db") if e.kind == EventKind.DOSE] == ["dose_taken"]


def test_unplug_mid_frame_and_garbage_lose_nothing_and_double_nothing(home):
    core = home.start_core()
    receiver = home.simulator(SensorReceiverSimulator, "receiver", sensors={"00A1B2C3": "help", "00D4E5F6": "fall"})
    core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
    wait_for(lambda: core.call(core.serial.statuses)[0].connected, what="the receiver")
    home.host.call(receiver.send_garbage, b"\x00\xff line noise $7 BROKEN*0000\r\n")
    home.host.call(receiver.help_button, "00A1B2C3")
    home.host.run(receiver.wait_until_idle(10))
    home.host.call(receiver.fall, "00D4E5F6")
    home.host.call(receiver.unplug_mid_frame)
    wait_for(lambda: not core.call(core.serial.statuses)[0].connected, what="the hub to notice the unplug")
    home.host.call(receiver.replug)
    wait_for(lambda: core.call(core.serial.statuses)[0].connected, what="the hub to reconnect")
    home.host.run(receiver.wait_until_idle(10))
    alarms = events(core, EventKind.ALARM)
    assert [(e.type, e.source) for e in alarms] == [("help_button", "sensor:00A1B2C3"), ("fall", "sensor:00D4E5F6")]
    status = core.call(core.serial.statuses)[0]
    assert status.connected and status.bad_frames >= 2  # the noise's broken frame and the half frame


def test_a_silent_dispenser_is_reported_and_its_return_too(home):
    clock = FakeClock()
    core = home.start_core(clock=clock)
    dispenser = home.simulator(DispenserSimulator, "dispenser", auto=False)
    core.call(core.serial.assign, dispenser.port.path, "dispenser")
    wait_for(lambda: core.call(core.serial.statuses)[0].connected, what="the dispenser")
    home.host.call(dispenser.go_silent)
    clock.now += timedelta(seconds=3 * 30 + 1)

    def tick():
        clock.now += timedelta(seconds=5)

    wait_as_time_passes(lambda: any(p.device == DeviceKind.DISPENSER for p in core.state.problems), tick,
                        what="the silence")
    home.host.call(dispenser.wake_up)
    home.host.call(dispenser.battery, 80)
    wait_for(lambda: not core.state.problems, what="the dispenser to be back")
    assert [e.type for e in events(core, EventKind.DEVICE)][:2] == ["device_silent", "device_back"]


def test_enrolment_in_learn_mode_and_the_sensor_list(home):
    core = home.start_core()
    receiver = home.simulator(SensorReceiverSimulator, "receiver", checkin_interval=0.2)
    port = receiver.port.path
    core.call(core.serial.assign, port, "sensor_receiver")
    wait_for(lambda: core.call(core.serial.statuses)[0].connected, what="the receiver")
    core.call(core.serial.learn, port, True)
    assert home.host.call(receiver.press_to_enrol, "00C0FFEE", "bed")
    wait_for(lambda: any(s.sensor_id == "00C0FFEE" for s in core.call(core.serial.sensors, port)), what="the enrolment")
    sensors = {s.sensor_id: s for s in core.call(core.serial.sensors, port)}
    assert sensors["00C0FFEE"].kind == "bed"
    home.host.call(receiver.set_sensor_battery, "00C0FFEE", 64)
    home.host.call(receiver.send_checkins)
    wait_for(lambda: core.call(core.serial.sensors, port)[0].battery == 64, what="a check-in")
    assert [e.type for e in events(core, EventKind.DEVICE)] == ["sensor_enrolled"]
    actions = [row["action"] for row in core.call(_audit, core)]
    assert "receiver.learn_on" in actions


def test_an_sms_leaves_through_the_modem_with_norwegian_letters(home):
    core = home.start_core()
    port = PtyPort(home.tmp / "modem")
    modem = ModemSimulator(port)
    home.host.call(modem.start, home.host.loop)
    try:
        identity = core.call(core.serial.assign, port.path, "gsm_modem")
        assert identity.serial == "490154203237518"
        wait_for(lambda: core.call(core.serial.statuses)[0].connected, what="the modem")
        signal, registration = core.call(core.serial.check_modem, port.path)
        assert registration.registered and signal.bars > 0
        core.call(core.serial.test_sms, port.path, "+47 22 33 44 55")
        wait_for(lambda: modem.sent, what="the SMS")
        sms = modem.sent[0]
        assert sms.number == "+4722334455"
        assert "æøå ÆØÅ" in sms.text and "velferdshuben" in sms.text
        assert sms.encoding == "GSM"
    finally:
        home.host.call(modem.stop)
