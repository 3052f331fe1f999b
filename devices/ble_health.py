"""Bluetooth LE health devices (standard SIG profiles) as the hub sees them.

One `BleHealthDevice` supervises one device a technician paired to this hub: it waits
for it to come in range, connects through bleak-retry-connector (retries, service
cache), sets a wrong or unset device clock through Current Time, subscribes to the
measurement characteristics again on every connection, fetches stored records with
RACP from the last one it has, and hands each reading to `on_event` (the store) with
a uid made from the reading's identity (its sequence number, or its own timestamp),
so a reading delivered twice (after a reconnect, say) is stored once. A missing or
powered-off adapter is a device problem, never a crash. Only paired devices are ever
connected: the neighbour's cuff advertising the same service is never looked at.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bleak import BleakClient, BleakScanner
from bleak.exc import BleakError
from bleak.backends.device import BLEDevice
from bleak_retry_connector import BleakClientWithServiceCache, establish_connection, get_connected_devices
from bleak_retry_connector.bluez import address_to_bluez_path

from drivers.ble import uuids as u
from drivers.ble.current_time import CurrentTime, decode_current_time, encode_current_time
from drivers.ble.errors import BleCodecError
from drivers.ble.racp import RacpNumberOfRecords, RacpResponse, decode_racp_response, report_all_records, report_records_from
from drivers.ble.registry import decode, to_json
from vocabulary import Event, EventKind, utc_now
from vocabulary.device_kinds import BLE_PROFILES, profile_for

log = logging.getLogger(__name__)

READING_NAMESPACE = uuid.UUID("2b0c8f43-64a5-4b8e-a4a9-5b0f0d1e7c11")
CLOCK_TOLERANCE = timedelta(minutes=5)  # a device clock further off than this is set, its readings marked
REPEAT_WINDOW_S = 0.3  # BlueZ repeats arrive back to back; a 1 Hz stream is 1 s apart
FAILURES_BEFORE_PROBLEM = 5  # connection errors in a row before the resident is told (out of range is normal)
BATTERY_LOW_PERCENT = 10


# The SIG health profiles (what to listen to, what the readings are called): the
# shared catalogue's, by their name.
PROFILES = BLE_PROFILES
HEALTH_SERVICES = [profile.service for profile in PROFILES.values()]


_discovery_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def discovery_lock() -> asyncio.Lock:
    """One discovery at a time per loop: BlueZ answers a second StartDiscovery from the
    same client with org.bluez.Error.InProgress."""
    loop = asyncio.get_running_loop()
    lock = _discovery_locks.get(loop)
    if lock is None:
        lock = _discovery_locks[loop] = asyncio.Lock()
    return lock


async def find(address: str, timeout: float):
    """The paired device, seen advertising; or, when a scan does not see it, the link
    BlueZ still holds to it. BlueZ keeps a connection up after the process that made it
    dies (a hub killed by a power cut of its own, the watchdog, the OOM killer), and a
    connected device does not advertise: without this the restarted hub would never
    find it again, and the records it keeps would wait for ever. bleak takes such a
    link over without calling Connect."""
    async with discovery_lock():
        device = await BleakScanner.find_device_by_address(address, timeout=timeout)
    if device is None:
        expected = BLEDevice(address, None, {"path": address_to_bluez_path(address), "props": {}})
        held = await get_connected_devices(expected)
        if held:
            log.info("Bluetooth device %s is still connected in BlueZ from before: taking its link over", address)
            device = held[0]
    return device


@dataclass(frozen=True)
class BleStatus:
    address: str
    profile: str
    name: str = ""
    connected: bool = False
    last_contact: datetime | None = None
    battery: int | None = None
    model: str = ""
    serial: str = ""
    firmware: str = ""
    problem: str = ""  # plain words for a technician
    no_adapter: bool = False  # the hub's own Bluetooth is missing or off
    failures: int = 0  # connection errors since the last good connection

    @property
    def resident_problem(self) -> str | None:
        """The machine word for the resident's status line, or None: being out of range
        is normal (a cuff sleeps between measurements), failing again and again is not."""
        if self.no_adapter:
            return "no_adapter"
        if self.failures >= FAILURES_BEFORE_PROBLEM:
            return "failing"
        if self.battery is not None and self.battery <= BATTERY_LOW_PERCENT:
            return "battery_low"
        return None


class NotConnected(Exception):
    """The device is not connected now (asleep, out of range): nothing could be read."""


@dataclass(frozen=True)
class Advert:
    address: str
    name: str
    rssi: int | None
    profile: str | None  # the recognised health profile, if any


async def scan(seconds: float = 5.0) -> list[Advert]:
    """Health devices advertising nearby (filtered by the health service UUIDs)."""
    async with discovery_lock():
        found = await BleakScanner.discover(timeout=seconds, return_adv=True, service_uuids=HEALTH_SERVICES)
    adverts = []
    for device, adv in found.values():
        profile = profile_for(list(adv.service_uuids))
        adverts.append(Advert(device.address, adv.local_name or device.name or "", adv.rssi, profile.name if profile else None))
    return sorted(adverts, key=lambda a: (a.rssi is None, -(a.rssi or 0)))


async def release_bluez() -> None:
    """Let go of bleak's connection to BlueZ on this event loop. bleak keeps one per loop,
    with a task that watches it, and never closes it itself; the hub's loop ends when the
    hub stops, and the watching task would be left pending on a closed loop. Closing the
    connection ends the task. (bleak offers no public way: its per-loop table is read.)"""
    try:
        from bleak.backends.bluezdbus import manager as bluez_manager
    except ImportError:  # not BlueZ: nothing kept
        return
    manager = bluez_manager._global_instances.pop(asyncio.get_running_loop(), None)
    bus = getattr(manager, "_bus", None)
    if bus is None:
        return
    bus.disconnect()
    watcher = getattr(manager, "_bus_watcher_task", None)
    if watcher is not None:
        await asyncio.wait({watcher}, timeout=5)


def is_adapter_missing(error: BaseException) -> bool:
    text = str(error)
    # NotReady: BlueZ's answer to a discovery on an adapter switched off so recently
    # that bleak has not heard of it yet, and so did not say "No powered adapters".
    return ("No Bluetooth adapters found" in text or "not available" in text.lower() or "powered" in text.lower()
            or "org.bluez.Error.NotReady" in text)


def adapter_problem(error: BaseException) -> str:
    """A Bluetooth failure in words a technician can act on."""
    text = str(error) or type(error).__name__
    if "AuthenticationFailed" in text or "Authentication Failed" in text:
        return "the device refused to pair: put it in pairing mode (hold its Bluetooth button) and try again"
    if isinstance(error, (TimeoutError, asyncio.TimeoutError)):
        return "the device did not answer in time: bring it closer, wake it and try again"
    if is_adapter_missing(error):
        return "no Bluetooth adapter is available (missing or switched off)"
    return f"Bluetooth error: {text}"


class BleHealthDevice:
    def __init__(
        self,
        address: str,
        profile: str,
        *,
        on_event: Callable[[Event], Awaitable[None]],
        on_status: Callable[[BleStatus], None] = lambda status: None,
        on_live: Callable[[str, dict[str, Any]], None] = lambda address, value: None,
        last_sequence: Callable[[], Awaitable[int | None]] | None = None,
        time_zone: str = "Europe/Oslo",
        clock: Callable[[], datetime] = utc_now,
        find_timeout: float = 10.0,
        backoff_max: float = 60.0,
    ) -> None:
        self.address = address
        self.profile = PROFILES[profile]
        self._on_event = on_event
        self._on_status = on_status
        self._on_live = on_live
        self._last_sequence = last_sequence
        self._zone = ZoneInfo(time_zone)
        self._clock = clock
        self._find_timeout = find_timeout
        self._backoff_max = backoff_max
        self.status = BleStatus(address=address, profile=profile)
        self._clock_corrected_at: datetime | None = None
        self._recent: dict[str, float] = {}  # identity-less readings seen just now
        self._client: BleakClient | None = None  # while connected: the technician's test read uses it

    def _set_status(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        self._on_status(self.status)

    # -- life ----------------------------------------------------------------------------

    async def run(self) -> None:
        backoff = 1.0
        while True:
            try:
                served = await self._session()
            except (BleakError, asyncio.TimeoutError, OSError) as exc:
                served = False
                self._set_status(connected=False, problem=adapter_problem(exc), no_adapter=is_adapter_missing(exc),
                                 failures=self.status.failures + 1)
                log.info("Bluetooth device %s: %s", self.address, self.status.problem)
            except Exception as exc:  # a device must never take the hub down: report, retry
                served = False
                log.exception("Bluetooth device %s failed; retrying", self.address)
                self._set_status(connected=False, problem=f"unexpected error: {exc}", failures=self.status.failures + 1)
            backoff = 1.0 if served else min(backoff * 2, self._backoff_max)
            await asyncio.sleep(backoff)

    async def _session(self) -> bool:
        device = await find(self.address, self._find_timeout)
        if device is None:
            self._set_status(connected=False, problem="not in range (or switched off)", no_adapter=False)
            return False
        gone = asyncio.Event()
        client = await establish_connection(BleakClientWithServiceCache, device, self.address,
                                            disconnected_callback=lambda _c: gone.set(), max_attempts=3)
        # An attempt BlueZ gave up (le-connection-abort-by-local) was connected for a
        # moment, and bleak reports its end as a disconnection before it tries again:
        # only a disconnection of the link we now have ends this session.
        if client.is_connected:
            gone.clear()
        readings: asyncio.Queue[tuple[str, bytes] | None] = asyncio.Queue()
        consumer: asyncio.Task[None] | None = None
        clock_wrong = False
        try:
            self._client = client
            self._set_status(connected=True, name=device.name or "", problem="", no_adapter=False, failures=0,
                             last_contact=self._clock())
            # Listen first: a bonded device may send its stored records as soon as we
            # are connected, and some send them only once. Subscriptions do not survive
            # a disconnection, so they are made again on every connection.
            for characteristic in self._present(client, [*self.profile.measurements, *self.profile.live]):
                await client.start_notify(characteristic, lambda char, data: readings.put_nowait((char.uuid, bytes(data))))
            await self._read_identity(client)
            clock_wrong = await self._check_clock(client)
            consumer = asyncio.create_task(self._consume(readings, clock_wrong))
            if self._present(client, [u.RECORD_ACCESS_CONTROL_POINT]):
                await self._fetch_stored(client, gone)
            await gone.wait()
        finally:
            self._client = None
            # Whatever arrived is stored before this session ends, even on the way down.
            readings.put_nowait(None)
            if consumer is not None:
                await asyncio.shield(consumer)
            else:
                await self._consume(readings, clock_wrong)
            # Always: a client left open keeps its notification session in BlueZ, and
            # the next connection would then get every value twice.
            try:
                await client.disconnect()
            except (BleakError, EOFError, asyncio.TimeoutError) as exc:
                log.debug("%s: disconnect: %s", self.address, exc)
            self._set_status(connected=False, problem="" if gone.is_set() else self.status.problem)
        return True

    async def test_read(self) -> BleStatus:
        """Read battery and device information again, now (the technician's test)."""
        client = self._client
        if client is None or not client.is_connected:
            raise NotConnected(f"{self.address} is not connected now: wake the device (press its button) and try again")
        await self._read_identity(client)
        self._set_status(last_contact=self._clock())
        return self.status

    @staticmethod
    def _present(client: BleakClient, characteristics: list[str]) -> list[str]:
        return [c for c in characteristics if client.services.get_characteristic(c) is not None]

    async def _read_identity(self, client: BleakClient) -> None:
        changes: dict[str, Any] = {}
        for characteristic, key in ((u.MODEL_NUMBER, "model"), (u.SERIAL_NUMBER, "serial"), (u.FIRMWARE_REVISION, "firmware"),
                                    (u.BATTERY_LEVEL, "battery")):
            if not self._present(client, [characteristic]):
                continue
            try:
                value = decode(characteristic, bytes(await client.read_gatt_char(characteristic)))
            except (BleakError, BleCodecError) as exc:
                log.debug("%s: could not read %s: %s", self.address, key, exc)
                continue
            changes[key] = value.percent if key == "battery" else value.text
        if changes:
            self._set_status(**changes)

    async def _check_clock(self, client: BleakClient) -> bool:
        """Set the device's clock when it is unset or far off; True if it was wrong."""
        if not self._present(client, [u.CURRENT_TIME]):
            return False
        try:
            current = decode_current_time(bytes(await client.read_gatt_char(u.CURRENT_TIME)))
        except (BleakError, BleCodecError) as exc:
            log.debug("%s: could not read its clock: %s", self.address, exc)
            return False
        local_now = self._clock().astimezone(self._zone).replace(tzinfo=None)
        if current.time is not None and abs(current.time - local_now) <= CLOCK_TOLERANCE:
            return False
        await client.write_gatt_char(u.CURRENT_TIME, encode_current_time(CurrentTime.from_datetime(local_now)), response=True)
        self._clock_corrected_at = self._clock()
        log.info("%s: set the device's clock (it was %s)", self.address, "unset" if current.time is None else "off")
        return True

    async def _fetch_stored(self, client: BleakClient, gone: asyncio.Event) -> None:
        """Ask for the records after the last one stored; they arrive as measurements.
        A link lost half-way ends the wait: the next connection asks again from there."""
        answered: asyncio.Future[RacpResponse | RacpNumberOfRecords] = asyncio.get_running_loop().create_future()

        def on_racp(_char, data: bytearray) -> None:
            try:
                response = decode_racp_response(bytes(data))
            except BleCodecError as exc:
                log.debug("%s: bad RACP answer: %s", self.address, exc)
                return
            if not answered.done():
                answered.set_result(response)

        await client.start_notify(u.RECORD_ACCESS_CONTROL_POINT, on_racp)
        last = await self._last_sequence() if self._last_sequence else None
        # Sequence numbers are 16-bit: from the top one, ask for everything (the store
        # keeps each record once anyway).
        request = report_records_from(last + 1) if last is not None and last < 0xFFFF else report_all_records()
        await client.write_gatt_char(u.RECORD_ACCESS_CONTROL_POINT, request, response=True)
        lost = asyncio.ensure_future(gone.wait())
        try:
            await asyncio.wait({answered, lost}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        if not answered.done():
            log.info("%s: the stored records did not all arrive (the link was lost or the device stopped)", self.address)
            return
        response = answered.result()
        if isinstance(response, RacpResponse) and not response.success and response.response_code.name != "NO_RECORDS_FOUND":
            self._set_status(problem=f"the device would not send its stored records ({response.response_code.name.lower()})")

    # -- readings ------------------------------------------------------------------------

    async def _consume(self, readings: asyncio.Queue, clock_wrong: bool) -> None:
        """Store readings in the order they came, until the session's end marker."""
        while (item := await readings.get()) is not None:
            characteristic, data = item
            await self._reading(characteristic, data, clock_wrong)

    async def _reading(self, characteristic: str, data: bytes, clock_wrong: bool) -> None:
        self._set_status(last_contact=self._clock())
        try:
            value = decode(characteristic, data)
        except BleCodecError as exc:
            log.info("%s: an unreadable value was ignored (%s)", self.address, exc.__class__.__name__)
            log.debug("%s: %s: %s", self.address, data.hex(), exc)
            return
        plain = to_json(value)
        if characteristic in self.profile.live:
            self._on_live(self.address, plain)
            return
        if not (plain.get("sequence_number") or plain.get("timestamp") or plain.get("base_time")):
            # No identity of its own (a pulse sensor's stream): BlueZ may deliver one
            # notification twice after a reconnect, back to back, so the same value
            # within REPEAT_WINDOW_S is taken as that repeat.
            key = json.dumps(plain, sort_keys=True)
            now = asyncio.get_running_loop().time()
            if now - self._recent.get(key, -10.0) < REPEAT_WINDOW_S:
                return
            self._recent = {k: t for k, t in self._recent.items() if now - t < REPEAT_WINDOW_S}
            self._recent[key] = now
        event = self._event(self.profile.measurements[characteristic], plain, clock_wrong)
        await self._on_event(event)

    def _event(self, reading_type: str, plain: dict[str, Any], clock_wrong: bool) -> Event:
        taken = self._taken_at(plain)
        # A record's identity: its sequence number, or (stamped by the device) the whole
        # record, so a repeat delivered after a reconnect is recognised.
        identity: Any = plain.get("sequence_number")
        if identity is None and taken is not None:
            identity = json.dumps(plain, sort_keys=True)
        data = {**plain, "device": self.address}
        occurred = taken or self._clock()
        if clock_wrong and taken is not None and abs(taken - self._clock()) > CLOCK_TOLERANCE:
            # Stamped by the device's clock before the hub set it: keep what it said, but
            # mark it and place it when the hub received it.
            data["device_clock_wrong"] = True
            occurred = self._clock()
        uid = (str(uuid.uuid5(READING_NAMESPACE, f"{self.address}/{reading_type}/{identity}"))
               if identity is not None else str(uuid.uuid4()))
        return Event(kind=EventKind.READING, type=reading_type, source=f"ble:{self.address}", occurred_at=occurred,
                     data=data, uid=uid)

    def _taken_at(self, plain: dict[str, Any]) -> datetime | None:
        text = plain.get("timestamp") or plain.get("base_time")
        if not text:
            return None
        moment = datetime.fromisoformat(text)
        if plain.get("time_offset_minutes"):
            moment += timedelta(minutes=plain["time_offset_minutes"])
        return moment.replace(tzinfo=self._zone).astimezone(timezone.utc)
