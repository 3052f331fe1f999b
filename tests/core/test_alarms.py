"""Every alarm ends with a person or at the top of its ladder: the real core and store,
a clock the test moves, and a simulated modem and sensor receiver on pseudo-terminals."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from tests.helpers.plans import PLANS, Clock, start_core, store_rows, wait_as_time_passes, wait_for

from simulators.host import SimulatorHost
from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort
from simulators.receiver_sim import SensorReceiverSimulator
from hub_app.alarms import AlarmError, CareLinkState
from hub_app.messages import AlarmChanged
from vocabulary import Event, EventKind

ON_CALL = "+4740000113"
PENDANT, FALL, BED, DOOR = "00A1B2C3", "00D4E5F6", "00B3D000", "00D00D00"


@pytest.fixture
def clock():
    c = Clock(None)
    c.set_local(2026, 11, 23, 10, 0)
    return c


@pytest.fixture
def home(tmp_path, clock):
    host = SimulatorHost()
    modem = ModemSimulator(PtyPort(tmp_path / "ttyGSM"))
    host.call(modem.start)
    receiver = SensorReceiverSimulator(PtyPort(tmp_path / "ttyRX"), retry_base=0.05, clock=clock,
                                       sensors={PENDANT: "help", FALL: "fall", BED: "bed", DOOR: "door"})
    host.run(receiver.start())
    cores = []

    class Home:
        def __init__(self):
            self.modem, self.receiver, self.host = modem, receiver, host

        def start(self, plan="kari.toml", on_call=ON_CALL, wired=True, **options):
            core = start_core(tmp_path, clock, plan=str(PLANS / plan) if plan else None, on_call=on_call, **options)
            cores.append(core)
            if wired and not core.call(core.serial.statuses):
                core.call(core.serial.assign, modem.port.path, "gsm_modem")
                core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
            wait_for(lambda: all(s.connected for s in core.call(core.serial.statuses)), what="the devices")
            return core

        def sms_to(self, number):
            return [sms for sms in modem.sent if sms.number == number]

        def door(self, core, action):
            """The front door opens or closes (`action` door_open or door_close), and the hub has stored it."""
            before = len([e for e in core.call(core.diagnostics.recent_events, 50) if e.type == action])
            host.call(getattr(receiver, action), DOOR)
            wait_for(lambda: len([e for e in core.call(core.diagnostics.recent_events, 50) if e.type == action]) > before,
                     what=f"the {action}")

        def out_of_bed(self, core):
            """Kari gets out of bed, and the hub has stored it."""
            host.call(receiver.bed_exit, BED)
            wait_for(lambda: any(e.type == "bed_exit" for e in core.call(core.diagnostics.recent_events, 20)), what="the bed exit")

    yield Home()
    for core in cores:
        core.stop()
    host.run(receiver.stop())
    receiver.port.close()
    modem.port.close()
    host.stop()


def watching_plan(folder):
    """Kari's plan, with her consent to the bed and inactivity monitoring."""
    plan = folder / "watching.toml"
    plan.write_text((PLANS / "kari.toml").read_text(encoding="utf-8") + (
        "\n[consent.bed_and_inactivity_monitoring]\ngiven = true\nrecorded_by = \"Sykepleier Kari\"\n"
        "recorded_at = 2026-11-01\n"), encoding="utf-8")
    return plan


def numbers_sent(home, count):
    """The numbers SMS went to, once `count` of them have gone out (they go in the background)."""
    wait_for(lambda: len(home.modem.sent) >= count, what=f"{count} SMS")
    return [sms.number for sms in home.modem.sent]


def outbox(core):
    return store_rows(core, "SELECT o.priority, e.kind, e.type FROM outbox o JOIN events e ON e.uid = o.event_uid "
                            "WHERE o.sent_at IS NULL ORDER BY o.priority, o.id")


def active(core):
    return core.call(core.alarms.active)


def test_help_on_the_screen_is_queued_at_once_and_the_on_call_phone_told_when_the_service_is_out_of_reach(home):
    core = home.start()
    event = core.call(core.rules.help_pressed, "screen")
    [alarm] = active(core)
    assert (alarm.uid, alarm.type, alarm.state) == (event.uid, "help_button", "raised")
    assert outbox(core)[0] == {"priority": 0, "kind": "alarm", "type": "help_button"}
    numbers_sent(home, 1)
    [sms] = home.sms_to(ON_CALL)  # no care service configured: out of reach, so a person on call, now
    assert "Kari trykket på alarmknappen" in sms.text and "Hjemmetjenesten er varslet" in sms.text
    wait_for(lambda: "on-call" in core.call(core.alarms.active)[0].told, what="the SMS recorded")
    assert alarm.state == "raised"


