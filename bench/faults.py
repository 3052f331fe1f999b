"""The hub's first promise under faults: nothing accepted is lost, every alarm reaches a person.

Real parts only: the reference care service (`welfare-care-service serve`) and the
hub (`welfare-hub run --headless`), each a process of its own, the real TCP fault
proxy (tests/helpers/fault_proxy.py) between them, and simulated devices on pseudo-terminals
(a sensor receiver with a help pendant and a fall sensor, a medicine dispenser, a GSM
modem) and on the BlueZ stand-in (a glucose meter), assigned and paired as the
technician does (tests/helpers/technician.py). Prints JSON.

While the resident keeps pressing the pendant, falling (fall countdown 0: an alarm at
once) and taking doses, faults are injected by kind, from the table FAULTS:

- hub_kill: the hub SIGKILLed at a random moment, restarted on the same data dir;
- service_kill: the care service SIGKILLed as a batch is on its way, restarted on the
  same data;
- service_faults: the proxy answers the batches 500, resets their connections, or cuts
  the service's answer in the middle, for a few seconds;
- ble_disconnect: the meter goes out of range in the middle of handing over the
  records it kept, and comes back. Like a real meter it sleeps between transfers, so
  no hub is killed while it holds a Bluetooth link.
- reaction_kill: the hub killed exactly between storing an alarm event (and ACKing it
  to the device, which stops repeating it) and raising its alarm
  (tests/helpers/dies_reacting.py), then started again as usual;
- store_error: the hub's store refuses for a few seconds, either every alarm write (a
  trigger put into the live store) or every write (another process holds it locked
  longer than the hub waits);
- disk_full: the hub's data folder, a small tmpfs of its own (root), filled to the last
  byte, again once the hub has freed its space reserve, for a few seconds;
- damaged_store: the hub killed once the service has everything, its store overwritten
  at the head, and the hub started on it (the resident waits meanwhile: what only the
  damaged file held is lost with it, which is not what this kind is about; that Help,
  the devices and the link come back is).

Counted:
- events accepted: from the devices' side, each event a device got the hub's ACK for
  (and every record the meter holds: it keeps them, the hub must fetch them);
- lost: accepted, but not at the care service at the end (read from its own database
  by identifier); duplicated: at the service more than once, or a device event there
  that is none of those accepted (one stored twice under a new identity);
- alarms not reached: an accepted press or fall neither at the service nor sent by SMS
  to the on-call phone within 60 s of the fault that held it up clearing;
- press to alarm: from the press (wall clock, at the simulator) to the alarm stored at
  the service (its meta.lastUpdated); also counted from the moment the fault cleared.

Set to suit the bench (the JSON says so): the hub's acknowledgement ladder is a day
long (nobody acknowledges here; the SMS counted are those sent because the service
could not be reached), and it sends a heartbeat every 10 s (its minimum).

Targets: 0 lost, 0 duplicated, 0 alarms not reached, every kind injected, the longest
press-to-alarm after a fault cleared <= 60 s. Exit status 1 when one is missed.

A kind is one function registered in FAULTS (@fault("name")): it gets the Rig (the hub,
the service, the proxy, the devices, the folder) and a seeded random source, breaks
something, waits until the break is over and returns its Fault (when it began and
when it cleared). `--kinds` runs some of them only.

Usage: python bench/faults.py [--short | --long] [--minutes N] [--seed N] [--dir DIR] [--kinds a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # bench/, and the product with its tests and test equipment

from fault_home import Air, Home  # noqa: E402
from fault_ledger import Fault, account, at_service, ID  # noqa: E402
from tests.helpers.fault_proxy import CUT, FAILED, RESET, FaultProxy, MID_BODY  # noqa: E402
from fault_rig import CareService, Hub, wait_until  # noqa: E402
from hub_app.secret_files import write_secret  # noqa: E402

TARGET_ALARM_S = 60.0
BATCHES = "POST /fhir"  # the faults are aimed at the batches; the event channel and heartbeat pass
ON_CALL = "+4722334455"
NURSE, PASSWORD = "nina", "correct horse battery staple"
SHORT = {"hub_kill": 3, "service_kill": 2, "service_faults": 2, "ble_disconnect": 2, "reaction_kill": 2,
         "store_error": 2, "disk_full": 2, "damaged_store": 1}
DISK_MB = 64  # the hub's data folder: a tmpfs of its own, so that it can be filled
PRESSES = (("help_button", 0.35), ("fall", 0.35), ("dose_taken", 0.3))
PLAN = """# Only what the bench needs: readings may be shared with the care service.
version = 1

