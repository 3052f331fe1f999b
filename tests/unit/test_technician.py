"""The technician's door: real scrypt hashes in real secret files, lockout kept in a real store."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hub_app.store import Store
from hub_app.technician import (
    LOCKOUT,
    MAX_WRONG,
    PinFormatError,
    TechnicianDoor,
    hash_pin,
    pin_matches,
    set_pin,
)

PIN = "4711"
WRONG = "0000"
T0 = datetime(2024, 10, 27, 0, 55, tzinfo=timezone.utc)  # the night clocks go back in Oslo


@pytest.fixture
def pin_file(tmp_path) -> Path:
    path = tmp_path / "config" / "technician-pin"
    set_pin(path, PIN)
    return path


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data" / "hub.db")
    yield store
    store.close()


def actions(store: Store) -> list[str]:
    """Every audit action, oldest first."""
    return [row["action"] for row in reversed(store.audit_rows(limit=10_000))]


# -- hashing -----------------------------------------------------------------------------


def test_hash_pin_is_salted_scrypt():
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first.startswith("scrypt$")
    assert len(first.split("$")) == 6
    assert PIN not in first
    assert first != second  # a fresh salt each time
    assert pin_matches(PIN, first) and pin_matches(PIN, second)


@pytest.mark.parametrize("pin", ["1234", "00000000", "98765"])
def test_pin_matches_only_the_right_pin(pin):
    stored = hash_pin(pin)
    assert pin_matches(pin, stored)
    assert not pin_matches(pin[:-1], stored)
    assert not pin_matches(pin + "0", stored)
    assert not pin_matches("", stored)


@pytest.mark.parametrize(
    "stored",
    ["", "plain-text-pin", "bcrypt$1$2$3$AAAA$BBBB", "scrypt$x$8$1$AAAA$BBBB", "scrypt$16384$8$1$!!!$BBBB", "4711"],
)
def test_pin_matches_refuses_a_damaged_hash_without_crashing(stored):
    assert pin_matches(PIN, stored) is False


@pytest.mark.parametrize(
    "pin", ["12", "abcd", "123456789", "", "12 34", "12a4", "-1234", "1234\n", "\uff11\uff12\uff13\uff14", "\u0661\u0662\u0663\u0664"]
)
def test_badly_formed_pins_are_refused(pin, tmp_path):
    with pytest.raises(PinFormatError, match="4 to 8 digits"):
        hash_pin(pin)
    with pytest.raises(PinFormatError):
        set_pin(tmp_path / "pin", pin)
    assert not (tmp_path / "pin").exists()


def test_set_pin_writes_a_0600_hash_file(tmp_path):
    path = tmp_path / "nested" / "pin"
    set_pin(path, PIN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = path.read_text().strip()
    assert stored.startswith("scrypt$")
    assert pin_matches(PIN, stored)


# -- the door ----------------------------------------------------------------------------


def test_the_right_pin_opens_and_is_audited(store, pin_file):
    door = TechnicianDoor(store, pin_file)
    answer = door.try_pin(PIN, T0)
    assert answer.opened is True
    assert answer.reason == "ok"
    assert actions(store) == ["technician.pin_ok"]
    row = store.audit_rows()[0]
    assert row["actor"] == "technician"
    assert datetime.fromisoformat(row["at"]) == T0


def test_wrong_pins_count_down_then_lock_for_five_minutes(store, pin_file):
    door = TechnicianDoor(store, pin_file)
    tries = []
    for minute in range(MAX_WRONG - 1):
        answer = door.try_pin(WRONG, T0 + timedelta(seconds=10 * minute))
        assert answer.opened is False
        assert answer.reason == "wrong"
        assert answer.locked_until is None
        tries.append(answer.tries_left)
    assert tries == [4, 3, 2, 1]
    assert door.locked_until(T0 + timedelta(seconds=40)) is None

    fifth_at = T0 + timedelta(seconds=40)
    locked = door.try_pin(WRONG, fifth_at)
    assert locked.opened is False
    assert locked.reason == "locked"
    assert locked.locked_until == fifth_at + timedelta(minutes=5)
    assert LOCKOUT == timedelta(minutes=5)
    assert actions(store) == ["technician.pin_wrong"] * 5 + ["technician.locked"]
    lock_row = store.audit_rows(actions=["technician.locked"])[0]
    assert datetime.fromisoformat(lock_row["detail"]["until"]) == fifth_at + LOCKOUT

    # during the lock even the right PIN is refused, and the refusal is audited
    for seconds in (1, 60, 299):
        refused = door.try_pin(PIN, fifth_at + timedelta(seconds=seconds))
        assert refused.opened is False
        assert refused.reason == "locked"
        assert refused.locked_until == fifth_at + LOCKOUT
    assert actions(store)[-3:] == ["technician.pin_refused_locked"] * 3
    assert door.locked_until(fifth_at + timedelta(seconds=299)) == fifth_at + LOCKOUT

    # after five minutes the right PIN opens
    after = fifth_at + LOCKOUT
    assert door.locked_until(after) is None
    opened = door.try_pin(PIN, after)
    assert opened.opened is True
    assert opened.reason == "ok"
    # attempts: 5 wrong + 3 refused + 1 ok, plus the one lock row
    assert store.count("audit_log") == 5 + 3 + 1 + 1


def test_after_a_lock_expires_the_count_starts_again(store, pin_file):
    door = TechnicianDoor(store, pin_file)
    for i in range(MAX_WRONG):
        door.try_pin(WRONG, T0 + timedelta(seconds=i))
    later = T0 + LOCKOUT + timedelta(minutes=1)
    again = door.try_pin(WRONG, later)
    assert again.reason == "wrong"
    assert again.tries_left == MAX_WRONG - 1


def test_the_lock_survives_a_restart(tmp_path, pin_file):
    path = tmp_path / "data" / "hub.db"
    store = Store(path)
    door = TechnicianDoor(store, pin_file)
    for i in range(MAX_WRONG):
        last = door.try_pin(WRONG, T0 + timedelta(seconds=i))
    assert last.reason == "locked"
    store.close()

    reopened = Store(path)
    try:
        door = TechnicianDoor(reopened, pin_file)
        during = T0 + timedelta(minutes=2)
        assert door.locked_until(during) == last.locked_until
        refused = door.try_pin(PIN, during)
        assert refused.opened is False
        assert refused.reason == "locked"
        opened = door.try_pin(PIN, last.locked_until + timedelta(seconds=1))
        assert opened.opened is True
    finally:
        reopened.close()


def test_wrong_tries_before_a_restart_still_count(tmp_path, pin_file):
    path = tmp_path / "data" / "hub.db"
    store = Store(path)
    for i in range(3):
        TechnicianDoor(store, pin_file).try_pin(WRONG, T0 + timedelta(seconds=i))
    store.close()
    reopened = Store(path)
    try:
        door = TechnicianDoor(reopened, pin_file)
        assert door.try_pin(WRONG, T0 + timedelta(seconds=10)).tries_left == 1
        assert door.try_pin(WRONG, T0 + timedelta(seconds=11)).reason == "locked"
    finally:
        reopened.close()


def test_a_right_pin_resets_the_count(store, pin_file):
    door = TechnicianDoor(store, pin_file)
    for i in range(MAX_WRONG - 1):
        door.try_pin(WRONG, T0 + timedelta(seconds=i))
    assert door.try_pin(PIN, T0 + timedelta(seconds=10)).opened is True
    answers = [door.try_pin(WRONG, T0 + timedelta(seconds=20 + i)) for i in range(MAX_WRONG - 1)]
    assert [a.tries_left for a in answers] == [4, 3, 2, 1]
    assert all(a.reason == "wrong" for a in answers)
    assert door.locked_until(T0 + timedelta(seconds=30)) is None


def test_a_missing_pin_file_is_not_set_and_audited(store, tmp_path):
    door = TechnicianDoor(store, tmp_path / "absent-pin")
    for i in range(MAX_WRONG + 2):  # never locks: there is nothing to guess
        answer = door.try_pin(PIN, T0 + timedelta(seconds=i))
        assert answer.opened is False
        assert answer.reason == "not_set"
        assert "set-pin" in answer.message
    assert actions(store) == ["technician.pin_not_set"] * (MAX_WRONG + 2)


def test_a_pin_file_others_can_read_is_unreadable_and_audited(store, pin_file):
    pin_file.chmod(0o644)
    door = TechnicianDoor(store, pin_file)
    answer = door.try_pin(PIN, T0)
    assert answer.opened is False
    assert answer.reason == "unreadable"
    assert "chmod 600" in answer.message
    assert str(pin_file) in answer.message
    rows = store.audit_rows()
    assert len(rows) == 1
    assert rows[0]["action"] == "technician.pin_not_set"
    assert rows[0]["detail"] == {"problem": "unreadable"}


def test_a_damaged_pin_file_never_opens(store, pin_file):
    pin_file.write_text("garbage\n")
    pin_file.chmod(0o600)
    door = TechnicianDoor(store, pin_file)
    assert door.try_pin(PIN, T0).opened is False
    assert door.try_pin("garbage", T0).opened is False


def test_every_attempt_leaves_an_audit_row(store, pin_file, tmp_path):
    door = TechnicianDoor(store, pin_file)
    attempts = [WRONG, PIN, WRONG, WRONG, WRONG, WRONG, WRONG, PIN, PIN]
    for i, pin in enumerate(attempts):
        door.try_pin(pin, T0 + timedelta(seconds=i))
    # one row per attempt, plus the lock
    assert store.count("audit_log") == len(attempts) + 1
    assert actions(store) == [
        "technician.pin_wrong",
        "technician.pin_ok",
        *["technician.pin_wrong"] * 5,
        "technician.locked",
        *["technician.pin_refused_locked"] * 2,
    ]