def test_the_pendant_raises_the_same_alarm_with_no_countdown(home):
    core = home.start()
    home.host.call(home.receiver.help_button, PENDANT)
    wait_for(lambda: active(core), what="the pendant's alarm")
    [alarm] = active(core)
    assert alarm.type == "help_button" and alarm.state == "raised"
    home.host.call(home.receiver.help_button, PENDANT)  # a second press is a second alarm
    wait_for(lambda: len(active(core)) == 2, what="the second alarm")


def test_a_fall_counts_down_and_im_ok_cancels_it(home, clock):
    core = home.start()
    changes = []
    core.subscribe(lambda m: changes.append(m.alarm) if isinstance(m, AlarmChanged) else None)
    home.host.call(home.receiver.fall, FALL)
    wait_for(lambda: active(core), what="the fall")
    [alarm] = active(core)
    assert alarm.state == "countdown" and (alarm.next_at - clock.now).total_seconds() == 30
    assert outbox(core) == []  # nothing is sent while the resident can still say "I'm OK"
    cancelled = core.call(core.alarms.cancel, alarm.uid)
    assert cancelled.state == "cancelled" and active(core) == []
    clock.advance(seconds=31)
    core.call(core.tick)
    assert home.modem.sent == [] and outbox(core) == []
    types = [e.type for e in reversed(core.call(core.diagnostics.recent_events, 20)) if e.kind == EventKind.ALARM]
    assert types == ["fall", "alarm_cancelled"]
    assert "alarm.cancelled" in [r["action"] for r in store_rows(core, "SELECT action FROM audit_log")]
    with pytest.raises(AlarmError):
        core.call(core.alarms.cancel, alarm.uid)


def test_a_fall_with_no_answer_is_raised_when_the_countdown_ends(home, clock):
    core = home.start()
    home.host.call(home.receiver.fall, FALL)
    wait_for(lambda: active(core), what="the fall")
    clock.advance(seconds=29)
    core.call(core.tick)
    assert active(core)[0].state == "countdown"
    clock.advance(seconds=1)
    core.call(core.tick)
    [alarm] = active(core)
    assert alarm.state == "raised"
    assert outbox(core)[0] == {"priority": 0, "kind": "alarm", "type": "fall"}
    numbers_sent(home, 1)
    assert "kan ha falt" in home.sms_to(ON_CALL)[0].text


def test_the_ladder_climbs_to_consenting_relatives_then_on_call_then_the_top(home, clock):
    core = home.start()
    core.link.state = CareLinkState(reachable=True, reason="")  # as the sync layer reports it
    uid = core.call(core.rules.help_pressed, "screen").uid
    assert home.modem.sent == []  # the service is reached: nobody else is bothered yet
    clock.advance(minutes=5)
    core.call(core.tick)
    assert numbers_sent(home, 1) == ["+4791234567"]  # Ola consented; Berit did not
    wait_for(lambda: active(core)[0].told == ("Ola Nordmann",), what="the SMS recorded")
    [alarm] = active(core)
    assert (alarm.state, alarm.step) == ("escalating", 1)
    clock.advance(minutes=5)
    core.call(core.tick)
    assert numbers_sent(home, 2) == ["+4791234567", ON_CALL]
    clock.advance(minutes=5)
    core.call(core.tick)
    view = core.call(core.alarms.active)
    assert view[0].state == "top_of_ladder"  # still shown: it ended with nobody, and says so
    types = [e.type for e in reversed(core.call(core.diagnostics.recent_events, 50)) if e.kind == EventKind.ALARM]
    assert types == ["help_button", "alarm_escalated", "alarm_sms_sent", "alarm_escalated", "alarm_sms_sent",
                     "alarm_unanswered"]
    acknowledged = core.call(core.alarms.acknowledge, uid, "Sykepleier Nina")
    assert acknowledged.state == "acknowledged" and acknowledged.acknowledged_by == "Sykepleier Nina"
    assert active(core) == []


def test_an_acknowledgement_stops_the_climb(home, clock):
    core = home.start()
    core.link.state = CareLinkState(reachable=True, reason="")
    uid = core.call(core.rules.help_pressed, "screen").uid
    core.call(core.alarms.acknowledge, uid, "Sykepleier Nina")
    core.call(core.alarms.acknowledge, uid, "Sykepleier Nina")  # the service saying it twice changes nothing
    clock.advance(minutes=30)
    core.call(core.tick)
    assert home.modem.sent == [] and active(core) == []


