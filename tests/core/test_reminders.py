"""Reminders from the care plan through the real core and store, with a clock the
test moves: on time, once, across DST nights, restarts and clock jumps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.helpers.plans import OSLO, PLANS, Clock, running_on_a_host, start_core, store_rows, wait_for

from hub_app.care_plan import PlanError
from hub_app.messages import ReminderChanged
from hub_app.reminders import ReminderError
from vocabulary import EventKind

NIGHT_PLAN = """
version = 1
[[medication]]
id = "night"
name = "Nattmedisin"
times = ["02:30"]
window_minutes = 30
"""


def watch(core):
    seen = []
    core.subscribe(lambda m: seen.append(m.reminder) if isinstance(m, ReminderChanged) else None)
    return seen


def reminder_rows(core):
    return store_rows(core, "SELECT * FROM reminders ORDER BY due_at")


def events(core, kind=None, type_=None):
    found = [e for e in reversed(core.call(core.diagnostics.recent_events, 1000))]
    return [e for e in found if (kind is None or e.kind == kind) and (type_ is None or e.type == type_)]


@pytest.fixture
def clock():
    c = Clock(None)
    c.set_local(2026, 11, 23, 7, 0)  # a Monday
    return c


@pytest.fixture
def hub(tmp_path, clock):
    cores = []

    def start(plan="kari.toml", **options):
        if plan and not plan.startswith("/"):
            plan = str(PLANS / plan)
        core = start_core(tmp_path, clock, plan=plan, **options)
        cores.append(core)
        return core

    yield start
    for core in cores:
        core.stop()


def test_a_reminder_comes_at_its_time_and_only_once(hub, clock):
    core = hub()
    seen = watch(core)
    core.call(core.tick)
    assert seen == [] and core.call(core.reminders.shown) == []
    clock.set_local(2026, 11, 23, 8, 0)
    core.call(core.tick)
    core.call(core.tick)  # however often the scheduler looks
    assert [(r.item_id, r.state, r.late) for r in seen] == [("morning", "due", False)]
    assert seen[0].title == "Morgenmedisin (1 pose)"
    assert len(events(core, EventKind.REMINDER, "medication_due")) == 1


def test_the_plan_shows_on_the_home_screen_as_today(hub, clock):
    core = hub()
    core.call(core.tick)
    today = [(item.at.astimezone(clock.now.tzinfo).hour, item.kind, item.title) for item in core.state.today]
    assert [(kind, title) for _, kind, title in today] == [
        ("medication", "Morgenmedisin (1 pose)"), ("measurement", "blood_pressure"), ("check_in", "Sykepleier Kari"),
        ("medication", "Kveldsmedisin (1 pose)")]


@pytest.mark.parametrize(("night", "expected_local"), [((2026, 10, 25), "02:30+0200"), ((2026, 3, 29), "03:30+0200")])
def test_once_on_each_daylight_saving_night(hub, clock, tmp_path, night, expected_local):
    plan = tmp_path / "night.toml"
    plan.write_text(NIGHT_PLAN, encoding="utf-8")
    clock.set_local(night[0], night[1], night[2] - 1, 22, 0)
    core = hub(plan=str(plan))
    seen = watch(core)
    for _ in range(8 * 12):  # the whole night, looking every 5 minutes
        clock.advance(minutes=5)
        core.call(core.tick)
    due = [r for r in seen if r.state == "due"]
    assert len(due) == 1
    assert due[0].due_at.astimezone(OSLO).strftime("%H:%M%z") == expected_local
    assert len([r for r in reminder_rows(core)]) == 1


def test_restart_in_the_middle_of_the_window_keeps_the_one_reminder(hub, clock):
    core = hub()
    clock.set_local(2026, 11, 23, 8, 5)
    core.call(core.tick)
    core.stop()
    clock.set_local(2026, 11, 23, 8, 20)
    again = hub()
    assert [(r.item_id, r.state) for r in again.call(again.reminders.shown)] == [("morning", "shown")]  # given again
    assert len(events(again, EventKind.REMINDER, "medication_due")) == 1  # not shown as new after the restart
    clock.set_local(2026, 11, 23, 9, 0)  # the window closes, nothing was confirmed
    again.call(again.tick)
    assert [e.data["item"] for e in events(again, EventKind.DOSE, "dose_missed")] == ["morning"]
    assert [a.type for a in again.call(again.alarms.active)] == ["missed_dose"]


def test_off_at_the_time_but_back_inside_the_window_shows_it_late(hub, clock):
    hub().stop()
    clock.set_local(2026, 11, 23, 8, 25)
    core = hub()
    [reminder] = core.call(core.reminders.shown)
    assert reminder.item_id == "morning" and reminder.late


def test_off_for_the_whole_window_is_recorded_and_reported(hub, clock):
    hub().stop()
    clock.set_local(2026, 11, 23, 9, 40)  # 08:00-09:00 passed while the hub was off
    core = hub()
    [missed] = events(core, EventKind.DOSE, "dose_missed")
    assert missed.data["missed_while_hub_off"] is True and missed.data["item"] == "morning"
    assert [r["state"] for r in reminder_rows(core) if r["item_id"] == "morning"] == ["missed_while_off"]
    assert store_rows(core, "SELECT priority FROM outbox WHERE event_uid = ?", missed.uid) == [{"priority": 1}]
    assert [a.type for a in core.call(core.alarms.active)] == ["missed_dose"]
    measured = [r for r in reminder_rows(core) if r["item_id"] == "blood_pressure-1"]
    assert [r["state"] for r in measured] == ["due"]  # 08:30 + 2 h: still open, shown late


def kari_version(folder, version, **replace):
    """Kari's plan as a newer version, with some lines of it changed."""
    text = (PLANS / "kari.toml").read_text(encoding="utf-8").replace("version = 3", f"version = {version}")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = folder / f"kari-v{version}.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_off_for_days_every_missed_dose_is_recorded_and_the_last_days_alarm(hub, clock):
    """Nothing is lost however long the hub was off (it goes on from the mark it left in
    the store); only doses of the last 24 hours become alarms, the rest are records."""
    hub().stop()
    clock.set_local(2026, 11, 25, 9, 40)  # Monday 07:00 to Wednesday 09:40
    core = hub()
    missed = [(e.data["due"][:16], e.data["missed_while_hub_off"]) for e in events(core, EventKind.DOSE, "dose_missed")]
    assert missed == [("2026-11-23T08:00", True), ("2026-11-23T20:00", True), ("2026-11-24T08:00", True),
                      ("2026-11-24T20:00", True), ("2026-11-25T08:00", True)]
    alarms = core.call(core.alarms.active)
    assert sorted(a.detail["data"]["item"] for a in alarms if a.type == "missed_dose") == ["evening", "morning"]
    assert len(alarms) == 2  # Tuesday evening's and Wednesday morning's


