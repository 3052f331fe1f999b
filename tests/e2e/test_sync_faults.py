"""Faults between the hub and the care service, both running on 127.0.0.1 with a real
TCP proxy between them (tests/helpers/fault_proxy.py): a slow link, requests never answered,
connections reset, an answer cut off in the middle, 500s, an answer that is not a
batch-response, the service stopped for a long outage, and the hub killed with SIGKILL
in the middle of a batch.

The invariant is always the same: once the fault is gone, every event the hub put in
its outbox is at the service exactly once (counted by identifier in the service's own
database: none twice, none missing, none extra), the outbox is empty, and nothing is a
dead letter. (And one item the mapping cannot send does not stop the alarms.)
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.helpers.service import RunningService
from tests.helpers.fault_proxy import CUT, DROPPED, FAILED, FORWARDED, MID_BODY, REFUSED, RESET, FaultProxy, Request
from tests.helpers.plans import Clock, store_rows, wait_for

from hub_app.config import load_config
from hub_app.core import Core
from hub_app.secret_files import write_secret
from vocabulary import Event, EventKind

REPO = Path(__file__).resolve().parents[2]
HUB = Path(__file__).resolve().parents[1] / "helpers" / "sync_hub.py"
PLAN = Path(__file__).resolve().parents[1] / "plans" / "kari.toml"
BATCHES = "POST /fhir"  # what the faults are aimed at: the event channel and the heartbeat are left alone
ID = "urn:ietf:rfc:3986|urn:uuid:"  # how the service keeps an identifier (system|value)
OUTBOX = ("SELECT o.id, o.priority, o.sent_at, o.dead_at, e.uid, e.kind, e.type, e.data "
          "FROM outbox o JOIN events e ON e.uid = o.event_uid ORDER BY o.id")


# -- the two programs and the proxy -------------------------------------------------------------

@dataclass
class Link:
    core: Core
    service: RunningService
    proxy: FaultProxy
    patient: str
    services: list[RunningService] = field(default_factory=list)  # every one started, for the teardown

    def outbox(self) -> list[dict]:
        return store_rows(self.core, OUTBOX)

    def restart_service(self) -> None:
        """The service started again on the same data: a new port, the proxy's address stays."""
        self.service = RunningService(self.service.data_dir).start()
        self.services.append(self.service)
        self.proxy.upstream_port = self.service.port


def write_hub_config(folder: Path, url: str, patient: str, token: str) -> Path:
    write_secret(folder / "care-service-credential", token)
    path = folder / "hub.toml"
    path.write_text(f'[resident]\nname = "Kari"\n[care_plan]\nfile = "{PLAN}"\n'
                    f'[care_service]\nurl = "{url}"\npatient_id = "{patient}"\n', encoding="utf-8")
    return path


@pytest.fixture
def hub_behind_proxy(tmp_path):
    """Start the service, the proxy in front of it, and a hub pointed at the proxy."""
    started: list[Link] = []

    def start(clock=None) -> Link:
        service = RunningService(tmp_path / "service").start()
        token, patient = service.store.add_hub("Kari Nordmann")
        proxy = FaultProxy(service.port).start()
        config = load_config(write_hub_config(tmp_path, proxy.url, patient, token)).with_data_dir(tmp_path / "data")
        core = Core(config, clock=clock) if clock is not None else Core(config)
        link = Link(core, service, proxy, patient, [service])
        started.append(link)
        core.start()
        return link

    yield start
    for link in started:
        link.core.stop()
        link.proxy.stop()
        for service in link.services:
            service.stop()


# -- what the hub records -------------------------------------------------------------------------