def test_an_alarm_survives_a_restart_in_the_middle_of_its_escalation(home, clock):
    core = home.start()
    core.link.state = CareLinkState(reachable=True, reason="")
    uid = core.call(core.rules.help_pressed, "screen").uid
    clock.advance(minutes=5)
    core.call(core.tick)  # step 1: Ola told
    numbers_sent(home, 1)
    wait_for(lambda: active(core)[0].told == ("Ola Nordmann",), what="the SMS recorded")
    core.stop()
    clock.advance(minutes=6)  # off past the next step's time
    again = home.start()
    again.call(again.tick)  # the modem is connected now (the heartbeat does this within 30 s)
    [alarm] = active(again)
    assert (alarm.uid, alarm.step) == (uid, 2)  # the start went on from where it was
    assert numbers_sent(home, 2) == ["+4791234567", ON_CALL]  # Ola not told twice
    again.call(again.tick)
    assert len(home.modem.sent) == 2


def test_without_relatives_consent_only_the_service_and_on_call(home, clock, tmp_path):
    plan = tmp_path / "no-relatives.toml"
    plan.write_text((PLANS / "kari.toml").read_text(encoding="utf-8").replace(
        "[consent.relatives_told]\ngiven = true", "[consent.relatives_told]\ngiven = false"), encoding="utf-8")
    core = home.start(plan=str(plan))
    core.link.state = CareLinkState(reachable=True, reason="")
    core.call(core.rules.help_pressed, "screen")
    for _ in range(3):
        clock.advance(minutes=5)
        core.call(core.tick)
    assert numbers_sent(home, 1) == [ON_CALL]
    assert active(core)[0].state == "top_of_ladder" and len(home.modem.sent) == 1


def test_relatives_consent_withdrawn_while_an_alarm_climbs_passes_them_by(home, clock, tmp_path):
    core = home.start()
    core.link.state = CareLinkState(reachable=True, reason="")
    core.call(core.rules.help_pressed, "screen")
    assert [r.get("name") for r in active(core)[0].detail["ladder"]] == [None, "Ola Nordmann", "on-call"]
    withdrawn = tmp_path / "withdrawn.toml"
    withdrawn.write_text((PLANS / "kari.toml").read_text(encoding="utf-8").replace("version = 3", "version = 4").replace(
        "[consent.relatives_told]\ngiven = true", "[consent.relatives_told]\ngiven = false"), encoding="utf-8")
    core.call(core.plans.apply_file, str(withdrawn))
    clock.advance(minutes=5)
    core.call(core.tick)
    assert numbers_sent(home, 1) == [ON_CALL]  # Ola is not told: the withdrawal counts from when it was recorded
    [alarm] = active(core)
    assert alarm.step == 2
    clock.advance(minutes=5)
    core.call(core.tick)
    assert active(core)[0].state == "top_of_ladder" and home.sms_to("+4791234567") == []


def test_monitoring_consent_withdrawn_stops_the_bed_alarm(home, clock, tmp_path):
    plan = watching_plan(tmp_path)
    clock.set_local(2026, 11, 24, 2, 0)
    core = home.start(plan=str(plan))
    withdrawn = tmp_path / "withdrawn.toml"
    withdrawn.write_text(plan.read_text(encoding="utf-8").replace("version = 3", "version = 4").replace(
        "[consent.bed_and_inactivity_monitoring]\ngiven = true", "[consent.bed_and_inactivity_monitoring]\ngiven = false"),
        encoding="utf-8")
    core.call(core.plans.apply_file, str(withdrawn))
    home.out_of_bed(core)
    clock.advance(hours=2)
    core.call(core.tick)
    assert active(core) == []
    clock.set_local(2026, 11, 24, 14, 0)  # and no inactivity alarm in the day either
    core.call(core.tick)
    assert [a.type for a in active(core)] == ["missed_dose"]  # the morning dose, a reminder's business
    consent = store_rows(core, "SELECT action, subject FROM audit_log WHERE action LIKE 'consent.%'")
    assert consent[-1] == {"action": "consent.withdrawn", "subject": "bed_and_inactivity_monitoring"}


def test_no_modem_is_said_and_the_ladder_goes_on(home, clock):
    core = home.start(wired=False)
    uid = core.call(core.rules.help_pressed, "screen").uid
    wait_for(lambda: any(e.type == "alarm_sms_failed" for e in core.call(core.diagnostics.recent_events, 20)), what="the failure")
    [failed] = [e for e in core.call(core.diagnostics.recent_events, 20) if e.type == "alarm_sms_failed"]
    assert failed.data == {"alarm": uid, "alarm_type": "help_button", "to": "on-call",
                           "reason": "no mobile modem is assigned to this hub"}
    assert active(core)[0].detail["sms_failed"] == ["on-call"]
    core.call(core.serial.assign, home.modem.port.path, "gsm_modem")  # the technician plugs one in
    wait_for(lambda: all(s.connected for s in core.call(core.serial.statuses)), what="the modem")
    core.call(core.tick)
    numbers_sent(home, 1)
    wait_for(lambda: active(core)[0].told == ("on-call",), what="the SMS recorded")
    core.call(core.tick)
    core.call(core.tick)
    assert len(home.sms_to(ON_CALL)) == 1  # sent once