def test_a_newer_plan_file_at_start_keeps_the_doses_missed_while_off(hub, clock, tmp_path):
    """The time before the new plan is looked at under the plan then in force."""
    hub().stop()
    clock.set_local(2026, 11, 23, 9, 40)
    core = hub(plan=kari_version(tmp_path, 4, **{'name = "Kveldsmedisin"': 'name = "Kveldsmedisinen"'}))
    assert core.plans.plan.version == 4
    [missed] = events(core, EventKind.DOSE, "dose_missed")
    assert missed.data["item"] == "morning" and missed.data["missed_while_hub_off"] is True


def test_a_dose_moved_by_the_nurse_after_it_was_taken_is_not_offered_again(hub, clock, tmp_path):
    core = hub()
    clock.set_local(2026, 11, 23, 8, 3)
    core.call(core.tick)
    [reminder] = core.call(core.reminders.shown)
    core.call(core.reminders.confirm, reminder.uid)
    core.call(core.plans.apply_file, kari_version(tmp_path, 4, **{'times = ["08:00"]': 'times = ["08:45"]'}))
    clock.set_local(2026, 11, 23, 8, 45)
    core.call(core.tick)
    assert [r.item_id for r in core.call(core.reminders.shown) if r.kind == "medication"] == []  # taken at 08:03
    moved = store_rows(core, "SELECT state, detail FROM reminders WHERE due_at LIKE '2026-11-23T07:45%'")
    assert moved[0]["state"] == "moved" and reminder.uid in moved[0]["detail"]
    assert [r["action"] for r in store_rows(core, "SELECT action FROM audit_log WHERE action = 'reminder.moved'")] == [
        "reminder.moved"]
    clock.set_local(2026, 11, 24, 8, 45)  # the next day it comes at its new time
    core.call(core.tick)
    assert [(r.item_id, f"{r.due_at.astimezone(OSLO):%H:%M}") for r in core.call(core.reminders.shown)
            if r.kind == "medication"] == [("morning", "08:45")]