[consent.vital_sign_sharing]
given = true
recorded_by = "Sykepleier Nina"
recorded_at = 2026-11-01
"""

BEGAN = time.monotonic()


def progress(text: str) -> None:
    print(f"[faults {time.monotonic() - BEGAN:6.1f} s] {text}", file=sys.stderr, flush=True)


@dataclass
class Rig:
    """Everything a fault may touch."""
    hub: Hub
    service: CareService
    proxy: FaultProxy
    home: Home
    air: Air
    patient: str  # the resident's id at the service
    folder: Path  # where this run keeps its files
    quiet: threading.Event  # set: the resident does nothing for now


# -- the faults, by kind -------------------------------------------------------------------------
# Each kind is one function: it breaks something, waits until the break is over (the
# process back, the proxy passing through), and says when it began and cleared. The
# resident's presses go on all the while, from another thread.

FAULTS: dict[str, Callable[[Rig, random.Random], Fault]] = {}


def fault(kind: str):
    def register(inject: Callable[[Rig, random.Random], Fault]):
        FAULTS[kind] = inject
        return inject
    return register


@fault("hub_kill")
def hub_kill(rig: Rig, rng: random.Random) -> Fault:
    """SIGKILL at a random moment of the traffic; the devices keep what was not ACKed."""
    time.sleep(rng.uniform(0.1, 2.5))
    started = time.time()
    rig.hub.kill()
    time.sleep(rng.uniform(0.0, 1.5))  # off for a while, as after a power cut
    return Fault("hub_kill", started, rig.hub.start(), {})


@fault("service_kill")
def service_kill(rig: Rig, rng: random.Random) -> Fault:
    """SIGKILL while a batch is on its way: the proxy holds each chunk 100 ms, so the
    kill (0 to 250 ms after the batch left the hub) lands before the service has it,
    while it stores it, or after it answered but before the hub has heard."""
    before = len(rig.proxy.seen(BATCHES))
    rig.proxy.delay(100)
    for _ in range(rng.randint(1, 3)):  # a dose or two make sure a batch comes
        rig.home.press("dose_taken")
    wait_until(lambda: len(rig.proxy.seen(BATCHES)) > before, 30, "a batch on its way to the service", every=0.002)
    time.sleep(rng.uniform(0.0, 0.25))
    batch = rig.proxy.seen(BATCHES)[before]
    started = time.time()
    rig.service.kill()
    answered = batch.response_bytes > 0
    rig.proxy.pass_through()
    time.sleep(rng.uniform(1.0, 4.0))  # away; alarms now go by SMS too
    return Fault("service_kill", started, rig.service.start(), {"service_had_answered_the_batch": answered})


@fault("service_faults")
def service_faults(rig: Rig, rng: random.Random) -> Fault:
    """For a few seconds every batch is answered 500 by the proxy, reset before the
    service sees it, or stored by the service and its answer cut in the middle."""
    mode = rng.choice((FAILED, RESET, CUT))
    before = len(rig.proxy.seen(BATCHES, mode))
    started = time.time()
    if mode == FAILED:
        rig.proxy.fail(times=None, status=500, match=BATCHES)
    elif mode == RESET:
        rig.proxy.reset(BATCHES)
    else:
        rig.proxy.reset(BATCHES, after_response_bytes=MID_BODY)
    hold = rng.uniform(2.0, 5.0)
    time.sleep(hold)
    rig.home.press("dose_taken")  # at least one batch meets the fault
    wait_until(lambda: len(rig.proxy.seen(BATCHES, mode)) > before, 60, f"a batch to meet the fault ({mode})")
    rig.proxy.pass_through()
    return Fault("service_faults", started, time.time(),
                 {"mode": mode, "batches_hit": len(rig.proxy.seen(BATCHES, mode)) - before})


@fault("ble_disconnect")
def ble_disconnect(rig: Rig, rng: random.Random) -> Fault:
    """The meter, asleep, keeps a few new records; awake, it goes out of range in the
    middle of handing them over; back in range, the hub asks again from where it got
    to; then the meter sleeps."""
    air, meter = rig.air, rig.air.meter
    count = rng.randint(3, 6)
    air.measure(count)
    meter.drop_after = rng.randint(1, count - 1)
    air.wake()
    wait_until(lambda: meter.drop_after is None, 60, "the transfer cut in the middle")
    started = time.time()
    wait_until(lambda: not meter.connected, 30, "the link to drop")  # out of range, not a pause in the air
    time.sleep(rng.uniform(0.0, 1.5))
    asked = air.asked
    air.wake()
    cleared = time.time()
    wait_until(lambda: air.asked > asked, 60, "the hub to ask for the rest")
    time.sleep(1.0)  # the records go in a moment; one not through is asked for at the next wake
    put_meter_to_sleep(air)
    return Fault("ble_disconnect", started, cleared, {"records": count})


@fault("reaction_kill")
def reaction_kill(rig: Rig, rng: random.Random) -> Fault:
    """The hub started as one that dies the moment it begins to react to an alarm event
    it has stored and ACKed; the next press or fall kills it; started again as usual."""
    rig.hub.stop()
    rig.hub.start_dying_in_reaction()
    rig.home.press(rng.choice(("help_button", "fall")))  # the resident's own presses may come first
    wait_until(lambda: not rig.hub.running, 30, "the hub to die in its reaction")
    started = time.time()
    time.sleep(rng.uniform(0.0, 1.0))
    return Fault("reaction_kill", started, rig.hub.start(), {"exit_status": rig.hub.proc.returncode})


@fault("store_error")
def store_error(rig: Rig, rng: random.Random) -> Fault:
    """The live store refuses: every alarm write (a trigger) or every write (locked by
    another process for longer than the hub waits for a lock), for a few seconds."""
    mode = rng.choice(("alarms_refused", "locked"))
    db = sqlite3.connect(rig.hub.data_dir / "hub.db", timeout=30)
    started = time.time()
    try:
        if mode == "alarms_refused":
            with db:
                db.execute("CREATE TRIGGER bench_refuse_alarms BEFORE INSERT ON alarms "
                           "BEGIN SELECT RAISE(ABORT, 'the store refuses'); END")
            rig.home.press("help_button")
            time.sleep(rng.uniform(2.0, 5.0))
            with db:
                db.execute("DROP TRIGGER bench_refuse_alarms")
        else:
            db.execute("BEGIN EXCLUSIVE")
            rig.home.press("help_button")
            time.sleep(rng.uniform(6.0, 8.0))  # past the hub's 5 s wait for a lock
            db.rollback()
    finally:
        db.close()
    return Fault("store_error", started, time.time(), {"mode": mode})


@fault("disk_full")
def disk_full(rig: Rig, rng: random.Random) -> Fault:
    """The data folder's disk filled to the last byte; when the hub has freed its
    reserve, filled again (so the store truly cannot write); emptied after a while."""
    disk = rig.hub.data_dir
    ballast = disk / "ballast"
    reserve = disk / "space-reserve"
    started = time.time()
    fill(ballast)
    rig.home.press("help_button")
    try:
        wait_until(lambda: not reserve.exists(), 10, "the hub to free its space reserve")
    except RuntimeError:
        pass  # no reserve left from an earlier fill: the store is out of space at once
    fill(ballast)
    rig.home.press(rng.choice(("help_button", "fall")))
    time.sleep(rng.uniform(3.0, 6.0))
    ballast.unlink()
    return Fault("disk_full", started, time.time(), {"reserve_freed": not reserve.exists()})


def fill(ballast: Path) -> None:
    """Grow `ballast` until its file system has no byte left."""
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)


@fault("damaged_store")
def damaged_store(rig: Rig, rng: random.Random) -> Fault:
    """Once the service has everything, the hub killed, its store damaged at the head,
    and the hub started on it: it must set the file aside and run with its devices."""
    rig.quiet.set()
    try:
        if not everything_arrived(rig, 60):
            raise RuntimeError("the service did not get everything before the store was damaged")
        rig.hub.kill()
        started = time.time()
        store = rig.hub.data_dir / "hub.db"
        with open(store, "r+b") as head:
            head.write(os.urandom(4096))
        for suffix in ("-wal", "-shm"):  # the card lost its last writes too: the WAL would mend the head
            store.with_name(store.name + suffix).unlink(missing_ok=True)
        cleared = rig.hub.start()
        aside = sorted(p.name for p in rig.hub.data_dir.glob("hub.db.damaged-*") if not p.name.endswith(("-wal", "-shm")))
        if not aside:
            raise RuntimeError("the hub did not set the damaged store aside")
    finally:
        rig.quiet.clear()
    rig.home.press("help_button")  # the pendant reaches the nurse through the fresh store
    return Fault("damaged_store", started, cleared, {"set_aside": aside[-1]})


def put_meter_to_sleep(air: Air) -> None:
    # Asleep, as a real meter between transfers. (A hub killed with a Bluetooth link open
    # leaves BlueZ holding it; the restarted hub takes it over: tests/test_ble_orphaned_link.py.)
    air.sleep()
    wait_until(lambda: not air.meter.connected, 30, "the meter's link to drop")


# -- the resident ----------------------------------------------------------------------------------

class Resident(threading.Thread):
    """Presses the pendant, falls and takes doses at random moments until stopped."""

    def __init__(self, home: Home, rng: random.Random, every: tuple[float, float], quiet: threading.Event) -> None:
        super().__init__(name="resident", daemon=True)
        self.home, self.rng, self.every, self.quiet = home, rng, every, quiet
        self.halt = threading.Event()
        self.problem: BaseException | None = None

    def run(self) -> None:
        kinds, weights = zip(*PRESSES)
        try:
            while not self.halt.wait(self.rng.uniform(*self.every)):
                if not self.quiet.is_set():
                    self.home.press(self.rng.choices(kinds, weights)[0])
        except BaseException as exc:  # said at the end; the run fails
            self.problem = exc


# -- setting up the home, the service and the hub --------------------------------------------------

def set_up(folder: Path, started: list[Callable[[], object]]) -> Rig:
    """The service with a resident, a hub credential and a nurse; the proxy; the home's
    devices; the hub, set up by the technician. `started` gets the stop of each part as
    it starts, so that a set-up that fails half-way leaves nothing running."""
    progress("the Bluetooth stand-in, the devices, the care service")
    air = Air()
    started.append(air.stop)
    home = Home(folder / "devices")
    started.append(home.stop)
    service = CareService(folder / "service", folder / "care-service.log")
    token, patient = service.add_hub("Kari Nordmann")
    service.admin("add-nurse", NURSE, "--name", "Sykepleier Nina", "--password-stdin", stdin=PASSWORD + "\n")
    started.append(service.stop)
    service.start()
    proxy = FaultProxy(service.port).start()  # the same port after every restart: the proxy's upstream stays
    started.append(proxy.stop)
    hub_folder = folder / "hub"
    mount_small_disk(hub_folder / "data", DISK_MB)
    started.append(lambda: subprocess.run(["umount", "-l", str(hub_folder / "data")], check=False))
    write_secret(hub_folder / "care-service-credential", token)
    (hub_folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    config = hub_folder / "hub.toml"
    config.write_text(
        '[resident]\nname = "Kari"\ntime_zone = "Europe/Oslo"\n'
        '[hub]\nstorage_low_mb = 8\nstorage_reserve_mb = 4\n'
        '[care_plan]\nfile = "plan.toml"\n'
        f'[alarms]\nfall_countdown_seconds = 0\non_call_number = "{ON_CALL}"\nacknowledge_minutes = 1440\n'
        f'[care_service]\nurl = "{proxy.url}"\npatient_id = "{patient}"\nheartbeat_seconds = 10\n',
        encoding="utf-8")
    hub = Hub(config, hub_folder / "data", folder / "hub.log", env=air.environment)
    progress("the technician assigns the serial devices and pairs the meter")
    hub.technician(home.ports, {air.meter.address: "glucose"})
    started.append(hub.stop)
    hub.start()
    wait_until(lambda: air.asked > 0, 60, "the hub to ask the meter for its records")
    time.sleep(0.5)
    put_meter_to_sleep(air)
    return Rig(hub, service, proxy, home, air, patient, folder, threading.Event())


def keep_and_unmount(data: Path, folder: Path) -> None:
    """The hub's data folder is copied out of its tmpfs (for --dir), then unmounted."""
    shutil.copytree(data, folder / "hub-data-at-end", ignore=shutil.ignore_patterns("ballast"), dirs_exist_ok=True)
    subprocess.run(["umount", "-l", str(data)], check=False)