def test_a_red_blood_pressure_is_an_alarm_yellow_is_not(home, clock):
    core = home.start()

    async def reading(systolic):
        event = Event(EventKind.READING, "blood_pressure", "ble:C4:7C:8D:6A:1B:01", clock.now,
                      {"systolic": systolic, "diastolic": 85.0, "unit": "mmHg", "pulse_rate": 70.0})
        core.store.record_event(event)
        core.reactions.device_event(event)

    core.call(reading, 160)  # yellow with Kari's own limits (green to 150, yellow to 170)
    core.call(reading, 186)
    wait_for(lambda: active(core), what="the red reading's alarm")
    [alarm] = active(core)
    assert alarm.type == "vital_sign_red" and alarm.state == "raised"


def test_out_of_bed_at_night_beyond_the_limit_with_consent(home, clock, tmp_path):
    plan = watching_plan(tmp_path)
    clock.set_local(2026, 11, 24, 2, 0)
    core = home.start(plan=str(plan))
    home.out_of_bed(core)
    clock.advance(minutes=19)
    core.call(core.tick)
    assert active(core) == []
    clock.advance(minutes=1)  # out of bed for 20 minutes, Kari's limit
    core.call(core.tick)
    [alarm] = active(core)
    assert alarm.type == "out_of_bed_at_night" and alarm.state == "countdown"
    clock.advance(seconds=60)
    core.call(core.tick)
    core.call(core.tick)
    [alarm] = active(core)
    assert alarm.state == "raised"  # one alarm for one night-time exit, however often it is looked at


def test_no_consent_no_bed_alarm(home, clock):
    clock.set_local(2026, 11, 24, 2, 0)
    core = home.start()
    home.out_of_bed(core)
    clock.advance(hours=2)
    core.call(core.tick)
    assert active(core) == []


def test_a_silent_device_is_a_technical_alarm_for_the_service_and_on_call_only(home, clock):
    core = home.start()
    core.link.state = CareLinkState(reachable=True, reason="")
    home.host.call(home.receiver.go_silent)
    clock.advance(minutes=5)  # three missed heartbeats by the hub's clock
    wait_as_time_passes(lambda: any(a.type == "device_silent" for a in active(core)),
                        lambda: clock.advance(seconds=10), timeout=15, what="the silence alarm")
    [alarm] = [a for a in active(core) if a.type == "device_silent"]
    assert alarm.detail["ladder"] == [{"to": "care_service"}, {"to": "sms", "name": "on-call", "phone": ON_CALL}]


def test_the_care_service_out_of_reach_too_long_is_an_alarm(home, clock):
    from datetime import timedelta

    core = home.start()
    core.link.state = CareLinkState(reachable=False, reason="connection refused",
                                   unreachable_since=clock.now - timedelta(minutes=29))
    core.call(core.tick)
    assert active(core) == []
    clock.advance(minutes=1)
    core.call(core.tick)
    core.call(core.tick)
    assert [a.type for a in active(core)] == ["care_service_unreachable"]


def test_inactivity_in_the_day_with_consent(home, clock, tmp_path):
    plan = watching_plan(tmp_path)
    clock.set_local(2026, 11, 24, 9, 0)
    core = home.start(plan=str(plan))
    home.out_of_bed(core)  # up in the morning
    clock.set_local(2026, 11, 24, 13, 59)  # Kari's limit is 5 hours
    core.call(core.tick)
    assert active(core) == []
    clock.set_local(2026, 11, 24, 14, 0)
    core.call(core.tick)
    [alarm] = active(core)
    assert alarm.type == "inactivity" and alarm.state == "countdown"
    core.call(core.alarms.cancel, alarm.uid)  # "I'm OK": that is a sign of life too
    clock.advance(minutes=1)
    core.call(core.tick)
    assert active(core) == []


def test_the_dispensers_own_words_are_no_sign_of_life(home, clock, tmp_path):
    """A dose falling due, or missed, says nothing of the resident: only a dose taken does."""
    plan = watching_plan(tmp_path)
    clock.set_local(2026, 11, 24, 9, 0)
    core = home.start(plan=str(plan))
    home.out_of_bed(core)

    async def dispenser_says(type_):
        event = Event(EventKind.DOSE, type_, "serial:dispenser", clock.now, {"compartment": 3})
        core.store.record_event(event)

    clock.set_local(2026, 11, 24, 10, 0)
    core.call(dispenser_says, "dose_due")
    clock.set_local(2026, 11, 24, 11, 0)
    core.call(dispenser_says, "dose_missed")
    clock.set_local(2026, 11, 24, 14, 0)  # five hours since Kari got up
    core.call(core.tick)
    assert "inactivity" in [a.type for a in active(core)]


