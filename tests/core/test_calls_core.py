"""Video calls in the hub's core, with a clock the test moves: a scheduled check-in
rings on time, answers by itself only with consent (after the visible 10 s), rings
out as missed and is recorded for the care service, and a link from an origin that is
not allowed never rings. (The picture itself: tests/test_call_end_to_end.py.)"""

from __future__ import annotations

import json

import pytest

from hub_app.calls import CallError
from hub_app.messages import CallChanged
from tests.helpers.plans import Clock, start_core, store_rows, wait_for

PLAN = """version = 1
[[check_in]]
id = "afternoon"
time = "14:00"
who = "Sykepleier Kari"
link = "{link}"
window_minutes = 15
[[contact]]
name = "Ola"
phone = "+4791234567"
calls = true
[[contact]]
name = "Per"
phone = "+4791234568"
{consent}
"""
CONSENT = """[consent.auto_answer_calls]
given = true
recorded_by = "Sykepleier Kari"
recorded_at = "2026-11-01"
"""
MEET = "https://meet.example.no"


@pytest.fixture
def hub(tmp_path):
    made = []

    def make(consent: bool = False, link: str = f"{MEET}/kari-checkin", ring_seconds: int = 30):
        plan = tmp_path / "plan.toml"
        plan.write_text(PLAN.format(link=link, consent=CONSENT if consent else ""), encoding="utf-8")
        clock = Clock(None)
        clock.set_local(2026, 11, 25, 13, 59, 50)  # a Wednesday
        core = start_core(tmp_path, clock, plan=str(plan),
                          extra=f'[calls]\norigins = "{MEET}"\nring_seconds = {ring_seconds}\n')
        seen = []
        core.subscribe(lambda m: seen.append(m.call) if isinstance(m, CallChanged) else None)
        made.append(core)
        return core, clock, seen

    yield make
    for core in made:
        core.stop()


def states(seen):
    return [c.state for c in seen]


def call_events(core):
    return [(r["type"], json.loads(r["data"])) for r in
            store_rows(core, "SELECT e.type, e.data FROM events e JOIN outbox o ON o.event_uid = e.uid "
                             "WHERE e.kind = 'call' ORDER BY e.id")]


def test_a_check_in_rings_on_time_and_rings_out_as_missed_without_consent(hub):
    core, clock, seen = hub(consent=False)
    core.call(core.tick)
    assert seen == []  # 13:59:50: not yet
    clock.set_local(2026, 11, 25, 14, 0, 0)
    core.call(core.tick)
    wait_for(lambda: seen, what="the check-in to ring")
    ringing = seen[-1]
    assert (ringing.state, ringing.who, ringing.scheduled, ringing.url) == ("ringing", "Sykepleier Kari", True,
                                                                            f"{MEET}/kari-checkin")
    assert ringing.auto_answer_at is None  # no consent: it never answers by itself
    assert core.call(core.reminders.shown) == []  # a check-in is a call, not a reminder screen
    clock.advance(seconds=29)
    core.call(core.tick)
    assert states(seen) == ["ringing"]
    clock.advance(seconds=2)
    core.call(core.tick)
    wait_for(lambda: states(seen)[-1] == "missed", what="the call to ring out")
    [(kind, data)] = call_events(core)
    assert kind == "call_missed" and data["scheduled"] is True and "who" not in data
    core.call(core.tick)  # the check-in's reminder is still open: it does not ring twice
    assert states(seen) == ["ringing", "missed"]


def test_with_consent_it_answers_by_itself_after_ten_seconds(hub):
    core, clock, seen = hub(consent=True)
    clock.set_local(2026, 11, 25, 14, 0, 0)
    core.call(core.tick)
    wait_for(lambda: seen, what="the check-in to ring")
    ringing = seen[-1]
    assert (ringing.auto_answer_at - ringing.started_at).total_seconds() == 10
    clock.advance(seconds=9)
    core.call(core.tick)
    assert states(seen) == ["ringing"]
    clock.advance(seconds=1)
    core.call(core.tick)
    wait_for(lambda: states(seen)[-1] == "answered", what="the call to answer itself")
    audit = store_rows(core, "SELECT actor, detail FROM audit_log WHERE action = 'call.answered'")
    assert audit[0]["actor"] == "system" and json.loads(audit[0]["detail"]) == {"by": "auto"}
    clock.advance(minutes=3)
    core.call(core.calls.end, seen[-1].uid)
    assert states(seen)[-1] == "ended"
    [(kind, data)] = call_events(core)
    assert kind == "call_ended" and data["seconds"] == 180


def test_answer_then_end_and_not_now(hub):
    core, clock, seen = hub()
    clock.set_local(2026, 11, 25, 14, 0, 0)
    core.call(core.tick)
    wait_for(lambda: seen, what="the check-in to ring")
    uid = seen[-1].uid
    core.call(core.calls.decline, uid)
    assert states(seen) == ["ringing", "declined"]
    with pytest.raises(CallError):
        core.call(core.calls.answer, uid)  # over: no answer after "Not now"
    assert [k for k, _ in call_events(core)] == ["call_declined"]


def test_a_link_to_an_origin_not_allowed_never_rings(hub):
    core, clock, seen = hub(link="https://elsewhere.example.com/room")
    clock.set_local(2026, 11, 25, 14, 0, 0)
    core.call(core.tick)
    wait_for(lambda: store_rows(core, "SELECT * FROM audit_log WHERE action = 'call.refused'"), what="the refusal")
    assert seen == [] and core.call(core.calls.open) == []
    [row] = store_rows(core, "SELECT detail FROM audit_log WHERE action = 'call.refused'")
    assert json.loads(row["detail"]) == {"origin": "https://elsewhere.example.com"}


def test_only_contacts_who_agreed_are_tiles_and_a_call_out_needs_a_service(hub):
    core, _clock, _seen = hub()
    tiles = core.call(core.call_desk.tiles)
    assert [t.name for t in tiles] == ["Ola"]  # Per did not agree; no care service configured
    with pytest.raises(CallError):
        core.call(core.call_desk.call_out, "Ola")
