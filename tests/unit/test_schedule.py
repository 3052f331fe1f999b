"""Wall-clock reminders once per local day, on every day of the year (Europe/Oslo)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_app.care_plan import load_plan_file, parse_plan
from hub_app.schedule import LocalTimesTrigger, local_instant, occurrences, occurrences_between

OSLO = ZoneInfo("Europe/Oslo")
UTC = timezone.utc
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)  # 02:00 -> 03:00, and 03:00 -> 02:00
PLAN = load_plan_file(Path(__file__).parents[1] / "plans" / "kari.toml")


def fires(trigger, start: datetime, count: int) -> list[datetime]:
    """What a scheduler does: ask for the next time after the last one, at that time."""
    out, previous, now = [], None, start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        out.append(previous)
        now = previous
    return out


def test_the_stock_cron_trigger_is_wrong_on_the_autumn_night():
    """Why the hub has its own trigger (STANDARDS.md, checked here on the installed APScheduler)."""
    cron = fires(CronTrigger(hour=2, minute=30, timezone=OSLO), datetime(2026, 10, 24, 12, tzinfo=UTC), 3)
    assert cron[0].astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert cron[1].astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # the same night, again


@pytest.mark.parametrize("at", [time(2, 30), time(2, 0), time(2, 59), time(3, 0), time(1, 59), time(8, 0), time(0, 0)])
def test_once_per_local_day_across_the_autumn_night(at):
    got = fires(LocalTimesTrigger((at,), OSLO), datetime(2026, 10, 22, 12, tzinfo=UTC), 6)
    local_days = [g.astimezone(OSLO).date() for g in got]
    assert local_days == [date(2026, 10, 23) + timedelta(days=i) for i in range(6)]  # no day twice, none skipped
    assert all(g.astimezone(OSLO).time() == at for g in got)
    if time(2, 0) <= at < time(3, 0):  # happens twice that night: the first time, still summer time
        autumn = next(g for g in got if g.astimezone(OSLO).date() == AUTUMN)
        assert autumn.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(("at", "becomes"), [(time(2, 30), time(3, 30)), (time(2, 0), time(3, 0)),
                                             (time(2, 59), time(3, 59)), (time(3, 0), time(3, 0)),
                                             (time(1, 59), time(1, 59)), (time(8, 0), time(8, 0))])
def test_once_per_local_day_across_the_spring_night(at, becomes):
    got = fires(LocalTimesTrigger((at,), OSLO), datetime(2026, 3, 26, 12, tzinfo=UTC), 6)
    assert [g.astimezone(OSLO).date() for g in got] == [date(2026, 3, 27) + timedelta(days=i) for i in range(6)]
    spring = next(g for g in got if g.astimezone(OSLO).date() == SPRING)
    assert spring.astimezone(OSLO).time() == becomes  # a time in the gap moves forward by the gap
    others = [g for g in got if g.astimezone(OSLO).date() != SPRING]
    assert all(g.astimezone(OSLO).time() == at for g in others)


def test_several_times_a_day_and_only_on_the_plans_days():
    trigger = LocalTimesTrigger((time(20, 0), time(8, 0)), OSLO, days=("mon", "fri"))
    got = fires(trigger, datetime(2026, 11, 23, 0, 0, tzinfo=UTC), 4)  # a Monday
    assert [g.astimezone(OSLO).strftime("%a %H:%M") for g in got] == ["Mon 08:00", "Mon 20:00", "Fri 08:00", "Fri 20:00"]


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
       st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_every_day_of_the_year_has_exactly_one_occurrence(day, at):
    trigger = LocalTimesTrigger((at,), OSLO)
    start = datetime.combine(day, time(0, 0), tzinfo=OSLO) - timedelta(hours=3)
    got = fires(trigger, start, 3)
    days = [g.astimezone(OSLO).date() for g in got]
    assert days == [day - timedelta(days=1) + timedelta(days=i) for i in range(3)] or \
        days == [day + timedelta(days=i) for i in range(3)]
    assert all(b > a for a, b in zip(got, got[1:]))
    for g in got:
        assert g == local_instant(g.astimezone(OSLO).date(), at, OSLO)


def test_the_plan_gives_its_reminders_with_local_and_utc_times():
    week = occurrences(PLAN, date(2026, 11, 23), 7, OSLO)  # Monday to Sunday
    assert sum(o.kind == "medication" for o in week) == 14
    assert sum(o.kind == "measurement" for o in week) == 7
    assert [o.local_date.strftime("%a") for o in week if o.kind == "check_in"] == ["Mon", "Wed", "Fri"]
    first = week[0]
    assert first.as_json() == {"kind": "medication", "id": "morning", "title": "Morgenmedisin (1 pose)",
                               "local_date": "2026-11-23", "local": "2026-11-23T08:00:00+01:00",
                               "utc": "2026-11-23T07:00:00Z", "window_minutes": 60, "compartment": 1}
    assert [o.at for o in week] == sorted(o.at for o in week)
    assert len({o.uid for o in week}) == len(week)


def test_an_occurrence_has_the_same_identity_however_often_it_is_computed():
    a = occurrences(PLAN, date(2026, 11, 23), 1, OSLO)
    b = occurrences_between(PLAN, datetime(2026, 11, 23, 6, tzinfo=UTC), datetime(2026, 11, 23, 23, tzinfo=UTC), OSLO)
    assert [o.uid for o in a] == [o.uid for o in b]


def test_occurrences_between_is_half_open():
    start = local_instant(date(2026, 11, 23), time(8, 0), OSLO)
    got = occurrences_between(PLAN, start, start + timedelta(minutes=30), OSLO)
    assert [o.item_id for o in got] == ["morning"]
    got = occurrences_between(PLAN, start + timedelta(seconds=1), start + timedelta(minutes=31), OSLO)
    assert [o.item_id for o in got] == ["blood_pressure-1"]


def test_an_empty_plan_gives_nothing():
    assert occurrences(parse_plan({"version": 1}), date(2026, 1, 1), 365, OSLO) == []


def test_a_plan_job_whose_time_passed_while_the_loop_was_busy_still_runs_once():
    """The real scheduler as the core makes it, on a real loop and the machine's clock:
    a reminder job due while the loop is held 2.5 s runs late, once, and is not dropped
    (APScheduler's default, a 1 s misfire grace, would drop it)."""
    import asyncio
    import time as wall

    from hub_app.schedule import plan_scheduler

    async def run() -> list[float]:
        zone = "Europe/Oslo"
        ran: list[float] = []
        scheduler = plan_scheduler(asyncio.get_running_loop(), zone)
        scheduler.start()
        due = (datetime.now(ZoneInfo(zone)) + timedelta(seconds=2)).replace(microsecond=0)
        scheduler.add_job(lambda: ran.append(wall.monotonic()), LocalTimesTrigger((due.time(),), zone), id="plan:x")
        await asyncio.sleep(0)
        wall.sleep(max(0.0, (due - datetime.now(ZoneInfo(zone))).total_seconds()) + 2.5)  # the loop is held
        deadline = wall.monotonic() + 10
        while not ran and wall.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        scheduler.shutdown(wait=False)
        return ran

    assert len(asyncio.run(run())) == 1