async def mix(core: Core, readings: int = 12, doses: int = 2, alarms: int = 2, at: datetime | None = None) -> list[str]:
    """Readings (heart rate; blood pressure with its pulse, two resources), doses taken
    and help alarms, stored and announced the way the devices and the screen do it
    (on the core's loop)."""
    store = core.store
    end = at or core.clock()
    uids = []
    for number in range(readings):
        when = end - timedelta(minutes=readings - number)
        if number % 3 == 0:
            event = Event(EventKind.READING, "blood_pressure", "ble:C4:7C:8D:6A:1B:01", when,
                          {"systolic": 120.0 + number % 10, "diastolic": 80.0, "unit": "mmHg", "pulse_rate": 68.0})
        else:
            event = Event(EventKind.READING, "heart_rate", "ble:C4:7C:8D:6A:1B:02", when,
                          {"heart_rate": 60.0 + number % 20})
        uids.append(record_device_event(core, store, event))
    for _ in range(doses):
        event = Event(EventKind.DOSE, "dose_taken", "dispenser:OD2400117", end, {"compartment": 1, "item": "morning"})
        uids.append(record_device_event(core, store, event))
    for _ in range(alarms):
        uids.append((await core.rules.help_pressed("screen")).uid)
    return uids


def record_mix(core: Core, **options) -> list[str]:
    return core.call(functools.partial(mix, core, **options))


def record_device_event(core: Core, store, event: Event) -> str:
    stored = store.record_event(event, outbox_priority=core.rules.outbox_priority(event))
    core.reactions.device_event(stored)  # the screens are told and the sender is woken, as for a device's event
    return stored.uid


# -- what arrived -----------------------------------------------------------------------------------

def expected_identifiers(rows: list[dict]) -> dict[str, int]:
    """The identifiers the service must hold for these outbox rows (and their priority):
    each event's uid, and for a cuff's or oximeter's reading also its pulse's."""
    expected = {}
    for row in rows:
        expected[ID + row["uid"]] = row["priority"]
        if (row["kind"] == "reading" and row["type"] in ("blood_pressure", "oxygen_saturation")
                and json.loads(row["data"]).get("pulse_rate") is not None):
            expected[ID + str(uuid.uuid5(uuid.UUID(row["uid"]), "pulse"))] = row["priority"]
    return expected


def at_service(service: RunningService, patient: str) -> list[str | None]:
    """Every resource the service holds for the resident, by identifier (repeats kept)."""
    rows = service.store.db.conn.execute("SELECT identifier FROM resources WHERE patient_id = ?", (patient,))
    return [row[0] for row in rows.fetchall()]


def service_order(service: RunningService) -> dict[str, int]:
    """identifier -> its place in the order the service stored them."""
    rows = service.store.db.conn.execute("SELECT identifier, rowid FROM resources")
    return {identifier: rowid for identifier, rowid in rows.fetchall()}


def each_exactly_once(service: RunningService, patient: str, outbox, recorded=(), timeout: float = 10.0) -> list[dict]:
    """Wait until the outbox is empty and the service holds all of it; then every event
    is there exactly once and nothing is a dead letter. `outbox()` reads the hub's rows."""
    seen: dict = {}

    def settled() -> bool:
        # The service first: whatever it holds was in the outbox before this read of it.
        seen["service"], seen["rows"] = at_service(service, patient), outbox()
        pending = [row for row in seen["rows"] if row["sent_at"] is None and row["dead_at"] is None]
        return not pending and set(expected_identifiers(seen["rows"])) <= set(seen["service"])

    wait_for(settled, timeout=timeout, what="every event at the service and the outbox empty")
    rows, held = seen["rows"], seen["service"]
    assert [row for row in rows if row["dead_at"] is not None] == []  # no dead letters
    assert None not in held  # every resource carries its event's identifier
    assert [ident for ident, count in Counter(held).items() if count > 1] == []  # none twice
    assert sorted(held) == sorted(expected_identifiers(rows))  # none missing, none extra, none without identifier
    assert set(recorded) <= {row["uid"] for row in rows}  # and what the test recorded is among them
    return rows