def test_a_dose_the_nurse_adds_while_its_window_is_open_is_shown_now(hub, clock, tmp_path):
    core = hub()
    clock.set_local(2026, 11, 23, 8, 0)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 8, 10)
    extra = kari_version(tmp_path, 4, **{'[[medication]]\nid = "evening"':
                                         '[[medication]]\nid = "iron"\nname = "Jern"\ntimes = ["07:45"]\n'
                                         'window_minutes = 60\n\n[[medication]]\nid = "evening"'})
    core.call(core.plans.apply_file, extra)
    assert sorted((r.item_id, r.late) for r in core.call(core.reminders.shown)) == [("iron", True), ("morning", False)]


def test_a_clock_jump_neither_skips_nor_doubles(hub, clock):
    core = hub()
    clock.set_local(2026, 11, 23, 7, 59)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 8, 20)  # NTP jumps 21 minutes forward, over 08:00
    core.call(core.tick)
    assert [r.item_id for r in core.call(core.reminders.shown)] == ["morning"]
    clock.set_local(2026, 11, 23, 7, 40)  # and back again
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 8, 1)
    core.call(core.tick)
    assert len(events(core, EventKind.REMINDER, "medication_due")) == 1


@pytest.mark.parametrize("heartbeat_s", [0.2, 3600])
def test_the_machines_clock_set_back_does_not_stall_the_hub(hub, clock, monkeypatch, heartbeat_s):
    """After NTP sets the machine's clock back 10 minutes, the hub still looks on time:
    its regular look (`heartbeat_s`) and its next wake-up (an hour-long heartbeat leaves
    only that) run on the monotonic clock, not on APScheduler's wall clock."""
    import apscheduler.schedulers.base as scheduler_base
    from datetime import datetime

    class SetBack(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) - timedelta(minutes=10)

    clock.set_local(2026, 11, 23, 7, 59, 58)
    core = hub(heartbeat_s=heartbeat_s)
    seen = watch(core)
    core.call(core.tick)
    monkeypatch.setattr(scheduler_base, "datetime", SetBack)
    clock.set_local(2026, 11, 23, 8, 0, 1)  # the hub's own clock moves on; nobody calls tick
    wait_for(lambda: [r.item_id for r in seen] == ["morning"], what="the 08:00 reminder without a tick by hand")


def test_no_answer_repeats_the_reminder_every_15_minutes(hub, clock):
    core = hub()
    seen = watch(core)
    clock.set_local(2026, 11, 23, 8, 0)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 8, 14)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 8, 15)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 8, 30)
    core.call(core.tick)
    assert [r.repeat for r in seen if r.item_id == "morning"] == [0, 1, 2]


def test_without_a_dispenser_the_resident_confirms_once_and_never_early(hub, clock):
    core = hub()
    clock.set_local(2026, 11, 23, 8, 3)
    core.call(core.tick)
    [reminder] = core.call(core.reminders.shown)
    assert not reminder.with_dispenser
    taken = core.call(core.reminders.confirm, reminder.uid)
    assert taken.state == "confirmed"
    [dose] = events(core, EventKind.DOSE, "dose_taken")
    assert dose.source == "screen" and dose.data["item"] == "morning"
    with pytest.raises(ReminderError, match="not open"):
        core.call(core.reminders.confirm, reminder.uid)  # no second dose
    evening = [r for r in reminder_rows(core) if r["item_id"] == "evening"]
    assert evening == []  # nothing for the evening exists before its time, so nothing to confirm early
    actions = [r["action"] for r in store_rows(core, "SELECT action FROM audit_log")]
    assert "reminder.confirmed" in actions
    clock.set_local(2026, 11, 23, 9, 30)
    core.call(core.tick)
    assert events(core, EventKind.DOSE, "dose_missed") == []


def test_an_invalid_plan_is_refused_and_the_plan_in_force_stays(hub, clock, tmp_path):
    core = hub()
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 4\n[[medication]]\nname = "X"\ntimes = ["25:00"]\n', encoding="utf-8")
    with pytest.raises(PlanError, match=r"medication\[0\]\.times\[0\] = '25:00'"):
        core.call(core.plans.apply_file, str(bad))
    assert core.plans.plan.version == 3 and len(core.plans.plan.medications) == 2
    older = tmp_path / "older.toml"
    older.write_text("version = 2\n", encoding="utf-8")
    with pytest.raises(PlanError, match="not newer than the plan in force"):
        core.call(core.plans.apply_file, str(older))
    assert [r["action"] for r in store_rows(core, "SELECT action FROM audit_log WHERE action LIKE 'plan.%'")] == [
        "plan.applied", "plan.refused"]


