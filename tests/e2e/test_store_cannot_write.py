"""A store that cannot write is an emergency, not a log line. The hub's data folder on
a small file system of its own (tmpfs, mounted by the test as root), filled to the last
byte or made read-only under the running hub; the real core, a simulated sensor
receiver and mobile modem on pseudo-terminals, and the real care service on 127.0.0.1.

- With a reserve, a full disk frees it at once and the press is stored and raised as
  usual; the low space is a technical alarm while there is room to send it.
- Without room at all (no reserve left, or the file system read-only), the press is
  held in memory and its alarm goes straight to the care service (or by SMS while the
  service is away), the screen says the hub needs service, the heartbeat tells the
  service, which raises "hub cannot store"; when the disk can write again what was
  held is stored, and nothing is sent twice.
"""

from __future__ import annotations

import contextlib
import os
import subprocess

import pytest
from tests.helpers.home import PENDANT, alarms_at, hub_config, pendant_on_a_receiver, read_store
from tests.helpers.plans import wait_for

from simulators.modem_sim import ModemSimulator
from simulators.pty import PtyPort
from hub_app.config import load_config
from hub_app.core import Core
from vocabulary import DeviceKind
ON_CALL = "+4740000113"


@contextlib.contextmanager
def small_disk(path, megabytes: int, kind: str = "tmpfs"):
    """A file system of its own at `path` (the suite runs as root, as CI does): a tmpfs,
    or ext4 on a loop device that turns itself read-only on an error (as a failing disk
    does; `fail_disk` triggers it)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.fail("these tests mount a small file system and need root (CI runs as root)")
    if kind == "tmpfs":
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(path)], check=True)
    else:
        image = path.with_name(path.name + ".img")
        with open(image, "wb") as out:
            out.truncate(megabytes * 1024 * 1024)
        subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True)
        subprocess.run(["mount", "-o", "loop,errors=remount-ro", str(image), str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", "-d", str(path)], check=False)


def fail_disk(disk) -> None:
    """The ext4 file system meets an error and the kernel makes it read-only at once."""
    device = os.path.basename(subprocess.run(["findmnt", "-n", "-o", "SOURCE", str(disk)], check=True,
                                             capture_output=True, text=True).stdout.strip())
    with open(f"/sys/fs/ext4/{device}/trigger_fs_error", "w") as trigger:
        trigger.write("1")


def fill(disk) -> None:
    """Write a ballast file until the file system has no byte left."""
    fd = os.open(disk / "ballast", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


@pytest.fixture(params=["tmpfs"])
def home(tmp_path, request, service):
    with small_disk(tmp_path / "disk", 16, request.param) as disk, \
            pendant_on_a_receiver(tmp_path) as (host, receiver):
        modem = ModemSimulator(PtyPort(tmp_path / "ttyGSM"))
        host.call(modem.start)
        cores: list[Core] = []

        class Home:
            def __init__(self):
                self.disk, self.service, self.receiver, self.host, self.modem = disk, service, receiver, host, modem

            def start(self, reserve_mb: int, low_mb: int = 4, service_url: str | None = None) -> Core:
                config = hub_config(tmp_path, service, hub=f"storage_reserve_mb = {reserve_mb}\n"
                                                           f"storage_low_mb = {low_mb}\n",
                                    sections=f'[alarms]\non_call_number = "{ON_CALL}"\n')
                if service_url:  # a service that is not there
                    config.write_text(config.read_text().replace(service.url, service_url), encoding="utf-8")
                core = Core(load_config(config).with_data_dir(disk / "data"), heartbeat_s=1.0,
                            device_options={"retry_base": 0.05, "backoff_max": 0.3})
                core.start()
                cores.append(core)
                core.call(core.serial.assign, modem.port.path, "gsm_modem")
                core.call(core.serial.assign, receiver.port.path, "sensor_receiver")
                wait_for(lambda: all(s.connected for s in core.call(core.serial.statuses)), what="the devices")
                return core

            def issues(self, code: str) -> list[str]:
                """The hub's alarms of kind `code` the service keeps (not their steps)."""
                return alarms_at(service, code)

            def hub_rows(self, sql: str, *args):
                return read_store(disk / "data" / "hub.db", sql, *args)

        yield Home()
        for core in cores:
            core.stop()
        host.call(modem.stop)
        modem.port.close()


def test_a_full_disk_frees_the_reserve_so_the_press_is_stored_and_the_low_space_is_said(home):
    core = home.start(reserve_mb=2)
    assert (home.disk / "data" / "space-reserve").stat().st_size == 2_000_000
    fill(home.disk)
    seq = home.host.call(home.receiver.help_button, PENDANT)
    wait_for(lambda: seq in home.receiver.acked, timeout=15, what="the press to be stored")
    [(uid,)] = home.hub_rows("SELECT uid FROM events WHERE type = 'help_button'")
    wait_for(lambda: home.issues("help_button") == [uid], timeout=20, what="the alarm at the service")
    assert not (home.disk / "data" / "space-reserve").exists()
    # The space left is short: said while the store can still keep and send it.
    wait_for(lambda: len(home.issues("storage_low")) == 1, timeout=20, what="the low-space alarm at the service")
    assert home.hub_rows("SELECT count(*) FROM alarms WHERE uid = ?", uid) == [(1,)]