def entry_statuses(request: Request) -> dict[str, str]:
    """For one batch the proxy carried: identifier -> the service's answer for its entry
    (all of the service's answer, also the part the hub never got)."""
    sent = json.loads(bytes(request.body))
    head, _, body = bytes(request.answer).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    answered = json.loads(body)
    return {"{system}|{value}".format(**entry["resource"]["identifier"][0]): answer["response"]["status"]
            for entry, answer in zip(sent["entry"], answered["entry"], strict=True)}


def last_problem(core: Core) -> str:
    return core.call(core.link.status).last_error


# -- faults on a running link ----------------------------------------------------------------------

def test_a_slow_link_still_delivers_every_event_once(hub_behind_proxy):
    link = hub_behind_proxy()
    link.proxy.delay(300)  # every chunk, both ways
    first = record_mix(link.core)
    wait_for(lambda: link.proxy.holding_an_answer(BATCHES), what="a batch answered but its answer still on the wire")
    second = record_mix(link.core, readings=6, doses=1, alarms=1)  # recorded while a batch is under way
    each_exactly_once(link.service, link.patient, link.outbox, first + second, timeout=20)


def test_a_batch_never_answered_times_out_and_is_sent_again(hub_behind_proxy):
    link = hub_behind_proxy()
    link.proxy.drop(BATCHES)  # accepted, swallowed, never answered
    recorded = record_mix(link.core)
    wait_for(lambda: link.proxy.seen(BATCHES, DROPPED), what="a batch swallowed")
    link.proxy.pass_through()  # the fault is gone; the hub still waits for its answer until its timeout
    each_exactly_once(link.service, link.patient, link.outbox, recorded, timeout=45)
    assert len(link.proxy.seen(BATCHES, DROPPED)) == 1
    assert last_problem(link.core) == "the service did not answer in time"


def test_a_connection_reset_before_the_service_saw_the_batch(hub_behind_proxy):
    link = hub_behind_proxy()
    link.proxy.reset(BATCHES, times=2)  # RST as soon as the request has arrived
    recorded = record_mix(link.core)
    each_exactly_once(link.service, link.patient, link.outbox, recorded)
    reset = link.proxy.seen(BATCHES, RESET)
    assert len(reset) == 2 and all(r.response_bytes == 0 for r in reset)  # the service never saw them
    assert last_problem(link.core) == "the service cannot be reached: ConnectionError"


def test_an_answer_cut_in_the_middle_the_batch_stored_once_however_often_sent(hub_behind_proxy):
    """The nasty case: the service stored the batch, the hub never saw the whole answer
    (an RST after its head and half its body), so it sends the same items again; the
    conditional creates answer 200 and store nothing twice."""
    link = hub_behind_proxy()
    link.proxy.reset(BATCHES, times=1, after_response_bytes=MID_BODY)
    recorded = record_mix(link.core)
    each_exactly_once(link.service, link.patient, link.outbox, recorded)
    [cut] = link.proxy.seen(BATCHES, CUT)
    head = bytes(cut.answer).index(b"\r\n\r\n") + 4
    assert head < cut.delivered_bytes < cut.response_bytes  # the hub got "200 OK" and half the body
    stored_then = entry_statuses(cut)
    assert stored_then and set(stored_then.values()) == {"201 Created"}  # the service had created them all
    later = [entry_statuses(r) for r in link.proxy.seen(BATCHES, FORWARDED)
             if link.proxy.requests.index(r) > link.proxy.requests.index(cut)]
    for identifier in stored_then:  # sent again, found, not created again
        assert [answers[identifier] for answers in later if identifier in answers] == ["200 OK"]
    assert "ChunkedEncodingError" in last_problem(link.core)


def test_500s_from_the_service_the_batch_is_sent_again(hub_behind_proxy):
    link = hub_behind_proxy()
    link.proxy.fail(times=2, status=500, match=BATCHES)  # the proxy answers them itself
    recorded = record_mix(link.core)
    each_exactly_once(link.service, link.patient, link.outbox, recorded)
    assert len(link.proxy.seen(BATCHES, FAILED)) == 2
    assert last_problem(link.core) == "the service answered 500"