def test_a_new_plan_version_replaces_the_old_and_survives_a_restart(hub, clock, tmp_path):
    core = hub()
    newer = tmp_path / "newer.toml"
    newer.write_text('version = 4\n[[medication]]\nname = "Lunsj"\ntimes = ["12:00"]\n', encoding="utf-8")
    assert core.call(core.plans.apply_file, str(newer)) == 4
    core.stop()
    again = hub(plan=None)  # no file now: the stored plan is the one in force
    assert again.plans.plan.version == 4 and [m.name for m in again.plans.plan.medications] == ["Lunsj"]


# -- with the dispenser (a simulator on a pty, on the same clock) ---------------------------

@pytest.fixture
def dispenser(tmp_path, clock):
    from simulators.dispenser_sim import DispenserSimulator
    from simulators.pty import PtyPort

    sim = DispenserSimulator(PtyPort(tmp_path / "ttyDOSE"), retry_base=0.05, clock=clock)
    sim.tick = 0.05
    with running_on_a_host(sim) as host:
        yield host, sim


def test_the_dispenser_flow_taken_then_missed(hub, clock, dispenser):
    from tests.helpers.plans import wait_for

    host, sim = dispenser
    clock.set_local(2026, 11, 23, 7, 50)
    core = hub()
    core.call(core.serial.assign, sim.port.path, "dispenser")
    wait_for(lambda: {1, 2} <= set(host.call(lambda: dict(sim.slots))), what="the dispenser's schedule")
    slots = host.call(lambda: {c: s.due for c, s in sim.slots.items()})
    assert slots[1].astimezone(OSLO).strftime("%H:%M") == "08:00" and slots[2].astimezone(OSLO).strftime("%H:%M") == "20:00"

    clock.set_local(2026, 11, 23, 8, 0)
    core.call(core.tick)
    [reminder] = core.call(core.reminders.shown)
    assert reminder.with_dispenser  # the screen says: take it from the dispenser
    with pytest.raises(ReminderError, match="take it from there"):
        core.call(core.reminders.confirm, reminder.uid)  # no confirming a dose the dispenser holds
    wait_for(lambda: events(core, EventKind.DOSE, "dose_due"), what="DOSE_DUE from the dispenser")
    clock.set_local(2026, 11, 23, 8, 4)
    host.call(sim.take_dose)
    wait_for(lambda: core.call(core.reminders.shown) == [], what="DOSE_TAKEN to end the reminder")
    assert [r["state"] for r in reminder_rows(core) if r["item_id"] == "morning"] == ["taken"]
    taken = events(core, EventKind.DOSE, "dose_taken")
    assert store_rows(core, "SELECT priority FROM outbox WHERE event_uid = ?", taken[0].uid) == [{"priority": 1}]

    clock.set_local(2026, 11, 23, 20, 0)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 20, 15)  # not taken in 15 minutes: given again, still from the dispenser
    core.call(core.tick)
    [evening] = core.call(core.reminders.shown)
    assert (evening.item_id, evening.repeat, evening.with_dispenser) == ("evening", 1, True)
    clock.set_local(2026, 11, 23, 21, 0)  # the window closes: the dispenser says DOSE_MISSED
    wait_for(lambda: events(core, EventKind.DOSE, "dose_missed"), what="DOSE_MISSED from the dispenser")
    wait_for(lambda: [a.type for a in core.call(core.alarms.active)] == ["missed_dose"], what="the missed-dose alarm")
    core.call(core.tick)
    assert [r["state"] for r in reminder_rows(core) if r["item_id"] == "evening"] == ["missed"]
    assert len(events(core, EventKind.DOSE, "dose_missed")) == 1  # the hub did not add one of its own


def test_a_dispenser_that_hangs_leaves_the_missed_dose_to_the_hub(hub, clock, dispenser):
    """The dispenser's word decides, but only for DISPENSER_GRACE after the window: a
    hung dispenser never leaves a dose undecided."""
    from tests.helpers.plans import wait_for

    host, sim = dispenser
    clock.set_local(2026, 11, 23, 19, 50)
    core = hub()
    core.call(core.serial.assign, sim.port.path, "dispenser")
    wait_for(lambda: 2 in host.call(lambda: dict(sim.slots)), what="the dispenser's schedule")
    clock.set_local(2026, 11, 23, 20, 0)
    core.call(core.tick)
    host.call(sim.go_silent)
    clock.set_local(2026, 11, 23, 21, 9)  # the window closed; the dispenser may still say
    core.call(core.tick)
    assert [r.item_id for r in core.call(core.reminders.shown) if r.kind == "medication"] == ["evening"]
    clock.set_local(2026, 11, 23, 21, 10)
    core.call(core.tick)
    [missed] = events(core, EventKind.DOSE, "dose_missed")
    assert missed.source == "plan" and missed.data["item"] == "evening" and missed.data["compartment"] == 2
    assert [a.type for a in core.call(core.alarms.active) if a.type == "missed_dose"] == ["missed_dose"]