def test_after_im_ok_a_new_quiet_spell_is_a_new_alarm(home, clock, tmp_path):
    plan = watching_plan(tmp_path)
    clock.set_local(2026, 11, 24, 9, 0)
    core = home.start(plan=str(plan))
    home.out_of_bed(core)
    clock.set_local(2026, 11, 24, 14, 0)
    core.call(core.tick)
    core.call(core.alarms.cancel, active(core)[0].uid)
    clock.set_local(2026, 11, 24, 19, 1)  # five more quiet hours after "I'm OK"
    core.call(core.tick)
    assert [a.type for a in active(core)] == ["inactivity"]


def test_a_sensors_low_battery_is_a_technical_alarm(home, clock):
    core = home.start()
    port = home.receiver.port.path
    # A check-in counts once the hub knows the sensor (it asks the receiver for its list after connecting).
    wait_for(lambda: any(s.sensor_id == PENDANT for s in core.call(core.serial.sensors, port)), what="the sensor list")
    home.host.call(home.receiver.set_sensor_battery, PENDANT, 8)
    home.host.call(home.receiver.send_checkins)
    wait_for(lambda: any(a.type == "battery_low" for a in active(core)), what="the battery alarm")
    [alarm] = [a for a in active(core) if a.type == "battery_low"]
    assert alarm.state == "raised" and alarm.detail["ladder"][-1]["name"] == "on-call"


def test_a_silent_pendant_is_a_technical_alarm(home, clock):
    """A pendant that stopped checking in cannot call for help: somebody must know."""
    core = home.start()
    port = home.receiver.port.path
    wait_for(lambda: any(s.sensor_id == PENDANT for s in core.call(core.serial.sensors, port)), what="the sensor list")
    home.host.call(home.receiver.silence_sensor, PENDANT)
    clock.advance(hours=2)
    core.call(core.tick)
    assert active(core) == []  # two missed hours are not yet silence (2.5 intervals of 1 h)
    wait_as_time_passes(lambda: any(a.type == "device_silent" for a in active(core)),
                        lambda: (clock.advance(minutes=10), home.host.call(home.receiver.send_checkins)),
                        timeout=15, what="the silent pendant's alarm")
    [alarm] = [a for a in active(core) if a.type == "device_silent"]
    assert alarm.detail["data"]["sensor_kind"] == "help"
    assert store_rows(core, "SELECT source FROM alarms WHERE uid = ?", alarm.uid) == [{"source": f"sensor:{PENDANT}"}]
    assert alarm.state == "raised" and alarm.detail["ladder"][-1]["name"] == "on-call"


def test_a_restart_during_the_countdown_raises_the_alarm_when_it_is_due(home, clock):
    core = home.start()
    home.host.call(home.receiver.fall, FALL)
    wait_for(lambda: active(core), what="the fall")
    core.stop()
    clock.advance(seconds=45)  # the hub was off when the 30 s ran out
    again = home.start()
    [alarm] = active(again)
    assert alarm.type == "fall" and alarm.state == "raised"  # nobody said "I'm OK": help is called


def test_when_the_service_stops_answering_the_on_call_phone_is_told_at_once(home, service, clock, tmp_path):
    from hub_app.secret_files import write_secret

    token, patient = service.store.add_hub("Kari")
    write_secret(tmp_path / "care-service-credential", token)
    core = home.start(extra=f'[care_service]\nurl = "{service.url}"\npatient_id = "{patient}"\n')
    core.call(core.rules.help_pressed, "screen")  # an alarm, to learn that the link works
    wait_for(lambda: core.link.state.reachable, what="the service answering")
    core.call(core.alarms.acknowledge, active(core)[0].uid, "Sykepleier Nina")
    before = len(home.sms_to(ON_CALL))  # the first went out before the link was known to work
    service.stop()
    alarm = core.call(core.rules.help_pressed, "pendant")  # the hub still thinks the link is fine
    # The test's clock stands still: no rung of the ladder is due; only the failed send tells.
    wait_for(lambda: len(home.sms_to(ON_CALL)) > before, what="the SMS to the on-call phone once the send failed")
    assert not core.link.state.reachable
    [view] = [a for a in active(core) if a.uid == alarm.uid]
    assert "on-call" in view.told and view.state == "raised"  # the climb goes on until a person acknowledges
    # Still out of reach half an hour later, by the sender's own reports: a technical alarm.
    core.call(core.alarms.acknowledge, alarm.uid, "Sykepleier Nina")
    clock.advance(minutes=29)
    core.call(core.tick)
    assert "care_service_unreachable" not in [a.type for a in active(core)]
    clock.advance(minutes=1)
    core.call(core.tick)
    assert [a.type for a in active(core)] == ["care_service_unreachable"]