def test_an_answer_that_is_not_a_batch_response_is_not_taken_as_delivered(hub_behind_proxy):
    """Something in the way answers 200 with JSON that is not a Bundle: not a delivery,
    and the hub goes on (it used to end its sending for good, until a restart)."""
    link = hub_behind_proxy()
    link.proxy.fail(times=1, status=200, match=BATCHES, body=b"[]")
    recorded = record_mix(link.core)
    each_exactly_once(link.service, link.patient, link.outbox, recorded)
    assert len(link.proxy.seen(BATCHES, FAILED)) == 1
    assert last_problem(link.core) == "the service's answer was not a batch-response"


def test_an_item_that_cannot_be_sent_is_set_aside_and_the_rest_goes_on(hub_behind_proxy):
    """A reading the FHIR mapping refuses (it has no value) is a dead letter with a
    technical alarm; the readings queued behind it and a later alarm still arrive."""
    link = hub_behind_proxy()
    core = link.core

    async def record(data) -> str:
        event = Event(EventKind.READING, "heart_rate", "ble:C4:7C:8D:6A:1B:02", core.clock(), data)
        return record_device_event(core, core.store, event)

    unsendable = core.call(record, {})
    behind = core.call(record, {"heart_rate": 61})
    wait_for(lambda: link.service.store.find_by_identifier("Observation", ID + behind), what="the reading behind it")
    alarm = core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: link.service.store.find_by_identifier("DetectedIssue", ID + alarm.uid),
             what="the alarm at the service")
    [row] = [row for row in link.outbox() if row["uid"] == unsendable]
    assert row["sent_at"] is None and row["dead_at"] is not None  # kept aside, not lost: a person looks at it
    assert [a.type for a in core.call(core.alarms.active) if a.type == "sync_refused"] == ["sync_refused"]


# -- a long outage ---------------------------------------------------------------------------------

def test_a_long_outage_everything_arrives_once_and_alarms_first(hub_behind_proxy):
    clock = Clock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))  # 10:00 in Oslo, a Monday
    link = hub_behind_proxy(clock=clock)
    core = link.core
    recorded = record_mix(core, readings=3, doses=0, alarms=0)
    each_exactly_once(link.service, link.patient, link.outbox, recorded)

    link.service.stop()  # the service is away; the proxy's address stays
    recorded += record_mix(core, readings=1, doses=0, alarms=0)
    wait_for(lambda: not core.link.state.reachable and core.link.state.unreachable_since is not None,
             what="the hub to see the service gone")

    async def four_hours() -> list[str]:
        """Four hours of the resident's day, then the hub's own look (away for more than
        30 minutes is an alarm) and a press on the help button; the sender wakes once after."""
        clock.advance(hours=4)
        uids = []
        for hour in range(4):
            uids += await mix(core, readings=40, doses=1, alarms=0, at=clock.now - timedelta(hours=3 - hour))
        await core.tick()
        uids.append((await core.rules.help_pressed("screen")).uid)
        return uids

    recorded += core.call(four_hours)
    assert any(a.type == "care_service_unreachable" for a in core.call(core.alarms.active))
    waiting = [row for row in link.outbox() if row["sent_at"] is None]
    assert {row["priority"] for row in waiting} == {0, 1, 2} and len(waiting) > 160
    failures = len(link.proxy.seen(BATCHES, REFUSED))
    assert failures >= 1

    link.restart_service()  # same data, a new port behind the proxy
    # Nothing wakes the hub now: it comes back by itself after its backoff (at most 2**(failures-1) s).
    each_exactly_once(link.service, link.patient, link.outbox, recorded, timeout=2 ** failures + 10)
    order = service_order(link.service)
    for urgent, later in ((0, 1), (1, 2)):  # what waited went alarms first, then doses, then readings
        assert max(order[i] for i, p in expected_identifiers(waiting).items() if p == urgent) < \
            min(order[i] for i, p in expected_identifiers(waiting).items() if p == later)