def test_a_measurement_not_done_in_its_window_is_reported(hub, clock):
    core = hub()
    clock.set_local(2026, 11, 23, 8, 30)
    core.call(core.tick)
    clock.set_local(2026, 11, 23, 10, 30)  # 08:30 + 120 minutes, and no reading
    core.call(core.tick)
    [missed] = events(core, EventKind.REMINDER, "measurement_missed")
    assert missed.data["item"] == "blood_pressure-1" and missed.data["missed_while_hub_off"] is False
    assert store_rows(core, "SELECT priority FROM outbox WHERE event_uid = ?", missed.uid) == [{"priority": 1}]
    # Reported to the nurse, but no alarm of its own: the only alarm is the morning dose's.
    assert [a.type for a in core.call(core.alarms.active)] == ["missed_dose"]


def test_withdrawn_consent_stops_reading_uploads_from_then_on(hub, clock, tmp_path):
    from hub_app.care_plan import load_plan_file
    from vocabulary import Event

    core = hub()

    async def reading(systolic):
        event = Event(EventKind.READING, "blood_pressure", "ble:C4:7C:8D:6A:1B:01", clock.now,
                      {"systolic": systolic, "diastolic": 80.0, "unit": "mmHg"})
        return core.store.record_event_once(event, core.rules.outbox_priority(event))[0]

    first = core.call(reading, 120)
    assert store_rows(core, "SELECT priority FROM outbox WHERE event_uid = ?", first.uid) == [{"priority": 2}]
    raw = (PLANS / "kari.toml").read_text(encoding="utf-8").replace("version = 3", "version = 4").replace(
        "[consent.vital_sign_sharing]\ngiven = true", "[consent.vital_sign_sharing]\ngiven = false")
    withdrawn = tmp_path / "withdrawn.toml"
    withdrawn.write_text(raw, encoding="utf-8")
    assert not load_plan_file(withdrawn).consented("vital_sign_sharing")
    core.call(core.plans.apply_file, str(withdrawn))
    assert store_rows(core, "SELECT * FROM outbox WHERE event_uid = ?", first.uid) == []  # not sent after all
    second = core.call(reading, 121)
    assert store_rows(core, "SELECT * FROM outbox WHERE event_uid = ?", second.uid) == []
    assert len(core.call(core.diagnostics.recent_events, 10)) >= 2  # kept on the hub: only the sharing stopped
    consent = store_rows(core, "SELECT action, subject, detail FROM audit_log WHERE action LIKE 'consent.%'")
    assert [(c["action"], c["subject"]) for c in consent][-1] == ("consent.withdrawn", "vital_sign_sharing")
    assert "Sykepleier Kari" in consent[-1]["detail"]


def test_the_retention_rule_removes_what_is_old_and_sent_and_keeps_the_rest(hub, clock):
    from vocabulary import Event

    core = hub()

    async def put(days_ago, queued, sent):
        event = Event(EventKind.READING, "blood_pressure", "ble:x", clock.now - timedelta(days=days_ago), {})
        store = core.store
        store.record_event(event, outbox_priority=2 if queued else None)
        if sent:
            store.db.conn.execute("UPDATE outbox SET sent_at = ?, created_at = ? WHERE event_uid = ?",
                                  (clock.now.isoformat(), (clock.now - timedelta(days=days_ago)).isoformat(), event.uid))
            store.db.conn.commit()
        return event.uid

    old_sent = core.call(put, 200, True, True)
    old_waiting = core.call(put, 200, True, False)
    old_local = core.call(put, 200, False, False)
    recent = core.call(put, 10, True, True)
    removed = core.call(_forget, core)
    assert removed == 2
    kept = {e.uid for e in core.call(core.diagnostics.recent_events, 100)}
    assert old_waiting in kept and recent in kept  # waiting to be sent, or young: kept
    assert old_sent not in kept and old_local not in kept
    assert "retention.deleted" in [r["action"] for r in store_rows(core, "SELECT action FROM audit_log")]


async def _forget(core):
    return core.upkeep.forget_old()