def test_a_store_that_cannot_write_holds_the_alarm_in_memory_sends_it_and_stores_it_once_when_it_can(home):
    core = home.start(reserve_mb=0, low_mb=1)
    fill(home.disk)
    seq = home.host.call(home.receiver.help_button, PENDANT)
    # The press cannot be stored, so the pendant is not acknowledged and repeats it; its
    # alarm reaches the nurse all the same, once however often it is repeated.
    wait_for(lambda: len(home.issues("help_button")) == 1, timeout=20, what="the alarm at the service")
    [uid] = home.issues("help_button")
    assert seq not in home.receiver.acked
    [alarm] = [a for a in core.call(core.alarms.active) if a.type == "help_button"]
    assert alarm.uid == uid and alarm.state == "raised"
    assert DeviceKind.HUB in [p.device for p in core.state.problems]  # the screen: the hub needs service
    wait_for(lambda: len(home.issues("hub_cannot_store")) == 1, timeout=20, what="the service's hub-cannot-store alarm")
    assert home.hub_rows("SELECT count(*) FROM events WHERE uid = ?", uid) == [(0,)]
    # Help on the screen works too, and is one more alarm.
    screen = core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: len(home.issues("help_button")) == 2, timeout=20, what="the screen's alarm at the service")

    (home.disk / "ballast").unlink()
    wait_for(lambda: seq in home.receiver.acked, timeout=20, what="the press to be stored and acknowledged")
    wait_for(lambda: home.hub_rows("SELECT count(*) FROM alarms") == [(2,)], timeout=20, what="the held alarms stored")
    wait_for(lambda: DeviceKind.HUB not in [p.device for p in core.state.problems], what="the screen to clear")
    assert home.hub_rows("SELECT count(*) FROM events WHERE uid IN (?, ?)", uid, screen.uid) == [(2,)]
    # Both already at the service: in the outbox as sent, never sent again.
    assert home.hub_rows("SELECT count(*) FROM outbox WHERE event_uid IN (?, ?) AND sent_at IS NULL",
                         uid, screen.uid) == [(0,)]
    core.stop()
    assert sorted(home.issues("help_button")) == sorted([uid, screen.uid])
    assert len(home.issues("hub_cannot_store")) == 1


@pytest.mark.parametrize("home", ["ext4"], indirect=True)
def test_a_disk_gone_read_only_under_the_hub_still_gets_every_alarm_to_the_nurse(home):
    core = home.start(reserve_mb=0, low_mb=1)
    fail_disk(home.disk)
    first = home.host.call(home.receiver.help_button, PENDANT)
    wait_for(lambda: len(home.issues("help_button")) == 1, timeout=20, what="the alarm at the service")
    wait_for(lambda: len(home.issues("hub_cannot_store")) == 1, timeout=20, what="the service's hub-cannot-store alarm")
    assert DeviceKind.HUB in [p.device for p in core.state.problems]
    assert core.upkeep.health()["problem"] in ("read_only", "io_error")
    core.call(core.rules.help_pressed, "screen")
    wait_for(lambda: len(home.issues("help_button")) == 2, timeout=20, what="the screen's alarm at the service")
    assert first not in home.receiver.acked  # the pendant keeps it until a store can take it
    assert len(home.issues("help_button")) == 2  # repeated all along, sent once


def test_with_the_service_away_a_held_alarm_goes_to_the_on_call_phone_once(home):
    core = home.start(reserve_mb=0, low_mb=1, service_url="http://127.0.0.1:9")  # nothing answers there
    assert not core.link.state.reachable  # nothing has answered there, nor will
    fill(home.disk)
    seq = home.host.call(home.receiver.help_button, PENDANT)
    wait_for(lambda: len(home.modem.sent) == 1, timeout=20, what="the SMS to the on-call phone")
    assert home.modem.sent[0].number == ON_CALL and "alarmknappen" in home.modem.sent[0].text
    (home.disk / "ballast").unlink()
    wait_for(lambda: seq in home.receiver.acked, timeout=20, what="the press to be stored")
    wait_for(lambda: home.hub_rows("SELECT count(*) FROM alarms") == [(1,)], timeout=20, what="the held alarm stored")
    [(detail,)] = home.hub_rows("SELECT detail FROM alarms")
    assert '"told": ["on-call"]' in detail
    for _ in range(3):  # further looks send nothing more
        core.call(core.tick)
    assert len(home.modem.sent) == 1