# -- the hub killed mid-batch ---------------------------------------------------------------------

def hub_rows(database: Path) -> list[dict]:
    """The hub's outbox, read from its file by another process (WAL: the hub may be running)."""
    conn = sqlite3.connect(database, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(OUTBOX)]
    finally:
        conn.close()


def start_hub_process(config: Path, data: Path, log: Path, *fill: int) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, str(HUB), str(config), str(data), *map(str, fill)], cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=out, stderr=subprocess.STDOUT)


def test_the_hub_killed_with_sigkill_mid_batch_sends_everything_once_after_restart(tmp_path):
    service = RunningService(tmp_path / "service").start()
    token, patient = service.store.add_hub("Kari Nordmann")
    proxy = FaultProxy(service.port).start()
    config = write_hub_config(tmp_path, proxy.url, patient, token)
    data, log = tmp_path / "data", tmp_path / "hub.log"
    proxy.delay(600)  # every chunk, both ways: a batch is on the wire for a while
    hubs = [start_hub_process(config, data, log, 2000, 3)]
    try:
        # Kill it when the service has answered a batch of readings and the answer is still
        # on its way: the service has stored the batch, the hub has not heard.
        wait_for(lambda: proxy.holding_an_answer(BATCHES) and b'"Observation"' in proxy.seen(BATCHES)[-1].body,
                 timeout=60, what="a batch of readings answered and its answer on the wire")
        in_flight = proxy.seen(BATCHES)[-1]
        hubs[0].send_signal(signal.SIGKILL)
        assert hubs[0].wait(10) == -signal.SIGKILL
        # What the kill left, read from a copy (the hub's own files stay as they are for its restart).
        left = tmp_path / "as-killed"
        left.mkdir()
        for name in ("hub.db", "hub.db-wal", "hub.db-shm"):
            if (data / name).exists():
                shutil.copyfile(data / name, left / name)
        rows = hub_rows(left / "hub.db")
        assert len(rows) >= 2003
        stored_at_service = set(at_service(service, patient))
        in_batch = set(entry_statuses(in_flight))
        assert in_batch and in_batch <= stored_at_service  # the service stored the batch...
        not_sent = {ID + row["uid"] for row in rows if row["sent_at"] is None}
        assert in_batch <= not_sent  # ...and the hub died before it heard: to the hub it is not sent

        proxy.pass_through()
        sent_before = len(proxy.seen(BATCHES))
        hubs.append(start_hub_process(config, data, log))  # the same data dir
        # Its files are read only once it has them open (a reader alone would fold the WAL in).
        wait_for(lambda: len(proxy.seen(BATCHES)) > sent_before, timeout=30, what="the restarted hub sending")
        rows = each_exactly_once(service, patient, lambda: hub_rows(data / "hub.db"), timeout=40)
        assert sum(row["kind"] == "reading" for row in rows) == 2000
        assert sum(row["type"] == "help_button" for row in rows) == 3
        again = [entry_statuses(r) for r in proxy.seen(BATCHES, FORWARDED)
                 if proxy.requests.index(r) > proxy.requests.index(in_flight)]
        for identifier in in_batch:  # the restarted hub sent them again; found, not created again
            assert [answers[identifier] for answers in again if identifier in answers] == ["200 OK"]
    finally:
        for hub in hubs:
            if hub.poll() is None:
                hub.terminate()
                try:
                    hub.wait(20)
                except subprocess.TimeoutExpired:
                    hub.kill()
                    hub.wait(10)
        proxy.stop()
        service.stop()
    assert hubs[-1].returncode == 0, log.read_text(errors="replace")[-3000:]