def test_a_look_whose_reminders_the_store_refuses_still_raises_a_fall_when_its_countdown_ends(home, clock, tmp_path):
    import sqlite3

    core = home.start()
    home.host.call(home.receiver.fall, FALL)
    wait_for(lambda: active(core), what="the fall")
    db = sqlite3.connect(tmp_path / "data" / "hub.db")  # a real store error, on the reminders only
    with db:
        db.execute("CREATE TRIGGER refuse_reminders BEFORE INSERT ON reminders "
                   "BEGIN SELECT RAISE(ABORT, 'the store refuses reminders'); END")
    clock.set_local(2026, 11, 23, 20, 0)  # the evening dose is due, and the fall's countdown long over
    core.call(core.tick)
    [alarm] = active(core)
    assert alarm.type == "fall" and alarm.state == "raised"
    numbers_sent(home, 1)
    with db:
        db.execute("DROP TRIGGER refuse_reminders")
    db.close()
    core.call(core.tick)  # the reminders' part of the look works again
    assert [r["item_id"] for r in store_rows(core, "SELECT item_id FROM reminders WHERE state IN ('due', 'shown')")] \
        == ["evening"]


# -- the door at night ---------------------------------------------------------------------------


def door_alarms(core):
    return [a for a in active(core) if a.type == "door_open_at_night"]


@pytest.mark.parametrize(("day", "hour", "minute"), [
    ((2026, 11, 24), 2, 0),  # an ordinary night
    ((2026, 11, 23), 23, 55),  # just before midnight: the ten minutes run into the next day
    ((2026, 10, 25), 2, 50),  # the autumn night, in the hour that comes twice
    ((2026, 3, 29), 1, 55)])  # the spring night: ten minutes that jump 02:00 -> 03:00
def test_a_door_opened_at_night_with_no_return_is_an_alarm_the_resident_can_answer(home, clock, tmp_path, day, hour,
                                                                                   minute):
    clock.set_local(*day, hour, minute)
    core = home.start(plan=str(watching_plan(tmp_path)))
    home.door(core, "door_open")
    clock.advance(minutes=9)
    core.call(core.tick)
    assert door_alarms(core) == []
    clock.advance(minutes=1)  # ten minutes with no sign of a return (the plan's default)
    core.call(core.tick)
    [alarm] = door_alarms(core)
    assert alarm.state == "countdown"  # "The door is open. Are you outside?" on the screen
    clock.advance(seconds=60)
    core.call(core.tick)
    core.call(core.tick)
    [alarm] = door_alarms(core)
    assert alarm.state == "raised"
    wait_for(lambda: any("har åpnet ytterdøra i natt" in sms.text for sms in home.sms_to(ON_CALL)),
             what="the on-call phone's SMS about the door")


def test_a_door_opened_at_night_and_the_resident_back_inside_is_no_alarm(home, clock, tmp_path):
    clock.set_local(2026, 11, 24, 2, 0)
    core = home.start(plan=str(watching_plan(tmp_path)))
    home.door(core, "door_open")
    clock.advance(minutes=3)
    home.door(core, "door_close")
    clock.advance(minutes=1)
    home.out_of_bed(core)  # then back to bed: a sign of life inside
    clock.advance(minutes=30)
    core.call(core.tick)
    assert door_alarms(core) == []


def test_a_door_closed_with_no_sign_of_anyone_inside_is_still_an_alarm(home, clock, tmp_path):
    clock.set_local(2026, 11, 24, 2, 0)
    core = home.start(plan=str(watching_plan(tmp_path)))
    home.door(core, "door_open")
    clock.advance(minutes=1)
    home.door(core, "door_close")  # shut behind her: she may be outside
    clock.advance(minutes=10)
    core.call(core.tick)
    assert [a.state for a in door_alarms(core)] == ["countdown"]


def test_a_door_opened_in_the_day_is_no_alarm(home, clock, tmp_path):
    clock.set_local(2026, 11, 24, 14, 0)
    core = home.start(plan=str(watching_plan(tmp_path)))
    home.door(core, "door_open")
    clock.advance(minutes=30)
    core.call(core.tick)
    assert door_alarms(core) == []