def mount_small_disk(path: Path, megabytes: int) -> None:
    """The hub's data folder on a tmpfs of its own, so a fault can fill it (needs root)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        raise RuntimeError("the fault suite mounts a small file system for the hub's data and needs root")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(path)], check=True)


def everything_arrived(rig: Rig, timeout: float) -> bool:
    """Wait until the devices have nothing left for the hub and the service holds all
    they had accepted (False: the time ran out; the accounting tells what is missing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if rig.home.idle():
            accepted = rig.home.acknowledged()
            wanted = {ID + s.uid for s in rig.home.sent if (s.device, s.number) in accepted}
            wanted |= {ID + s.uid for s in rig.air.sent}
            held = {s.identifier for s in at_service(rig.service.db_path, rig.patient)}
            if wanted <= held:
                return True
        time.sleep(0.5)
    return False


def stop_all(stops) -> None:
    for stop in stops:
        try:
            stop()
        except Exception as failed:  # the others are stopped all the same
            progress(f"could not stop a part: {failed!r}")


def plan_faults(kinds: list[str], long: bool, rng: random.Random) -> list[str] | None:
    """The short run's faults in a random order; None for a long run (chosen as it goes)."""
    if long:
        return None
    planned = [kind for kind in kinds for _ in range(SHORT.get(kind, 2))]
    rng.shuffle(planned)
    return planned


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--short", action="store_true", help="each kind two or three times, about a minute (default)")
    length.add_argument("--long", action="store_true", help="faults of every kind for --minutes")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long --long injects faults (default 10)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--dir", type=Path, help="keep the files (logs, databases, device state) here")
    parser.add_argument("--kinds", default=",".join(FAULTS), help=f"which kinds, by name (default all: {','.join(FAULTS)})")
    args = parser.parse_args()
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if not kinds or set(kinds) - set(FAULTS):
        parser.error(f"--kinds: one or more of {', '.join(FAULTS)}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-faults-"))
    folder.mkdir(parents=True, exist_ok=True)
    started, load_before = time.monotonic(), os.getloadavg()[0]

    parts: list[Callable[[], object]] = []
    try:
        rig = set_up(folder, parts)
    except Exception as exc:
        stop_all(reversed(parts))
        print(json.dumps({"mode": "long" if args.long else "short", "seed": seed, "dir": str(folder),
                          "problems": [f"set-up failed: {type(exc).__name__}: {exc}"]}, indent=2))
        return 1
    faults: list[Fault] = []
    problems: list[str] = []
    resident = Resident(rig.home, random.Random(rng.random()), (0.25, 0.9) if not args.long else (0.3, 1.5), rig.quiet)
    hub_status = None
    try:
        rig.home.press("help_button")  # the whole path works before anything is broken
        if not everything_arrived(rig, 60):
            raise RuntimeError("the first press did not reach the care service")
        resident.start()
        planned = plan_faults(kinds, args.long, rng)
        until = time.monotonic() + args.minutes * 60
        while planned if planned is not None else time.monotonic() < until:
            kind = planned.pop(0) if planned is not None else rng.choice(kinds)
            time.sleep(rng.uniform(1.5, 3.5) if not args.long else rng.uniform(3.0, 10.0))  # calm between faults
            progress(f"fault: {kind}")
            faults.append(FAULTS[kind](rig, rng))
        resident.halt.set()
        resident.join(30)
        if resident.problem is not None:
            problems.append(f"the resident's presses stopped: {resident.problem!r}")
        progress("faults done; waiting for everything accepted to reach the service")
        rig.air.wake()  # what the meter still keeps is handed over now
        if not everything_arrived(rig, TARGET_ALARM_S + 30):
            problems.append("not everything accepted had reached the service when the wait ended")
    except Exception as exc:  # a part that did not come back is a result too: said, and the run fails
        problems.append(f"{type(exc).__name__}: {exc}")
        progress(f"stopped early: {exc}")
    finally:
        resident.halt.set()
        hub_status = rig.hub.stop()
        accepted, refused = rig.home.acknowledged(), rig.home.refused()
        rig.service.stop()
        stored = at_service(rig.service.db_path, rig.patient)
        stop_all([rig.proxy.stop, rig.home.stop, rig.air.stop, lambda: keep_and_unmount(rig.hub.data_dir, folder)])

    figures = account(rig.home.sent, accepted, stored, rig.home.sms, faults, TARGET_ALARM_S, rig.air.sent)
    if hub_status != 0:
        problems.append(f"the hub did not stop cleanly at the end (exit status {hub_status})")
    injected = Counter(f.kind for f in faults)
    longest = figures["longest_press_to_alarm_after_fault_cleared_s"]
    met = {
        "lost": figures["lost"] == 0,
        "duplicated": figures["duplicated"] == 0,
        "alarms_not_reached": figures["alarms_not_reached"] == 0,
        "every_kind_injected": all(injected[kind] > 0 for kind in kinds),
        "press_to_alarm_after_fault_cleared_s": longest is not None and longest <= TARGET_ALARM_S,
        "no_problems": not problems,
    }
    result = {
        "mode": "long" if args.long else "short",
        "seed": seed,
        "faults_injected": {kind: injected.get(kind, 0) for kind in kinds},
        **figures,
        # Given to a device but without the hub's ACK when the run ended (none, once it drained).
        "events_not_accepted": sum((s.device, s.number) not in accepted for s in rig.home.sent),
        "events_refused_by_hub": len(refused),
        "process_starts": {"hub": rig.hub.starts, "care_service": rig.service.starts},
        "problems": problems,
        "settings": {"fall_countdown_seconds": 0, "acknowledge_minutes": 1440, "heartbeat_seconds": 10,
                     "data_disk_mb": DISK_MB, "storage_low_mb": 8, "storage_reserve_mb": 4},
        "run_s": round(time.monotonic() - started, 1),
        "machine": {"cpus": os.cpu_count(), "load_1min_before": round(load_before, 2),
                    "load_1min_after": round(os.getloadavg()[0], 2)},
        "targets": {"lost": 0, "duplicated": 0, "alarms_not_reached": 0, "every_kind_injected": True,
                    "press_to_alarm_after_fault_cleared_s": TARGET_ALARM_S},
        "met": met,
        "dir": str(folder),
    }
    (folder / "faults.json").write_text(json.dumps({**result, "fault_log": [asdict(f) for f in faults]}, indent=2),
                                        encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