def test_no_consent_no_door_alarm(home, clock):
    clock.set_local(2026, 11, 24, 2, 0)
    core = home.start()  # Kari's plan without her consent to the monitoring
    home.door(core, "door_open")
    clock.advance(minutes=30)
    core.call(core.tick)
    assert door_alarms(core) == []


def test_a_neighbour_the_plan_asks_first_for_a_fall_comes_before_the_son_for_a_fall_only(home, clock, tmp_path):
    plan = tmp_path / "neighbour.toml"
    plan.write_text((PLANS / "kari.toml").read_text(encoding="utf-8").replace(
        'relation = "neighbour"\nphone = "+4798765432"\norder = 2\nconsent = false',
        'relation = "neighbour"\nphone = "+4798765432"\norder = 2\nconsent = true\nfirst_for = ["fall"]'),
        encoding="utf-8")
    core = home.start(plan=str(plan))
    fall = core.call(core.alarms.start, "fall", "sensor:00D4E5F6")
    help_press = core.call(core.alarms.start, "help_button", "screen")
    ladders = {a.type: [r.get("name", r["to"]) for r in a.detail["ladder"]] for a in (fall, help_press)}
    assert ladders == {"fall": ["care_service", "Nabo Berit", "Ola Nordmann", "on-call"],
                       "help_button": ["care_service", "Ola Nordmann", "Nabo Berit", "on-call"]}


# -- a relative answers the alarm's SMS -------------------------------------------------------------

OLA = "+4791234567"


def ola_told(home, core, clock):
    """Help pressed, the service reached and silent for five minutes: Ola gets the SMS."""
    core.link.state = CareLinkState(reachable=True, reason="")
    uid = core.call(core.rules.help_pressed, "screen").uid
    clock.advance(minutes=5)
    core.call(core.tick)
    wait_for(lambda: active(core)[0].told == ("Ola Nordmann",), what="Ola's SMS")
    return uid


def test_a_relative_who_answers_ja_takes_the_alarm_and_everyone_knows(home, clock):
    from hub_app.sms_replies import short_code

    core = home.start()
    uid = ola_told(home, core, clock)
    [sms] = home.sms_to(OLA)
    assert f"Svar JA {short_code(uid)} hvis du drar til Kari nå, NEI {short_code(uid)} hvis du ikke kan." in sms.text
    assert core.call(core.sms.received, "+47 912 34 567", "  ja!! ", clock.now) == "taken"
    [alarm] = active(core)
    assert alarm.state == "taken" and alarm.taken_by == "Ola Nordmann"
    wait_for(lambda: len(home.sms_to(OLA)) == 2, what="Ola's word back")
    assert home.sms_to(OLA)[1].text.startswith("Takk, Ola Nordmann. Hjemmetjenesten vet at du drar til Kari.")
    taken = [e for e in core.call(core.diagnostics.recent_events, 20) if e.type == "alarm_taken_by_contact"]
    assert [e.data for e in taken] == [{"alarm": uid, "alarm_type": "help_button", "by": "Ola Nordmann", "relation": "son"}]
    clock.advance(minutes=30)  # the ladder waits for him: nobody else is bothered
    core.call(core.tick)
    assert home.sms_to(ON_CALL) == [] and active(core)[0].state == "taken"
    clock.advance(minutes=15)  # not closed in the plan's 45 minutes: it climbs on as before
    core.call(core.tick)
    wait_for(lambda: len(home.sms_to(ON_CALL)) == 1, what="the on-call phone, as the ladder goes on")
    assert core.call(core.alarms.acknowledge, uid, "Sykepleier Nina").state == "acknowledged"  # the nurse takes over


def sms_from(home, core, number, text):
    """An SMS comes to the hub's modem from `number`, and the hub has kept it."""
    before = len(store_rows(core, "SELECT uid FROM events WHERE type = 'sms_received'"))
    home.host.call(home.modem.deliver_sms, number, text)
    wait_for(lambda: len(store_rows(core, "SELECT uid FROM events WHERE type = 'sms_received'")) > before,
             timeout=15, what="the SMS read from the modem and kept")


def test_nei_moves_the_ladder_on_at_once(home, clock):
    core = home.start()
    ola_told(home, core, clock)
    sms_from(home, core, OLA, "Nei, kan ikke")
    wait_for(lambda: len(home.sms_to(ON_CALL)) == 1, what="the next step at once")
    assert active(core)[0].step == 2


@pytest.mark.parametrize("number,text", [("+4798765432", "JA"), ("+4722222222", "ja")])
def test_a_ja_from_a_number_not_told_of_the_alarm_changes_nothing(home, clock, number, text):
    core = home.start()
    ola_told(home, core, clock)  # Berit has no consent, so she was never told; a stranger neither
    sms_from(home, core, number, text)
    wait_for(lambda: "sms.reply_ignored" in [r["action"] for r in store_rows(core, "SELECT action FROM audit_log")],
             what="the answer audited and ignored")
    assert active(core)[0].state == "escalating"
    assert "sms.reply_ignored" in [r["action"] for r in store_rows(core, "SELECT action FROM audit_log")]


def test_a_ja_after_the_alarm_is_closed_changes_nothing_and_an_sms_is_kept_once(home, clock):
    core = home.start()
    uid = ola_told(home, core, clock)
    core.call(core.alarms.acknowledge, uid, "Sykepleier Nina")
    assert core.call(core.sms.received, OLA, "JA", clock.now) == "ignored"
    assert core.call(core.sms.received, OLA, "JA", clock.now) == "seen"  # handed over twice: kept once
    assert store_rows(core, "SELECT count(*) AS n FROM events WHERE type = 'sms_received'") == [{"n": 1}]


def test_with_two_alarms_open_the_code_says_which_one_and_without_it_ola_is_asked(home, clock):
    from hub_app.sms_replies import short_code

    core = home.start()
    first = ola_told(home, core, clock)
    second = core.call(core.rules.help_pressed, "screen").uid
    clock.advance(minutes=5)
    core.call(core.tick)
    wait_for(lambda: all("Ola Nordmann" in a.told for a in active(core)), what="Ola's second SMS recorded")
    assert core.call(core.sms.received, OLA, "ja", clock.now) == "ambiguous"
    wait_for(lambda: len(home.sms_to(OLA)) == 3, what="the question back")
    assert f"JA {short_code(first)}" in home.sms_to(OLA)[2].text and f"JA {short_code(second)}" in home.sms_to(OLA)[2].text
    assert core.call(core.sms.received, OLA, f"ja {short_code(second).lower()}", clock.now + timedelta(seconds=1)) == "taken"
    states = {a.uid: a.state for a in active(core)}
    assert states == {first: "escalating", second: "taken"}


def test_ola_answers_from_his_phone_through_the_modem_and_the_sms_is_deleted_once_kept(home, clock):
    core = home.start()
    uid = ola_told(home, core, clock)
    home.host.call(home.modem.deliver_sms, OLA, "Ja, jeg kommer!")
    wait_for(lambda: active(core)[0].state == "taken", timeout=15, what="the modem's SMS read as Ola's answer")
    assert active(core)[0].taken_by == "Ola Nordmann" and active(core)[0].uid == uid
    wait_for(lambda: home.host.call(lambda: not home.modem.stored), what="the SMS deleted from the modem")
    kept = store_rows(core, "SELECT data FROM events WHERE type = 'sms_received'")
    assert [json.loads(row["data"]) for row in kept] == [{"from": OLA, "text": "Ja, jeg kommer!"}]


def test_a_long_answer_in_two_parts_is_read_from_its_first(home, clock):
    core = home.start()
    ola_told(home, core, clock)
    text = "JA, jeg kommer så fort jeg kan. " + "Jeg er i bilen nå og er der om et kvarter, kanskje litt mer. " * 3
    assert len(home.host.call(home.modem.deliver_sms, OLA, text)) == 2  # the phone sent it in two parts
    wait_for(lambda: active(core)[0].state == "taken", timeout=15, what="the answer read from the first part")
    wait_for(lambda: len(store_rows(core, "SELECT uid FROM events WHERE type = 'sms_received'")) == 2,
             what="both parts kept")
    wait_for(lambda: len(home.sms_to(OLA)) == 2, what="the word back to Ola")
    core.call(core.tick)
    assert [sms.text[:4] for sms in home.sms_to(OLA)] == ["Tryg", "Takk"]  # the second part asked nothing back


def test_a_modem_scenario_file_delivers_olas_answer_on_cue(home, clock, tmp_path):
    from simulators.script import ScriptError, load_script, parse_script, run_script

    core = home.start()
    uid = ola_told(home, core, clock)
    script = tmp_path / "ola.toml"
    script.write_text('device = "modem"\n[[step]]\nafter = "100ms"\ndo = "sms"\nnumber = "+4791234567"\n'
                      'text = "JA"\n', encoding="utf-8")
    home.host.run(run_script(load_script(script), home.modem))
    wait_for(lambda: active(core)[0].state == "taken", timeout=15, what="the scripted answer read")
    assert active(core)[0].uid == uid
    with pytest.raises(ScriptError, match="phone number"):
        parse_script({"device": "modem", "step": [{"do": "sms", "number": "Ola", "text": "JA"}]})
    with pytest.raises(ScriptError, match="unplug_mid_frame"):  # the line protocol's faults are not the modem's
        parse_script({"device": "modem", "step": [{"do": "unplug_mid_frame"}]})
